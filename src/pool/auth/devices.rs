//! Remembered devices in sign-in (cognito-mfa-devices-passwordless.md §3
//! steps 0, 4 and 7, §6.1, §6.4).
//!
//! ```text
//!  first factor ─▶ step 0: DEVICE_KEY names a live device of the user? (else "Device does not exist.")
//!       │
//!  step 4: remembered + ChallengeRequiredOnNewDevice ─▶ no MFA
//!       │
//!  MFA (auth::mfa) ─▶ step 7 (complete_sign_in):
//!       ├─ remembered device ─▶ DEVICE_SRP_AUTH ─▶ DEVICE_PASSWORD_VERIFIER ─▶ tokens
//!       ├─ confirmed, not remembered ─▶ tokens bound to it
//!       └─ no valid key, tracking on ─▶ tokens + NewDeviceMetadata (a new, unconfirmed device)
//! ```
//!
//! The device's handshake is the user SRP of `pool::srp` with the device's
//! names and verifier, its `SECRET_BLOCK` sealed for its own flow; the
//! proof is compared in constant time and a wrong one counts toward the
//! user's lockout like a wrong password.
//!
//! # Choices where Cognito is undocumented
//!
//! * With device tracking off, `DEVICE_KEY` is ignored.
//! * A key of the user's device that is still unconfirmed passes step 0
//!   but counts as no key: the sign-in gets a new key (such a device can
//!   neither sign in with SRP nor refresh).
//! * A confirmed `not_remembered` device: tokens bound to it, no new key
//!   (§3 step 7).
//! * `DEVICE_SRP_AUTH`'s parameters are `{"USERNAME": <internal name>}`;
//!   `DEVICE_PASSWORD_VERIFIER`'s add `DEVICE_KEY`, `SALT`, `SRP_B` and
//!   `SECRET_BLOCK` (§6.4).
//! * The answers' `USERNAME` may be the name typed or the internal one;
//!   `DEVICE_KEY` must be the key the session was issued for, else
//!   `NotAuthorizedException` `Invalid session for the user.`
//! * A wrong device proof is `NotAuthorizedException` `Incorrect username
//!   or password.` and counts toward the lockout (§8.2).
//! * Tokens after device SRP: PostAuthentication with `newDeviceUsed`
//!   false, PreTokenGeneration with `TokenGeneration_AuthenticateDevice`.
//!   `last_ip_used` is not recorded: the engine is not told the caller's
//!   address.
//! * Answers without a `Session` (§6.4's Session-less variant, as pycognito
//!   and AWS's Java example send them): `DEVICE_SRP_AUTH` issued at step 7
//!   also leaves a pending record, keyed by a keyed digest of the client,
//!   the user and the device key, valid for the client's
//!   `AuthSessionValidity`; a `DEVICE_SRP_AUTH` answer without `Session`
//!   takes it (once: a compare-and-swap empties it), and one with the
//!   `Session` empties it too, so one proven first factor (and MFA) allows
//!   one device sign-in either way. The `DEVICE_PASSWORD_VERIFIER` step
//!   needs no session: its sealed, single-use `SECRET_BLOCK` carries the
//!   sign-in's state. Without a pending record the answer is
//!   `NotAuthorizedException` `Invalid session for the user.`: device SRP
//!   never yields tokens without a preceding first factor.

use std::collections::BTreeMap;

use ring::hmac;

use super::{
    AuthResponse, Authenticated, ChallengeName, RespondToAuthChallengeRequest, TriggerSource,
};
use crate::client::{AppClient, check_secret_hash};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::pool::devices::device_not_found;
use crate::pool::params::{DeviceSrpAnswer, PasswordVerifierAnswer};
use crate::pool::session::{SessionExtra, SessionState};
use crate::pool::srp::{BlockFlow, Claimant, SrpIdentity};
use crate::pool::{UserPool, store_error};
use crate::store::{DeviceStatus, EphemeralKey, UserRecord};
use crate::triggers::StringMap;

/// What step 7 decided.
pub(super) enum DeviceStep {
    /// `DEVICE_SRP_AUTH`: the device proves its secret first.
    Challenge(AuthResponse),
    /// Tokens, bound to `bound` (a confirmed device the sign-in presented);
    /// `new_device`: issue a new device key with them.
    Tokens {
        bound: Option<String>,
        new_device: bool,
    },
}

fn invalid_session() -> Error {
    Error::not_authorized("Invalid session for the user.")
}

/// The sign-in's state sealed into the device `SECRET_BLOCK`:
/// `<auth ms>|<device key>`.
fn encode_context(extra: &SessionExtra, device_key: &str) -> String {
    format!("{}|{device_key}", extra.auth_ms.unwrap_or_default())
}

fn decode_context(context: &str) -> Option<(i64, &str)> {
    let (auth_ms, key) = context.split_once('|')?;
    if key.is_empty() {
        return None;
    }
    Some((auth_ms.parse().ok()?, key))
}

impl UserPool {
    /// The key of the record a sign-in waiting for `device_key`'s SRP
    /// leaves, for Session-less answers: a keyed digest of the client, the
    /// user (name and `sub`) and the device key.
    fn pending_device_key(
        &self,
        client: &AppClient,
        user: &UserRecord,
        device_key: &str,
    ) -> EphemeralKey {
        let mut c = hmac::Context::with_key(self.inner.keys.code());
        c.update(b"userpool/v1/device-sign-in/");
        for part in [client.id(), &user.username, user.sub(), device_key] {
            c.update(part.as_bytes());
            c.update(&[0]);
        }
        let mut digest = [0u8; 32];
        digest.copy_from_slice(c.sign().as_ref());
        EphemeralKey::DeviceSignIn { digest }
    }

    /// Leaves the pending record of a `DEVICE_SRP_AUTH` challenge: the
    /// first factor's time, until the session would expire.
    fn put_pending_device(
        &self,
        client: &AppClient,
        user: &UserRecord,
        device_key: &str,
        auth_ms: i64,
        now: Timestamp,
    ) -> Result<()> {
        let key = self.pending_device_key(client, user, device_key);
        let expires = now.saturating_add(client.config().auth_session_validity());
        for _ in 0..4 {
            let version = self
                .store()
                .get_ephemeral(self.id(), &key)
                .map_err(store_error)?
                .map_or(0, |r| r.version);
            if self
                .store()
                .put_ephemeral(self.id(), &key, &auth_ms.to_be_bytes(), expires, version)
                .map_err(store_error)?
            {
                return Ok(());
            }
        }
        Err(Error::internal(
            "The pending device sign-in changed too often to record.",
        ))
    }

    /// Takes the pending record of a device sign-in: its first factor's
    /// time, once. With `only`, takes it only if it is that sign-in's.
    fn take_pending_device(
        &self,
        client: &AppClient,
        user: &UserRecord,
        device_key: &str,
        only: Option<i64>,
        now: Timestamp,
    ) -> Result<Option<i64>> {
        let key = self.pending_device_key(client, user, device_key);
        let Some(record) = self
            .store()
            .get_ephemeral(self.id(), &key)
            .map_err(store_error)?
        else {
            return Ok(None);
        };
        let Ok(bytes) = <[u8; 8]>::try_from(record.data.as_slice()) else {
            return Ok(None);
        };
        let auth_ms = i64::from_be_bytes(bytes);
        if now >= record.expires_at || only.is_some_and(|ms| ms != auth_ms) {
            return Ok(None);
        }
        let taken = self
            .store()
            .put_ephemeral(self.id(), &key, &[], record.expires_at, record.version)
            .map_err(store_error)?;
        Ok(taken.then_some(auth_ms))
    }

    /// §3 step 0: a `DEVICE_KEY` the sign-in presented must name a live
    /// device of `user`. Returns the key to carry on with: `None` when
    /// none was presented, the pool does not track devices, or the device
    /// is still unconfirmed.
    ///
    /// # Errors
    /// `ResourceNotFoundException` `Device does not exist.`
    pub(super) fn presented_device(
        &self,
        user: &UserRecord,
        device_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<String>> {
        let Some(key) = device_key.filter(|_| self.tracks_devices()) else {
            return Ok(None);
        };
        match self.device_of(user, key, now)? {
            None => Err(device_not_found()),
            Some(d) if d.status == DeviceStatus::Unconfirmed => Ok(None),
            Some(_) => Ok(Some(key.to_owned())),
        }
    }

    /// §6.6: whether a refresh token bound to `bound` may refresh with the
    /// `presented` key: the same key, of a device of `user` that is
    /// confirmed and not forgotten.
    pub(super) fn refresh_device_ok(
        &self,
        user: &UserRecord,
        bound: &str,
        presented: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        if presented != Some(bound) {
            return Ok(false);
        }
        Ok(self
            .device_of(user, bound, now)?
            .is_some_and(|d| d.status != DeviceStatus::Unconfirmed))
    }

    /// §3 step 4: whether `device_key` names a remembered device of `user`
    /// that lets the sign-in skip MFA (`ChallengeRequiredOnNewDevice`).
    pub(in crate::pool) fn device_skips_mfa(
        &self,
        user: &UserRecord,
        device_key: Option<&str>,
    ) -> Result<bool> {
        let Some(config) = self.config().device_configuration() else {
            return Ok(false);
        };
        let Some(key) = device_key.filter(|_| config.challenge_required_on_new_device) else {
            return Ok(false);
        };
        Ok(self
            .device_of(user, key, self.now())?
            .is_some_and(|d| d.status == DeviceStatus::Remembered))
    }

    /// §3 step 7: `DEVICE_SRP_AUTH` for a remembered device; else tokens,
    /// bound to a confirmed device the sign-in presented, or with a new
    /// key when the pool tracks devices and none was.
    pub(super) fn device_challenge(
        &self,
        client: &AppClient,
        proof: &Authenticated,
        device_key: Option<&str>,
        source: TriggerSource,
    ) -> Result<DeviceStep> {
        if !self.tracks_devices() {
            return Ok(DeviceStep::Tokens {
                bound: None,
                new_device: false,
            });
        }
        let device = match device_key {
            Some(key) => self.device_of(&proof.user, key, proof.auth_time)?,
            None => None,
        };
        match device {
            Some(d) if d.status == DeviceStatus::Remembered => {
                let now = self.now();
                self.put_pending_device(
                    client,
                    &proof.user,
                    &d.key,
                    proof.auth_time.unix_millis(),
                    now,
                )?;
                let extra = SessionExtra::sign_in(proof.auth_time, source, Some(d.key));
                let mut parameters = BTreeMap::new();
                parameters.insert("USERNAME".to_owned(), proof.user.username.clone());
                self.put_challenge(
                    client,
                    &proof.user,
                    ChallengeName::DeviceSrpAuth,
                    parameters,
                    extra,
                    now,
                )
                .map(DeviceStep::Challenge)
            }
            Some(d) if d.status == DeviceStatus::NotRemembered => Ok(DeviceStep::Tokens {
                bound: Some(d.key),
                new_device: false,
            }),
            _ => Ok(DeviceStep::Tokens {
                bound: None,
                new_device: true,
            }),
        }
    }

    /// Answers `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER`.
    pub(super) fn device_respond(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        match request.challenge_name {
            ChallengeName::DeviceSrpAuth => self.answer_device_srp(client, request, now),
            _ => self.answer_device_verifier(client, request, now),
        }
    }

    /// Opens the session of a device answer, issued for `challenge` to
    /// this client.
    fn open_device_session(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        challenge: ChallengeName,
        now: Timestamp,
    ) -> Result<SessionState> {
        let state = self.open_any_session(request.session.as_deref(), Some(client.id()), now)?;
        if state.challenge != challenge.as_str() {
            return Err(Error::new(
                ErrorCode::CodeMismatch,
                "Invalid code or auth state for the user.",
            ));
        }
        Ok(state)
    }

    /// `DEVICE_SRP_AUTH` (§6.4 step 3): the device's `SRP_A` in, the
    /// `DEVICE_PASSWORD_VERIFIER` challenge out. With the challenge's
    /// `Session`, or without one when a sign-in is pending for this
    /// client, user and device (see the module docs).
    fn answer_device_srp(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let answer = DeviceSrpAnswer::read(&request.challenge_responses)?;
        let state = match request.session {
            Some(_) => Some(self.open_device_session(
                client,
                request,
                ChallengeName::DeviceSrpAuth,
                now,
            )?),
            None => None,
        };
        check_secret_hash(client, answer.username, answer.secret_hash)?;
        let user = self
            .resolve(answer.username)?
            .filter(|u| {
                state
                    .as_ref()
                    .is_none_or(|s| u.username == s.username && u.sub() == s.sub)
            })
            .ok_or_else(invalid_session)?;
        if state
            .as_ref()
            .is_some_and(|s| s.extra.device_key.as_deref() != Some(answer.device_key))
        {
            return Err(invalid_session());
        }
        let device = self
            .device_of(&user, answer.device_key, now)?
            .filter(|d| d.status == DeviceStatus::Remembered)
            .ok_or_else(device_not_found)?;
        let verifier = self
            .open_device_verifier(&device)
            .ok_or_else(|| Error::not_authorized("Incorrect username or password."))?;
        crate::srp::parse_srp_a(answer.srp_a)?;
        let extra = match state {
            Some(state) => {
                self.consume_session(&state)?;
                let only = state.extra.auth_ms.unwrap_or_default();
                self.take_pending_device(client, &user, answer.device_key, Some(only), now)?;
                state.extra
            }
            None => {
                let auth_ms = self
                    .take_pending_device(client, &user, answer.device_key, None, now)?
                    .ok_or_else(invalid_session)?;
                SessionExtra {
                    auth_ms: Some(auth_ms),
                    device_key: Some(answer.device_key.to_owned()),
                    ..SessionExtra::default()
                }
            }
        };
        let identity =
            SrpIdentity::device(&user, verifier, encode_context(&extra, answer.device_key));
        let (mut parameters, _) = self.srp_challenge(
            client,
            answer.username,
            answer.srp_a,
            identity,
            BlockFlow::Device,
            now,
        )?;
        parameters.remove("USER_ID_FOR_SRP");
        parameters.insert("DEVICE_KEY".to_owned(), device.key);
        self.put_challenge(
            client,
            &user,
            ChallengeName::DevicePasswordVerifier,
            parameters,
            extra,
            now,
        )
    }

    /// `DEVICE_PASSWORD_VERIFIER` (§6.4 step 4): the device's proof in,
    /// tokens bound to the device out.
    fn answer_device_verifier(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let responses = &request.challenge_responses;
        let answer = PasswordVerifierAnswer::read(responses)?;
        let device_key = answer
            .device_key
            .ok_or_else(|| Error::invalid_parameter("Missing required parameter DEVICE_KEY"))?;
        // Optional: the sealed, single-use block carries the sign-in.
        let state = match request.session {
            Some(_) => Some(self.open_device_session(
                client,
                request,
                ChallengeName::DevicePasswordVerifier,
                now,
            )?),
            None => None,
        };
        if state
            .as_ref()
            .is_some_and(|s| s.extra.device_key.as_deref() != Some(device_key))
        {
            return Err(invalid_session());
        }
        let owner = self
            .resolve(answer.username)?
            .filter(|u| {
                state
                    .as_ref()
                    .is_none_or(|s| u.username == s.username && u.sub() == s.sub)
            })
            .ok_or_else(invalid_session)?;
        let device = self
            .device_of(&owner, device_key, now)?
            .filter(|d| d.status == DeviceStatus::Remembered)
            .ok_or_else(device_not_found)?;
        let verifier = self
            .open_device_verifier(&device)
            .ok_or_else(|| Error::not_authorized("Incorrect username or password."))?;
        let claimant = Claimant::Device {
            group_key: &device.group_key,
            device_key,
            v: &verifier.v,
        };
        let (user, context) =
            self.srp_prove_as(client, &answer, (BlockFlow::Device, claimant), None, now)?;
        let (auth_ms, key) = decode_context(&context).ok_or_else(invalid_session)?;
        if key != device_key || user.sub() != device.sub {
            return Err(invalid_session());
        }
        if let Some(state) = &state {
            self.consume_session(state)?;
        }
        if !user.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        self.device_signed_in(&user, device_key, None, now)?;
        let proof = Authenticated {
            user,
            auth_time: Timestamp::from_unix_millis(auth_ms),
            device_key: Some(device_key.to_owned()),
            hosted: false,
        };
        self.device_tokens(client, proof, request.client_metadata.as_ref())
    }

    /// The tokens of a device sign-in: PostAuthentication (no new
    /// device), then PreTokenGeneration `TokenGeneration_AuthenticateDevice`.
    fn device_tokens(
        &self,
        client: &AppClient,
        proof: Authenticated,
        metadata: Option<&StringMap>,
    ) -> Result<AuthResponse> {
        self.post_authentication(client, &proof.user, false, metadata)?;
        Ok(AuthResponse::tokens(self.issue_tokens(
            client,
            &proof,
            metadata,
            TriggerSource::TokenGenerationAuthenticateDevice,
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_round_trip_and_refuse_garbage() {
        let extra = SessionExtra {
            auth_ms: Some(1_700_000_000_123),
            ..SessionExtra::default()
        };
        let c = encode_context(&extra, "us-east-1_a|b");
        assert_eq!(
            decode_context(&c),
            Some((1_700_000_000_123, "us-east-1_a|b"))
        );
        for bad in ["", "x|k", "1|", "1"] {
            assert_eq!(decode_context(bad), None, "{bad}");
        }
    }
}
