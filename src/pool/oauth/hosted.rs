//! The hosted sign-in (cognito-oauth.md §6): the password check of the
//! `/login` page, the challenges that may follow it, and the hosted session
//! a proven sign-in opens.
//!
//! The page's password check is `USER_PASSWORD_AUTH`'s (aliases, case,
//! lockout, `PreventUserExistenceErrors`, UserMigration, PreAuthentication,
//! the MFA decision, PostAuthentication), run with the sign-in marked as
//! hosted: its last step answers a [`HostedProof`] instead of tokens
//! (`ExplicitAuthFlows` are ignored, §3.3). Its challenges
//! (`NEW_PASSWORD_REQUIRED`, the MFA steps) are answered through
//! `RespondToAuthChallenge` itself, so no rule is written twice.
//!
//! # Choices
//!
//! * The hosted session (§6.3) is a `cognito` cookie holding a sealed
//!   `{pool, username, sub, auth_time, session id, issue time}`, backed by a
//!   record in the token store: a refresh-token record whose `client_id` is
//!   empty (no client has that id, so no refresh or revocation path ever
//!   accepts it) and whose `origin_jti` is the session id. Global sign-out
//!   and disabling revoke it with the user's tokens, `/logout` revokes its
//!   family, and the sweep forgets it once expired.
//! * A session is usable for one hour from when it was opened, while its
//!   record is unrevoked and its user exists (same `sub`) and is enabled.
//! * A pending hosted login (the state between the password and a
//!   challenge's answer) is sealed into the page, lives 3 minutes, is used
//!   once and is bound to the page's `XSRF-TOKEN`.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;

use crate::client::{AppClient, secret_hash};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::pool::keys::Sealed;
use crate::pool::params::PasswordAuth;
use crate::pool::session::SessionExtra;
use crate::pool::{
    AuthResponse, ChallengeName, MfaCaller, Parameters, RespondToAuthChallengeRequest, UserPool,
    store_error,
};
use crate::secret::Password;
use crate::store::{OnceId, RefreshTokenRecord, UserRecord};
use crate::{hex, random};

/// How long a hosted session lasts (§6.3).
pub(crate) const HOSTED_SESSION_LIFETIME: Duration = Duration::from_secs(3600);
/// How long a pending hosted login waits for its challenge's answer.
const PENDING_LIFETIME: Duration = Duration::from_secs(180);
/// The longest sealed cookie or pending login opened, before any decoding.
const MAX_SEALED_LEN: usize = 8192;
/// The session tag of a hosted sign-in's proof (never leaves the engine).
const PROOF: &str = "HOSTED_PROOF";
/// How long a proof's carrier is valid: it is opened at once.
const PROOF_LIFETIME: Duration = Duration::from_secs(60);

/// Who proved their credentials on the hosted page, and when: what a
/// hosted session and a [`CodeGrant`](super::CodeGrant) are made from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct HostedProof {
    /// The internal username.
    pub username: String,
    /// The user's `sub`.
    pub sub: String,
    /// When they proved their credentials (`auth_time`).
    pub auth_time: Timestamp,
}

impl std::fmt::Debug for HostedProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostedProof")
            .field("username", &self.username)
            .field("auth_time", &self.auth_time)
            .finish_non_exhaustive()
    }
}

/// A challenge the hosted sign-in stopped at.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct HostedChallenge {
    /// The challenge.
    pub name: ChallengeName,
    /// Its parameters, as `RespondToAuthChallenge` would give them.
    pub parameters: BTreeMap<String, String>,
    /// The internal username of the user signing in.
    pub username: String,
    /// The challenge's `Session`.
    session: String,
}

impl std::fmt::Debug for HostedChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostedChallenge")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Where a hosted sign-in step left the user.
#[derive(Debug)]
pub(crate) enum HostedStep {
    /// Signed in.
    SignedIn(HostedProof),
    /// A challenge to answer on the next page.
    Challenge(HostedChallenge),
}

/// The sealed content of the `cognito` cookie.
#[derive(Serialize, Deserialize)]
struct SessionCookie {
    v: u8,
    username: String,
    sub: String,
    auth_ms: i64,
    sid: String,
    issued_ms: i64,
}

/// The sealed content of a pending hosted login.
#[derive(Serialize, Deserialize)]
struct Pending {
    v: u8,
    client_id: String,
    challenge: String,
    username: String,
    session: String,
    parameters: BTreeMap<String, String>,
    xsrf: String,
    id: String,
    expires_ms: i64,
}

fn aad(what: &str, pool_id: &str) -> Vec<u8> {
    format!("userpool/hosted-{what}|{pool_id}").into_bytes()
}

fn session_digest(sid: &str) -> [u8; 32] {
    let d = ring::digest::digest(
        &ring::digest::SHA256,
        format!("hosted-session|{sid}").as_bytes(),
    );
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

impl UserPool {
    /// The end of a hosted sign-in whose factors are all proven: a sealed
    /// proof in the `Session` of an answer with no challenge and no tokens
    /// (opened at once by [`UserPool::hosted_step`]; it never leaves the
    /// engine).
    pub(in crate::pool) fn hosted_proof(
        &self,
        client: &AppClient,
        user: &UserRecord,
        auth_time: Timestamp,
    ) -> Result<AuthResponse> {
        let extra = SessionExtra {
            auth_ms: Some(auth_time.unix_millis()),
            hosted: true,
            ..SessionExtra::default()
        };
        let session =
            self.issue_session(client.id(), user, PROOF, PROOF_LIFETIME, self.now(), extra)?;
        Ok(AuthResponse {
            challenge_name: None,
            session: Some(session),
            challenge_parameters: BTreeMap::new(),
            authentication_result: None,
        })
    }

    /// The hosted page's password check (§6.2 step 3) for `client_id`.
    ///
    /// # Errors
    /// As `InitiateAuth` with `USER_PASSWORD_AUTH`: `NotAuthorizedException`
    /// `Incorrect username or password.`, `Password attempts exceeded`,
    /// `User is disabled.`, `UserNotFoundException`,
    /// `UserNotConfirmedException`, `PasswordResetRequiredException`, and
    /// the triggers' failures.
    pub(crate) fn hosted_sign_in(
        &self,
        client_id: &str,
        username: &str,
        password: Password,
    ) -> Result<HostedStep> {
        let now = self.now();
        let client = self.client(client_id)?;
        let hash = client
            .secret()
            .map(|s| secret_hash(s, username, client.id()));
        let auth = PasswordAuth {
            username,
            password,
            secret_hash: hash.as_deref(),
            device_key: None,
        };
        let answer = self.password_sign_in(&client, &auth, None, true, now)?;
        self.hosted_step(&client, answer)
    }

    /// Answers `challenge` with `responses` (the challenge's own names:
    /// `NEW_PASSWORD`, `userAttributes.<name>`, `SOFTWARE_TOKEN_MFA_CODE`,
    /// `SMS_MFA_CODE`, `EMAIL_OTP_CODE`, `ANSWER`), through
    /// `RespondToAuthChallenge`.
    ///
    /// # Errors
    /// As `RespondToAuthChallenge`.
    pub(crate) fn hosted_respond(
        &self,
        client_id: &str,
        challenge: &HostedChallenge,
        responses: Vec<(String, String)>,
    ) -> Result<HostedStep> {
        let client = self.client(client_id)?;
        self.hosted_answer(
            &client,
            challenge.name,
            &challenge.session,
            &challenge.username,
            responses,
        )
    }

    fn hosted_answer(
        &self,
        client: &AppClient,
        name: ChallengeName,
        session: &str,
        username: &str,
        responses: Vec<(String, String)>,
    ) -> Result<HostedStep> {
        let mut parameters = Parameters::new().with("USERNAME", username);
        if let Some(secret) = client.secret() {
            parameters = parameters.with("SECRET_HASH", secret_hash(secret, username, client.id()));
        }
        for (k, v) in responses {
            parameters = parameters.with(k, v);
        }
        let answer = self.respond_to_auth_challenge(RespondToAuthChallengeRequest {
            client_id: client.id().to_owned(),
            challenge_name: name,
            session: Some(session.to_owned()),
            challenge_responses: parameters,
            client_metadata: None,
        })?;
        self.hosted_step(client, answer)
    }

    /// `MFA_SETUP` for TOTP, first step: a new secret for the user
    /// (`AssociateSoftwareToken` with the challenge's session). Returns the
    /// base32 secret and the challenge to answer with the first code.
    ///
    /// # Errors
    /// As `AssociateSoftwareToken`.
    pub(crate) fn hosted_associate_totp(
        &self,
        challenge: &HostedChallenge,
    ) -> Result<(String, HostedChallenge)> {
        let out = self.associate_software_token(MfaCaller::Session(&challenge.session))?;
        let session = out
            .session
            .ok_or_else(|| Error::internal("No session for the set-up."))?;
        let next = HostedChallenge {
            session,
            ..challenge.clone()
        };
        Ok((out.secret_code.expose_secret().to_owned(), next))
    }

    /// `MFA_SETUP` for TOTP, last step: checks the first `code` of the
    /// secret [`UserPool::hosted_associate_totp`] gave
    /// (`VerifySoftwareToken`), then answers the challenge.
    ///
    /// # Errors
    /// As `VerifySoftwareToken` and `RespondToAuthChallenge`.
    pub(crate) fn hosted_verify_totp(
        &self,
        client_id: &str,
        challenge: &HostedChallenge,
        code: &str,
    ) -> Result<HostedStep> {
        let client = self.client(client_id)?;
        let verified =
            self.verify_software_token(MfaCaller::Session(&challenge.session), code, None)?;
        let session = verified
            .session
            .ok_or_else(|| Error::internal("No session after the set-up."))?;
        self.hosted_answer(
            &client,
            ChallengeName::MfaSetup,
            &session,
            &challenge.username,
            Vec::new(),
        )
    }

    /// What a sign-in answer means for the hosted page: the proof of the
    /// last step, or the next challenge.
    fn hosted_step(&self, client: &AppClient, answer: AuthResponse) -> Result<HostedStep> {
        let now = self.now();
        let session = answer
            .session
            .ok_or_else(|| Error::internal("The hosted sign-in ended without a session."))?;
        let Some(name) = answer.challenge_name else {
            let state = self.open_session(Some(&session), client.id(), PROOF, now)?;
            if !state.extra.hosted {
                return Err(Error::internal("Not a hosted sign-in."));
            }
            return Ok(HostedStep::SignedIn(HostedProof {
                username: state.username,
                sub: state.sub,
                auth_time: state.extra.auth_ms.map_or(now, Timestamp::from_unix_millis),
            }));
        };
        let state = self.open_any_session(Some(&session), Some(client.id()), now)?;
        Ok(HostedStep::Challenge(HostedChallenge {
            name,
            parameters: answer.challenge_parameters,
            username: state.username,
            session,
        }))
    }

    /// Seals `challenge` for the page that asks its answer, bound to
    /// `client_id` and the page's `xsrf` token.
    ///
    /// # Errors
    /// `InternalErrorException` if sealing fails.
    pub(crate) fn seal_pending_login(
        &self,
        client_id: &str,
        challenge: &HostedChallenge,
        xsrf: &str,
    ) -> Result<String> {
        let pending = Pending {
            v: 1,
            client_id: client_id.to_owned(),
            challenge: challenge.name.as_str().to_owned(),
            username: challenge.username.clone(),
            session: challenge.session.clone(),
            // Only what the pages show: the user's attributes stay out.
            parameters: challenge
                .parameters
                .iter()
                .filter(|(k, _)| k.as_str() != "userAttributes")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            xsrf: xsrf.to_owned(),
            id: hex::encode(&random::bytes::<16>()?),
            expires_ms: self.now().saturating_add(PENDING_LIFETIME).unix_millis(),
        };
        self.seal_hosted("pending", &pending)
    }

    /// Opens and uses up a pending login sealed by
    /// [`UserPool::seal_pending_login`] for `client_id` and `xsrf`.
    ///
    /// # Errors
    /// `NotAuthorizedException` `Invalid session for the user.` for a token
    /// not sealed here, for another client or XSRF token, expired
    /// (`…, session is expired.`) or used (`…, session can only be used once.`).
    pub(crate) fn open_pending_login(
        &self,
        token: &str,
        client_id: &str,
        xsrf: &str,
    ) -> Result<HostedChallenge> {
        let now = self.now();
        let invalid = || Error::not_authorized("Invalid session for the user.");
        let pending: Pending = self.open_hosted("pending", token).ok_or_else(invalid)?;
        let bound = pending.v == 1
            && pending.client_id == client_id
            && bool::from(pending.xsrf.as_bytes().ct_eq(xsrf.as_bytes()));
        if !bound {
            return Err(invalid());
        }
        let expires = Timestamp::from_unix_millis(pending.expires_ms);
        if now >= expires {
            return Err(Error::not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        let fresh = self
            .store()
            .consume_once(
                self.id(),
                &OnceId::Session(format!("hosted:{}", pending.id)),
                expires,
            )
            .map_err(store_error)?;
        if !fresh {
            return Err(Error::not_authorized(
                "Invalid session for the user, session can only be used once.",
            ));
        }
        let name = ChallengeName::parse(&pending.challenge).map_err(|_| invalid())?;
        Ok(HostedChallenge {
            name,
            parameters: pending.parameters,
            username: pending.username,
            session: pending.session,
        })
    }

    /// Opens a hosted session for `proof` (§6.3): stores its record and
    /// returns the `cognito` cookie's value.
    ///
    /// # Errors
    /// `InternalErrorException` if sealing or the store fails.
    pub(crate) fn start_hosted_session(&self, proof: &HostedProof) -> Result<String> {
        let now = self.now();
        let sid = hex::encode(&random::bytes::<16>()?);
        let record = RefreshTokenRecord {
            digest: session_digest(&sid),
            // No client has an empty id: no refresh path accepts this record.
            client_id: String::new(),
            username: proof.username.clone(),
            sub: proof.sub.clone(),
            origin_jti: sid.clone(),
            auth_time: proof.auth_time,
            issued_at: now,
            expires_at: now.saturating_add(HOSTED_SESSION_LIFETIME),
            event_id: random::uuid_v4()?,
            replaced_at: None,
            revoked: false,
            device_key: None,
            scope: None,
        };
        self.store()
            .put_refresh_token(self.id(), &record)
            .map_err(store_error)?;
        self.seal_hosted(
            "session",
            &SessionCookie {
                v: 1,
                username: proof.username.clone(),
                sub: proof.sub.clone(),
                auth_ms: proof.auth_time.unix_millis(),
                sid,
                issued_ms: now.unix_millis(),
            },
        )
    }

    /// The sign-in a `cognito` cookie stands for, if it is usable (§6.3):
    /// sealed here, under an hour old, its record unrevoked, its user
    /// existing (same `sub`) and enabled.
    pub(crate) fn hosted_session(&self, cookie: &str) -> Option<HostedProof> {
        let now = self.now();
        let c: SessionCookie = self.open_hosted("session", cookie)?;
        let issued = Timestamp::from_unix_millis(c.issued_ms);
        if c.v != 1 || now >= issued.saturating_add(HOSTED_SESSION_LIFETIME) {
            return None;
        }
        let record = self
            .store()
            .get_refresh_token(self.id(), &session_digest(&c.sid))
            .ok()
            .flatten()?;
        if record.revoked || now >= record.expires_at || record.sub != c.sub {
            return None;
        }
        let user = self.resolve(&c.username).ok().flatten()?;
        if user.username != c.username || user.sub() != c.sub || !user.enabled {
            return None;
        }
        Some(HostedProof {
            username: c.username,
            sub: c.sub,
            auth_time: Timestamp::from_unix_millis(c.auth_ms),
        })
    }

    /// Ends the hosted session a `cognito` cookie names (`/logout`, §11):
    /// its record is revoked, so the cookie is never usable again. A value
    /// that is no session of this pool is ignored.
    ///
    /// # Errors
    /// `InternalErrorException` if the store fails.
    pub(crate) fn end_hosted_session(&self, cookie: &str) -> Result<()> {
        let Some(c) = self.open_hosted::<SessionCookie>("session", cookie) else {
            return Ok(());
        };
        self.store()
            .revoke_token_family(self.id(), &c.sid)
            .map_err(store_error)
    }

    fn seal_hosted<T: Serialize>(&self, what: &str, value: &T) -> Result<String> {
        let json = serde_json::to_vec(value)
            .map_err(|_| Error::internal("Could not encode the state."))?;
        let sealed = self.inner.keys.seal(
            Sealed::Hosted,
            random::bytes::<12>()?,
            &aad(what, self.id()),
            &json,
        )?;
        Ok(URL_SAFE_NO_PAD.encode(sealed))
    }

    fn open_hosted<T: serde::de::DeserializeOwned>(&self, what: &str, value: &str) -> Option<T> {
        if value.len() > MAX_SEALED_LEN {
            return None;
        }
        let sealed = URL_SAFE_NO_PAD.decode(value).ok()?;
        let (json, _) =
            self.inner
                .keys
                .open(Sealed::Hosted, &aad(what, self.id()), &sealed, self.now())?;
        serde_json::from_slice(&json).ok()
    }
}

impl UserPool {
    /// The `SECRET_HASH` the hosted pages present for `username` through
    /// `client_id` when the client has a secret (the page is the client's
    /// own, and knows it), so the self-service operations behind the
    /// sign-up and recovery pages run unchanged.
    pub(crate) fn hosted_secret_hash(&self, client_id: &str, username: &str) -> Option<String> {
        let client = self.client(client_id).ok()?;
        client
            .secret()
            .map(|s| secret_hash(s, username, client.id()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::client::AppClientConfig;
    use crate::config::PoolConfig;
    use crate::{AdminCreateUserRequest, AdminSetUserPasswordRequest, HashingParams, ManualClock};

    const PW: &str = "Passw0rd!x";

    fn pool() -> (UserPool, ManualClock, String) {
        let clock = ManualClock::new(Timestamp::from_unix_seconds(1_700_000_000));
        let pool = UserPool::builder(
            PoolConfig::builder("hosted")
                .build()
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .clock(Arc::new(clock.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
        let client = pool
            .create_user_pool_client(
                AppClientConfig::builder("web")
                    .generate_secret(true)
                    .build()
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        pool.admin_create_user(
            AdminCreateUserRequest::new("sam").message_action(crate::MessageAction::Suppress),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut set = AdminSetUserPasswordRequest::new("sam", PW);
        set.permanent = true;
        pool.admin_set_user_password(set)
            .unwrap_or_else(|e| panic!("{e}"));
        (pool, clock, client.id().to_owned())
    }

    fn proof(pool: &UserPool, client: &str) -> HostedProof {
        match pool.hosted_sign_in(client, "sam", Password::new(PW)) {
            Ok(HostedStep::SignedIn(p)) => p,
            other => panic!("expected a proof, got {other:?}"),
        }
    }

    #[test]
    fn a_session_keeps_the_original_auth_time_and_lasts_one_hour() {
        let (pool, clock, client) = pool();
        let signed_in = proof(&pool, &client);
        assert_eq!(signed_in.auth_time, crate::Clock::now(&clock));
        let cookie = pool
            .start_hosted_session(&signed_in)
            .unwrap_or_else(|e| panic!("{e}"));
        clock.advance(Duration::from_secs(3599));
        let reused = pool.hosted_session(&cookie);
        assert_eq!(reused, Some(signed_in.clone()));
        clock.advance(Duration::from_secs(1));
        assert_eq!(pool.hosted_session(&cookie), None);
    }

    #[test]
    fn a_confidential_client_needs_no_secret_hash_on_the_page_and_gets_no_tokens() {
        let (pool, _, client) = pool();
        // The proof's carrier is no token a client could use.
        let step = pool.hosted_sign_in(&client, "sam", Password::new(PW));
        assert!(matches!(step, Ok(HostedStep::SignedIn(_))));
        let wrong = pool.hosted_sign_in(&client, "sam", Password::new("nope"));
        assert_eq!(
            wrong.map(|_| ()).map_err(|e| e.message().to_owned()),
            Err("Incorrect username or password.".to_owned())
        );
    }

    #[test]
    fn the_session_record_is_no_refresh_token_and_ends_at_logout() {
        let (pool, _, client) = pool();
        let cookie = pool
            .start_hosted_session(&proof(&pool, &client))
            .unwrap_or_else(|e| panic!("{e}"));
        let c: SessionCookie = pool
            .open_hosted("session", &cookie)
            .unwrap_or_else(|| panic!("opens"));
        let record = pool
            .store()
            .get_refresh_token(pool.id(), &session_digest(&c.sid))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("stored"));
        assert_eq!(record.client_id, "");
        assert_eq!(record.origin_jti, c.sid);
        // A cookie of another purpose, or tampered, opens nothing.
        assert!(
            pool.open_hosted::<SessionCookie>("pending", &cookie)
                .is_none()
        );
        let mut tampered = cookie.clone();
        tampered.insert(5, 'A');
        assert!(pool.hosted_session(&tampered).is_none());
        pool.end_hosted_session(&cookie)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(pool.hosted_session(&cookie).is_none());
    }
}
