#!/usr/bin/env bash
# The release build of swiftgate, for `make install` and `make bench` (docs/PERFORMANCE.md, issue 12). Extra
# arguments go to `swift build` (e.g. --product swiftgate, --show-bin-path); env SWIFT names the swift binary.
#
# Why each flag (all measured as peak RSS of a connected client, docs/PERFORMANCE.md):
#  --static-swift-stdlib      the Swift runtime and Foundation linked in: no dozen Swift libraries to resolve at start.
#  -function-sections         every Swift function in its own section, so the linker can place it (below).
#  -use-ld=lld                the toolchain's lld: it packs relocations and orders sections; gold does neither.
#  -z pack-relative-relocs    90,000 relative relocations as a 17 KB DT_RELR table, not a 2.1 MB one that ld.so
#                             reads at every start (glibc 2.36 reads DT_RELR).
#  --no-export-dynamic        the executable's own symbols stay out of the dynamic table: ld.so no longer searches
#                             900 KB of them for every symbol a library looks up. Nothing looks them up by name.
#  libsecret not linked       it is loaded on first use (Sources/CSecret/shim.h), with GIO, GObject, GLib and seven
#                             more; pkg-config here gives its headers' flags and no libraries.
#  --symbol-ordering-file     the 5,000 functions a connect runs (scripts/build/startup-order.txt, made by
#                             scripts/build/startup-order.sh) placed together, instead of among 18 MB of code that
#                             the kernel maps 64 KB at a time around each first touch.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
readonly repo
order="$repo/scripts/build/startup-order.txt"
[[ -r $order ]] || { echo "release.sh: $order is missing (scripts/build/startup-order.sh makes it)" >&2; exit 1; }
pc=$(mktemp -d)
trap 'rm -rf "$pc"' EXIT
printf 'Name: libsecret-1\nDescription: headers only (scripts/build/release.sh)\nVersion: %s\nCflags: %s\nLibs:\n' \
	"$(pkg-config --modversion libsecret-1)" "$(pkg-config --cflags libsecret-1)" >"$pc/libsecret-1.pc"
cd "$repo"
# SwiftPM does not always relink when only link flags changed: drop the old binary so that these flags apply.
if [[ " $* " != *" --show-bin-path "* ]]; then
	rm -f "$(PKG_CONFIG_PATH="$pc" "${SWIFT:-swift}" build -c release --static-swift-stdlib "$@" --show-bin-path)/swiftgate"
fi
PKG_CONFIG_PATH="$pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" "${SWIFT:-swift}" build -c release --static-swift-stdlib \
	-Xswiftc -Xfrontend -Xswiftc -function-sections \
	-Xswiftc -use-ld=lld \
	-Xlinker -z -Xlinker pack-relative-relocs \
	-Xlinker --no-export-dynamic \
	-Xlinker "--symbol-ordering-file=$order" -Xlinker --no-warn-symbol-ordering \
	"$@"
