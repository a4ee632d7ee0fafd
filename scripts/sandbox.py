#!/usr/bin/env python3
"""A loopback stand-in for the token endpoints of all five providers, used by
scripts/quickstart to try authctl offline. Writes its port to the file named by argv[1];
argv[2] is the MidwayPlus app's AuthReturnUrl, where /Apps/Authenticate/<app> redirects."""
import base64, itertools, json, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

MIDIGATOR_SECRET = "sandbox-api-secret"
CLIENT_ID, CLIENT_SECRET = "sandbox-client", "sandbox-client-secret"
MIDWAY_CLIENT, MIDWAY_PASSWORD, MIDWAY_APP = "sandbox-dev", "sandbox-midway-pw", "sandbox-app"
INSTALLATION = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
MEDIROUTES_USER, MEDIROUTES_PASSWORD = "dispatch@sandbox.test", "sandbox-mediroutes-pw"
NUGIOS_LOGIN, NUGIOS_PASSWORD = "sandbox-ops", "sandbox-nugios-pw"
RETURN_URL = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8765/callback"
hits = {"auth": 0, "oauth": 0, "midway": 0, "mediroutes": 0, "nugios": 0}
serial = itertools.count(1)
developer_tokens, refresh_tokens = set(), {}


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def jwt(claims):
    return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}.c2FuZGJveA"


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        now = time.time()
        if self.path == "/auth":
            hits["auth"] += 1
            if self.headers.get("Authorization") != f"Bearer {MIDIGATOR_SECRET}":
                return self.reply(401, {"error": True, "message": "Invalid API secret."})
            return self.reply(200, {"token": jwt({"sub": "merchant-1", "iat": int(now), "exp": int(now) + 3600})})
        if self.path == "/api/oauth/token":
            hits["oauth"] += 1
            req = json.loads(body or b"{}")
            if (req.get("client_id"), req.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return self.reply(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
            claims = {"iat": now, "nbf": now, "exp": now + 3600.577478, "scopes": ["bookings:create"]}
            return self.reply(200, {"token_type": "Bearer", "expires_in": 3600, "access_token": jwt(claims)})
        if self.path.startswith("/v1/"):
            return self.midway(json.loads(body or b"{}"), now)
        if self.path == "/token":
            return self.mediroutes({k: v[0] for k, v in parse_qs(body.decode()).items()}, now)
        if self.path.startswith("/nugios/"):
            return self.nugios(json.loads(body or b"{}"))
        self.reply(404, {"message": "no such endpoint"})

    def midway(self, req, now):
        hits["midway"] += 1
        if self.path == "/v1/Auth":
            if (req.get("clientId"), req.get("password")) != (MIDWAY_CLIENT, MIDWAY_PASSWORD):
                return self.reply(401, {"message": "Invalid client ID or password."})
            token = f"dev-{next(serial)}"
            developer_tokens.add(token)
            return self.reply(200, {"token": token})
        if (self.headers.get("Authorization") or "").removeprefix("Bearer ") not in developer_tokens:
            return self.reply(401, {"message": "Developer token expired."})
        if self.path == "/v1/Developer/Token":
            if req.get("installationId") != INSTALLATION:
                return self.reply(403, {"message": "Not an installation of your apps."})
            return self.reply(200, {"token": jwt({"sub": INSTALLATION, "exp": int(now) + 1800})})
        self.reply(404, {"message": "no such endpoint"})

    def mediroutes(self, form, now):
        hits["mediroutes"] += 1
        grant = form.get("grant_type")
        if grant == "password" and (form.get("username"), form.get("password")) == (MEDIROUTES_USER, MEDIROUTES_PASSWORD):
            pass
        elif grant == "refresh_token" and refresh_tokens.pop(form.get("refresh_token"), None) == "mediroutes":
            pass
        else:
            return self.reply(400, {"error": "invalid_grant", "error_description": "The user name or password is incorrect."})
        refresh = f"mr-refresh-{next(serial)}"
        refresh_tokens[refresh] = "mediroutes"
        fmt = "%a, %d %b %Y %H:%M:%S GMT"
        return self.reply(200, {"access_token": f"mr-access-{next(serial)}", "token_type": "bearer", "expires_in": 86400,
                                "refresh_token": refresh, "userName": MEDIROUTES_USER,
                                ".issued": time.strftime(fmt, time.gmtime(now)),
                                ".expires": time.strftime(fmt, time.gmtime(now + 86400))})

    def nugios(self, req):
        hits["nugios"] += 1
        if self.path == "/nugios/login" and (req.get("login"), req.get("password")) == (NUGIOS_LOGIN, NUGIOS_PASSWORD):
            pass
        elif self.path == "/nugios/refresh" and refresh_tokens.pop(req.get("refreshToken"), None) == "nugios":
            pass
        else:
            return self.reply(401, {"title": "Unauthorized"})
        refresh = f"ng-refresh-{next(serial)}"
        refresh_tokens[refresh] = "nugios"
        return self.reply(200, {"accessToken": f"ng-access-{next(serial)}", "refreshToken": refresh, "passwordExpired": False})

    def do_GET(self):
        if self.path == "/hits":
            return self.reply(200, hits)
        if self.path == "/v1/Developer/Installations":
            hits["midway"] += 1
            if (self.headers.get("Authorization") or "").removeprefix("Bearer ") not in developer_tokens:
                return self.reply(401, {"message": "Developer token expired."})
            return self.reply(200, [{"id": INSTALLATION, "appId": MIDWAY_APP, "appName": "Sandbox Sync",
                                     "partyType": "Dealer", "partyId": 7, "partyName": "Sandbox Parts",
                                     "installDate": "2025-03-21T17:28:48.698Z", "installedVersion": "1.4.0"}])
        if self.path == f"/Apps/Authenticate/{MIDWAY_APP}":
            # The platform, with the user signed in: back to the app's AuthReturnUrl.
            token = jwt({"sub": "browser-user", "exp": int(time.time()) + 1800})
            self.send_response(302)
            self.send_header("Location", f"{RETURN_URL}?token={token}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/echo":
            return self.reply(200, {k: v for k, v in self.headers.items() if k.lower().startswith(("authorization", "x-"))})
        if self.path == "/orders" and (self.headers.get("Authorization") or "").startswith("Bearer ey"):
            return self.reply(200, {"orders": []})
        self.reply(401, {"message": "send a bearer token"})

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_port))
server.serve_forever()
