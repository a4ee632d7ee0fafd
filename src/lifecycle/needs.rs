//! What the lifecycle supplies to a provider that builds a request (`providers::Needs`):
//! the secret through the lookup chain, the clock, the transport for the provider's own
//! requests, commands bounded like `secret_command`, and the server metadata kept with
//! the profile's records for `METADATA_LIFETIME`. Only a renewal (or a revocation) makes
//! one: the cached path never does. Also the login of a direct flow, built with them.

use std::cell::RefCell;
use std::time::Duration;

use serde_json::Value;

use super::Run;
use crate::cache::Discovered;
use crate::cache::Record;
use crate::debug;
use crate::error::{Error, Result};
use crate::providers::{Browsing, Direct, Needs, Request};
use crate::secret::{Origin, Secret};
use crate::time::UnixTime;

/// How long discovered server metadata is used before it is fetched again.
pub const METADATA_LIFETIME: Duration = Duration::from_secs(24 * 3600);

pub(super) struct Supply<'r> {
    pub(super) run: &'r Run<'r>,
    /// What the secret is for, in `-v` lines: "logging in", "refreshing", "revoking".
    pub(super) purpose: &'static str,
    /// Where the secret came from, once a request asked for it.
    pub(super) origin: RefCell<Option<Origin>>,
    /// The OpenID Connect nonce the sign-in sent.
    pub(super) nonce: RefCell<Option<String>>,
}

impl<'r> Run<'r> {
    /// A direct flow's login: the request `login` builds, sent, or the answer the
    /// provider waited for itself (a device sign-in).
    pub(super) fn log_in_direct(&self, flow: &dyn Direct) -> Result<Record> {
        let supply = self.supply("logging in");
        let said = |e| supply.say_where_the_secret_came_from(e);
        let (request, body) = match flow.login_answered(&supply) {
            Some(answered) => answered.map_err(said)?,
            None => {
                let request = flow.login(&supply)?;
                let body = self.exchange().call(&request).map_err(said)?;
                (request, body)
            }
        };
        let grant = self.exchange().read(&request, flow.read_grant(&body))?;
        flow.check_grant(&grant, &supply)?;
        self.record(grant, &request.url, false)
    }

    /// What a provider building a request may ask for; `purpose` names it in `-v` lines.
    pub(super) fn supply(&'r self, purpose: &'static str) -> Supply<'r> {
        Supply {
            run: self,
            purpose,
            origin: RefCell::new(None),
            nonce: RefCell::new(None),
        }
    }
}

impl Supply<'_> {
    /// A refusal of a request that carried the secret says where the secret came from
    /// and how to change it.
    pub(super) fn say_where_the_secret_came_from(&self, e: Error) -> Error {
        match &*self.origin.borrow() {
            Some(origin) => {
                let what = self.run.profile.secret_name();
                e.with_secret_from(|| origin.how_to_change(what, &self.run.profile.name))
            }
            None => e,
        }
    }
}

impl Needs for Supply<'_> {
    fn profile(&self) -> &str {
        &self.run.profile.name
    }

    fn secret(&self) -> Result<(Secret, Origin)> {
        let (secret, origin) = self.run.seams.secret.secret()?;
        debug!(
            1,
            "{}: {} with the {} from {origin}",
            self.run.profile.name,
            self.purpose,
            self.run.profile.secret_name()
        );
        self.origin.replace(Some(origin.clone()));
        Ok((secret, origin))
    }

    fn now(&self) -> UnixTime {
        self.run.seams.clock.now()
    }

    fn allow_http(&self) -> bool {
        self.run.profile.allow_http
    }

    fn fetch(&self, request: &Request) -> Result<Value> {
        self.run.exchange().call(request)
    }

    fn run(&self, key: &'static str, argv: &[String]) -> Result<Secret> {
        Ok(self.run.seams.secret.run(key, argv)?)
    }

    fn cached_metadata(&self) -> Option<Value> {
        let kept = self.run.seams.cache.metadata(&self.run.slot())?;
        let age = kept.at.until(self.now())?;
        (age < METADATA_LIFETIME).then_some(kept.metadata)
    }

    fn keep_metadata(&self, metadata: &Value) {
        let kept = Discovered {
            at: self.now(),
            metadata: metadata.clone(),
        };
        self.run.seams.cache.set_metadata(&self.run.slot(), &kept);
    }

    fn browsing(&self) -> Browsing {
        Browsing {
            open: !self.run.ask.no_open,
            secret_envs: self.run.seams.secret.secret_envs(),
            player: self.run.ask.player.clone(),
        }
    }

    fn keep_nonce(&self, nonce: &str) {
        self.nonce.replace(Some(nonce.to_string()));
    }

    fn nonce(&self) -> Option<String> {
        self.nonce.borrow().clone()
    }
}
