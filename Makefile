# imagegate — every target installs what it needs (Debian 12, as root) and works on a fresh clone.
SHELL := /bin/bash
SWIFT ?= swift
CACHE ?= $(or $(IMAGEGATE_FIXTURE_CACHE),/var/tmp/imagegate-fixtures)
export IMAGEGATE_FIXTURES ?= $(CACHE)/latest
SAMPLE := $(CACHE)/latest/sample/sample.vhd
BIN := .build/release/imagegate

.PHONY: deps build release fixtures sample test demo bench bench-remote fuzz check clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product imagegate

fixtures: deps
	bash images/build.sh

sample: deps
	bash images/build.sh sample

# The tests are built as `make check` builds (warnings are errors), so a warning fails CI too.
test: deps fixtures
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build

demo: release sample
	@echo "== imagegate check $(SAMPLE)"
	@$(BIN) check $(SAMPLE) --stats || true

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

check: deps
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors

clean:
	rm -rf .build
