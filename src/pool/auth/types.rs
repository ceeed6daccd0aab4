//! The requests and answers of sign-in: `InitiateAuth`,
//! `RespondToAuthChallenge`, `GetTokensFromRefreshToken`, and the token
//! triple. `Debug` never shows a password, session, token or secret.

use std::collections::BTreeMap;
use std::fmt;

use super::NEW_PASSWORD_REQUIRED;
use crate::client::AuthFlow;
use crate::error::{Error, Result};
use crate::pool::types::redacted;
use crate::triggers::StringMap;

/// A challenge the pool can put to a signing-in user (Cognito's `ChallengeNameType`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChallengeName {
    /// Set a new password (admin-created users, temporary passwords).
    NewPasswordRequired,
    /// Prove the password with SRP.
    PasswordVerifier,
    /// A challenge of the pool's own, built by CreateAuthChallenge and
    /// checked by VerifyAuthChallengeResponse (`CUSTOM_AUTH`).
    CustomChallenge,
    /// Give the code an SMS carried (`SMS_MFA`).
    SmsMfa,
    /// Give the code of the authenticator app (`SOFTWARE_TOKEN_MFA`).
    SoftwareTokenMfa,
    /// Give the code an email carried (`EMAIL_OTP`).
    EmailOtp,
    /// Choose the second factor (`SELECT_MFA_TYPE`).
    SelectMfaType,
    /// Set up a second factor before signing in (`MFA_SETUP`).
    MfaSetup,
    /// Sign in with a remembered device: send its `SRP_A` (`DEVICE_SRP_AUTH`).
    DeviceSrpAuth,
    /// Prove the device's secret (`DEVICE_PASSWORD_VERIFIER`).
    DevicePasswordVerifier,
}

impl ChallengeName {
    /// Cognito's name: `NEW_PASSWORD_REQUIRED`, `PASSWORD_VERIFIER`,
    /// `CUSTOM_CHALLENGE`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NewPasswordRequired => NEW_PASSWORD_REQUIRED,
            Self::PasswordVerifier => "PASSWORD_VERIFIER",
            Self::CustomChallenge => "CUSTOM_CHALLENGE",
            Self::SmsMfa => "SMS_MFA",
            Self::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            Self::EmailOtp => "EMAIL_OTP",
            Self::SelectMfaType => "SELECT_MFA_TYPE",
            Self::MfaSetup => "MFA_SETUP",
            Self::DeviceSrpAuth => "DEVICE_SRP_AUTH",
            Self::DevicePasswordVerifier => "DEVICE_PASSWORD_VERIFIER",
        }
    }

    /// Parses Cognito's name.
    ///
    /// # Errors
    /// `InvalidParameterException` for a challenge this engine does not
    /// simulate (the passwordless challenges).
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            NEW_PASSWORD_REQUIRED => Ok(Self::NewPasswordRequired),
            "PASSWORD_VERIFIER" => Ok(Self::PasswordVerifier),
            "CUSTOM_CHALLENGE" => Ok(Self::CustomChallenge),
            "SMS_MFA" => Ok(Self::SmsMfa),
            "SOFTWARE_TOKEN_MFA" => Ok(Self::SoftwareTokenMfa),
            "EMAIL_OTP" => Ok(Self::EmailOtp),
            "SELECT_MFA_TYPE" => Ok(Self::SelectMfaType),
            "MFA_SETUP" => Ok(Self::MfaSetup),
            "DEVICE_SRP_AUTH" => Ok(Self::DeviceSrpAuth),
            "DEVICE_PASSWORD_VERIFIER" => Ok(Self::DevicePasswordVerifier),
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
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
}

impl InitiateAuthRequest {
    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

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

    /// `CUSTOM_AUTH` without SRP (Amplify's `CUSTOM_WITHOUT_SRP`): the
    /// pool's DefineAuthChallenge decides what follows. For SRP first add
    /// `.param("SRP_A", …).param("CHALLENGE_NAME", "SRP_A")`.
    #[must_use]
    pub fn custom_auth(client_id: impl Into<String>, username: impl Into<String>) -> Self {
        Self::new(AuthFlow::CustomAuth, client_id).param("USERNAME", username)
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
            client_metadata: None,
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
    /// The `Session` of the challenge (not needed for the `PASSWORD_VERIFIER`
    /// of `USER_SRP_AUTH`; required for it inside `CUSTOM_AUTH`).
    pub session: Option<String>,
    /// `USERNAME`, `NEW_PASSWORD`, `userAttributes.<name>`, `SECRET_HASH`, ...
    pub challenge_responses: Parameters,
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
}

impl RespondToAuthChallengeRequest {
    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// An answer to `challenge` in `session`.
    #[must_use]
    pub fn new(
        client_id: impl Into<String>,
        challenge: ChallengeName,
        session: Option<String>,
    ) -> Self {
        Self {
            client_metadata: None,
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

    /// The answer `answer` to a `CUSTOM_CHALLENGE` in `session`; `username`
    /// is the challenge's `USERNAME` or the name the user typed.
    #[must_use]
    pub fn custom_challenge(
        client_id: impl Into<String>,
        session: impl Into<String>,
        username: impl Into<String>,
        answer: impl Into<String>,
    ) -> Self {
        Self::new(
            client_id,
            ChallengeName::CustomChallenge,
            Some(session.into()),
        )
        .response("USERNAME", username)
        .response("ANSWER", answer)
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
#[derive(Clone, PartialEq, Eq, Default)]
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
    /// `NewDeviceMetadata`: the key of a device the pool started tracking
    /// with this sign-in (pools with `DeviceConfiguration`, a sign-in that
    /// presented no valid `DEVICE_KEY`), for `ConfirmDevice`.
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

/// `NewDeviceMetadataType`: a device key issued at sign-in
/// (cognito-mfa-devices-passwordless.md §6.1).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDeviceMetadata {
    /// `DeviceKey`, `<region>_<uuid>`.
    pub device_key: String,
    /// `DeviceGroupKey`: the "pool name" of the device's SRP.
    pub device_group_key: String,
}

impl fmt::Debug for AuthenticationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationResult")
            .field("access_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .field("refresh_token", &redacted(self.refresh_token.as_deref()))
            .field("id_token", &"[redacted]")
            .field("new_device_metadata", &self.new_device_metadata)
            .finish()
    }
}

/// The answer to a sign-in step: a challenge, or tokens. `Debug` redacts
/// the session (it lets its holder answer the challenge) and the tokens.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, Default)]
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

impl fmt::Debug for RespondToAuthChallengeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RespondToAuthChallengeRequest")
            .field("client_id", &self.client_id)
            .field("challenge_name", &self.challenge_name)
            .field("session", &redacted(self.session.as_deref()))
            .field("challenge_responses", &self.challenge_responses)
            .finish()
    }
}

impl fmt::Debug for AuthResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthResponse")
            .field("challenge_name", &self.challenge_name)
            .field("session", &redacted(self.session.as_deref()))
            .field(
                "challenge_parameters",
                &self.challenge_parameters.keys().collect::<Vec<_>>(),
            )
            .field("authentication_result", &self.authentication_result)
            .finish()
    }
}

impl AuthResponse {
    pub(super) fn tokens(result: AuthenticationResult) -> Self {
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
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
    /// `DeviceKey`: required (and must be the bound key) when the refresh
    /// token is bound to a device (cognito-mfa-devices-passwordless.md §6.6).
    pub device_key: Option<String>,
}

impl GetTokensFromRefreshTokenRequest {
    /// Sets `DeviceKey`, for a refresh token bound to a device.
    #[must_use]
    pub fn device_key(mut self, key: impl Into<String>) -> Self {
        self.device_key = Some(key.into());
        self
    }

    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// New tokens for `refresh_token`, through the client it was issued to.
    #[must_use]
    pub fn new(client_id: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        Self {
            client_metadata: None,
            refresh_token: refresh_token.into(),
            client_id: client_id.into(),
            client_secret: None,
            device_key: None,
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
            .field("client_secret", &redacted(self.client_secret.as_deref()))
            .field("device_key", &self.device_key)
            .finish()
    }
}
