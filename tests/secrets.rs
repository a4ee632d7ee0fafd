//! The secret lookup chain and `secret status`, without a keyring.

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

fn server_expecting(secret: &str) -> (MockServer, TestEnv) {
    let server = MockServer::start();
    let secret = secret.to_string();
    server.mock(move |when, then| {
        when.method(POST)
            .path("/auth")
            .header("authorization", format!("Bearer {secret}"));
        then.status(200).json_body(json!({ "token": jwt_expiring_in(3600) }));
    });
    let env = midigator_env(&server);
    (server, env)
}

#[test]
fn a_missing_secret_is_exit_4_naming_every_place_looked() {
    let (_s, env) = server_expecting("x");
    env.cmd().args(["token", "mg"]).assert().code(4).stdout("").stderr(
        predicate::str::contains("no API secret for profile mg")
            .and(predicate::str::contains("$AUTHCTL_SECRET_MG"))
            .and(predicate::str::contains("secret_command (not configured)"))
            .and(predicate::str::contains("the OS keyring"))
            .and(predicate::str::contains("authctl secret set mg")),
    );
}

#[test]
fn secret_stdin_wins_over_the_environment() {
    let (_s, env) = server_expecting("from-stdin");
    env.cmd()
        .args(["token", "mg", "--secret-stdin"])
        .env("AUTHCTL_SECRET_MG", "from-env")
        .write_stdin("from-stdin\n")
        .assert()
        .success();
}

#[test]
fn secret_env_names_the_variable() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/auth").header("authorization", "Bearer custom");
        then.status(200).json_body(json!({ "token": jwt_expiring_in(3600) }));
    });
    let env = TestEnv::new(&format!(
        "{}secret_env = \"MG_KEY\"\n",
        midigator_config(&server.base_url())
    ));
    env.cmd()
        .args(["token", "mg"])
        .env("MG_KEY", "custom")
        .assert()
        .success();
}

#[test]
fn profile_names_map_to_upper_case_env_names() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/auth").header("authorization", "Bearer prod");
        then.status(200).json_body(json!({ "token": jwt_expiring_in(3600) }));
    });
    let env = TestEnv::new(&format!(
        "[profiles.midigator-prod]\nprovider = \"midigator\"\nbase_url = \"{}\"\n",
        server.base_url()
    ));
    env.cmd()
        .args(["token", "midigator-prod"])
        .env("AUTHCTL_SECRET_MIDIGATOR_PROD", "prod")
        .assert()
        .success();
}

#[test]
fn secret_command_runs_without_a_shell_and_its_newline_is_dropped() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/auth").header("authorization", "Bearer a b;c");
        then.status(200).json_body(json!({ "token": jwt_expiring_in(3600) }));
    });
    // printf gets `a b;c` as one argument: a shell would have split it at the `;`.
    let env = TestEnv::new(&format!(
        "{}secret_command = [\"printf\", \"%s\\n\", \"a b;c\"]\n",
        midigator_config(&server.base_url())
    ));
    env.cmd().args(["token", "mg"]).assert().success();
}

#[test]
fn a_failing_secret_command_is_exit_4_with_its_stderr() {
    let env = TestEnv::new(&format!(
        "{}secret_command = [\"sh\", \"-c\", \"echo vault is sealed >&2; exit 3\"]\n",
        midigator_config("https://x.invalid")
    ));
    env.cmd()
        .args(["token", "mg"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("failed").and(predicate::str::contains("vault is sealed")));
    let missing = TestEnv::new(&format!(
        "{}secret_command = [\"/nonexistent/pass\"]\n",
        midigator_config("https://x.invalid")
    ));
    missing
        .cmd()
        .args(["token", "mg"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("could not be started"));
}

#[test]
fn secret_status_says_where_without_the_value() {
    let env = TestEnv::new(&midigator_config("https://x.invalid"));
    env.cmd()
        .args(["secret", "status", "mg"])
        .env("AUTHCTL_SECRET_MG", "hunter2")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("comes from environment variable AUTHCTL_SECRET_MG")
                .and(predicate::str::contains("hunter2").not()),
        );
}

#[test]
fn secret_status_says_a_missing_secret_once() {
    let env = TestEnv::new(&midigator_config("https://x.invalid"));
    let out = env.cmd().args(["secret", "status", "mg"]).output().unwrap();
    let (said, listed) = (stderr(&out), stdout(&out));
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        said,
        "error: no API secret for profile mg in any of the places listed; store one with `authctl secret set mg` or export AUTHCTL_SECRET_MG\n"
    );
    assert!(
        listed.starts_with("mg: places the API secret is looked for, in order\n")
            && listed.contains("AUTHCTL_SECRET_MG"),
        "{listed}"
    );
    assert!(!listed.contains("no API secret"), "{listed}");
}

#[test]
fn secret_set_without_a_keyring_is_exit_4_saying_so() {
    let env = TestEnv::new(&midigator_config("https://x.invalid"));
    env.cmd()
        .args(["secret", "set", "mg", "--stdin"])
        .write_stdin("s3cret\n")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("OS keyring is not reachable").and(predicate::str::contains("s3cret").not()));
}

#[test]
fn secret_set_without_a_terminal_or_stdin_flag_is_a_usage_error() {
    let env = TestEnv::new(&midigator_config("https://x.invalid"));
    env.cmd()
        .args(["secret", "set", "mg"])
        .write_stdin("s3cret\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--stdin"));
}

/// What `config init` writes, with the lines of `profile` (of every section when `None`)
/// uncommented as its header says: one `# ` taken off each line that has a single `#`;
/// `##` notes and alternatives stay comments.
pub fn uncommented_starter(env: &TestEnv, profile: Option<&str>) -> String {
    env.cmd().args(["config", "init"]).assert().success();
    let starter = std::fs::read_to_string(env.config_path()).unwrap();
    let mut inside = profile.is_none();
    let mut out = String::new();
    for line in starter.lines() {
        if let Some(name) = profile
            && line.starts_with("# [")
        {
            inside = line == format!("# [profiles.{name}]");
        }
        match line.strip_prefix("# ") {
            Some(setting) if inside => out.push_str(setting),
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_profile_of_the_starter_uncommented_takes_its_secret_from_the_keyring() {
    let env = TestEnv::empty();
    let config = uncommented_starter(&env, None);
    std::fs::write(env.config_path(), &config).unwrap();
    env.cmd()
        .args(["config", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok, 5 profiles"));
    for profile in ["mg", "mw", "mr", "ng", "partner"] {
        let out = env.cmd().args(["secret", "status", profile]).output().unwrap();
        let said = stdout(&out);
        assert!(
            said.contains("secret_command") && said.contains("not configured"),
            "{profile}: {said}"
        );
    }
}

#[test]
fn a_refused_login_names_where_the_secret_came_from_and_how_to_change_it() {
    let server = MockServer::start();
    midigator_answer(&server, 401, "application/json", r#"{"message":"Invalid API secret"}"#);
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "wrong")
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains("HTTP 401")
                .and(predicate::str::contains("Invalid API secret"))
                .and(predicate::str::contains("the API secret came from $AUTHCTL_SECRET_MG")),
        );
    let by_command = TestEnv::new(&format!(
        "{}secret_command = [\"sh\", \"-c\", \"echo wrong\"]\n",
        midigator_config(&server.base_url())
    ));
    by_command
        .cmd()
        .args(["token", "mg"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("the API secret came from secret_command sh"));
}

#[test]
fn logout_says_in_one_line_that_the_secret_is_kept_and_how_to_remove_it() {
    let env = TestEnv::new(&midigator_config("https://x.invalid"));
    // Without a secret in the keyring there is nothing to say about one.
    let out = env.cmd().args(["logout", "mg"]).output().unwrap();
    assert_eq!(stderr(&out), "mg: logged out (0 stored tokens removed)\n");
    if !keyring_available() {
        return;
    }
    let name = format!("lo-{}", std::process::id());
    let env = TestEnv::new(&midigator_config("https://x.invalid").replace("profiles.mg", &format!("profiles.{name}")));
    env.cmd_with_keyring()
        .args(["secret", "set", &name, "--stdin"])
        .write_stdin("s3cret\n")
        .assert()
        .success();
    let out = env.cmd_with_keyring().args(["logout", &name]).output().unwrap();
    let said = stderr(&out);
    env.cmd_with_keyring()
        .args(["secret", "delete", &name])
        .assert()
        .success();
    assert!(out.status.success(), "{said}");
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains(&format!("{name}: logged out"))
            && said.contains(&format!(
                "secret in the OS keyring is kept: `authctl secret delete {name}` removes it"
            )),
        "{said}"
    );
}
