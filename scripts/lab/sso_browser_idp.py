#!/usr/bin/env python3
"""A tiny identity provider for the embedded-browser SSO tests (Tests/EngineTests/EmbeddedBrowserLoginTests).

Listens on 127.0.0.1 on a random port, prints "PORT <n>" on stdout, and exits when its stdin closes (so it
never outlives the test that started it). Cookie names are the ASA's (sso-v2-token-cookie-name acSamlv2Token,
sso-v2-error-cookie-name acSamlv2Error). Pages:

  /login/form?value=V      a login form that its own script submits (POST /idp/submit), like a real IdP;
                           the POST sets acSamlv2Token=V and redirects to /final
  /login/redirect?value=V  sets acSamlv2Token=V on a 302 to /final
  /login/error?text=T      sets acSamlv2Error=T (percent-encoded) on a 302 to /idp/failed
  /login/notoken           a 302 to /final without any cookie
  /login/late?value=V      a script redirect to /final, whose own script sets acSamlv2Token=V a moment later
  /login/never             a page that stays put
  /final                   the gateway's sso-v2-login-final page
"""
import http.server
import sys
import threading
import urllib.parse

TOKEN = "acSamlv2Token"
ERROR = "acSamlv2Error"
late_value = None  # the value /final sets by script after /login/late


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def page(self, body, status=200, headers=()):
        data = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, where, cookie=None):
        headers = [("Location", where), ("Cache-Control", "no-store")]
        if cookie:
            headers.append(("Set-Cookie", cookie + "; Path=/"))
        self.page("", 302, headers)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/login/form":
            value = urllib.parse.quote(query.get("value", ""), safe="")
            self.page(
                "<html><body><form id=f method=post action=/idp/submit>"
                f"<input name=value value='{value}'><input name=password type=password value=secret>"
                "</form><script>document.getElementById('f').submit()</script></body></html>"
            )
        elif url.path == "/login/redirect":
            self.redirect("/final", f"{TOKEN}={query.get('value', '')}")
        elif url.path == "/login/error":
            self.redirect("/idp/failed", f"{ERROR}={urllib.parse.quote(query.get('text', ''), safe='')}")
        elif url.path == "/login/late":
            global late_value
            late_value = urllib.parse.quote(query.get("value", ""), safe="")
            self.page("<html><body><script>location.href = '/final'</script></body></html>")
        elif url.path == "/login/notoken":
            self.redirect("/final")
        elif url.path in ("/login/never", "/idp/failed"):
            self.page("<html><body>Please wait</body></html>")
        elif url.path == "/final":
            script = ""
            if late_value is not None:
                script = f"<script>setTimeout(() => {{ document.cookie = '{TOKEN}={late_value}; path=/' }}, 700)</script>"
            self.page(f"<html><body>Logged in{script}</body></html>")
        else:
            self.page("not found", 404)

    def do_POST(self):
        length = min(int(self.headers.get("Content-Length", "0") or 0), 65536)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if self.path == "/idp/submit" and form.get("password") == "secret":
            self.redirect("/final", f"{TOKEN}={urllib.parse.unquote(form.get('value', ''))}")
        else:
            self.page("refused", 403)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    sys.stdin.read()  # returns at EOF: the test ended or died


if __name__ == "__main__":
    main()
