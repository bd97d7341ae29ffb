#!/usr/bin/env bash
# Writes scripts/build/startup-order.txt: the functions of swiftgate that a connect runs, for the release link
# (scripts/build/release.sh, --symbol-ordering-file). Starts a lab, then under valgrind's callgrind runs two
# connects (one with DTLS, one TLS only), each with a ping and 2 s of iperf3 each way through the tunnel, and keeps
# the names of every function of the binary that ran, first seen first. Rerun after large changes; a name that no
# longer exists is skipped by the linker, a new function not listed is only placed among the rest.
# Needs root, valgrind and iperf3. Usage: scripts/build/startup-order.sh [BINARY] (default: a fresh release build).
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
repo=$(cd "$(dirname "$0")/../.." && pwd)
readonly repo
((EUID == 0)) || { echo "startup-order.sh: needs root (the lab); run: sudo $0 $*" >&2; exit 1; }
for tool in valgrind iperf3; do
	command -v "$tool" >/dev/null || { echo "startup-order.sh: needs $tool (apt-get install $tool)" >&2; exit 1; }
done
bin=${1:-}
if [[ -z $bin ]]; then
	"$repo/scripts/build/release.sh" --product swiftgate >&2
	bin="$("$repo/scripts/build/release.sh" --show-bin-path)/swiftgate"
fi
work=$(mktemp -d)
lab="$work/lab"
cleanup() {
	pkill -TERM -f "callgrind-out-file=$work/" 2>/dev/null || true
	"$repo/scripts/lab/lab.sh" down "$lab" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
"$repo/scripts/lab/lab.sh" up "$lab" >"$work/lab.log" 2>&1 || { cat "$work/lab.log" >&2; exit 1; }
env_get() { sed -n "s/^$1=//p" "$lab/lab.env" | sed "s/^'\(.*\)'$/\1/"; }
client_ns=$(env_get CLIENT_NS) gw_ns=$(env_get GW_NS) url=$(env_get URL) ca=$(env_get CA_FILE)
printf 'secret\n' >"$work/pass"

run() { # NAME READY-PATTERN [connect options]
	local name=$1 ready=$2 out="$work/$1.callgrind" pid port i
	shift 2
	ip netns exec "$client_ns" valgrind --tool=callgrind --callgrind-out-file="$out" --dump-instr=no \
		--compress-strings=no --compress-pos=no --demangle=no \
		"$bin" connect "$url" --cafile "$ca" --user alice --group Engineering --passwd-on-stdin --non-interactive \
		--events json --script /usr/share/vpnc-scripts/vpnc-script "$@" <"$work/pass" >"$out.events" 2>"$out.err" &
	pid=$!
	for ((i = 0; i < 1200; i++)); do
		grep -q "$ready" "$out.events" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || { cat "$out.err" >&2; echo "startup-order.sh: $name: the client exited" >&2; exit 1; }
		sleep 0.1
	done
	grep -q "$ready" "$out.events" || { echo "startup-order.sh: $name: no tunnel after 120 s" >&2; exit 1; }
	ip netns exec "$client_ns" ping -c 3 -i 0.2 198.19.0.1 >/dev/null
	for port in 5311 5312; do
		ip netns exec "$gw_ns" iperf3 -s -1 -B 198.19.0.1 -p "$port" >/dev/null 2>&1 &
		sleep 0.5
		ip netns exec "$client_ns" iperf3 -c 198.19.0.1 -p "$port" -t 2 $([[ $port == 5312 ]] && echo -R) >/dev/null
	done
	kill -TERM "$pid"
	wait "$pid" || true
}
run dtls '"channel":"dtls","state":"up"'
run tls '"event":"connected"' --no-dtls

# Function names of the binary's object in the callgrind files ("fn=" ran; "cfn=" was called, in "cob=" or the
# caller's object); "'N" marks a recursion level, "0x…" an address without a symbol.
awk -v target="$bin" '
	function add(name) { sub(/'\''[0-9]+$/, "", name); if (name !~ /^(\(|0x)/ && !(name in seen)) { seen[name] = 1; print name } }
	/^ob=/ { ob = substr($0, 4); next }
	/^cob=/ { cob = substr($0, 5); next }
	/^fn=/ { if (ob == target) add(substr($0, 4)); cob = ""; next }
	/^cfn=/ { if ((cob != "" ? cob : ob) == target) add(substr($0, 5)); cob = ""; next }
' "$work/dtls.callgrind" "$work/tls.callgrind" >"$work/order.txt"
count=$(wc -l <"$work/order.txt")
((count > 1000)) || { echo "startup-order.sh: only $count functions found; is $bin the binary that ran?" >&2; exit 1; }
mv "$work/order.txt" "$repo/scripts/build/startup-order.txt"
echo "startup-order.sh: $count functions in scripts/build/startup-order.txt" >&2
