#!/usr/bin/env bash
# Swiftgate throughput benchmark (docs/PERFORMANCE.md). Starts one lab (scripts/lab/lab.sh), runs iperf3 -s in
# the gateway namespace on the tunnel address, then, in the same lab and the same run, for each client
# (Swiftgate, then openconnect 9.01 as the reference): connect, measure upload and download with iperf3, the
# client's CPU seconds per GB moved, its peak RSS and its time to connect; stop it cleanly. --rounds N repeats
# that, alternating the clients, and reports medians. Then iperf3 straight over the veth (no VPN) for the ceiling.
# Writes bench-results/RESULTS-<UTC stamp>.json and .md (rendered by report.jq), keeps the raw logs in
# bench-results/run-<stamp>/, and prints a side-by-side table. Needs root. Usage: see `bench.sh --help`.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
readonly here repo
readonly LAB_SH="$repo/scripts/lab/lab.sh"
readonly VPNC_SCRIPT=/usr/share/vpnc-scripts/vpnc-script
readonly GROUP=Engineering          # both clients log in to the same group
readonly IPERF_PORT=5201            # on the tunnel address (198.19.0.1) in the gateway namespace
readonly BASELINE_PORT=5202         # on the veth address (198.18.0.1): the no-VPN ceiling
readonly CONNECT_TIMEOUT_MS=30000   # client start -> tunnel usable
readonly STOP_TIMEOUT_MS=15000      # stop signal -> process gone (then SIGKILL, recorded as unclean)
readonly POLL=0.01                  # seconds between polls (iperf3 server, warm-up)
readonly READY_POLL=0.001           # seconds between connect-readiness polls: builtins only, no fork (below)

duration=${BENCH_SECONDS:-10}
transport=${BENCH_TRANSPORT:-tls}  # tls: both clients with --no-dtls; dtls: both measured once DTLS carries data
rounds=${BENCH_ROUNDS:-1}
wait_idle=0
clients="swiftgate,openconnect"
baseline=1
build=auto
bin=${SWIFTGATE_BIN:-}
before_bin=""
chart_dir=""   # default: docs/ in the repo (set after parsing)
out_dir=${BENCH_OUT:-$repo/bench-results}
swift=${SWIFT:-swift}

usage() {
	cat <<'EOF'
usage: scripts/bench/bench.sh [options]          (as root; or: sudo make bench)

  -t, --seconds N     iperf3 duration per direction (default 10; env BENCH_SECONDS)
  -r, --rounds N      repeat every client N times, alternating; figures are medians (default 1; env BENCH_ROUNDS)
  --wait-idle S       first wait up to S seconds for the machine to be idle (<20% busy over 2 s)
  --clients LIST      comma-separated, in order (default swiftgate,openconnect)
  --bin PATH          Swiftgate binary to measure (env SWIFTGATE_BIN); implies --no-build
  --before-bin PATH   also measure this older Swiftgate binary, as client "swiftgate-before" (before/after)
  --chart-dir DIR     where the chart PNG goes (default docs/; "none" draws none)
  --no-build          do not (re)build .build/release/swiftgate even if sources are newer
  --no-baseline       skip the direct veth run (no VPN) that shows the machine's ceiling
  --out DIR           results directory (default bench-results/ in the repo; env BENCH_OUT)
  -h, --help          this text

Without --bin, the script builds `scripts/build/release.sh --product swiftgate` when .build/release/swiftgate is
missing or older than Sources/, Package.swift, Package.resolved or scripts/build/ (env SWIFT names the swift
binary).
EOF
}

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

orig_args=("$@")
while (($#)); do
	case $1 in
	-t | --seconds) duration=${2:?--seconds needs a value}; shift 2 ;;
	-r | --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
	--wait-idle) wait_idle=${2:?--wait-idle needs a value}; shift 2 ;;
	--clients) clients=${2:?--clients needs a value}; shift 2 ;;
	--bin) bin=${2:?--bin needs a value}; build=no; shift 2 ;;
	--no-build) build=no; shift ;;
	--before-bin) before_bin=${2:?--before-bin needs a path}; shift 2 ;;
	--chart-dir) chart_dir=${2:?--chart-dir needs a directory}; shift 2 ;;
	--no-baseline) baseline=0; shift ;;
	--transport) transport=${2:?--transport needs tls or dtls}; shift 2 ;;
	--out) out_dir=${2:?--out needs a value}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done
[[ $duration =~ ^[1-9][0-9]*$ ]] || die "--seconds: a positive whole number, not '$duration'"
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds: a positive whole number, not '$rounds'"
[[ $transport == tls || $transport == dtls ]] || die "--transport: tls or dtls, not '$transport'"
dtls_flag=()
[[ $transport == dtls ]] || dtls_flag=(--no-dtls)
[[ $wait_idle =~ ^[0-9]+$ ]] || die "--wait-idle: a whole number of seconds, not '$wait_idle'"
IFS=, read -r -a client_list <<<"$clients"
if [[ -n $before_bin ]]; then
	[[ -x $before_bin ]] || die "--before-bin: no executable at $before_bin"
	[[ ,$clients, == *,swiftgate-before,* ]] || client_list=(swiftgate-before "${client_list[@]}")
fi
for c in "${client_list[@]}"; do
	[[ $c == swiftgate || $c == openconnect || $c == swiftgate-before ]] ||
		die "--clients: unknown client '$c' (swiftgate, openconnect; swiftgate-before with --before-bin)"
done
[[ -n $chart_dir ]] || chart_dir="$repo/docs"
[[ -n $bin ]] && build=no
[[ -n $bin ]] || bin="$repo/.build/release/swiftgate"

if ((EUID != 0)); then
	log "error: the benchmark needs root (network namespaces, tun devices, ocserv)."
	log "fix: sudo make bench   (or: sudo $0${orig_args[*]:+ ${orig_args[*]}})"
	exit 1
fi

# ----------------------------------------------------------------------------------------- helpers

now_ms() { date +%s%3N; }
# The same clock without a fork (bash's EPOCHREALTIME), into NOW_MS: the readiness poll reads it every turn.
stamp_ms() { local t=${EPOCHREALTIME/[.,]/}; NOW_MS=$((t / 1000)); }
# A sleep without a fork: a read with a timeout on a pipe nobody else writes to, opened once here.
exec {nap_fd}<> <(:)
nap() { read -r -t "$1" -u "$nap_fd" _ || true; }

# Fields of /proc/PID/stat after "pid (comm) ": [0]=state ... [11]=utime [12]=stime (clock ticks).
proc_stat_fields() { # PID -> sets the array STAT (empty if the process is gone)
	local line
	STAT=()
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1  # a builtin: the readiness poll calls this every ms
	read -r -a STAT <<<"${line##*) }"
}

pid_running() { # PID: true while it exists and is not a zombie
	proc_stat_fields "$1" || return 1
	[[ ${STAT[0]} != Z ]]
}

cpu_ticks() { # PID -> utime+stime in clock ticks; nothing if the process is gone
	if proc_stat_fields "$1"; then echo $((STAT[11] + STAT[12])); fi
}

vm_hwm_kb() { # PID -> peak resident set size (VmHWM) in kB
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

stop_pid() { # PID SIGNAL TIMEOUT_MS -> 0 if it exited by itself after SIGNAL, 1 if it needed SIGKILL
	local pid=$1 sig=$2 deadline
	pid_running "$pid" || return 0
	kill "-$sig" "$pid" 2>/dev/null || true
	deadline=$(($(now_ms) + $3))
	while pid_running "$pid"; do
		if (($(now_ms) > deadline)); then
			kill -KILL "$pid" 2>/dev/null || true
			return 1
		fi
		sleep "$POLL"
	done
	return 0
}

cpu_busy_pct() { # SECONDS -> percentage of all CPUs' time that was busy over that interval (/proc/stat)
	local a b total idle
	read -r -a a </proc/stat
	sleep "$1"
	read -r -a b </proc/stat
	total=$(((b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + b[7] + b[8]) - (a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8])))
	idle=$(((b[4] + b[5]) - (a[4] + a[5])))
	((total > 0)) || { echo 0; return; }
	echo $((100 * (total - idle) / total))
}

env_get() { # KEY -> value from lab.env (docs/lab.md: split at the first '=', strip one pair of quotes)
	local line value
	line=$(grep -m1 "^$1=" "$lab_dir/lab.env") || die "lab.env has no $1"
	value=${line#*=}
	if [[ $value == \'*\' ]]; then value=${value:1:${#value}-2}; fi
	printf '%s\n' "$value"
}

tail_file() { # FILE: its last lines (cut at 200 characters), indented, to stderr
	if [[ -s $1 ]]; then tail -n 8 "$1" | cut -c1-200 | sed 's/^/    /' >&2; fi
}

# ----------------------------------------------------------------------------------------- cleanup

lab_dir=""
lab_started=0
client_pid=""
client_signal=TERM
iperf_client_pid=""
TUN=""
declare -A server_pid=() server_addr=() # by port
pass_file=""

cleanup() {
	local status=$? pid
	trap - EXIT INT TERM
	if [[ -n $iperf_client_pid ]]; then stop_pid "$iperf_client_pid" TERM 3000 || true; fi
	if [[ -n $client_pid ]]; then stop_pid "$client_pid" "$client_signal" 5000 || true; fi
	for pid in "${server_pid[@]}"; do stop_pid "$pid" TERM 3000 || true; done
	if ((lab_started)); then
		"$LAB_SH" down "$lab_dir" 2>>"$run_dir/lab.log" || true
		log "lab down"
	fi
	[[ -n $pass_file ]] && rm -f "$pass_file"
	exit "$status"
}

# ----------------------------------------------------------------------------------------- prerequisites

"$LAB_SH" install
if ! command -v jq >/dev/null 2>&1; then
	log "installing jq (results are written with it)"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq
fi
if [[ $chart_dir != none ]] && ! command -v gnuplot >/dev/null 2>&1; then
	log "installing gnuplot-nox (the chart is drawn with it)"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnuplot-nox
fi

needs_build() {
	[[ -x $bin ]] || return 0
	[[ -n $(find "$repo/Sources" "$repo/Package.swift" "$repo/Package.resolved" "$repo/scripts/build" -newer "$bin" -print -quit 2>/dev/null) ]]
}
for c in "${client_list[@]}"; do
	[[ $c == swiftgate ]] || continue
	if [[ $build == auto ]] && needs_build; then
		command -v "$swift" >/dev/null 2>&1 ||
			die "no '$swift' on PATH to build the release binary (sudo resets PATH: sudo env PATH=\"\$PATH\" make bench)"
		# As `make install` builds it (scripts/build/release.sh).
		log "building the release binary: scripts/build/release.sh --product swiftgate (minutes on 2 cores)"
		SWIFT="$swift" "$repo/scripts/build/release.sh" --product swiftgate >&2
	fi
	[[ -x $bin ]] || die "no Swiftgate binary at $bin"
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
run_dir="$out_dir/run-$stamp"
mkdir -p "$run_dir"
lab_dir="$run_dir/lab"
results_json="$out_dir/RESULTS-$stamp.json"
results_md="$out_dir/RESULTS-$stamp.md"

# Everything shares the machine's cores: other work (a build, another lab's tests) skews every figure. Say so.
if ((wait_idle > 0)); then
	idle_deadline=$((SECONDS + wait_idle))
	busy_now=$(cpu_busy_pct 2)
	if ((busy_now >= 20)); then log "machine $busy_now% busy: waiting up to ${wait_idle} s for it to be idle"; fi
	while ((busy_now >= 20 && SECONDS < idle_deadline)); do busy_now=$(cpu_busy_pct 2); done
	if ((busy_now < 20)); then log "machine idle ($busy_now% busy over 2 s)"; fi
fi
busy_start=$(cpu_busy_pct 1)
load_start=$(cut -d' ' -f1 /proc/loadavg)
other_labs=$(ip netns list | grep -c '^sg-[0-9a-f]*-gw' || true)
if ((busy_start >= 20 || other_labs > 0)); then
	log "warning: the machine is not idle ($busy_start% busy over 1 s, $other_labs other lab(s)): figures will be noisy"
fi

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------------------------------- the lab

log "starting the lab in $lab_dir"
lab_started=1 # `up` removes what it made if it fails; `down` is idempotent
"$LAB_SH" up "$lab_dir" 2>>"$run_dir/lab.log" || { tail_file "$run_dir/lab.log"; die "lab.sh up failed"; }
CLIENT_NS=$(env_get CLIENT_NS)
GW_NS=$(env_get GW_NS)
URL=$(env_get URL)
CA_FILE=$(env_get CA_FILE)
GW_ADDR=$(env_get GW_ADDR)
VPN_GW_ADDR=$(env_get VPN_GW_ADDR)
# As /proc/net/route prints it: the address's bytes read as a little-endian integer.
IFS=. read -r _a _b _c _d <<<"$VPN_GW_ADDR"
VPN_GW_ADDR_LE=$(((_d << 24) | (_c << 16) | (_b << 8) | _a))
OCCTL_SOCKET=$(env_get OCCTL_SOCKET)
CLIENT_VETH=$(env_get CLIENT_VETH)
VPN_USER=$(env_get ALICE_USER)
pass_file=$(mktemp /tmp/swiftgate-bench-pass.XXXXXX) # mode 0600
env_get ALICE_PASS >"$pass_file"
log "lab $(env_get LAB_ID) up: $URL"

# The tunnel address exists in the gateway namespace only while a client is connected (ocserv makes one tun
# per session), so the server binds it ahead of time; the sysctl is per namespace and goes with it.
ip netns exec "$GW_NS" sysctl -q -w net.ipv4.ip_nonlocal_bind=1

start_iperf_server() { # ADDR PORT
	local log="$run_dir/iperf3-server-$2.log" pid deadline
	ip netns exec "$GW_NS" iperf3 -s -B "$1" -p "$2" >>"$log" 2>&1 &
	pid=$!
	server_pid[$2]=$pid server_addr[$2]=$1
	deadline=$(($(now_ms) + 10000))
	until [[ -n $(ip netns exec "$GW_NS" ss -Hltn "sport = :$2") ]]; do
		pid_running "$pid" || { tail_file "$log"; die "iperf3 -s on $1:$2 exited"; }
		(($(now_ms) < deadline)) || die "iperf3 -s on $1:$2 is not listening after 10 s"
		sleep "$POLL"
	done
}

# After a failed test the server may still be in it ("the server is busy running a test") until TCP gives up on
# a tunnel that is gone: start a fresh one so that the next client is measured.
restart_iperf_server() { # PORT
	stop_pid "${server_pid[$1]}" TERM 3000 || true
	wait "${server_pid[$1]}" 2>/dev/null || true
	start_iperf_server "${server_addr[$1]}" "$1"
}

start_iperf_server "$VPN_GW_ADDR" "$IPERF_PORT"
if ((baseline)); then start_iperf_server "$GW_ADDR" "$BASELINE_PORT"; fi

# ----------------------------------------------------------------------------------------- measuring

occtl_json() { ip netns exec "$GW_NS" occtl -s "$OCCTL_SOCKET" -j "$@" 2>/dev/null; }

session_field() { # FIELD -> that field of the (last) connected session of the benchmark user
	occtl_json show user "$VPN_USER" | jq -r --arg f "$1" \
		'[.[]? | select(.State == "connected")] | last | .[$f] // empty' 2>/dev/null || true
}

tun_ready() { # -> prints the client's tun device once it holds a tunnel address and routes the gateway
	local dev
	dev=$(ip -n "$CLIENT_NS" -o -4 addr show | awk -v p="${VPN_GW_ADDR%.*}." \
		'index($4, p) == 1 { print $2; exit }')
	[[ -n $dev ]] || return 1
	ip -n "$CLIENT_NS" route get "$VPN_GW_ADDR" 2>/dev/null | grep -q " dev $dev " || return 1
	printf '%s\n' "$dev"
}

link_stats() { # DEV -> its stats64 in the client namespace, as compact JSON ("null" if it is gone)
	ip -n "$CLIENT_NS" -s -j link show dev "$1" 2>/dev/null | jq -c '.[0].stats64 // null' 2>/dev/null || echo null
}

# One iperf3 run, in this shell (so that cleanup knows its pid, and a signal is handled at once: `wait` returns
# when a trapped signal arrives, a foreground child would be waited for). On success sets IPERF to a JSON object
# with the throughput, the client's and the gateway worker's CPU over the run and, with a tunnel (TUN set), the
# packet counters of the tun and of the veth that carries the TLS connection (client namespace).
iperf_run() { # NAME PORT TARGET CLIENT_PID|"" WORKER_PID|"" [-R]
	local name=$1 port=$2 target=$3 cpid=$4 wpid=$5 reverse=${6:-} raw c0 c1 w0 w1 status=0
	local tun0=null tun1=null veth0=null veth1=null perf_pid="" syscalls=null
	IPERF=null
	raw="$run_dir/$name.json"
	c0="" c1="" w0="" w1=""
	if [[ -n $TUN ]]; then tun0=$(link_stats "$TUN") veth0=$(link_stats "$CLIENT_VETH"); fi
	if [[ -n $cpid ]]; then c0=$(cpu_ticks "$cpid"); fi
	if [[ -n $wpid ]]; then w0=$(cpu_ticks "$wpid"); fi
	# The client's system calls over the run (every thread), counted by the kernel's tracepoint: steadier than
	# CPU time on a shared machine, and what batching cuts.
	if [[ -n $cpid ]] && ((have_perf)); then
		perf stat -x, -e raw_syscalls:sys_enter -p "$cpid" -o "$run_dir/$name.perf" >/dev/null 2>&1 &
		perf_pid=$!
	fi
	# shellcheck disable=SC2086 # $reverse is empty or -R
	timeout $((duration + 30)) ip netns exec "$CLIENT_NS" \
		iperf3 -c "$target" -p "$port" -t "$duration" -J --connect-timeout 5000 $reverse >"$raw" 2>&1 &
	iperf_client_pid=$!
	# A client that dies mid-test leaves iperf3 hanging on a dead tunnel: stop it at once instead of at the timeout.
	while pid_running "$iperf_client_pid"; do
		if [[ -n $cpid ]] && ! pid_running "$cpid"; then
			log "$name: the client process exited during the test"
			stop_pid "$iperf_client_pid" TERM 3000 || true
			break
		fi
		sleep 0.1
	done
	wait "$iperf_client_pid" || status=$?
	iperf_client_pid=""
	if [[ -n $perf_pid ]]; then
		kill -INT "$perf_pid" 2>/dev/null || true
		wait "$perf_pid" 2>/dev/null || true
		syscalls=$(awk -F, '/raw_syscalls:sys_enter/ && $1 ~ /^[0-9]+$/ {print $1}' "$run_dir/$name.perf" 2>/dev/null)
		[[ -n $syscalls ]] || syscalls=null
	fi
	if [[ -n $cpid ]]; then c1=$(cpu_ticks "$cpid"); fi
	if [[ -n $wpid ]]; then w1=$(cpu_ticks "$wpid"); fi
	if [[ -n $TUN ]]; then tun1=$(link_stats "$TUN") veth1=$(link_stats "$CLIENT_VETH"); fi
	if ((status != 0)) || ! jq -e '.end.sum_received.bytes > 0' "$raw" >/dev/null 2>&1 ||
		[[ -n $cpid && (-z $c0 || -z $c1) ]]; then
		log "$name: iperf3 failed (exit $status): $(jq -r '.error // empty' "$raw" 2>/dev/null || head -c 300 "$raw")"
		restart_iperf_server "$port"
		return 1
	fi
	# A gateway worker that is not found (or gone) leaves its figure out rather than failing the run.
	if [[ -z $w0 || -z $w1 ]]; then wpid="" w0=0 w1=0; fi
	c0=${c0:-0} c1=${c1:-0}
	IPERF=$(jq -c --argjson tck "$clk_tck" --argjson cpu $((c1 - c0)) --argjson gw $((w1 - w0)) \
		--argjson has_cpu "$([[ -n $cpid ]] && echo true || echo false)" \
		--argjson has_gw "$([[ -n $wpid ]] && echo true || echo false)" \
		--argjson tun0 "$tun0" --argjson tun1 "$tun1" --argjson veth0 "$veth0" --argjson veth1 "$veth1" \
		--argjson syscalls "$syscalls" \
		--argjson reverse "$([[ -n $reverse ]] && echo true || echo false)" '
		def delta($a; $b): if $a == null or $b == null then null else {
			rx_packets: ($b.rx.packets - $a.rx.packets), tx_packets: ($b.tx.packets - $a.tx.packets),
			rx_dropped: ($b.rx.dropped - $a.rx.dropped), tx_dropped: ($b.tx.dropped - $a.tx.dropped)} end;
		(.end.sum_received.bytes) as $bytes
		| delta($tun0; $tun1) as $tun | delta($veth0; $veth1) as $veth
		| {
			mbit_s: (.end.sum_received.bits_per_second / 1e6),
			bytes: $bytes,
			seconds: .end.sum_received.seconds,
			retransmits: (.end.sum_sent.retransmits // null),
			client_cpu_s: (if $has_cpu then $cpu / $tck else null end),
			client_cpu_s_per_gb: (if $has_cpu then ($cpu / $tck) / ($bytes / 1e9) else null end),
			client_syscalls: $syscalls,
			client_syscalls_per_mb: (if $syscalls == null then null else $syscalls / ($bytes / 1e6) end),
			gateway_cpu_s: (if $has_gw then $gw / $tck else null end),
			gateway_cpu_s_per_gb: (if $has_gw then ($gw / $tck) / ($bytes / 1e9) else null end),
			tun_packets: $tun, veth_packets: $veth,
			# Data direction: upload = tun tx (the client reads) -> veth tx; download = veth rx -> tun rx (it writes).
			veth_packets_per_tun_packet: (if $tun == null or $veth == null then null
				elif $reverse then (if $tun.rx_packets > 0 then $veth.rx_packets / $tun.rx_packets else null end)
				else (if $tun.tx_packets > 0 then $veth.tx_packets / $tun.tx_packets else null end) end)
		}' "$raw")
}

clk_tck=$(getconf CLK_TCK)
have_perf=0
if command -v perf >/dev/null 2>&1 && perf stat -x, -e raw_syscalls:sys_enter true >/dev/null 2>&1; then have_perf=1; fi

launch_client() { # CLIENT LOG_PREFIX -> sets client_pid, client_signal; stdout/stderr go to LOG_PREFIX.out/.err
	local c=$1 logs=$2
	case $c in
	swiftgate | swiftgate-before)
		client_signal=TERM
		local b=$bin
		[[ $c == swiftgate ]] || b=$before_bin
		ip netns exec "$CLIENT_NS" "$b" connect "$URL" --cafile "$CA_FILE" --user "$VPN_USER" --group "$GROUP" \
			--passwd-on-stdin --non-interactive "${dtls_flag[@]}" --events json --script "$VPNC_SCRIPT" \
			<"$pass_file" >"$logs.out" 2>"$logs.err" &
		;;
	openconnect)
		client_signal=INT
		ip netns exec "$CLIENT_NS" openconnect "${dtls_flag[@]}" --cafile "$CA_FILE" --user "$VPN_USER" --passwd-on-stdin \
			--authgroup "$GROUP" --non-inter --script "$VPNC_SCRIPT" "$URL" \
			<"$pass_file" >"$logs.out" 2>"$logs.err" &
		;;
	esac
	client_pid=$!
}

# The same rule for both clients: the client has said the gateway configured the tunnel (openconnect's
# "Configured as", Swiftgate's `cstp` phase done) and, over DTLS, that DTLS is up; and the kernel shows a route
# through the tun that covers VPN_GW_ADDR, in /proc/PID/net/route (the client's namespace). Neither waits for its
# vpnc-script to exit: openconnect prints "Configured as" before the script runs, and its route is in place a few
# ms before the script's last lines end (docs/PERFORMANCE.md, "Connect time"). Until the seventh pass Swiftgate's
# rule waited for its `connected` event, which follows the script's exit; the phases below still show that event.
# Builtins only, no fork, for the poll of every ~1 ms: a poll that forked grep, ip and awk each turn saw a state
# 10-30 ms after it was reached, and took CPU from the client it was timing. tun_ready, with its forks of ip, then
# confirms it once; the time taken is the time this check first passed. The vpnc-script sets the address before
# the routes, so the route implies the address.
client_ready() { # CLIENT LOG_PREFIX PID
	local lines="" more="" iface dest gw flags refcnt use metric mask rest target
	read -r -d '' lines <"$2.out" || true
	case $1 in
	swiftgate | swiftgate-before)
		[[ $lines =~ \"phase\"\ *:\ *\"cstp\"\ *,\ *\"state\"\ *:\ *\"done\" ]] || return 1
		[[ $transport == tls || $lines =~ \"channel\"\ *:\ *\"dtls\"\ *,\ *\"state\"\ *:\ *\"up\" ]] || return 1
		;;
	openconnect)
		read -r -d '' more <"$2.err" || true
		lines+=$more
		[[ $lines == *"Configured as"* ]] || return 1
		[[ $transport == tls || $lines == *"Established DTLS connection"* || $lines == *"DTLS connected"* ]] || return 1
		;;
	esac
	target=$(( ${VPN_GW_ADDR_LE:?} ))
	while read -r iface dest gw flags refcnt use metric mask rest; do
		[[ $iface == tun* ]] || continue  # both clients' tun is the kernel's tunN here
		(( (0x$dest & 0x$mask) == (target & 0x$mask) )) && return 0
	done 2>/dev/null <"/proc/$3/net/route"
	return 1
}

# Runs one client end to end (in this shell, so that cleanup knows its pid); sets RESULT to its result object,
# always, with "error" set on failure.
run_client() { # CLIENT ROUND
	local c=$1 round=$2 logs="$run_dir/$1-r$2" busy t0 pid t_ready="" connect_ms="" dev="" mtu="" worker="" cipher="" up="" down="" rss="" error=""
	local stop_ms="" clean_stop=false exit_code="" stopped version deadline phases=null exited_itself=false
	case $c in
	swiftgate) version="swiftgate $(basename "$(dirname "$bin")") build of $(date -u -r "$bin" +%Y-%m-%dT%H:%M:%SZ)" ;;
	swiftgate-before) version="swiftgate-before $before_bin, built $(date -u -r "$before_bin" +%Y-%m-%dT%H:%M:%SZ)" ;;
	openconnect) version=$(openconnect --version 2>&1 | head -n1) ;;
	esac
	busy=$(cpu_busy_pct 1)
	log "round $round/$rounds, $c: connecting (machine $busy% busy over the last second)"
	t0=$(now_ms)
	launch_client "$c" "$logs"
	pid=$client_pid
	deadline=$((t0 + CONNECT_TIMEOUT_MS))
	while :; do
		stamp_ms
		if client_ready "$c" "$logs" "$client_pid" && dev=$(tun_ready); then
			t_ready=$NOW_MS
			break
		fi
		if ! pid_running "$client_pid"; then error="exited before the tunnel was up"; break; fi
		if ((NOW_MS > deadline)); then error="no tunnel after $((CONNECT_TIMEOUT_MS / 1000)) s"; break; fi
		nap "$READY_POLL"
	done
	if [[ -z $error ]]; then
		connect_ms=$((t_ready - t0))
		mtu=$(ip -n "$CLIENT_NS" -o link show dev "$dev" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
		worker=$(session_field ID)
		TUN=$dev
		cipher=$(session_field "TLS ciphersuite")
		log "$c: connected in $connect_ms ms ($dev, MTU $mtu, $cipher); upload ${duration} s"
		if iperf_run "$c-r$round-upload" "$IPERF_PORT" "$VPN_GW_ADDR" "$client_pid" "$worker"; then
			up=$IPERF
		else
			error="upload failed"
		fi
	fi
	if [[ -z $error ]]; then
		log "$c: download ${duration} s"
		if iperf_run "$c-r$round-download" "$IPERF_PORT" "$VPN_GW_ADDR" "$client_pid" "$worker" -R; then
			down=$IPERF
		else
			error="download failed"
		fi
	fi
	if pid_running "$client_pid"; then
		rss=$(vm_hwm_kb "$client_pid")
		# Where the memory is (docs/PERFORMANCE.md, "Memory"): the mappings at the end of the run.
		cat "/proc/$client_pid/smaps" >"$logs.smaps" 2>/dev/null || true
		grep -E '^(VmHWM|VmRSS|RssAnon|RssFile|Threads)' "/proc/$client_pid/status" >"$logs.status" 2>/dev/null || true
		log "$c: stopping (SIG$client_signal)"
		stopped=$(now_ms)
		if stop_pid "$client_pid" "$client_signal" "$STOP_TIMEOUT_MS"; then clean_stop=true; fi
		stop_ms=$(($(now_ms) - stopped))
		[[ $clean_stop == true ]] || log "$c: did not exit within $((STOP_TIMEOUT_MS / 1000)) s of SIG$client_signal; killed"
	else
		exited_itself=true
		[[ -n $error ]] || error="exited during the measurement"
	fi
	wait "$client_pid" 2>/dev/null && exit_code=0 || exit_code=$?
	client_pid=""
	TUN=""
	[[ -z $error ]] || {
		log "$c: FAILED: $error (exit $exit_code); last output:"
		tail_file "$logs.err"
		tail_file "$logs.out"
	}
	if [[ $c == swiftgate* && -n $connect_ms ]]; then phases=$(swiftgate_phases "$t0" "$t_ready" "$logs.out"); fi
	# The next client starts from a gateway with no session of this user.
	deadline=$(($(now_ms) + 10000))
	while [[ -n $(session_field ID) ]] && (($(now_ms) < deadline)); do sleep 0.1; done
	RESULT=$(jq -n -c --arg client "$c" --argjson round "$round" --argjson busy "$busy" --argjson pid "$pid" --arg version "$version" --arg error "$error" --arg dev "$dev" \
		--arg mtu "$mtu" --arg cipher "$cipher" --arg connect_ms "$connect_ms" --arg rss "$rss" \
		--arg stop_ms "$stop_ms" --argjson clean_stop "$clean_stop" --arg exit_code "$exit_code" \
		--argjson exited_itself "$exited_itself" \
		--arg signal "SIG$client_signal" --argjson up "${up:-null}" --argjson down "${down:-null}" \
		--argjson phases "$phases" '
		def num: if . == "" then null else tonumber end;
		{
			client: $client, round: $round, pid: $pid, busy_pct_before: $busy, version: $version, ok: ($error == ""), error: (if $error == "" then null else $error end),
			connect_ms: ($connect_ms | num), connect_phases_ms: $phases, tun: (if $dev == "" then null else $dev end), tun_mtu: ($mtu | num),
			tls_cipher: (if $cipher == "" then null else $cipher end),
			upload: $up, download: $down,
			peak_rss_mb: (if $rss == "" then null else ($rss | tonumber) / 1024 end),
			stop: (if $exited_itself then {signal: null, ms: null, clean: null, exit_code: ($exit_code | num), exited_by_itself: true}
				else {signal: $signal, ms: ($stop_ms | num), clean: $clean_stop, exit_code: ($exit_code | num), exited_by_itself: false} end)
		}')
}

# Where Swiftgate's connect time goes, from its JSON events (millisecond timestamps): process start to its first
# event, TLS handshake, group + login forms, CONNECT, tun + vpnc-script (to the `connected` event, after the
# script's exit), and from that event to the tunnel being seen as usable here (negative: seen before it, once
# the script had set the address and route).
swiftgate_phases() { # T0_MS READY_MS EVENTS_FILE
	jq -s -c --argjson t0 "$1" --argjson ready "$2" '
		def ms: (.time | capture("^(?<s>[^.]+)\\.(?<f>[0-9]+)Z$")) as $m
			| ($m.s + "Z" | fromdateiso8601) * 1000 + ($m.f | tonumber);
		def phase(p; st): first(.[] | select(.event == "phase" and .phase == p and .state == st)) // null;
		def at(x): if x == null then null else (x | ms) end;
		(at(first(.[]))) as $first
		| (at(phase("tls"; "done"))) as $tls
		| (at(phase("cstp"; "started"))) as $cstp0
		| (at(phase("cstp"; "done"))) as $cstp
		| (at(first(.[] | select(.event == "connected")) // null)) as $conn
		| if [$first, $tls, $cstp0, $cstp, $conn] | any(. == null) then null else {
			start_to_first_event: ($first - $t0), tls_handshake: ($tls - $first), forms: ($cstp0 - $tls),
			cstp_connect: ($cstp - $cstp0), tun_and_script: ($conn - $cstp), seen_ready: ($ready - $conn)
		} end' "$3" 2>/dev/null || echo null
}

run_baseline() { # sets RESULT
	local up down
	log "baseline (no VPN, veth $GW_ADDR): upload ${duration} s, download ${duration} s"
	iperf_run baseline-upload "$BASELINE_PORT" "$GW_ADDR" "" "" || true
	up=$IPERF
	iperf_run baseline-download "$BASELINE_PORT" "$GW_ADDR" "" "" -R || true
	down=$IPERF
	RESULT=$(jq -n -c --argjson up "$up" --argjson down "$down" '
		{client: "none (veth, no VPN)", round: 1, busy_pct_before: null, version: null,
		 ok: ($up != null and $down != null), error: (if $up != null and $down != null then null else "iperf3 failed" end),
		 connect_ms: null, connect_phases_ms: null, tun: null, tun_mtu: null, tls_cipher: null,
		 upload: $up, download: $down, peak_rss_mb: null, stop: null}')
}

# Every binary mapped from the page cache as a reader finds it after a reboot: a file the linker (or cp) has just
# written sits there in the pieces it was written in, and the kernel maps a different number of pages around each
# first touch, so a fresh build's peak RSS read about 1 MB high (docs/PERFORMANCE.md). Dropped here, after any
# build above, so that a binary this script built is measured in the same state.
sync
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || log "warning: could not drop the page cache; peak RSS may read high"
# Then one unmeasured connect of each client: after the drop, the first start of each reads its files from disk.
# Started and stopped as in a round, so the pages come in as a start maps them.
warm_up() { # CLIENT
	local c=$1 deadline
	log "warm-up, $c: connect and stop (not measured)"
	launch_client "$c" "$run_dir/$c-warmup"
	deadline=$(($(now_ms) + CONNECT_TIMEOUT_MS))
	while pid_running "$client_pid" && (($(now_ms) < deadline)); do
		client_ready "$c" "$run_dir/$c-warmup" "$client_pid" && tun_ready >/dev/null && break
		sleep "$POLL"
	done
	stop_pid "$client_pid" "$client_signal" "$STOP_TIMEOUT_MS" || log "warm-up, $c: killed"
	wait "$client_pid" 2>/dev/null || true
	client_pid=""
}
for c in "${client_list[@]}"; do warm_up "$c"; done

RESULT=""
results=()
for ((round = 1; round <= rounds; round++)); do
	for c in "${client_list[@]}"; do
		run_client "$c" "$round"
		results+=("$RESULT")
	done
done
if ((baseline)); then
	run_baseline
	results+=("$RESULT")
fi

# ----------------------------------------------------------------------------------------- reporting

tree=$(git -c safe.directory="$repo" -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)
stale=false
if [[ -x $bin ]] && needs_build; then stale=true; fi
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
printf '%s\n' "${results[@]}" | jq -s \
	--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg stamp "$stamp" --argjson seconds "$duration" \
	--argjson rounds "$rounds" --arg kernel "$(uname -r)" --argjson cpus "$(nproc)" --arg cpu "$cpu_model" \
	--arg ocserv "$(ocserv --version 2>&1 | head -n1)" --arg iperf "$(iperf3 --version 2>&1 | head -n1)" \
	--argjson busy0 "$busy_start" --arg load0 "$load_start" --argjson others "$other_labs" \
	--arg bin "$bin" --arg raw "$run_dir" --arg tree "$tree" --argjson stale "$stale" --arg transport "$transport" '
	def median: sort | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def stats(f): [.[] | f | select(. != null)] | {median: median, min: min, max: max, n: length};
	. as $results
	| {
		date_utc: $date, run: $stamp, raw_logs: $raw,
		host: {kernel: $kernel, cpus: $cpus, cpu_model: $cpu, busy_pct_before: $busy0,
		       loadavg_1min_before: ($load0 | tonumber), other_labs_running_at_start: $others},
		gateway: $ocserv, iperf3: $iperf,
		swiftgate_binary: {path: $bin, source_tree_at_bench_time: $tree, older_than_sources: $stale},
		method: {
			seconds_per_direction: $seconds, rounds: $rounds, transport: (if $transport == "dtls" then "DTLS (data over UDP once the handshake is done)" else "TLS only (--no-dtls)" end), group: "Engineering",
			throughput: "iperf3 -J end.sum_received.bits_per_second (payload), 1 TCP stream, to 198.19.0.1 (gateway end of the tunnel)",
			cpu: "utime+stime from /proc/PID/stat before and after each iperf3 run, / CLK_TCK; per 1e9 payload bytes received",
			rss: "VmHWM from /proc/PID/status after both directions",
			connect: "client start until its own ready signal AND its tun holds the tunnel address with a route to 198.19.0.1",
			summary: "median, min, max over the rounds that succeeded"
		},
		summary: [
			(reduce $results[].client as $c ([]; if any(.[]; . == $c) then . else . + [$c] end))[] as $c
			| [$results[] | select(.client == $c)] as $all
			| [$all[] | select(.ok)] as $ok
			| {
				client: $c, rounds: ($all | length), ok_rounds: ($ok | length),
				upload_mbit_s: ($ok | stats(.upload.mbit_s)), download_mbit_s: ($ok | stats(.download.mbit_s)),
				upload_cpu_s_per_gb: ($ok | stats(.upload.client_cpu_s_per_gb)),
				download_cpu_s_per_gb: ($ok | stats(.download.client_cpu_s_per_gb)),
				upload_gateway_cpu_s_per_gb: ($ok | stats(.upload.gateway_cpu_s_per_gb)),
				download_gateway_cpu_s_per_gb: ($ok | stats(.download.gateway_cpu_s_per_gb)),
				upload_syscalls_per_mb: ($ok | stats(.upload.client_syscalls_per_mb)),
				download_syscalls_per_mb: ($ok | stats(.download.client_syscalls_per_mb)),
				peak_rss_mb: ($ok | stats(.peak_rss_mb)), connect_ms: ($ok | stats(.connect_ms))
			}
		],
		results: $results
	}' >"$results_json"

jq -r --arg mode md -f "$here/report.jq" "$results_json" >"$results_md"

echo
printf '%-34s %10s %11s %12s %14s %8s %10s\n' client "up Mbit/s" "down Mbit/s" "CPU s/GB up" "CPU s/GB down" "RSS MB" "connect ms"
jq -r --arg mode tsv -f "$here/report.jq" "$results_json" |
	while IFS=$'\t' read -r name upv downv cu cd rss cms; do
		printf '%-34s %10s %11s %12s %14s %8s %10s\n' "$name" "$upv" "$downv" "$cu" "$cd" "$rss" "$cms"
	done
if ((rounds > 1)); then echo "(medians over $rounds rounds; ranges and every run in the .md)"; fi
echo
log "results: ${results_json#"$repo"/} and ${results_md#"$repo"/} (raw: ${run_dir#"$repo"/}/)"

if [[ $chart_dir != none ]]; then
	# Named by transport, so a DTLS run and a TLS run each keep their chart (docs/PERFORMANCE.md shows both).
	mkdir -p "$chart_dir"
	"$here/chart.sh" "$results_json" "$chart_dir/performance-$transport.png" || log "no chart drawn (see above)"
fi

jq -e '[.results[] | .ok] | all' "$results_json" >/dev/null || { log "some runs failed (see above)"; exit 1; }
