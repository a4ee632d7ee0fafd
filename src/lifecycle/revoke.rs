//! `logout`'s revocation (RFC 7009): the stored refresh token is sent to the server's
//! revocation endpoint, with the profile's client authentication, before the local files
//! go. The caller holds the profile's lock, so no renewal replaces the token meanwhile.

use super::{Ask, Mode, Run, Seams};
use crate::config::Profile;
use crate::credentials::{CredentialKind, CredentialSlot};
use crate::error::Result;
use crate::providers::Flow;

/// Revokes the profile's stored refresh token where its server offers revocation.
/// Returns where it was revoked; `None` when no refresh token is stored or the server
/// offers no revocation.
pub fn revoke(profile: &Profile, seams: &Seams) -> Result<Option<reqwest::Url>> {
    let Flow::Direct(flow) = profile.provider().flow() else {
        return Ok(None);
    };
    let slot = CredentialSlot::of(profile, CredentialKind::RefreshToken);
    let Some(refresh_token) = seams.credentials.read(&slot) else {
        return Ok(None);
    };
    // The revocation may send the secret: the config must be one to send it from.
    (seams.vouch)()?;
    let run = Run {
        profile,
        ask: &Ask::new(Mode::Auto),
        seams,
    };
    let Some(request) = flow.revocation(&refresh_token, &run.supply("revoking")).transpose()? else {
        return Ok(None);
    };
    run.exchange().send(&request)?;
    Ok(Some(request.url))
}
