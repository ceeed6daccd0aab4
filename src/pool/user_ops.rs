//! Operations a signed-in user makes with their access token, and sign-out
//! and revocation: `GetUser`, `UpdateUserAttributes`,
//! `GetUserAttributeVerificationCode`, `VerifyUserAttribute`,
//! `DeleteUserAttributes`, `DeleteUser`, `ChangePassword`, `GlobalSignOut`,
//! `AdminUserGlobalSignOut`, `RevokeToken`.

use std::fmt;

use super::auth::{lockout_state, set_lockout_state};
use super::codes::Sends;
use super::types::redacted;
use super::{CodeDeliveryDetails, UserPool, store_error};
use crate::client::{AppClient, check_client_secret};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::lockout;
use crate::message::MessageKind;
use crate::password::{self, PasswordHash, Verification};
use crate::schema::{Attribute, Writer};
use crate::secret::{Code, Password};
use crate::store::{CodePurpose, StoreError, UserRecord, UserStatus};
use crate::token::{
    AccessClaims, SCOPE_USER_ADMIN, parse_refresh_token_shape, refresh_token_digest,
};

const REVOKED: &str = "Access Token has been revoked";

/// The result of `GetUser`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct GetUserResponse {
    /// The internal username.
    pub username: String,
    /// The attributes the token's app client may read, `sub` first.
    pub user_attributes: Vec<Attribute>,
    /// The second factors the user turned on (`UserMFASettingList`).
    pub mfa_enabled: Vec<crate::config::MfaFactor>,
    /// The preferred second factor (`PreferredMfaSetting`).
    pub preferred_mfa: Option<crate::config::MfaFactor>,
}

/// `ChangePassword`. `Debug` redacts the token and the passwords.
#[non_exhaustive]
#[derive(Clone)]
pub struct ChangePasswordRequest {
    /// The signed-in user's access token.
    pub access_token: String,
    /// The current password. Only passwordless users may leave it out, and
    /// this engine has none.
    pub previous_password: Option<Password>,
    /// The new password, checked against the pool's policy.
    pub proposed_password: Password,
}

impl ChangePasswordRequest {
    /// A change from `previous` to `proposed` for the owner of `access_token`.
    #[must_use]
    pub fn new(
        access_token: impl Into<String>,
        previous: impl Into<Password>,
        proposed: impl Into<Password>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            previous_password: Some(previous.into()),
            proposed_password: proposed.into(),
        }
    }

    /// The checks of the request itself, which need no pool: the previous
    /// password is required. [`UserPool::change_password`] runs them first;
    /// an adapter that must find the pool before calling it runs them
    /// before that, so the answer does not depend on where it arrived.
    ///
    /// # Errors
    /// `InvalidParameterException` without a previous password.
    pub fn validate(&self) -> Result<()> {
        if self.previous_password.is_none() {
            return Err(Error::invalid_parameter(
                "PreviousPassword is required: passwordless users are not supported by this engine.",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangePasswordRequest")
            .field("access_token", &"[redacted]")
            .field("previous_password", &self.previous_password)
            .field("proposed_password", &self.proposed_password)
            .finish()
    }
}

/// `RevokeToken`.
#[non_exhaustive]
#[derive(Clone)]
pub struct RevokeTokenRequest {
    /// The refresh token to revoke.
    pub token: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The raw client secret, for confidential clients.
    pub client_secret: Option<String>,
}

impl RevokeTokenRequest {
    /// Revokes `token`, a refresh token issued to `client_id`.
    #[must_use]
    pub fn new(client_id: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
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

impl fmt::Debug for RevokeTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevokeTokenRequest")
            .field("token", &"[redacted]")
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(self.client_secret.as_deref()))
            .finish()
    }
}

/// A user authorised by an access token, with the client it was issued to.
pub(super) struct Authorized {
    pub(super) user: UserRecord,
    pub(super) client: AppClient,
}

fn verify_target(attribute: &str) -> Result<CodePurpose> {
    match attribute {
        "email" => Ok(CodePurpose::VerifyEmail),
        "phone_number" => Ok(CodePurpose::VerifyPhoneNumber),
        other => Err(Error::invalid_parameter(format!(
            "Only email and phone_number can be verified, not {other}."
        ))),
    }
}

impl UserPool {
    /// Checks an access token for one of the pool's own operations: the
    /// signature, issuer, expiry, scope, the app client still existing, and
    /// revocation (sign-out, `RevokeToken`, disabling), then the user's state.
    pub(super) fn authorize(&self, access_token: &str, now: Timestamp) -> Result<Authorized> {
        let claims: AccessClaims =
            self.signing()
                .verifier
                .verify_access(access_token, None, now)?;
        if !claims.scope.split(' ').any(|s| s == SCOPE_USER_ADMIN) {
            return Err(Error::not_authorized(
                "Access Token does not have required scopes",
            ));
        }
        let client = self
            .client(&claims.client_id)
            .map_err(|_| Error::not_authorized("Invalid Access Token"))?;
        // The token's family: its origin_jti, or, for clients with token
        // revocation disabled, its event_id (cognito-protocol.md §4.10).
        let family = claims.origin_jti.as_deref().unwrap_or(&claims.event_id);
        if self
            .store()
            .is_family_revoked(self.id(), family)
            .map_err(store_error)?
        {
            return Err(Error::not_authorized(REVOKED));
        }
        let user = self
            .store()
            .get_user(self.id(), &claims.username)
            .map_err(store_error)?
            .ok_or_else(Error::user_not_found)?;
        if user.sub() != claims.sub {
            // The user was deleted and the name reused.
            return Err(Error::user_not_found());
        }
        if !user.enabled {
            return Err(Error::not_authorized(REVOKED));
        }
        match user.status {
            UserStatus::Unconfirmed => Err(Error::new(
                ErrorCode::UserNotConfirmed,
                "User is not confirmed.",
            )),
            UserStatus::ResetRequired => Err(Error::new(
                ErrorCode::PasswordResetRequired,
                "Password reset required for the user",
            )),
            _ => Ok(Authorized { user, client }),
        }
    }

    /// `GetUser`: the token owner's username and the attributes its client may read.
    ///
    /// # Errors
    /// `NotAuthorizedException` (`Invalid Access Token`, `Access Token has
    /// expired`, `Access Token has been revoked`); `UserNotFoundException`;
    /// `UserNotConfirmedException`; `PasswordResetRequiredException`.
    pub fn get_user(&self, access_token: &str) -> Result<GetUserResponse> {
        let now = self.now();
        let a = self.authorize(access_token, now)?;
        let user = super::User::from_record(&a.user, None);
        Ok(GetUserResponse {
            username: user.username,
            user_attributes: user
                .attributes
                .into_iter()
                .filter(|attr| a.client.config().can_read(&attr.name))
                .collect(),
            mfa_enabled: user.mfa_enabled,
            preferred_mfa: user.preferred_mfa,
        })
    }

    /// `UpdateUserAttributes`: writes attributes the token's client may
    /// write. Changing `email` or `phone_number` resets its `_verified` flag
    /// and, for an auto-verified attribute, sends a code (unless the user's
    /// 5 codes an hour for it are spent: the change stands, no code goes);
    /// the new value takes effect at once
    /// (`AttributesRequireVerificationBeforeUpdate` is not simulated).
    ///
    /// # Errors
    /// The token errors of [`UserPool::get_user`]; `NotAuthorizedException`
    /// (`A client attempted to write unauthorized attribute`);
    /// `InvalidParameterException` for refused attributes; `AliasExistsException`.
    pub fn update_user_attributes(
        &self,
        access_token: &str,
        attributes: Vec<Attribute>,
    ) -> Result<Vec<CodeDeliveryDetails>> {
        let now = self.now();
        let a = self.authorize(access_token, now)?;
        if attributes
            .iter()
            .any(|x| !a.client.config().can_write(&x.name))
        {
            return Err(Error::not_authorized(
                "A client attempted to write unauthorized attribute",
            ));
        }
        let mut changed = Vec::new();
        let stored = self.modify_user(&a.user.username, now, |cur| {
            let update = self.config().schema().validate_update(
                &cur.attributes,
                &attributes,
                Writer::User,
            )?;
            self.keep_username_attributes(cur, &update)?;
            if update.changed.is_empty() {
                return Ok(None);
            }
            let mut next = cur.clone();
            next.attributes = update.attributes;
            changed = update.changed;
            Ok(Some(next))
        })?;
        self.send_verification_codes(&stored, &changed, now)
    }

    /// `GetUserAttributeVerificationCode`: sends a code to verify `email` or
    /// `phone_number`, replacing any pending one.
    ///
    /// # Errors
    /// The token errors; `InvalidParameterException` for another attribute or
    /// one the user does not have; `LimitExceededException` after 5 codes
    /// for the attribute in an hour (Cognito's documented limit);
    /// `CodeDeliveryFailureException`.
    pub fn get_user_attribute_verification_code(
        &self,
        access_token: &str,
        attribute_name: &str,
    ) -> Result<CodeDeliveryDetails> {
        let now = self.now();
        let a = self.authorize(access_token, now)?;
        let purpose = verify_target(attribute_name)?;
        self.issue_code(
            &a.user,
            purpose,
            attribute_name,
            super::outgoing::Occasion::of(MessageKind::VerifyUserAttribute),
            Sends::Counted,
            now,
        )
    }

    /// `VerifyUserAttribute`: checks the code and sets `<attribute>_verified`.
    /// A code sent to a value the attribute no longer has verifies nothing.
    ///
    /// # Errors
    /// The token errors; `InvalidParameterException` for an attribute other
    /// than email or phone; `CodeMismatchException`, `ExpiredCodeException`,
    /// `LimitExceededException`; `AliasExistsException` when the value is a
    /// verified alias of another user (the code stays usable).
    pub fn verify_user_attribute(
        &self,
        access_token: &str,
        attribute_name: &str,
        code: &Code,
    ) -> Result<()> {
        let now = self.now();
        let a = self.authorize(access_token, now)?;
        let purpose = verify_target(attribute_name)?;
        let record = self.check_code(&a.user, purpose, code, now, false)?;
        let flag = format!("{attribute_name}_verified");
        self.modify_user_with_code(&a.user.username, purpose, &record, now, |cur| {
            if cur.attributes.get(attribute_name) != record.destination.as_ref() {
                return Err(Error::new(
                    ErrorCode::ExpiredCode,
                    "Invalid code provided, please request a code again.",
                ));
            }
            let mut next = cur.clone();
            next.attributes.insert(flag.clone(), "true".to_owned());
            Ok((next != *cur).then_some(next))
        })?;
        Ok(())
    }

    /// `DeleteUserAttributes`: deletes attributes the token's client may write.
    ///
    /// # Errors
    /// The token errors; `NotAuthorizedException` for attributes the client
    /// may not write; `InvalidParameterException` for required or immutable ones.
    pub fn delete_user_attributes(&self, access_token: &str, names: Vec<String>) -> Result<()> {
        let now = self.now();
        let a = self.authorize(access_token, now)?;
        if names.iter().any(|n| !a.client.config().can_write(n)) {
            return Err(Error::not_authorized(
                "A client attempted to write unauthorized attribute",
            ));
        }
        self.modify_user(&a.user.username, now, |cur| {
            let update =
                self.config()
                    .schema()
                    .validate_delete(&cur.attributes, &names, Writer::User)?;
            self.keep_username_attributes(cur, &update)?;
            if update.changed.is_empty() {
                return Ok(None);
            }
            let mut next = cur.clone();
            next.attributes = update.attributes;
            Ok(Some(next))
        })?;
        Ok(())
    }

    /// `DeleteUser`: the token owner deletes their account; their tokens stop working.
    ///
    /// # Errors
    /// The token errors.
    pub fn delete_user(&self, access_token: &str) -> Result<()> {
        let now = self.now();
        let a = self.authorize(access_token, now)?;
        self.store()
            .revoke_user_tokens(self.id(), &a.user.username)
            .map_err(store_error)?;
        self.admin_delete_user(&a.user.username)
    }

    /// `ChangePassword`: verifies the previous password (a wrong one counts
    /// towards the sign-in lockout) and sets the proposed one. Existing
    /// tokens keep working, as in Cognito.
    ///
    /// # Errors
    /// The token errors; `NotAuthorizedException` (`Incorrect username or
    /// password.`, `Password attempts exceeded`); `InvalidPasswordException`;
    /// `InvalidParameterException` for a missing previous password (see
    /// [`ChangePasswordRequest::validate`]).
    pub fn change_password(&self, request: ChangePasswordRequest) -> Result<()> {
        request.validate()?;
        let (Some(previous), proposed) = (&request.previous_password, &request.proposed_password)
        else {
            return Err(Error::internal(
                "A validated password change has a previous password.",
            ));
        };
        let now = self.now();
        let a = self.authorize(&request.access_token, now)?;
        self.config().password_policy().validate(proposed)?;
        let user = self.begin_attempt(&a.user.username, now)?;
        let verification = match user.password_hash.as_deref() {
            Some(phc) => password::verify_password(
                &self.inner.hashing,
                &PasswordHash::from_phc(phc.to_owned())?,
                previous,
            )?,
            None => Verification::Mismatch,
        };
        if !verification.is_match() {
            // Already counted by begin_attempt.
            return Err(Error::not_authorized("Incorrect username or password."));
        }
        let credentials = self.credentials(&a.user.username, proposed)?;
        self.modify_user(&a.user.username, now, |cur| {
            let mut next = cur.clone();
            credentials.apply(&mut next);
            set_lockout_state(&mut next, lockout::record_success(&lockout_state(cur), now));
            Ok(Some(next))
        })?;
        Ok(())
    }

    fn sign_out_user(&self, username: &str) -> Result<()> {
        self.store()
            .revoke_user_tokens(self.id(), username)
            .map_err(store_error)
    }

    /// `GlobalSignOut`: revokes every refresh token of the token owner and
    /// makes their access tokens fail on the pool's operations (they still
    /// verify offline until they expire, as Cognito's do).
    ///
    /// # Errors
    /// The token errors.
    pub fn global_sign_out(&self, access_token: &str) -> Result<()> {
        let now = self.now();
        let a = self.authorize(access_token, now)?;
        self.sign_out_user(&a.user.username)
    }

    /// `AdminUserGlobalSignOut`: [`UserPool::global_sign_out`] by username.
    ///
    /// # Errors
    /// `UserNotFoundException`.
    pub fn admin_user_global_sign_out(&self, username: &str) -> Result<()> {
        let user = self.resolve_existing(username)?;
        self.sign_out_user(&user.username)
    }

    /// `RevokeToken`: revokes a refresh token and every access token issued
    /// with it (its `origin_jti` family). Revoking an unknown or already
    /// revoked refresh token succeeds (RFC 7009 §2.2).
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `UnauthorizedException` for a wrong client secret or a token of
    /// another client; `UnsupportedOperationException` when the client has
    /// token revocation disabled; `UnsupportedTokenTypeException` for an
    /// access or ID token.
    pub fn revoke_token(&self, request: RevokeTokenRequest) -> Result<()> {
        let client = self.client(&request.client_id)?;
        if !check_client_secret(&client, request.client_secret.as_deref()) {
            return Err(Error::new(
                ErrorCode::Unauthorized,
                format!("Unable to verify secret hash for client {}", client.id()),
            ));
        }
        if !client.config().enable_token_revocation() {
            return Err(Error::new(
                ErrorCode::UnsupportedOperation,
                "Token revocation is not enabled for this client.",
            ));
        }
        if !parse_refresh_token_shape(&request.token) {
            return Err(if request.token.split('.').count() == 3 {
                Error::new(
                    ErrorCode::UnsupportedTokenType,
                    "Only refresh tokens can be revoked.",
                )
            } else {
                Error::invalid_parameter("Invalid token.")
            });
        }
        let digest = refresh_token_digest(&request.token);
        match self.store().get_refresh_token(self.id(), &digest) {
            Ok(Some(record)) if record.client_id != client.id() => Err(Error::new(
                ErrorCode::Unauthorized,
                "The token was not issued to this client.",
            )),
            Ok(Some(record)) => self
                .store()
                .revoke_token_family(self.id(), &record.origin_jti)
                .map_err(store_error),
            Ok(None) => Ok(()),
            Err(StoreError::NotFound) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}
