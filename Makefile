# imagegate — every target installs what it needs (Debian 12, as root) and works on a fresh clone.
SHELL := /bin/bash
SWIFT ?= swift
CACHE ?= $(or $(IMAGEGATE_FIXTURE_CACHE),/var/tmp/imagegate-fixtures)
export IMAGEGATE_FIXTURES ?= $(CACHE)/latest
SAMPLE := $(CACHE)/latest/sample/sample.vhd
BIN := .build/release/imagegate
# The one release build: the Swift runtime and Foundation linked in, so the binary runs where no
# toolchain is (only Debian's C libraries: libarchive, libblkid, zlib, zstd, lzo, sqlite, curl).
RELEASE := -c release --static-swift-stdlib
PREFIX ?= /usr/local
DESTDIR ?=
MAN := .build/man
# The man pages' date: the last commit's, so a rebuild of the same tree gives the same pages.
MANDATE := $(shell git log -1 --format=%cs 2>/dev/null || date -u +%F)

.PHONY: deps build release man install install-check install-check-static docs fixtures sample test demo bench bench-remote fuzz fuzz-smoke check lint format clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE) --product imagegate

# ArgumentParser's generate-manual tool (the local package copy, offline) run on the release
# binary: one page per command; the hidden internal-worker and help pages are left out.
# BUILD/BUILT: how the binary and the tool are built and where they land (install-check-static
# below swaps them).
BUILD ?= $(RELEASE)
BUILT ?= .build/release
man: deps
	$(SWIFT) build $(BUILD) --product imagegate
	$(SWIFT) build $(BUILD) --product generate-manual
	rm -rf $(MAN) && mkdir -p $(MAN)
	$(BUILT)/generate-manual $(BIN) --multi-page --date $(MANDATE) --output-directory $(MAN)
	rm -f $(MAN)/imagegate.internal-worker.1 $(MAN)/imagegate.help.1
	sed -i '/^\.Xr imagegate\.\(help\|internal-worker\) 1 ,$$/d' $(MAN)/imagegate.1

# DocC for the library (Sources/ImageGate/ImageGate.docc) with the toolchain's own docc and
# swift-symbolgraph-extract over the debug build's modules: no swift-docc-plugin dependency, so
# the package resolves as it did. Output: .build/ImageGate.doccarchive.
TOOLBIN := $(dir $(realpath $(shell command -v $(SWIFT))))
docs: build
	rm -rf .build/symbol-graphs .build/ImageGate.doccarchive && mkdir -p .build/symbol-graphs
	$(TOOLBIN)swift-symbolgraph-extract -module-name ImageGate -I .build/debug/Modules -target $$(uname -m)-unknown-linux-gnu \
		-output-dir .build/symbol-graphs $(foreach m,$(wildcard Sources/C*/module.modulemap),-Xcc -fmodule-map-file=$(CURDIR)/$(m)) \
		-Xcc -fmodule-map-file=$(CURDIR)/.build/checkouts/Yams/Sources/CYaml/include/module.modulemap
	$(TOOLBIN)docc convert Sources/ImageGate/ImageGate.docc --additional-symbol-graph-dir .build/symbol-graphs \
		--fallback-display-name ImageGate --fallback-bundle-identifier imagegate.ImageGate --warnings-as-errors \
		--output-path .build/ImageGate.doccarchive

# make install PREFIX=/usr/local [DESTDIR=/staging]
install: man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/imagegate
	install -m 644 $(MAN)/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	$(BIN) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/imagegate
	$(BIN) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_imagegate
	$(BIN) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/imagegate.fish

# Installs into a staging folder and runs the installed binary as a machine without Swift would.
install-check:
	rm -rf .build/install-check
	$(MAKE) install DESTDIR=$(CURDIR)/.build/install-check PREFIX=/usr/local
	bash scripts/install-check.sh $(CURDIR)/.build/install-check/usr/local

# The same install and checks on the same kind of binary (Swift runtime and Foundation linked in
# statically), built for debugging in a folder of its own, so `make test` runs them in about a
# minute and a half instead of the release build's six. A debug build keeps every symbol, and
# GNU ld then needs the static archives in an order SwiftPM does not give them; lld does not.
STATIC_DEBUG := --scratch-path .build-static --static-swift-stdlib -Xswiftc -use-ld=lld
install-check-static: deps
	$(MAKE) install-check BUILD="$(STATIC_DEBUG)" BUILT=.build-static/debug BIN=.build-static/debug/imagegate \
		MAN=.build-static/man

fixtures: deps
	bash images/build.sh

sample: deps
	bash images/build.sh sample

# `make check`'s build first (warnings are errors, tests included), so a warning fails CI too.
test: check fixtures
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory install-check-static

# The demo runs a debug build of the one product: from a fresh clone it is ready minutes sooner
# than the static release build (`make release`, for installing: 6.5 min measured here), and
# checks the sample in about a second all the same.
demo: sample
	$(SWIFT) build --product imagegate
	@echo "== imagegate check $(SAMPLE)"
	@.build/debug/imagegate check $(SAMPLE) --stats || true

# imagegate against qemu-img+debugfs and virt-inspector (scripts/bench.sh), then the remote
# columns when the bench-remote target exists.
bench: release fixtures
	bash scripts/bench.sh
	@if grep -q '^bench-remote:' $(firstword $(MAKEFILE_LIST)); then $(MAKE) --no-print-directory bench-remote; fi

# Remote checks: local vs HTTP at 0 ms vs 50 ms added per request (nginx + FaultProxy on 127.0.0.1).
bench-remote: release fixtures
	$(SWIFT) build -c release --product BenchServer
	bash scripts/bench-remote.sh

fuzz: deps
	bash Fuzz/build.sh

# Every harness built, then run FUZZ_SECONDS each on its corpus (Fuzz/bin/corpus/NAME, empty on a
# fresh clone, kept between runs); any crash, timeout, out-of-memory or leak fails the target.
# Not part of `make test`: the instrumented build alone takes minutes.
FUZZ_SECONDS ?= 10
fuzz-smoke: deps
	bash Fuzz/build.sh --run $(FUZZ_SECONDS)

# Warnings are errors, and the tree is formatted as .swift-format says (STYLE §10: 4 spaces, 120
# columns): `make check` fails on any lint finding. `make format` rewrites the tree to pass.
check: deps lint
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors

FORMATTED := Package.swift Sources Tests Conformance Fuzz
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMATTED)

format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMATTED)

clean:
	rm -rf .build
