//! `authctl logout`: drop cached tokens and long-lived credentials. The secret stays.

use crate::cache::Cache;
use crate::cli::LogoutArgs;
use crate::config::Profile;
use crate::credentials::Credentials;
use crate::error::Result;
use crate::lifecycle::lock_patience;

use super::Context;

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
        let removed = credentials.forget_all(&name, profile.as_ref()) + cache.remove_profile(&name)?;
        crate::note!(
            "{name}: logged out ({removed} stored token{} removed)",
            if removed == 1 { "" } else { "s" }
        );
    }
    Ok(())
}
