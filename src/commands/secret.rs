//! `authctl secret set | delete | status`. The value is never printed.

use std::io::IsTerminal;

use crate::cli::SecretCommand;
use crate::config::Config;
use crate::error::{self, Error, Result};
use crate::secret::{self, Secret, keyring};

pub fn run(config: &Config, cmd: SecretCommand) -> Result<()> {
    match cmd {
        SecretCommand::Set { profile, stdin } => {
            let profile = config.profile(&profile)?;
            let what = profile.kind.secret_name();
            let value = if stdin {
                secret::read_stdin_line()?
            } else if std::io::stdin().is_terminal() {
                let typed = rpassword::prompt_password(format!("{what} for {}: ", profile.name))
                    .map_err(|e| anyhow::anyhow!("cannot read from the terminal: {e}"))?;
                let typed = Secret::new(typed);
                if typed.expose().is_empty() {
                    return Err(error::secret("nothing typed; no secret stored"));
                }
                typed
            } else {
                return Err(Error::Usage(format!(
                    "standard input is not a terminal, so there is nowhere to prompt; pipe the {what} with `authctl secret set {} --stdin`",
                    profile.name
                )));
            };
            keyring::required(keyring::set(&profile.name, &value), &profile.name)?;
            crate::log::emit(&format!(
                "stored the {what} of {} in the OS keyring (service {}, user {})",
                profile.name,
                keyring::SERVICE,
                profile.name
            ));
            Ok(())
        }
        SecretCommand::Delete { profile } => {
            let profile = config.profile(&profile)?;
            if keyring::required(keyring::delete(&profile.name), &profile.name)? {
                crate::log::emit(&format!(
                    "deleted the {} of {} from the OS keyring",
                    profile.kind.secret_name(),
                    profile.name
                ));
            } else {
                crate::log::emit(&format!(
                    "the OS keyring holds no {} for {}; nothing to delete",
                    profile.kind.secret_name(),
                    profile.name
                ));
            }
            Ok(())
        }
        SecretCommand::Status { profile } => status(config, &profile),
    }
}

/// Every place in lookup order and what is there; exit 4 when none holds the secret.
fn status(config: &Config, name: &str) -> Result<()> {
    let profile = config.profile(name)?;
    let mut lines = Vec::new();
    let mut found: Option<String> = None;
    let mut hit = |place: String, state: String, is_hit: bool| {
        if is_hit && found.is_none() {
            found = Some(place.clone());
        }
        lines.push(format!("  {place:<44} {state}"));
    };

    hit("--secret-stdin".into(), "used only when given".into(), false);
    let var = secret::env_name(profile);
    let (state, set) = match std::env::var_os(&var) {
        Some(v) if !v.is_empty() => ("set".to_string(), true),
        Some(_) => ("set but empty (ignored)".to_string(), false),
        None => ("not set".to_string(), false),
    };
    hit(format!("environment variable {var}"), state, set);
    match &profile.secret_command {
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
        Err(e) => hit(place, format!("unavailable: it {e}"), false),
    }

    let head = match &found {
        Some(place) => format!(
            "{}: the {} comes from {place}\n",
            profile.name,
            profile.kind.secret_name()
        ),
        None => format!("{}: no {} found\n", profile.name, profile.kind.secret_name()),
    };
    super::print(&format!("{head}{}\n", lines.join("\n")))?;
    match found {
        Some(_) => Ok(()),
        None => Err(error::secret(format!(
            "no {} for {}; store one with `authctl secret set {}` or export {var}",
            profile.kind.secret_name(),
            profile.name,
            profile.name
        ))),
    }
}
