# Renders a bench-results/RESULTS-*.json written by scripts/bench/bench.sh.
#   jq -r --arg mode md  -f scripts/bench/report.jq RESULTS.json    the Markdown report (RESULTS-*.md)
#   jq -r --arg mode tsv -f scripts/bench/report.jq RESULTS.json    one summary row per client, tab-separated
# Figures are medians over the rounds; the Markdown adds "(min–max)" when there were several rounds.

def r(d): if . == null then null else (. * pow(10; d) | round / pow(10; d)) end;
def f(d): if . == null then "-" else (r(d) | tostring) end;
def fr(d):
	if . == null or .median == null then "-"
	elif .n > 1 and (.min | r(d)) != (.max | r(d)) then "\(.median | f(d)) (\(.min | f(d))–\(.max | f(d)))"
	else .median | f(d) end;
def name: .client + (if .ok_rounds < .rounds then " (\(.rounds - .ok_rounds) of \(.rounds) FAILED)" else "" end);
def row(cells): "| " + (cells | join(" | ")) + " |";

def tsv:
	.summary[] | [name, (.upload_mbit_s.median | f(0)), (.download_mbit_s.median | f(0)),
		(.upload_cpu_s_per_gb.median | f(2)), (.download_cpu_s_per_gb.median | f(2)),
		(.peak_rss_mb.median | f(1)), (.connect_ms.median | f(0))] | @tsv;

def md:
	. as $all
	| ($all.method.rounds > 1) as $multi
	| [
		"# Swiftgate benchmark \(.date_utc)",
		"",
		"Host: \(.host.cpus) CPUs (\(.host.cpu_model)), Linux \(.host.kernel). Before the run the machine was "
			+ "\(.host.busy_pct_before)% busy (1 s sample), 1-min load average \(.host.loadavg_1min_before), "
			+ "\(.host.other_labs_running_at_start) other lab(s) running. Gateway: \(.gateway). \(.iperf3).",
		"",
		"\(.method.transport), \(.method.seconds_per_direction) s per direction, one TCP stream, loopback veth between "
			+ "two network namespaces; \(.method.rounds) round(s), clients alternating within each round. "
			+ (if $multi then "Figures are medians, (min–max) over the rounds." else "" end),
		"",
		row(["client", "upload Mbit/s", "download Mbit/s", "CPU s/GB up", "CPU s/GB down", "syscalls/MB up",
			"syscalls/MB down", "peak RSS MB", "connect ms"]),
		row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
		(.summary[] | row([name, (.upload_mbit_s | fr(0)), (.download_mbit_s | fr(0)),
			(.upload_cpu_s_per_gb | fr(2)), (.download_cpu_s_per_gb | fr(2)),
			(.upload_syscalls_per_mb | fr(0)), (.download_syscalls_per_mb | fr(0)), (.peak_rss_mb | fr(1)),
			(.connect_ms | fr(0))])),
		"",
		"CPU s/GB is the client process's user+system CPU per 10^9 payload bytes; the gateway's ocserv worker is in the "
			+ "details. syscalls/MB: the client's system calls (perf's raw_syscalls:sys_enter tracepoint, every thread) "
			+ "per 10^6 payload bytes. The veth row is iperf3 with no VPN at all: the machine's ceiling. \"veth pkts per tun pkt\": packets "
			+ "(skbs, so a GSO batch counts once) of the TLS connection on the client's veth per tunnelled packet on its "
			+ "tun, in the data direction; \"tun drops\": the tun's tx_dropped (upload) / rx_dropped (download).",
		"",
		"Every run:",
		"",
		row(["round", "client", "up Mbit/s", "down Mbit/s", "CPU s/GB up/down", "gateway CPU s/GB up/down",
			"retransmits up/down", "veth pkts per tun pkt up/down", "tun drops up/down", "RSS MB", "connect ms", "busy before", "TLS (occtl)", "MTU", "stop"]),
		row(["---:", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---", "---:", "---"]),
		(.results[] | row([(.round | tostring),
			.client + (if .ok then "" else " (FAILED: \(.error // "?"))" end),
			(.upload.mbit_s | f(0)), (.download.mbit_s | f(0)),
			"\(.upload.client_cpu_s_per_gb | f(2)) / \(.download.client_cpu_s_per_gb | f(2))",
			"\(.upload.gateway_cpu_s_per_gb | f(2)) / \(.download.gateway_cpu_s_per_gb | f(2))",
			"\(.upload.retransmits | f(0)) / \(.download.retransmits | f(0))",
			"\(.upload.veth_packets_per_tun_packet | f(2)) / \(.download.veth_packets_per_tun_packet | f(2))",
			"\(.upload.tun_packets.tx_dropped | f(0)) / \(.download.tun_packets.rx_dropped | f(0))",
			(.peak_rss_mb | f(1)), (.connect_ms | f(0)),
			(if .busy_pct_before == null then "-" else "\(.busy_pct_before)%" end),
			(.tls_cipher // "-"), (.tun_mtu | f(0)),
			(if .stop == null then "-"
			 elif .stop.exited_by_itself then "exited by itself before the stop, exit \(.stop.exit_code | f(0))"
			 else "\(.stop.signal) \(if .stop.clean then "clean" else "KILLED" end) \(.stop.ms | f(0)) ms, exit \(.stop.exit_code | f(0))"
			 end)])),
		"",
		(if any(.results[]; .connect_phases_ms != null) then
			"Where Swiftgate's connect time goes (ms, from its JSON event timestamps; `tun + vpnc-script` ends at its "
			+ "`connected` event, after the script's exit; `seen` = from that event until this script saw the tunnel "
			+ "usable, negative when the address and route were there before the script had exited):",
			"",
			row(["round", "client", "start to first event", "TLS handshake", "group + login forms", "CONNECT",
				"tun + vpnc-script", "seen", "total"]),
			row(["---:", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
			(.results[] | select(.connect_phases_ms != null) | .connect_phases_ms as $p
				| row([(.round | tostring), .client, ($p.start_to_first_event | f(0)), ($p.tls_handshake | f(0)),
					($p.forms | f(0)), ($p.cstp_connect | f(0)), ($p.tun_and_script | f(0)), ($p.seen_ready | f(0)),
					(.connect_ms | f(0))])),
			""
		else empty end),
		"Versions: " + ([.results[] | .version // empty] | unique | join("; ")) + ".",
		"",
		"Swiftgate binary `\(.swiftgate_binary.path)`; source tree at bench time \(.swiftgate_binary.source_tree_at_bench_time)"
			+ (if .swiftgate_binary.older_than_sources then " (the binary is OLDER than the sources: --no-build or --bin)" else "" end) + ".",
		"",
		"Raw iperf3 JSON and client logs: `\(.raw_logs)`."
	] | .[];

if $mode == "tsv" then tsv elif $mode == "md" then md else error("--arg mode md|tsv") end
