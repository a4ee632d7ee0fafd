//! Midigator Authentication API 1.0.5: `POST /auth` with the API secret as
//! `Authorization: Bearer` answers `{"token": "<JWT>"}`; errors are
//! `{"error": true, "message": "…"}`, 400 for a request without the header and 401 for
//! a wrong one. The messages are the document's own descriptions of the two statuses.

use serde_json::json;

use super::credentials::MIDIGATOR_SECRET;
use super::routes::issue_access;
use super::server::{Request, Response};
use super::{Provider, Shared};

/// The merchant the API secret belongs to.
const MERCHANT: &str = "merchant-1001";

pub fn token(shared: &Shared, request: &Request) -> Response {
    if request.header("authorization").is_none_or(str::is_empty) {
        return error(
            400,
            "The request was invalid, usually because of missing or invalid parameters or headers.",
        );
    }
    if request.bearer() != Some(MIDIGATOR_SECRET) {
        return error(401, "An invalid authorization header was provided.");
    }
    let issued = issue_access(shared, Provider::Midigator, MERCHANT, json!({}));
    Response::json(200, &json!({"token": issued.token}))
}

fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({"error": true, "message": message}))
}
