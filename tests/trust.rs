//! What a credential tool must never do, whatever the server, the cache directory, the
//! config or the environment: serve a token to the wrong settings, trust files another
//! user could write, wait forever, leak a secret to a child.

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

// A token belongs to the settings that fetched it.

#[test]
fn a_cached_token_is_not_served_after_the_client_id_changes() {
    let server = MockServer::start();
    let staging = token_endpoint(
        &server,
        &[("client_id", "cid")],
        200,
        json!({"access_token": "staging-token", "expires_in": 3600}),
    );
    let production = token_endpoint(
        &server,
        &[("client_id", "prod-client")],
        200,
        json!({"access_token": "prod-token", "expires_in": 3600}),
    );
    let env = TestEnv::new(&oauth2_config("api", &server.url("/token"), ""));
    let token = |env: &TestEnv| {
        env.cmd()
            .args(["token", "api"])
            .env("AUTHCTL_SECRET_API", "test-secret")
            .assert()
            .success()
    };
    token(&env).stdout("staging-token\n");
    token(&env).stdout("staging-token\n");
    staging.assert_calls(1);

    let prod =
        oauth2_config("api", &server.url("/token"), "").replace("client_id = \"cid\"", "client_id = \"prod-client\"");
    std::fs::write(env.config_path(), prod).unwrap();
    token(&env).stdout("prod-token\n");
    production.assert_calls(1);
}

#[test]
fn a_refresh_token_is_not_sent_after_the_base_url_changes() {
    let old = MockServer::start();
    let new = MockServer::start();
    mediroutes_password_grant(
        &old,
        200,
        json!({"access_token": "a1", "expires_in": 1, "refresh_token": "rt-old-server"}),
    );
    let refresh_at_new = token_endpoint(
        &new,
        &[("grant_type", "refresh_token")],
        200,
        json!({"access_token": "wrong"}),
    );
    let login_at_new = mediroutes_password_grant(&new, 200, json!({"access_token": "a2", "expires_in": 3600}));
    let env = mediroutes_env(&old);
    env.cmd()
        .args(["token", "mr"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .success();
    assert_eq!(env.stored_credential("mr").as_deref(), Some("rt-old-server"));

    std::fs::write(env.config_path(), mediroutes_config(&new.base_url())).unwrap();
    env.cmd()
        .args(["token", "mr"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .success()
        .stdout("a2\n");
    refresh_at_new.assert_calls(0);
    login_at_new.assert_calls(1);
}

#[test]
fn a_developer_token_is_not_sent_after_the_client_id_changes() {
    let server = MockServer::start();
    midway_auth(&server, "dev-of-cid");
    midway_installation_token(&server, "dev-of-cid", "inst-1", 200, json!({"token": "inst-token"}));
    let env = midway_env(&server, "installation = \"inst-1\"\n");
    env.cmd()
        .args(["token", "mw"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .success();

    let other = server.mock(|when, then| {
        when.method(POST)
            .path("/v1/Auth")
            .json_body(json!({"clientId": "other", "password": "pw"}));
        then.status(200).json_body(json!({"token": "dev-of-other"}));
    });
    let with_old = midway_installation_token(&server, "dev-of-cid", "inst-2", 200, json!({"token": "wrong"}));
    let with_new = midway_installation_token(&server, "dev-of-other", "inst-2", 200, json!({"token": "right"}));
    std::fs::write(
        env.config_path(),
        midway_config(&server.base_url(), "installation = \"inst-2\"\n").replace("\"cid\"", "\"other\""),
    )
    .unwrap();
    env.cmd()
        .args(["token", "mw"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .success()
        .stdout("right\n");
    other.assert_calls(1);
    with_old.assert_calls(0);
    with_new.assert_calls(1);
}

// A cache only its owner can write.

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_cache_dir_others_can_write_is_refused_and_left_as_it_is() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    for shared in [0o1777, 0o777, 0o770] {
        let dir = env.dir.path().join(format!("shared-{shared:o}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(shared)).unwrap();
        env.cmd()
            .args(["token", "mg"])
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .env("AUTHCTL_CACHE_DIR", &dir)
            .assert()
            .code(3)
            .stdout("")
            .stderr(
                predicate::str::contains(dir.display().to_string())
                    .and(predicate::str::contains("group or others may write to it")),
            );
        assert_eq!(mode(&dir), shared, "never chmodded");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing written there");
    }
    auth.assert_calls(0);
}

#[test]
fn a_cache_dir_of_another_user_is_refused() {
    let env = TestEnv::new(&midigator_config("https://mg.example.invalid"));
    let theirs = env.dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::set_permissions(&theirs, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    if std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).is_err() {
        eprintln!("skipping: only root can give a directory to another user here");
        return;
    }
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_CACHE_DIR", &theirs)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("it belongs to user 65534, not to you"));
}

#[test]
fn a_missing_cache_dir_is_created_0700_whatever_the_umask() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    let nested = env.dir.path().join("a/b/cache");
    let out = std::process::Command::new("sh")
        .args(["-c", "umask 000; exec \"$0\" token mg"])
        .arg(bin())
        .envs(std_cmd(&env).get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("AUTHCTL_CACHE_DIR", &nested)
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&nested), 0o700);
    assert_eq!(mode(&nested.join(env.record_name("mg"))), 0o600);
}

/// A valid, fresh record of `mg` whose token is `token`, as authctl itself writes it.
fn fresh_record(env: &TestEnv, token: &str) -> String {
    json!({"format": 2, "provider": "midigator", "bound_to": env.fingerprint("mg"), "access_token": token,
        "token_type": "Bearer", "obtained_at": now(), "expires_at": now() + 3600.0})
    .to_string()
}

#[test]
fn a_record_that_is_a_link_or_readable_by_others_is_ignored_and_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let server = MockServer::start();
    let fresh = jwt_expiring_in(3600);
    let auth = midigator_auth(&server, &fresh);
    let env = midigator_env(&server);
    let run = || {
        env.cmd()
            .args(["-v", "token", "mg"])
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .assert()
            .success()
            .stdout(format!("{fresh}\n"))
    };

    // A link to a record someone else prepared.
    env.write_private("planted.json", &fresh_record(&env, "planted"));
    std::os::unix::fs::symlink(env.cache_dir().join("planted.json"), env.cache_file("mg")).unwrap();
    run().stderr(predicate::str::contains("symbolic link"));
    assert!(
        !std::fs::symlink_metadata(env.cache_file("mg")).unwrap().is_symlink(),
        "replaced"
    );
    assert!(
        std::fs::read_to_string(env.cache_dir().join("planted.json"))
            .unwrap()
            .contains("planted")
    );

    // A record others may read or write.
    env.write_private(&env.record_name("mg"), &fresh_record(&env, "planted"));
    std::fs::set_permissions(env.cache_file("mg"), PermissionsExt::from_mode(0o666)).unwrap();
    run().stderr(predicate::str::contains("group or others may write"));
    assert_eq!(mode(&env.cache_file("mg")), 0o600);
    auth.assert_calls(2);
}

#[test]
fn a_fifo_in_place_of_a_record_does_not_hang() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    env.write_private("placeholder", "");
    let made = std::process::Command::new("mkfifo").arg(env.cache_file("mg")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: no mkfifo");
        return;
    }
    env.cmd()
        .args(["-v", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .success()
        .stderr(predicate::str::contains("not a regular file"));
}

#[test]
fn a_lock_file_that_is_a_link_is_replaced_and_its_target_untouched() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    env.write_private("placeholder", "");
    let victim = env.dir.path().join("victim");
    std::os::unix::fs::symlink(&victim, env.cache_dir().join("mg.lock")).unwrap();
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    assert!(!victim.exists(), "the link's target was never created");
    let lock = std::fs::symlink_metadata(env.cache_dir().join("mg.lock")).unwrap();
    assert!(lock.is_file());
}

#[test]
fn a_cached_token_with_a_line_break_is_never_printed() {
    let server = MockServer::start();
    let fresh = jwt_expiring_in(3600);
    midigator_auth(&server, &fresh);
    let env = midigator_env(&server);
    env.write_private(&env.record_name("mg"), &fresh_record(&env, "evil\r\nX-Injected: 1"));
    env.cmd()
        .args(["token", "mg", "--format", "header"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stdout(format!("Authorization: Bearer {fresh}\n"));
    // A bad token_type is no better.
    let record = fresh_record(&env, "fine-token").replace("\"Bearer\"", "\"Bearer\\r\\nX: 1\"");
    env.write_private(&env.record_name("mg"), &record);
    env.cmd()
        .args(["token", "mg", "--format", "json"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("X: 1")
                .not()
                .and(predicate::str::contains(fresh.as_str())),
        );
}

// Bounded waits, shared failures.

/// Runs `n` `authctl token mg` at once, all in the same home; their outputs.
fn at_once(env: &TestEnv, n: usize, args: &[&str]) -> Vec<std::process::Output> {
    let children: Vec<_> = (0..n)
        .map(|_| {
            std_cmd(env)
                .args(["token", "mg"])
                .args(args)
                .env("AUTHCTL_SECRET_MG", "test-secret")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children.into_iter().map(|c| c.wait_with_output().unwrap()).collect()
}

#[test]
fn waiters_share_the_failure_of_the_process_they_waited_for() {
    let server = MockServer::start();
    let busy = midigator_answer(&server, 503, "application/json", r#"{"message": "maintenance"}"#);
    let env = midigator_env(&server);
    let outs = at_once(&env, 12, &[]);
    for out in &outs {
        assert_eq!(out.status.code(), Some(6), "{}", stderr(out));
        assert!(stderr(out).contains("HTTP 503"), "{}", stderr(out));
    }
    // One process tried (with its two retries); the others reported its failure.
    busy.assert_calls(3);
    assert!(
        outs.iter()
            .any(|o| stderr(o).contains("met by another authctl process"))
    );
}

#[test]
fn waiters_on_a_hanging_endpoint_do_not_each_wait_out_the_timeout() {
    let server = MockServer::start();
    let hanging = server.mock(|when, then| {
        when.method(POST).path("/auth");
        then.status(200)
            .delay(std::time::Duration::from_secs(30))
            .json_body(json!({"token": "late"}));
    });
    let env = midigator_env(&server);
    let outs = at_once(&env, 5, &["--timeout", "1s"]);
    for out in &outs {
        assert_eq!(out.status.code(), Some(6), "{}", stderr(out));
        assert!(stderr(out).contains("did not answer within 1s"), "{}", stderr(out));
    }
    hanging.assert_calls(1);
}

#[test]
fn the_wait_for_a_lock_holder_is_bounded() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    env.write_private("placeholder", "");
    // This test holds the profile's lock, as a stuck authctl would.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(env.cache_dir().join("mg.lock"))
        .unwrap();
    std::fs::set_permissions(
        env.cache_dir().join("mg.lock"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    lock.lock().unwrap();
    env.cmd()
        .args(["token", "mg", "--timeout", "100ms"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(6)
        .stderr(predicate::str::contains(
            "another authctl process has been renewing the token of mg",
        ));
    auth.assert_calls(0);
    drop(lock);
}

fn secret_command_env(argv: &str) -> (MockServer, TestEnv) {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = TestEnv::new(&format!(
        "{}timeout = \"1s\"\nsecret_command = {argv}\n",
        midigator_config(&server.base_url())
    ));
    (server, env)
}

#[test]
fn a_hanging_secret_command_is_stopped_after_the_timeout() {
    for argv in [r#"["sleep", "3600"]"#, r#"["sh", "-c", "sleep 3600; echo late"]"#] {
        let (_server, env) = secret_command_env(argv);
        env.cmd()
            .args(["token", "mg"])
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(4)
            .stderr(predicate::str::contains("did not finish within 1s"));
    }
}

#[test]
fn a_secret_command_gets_no_stdin_and_no_secrets_and_may_not_print_too_much() {
    let (_server, env) = secret_command_env(r#"["cat"]"#);
    env.cmd()
        .args(["token", "mg"])
        .write_stdin("typed-into-the-terminal\n")
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("printed nothing"));

    let (_server, env) = secret_command_env(r#"["sh", "-c", "env | grep AUTHCTL_SECRET_ >&2; exit 3"]"#);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_OTHER", "other-profiles-secret")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("failed").and(predicate::str::contains("AUTHCTL_SECRET_OTHER").not()));

    let (_server, env) = secret_command_env(r#"["head", "-c", "10000000", "/dev/zero"]"#);
    env.cmd()
        .args(["token", "mg"])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("more than 64 KiB"));
}

// Hygiene.

#[test]
fn a_loopback_endpoint_never_goes_through_a_proxy() {
    let proxy = MockServer::start();
    let via_proxy = midigator_auth(&proxy, "from-the-proxy");
    let origin = MockServer::start();
    let direct = midigator_auth(&origin, "from-the-origin");
    let env = midigator_env(&origin);
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        env.cmd()
            .args(["token", "mg", "--no-cache"])
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .env(var, proxy.base_url())
            .assert()
            .success()
            .stdout("from-the-origin\n");
    }
    via_proxy.assert_calls(0);
    direct.assert_calls(4);
}

#[test]
fn a_dot_localhost_name_reaches_loopback_without_dns() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, "via-localhost-name");
    let env = TestEnv::new(&midigator_config(&format!(
        "http://api.authctl-test.localhost:{}",
        server.port()
    )));
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stdout("via-localhost-name\n");
    auth.assert_calls(1);
}

#[test]
fn a_url_with_a_password_is_refused_without_repeating_it() {
    for url in [
        "https://me:hunter2@mg.example.invalid",
        "https://me:hunter2@exa mple.invalid",
    ] {
        let env = TestEnv::new(&midigator_config(url));
        env.cmd()
            .args(["token", "mg"])
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .assert()
            .code(3)
            .stderr(predicate::str::contains("key base_url").and(predicate::str::contains("hunter2").not()));
    }
}

#[test]
fn an_absurd_lifetime_counts_as_absent_and_default_ttl_applies() {
    for expires_in in [json!("inf"), json!(1e300), json!(-5), json!(0), json!("NaN")] {
        let server = MockServer::start();
        token_endpoint(
            &server,
            &[],
            200,
            json!({"access_token": "tok", "expires_in": expires_in}),
        );
        let env = TestEnv::new(&oauth2_config("o", &server.url("/token"), "default_ttl = \"10m\"\n"));
        let out = env
            .cmd()
            .args(["token", "o", "--format", "json"])
            .env("AUTHCTL_SECRET_O", "test-secret")
            .output()
            .unwrap();
        assert!(out.status.success(), "{expires_in}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let left = v["expires_in"].as_i64().unwrap();
        assert!((590..=600).contains(&left), "{expires_in}: {v}");
    }
}

#[test]
fn a_fresh_jwt_that_has_already_expired_is_exit_6_with_a_clock_hint() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(-120));
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(6)
        .stdout("")
        .stderr(predicate::str::contains("expired").and(predicate::str::contains("clock")));
    assert!(!env.cache_file("mg").exists());
}

#[test]
fn a_closed_or_full_stderr_changes_nothing() {
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    midigator_auth(&server, &token);
    let env = midigator_env(&server);
    for redirect in ["2>&-", "2>/dev/full"] {
        let out = std::process::Command::new("sh")
            .args(["-c", &format!("\"$0\" -vvv token mg --no-cache {redirect}")])
            .arg(bin())
            .envs(std_cmd(&env).get_envs().filter_map(|(k, v)| Some((k, v?))))
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{redirect}: {}", stderr(&out));
        assert_eq!(stdout(&out), format!("{token}\n"), "{redirect}");
    }
}

#[test]
fn a_cache_that_cannot_be_written_still_prints_the_token_with_a_warning() {
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    midigator_auth(&server, &token);
    let env = midigator_env(&server);
    // A directory where the record should go: no rename can replace it, even as root.
    std::fs::create_dir_all(env.cache_file("mg")).unwrap();
    std::fs::set_permissions(env.cache_dir(), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stdout(format!("{token}\n"))
        .stderr(predicate::str::contains("warning: could not cache the new token of mg"));
}

#[test]
fn command_line_values_are_checked_like_the_config() {
    let env = TestEnv::new(&midigator_config("https://mg.example.invalid"));
    env.cmd()
        .args(["--timeout", "0s", "token", "mg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("longer than zero"));
    env.cmd().args(["midway", "browser", "--wait", "0s"]).assert().code(2);
}

#[test]
fn standard_input_is_capped_and_secret_set_takes_exactly_one_line() {
    let env = TestEnv::new(&midigator_config("https://mg.example.invalid"));
    env.cmd()
        .args(["inspect", "-"])
        .write_stdin(vec![b'a'; 1024 * 1024 + 10])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than 1 MiB"));
    env.cmd()
        .args(["secret", "set", "mg", "--stdin"])
        .write_stdin("first-line\nsecond-line\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than one line"));
}

#[test]
fn control_and_bidi_characters_from_a_server_are_shown_escaped() {
    let server = MockServer::start();
    midigator_answer(
        &server,
        401,
        "application/json",
        r#"{"message": "bad \u001b[2J\u001b[31msecret \u202egnirts"}"#,
    );
    let env = midigator_env(&server);
    let out = env
        .cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{202e}'), "{err:?}");
    assert!(err.contains("\\u{001b}[2J") && err.contains("\\u{202e}"), "{err}");
}

// Found by attacking the change: each test fails without its fix.

#[test]
fn a_successful_answer_that_is_not_json_is_never_shown() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("access_token=ACCESS-VISIBLE-4711&refresh_token=REFRESH-VISIBLE-4711&expires_in=3600");
    });
    let env = TestEnv::new(&oauth2_config("o", &server.url("/token"), ""));
    env.cmd()
        .args(["-vvv", "token", "o"])
        .env("AUTHCTL_SECRET_O", "test-secret")
        .assert()
        .code(6)
        .stderr(predicate::str::contains("form-encoded data").and(predicate::str::contains("VISIBLE-4711").not()));
}

#[test]
fn json_after_a_byte_order_mark_is_read() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .header("content-type", "application/json")
            .body("\u{feff}{\"access_token\": \"after-bom\", \"expires_in\": 3600}");
    });
    let env = TestEnv::new(&oauth2_config("o", &server.url("/token"), ""));
    env.cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", "test-secret")
        .assert()
        .success()
        .stdout("after-bom\n");
}

/// A browser-flow profile on `return_url`.
fn browser_profile(return_url: &str) -> TestEnv {
    TestEnv::new(&format!(
        "[profiles.mw]\nprovider = \"midway\"\nclient_id = \"cid\"\napp_id = \"app-7\"\nreturn_url = \"{return_url}\"\n"
    ))
}

#[test]
fn another_user_cannot_hand_the_browser_flow_a_token() {
    if !can_play_another_account(&["curl"]) {
        return;
    }
    let env = browser_profile("http://127.0.0.1:0/callback");
    let run = BrowserRun::start(&env, &["--no-open", "--wait", "60s", "--format", "json"]);
    let callback = |token: &str| format!("http://127.0.0.1:{}/callback?token={token}", run.port);
    // As user 65534, the way another account on the machine would.
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
        .args(["-w", "%{http_code}", &callback("mallorys.token")])
        .output()
        .unwrap();
    assert_eq!(stdout(&theirs), "403");
    let ours = jwt_expiring_in(1800);
    let (status, _) = browser_get(run.port, &format!("/callback?token={ours}"));
    assert_eq!(status, 200);
    let (out, said) = run.finish();
    assert!(out.status.success(), "{said}");
    assert!(said.contains("another user of this machine"), "{said}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["access_token"], ours.as_str());
}

#[test]
fn localhost_is_listened_on_whole_or_not_at_all() {
    // Someone else holds 127.0.0.1 on the port; ::1 alone would let them take the redirect.
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = squatter.local_addr().unwrap().port();
    let env = browser_profile(&format!("http://localhost:{port}/callback"));
    env.cmd()
        .args(["midway", "browser", "--no-open", "--wait", "5s"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("127.0.0.1:{port}")).and(predicate::str::contains("another program")));
}

#[test]
fn a_token_from_another_app_id_is_not_served_for_the_profiles_app() {
    let env = browser_profile("http://127.0.0.1:0/callback");
    let run = BrowserRun::start(&env, &["--no-open", "--wait", "60s", "--app-id", "another-app"]);
    let token = jwt_expiring_in(1800);
    assert_eq!(browser_get(run.port, &format!("/callback?token={token}")).0, 200);
    let (out, said) = run.finish();
    assert!(out.status.success(), "{said}");
    env.cmd()
        .args(["token", "mw"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("no `installation`"));
}

#[test]
fn a_cache_dir_reached_through_another_users_link_or_parent_is_refused() {
    let env = TestEnv::new(&midigator_config("https://mg.example.invalid"));
    let mine = env.dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    let link = env.dir.path().join("link");
    std::os::unix::fs::symlink(&mine, &link).unwrap();
    let theirs = env.dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::set_permissions(&theirs, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let given_away = std::os::unix::fs::lchown(&link, Some(65534), Some(65534))
        .and_then(|()| std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)));
    if given_away.is_err() {
        eprintln!("skipping: only root can give files to another user here");
        return;
    }
    let refused = |dir: &std::path::Path, why: &str| {
        env.cmd()
            .args(["token", "mg"])
            .env("AUTHCTL_CACHE_DIR", dir)
            .assert()
            .code(3)
            .stderr(predicate::str::contains(why.to_string()));
    };
    refused(&link, "belongs to user 65534, who could point it elsewhere");
    refused(&theirs.join("cache"), "above it belongs to user 65534");
}

#[test]
fn a_planted_record_in_a_shared_dir_is_never_served() {
    let env = TestEnv::new(&midigator_config("https://mg.example.invalid"));
    let shared = env.dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let record = fresh_record(&env, "planted-token");
    std::fs::write(shared.join("mg.json"), record).unwrap();
    std::fs::set_permissions(
        shared.join("mg.json"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_CACHE_DIR", &shared)
        .assert()
        .code(3)
        .stdout("");
}

#[test]
fn a_lock_file_others_could_write_is_replaced() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    env.write_private("mg.lock", "");
    std::fs::set_permissions(
        env.cache_dir().join("mg.lock"),
        std::os::unix::fs::PermissionsExt::from_mode(0o666),
    )
    .unwrap();
    env.cmd()
        .args(["-v", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stderr(predicate::str::contains("replacing lock file"));
    assert_eq!(mode(&env.cache_dir().join("mg.lock")), 0o600);
}

#[test]
fn a_stopped_secret_command_takes_what_it_started_with_it() {
    let marker = tempfile::tempdir().unwrap();
    let made = marker.path().join("made");
    let (_server, env) = secret_command_env(&format!(
        r#"["sh", "-c", "(sleep 3; touch {}) & wait"]"#,
        made.display()
    ));
    env.cmd()
        .args(["token", "mg"])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(4);
    std::thread::sleep(std::time::Duration::from_secs(4));
    assert!(!made.exists(), "the command's own children were stopped too");
}

#[test]
fn no_profiles_secret_variable_reaches_a_child() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = TestEnv::new(&format!(
        "{}\n[profiles.other]\nprovider = \"midigator\"\nbase_url = \"https://x.invalid\"\nsecret_env = \"OTHER_PROFILES_KEY\"\n",
        midigator_config(&server.base_url())
    ));
    let out = env
        .cmd()
        .args(["exec", "mg", "--", "sh", "-c", "env | grep -c '^OTHER_PROFILES_KEY='"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .env("OTHER_PROFILES_KEY", "other-profiles-secret")
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "0", "{}", stderr(&out));
}

#[test]
fn a_retry_after_too_large_to_count_stops_the_retries() {
    let server = MockServer::start();
    let limited = server.mock(|when, then| {
        when.method(POST).path("/auth");
        then.status(429)
            .header("retry-after", "99999999999999999999999")
            .json_body(json!({"message": "slow down"}));
    });
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(6);
    limited.assert_calls(1);
}

#[test]
fn a_lifetime_of_more_than_ten_years_counts_as_absent() {
    let server = MockServer::start();
    token_endpoint(
        &server,
        &[],
        200,
        json!({"access_token": "tok", "expires_in": 11 * 366 * 86400}),
    );
    let env = TestEnv::new(&oauth2_config("o", &server.url("/token"), "default_ttl = \"10m\"\n"));
    let out = env
        .cmd()
        .args(["token", "o", "--format", "json"])
        .env("AUTHCTL_SECRET_O", "test-secret")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((590..=600).contains(&v["expires_in"].as_i64().unwrap()), "{v}");
}

#[test]
fn claims_and_vvv_bodies_cannot_act_on_the_terminal() {
    let claims = json!({"sub": "evil\u{202e}gnirts\u{9b}31m", "exp": now() as i64 + 600});
    let token = jwt(claims);
    let env = TestEnv::empty();
    let out = env
        .cmd()
        .args(["inspect", "-"])
        .write_stdin(token.clone())
        .output()
        .unwrap();
    let shown = stdout(&out);
    assert!(!shown.contains('\u{202e}') && !shown.contains('\u{9b}'), "{shown:?}");
    assert!(shown.contains("\\u{202e}"), "{shown}");

    let server = MockServer::start();
    midigator_answer(
        &server,
        401,
        "application/json",
        "{\"message\": \"no \\u202e\\u009b2J\"}",
    );
    let env = midigator_env(&server);
    let out = env
        .cmd()
        .args(["-vvv", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .output()
        .unwrap();
    let said = stderr(&out);
    assert!(!said.contains('\u{202e}') && !said.contains('\u{9b}'), "{said:?}");
}

// A config that does not parse as a whole never lets a child start: which variables hold
// secrets (`secret_env`) cannot be told from it.

/// `mg` is fine; `partner` forgot the quotes around its `secret_env`.
fn broken_elsewhere(server: &MockServer, extra: &str) -> TestEnv {
    TestEnv::new(&format!(
        "{}{extra}\n[profiles.partner]\nprovider = \"oauth2\"\ntoken_url = \"https://p.example.invalid/t\"\nclient_id = \"c\"\nsecret_env = PARTNER_KEY\n",
        midigator_config(&server.base_url())
    ))
}

#[test]
fn exec_and_curl_never_start_a_child_on_a_config_that_does_not_parse() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = broken_elsewhere(&server, "");
    let ran = env.dir.path().join("ran");
    let script = format!("echo \"$PARTNER_KEY\" > {}", ran.display());
    for args in [
        vec!["exec", "mg", "--", "sh", "-c", script.as_str()],
        vec!["curl", "mg", "--", "http://127.0.0.1:9/"],
    ] {
        env.cmd()
            .args(&args)
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .env("PARTNER_KEY", "hunter2")
            .assert()
            .code(3)
            .stdout(predicate::str::contains("hunter2").not())
            .stderr(predicate::str::contains("invalid TOML").and(predicate::str::contains("hunter2").not()));
        assert!(!ran.exists(), "{args:?} started its child");
    }
    // Nor was the secret sent, or a token cached, before the config was found broken.
    auth.assert_calls(0);
    assert!(!env.cache_dir().exists(), "a token was cached");
}

#[test]
fn a_secret_command_never_starts_on_a_config_that_does_not_parse() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let ran = tempfile::tempdir().unwrap();
    let marker = ran.path().join("ran");
    let env = broken_elsewhere(
        &server,
        &format!(
            "secret_command = [\"sh\", \"-c\", \"echo \\\"$PARTNER_KEY\\\" > {}; echo s\"]\n",
            marker.display()
        ),
    );
    env.cmd()
        .args(["token", "mg"])
        .env("PARTNER_KEY", "hunter2")
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::contains("renews no token and starts no command while the config has an error")
                .and(predicate::str::contains("invalid TOML")),
        );
    assert!(!marker.exists(), "secret_command ran");
    auth.assert_calls(0);
}
