//! `USER_SRP_AUTH` and the `PASSWORD_VERIFIER` challenge (cognito-protocol.md §1).
//!
//! Stateless between the two calls: the `SECRET_BLOCK` handed to the client
//! is the handshake state (the server's secret `b`, `A`, `u`) sealed with
//! AES-256-GCM under a key derived from the pool secret, bound to the pool,
//! the app client and the user, expiring with the client's auth-session
//! validity and usable once. Several real clients never echo a `Session`, so
//! nothing else is needed to answer.
//!
//! Verifiers are stored sealed with another derived key: `v` is one SHA-256
//! of the password away from a dictionary attack, so the store alone must
//! not reveal it.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::auth::{
    AuthResponse, Authenticated, ChallengeName, RespondToAuthChallengeRequest, user_not_confirmed,
};
use super::binary;
use super::keys::Sealed;
use super::params::{PasswordVerifierAnswer, SrpAuth};
use super::windows::NameUse;
use super::{UserPool, store_error};
use crate::client::{AppClient, AuthFlow, check_secret_hash};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::lockout;
use crate::random;
use crate::secret::Password;
use crate::srp::{self, HandshakeState, Verifier};
use crate::store::{OnceId, UserRecord, UserStatus};
use crate::triggers::{StringMap, TriggerSource};

/// How far a client's `TIMESTAMP` may be from the server's clock
/// (cognito-protocol.md §1.8 and §10.1: the real window is undocumented).
pub(crate) const TIMESTAMP_SKEW: Duration = Duration::from_secs(5 * 60);

const INCORRECT: &str = "Incorrect username or password.";

fn incorrect() -> Error {
    Error::not_authorized(INCORRECT)
}

/// What the sealed `SECRET_BLOCK` carries.
struct SecretBlock {
    client_id: String,
    /// The internal username (`USER_ID_FOR_SRP`); for a simulated
    /// challenge, the fake id.
    username: String,
    /// The user's `sub` (empty for a simulated challenge).
    sub: String,
    /// A simulated challenge for a user that does not exist: never succeeds.
    simulated: bool,
    issued_ms: i64,
    expires_ms: i64,
    /// Random one-time id.
    id: [u8; 16],
    /// [`UserPool::name_digest`] of the name typed at step one, for real
    /// and unknown users alike (a fixed length, so blocks are as long):
    /// under `PreventUserExistenceErrors=ENABLED` a name no user has is
    /// locked out by it, as a user would be.
    name_digest: [u8; 32],
    /// What a device sign-in carries from `DEVICE_SRP_AUTH` to
    /// `DEVICE_PASSWORD_VERIFIER` (see `auth::devices`); empty for users.
    context: String,
    handshake: Zeroizing<Vec<u8>>,
}

const BLOCK_VERSION: u8 = 3;

fn put_str(out: &mut Vec<u8>, s: &str) -> Result<()> {
    binary::put_str(out, s).map_err(|_| Error::internal("A secret block field is too long."))
}

impl SecretBlock {
    fn encode(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(Vec::with_capacity(64 + self.handshake.len()));
        out.push(BLOCK_VERSION);
        put_str(&mut out, &self.client_id)?;
        put_str(&mut out, &self.username)?;
        put_str(&mut out, &self.sub)?;
        out.push(u8::from(self.simulated));
        out.extend_from_slice(&self.issued_ms.to_be_bytes());
        out.extend_from_slice(&self.expires_ms.to_be_bytes());
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&self.name_digest);
        put_str(&mut out, &self.context)?;
        out.extend_from_slice(&self.handshake);
        Ok(out)
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = binary::Reader(bytes);
        if r.u8()? != BLOCK_VERSION {
            return None;
        }
        Some(Self {
            client_id: r.string()?,
            username: r.string()?,
            sub: r.string()?,
            simulated: r.u8()? != 0,
            issued_ms: r.i64()?,
            expires_ms: r.i64()?,
            id: r.array()?,
            name_digest: r.array()?,
            context: r.string()?,
            handshake: Zeroizing::new(r.0.to_vec()),
        })
    }
}

/// Which flow a `SECRET_BLOCK` belongs to. Each has its own additional
/// data, so a block issued inside `CUSTOM_AUTH` never opens as a
/// `USER_SRP_AUTH` block: answering it there would skip the custom rounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BlockFlow {
    /// `USER_SRP_AUTH`.
    UserSrp,
    /// The `PASSWORD_VERIFIER` of `CUSTOM_AUTH` started with `SRP_A`.
    CustomAuth,
    /// `DEVICE_PASSWORD_VERIFIER`: a remembered device's handshake.
    Device,
}

fn block_aad(pool_id: &str, flow: BlockFlow) -> Vec<u8> {
    match flow {
        BlockFlow::UserSrp => format!("userpool/srp-secret-block|{pool_id}").into_bytes(),
        BlockFlow::CustomAuth => format!("userpool/custom-srp-secret-block|{pool_id}").into_bytes(),
        BlockFlow::Device => format!("userpool/device-srp-secret-block|{pool_id}").into_bytes(),
    }
}

/// Whose secret a `PASSWORD_VERIFIER`-shaped answer proves.
#[derive(Clone, Copy)]
pub(super) enum Claimant<'a> {
    /// The user's password (the user's stored verifier).
    User,
    /// A remembered device: its `DeviceGroupKey`, `DeviceKey` and verifier `v`.
    Device {
        group_key: &'a str,
        device_key: &'a str,
        v: &'a [u8],
    },
}

/// Who a `PASSWORD_VERIFIER` challenge is for: the id shown
/// (`USER_ID_FOR_SRP`), the `sub` bound into the block, the verifier, and
/// whether the challenge is simulated (cannot succeed).
pub(super) struct SrpIdentity {
    user_id: String,
    sub: String,
    verifier: Verifier,
    simulated: bool,
    /// Sealed into the block as is (a device sign-in's state).
    context: String,
}

impl SrpIdentity {
    /// A remembered device of `user` with its verifier; `context` is
    /// sealed into the block for the `DEVICE_PASSWORD_VERIFIER` answer.
    pub(super) fn device(user: &UserRecord, verifier: Verifier, context: String) -> Self {
        Self {
            user_id: user.username.clone(),
            sub: user.sub().to_owned(),
            verifier,
            simulated: false,
            context,
        }
    }
}

fn verifier_aad(pool_id: &str, username: &str) -> Vec<u8> {
    format!("userpool/srp-verifier|{pool_id}|{username}").into_bytes()
}

impl UserPool {
    /// Whether any app client of the pool allows `USER_SRP_AUTH`, or
    /// `CUSTOM_AUTH` (which may start with SRP: amazon-cognito-identity-js
    /// does by default): only then are verifiers computed and stored.
    pub(super) fn srp_enabled(&self) -> Result<bool> {
        Ok(self.any_client_allows(AuthFlow::UserSrpAuth)?
            || self.any_client_allows(AuthFlow::CustomAuth)?)
    }

    /// The `poolName` SRP hashes: the pool id after its first `_` (§1.3).
    fn srp_pool_name(&self) -> &str {
        self.id()
            .split_once('_')
            .map_or(self.id(), |(_, name)| name)
    }

    /// Computes the SRP verifier of `password` for `username` with a fresh
    /// salt and seals `salt ‖ v` for storage.
    pub(super) fn seal_verifier(&self, username: &str, password: &Password) -> Result<Vec<u8>> {
        let salt = srp::random_salt()?;
        let verifier = srp::compute_verifier(
            self.srp_pool_name(),
            username,
            password.expose_secret().as_bytes(),
            &salt,
        );
        let mut plain = Zeroizing::new(Vec::with_capacity(salt.len() + verifier.v.len()));
        plain.extend_from_slice(&verifier.salt);
        plain.extend_from_slice(&verifier.v);
        self.seal_verifier_bytes(username, &plain)
    }

    fn seal_verifier_bytes(&self, username: &str, plain: &[u8]) -> Result<Vec<u8>> {
        self.inner.keys.seal(
            Sealed::Verifier,
            random::bytes::<12>()?,
            &verifier_aad(self.id(), username),
            plain,
        )
    }

    /// The user's verifier, if stored and sealed under this pool's secret
    /// (or the one it replaced, while that lives).
    pub(super) fn open_verifier(&self, user: &UserRecord) -> Option<Verifier> {
        let (plain, _) = self.open_verifier_bytes(user)?;
        let (salt, v) = plain.split_at(srp::SALT_LEN);
        Some(Verifier {
            salt: salt.to_vec(),
            v: v.to_vec(),
        })
    }

    /// `salt ‖ v` as stored, and whether it was sealed under the previous
    /// secret (and should be re-sealed).
    fn open_verifier_bytes(&self, user: &UserRecord) -> Option<(Zeroizing<Vec<u8>>, bool)> {
        let sealed = user.srp_verifier.as_ref()?;
        let (plain, stale) = self.inner.keys.open(
            Sealed::Verifier,
            &verifier_aad(self.id(), &user.username),
            sealed,
            self.now(),
        )?;
        (plain.len() > srp::SALT_LEN).then_some((plain, stale))
    }

    /// Whether the user has a verifier sealed under the current secret.
    pub(super) fn has_current_verifier(&self, user: &UserRecord) -> bool {
        matches!(self.open_verifier_bytes(user), Some((_, false)))
    }

    /// The user's verifier re-sealed under the current secret, if it is
    /// still sealed under the previous one.
    pub(super) fn resealed_verifier(&self, user: &UserRecord) -> Result<Option<Vec<u8>>> {
        match self.open_verifier_bytes(user) {
            Some((plain, true)) => self.seal_verifier_bytes(&user.username, &plain).map(Some),
            _ => Ok(None),
        }
    }

    /// The `USER_ID_FOR_SRP` shown for a name no user has, under
    /// `PreventUserExistenceErrors=ENABLED`: what a real user typed that way
    /// would most likely get.
    ///
    /// A real user gets their internal username. In pools with username
    /// attributes that is a UUID, and so is `fake_id` (Cognito documents a
    /// UUID for every simulated user, cognito-protocol.md §1.13, which in
    /// other pools tells a name no one has from one someone has: we do not
    /// follow it there). Elsewhere a name typed as the username comes back
    /// as typed, so the simulation returns it, folded as the pool folds
    /// names; a name shaped like an email or phone alias the pool accepts
    /// resolves to some other username, which we cannot guess, and gets the
    /// UUID (the usual choice for usernames in such pools). What remains
    /// visible: a stored username with capitals in a case-insensitive pool,
    /// and a `preferred_username` typed as such, come back different from
    /// the typed name.
    fn simulated_srp_id(&self, folded: &str, fake_id: &str) -> String {
        if self.config().username_attributes().is_empty() && !self.looks_like_alias(folded) {
            folded.to_owned()
        } else {
            fake_id.to_owned()
        }
    }

    /// Step one: `InitiateAuth` / `AdminInitiateAuth` with `USER_SRP_AUTH`.
    ///
    /// PreAuthentication runs here, before `PASSWORD_VERIFIER` is returned
    /// (cognito-triggers.md §1.4, the recommended choice), with `metadata`
    /// (`InitiateAuth`'s `ClientMetadata`) as its `validationData`; never
    /// UserMigration, which SRP cannot feed a password.
    pub(super) fn srp_initiate(
        &self,
        client: &AppClient,
        auth: &SrpAuth<'_>,
        metadata: Option<&StringMap>,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let (username, srp_a) = (auth.username, auth.srp_a);
        check_secret_hash(client, username, auth.secret_hash)?;
        // Malformed or degenerate A is refused before any lookup (§1.12).
        srp::parse_srp_a(srp_a)?;
        let prevent = client.config().prevents_user_existence_errors();
        let found = self.resolve(username)?;
        self.pre_authentication(client, found.as_ref(), username, metadata)?;
        let identity = match found {
            Some(user) => {
                // Under ENABLED the state shows only after a correct proof,
                // as for a user who does not exist (step two).
                match user.status {
                    UserStatus::Unconfirmed if !prevent => {
                        return Err(user_not_confirmed());
                    }
                    UserStatus::ResetRequired if !prevent => {
                        return Err(Error::new(
                            ErrorCode::PasswordResetRequired,
                            "Password reset required for the user",
                        ));
                    }
                    _ => {}
                }
                self.srp_identity(&user)
            }
            None if prevent => self.simulated_srp_identity(username),
            None => return Err(Error::user_not_found()),
        };
        let (parameters, _) =
            self.srp_challenge(client, username, srp_a, identity, BlockFlow::UserSrp, now)?;
        Ok(AuthResponse {
            challenge_name: Some(ChallengeName::PasswordVerifier),
            session: None,
            challenge_parameters: parameters,
            authentication_result: None,
        })
    }

    /// The identity a `PASSWORD_VERIFIER` challenge to `user` carries.
    pub(super) fn srp_identity(&self, user: &UserRecord) -> SrpIdentity {
        match self.open_verifier(user) {
            Some(verifier) => SrpIdentity {
                user_id: user.username.clone(),
                sub: user.sub().to_owned(),
                verifier,
                simulated: false,
                context: String::new(),
            },
            // No verifier (password set before the pool had an SRP
            // client, or reset): a challenge that cannot succeed.
            None => {
                let (_, salt, v) =
                    srp::fake_user(self.inner.keys.simulation(), self.id(), &user.username);
                SrpIdentity {
                    user_id: user.username.clone(),
                    sub: user.sub().to_owned(),
                    verifier: Verifier { salt, v },
                    simulated: true,
                    context: String::new(),
                }
            }
        }
    }

    /// The identity of a simulated challenge to `username`, a name no user
    /// has (§1.13: the same salt and id for the same name every time).
    pub(super) fn simulated_srp_identity(&self, username: &str) -> SrpIdentity {
        let folded = self.fold(username);
        let (id, salt, v) = srp::fake_user(self.inner.keys.simulation(), self.id(), &folded);
        // The sub a UUID like a real one, so the sealed block is as long
        // as a real user's with the same id.
        SrpIdentity {
            user_id: self.simulated_srp_id(&folded, &id),
            sub: id,
            verifier: Verifier { salt, v },
            simulated: true,
            context: String::new(),
        }
    }

    /// The `USER_ID_FOR_SRP` (and challenge `USERNAME`) shown to a name no
    /// user has; see [`UserPool::simulated_srp_id`].
    pub(super) fn simulated_user_id(&self, username: &str) -> String {
        self.simulated_srp_identity(username).user_id
    }

    /// The parameters of a `PASSWORD_VERIFIER` challenge to `identity`
    /// (§1.5 step 7), with its `SECRET_BLOCK` sealed for `flow`, and the
    /// block's one-time id. `typed` is the name the client typed.
    pub(super) fn srp_challenge(
        &self,
        client: &AppClient,
        typed: &str,
        srp_a: &str,
        identity: SrpIdentity,
        flow: BlockFlow,
        now: Timestamp,
    ) -> Result<(BTreeMap<String, String>, [u8; 16])> {
        let SrpIdentity {
            user_id,
            sub,
            verifier,
            simulated,
            context,
        } = identity;
        let challenge = srp::server_challenge_random(&verifier.v, srp_a)?;
        let block = SecretBlock {
            client_id: client.id().to_owned(),
            username: user_id.clone(),
            sub,
            simulated,
            issued_ms: now.unix_millis(),
            expires_ms: now
                .saturating_add(client.config().auth_session_validity())
                .unix_millis(),
            id: random::bytes::<16>()?,
            name_digest: self.name_digest(NameUse::SignIn, typed),
            context,
            handshake: challenge.state().to_bytes(),
        };
        let sealed = self.inner.keys.seal(
            Sealed::SecretBlock,
            random::bytes::<12>()?,
            &block_aad(self.id(), flow),
            &block.encode()?,
        )?;
        let mut parameters = BTreeMap::new();
        parameters.insert("SALT".to_owned(), srp::salt_hex(&verifier.salt));
        parameters.insert("SECRET_BLOCK".to_owned(), STANDARD.encode(sealed));
        parameters.insert("SRP_B".to_owned(), challenge.srp_b());
        parameters.insert("USERNAME".to_owned(), user_id.clone());
        parameters.insert("USER_ID_FOR_SRP".to_owned(), user_id);
        Ok((parameters, block.id))
    }

    /// Step two: `RespondToAuthChallenge` with `PASSWORD_VERIFIER`.
    pub(super) fn srp_respond(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let answer = PasswordVerifierAnswer::read(&request.challenge_responses)?;
        let stored = self.srp_prove(client, &answer, BlockFlow::UserSrp, None, now)?;
        // Reached with a correct proof only (under LEGACY step one refused).
        if stored.status == UserStatus::Unconfirmed {
            return Err(user_not_confirmed());
        }
        if !stored.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        self.finish_sign_in(
            client,
            Authenticated::new(stored, now).presenting(answer.device_key),
            request.client_metadata.as_ref(),
            TriggerSource::TokenGenerationAuthentication,
        )
    }

    /// Checks a `PASSWORD_VERIFIER` answer to a block sealed for `flow`
    /// (and, when `expected` is given, with that one-time id): the block,
    /// its expiry, the secret hash, the `TIMESTAMP`, the lockout (counted
    /// up front, reset on success) and the proof. Returns the user as
    /// stored after a correct proof.
    pub(super) fn srp_prove(
        &self,
        client: &AppClient,
        answer: &PasswordVerifierAnswer<'_>,
        flow: BlockFlow,
        expected: Option<&[u8; 16]>,
        now: Timestamp,
    ) -> Result<UserRecord> {
        self.srp_prove_as(client, answer, (flow, Claimant::User), expected, now)
            .map(|(user, _)| user)
    }

    /// [`UserPool::srp_prove`] for any [`Claimant`]: a device's proof is
    /// checked against its own verifier and names, and counts toward the
    /// user's lockout like a password. Returns the user as stored and the
    /// context the block carried.
    pub(super) fn srp_prove_as(
        &self,
        client: &AppClient,
        answer: &PasswordVerifierAnswer<'_>,
        (flow, claimant): (BlockFlow, Claimant<'_>),
        expected: Option<&[u8; 16]>,
        now: Timestamp,
    ) -> Result<(UserRecord, String)> {
        let (block_b64, signature, timestamp, username) = (
            answer.secret_block,
            answer.signature,
            answer.timestamp,
            answer.username,
        );
        // Unknown, tampered or foreign blocks all read as a wrong password (§1.9).
        let block_bytes = STANDARD.decode(block_b64).map_err(|_| incorrect())?;
        let block = self
            .inner
            .keys
            .open(
                Sealed::SecretBlock,
                &block_aad(self.id(), flow),
                &block_bytes,
                now,
            )
            .and_then(|(plain, _)| SecretBlock::decode(&plain))
            .filter(|b| b.client_id == client.id())
            .filter(|b| expected.is_none_or(|id| *id == b.id))
            .ok_or_else(incorrect)?;
        if now >= Timestamp::from_unix_millis(block.expires_ms) {
            return Err(Error::not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        // The hash covers the USERNAME this request carries (§1.9, §1.10).
        check_secret_hash(client, username, answer.secret_hash)?;
        let Some(sent_at) = srp::canonical_timestamp(timestamp)? else {
            return Err(incorrect());
        };
        if sent_at.max(now).duration_since(sent_at.min(now)) > TIMESTAMP_SKEW {
            return Err(incorrect());
        }
        let handshake = HandshakeState::from_bytes(&block.handshake).map_err(|_| incorrect())?;
        let Some(user) = self
            .resolve(username)?
            .filter(|u| u.username == block.username && u.sub() == block.sub)
        else {
            // A name no user has locks out as a user would under ENABLED
            // (counted before the proof, refused during a lock).
            if client.config().prevents_user_existence_errors() {
                self.begin_unknown_attempt(&block.name_digest, now)?;
            }
            self.consume_block(&block)?;
            self.simulated_claim(&handshake, &block, &block_bytes, answer, &block.username);
            return Err(incorrect());
        };
        let user = self.begin_attempt(&user.username, now)?;
        self.consume_block(&block)?;
        let proven = match claimant {
            Claimant::Device {
                group_key,
                device_key,
                v,
            } => srp::server::verify_claim_as(
                &handshake,
                v,
                srp::server::SrpIdentity::device(group_key, device_key),
                &block_bytes,
                timestamp,
                signature,
            )?,
            Claimant::User => self.user_claim(&user, &block, &handshake, &block_bytes, answer)?,
        };
        if !proven {
            // Already counted by begin_attempt.
            return Err(incorrect());
        }
        // A verifier still sealed under the previous pool secret is
        // re-sealed while it is open anyway.
        let resealed = match claimant {
            Claimant::User => self.resealed_verifier(&user)?,
            Claimant::Device { .. } => None,
        };
        let stored = self.modify_user(&user.username, now, |cur| {
            let mut next = cur.clone();
            super::auth::set_lockout_state(
                &mut next,
                lockout::record_success(&super::auth::lockout_state(cur), now),
            );
            if let Some(v) = resealed
                .as_ref()
                .filter(|_| cur.srp_verifier == user.srp_verifier)
            {
                next.srp_verifier = Some(v.clone());
            }
            Ok((next != *cur).then_some(next))
        })?;
        Ok((stored, block.context))
    }

    /// Whether a `PASSWORD_VERIFIER` answer proves `user`'s password.
    fn user_claim(
        &self,
        user: &UserRecord,
        block: &SecretBlock,
        handshake: &HandshakeState,
        block_bytes: &[u8],
        answer: &PasswordVerifierAnswer<'_>,
    ) -> Result<bool> {
        Ok(
            match self.open_verifier(user).filter(|_| !block.simulated) {
                Some(verifier) => srp::verify_claim(
                    handshake,
                    &verifier.v,
                    self.srp_pool_name(),
                    &block.username,
                    block_bytes,
                    answer.timestamp,
                    answer.signature,
                )?,
                None => {
                    self.simulated_claim(handshake, block, block_bytes, answer, &user.username);
                    false
                }
            },
        )
    }

    /// The same exponentiations as a real proof, against the simulated
    /// verifier of `id`, so the answer takes as long for a user who does
    /// not exist or has no verifier (cognito-protocol.md §1.13).
    fn simulated_claim(
        &self,
        handshake: &HandshakeState,
        block: &SecretBlock,
        block_bytes: &[u8],
        answer: &PasswordVerifierAnswer<'_>,
        id: &str,
    ) {
        let (_, _, v) = srp::fake_user(self.inner.keys.simulation(), self.id(), id);
        let _ = srp::verify_claim(
            handshake,
            &v,
            self.srp_pool_name(),
            &block.username,
            block_bytes,
            answer.timestamp,
            answer.signature,
        );
    }

    /// Uses a secret block up: one answer per challenge.
    fn consume_block(&self, block: &SecretBlock) -> Result<()> {
        let fresh = self
            .store()
            .consume_once(
                self.id(),
                &OnceId::SrpBlock(block.id),
                Timestamp::from_unix_millis(block.expires_ms),
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

    #[test]
    fn secret_blocks_round_trip_and_reject_truncation() {
        let block = SecretBlock {
            client_id: "client".into(),
            username: "alice".into(),
            sub: "sub".into(),
            simulated: false,
            issued_ms: 1,
            expires_ms: 2,
            id: [7; 16],
            name_digest: [9; 32],
            context: "ctx".into(),
            handshake: Zeroizing::new(vec![1, 2, 3]),
        };
        let bytes = block.encode().unwrap_or_default();
        let back = SecretBlock::decode(&bytes);
        assert!(back.as_ref().is_some_and(|b| b.username == "alice"
            && b.expires_ms == 2
            && b.id == [7; 16]
            && b.context == "ctx"
            && *b.handshake == vec![1, 2, 3]));
        assert!(SecretBlock::decode(&bytes[..10]).is_none());
        assert!(SecretBlock::decode(&[2]).is_none());
    }
}
