#!/bin/bash
# The lab's external browser for the ASA front's SSO scenarios: `curl-browser.sh URL` does what a person in a
# browser would. It GETs the sso-v2-login URL, follows every redirect (the front's SAML SP sends it to the lab
# IdP), fills the IdP's form with the lab credentials, and follows the IdP's redirects on to the ACS and from
# there to where the ACS sends it: the final URL (embedded mode: the acSamlv2Token cookie is set on the way)
# or, in external mode, the client's callback http://localhost:29786/api/sso/<blob>?return=URL, whose 302 it
# follows to the gateway's "you may close this window" page. Exits 0 when it reaches a page that is not the
# IdP form, 1 otherwise.
#
# It is what openconnect's --external-browser runs (hpke.c spawn_browser: the program gets the URL as its only
# argument, no shell) and what Swiftgate's --external-browser CMD runs, so everything else comes from the
# environment:
#   CURL_BROWSER_CAFILE  the CA of the gateway's certificate (default: the system store)
#   CURL_BROWSER_USER    IdP user name (default alice)          CURL_BROWSER_PASS  its password (default secret)
#   CURL_BROWSER_JAR     keep the cookie jar in this file (tests read acSamlv2Token / acSamlv2Error from it);
#                        default: a temporary file, removed at exit
#   CURL_BROWSER_LOG     append one line per hop to this file ("<status> <scheme://host/path>")
# Hops are logged without their query, and the callback's path as /api/sso/BLOB: it carries the encrypted token.
set -u

url=${1:?usage: curl-browser.sh URL}
user=${CURL_BROWSER_USER:-alice}
pass=${CURL_BROWSER_PASS:-secret}
log=${CURL_BROWSER_LOG:-/dev/null}
work=$(mktemp -d /tmp/curl-browser.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
jar=${CURL_BROWSER_JAR:-$work/jar}
ca=()
if [[ -n ${CURL_BROWSER_CAFILE:-} ]]; then ca=(--cacert "$CURL_BROWSER_CAFILE"); fi

say() { printf 'curl-browser: %s\n' "$*" >&2; }
# scheme://host[:port]/path, without query or fragment.
strip() {
	local u=${1%%\?*}
	u=${u%%#*}
	[[ $u == */api/sso/* ]] && u=${u%%/api/sso/*}/api/sso/BLOB
	printf '%s' "$u"
}
origin() { [[ $1 =~ ^(https?://[^/]+) ]] && printf '%s' "${BASH_REMATCH[1]}"; }

method=GET data=() posted=0
for ((hop = 0; hop < 25; hop++)); do
	out=$(curl -sS --max-time 30 "${ca[@]}" -b "$jar" -c "$jar" -o "$work/body" -w '%{http_code} %{redirect_url}' \
		"${data[@]}" -- "$url") || { say "request failed: $(strip "$url")"; exit 1; }
	status=${out%% *} next=${out#* }
	printf '%s %s %s\n' "$status" "$method" "$(strip "$url")" >>"$log"
	say "$status $method $(strip "$url")"
	method=GET data=()
	case $status in
	301 | 302 | 303 | 307)
		[[ -n $next ]] || { say "redirect without a Location"; exit 1; }
		url=$next
		continue ;;
	200) ;;
	*) say "stopped: HTTP $status at $(strip "$url")"; exit 1 ;;
	esac
	if grep -q 'name="password"' "$work/body"; then
		((posted == 0)) || { say "the IdP refused the credentials for $user"; exit 1; }
		posted=1
		action=$(sed -n 's/.*<form[^>]*action="\([^"]*\)".*/\1/p' "$work/body" | head -n 1)
		relay=$(sed -n 's/.*name="RelayState" value="\([0-9]*\)".*/\1/p' "$work/body" | head -n 1)
		[[ $action == /* ]] && action=$(origin "$url")$action
		[[ $action == https://* ]] || { say "the IdP form has no usable action"; exit 1; }
		url=$action method=POST
		data=(--data-urlencode "RelayState=$relay" --data-urlencode "username=$user" --data-urlencode "password=$pass")
		continue
	fi
	say "reached $(strip "$url")"
	exit 0
done
say "too many redirects"
exit 1
