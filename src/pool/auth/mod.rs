//! Sign-in: `InitiateAuth` / `AdminInitiateAuth` (`USER_PASSWORD_AUTH`,
//! `ADMIN_USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`, `USER_SRP_AUTH`,
//! `CUSTOM_AUTH`), `RespondToAuthChallenge` / `AdminRespondToAuthChallenge`
//! (`NEW_PASSWORD_REQUIRED`, `PASSWORD_VERIFIER`, `CUSTOM_CHALLENGE`),
//! `GetTokensFromRefreshToken`, and the issue of the token triple.
//!
//! Tokens are only ever issued from an [`Authenticated`] proof, a value only
//! the password and SRP checks construct, and `CUSTOM_AUTH`'s
//! DefineAuthChallenge when it issues tokens for a user that exists (the
//! pool owner's trusted code, [`custom`]): no code path can mint tokens for
//! a user whose credentials nothing verified.
//!
//! Triggers (cognito-triggers.md §1.4): UserMigration for an unknown name
//! in the password flows (`pool::migration_auth`), PreAuthentication before
//! the credential check, and at the end of every sign-in
//! [`UserPool::finish_sign_in`]: PostAuthentication, then
//! PreTokenGeneration, then the tokens; a refresh fires PreTokenGeneration
//! only (`hooks`, `overrides`).

use std::collections::BTreeMap;

use super::UserPool;
use super::params::{self, NewPasswordAnswer, PasswordAuth, RefreshAuth, SrpAuth};
use super::session::SessionExtra;
use super::windows::NameUse;
use crate::client::{AppClient, AuthFlow, check_secret_hash};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::lockout::{self, Decision, LockoutState};
use crate::password::{self, PasswordHash, Verification};
use crate::random;
use crate::schema::Writer;
use crate::secret::Password;
use crate::store::{UserRecord, UserStatus};
use crate::triggers::{StringMap, TriggerSource};

const INCORRECT: &str = "Incorrect username or password.";
const INVALID_REFRESH: &str = "Invalid Refresh Token";
const NEW_PASSWORD_REQUIRED: &str = "NEW_PASSWORD_REQUIRED";

mod custom;
mod custom_session;
mod devices;
mod hooks;
pub(super) mod mfa;
pub(super) mod overrides;
mod tokens;

#[cfg(test)]
pub(in crate::pool) use tokens::at_hash;
pub(in crate::pool) use tokens::{OAuthGrant, Stamps};
mod types;

pub use types::{
    AuthResponse, AuthenticationResult, ChallengeName, GetTokensFromRefreshTokenRequest,
    InitiateAuthRequest, NewDeviceMetadata, Parameters, RespondToAuthChallengeRequest,
};

/// Proof that the user just proved their credentials. Only this module's
/// credential checks (and `CUSTOM_AUTH`'s DefineAuthChallenge) construct
/// it; [`UserPool::issue_tokens`] requires it.
pub(super) struct Authenticated {
    user: UserRecord,
    auth_time: Timestamp,
    /// The `DEVICE_KEY` the sign-in presented, checked (§3 step 0).
    device_key: Option<String>,
    /// The sign-in came from the hosted page (`pool::oauth::hosted`): it
    /// ends in a proof for a hosted session, not in tokens.
    hosted: bool,
}

impl Authenticated {
    /// Only for the credential checks of the sign-in modules.
    pub(super) fn new(user: UserRecord, auth_time: Timestamp) -> Self {
        Self {
            user,
            auth_time,
            device_key: None,
            hosted: false,
        }
    }

    /// Marks a sign-in from the hosted page (see [`Authenticated::hosted`]).
    pub(super) const fn on_hosted_page(mut self, hosted: bool) -> Self {
        self.hosted = hosted;
        self
    }

    /// The `DEVICE_KEY` the sign-in's request presented, not yet checked:
    /// [`UserPool::finish_sign_in`] checks it (§3 step 0).
    pub(super) fn presenting(mut self, device_key: Option<&str>) -> Self {
        self.device_key = device_key.map(str::to_owned);
        self
    }
}

/// The two names of a refresh-token family: every token of one
/// authentication, refreshes included, carries them.
pub(in crate::pool) struct Family {
    pub(in crate::pool) origin_jti: String,
    pub(in crate::pool) event_id: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Caller {
    Public,
    Admin,
}

pub(super) fn lockout_state(u: &UserRecord) -> LockoutState {
    LockoutState {
        failures: u.failed_sign_ins,
        locked_until: u.locked_until,
        last_attempt: u.last_sign_in_attempt,
    }
}

pub(super) fn set_lockout_state(u: &mut UserRecord, s: LockoutState) {
    u.failed_sign_ins = s.failures;
    u.locked_until = s.locked_until;
    u.last_sign_in_attempt = s.last_attempt;
}

fn incorrect() -> Error {
    Error::not_authorized(INCORRECT)
}

pub(super) fn user_not_confirmed() -> Error {
    Error::new(ErrorCode::UserNotConfirmed, "User is not confirmed.")
}

impl UserPool {
    /// `InitiateAuth`: `USER_PASSWORD_AUTH`, `USER_SRP_AUTH`,
    /// `REFRESH_TOKEN_AUTH` or `CUSTOM_AUTH` (cognito-triggers.md §3: the
    /// challenge triggers decide; see the `custom` module for the choices).
    ///
    /// # Errors
    /// - `ResourceNotFoundException` for an unknown client;
    /// - `InvalidParameterException` for a flow the client does not allow, a
    ///   flow `InitiateAuth` does not take (`ADMIN_USER_PASSWORD_AUTH`), a flow
    ///   not simulated, or a missing parameter;
    /// - `NotAuthorizedException`: `Incorrect username or password.` (also for
    ///   unknown users when the client prevents user-existence errors),
    ///   `Password attempts exceeded` during a lockout, `User is disabled.`,
    ///   `Temporary password has expired and must be reset by an administrator.`,
    ///   secret-hash failures, refresh-token failures;
    /// - `UserNotFoundException` for unknown users under `LEGACY`;
    /// - `UserNotConfirmedException`, `PasswordResetRequiredException`;
    /// - for `CUSTOM_AUTH`: `InvalidParameterException` `Custom auth lambda
    ///   trigger is not configured for the user pool.`, and a trigger's
    ///   failure as `UserLambdaValidationException`,
    ///   `InvalidLambdaResponseException` or `UnexpectedLambdaException`.
    pub fn initiate_auth(&self, request: InitiateAuthRequest) -> Result<AuthResponse> {
        self.initiate(request, Caller::Public)
    }

    /// `AdminInitiateAuth`: `ADMIN_USER_PASSWORD_AUTH`, `USER_SRP_AUTH`,
    /// `REFRESH_TOKEN_AUTH` or `CUSTOM_AUTH`.
    ///
    /// # Errors
    /// As [`UserPool::initiate_auth`], with `USER_PASSWORD_AUTH` refused
    /// (`Initiate Auth method not supported.`).
    pub fn admin_initiate_auth(&self, request: InitiateAuthRequest) -> Result<AuthResponse> {
        self.initiate(request, Caller::Admin)
    }

    fn initiate(&self, request: InitiateAuthRequest, caller: Caller) -> Result<AuthResponse> {
        let now = self.now();
        let client = self.client(&request.client_id)?;
        let params = &request.auth_parameters;
        let flow = request.auth_flow;
        let not_enabled = |msg: &str| -> Result<()> {
            if client.config().allows(flow) {
                Ok(())
            } else {
                Err(Error::invalid_parameter(msg))
            }
        };
        match (flow, caller) {
            (AuthFlow::UserPasswordAuth, Caller::Public) => {
                not_enabled("USER_PASSWORD_AUTH flow not enabled for this client")?;
                let auth = PasswordAuth::read(params)?;
                let metadata = request.client_metadata.as_ref();
                self.password_sign_in(&client, &auth, metadata, false, now)
            }
            (AuthFlow::AdminUserPasswordAuth, Caller::Admin) => {
                not_enabled("Auth flow not enabled for this client")?;
                let auth = PasswordAuth::read(params)?;
                let metadata = request.client_metadata.as_ref();
                self.password_sign_in(&client, &auth, metadata, false, now)
            }
            (AuthFlow::UserPasswordAuth, Caller::Admin)
            | (AuthFlow::AdminUserPasswordAuth, Caller::Public) => Err(Error::invalid_parameter(
                "Initiate Auth method not supported.",
            )),
            (AuthFlow::RefreshTokenAuth, _) => {
                not_enabled("Refresh Token flow not enabled for this client")?;
                if client.config().refresh_token_rotation().is_enabled() {
                    // Refreshing here would keep a rotated-out token alive forever.
                    return Err(Error::invalid_parameter(
                        "Refresh token rotation is enabled for this client; use GetTokensFromRefreshToken.",
                    ));
                }
                let auth = RefreshAuth::read(params)?;
                let result = self.refresh(
                    &client,
                    (auth.refresh_token, auth.device_key),
                    |rec| check_secret_hash(&client, &rec.username, auth.secret_hash),
                    false,
                    // InitiateAuth's ClientMetadata reaches only
                    // PreAuthentication and UserMigration (§1.3).
                    None,
                    now,
                )?;
                Ok(AuthResponse::tokens(result))
            }
            (AuthFlow::UserSrpAuth, _) => {
                not_enabled("USER_SRP_AUTH is not enabled for the client.")?;
                let auth = SrpAuth::read(params)?;
                self.srp_initiate(&client, &auth, request.client_metadata.as_ref(), now)
            }
            (AuthFlow::CustomAuth, _) => {
                not_enabled("CUSTOM_AUTH is not enabled for the client.")?;
                self.custom_initiate(&client, &request, now)
            }
            (AuthFlow::UserAuth, _) => Err(Error::invalid_parameter(format!(
                "{} is not supported by this engine.",
                flow_name(flow)
            ))),
        }
    }

    fn dummy_hash(&self) -> Result<&PasswordHash> {
        if let Some(h) = self.inner.dummy_hash.get() {
            return Ok(h);
        }
        let pw = Password::new(crate::hex::encode(&random::bytes::<16>()?));
        let h = password::hash_password(&self.inner.hashing, &pw, &random::bytes::<16>()?)?;
        Ok(self.inner.dummy_hash.get_or_init(|| h))
    }

    /// The password check shared by the password flows: existence (and
    /// UserMigration of an unknown name), PreAuthentication, lockout, status,
    /// Argon2id, lockout bookkeeping and rehash, enabled. `metadata` is
    /// `InitiateAuth`'s `ClientMetadata`: the `validationData` of
    /// UserMigration and PreAuthentication, and of no other trigger.
    /// `hosted`: the hosted sign-in page's check, which ends in a proof
    /// for a hosted session ([`UserPool::complete_sign_in`]).
    pub(in crate::pool) fn password_sign_in(
        &self,
        client: &AppClient,
        auth: &PasswordAuth<'_>,
        metadata: Option<&StringMap>,
        hosted: bool,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let (username, password) = (auth.username, &auth.password);
        check_secret_hash(client, username, auth.secret_hash)?;
        let prevent = client.config().prevents_user_existence_errors();
        let user = match self.resolve(username)? {
            Some(user) => Some(user),
            None => {
                // A name locked out under ENABLED stops here: its guesses
                // must not reach the legacy system's function either.
                if prevent {
                    self.check_unknown_locked(&self.name_digest(NameUse::SignIn, username), now)?;
                }
                self.migrate_on_sign_in(client, username, password, metadata)?
            }
        };
        // Before the password check: a refusal wins even with a wrong
        // password, and is not counted toward the lockout.
        self.pre_authentication(client, user.as_ref(), username, metadata)?;
        let Some(user) = user else {
            // Under ENABLED a name no user has locks out as a user would:
            // counted before the hash, refused during a lock without one.
            if prevent {
                self.begin_unknown_attempt(&self.name_digest(NameUse::SignIn, username), now)?;
            }
            // Spend the same time as a wrong password before answering.
            let _ = password::verify_password(&self.inner.hashing, self.dummy_hash()?, password);
            return Err(if prevent {
                incorrect()
            } else {
                Error::user_not_found()
            });
        };
        // cognito-protocol.md §4.5: under LEGACY an unconfirmed user is
        // refused before the password is checked, as Cognito does (AWS
        // called it intended: amazon-cognito-identity-js #288). That tells
        // anyone the name exists, so under ENABLED the password comes first
        // and the state shows only to a caller who knows it.
        if !prevent {
            match user.status {
                UserStatus::Unconfirmed => return Err(user_not_confirmed()),
                UserStatus::ResetRequired => {
                    return Err(Error::new(
                        ErrorCode::PasswordResetRequired,
                        "Password reset required for the user",
                    ));
                }
                _ => {}
            }
        }
        let user = self.begin_attempt(&user.username, now)?;
        // A user who must reset has no password that works; under ENABLED
        // they are answered like a wrong password (§5.3), in the same time.
        let usable = user
            .password_hash
            .as_deref()
            .filter(|_| user.status != UserStatus::ResetRequired);
        let verification = match usable {
            Some(phc) => {
                let hash = PasswordHash::from_phc(phc.to_owned())?;
                password::verify_password(&self.inner.hashing, &hash, password)?
            }
            None => {
                let _ =
                    password::verify_password(&self.inner.hashing, self.dummy_hash()?, password);
                Verification::Mismatch
            }
        };
        let Verification::Match { needs_rehash } = verification else {
            // Already counted by begin_attempt.
            return Err(incorrect());
        };
        let rehashed = if needs_rehash {
            Some(self.hash_new_password(password)?)
        } else {
            None
        };
        // A password set before the pool had an SRP client has no verifier:
        // the plaintext in hand is the one chance to add it.
        // The same when the stored one cannot be opened (sealed under a pool
        // secret since replaced), or opens only under the previous secret.
        let verifier = if self.srp_enabled()? && !self.has_current_verifier(&user) {
            Some(self.seal_verifier(&user.username, password)?)
        } else {
            None
        };
        let stored = self.modify_user(&user.username, now, |cur| {
            let mut next = cur.clone();
            set_lockout_state(&mut next, lockout::record_success(&lockout_state(cur), now));
            // Only if the password was not changed meanwhile.
            if cur.password_hash == user.password_hash {
                if let Some(h) = &rehashed {
                    next.password_hash = Some(h.as_phc_str().to_owned());
                }
                if let Some(v) = &verifier {
                    next.srp_verifier = Some(v.clone());
                }
            }
            Ok((next != *cur).then_some(next))
        })?;
        // Reached with the right password only (under LEGACY, refused above).
        if stored.status == UserStatus::Unconfirmed {
            return Err(user_not_confirmed());
        }
        if !stored.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        self.finish_sign_in(
            client,
            Authenticated::new(stored, now)
                .presenting(auth.device_key)
                .on_hosted_page(hosted),
            // InitiateAuth's ClientMetadata goes no further (§1.3).
            None,
            TriggerSource::TokenGenerationAuthentication,
        )
    }

    /// Starts a credential check: refuses a locked-out user, and counts the
    /// attempt as a failure up front, in the same compare-and-swap, so
    /// parallel guesses cannot outrun the lockout by all reading the
    /// counter before any of them records a failure. A success then resets
    /// the counter ([`lockout::record_success`]). Returns the user as stored.
    pub(super) fn begin_attempt(&self, username: &str, now: Timestamp) -> Result<UserRecord> {
        self.modify_user(username, now, |cur| {
            if let Decision::Locked { .. } = lockout::check(&lockout_state(cur), now) {
                return Err(lockout::locked_error());
            }
            let mut next = cur.clone();
            set_lockout_state(&mut next, lockout::record_failure(&lockout_state(cur), now));
            Ok(Some(next))
        })
    }

    /// How every sign-in ends once the user is proven — the one entry point
    /// for each flow (password, SRP, the new-password answer, custom
    /// authentication): the new-password challenge for a temporary password;
    /// otherwise PostAuthentication, then PreTokenGeneration of `source`,
    /// then the token triple.
    ///
    /// `metadata` is the `ClientMetadata` of the `RespondToAuthChallenge`
    /// that finished the sign-in (`None` when it ended in `InitiateAuth`):
    /// PostAuthentication's and PreTokenGeneration's `clientMetadata`.
    /// `source` is PreTokenGeneration's trigger source:
    /// `TokenGeneration_Authentication` for a sign-in,
    /// `TokenGeneration_NewPasswordChallenge` after `NEW_PASSWORD_REQUIRED`.
    ///
    /// PostAuthentication also fires after `NEW_PASSWORD_REQUIRED` is
    /// answered (cognito-triggers.md §1.4, the recommended choice), and not
    /// when the sign-in stops at that challenge: the sign-in is not over.
    /// Either hook's failure fails the sign-in with no token issued; the
    /// lockout's reset (and, after the challenge, the new password) stays.
    pub(super) fn finish_sign_in(
        &self,
        client: &AppClient,
        mut proof: Authenticated,
        metadata: Option<&StringMap>,
        source: TriggerSource,
    ) -> Result<AuthResponse> {
        if proof.user.status == UserStatus::ForceChangePassword {
            if proof
                .user
                .temporary_password_expires_at
                .is_some_and(|t| proof.auth_time >= t)
            {
                return Err(Error::not_authorized(
                    "Temporary password has expired and must be reset by an administrator.",
                ));
            }
            return self.new_password_challenge(client, &proof.user, proof.auth_time, proof.hosted);
        }
        proof.device_key =
            self.presented_device(&proof.user, proof.device_key.as_deref(), proof.auth_time)?;
        let mut extra = SessionExtra::sign_in(proof.auth_time, source, proof.device_key.clone());
        extra.hosted = proof.hosted;
        if let Some(challenge) = self.second_factor(client, &proof, extra)? {
            return Ok(challenge);
        }
        let device_key = proof.device_key.clone();
        self.complete_sign_in(client, proof, device_key, metadata, source)
    }

    /// The end of a sign-in whose factors are all proven (§3 step 7): the
    /// device step (`DEVICE_SRP_AUTH` for a remembered device), then
    /// PostAuthentication, a new device's key when the pool tracks devices,
    /// PreTokenGeneration and the tokens, bound to the device.
    pub(super) fn complete_sign_in(
        &self,
        client: &AppClient,
        mut proof: Authenticated,
        device_key: Option<String>,
        metadata: Option<&StringMap>,
        source: TriggerSource,
    ) -> Result<AuthResponse> {
        if proof.hosted {
            // The hosted page knows no devices: PostAuthentication, then a
            // proof for the hosted session instead of tokens.
            self.post_authentication(client, &proof.user, false, metadata)?;
            return self.hosted_proof(client, &proof.user, proof.auth_time);
        }
        let (bound, new_device) =
            match self.device_challenge(client, &proof, device_key.as_deref(), source)? {
                devices::DeviceStep::Challenge(challenge) => return Ok(challenge),
                devices::DeviceStep::Tokens { bound, new_device } => (bound, new_device),
            };
        self.post_authentication(client, &proof.user, new_device, metadata)?;
        let metadata_out = if new_device {
            Some(self.issue_new_device(client, &proof.user, proof.auth_time)?)
        } else {
            None
        };
        proof.device_key = metadata_out
            .as_ref()
            .map(|m| m.device_key.clone())
            .or(bound);
        let mut result = self.issue_tokens(client, &proof, metadata, source)?;
        result.new_device_metadata = metadata_out;
        Ok(AuthResponse::tokens(result))
    }

    fn new_password_challenge(
        &self,
        client: &AppClient,
        user: &UserRecord,
        now: Timestamp,
        hosted: bool,
    ) -> Result<AuthResponse> {
        let parameters = self.new_password_parameters(client, user)?;
        self.put_challenge(
            client,
            user,
            ChallengeName::NewPasswordRequired,
            parameters,
            SessionExtra {
                hosted,
                ..SessionExtra::default()
            },
            now,
        )
    }

    /// `challenge` put to `user` through `client`: its parameters, and a
    /// session for the answer (sealed for that challenge, living the
    /// client's `AuthSessionValidity`) that carries `extra`.
    pub(super) fn put_challenge(
        &self,
        client: &AppClient,
        user: &UserRecord,
        challenge: ChallengeName,
        parameters: BTreeMap<String, String>,
        extra: SessionExtra,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let session = self.issue_session(
            client.id(),
            user,
            challenge.as_str(),
            client.config().auth_session_validity(),
            now,
            extra,
        )?;
        Ok(AuthResponse {
            challenge_name: Some(challenge),
            session: Some(session),
            challenge_parameters: parameters,
            authentication_result: None,
        })
    }

    /// The parameters of a `NEW_PASSWORD_REQUIRED` challenge to `user`.
    pub(super) fn new_password_parameters(
        &self,
        client: &AppClient,
        user: &UserRecord,
    ) -> Result<BTreeMap<String, String>> {
        let required: Vec<String> = self
            .config()
            .schema()
            .required_attributes()
            .into_iter()
            .filter(|n| user.attributes.get(n).is_none_or(String::is_empty))
            .map(|n| format!("userAttributes.{n}"))
            .collect();
        let visible: BTreeMap<&String, &String> = user
            .attributes
            .iter()
            .filter(|(k, _)| k.as_str() != "sub" && client.config().can_read(k))
            .collect();
        let json = |v: &dyn erased::Json| v.to_json();
        let mut parameters = BTreeMap::new();
        parameters.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        parameters.insert("requiredAttributes".to_owned(), json(&required)?);
        parameters.insert("userAttributes".to_owned(), json(&visible)?);
        Ok(parameters)
    }

    /// `RespondToAuthChallenge`: `NEW_PASSWORD_REQUIRED`, `PASSWORD_VERIFIER`
    /// (on its own, or inside an SRP-first `CUSTOM_AUTH` when it carries
    /// that flow's `Session`), `CUSTOM_CHALLENGE`.
    ///
    /// # Errors
    /// - `ResourceNotFoundException` for an unknown client;
    /// - `NotAuthorizedException` for an invalid, expired or reused session,
    ///   a secret-hash failure, an expired temporary password, a disabled user,
    ///   or an attribute the client may not write;
    /// - `InvalidParameterException` for a missing `NEW_PASSWORD` or
    ///   `USERNAME`, a challenge not simulated, or attributes the schema refuses
    ///   (including required attributes left empty);
    /// - `InvalidPasswordException` when the new password breaks the policy;
    /// - for `CUSTOM_CHALLENGE`: `InvalidParameterException` for a missing
    ///   `ANSWER`, `NotAuthorizedException` `Incorrect username or password.`
    ///   when DefineAuthChallenge fails the sign-in or the rounds run out,
    ///   `Password attempts exceeded` during a lockout, and a trigger's
    ///   failure as for [`UserPool::initiate_auth`].
    pub fn respond_to_auth_challenge(
        &self,
        request: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse> {
        self.respond(request)
    }

    /// `AdminRespondToAuthChallenge`; same behaviour as the public operation.
    ///
    /// # Errors
    /// As [`UserPool::respond_to_auth_challenge`].
    pub fn admin_respond_to_auth_challenge(
        &self,
        request: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse> {
        self.respond(request)
    }

    fn respond(&self, request: RespondToAuthChallengeRequest) -> Result<AuthResponse> {
        let now = self.now();
        let client = self.client(&request.client_id)?;
        match request.challenge_name {
            // A NEW_PASSWORD_REQUIRED with a CUSTOM_AUTH session continues that flow.
            ChallengeName::NewPasswordRequired => {
                match self.open_custom_session(request.session.as_deref(), now) {
                    Some(state) => self.custom_new_password(&client, &request, state, now),
                    None => self.answer_new_password(&client, &request, now),
                }
            }
            // A PASSWORD_VERIFIER with a CUSTOM_AUTH session continues that flow.
            ChallengeName::PasswordVerifier => {
                match self.open_custom_session(request.session.as_deref(), now) {
                    Some(state) => self.custom_srp_respond(&client, &request, state, now),
                    None => self.srp_respond(&client, &request, now),
                }
            }
            ChallengeName::CustomChallenge => self.custom_respond(&client, &request, now),
            ChallengeName::SoftwareTokenMfa
            | ChallengeName::SmsMfa
            | ChallengeName::EmailOtp
            | ChallengeName::SelectMfaType
            | ChallengeName::MfaSetup => self.mfa_respond(&client, &request, now),
            ChallengeName::DeviceSrpAuth | ChallengeName::DevicePasswordVerifier => {
                self.device_respond(&client, &request, now)
            }
        }
    }

    fn answer_new_password(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let state = self.open_session(
            request.session.as_deref(),
            client.id(),
            NEW_PASSWORD_REQUIRED,
            now,
        )?;
        let stored = self.set_required_password(
            client,
            request,
            (&state.username, &state.sub),
            &|| self.consume_session(&state),
            now,
        )?;
        self.finish_sign_in(
            client,
            Authenticated::new(stored, now)
                .presenting(params::device_key(&request.challenge_responses))
                .on_hosted_page(state.extra.hosted),
            request.client_metadata.as_ref(),
            TriggerSource::TokenGenerationNewPasswordChallenge,
        )
    }

    /// Sets the new password (and the required attributes) a
    /// `NEW_PASSWORD_REQUIRED` answer gives the session's user (`username`,
    /// `sub`); `consume` uses the session up once the answer is valid.
    /// Returns the user as stored.
    pub(super) fn set_required_password(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        (username, sub): (&str, &str),
        consume: &dyn Fn() -> Result<()>,
        now: Timestamp,
    ) -> Result<UserRecord> {
        let answer = NewPasswordAnswer::read(&request.challenge_responses)?;
        check_secret_hash(client, answer.username, answer.secret_hash)?;
        let user = self
            .resolve(answer.username)?
            .filter(|u| u.username == username && u.sub() == sub)
            .ok_or_else(|| Error::not_authorized("Invalid session for the user."))?;
        let new_password = &answer.new_password()?;
        self.config().password_policy().validate(new_password)?;
        let attributes = &answer.attributes;
        if attributes
            .iter()
            .any(|a| !client.config().can_write(&a.name))
        {
            return Err(Error::not_authorized(
                "A client attempted to write unauthorized attribute",
            ));
        }
        let required = self.config().schema().required_attributes();
        let prepare = |current: &UserRecord| -> Result<crate::schema::Attributes> {
            // cognito-protocol.md §4.6: the answer may supply missing required
            // attributes, never overwrite one that already has a value.
            if let Some(a) = attributes.iter().find(|a| {
                required.contains(&a.name)
                    && current
                        .attributes
                        .get(&a.name)
                        .is_some_and(|v| !v.is_empty())
            }) {
                return Err(Error::invalid_parameter(format!(
                    "Cannot modify an already provided {}",
                    a.name
                )));
            }
            let update = self.config().schema().validate_update(
                &current.attributes,
                attributes,
                Writer::User,
            )?;
            let missing: Vec<String> = self
                .config()
                .schema()
                .required_attributes()
                .into_iter()
                .filter(|n| update.attributes.get(n).is_none_or(String::is_empty))
                .collect();
            if !missing.is_empty() {
                let list: Vec<String> = missing
                    .iter()
                    .map(|n| format!("{n}: The attribute is required"))
                    .collect();
                return Err(Error::invalid_parameter(format!(
                    "Attributes did not conform to the schema: {}",
                    list.join(" ")
                )));
            }
            Ok(update.attributes)
        };
        prepare(&user)?;
        let credentials = self.credentials(&user.username, new_password)?;
        consume()?;
        self.modify_user(&user.username, now, |cur| {
            if cur.status != UserStatus::ForceChangePassword || cur.sub() != sub {
                return Err(Error::not_authorized("Invalid session for the user."));
            }
            if !cur.enabled {
                return Err(Error::not_authorized("User is disabled."));
            }
            if cur.temporary_password_expires_at.is_some_and(|t| now >= t) {
                return Err(Error::not_authorized(
                    "Temporary password has expired and must be reset by an administrator.",
                ));
            }
            let mut next = cur.clone();
            next.attributes = prepare(cur)?;
            credentials.apply(&mut next);
            next.status = UserStatus::Confirmed;
            next.temporary_password_expires_at = None;
            Ok(Some(next))
        })
    }
}

fn flow_name(flow: AuthFlow) -> &'static str {
    flow.as_str()
        .strip_prefix("ALLOW_")
        .unwrap_or(flow.as_str())
}

fn secs(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// JSON rendering of challenge parameters, which Cognito sends as strings
/// holding JSON.
mod erased {
    use crate::error::{Error, Result};

    pub(super) trait Json {
        fn to_json(&self) -> Result<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Result<String> {
            serde_json::to_string(self)
                .map_err(|_| Error::internal("Could not encode a challenge parameter."))
        }
    }
}
