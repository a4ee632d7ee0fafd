//! `authctl status`: every profile at a glance, like `gh auth status`. Reads the cache,
//! the credential store and the environment; no network but a `PING` of the shared cache
//! when one is configured, and no `secret_command` run.
//! Also where each profile's secret would come from (`locate`), which `doctor` shares.

use std::io::IsTerminal;

use chrono::{DateTime, Local};
use serde_json::{Value, json};

use crate::cache::{Cache, Record, Slot, TokenCache};
use crate::cli::StatusArgs;
use crate::config::Profile;
use crate::credentials::Credentials;
use crate::error::Result;
use crate::keyring;
use crate::lifecycle;
use crate::output::rfc3339;
use crate::providers::oauth2::OAuth2;
use crate::providers::oauth2::settings::{ClientAuth, GrantType};
use crate::providers::{Kind, Settings};
use crate::time::UnixTime;

use super::Context;

/// Where a profile's secret would come from: the first place of the lookup chain that
/// holds one. `Stdin` only ever applies to a command given `--secret-stdin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Stdin,
    Env,
    Command,
    Keyring,
    None,
    KeyringUnreachable,
    /// A public OAuth 2.0 client (`client_auth = "none"`): it has no secret to find.
    NotNeeded,
}

impl Place {
    /// The word `status --json` uses (`secret_source`).
    pub fn name(self) -> &'static str {
        match self {
            Place::Stdin => "stdin",
            Place::Env => "env",
            Place::Command => "command",
            Place::Keyring => "keyring",
            Place::None => "none",
            Place::KeyringUnreachable => "keyring-unreachable",
            Place::NotNeeded => "not-needed",
        }
    }
}

/// A profile's secret source, in words, never its value.
#[derive(Debug, Clone)]
pub struct Source {
    pub place: Place,
    /// For the table: `env AUTHCTL_SECRET_MG`, `command pass`, `keyring`.
    pub short: String,
    /// For people and `secret_detail`: the variable, command or keyring entry.
    pub detail: String,
    /// Places further down the chain that hold a secret too, never used while this one
    /// does (only when asked for: it costs a keyring lookup).
    pub shadowed: Vec<String>,
}

/// The OS keyring, asked at most until it fails once: a keyring that is not reachable is
/// not asked again in the same run, so its bound is paid once.
#[derive(Default)]
pub struct KeyringProbe {
    pub failed: Option<String>,
}

impl KeyringProbe {
    /// Whether the keyring holds something under `user`; `Err` (why) when it cannot say.
    pub fn holds(&mut self, user: &str) -> std::result::Result<bool, String> {
        if let Some(why) = &self.failed {
            return Err(why.clone());
        }
        keyring::get(user).map(|v| v.is_some()).map_err(|e| {
            let why = crate::log::chain(&e);
            self.failed = Some(why.clone());
            why
        })
    }
}

/// Where the profile's secret would come from, by the lookup chain, without running
/// `secret_command` or reading the secret's value anywhere but in the keyring's answer.
/// `shadowed`: also look below the place found, for secrets that are never used.
pub fn locate(profile: &Profile, keyring: &mut KeyringProbe, shadowed: bool) -> Source {
    if oauth2(profile).is_some_and(|o| o.secret_needed().is_none()) {
        return Source {
            place: Place::NotNeeded,
            short: "not needed".into(),
            detail: "a public client: it signs in with no secret".into(),
            shadowed: Vec::new(),
        };
    }
    let var = &profile.secret.env;
    let in_env = std::env::var_os(var).is_some_and(|v| !v.is_empty());
    let entry = format!("the OS keyring (service {}, user {})", keyring::SERVICE, profile.name);
    let mut found: Vec<(Place, String, String)> = Vec::new();
    if in_env {
        found.push((Place::Env, format!("env {var}"), format!("environment variable {var}")));
    }
    if let Some(argv) = &profile.secret.command {
        let program = crate::log::one_line(&argv[0], 60);
        found.push((
            Place::Command,
            format!("command {program}"),
            format!("secret_command {program} (not run here)"),
        ));
    }
    let mut keyring_down = None;
    if found.is_empty() || shadowed {
        match keyring.holds(&profile.name) {
            Ok(true) => found.push((Place::Keyring, "keyring".into(), entry.clone())),
            Ok(false) => {}
            Err(why) => keyring_down = Some(why),
        }
    }
    let mut found = found.into_iter();
    match found.next() {
        Some((place, short, detail)) => Source {
            place,
            short,
            detail,
            shadowed: found.map(|(_, _, detail)| detail).collect(),
        },
        None => {
            // Neither the variable nor a secret_command (which is always a hit) is there.
            let looked = format!("not in {var}, no secret_command");
            match keyring_down {
                Some(why) => Source {
                    place: Place::KeyringUnreachable,
                    short: "keyring unreachable".into(),
                    detail: format!("{looked}, and {why}"),
                    shadowed: Vec::new(),
                },
                None => Source {
                    place: Place::None,
                    short: "none".into(),
                    detail: format!("{looked}, nothing in {entry}"),
                    shadowed: Vec::new(),
                },
            }
        }
    }
}

/// The profile's OAuth 2.0 settings, when it is an `oauth2` profile.
pub fn oauth2(profile: &Profile) -> Option<&OAuth2> {
    match &profile.settings {
        Settings::Oauth2(o) => Some(o),
        _ => None,
    }
}

/// One line of the table: a profile, or a MidwayPlus installation token of one.
struct Row {
    profile: String,
    installation: Option<String>,
    /// A row of its own for a MidwayPlus installation token besides the profile's own.
    extra: bool,
    provider: &'static str,
    /// An OAuth 2.0 profile's grant and client authentication.
    grant: Option<(GrantType, ClientAuth)>,
    default: bool,
    expires_at: Option<UnixTime>,
    refreshable: bool,
    secret: Source,
    /// The shared cache the profile would use, and why it cannot, if it cannot.
    shared: Option<(String, Option<String>)>,
}

pub fn run(ctx: &Context, args: &StatusArgs) -> Result<()> {
    let config = ctx.config()?;
    let profiles = match args.named() {
        Some(name) => vec![config.profile(name)?],
        None => config.profiles()?,
    };
    let default = config.resolve(None).ok().map(|p| p.name);
    let cache = Cache::open()?;
    let mut keyring = KeyringProbe::default();
    let sources: Vec<Source> = profiles.iter().map(|p| locate(p, &mut keyring, false)).collect();
    // A keyring found unreachable is not asked again for refresh tokens.
    let credentials = match keyring.failed {
        Some(_) => Credentials::files_only(cache.clone()),
        None => Credentials::new(cache.clone()),
    };
    let mut rows = Vec::new();
    let mut probed = std::collections::HashMap::new();
    for (profile, secret) in profiles.iter().zip(sources) {
        let is_default = default.as_deref() == Some(profile.name.as_str());
        let configured = profile.shared_cache.clone();
        let shared = match probed.get(&configured) {
            Some(known) => Clone::clone(known),
            None => {
                let found = crate::shared_cache::probe(configured.as_deref())?;
                probed.entry(configured).or_insert(found).clone()
            }
        };
        rows.extend(rows_of(profile, is_default, secret, shared, &cache, &credentials));
    }
    let now = UnixTime::now();
    if args.json {
        let list: Vec<Value> = rows.iter().map(|r| to_json(r, now)).collect();
        return super::print(&format!("{}\n", Value::Array(list)));
    }
    if rows.is_empty() {
        crate::log::emit(&format!(
            "No profiles in {}; `authctl config init` writes a starter.",
            config.path.display()
        ));
        return Ok(());
    }
    let mut text = table(&rows, now, colour());
    let mut shown = Vec::new();
    for (url, problem) in rows.iter().filter_map(|r| r.shared.as_ref()) {
        if !shown.contains(&url) {
            shown.push(url);
            text += &match problem {
                None => format!("shared cache {url}: reachable\n"),
                Some(why) => format!("shared cache {url}: not reachable ({why}); tokens are renewed on each machine\n"),
            };
        }
    }
    super::print(&text)
}

/// The profile's row, and for MidwayPlus one more for each installation token cached
/// besides the profile's own.
fn rows_of(
    profile: &Profile,
    default: bool,
    secret: Source,
    shared: Option<(String, Option<String>)>,
    cache: &Cache,
    credentials: &Credentials,
) -> Vec<Row> {
    let record = lifecycle::cached_record(profile, cache);
    let refreshable =
        record.as_ref().is_some_and(|r| r.refreshable) || lifecycle::credential_kept(profile, credentials);
    let own = match profile.provider().flow() {
        crate::providers::Flow::Installations(flow) => flow.installation().map(str::to_string),
        crate::providers::Flow::Direct(_) => None,
    };
    let row = |installation: Option<String>, record: Option<Record>, extra: bool| Row {
        profile: profile.name.clone(),
        installation,
        extra,
        provider: profile.kind().name(),
        grant: oauth2(profile).map(|o| (o.grant(), o.client_auth())),
        default: default && !extra,
        expires_at: record.as_ref().map(|r| r.expires_at),
        refreshable,
        secret: secret.clone(),
        shared: shared.clone(),
    };
    let mut rows = vec![row(own.clone(), record, false)];
    if profile.kind() == Kind::Midway {
        for (id, record) in installation_tokens(profile, cache) {
            if Some(&id) != own.as_ref() {
                rows.push(row(Some(id), Some(record), true));
            }
        }
    }
    rows
}

/// The installation tokens cached for a MidwayPlus profile under its present settings,
/// by installation ID. The file name holds the ID made file-safe; an ID is known when it
/// names that very file (IDs are UUIDs, file-safe as they are).
fn installation_tokens(profile: &Profile, cache: &Cache) -> Vec<(String, Record)> {
    let prefix = format!("{}=", profile.name);
    let Ok(entries) = std::fs::read_dir(cache.dir()) else {
        return Vec::new();
    };
    let mut found: Vec<(String, Record)> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            let id = name
                .strip_prefix(&prefix)?
                .strip_suffix(".json")?
                .split_once('@')?
                .1
                .to_string();
            let slot = Slot::of(profile, Some(&id));
            let same_file = cache.path(&slot).file_name().is_some_and(|f| f == name.as_str());
            let record = same_file.then(|| cache.read(&slot)).flatten()?;
            Some((id, record))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn to_json(row: &Row, now: UnixTime) -> Value {
    json!({
        "profile": row.profile,
        "installation": row.installation,
        "provider": row.provider,
        "grant": row.grant.map(|(g, _)| g.name()),
        "client_auth": row.grant.map(|(_, a)| a.name()),
        "default": row.default,
        "cached": row.expires_at.is_some_and(|e| e > now),
        "expires_at": row.expires_at.and_then(rfc3339),
        "expires_in": row.expires_at.map(|e| now.secs_until(e).floor() as i64),
        "refreshable": row.refreshable,
        "secret_source": row.secret.place.name(),
        "secret_detail": row.secret.detail,
        "shared_cache": row.shared.as_ref().map(|(url, _)| url),
        "shared_cache_reachable": row.shared.as_ref().map(|(_, problem)| problem.is_none()),
    })
}

/// Colour only for a person at a terminal who has not asked for none.
fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn table(rows: &[Row], now: UnixTime, colour: bool) -> String {
    let mut lines = vec![["PROFILE", "PROVIDER", "TOKEN", "EXPIRES", "IN", "RENEWABLE", "SECRET"].map(String::from)];
    let mut tones = vec![None];
    for r in rows {
        let (state, tone) = match r.expires_at {
            None => ("none", None),
            Some(e) if e > now => ("cached", Some("32")),
            Some(_) => ("expired", Some("33")),
        };
        tones.push(tone);
        let name = match (&r.installation, r.extra, r.default) {
            (Some(id), true, _) => format!("{}@{id}", r.profile),
            (_, _, true) => format!("{} (default)", r.profile),
            _ => r.profile.clone(),
        };
        lines.push([
            name,
            match r.grant {
                Some((grant, _)) => format!("{} ({})", r.provider, grant.words()),
                None => r.provider.to_string(),
            },
            state.to_string(),
            r.expires_at.map(local_time).unwrap_or_else(|| "-".into()),
            r.expires_at.map(|e| left(now, e)).unwrap_or_else(|| "-".into()),
            if r.refreshable { "yes" } else { "no" }.to_string(),
            r.secret.short.clone(),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (line, tone) in lines.iter().zip(tones) {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                let padded = format!("{cell:<w$}");
                match (i, tone) {
                    (2, Some(code)) if colour => format!("\x1b[{code}m{padded}\x1b[0m"),
                    _ => padded,
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn local_time(t: UnixTime) -> String {
    DateTime::from_timestamp(t.whole_secs(), 0)
        .map(|utc| utc.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "?".into())
}

/// "59m 59s", "2h 5m", "3d 4h" (as every duration authctl shows), or "expired".
fn left(now: UnixTime, expires_at: UnixTime) -> String {
    match now.until(expires_at) {
        Some(d) => crate::output::duration(d),
        None => "expired".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: f64) -> UnixTime {
        UnixTime::from_secs(s).unwrap()
    }

    #[test]
    fn time_left_reads_like_a_person_would_say_it() {
        let now = at(1_000_000.0);
        assert_eq!(left(now, at(1_000_030.0)), "30s");
        assert_eq!(left(now, at(1_003_540.0)), "59m");
        assert_eq!(left(now, at(1_007_500.0)), "2h 5m");
        assert_eq!(left(now, at(1_273_600.0)), "3d 4h");
        assert_eq!(left(now, at(999_000.0)), "expired");
    }

    #[test]
    fn columns_line_up_and_colour_is_only_on_request() {
        let rows = [Row {
            profile: "mg".into(),
            installation: None,
            extra: false,
            provider: "midigator",
            grant: None,
            default: true,
            expires_at: None,
            refreshable: false,
            secret: Source {
                place: Place::None,
                short: "none".into(),
                detail: String::new(),
                shadowed: Vec::new(),
            },
            shared: None,
        }];
        let plain = table(&rows, at(1.0), false);
        assert!(!plain.contains('\x1b'));
        assert!(
            plain.lines().nth(1).unwrap().starts_with("mg (default)  midigator"),
            "{plain}"
        );
        let lines: Vec<&str> = plain.lines().collect();
        assert_eq!(lines[0].find("PROVIDER"), lines[1].find("midigator"));
    }
}
