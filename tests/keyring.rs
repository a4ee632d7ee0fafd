//! Against a real Secret Service (gnome-keyring on a private D-Bus session, as
//! `scripts/test` starts it). Skipped outside CI when there is none; CI fails without one.

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

/// What the Secret Service holds for authctl under `user` ("" when nothing).
fn keyring_lookup(user: &str) -> String {
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "authctl", "username", user])
        .output()
        .unwrap();
    stdout(&out)
}

#[test]
fn a_secret_stored_with_secret_set_is_used_and_can_be_deleted() {
    if !keyring_available() {
        return;
    }
    let server = MockServer::start();
    let auth = server.mock(|when, then| {
        when.method(POST)
            .path("/auth")
            .header("authorization", "Bearer from-the-keyring");
        then.status(200).json_body(json!({ "token": jwt_expiring_in(3600) }));
    });
    // A profile name of its own so parallel runs do not share keyring entries.
    let profile = format!("kr-{}", std::process::id());
    let env = TestEnv::new(&format!(
        "[profiles.{profile}]\nprovider = \"midigator\"\nbase_url = \"{}\"\n",
        server.base_url()
    ));

    env.cmd_with_keyring()
        .args(["secret", "set", &profile, "--stdin"])
        .write_stdin("from-the-keyring\n")
        .assert()
        .success();
    env.cmd_with_keyring()
        .args(["secret", "status", &profile])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("comes from OS keyring").and(predicate::str::contains("from-the-keyring").not()),
        );
    env.cmd_with_keyring().args(["token", &profile]).assert().success();
    auth.assert_calls(1);

    env.cmd_with_keyring()
        .args(["secret", "delete", &profile])
        .assert()
        .success();
    env.cmd_with_keyring()
        .args(["token", &profile, "--no-cache"])
        .assert()
        .code(4);
}

#[test]
fn refresh_tokens_go_to_the_keyring_not_the_cache_file() {
    if !keyring_available() {
        return;
    }
    let server = MockServer::start();
    let login = token_endpoint(
        &server,
        &[("grant_type", "client_credentials")],
        200,
        json!({"access_token": "a1", "expires_in": 3600, "refresh_token": "rt-in-keyring"}),
    );
    let refresh = token_endpoint(
        &server,
        &[("refresh_token", "rt-in-keyring")],
        200,
        json!({"access_token": "a2", "expires_in": 3600}),
    );
    let profile = format!("krr-{}", std::process::id());
    let env = TestEnv::new(&format!(
        "[profiles.{profile}]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"c\"\n",
        server.url("/token")
    ));
    let var = format!("AUTHCTL_SECRET_{}", profile.to_uppercase().replace('-', "_"));
    env.cmd_with_keyring()
        .args(["token", &profile])
        .env(&var, "s")
        .assert()
        .success()
        .stdout("a1\n");
    let file = std::fs::read_to_string(env.cache_file(&profile)).unwrap();
    assert!(!file.contains("rt-in-keyring"), "{file}");
    assert_eq!(env.cache_json(&profile)["refreshable"], true);
    assert_eq!(
        env.stored_credential(&profile),
        None,
        "kept in the keyring, not in a file"
    );

    env.cmd_with_keyring()
        .args(["token", &profile, "--force-refresh"])
        .assert()
        .success()
        .stdout("a2\n");
    login.assert_calls(1);
    refresh.assert_calls(1);

    let user = format!("{profile}/refresh_token/{}", env.fingerprint(&profile));
    assert!(keyring_lookup(&user).contains("rt-in-keyring"));
    env.cmd_with_keyring().args(["logout", &profile]).assert().success();
    assert!(
        keyring_lookup(&user).is_empty(),
        "logout left the refresh token in the keyring"
    );
}

#[test]
fn the_midway_developer_token_lives_in_the_keyring_and_serves_every_installation() {
    if !keyring_available() {
        return;
    }
    let server = MockServer::start();
    let login = server.mock(|when, then| {
        when.method(POST).path("/v1/Auth");
        then.status(200).json_body(json!({"token": "dev-in-keyring"}));
    });
    let issue = server.mock(|when, then| {
        when.method(POST)
            .path("/v1/Developer/Token")
            .header("authorization", "Bearer dev-in-keyring");
        then.status(200).json_body(json!({"token": "inst-token"}));
    });
    let profile = format!("krm-{}", std::process::id());
    let env = TestEnv::new(&format!(
        "[profiles.{profile}]\nprovider = \"midway\"\nbase_url = \"{}\"\nclient_id = \"c\"\n",
        server.base_url()
    ));
    let var = format!("AUTHCTL_SECRET_{}", profile.to_uppercase().replace('-', "_"));
    env.cmd_with_keyring()
        .args(["midway", "login", "--profile", &profile])
        .env(&var, "pw")
        .assert()
        .success()
        .stdout("dev-in-keyring\n");
    assert!(!env.credential_file(&profile).exists());

    for installation in ["i-1", "i-2"] {
        env.cmd_with_keyring()
            .args(["midway", "token", "--profile", &profile, "--installation", installation])
            .assert()
            .success()
            .stdout("inst-token\n");
        let record = std::fs::read_to_string(env.cache_file(&format!("{profile}@{installation}"))).unwrap();
        assert!(!record.contains("dev-in-keyring"), "{record}");
    }
    login.assert_calls(1);
    issue.assert_calls(2);

    let user = format!("{profile}/developer_token/{}", env.fingerprint(&profile));
    assert!(keyring_lookup(&user).contains("dev-in-keyring"));
    env.cmd_with_keyring().args(["logout", &profile]).assert().success();
    assert!(
        keyring_lookup(&user).is_empty(),
        "logout left the developer token in the keyring"
    );
    assert!(!env.cache_file(&format!("{profile}@i-1")).exists());
}

/// Keeps `value` in the Secret Service under `user`, as authctl (or an earlier version)
/// would.
fn keyring_store(user: &str, value: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new("secret-tool")
        .args([
            "store",
            "--label",
            "authctl test",
            "service",
            "authctl",
            "username",
            user,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(value.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_refresh_token_an_earlier_version_kept_in_the_keyring_is_taken_over() {
    if !keyring_available() {
        return;
    }
    let server = MockServer::start();
    let refresh = token_endpoint(
        &server,
        &[("grant_type", "refresh_token"), ("refresh_token", "rt-of-old")],
        200,
        json!({"access_token": "a-new", "expires_in": 3600, "refresh_token": "rt-new"}),
    );
    let profile = format!("krl-{}", std::process::id());
    let env = TestEnv::new(&oauth2_config(&profile, &server.url("/token"), ""));
    let old_user = format!("{profile}/refresh_token");
    let envelope = json!({"format": 2, "provider": "oauth2", "kind": "refresh_token",
        "bound_to": env.legacy_fingerprint(&profile), "value": "rt-of-old"});
    keyring_store(&old_user, &envelope.to_string());
    env.cmd_with_keyring()
        .args(["token", &profile])
        .assert()
        .success()
        .stdout("a-new\n");
    refresh.assert_calls(1);
    assert!(keyring_lookup(&old_user).is_empty(), "the old entry was moved");
    let user = format!("{old_user}/{}", env.fingerprint(&profile));
    assert!(keyring_lookup(&user).contains("rt-new"));
    env.cmd_with_keyring().args(["logout", &profile]).assert().success();
    assert!(keyring_lookup(&user).is_empty());
}

#[test]
fn logout_removes_keyring_entries_of_settings_no_longer_in_the_config() {
    if !keyring_available() {
        return;
    }
    let server = MockServer::start();
    token_endpoint(
        &server,
        &[("grant_type", "client_credentials")],
        200,
        json!({"access_token": "a1", "expires_in": 3600, "refresh_token": "rt-of-cid"}),
    );
    let profile = format!("kro-{}", std::process::id());
    let env = TestEnv::new(&oauth2_config(&profile, &server.url("/token"), ""));
    let var = format!("AUTHCTL_SECRET_{}", profile.to_uppercase().replace('-', "_"));
    env.cmd_with_keyring()
        .args(["token", &profile])
        .env(&var, "s")
        .assert()
        .success();
    let user = format!("{profile}/refresh_token/{}", env.fingerprint(&profile));
    assert!(keyring_lookup(&user).contains("rt-of-cid"));
    let other_client = oauth2_config(&profile, &server.url("/token"), "").replace("\"cid\"", "\"other\"");
    std::fs::write(env.config_path(), other_client).unwrap();
    // An index made readable by hand is still read, not overwritten by the next write.
    let index = env.cache_dir().join(format!("{profile}=keyring.json"));
    std::fs::set_permissions(&index, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    env.cmd_with_keyring()
        .args(["token", &profile])
        .env(&var, "s")
        .assert()
        .success();
    env.cmd_with_keyring()
        .args(["logout", &profile])
        .assert()
        .success()
        .stderr(predicate::str::contains("(4 stored tokens removed)"));
    assert!(
        keyring_lookup(&user).is_empty(),
        "the entry of the old settings went too"
    );
}

/// A session bus that takes every connection and never says a word, as a wedged desktop
/// session or a stale `DBUS_SESSION_BUS_ADDRESS` does. Returns the bus address.
fn silent_bus(env: &TestEnv) -> String {
    let path = env.dir.path().join("silent-bus");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    format!("unix:path={}", path.display())
}

/// Generous: without the keyring's bound the command would never end; with it, about
/// ten seconds.
const NO_HANG: std::time::Duration = std::time::Duration::from_secs(40);

#[test]
fn a_keyring_that_never_answers_is_exit_4_naming_it_not_a_hang() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    let bus = silent_bus(&env);
    env.cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .args(["token", "mg"])
        .timeout(NO_HANG)
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("the OS keyring did not answer")
                .and(predicate::str::contains("DBUS_SESSION_BUS_ADDRESS"))
                .and(predicate::str::contains("$AUTHCTL_SECRET_MG")),
        );
    auth.assert_calls(0);
}

#[test]
fn with_a_silent_keyring_a_refresh_token_goes_to_the_private_file() {
    let server = MockServer::start();
    let login = mediroutes_password_grant(
        &server,
        200,
        json!({"access_token": "a1", "token_type": "bearer", "expires_in": 3600, "refresh_token": "rt-silent-bus"}),
    );
    let env = mediroutes_env(&server);
    let bus = silent_bus(&env);
    env.cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .env("AUTHCTL_SECRET_MR", "pw")
        .args(["token", "mr"])
        .timeout(NO_HANG)
        .assert()
        .success()
        .stdout("a1\n");
    login.assert_calls(1);
    let kept = env.stored_credential("mr").expect("kept in the private file");
    assert!(kept.contains("rt-silent-bus"), "{kept}");
}

#[test]
fn getting_started_followed_literally_uses_the_secret_just_stored() {
    if !keyring_available() {
        return;
    }
    let server = MockServer::start();
    let auth = server.mock(|when, then| {
        when.method(POST)
            .path("/auth")
            .header("authorization", "Bearer newcomer-secret");
        then.status(200).json_body(json!({ "token": jwt_expiring_in(3600) }));
    });
    let env = TestEnv::empty();
    // `config init`, then the Midigator example uncommented as the file says, its URL
    // filled in.
    let config = crate::secrets::uncommented_starter(&env, Some("mg"))
        .replace("https://api.midigator.example", &server.base_url());
    std::fs::write(env.config_path(), config).unwrap();
    env.cmd_with_keyring()
        .args(["secret", "set", "mg", "--stdin"])
        .write_stdin("newcomer-secret\n")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    env.cmd_with_keyring().args(["token", "mg"]).assert().success();
    auth.assert_calls(1);
    env.cmd_with_keyring()
        .args(["secret", "delete", "mg"])
        .assert()
        .success();
}

#[test]
fn secret_set_warns_when_a_source_before_the_keyring_will_be_used() {
    if !keyring_available() {
        return;
    }
    let profile = format!("krw-{}", std::process::id());
    let var = format!("AUTHCTL_SECRET_{}", profile.to_uppercase().replace('-', "_"));
    let plain = format!("[profiles.{profile}]\nprovider = \"midigator\"\nbase_url = \"https://x.invalid\"\n");
    let set = |env: &TestEnv| {
        let mut c = env.cmd_with_keyring();
        c.args(["secret", "set", &profile, "--stdin"]).write_stdin("kept\n");
        c
    };
    let env = TestEnv::new(&plain);
    set(&env)
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    set(&env)
        .env(&var, "from-env")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: ${var}, set in this environment, comes before the keyring, so `authctl token {profile}` will not use the API secret just stored (unset it"
        )));
    let named = TestEnv::new(&format!("{plain}secret_env = \"KRW_KEY\"\n"));
    set(&named)
        .env("KRW_KEY", "from-env")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "$KRW_KEY, set in this environment, comes before the keyring",
        ));
    let command = TestEnv::new(&format!("{plain}secret_command = [\"pass\", \"show\", \"x\"]\n"));
    let out = set(&command).output().unwrap();
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    assert_eq!(said.lines().filter(|l| l.starts_with("warning")).count(), 1, "{said}");
    assert!(
        said.contains("the profile's secret_command (pass) comes before the keyring")
            && said.contains("remove secret_command from the profile"),
        "{said}"
    );
    env.cmd_with_keyring()
        .args(["secret", "delete", &profile])
        .assert()
        .success();
}

#[test]
fn a_refused_login_with_the_keyrings_secret_says_how_to_replace_it() {
    if !keyring_available() {
        return;
    }
    let server = MockServer::start();
    midigator_answer(&server, 403, "application/json", r#"{"message":"Forbidden"}"#);
    let profile = format!("krf-{}", std::process::id());
    let env = TestEnv::new(&format!(
        "[profiles.{profile}]\nprovider = \"midigator\"\nbase_url = \"{}\"\n",
        server.base_url()
    ));
    env.cmd_with_keyring()
        .args(["secret", "set", &profile, "--stdin"])
        .write_stdin("stale\n")
        .assert()
        .success();
    env.cmd_with_keyring()
        .args(["token", &profile])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!(
            "HTTP 403 Forbidden: Forbidden (the API secret came from the OS keyring: `authctl secret set {profile}` to replace it)"
        )));
    env.cmd_with_keyring()
        .args(["secret", "delete", &profile])
        .assert()
        .success();
}
