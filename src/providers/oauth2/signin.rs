//! The browser sign-in (`grant = "authorization_code"`, RFC 6749 §4.1 with PKCE, RFC
//! 7636): the values that tie the redirect to this sign-in — `state`, the PKCE verifier
//! and, with `openid`, the `nonce` — are made together (`Pending::new`) and the redirect
//! is checked against them in one place (`Pending::judge`), with the server's `iss`
//! (RFC 9207). The redirect goes to a listener on 127.0.0.1 that takes exactly one
//! callback on `/callback`; anything else is answered 4xx and the wait goes on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Url;
use ring::rand::{SecureRandom, SystemRandom};

use super::OAuth2;
use crate::browser::{self, Answer, BrowserError, Invite, Listening};
use crate::error::Error;
use crate::providers::Needs;
use crate::secret::Secret;

/// How long the browser sign-in waits for the redirect.
pub const WAIT: Duration = Duration::from_secs(300);

/// `state`: ties the redirect to this sign-in (CSRF).
#[derive(Clone, PartialEq, Eq)]
pub struct CsrfToken(String);

/// `nonce`: ties the ID token to this sign-in (replay).
#[derive(Clone, PartialEq, Eq)]
pub struct Nonce(String);

/// The PKCE code verifier: only its S256 challenge leaves before the code exchange.
pub struct PkceCodeVerifier(Secret);

macro_rules! opaque_debug {
    ($($ty:ident),*) => {$(
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($ty), "(redacted)"))
            }
        }
    )*};
}
opaque_debug!(CsrfToken, Nonce, PkceCodeVerifier);

impl CsrfToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Nonce {
    pub fn new(value: String) -> Nonce {
        Nonce(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PkceCodeVerifier {
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// `BASE64URL(SHA256(verifier))`, the S256 challenge.
    pub fn challenge(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, self.0.expose().as_bytes());
        URL_SAFE_NO_PAD.encode(digest.as_ref())
    }
}

/// `bytes` random bytes from the system, base64url: 32 bytes give 43 characters.
fn random(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buf).expect("the system's random source");
    URL_SAFE_NO_PAD.encode(&buf)
}

/// What this sign-in sent and expects back.
#[derive(Debug)]
pub struct Pending {
    pub state: CsrfToken,
    pub nonce: Option<Nonce>,
    pub verifier: PkceCodeVerifier,
    /// The issuer whose `iss` the redirect must carry (RFC 9207), when it is known.
    pub issuer: Option<String>,
    /// The server said it always sends `iss` (`authorization_response_iss_parameter_supported`).
    pub iss_required: bool,
    /// Without a configured issuer: the origins of the endpoints signed in at. An `iss`
    /// sent anyway must be one of them, or the code came from another server (a mix-up).
    pub endpoint_origins: Vec<String>,
    /// The one callback was taken: any later one is refused.
    taken: AtomicBool,
}

impl Pending {
    /// Fresh `state`, PKCE verifier and, when asked (`openid` in the scope), `nonce`.
    pub fn new(with_nonce: bool, issuer: Option<String>, iss_required: bool) -> Pending {
        Pending {
            state: CsrfToken(random(32)),
            nonce: with_nonce.then(|| Nonce(random(32))),
            verifier: PkceCodeVerifier(Secret::new(random(32))),
            issuer,
            iss_required,
            endpoint_origins: Vec::new(),
            taken: AtomicBool::new(false),
        }
    }

    /// The authorization request: `endpoint` with the profile's client, scope and
    /// resources, and this sign-in's `state`, `nonce` and PKCE challenge.
    pub fn authorization_url(&self, p: &OAuth2, endpoint: &Url, redirect_uri: &Url) -> Url {
        let mut url = endpoint.clone();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", p.client_id.get_ref())
                .append_pair("redirect_uri", redirect_uri.as_str());
            if let Some(scope) = &p.scope {
                q.append_pair("scope", scope);
            }
            if let Some(audience) = &p.audience {
                q.append_pair("audience", audience);
            }
            for resource in p.resource.iter().flat_map(|r| r.0.iter()) {
                q.append_pair("resource", resource);
            }
            q.append_pair("state", self.state.as_str());
            if let Some(nonce) = &self.nonce {
                q.append_pair("nonce", nonce.as_str());
            }
            q.append_pair("code_challenge", &self.verifier.challenge())
                .append_pair("code_challenge_method", "S256");
        }
        url
    }

    /// Decides what one request to the listener means: the callback of this sign-in
    /// (its code, or the server's error), or something to refuse while the wait goes on.
    pub fn judge(&self, head: &str) -> Answer {
        let refuse = |status, page, why: &str| {
            crate::warn!("{why}; still waiting");
            Answer {
                status,
                page,
                outcome: None,
            }
        };
        let Some((method, url)) = browser::request_target(head) else {
            return refuse(400, NOT_THE_CALLBACK, "refused a request that is not HTTP");
        };
        if url.path() != "/callback" {
            crate::debug!(1, "answered 404 to a request for {}", url.path());
            return Answer {
                status: 404,
                page: NOT_THE_CALLBACK,
                outcome: None,
            };
        }
        if method != "GET" {
            return refuse(405, NOT_THE_CALLBACK, "refused a callback that is not a GET");
        }
        // A browser marks what a page fetches (an image, a script's fetch) as such: the
        // server's redirect is a navigation. A script playing the browser marks nothing.
        if browser::header(head, "sec-fetch-site").is_some() && browser::fetched_by_a_page(head) {
            return refuse(403, NOT_THE_CALLBACK, "refused a callback a web page fetched");
        }
        // Unlike MidwayPlus' redirect, `state` ties this one to the sign-in: no page can
        // forge it, so a script playing the browser (`$BROWSER`) may fetch it.
        let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        if param("state").as_deref() != Some(self.state.as_str()) {
            return refuse(400, WRONG_STATE, "refused a callback whose state is not this sign-in's");
        }
        if let Some(outcome) = self.check_iss(param("iss")) {
            return self.take(outcome, 400, FAILED);
        }
        if let Some(error) = param("error") {
            let refused = BrowserError::Refused {
                issuer: self.issuer.clone().unwrap_or_else(|| "the authorization server".into()),
                error: crate::log::one_line(&error, 80),
                description: param("error_description").map(|d| crate::log::one_line(&d, 200)),
            };
            return self.take(Err(refused), 200, FAILED);
        }
        let Some(code) = param("code").filter(|c| !c.is_empty()) else {
            return refuse(400, NO_CODE, "refused a callback without a code");
        };
        self.take(Ok(code), 200, DONE)
    }

    /// The `iss` parameter's verdict (RFC 9207): `None` when it is fine.
    fn check_iss(&self, iss: Option<String>) -> Option<Result<String, BrowserError>> {
        let Some(expected) = self.issuer.as_ref() else {
            return self.check_iss_origin(iss?);
        };
        match iss {
            Some(found) if found == *expected => None,
            Some(found) => Some(Err(BrowserError::WrongIssuer {
                expected: expected.clone(),
                found: crate::log::one_line(&found, 200),
            })),
            None if self.iss_required => Some(Err(BrowserError::WrongIssuer {
                expected: expected.clone(),
                found: "(none; the server's metadata promises one)".into(),
            })),
            None => None,
        }
    }

    /// With no issuer configured, an `iss` the server sends anyway must be at the origin
    /// of an endpoint this sign-in uses.
    fn check_iss_origin(&self, found: String) -> Option<Result<String, BrowserError>> {
        let origin = Url::parse(&found).ok().map(|u| u.origin().ascii_serialization());
        if self.endpoint_origins.is_empty() || origin.is_some_and(|o| self.endpoint_origins.contains(&o)) {
            return None;
        }
        Some(Err(BrowserError::WrongIssuer {
            expected: self.endpoint_origins.join(" or "),
            found: crate::log::one_line(&found, 200),
        }))
    }

    /// The first callback with this sign-in's state ends the wait; a second is refused.
    fn take(&self, outcome: Result<String, BrowserError>, status: u16, page: &'static str) -> Answer {
        if self.taken.swap(true, Ordering::SeqCst) {
            crate::warn!("refused a second callback for this sign-in");
            return Answer {
                status: 409,
                page: NOT_THE_CALLBACK,
                outcome: None,
            };
        }
        Answer {
            status,
            page,
            outcome: Some(outcome),
        }
    }
}

const DONE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>authctl received the sign-in. You can close this tab.</p>";
const FAILED: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>The sign-in did not succeed. See the terminal.</p>";
const WRONG_STATE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>This redirect is not for the sign-in authctl is waiting for.</p>";
const NO_CODE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>This redirect carried no code. authctl is still waiting.</p>";
const NOT_THE_CALLBACK: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>Not found. authctl is waiting for the sign-in redirect.</p>";

/// Runs the browser part: listens on 127.0.0.1 (`redirect_port`, else any free port),
/// sends the user to the authorization URL, and returns the code of the one callback
/// with the redirect URI it was sent to.
pub fn sign_in(p: &OAuth2, endpoint: &Url, pending: Arc<Pending>, needs: &dyn Needs) -> Result<(Secret, Url), Error> {
    let port = p.redirect_port.unwrap_or(0);
    let wanted = Url::parse(&format!("http://127.0.0.1:{port}/callback")).expect("a loopback URL");
    let listening = Listening::bind(&wanted)?;
    let redirect_uri = listening.url().clone();
    let visit = pending.authorization_url(p, endpoint, &redirect_uri);
    let browsing = needs.browsing();
    let open = (browsing.open && browser::can_open()).then_some(browsing.secret_envs.as_slice());
    if browsing.open && open.is_none() && browsing.player.is_none() {
        crate::log::emit("No display and no $BROWSER to open a browser with: open the URL below in a browser yourself.");
    }
    let at = pending.issuer.clone().unwrap_or_else(|| endpoint.origin().ascii_serialization());
    let invite = match &browsing.player {
        Some(player) => {
            (player.0)(&visit);
            None
        }
        None => Some(Invite {
            visit: &visit,
            at: &at,
            open,
        }),
    };
    let judge = pending.clone();
    let code = listening.wait_for(invite, WAIT, Arc::new(move |head| judge.judge(head)), || {
        BrowserError::SignInTimedOut {
            return_url: redirect_uri.clone(),
            wait: WAIT,
        }
    })?;
    Ok((Secret::new(code), redirect_uri))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> Pending {
        Pending::new(true, Some("https://id.test".into()), false)
    }

    fn get(target: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    }

    #[test]
    fn state_nonce_and_verifier_are_fresh_and_long_enough() {
        let (a, b) = (pending(), pending());
        assert_ne!(a.state, b.state);
        assert_ne!(a.nonce, b.nonce);
        assert!(a.verifier.expose().len() >= 43);
        assert_ne!(a.verifier.expose(), b.verifier.expose());
        assert!(Pending::new(false, None, false).nonce.is_none());
    }

    #[test]
    fn the_s256_challenge_is_rfc_7636s() {
        // RFC 7636 appendix B.
        let v = PkceCodeVerifier(Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into()));
        assert_eq!(v.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn only_one_callback_with_this_state_and_a_code_ends_the_wait() {
        let p = pending();
        let s = p.state.as_str().to_string();
        let a = p.judge(&get("/favicon.ico"));
        assert_eq!((a.status, a.outcome.is_none()), (404, true));
        let a = p.judge(&get(&format!("/other?state={s}&code=c")));
        assert_eq!((a.status, a.outcome.is_none()), (404, true));
        let a = p.judge(&get("/callback?state=forged&code=c"));
        assert_eq!((a.status, a.outcome.is_none()), (400, true));
        let a = p.judge(&get(&format!("/callback?state={s}")));
        assert_eq!((a.status, a.outcome.is_none()), (400, true));
        let a = p.judge(&get(&format!("/callback?state={s}&code=c1&iss=https%3A%2F%2Fid.test")));
        assert_eq!(a.outcome.unwrap().unwrap(), "c1");
        let a = p.judge(&get(&format!("/callback?state={s}&code=c2")));
        assert_eq!((a.status, a.outcome.is_none()), (409, true));
    }

    #[test]
    fn a_wrong_or_missing_iss_ends_the_sign_in_as_a_mix_up() {
        let p = pending();
        let s = p.state.as_str().to_string();
        let a = p.judge(&get(&format!("/callback?state={s}&code=c&iss=https%3A%2F%2Fevil.test")));
        assert!(matches!(a.outcome, Some(Err(BrowserError::WrongIssuer { .. }))));
        let strict = Pending::new(false, Some("https://id.test".into()), true);
        let s = strict.state.as_str().to_string();
        let a = strict.judge(&get(&format!("/callback?state={s}&code=c")));
        assert!(matches!(a.outcome, Some(Err(BrowserError::WrongIssuer { .. }))));
    }
}
