# Swiftgate. `make run` starts the full-screen client; `make test` installs what it needs and runs every test
# (unit tests, and the lab tests against a real ocserv when run as root).
SWIFT ?= swift
ROOT := $(shell id -u)
# As root (CI, sudo make test) the lab tests must run: a missing prerequisite fails them instead of skipping.
LAB_ENV := $(if $(filter 0,$(ROOT)),SWIFTGATE_LAB=required,)

.PHONY: all build run test unit lab-sweep setup clean bench fuzz demo demo-asa install uninstall

PREFIX ?= /usr/local
SYSTEMD_DIR ?= /etc/systemd/system

all: build

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

run: build
	$(SWIFT) run --skip-build swiftgate

# The brief fuzz run comes first so that the test runner's own summary is the last thing printed.
test:
	@scripts/setup.sh --lab
	$(SWIFT) build --build-tests
	@FUZZ_RUNS=$${FUZZ_RUNS:-20000} scripts/fuzz/run.sh
	@if [ "$(ROOT)" = 0 ]; then scripts/lab/lab.sh sweep; fi
	@status=0; $(LAB_ENV) $(SWIFT) test --skip-build --disable-swift-testing || status=$$?; \
	  if [ "$(ROOT)" = 0 ]; then scripts/lab/lab.sh sweep >/dev/null 2>&1; fi; exit $$status

unit: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip LabTests

# Every gateway-input parser under libFuzzer for FUZZ_SECONDS each (default 60; `make test` runs 20000 inputs each),
# from the committed corpus scripts/fuzz/corpus; prints the hours accumulated (FUZZ_KEEP=1 keeps what it found).
fuzz:
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-60} scripts/fuzz/run.sh

# A lab gateway saved as "lab" and the full-screen interface opened on it (root).
demo: setup
	@scripts/demo.sh

# The same on the lab's ASA-behaviour gateway: refusals, certificate requests, a cluster, push waits, SSO.
demo-asa: setup
	@scripts/demo.sh --asa

lab-sweep:
	scripts/lab/lab.sh sweep

# The release build (scripts/build/release.sh: the Swift runtime and Foundation linked in, lld, packed relocations,
# the functions a connect runs placed together; docs/PERFORMANCE.md, issue 12). The installed binary needs only
# Debian's libraries, not the Swift toolchain's.
RELEASE_BUILD = SWIFT="$(SWIFT)" scripts/build/release.sh

# Throughput, CPU per GB, peak RSS and connect time of Swiftgate (release build) and openconnect, side by side,
# through one lab (docs/PERFORMANCE.md), and a gnuplot chart of the medians in docs/performance-<tls|dtls>.png. Needs
# root. BENCH_ARGS passes options, e.g. BENCH_ARGS='--transport dtls --rounds 3 --before-bin /tmp/old-swiftgate'.
bench:
	@if [ "$(ROOT)" != 0 ]; then \
	  echo "make bench needs root (network namespaces, tun devices, ocserv). Run: sudo make bench" >&2; \
	  echo "(if sudo's PATH lacks swift: sudo env PATH=\"\$$PATH\" make bench)" >&2; exit 1; fi
	SWIFT="$(SWIFT)" scripts/bench/bench.sh $(BENCH_ARGS)

# The binary, and the service as systemd units (socket-activated) for the members of the swiftgate group (issue 15).
install: setup
	@if [ "$(ROOT)" != 0 ]; then echo "make install needs root: sudo env PATH=\"\$$PATH\" make install" >&2; exit 1; fi
	$(RELEASE_BUILD) --product swiftgate
	install -D -m 0755 "$$($(RELEASE_BUILD) --show-bin-path)/swiftgate" "$(DESTDIR)$(PREFIX)/bin/swiftgate"
	install -D -m 0644 README.md "$(DESTDIR)$(PREFIX)/share/doc/swiftgate/README.md"
	install -d "$(DESTDIR)$(SYSTEMD_DIR)"
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@DOCDIR@|$(PREFIX)/share/doc/swiftgate|g' contrib/systemd/swiftgate.service \
	  > "$(DESTDIR)$(SYSTEMD_DIR)/swiftgate.service"
	install -m 0644 contrib/systemd/swiftgate.socket "$(DESTDIR)$(SYSTEMD_DIR)/swiftgate.socket"
	@if [ -z "$(DESTDIR)" ]; then \
	  getent group swiftgate >/dev/null || groupadd --system swiftgate; \
	  if [ -d /run/systemd/system ]; then systemctl daemon-reload && systemctl enable --now swiftgate.socket; \
	  else echo "systemd is not running here: the first front end starts the service through sudo"; fi; \
	  echo "Add each user of the VPN to the swiftgate group: sudo usermod -aG swiftgate USER (then log in again)"; fi

uninstall:
	-systemctl disable --now swiftgate.socket swiftgate.service 2>/dev/null
	rm -f "$(DESTDIR)$(PREFIX)/bin/swiftgate" "$(DESTDIR)$(SYSTEMD_DIR)/swiftgate.service" "$(DESTDIR)$(SYSTEMD_DIR)/swiftgate.socket"
	rm -rf "$(DESTDIR)$(PREFIX)/share/doc/swiftgate"

clean:
	rm -rf .build
