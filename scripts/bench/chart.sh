#!/usr/bin/env bash
# Draws a bench-results/RESULTS-*.json (scripts/bench/bench.sh) as a PNG with gnuplot: for each figure (throughput
# both ways, CPU per GB both ways, connect time, peak RSS), every client's median divided by openconnect's, so
# 1.0 is parity and one chart holds figures of different units. Usage: chart.sh RESULTS.json OUT.png
set -euo pipefail
results=${1:?usage: chart.sh RESULTS.json OUT.png}
out=${2:?usage: chart.sh RESULTS.json OUT.png}
command -v gnuplot >/dev/null 2>&1 || { echo "chart.sh: no gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }

data=$(mktemp)
trap 'rm -f "$data"' EXIT
# Rows: figure, then one ratio per client (openconnect's own column is 1); "-" when a figure is missing.
jq -r '
	[.summary[] | select(.client != "none (veth, no VPN)")] as $s
	| ($s | map(select(.client == "openconnect"))[0]) as $oc
	| if $oc == null then error("no openconnect row to compare with") else . end
	| ($s | map(.client) | ["figure"] + . | @tsv),
	  ([["upload Mbit/s", "upload_mbit_s"], ["download Mbit/s", "download_mbit_s"],
	    ["CPU s/GB up", "upload_cpu_s_per_gb"], ["CPU s/GB down", "download_cpu_s_per_gb"],
	    ["time to tunnel", "connect_ms"], ["peak RSS", "peak_rss_mb"]][] as [$fig, $key]
	   | [$fig] + [$s[] | if .[$key].median == null or $oc[$key].median == null or $oc[$key].median == 0 then "-"
	                       else (.[$key].median / $oc[$key].median * 1000 | round / 1000 | tostring) end] | @tsv)
' "$results" >"$data"
clients=$(head -n1 "$data" | awk -F'\t' '{ print NF - 1 }')
title=$(jq -r '"\(.method.transport), medians of \(.method.rounds) round(s), \(.date_utc), tree \(.swiftgate_binary.source_tree_at_bench_time)"' "$results")

gnuplot <<GP
set terminal pngcairo size 900,420 font "DejaVu Sans,10" noenhanced
set output "$out"
set datafile separator "\t"
set datafile missing "-"
set key autotitle columnhead
set title "Swiftgate vs openconnect: median / openconnect's median (throughput: higher is better; the rest: lower)\n$title"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set ylabel "ratio to openconnect"
set grid ytics
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 lc rgb "#444444"
plot for [i=2:$((clients + 1))] "$data" using i:xtic(1), \
     for [i=2:$((clients + 1))] "$data" using (\$0 + (i - 2 - ($clients - 1) / 2.0) * 0.9 / ($clients + 1)):i:(sprintf("%.2f", column(i))) with labels offset 0,0.6 font ",8" notitle
GP
echo "chart: $out" >&2
