//! `ca_file` against a real TLS server: a private root made with the openssl CLI, a
//! leaf it signs, and a small Midigator stand-in behind Python's ssl module.

use std::path::Path;
use std::process::{Child, Command};

use httpmock::MockServer;
use predicates::prelude::*;

use crate::util::*;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl CLI is installed");
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
}

/// The server process, killed when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a TLS server for localhost that answers Midigator's `POST /auth` with a JWT;
/// returns it and its port.
fn tls_server(dir: &Path) -> (Server, u16) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "root.pem",
            "-days",
            "2",
            "-subj",
            "/CN=authctl test root",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
        ],
    );
    let server = format!(
        r#"import json, ssl
from http.server import BaseHTTPRequestHandler, HTTPServer
class Auth(BaseHTTPRequestHandler):
    def do_POST(self):
        ok = self.path == "/auth" and self.headers.get("Authorization") == "Bearer sandbox-api-secret"
        body = json.dumps({{"token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0bHMifQ.c2ln"}} if ok else {{"message": "no"}}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = HTTPServer(("127.0.0.1", 0), Auth)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("{0}/leaf.pem", "{0}/leaf.key")
server.socket = ctx.wrap_socket(server.socket, server_side=True)
open("{0}/port", "w").write(str(server.server_port))
server.serve_forever()
"#,
        dir.display()
    );
    std::fs::write(dir.join("tls.py"), server).unwrap();
    let child = Server(
        Command::new("python3")
            .arg(dir.join("tls.py"))
            .spawn()
            .expect("python3 is installed"),
    );
    for _ in 0..100 {
        if let Some(port) = std::fs::read_to_string(dir.join("port"))
            .ok()
            .and_then(|p| p.trim().parse().ok())
        {
            return (child, port);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the TLS server did not start");
}

#[test]
fn ca_file_adds_a_trusted_root() {
    if !require("openssl") {
        return;
    }
    if !require("python3") {
        return;
    }
    let env = TestEnv::empty();
    let (_server, port) = tls_server(env.dir.path());
    let base = format!("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://localhost:{port}\"\n");
    let run = || {
        env.cmd()
            .args(["token", "mg", "--no-cache"])
            .env("AUTHCTL_SECRET_MG", "sandbox-api-secret")
            .assert()
    };

    std::fs::write(env.config_path(), &base).unwrap();
    run().code(6).stdout("").stderr(predicate::str::contains("certificate"));

    let root = env.dir.path().join("root.pem");
    std::fs::write(env.config_path(), format!("{base}ca_file = \"{}\"\n", root.display())).unwrap();
    run().success().stdout(predicate::str::starts_with("ey"));
}

#[test]
fn an_https_url_answered_in_plain_http_gets_a_hint() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = TestEnv::new(&midigator_config(&server.base_url().replace("http://", "https://")));
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(6)
        .stderr(predicate::str::contains(
            "it answered in plain http, not TLS; is https:// meant to be http://?",
        ));
}
