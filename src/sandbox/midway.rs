//! MidwayPlus Web API (seed 001). Developer flow: `POST /v1/Auth {clientId, password}`
//! answers `{"token"}`, the developer token; with it as `Authorization: Bearer`,
//! `GET /v1/Developer/Installations` lists the app's installations and
//! `POST /v1/Developer/Token {installationId}` answers `{"token"}` for one of them. A
//! missing, forged or expired developer token is refused with 401, an installation that
//! is not the developer's with 403. Browser flow: `GET /Apps/Authenticate/{app-id}`
//! plays a signed-in user and redirects to the app's AuthReturnUrl with `?token=`.
//! The document gives no error bodies; these answer `{"message"}`.

use std::time::Duration;

use serde_json::{Value, json};

use super::credentials::{
    MIDWAY_APP_ID, MIDWAY_CLIENT_ID, MIDWAY_INSTALLATION, MIDWAY_PASSWORD, MIDWAY_SECOND_INSTALLATION,
};
use super::routes::{DEVELOPER, Issued, issue_access, json_object, jwt_header, text};
use super::server::{Request, Response};
use super::tokens::now;
use super::{Provider, Shared};

/// The browser flow's path, up to the app ID.
pub const AUTHENTICATE: &str = "/Apps/Authenticate/";
/// The document gives no figure; a working day.
const DEVELOPER_TOKEN_LIFETIME: Duration = Duration::from_secs(8 * 3600);

pub fn developer_login(shared: &Shared, request: &Request) -> Response {
    let Some(body) = json_object(request) else {
        return message(400, "The request body must be a JSON object.");
    };
    if text(&body, "clientId") != Some(MIDWAY_CLIENT_ID) || text(&body, "password") != Some(MIDWAY_PASSWORD) {
        return message(401, "Invalid client ID or password.");
    }
    let token = developer_token(shared, now() as i64, DEVELOPER_TOKEN_LIFETIME);
    Response::json(200, &json!({"token": token}))
}

/// A developer token: a JWT that only the developer endpoints take.
pub(super) fn developer_token(shared: &Shared, issued_at: i64, lifetime: Duration) -> String {
    let claims = json!({
        "iss": shared.issuer(Provider::Midway),
        "sub": MIDWAY_CLIENT_ID,
        "iat": issued_at,
        "exp": issued_at.saturating_add(lifetime.as_secs() as i64),
        "jti": shared.minter.jti(),
        "token_use": DEVELOPER,
    });
    shared.minter.jwt(&jwt_header(), &claims)
}

/// `Err(401)` unless the request carries an unexpired developer token of this sandbox.
fn check_developer(shared: &Shared, request: &Request) -> Result<(), Response> {
    let token = request
        .bearer()
        .ok_or_else(|| unauthorized("Authorization: Bearer <developer token> is required."))?;
    let issuer = shared.issuer(Provider::Midway);
    let claims = shared
        .minter
        .verify(token)
        .filter(|c| text(c, "token_use") == Some(DEVELOPER) && text(c, "iss") == Some(issuer.as_str()))
        .ok_or_else(|| unauthorized("Invalid developer token."))?;
    if claims.get("exp").and_then(Value::as_f64).unwrap_or(0.0) <= now() {
        return Err(unauthorized("Developer token expired."));
    }
    Ok(())
}

pub fn installations(shared: &Shared, request: &Request) -> Response {
    if let Err(refused) = check_developer(shared, request) {
        return refused;
    }
    Response::json(
        200,
        &json!([
            installation(MIDWAY_INSTALLATION, 7, "Sandbox Parts", "2025-03-21T17:28:48.698Z"),
            installation(
                MIDWAY_SECOND_INSTALLATION,
                12,
                "Sandbox Speed Shop",
                "2025-06-02T09:14:05.120Z"
            ),
        ]),
    )
}

/// One entry of the installations list, in the document's shape.
fn installation(id: &str, party_id: u32, party_name: &str, install_date: &str) -> Value {
    json!({
        "id": id,
        "appId": MIDWAY_APP_ID,
        "appName": "Sandbox Sync",
        "partyType": "Dealer",
        "partyId": party_id,
        "partyName": party_name,
        "installDate": install_date,
        "purchaseOptionId": "standard",
        "installedVersion": "1.4.0",
        "userSettings": {"syncInventory": true, "batchSize": 500},
        "adminSettings": {"region": "us-east"},
    })
}

pub fn installation_token(shared: &Shared, request: &Request) -> Response {
    if let Err(refused) = check_developer(shared, request) {
        return refused;
    }
    let body = json_object(request).unwrap_or_default();
    let Some(installation) = text(&body, "installationId") else {
        return message(400, "installationId is required.");
    };
    if ![MIDWAY_INSTALLATION, MIDWAY_SECOND_INSTALLATION].contains(&installation) {
        return message(403, "Not an installation of your apps.");
    }
    Response::json(200, &json!({"token": installation_jwt(shared, installation).token}))
}

fn installation_jwt(shared: &Shared, installation: &str) -> Issued {
    let extra = json!({"installationId": installation, "appId": MIDWAY_APP_ID});
    issue_access(shared, Provider::Midway, installation, extra)
}

/// The platform with the user signed in and the app installed: back to the app's
/// AuthReturnUrl with a token for the user's installation. Failures are error pages,
/// as the document says a browser is shown.
pub fn authenticate(shared: &Shared, path: &str) -> Response {
    if path.strip_prefix(AUTHENTICATE) != Some(MIDWAY_APP_ID) {
        return Response::html(404, "You have not installed this app.");
    }
    let Some(return_url) = &shared.return_url else {
        return Response::html(400, "This app has no AuthReturnUrl in its settings.");
    };
    let mut location = return_url.clone();
    location
        .query_pairs_mut()
        .append_pair("token", &installation_jwt(shared, MIDWAY_INSTALLATION).token);
    Response::redirect(location.into())
}

fn message(status: u16, message: &str) -> Response {
    Response::json(status, &json!({"message": message}))
}

fn unauthorized(text: &str) -> Response {
    message(401, text).with_header("WWW-Authenticate", "Bearer".into())
}
