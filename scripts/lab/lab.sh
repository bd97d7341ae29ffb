#!/usr/bin/env bash
# Swiftgate test lab: one ocserv gateway in its own network namespace, joined by a veth pair to a client
# namespace. Everything a run creates has a per-run name (sg-<id>-...) and is removed by `down` or `sweep`.
# See docs/lab.md for the interface, the lab.env format and what ocserv 1.1.6 sends.
set -euo pipefail
# ip, ocserv, nft and openconnect live in sbin, which a caller's PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

readonly LAB_PREFIX=sg
readonly REGISTRY_DIR=/run/swiftgate-lab
readonly VPNC_SCRIPT=/usr/share/vpnc-scripts/vpnc-script
readonly GW_ADDR=198.18.0.1
readonly CLIENT_ADDR=198.18.0.2
readonly GW_ADDR6=2001:db8:5e::1
readonly CLIENT_ADDR6=2001:db8:5e::2
readonly GW_HOST=gateway.lab.test
readonly GW_HOST6=gateway6.lab.test
# The ASA-behaviour front (--asa, scripts/lab/asa_front.py): the director on the gateway's address, a cluster
# member on a second address of the gateway veth, with its own name and certificate.
readonly ASA_PORT=8443
readonly MEMBER_ADDR=198.18.0.3
readonly MEMBER_HOST=member.lab.test
readonly ASA_SECONDARY_PASS=246810
readonly VPN_NETWORK=198.19.0.0
readonly VPN_NETMASK=255.255.255.0
# Group labels as a client shows them. ocserv 1.1.6 copies the text inside [...] into the XML form without
# escaping it, so ocserv.conf carries the '&' already escaped (see docs/lab.md).
readonly ENGINEERING_LABEL='Engineering & Ops (EU)'
readonly SALES_LABEL='Sales: "Team" West'
readonly ENGINEERING_LABEL_CONF='Engineering &amp; Ops (EU)'
readonly SALES_LABEL_CONF=$SALES_LABEL
readonly UP_TIMEOUT=20      # seconds to wait for ocserv to accept TCP
readonly DOWN_TIMEOUT=5     # seconds between TERM and KILL
readonly CLIENT_KEY_PASS=hunter2
# The PKCS#12 password: non-ASCII on purpose (UTF-8 in, BMPString in the file; issue 10, item 10).
readonly CLIENT_P12_PASS='pässwörd-日本'
# user:password:groups
readonly USERS=("alice:secret:Engineering,Sales" "bob:builder:Engineering" "carol:otp-pass:Sales")
# Keys that ocserv accepts many times: --extra appends these; any other key replaces the base line.
readonly MULTI_KEYS=" route no-route select-group dns split-dns nbns enable-auth custom-header iroute listen-host "

log() { printf 'lab: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	cat <<'EOF'
usage: lab.sh install
       lab.sh up STATE_DIR [--server-cert ca|self-signed] [--otp] [--port N] [--asa] [--extra 'key = value']...
       lab.sh down STATE_DIR
       lab.sh sweep
       lab.sh exec STATE_DIR CMD [ARGS...]
       lab.sh occtl STATE_DIR [OCCTL ARGS...]
       lab.sh otp STATE_DIR USER
       lab.sh restart STATE_DIR
       lab.sh env STATE_DIR
EOF
}

need_root() {
	if ((EUID != 0)); then
		log "error: 'lab.sh $1' needs root (apt-get, network namespaces, veth, tun devices, ocserv)."
		log "fix: run it as root, e.g.: sudo $0 ${ARGS[*]}"
		exit 1
	fi
}

# ---------------------------------------------------------------------------------------------- install

# command-or-file:package
readonly REQUIREMENTS=(
	ocserv:ocserv ocpasswd:ocserv occtl:ocserv openconnect:openconnect certtool:gnutls-bin
	nft:nftables ip:iproute2 iperf3:iperf3 ping:iputils-ping oathtool:oathtool openssl:openssl
	getent:libc-bin timeout:coreutils setsid:util-linux "$VPNC_SCRIPT:vpnc-scripts" tmux:tmux python3:python3
	# The service's tests: front ends as users with no other rights (setpriv), and socket activation as systemd does it.
	setpriv:util-linux systemd-socket-activate:systemd systemd-analyze:systemd sudo:sudo
	# The ASA front's SSO scenarios: sso-external encrypts the token (asa_front.py strap_encrypt) with Debian's
	# python3-cryptography under /usr/bin/python3; scripts/lab/curl-browser.sh is the tests' external browser;
	# headless Chromium walks the embedded mode.
	/usr/bin/python3:python3 /usr/lib/python3/dist-packages/cryptography:python3-cryptography curl:curl
	chromium:chromium Xvfb:xvfb
	# Saved passwords (SavedPasswordLabTests): a real Secret Service in a private session bus.
	gnome-keyring-daemon:gnome-keyring dbus-run-session:dbus-bin
)

missing_packages() {
	local req what pkg
	for req in "${REQUIREMENTS[@]}"; do
		what=${req%:*} pkg=${req##*:}
		if [[ $what == /* ]]; then
			[[ -x $what ]] || printf '%s\n' "$pkg"
		else
			command -v "$what" >/dev/null 2>&1 || printf '%s\n' "$pkg"
		fi
	done | sort -u
}

cmd_install() {
	local missing had_ocserv=1
	need_root install
	missing=$(missing_packages)
	if [[ -z $missing ]]; then
		log "all lab tools are installed"
		return 0
	fi
	command -v ocserv >/dev/null 2>&1 || had_ocserv=0
	log "installing: $(echo "$missing" | tr '\n' ' ')"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		ocserv openconnect gnutls-bin nftables vpnc-scripts iperf3 iputils-ping iproute2 oathtool openssl \
		libc-bin coreutils util-linux ca-certificates tmux python3 python3-cryptography curl chromium xvfb systemd \
		gnome-keyring dbus-bin dbus-daemon sudo
	# Debian's ocserv package starts a system-wide ocserv on port 443 when systemd runs; the lab never uses
	# it, so switch off the one this install just brought.
	if [[ $had_ocserv -eq 0 ]] && command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
		systemctl disable --now ocserv.service >/dev/null 2>&1 || true
		log "disabled the system ocserv.service that the package started"
	fi
	missing=$(missing_packages)
	[[ -z $missing ]] || die "still missing after install: $(echo "$missing" | tr "\n" " ")"
	log "done"
}

# ---------------------------------------------------------------------------------------------- helpers

# Values in lab.env: bare when made only of safe characters, otherwise in single quotes.
env_line() {
	local key=$1 value=$2
	[[ $value != *"'"* && $value != *$'\n'* ]] || die "value of $key contains a quote or a newline"
	if [[ -n $value && $value =~ ^[A-Za-z0-9_./:@%+,=-]+$ ]]; then
		printf '%s=%s\n' "$key" "$value"
	else
		printf "%s='%s'\n" "$key" "$value"
	fi
}

# Reads KEY from STATE_DIR/lab.env without sourcing it.
env_get() {
	local file=$1 key=$2 line value
	[[ -r $file ]] || return 1
	line=$(grep -m1 "^$key=" "$file") || return 1
	value=${line#*=}
	if [[ $value == \'*\' ]]; then value=${value:1:${#value}-2}; fi
	printf '%s\n' "$value"
}

pid_alive() { # a zombie counts as gone
	local pid=$1 stat
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ -n $stat && ${stat%% *} != [ZX] ]]
}

netns_exists() { [[ -e /run/netns/$1 ]]; }

netns_pids() {
	if netns_exists "$1"; then ip netns pids "$1" 2>/dev/null || true; fi
}

# True when an ocserv process runs inside namespace $1.
ocserv_in_netns() {
	local pid comm
	for pid in $(netns_pids "$1"); do
		comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
		[[ $comm == ocserv* ]] && return 0
	done
	return 1
}

kill_and_wait() { # SIGNAL DEADLINE_SECONDS PIDS...
	local sig=$1 secs=$2 pid deadline left
	shift 2
	for pid in "$@"; do kill "-$sig" "$pid" 2>/dev/null || true; done
	deadline=$((SECONDS + secs))
	while ((SECONDS < deadline)); do
		left=0
		for pid in "$@"; do pid_alive "$pid" && left=1; done
		((left)) || return 0
		sleep 0.05
	done
	return 1
}

# Removes everything lab ID made; STATE_DIR may be empty or gone. Never fails.
teardown() {
	local id=$1 state=${2:-} gw="$LAB_PREFIX-$1-gw" cl="$LAB_PREFIX-$1-cl" main_pid="" pids
	if [[ -n $state && -r $state/ocserv.pid ]]; then main_pid=$(tr -dc 0-9 <"$state/ocserv.pid" 2>/dev/null || true); fi
	if [[ -z $main_pid && -n $state ]]; then main_pid=$(env_get "$state/lab.env" OCSERV_PID 2>/dev/null || true); fi
	# The ASA front (--asa), found by its pid file; only if it is a python3 in the lab's gateway namespace.
	local asa_pid=""
	if [[ -n $state && -r $state/asa.pid ]]; then asa_pid=$(tr -dc 0-9 <"$state/asa.pid" 2>/dev/null || true); fi
	if [[ -n $asa_pid ]] && pid_alive "$asa_pid" && [[ $(cat "/proc/$asa_pid/comm" 2>/dev/null) == python3* ]] &&
		netns_exists "$gw" &&
		[[ $(readlink "/proc/$asa_pid/ns/net" 2>/dev/null) == "net:[$(stat -L -c %i "/run/netns/$gw" 2>/dev/null)]" ]]; then
		kill_and_wait TERM "$DOWN_TIMEOUT" "$asa_pid" || kill_and_wait KILL 2 "$asa_pid" || true
	fi
	# ocserv first, gracefully, so that it tears its sessions down; but only the lab's own ocserv (the pid
	# must run in the lab's gateway namespace, or be an ocserv if that namespace is already gone).
	if [[ -n $main_pid ]] && pid_alive "$main_pid" && [[ $(cat "/proc/$main_pid/comm" 2>/dev/null) == ocserv* ]]; then
		if ! netns_exists "$gw" ||
			[[ $(readlink "/proc/$main_pid/ns/net" 2>/dev/null) == "net:[$(stat -L -c %i "/run/netns/$gw" 2>/dev/null)]" ]]; then
			kill_and_wait TERM "$DOWN_TIMEOUT" "$main_pid" || kill_and_wait KILL 2 "$main_pid" || true
		fi
	fi
	# Whatever still runs inside the lab's namespaces (ocserv workers, a client left behind) goes too.
	# shellcheck disable=SC2207
	pids=($(netns_pids "$gw") $(netns_pids "$cl"))
	if ((${#pids[@]})); then
		kill_and_wait TERM "$DOWN_TIMEOUT" "${pids[@]}" || kill_and_wait KILL 2 "${pids[@]}" || true
	fi
	netns_exists "$gw" && { ip netns del "$gw" 2>/dev/null || true; }
	netns_exists "$cl" && { ip netns del "$cl" 2>/dev/null || true; }
	rm -rf "/etc/netns/$gw" "/etc/netns/$cl" "$REGISTRY_DIR/${id:?}" "$REGISTRY_DIR/$id.sock" 2>/dev/null || true
	if [[ -n $state && -d $state ]]; then
		rm -f "$state/ocserv.pid" "$state/ocserv.sock"* "$state/occtl.sock" "$state/asa.pid" 2>/dev/null || true
	fi
	return 0
}

load_state() { # STATE_DIR -> sets STATE, ENV_FILE
	[[ -n ${1:-} ]] || { usage >&2; exit 2; }
	STATE=$(cd "$1" 2>/dev/null && pwd) || die "no such state dir: $1"
	ENV_FILE=$STATE/lab.env
	[[ -r $ENV_FILE ]] || die "$ENV_FILE not found (is the lab up?)"
}

# ---------------------------------------------------------------------------------------------- certificates

make_certs() { # DIR
	local d=$1 t
	t=$d/tmpl
	mkdir -p "$t"
	# Server certificate template, shared by the CA-signed and the self-signed certificate.
	cat >"$t/server.tmpl" <<EOF
cn = "$GW_HOST"
organization = "Swiftgate Lab"
expiration_days = 825
dns_name = "$GW_HOST"
dns_name = "$GW_HOST6"
ip_address = "$GW_ADDR"
ip_address = "$GW_ADDR6"
signing_key
encryption_key
tls_www_server
EOF
	cat >"$t/ca.tmpl" <<'EOF'
cn = "Swiftgate Lab CA"
organization = "Swiftgate Lab"
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
EOF
	cat >"$t/client-ca.tmpl" <<'EOF'
cn = "Swiftgate Lab Client CA"
organization = "Swiftgate Lab"
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
EOF
	# An intermediate below the client CA: ocserv's ca-cert stays the root only, so a leaf it issues verifies
	# only when the client sends the intermediate with it (as ASA users' certificates need).
	cat >"$t/client-inter.tmpl" <<'EOF'
cn = "Swiftgate Lab Client Intermediate"
organization = "Swiftgate Lab"
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
EOF
	cat >"$t/alice.tmpl" <<'EOF'
cn = "alice"
uid = "alice"
unit = "Engineering"
organization = "Swiftgate Lab"
expiration_days = 825
signing_key
encryption_key
tls_www_client
EOF
	local k keys=(ca server selfsigned client-ca client-inter alice)
	if ((ASA)); then
		cat >"$t/member.tmpl" <<EOF
cn = "$MEMBER_HOST"
organization = "Swiftgate Lab"
expiration_days = 825
dns_name = "$MEMBER_HOST"
ip_address = "$MEMBER_ADDR"
signing_key
encryption_key
tls_www_server
EOF
		keys+=(member)
	fi
	for k in "${keys[@]}"; do
		certtool --no-text --generate-privkey --key-type=rsa --bits=2048 --outfile "$d/$k-key.pem" 2>/dev/null
	done
	certtool --no-text --generate-self-signed --load-privkey "$d/ca-key.pem" --template "$t/ca.tmpl" \
		--outfile "$d/ca.pem" 2>/dev/null
	certtool --no-text --generate-certificate --load-privkey "$d/server-key.pem" --load-ca-certificate "$d/ca.pem" \
		--load-ca-privkey "$d/ca-key.pem" --template "$t/server.tmpl" --outfile "$d/server-cert.pem" 2>/dev/null
	certtool --no-text --generate-self-signed --load-privkey "$d/selfsigned-key.pem" --template "$t/server.tmpl" \
		--outfile "$d/selfsigned-cert.pem" 2>/dev/null
	certtool --no-text --generate-self-signed --load-privkey "$d/client-ca-key.pem" --template "$t/client-ca.tmpl" \
		--outfile "$d/client-ca.pem" 2>/dev/null
	certtool --no-text --generate-certificate --load-privkey "$d/alice-key.pem" --load-ca-certificate "$d/client-ca.pem" \
		--load-ca-privkey "$d/client-ca-key.pem" --template "$t/alice.tmpl" --outfile "$d/alice-cert.pem" 2>/dev/null
	certtool --no-text --generate-certificate --load-privkey "$d/client-inter-key.pem" --load-ca-certificate "$d/client-ca.pem" \
		--load-ca-privkey "$d/client-ca-key.pem" --template "$t/client-inter.tmpl" --outfile "$d/client-inter.pem" 2>/dev/null
	certtool --no-text --generate-certificate --load-privkey "$d/alice-key.pem" --load-ca-certificate "$d/client-inter.pem" \
		--load-ca-privkey "$d/client-inter-key.pem" --template "$t/alice.tmpl" --outfile "$d/alice-inter-cert.pem" 2>/dev/null
	# The leaf and its intermediate in one PEM file, and the same as PKCS#12: modern (PBES2/AES) and legacy
	# (RC2-40/3DES, what OpenSSL 1.x wrote), both under the non-ASCII password.
	cat "$d/alice-inter-cert.pem" "$d/client-inter.pem" >"$d/alice-chain.pem"
	SWIFTGATE_P12_PASS=$CLIENT_P12_PASS openssl pkcs12 -export -in "$d/alice-inter-cert.pem" -inkey "$d/alice-key.pem" \
		-certfile "$d/client-inter.pem" -passout env:SWIFTGATE_P12_PASS -out "$d/alice-chain.p12"
	SWIFTGATE_P12_PASS=$CLIENT_P12_PASS openssl pkcs12 -export -legacy -in "$d/alice-inter-cert.pem" \
		-inkey "$d/alice-key.pem" -certfile "$d/client-inter.pem" -passout env:SWIFTGATE_P12_PASS -out "$d/alice-legacy.pfx"
	if ((ASA)); then
		certtool --no-text --generate-certificate --load-privkey "$d/member-key.pem" --load-ca-certificate "$d/ca.pem" \
			--load-ca-privkey "$d/ca-key.pem" --template "$t/member.tmpl" --outfile "$d/member-cert.pem" 2>/dev/null
	fi
	# PKCS#8, PBES2 AES-256-CBC, passphrase hunter2 ("-----BEGIN ENCRYPTED PRIVATE KEY-----").
	openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$d/alice-key.pem" -passout "pass:$CLIENT_KEY_PASS" \
		-out "$d/alice-key-enc.pem"
	rm -rf "$t"
	chmod 0644 "$d"/*.pem
	chmod 0600 "$d"/*-key.pem "$d/alice-key-enc.pem" "$d/alice-chain.p12" "$d/alice-legacy.pfx"
}

cert_pin() { # openconnect's pin: base64 SHA-256 of the DER SubjectPublicKeyInfo
	printf 'pin-sha256:%s\n' "$(openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
		openssl dgst -sha256 -binary | openssl base64 -A)"
}

cert_sha1() { # upper-case hex SHA-1 of the certificate DER
	openssl x509 -in "$1" -noout -fingerprint -sha1 | sed 's/^.*=//; s/://g' | tr a-f A-F
}

# ---------------------------------------------------------------------------------------------- OTP

# users.oath lines: "HOTP user - hexsecret [counter lastotp time]" (liboath usersfile format).
otp_next() { # OATH_FILE USER -> the code valid for the user's next login
	local file=$1 user=$2 line secret counter
	line=$(awk -v u="$user" '$2 == u {print; exit}' "$file")
	[[ -n $line ]] || die "$user has no OTP token in $file"
	read -r _ _ _ secret counter _ <<<"$line"
	# liboath records the counter of the last code used; the next login needs the one after it.
	if [[ -n ${counter:-} ]]; then counter=$((counter + 1)); else counter=0; fi
	oathtool --hotp --digits=6 --counter="$counter" "$secret"
}

# ---------------------------------------------------------------------------------------------- up

write_ocserv_conf() {
	local conf=$1 auth extra key lines=() line k
	if ((OTP)); then
		auth="plain[passwd=$STATE/ocpasswd,otp=$STATE/users.oath]"
	else
		auth="plain[passwd=$STATE/ocpasswd]"
	fi
	lines+=(
		"# Generated by scripts/lab/lab.sh for lab $ID; do not edit, re-run 'lab.sh up'."
		"auth = \"$auth\""
		"tcp-port = $PORT"
		"udp-port = $PORT"
		"run-as-user = nobody"
		"run-as-group = nogroup"
		"socket-file = $SOCKET_FILE"
		"occtl-socket-file = $OCCTL_SOCKET"
		"use-occtl = true"
		"pid-file = $STATE/ocserv.pid"
		"server-cert = $SERVER_CERT"
		"server-key = $SERVER_KEY"
		"ca-cert = $STATE/client-ca.pem"
		"cert-user-oid = 0.9.2342.19200300.100.1.1"
		"cert-group-oid = 2.5.4.11"
		"isolate-workers = false"
		"max-clients = 32"
		"max-same-clients = 0"
		"rate-limit-ms = 0"
		"server-stats-reset-time = 604800"
		"keepalive = 32400"
		"dpd = 90"
		"mobile-dpd = 1800"
		"switch-to-tcp-timeout = 25"
		"try-mtu-discovery = false"
		"tls-priorities = \"NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1\""
		"auth-timeout = 240"
		"min-reauth-time = 0"
		"max-ban-score = 0"
		"ban-reset-time = 1200"
		"cookie-timeout = 300"
		"deny-roaming = false"
		"rekey-time = 172800"
		"rekey-method = ssl"
		"device = $TUN_PREFIX"
		"predictable-ips = true"
		"ipv4-network = $VPN_NETWORK"
		"ipv4-netmask = $VPN_NETMASK"
		"route = $VPN_NETWORK/$VPN_NETMASK"
		"ping-leases = false"
		"cisco-client-compat = true"
		"dtls-legacy = true"
		"pre-login-banner = \"Swiftgate lab $ID: authorised testers only.\""
		"banner = \"Welcome to the Swiftgate lab gateway $ID.\""
		"select-group = Engineering[$ENGINEERING_LABEL_CONF]"
		"select-group = Sales[$SALES_LABEL_CONF]"
		"default-select-group = DEFAULT"
	)
	for extra in "${EXTRA[@]}"; do
		key=${extra%%=*}
		key=${key//[[:space:]]/}
		if [[ -n $key && $extra == *=* && $MULTI_KEYS != *" $key "* ]]; then
			local kept=()
			for line in "${lines[@]}"; do
				k=${line%%=*}
				k=${k//[[:space:]]/}
				[[ $line == \#* || $k != "$key" ]] && kept+=("$line")
			done
			lines=("${kept[@]}")
		fi
		lines+=("$extra")
	done
	printf '%s\n' "${lines[@]}" >"$conf"
}

setup_netns() {
	local gw_if="${LAB_PREFIX}${ID}g" cl_if="${LAB_PREFIX}${ID}c"
	ip netns add "$GW_NS"
	ip netns add "$CLIENT_NS"
	ip link add "$gw_if" type veth peer name "$cl_if"
	ip link set "$gw_if" netns "$GW_NS"
	ip link set "$cl_if" netns "$CLIENT_NS"
	ip -n "$GW_NS" link set lo up
	ip -n "$CLIENT_NS" link set lo up
	ip -n "$GW_NS" addr add "$GW_ADDR/24" dev "$gw_if"
	ip -n "$CLIENT_NS" addr add "$CLIENT_ADDR/24" dev "$cl_if"
	ip -n "$GW_NS" addr add "$GW_ADDR6/64" dev "$gw_if" nodad
	ip -n "$CLIENT_NS" addr add "$CLIENT_ADDR6/64" dev "$cl_if" nodad
	if ((ASA)); then ip -n "$GW_NS" addr add "$MEMBER_ADDR/24" dev "$gw_if"; fi
	ip -n "$GW_NS" link set "$gw_if" up
	ip -n "$CLIENT_NS" link set "$cl_if" up
	GW_VETH=$gw_if CLIENT_VETH=$cl_if
	# /etc/netns/<ns>/{hosts,resolv.conf} are bind-mounted over /etc by `ip netns exec`.
	mkdir -p "/etc/netns/$CLIENT_NS"
	cat >"/etc/netns/$CLIENT_NS/hosts" <<EOF
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
$GW_ADDR	$GW_HOST
$GW_ADDR6	$GW_HOST6
EOF
	if ((ASA)); then printf '%s\t%s\n' "$MEMBER_ADDR" "$MEMBER_HOST" >>"/etc/netns/$CLIENT_NS/hosts"; fi
	printf 'nameserver 127.0.0.1\n' >"/etc/netns/$CLIENT_NS/resolv.conf"
	chmod 0644 "/etc/netns/$CLIENT_NS/hosts" "/etc/netns/$CLIENT_NS/resolv.conf"
	local got
	got=$(ip netns exec "$CLIENT_NS" getent hosts "$GW_HOST" | awk '{print $1}') || true
	[[ $got == "$GW_ADDR" ]] || die "getent hosts $GW_HOST in $CLIENT_NS gave '$got', not $GW_ADDR"
}

make_users() {
	local u name pass groups
	: >"$STATE/ocpasswd"
	for u in "${USERS[@]}"; do
		IFS=: read -r name pass groups <<<"$u"
		printf '%s\n' "$pass" | ocpasswd -c "$STATE/ocpasswd" -g "$groups" "$name"
	done
	chmod 0600 "$STATE/ocpasswd"
	if ((OTP)); then
		: >"$STATE/users.oath"
		for u in "${USERS[@]}"; do
			name=${u%%:*}
			printf 'HOTP %s - %s\n' "$name" "$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')" >>"$STATE/users.oath"
		done
		chmod 0600 "$STATE/users.oath"
	fi
}

wait_for_ocserv() {
	local deadline=$((SECONDS + UP_TIMEOUT))
	while ((SECONDS < deadline)); do
		pid_alive "$OCSERV_PID" || die "ocserv exited during start-up"
		if ip netns exec "$CLIENT_NS" timeout 2 bash -c "exec 3<>/dev/tcp/$GW_ADDR/$PORT" 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

on_up_exit() {
	local rc=$?
	((rc == 0)) && return 0
	log "up failed (exit $rc); cleaning up lab $ID"
	if [[ -r $STATE/ocserv.log ]]; then
		log "last lines of $STATE/ocserv.log:"
		tail -n 25 "$STATE/ocserv.log" >&2 || true
	fi
	if [[ -r $STATE/asa.log ]]; then
		log "last lines of $STATE/asa.log:"
		tail -n 25 "$STATE/asa.log" >&2 || true
	fi
	teardown "$ID" "$STATE"
	rm -f "$STATE/lab.env"
	exit "$rc"
}

cmd_up() {
	local arg
	STATE="" SERVER_MODE=ca OTP=0 PORT=4443 ASA=0 EXTRA=()
	while (($#)); do
		arg=$1
		shift
		case $arg in
		--server-cert)
			(($#)) || die "--server-cert needs ca or self-signed"
			SERVER_MODE=$1
			shift
			[[ $SERVER_MODE == ca || $SERVER_MODE == self-signed ]] || die "--server-cert must be ca or self-signed"
			;;
		--server-cert=*)
			SERVER_MODE=${arg#*=}
			[[ $SERVER_MODE == ca || $SERVER_MODE == self-signed ]] || die "--server-cert must be ca or self-signed"
			;;
		--otp) OTP=1 ;;
		--asa) ASA=1 ;;
		--port)
			(($#)) || die "--port needs a number"
			PORT=$1
			shift
			;;
		--port=*) PORT=${arg#*=} ;;
		--extra)
			(($#)) || die "--extra needs a line"
			EXTRA+=("$1")
			shift
			;;
		--extra=*) EXTRA+=("${arg#*=}") ;;
		-h | --help) usage && exit 0 ;;
		-*) die "unknown option $arg" ;;
		*) [[ -z $STATE ]] || die "more than one STATE_DIR given"; STATE=$arg ;;
		esac
	done
	[[ -n $STATE ]] || { usage >&2; exit 2; }
	if ! [[ $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then die "bad port $PORT"; fi
	local line
	for line in "${EXTRA[@]}"; do [[ $line != *$'\n'* ]] || die "--extra line contains a newline"; done
	need_root up
	local missing
	missing=$(missing_packages)
	[[ -z $missing ]] || die "missing packages: $(echo "$missing" | tr '\n' ' ')(run 'lab.sh install')"

	mkdir -p "$STATE"
	STATE=$(cd "$STATE" && pwd)
	[[ $STATE != *"'"* && $STATE != *[[:space:]]* ]] || die "STATE_DIR must not contain quotes or spaces"
	if [[ -r $STATE/lab.env ]]; then
		local old_id
		old_id=$(env_get "$STATE/lab.env" LAB_ID || true)
		if [[ -n $old_id ]] && netns_exists "$LAB_PREFIX-$old_id-gw"; then
			die "lab $old_id is already up in $STATE; run 'lab.sh down $STATE' first"
		fi
	fi

	# A fresh id whose names are all unused.
	while :; do
		ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
		GW_NS="$LAB_PREFIX-$ID-gw" CLIENT_NS="$LAB_PREFIX-$ID-cl"
		netns_exists "$GW_NS" || netns_exists "$CLIENT_NS" || [[ -e $REGISTRY_DIR/$ID ]] || break
	done
	TUN_PREFIX="${LAB_PREFIX}${ID}"
	trap on_up_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	mkdir -p "$REGISTRY_DIR"
	# The registry lets `sweep` find the state dir, and spares a lab whose `up` is still running.
	printf 'STATE_DIR=%s\nUP_PID=%s\n' "$STATE" "$$" >"$REGISTRY_DIR/$ID"
	printf '%s\n' "$ID" >"$STATE/lab.id"
	rm -f "$STATE/lab.env" "$STATE/ocserv.log" "$STATE/ocserv.pid" "$STATE/asa.log" "$STATE/asa.pid" \
		"$STATE/asa-requests.log"
	# ocserv's workers run as nobody and must reach the sockets.
	chmod 0755 "$STATE"

	local t0=$SECONDS
	log "lab $ID: namespaces $GW_NS, $CLIENT_NS"
	setup_netns
	log "lab $ID: certificates and users"
	make_certs "$STATE"
	make_users

	SOCKET_FILE=$STATE/ocserv.sock OCCTL_SOCKET=$STATE/occtl.sock
	# Unix socket paths are limited to 107 bytes (ocserv adds a suffix), and nobody must be able to reach them.
	if ((${#STATE} > 80)) || ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$STATE" 2>/dev/null; then
		mkdir -p "$REGISTRY_DIR/$ID.sock"
		chmod 0755 "$REGISTRY_DIR/$ID.sock"
		SOCKET_FILE=$REGISTRY_DIR/$ID.sock/ocserv.sock OCCTL_SOCKET=$REGISTRY_DIR/$ID.sock/occtl.sock
		log "lab $ID: sockets under $REGISTRY_DIR/$ID.sock (state dir path too long or not reachable by nobody)"
	fi
	if [[ $SERVER_MODE == ca ]]; then
		SERVER_CERT=$STATE/server-cert.pem SERVER_KEY=$STATE/server-key.pem
	else
		SERVER_CERT=$STATE/selfsigned-cert.pem SERVER_KEY=$STATE/selfsigned-key.pem
	fi
	write_ocserv_conf "$STATE/ocserv.conf"

	log "lab $ID: starting ocserv on $GW_ADDR:$PORT (tcp+udp)"
	setsid ip netns exec "$GW_NS" ocserv -f -d 1 -c "$STATE/ocserv.conf" </dev/null >"$STATE/ocserv.log" 2>&1 &
	OCSERV_PID=$!
	wait_for_ocserv || die "ocserv did not accept TCP on $GW_ADDR:$PORT within ${UP_TIMEOUT}s"
	local file_pid
	file_pid=$(tr -dc 0-9 <"$STATE/ocserv.pid" 2>/dev/null || true)
	[[ -z $file_pid || $file_pid == "$OCSERV_PID" ]] || log "warning: pid-file says $file_pid, started $OCSERV_PID"

	if ((ASA)); then start_asa_front; fi

	write_env >"$STATE/lab.env.tmp"
	mv "$STATE/lab.env.tmp" "$STATE/lab.env"
	trap - EXIT INT TERM HUP
	log "lab $ID up in $((SECONDS - t0))s: https://$GW_ADDR:$PORT/ (env: $STATE/lab.env)"
}

# The ASA-behaviour front (scripts/lab/asa_front.py) in the gateway namespace, in front of ocserv.
start_asa_front() {
	local front u name pass users=()
	front=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/asa_front.py
	for u in "${USERS[@]}"; do
		IFS=: read -r name pass _ <<<"$u"
		users+=(--user "$name:$pass")
	done
	log "lab $ID: starting the ASA front on $GW_HOST:$ASA_PORT and $MEMBER_HOST:$ASA_PORT"
	: >"$STATE/asa-requests.log"
	setsid ip netns exec "$GW_NS" /usr/bin/python3 "$front" \
		--listen "main=$GW_ADDR:$ASA_PORT:$STATE/server-cert.pem:$STATE/server-key.pem" \
		--listen "member=$MEMBER_ADDR:$ASA_PORT:$STATE/member-cert.pem:$STATE/member-key.pem" \
		--member-url "https://$MEMBER_HOST:$ASA_PORT" --ocserv-host "$GW_ADDR" --ocserv-port "$PORT" \
		--ocserv-ca "$STATE/ca.pem" --client-ca "$STATE/client-ca.pem" "${users[@]}" \
		--secondary-user alice --secondary-pass "$ASA_SECONDARY_PASS" \
		--log "$STATE/asa-requests.log" --pid-file "$STATE/asa.pid" </dev/null >"$STATE/asa.log" 2>&1 &
	ASA_PID=$!
	local deadline=$((SECONDS + UP_TIMEOUT)) addr
	for addr in "$GW_ADDR" "$MEMBER_ADDR"; do
		until ip netns exec "$CLIENT_NS" timeout 2 bash -c "exec 3<>/dev/tcp/$addr/$ASA_PORT" 2>/dev/null; do
			pid_alive "$ASA_PID" || die "the ASA front exited during start-up"
			((SECONDS < deadline)) || die "the ASA front did not accept TCP on $addr:$ASA_PORT within ${UP_TIMEOUT}s"
			sleep 0.05
		done
	done
}

write_env() {
	local u name pass groups upper
	env_line LAB_ID "$ID"
	env_line STATE_DIR "$STATE"
	env_line GW_NS "$GW_NS"
	env_line CLIENT_NS "$CLIENT_NS"
	env_line GW_VETH "$GW_VETH"
	env_line CLIENT_VETH "$CLIENT_VETH"
	env_line GW_ADDR "$GW_ADDR"
	env_line GW_ADDR6 "$GW_ADDR6"
	env_line CLIENT_ADDR "$CLIENT_ADDR"
	env_line CLIENT_ADDR6 "$CLIENT_ADDR6"
	env_line GW_HOST "$GW_HOST"
	env_line GW_HOST6 "$GW_HOST6"
	env_line PORT "$PORT"
	env_line URL "https://$GW_ADDR:$PORT/"
	env_line URL_HOST "https://$GW_HOST:$PORT/"
	env_line URL6 "https://[$GW_ADDR6]:$PORT/"
	env_line VPN_NETWORK "$VPN_NETWORK/24"
	env_line VPN_GW_ADDR "${VPN_NETWORK%.0}.1"
	env_line TUN_PREFIX "$TUN_PREFIX"
	env_line CA_FILE "$STATE/ca.pem"
	env_line SERVER_CERT_MODE "$SERVER_MODE"
	env_line SERVER_CERT "$SERVER_CERT"
	env_line SERVER_KEY "$SERVER_KEY"
	env_line SERVER_PIN "$(cert_pin "$SERVER_CERT")"
	env_line SERVER_SHA1 "$(cert_sha1 "$SERVER_CERT")"
	env_line CA_SIGNED_CERT "$STATE/server-cert.pem"
	env_line CA_SIGNED_PIN "$(cert_pin "$STATE/server-cert.pem")"
	env_line CA_SIGNED_SHA1 "$(cert_sha1 "$STATE/server-cert.pem")"
	env_line SELF_SIGNED_CERT "$STATE/selfsigned-cert.pem"
	env_line SELF_SIGNED_PIN "$(cert_pin "$STATE/selfsigned-cert.pem")"
	env_line SELF_SIGNED_SHA1 "$(cert_sha1 "$STATE/selfsigned-cert.pem")"
	env_line CLIENT_CA_FILE "$STATE/client-ca.pem"
	env_line CLIENT_CERT "$STATE/alice-cert.pem"
	env_line CLIENT_KEY "$STATE/alice-key.pem"
	env_line CLIENT_KEY_ENC "$STATE/alice-key-enc.pem"
	env_line CLIENT_KEY_PASS "$CLIENT_KEY_PASS"
	env_line CLIENT_INTERMEDIATE "$STATE/client-inter.pem"
	env_line CLIENT_LEAF_BY_INTERMEDIATE "$STATE/alice-inter-cert.pem"
	env_line CLIENT_CHAIN_PEM "$STATE/alice-chain.pem"
	env_line CLIENT_CHAIN_P12 "$STATE/alice-chain.p12"
	env_line CLIENT_LEGACY_P12 "$STATE/alice-legacy.pfx"
	env_line CLIENT_P12_PASS "$CLIENT_P12_PASS"
	env_line OCSERV_PID "$OCSERV_PID"
	env_line OCSERV_CONF "$STATE/ocserv.conf"
	env_line OCSERV_LOG "$STATE/ocserv.log"
	env_line OCCTL_SOCKET "$OCCTL_SOCKET"
	env_line GROUP_ENGINEERING Engineering
	env_line GROUP_ENGINEERING_LABEL "$ENGINEERING_LABEL"
	env_line GROUP_SALES Sales
	env_line GROUP_SALES_LABEL "$SALES_LABEL"
	env_line OTP "$OTP"
	for u in "${USERS[@]}"; do
		IFS=: read -r name pass groups <<<"$u"
		upper=${name^^}
		env_line "${upper}_USER" "$name"
		env_line "${upper}_PASS" "$pass"
		env_line "${upper}_GROUPS" "$groups"
		if ((OTP)); then
			env_line "${upper}_OTP_SECRET" "$(awk -v u="$name" '$2 == u {print $4}' "$STATE/users.oath")"
			env_line "${upper}_OTP_CODE" "$(otp_next "$STATE/users.oath" "$name")"
		fi
	done
	if ((ASA)); then
		env_line ASA_URL "https://$GW_HOST:$ASA_PORT"
		env_line ASA_HOST "$GW_HOST"
		env_line ASA_ADDR "$GW_ADDR"
		env_line ASA_PORT "$ASA_PORT"
		env_line ASA_MEMBER_URL "https://$MEMBER_HOST:$ASA_PORT"
		env_line ASA_MEMBER_HOST "$MEMBER_HOST"
		env_line ASA_MEMBER_ADDR "$MEMBER_ADDR"
		env_line ASA_MEMBER_PORT "$ASA_PORT"
		env_line ASA_MEMBER_CERT "$STATE/member-cert.pem"
		env_line ASA_USER alice
		env_line ASA_PASS secret
		env_line ASA_GROUP Employees
		env_line ASA_SECONDARY_USER alice
		env_line ASA_SECONDARY_PASS "$ASA_SECONDARY_PASS"
		env_line ASA_LOG "$STATE/asa-requests.log"
		env_line ASA_STDERR_LOG "$STATE/asa.log"
		env_line ASA_PID "$ASA_PID"
	fi
	if ((OTP)); then
		env_line OTP_FILE "$STATE/users.oath"
		env_line OTP_CODE "$(otp_next "$STATE/users.oath" carol)"
	fi
}

# ---------------------------------------------------------------------------------------------- other commands

cmd_down() {
	[[ -n ${1:-} ]] || { usage >&2; exit 2; }
	need_root down
	local state id
	state=$(cd "$1" 2>/dev/null && pwd) || { log "no state dir $1: nothing to do"; return 0; }
	id=$(env_get "$state/lab.env" LAB_ID 2>/dev/null || true)
	[[ -n $id ]] || id=$(tr -dc 0-9a-f <"$state/lab.id" 2>/dev/null || true)
	if [[ -z $id ]]; then
		log "no lab recorded in $state: nothing to do"
		return 0
	fi
	local t0=$SECONDS
	teardown "$id" "$state"
	log "lab $id down in $((SECONDS - t0))s"
}

cmd_sweep() {
	need_root sweep
	local ids=() id name state up_pid reg
	while read -r name _; do
		[[ $name =~ ^$LAB_PREFIX-([0-9a-f]{6})-(gw|cl)$ ]] && ids+=("${BASH_REMATCH[1]}")
	done < <(ip netns list 2>/dev/null)
	for name in /etc/netns/"$LAB_PREFIX"-* "$REGISTRY_DIR"/*; do
		[[ -e $name ]] || continue
		name=${name##*/}
		[[ $name =~ ^($LAB_PREFIX-)?([0-9a-f]{6})(-gw|-cl|\.sock)?$ ]] && ids+=("${BASH_REMATCH[2]}")
	done
	((${#ids[@]})) || { log "sweep: nothing to remove"; return 0; }
	local removed=0
	while read -r id; do
		reg=$REGISTRY_DIR/$id state="" up_pid=""
		if [[ -r $reg ]]; then
			state=$(env_get "$reg" STATE_DIR || true)
			up_pid=$(env_get "$reg" UP_PID || true)
		fi
		# Spare a lab whose `up` is still running, and a lab whose ocserv runs and whose state dir is there.
		if [[ -n $up_pid ]] && pid_alive "$up_pid" && grep -qa 'lab.sh' "/proc/$up_pid/cmdline" 2>/dev/null &&
			[[ ! -r $state/lab.env ]]; then
			continue
		fi
		if [[ -n $state && -r $state/lab.env ]] && ocserv_in_netns "$LAB_PREFIX-$id-gw"; then
			continue
		fi
		log "sweep: removing lab $id${state:+ (state dir $state)}"
		teardown "$id" "$state"
		removed=$((removed + 1))
	done < <(printf '%s\n' "${ids[@]}" | sort -u)
	log "sweep: removed $removed lab(s)"
}

cmd_exec() {
	load_state "${1:-}"
	shift
	(($#)) || die "exec needs a command"
	need_root exec
	local ns
	ns=$(env_get "$ENV_FILE" CLIENT_NS)
	exec ip netns exec "$ns" "$@"
}

cmd_occtl() {
	load_state "${1:-}"
	shift
	need_root occtl
	local ns sock
	ns=$(env_get "$ENV_FILE" GW_NS)
	sock=$(env_get "$ENV_FILE" OCCTL_SOCKET)
	exec ip netns exec "$ns" occtl -s "$sock" "$@"
}

# Kills the lab's ocserv (SIGKILL, like a crash or a reboot: no DISCONNECT reaches the clients) and starts a
# new one with the same configuration: every session and cookie of the old one is gone (the fault a
# reconnecting client must survive with a fresh login).
cmd_restart() {
	load_state "${1:-}"
	need_root restart
	GW_NS=$(env_get "$ENV_FILE" GW_NS)
	CLIENT_NS=$(env_get "$ENV_FILE" CLIENT_NS)
	PORT=$(env_get "$ENV_FILE" PORT)
	local old pids asa_pid p
	old=$(env_get "$ENV_FILE" OCSERV_PID || true)
	asa_pid=$(tr -dc 0-9 <"$STATE/asa.pid" 2>/dev/null || true)
	# shellcheck disable=SC2207
	pids=($(netns_pids "$GW_NS"))
	# The ASA front (--asa) stays: only ocserv restarts.
	if [[ -n $asa_pid ]]; then
		local kept=()
		for p in "${pids[@]}"; do [[ $p == "$asa_pid" ]] || kept+=("$p"); done
		pids=("${kept[@]}")
	fi
	if ((${#pids[@]})); then
		kill_and_wait KILL "$DOWN_TIMEOUT" "${pids[@]}" || true
	fi
	rm -f "$STATE/ocserv.pid" "$STATE"/ocserv.sock*
	setsid ip netns exec "$GW_NS" ocserv -f -d 1 -c "$STATE/ocserv.conf" </dev/null >>"$STATE/ocserv.log" 2>&1 &
	OCSERV_PID=$!
	wait_for_ocserv || die "ocserv did not come back on $GW_ADDR:$PORT within ${UP_TIMEOUT}s"
	sed -i "s/^OCSERV_PID=.*/OCSERV_PID=$OCSERV_PID/" "$ENV_FILE"
	log "ocserv restarted (pid $old -> $OCSERV_PID)"
}

cmd_otp() {
	load_state "${1:-}"
	[[ -n ${2:-} ]] || die "usage: lab.sh otp STATE_DIR USER"
	local file
	file=$(env_get "$ENV_FILE" OTP_FILE) || die "the lab in $STATE was not started with --otp"
	otp_next "$file" "$2"
}

main() {
	ARGS=("$@")
	local cmd=${1:-}
	(($#)) && shift
	case $cmd in
	install) cmd_install "$@" ;;
	up) cmd_up "$@" ;;
	down) cmd_down "$@" ;;
	sweep) cmd_sweep "$@" ;;
	exec) cmd_exec "$@" ;;
	occtl) cmd_occtl "$@" ;;
	otp) cmd_otp "$@" ;;
	restart) cmd_restart "$@" ;;
	env) load_state "${1:-}" && cat "$ENV_FILE" ;;
	-h | --help | help) usage ;;
	*) usage >&2 && exit 2 ;;
	esac
}

main "$@"
