#!/usr/bin/env python3
"""One measured run of a command, for scripts/bench.sh: prints "<wall seconds> <peak KiB> <rchar>".

    scripts/measure.py CMD [ARG...]

The command is started with fork and exec, its output discarded, and waited for with wait4: wall
time runs from just before the fork to the return of wait4, the peak resident size is wait4's
(the largest of the command and its reaped children, as /usr/bin/time reports it), and the bytes
read are the growth of this process's own `rchar` in /proc/self/io, to which the kernel adds a
reaped child's reads and those of its children. Nothing else runs in between: the earlier
harness (/usr/bin/time, then bash running the command and `cat /proc/$$/io`) added about 8 ms to
every run, a third of an imagegate check and nothing of a peer's, so its ratios were low.
"""
import os
import sys
import time


def rchar() -> int:
    with open("/proc/self/io", "rb") as f:
        for line in f:
            if line.startswith(b"rchar:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    devnull = os.open(os.devnull, os.O_WRONLY)
    before = rchar()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.execvp(sys.argv[1], sys.argv[1:])
        finally:
            os._exit(127)
    _, _, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    print(f"{wall:.6f} {usage.ru_maxrss} {rchar() - before}")


if __name__ == "__main__":
    main()
