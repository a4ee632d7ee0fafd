//! Single flight's failures: processes waiting on a profile's lock take the failure of
//! the process they waited for only when they would have met it themselves — the
//! server's answer to an automatic renewal — never the holder's own input or mode.
//!
//! Each test makes the order certain rather than likely: the waiter is started only once
//! the holder says it holds the lock (or the test holds it), and it is known to wait only
//! once it says so at `-v`.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStderr, Output, Stdio};
use std::time::Duration;

use httpmock::prelude::*;
use serde_json::json;

use crate::util::*;

/// An authctl running in the background, its stderr read line by line as it comes; killed
/// if the test ends before it does (stopped or not).
struct Background {
    child: Option<Child>,
    stderr: BufReader<ChildStderr>,
    said: String,
}

impl Background {
    fn start(mut cmd: std::process::Command, stdin: &str) -> Background {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
        Background {
            stderr: BufReader::new(child.stderr.take().unwrap()),
            child: Some(child),
            said: String::new(),
        }
    }

    /// Reads its stderr until a line holds `what`; fails the test if it ends first.
    fn until_it_says(&mut self, what: &str) {
        loop {
            let mut line = String::new();
            let read = self.stderr.read_line(&mut line).unwrap();
            self.said.push_str(&line);
            assert!(read > 0, "it ended without saying {what:?}: {}", self.said);
            if line.contains(what) {
                return;
            }
        }
    }

    /// Sends it a signal (`STOP`, `CONT`).
    fn signal(&self, name: &str) {
        let pid = self.child.as_ref().unwrap().id();
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for it to end: its output, with all it said on stderr.
    fn finish(mut self) -> (Output, String) {
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stderr, &mut rest).unwrap();
        let out = self.child.take().unwrap().wait_with_output().unwrap();
        (out, std::mem::take(&mut self.said) + &rest)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `authctl -v token mr` with the right password in its environment.
fn token_with_the_right_password(env: &TestEnv) -> std::process::Command {
    let mut cmd = std_cmd(env);
    cmd.args(["-v", "token", "mr"]).env("AUTHCTL_SECRET_MR", "pw");
    cmd
}

/// What a process that waited and then renewed for itself must show.
fn assert_it_renewed_for_itself(waiter: Background) {
    let (out, said) = waiter.finish();
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert_eq!(stdout(&out), "a-right\n");
    assert!(!said.contains("met by another authctl process"), "{said}");
}

fn answers_the_right_password(server: &MockServer) -> httpmock::Mock<'_> {
    mediroutes_password_grant(server, 200, json!({"access_token": "a-right", "expires_in": 3600}))
}

#[test]
fn a_holders_mistyped_secret_stdin_is_not_shared_with_a_waiter() {
    let server = MockServer::start();
    let mistyped = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("grant_type", "password")
            .form_urlencoded_tuple("password", "pw-mistyped");
        then.status(401).delay(Duration::from_secs(1)).json_body(
            json!({"error": "invalid_grant", "error_description": "The user name or password is incorrect."}),
        );
    });
    let right = answers_the_right_password(&server);
    let env = mediroutes_env(&server);

    let mut holder = Background::start(
        {
            let mut cmd = std_cmd(&env);
            cmd.args(["-v", "token", "mr", "--secret-stdin"]);
            cmd
        },
        "pw-mistyped\n",
    );
    // It holds the lock from here until it ends; it is held still until the waiter waits.
    holder.until_it_says("logging in with the password from standard input");
    holder.signal("STOP");
    let mut waiter = Background::start(token_with_the_right_password(&env), "");
    waiter.until_it_says("waiting for another authctl process renewing mr");
    holder.signal("CONT");

    let (out, said) = holder.finish();
    assert_eq!(out.status.code(), Some(5), "{said}");
    assert!(said.contains("HTTP 401"), "{said}");
    assert_it_renewed_for_itself(waiter);
    mistyped.assert_calls(1);
    right.assert_calls(1);
}

#[test]
fn a_refresh_command_without_a_refresh_token_does_not_fail_a_waiter() {
    let server = MockServer::start();
    let right = answers_the_right_password(&server);
    let env = mediroutes_env(&server);
    // The test holds the profile's lock, as an authctl renewing it would.
    env.write_private("mr.lock", "");
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(env.cache_dir().join("mr.lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut waiter = Background::start(token_with_the_right_password(&env), "");
    waiter.until_it_says("waiting for another authctl process renewing mr");
    // Held still, the waiter cannot take the lock before `mediroutes refresh` has had it.
    waiter.signal("STOP");
    drop(lock);

    let refresh = env.cmd().args(["mediroutes", "refresh"]).output().unwrap();
    assert_eq!(refresh.status.code(), Some(5), "{}", stderr(&refresh));
    assert!(
        stderr(&refresh).contains("no refresh token is stored for profile mr"),
        "{}",
        stderr(&refresh)
    );
    waiter.signal("CONT");
    assert_it_renewed_for_itself(waiter);
    right.assert_calls(1);
}
