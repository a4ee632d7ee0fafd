//! `authctl logout`: drop cached tokens and long-lived credentials. The secret stays.

use crate::cache::Cache;
use crate::cli::LogoutArgs;
use crate::config::Config;
use crate::credentials::{CredentialKind, keyring_user};
use crate::error::Result;
use crate::keyring;

pub fn run(config: &Config, args: &LogoutArgs) -> Result<()> {
    let names: Vec<String> = if args.all {
        config.names()?
    } else {
        vec![config.resolve(args.profile.as_deref())?.name]
    };
    let cache = Cache::open()?;
    for name in names {
        let mut removed = 0;
        for path in cache.entries_of(&name) {
            cache.remove(&path)?;
            removed += 1;
        }
        for kind in [CredentialKind::RefreshToken, CredentialKind::DeveloperToken] {
            match keyring::delete(&keyring_user(&name, kind)) {
                Ok(true) => removed += 1,
                Ok(false) => {}
                Err(e) => crate::debug!(1, "{name}: no {kind} removed: {}", crate::log::chain(&e)),
            }
        }
        crate::note!(
            "{name}: logged out ({removed} stored token{} removed)",
            if removed == 1 { "" } else { "s" }
        );
    }
    Ok(())
}
