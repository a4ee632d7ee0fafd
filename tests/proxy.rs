//! `authctl proxy` and `exec --proxy`: the API side sees the token, the client side never
//! does; only requests under the key are served; bodies stream; a refused token is
//! renewed once for many requests; `token --rejected -`.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Stdio};
use std::time::Duration;

use httpmock::prelude::*;
use serde_json::json;

use crate::util::*;

/// A running `authctl proxy`, killed when dropped, with the first line it printed.
struct Running {
    child: Child,
    first: String,
    stderr: Option<std::process::ChildStderr>,
}

impl Running {
    fn start(env: &TestEnv, args: &[&str]) -> Running {
        let mut child = std_cmd(env)
            .arg("proxy")
            .args(args)
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .env("AUTHCTL_SECRET_NG", "pw")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let stderr = child.stderr.take();
        let mut running = Running {
            child,
            first: first.trim_end().to_string(),
            stderr,
        };
        assert!(
            !running.first.is_empty(),
            "no first line: {}",
            running.stop_and_stderr()
        );
        running
    }

    /// The base URL, for `--listen`.
    fn url(&self, rest: &str) -> String {
        format!("{}{rest}", self.first)
    }

    /// Sends SIGTERM, waits for the end, and gives what it wrote on stderr.
    fn stop_and_stderr(&mut self) -> String {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        if let Some(mut e) = self.stderr.take() {
            e.read_to_string(&mut err).unwrap();
        }
        assert_eq!(status.code(), Some(0), "{err}");
        err
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// curl's whole answer (`-i`: status line and headers too) to `args`.
fn curl(args: &[&str]) -> String {
    let out = std::process::Command::new("curl")
        .args(["-s", "-i", "--max-time", "30"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The final status of an answer (after any `100 Continue`).
fn status_of(answer: &str) -> u16 {
    let last = answer.rfind("HTTP/1.1 ").map_or(answer, |at| &answer[at..]);
    last.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// A Midigator profile `mg` whose tokens come from `server` and whose API is
/// `server`'s `/api`; `extra` adds keys.
fn api_env(server: &MockServer, extra: &str) -> TestEnv {
    TestEnv::new(&format!(
        "{}api_url = \"{}\"\n{extra}",
        midigator_config(&server.base_url()),
        server.url("/api")
    ))
}

/// A fresh token `token` in `mg`'s cache, as if fetched a moment ago.
fn seed_fresh(env: &TestEnv, token: &str) {
    let record = json!({"format": 2, "provider": "midigator", "bound_to": env.fingerprint("mg"),
        "access_token": token, "token_type": "Bearer",
        "obtained_at": now() - 10.0, "expires_at": now() + 3600.0, "refreshable": false});
    env.write_private(&env.record_name("mg"), &record.to_string());
}

#[test]
fn the_api_sees_the_token_and_the_client_never_does() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    let auth = midigator_auth(&server, &token);
    let api = server.mock(|when, then| {
        when.method(POST)
            .path("/api/orders")
            .query_param("page", "2")
            .header("authorization", format!("Bearer {token}"))
            .header("x-client", "kept")
            .header_missing("x-hop")
            .body("{\"n\":1}");
        then.status(201).header("x-api", "yes").body("created");
    });
    let env = api_env(&server, "");
    let mut proxy = Running::start(&env, &["-v", "mg", "--listen", "127.0.0.1:0"]);
    let base = proxy.url("");
    let (prefix, key) = base.trim_end_matches('/').rsplit_once('/').unwrap();
    assert!(prefix.starts_with("http://127.0.0.1:"), "{base}");
    assert!(key.len() >= 22, "at least 128 bits: {key}");
    assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let answer = curl(&[
        "-H",
        "Authorization: Bearer the-clients-own",
        "-H",
        "X-Client: kept",
        "-H",
        "Connection: X-Hop",
        "-H",
        "X-Hop: dropped",
        "--data-binary",
        "{\"n\":1}",
        &proxy.url("orders?page=2"),
    ]);
    assert_eq!(status_of(&answer), 201, "{answer}");
    assert!(answer.contains("x-api: yes") && answer.ends_with("created"), "{answer}");
    assert!(!answer.contains(&token));
    api.assert_calls(1);
    auth.assert_calls(1);
    let err = proxy.stop_and_stderr();
    assert!(
        err.contains("POST /orders 201 "),
        "one line per request, no query: {err}"
    );
    assert!(!err.contains("page=2") && !err.contains(&token), "{err}");
}

#[test]
fn nugios_requests_get_its_timezone_header_too() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    nugios_login(&server, json!({"accessToken": token, "refreshToken": "rt-1"}));
    let api = server.mock(|when, then| {
        when.method(GET)
            .path("/api/tickets")
            .header("authorization", format!("Bearer {token}"))
            .header("x-nugios-timezone", "0");
        then.status(200).body("[]");
    });
    let env = nugios_env(&server, &format!("api_url = \"{}\"\n", server.url("/api")));
    let proxy = Running::start(&env, &["ng", "--listen", "127.0.0.1:0"]);
    let answer = curl(&[&proxy.url("tickets")]);
    assert_eq!(status_of(&answer), 200, "{answer}");
    api.assert_calls(1);
}

#[test]
fn requests_outside_the_key_or_climbing_out_of_it_are_never_forwarded() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let api = server.mock(|when, then| {
        when.path_includes("/");
        then.status(200).body("forwarded");
    });
    let env = api_env(&server, "");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let base = proxy.url("");
    let origin = base.trim_end_matches('/').rsplit_once('/').unwrap().0.to_string();
    // No key, a wrong key, a key with its last character changed, a CORS preflight
    // without it.
    let key = &base[origin.len() + 1..base.len() - 1];
    let changed = if key.ends_with('x') { 'y' } else { 'x' };
    for url in [
        format!("{origin}/"),
        format!("{origin}/orders"),
        format!("{origin}/{}{changed}/orders", &key[..key.len() - 1]),
        format!("{origin}/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/orders"),
    ] {
        let answer = curl(&[&url]);
        assert_eq!(status_of(&answer), 404, "{url}: {answer}");
        assert!(answer.ends_with("authctl proxy: not found\n"), "{answer}");
    }
    let preflight = curl(&[
        "-X",
        "OPTIONS",
        "-H",
        "Origin: https://evil.example",
        "-H",
        "Access-Control-Request-Method: POST",
        &format!("{origin}/orders"),
    ]);
    assert_eq!(status_of(&preflight), 404, "{preflight}");
    assert!(!preflight.to_ascii_lowercase().contains("access-control-allow"));
    // `..` in the path, plain or encoded, under the key.
    for path in ["../../x", "a/../../x", "%2e%2e/x", "..%2Fx"] {
        let answer = curl(&["--path-as-is", &proxy.url(path)]);
        assert_eq!(status_of(&answer), 400, "{path}: {answer}");
    }
    // A page whose name was made to point here (DNS rebinding) names its own host.
    let rebound = curl(&["-H", "Host: evil.example", &proxy.url("orders")]);
    assert_eq!(status_of(&rebound), 403, "{rebound}");
    api.assert_calls(0);
    // The key is stripped: the API sees the path under api_url.
    let answer = curl(&[&proxy.url("")]);
    assert_eq!(status_of(&answer), 200, "{answer}");
    assert_eq!(api.calls(), 1);
}

#[test]
fn a_refused_token_is_renewed_once_and_the_request_sent_again() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    let auth = midigator_auth(&server, "new-token");
    let refused = server.mock(|when, then| {
        when.path("/api/orders").header("authorization", "Bearer old-token");
        then.status(401).body("expired");
    });
    let accepted = server.mock(|when, then| {
        when.method(POST)
            .path("/api/orders")
            .header("authorization", "Bearer new-token")
            .body("small body");
        then.status(200).body("ok");
    });
    let env = api_env(&server, "");
    seed_fresh(&env, "old-token");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    auth.assert_calls(0);
    let answer = curl(&["--data-binary", "small body", &proxy.url("orders")]);
    assert_eq!(status_of(&answer), 200, "{answer}");
    refused.assert_calls(1);
    accepted.assert_calls(1);
    auth.assert_calls(1);
    // The renewed token went to the cache, for `authctl token` too.
    assert_eq!(env.cache_json("mg")["access_token"], "new-token");
}

#[test]
fn many_requests_refused_with_one_token_make_one_renewal() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    let auth = midigator_auth(&server, "new-token");
    let refused = server.mock(|when, then| {
        when.header("authorization", "Bearer old-token");
        then.status(401).delay(Duration::from_millis(200)).body("expired");
    });
    let accepted = server.mock(|when, then| {
        when.path("/api/orders").header("authorization", "Bearer new-token");
        then.status(200).body("ok");
    });
    let env = api_env(&server, "");
    seed_fresh(&env, "old-token");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let url = proxy.url("orders");
    let answers: Vec<String> = std::thread::scope(|s| {
        let all: Vec<_> = (0..8).map(|_| s.spawn(|| curl(&[&url]))).collect();
        all.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for answer in &answers {
        assert_eq!(status_of(answer), 200, "{answer}");
    }
    auth.assert_calls(1);
    assert!(refused.calls() >= 1);
    accepted.assert_calls(8);
}

#[test]
fn large_bodies_stream_through_both_ways() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, "tok");
    let big: Vec<u8> = (0..8 * 1024 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
    let download = server.mock(|when, then| {
        when.method(GET).path("/api/big");
        then.status(200).body(big.clone());
    });
    let upload = server.mock(|when, then| {
        when.method(PUT)
            .path("/api/big")
            .header("authorization", "Bearer tok")
            .header_missing("expect")
            .body(String::from_utf8(big.clone()).unwrap());
        then.status(204);
    });
    let env = api_env(&server, "");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let file = env.dir.path().join("down");
    let out = std::process::Command::new("curl")
        .args(["-s", "-o"])
        .arg(&file)
        .arg(proxy.url("big"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::fs::read(&file).unwrap() == big, "the 8 MiB answer came whole");
    download.assert_calls(1);
    let answer = curl(&[
        "-X",
        "PUT",
        "--data-binary",
        &format!("@{}", file.display()),
        &proxy.url("big"),
    ]);
    assert_eq!(status_of(&answer), 204, "{answer}");
    upload.assert_calls(1);
}

#[test]
fn a_large_body_refused_gets_the_401_and_the_next_request_the_new_token() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    let auth = midigator_auth(&server, "new-token");
    server.mock(|when, then| {
        when.header("authorization", "Bearer old-token");
        then.status(401).body("expired");
    });
    let accepted = server.mock(|when, then| {
        when.header("authorization", "Bearer new-token");
        then.status(200).body("ok");
    });
    let env = api_env(&server, "");
    seed_fresh(&env, "old-token");
    let file = env.dir.path().join("upload");
    std::fs::write(&file, vec![b'x'; 2 * 1024 * 1024]).unwrap();
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let answer = curl(&["--data-binary", &format!("@{}", file.display()), &proxy.url("up")]);
    assert_eq!(
        status_of(&answer),
        401,
        "over 1 MiB: not kept, not sent again: {answer}"
    );
    auth.assert_calls(1);
    let answer = curl(&[&proxy.url("up")]);
    assert_eq!(status_of(&answer), 200, "{answer}");
    accepted.assert_calls(1);
}

#[test]
fn an_api_that_is_down_gets_502_and_a_redirect_is_passed_back_not_followed() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, "tok");
    let elsewhere = server.mock(|when, then| {
        when.path("/elsewhere");
        then.status(200);
    });
    server.mock(|when, then| {
        when.path("/api/moved");
        then.status(302).header("location", server.url("/elsewhere"));
    });
    let env = api_env(&server, "");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let answer = curl(&[&proxy.url("moved")]);
    assert_eq!(status_of(&answer), 302, "{answer}");
    assert!(
        answer.contains(&format!("location: {}", server.url("/elsewhere"))),
        "{answer}"
    );
    elsewhere.assert_calls(0);
    drop(proxy);

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0", "--upstream", &down]);
    let answer = curl(&[&proxy.url("x")]);
    assert_eq!(status_of(&answer), 502, "{answer}");
    assert!(
        answer.ends_with("authctl proxy: the API could not be reached\n"),
        "{answer}"
    );
    assert!(!answer.contains("tok"));
}

#[test]
fn an_api_that_hangs_gets_504_after_the_profiles_timeout() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, "tok");
    server.mock(|when, then| {
        when.path("/api/slow");
        then.status(200).delay(Duration::from_secs(20)).body("late");
    });
    let env = api_env(&server, "timeout = \"1s\"\n");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let answer = curl(&[&proxy.url("slow")]);
    assert_eq!(status_of(&answer), 504, "{answer}");
}

#[test]
fn listening_anywhere_but_loopback_is_refused() {
    let server = MockServer::start();
    let env = api_env(&server, "");
    for addr in ["0.0.0.0:0", "192.168.1.1:8080", "localhost-ish"] {
        let out = env.cmd().args(["proxy", "mg", "--listen", addr]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{addr}");
        assert!(stderr(&out).contains("loopback"), "{}", stderr(&out));
    }
}

#[test]
fn an_api_url_must_be_safe_and_present() {
    let server = MockServer::start();
    let env = TestEnv::new(&format!(
        "{}api_url = \"http://api.example.com/v2\"\n",
        midigator_config(&server.base_url())
    ));
    let out = env.cmd().args(["proxy", "mg"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("api_url") && stderr(&out).contains("plain http"),
        "{}",
        stderr(&out)
    );
    let env = midigator_env(&server);
    let out = env
        .cmd()
        .args(["proxy", "mg"])
        .env("AUTHCTL_SECRET_MG", "s")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("no api_url"), "{}", stderr(&out));
    let out = env
        .cmd()
        .args(["proxy", "mg", "--upstream", "http://user:pw@127.0.0.1:1/"])
        .env("AUTHCTL_SECRET_MG", "s")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("user name or password") && !stderr(&out).contains("pw@"));
}

#[test]
fn a_secret_that_is_missing_ends_the_proxy_before_it_listens() {
    let server = MockServer::start();
    let env = api_env(&server, "");
    let out = env
        .cmd()
        .args(["proxy", "mg", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn the_unix_socket_is_private_served_and_removed_on_sigterm() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, "tok");
    let api = server.mock(|when, then| {
        when.path("/api/orders").header("authorization", "Bearer tok");
        then.status(200).body("ok");
    });
    let env = api_env(&server, "");
    let runtime = env.dir.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    let mut cmd = std_cmd(&env);
    cmd.env("XDG_RUNTIME_DIR", &runtime);
    let mut proxy = {
        let mut child = cmd
            .args(["proxy", "mg"])
            .env("AUTHCTL_SECRET_MG", "s")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let stderr = child.stderr.take();
        Running {
            child,
            first: first.trim_end().to_string(),
            stderr,
        }
    };
    let socket = std::path::PathBuf::from(&proxy.first);
    assert_eq!(socket, runtime.join("authctl").join("proxy-mg.sock"));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&socket), 0o600);
    assert_eq!(mode(socket.parent().unwrap()), 0o700);
    let answer = curl(&["--unix-socket", &proxy.first, "http://anything/orders"]);
    assert_eq!(status_of(&answer), 200, "{answer}");
    assert!(!answer.contains("tok\n") && answer.ends_with("ok"));
    api.assert_calls(1);
    proxy.stop_and_stderr();
    assert!(!socket.exists(), "SIGTERM removed the socket");
}

#[test]
fn a_socket_in_a_directory_others_may_write_is_refused() {
    let server = MockServer::start();
    midigator_auth(&server, "tok");
    let env = api_env(&server, "");
    let shared = env.dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = env
        .cmd()
        .args(["proxy", "mg", "--socket"])
        .arg(shared.join("api.sock"))
        .env("AUTHCTL_SECRET_MG", "s")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refusing to put the proxy's socket"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exec_proxy_gives_the_child_the_api_url_and_no_token() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    midigator_auth(&server, &token);
    let api = server.mock(|when, then| {
        when.path("/api/orders")
            .header("authorization", format!("Bearer {token}"));
        then.status(200).body("orders");
    });
    let env = api_env(&server, "");
    let out = env
        .cmd()
        .args(["exec", "mg", "--proxy", "--", "sh", "-c"])
        .arg("env; echo; tr '\\0' '\\n' < /proc/self/environ; echo; curl -s \"${AUTHCTL_API_URL}orders\"")
        .env("AUTHCTL_SECRET_MG", "s")
        .env("AUTHCTL_TOKEN", "inherited")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let seen = stdout(&out);
    assert!(seen.ends_with("orders"), "{seen}");
    assert!(seen.contains("AUTHCTL_API_URL=http://127.0.0.1:"), "{seen}");
    let url = seen.lines().find(|l| l.starts_with("AUTHCTL_API_URL=")).unwrap();
    assert!(url.ends_with('/'), "{url}");
    assert!(!seen.contains(&token), "{seen}");
    assert!(
        !seen.contains("AUTHCTL_TOKEN") && !seen.contains("AUTHCTL_SECRET_"),
        "{seen}"
    );
    api.assert_calls(1);
}

#[test]
fn exec_proxy_passes_the_childs_exit_code_through() {
    let server = MockServer::start();
    midigator_auth(&server, "tok");
    let env = api_env(&server, "");
    let out = env
        .cmd()
        .args(["exec", "mg", "--proxy", "--", "sh", "-c", "exit 42"])
        .env("AUTHCTL_SECRET_MG", "s")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(42));
}

fn rejected(env: &TestEnv, given: &str) -> std::process::Output {
    env.cmd()
        .args(["token", "mg", "--rejected", "-"])
        .env("AUTHCTL_SECRET_MG", "s")
        .write_stdin(format!("{given}\n"))
        .output()
        .unwrap()
}

#[test]
fn token_rejected_renews_only_the_cached_token() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, "new-token");
    let env = api_env(&server, "");
    seed_fresh(&env, "old-token");
    // Another token than the cached one: the cached one is printed.
    let out = rejected(&env, "some-other-token");
    assert_eq!(stdout(&out), "old-token\n");
    auth.assert_calls(0);
    // The cached one, as a pasted header line: renewed.
    let out = rejected(&env, "Authorization: Bearer old-token");
    assert_eq!(stdout(&out), "new-token\n", "{}", stderr(&out));
    auth.assert_calls(1);
    // Again: already replaced, nothing sent.
    assert_eq!(stdout(&rejected(&env, "old-token")), "new-token\n");
    auth.assert_calls(1);
    let out = rejected(&env, "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no token"), "{}", stderr(&out));
    let out = env
        .cmd()
        .args(["token", "mg", "--rejected", "-", "--force-refresh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_burst_of_token_rejected_makes_one_renewal() {
    let server = MockServer::start();
    let auth = server.mock(|when, then| {
        when.method(POST).path("/auth");
        then.status(200)
            .delay(Duration::from_millis(300))
            .json_body(json!({"token": "new-token"}));
    });
    let env = api_env(&server, "");
    seed_fresh(&env, "old-token");
    let children: Vec<_> = (0..6)
        .map(|_| {
            let mut child = std_cmd(&env)
                .args(["token", "mg", "--rejected", "-"])
                .env("AUTHCTL_SECRET_MG", "s")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"old-token\n").unwrap();
            child
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(stdout(&out), "new-token\n");
    }
    auth.assert_calls(1);
}

/// An API named `localhost` goes through the client for names and TLS (reqwest), the
/// others above through the one for loopback addresses: the same rules hold.
#[test]
fn an_api_named_by_host_name_gets_the_same_treatment() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    let auth = midigator_auth(&server, "new-token");
    let refused = server.mock(|when, then| {
        when.path("/api/orders").header("authorization", "Bearer old-token");
        then.status(401).body("expired");
    });
    let api = server.mock(|when, then| {
        when.method(POST)
            .path("/api/orders")
            .header("authorization", "Bearer new-token")
            .header_missing("x-hop")
            .body("again");
        then.status(200).header("x-api", "yes").body("ok");
    });
    server.mock(|when, then| {
        when.path("/api/moved");
        then.status(302).header("location", "https://elsewhere.example/");
    });
    server.mock(|when, then| {
        when.path("/api/slow");
        then.status(200).delay(Duration::from_secs(20)).body("late");
    });
    let env = TestEnv::new(&format!(
        "{}api_url = \"http://localhost:{}/api\"\ntimeout = \"1s\"\n",
        midigator_config(&server.base_url()),
        server.port()
    ));
    seed_fresh(&env, "old-token");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let answer = curl(&[
        "-H",
        "Authorization: Bearer mine",
        "-H",
        "Connection: X-Hop",
        "-H",
        "X-Hop: 1",
        "--data-binary",
        "again",
        &proxy.url("orders"),
    ]);
    assert_eq!(status_of(&answer), 200, "{answer}");
    assert!(answer.contains("x-api: yes"), "{answer}");
    refused.assert_calls(1);
    api.assert_calls(1);
    auth.assert_calls(1);
    let moved = curl(&[&proxy.url("moved")]);
    assert_eq!(status_of(&moved), 302, "{moved}");
    assert!(moved.contains("location: https://elsewhere.example/"), "{moved}");
    let slow = curl(&[&proxy.url("slow")]);
    assert_eq!(status_of(&slow), 504, "{slow}");
    assert!(
        slow.ends_with("authctl proxy: the API did not answer in time\n"),
        "{slow}"
    );
}

/// An API that sends the head of its answer and then stalls: the body is cut after the
/// profile's timeout (curl reports a partial transfer, not its own timeout).
#[test]
fn an_answer_that_stalls_midway_is_cut_after_the_profiles_timeout() {
    if !require("curl") {
        return;
    }
    use std::io::Write;
    let server = MockServer::start();
    midigator_auth(&server, "tok");
    let stalling = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = stalling.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in stalling.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match std::io::Read::read(&mut stream, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
            std::thread::sleep(Duration::from_secs(40));
        }
    });
    let env = TestEnv::new(&format!(
        "{}api_url = \"http://127.0.0.1:{port}\"\ntimeout = \"1s\"\n",
        midigator_config(&server.base_url())
    ));
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let out = std::process::Command::new("curl")
        .args(["-s", "--max-time", "30", &proxy.url("x")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(18), "a partial transfer: {}", stdout(&out));
    assert_eq!(stdout(&out), "abc");
}

#[test]
fn another_user_who_learnt_the_key_gets_nothing_through_the_proxy() {
    if !can_play_another_account(&["curl"]) {
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let api = server.mock(|when, then| {
        when.path("/api/orders");
        then.status(200).body("forwarded");
    });
    let env = api_env(&server, "");
    let mut proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    // The key is in a command line, where every account can read it (/proc/PID/cmdline).
    let theirs = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "curl",
            "-s",
            "-o",
            "/dev/null",
        ])
        .args(["-w", "%{http_code}", &proxy.url("orders")])
        .output()
        .unwrap();
    assert_eq!(stdout(&theirs), "000", "the connection is closed unanswered");
    api.assert_calls(0);
    let ours = curl(&[&proxy.url("orders")]);
    assert_eq!(status_of(&ours), 200, "{ours}");
    api.assert_calls(1);
    let err = proxy.stop_and_stderr();
    assert!(
        err.contains("refused a connection from another user of this machine (uid 65534)"),
        "{err}"
    );
}

#[test]
fn trace_and_tricks_that_servers_resolve_differently_are_not_forwarded() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let api = server.mock(|when, then| {
        when.path_includes("/");
        then.status(200).body("forwarded");
    });
    let env = api_env(&server, "");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    // TRACE would have the API echo the proxy's Authorization back to the client.
    for method in ["TRACE", "TRACK", "trace"] {
        let answer = curl(&["-X", method, &proxy.url("orders")]);
        assert_eq!(status_of(&answer), 405, "{method}: {answer}");
    }
    // `..;` (Tomcat, Spring), double encoding, overlong UTF-8.
    for path in [
        "..;/x",
        ".%2e;x=1/x",
        "%252e%252e/x",
        "%c0%ae%c0%ae/x",
        "a/%252E%252E%252Fx",
    ] {
        let answer = curl(&["--path-as-is", &proxy.url(path)]);
        assert_eq!(status_of(&answer), 400, "{path}: {answer}");
    }
    // Two Host headers: which one counts depends on who reads them.
    let url = url::Url::parse(&proxy.url("orders")).unwrap();
    let two = raw_request(
        url.port().unwrap(),
        &format!(
            "GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
            url.path()
        ),
    );
    assert_eq!(status_of(&two), 403, "{two}");
    api.assert_calls(0);
}

#[test]
fn an_api_that_refuses_every_token_does_not_get_a_login_per_request() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    let auth = midigator_auth(&server, "new-token");
    server.mock(|when, then| {
        when.path("/api/orders");
        then.status(401).body("refused");
    });
    let env = api_env(&server, "");
    seed_fresh(&env, "old-token");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    for _ in 0..5 {
        let answer = curl(&[&proxy.url("orders")]);
        assert_eq!(status_of(&answer), 401, "{answer}");
    }
    auth.assert_calls(1);
}

#[test]
fn a_socket_in_a_directory_others_may_read_is_refused() {
    let server = MockServer::start();
    midigator_auth(&server, "tok");
    let env = api_env(&server, "");
    let dir = env.dir.path().join("socks");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = std_cmd(&env);
    cmd.args(["proxy", "mg", "--socket"])
        .arg(dir.join("mg.sock"))
        .env("AUTHCTL_SECRET_MG", "s");
    // A proxy that starts serves until stopped: the timeout ends it and fails the test.
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is open to other users (mode 755)"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    assert!(!dir.join("mg.sock").exists());
}

/// Sends `request` as written to the proxy on `port`; its whole answer.
fn raw_request(port: u16, request: &str) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// An API on a bare socket that answers each request with `c<connection>r<request>`,
/// and records each request head it got; with `close_after_each`, it closes the
/// connection after every answer without saying so first.
fn counting_api(close_after_each: bool) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = heads.clone();
    std::thread::spawn(move || {
        for (connection, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut pending = Vec::new();
                let mut buf = [0u8; 4096];
                for request in 1.. {
                    let end = loop {
                        if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                            break at + 4;
                        }
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => pending.extend_from_slice(&buf[..n]),
                        }
                    };
                    let head: Vec<u8> = pending.drain(..end).collect();
                    seen.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
                    let body = format!("c{}r{request}", connection + 1);
                    let answer = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
                    if stream.write_all(answer.as_bytes()).is_err() || close_after_each {
                        return;
                    }
                }
            });
        }
    });
    (port, heads)
}

/// Three requests on one kept-alive client connection, through a proxy in front of
/// `port`: what curl printed of the three answers.
fn three_requests_on_one_connection(port: u16) -> String {
    let server = MockServer::start();
    let env = TestEnv::new(&format!(
        "{}api_url = \"http://127.0.0.1:{port}/api\"\n",
        midigator_config(&server.base_url())
    ));
    seed_fresh(&env, "tok-kept");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let out = std::process::Command::new("curl")
        .args([
            "-s",
            "--max-time",
            "30",
            &proxy.url("a"),
            &proxy.url("b"),
            &proxy.url("c"),
        ])
        .output()
        .unwrap();
    stdout(&out)
}

#[test]
fn a_client_connection_kept_alive_keeps_its_connection_to_the_api() {
    if !require("curl") {
        return;
    }
    let (port, heads) = counting_api(false);
    assert_eq!(three_requests_on_one_connection(port), "c1r1c1r2c1r3");
    let heads = heads.lock().unwrap();
    let paths: Vec<&str> = heads.iter().map(|h| h.split(' ').nth(1).unwrap_or_default()).collect();
    assert_eq!(paths, ["/api/a", "/api/b", "/api/c"]);
    for head in heads.iter() {
        let head = head.to_ascii_lowercase();
        assert!(head.contains(&format!("\r\nhost: 127.0.0.1:{port}\r\n")), "{head}");
        assert!(head.contains("\r\nauthorization: bearer tok-kept\r\n"), "{head}");
    }
}

#[test]
fn an_api_that_closes_each_connection_unannounced_still_gets_every_request() {
    if !require("curl") {
        return;
    }
    let (port, heads) = counting_api(true);
    assert_eq!(three_requests_on_one_connection(port), "c1r1c2r1c3r1");
    assert_eq!(heads.lock().unwrap().len(), 3);
}

#[test]
fn a_401_whose_body_is_not_yet_read_is_retried_at_once_with_the_renewed_token() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, "new-token");
    server.mock(|when, then| {
        when.path("/api/orders").header("authorization", "Bearer old-token");
        then.status(401).body("e".repeat(200_000));
    });
    server.mock(|when, then| {
        when.path("/api/orders").header("authorization", "Bearer new-token");
        then.status(200).body("ok");
    });
    let env = api_env(&server, "timeout = \"3s\"\n");
    seed_fresh(&env, "old-token");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let started = std::time::Instant::now();
    let answer = curl(&["--data-binary", "small body", &proxy.url("orders")]);
    assert_eq!(status_of(&answer), 200, "after {:?}: {answer}", started.elapsed());
}

#[test]
fn the_first_wait_in_an_answers_body_gets_the_whole_timeout() {
    if !require("curl") {
        return;
    }
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                // The head after 1.5 s, the body 1 s after it: no wait is over 2 s.
                std::thread::sleep(Duration::from_millis(1500));
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
                std::thread::sleep(Duration::from_millis(1000));
                let _ = stream.write_all(b"body");
            });
        }
    });
    let server = MockServer::start();
    let env = TestEnv::new(&format!(
        "{}api_url = \"http://127.0.0.1:{port}/api\"\ntimeout = \"2s\"\n",
        midigator_config(&server.base_url())
    ));
    seed_fresh(&env, "tok");
    let proxy = Running::start(&env, &["mg", "--listen", "127.0.0.1:0"]);
    let answer = curl(&[&proxy.url("x")]);
    assert!(answer.ends_with("\r\n\r\nbody"), "{answer}");
}
