//! What a person at a terminal is told while authctl waits — for a slow provider, or for
//! another process holding the profile's lock — and that nothing is said when stderr is
//! not a terminal. Terminal behaviour runs through a pseudo-terminal (`OnTerminal`).

use std::io::{Read, Write};
use std::sync::mpsc::{Sender, channel};

use predicates::prelude::*;

use crate::util::*;

/// A Midigator `POST /auth` that answers `token` only once the test says so: whatever
/// the machine's speed, the wait lasts until the test has seen what it waits for.
fn gated_midigator(token: &str) -> (String, Sender<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (open, gate) = channel::<()>();
    let body = serde_json::json!({ "token": token }).to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = gate.recv();
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, open)
}

/// True when another process holds the lock file at `path`.
fn locked(path: &std::path::Path) -> bool {
    std::fs::File::open(path).is_ok_and(|f| f.try_lock().is_err())
}

#[test]
fn a_slow_provider_is_named_on_a_terminal_and_the_line_cleared_after() {
    let token = jwt_expiring_in(3600);
    let (url, open) = gated_midigator(&token);
    let env = TestEnv::new(&midigator_config(&url));
    let mut cmd = std_cmd(&env);
    cmd.args(["token", "mg"]).env("AUTHCTL_SECRET_MG", "test-secret");
    let mut run = OnTerminal::start(cmd);
    run.until_it_shows("authctl: waiting for midigator at 127.0.0.1 (up to 30s)…");
    open.send(()).unwrap();
    let (out, shown) = run.finish();
    assert!(out.status.success(), "{shown}");
    assert_eq!(stdout(&out), format!("{token}\n"));
    assert!(
        shown.ends_with("…\r\x1b[2K"),
        "the line is cleared once the answer is in: {shown:?}"
    );
    assert!(!shown.contains("test-secret"));
}

#[test]
fn nothing_is_said_of_a_slow_provider_when_stderr_is_not_a_terminal() {
    let token = jwt_expiring_in(3600);
    let (url, open) = gated_midigator(&token);
    let env = TestEnv::new(&midigator_config(&url));
    let run = std_cmd(&env)
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Well past the second after which a terminal would be told.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    open.send(()).unwrap();
    let out = run.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), format!("{token}\n"));
}

#[test]
fn a_waiter_on_a_terminal_names_the_process_holding_the_lock() {
    let token = jwt_expiring_in(3600);
    let (url, open) = gated_midigator(&token);
    let env = TestEnv::new(&midigator_config(&url));
    let mut holder = std_cmd(&env)
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lock = env.cache_dir().join("mg.lock");
    let pid = holder.id().to_string();
    while !(locked(&lock) && std::fs::read_to_string(&lock).is_ok_and(|s| s.trim() == pid)) {
        assert!(
            holder.try_wait().unwrap().is_none(),
            "the holder ended before it was seen"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let mut cmd = std_cmd(&env);
    cmd.args(["token", "mg"]).env("AUTHCTL_SECRET_MG", "test-secret");
    let mut waiter = OnTerminal::start(cmd);
    waiter.until_it_shows(&format!(
        "authctl: waiting for process {pid}, which is renewing mg (up to 3m 33s)…"
    ));
    open.send(()).unwrap();
    let (out, shown) = waiter.finish();
    assert!(out.status.success(), "{shown}");
    assert_eq!(stdout(&out), format!("{token}\n"), "the holder's token, from the cache");
    assert!(shown.ends_with("…\r\x1b[2K"), "{shown:?}");
    assert!(holder.wait().unwrap().success());
}

/// The test holds the profile's lock, as a stuck authctl renewing it would, its PID
/// written in the lock file.
fn held_by(env: &TestEnv, pid: &str) -> std::fs::File {
    env.write_private("mg.lock", &format!("{pid}\n"));
    let holder = std::fs::File::open(env.cache_dir().join("mg.lock")).unwrap();
    holder.lock().unwrap();
    holder
}

#[test]
fn giving_up_on_a_stuck_lock_names_its_holder_on_a_terminal_or_not() {
    let env = TestEnv::new(&midigator_config("http://127.0.0.1:9"));
    let _held = held_by(&env, "4242");
    // --timeout 100ms: the wait for the lock is 7 × 100ms + 3s.
    let gave_up = "authctl process 4242 has been renewing the token of mg for 3s; gave up waiting; \
                   if it is stuck, end process 4242 and try again";
    let mut cmd = std_cmd(&env);
    cmd.args(["--timeout", "100ms", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret");
    let mut run = OnTerminal::start(cmd);
    run.until_it_shows("authctl: waiting for process 4242, which is renewing mg (up to 3s)…");
    let (out, shown) = run.finish();
    assert_eq!(out.status.code(), Some(6), "{shown}");
    assert!(shown.contains(gave_up), "{shown:?}");
    assert!(
        shown.contains("…\r\x1b[2K"),
        "the waiting line is gone before the error: {shown:?}"
    );

    env.cmd()
        .args(["--timeout", "100ms", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(6)
        .stdout("")
        .stderr(predicate::str::contains(gave_up).and(predicate::str::contains("waiting for process").not()));
}

#[test]
fn a_lock_file_without_a_valid_pid_is_waited_for_all_the_same() {
    let env = TestEnv::new(&midigator_config("http://127.0.0.1:9"));
    let _held = held_by(&env, "12x; rm -rf /");
    let mut cmd = std_cmd(&env);
    cmd.args(["--timeout", "100ms", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret");
    let mut run = OnTerminal::start(cmd);
    run.until_it_shows("authctl: waiting for another authctl process, which is renewing mg (up to 3s)…");
    let (out, shown) = run.finish();
    assert_eq!(out.status.code(), Some(6));
    assert!(
        shown.contains("another authctl process has been renewing the token of mg for 3s; gave up waiting"),
        "{shown:?}"
    );
    assert!(!shown.contains("rm -rf"));
}
