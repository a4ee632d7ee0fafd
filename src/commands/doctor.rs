//! `authctl doctor`: what works and what to fix, one check per line — the config (found,
//! trusted, valid), the cache directory (private), the keyring (reachable within its
//! bound), the shared cache (a `PING`, when one is configured), each profile's secret
//! source and grant, and the clock against the last server `Date` seen. No other network,
//! no `secret_command` run, no secret shown. Exit 0 only when no
//! check fails; a note (a shadowed secret, no keyring where nothing needs it) is no
//! failure.

use std::io::IsTerminal;

use serde_json::{Value, json};

use crate::cache::{self, Cache, CacheError};
use crate::cli::DoctorArgs;
use crate::config::{ConfigError, Profile};
use crate::error::Result;
use crate::http::ServerClock;
use crate::providers::{Flow, Kind};
use crate::time::UnixTime;

use super::Context;
use super::status::{KeyringProbe, Place, Source, locate, oauth2};

/// A clock this far from a server's makes tokens look fresh when they are not, or the
/// other way round.
const CLOCK_FAIL: f64 = 300.0;
/// Further than this is worth a note: `Date` has whole seconds, and the answer took a while.
const CLOCK_NOTE: f64 = 30.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Note,
    Fail,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Note => "note",
            Status::Fail => "fail",
        }
    }
}

struct Check {
    name: String,
    status: Status,
    detail: String,
    fix: Option<String>,
}

fn check(name: impl Into<String>, status: Status, detail: impl Into<String>, fix: Option<String>) -> Check {
    Check {
        name: name.into(),
        status,
        detail: detail.into(),
        fix,
    }
}

/// Runs every check and prints them; the exit code is 0 when none failed, else 1.
pub fn run(ctx: &Context, args: &DoctorArgs) -> Result<i32> {
    let checks = checks(ctx);
    let ok = checks.iter().all(|c| c.status != Status::Fail);
    let text = match args.json {
        true => format!("{}\n", to_json(ok, &checks)),
        false => human(&checks, colour()),
    };
    super::print(&text)?;
    Ok(if ok { 0 } else { 1 })
}

fn checks(ctx: &Context) -> Vec<Check> {
    let mut checks = Vec::new();
    let profiles = config_check(ctx, &mut checks);
    let cache = cache_check(&mut checks);
    let mut keyring = KeyringProbe::default();
    // The one call that judges the keyring; a failure is not asked again.
    let first = profiles.first().map_or("doctor", |p| p.name.as_str());
    let reachable = keyring.holds(first).is_ok();
    let sources: Vec<_> = profiles.iter().map(|p| locate(p, &mut keyring, true)).collect();
    checks.push(keyring_check(&keyring, reachable, &profiles, &sources));
    checks.extend(shared_cache_checks(&profiles));
    for (profile, source) in profiles.iter().zip(&sources) {
        checks.push(profile_check(profile, source));
    }
    checks.push(clock_check(cache.as_ref()));
    checks
}

/// The config: found, trusted (`Config::load` judges who could have written it), valid
/// as a whole. Returns its profiles.
fn config_check(ctx: &Context, checks: &mut Vec<Check>) -> Vec<Profile> {
    let config = match ctx.config() {
        Ok(config) => config,
        Err(e) => {
            let (detail, fix) = match &e {
                crate::error::Error::Config(c) => match &**c {
                    ConfigError::Untrusted { path, why, fix } => {
                        (format!("{}: not trusted: {why}", path.display()), fix.clone())
                    }
                    _ => (e.report(), "correct what the message says".into()),
                },
                _ => (e.report(), "correct what the message says".into()),
            };
            checks.push(check("config", Status::Fail, detail, Some(fix)));
            return Vec::new();
        }
    };
    let path = config.path.display();
    if !config.exists() {
        let fix = Some("create it with `authctl config init` (or point AUTHCTL_CONFIG at yours)".into());
        checks.push(check("config", Status::Fail, format!("no config file at {path}"), fix));
        return Vec::new();
    }
    match config.profiles() {
        Ok(profiles) if profiles.is_empty() => {
            let fix = Some(format!(
                "add a [profiles.NAME] table to {path} (config.example.toml shows each provider)"
            ));
            checks.push(check(
                "config",
                Status::Fail,
                format!("{path}: trusted, but it has no profile"),
                fix,
            ));
            Vec::new()
        }
        Ok(profiles) => {
            let detail = format!("{path}: found, trusted, {} valid", count(profiles.len(), "profile"));
            checks.push(check("config", Status::Ok, detail, None));
            profiles
        }
        Err(e) => {
            let fix = Some("correct it; `authctl config check` says the same".into());
            checks.push(check("config", Status::Fail, crate::log::chain(&e), fix));
            Vec::new()
        }
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The cache directory: the user's own, writable by no one else (`Cache::open`).
fn cache_check(checks: &mut Vec<Check>) -> Option<Cache> {
    match Cache::open() {
        Ok(cache) => {
            let dir = cache.dir().display();
            let detail = match cache.dir().exists() {
                true => format!("{dir}: private to you"),
                false => format!("{dir}: not there yet; authctl creates it, private to you"),
            };
            checks.push(check("cache", Status::Ok, detail, None));
            Some(cache)
        }
        Err(e) => {
            let fix = match &e {
                CacheError::Untrusted { .. } => {
                    "point AUTHCTL_CACHE_DIR at a directory only you can write, or let authctl create one \
                     (it never changes the modes of an existing one)"
                }
                CacheError::NoHome => "set AUTHCTL_CACHE_DIR",
                _ => "make it readable to you, or point AUTHCTL_CACHE_DIR elsewhere",
            };
            checks.push(check("cache", Status::Fail, crate::log::chain(&e), Some(fix.into())));
            None
        }
    }
}

/// The keyring, as the first lookup found it. Unreachable is a failure only when some
/// profile has nowhere else to take its secret from (else it is CI, say: a note).
fn keyring_check(keyring: &KeyringProbe, reachable: bool, profiles: &[Profile], sources: &[Source]) -> Check {
    if reachable {
        return check("keyring", Status::Ok, "the OS keyring answers", None);
    }
    let why = keyring.failed.clone().unwrap_or_default();
    let stranded: Vec<&str> = profiles
        .iter()
        .zip(sources)
        .filter(|(p, s)| s.place == Place::KeyringUnreachable && needs_secret(p))
        .map(|(p, _)| p.name.as_str())
        .collect();
    if stranded.is_empty() {
        let detail = format!(
            "{why}; no profile needs it (every secret comes from elsewhere), and refresh tokens are kept in 0600 files"
        );
        return check("keyring", Status::Note, detail, None);
    }
    let vars: Vec<String> = profiles
        .iter()
        .filter(|p| stranded.contains(&p.name.as_str()))
        .map(|p| p.secret.env.clone())
        .collect();
    let fix = format!(
        "start or unlock the OS keyring ({}), or give the secrets as {} or with secret_command",
        crate::platform::KEYRING_HINT,
        vars.join(", ")
    );
    check(
        "keyring",
        Status::Fail,
        format!("{why}; needed by {}", stranded.join(", ")),
        Some(fix),
    )
}

/// Each shared cache the profiles use (README "Many machines"): reachable with the
/// password given, or a failure to fix (tokens are then renewed on each machine).
fn shared_cache_checks(profiles: &[Profile]) -> Vec<Check> {
    let mut seen: Vec<Option<&str>> = Vec::new();
    let mut checks = Vec::new();
    for profile in profiles {
        let configured = profile.shared_cache.as_deref();
        if seen.contains(&configured) {
            continue;
        }
        seen.push(configured);
        let users: Vec<&str> = profiles
            .iter()
            .filter(|p| p.shared_cache.as_deref() == configured && p.provider().shareable())
            .map(|p| p.name.as_str())
            .collect();
        let shared = if users.is_empty() {
            "no profile's tokens are shareable".to_string()
        } else {
            format!("shared: {}", users.join(", "))
        };
        checks.push(match crate::shared_cache::probe(configured) {
            Ok(None) => continue,
            Ok(Some((url, None))) => check("shared cache", Status::Ok, format!("{url} answers; {shared}"), None),
            Ok(Some((url, Some(why)))) => check(
                "shared cache",
                Status::Fail,
                format!("{url}: {why}; tokens are renewed on each machine"),
                Some(format!(
                    "start Redis there, or give its password in ${} or the keyring (service authctl, user {})",
                    crate::shared_cache::PASSWORD_VAR,
                    crate::shared_cache::KEYRING_USER
                )),
            ),
            Err(e) => check(
                "shared cache",
                Status::Fail,
                e.to_string(),
                Some("correct what the message says".into()),
            ),
        });
    }
    checks
}

/// One profile: its provider and grant, and where its secret would come from.
fn profile_check(profile: &Profile, source: &Source) -> Check {
    let name = format!("profile {}", profile.name);
    let what = oauth2(profile).map_or(Some(profile.kind().secret_name()), |o| o.secret_needed());
    let grant = grant(profile);
    let Some(what) = what else {
        // A public client: nothing to look for, whatever is there goes unused.
        return check(name, Status::Ok, format!("{grant}; needs no secret"), None);
    };
    let var = &profile.secret.env;
    match source.place {
        Place::None => check(
            name,
            Status::Fail,
            format!("{grant}; no {what}: {}", source.detail),
            Some(format!("`authctl secret set {}`, or export {var}", profile.name)),
        ),
        Place::KeyringUnreachable => check(
            name,
            Status::Fail,
            format!("{grant}; no {what}: not in {var}, no secret_command, and the keyring is not reachable"),
            Some(format!("start or unlock the OS keyring, or export {var}")),
        ),
        _ if !source.shadowed.is_empty() => check(
            name,
            Status::Note,
            format!(
                "{grant}; {what} from {}, so the one in {} is never used",
                source.detail,
                source.shadowed.join(" and ")
            ),
            Some(shadow_fix(profile, source)),
        ),
        _ => check(
            name,
            Status::Ok,
            format!("{grant}; {what} from {}", source.detail),
            None,
        ),
    }
}

/// Whether the profile has a secret to look for (a public OAuth 2.0 client has none).
fn needs_secret(profile: &Profile) -> bool {
    oauth2(profile).is_none_or(|o| o.secret_needed().is_some())
}

/// How to use the secret lower down the chain, or drop it.
fn shadow_fix(profile: &Profile, source: &Source) -> String {
    let var = &profile.secret.env;
    match source.place {
        Place::Env => format!("unset {var} to use the other, or remove the one not wanted"),
        _ => format!(
            "remove secret_command from the profile to use the keyring's, or `authctl secret delete {}`",
            profile.name
        ),
    }
}

/// How the profile gets its tokens, in words.
fn grant(profile: &Profile) -> String {
    let kind = profile.kind();
    let how = match (kind, profile.provider().flow()) {
        (Kind::Midway, Flow::Installations(flow)) => match flow.installation() {
            Some(id) => format!("developer login, then the token of installation {id}"),
            None => "developer login; no `installation`, so tokens come from `authctl midway browser`".into(),
        },
        (Kind::Midigator, _) => "API secret for a token (POST /auth)".into(),
        (Kind::Mediroutes, _) => "password grant, then its refresh token".into(),
        (Kind::Nugios, _) => "login, then its refresh token".into(),
        (Kind::Oauth2, _) => match oauth2(profile) {
            Some(o) => format!("{} (refresh token when the server sends one)", o.describe()),
            None => "OAuth 2.0".into(),
        },
        (Kind::Midway, Flow::Direct(_)) => "developer login".into(),
    };
    format!("{kind}, {how}")
}

/// The clock, against the last server `Date` seen (kept after renewals).
fn clock_check(cache: Option<&Cache>) -> Check {
    let seen: Option<ServerClock> = cache.and_then(|c| c.read_json(&c.dir().join(cache::CLOCK_FILE)));
    let Some(seen) = seen else {
        let detail = "no server's Date seen yet; the next token renewal records one";
        return check("clock", Status::Note, detail, None);
    };
    let host = crate::log::one_line(&seen.host, 100);
    let ahead = seen.local - seen.server as f64;
    let when = UnixTime::from_secs(seen.local)
        .and_then(crate::output::rfc3339)
        .unwrap_or_else(|| "?".into());
    let off = format!(
        "{}s {}",
        ahead.abs().round(),
        if ahead >= 0.0 { "ahead of" } else { "behind" }
    );
    let detail = format!("{off} {host} (its Date, seen at {when})");
    let fix = || Some("set the clock right (enable NTP: `timedatectl set-ntp true` on systemd)".to_string());
    match ahead.abs() {
        a if a > CLOCK_FAIL => check(
            "clock",
            Status::Fail,
            format!("{detail}: tokens will seem to expire at the wrong time"),
            fix(),
        ),
        a if a > CLOCK_NOTE => check("clock", Status::Note, detail, fix()),
        _ => check("clock", Status::Ok, detail, None),
    }
}

fn to_json(ok: bool, checks: &[Check]) -> Value {
    let list: Vec<Value> = checks
        .iter()
        .map(|c| json!({"name": c.name, "status": c.status.name(), "detail": c.detail, "fix": c.fix}))
        .collect();
    json!({"ok": ok, "checks": list})
}

/// Colour only for a person at a terminal who has not asked for none.
fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// One line per check, `ok`/`note`/`FAIL` first, the fix under it; then the verdict.
fn human(checks: &[Check], colour: bool) -> String {
    let width = checks.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for c in checks {
        let (label, code) = match c.status {
            Status::Ok => ("ok  ", "32"),
            Status::Note => ("note", "33"),
            Status::Fail => ("FAIL", "31"),
        };
        let label = match colour {
            true => format!("\x1b[{code}m{label}\x1b[0m"),
            false => label.to_string(),
        };
        out.push_str(&format!("{label}  {:<width$}  {}\n", c.name, c.detail));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("{:<w$}fix: {fix}\n", "", w = width + 8));
        }
    }
    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    out.push_str(&match failed {
        0 => "All is well.\n".to_string(),
        n => format!("{} to fix.\n", count(n, "problem")),
    });
    out
}
