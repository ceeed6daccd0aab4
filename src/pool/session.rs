//! Auth-challenge sessions: the `Session` string a challenge response must
//! echo. Stateless and sealed (AES-256-GCM under a key derived from the pool
//! secret), so any process sharing the pool secret can open it; single use
//! through the store's `consume_once`, so a captured answer cannot be
//! replayed. Lifetime: the app client's `AuthSessionValidity`.

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
}

fn aad(pool_id: &str) -> Vec<u8> {
    format!("userpool/session|{pool_id}").into_bytes()
}

impl UserPool {
    /// Issues a sealed session for `challenge` to `username` through `client_id`.
    pub(super) fn issue_session(
        &self,
        client_id: &str,
        user: &crate::store::UserRecord,
        challenge: &str,
        validity: Duration,
        now: Timestamp,
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
        };
        let json = serde_json::to_vec(&state)
            .map_err(|_| Error::internal("Could not encode the session."))?;
        let sealed = self.inner.keys.seal(
            Sealed::Session,
            random::bytes::<12>()?,
            &aad(self.id()),
            &json,
        )?;
        Ok(URL_SAFE_NO_PAD.encode(sealed))
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
        let invalid = || Error::not_authorized("Invalid session for the user.");
        let session = session
            .filter(|s| s.len() <= MAX_SESSION_LEN)
            .ok_or_else(invalid)?;
        let sealed = URL_SAFE_NO_PAD.decode(session).map_err(|_| invalid())?;
        let (json, _) = self
            .inner
            .keys
            .open(Sealed::Session, &aad(self.id()), &sealed, now)
            .ok_or_else(invalid)?;
        let state: SessionState = serde_json::from_slice(&json).map_err(|_| invalid())?;
        if state.v != 1 || state.client_id != client_id || state.challenge != challenge {
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
