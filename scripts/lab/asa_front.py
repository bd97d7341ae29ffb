#!/usr/bin/env python3
"""The lab's ASA-behaviour gateway: a TLS front that answers the authentication phase the way a Cisco ASA does
and passes the tunnel (CONNECT) through to the lab's ocserv. Started by `lab.sh up STATE_DIR --asa`; see
docs/lab.md ("The ASA-behaviour gateway") for the scenarios, the log format and what openconnect does with each.

Python 3 standard library only. One thread per accepted connection, HTTP/1.1 keep-alive handled here.

Where the document shapes come from (facts only, no code copied):
  [OC-auth]   openconnect auth.c: the comment block above parse_auth_node (ASA "new server response":
              config-auth, session-token, opaque/tunnel-group/config-hash, auth id, form without
              method/action), parse_auth_choice (option attributes selected="true", second-auth="1",
              secondary_username, secondary_username_editable, noaaa="1"), parse_form (input second-auth),
              parse_xml_response (client-cert-request, top-level error and session-token),
              cstp_obtain_cookie (the cert_rq loop: reconnect with a certificate, or re-POST init with
              <client-cert-fail/>), parse_profile_node (vpn-profile-manifest / vpn rev="1.0" /
              file type="profile" service-type="user" / uri, hash).
  [OC-lib]    openconnect library.c process_auth_form: noaaa hides text and password fields; second-auth
              fields only for a group with second-auth; a non-editable secondary_username is prefilled.
  [OC-http]   openconnect http.c handle_redirect: a Location or form action on another host means a new
              connection and a cleared cookie jar.
  [OC-fake]   openconnect tests/fake-cisco-server.py and AnyLink (bjdgyc/anylink server/handler/link_auth.go,
              an ASA imitation) as summarised in /work/shared/reference/protocol.md 1.4 and 1.9: the root's
              aggregate-auth-version="2", opaque is-for="sg", success with session-id, session-token,
              capabilities/crypto-supported, config type="private" with vpn-base-config/server-cert-hash
              (upper-case hex SHA-1 of the certificate DER).
  [ISSUE10]   Swiftgate issue 10, "What fails today": the HostScan/DAP refusal (error id 13 plus a form with
              only group_list), "Login denied, unauthorized connection mechanism", type="complete" with only
              an error (id 24 "Authentication failed."), client-cert-request, a director's redirect, RADIUS
              push MFA holding the password POST.
Items the sources leave open (error ids other than 13/24, module profile service-types) are marked
"unconfirmed" where used.

Adding a scenario (issue 11 will add SAML ones): subclass Scenario, override the hooks you need (on_init,
on_reply, after_password, login_form, form_inputs, option_attrs, config_extra, server_cert_hash, success, and
on_other for requests that are not aggregate-auth documents, such as an IdP page), and register the instance in
SCENARIOS (or, for a parameterised name such as slow-N, in scenario_for). Request headers are in req.headers
(e.g. X-AnyConnect-STRAP-Pubkey).
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import secrets
import select
import socket
import ssl
import sys
import threading
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
IDLE_TIMEOUT = 300  # seconds a keep-alive HTTP connection may stay silent (a relayed tunnel has no limit)

# ASA group-url aliases the login form offers, and the ocserv group each maps to when the front logs in to
# ocserv (lab.sh's ocserv knows Engineering, Sales and DEFAULT).
GROUP_ALIASES = [("Employees", "Engineering"), ("Sales", "Sales"), ("Contractors", "DEFAULT")]
DEFAULT_ALIAS = "Employees"

HOSTSCAN_TEXT = "Unable to complete connection: Cisco Secure Desktop not installed on the client"
UNAUTHORIZED_TEXT = "Login denied, unauthorized connection mechanism, contact your administrator."
AUTH_FAILED_TEXT = "Authentication failed."


def log_line(args, **fields):
    fields = {"t": round(time.time(), 3), **fields}
    line = json.dumps(fields, separators=(",", ":"), sort_keys=False)
    with args.log_lock:
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def note(msg):
    print(time.strftime("%H:%M:%S"), msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------ HTTP


class Request:
    def __init__(self, method, target, version, headers, body):
        self.method, self.target, self.version, self.headers, self.body = method, target, version, headers, body
        self.path = target.split("?", 1)[0]
        self.doc = None  # parsed config-auth, when the body is XML

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def cookies(self):
        jar = {}
        for k, v in self.headers:
            if k.lower() != "cookie":
                continue
            for part in v.split(";"):
                if "=" in part:
                    ck, cv = part.split("=", 1)
                    jar[ck.strip()] = cv.strip()
        return jar


class Response:
    def __init__(self, status=200, reason="OK", body=b"", content_type="text/xml", headers=None):
        self.status, self.reason, self.body, self.content_type = status, reason, body, content_type
        self.headers = list(headers or [])
        self.reply_kind = ""  # for the log: auth-request, complete, client-cert-request, redirect, ...
        self.delay = 0.0      # seconds to hold the reply (slow-N)
        self.note = ""        # for the log: why the front answered as it did


def read_request(conn, buf):
    """Reads one request from conn; buf holds bytes already read. Returns (Request, rest) or (None, b'')."""
    while b"\r\n\r\n" not in buf:
        if len(buf) > MAX_HEADER_BYTES:
            raise ValueError("request header too large")
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise ValueError("bad request line")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.append((k.strip(), v.strip()))
    req = Request(parts[0], parts[1], parts[2], headers, b"")
    length = int(req.header("Content-Length", "0") or "0")
    if length < 0 or length > MAX_BODY_BYTES:
        raise ValueError("bad Content-Length")
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        rest += chunk
    req.body, rest = rest[:length], rest[length:]
    return req, rest


def send_response(conn, resp, keep_alive=True):
    lines = [f"HTTP/1.1 {resp.status} {resp.reason}", "Server: Swiftgate-Lab-ASA-Front",
             "X-Transcend-Version: 1", "Cache-Control: no-store", "Pragma: no-cache"]
    if resp.body or resp.status == 200:
        lines.append(f"Content-Type: {resp.content_type}")
    lines.append(f"Content-Length: {len(resp.body)}")
    lines += [f"{k}: {v}" for k, v in resp.headers]
    lines.append("Connection: " + ("Keep-Alive" if keep_alive else "close"))
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + resp.body)


# ------------------------------------------------------------------------------------------------ XML


def xml_summary(doc):
    """What the log may say about a client document: names and safe attributes, never field values."""
    if doc is None:
        return {}
    info = {"root": doc.tag, "type": doc.get("type", ""), "children": [c.tag for c in doc]}
    auth = doc.find("auth")
    if auth is not None:
        info["auth_fields"] = [c.tag for c in auth]
    gs = doc.findtext("group-select")
    if gs is not None:
        info["group_select"] = gs[:64]
    ga = doc.findtext("group-access")
    if ga is not None:
        info["group_access"] = ga[:200]
    if doc.find("client-cert-fail") is not None:
        info["client_cert_fail"] = True
    return info


def auth_field(doc, name):
    if doc is None:
        return None
    auth = doc.find("auth")
    if auth is None:
        return None
    el = auth.find(name)
    return None if el is None else (el.text or "")


def config_auth(kind, inner):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<config-auth client="vpn" type="{kind}" aggregate-auth-version="2">\n{inner}</config-auth>\n'
            ).encode("utf-8")


def opaque(alias, handle):
    # [OC-fake] opaque is-for="sg"; openconnect echoes it back byte for byte in the auth-reply.
    return ('<opaque is-for="sg">\n<tunnel-group>LAB-ASA</tunnel-group>\n'
            f'<group-alias>{escape(alias)}</group-alias>\n<aggauth-handle>{handle}</aggauth-handle>\n'
            '<config-hash>1595829378234</config-hash>\n</opaque>\n')


def group_select(selected, extra_attrs=None):
    """The ASA group_list select ([OC-auth] parse_auth_choice): value + text, one option selected="true"."""
    extra_attrs = extra_attrs or {}
    out = ['<select name="group_list" label="GROUP:">']
    for alias, _ in GROUP_ALIASES:
        attrs = f' value={quoteattr(alias)}'
        if alias == selected:
            attrs += ' selected="true"'
        attrs += extra_attrs.get(alias, "")
        out.append(f"<option{attrs}>{escape(alias)}</option>")
    out.append("</select>")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------ state


class Login:
    """One login conversation, found again by its webvpncontext cookie."""

    def __init__(self, scenario):
        self.id = secrets.token_hex(12)
        self.scenario = scenario
        self.handle = secrets.randbelow(10 ** 9)
        self.alias = DEFAULT_ALIAS
        self.refusals = 0
        self.cert_failed = False  # cert-request: the client said <client-cert-fail/>


class Front:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.logins = {}            # webvpncontext -> Login
        self.tunnel_scenario = {}   # ocserv webvpn cookie -> scenario name (for the CONNECT)
        self.cert_armed = set()     # (listener name, client ip) sent client-cert-request: ask for a cert
        self.users = dict(u.split(":", 1) for u in args.user)

    def login_for(self, req, scenario_name):
        """The login this request continues: by its webvpncontext cookie, or else by the aggauth-handle of the
        opaque block the client echoes (an ASA keys its aggregate-auth session on both); a new one otherwise."""
        ctx = req.cookies().get("webvpncontext")
        handle = req.doc.findtext("opaque/aggauth-handle") if req.doc is not None else None
        with self.lock:
            found = self.logins.get(ctx) if ctx else None
            if found is None and handle:
                found = next((l for l in self.logins.values() if str(l.handle) == handle.strip()), None)
            if found is not None and (scenario_name is None or found.scenario == scenario_name):
                return found
            login = Login(scenario_name or "ok")
            self.logins[login.id] = login
            return login

    def ocserv_login(self, user, alias):
        """Logs in to ocserv over aggregate-auth as `user` and returns ocserv's webvpn cookie."""
        group = dict(GROUP_ALIASES).get(alias, "DEFAULT")
        password = self.users[user]
        ctx = ssl.create_default_context(cafile=self.args.ocserv_ca)
        conn = http.client.HTTPSConnection(self.args.ocserv_host, self.args.ocserv_port, context=ctx, timeout=30)
        jar = {}

        def post(inner, kind):
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<config-auth client="vpn" type="{kind}" aggregate-auth-version="2">'
                    '<version who="vpn">9.01</version><device-id>linux-64</device-id>'
                    f'{inner}</config-auth>').encode()
            headers = {"X-Aggregate-Auth": "1", "X-Transcend-Version": "1",
                       "Content-Type": "application/xml; charset=utf-8",
                       "User-Agent": "Open AnyConnect VPN Agent v9.01"}
            if jar:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
            conn.request("POST", "/", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            for sc in resp.msg.get_all("Set-Cookie") or []:
                name, _, rest = sc.partition("=")
                value = rest.split(";", 1)[0]
                if value:
                    jar[name.strip()] = value
                else:
                    jar.pop(name.strip(), None)
            if resp.status != 200:
                raise RuntimeError(f"ocserv answered {resp.status} {resp.reason}")
            return data

        gs = f"<group-select>{escape(group)}</group-select>"
        try:
            post(f"<group-access>https://{self.args.ocserv_host}:{self.args.ocserv_port}/</group-access>{gs}",
                 "init")
            post(f"<auth><username>{escape(user)}</username></auth>{gs}", "auth-reply")
            post(f"<auth><password>{escape(password)}</password></auth>{gs}", "auth-reply")
        finally:
            conn.close()
        cookie = jar.get("webvpn")
        if not cookie:
            raise RuntimeError("ocserv gave no webvpn cookie")
        return cookie


# ------------------------------------------------------------------------------------------------ scenarios


class Scenario:
    """The `ok` flow: ASA's single login form, then success; every hook may be overridden."""

    name = "ok"
    login_message = "Please enter your username and password."

    # --- documents

    def login_form(self, front, login, error=""):
        # [OC-auth] ASA "new server response": form without method/action (openconnect then POSTs to "/"),
        # username and password in one form, the group_list select with the current alias selected.
        err = f'<error id="98">{escape(error)}</error>\n' if error else ""  # id unconfirmed
        inner = (opaque(login.alias, login.handle) +
                 '<auth id="main">\n<title>Login</title>\n'
                 f"<message>{escape(self.login_message)}</message>\n<banner></banner>\n{err}"
                 "<form>\n" + self.form_inputs(front, login) + group_select(login.alias, self.option_attrs(front)) +
                 "</form>\n</auth>\n")
        resp = Response(body=config_auth("auth-request", inner))
        resp.reply_kind = "auth-request"
        return resp

    def form_inputs(self, front, login):
        return ('<input type="text" name="username" label="Username:"></input>\n'
                '<input type="password" name="password" label="Password:"></input>\n')

    def option_attrs(self, front):
        return {}

    def config_extra(self, front, listener):
        return ""

    def server_cert_hash(self, front, listener):
        return listener.cert_sha1

    def success(self, front, login, listener, user):
        try:
            cookie = front.ocserv_login(user, login.alias)
        except (OSError, RuntimeError, http.client.HTTPException) as e:
            # ocserv refused (e.g. bob is not in Sales): to the client this is a failed login, as on an ASA.
            resp = self.login_form(front, login, "Login failed.")
            resp.note = f"ocserv login failed: {e}"[:200]
            return resp
        with front.lock:
            front.tunnel_scenario[cookie] = self.name
            front.logins.pop(login.id, None)
        # [OC-fake] ASA success: session-id, session-token (= the webvpn cookie), auth id="success",
        # capabilities, config type="private" with vpn-base-config/server-cert-hash.
        inner = (f"<session-id>{login.handle}</session-id>\n<session-token>{escape(cookie)}</session-token>\n"
                 '<auth id="success">\n<banner>Welcome to the Swiftgate lab ASA-behaviour gateway.</banner>\n'
                 '<message id="0" param1="" param2=""></message>\n</auth>\n'
                 "<capabilities>\n<crypto-supported>ssl-dhe</crypto-supported>\n</capabilities>\n"
                 '<config client="vpn" type="private">\n<vpn-base-config>\n'
                 f"<server-cert-hash>{self.server_cert_hash(front, listener)}</server-cert-hash>\n"
                 "</vpn-base-config>\n<opaque is-for=\"vpn-client\"></opaque>\n"
                 + self.config_extra(front, listener) + "</config>\n")
        resp = Response(body=config_auth("complete", inner),
                        headers=[("Set-Cookie", f"webvpn={cookie}; path=/; secure"),
                                 ("Set-Cookie", "webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; secure")])
        resp.reply_kind = "complete"
        return resp

    # --- hooks

    def on_init(self, front, login, req, listener, tls):
        alias = (req.doc.findtext("group-select") or "") if req.doc is not None else ""
        if alias in dict(GROUP_ALIASES):
            login.alias = alias
        return self.login_form(front, login)

    def check_password(self, front, req):
        user = auth_field(req.doc, "username")
        password = auth_field(req.doc, "password")
        if user is None or password is None:
            return None, False
        return user, front.users.get(user) == password

    def on_reply(self, front, login, req, listener, tls):
        alias = req.doc.findtext("group-select") or ""
        if alias in dict(GROUP_ALIASES):
            login.alias = alias
        user, good = self.check_password(front, req)
        if not good:
            return self.login_form(front, login, "Login failed.")
        return self.after_password(front, login, req, listener, user)

    def after_password(self, front, login, req, listener, user):
        return self.success(front, login, listener, user)

    def on_other(self, front, req, listener, tls):
        """A request that is not an aggregate-auth document (a GET of a file, an IdP page, …): answer it and
        return the Response, or None to leave it to the others. Asked of every scenario, in SCENARIOS order."""
        return None


class Refusal(Scenario):
    """HostScan/DAP refusal after the password: an error plus a form holding only group_list, again and
    again for every resubmission [ISSUE10 case 1]."""

    def __init__(self, name, error_id, text):
        self.name, self.error_id, self.text = name, error_id, text

    def refusal(self, login):
        login.refusals += 1
        ident = f' id="{self.error_id}"' if self.error_id else ""
        inner = (opaque(login.alias, login.handle) +
                 '<auth id="main">\n<title>Login</title>\n'
                 f"<error{ident}>{escape(self.text)}</error>\n"
                 "<form>\n" + group_select(login.alias) + "</form>\n</auth>\n")
        resp = Response(body=config_auth("auth-request", inner))
        resp.reply_kind = "refusal"
        return resp

    def on_reply(self, front, login, req, listener, tls):
        if login.refusals:
            return self.refusal(login)
        return super().on_reply(front, login, req, listener, tls)

    def after_password(self, front, login, req, listener, user):
        return self.refusal(login)


class CompleteError(Scenario):
    """type="complete" carrying only an error: no session token, no webvpn cookie [ISSUE10 case 2]."""

    name = "complete-error"

    def after_password(self, front, login, req, listener, user):
        resp = Response(body=config_auth("complete", f'<error id="24">{AUTH_FAILED_TEXT}</error>\n'))
        resp.reply_kind = "complete-error"
        return resp


class CertRequest(Scenario):
    """init answered with <client-cert-request/> [OC-auth cstp_obtain_cookie, ISSUE10 case 3]. The next
    connection from that client address gets a TLS CertificateRequest (CERT_OPTIONAL, lab client CA). A
    verified certificate logs in at once as its UID (falling back to CN): direct success. An init with
    <client-cert-fail/> gets the normal login form."""

    name = "cert-request"

    def on_init(self, front, login, req, listener, tls):
        peer = tls.getpeercert()
        if peer:
            user = cert_user(peer)
            if user not in front.users:
                return self.login_form(front, login, "Certificate Validation Failure")
            with front.lock:
                front.cert_armed.discard((listener.name, listener.peer_ip(tls)))
            return self.success(front, login, listener, user)
        if req.doc is not None and req.doc.find("client-cert-fail") is not None:
            login.cert_failed = True
            with front.lock:
                front.cert_armed.discard((listener.name, listener.peer_ip(tls)))
        if login.cert_failed:
            # Asked once per login: a later init of the same login (openconnect's group re-select) gets the form.
            return super().on_init(front, login, req, listener, tls)
        with front.lock:
            front.cert_armed.add((listener.name, listener.peer_ip(tls)))
        resp = Response(body=config_auth("auth-request", "<client-cert-request/>\n"))
        resp.reply_kind = "client-cert-request"
        return resp


def cert_user(peer):
    names = {}
    for rdn in peer.get("subject", ()):
        for k, v in rdn:
            names[k] = v
    return names.get("userId") or names.get("commonName") or ""


class Director(Scenario):
    """A load-balancing director: the init POST is answered with 302 to the member [ISSUE10 case 4,
    OC-http handle_redirect]. On the member this is the ok flow."""

    name = "director"

    def on_init(self, front, login, req, listener, tls):
        if listener.name == "member":
            return super().on_init(front, login, req, listener, tls)
        resp = Response(status=302, reason="Found", body=b"", content_type="text/html",
                        headers=[("Location", f"{front.args.member_url}/ok")])
        resp.reply_kind = "redirect"
        return resp


class DirectorAction(Scenario):
    """The director's login form has its action on the member; the member accepts the credentials."""

    name = "director-action"

    def login_form(self, front, login, error=""):
        resp = super().login_form(front, login, error)
        resp.body = resp.body.replace(b"<form>", f'<form method="post" action="{front.args.member_url}/ok">'.encode())
        return resp


class Slow(Scenario):
    """RADIUS push MFA: the password POST is held N seconds before success [ISSUE10 case 5]."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.name = f"slow-{seconds}"

    def after_password(self, front, login, req, listener, user):
        resp = super().after_password(front, login, req, listener, user)
        resp.delay = self.seconds
        return resp


class DoubleAuth(Scenario):
    """ASA double authentication [OC-auth parse_form/parse_auth_choice, OC-lib process_auth_form]:
    secondary_username/secondary_password inputs marked second-auth="1"; the selected group DualAuth has
    second-auth="1" with secondary_username prefilled and not editable; Contractors is noaaa="1" (no AAA:
    openconnect hides the text and password fields for it)."""

    name = "double-auth"
    login_message = "Please enter your primary and secondary credentials."

    def form_inputs(self, front, login):
        return (super().form_inputs(front, login) +
                '<input type="text" name="secondary_username" label="2nd Username:" second-auth="1"></input>\n'
                '<input type="password" name="secondary_password" label="2nd Password:" second-auth="1"></input>\n')

    def option_attrs(self, front):
        return {"Employees": (f' second-auth="1" secondary_username={quoteattr(front.args.secondary_user)}'
                              ' secondary_username_editable="false"'),
                "Contractors": ' noaaa="1"'}

    def after_password(self, front, login, req, listener, user):
        if login.alias == "Employees":
            second_user = auth_field(req.doc, "secondary_username")
            second_pass = auth_field(req.doc, "secondary_password")
            if second_user not in (None, "", front.args.secondary_user) or second_pass != front.args.secondary_pass:
                return self.login_form(front, login, "Login failed.")
        return self.success(front, login, listener, user)


PROFILE_DOCS = {
    # uri -> (service-type, body). Module service-types are unconfirmed names.
    "/CACHE/stc/profiles/lab-asa.xml": ("user", (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/">\n<ServerList>\n<HostEntry>\n'
        "<HostName>Lab ASA</HostName>\n<HostAddress>gateway.lab.test:8443</HostAddress>\n"
        "<UserGroup>ok</UserGroup>\n</HostEntry>\n</ServerList>\n</AnyConnectProfile>\n")),
    "/CACHE/stc/profiles/lab-nam.xml": ("NAM", '<?xml version="1.0" encoding="UTF-8"?>\n<NetworkManagerProfile/>\n'),
    "/CACHE/stc/profiles/lab-iseposture.xml": ("ISEPosture", '<?xml version="1.0" encoding="UTF-8"?>\n<ISEPostureProfile/>\n'),
}


class Profiles(Scenario):
    """Success with a vpn-profile-manifest [OC-auth parse_profile_node]: one service-type="user" profile
    and module profiles of other service-types, all served at their URIs."""

    name = "profiles"

    def on_other(self, front, req, listener, tls):
        if req.method != "GET" or req.path not in PROFILE_DOCS:
            return None
        resp = Response(body=PROFILE_DOCS[req.path][1].encode())
        resp.reply_kind = "profile"
        return resp

    def config_extra(self, front, listener):
        files = []
        for uri, (service, body) in PROFILE_DOCS.items():
            sha1 = hashlib.sha1(body.encode()).hexdigest().upper()
            files.append(f'<file type="profile" service-type="{service}">\n<uri>{uri}</uri>\n'
                         f'<hash type="sha1">{sha1}</hash>\n</file>\n')
        return '<vpn-profile-manifest>\n<vpn rev="1.0">\n' + "".join(files) + "</vpn>\n</vpn-profile-manifest>\n"


class CertHash(Scenario):
    """Success with a server-cert-hash that is not the front's certificate [ISSUE10 "Also" 8]."""

    name = "cert-hash"

    def server_cert_hash(self, front, listener):
        return hashlib.sha1(b"not the front's certificate").hexdigest().upper()


class ManyHeaders(Scenario):
    """The relayed CONNECT reply gains 300 X-CSTP-Split-Include headers, one malformed route and an odd
    timer (X-CSTP-Keepalive: abc) [ISSUE10 "Also" 12: an ASA sends one header per split-tunnel entry]."""

    name = "many-headers"


SCENARIOS = {s.name: s for s in [
    Scenario(), Refusal("hostscan-refused", "13", HOSTSCAN_TEXT), Refusal("unauthorized", "", UNAUTHORIZED_TEXT),
    CompleteError(), CertRequest(), Director(), DirectorAction(), DoubleAuth(), Profiles(), CertHash(),
    ManyHeaders(),
]}


# ------------------------------------------------------------------------------------------------ SSO (issue 11)
#
# Where the SSO shapes come from (facts only, no code copied):
#   [OC-sso]    openconnect auth.c parse_auth_node (sso-v2-login, sso-v2-login-final, sso-v2-token-cookie-name,
#               sso-v2-error-cookie-name, sso-v2-browser-mode are children of <auth>), parse_form (input
#               type="sso"), xmlpost_initial_req (<capabilities><auth-method>single-sign-on-v2 and
#               single-sign-on-external-browser); library.c process_auth_form (browser mode "external" runs the
#               localhost listener, else a webview; the token goes back as the sso input's own field);
#               cstp.c cstp_common_headers (X-AnyConnect-STRAP-Pubkey and -DH-Pubkey on every auth request:
#               base64 of the DER SubjectPublicKeyInfo of a P-256 key, openssl.c generate_strap_key),
#               cstp_sso_detect_done (token cookie or error cookie, then the final URL compared exactly).
#   [OC-hpke]   openconnect hpke.c handle_external_browser: the browser ends at
#               http://localhost:29786/api/sso/<base64 blob>?return=<url> (both url-decoded, '+' is a space, so
#               the gateway's base64 and URL are percent-encoded here); the blob is the word 0x0001 then
#               type/length records 1 = gateway DH public key (DER SubjectPublicKeyInfo), 2 = 12-byte AEAD tag,
#               3 = ciphertext, 4 = 12-byte IV; the token must be alphanumeric. openssl.c
#               ecdh_compute_secp256r1 / hkdf_sha256_extract_expand (HKDF-SHA256, no salt, info "AC_ECIES",
#               32 bytes) / aes_256_gcm_decrypt (AES-256-GCM, no AAD, the tag truncated to 12 bytes).
#   [OCSSO-99]  vlaci/openconnect-sso issue #99 (an ASA's init reply: opaque with
#               <auth-method>single-sign-on-v2</auth-method>, auth id="main", sso-v2-login
#               /+CSCOE+/saml/sp/login?tgname=…&acsamlcap=v2, sso-v2-login-final /+CSCOE+/saml_ac_login.html,
#               sso-v2-token-cookie-name acSamlv2Token), issue #57 and PR #175 (the type="complete" that
#               follows); the same shape with sso-v2-logout, sso-v2-error-cookie-name acSamlv2Error, the
#               <input type="sso" name="sso-token"> and the group_list select in captured ASA fixtures quoted
#               in public client test suites.
#   [GPSG-45]   dlenski/gp-saml-gui issue #45 (dwmw2): in Cisco's external-browser mode the SAML flow ends
#               with a redirect to http://localhost:29786/… carrying the token.
# Unconfirmed (lab choices): the ctx= parameter tying the browser to the aggregate-auth session, the IdP's
# pages and its SAMLResponse (an id the front looks up; no XML signature), the error cookie's text, the token
# format (64 hex digits), what an ASA does for a client without the external-browser capability (here: the
# embedded form).

SSO_LOGIN_PATH = "/+CSCOE+/saml/sp/login"
SSO_ACS_PATH = "/+CSCOE+/saml/sp/acs"
SSO_FINAL_PATH = "/+CSCOE+/saml_ac_login.html"
SSO_LOGOUT_PATH = "/+CSCOE+/saml/sp/logout"
IDP_LOGIN_PATH = "/idp/login"
SSO_ROUTES = (SSO_LOGIN_PATH, SSO_ACS_PATH, SSO_FINAL_PATH, SSO_LOGOUT_PATH, IDP_LOGIN_PATH)
SSO_TOKEN_COOKIE = "acSamlv2Token"
SSO_ERROR_COOKIE = "acSamlv2Error"
SSO_ERROR_TEXT = "SAML assertion rejected: the identity provider denied access to this tunnel group."  # unconfirmed
SSO_CALLBACK = "http://localhost:29786/api/sso/"
SSO_MESSAGE = "Please complete the authentication process in the AnyConnect Login window."
MAX_STRAP_HEADER = 1024  # a P-256 SubjectPublicKeyInfo in base64 is 124 characters


class SSOState:
    """The SAML side of one login: what the browser's requests find by ctx."""

    def __init__(self):
        self.ctx = str(secrets.randbelow(10 ** 9) + 10 ** 9)
        self.token = secrets.token_hex(32).upper()  # alphanumeric, as openconnect hpke.c requires
        self.dh_pubkey = ""   # the client's X-AnyConnect-STRAP-DH-Pubkey (base64 DER), external mode only
        self.external = False
        self.user = None      # who the IdP logged in
        self.issued = False   # the IdP's assertion reached the ACS and the token was handed out


def form_value(body, name):
    from urllib.parse import parse_qs
    values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get(name)
    return values[0] if values else None


def query_value(target, name):
    from urllib.parse import parse_qs, urlsplit
    values = parse_qs(urlsplit(target).query, keep_blank_values=True).get(name)
    return values[0] if values else None


def browser_ctx(req):
    """The SAML ctx a browser request carries: ?ctx= (SP login), RelayState in the query or the form body."""
    return query_value(req.target, "ctx") or query_value(req.target, "RelayState") or \
        (form_value(req.body, "RelayState") if req.method == "POST" else None)


def html_page(title, inner, status=200, reason="OK", headers=None):
    body = (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{escape(title)}</title></head>\n"
            f"<body>\n<h1>{escape(title)}</h1>\n{inner}\n</body></html>\n").encode()
    resp = Response(status=status, reason=reason, body=body, content_type="text/html; charset=utf-8",
                    headers=headers)
    return resp


def redirect(location, headers=None):
    resp = Response(status=302, reason="Found", body=b"", content_type="text/html",
                    headers=[("Location", location)] + list(headers or []))
    resp.reply_kind = "redirect"
    return resp


def strap_dh_key_problem(dh_pubkey_b64):
    """None if the X-AnyConnect-STRAP-DH-Pubkey value is base64 of a P-256 DER SubjectPublicKeyInfo, else why."""
    import base64
    if len(dh_pubkey_b64) > MAX_STRAP_HEADER:
        return "too long"
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
    except ImportError:
        return "not checked: python3-cryptography is missing"
    try:
        key = serialization.load_der_public_key(base64.b64decode(dh_pubkey_b64, validate=True))
    except (ValueError, TypeError):
        return "not base64 of a DER SubjectPublicKeyInfo"
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        return "not a P-256 key"
    return None


def strap_encrypt(dh_pubkey_b64, token):
    """The external-mode blob an ASA puts after /api/sso/ [OC-hpke]: a fresh P-256 key, ECDH with the client's
    STRAP DH key, HKDF-SHA256 (no salt, info "AC_ECIES") to an AES-256-GCM key, the token encrypted under a
    random 12-byte IV with the tag cut to 12 bytes; returned as percent-encoded standard base64."""
    import base64
    import struct
    from urllib.parse import quote
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    except ImportError as e:
        raise RuntimeError("python3-cryptography is missing: run `sudo scripts/lab/lab.sh install`") from e
    der = base64.b64decode(dh_pubkey_b64, validate=True)
    client = serialization.load_der_public_key(der)
    if not isinstance(client, ec.EllipticCurvePublicKey) or client.curve.name != "secp256r1":
        raise ValueError("the STRAP DH key is not a P-256 key")
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    shared = ephemeral.exchange(ec.ECDH(), client)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"AC_ECIES").derive(shared)
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, token.encode("ascii"), None)
    ciphertext, tag = sealed[:-16], sealed[-16:-4]  # GCM's tag truncated to its first 12 bytes
    spki = ephemeral.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)

    def record(kind, value):
        return struct.pack(">HH", kind, len(value)) + value

    blob = b"\x00\x01" + record(1, spki) + record(2, tag) + record(3, ciphertext) + record(4, iv)
    return quote(base64.b64encode(blob).decode("ascii"), safe="")


class SSO(Scenario):
    """SAML single sign-on, embedded-browser mode [OC-sso, OCSSO-99]: init is answered with the sso-v2 form;
    the client's browser opens sso-v2-login (here on the front), is sent to the lab IdP, logs in there, comes
    back to the ACS, which sets the acSamlv2Token cookie and redirects to sso-v2-login-final; the client posts
    the cookie's value as <sso-token> and gets the usual success (the front logs in to ocserv as the IdP's
    user). Variants: auto (the IdP logs in at once: an IdP session already open, so that an unattended
    headless browser gets through), error (auto, and the ACS sets acSamlv2Error instead), external
    (sso-v2-browser-mode external, the token encrypted to the client's STRAP DH key)."""

    def __init__(self, name, auto=False, error=False, external=False):
        self.name, self.auto, self.error, self.external = name, auto, error, external

    def state(self, login):
        if getattr(login, "sso", None) is None:
            login.sso = SSOState()
        return login.sso

    def base_url(self, listener, req):
        host = req.header("Host") or f"{listener.addr}:{listener.port}"
        if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]{1,255}", host):
            host = f"{listener.addr}:{listener.port}"
        return f"https://{host}"

    def on_init(self, front, login, req, listener, tls):
        st = self.state(login)
        login.sso_base = self.base_url(listener, req)
        if self.external:
            methods = [m.text or "" for m in req.doc.findall("capabilities/auth-method")] if req.doc is not None else []
            methods = [m[:40] for m in methods[:4]]
            dh = req.header("X-AnyConnect-STRAP-DH-Pubkey", "") or ""
            problem = strap_dh_key_problem(dh) if dh else "absent"
            if "single-sign-on-external-browser" in methods and problem is None:
                st.external, st.dh_pubkey = True, dh
            else:
                st.external = False
                login.sso_note = (f"no external-browser capability or STRAP DH key "
                                  f"(auth-methods {methods}, DH key {problem or 'ok'}): embedded form")
        return super().on_init(front, login, req, listener, tls)

    def login_form(self, front, login, error=""):
        st = self.state(login)
        base = getattr(login, "sso_base", front.args.member_url)
        err = f'<error id="98">{escape(error)}</error>\n' if error else ""  # id unconfirmed
        mode = "<sso-v2-browser-mode>external</sso-v2-browser-mode>\n" if st.external else ""
        login_url = f"{base}{SSO_LOGIN_PATH}?ctx={st.ctx}&acsamlcap=v2"
        inner = ('<opaque is-for="sg">\n<tunnel-group>LAB-ASA-SSO</tunnel-group>\n'
                 '<auth-method>single-sign-on-v2</auth-method>\n'
                 f'<group-alias>{escape(login.alias)}</group-alias>\n<aggauth-handle>{login.handle}</aggauth-handle>\n'
                 '<config-hash>1595829378234</config-hash>\n</opaque>\n'
                 '<auth id="main">\n<title>Login</title>\n'
                 f"<message>{escape(SSO_MESSAGE)}</message>\n<banner></banner>\n{err}"
                 f"<sso-v2-login>{escape(login_url)}</sso-v2-login>\n"
                 f"<sso-v2-login-final>{escape(base + SSO_FINAL_PATH)}</sso-v2-login-final>\n"
                 f"<sso-v2-logout>{escape(base + SSO_LOGOUT_PATH)}</sso-v2-logout>\n"
                 f"<sso-v2-logout-final>{escape(base + SSO_FINAL_PATH)}</sso-v2-logout-final>\n"
                 f"<sso-v2-token-cookie-name>{SSO_TOKEN_COOKIE}</sso-v2-token-cookie-name>\n"
                 f"<sso-v2-error-cookie-name>{SSO_ERROR_COOKIE}</sso-v2-error-cookie-name>\n{mode}"
                 '<form>\n<input type="sso" name="sso-token"></input>\n' + group_select(login.alias) +
                 "</form>\n</auth>\n")
        resp = Response(body=config_auth("auth-request", inner))
        resp.reply_kind = "auth-request"
        resp.note = "external" if st.external else getattr(login, "sso_note", "")
        return resp

    def on_reply(self, front, login, req, listener, tls):
        alias = req.doc.findtext("group-select") or ""
        if alias in dict(GROUP_ALIASES):
            login.alias = alias
        st = self.state(login)
        token = auth_field(req.doc, "sso-token")
        if token is None:
            # A group change or an empty submission: the form again (an ASA answers each group's form).
            return self.login_form(front, login)
        if not (st.issued and st.user and secrets.compare_digest(token.encode(), st.token.encode())):
            resp = self.login_form(front, login, "Login failed.")
            resp.note = "sso-token does not match the one the ACS issued"
            return resp
        return self.success(front, login, listener, st.user)

    # --- the browser's side: SP login -> IdP -> ACS -> final URL (or the localhost callback)

    def on_other(self, front, req, listener, tls):
        """The browser's requests (SSO_ROUTES): answered by the SSO scenario whose login the ctx / RelayState
        names; the pages without one (final, logout, an unknown ctx) by `sso`."""
        if req.method not in ("GET", "POST") or req.path not in SSO_ROUTES:
            return None
        with front.lock:
            if getattr(front, "sso_assertions", None) is None:
                front.sso_assertions = {}  # assertion id -> (ctx, user)
        login = front.login_by_ctx(browser_ctx(req))
        owner = login.scenario if login is not None else "sso"
        return self.browser(front, req, listener) if owner == self.name else None


    def browser(self, front, req, listener):
        path = req.path
        if path == SSO_FINAL_PATH:
            resp = html_page("Authentication complete", "<p>You may close this window.</p>")
            resp.reply_kind = "sso-final"
            return resp
        if path == SSO_LOGOUT_PATH:
            resp = html_page("Logged out", "<p>You have been logged out.</p>")
            resp.reply_kind = "sso-logout"
            return resp
        login = front.login_by_ctx(browser_ctx(req))
        if login is None:
            resp = html_page("Session expired", "<p>Start the login again from the VPN client.</p>",
                             status=404, reason="Not Found")
            resp.reply_kind = "sso-unknown"
            return resp
        st, base = login.sso, getattr(login, "sso_base", "")
        if path == SSO_LOGIN_PATH:
            # The SP's AuthnRequest, sent to the IdP with RelayState = ctx (HTTP-Redirect binding).
            resp = redirect(f"{base}{IDP_LOGIN_PATH}?SAMLRequest=lab&RelayState={st.ctx}")
            resp.reply_kind = "sso-to-idp"
            return resp
        if path == IDP_LOGIN_PATH:
            return self.idp(front, req, login, base)
        if path == SSO_ACS_PATH:
            return self.acs(front, req, login, base)
        return Response(status=404, reason="Not Found", body=b"", content_type="text/html")

    def idp(self, front, req, login, base):
        st = login.sso
        user = None
        if self.auto:
            user = next(iter(front.users))  # an IdP session already open for the lab's first user
        elif req.method == "POST":
            name, password = form_value(req.body, "username"), form_value(req.body, "password")
            if name in front.users and front.users[name] == password:
                user = name
        if user is None:
            err = "<p class=\"error\">Incorrect user name or password.</p>\n" if req.method == "POST" else ""
            resp = html_page("Lab identity provider", err +
                             f'<form method="post" action="{IDP_LOGIN_PATH}">\n'
                             f'<input type="hidden" name="RelayState" value="{st.ctx}">\n'
                             '<label>Username <input type="text" name="username"></label>\n'
                             '<label>Password <input type="password" name="password"></label>\n'
                             '<button type="submit">Sign in</button>\n</form>')
            resp.reply_kind = "idp-form"
            return resp
        assertion = secrets.token_hex(16)
        with front.lock:
            front.sso_assertions[assertion] = (st.ctx, user)
        resp = redirect(f"{base}{SSO_ACS_PATH}?SAMLResponse={assertion}&RelayState={st.ctx}")
        resp.reply_kind = "idp-success"
        return resp

    def acs(self, front, req, login, base):
        from urllib.parse import quote
        st = login.sso
        assertion = query_value(req.target, "SAMLResponse") or form_value(req.body, "SAMLResponse") or ""
        with front.lock:
            found = front.sso_assertions.pop(assertion, None)
        if found is None or found[0] != st.ctx:
            resp = html_page("SAML error", "<p>The SAML response is not valid.</p>", status=400, reason="Bad Request")
            resp.reply_kind = "acs-invalid"
            return resp
        final = base + SSO_FINAL_PATH
        if self.error:
            resp = redirect(final, [("Set-Cookie", f"{SSO_ERROR_COOKIE}={quote(SSO_ERROR_TEXT)}; path=/; secure")])
            resp.reply_kind = "acs-error-cookie"
            return resp
        st.user, st.issued = found[1], True
        if st.external:
            resp = redirect(SSO_CALLBACK + strap_encrypt(st.dh_pubkey, st.token) + "?return=" + quote(final, safe=""))
            resp.reply_kind = "acs-to-localhost"
            return resp
        resp = redirect(final, [("Set-Cookie", f"{SSO_TOKEN_COOKIE}={st.token}; path=/; secure")])
        resp.reply_kind = "acs-token-cookie"
        return resp


SSO_SCENARIOS = [SSO("sso"), SSO("sso-auto", auto=True), SSO("sso-error", auto=True, error=True),
                 SSO("sso-external", external=True)]
SCENARIOS.update({s.name: s for s in SSO_SCENARIOS})


def tls_bindings_from_libssl(conn):
    """The TLS 1.3 exporter (RFC 9266: label "EXPORTER-Channel-Binding", 32 bytes, no context) and the client's
    Finished of this connection, from libssl itself: Python's ssl has no exporter, and its tls-unique gives the
    server's Finished on a resumed session. The front finds the SSL* of CPython's _ssl._SSLSocket (the field
    after PyObject_HEAD and the socket weakref in Modules/_ssl.c), checked with SSL_version and SSL_is_server
    before use. Returns ({name: bytes}, why)."""
    import ctypes
    import platform
    if platform.python_implementation() != "CPython" or not (3, 8) <= sys.version_info[:2] <= (3, 13):
        return {}, f"the SSL object layout of {platform.python_implementation()} {platform.python_version()} is unknown"
    try:
        lib = ctypes.CDLL("libssl.so.3")
        word = ctypes.sizeof(ctypes.c_void_p)
        ssl_ptr = ctypes.c_void_p.from_address(id(conn._sslobj) + 3 * word).value
        for fn in (lib.SSL_version, lib.SSL_is_server):
            fn.argtypes = [ctypes.c_void_p]
        expected = {"TLSv1.3": 0x0304, "TLSv1.2": 0x0303}.get(conn.version(), -1)
        if not ssl_ptr or lib.SSL_version(ssl_ptr) != expected or lib.SSL_is_server(ssl_ptr) != 1:
            return {}, "the SSL object of this Python could not be found"
        found = {}
        lib.SSL_get_peer_finished.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.SSL_get_peer_finished.restype = ctypes.c_size_t
        buf = ctypes.create_string_buffer(64)
        n = lib.SSL_get_peer_finished(ssl_ptr, buf, 64)
        if 0 < n <= 64:
            found["client-finished"] = buf.raw[:n]
        if expected == 0x0304:
            lib.SSL_export_keying_material.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                                       ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                                       ctypes.c_size_t, ctypes.c_int]
            out = ctypes.create_string_buffer(32)
            label = b"EXPORTER-Channel-Binding"
            if lib.SSL_export_keying_material(ssl_ptr, out, 32, label, len(label), None, 0, 0) == 1:
                found["tls-exporter"] = out.raw
        return found, ""
    except (OSError, AttributeError, ValueError) as e:
        return {}, f"libssl not reachable: {e}"[:120]


def strap_channel_bindings(conn):
    """The channel bindings a client may have signed for X-AnyConnect-STRAP-Verify, by name. openconnect's
    append_strap_verify (openssl.c, gnutls.c): TLS 1.2 and older the RFC 5929 tls-unique, TLS 1.3 the RFC 9266
    exporter since commit 94e0b16c ("Use RFC9266 'tls-exporter' channel bindings for Cisco STRAP with TLSv1.3",
    after v9.01); v9.01's gnutls.c signs its own (the client's) Finished whatever the version and whether the
    session was resumed."""
    found, why = tls_bindings_from_libssl(conn)
    names = ["tls-exporter", "client-finished"] if conn.version() == "TLSv1.3" else ["client-finished"]
    bindings = [(n, found[n]) for n in names if n in found]
    if not bindings and conn.version() != "TLSv1.3":
        cb = conn.get_channel_binding("tls-unique")
        if cb:
            bindings = [("tls-unique", cb)]
    return bindings, why

def strap_verify_result(conn, req, session_key):
    """'valid (BINDING[, rekey])', 'invalid', 'absent' or 'unverifiable: why' for the CONNECT's
    X-AnyConnect-STRAP-Verify: an ECDSA-SHA256 signature (DER, base64) over the TLS channel binding followed by
    the DER SubjectPublicKeyInfo of the X-AnyConnect-STRAP-Pubkey it sends. openconnect cstp.c
    cstp_connect/start_cstp_connection: after its own login it rekeys, so the header carries a NEW key and the
    signature is by the key of the login (session_key, the STRAP-Pubkey of the auth-reply that succeeded); with a
    cookie and its openconnect_strapkey given back (--cookie) it signs with that same key, no rekey."""
    import base64
    verify, pubkey = req.header("X-AnyConnect-STRAP-Verify"), req.header("X-AnyConnect-STRAP-Pubkey")
    if not verify or not pubkey:
        return "absent"
    bindings, why = strap_channel_bindings(conn)
    if not bindings:
        return "unverifiable: " + (why or "no channel binding")
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
    except ImportError:
        return "unverifiable: python3-cryptography is missing"
    try:
        der = base64.b64decode(pubkey, validate=True)
        signature = base64.b64decode(verify, validate=True)
        signers = [("rekey", serialization.load_der_public_key(base64.b64decode(session_key, validate=True)))] \
            if session_key and session_key != pubkey else []
        signers.append(("", serialization.load_der_public_key(der)))
    except (ValueError, TypeError):
        return "invalid"
    for how, key in signers:
        if not isinstance(key, ec.EllipticCurvePublicKey):
            continue
        for name, binding in bindings:
            try:
                key.verify(signature, binding + der, ec.ECDSA(hashes.SHA256()))
                return f"valid ({name}{', ' + how if how else ''})"
            except InvalidSignature:
                continue
    return "invalid"


def remember_strap_key(front, req, resp):
    """On a successful login, the STRAP-Pubkey it carried, by the webvpn cookie handed out (for the CONNECT)."""
    key = req.header("X-AnyConnect-STRAP-Pubkey")
    if resp.reply_kind != "complete" or not key or len(key) > MAX_STRAP_HEADER:
        return
    for name, value in resp.headers:
        if name.lower() == "set-cookie" and value.startswith("webvpn="):
            with front.lock:
                if not hasattr(front, "strap_keys"):
                    front.strap_keys = {}
                front.strap_keys[value[len("webvpn="):].split(";", 1)[0]] = key

def sso_login_by_ctx(front, ctx):
    """The login whose SAML ctx the browser carries (the browser has no webvpncontext cookie)."""
    if not ctx or not ctx.isdigit():
        return None
    with front.lock:
        return next((l for l in front.logins.values() if getattr(l, "sso", None) is not None and l.sso.ctx == ctx),
                    None)


Front.login_by_ctx = sso_login_by_ctx


def scenario_for(name):
    if name in SCENARIOS:
        return SCENARIOS[name]
    m = re.fullmatch(r"slow-([0-9]{1,3})", name or "")
    if m and 0 < int(m.group(1)) <= 600:
        return Slow(int(m.group(1)))
    return None


# ------------------------------------------------------------------------------------------------ CONNECT relay


def rewrite_connect_request(req, host):
    """The client's CONNECT for ocserv. PSK-NEGOTIATE is dropped from the DTLS cipher lists: an ASA never
    offers it, and through a TLS-terminating relay the TLS exporter it needs would differ on both sides. The
    legacy and DTLS 1.2 resumption modes work through the relay because their keys come from the client's
    X-DTLS-Master-Secret header, which is passed on unchanged."""
    lines = [f"{req.method} {req.target} {req.version}"]
    for k, v in req.headers:
        lk = k.lower()
        if lk == "host":
            v = host
        elif lk in ("x-dtls-ciphersuite", "x-dtls12-ciphersuite"):
            v = ":".join(c for c in v.split(":") if c and c != "PSK-NEGOTIATE")
            if not v:
                continue
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def add_many_headers(head):
    lines = head.decode("latin-1").split("\r\n")
    out = []
    for line in lines:
        if line.lower().startswith("x-cstp-keepalive:"):
            line = "X-CSTP-Keepalive: abc"
        out.append(line)
    extra = [f"X-CSTP-Split-Include: 10.{i // 250}.{i % 250}.0/255.255.255.0" for i in range(300)]
    extra.append("X-CSTP-Split-Include: 10.256.0.0/255.255.255.0")  # malformed: an octet above 255
    out[1:1] = extra
    return "\r\n".join(out).encode("latin-1")


def asa_mtus(head):
    """An ASA's MTU pair: ocserv's reply keeps X-DTLS-MTU (what its DTLS cipher carries) and X-CSTP-MTU 23 below
    it, as ASA replies have them (1390 and 1367: ../shared/reference/reviews/protocol-2026-12-01.md, B9), where
    ocserv sends the same number twice. Returns the head and the pair, or None without X-DTLS-MTU (no DTLS)."""
    lines = head.decode("latin-1").split("\r\n")
    dtls = [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("x-dtls-mtu:")]
    if len(dtls) != 1 or not dtls[0].isdigit():
        return head, None
    dtls_mtu = int(dtls[0])
    cstp_mtu = dtls_mtu - 23
    lines = [f"X-CSTP-MTU: {cstp_mtu}" if line.lower().startswith("x-cstp-mtu:") else line for line in lines]
    return "\r\n".join(lines).encode("latin-1"), {"cstp": cstp_mtu, "dtls": dtls_mtu}


def pump(a, b):
    """Relays bytes both ways between two TLS sockets in one thread (an SSL object must not be read and
    written from two threads at once)."""
    for s in (a, b):
        s.setblocking(False)
    pending = {a: b"", b: b""}  # bytes waiting to be written to the key
    peer = {a: b, b: a}
    while True:
        readers = [s for s in (a, b) if not pending[peer[s]]]
        writers = [s for s in (a, b) if pending[s]]
        ready = [s for s in readers if s.pending()]
        if not ready:
            # No idle limit: a tunnel whose data goes over DTLS may leave the TLS channel silent for hours.
            r, w, _ = select.select(readers, writers, [])
        else:
            r, w = ready, []
        for s in w:
            try:
                n = s.send(pending[s])
                pending[s] = pending[s][n:]
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
                pass
        for s in r:
            try:
                data = s.recv(65536)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                continue
            if not data:
                return "closed"
            dst = peer[s]
            try:
                n = dst.send(data)
                data = data[n:]
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
                pass
            pending[dst] += data


# ------------------------------------------------------------------------------------------------ listener


class Listener:
    def __init__(self, front, name, addr, port, cert, key):
        self.front, self.name, self.addr, self.port = front, name, addr, port
        self.plain = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.plain.load_cert_chain(cert, key)
        self.with_cert = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.with_cert.load_cert_chain(cert, key)
        self.with_cert.verify_mode = ssl.CERT_OPTIONAL
        self.with_cert.load_verify_locations(front.args.client_ca)
        with open(cert, encoding="ascii") as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        self.cert_sha1 = hashlib.sha1(der).hexdigest().upper()
        self.sock = socket.create_server((addr, port), reuse_port=False, backlog=64)

    @staticmethod
    def peer_ip(conn):
        try:
            return conn.getpeername()[0]
        except OSError:
            return ""

    def serve(self):
        while True:
            raw, peer = self.sock.accept()
            threading.Thread(target=self.handle, args=(raw, peer[0]), daemon=True).start()

    def handle(self, raw, ip):
        front = self.front
        with front.lock:
            ask_cert = (self.name, ip) in front.cert_armed
        ctx = self.with_cert if ask_cert else self.plain
        raw.settimeout(30)
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
        except ssl.SSLEOFError:
            raw.close()  # a bare TCP probe (lab.sh's readiness check): not a request
            return
        except (ssl.SSLError, OSError) as e:
            log_line(front.args, listener=self.name, peer=ip, event="tls-failed", error=str(e)[:200],
                     cert_requested=ask_cert)
            raw.close()
            return
        raw_timeout = IDLE_TIMEOUT
        conn.settimeout(raw_timeout)
        buf = b""
        try:
            while True:
                req, buf = read_request(conn, buf)
                if req is None:
                    return
                if req.method == "CONNECT":
                    self.relay(conn, req, ip)
                    return
                resp = self.dispatch(conn, req, ip, ask_cert)
                if resp.delay:
                    time.sleep(resp.delay)
                send_response(conn, resp, keep_alive=resp.status < 300)
                if resp.status >= 300:
                    return
        except (OSError, ValueError, ssl.SSLError) as e:
            log_line(front.args, listener=self.name, peer=ip, event="connection-error", error=str(e)[:200])
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def dispatch(self, conn, req, ip, ask_cert):
        front = self.front
        segment = req.path.lstrip("/").split("/", 1)[0]
        named = scenario_for(segment)
        if req.body.strip().startswith(b"<"):
            try:
                req.doc = ET.fromstring(req.body)
            except ET.ParseError:
                req.doc = None
        kind = req.doc.get("type", "") if req.doc is not None and req.doc.tag == "config-auth" else ""
        peer_cert = conn.getpeercert()
        entry = {"listener": self.name, "peer": ip, "method": req.method, "path": req.path[:200],
                 "cert_requested": ask_cert, "client_cert": bool(peer_cert)}
        entry.update(xml_summary(req.doc))
        # Issue 11: which STRAP headers (openconnect cstp.c cstp_common_headers) the request carried; names only.
        strap = [h for h in ("X-AnyConnect-STRAP-Pubkey", "X-AnyConnect-STRAP-DH-Pubkey") if req.header(h)]
        if strap:
            entry["strap_headers"] = strap
        try:
            other = None if kind else next(
                ((sc.name, r) for sc in SCENARIOS.values() if (r := sc.on_other(front, req, self, conn)) is not None),
                None)
            if other is not None:
                scenario, resp = other
            elif kind in ("init", "auth-reply"):
                if named is None and kind == "init" and req.doc.findtext("group-access"):
                    ga_path = re.sub(r"^https?://[^/]*", "", req.doc.findtext("group-access"))
                    named = scenario_for(ga_path.lstrip("/").split("/", 1)[0])
                login = front.login_for(req, named.name if named else None)
                scen = named or scenario_for(login.scenario) or SCENARIOS["ok"]
                scenario = scen.name
                if kind == "init":
                    resp = scen.on_init(front, login, req, self, conn)
                else:
                    resp = scen.on_reply(front, login, req, self, conn)
                remember_strap_key(front, req, resp)
                if resp.reply_kind in ("auth-request", "refusal", "client-cert-request"):
                    resp.headers.append(("Set-Cookie", f"webvpncontext={login.id}; path=/; secure"))
            elif kind == "logout":
                scenario, resp = "", Response(body=config_auth("complete", "<logout/>\n"))
                resp.reply_kind = "logout"
            elif req.method in ("GET", "POST") and req.doc is None:
                # A plain GET of the group URL (openconnect's non-XML fallback): the same login form.
                scen = named or SCENARIOS["ok"]
                scenario = scen.name
                login = front.login_for(req, scen.name)
                resp = scen.login_form(front, login)
                resp.headers.append(("Set-Cookie", f"webvpncontext={login.id}; path=/; secure"))
            else:
                scenario, resp = "", Response(status=404, reason="Not Found", body=b"", content_type="text/html")
                resp.reply_kind = "not-found"
        except Exception as e:  # noqa: BLE001 - the front must answer, and the log must say why
            scenario = scenario if "scenario" in locals() else ""
            resp = Response(status=500, reason="Internal Server Error", body=b"", content_type="text/html")
            resp.reply_kind = "error"
            entry["error"] = f"{type(e).__name__}: {e}"[:300]
        entry.update(scenario=scenario, status=resp.status, reply=resp.reply_kind)
        if resp.delay:
            entry["delay_s"] = resp.delay
        if resp.note:
            entry["note"] = resp.note
        log_line(front.args, **entry)
        return resp

    def relay(self, conn, req, ip):
        front = self.front
        cookie = req.cookies().get("webvpn", "")
        with front.lock:
            scenario = front.tunnel_scenario.get(cookie, "")
        entry = {"listener": self.name, "peer": ip, "method": "CONNECT", "path": req.path[:200],
                 "scenario": scenario, "known_cookie": bool(scenario),
                 # STRAP (issue 11): whether the CONNECT carries openconnect cstp.c's STRAP headers, and whether
                 # the Verify signature holds over this TLS connection's channel binding.
                 "strap_verify": bool(req.header("X-AnyConnect-STRAP-Verify")),
                 "strap_pubkey": bool(req.header("X-AnyConnect-STRAP-Pubkey")),
                 "strap_verify_result": strap_verify_result(conn, req, getattr(front, "strap_keys", {}).get(cookie))}
        ctx = ssl.create_default_context(cafile=front.args.ocserv_ca)
        try:
            upstream = ctx.wrap_socket(socket.create_connection((front.args.ocserv_host, front.args.ocserv_port),
                                                                timeout=30),
                                       server_hostname=front.args.ocserv_host)
            upstream.sendall(rewrite_connect_request(req, f"{front.args.ocserv_host}:{front.args.ocserv_port}"))
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = upstream.recv(65536)
                if not chunk:
                    raise OSError("ocserv closed before the CONNECT reply")
                head += chunk
                if len(head) > MAX_HEADER_BYTES:
                    raise OSError("CONNECT reply header too large")
            head, rest = head.split(b"\r\n\r\n", 1)
            status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            entry["status"] = int(status_line.split(" ")[1]) if " " in status_line else 0
            dtls = [line.split(b":", 1)[0].decode() for line in head.split(b"\r\n")
                    if line.lower().startswith((b"x-dtls-ciphersuite", b"x-dtls12-ciphersuite", b"x-dtls-session-id"))]
            entry["dtls_headers"] = dtls
            if entry["status"] == 200:
                head, mtus = asa_mtus(head)
                if mtus:
                    entry["mtus"] = mtus
            if scenario == "many-headers" and entry["status"] == 200:
                head = add_many_headers(head)
                entry["added_headers"] = 301
            log_line(front.args, **entry)
            conn.sendall(head + b"\r\n\r\n" + rest)
            if entry["status"] != 200:
                return
            why = pump(conn, upstream)
            log_line(front.args, listener=self.name, peer=ip, event="tunnel-ended", scenario=scenario, why=why)
        except (OSError, ssl.SSLError) as e:
            entry["error"] = str(e)[:200]
            log_line(front.args, **entry)
        finally:
            try:
                upstream.close()
            except (OSError, UnboundLocalError):
                pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--listen", action="append", required=True, metavar="NAME=ADDR:PORT:CERT:KEY",
                   help="a listener; NAME 'main' is the director, 'member' the cluster member")
    p.add_argument("--member-url", required=True, help="https://member.lab.test:8443 (no trailing slash)")
    p.add_argument("--ocserv-host", required=True)
    p.add_argument("--ocserv-port", type=int, required=True)
    p.add_argument("--ocserv-ca", required=True, help="CA that signed ocserv's certificate")
    p.add_argument("--client-ca", required=True, help="CA for client certificates (cert-request)")
    p.add_argument("--user", action="append", default=[], metavar="USER:PASSWORD",
                   help="accepted credentials; the front logs in to ocserv with the same")
    p.add_argument("--secondary-user", default="alice")
    p.add_argument("--secondary-pass", default="246810")
    p.add_argument("--log", required=True, help="request log, one JSON object a line")
    p.add_argument("--pid-file")
    args = p.parse_args()
    args.log_lock = threading.Lock()
    front = Front(args)
    listeners = []
    for spec in args.listen:
        name, rest = spec.split("=", 1)
        addr, port, cert, key = rest.split(":", 3)
        listeners.append(Listener(front, name, addr, int(port), cert, key))
    if args.pid_file:
        with open(args.pid_file, "w", encoding="ascii") as f:
            f.write(f"{os.getpid()}\n")
    for listener in listeners:
        note(f"listening ({listener.name}) on {listener.addr}:{listener.port}")
        threading.Thread(target=listener.serve, daemon=True).start()
    note("ready")
    threading.Event().wait()


if __name__ == "__main__":
    main()
