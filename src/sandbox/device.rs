//! The device sign-in (RFC 8628) of the OAuth2 sandbox's public client:
//! `POST /oauth2/device_authorization` gives a device code and a user code, the person
//! confirms the user code at `GET /oauth2/device?user_code=…` (the sandbox user is
//! signed in and consents, as at the browser sign-in), and the token endpoint answers
//! the device-code grant `authorization_pending` until then, the tokens once after.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;
use url::form_urlencoded;

use super::credentials::OAUTH2_PUBLIC_CLIENT_ID;
use super::server::{Request, Response};
use super::tokens::now;
use super::{Shared, lock};

/// The grant type of the device-code exchange.
pub const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The verification page.
pub const VERIFY: &str = "/oauth2/device";
/// At most this many device codes wait; the oldest go first.
const MAX_PENDING: usize = 64;
/// How long a device code waits for its approval.
const LIFETIME: Duration = Duration::from_secs(300);

/// A device code given and not yet redeemed.
pub struct Pending {
    device_code: String,
    user_code: String,
    approved: bool,
    expires_at: f64,
}

/// `POST /oauth2/device_authorization`: a device code and the user code a person enters.
pub fn authorize(shared: &Shared, request: &Request) -> Response {
    let fields: HashMap<String, String> = form_urlencoded::parse(&request.body).into_owned().collect();
    if fields.get("client_id").map(String::as_str) != Some(OAUTH2_PUBLIC_CLIENT_ID) {
        return super::oauth2::error(401, "invalid_client", "Client authentication failed.");
    }
    let device_code = shared.minter.opaque(4);
    let user_code = user_code(&shared.minter.opaque(1));
    {
        let mut pending = lock(&shared.devices);
        if pending.len() >= MAX_PENDING {
            pending.remove(0);
        }
        pending.push(Pending {
            device_code: device_code.clone(),
            user_code: user_code.clone(),
            approved: false,
            expires_at: now() + LIFETIME.as_secs_f64(),
        });
    }
    let verify = format!("{}{VERIFY}", shared.url);
    Response::json(
        200,
        &json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verify,
            "verification_uri_complete": format!("{verify}?user_code={user_code}"),
            "expires_in": LIFETIME.as_secs(),
            "interval": 1,
        }),
    )
}

/// Eight letters a person can type, `ABCD-EFGH`, from random bytes in base64.
fn user_code(random: &str) -> String {
    const LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let letters: String = random
        .bytes()
        .take(8)
        .map(|b| LETTERS[usize::from(b) % LETTERS.len()] as char)
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

/// `GET /oauth2/device?user_code=…`: the person confirms the code they were shown.
pub fn verify(shared: &Shared, request: &Request) -> Response {
    let query: HashMap<String, String> = form_urlencoded::parse(request.query.as_bytes()).into_owned().collect();
    let Some(entered) = query.get("user_code").map(|c| c.trim().to_ascii_uppercase()) else {
        return Response::html(
            400,
            "Open the link authctl printed, or add ?user_code=CODE with the code it showed.",
        );
    };
    let mut pending = lock(&shared.devices);
    match pending
        .iter_mut()
        .find(|p| p.user_code == entered && p.expires_at > now())
    {
        Some(p) => {
            p.approved = true;
            Response::html(200, "Signed in. You can close this page and return to the terminal.")
        }
        None => Response::html(404, "That code is unknown or has expired."),
    }
}

/// The device-code grant at the token endpoint: pending until approved, then the token
/// once; an unknown or expired code is `expired_token`.
pub fn exchange(shared: &Shared, field: impl Fn(&str) -> Option<String>) -> Response {
    if field("client_id").as_deref() != Some(OAUTH2_PUBLIC_CLIENT_ID) {
        return super::oauth2::error(401, "invalid_client", "Client authentication failed.");
    }
    let code = field("device_code").unwrap_or_default();
    let mut pending = lock(&shared.devices);
    let Some(at) = pending
        .iter()
        .position(|p| p.device_code == code && p.expires_at > now())
    else {
        return super::oauth2::error(400, "expired_token", "The device code is unknown, used or expired.");
    };
    if !pending[at].approved {
        return super::oauth2::error(400, "authorization_pending", "The sign-in is not approved yet.");
    }
    pending.remove(at);
    drop(pending);
    super::oauth2::issued(shared)
}
