//! Auth-challenge sessions: the `Session` string a challenge response must
//! echo. Stateless and sealed (AES-256-GCM under a key derived from the pool
//! secret), so any process sharing the pool secret can open it; single use
//! through the store's `consume_once`, so a captured answer cannot be
//! replayed. Lifetime: the app client's `AuthSessionValidity`.
//!
//! A session reads `<pool id>.<sealed state>`: `AssociateSoftwareToken`
//! and `VerifySoftwareToken` take a `Session` and nothing else that names
//! a pool, so the pool id is in clear for routing (it is no secret: every
//! token carries it). The sealed state binds the pool id too, so a session
//! moved to another pool's prefix opens nowhere.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::keys::Sealed;
use super::{UserPool, store_error};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::hex;
use crate::random;
use crate::store::OnceId;

/// Longest `Session` accepted before any decoding (the model allows 2048).
const MAX_SESSION_LEN: usize = 2048;

/// What a session carries between a challenge and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct SessionState {
    /// Format version.
    v: u8,
    /// The app client the challenge was issued to.
    pub(super) client_id: String,
    /// The internal username.
    pub(super) username: String,
    /// The user's `sub`: a user deleted and re-created under the same name
    /// is another user, whose password this session must not set.
    pub(super) sub: String,
    /// The challenge name, e.g. `NEW_PASSWORD_REQUIRED`.
    pub(super) challenge: String,
    /// Issued at, Unix milliseconds.
    issued_ms: i64,
    /// Expires at, Unix milliseconds.
    expires_ms: i64,
    /// Random one-time id.
    id: String,
    /// What a multi-step sign-in carries from one step to the next.
    #[serde(flatten)]
    pub(super) extra: SessionExtra,
}

/// The state of a sign-in past its first factor (MFA and device steps),
/// carried in its sessions. Absent members are omitted from the sealed JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct SessionExtra {
    /// When the first factor was proven, Unix milliseconds (`auth_time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) auth_ms: Option<i64>,
    /// The sign-in answered `NEW_PASSWORD_REQUIRED` (PreTokenGeneration's
    /// `TokenGeneration_NewPasswordChallenge`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) new_password: bool,
    /// The `DEVICE_KEY` the sign-in presented, checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) device_key: Option<String>,
    /// The id of the SMS or email code this challenge sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) code_id: Option<u64>,
    /// The factor a correct code turns on (MFA required, the user had none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) enroll: Option<String>,
    /// The sign-in came from the hosted page: its last step answers a
    /// proof for a hosted session (`pool::oauth::hosted`), not tokens.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) hosted: bool,
}

impl SessionExtra {
    /// The state of a sign-in whose first factor was proven at
    /// `auth_time`, ending in PreTokenGeneration's `source`, on
    /// `device_key`.
    pub(super) fn sign_in(
        auth_time: Timestamp,
        source: crate::triggers::TriggerSource,
        device_key: Option<String>,
    ) -> Self {
        Self {
            auth_ms: Some(auth_time.unix_millis()),
            new_password: source
                == crate::triggers::TriggerSource::TokenGenerationNewPasswordChallenge,
            device_key,
            ..Self::default()
        }
    }
}

fn aad(pool_id: &str) -> Vec<u8> {
    format!("userpool/session|{pool_id}").into_bytes()
}

impl UserPool {
    /// Issues a sealed session for `challenge` to `user` through
    /// `client_id`, carrying `extra`.
    pub(super) fn issue_session(
        &self,
        client_id: &str,
        user: &crate::store::UserRecord,
        challenge: &str,
        validity: Duration,
        now: Timestamp,
        extra: SessionExtra,
    ) -> Result<String> {
        let state = SessionState {
            v: 1,
            client_id: client_id.to_owned(),
            username: user.username.clone(),
            sub: user.sub().to_owned(),
            challenge: challenge.to_owned(),
            issued_ms: now.unix_millis(),
            expires_ms: now.saturating_add(validity).unix_millis(),
            id: hex::encode(&random::bytes::<16>()?),
            extra,
        };
        let json = serde_json::to_vec(&state)
            .map_err(|_| Error::internal("Could not encode the session."))?;
        let sealed = self.inner.keys.seal(
            Sealed::Session,
            random::bytes::<12>()?,
            &aad(self.id()),
            &json,
        )?;
        Ok(format!("{}.{}", self.id(), URL_SAFE_NO_PAD.encode(sealed)))
    }

    /// Opens a session for `challenge` from `client_id` without using it up.
    ///
    /// # Errors
    /// `NotAuthorizedException` `Invalid session for the user.` for anything
    /// not sealed by this pool for this client and challenge, and
    /// `Invalid session for the user, session is expired.` past its lifetime.
    pub(super) fn open_session(
        &self,
        session: Option<&str>,
        client_id: &str,
        challenge: &str,
        now: Timestamp,
    ) -> Result<SessionState> {
        let state = self.open_any_session(session, Some(client_id), now)?;
        if state.challenge != challenge {
            return Err(Error::not_authorized("Invalid session for the user."));
        }
        Ok(state)
    }

    /// Opens a session of any challenge, from `client_id` when given,
    /// without using it up.
    ///
    /// # Errors
    /// As [`UserPool::open_session`].
    pub(super) fn open_any_session(
        &self,
        session: Option<&str>,
        client_id: Option<&str>,
        now: Timestamp,
    ) -> Result<SessionState> {
        let invalid = || Error::not_authorized("Invalid session for the user.");
        let session = session
            .filter(|s| s.len() <= MAX_SESSION_LEN)
            .ok_or_else(invalid)?;
        let (pool, sealed) = session.split_once('.').ok_or_else(invalid)?;
        if pool != self.id() {
            return Err(invalid());
        }
        let sealed = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| invalid())?;
        let (json, _) = self
            .inner
            .keys
            .open(Sealed::Session, &aad(self.id()), &sealed, now)
            .ok_or_else(invalid)?;
        let state: SessionState = serde_json::from_slice(&json).map_err(|_| invalid())?;
        if state.v != 1 || client_id.is_some_and(|c| c != state.client_id) {
            return Err(invalid());
        }
        if now >= Timestamp::from_unix_millis(state.expires_ms) {
            return Err(Error::not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        Ok(state)
    }

    /// Uses the session up; a second use is refused.
    ///
    /// # Errors
    /// `NotAuthorizedException` `Invalid session for the user, session can only be used once.`
    pub(super) fn consume_session(&self, state: &SessionState) -> Result<()> {
        let fresh = self
            .store()
            .consume_once(
                self.id(),
                &OnceId::Session(state.id.clone()),
                Timestamp::from_unix_millis(state.expires_ms),
            )
            .map_err(store_error)?;
        if fresh {
            Ok(())
        } else {
            Err(Error::not_authorized(
                "Invalid session for the user, session can only be used once.",
            ))
        }
    }
}

/// The pool id a session names (for routing; see the module docs), if it
/// has the shape of one.
#[must_use]
pub(crate) fn session_pool_id(session: &str) -> Option<&str> {
    session
        .split_once('.')
        .map(|(pool, _)| pool)
        .filter(|p| !p.is_empty() && p.len() <= 64)
}
