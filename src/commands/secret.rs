//! `authctl secret set | delete | status`. The value is never printed.

use std::io::IsTerminal;

use crate::cli::SecretCommand;
use crate::config::{Config, Profile};
use crate::error::{Error, Result};
use crate::keyring::{self, KeyringError};
use crate::secret::{self, Secret, SecretError};

pub fn run(config: &Config, cmd: SecretCommand) -> Result<()> {
    match cmd {
        SecretCommand::Set { profile, stdin } => set(&config.profile(&profile)?, stdin),
        SecretCommand::Delete { profile } => delete(&config.profile(&profile)?),
        SecretCommand::Status { profile } => status(&config.profile(&profile)?),
    }
}

/// For commands where the keyring is the point: its failure is exit 4, with what to do.
fn needed(profile: &Profile) -> impl FnOnce(KeyringError) -> Error + '_ {
    move |source| {
        SecretError::KeyringNeeded {
            var: profile.secret.env.clone(),
            source,
        }
        .into()
    }
}

fn set(profile: &Profile, stdin: bool) -> Result<()> {
    let what = profile.secret_name();
    let value = if stdin {
        only_line(&profile.name)?
    } else if std::io::stdin().is_terminal() {
        let typed = rpassword::prompt_password(format!("{what} for {}: ", profile.name))
            .map_err(|e| Error::io("cannot read from the terminal", e))?;
        let typed = Secret::new(typed);
        if typed.expose().is_empty() {
            return Err(Error::Usage("nothing typed; no secret stored".into()));
        }
        typed
    } else {
        return Err(Error::Usage(format!(
            "standard input is not a terminal, so there is nowhere to prompt; pipe the {what} with `authctl secret set {} --stdin`",
            profile.name
        )));
    };
    keyring::set(&profile.name, value.expose()).map_err(needed(profile))?;
    crate::note!(
        "stored the {what} of {} in the OS keyring (service {}, user {})",
        profile.name,
        keyring::SERVICE,
        profile.name
    );
    if let Some((higher, fix)) = shadowed_by(profile) {
        crate::warn!(
            "{higher} comes before the keyring, so `authctl token {}` will not use the {what} just stored ({fix})",
            profile.name
        );
    }
    Ok(())
}

/// The source that comes before the keyring in the lookup and will be used instead of
/// it — the secret's variable when it is set, else the profile's `secret_command` — and
/// how to let the keyring's secret be used.
fn shadowed_by(profile: &Profile) -> Option<(String, &'static str)> {
    let var = &profile.secret.env;
    if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
        return Some((
            format!("${var}, set in this environment,"),
            "unset it to use the keyring",
        ));
    }
    let argv = profile.secret.command.as_ref()?;
    Some((
        format!("the profile's secret_command ({})", argv[0]),
        "remove secret_command from the profile to use the keyring",
    ))
}

fn delete(profile: &Profile) -> Result<()> {
    let what = profile.secret_name();
    if keyring::delete(&profile.name).map_err(needed(profile))? {
        crate::note!("deleted the {what} of {} from the OS keyring", profile.name);
    } else {
        crate::log::emit(&format!(
            "the OS keyring holds no {what} for {}; nothing to delete",
            profile.name
        ));
    }
    Ok(())
}

/// `secret set --stdin`: standard input must hold the secret and nothing else — one line,
/// its line ending optional — so a pasted file is never half stored.
fn only_line(profile: &str) -> Result<Secret> {
    let too_much = || {
        Error::Usage(format!(
            "standard input holds more than one line; `authctl secret set {profile} --stdin` stores exactly one line, the secret"
        ))
    };
    let bytes = secret::read_stdin_all(secret::MAX_STDIN_SECRET)?.ok_or_else(too_much)?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| Error::Usage("the secret on standard input is not UTF-8".into()))?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.contains(['\n', '\r']) {
        return Err(too_much());
    }
    if text.is_empty() {
        return Err(SecretError::NoStdinLine.into());
    }
    Ok(Secret::new(text.to_string()))
}

/// Where a profile's secret would come from, place by place in lookup order, never its
/// value; `None` when nowhere holds one. Runs no `secret_command`.
pub fn places(profile: &Profile) -> (Vec<(String, String)>, Option<String>) {
    let mut lines = Vec::new();
    let mut found: Option<String> = None;
    let mut hit = |place: String, state: String, is_hit: bool| {
        if is_hit && found.is_none() {
            found = Some(place.clone());
        }
        lines.push((place, state));
    };
    hit("--secret-stdin".into(), "used only when given".into(), false);
    let var = &profile.secret.env;
    let (state, set) = match std::env::var_os(var) {
        Some(v) if !v.is_empty() => ("set".to_string(), true),
        Some(_) => ("set but empty (ignored)".to_string(), false),
        None => ("not set".to_string(), false),
    };
    hit(format!("environment variable {var}"), state, set);
    match &profile.secret.command {
        Some(argv) => hit(
            format!("secret_command ({})", argv[0]),
            "configured (not run)".into(),
            true,
        ),
        None => hit("secret_command".into(), "not configured".into(), false),
    }
    let place = format!("OS keyring (service {}, user {})", keyring::SERVICE, profile.name);
    match keyring::get(&profile.name) {
        Ok(Some(_)) => hit(place, "stored".into(), true),
        Ok(None) => hit(place, "nothing stored".into(), false),
        Err(e) => hit(place, format!("unavailable: {}", crate::log::chain(&e)), false),
    }
    (lines, found)
}

/// Every place in lookup order and what is there; exit 4 when none holds the secret.
fn status(profile: &Profile) -> Result<()> {
    let what = profile.secret_name();
    let (lines, found) = places(profile);
    // A missing secret is said once, by the error on stderr; stdout lists the places.
    let head = match &found {
        Some(place) => format!("{}: the {what} comes from {place}\n", profile.name),
        None => format!("{}: places the {what} is looked for, in order\n", profile.name),
    };
    let body: Vec<String> = lines
        .iter()
        .map(|(place, state)| format!("  {place:<44} {state}"))
        .collect();
    super::print(&format!("{head}{}\n", body.join("\n")))?;
    match found {
        Some(_) => Ok(()),
        None => Err(SecretError::NotFoundListed {
            what,
            profile: profile.name.clone(),
            var: profile.secret.env.clone(),
        }
        .into()),
    }
}
