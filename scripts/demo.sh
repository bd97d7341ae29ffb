#!/usr/bin/env bash
# make demo: a lab gateway (real ocserv in a network namespace, self-signed certificate) saved as "lab", and the
# full-screen interface opened on it. Log in as alice / secret; the gateway's certificate prompt comes first.
# scripts/demo.sh --asa: the same, but the saved gateways are the lab's ASA-behaviour front (docs/lab.md, "The
# ASA-behaviour gateway"), one per scenario worth seeing.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
cd "$(dirname "$0")/.."
asa=0
case ${1:-} in
--asa) asa=1 ;;
"") ;;
*) echo "usage: scripts/demo.sh [--asa]" >&2; exit 2 ;;
esac
if ((EUID != 0)); then
	echo "make demo needs root (network namespaces, a tun device, ocserv): sudo make demo" >&2
	exit 1
fi
scripts/lab/lab.sh install >&2
state=$(mktemp -d /tmp/swiftgate-demo.XXXXXX)
cleanup() { scripts/lab/lab.sh down "$state" >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT INT TERM HUP
if ((asa)); then
	scripts/lab/lab.sh up "$state" --asa
else
	scripts/lab/lab.sh up "$state" --server-cert self-signed
fi
# shellcheck disable=SC1091
. "$state/lab.env"
swift build --product swiftgate >&2
bin=$(swift build --show-bin-path)/swiftgate
db=$state/demo.sqlite
if ((asa)); then
	# The front's certificate is signed by the lab CA, which no system trusts: the certificate prompt comes first.
	"$bin" gateways add "asa" "$ASA_URL/ok" --user alice --db "$db" >/dev/null
	"$bin" gateways add "asa hostscan refused" "$ASA_URL/hostscan-refused" --user alice --db "$db" >/dev/null
	"$bin" gateways add "asa complete error" "$ASA_URL/complete-error" --user alice --db "$db" >/dev/null
	"$bin" gateways add "asa certificate request" "$ASA_URL/cert-request" --user alice \
		--certificate "$CLIENT_CERT" --key "$CLIENT_KEY" --db "$db" >/dev/null
	"$bin" gateways add "asa director" "$ASA_URL/director" --user alice --db "$db" >/dev/null
	"$bin" gateways add "asa push mfa (20 s)" "$ASA_URL/slow-20" --user alice --db "$db" >/dev/null
	"$bin" gateways add "asa double auth" "$ASA_URL/double-auth" --user alice --db "$db" >/dev/null
	cat >&2 <<TXT

  Swiftgate demo, ASA-behaviour gateway at $ASA_URL (lab CA, pin $CA_SIGNED_PIN),
  relaying tunnels to ocserv. Log in as alice / secret; double auth's second password is $ASA_SECONDARY_PASS.
  Every request the front gets is logged in $ASA_LOG.
  Once connected, try: ip netns exec $CLIENT_NS ping $VPN_GW_ADDR   — q quits (and disconnects).

TXT
else
	"$bin" gateways add lab "$URL" --user alice --db "$db" >/dev/null
	"$bin" gateways add "lab by name" "$URL_HOST" --user bob --group Engineering --db "$db" >/dev/null
	cat >&2 <<TXT

  Swiftgate demo: gateway "lab" is ocserv at $URL (self-signed certificate, pin $SELF_SIGNED_PIN).
  Enter connects. Users: alice / secret (groups Engineering, Sales), bob / builder (Engineering).
  Once connected, try: ip netns exec $CLIENT_NS ping $VPN_GW_ADDR   — q quits (and disconnects).

TXT
fi
read -r -t 10 -p "  Press Enter to start (or wait 10 s)… " _ || true
ip netns exec "$CLIENT_NS" "$bin" --db "$db"
