//! The `Session` of `CUSTOM_AUTH` (cognito-triggers.md §3.5): everything
//! the next step needs, sealed with AES-256-GCM under the pool's session
//! key, with additional data of its own, so it never opens as a
//! `NEW_PASSWORD_REQUIRED` session or the other way round.
//!
//! It is bound to the pool (the additional data), the app client, the user
//! (internal username and `sub`; for a name no user has, the simulated id
//! and the name as typed, folded), the step it answers (`CUSTOM_CHALLENGE`
//! or the `PASSWORD_VERIFIER` of an SRP-first flow, with that challenge's
//! `SECRET_BLOCK` id) and the round (the history's length). It carries the
//! session history Define sees, the latest CreateAuthChallenge's private
//! parameters and metadata, `userNotFound`, and its expiry
//! (`AuthSessionValidity`). A random id makes it single use through the
//! store's `consume_once`, as every other session.
//!
//! # Size
//!
//! Cognito's model limits `Session` to 2048 characters, and botocore
//! checks that before sending, so a longer one could not be answered. The
//! state is a compact binary record (about 170 bytes for a user with a
//! UUID username, plus 5 bytes and the metadata per history entry, plus the
//! private parameters), sealed (+28 bytes) and base64url-encoded (×4/3).
//! Measured: a one-time-code session after three rounds is about 310
//! characters; 1000 bytes of private parameters make it about 1630; the
//! private parameters and the metadata of every round may take about
//! 1.3 KB together — ample for one-time codes, hashes and signed links. A CreateAuthChallenge answer that would not fit fails the sign-in
//! with `InvalidLambdaResponseException` ([`TOO_LARGE`]) rather than
//! handing out a session no client can send back; nothing is kept server
//! side.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use super::super::keys::Sealed;
use super::super::{UserPool, store_error};
use super::ChallengeName;
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::pool::binary;
use crate::random;
use crate::store::OnceId;
use crate::triggers::{ChallengeResult, StringMap};

/// The longest `Session` Cognito's model allows.
pub(super) const MAX_SESSION_LEN: usize = 2048;

/// `InvalidLambdaResponseException`'s message when CreateAuthChallenge's
/// private parameters and metadata do not fit in a session.
pub(super) const TOO_LARGE: &str = "Invalid lambda function output : privateChallengeParameters \
     and challengeMetadata do not fit in the 2048-character Session";

const VERSION: u8 = 1;

/// What the session answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// A `CUSTOM_CHALLENGE`.
    CustomChallenge,
    /// The `PASSWORD_VERIFIER` of an SRP-first flow, for the `SECRET_BLOCK`
    /// with this one-time id.
    PasswordVerifier([u8; 16]),
    /// The `NEW_PASSWORD_REQUIRED` that follows that `PASSWORD_VERIFIER`
    /// for a user with a temporary password.
    NewPassword,
}

impl Step {
    /// The challenge this step answers.
    pub(super) const fn challenge(self) -> ChallengeName {
        match self {
            Self::CustomChallenge => ChallengeName::CustomChallenge,
            Self::PasswordVerifier(_) => ChallengeName::PasswordVerifier,
            Self::NewPassword => ChallengeName::NewPasswordRequired,
        }
    }
}

/// The state a `CUSTOM_AUTH` session carries. No `Debug`: it holds the
/// private challenge parameters, often the expected answer.
pub(super) struct CustomSession {
    pub(super) step: Step,
    pub(super) client_id: String,
    /// The internal username, or for a name no user has the simulated id.
    pub(super) username: String,
    /// The user's `sub`; for a name no user has, a placeholder of the same
    /// length that no user has.
    pub(super) sub: String,
    /// The name typed at `InitiateAuth`, folded, for users and names no
    /// user has alike (so that sessions of both are the same length).
    pub(super) typed: String,
    pub(super) user_not_found: bool,
    /// The rounds so far, as Define sees them.
    pub(super) history: Vec<ChallengeResult>,
    /// The latest CreateAuthChallenge's `challengeMetadata`.
    pub(super) metadata: Option<String>,
    /// The latest CreateAuthChallenge's `privateChallengeParameters`.
    pub(super) private: StringMap,
    pub(super) issued_ms: i64,
    pub(super) expires_ms: i64,
    /// Random one-time id.
    pub(super) id: [u8; 16],
}

fn aad(pool_id: &str) -> Vec<u8> {
    format!("userpool/custom-auth-session|{pool_id}").into_bytes()
}

fn name_code(name: &str) -> Option<u8> {
    match name {
        "SRP_A" => Some(0),
        "PASSWORD_VERIFIER" => Some(1),
        "CUSTOM_CHALLENGE" => Some(2),
        "NEW_PASSWORD_REQUIRED" => Some(3),
        _ => None,
    }
}

fn code_name(code: u8) -> Option<&'static str> {
    match code {
        0 => Some("SRP_A"),
        1 => Some("PASSWORD_VERIFIER"),
        2 => Some("CUSTOM_CHALLENGE"),
        3 => Some("NEW_PASSWORD_REQUIRED"),
        _ => None,
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) -> Result<()> {
    binary::put_str(out, s).map_err(|_| too_large())
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) -> Result<()> {
    binary::put_opt(out, s).map_err(|_| too_large())
}

fn too_large() -> Error {
    Error::new(ErrorCode::InvalidLambdaResponse, TOO_LARGE)
}

impl CustomSession {
    fn encode(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(Vec::with_capacity(256));
        out.push(VERSION);
        match self.step {
            Step::CustomChallenge => out.push(0),
            Step::PasswordVerifier(block) => {
                out.push(1);
                out.extend_from_slice(&block);
            }
            Step::NewPassword => out.push(2),
        }
        out.push(u8::from(self.user_not_found));
        put_str(&mut out, &self.client_id)?;
        put_str(&mut out, &self.username)?;
        put_str(&mut out, &self.sub)?;
        put_str(&mut out, &self.typed)?;
        out.extend_from_slice(&self.issued_ms.to_be_bytes());
        out.extend_from_slice(&self.expires_ms.to_be_bytes());
        out.extend_from_slice(&self.id);
        let rounds = u8::try_from(self.history.len())
            .map_err(|_| Error::internal("Too many rounds in a session."))?;
        out.push(rounds);
        for entry in &self.history {
            let code = name_code(&entry.challenge_name)
                .ok_or_else(|| Error::internal("A session entry the engine does not record."))?;
            out.push(code);
            out.push(u8::from(entry.challenge_result));
            put_opt(&mut out, entry.challenge_metadata.as_deref())?;
        }
        put_opt(&mut out, self.metadata.as_deref())?;
        let count = u16::try_from(self.private.len()).map_err(|_| too_large())?;
        out.extend_from_slice(&count.to_be_bytes());
        for (k, v) in &self.private {
            put_str(&mut out, k)?;
            put_str(&mut out, v)?;
        }
        Ok(out)
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = binary::Reader(bytes);
        if r.u8()? != VERSION {
            return None;
        }
        let step = match r.u8()? {
            0 => Step::CustomChallenge,
            1 => Step::PasswordVerifier(r.array()?),
            2 => Step::NewPassword,
            _ => return None,
        };
        let user_not_found = match r.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let client_id = r.string()?;
        let username = r.string()?;
        let sub = r.string()?;
        let typed = r.string()?;
        let issued_ms = r.i64()?;
        let expires_ms = r.i64()?;
        let id = r.array()?;
        let rounds = r.u8()?;
        let mut history = Vec::with_capacity(usize::from(rounds));
        for _ in 0..rounds {
            let name = code_name(r.u8()?)?;
            let result = match r.u8()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            history.push(ChallengeResult::new(name, result, r.opt()?));
        }
        let metadata = r.opt()?;
        let count = r.u16()?;
        let mut private = StringMap::new();
        for _ in 0..count {
            let k = r.string()?;
            let v = r.string()?;
            private.insert(k, v);
        }
        r.0.is_empty().then_some(Self {
            step,
            client_id,
            username,
            sub,
            typed,
            user_not_found,
            history,
            metadata,
            private,
            issued_ms,
            expires_ms,
            id,
        })
    }
}

impl UserPool {
    /// Seals `state` into a `Session`.
    ///
    /// # Errors
    /// `InvalidLambdaResponseException` ([`TOO_LARGE`]) when it would be
    /// longer than Cognito's 2048 characters.
    pub(super) fn seal_custom_session(&self, state: &CustomSession) -> Result<String> {
        let plain = state.encode()?;
        let sealed = self.inner.keys.seal(
            Sealed::Session,
            random::bytes::<12>()?,
            &aad(self.id()),
            &plain,
        )?;
        let session = URL_SAFE_NO_PAD.encode(sealed);
        if session.len() > MAX_SESSION_LEN {
            return Err(too_large());
        }
        Ok(session)
    }

    /// Opens a `CUSTOM_AUTH` session sent through `client_id`, without
    /// using it up; `None` when `session` is not one (it may be another
    /// kind of session, or garbage).
    pub(super) fn open_custom_session(
        &self,
        session: Option<&str>,
        now: Timestamp,
    ) -> Option<CustomSession> {
        let session = session.filter(|s| s.len() <= MAX_SESSION_LEN)?;
        let sealed = URL_SAFE_NO_PAD.decode(session).ok()?;
        let (plain, _) = self
            .inner
            .keys
            .open(Sealed::Session, &aad(self.id()), &sealed, now)?;
        CustomSession::decode(&plain)
    }

    /// Checks an opened session: sent through `client_id`, answering
    /// `challenge`, not expired.
    ///
    /// # Errors
    /// `NotAuthorizedException` `Invalid session for the user.` for another
    /// client; `InvalidParameterException` for a `ChallengeName` the session
    /// does not expect (cognito-triggers.md §3.5, the recommended choice);
    /// `NotAuthorizedException` `Invalid session for the user, session is
    /// expired.` past its lifetime.
    pub(super) fn check_custom_session(
        state: &CustomSession,
        client_id: &str,
        challenge: ChallengeName,
        now: Timestamp,
    ) -> Result<()> {
        if state.client_id != client_id {
            return Err(Error::not_authorized("Invalid session for the user."));
        }
        let expected = state.step.challenge();
        if expected != challenge {
            return Err(Error::invalid_parameter(format!(
                "The session expects an answer to {}, not to {}.",
                expected.as_str(),
                challenge.as_str()
            )));
        }
        if now >= Timestamp::from_unix_millis(state.expires_ms) {
            return Err(Error::not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        Ok(())
    }

    /// Uses a `CUSTOM_AUTH` session up; a second use is refused.
    ///
    /// # Errors
    /// `NotAuthorizedException` `Invalid session for the user, session can only be used once.`
    pub(super) fn consume_custom_session(&self, state: &CustomSession) -> Result<()> {
        let fresh = self
            .store()
            .consume_once(
                self.id(),
                &OnceId::Session(crate::hex::encode(&state.id)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(private_len: usize) -> CustomSession {
        let mut private = StringMap::new();
        private.insert("answer".into(), "x".repeat(private_len));
        CustomSession {
            step: Step::PasswordVerifier([3; 16]),
            client_id: "1example23456789abcdefghij".into(),
            username: "0b0f2c8e-6a0e-4f0e-9c1b-3f7f0e2a1d4c".into(),
            sub: "0b0f2c8e-6a0e-4f0e-9c1b-3f7f0e2a1d4c".into(),
            typed: String::new(),
            user_not_found: false,
            history: vec![
                ChallengeResult::new("SRP_A", true, None),
                ChallengeResult::new("PASSWORD_VERIFIER", true, None),
                ChallengeResult::new("CUSTOM_CHALLENGE", false, Some("CODE-1".into())),
            ],
            metadata: Some("CODE-2".into()),
            private,
            issued_ms: 1,
            expires_ms: 2,
            id: [7; 16],
        }
    }

    #[test]
    fn sessions_round_trip_and_reject_truncation_and_trailing_bytes() {
        let bytes = sample(6).encode().unwrap_or_default();
        let back = CustomSession::decode(&bytes);
        assert!(
            back.as_ref()
                .is_some_and(|s| s.step == Step::PasswordVerifier([3; 16])
                    && s.history.len() == 3
                    && s.history[2].challenge_metadata.as_deref() == Some("CODE-1")
                    && !s.history[2].challenge_result
                    && s.metadata.as_deref() == Some("CODE-2")
                    && s.private.get("answer").map(String::as_str) == Some("xxxxxx")
                    && s.id == [7; 16])
        );
        assert!(CustomSession::decode(&bytes[..bytes.len() - 1]).is_none());
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(CustomSession::decode(&longer).is_none());
        assert!(CustomSession::decode(&[VERSION + 1]).is_none());
    }

    #[test]
    fn the_plaintext_leaves_about_1_3_kb_for_private_parameters() {
        // Sealing adds 28 bytes; base64url without padding is 4/3.
        let sealed_len = |n: usize| sample(n).encode().map_or(usize::MAX, |b| b.len() + 28);
        let fits = |n: usize| (sealed_len(n) * 4).div_ceil(3) <= MAX_SESSION_LEN;
        assert!(fits(1200));
        assert!(!fits(1400));
    }
}
