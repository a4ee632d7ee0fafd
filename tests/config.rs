//! Config lookup, validation messages, profile resolution, `config path|check|init`.

use predicates::prelude::*;

use crate::util::*;

const TWO: &str = "[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://mg.example.invalid\"\n\n[profiles.partner]\nprovider = \"oauth2\"\ntoken_url = \"https://p.example.invalid/token\"\nclient_id = \"c\"\n";

#[test]
fn an_unknown_profile_is_exit_3_listing_the_profiles() {
    let env = TestEnv::new(TWO);
    env.cmd().args(["token", "nope"]).assert().code(3).stdout("").stderr(
        predicate::str::contains("unknown profile `nope`").and(predicate::str::contains("profiles: mg, partner")),
    );
}

#[test]
fn invalid_toml_is_exit_3_with_file_line_and_column() {
    let env = TestEnv::new("[profiles.mg]\nprovider = \"midigator\nbase_url = 1\n");
    let path = env.config_path().display().to_string();
    env.cmd()
        .args(["token", "mg"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!("invalid TOML at {path}:2:")));
}

#[test]
fn an_unknown_key_is_exit_3_naming_file_line_profile_and_key() {
    let env =
        TestEnv::new("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x.invalid\"\nclient_id = \"c\"\n");
    let path = env.config_path().display().to_string();
    env.cmd()
        .args(["config", "check"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "{path}:4:1: profile mg: unknown key client_id"
        )));
}

#[test]
fn a_wrong_provider_and_a_missing_key_and_a_bad_duration_are_exit_3() {
    let cases = [
        (
            "[profiles.x]\nprovider = \"okta\"\n",
            "key provider: unknown provider \"okta\"",
        ),
        (
            "[profiles.x]\nprovider = \"midigator\"\n",
            "profile x is missing required key base_url",
        ),
        (
            "[profiles.x]\nprovider = \"nugios\"\nlogin_url = \"https://a.invalid\"\nlogin = \"me\"\n",
            "missing required key refresh_url",
        ),
        (
            "[defaults]\ntimeout = \"30 parsecs\"\n",
            "[defaults], key timeout: invalid duration",
        ),
        (
            "[profiles.x]\nprovider = \"midigator\"\nbase_url = \"https://a.invalid\"\nrefresh_before = 60\n",
            "key refresh_before: expected a duration string",
        ),
        (
            "[profiles.x]\nprovider = \"oauth2\"\ntoken_url = \"https://a.invalid\"\nclient_id = \"c\"\nbody = \"xml\"\n",
            "expected \"json\" or \"form\"",
        ),
        (
            "[profiles.x]\nprovider = \"midway\"\nclient_id = \"c\"\nreturn_url = \"https://app.example/cb\"\n",
            "key return_url",
        ),
        (
            "[profiles.x]\nprovider = \"midigator\"\nbase_url = \"https://a.invalid\"\nsecret_command = \"pass show x\"\n",
            "run without a shell",
        ),
    ];
    for (text, expected) in cases {
        let env = TestEnv::new(text);
        env.cmd()
            .args(["config", "check"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn a_missing_config_is_fine_until_a_profile_is_needed() {
    let env = TestEnv::empty();
    let path = env.config_path().display().to_string();
    env.cmd()
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{path}\n"));
    env.cmd().args(["token", "mg"]).assert().code(3).stderr(
        predicate::str::contains(format!("no config file at {path}"))
            .and(predicate::str::contains("authctl config init")),
    );
}

#[test]
fn config_flag_beats_the_environment_and_the_platform_dir_is_last() {
    let env = TestEnv::new(TWO);
    let other = env.dir.path().join("other.toml");
    env.cmd()
        .args(["config", "path", "--config"])
        .arg(&other)
        .assert()
        .success()
        .stdout(format!("{}\n", other.display()));
    let mut c = env.cmd();
    c.env_remove("AUTHCTL_CONFIG");
    let expected = env.dir.path().join("xdg-config/authctl/config.toml");
    c.args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{}\n", expected.display()));
}

#[test]
fn init_writes_a_starter_that_parses_and_never_overwrites() {
    let env = TestEnv::empty();
    env.cmd().args(["config", "init"]).assert().success();
    let text = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(text.contains("# provider = \"midigator\""), "{text}");
    env.cmd()
        .args(["config", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok, 0 profiles"));
    std::fs::write(env.config_path(), TWO).unwrap();
    env.cmd()
        .args(["config", "init"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("already exists; not overwriting"));
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), TWO);
}

#[test]
fn the_example_config_parses_and_has_every_provider() {
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml")).unwrap();
    let env = TestEnv::new(&example);
    env.cmd()
        .args(["config", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok, 5 profiles: mg, mr, mw, ng, partner"));
}

#[test]
fn without_a_profile_argument_the_env_then_default_then_only_profile_is_used() {
    let env = TestEnv::new(TWO);
    env.cmd().args(["token"]).assert().code(3).stderr(
        predicate::str::contains("no profile given and no default_profile")
            .and(predicate::str::contains("mg, partner")),
    );
    // AUTHCTL_PROFILE names one; it reaches the secret lookup (exit 4), not a config error.
    env.cmd()
        .args(["token"])
        .env("AUTHCTL_PROFILE", "partner")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("AUTHCTL_SECRET_PARTNER"));
    let with_default = TestEnv::new(&format!("[defaults]\ndefault_profile = \"mg\"\n{TWO}"));
    with_default
        .cmd()
        .args(["token"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("AUTHCTL_SECRET_MG"));
    let only = TestEnv::new(&midigator_config("https://x.invalid"));
    only.cmd()
        .args(["token"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("AUTHCTL_SECRET_MG"));
}

#[test]
fn a_usage_error_is_exit_2() {
    let env = TestEnv::new(TWO);
    env.cmd().args(["token", "mg", "--format", "yaml"]).assert().code(2);
    env.cmd().args(["token", "mg", "--secret", "x"]).assert().code(2);
}

#[test]
fn a_config_read_from_a_pipe_works() {
    let server = httpmock::MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = TestEnv::empty();
    let config = midigator_config(&server.base_url());
    for args in [vec!["token", "mg"], vec!["config", "check"]] {
        env.cmd()
            .env("AUTHCTL_CONFIG", "/dev/stdin")
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .args(&args)
            .write_stdin(config.clone())
            .assert()
            .success();
    }
    auth.assert_calls(1);
}

#[test]
fn an_empty_authctl_config_is_exit_2_on_every_path() {
    let env = TestEnv::new(TWO);
    for args in [vec!["token", "mg"], vec!["token", "mg", "-q"]] {
        env.cmd()
            .env("AUTHCTL_CONFIG", "")
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--config"));
    }
}

/// What only the whole file can tell is never skipped when one profile is read.
#[test]
fn defaults_the_quick_path_cannot_vouch_for_are_read_whole() {
    let mg = "[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://mg.example.invalid\"\n";
    let big = "# a long comment\n".repeat(70_000);
    for (text, says) in [
        (
            format!("[defaults]\ntimeout = \"0s\"\n{mg}[defaults]\n"),
            "invalid TOML".to_string(),
        ),
        (
            format!("[defaults]\ntimeout = \"0s\"\n{big}{mg}"),
            "[defaults], key timeout".to_string(),
        ),
        (
            format!("[defaults]\ndefault_profile = \"mgg\"\n{mg}"),
            "no profile named `mgg`".to_string(),
        ),
    ] {
        let env = TestEnv::new(&text);
        env.cmd()
            .args(["token", "mg"])
            .env("AUTHCTL_SECRET_MG", "s")
            .assert()
            .code(3)
            .stderr(predicate::str::contains(says));
    }
}
