//! A user's MFA state ([`UserMfa`]) as the one `mfa` column of `users`
//! holds it: compact JSON, the sealed secrets in standard base64, the
//! timestamps in Unix milliseconds, the factors by Cognito's names. The
//! default state (no factor, no token, no grace) is stored as SQL `NULL`,
//! so the users of a database migrated from before MFA, whose column is
//! `NULL`, read back as [`UserMfa::default`].
//!
//! A stored value that does not decode is refused as "invalid stored mfa"
//! without quoting it (it holds sealed secrets); serde's message is its
//! source.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::redact;
use crate::clock::Timestamp;
use crate::config::MfaFactor;
use crate::store::{PendingSoftwareToken, SoftwareToken, StoreError, StoreResult, UserMfa};

/// The column's name in error messages.
const NAME: &str = "mfa";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    enabled: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preferred: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<StoredToken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending: Option<StoredPending>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    grace: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredToken {
    secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step: Option<u64>,
    verified_at: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredPending {
    secret: String,
    created_at: i64,
}

/// `mfa` as stored: `None` (SQL `NULL`) for the default state.
///
/// # Errors
/// `Unavailable` when it cannot be encoded as JSON (it always can).
pub(crate) fn encode(mfa: &UserMfa) -> StoreResult<Option<String>> {
    if *mfa == UserMfa::default() {
        return Ok(None);
    }
    let stored = Stored {
        enabled: mfa.enabled.iter().map(|f| f.as_str().to_owned()).collect(),
        preferred: mfa.preferred.map(|f| f.as_str().to_owned()),
        token: mfa.software_token.as_ref().map(|t| StoredToken {
            secret: STANDARD.encode(&t.sealed_secret),
            name: t.friendly_name.clone(),
            step: t.last_used_step,
            verified_at: t.verified_at.unix_millis(),
        }),
        pending: mfa.pending_software_token.as_ref().map(|p| StoredPending {
            secret: STANDARD.encode(&p.sealed_secret),
            created_at: p.created_at.unix_millis(),
        }),
        grace: mfa.setup_grace,
    };
    serde_json::to_string(&stored)
        .map(Some)
        .map_err(|e| StoreError::unavailable_because("cannot encode mfa", e))
}

/// The state stored as `value`; `None` (SQL `NULL`) is the default state.
///
/// # Errors
/// `Unavailable` ("invalid stored mfa: …") when `value` is not JSON of
/// this shape, names an unknown factor, or holds a secret that is not
/// base64; the message quotes nothing stored.
pub(crate) fn decode(value: Option<&str>) -> StoreResult<UserMfa> {
    let Some(value) = value else {
        return Ok(UserMfa::default());
    };
    let stored: Stored = serde_json::from_str(value).map_err(|e| {
        let message = format!(
            "invalid stored {NAME}: not the JSON of an MFA state (line {}, column {})",
            e.line(),
            e.column()
        );
        StoreError::unavailable_because(message, e)
    })?;
    let factor = |name: &str| {
        MfaFactor::parse(name)
            .ok_or_else(|| redact::invalid_stored_value(NAME, "not an MFA factor"))
    };
    let secret = |b64: &str| {
        STANDARD
            .decode(b64)
            .map_err(|e| redact::invalid_stored(NAME, e))
    };
    Ok(UserMfa {
        enabled: stored
            .enabled
            .iter()
            .map(|f| factor(f))
            .collect::<StoreResult<_>>()?,
        preferred: stored.preferred.as_deref().map(factor).transpose()?,
        software_token: stored
            .token
            .map(|t| {
                Ok::<_, StoreError>(SoftwareToken {
                    sealed_secret: secret(&t.secret)?,
                    friendly_name: t.name,
                    last_used_step: t.step,
                    verified_at: Timestamp::from_unix_millis(t.verified_at),
                })
            })
            .transpose()?,
        pending_software_token: stored
            .pending
            .map(|p| {
                Ok::<_, StoreError>(PendingSoftwareToken {
                    sealed_secret: secret(&p.secret)?,
                    created_at: Timestamp::from_unix_millis(p.created_at),
                })
            })
            .transpose()?,
        setup_grace: stored.grace,
    })
}

#[cfg(test)]
mod tests;
