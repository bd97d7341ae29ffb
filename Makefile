# Swiftgate. `make run` starts the full-screen client; `make test` installs what it needs and runs every test
# (unit tests, and the lab tests against a real ocserv when run as root).
SWIFT ?= swift
ROOT := $(shell id -u)
# As root (CI, sudo make test) the lab tests must run: a missing prerequisite fails them instead of skipping.
LAB_ENV := $(if $(filter 0,$(ROOT)),SWIFTGATE_LAB=required,)

.PHONY: all build run test unit lab-sweep setup clean

all: build

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

run: build
	$(SWIFT) run --skip-build swiftgate

test:
	@scripts/setup.sh --lab
	$(SWIFT) build --build-tests
	@if [ "$(ROOT)" = 0 ]; then scripts/lab/lab.sh sweep; fi
	@status=0; $(LAB_ENV) $(SWIFT) test --skip-build --disable-swift-testing || status=$$?; \
	  if [ "$(ROOT)" = 0 ]; then scripts/lab/lab.sh sweep; fi; exit $$status

unit: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip LabTests

lab-sweep:
	scripts/lab/lab.sh sweep

clean:
	rm -rf .build
