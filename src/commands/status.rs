//! `authctl status`: every profile at a glance, like `gh auth status`. Reads the cache,
//! the credential store and the environment; no network, and no `secret_command` run.

use std::io::IsTerminal;

use chrono::{DateTime, Local};
use serde_json::{Value, json};

use crate::cache::Cache;
use crate::cli::StatusArgs;
use crate::config::Profile;
use crate::credentials::Credentials;
use crate::error::Result;
use crate::lifecycle;
use crate::output::rfc3339;
use crate::time::UnixTime;

use super::Context;

/// One profile's line.
struct Row {
    profile: String,
    provider: &'static str,
    expires_at: Option<UnixTime>,
    refreshable: bool,
    secret: Option<String>,
}

pub fn run(ctx: &Context, args: &StatusArgs) -> Result<()> {
    let config = ctx.config()?;
    let profiles = match args.named() {
        Some(name) => vec![config.profile(name)?],
        None => config.profiles()?,
    };
    let cache = Cache::open()?;
    let credentials = Credentials::new(cache.clone());
    let rows: Vec<Row> = profiles.iter().map(|p| row(p, &cache, &credentials)).collect();
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
    super::print(&table(&rows, now, colour()))
}

fn row(profile: &Profile, cache: &Cache, credentials: &Credentials) -> Row {
    let record = lifecycle::cached_record(profile, cache);
    Row {
        profile: profile.name.clone(),
        provider: profile.kind().name(),
        expires_at: record.as_ref().map(|r| r.expires_at),
        refreshable: record.as_ref().is_some_and(|r| r.refreshable) || lifecycle::credential_kept(profile, credentials),
        secret: super::secret::places(profile).1,
    }
}

fn to_json(row: &Row, now: UnixTime) -> Value {
    json!({
        "profile": row.profile,
        "provider": row.provider,
        "cached": row.expires_at.is_some_and(|e| e > now),
        "expires_at": row.expires_at.and_then(rfc3339),
        "expires_in": row.expires_at.map(|e| now.secs_until(e).floor() as i64),
        "refreshable": row.refreshable,
        "secret_source": row.secret,
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
        lines.push([
            r.profile.clone(),
            r.provider.to_string(),
            state.to_string(),
            r.expires_at.map(local_time).unwrap_or_else(|| "-".into()),
            r.expires_at.map(|e| left(now, e)).unwrap_or_else(|| "-".into()),
            if r.refreshable { "yes" } else { "no" }.to_string(),
            r.secret.clone().unwrap_or_else(|| "none found".into()),
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
            provider: "midigator",
            expires_at: None,
            refreshable: false,
            secret: None,
        }];
        let plain = table(&rows, at(1.0), false);
        assert!(!plain.contains('\x1b'));
        let lines: Vec<&str> = plain.lines().collect();
        assert_eq!(lines[0].find("PROVIDER"), lines[1].find("midigator"));
    }
}
