//! Single flight shares failures as well as tokens: processes that waited on the
//! profile's lock while another renewed take that one's failure instead of each trying
//! again at once. They take only what they would have met themselves: the server's
//! answer to an automatic renewal made with what every process of the user shares (the
//! stored refresh or developer token; the secret from the environment, `secret_command`
//! or the keyring). A holder's own input or mode — a secret typed on its stdin, a secret
//! it could not find, a refresh-only, login or forced renewal — is never theirs.

use std::cell::RefCell;

use super::{Mode, Run, Seams};
use crate::cache::{Failure, Record, Slot};
use crate::error::{Error, Result};
use crate::providers::Flow;
use crate::secret::{Origin, Secret, SecretError, SecretSource};

impl Run<'_> {
    /// Renews by the provider's flow; says too where the secret came from, when the
    /// renewal asked for it.
    pub(super) fn renew(&self, slot: &Slot) -> (Result<Record>, Option<Origin>) {
        let secret = Noted {
            source: self.seams.secret,
            origin: RefCell::new(None),
        };
        let seams = Seams {
            secret: &secret,
            ..*self.seams
        };
        let run = Run { seams: &seams, ..*self };
        let renewed = match self.profile.provider().flow() {
            Flow::Direct(flow) => run.renew_direct(flow, slot),
            Flow::Installations(flow) => run.renew_installation(flow, slot),
        };
        (renewed, secret.origin.into_inner())
    }

    /// What the processes waiting on this one may take of its renewal: its failure, when
    /// `waiters_share` it; nothing after a success or a failure of this process's own.
    pub(super) fn failure_for_waiters(
        &self,
        renewed: &Result<Record>,
        secret_from: Option<&Origin>,
    ) -> Option<Failure> {
        let error = renewed.as_ref().err()?;
        waiters_share(self.ask.mode, error, secret_from).then(|| Failure {
            at: self.seams.clock.now(),
            exit: error.exit() as u8,
            message: error.report(),
        })
    }
}

/// The rule: an automatic renewal's failure that is the server's answer, to a request
/// that carried no secret typed on this process's stdin.
fn waiters_share(mode: Mode, error: &Error, secret_from: Option<&Origin>) -> bool {
    mode == Mode::Auto && error.is_servers_answer() && secret_from != Some(&Origin::Stdin)
}

/// A renewal's secret source, noting where the secret came from when it is asked for.
struct Noted<'a> {
    source: &'a dyn SecretSource,
    origin: RefCell<Option<Origin>>,
}

impl SecretSource for Noted<'_> {
    fn secret(&self) -> Result<(Secret, Origin), SecretError> {
        let (secret, origin) = self.source.secret()?;
        self.origin.replace(Some(origin.clone()));
        Ok((secret, origin))
    }

    fn run(&self, key: &'static str, argv: &[String]) -> Result<Secret, SecretError> {
        self.source.run(key, argv)
    }

    fn secret_envs(&self) -> Vec<String> {
        self.source.secret_envs()
    }
}
