//! The token the proxy sends, kept fresh. A `Runner` on a thread of its own (the
//! lifecycle blocks: it takes the profile's lock, may run `secret_command`, sends
//! through its own client) renews the token when it reaches its margin, and when the API
//! refuses it; the proxy's tasks read the current one through a `Keeper` without
//! waiting. Refusals are handled one after another on that thread, so of many requests
//! refused with the same token one renews and the others take its token.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use http::HeaderValue;

use crate::error::Result;
use crate::lifecycle::Obtained;
use crate::time::UnixTime;
use crate::token::AccessToken;

/// After a renewal a refusal made, how long further refusals are passed back to the
/// client without renewing again.
pub const REFUSAL_GAP: Duration = Duration::from_secs(10);

/// The pause after a timed renewal failed; it doubles up to `MAX_RETRY`.
const FIRST_RETRY: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(300);
/// The shortest wait between timed renewals, whatever a short-lived token says.
const MIN_WAIT: Duration = Duration::from_secs(1);

/// The token in use, and its `Authorization` value.
pub struct Current {
    pub token: AccessToken,
    pub authorization: HeaderValue,
    renew_at: UnixTime,
}

impl Current {
    fn of(obtained: &Obtained, refresh_before: Duration) -> Current {
        let record = &obtained.record;
        let scheme = match record.token_type.as_str() {
            t if t.eq_ignore_ascii_case("bearer") => "Bearer",
            t => t,
        };
        let mut authorization = HeaderValue::from_str(&format!("{scheme} {}", record.access_token.as_str()))
            .expect("a checked token and token type make a valid header");
        authorization.set_sensitive(true);
        Current {
            token: record.access_token.clone(),
            authorization,
            renew_at: record.renew_at(refresh_before),
        }
    }
}

enum Message {
    Refused(AccessToken, tokio::sync::oneshot::Sender<()>),
    Stop,
}

/// What the proxy's tasks hold: the current token, and a way to report it refused.
pub struct Keeper {
    current: tokio::sync::watch::Receiver<Arc<Current>>,
    runner: Sender<Message>,
}

/// Ends the `Runner` it came from.
#[derive(Clone)]
pub struct Stopper(Sender<Message>);

impl Stopper {
    pub fn stop(&self) {
        let _ = self.0.send(Message::Stop);
    }
}

impl Keeper {
    pub fn current(&self) -> Arc<Current> {
        self.current.borrow().clone()
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.runner.clone())
    }

    /// After the API refused `token`: the token to try once more with, or `None` when no
    /// other could be had.
    pub async fn after_refusal(&self, token: &AccessToken) -> Option<Arc<Current>> {
        let (done, renewed) = tokio::sync::oneshot::channel();
        self.runner.send(Message::Refused(token.clone(), done)).ok()?;
        renewed.await.ok()?;
        Some(self.current()).filter(|now| now.token != *token)
    }
}

/// The lifecycle, as the runner calls it: its argument is a token the API refused, which
/// must not come back.
pub trait Renew: FnMut(Option<&AccessToken>) -> Result<Obtained> {}

impl<F: FnMut(Option<&AccessToken>) -> Result<Obtained>> Renew for F {}

/// Renews the token on its thread, through `renew`.
pub struct Runner<F> {
    renew: F,
    refresh_before: Duration,
    current: tokio::sync::watch::Sender<Arc<Current>>,
    messages: Receiver<Message>,
}

/// A keeper starting with `obtained`, and the runner that keeps it fresh.
pub fn keep<F: Renew>(obtained: &Obtained, refresh_before: Duration, renew: F) -> (Keeper, Runner<F>) {
    let (tx, rx) = tokio::sync::watch::channel(Arc::new(Current::of(obtained, refresh_before)));
    let (runner, messages) = std::sync::mpsc::channel();
    let keeper = Keeper { current: rx, runner };
    let runner = Runner {
        renew,
        refresh_before,
        current: tx,
        messages,
    };
    (keeper, runner)
}

impl<F: Renew> Runner<F> {
    /// Until stopped, or every keeper is gone: renews at the token's margin (retrying a
    /// failure with backoff while the old token is kept), and at once when the API
    /// refuses the current token.
    pub fn run(mut self) {
        let mut retry = FIRST_RETRY;
        let mut next = self.current.borrow().renew_at;
        // When a refusal last made a renewal: an API that refuses every token (or a
        // client that keeps sending what it refuses) must not make a login per request.
        let mut last_refusal_renewal: Option<std::time::Instant> = None;
        loop {
            let wait = UnixTime::now().until(next).unwrap_or_default().max(MIN_WAIT);
            match self.messages.recv_timeout(wait) {
                Ok(Message::Refused(token, done)) => {
                    let too_soon = last_refusal_renewal.is_some_and(|at| at.elapsed() < REFUSAL_GAP);
                    if token == self.current.borrow().token && too_soon {
                        crate::debug!(
                            1,
                            "the API refused the token renewed just now; not renewing it again yet"
                        );
                    } else if token == self.current.borrow().token {
                        crate::debug!(1, "the API refused the token; renewing it");
                        last_refusal_renewal = Some(std::time::Instant::now());
                        if let Ok(at) = self.renew(Some(&token)) {
                            next = at;
                        }
                    }
                    let _ = done.send(());
                }
                Err(RecvTimeoutError::Timeout) => match self.renew(None) {
                    Ok(at) => (next, retry) = (at, FIRST_RETRY),
                    Err(()) => {
                        next = UnixTime::now().after(retry).unwrap_or_else(UnixTime::now);
                        retry = (retry * 2).min(MAX_RETRY);
                    }
                },
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// One renewal; on success the new token is current, and the result is when to renew
    /// it. A failure is reported, and the old token stays.
    fn renew(&mut self, refused: Option<&AccessToken>) -> Result<UnixTime, ()> {
        match (self.renew)(refused) {
            Ok(obtained) => {
                let current = Current::of(&obtained, self.refresh_before);
                let at = current.renew_at;
                self.current.send_replace(Arc::new(current));
                crate::debug!(1, "renewed the token");
                Ok(at)
            }
            Err(e) => {
                crate::warn!("renewing the token failed: {}", e.report());
                Err(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::cache::{Record, Slot};
    use crate::config::Config;
    use crate::error::Error;
    use crate::lifecycle::TokenSource;
    use crate::providers::Kind;
    use crate::token::TokenType;

    fn obtained(token: &str) -> Obtained {
        let toml = "[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"https://o.test/token\"\nclient_id = \"c\"\n";
        let profile = Config::from_text(std::path::Path::new("/t.toml"), Some(toml.into()))
            .profile("o")
            .unwrap();
        Obtained {
            record: Record {
                provider: Kind::Oauth2,
                bound_to: Slot::of(&profile, None).bound_to,
                access_token: AccessToken::parse(token.into()).unwrap(),
                token_type: TokenType::bearer(),
                obtained_at: UnixTime::now(),
                expires_at: UnixTime::now().after(Duration::from_secs(3600)).unwrap(),
                refreshable: false,
                password_expired: false,
                id_token: None,
            },
            source: TokenSource::Network,
        }
    }

    /// Runs `refusals` against a keeper whose renewals give `renewed` (or fail), and
    /// says how many renewals were made.
    fn with_keeper(renewed: Option<&str>, refusals: impl AsyncFnOnce(&Keeper)) -> usize {
        let calls = AtomicUsize::new(0);
        let renew = |refused: Option<&AccessToken>| {
            calls.fetch_add(1, Ordering::SeqCst);
            assert_eq!(refused.map(AccessToken::as_str), Some("t1"));
            match renewed {
                Some(token) => Ok(obtained(token)),
                None => Err(Error::Usage("no".into())),
            }
        };
        let (keeper, runner) = keep(&obtained("t1"), Duration::from_secs(60), renew);
        std::thread::scope(|threads| {
            threads.spawn(|| runner.run());
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            runtime.block_on(refusals(&keeper));
            keeper.stopper().stop();
        });
        calls.load(Ordering::SeqCst)
    }

    #[test]
    fn refusals_of_one_token_make_one_renewal() {
        let renewals = with_keeper(Some("t2"), async |keeper| {
            let t1 = keeper.current().token.clone();
            let (a, b, c) = tokio::join!(
                keeper.after_refusal(&t1),
                keeper.after_refusal(&t1),
                keeper.after_refusal(&t1)
            );
            for next in [a, b, c] {
                assert_eq!(next.unwrap().token.as_str(), "t2");
            }
            assert_eq!(keeper.current().authorization, "Bearer t2");
            // A refusal of a token already replaced renews nothing.
            assert_eq!(keeper.after_refusal(&t1).await.unwrap().token.as_str(), "t2");
        });
        assert_eq!(renewals, 1);
    }

    #[test]
    fn a_renewal_that_fails_leaves_nothing_to_retry_with() {
        let renewals = with_keeper(None, async |keeper| {
            let t1 = keeper.current().token.clone();
            assert!(keeper.after_refusal(&t1).await.is_none());
            assert_eq!(keeper.current().token.as_str(), "t1");
        });
        assert_eq!(renewals, 1);
    }
}
