#!/usr/bin/env python3
"""CPU (user + sys) of commands run alternately, from the kernel's own accounting (wait4).

    scripts/cpu-compare.py N -- CMD-A ;; CMD-B ;; ...

Runs each command N times, in turn (A B A B …, so drift in the machine's load falls on all alike),
output discarded, and prints the median, minimum and first quartile of each one's CPU in ms. A
leading VAR=value word sets an environment variable for that command. Issue 13's "CPU per check"
figures come from this: `scripts/cpu-compare.py 60 -- OLD check disk.qcow2 ";;" NEW check disk.qcow2`.
"""
import os
import statistics
import sys


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    commands = [c.split() for c in " ".join(sys.argv[3:]).split(" ;; ")]
    cpu = [[] for _ in commands]
    devnull = os.open(os.devnull, os.O_WRONLY)
    for _ in range(runs):
        for k, words in enumerate(commands):
            env = dict(os.environ)
            while words and "=" in words[0] and not words[0].startswith("/"):
                key, value = words[0].split("=", 1)
                env[key] = value
                words = words[1:]
            pid = os.fork()
            if pid == 0:
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                os.execvpe(words[0], words, env)
            _, _, usage = os.wait4(pid, 0)
            cpu[k].append((usage.ru_utime + usage.ru_stime) * 1000)
    for words, ms in zip(commands, cpu):
        quartile = statistics.quantiles(ms, n=4)[0] if len(ms) > 1 else ms[0]
        print(f"median {statistics.median(ms):7.2f}  min {min(ms):7.2f}  p25 {quartile:7.2f} ms  {' '.join(words)}")


if __name__ == "__main__":
    main()
