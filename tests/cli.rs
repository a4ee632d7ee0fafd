//! The command line's everyday edges: `token --json`, `--profile` on the core commands,
//! `exec --min-ttl` and the token's expiry for the child, the hint for a missing `--`,
//! `-q`, and the man page's sections.

use httpmock::prelude::*;
use predicates::prelude::*;

use crate::util::*;

#[test]
fn token_json_is_format_json() {
    let (_server, env) = cached_midigator(&jwt_expiring_in(3600));
    let by_flag = stdout(&env.cmd().args(["token", "mg", "--json"]).output().unwrap());
    let v: serde_json::Value = serde_json::from_str(&by_flag).expect("JSON");
    assert_eq!(v["profile"], "mg");
    assert_eq!(v["source"], "cache");
    // Through clap, too (-v sends the call past the plain token reader).
    let slow = stdout(&env.cmd().args(["-v", "token", "--json", "mg"]).output().unwrap());
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&slow).unwrap()["profile"],
        "mg"
    );
    env.cmd()
        .args(["token", "mg", "--json", "--format", "raw"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn core_commands_take_the_profile_as_a_flag_too() {
    let token = jwt_expiring_in(3600);
    let (_server, env) = cached_midigator(&token);
    env.cmd()
        .args(["token", "--profile", "mg"])
        .assert()
        .success()
        .stdout(format!("{token}\n"));
    env.cmd()
        .args(["inspect", "--profile", "mg", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"verified\":false"));
    env.cmd()
        .args(["status", "--profile", "mg", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"profile\":\"mg\""));
    env.cmd()
        .args([
            "exec",
            "--profile",
            "mg",
            "--",
            "sh",
            "-c",
            "printf %s \"$AUTHCTL_TOKEN\"",
        ])
        .assert()
        .success()
        .stdout(token.clone());
    let rest: [(&str, &[&str]); 7] = [
        ("token", &[]),
        ("inspect", &[]),
        ("status", &[]),
        ("exec", &["--", "true"]),
        ("curl", &[]),
        ("watch", &["--file", "f"]),
        ("logout", &[]),
    ];
    for (command, rest) in rest {
        env.cmd()
            .args([command, "mg", "--profile", "mg"])
            .args(rest)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("cannot be used with"));
    }
    env.cmd().args(["logout", "--profile", "mg"]).assert().success();
    assert!(!env.cache_file("mg").exists());
}

#[test]
fn a_profile_named_in_the_environment_does_not_clash_with_the_flag() {
    let (_server, env) = cached_midigator(&jwt_expiring_in(3600));
    env.cmd()
        .args(["token", "--profile", "mg", "--json"])
        .env("AUTHCTL_PROFILE", "elsewhere")
        .assert()
        .success();
    env.cmd()
        .args(["token"])
        .env("AUTHCTL_PROFILE", "mg")
        .assert()
        .success();
}

#[test]
fn exec_renews_for_min_ttl_and_tells_the_child_when_the_token_expires() {
    let server = MockServer::start();
    let short = jwt(serde_json::json!({"exp": now() as i64 + 600}));
    let login = midigator_auth(&server, &short);
    let env = midigator_env(&server);
    let run = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.arg("exec").args(args).arg("--");
        cmd.args(["sh", "-c", "printf '%s' \"$AUTHCTL_TOKEN_EXPIRES_AT\""]);
        cmd.env("AUTHCTL_SECRET_MG", "test-secret").output().unwrap()
    };
    let out = run(&["mg"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let at = chrono::DateTime::parse_from_rfc3339(&stdout(&out)).expect("RFC 3339");
    assert!((at.timestamp() - (now() as i64 + 600)).abs() <= 2, "{at}");
    login.assert_calls(1);
    run(&["mg"]);
    login.assert_calls(1);
    // Ten minutes left is less than an hour asked for: a new token, and a warning that
    // even that one lives less.
    let out = run(&["mg", "--min-ttl", "1h"]);
    assert!(out.status.success());
    login.assert_calls(2);
    assert!(stderr(&out).contains("less than --min-ttl 1h"), "{}", stderr(&out));
}

#[test]
fn exec_and_curl_without_the_double_dash_say_where_it_goes() {
    let env = TestEnv::new(&midigator_config("https://mg.example"));
    env.cmd()
        .args(["exec", "mg", "env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "tip: put `--` before the command and its arguments: authctl exec PROFILE -- CMD ARGS…",
        ));
    env.cmd()
        .args(["exec", "mg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tip: put `--` before the command"));
    env.cmd()
        .args(["curl", "mg", "https://api.example"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("authctl curl PROFILE -- CURL-ARGS…"));
    // Other usage errors get no such tip.
    env.cmd()
        .args(["exec", "mg", "--env", "1X", "--", "true"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tip: put").not());
}

#[test]
fn quiet_silences_notes_but_not_results_or_errors() {
    let env = TestEnv::empty();
    env.cmd()
        .args(["config", "init"])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote a starter config"));
    std::fs::remove_file(env.config_path()).unwrap();
    env.cmd().args(["-q", "config", "init"]).assert().success().stderr("");
    env.cmd()
        .args(["-q", "config", "init"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("error"));
}

#[test]
fn the_man_page_has_examples_environment_and_exit_status_and_every_commands_options() {
    let env = TestEnv::empty();
    let page = stdout(&env.cmd().arg("man").output().unwrap());
    for section in [
        ".SH \"EXAMPLES\"",
        ".SH \"ENVIRONMENT\"",
        ".SH \"EXIT STATUS\"",
        ".SH COMMANDS",
    ] {
        assert!(page.contains(section), "{section} missing");
    }
    // Only this page is shipped: it names no other page of authctl's.
    assert!(
        !page.contains("authctl\\-token(1)") && !page.contains("(1)\n"),
        "a page not shipped is named"
    );
    for (command, option) in [
        ("authctl token", "json"),
        ("authctl token", "min\\-ttl"),
        ("authctl exec", "min\\-ttl"),
        ("authctl exec", "env"),
        ("authctl watch", "file"),
        ("authctl midway browser", "wait"),
        ("authctl demo", "port"),
        ("authctl secret set", "stdin"),
        ("authctl nugios refresh", "format"),
    ] {
        let section = page
            .split(".SS ")
            .find(|s| s.starts_with(&format!("\"{command}\"")))
            .unwrap_or_else(|| panic!("no section for {command}"));
        assert!(
            section.contains(&format!("\\fB\\-\\-{option}\\fR")),
            "{command} lacks --{option}"
        );
    }
    for var in ["AUTHCTL_TOKEN_EXPIRES_AT", "AUTHCTL_CACHE_DIR", "NO_COLOR"] {
        assert!(page.contains(var), "{var}");
    }
}
