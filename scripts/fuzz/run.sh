#!/usr/bin/env bash
# Builds SwiftgateFuzz with libFuzzer and runs every target for FUZZ_SECONDS (default 60), each seeded from the
# committed corpus scripts/fuzz/corpus/TARGET (seeds from the captured traffic in Tests/GatewayProtocolTests/Fixtures,
# shapes of shared/reference/traces, and the small inputs earlier runs found interesting). A crash leaves its
# input under .build-fuzz/crashes/TARGET/ and fails the run: replay it with
#   swift run SwiftgateFuzz TARGET FILE     and turn it into a unit test.
# Every run adds its seconds to a ledger (FUZZ_LEDGER, default ${XDG_STATE_HOME:-~/.local/state}/swiftgate/
# fuzz-ledger.tsv: one "target<TAB>seconds<TAB>date" line per run) and prints the hours accumulated per target.
# FUZZ_KEEP=1 merges what this run found into the committed corpus (libFuzzer -merge=1 keeps only inputs that add
# coverage; files over 4 KiB are left out so the corpus stays small).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-60}
# FUZZ_RUNS (with a fixed seed) makes a run deterministic: `make test` uses it, so CI sees what was seen here.
runs=${FUZZ_RUNS:-}
targets=${FUZZ_TARGETS:-"auth http connect cstp profile authflow ssoblob"}
scratch=.build-fuzz
committed=scripts/fuzz/corpus
ledger=${FUZZ_LEDGER:-${XDG_STATE_HOME:-$HOME/.local/state}/swiftgate/fuzz-ledger.tsv}
mkdir -p "$(dirname "$ledger")"

swift build --scratch-path "$scratch" --product SwiftgateFuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING >&2
binary=$scratch/debug/SwiftgateFuzz
fixtures=Tests/GatewayProtocolTests/Fixtures

seed() { # TARGET DIR
	local target=$1 dir=$2
	mkdir -p "$dir"
	case $target in
	auth | authflow) cp "$fixtures"/*.xml "$dir"/ ;;
	profile) printf '%s' '<AnyConnectProfile><ServerList><HostEntry><HostName>a</HostName><HostAddress>h</HostAddress><UserGroup>g</UserGroup></HostEntry></ServerList></AnyConnectProfile>' >"$dir/seed.xml" ;;
	http) printf 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' >"$dir/len"
		printf 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\n\r\n' >"$dir/chunked"
		printf 'HTTP/1.1 200 CONNECTED\r\nX-CSTP-MTU: 1434\r\n\r\nSTF\x01\x00\x00\x07\x00' >"$dir/connect"
		# An ASA's reply: one header per split-tunnel entry, 600 of them (issue 10, item 12).
		{ printf 'HTTP/1.1 200 CONNECTED\r\nX-CSTP-Address: 10.200.0.5\r\n'
		  for i in $(seq 0 599); do printf 'X-CSTP-Split-Include: 10.%d.%d.0/255.255.255.0\r\n' $((i / 256)) $((i % 256)); done
		  printf 'X-CSTP-Keepalive: 20\r\n\r\n'; } >"$dir/asa-split-600" ;;
	connect) printf 'X-CSTP-Address: 198.19.0.50\nX-CSTP-Netmask: 255.255.255.0\nX-CSTP-Split-Include: 198.19.0.0/255.255.255.0\nX-CSTP-MTU: 1434\nX-DTLS-Port: 4443\nX-DTLS-CipherSuite: PSK-NEGOTIATE\nX-DTLS-App-ID: d0c2\nX-DTLS-Session-ID: 6aa85e848edcf1ff5117292aaaa507f0485192f4e2103a4b3447f005d19055ec\n' >"$dir/ocserv"
		# Odd values an ASA may send: each is skipped with a warning, never fatal (issue 10, item 12).
		printf 'X-CSTP-Address: 10.0.0.1\nX-CSTP-Split-Include: 10.0.0.0/abc\nX-CSTP-Split-Exclude: 10.0.0.0/255.0.255.0\nX-CSTP-Keepalive: abc\nX-CSTP-DPD: 99999999999999999999\nX-CSTP-MTU: 70000\nX-DTLS-MTU: 12\nX-DTLS-Port: 0\nX-CSTP-Split-Include:\nX-CSTP-Idle-Timeout: -1\n' >"$dir/asa-odd" ;;
	cstp) printf 'STF\x01\x00\x04\x00\x00\x45\x00\x00\x14STF\x01\x00\x00\x03\x00' >"$dir/frames" ;;
	# A well-formed callback blob (a lab P-256 key, made-up tag/ciphertext/IV), base64 and base64url with a query.
	ssoblob) blob=AAEAAQBbMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFbRnQQ3p6vK2LmbBPy5CAzb2luJeGdLGNM1QwozCYD0cDGEdYqb+joxu7jx48k08+iaAvaqDQ6sY1327Rwd62wACAAwAAQIDBAUGBwgJCgsAAwARQWJDMTIzeHl6Nzg5dG9rZW4ABAAMDA0ODxAREhMUFRYX
		printf '%s' "$blob" >"$dir/base64"
		printf '%s?return=https%%3A%%2F%%2Fvpn.example%%2Fdone' "$(printf '%s' "$blob" | tr '+/' '-_')" >"$dir/base64url"
		printf '%s' "$blob" | base64 -d >"$dir/records" ;;
	esac
}

status=0
for target in $targets; do
	corpus=$scratch/corpus/$target crashes=$scratch/crashes/$target
	[[ -d $corpus ]] || seed "$target" "$corpus"
	# The committed corpus joins the working one every run (cp -n: what is there stays).
	if [[ -d $committed/$target ]]; then cp -n "$committed/$target"/* "$corpus"/ 2>/dev/null || true; fi
	mkdir -p "$crashes"
	started=$(date +%s)
	limit=(-max_total_time="$seconds") what="${seconds}s"
	if [[ -n $runs ]]; then limit=(-runs="$runs" -seed=1) what="$runs runs, seed 1"; fi
	echo "fuzz: $target ($what)" >&2
	# Swift's own backtracer would take the crash signal before libFuzzer could save the input.
	if ! SWIFT_BACKTRACE=enable=no SWIFTGATE_FUZZ_TARGET=$target "$binary" "${limit[@]}" -timeout=10 -rss_limit_mb=1024 \
		-max_len=65536 -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" 2>"$scratch/$target.log"; then
		echo "fuzz: $target FOUND A CRASH: see $crashes and $scratch/$target.log" >&2
		status=1
	fi
	printf '%s\t%s\t%s\n' "$target" "$(($(date +%s) - started))" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$ledger"
	grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$scratch/$target.log" | sed "s/^/fuzz: $target /" >&2 || true
	if [[ ${FUZZ_KEEP:-} == 1 ]]; then
		mkdir -p "$committed/$target" "$scratch/small/$target"
		find "$corpus" -type f -size -4097c -exec cp -n {} "$scratch/small/$target"/ \;
		SWIFT_BACKTRACE=enable=no SWIFTGATE_FUZZ_TARGET=$target "$binary" -merge=1 -max_len=4096 \
			-artifact_prefix="$crashes/" "$committed/$target" "$scratch/small/$target" 2>>"$scratch/$target.log" || true
		# Small stays small: at most 40 files a target (the smallest of the new ones go first).
		extra=$(($(find "$committed/$target" -type f | wc -l) - 40))
		if ((extra > 0)); then
			git ls-files --others --exclude-standard "$committed/$target" | xargs -r ls -S | head -n "$extra" | xargs -r rm -f
		fi
		echo "fuzz: $target corpus now $(find "$committed/$target" -type f | wc -l) files in $committed/$target" >&2
	fi
done
# Hours accumulated, per target and in all (the ledger survives `make clean`: it lives in the state directory).
awk -F'\t' '{ s[$1] += $2; t += $2 } END {
	for (k in s) printf "fuzz: %-8s %8.2f h accumulated\n", k, s[k] / 3600
	printf "fuzz: all      %8.2f h accumulated (ledger: %s)\n", t / 3600, ledger }' ledger="$ledger" "$ledger" >&2
exit $status
