#!/usr/bin/env python3
"""A loopback stand-in for the Midigator and OAuth2 partner token endpoints, used by
scripts/quickstart to try authctl offline. Writes its port to the file named by argv[1]."""
import base64, json, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

MIDIGATOR_SECRET = "sandbox-api-secret"
CLIENT_ID, CLIENT_SECRET = "sandbox-client", "sandbox-client-secret"
hits = {"auth": 0, "oauth": 0}


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
        self.reply(404, {"message": "no such endpoint"})

    def do_GET(self):
        if self.path == "/hits":
            return self.reply(200, hits)
        if self.path == "/orders" and (self.headers.get("Authorization") or "").startswith("Bearer ey"):
            return self.reply(200, {"orders": []})
        self.reply(401, {"message": "send a bearer token"})

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_port))
server.serve_forever()
