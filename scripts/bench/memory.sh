#!/usr/bin/env bash
# Where a process's resident memory is, from a /proc/PID/smaps copy (bench.sh keeps one per run, taken after the
# download: bench-results/run-*/CLIENT-rN.smaps). Groups the mappings (Swift runtime, Foundation and the ICU/XML
# it brings, OpenSSL, SQLite, the executable, libc/libstdc++, anonymous memory) and prints, per group, the
# resident KB, how much of it is file-backed and shared with other processes (clean pages of a library), and
# how much is private and dirty (relocated data, heap, stacks): the part this process really costs.
# Usage: memory.sh FILE.smaps [...]
set -euo pipefail
(($#)) || { echo "usage: memory.sh FILE.smaps [...]" >&2; exit 2; }
for f in "$@"; do
	echo "== $f"
	awk '
		function group(path) {
			if (path == "" || path ~ /^\[(heap|stack|anon)/ || path ~ /^\[anon/) return "anonymous (heap, stacks, buffers)"
			if (path ~ /libswift|libdispatch|libBlocksRuntime/) return "Swift runtime (libswiftCore, concurrency, dispatch)"
			if (path ~ /Foundation|libicu|libxml2|liblzma|libz\.so/) return "Foundation (+ ICU, libxml2)"
			if (path ~ /libssl|libcrypto|libgnutls|libnettle|libhogweed|libgmp|libp11|libtasn1/) return "TLS library (OpenSSL / GnuTLS)"
			if (path ~ /libsqlite/) return "SQLite"
			if (path ~ /libc\.so|libm\.so|libstdc\+\+|libgcc_s|ld-linux|libpthread/) return "libc, libm, libstdc++, ld.so"
			if (path ~ /^\[/) return "kernel ([vdso], [vvar])"
			if (path == exe || path ~ /swiftgate|openconnect/) return "the executable"
			return "other libraries"
		}
		# The executable is the first file mapped (a PIE sits below the libraries), whatever its name (bench.sh
		# --bin /tmp/…). A release build links the Swift runtime and Foundation in (Makefile RELEASE): they are
		# then counted here, not in their own groups.
		/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : ""; if (exe == "" && name ~ /^\//) exe = name; g = group(name); next }
		/^Rss:/ { rss[g] += $2; total += $2 }
		/^Shared_Clean:/ { shared[g] += $2 }
		/^Private_Dirty:/ { dirty[g] += $2; tdirty += $2 }
		/^Private_Clean:/ { pclean[g] += $2 }
		END {
			printf "%-52s %8s %14s %14s\n", "group", "RSS KB", "shared clean", "private dirty"
			for (k in rss) printf "%-52s %8d %14d %14d\n", k, rss[k], shared[k], dirty[k] | "sort -k1,1 -t@"
			close("sort -k1,1 -t@")
			printf "%-52s %8d %14s %14d\n", "total", total, "", tdirty
		}' "$f"
done
