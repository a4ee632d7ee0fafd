//! `authctl logout`: drop cached tokens and refresh tokens. The secret stays.

use crate::cache::Cache;
use crate::cli::LogoutArgs;
use crate::config::Config;
use crate::error::Result;
use crate::obtain::refresh_user;
use crate::secret::keyring;

pub fn run(config: &Config, args: &LogoutArgs) -> Result<()> {
    let names: Vec<String> = if args.all {
        config.profiles.keys().cloned().collect()
    } else {
        vec![config.resolve(args.profile.as_deref())?.name.clone()]
    };
    let cache = Cache::open()?;
    for name in names {
        let mut removed = 0;
        for path in cache.entries_of(&name) {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
        match keyring::delete(&refresh_user(&name)) {
            Ok(true) => removed += 1,
            Ok(false) => {}
            Err(e) => crate::debug!(1, "{name}: no refresh token removed: the OS keyring {e}"),
        }
        crate::note!(
            "{name}: logged out ({removed} stored token{} removed)",
            if removed == 1 { "" } else { "s" }
        );
    }
    Ok(())
}
