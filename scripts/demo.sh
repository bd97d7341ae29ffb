#!/usr/bin/env bash
# make demo: a lab gateway (real ocserv in a network namespace, self-signed certificate) saved as "lab", and the
# full-screen interface opened on it. Log in as alice / secret; the gateway's certificate prompt comes first.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
cd "$(dirname "$0")/.."
if ((EUID != 0)); then
	echo "make demo needs root (network namespaces, a tun device, ocserv): sudo make demo" >&2
	exit 1
fi
scripts/lab/lab.sh install >&2
state=$(mktemp -d /tmp/swiftgate-demo.XXXXXX)
cleanup() { scripts/lab/lab.sh down "$state" >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT INT TERM HUP
scripts/lab/lab.sh up "$state" --server-cert self-signed
# shellcheck disable=SC1091
. "$state/lab.env"
swift build --product swiftgate >&2
bin=$(swift build --show-bin-path)/swiftgate
db=$state/demo.sqlite
"$bin" gateways add lab "$URL" --user alice --db "$db" >/dev/null
"$bin" gateways add "lab by name" "$URL_HOST" --user bob --group Engineering --db "$db" >/dev/null
cat >&2 <<TXT

  Swiftgate demo: gateway "lab" is ocserv at $URL (self-signed certificate, pin $SELF_SIGNED_PIN).
  Enter connects. Users: alice / secret (groups Engineering, Sales), bob / builder (Engineering).
  Once connected, try: ip netns exec $CLIENT_NS ping $VPN_GW_ADDR   — q quits (and disconnects).

TXT
read -r -t 10 -p "  Press Enter to start (or wait 10 s)… " _ || true
ip netns exec "$CLIENT_NS" "$bin" --db "$db"
