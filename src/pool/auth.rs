//! Sign-in: `InitiateAuth` / `AdminInitiateAuth` (`USER_PASSWORD_AUTH`,
//! `ADMIN_USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`),
//! `RespondToAuthChallenge` / `AdminRespondToAuthChallenge`
//! (`NEW_PASSWORD_REQUIRED`), `GetTokensFromRefreshToken`, and the issue of
//! the token triple.
//!
//! Tokens are only ever issued from an [`Authenticated`] proof, a value only
//! the password check (and, later, the SRP check) constructs: no code path
//! can mint tokens for a user whose credentials it did not verify.

use std::collections::BTreeMap;
use std::fmt;

use super::params::{NewPasswordAnswer, PasswordAuth, RefreshAuth, SrpAuth};
use super::{UserPool, store_error};
use crate::client::{AppClient, AuthFlow, check_client_secret, check_secret_hash};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::lockout::{self, Decision, LockoutState};
use crate::password::{self, PasswordHash, Verification};
use crate::random;
use crate::schema::Writer;
use crate::secret::Password;
use crate::store::{RefreshTokenRecord, StoreError, UserRecord, UserStatus};
use crate::token::{
    AccessClaims, GroupInfo, IdClaims, SCOPE_USER_ADMIN, TokenUse, group_claims,
    id_token_attributes, new_refresh_token, parse_refresh_token_shape, refresh_token_digest,
};

const INCORRECT: &str = "Incorrect username or password.";
const INVALID_REFRESH: &str = "Invalid Refresh Token";
const NEW_PASSWORD_REQUIRED: &str = "NEW_PASSWORD_REQUIRED";

/// A challenge the pool can put to a signing-in user (Cognito's `ChallengeNameType`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChallengeName {
    /// Set a new password (admin-created users, temporary passwords).
    NewPasswordRequired,
    /// Prove the password with SRP.
    PasswordVerifier,
}

impl ChallengeName {
    /// Cognito's name: `NEW_PASSWORD_REQUIRED`, `PASSWORD_VERIFIER`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NewPasswordRequired => NEW_PASSWORD_REQUIRED,
            Self::PasswordVerifier => "PASSWORD_VERIFIER",
        }
    }

    /// Parses Cognito's name.
    ///
    /// # Errors
    /// `InvalidParameterException` for a challenge this engine does not
    /// simulate (MFA, custom, device and passwordless challenges).
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            NEW_PASSWORD_REQUIRED => Ok(Self::NewPasswordRequired),
            "PASSWORD_VERIFIER" => Ok(Self::PasswordVerifier),
            other => Err(Error::invalid_parameter(format!(
                "The challenge {other} is not supported by this engine."
            ))),
        }
    }
}

/// Parameters as a map of strings, as Cognito's `AuthParameters` and
/// `ChallengeResponses`. `Debug` prints the keys only: the values carry
/// passwords, refresh tokens and secret hashes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Parameters(BTreeMap<String, String>);

impl Parameters {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a parameter.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.0.remove(key)
    }

    /// Every parameter, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl fmt::Debug for Parameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, "[redacted]")))
            .finish()
    }
}

impl From<BTreeMap<String, String>> for Parameters {
    fn from(map: BTreeMap<String, String>) -> Self {
        Self(map)
    }
}

/// `InitiateAuth` / `AdminInitiateAuth`.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct InitiateAuthRequest {
    /// The flow.
    pub auth_flow: AuthFlow,
    /// The app client.
    pub client_id: String,
    /// `USERNAME`, `PASSWORD`, `REFRESH_TOKEN`, `SECRET_HASH`, `SRP_A`, ...
    pub auth_parameters: Parameters,
}

impl InitiateAuthRequest {
    /// `USER_PASSWORD_AUTH` (or, for `admin_initiate_auth`, pass
    /// [`AuthFlow::AdminUserPasswordAuth`] via [`InitiateAuthRequest::new`]).
    #[must_use]
    pub fn user_password(
        client_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self::new(AuthFlow::UserPasswordAuth, client_id)
            .param("USERNAME", username)
            .param("PASSWORD", password)
    }

    /// `REFRESH_TOKEN_AUTH`.
    #[must_use]
    pub fn refresh(client_id: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        Self::new(AuthFlow::RefreshTokenAuth, client_id).param("REFRESH_TOKEN", refresh_token)
    }

    /// `USER_SRP_AUTH`, step one: `SRP_A` from
    /// [`SrpClient::srp_a`](crate::srp::SrpClient::srp_a).
    #[must_use]
    pub fn user_srp(
        client_id: impl Into<String>,
        username: impl Into<String>,
        srp_a: impl Into<String>,
    ) -> Self {
        Self::new(AuthFlow::UserSrpAuth, client_id)
            .param("USERNAME", username)
            .param("SRP_A", srp_a)
    }

    /// Adds `SECRET_HASH`, for a client with a secret.
    #[must_use]
    pub fn secret_hash(self, hash: impl Into<String>) -> Self {
        self.param("SECRET_HASH", hash)
    }

    /// A request for `flow` with no parameters yet.
    #[must_use]
    pub fn new(flow: AuthFlow, client_id: impl Into<String>) -> Self {
        Self {
            auth_flow: flow,
            client_id: client_id.into(),
            auth_parameters: Parameters::new(),
        }
    }

    /// Adds an auth parameter.
    #[must_use]
    pub fn param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.auth_parameters = self.auth_parameters.with(key, value);
        self
    }
}

/// `RespondToAuthChallenge` / `AdminRespondToAuthChallenge`. `Debug`
/// redacts the session and the responses' values.
#[non_exhaustive]
#[derive(Clone)]
pub struct RespondToAuthChallengeRequest {
    /// The app client.
    pub client_id: String,
    /// The challenge being answered.
    pub challenge_name: ChallengeName,
    /// The `Session` of the challenge (not needed for `PASSWORD_VERIFIER`).
    pub session: Option<String>,
    /// `USERNAME`, `NEW_PASSWORD`, `userAttributes.<name>`, `SECRET_HASH`, ...
    pub challenge_responses: Parameters,
}

impl RespondToAuthChallengeRequest {
    /// An answer to `challenge` in `session`.
    #[must_use]
    pub fn new(
        client_id: impl Into<String>,
        challenge: ChallengeName,
        session: Option<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            challenge_name: challenge,
            session,
            challenge_responses: Parameters::new(),
        }
    }

    /// Adds a challenge response.
    #[must_use]
    pub fn response(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.challenge_responses = self.challenge_responses.with(key, value);
        self
    }

    /// The answer to `PASSWORD_VERIFIER` (`USER_SRP_AUTH`, step two): the
    /// challenge's `USER_ID_FOR_SRP` and `SECRET_BLOCK`, and the signature
    /// [`SrpClient::process_challenge`](crate::srp::SrpClient::process_challenge)
    /// computed for `timestamp`.
    #[must_use]
    pub fn password_verifier(
        client_id: impl Into<String>,
        username: impl Into<String>,
        secret_block: impl Into<String>,
        signature: impl Into<String>,
        timestamp: impl Into<String>,
    ) -> Self {
        Self::new(client_id, ChallengeName::PasswordVerifier, None)
            .response("USERNAME", username)
            .response("PASSWORD_CLAIM_SECRET_BLOCK", secret_block)
            .response("PASSWORD_CLAIM_SIGNATURE", signature)
            .response("TIMESTAMP", timestamp)
    }

    /// The answer to `NEW_PASSWORD_REQUIRED` in `session`; add missing
    /// required attributes with `.response("userAttributes.<name>", value)`.
    #[must_use]
    pub fn new_password(
        client_id: impl Into<String>,
        session: impl Into<String>,
        username: impl Into<String>,
        new_password: impl Into<String>,
    ) -> Self {
        Self::new(
            client_id,
            ChallengeName::NewPasswordRequired,
            Some(session.into()),
        )
        .response("USERNAME", username)
        .response("NEW_PASSWORD", new_password)
    }

    /// Adds `SECRET_HASH`, for a client with a secret.
    #[must_use]
    pub fn secret_hash(self, hash: impl Into<String>) -> Self {
        self.response("SECRET_HASH", hash)
    }
}

/// The token triple (Cognito's `AuthenticationResultType`). `Debug` redacts the tokens.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct AuthenticationResult {
    /// The access token (a JWT).
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Always `Bearer`.
    pub token_type: String,
    /// The refresh token; `None` after a refresh that does not rotate.
    pub refresh_token: Option<String>,
    /// The ID token (a JWT).
    pub id_token: String,
}

impl fmt::Debug for AuthenticationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationResult")
            .field("access_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("id_token", &"[redacted]")
            .finish()
    }
}

/// The answer to a sign-in step: a challenge, or tokens. `Debug` redacts
/// the session (it lets its holder answer the challenge) and the tokens.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct AuthResponse {
    /// The next challenge, if any.
    pub challenge_name: Option<ChallengeName>,
    /// The session to echo with the answer.
    pub session: Option<String>,
    /// The challenge's parameters (always strings).
    pub challenge_parameters: BTreeMap<String, String>,
    /// The tokens, when sign-in is complete.
    pub authentication_result: Option<AuthenticationResult>,
}

fn redacted(s: Option<&String>) -> Option<&'static str> {
    s.map(|_| "[redacted]")
}

impl fmt::Debug for RespondToAuthChallengeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RespondToAuthChallengeRequest")
            .field("client_id", &self.client_id)
            .field("challenge_name", &self.challenge_name)
            .field("session", &redacted(self.session.as_ref()))
            .field("challenge_responses", &self.challenge_responses)
            .finish()
    }
}

impl fmt::Debug for AuthResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthResponse")
            .field("challenge_name", &self.challenge_name)
            .field("session", &redacted(self.session.as_ref()))
            .field(
                "challenge_parameters",
                &self.challenge_parameters.keys().collect::<Vec<_>>(),
            )
            .field("authentication_result", &self.authentication_result)
            .finish()
    }
}

impl AuthResponse {
    fn tokens(result: AuthenticationResult) -> Self {
        Self {
            challenge_name: None,
            session: None,
            challenge_parameters: BTreeMap::new(),
            authentication_result: Some(result),
        }
    }
}

/// `GetTokensFromRefreshToken`.
#[non_exhaustive]
#[derive(Clone)]
pub struct GetTokensFromRefreshTokenRequest {
    /// The refresh token.
    pub refresh_token: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The raw client secret, for confidential clients.
    pub client_secret: Option<String>,
}

impl GetTokensFromRefreshTokenRequest {
    /// New tokens for `refresh_token`, through the client it was issued to.
    #[must_use]
    pub fn new(client_id: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        Self {
            refresh_token: refresh_token.into(),
            client_id: client_id.into(),
            client_secret: None,
        }
    }

    /// The client's raw secret, for a confidential client.
    #[must_use]
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }
}

impl fmt::Debug for GetTokensFromRefreshTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetTokensFromRefreshTokenRequest")
            .field("refresh_token", &"[redacted]")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// Proof that the user just proved their credentials. Only this module's
/// credential checks construct it; [`UserPool::issue_tokens`] requires it.
pub(super) struct Authenticated {
    user: UserRecord,
    auth_time: Timestamp,
}

impl Authenticated {
    /// Only for the credential checks of the sign-in modules.
    pub(super) fn new(user: UserRecord, auth_time: Timestamp) -> Self {
        Self { user, auth_time }
    }
}

/// The two names of a refresh-token family: every token of one
/// authentication, refreshes included, carries them.
struct Family {
    origin_jti: String,
    event_id: String,
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

impl UserPool {
    /// `InitiateAuth`: `USER_PASSWORD_AUTH` or `REFRESH_TOKEN_AUTH`.
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
    /// - `UserNotConfirmedException`, `PasswordResetRequiredException`.
    pub fn initiate_auth(&self, request: InitiateAuthRequest) -> Result<AuthResponse> {
        self.initiate(request, Caller::Public)
    }

    /// `AdminInitiateAuth`: `ADMIN_USER_PASSWORD_AUTH` or `REFRESH_TOKEN_AUTH`.
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
                self.password_sign_in(&client, &PasswordAuth::read(params)?, now)
            }
            (AuthFlow::AdminUserPasswordAuth, Caller::Admin) => {
                not_enabled("Auth flow not enabled for this client")?;
                self.password_sign_in(&client, &PasswordAuth::read(params)?, now)
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
                    auth.refresh_token,
                    |rec| check_secret_hash(&client, &rec.username, auth.secret_hash),
                    false,
                    now,
                )?;
                Ok(AuthResponse::tokens(result))
            }
            (AuthFlow::UserSrpAuth, _) => {
                not_enabled("USER_SRP_AUTH is not enabled for the client.")?;
                self.srp_initiate(&client, &SrpAuth::read(params)?, now)
            }
            (AuthFlow::CustomAuth | AuthFlow::UserAuth, _) => Err(Error::invalid_parameter(
                format!("{} is not supported by this engine.", flow_name(flow)),
            )),
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

    /// The password check shared by the password flows: existence, lockout,
    /// status, Argon2id, lockout bookkeeping and rehash, enabled.
    fn password_sign_in(
        &self,
        client: &AppClient,
        auth: &PasswordAuth<'_>,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let (username, password) = (auth.username, &auth.password);
        check_secret_hash(client, username, auth.secret_hash)?;
        let prevent = client.config().prevents_user_existence_errors();
        let Some(user) = self.resolve(username)? else {
            // Spend the same time as a wrong password before answering.
            let _ = password::verify_password(&self.inner.hashing, self.dummy_hash()?, password);
            return Err(if prevent {
                incorrect()
            } else {
                Error::user_not_found()
            });
        };
        // cognito-protocol.md §4.5: an unconfirmed user is refused before the
        // password is checked.
        match user.status {
            UserStatus::Unconfirmed => {
                return Err(Error::new(
                    ErrorCode::UserNotConfirmed,
                    "User is not confirmed.",
                ));
            }
            UserStatus::ResetRequired => {
                return Err(if prevent {
                    // As long as for an unknown user or a wrong password.
                    let _ = password::verify_password(
                        &self.inner.hashing,
                        self.dummy_hash()?,
                        password,
                    );
                    incorrect()
                } else {
                    Error::new(
                        ErrorCode::PasswordResetRequired,
                        "Password reset required for the user",
                    )
                });
            }
            _ => {}
        }
        let user = self.begin_attempt(&user.username, now)?;
        let verification = match user.password_hash.as_deref() {
            Some(phc) => {
                let hash = PasswordHash::from_phc(phc.to_owned())?;
                password::verify_password(&self.inner.hashing, &hash, password)?
            }
            None => Verification::Mismatch,
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
        // secret since replaced).
        let verifier = if self.srp_enabled()? && self.open_verifier(&user).is_none() {
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
        if !stored.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        self.after_first_factor(
            client,
            Authenticated {
                user: stored,
                auth_time: now,
            },
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

    /// What follows a proven password: the new-password challenge for
    /// temporary passwords, tokens otherwise.
    pub(super) fn after_first_factor(
        &self,
        client: &AppClient,
        proof: Authenticated,
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
            return self.new_password_challenge(client, &proof.user, proof.auth_time);
        }
        Ok(AuthResponse::tokens(self.issue_tokens(client, &proof)?))
    }

    fn new_password_challenge(
        &self,
        client: &AppClient,
        user: &UserRecord,
        now: Timestamp,
    ) -> Result<AuthResponse> {
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
        let session = self.issue_session(
            client.id(),
            user,
            NEW_PASSWORD_REQUIRED,
            client.config().auth_session_validity(),
            now,
        )?;
        let json = |v: &dyn erased::Json| v.to_json();
        let mut parameters = BTreeMap::new();
        parameters.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        parameters.insert("requiredAttributes".to_owned(), json(&required)?);
        parameters.insert("userAttributes".to_owned(), json(&visible)?);
        Ok(AuthResponse {
            challenge_name: Some(ChallengeName::NewPasswordRequired),
            session: Some(session),
            challenge_parameters: parameters,
            authentication_result: None,
        })
    }

    /// `RespondToAuthChallenge`: `NEW_PASSWORD_REQUIRED`.
    ///
    /// # Errors
    /// - `ResourceNotFoundException` for an unknown client;
    /// - `NotAuthorizedException` for an invalid, expired or reused session,
    ///   a secret-hash failure, an expired temporary password, a disabled user,
    ///   or an attribute the client may not write;
    /// - `InvalidParameterException` for a missing `NEW_PASSWORD` or
    ///   `USERNAME`, a challenge not simulated, or attributes the schema refuses
    ///   (including required attributes left empty);
    /// - `InvalidPasswordException` when the new password breaks the policy.
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
            ChallengeName::NewPasswordRequired => self.answer_new_password(&client, &request, now),
            ChallengeName::PasswordVerifier => self.srp_respond(&client, &request, now),
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
        let answer = NewPasswordAnswer::read(&request.challenge_responses)?;
        check_secret_hash(client, answer.username, answer.secret_hash)?;
        let user = self
            .resolve(answer.username)?
            .filter(|u| u.username == state.username && u.sub() == state.sub)
            .ok_or_else(|| Error::not_authorized("Invalid session for the user."))?;
        let new_password = &answer.new_password;
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
        self.consume_session(&state)?;
        let stored = self.modify_user(&user.username, now, |cur| {
            if cur.status != UserStatus::ForceChangePassword || cur.sub() != state.sub {
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
        })?;
        Ok(AuthResponse::tokens(self.issue_tokens(
            client,
            &Authenticated {
                user: stored,
                auth_time: now,
            },
        )?))
    }

    // ----- tokens -----

    fn group_infos(&self, username: &str) -> Result<Vec<GroupInfo>> {
        Ok(self
            .store()
            .groups_of_user(self.id(), username)
            .map_err(store_error)?
            .into_iter()
            .map(|g| GroupInfo {
                name: g.name,
                precedence: g.precedence,
                role_arn: g.role_arn,
            })
            .collect())
    }

    /// Signs an access and an ID token for `user` (no refresh token).
    fn sign_pair(
        &self,
        client: &AppClient,
        user: &UserRecord,
        auth_time: Timestamp,
        origin_jti: Option<String>,
        event_id: String,
        now: Timestamp,
    ) -> Result<(String, String, u64)> {
        let validity = client.config().token_validity();
        let (groups, roles, preferred_role) = group_claims(&self.group_infos(&user.username)?);
        let iat = now.unix_seconds();
        let access = AccessClaims {
            sub: user.sub().to_owned(),
            cognito_groups: groups.clone(),
            iss: self.inner.issuer.clone(),
            client_id: client.id().to_owned(),
            origin_jti: origin_jti.clone(),
            event_id: event_id.clone(),
            token_use: TokenUse::Access,
            scope: SCOPE_USER_ADMIN.to_owned(),
            auth_time: auth_time.unix_seconds(),
            exp: iat + secs(validity.access_token()),
            iat,
            jti: random::uuid_v4()?,
            username: user.username.clone(),
            device_key: None,
        };
        let id = IdClaims {
            sub: user.sub().to_owned(),
            aud: client.id().to_owned(),
            iss: self.inner.issuer.clone(),
            token_use: TokenUse::Id,
            auth_time: auth_time.unix_seconds(),
            exp: iat + secs(validity.id_token()),
            iat,
            jti: random::uuid_v4()?,
            origin_jti,
            event_id,
            cognito_username: user.username.clone(),
            cognito_groups: groups,
            cognito_roles: roles,
            cognito_preferred_role: preferred_role,
            attributes: id_token_attributes(&user.attributes, &|n| client.config().can_read(n)),
        };
        let signing = self.signing();
        Ok((
            signing.keys.sign_access(&access)?,
            signing.keys.sign_id(&id)?,
            validity.access_token().as_secs(),
        ))
    }

    /// Stores a new refresh token of the family (`origin_jti`, `event_id`) and returns it.
    fn new_refresh(
        &self,
        client: &AppClient,
        user: &UserRecord,
        family: &Family,
        auth_time: Timestamp,
        now: Timestamp,
    ) -> Result<String> {
        let (token, digest) = new_refresh_token()?;
        let record = RefreshTokenRecord {
            digest,
            client_id: client.id().to_owned(),
            username: user.username.clone(),
            sub: user.sub().to_owned(),
            origin_jti: family.origin_jti.clone(),
            event_id: family.event_id.clone(),
            auth_time,
            issued_at: now,
            expires_at: now.saturating_add(client.config().token_validity().refresh_token()),
            replaced_at: None,
            revoked: false,
        };
        self.store()
            .put_refresh_token(self.id(), &record)
            .map_err(store_error)?;
        Ok(token)
    }

    /// The token triple for a proven sign-in.
    pub(super) fn issue_tokens(
        &self,
        client: &AppClient,
        proof: &Authenticated,
    ) -> Result<AuthenticationResult> {
        // The refresh family exists whether or not the tokens carry its
        // origin_jti: sign-out and disabling revoke it by its event_id too.
        let family = Family {
            origin_jti: random::uuid_v4()?,
            event_id: random::uuid_v4()?,
        };
        let origin_jti = client
            .config()
            .enable_token_revocation()
            .then(|| family.origin_jti.clone());
        let (access_token, id_token, expires_in) = self.sign_pair(
            client,
            &proof.user,
            proof.auth_time,
            origin_jti,
            family.event_id.clone(),
            proof.auth_time,
        )?;
        let refresh_token = self.new_refresh(
            client,
            &proof.user,
            &family,
            proof.auth_time,
            proof.auth_time,
        )?;
        // A user deleted while these tokens were being signed must not leave
        // a live refresh token for a later user of the same name.
        if !self.still_exists(&proof.user)? {
            self.store()
                .revoke_token_family(self.id(), &family.origin_jti)
                .map_err(store_error)?;
            return Err(Error::user_not_found());
        }
        Ok(AuthenticationResult {
            access_token,
            expires_in,
            token_type: "Bearer".to_owned(),
            refresh_token: Some(refresh_token),
            id_token,
        })
    }

    /// The refresh flows. `authorize` checks the caller's secret against the
    /// token's record; `rotate` issues a new refresh token when the client
    /// rotates them.
    fn refresh(
        &self,
        client: &AppClient,
        token: &str,
        authorize: impl Fn(&RefreshTokenRecord) -> Result<()>,
        rotate: bool,
        now: Timestamp,
    ) -> Result<AuthenticationResult> {
        if !parse_refresh_token_shape(token) {
            return Err(Error::not_authorized(INVALID_REFRESH));
        }
        let digest = refresh_token_digest(token);
        let record = self
            .store()
            .get_refresh_token(self.id(), &digest)
            .map_err(store_error)?
            .filter(|r| r.client_id == client.id())
            .ok_or_else(|| Error::not_authorized(INVALID_REFRESH))?;
        authorize(&record)?;
        if record.revoked {
            return Err(Error::not_authorized("Refresh Token has been revoked"));
        }
        if now >= record.expires_at {
            return Err(Error::not_authorized("Refresh Token has expired"));
        }
        let user = self
            .store()
            .get_user(self.id(), &record.username)
            .map_err(store_error)?
            .filter(|u| u.sub() == record.sub)
            .ok_or_else(|| Error::not_authorized(INVALID_REFRESH))?;
        if !user.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        if user.status == UserStatus::ResetRequired {
            return Err(Error::new(
                ErrorCode::PasswordResetRequired,
                "Password reset required for the user",
            ));
        }
        let next_refresh = if rotate {
            let rotation = client.config().refresh_token_rotation();
            // Exactly one use rotates the token; any other use, concurrent
            // ones included, is judged against the recorded rotation time.
            let (replaced_at, rotated_here) = match record.replaced_at {
                Some(t) => (t, false),
                None => match self
                    .store()
                    .mark_refresh_token_replaced(self.id(), &digest, now)
                {
                    Ok(true) => (now, true),
                    Ok(false) => {
                        let t = self
                            .store()
                            .get_refresh_token(self.id(), &digest)
                            .map_err(store_error)?
                            .and_then(|r| r.replaced_at)
                            .ok_or_else(|| Error::not_authorized(INVALID_REFRESH))?;
                        (t, false)
                    }
                    Err(StoreError::NotFound) => {
                        return Err(Error::not_authorized(INVALID_REFRESH));
                    }
                    Err(e) => return Err(store_error(e)),
                },
            };
            if !rotated_here && now >= replaced_at.saturating_add(rotation.retry_grace_period()) {
                // A rotated-out token used after its grace period: assume it
                // was stolen and end the whole family.
                self.store()
                    .revoke_token_family(self.id(), &record.origin_jti)
                    .map_err(store_error)?;
                return Err(Error::new(
                    ErrorCode::RefreshTokenReuse,
                    "The refresh token has already been used and its grace period has passed.",
                ));
            }
            let family = Family {
                origin_jti: record.origin_jti.clone(),
                event_id: record.event_id.clone(),
            };
            Some(self.new_refresh(client, &user, &family, record.auth_time, now)?)
        } else {
            None
        };
        let origin_jti = client
            .config()
            .enable_token_revocation()
            .then(|| record.origin_jti.clone());
        // A refresh continues the authentication: same auth_time, origin_jti
        // and event_id.
        let (access_token, id_token, expires_in) = self.sign_pair(
            client,
            &user,
            record.auth_time,
            origin_jti,
            record.event_id.clone(),
            now,
        )?;
        Ok(AuthenticationResult {
            access_token,
            expires_in,
            token_type: "Bearer".to_owned(),
            refresh_token: next_refresh,
            id_token,
        })
    }

    /// `GetTokensFromRefreshToken`: new access and ID tokens; with refresh
    /// token rotation enabled on the client, also a new refresh token, the old
    /// one working for the client's grace period only. Using it after that is
    /// reuse: the whole family is revoked.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `NotAuthorizedException` for a wrong client secret or an invalid,
    /// expired or revoked refresh token, or a disabled user;
    /// `RefreshTokenReuseException` for a rotated-out token past its grace period.
    pub fn get_tokens_from_refresh_token(
        &self,
        request: GetTokensFromRefreshTokenRequest,
    ) -> Result<AuthenticationResult> {
        let now = self.now();
        let client = self.client(&request.client_id)?;
        if !check_client_secret(&client, request.client_secret.as_deref()) {
            return Err(Error::not_authorized(format!(
                "Unable to verify secret hash for client {}",
                client.id()
            )));
        }
        if !client.config().allows(AuthFlow::RefreshTokenAuth) {
            return Err(Error::invalid_parameter(
                "Refresh Token flow not enabled for this client",
            ));
        }
        let rotate = client.config().refresh_token_rotation().is_enabled();
        self.refresh(&client, &request.refresh_token, |_| Ok(()), rotate, now)
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
