//! What can go wrong in an OAuth request before or beside the token endpoint's answer:
//! the key, the CI runner's token, the server's metadata. (`error.rs` gives each its
//! exit code.)

use reqwest::Url;

use super::id_token::IdTokenError;
use super::key::KeyProblem;
use crate::secret::Origin;

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The profile's secret cannot sign: never shown, only where it came from.
    #[error("profile {profile}: the private key from {origin} {problem}; the key is not shown")]
    Key {
        profile: String,
        origin: Origin,
        problem: KeyProblem,
    },
    #[error(
        "profile {profile}: subject_token = \"github-actions\" needs ${var}, which is not set: run it in a GitHub Actions job with `permissions: id-token: write`"
    )]
    NoRunner { profile: String, var: &'static str },
    #[error("profile {profile}: $ACTIONS_ID_TOKEN_REQUEST_URL is not a URL authctl will send the runner's token to: {why}")]
    BadRunnerUrl { profile: String, why: String },
    #[error("the GitHub Actions runner ({url}) answered without a token (no \"value\")")]
    NoRunnerToken { url: Url },
    #[error(
        "the discovery document at {url} is for issuer \"{found}\", not for the configured issuer \"{configured}\"; check `issuer`"
    )]
    WrongIssuer {
        url: Url,
        configured: String,
        found: String,
    },
    #[error("the metadata of issuer {issuer} has no {field}; set {key} in the profile")]
    NoEndpoint {
        issuer: String,
        field: &'static str,
        key: &'static str,
    },
    #[error("the metadata of issuer {issuer} gives an unusable {field}: {why}")]
    BadEndpoint {
        issuer: String,
        field: &'static str,
        why: String,
    },
    #[error("{0}")]
    IdToken(IdTokenError),
}
