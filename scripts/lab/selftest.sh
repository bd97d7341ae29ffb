#!/usr/bin/env bash
# Checks the lab itself with the reference client (openconnect 9.01): every fact docs/lab.md states about
# what ocserv 1.1.6 does is asserted here. Needs root. Prints 'N passed, N failed' at the end.
# usage: scripts/lab/selftest.sh [WORK_DIR]    (WORK_DIR defaults to a fresh mktemp -d, removed at the end)
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab.sh
if [[ -n ${1:-} ]]; then WORK=$1 KEEP=1; else WORK=$(mktemp -d /tmp/sg-selftest.XXXXXX) KEEP=0; fi
mkdir -p "$WORK"
PASSED=0 FAILED=0 LABS=() OC_PID=""

ok() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$1"; [[ -z ${2:-} ]] || sed 's/^/     | /' "$2" | tail -n 15; }
check() { # NAME LOGFILE COMMAND... : passes when COMMAND succeeds
	local name=$1 logf=$2
	shift 2
	if "$@" >/dev/null; then ok "$name"; else fail "$name" "$logf"; fi
}

cleanup() {
	[[ -z $OC_PID ]] || kill -INT "$OC_PID" 2>/dev/null || true
	local d
	for d in "${LABS[@]}"; do "$LAB" down "$d" 2>/dev/null || true; done
	((KEEP)) || rm -rf "$WORK"
}
trap cleanup EXIT

lab_up() { # DIR ARGS...
	local d=$1
	shift
	LABS+=("$d")
	"$LAB" up "$d" "$@" 2>"$d.up.log" || { cat "$d.up.log" >&2; exit 1; }
	# shellcheck disable=SC1091
	source "$d/lab.env"
}

# openconnect --authenticate in the client namespace; stdin is the answers, one a line.
oc_auth() { # OUT INPUT ARGS...
	local out=$1 input=$2
	shift 2
	printf '%s' "$input" | ip netns exec "$CLIENT_NS" openconnect --authenticate -vv --dump-http-traffic "$@" >"$out" 2>&1
}

# ------------------------------------------------------------------------------------ CA-signed lab
t0=$(date +%s%N)
lab_up "$WORK/ca"
t1=$(date +%s%N)
printf 'info up took %d ms\n' $(((t1 - t0) / 1000000))
L="$WORK/ca" o="$WORK/out"

check "getent hosts $GW_HOST in the client namespace" /dev/null \
	bash -c "[[ \$('$LAB' exec '$L' getent hosts $GW_HOST) == '$GW_ADDR'* ]]"
check "ocserv listens on tcp+udp, v4 and v6, in $GW_NS" /dev/null \
	bash -c "[[ \$(ip netns exec $GW_NS ss -Hlntu | grep -c ':$PORT ') -eq 4 ]]"

oc_auth "$o.nogroup" $'secret\n' --non-inter --cafile "$CA_FILE" --user alice "$URL" || true
check "first form lists DEFAULT (no value) and both labels, escaped" "$o.nogroup" \
	grep -q -F -x -e '< <option>DEFAULT</option>' "$o.nogroup"
check "Engineering label is served as 'Engineering &amp; Ops (EU)'" "$o.nogroup" \
	grep -q -F -x '< <option value="Engineering">Engineering &amp; Ops (EU)</option>' "$o.nogroup"
check "Sales label is served as 'Sales: \"Team\" West'" "$o.nogroup" \
	grep -q -F -x '< <option value="Sales">Sales: "Team" West</option>' "$o.nogroup"
check "pre-login banner is in the first form" "$o.nogroup" grep -q '^< <banner>Swiftgate lab' "$o.nogroup"
check "openconnect --non-inter without --authgroup stops at the group" "$o.nogroup" \
	grep -q 'User input required in non-interactive mode' "$o.nogroup"

for g in Sales Engineering DEFAULT "$GROUP_ENGINEERING_LABEL" "$GROUP_SALES_LABEL"; do
	check "alice --authgroup '$g' authenticates" "$o.group" \
		oc_auth "$o.group" $'secret\n' --non-inter --passwd-on-stdin --cafile "$CA_FILE" --user alice --authgroup "$g" "$URL"
done
check "the success reply carries the banner" "$o.group" grep -q '^< <title>SSL VPN Service</title><banner>Welcome' "$o.group"

for u in "$URL_HOST" "$URL6" "https://$GW_HOST6:$PORT/"; do
	check "authenticates by $u" "$o.url" \
		oc_auth "$o.url" $'secret\n' --non-inter --passwd-on-stdin --cafile "$CA_FILE" --user alice --authgroup Sales "$u"
done

oc_auth "$o.wrong" $'wrong1\nwrong2\nwrong3\nwrong4\n' --cafile "$CA_FILE" --user alice --authgroup Sales "$URL" || true
check "wrong password: 'Login failed.' twice, then 401 on the third" "$o.wrong" \
	bash -c "[[ \$(grep -c '^< <message>Login failed.\$' '$o.wrong') -eq 2 && \$(grep -c '^Got HTTP response: HTTP/1.1 401 Authentication failed' '$o.wrong') -eq 1 ]]"
oc_auth "$o.wrongright" $'nope\nsecret\nsecret\n' --cafile "$CA_FILE" --user alice --authgroup Sales "$URL" || true
check "ocserv 1.1.6 quirk: after one wrong password the right one fails too (401 on the third)" "$o.wrongright" \
	grep -q '^Got HTTP response: HTTP/1.1 401 Authentication failed' "$o.wrongright"
oc_auth "$o.bob" $'builder\n' --non-inter --passwd-on-stdin --cafile "$CA_FILE" --user bob --authgroup Sales "$URL" || true
check "bob choosing Sales (not a member): 401 after the password" "$o.bob" \
	bash -c "grep -q '<password>builder</password>' '$o.bob' && grep -q '401 Authentication failed' '$o.bob'"

# Full connect with the vpnc-script, DTLS, ping through the tunnel, SIGINT.
printf 'secret\n' | ip netns exec "$CLIENT_NS" openconnect --non-inter --passwd-on-stdin --cafile "$CA_FILE" \
	--user alice --authgroup Sales --script /usr/share/vpnc-scripts/vpnc-script -v "$URL" >"$o.connect" 2>&1 &
OC_PID=$!
for _ in $(seq 1 200); do grep -q 'Configured as' "$o.connect" && break; sleep 0.05; done
check "full connect: CSTP and DTLS (PSK-NEGOTIATE) up" "$o.connect" \
	bash -c "grep -q 'X-DTLS-CipherSuite: PSK-NEGOTIATE' '$o.connect' && grep -q 'with SSL connected and DTLS connected' '$o.connect'"
check "split route 198.19.0.0/255.255.255.0 is pushed" "$o.connect" \
	grep -q '^X-CSTP-Split-Include: 198.19.0.0/255.255.255.0' "$o.connect"
# openconnect prints "Configured as" while the vpnc-script may still be adding the routes.
for _ in $(seq 1 200); do "$LAB" exec "$L" ip route get "$VPN_GW_ADDR" 2>/dev/null | grep -q ' dev tun' && break; sleep 0.05; done
check "ping $VPN_GW_ADDR through the tunnel" /dev/null "$LAB" exec "$L" ping -c 2 -i 0.2 -W 2 "$VPN_GW_ADDR"
"$LAB" occtl "$L" show user alice >"$o.occtl" 2>&1 || true
check "occtl sees alice in group Sales with a DTLS cipher" "$o.occtl" \
	bash -c "grep -q 'Groupname: Sales' '$o.occtl' && grep -q 'DTLS cipher: (DTLS1.2)-(PSK)-(AES-256-GCM)' '$o.occtl'"
kill -INT "$OC_PID"
wait "$OC_PID" 2>/dev/null || true
OC_PID=""
tunnel_gone() {
	local _
	for _ in $(seq 1 100); do
		if ! ip -n "$CLIENT_NS" -br link | grep -q tun && ! ip -n "$GW_NS" -br link | grep -q "^${TUN_PREFIX}[0-9]" &&
			! "$LAB" occtl "$L" show users | grep -q alice; then
			return 0
		fi
		sleep 0.05
	done
	{ ip -n "$CLIENT_NS" -br link; ip -n "$GW_NS" -br link; "$LAB" occtl "$L" show users; } >&2
	return 1
}
check "after SIGINT: no tun in either namespace, no session" "$o.connect" tunnel_gone

t0=$(date +%s%N)
"$LAB" down "$L" 2>/dev/null
t1=$(date +%s%N)
printf 'info down took %d ms\n' $(((t1 - t0) / 1000000))
check "down removed the namespaces" /dev/null bash -c "! ip netns list | grep -q -e $GW_NS -e $CLIENT_NS"

# Client certificate (encrypted key) with enable-auth = certificate; --extra replacing a base line.
lab_up "$WORK/cert" --extra 'enable-auth = certificate' --extra 'dpd = 30' --extra 'dtls-psk = false'
check "client certificate with encrypted key authenticates" "$o.cert" \
	oc_auth "$o.cert" '' --non-inter --cafile "$CA_FILE" -c "$CLIENT_CERT" -k "$CLIENT_KEY_ENC" \
	--key-password "$CLIENT_KEY_PASS" --authgroup Engineering "$URL"
check "with a certificate the first form only asks the group" "$o.cert" \
	grep -q -F '<message>Please select your group.</message>' "$o.cert"
check "--extra 'dpd = 30' replaced the base dpd line" /dev/null \
	bash -c "[[ \$(grep -c '^dpd = ' '$OCSERV_CONF') -eq 1 ]] && grep -q '^dpd = 30' '$OCSERV_CONF'"
"$LAB" down "$WORK/cert" 2>/dev/null

# ------------------------------------------------------------------------------------ self-signed lab
lab_up "$WORK/ss" --server-cert self-signed --port 4444
oc_auth "$o.ss" $'secret\n' --non-inter --passwd-on-stdin --cafile "$CA_FILE" --user alice --authgroup Sales "$URL" || true
check "self-signed: --non-inter fails and prints SELF_SIGNED_PIN" "$o.ss" \
	bash -c "grep -q -- '--servercert $SELF_SIGNED_PIN' '$o.ss' && grep -q 'Reason: signer not found' '$o.ss' && [[ '$SERVER_PIN' == '$SELF_SIGNED_PIN' ]]"
check "self-signed: --servercert SERVER_PIN works" "$o.ss2" \
	oc_auth "$o.ss2" $'secret\n' --non-inter --passwd-on-stdin --servercert "$SERVER_PIN" --user alice --authgroup Sales "$URL"
check "self-signed: --servercert SERVER_SHA1 works" "$o.ss3" \
	oc_auth "$o.ss3" $'secret\n' --non-inter --passwd-on-stdin --servercert "$SERVER_SHA1" --user alice --authgroup Sales "$URL"
"$LAB" down "$WORK/ss" 2>/dev/null

# ------------------------------------------------------------------------------------ OTP lab
lab_up "$WORK/otp" --otp
check "otp: carol with password + OTP_CODE" "$o.otp" \
	oc_auth "$o.otp" "otp-pass"$'\n'"$OTP_CODE"$'\n' --cafile "$CA_FILE" --user carol --authgroup Sales "$URL"
check "otp: the further form says 'Please enter your OTP password.'" "$o.otp" \
	grep -q -F '< <message>Please enter your OTP password.</message>' "$o.otp"
oc_auth "$o.otp2" "otp-pass"$'\n'"$OTP_CODE"$'\n' --cafile "$CA_FILE" --user carol --authgroup Sales "$URL" || true
check "otp: a used code gets 401 at once" "$o.otp2" grep -q '401 Authentication failed' "$o.otp2"
code=$("$LAB" otp "$WORK/otp" carol)
check "otp: 'lab.sh otp' gives the next valid code" "$o.otp3" \
	oc_auth "$o.otp3" "otp-pass"$'\n'"$code"$'\n' --cafile "$CA_FILE" --user carol --authgroup Sales "$URL"
check "otp: alice with ALICE_OTP_CODE" "$o.otp4" \
	oc_auth "$o.otp4" "secret"$'\n'"$ALICE_OTP_CODE"$'\n' --cafile "$CA_FILE" --user alice --authgroup Engineering "$URL"
"$LAB" down "$WORK/otp" 2>/dev/null

# ------------------------------------------------------------------------------------ ASA front (--asa)
# The lab-level facts of docs/lab.md "The ASA-behaviour gateway"; each scenario's outcome with openconnect is
# asserted by Tests/LabTests/ASAFrontOpenconnectLabTests.swift.
lab_up "$WORK/asa" --asa
L="$WORK/asa"
check "asa: $ASA_MEMBER_HOST resolves to $ASA_MEMBER_ADDR in the client namespace" /dev/null \
	bash -c "[[ \$('$LAB' exec '$L' getent hosts $ASA_MEMBER_HOST) == '$ASA_MEMBER_ADDR'* ]]"
check "asa: the front listens on $ASA_ADDR:$ASA_PORT and $ASA_MEMBER_ADDR:$ASA_PORT, ocserv still on $PORT" /dev/null \
	bash -c "ss=\$(ip netns exec $GW_NS ss -Hlnt); grep -q '$ASA_ADDR:$ASA_PORT ' <<<\"\$ss\" && grep -q '$ASA_MEMBER_ADDR:$ASA_PORT ' <<<\"\$ss\" && grep -q ':$PORT ' <<<\"\$ss\""
check "asa: ok authenticates through the front with the lab CA" "$o.asa" \
	oc_auth "$o.asa" $'secret\n' --non-inter --passwd-on-stdin --cafile "$CA_FILE" --user alice --authgroup "$ASA_GROUP" "$ASA_URL/ok"
check "asa: the member's certificate names $ASA_MEMBER_HOST" "$o.asam" \
	oc_auth "$o.asam" $'secret\n' --non-inter --passwd-on-stdin --cafile "$CA_FILE" --user alice --authgroup "$ASA_GROUP" "$ASA_MEMBER_URL/ok"
check "asa: the request log has no password and no cookie" "$ASA_LOG" \
	bash -c "grep -q '\"method\":\"POST\"' '$ASA_LOG' && ! grep -q -e secret -e webvpn= '$ASA_LOG'"
oc_auth "$o.asad" $'secret\n' --non-inter --passwd-on-stdin --cafile "$CA_FILE" --user alice --authgroup Sales "$URL" || true
check "asa: ocserv itself is unchanged (direct login works)" "$o.asad" grep -q '^COOKIE=' "$o.asad"
asa_pid=$(cat "$L/asa.pid")
"$LAB" restart "$L" 2>/dev/null
running() { [[ $(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) == [RSD] ]]; } # a zombie is gone
check "asa: lab.sh restart keeps the front" /dev/null running "$asa_pid"
"$LAB" down "$L" 2>/dev/null
check "asa: down stopped the front and removed asa.pid" /dev/null \
	bash -c "$(declare -f running); ! running $asa_pid && [[ ! -e '$L/asa.pid' ]]"

check "no sg- namespace of this run is left" /dev/null bash -c "
	for d in ${LABS[*]}; do id=\$(cat \$d/lab.id); ip netns list | grep -q sg-\$id- && exit 1; [[ ! -e /etc/netns/sg-\$id-cl ]] || exit 1; done; true"

printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
((FAILED == 0))
