//! `authctl logout`: drop cached tokens and long-lived credentials. The secret stays, and
//! the message says so and how to remove it.

use crate::cache::Cache;
use crate::cli::LogoutArgs;
use crate::config::Profile;
use crate::credentials::Credentials;
use crate::error::Result;
use crate::lifecycle::{self, lock_patience};

use super::{Context, Live};

/// Revokes the profile's stored refresh token where its server offers revocation, and
/// says so; a failure is a warning: the local files go anyway.
fn revoke(ctx: &Context, profile: &Profile) {
    let revoked = Live::new(profile, ctx, false).and_then(|live| live.with(|seams| lifecycle::revoke(profile, seams)));
    match revoked {
        Ok(Some(url)) => crate::note!("{}: refresh token revoked at {url}", profile.name),
        Ok(None) => {}
        Err(e) => crate::warn!(
            "{}: could not revoke the refresh token ({}); removing it here anyway",
            profile.name,
            e.report()
        ),
    }
}

/// The wait for a renewal in flight of a profile whose settings cannot be read.
const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub fn run(ctx: &Context, args: &LogoutArgs) -> Result<()> {
    let config = ctx.config()?;
    let profiles: Vec<(String, Option<Profile>)> = if args.all {
        let names = config.names()?;
        names
            .into_iter()
            .map(|name| {
                let profile = config.profile(&name).ok();
                (name, profile)
            })
            .collect()
    } else {
        let profile = config.resolve(args.named())?;
        vec![(profile.name.clone(), Some(profile))]
    };
    let cache = Cache::open()?;
    let credentials = Credentials::new(cache.clone());
    for (name, profile) in profiles {
        let timeout = ctx
            .timeout
            .or(profile.as_ref().map(|p| p.timeout))
            .unwrap_or(DEFAULT_TIMEOUT);
        // A renewal in flight finishes first: nothing it writes outlives the logout.
        let _lock = cache.lock_profile(&name, lock_patience(timeout))?;
        if let Some(profile) = &profile {
            revoke(ctx, profile);
        }
        let removed = credentials.forget_all(&name, profile.as_ref()) + cache.remove_profile(&name)?;
        crate::note!(
            "{name}: logged out ({removed} stored token{} removed){}",
            if removed == 1 { "" } else { "s" },
            secret_kept(&name)
        );
    }
    Ok(())
}

/// What `logout` leaves, said when there is something: the secret in the keyring.
fn secret_kept(name: &str) -> String {
    match crate::keyring::get(name) {
        Ok(Some(_)) => {
            format!("; the secret in the OS keyring is kept: `authctl secret delete {name}` removes it")
        }
        _ => String::new(),
    }
}
