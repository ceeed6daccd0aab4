//! Request and response types of the pool's operations: owned data, named
//! after Cognito's members.

use std::fmt;

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::message::DeliveryMedium;
use crate::schema::Attribute;
use crate::secret::{Code, Password};
use crate::store::{UserRecord, UserStatus};
use crate::triggers::StringMap;

/// Where a code went (Cognito's `CodeDeliveryDetailsType`), destination masked.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeDeliveryDetails {
    /// The masked destination: `j***@e***` or `+*******1212`.
    pub destination: String,
    /// Email or SMS.
    pub delivery_medium: DeliveryMedium,
    /// The attribute the code was sent to: `email` or `phone_number`.
    pub attribute_name: String,
}

impl CodeDeliveryDetails {
    /// A code sent by `medium` to `destination` (masked), the value of `attribute_name`.
    #[must_use]
    pub fn new(
        destination: impl Into<String>,
        delivery_medium: DeliveryMedium,
        attribute_name: impl Into<String>,
    ) -> Self {
        Self {
            destination: destination.into(),
            delivery_medium,
            attribute_name: attribute_name.into(),
        }
    }
}

/// A user as admin operations and `ListUsers` return it (Cognito's `UserType`).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The internal username.
    pub username: String,
    /// The attributes, `sub` first, then by name.
    pub attributes: Vec<Attribute>,
    /// When the user was created.
    pub created_at: Timestamp,
    /// When the user was last modified.
    pub last_modified_at: Timestamp,
    /// `false` when disabled by an admin.
    pub enabled: bool,
    /// The account status.
    pub status: UserStatus,
    /// The second factors the user turned on (`UserMFASettingList`).
    pub mfa_enabled: Vec<crate::config::MfaFactor>,
    /// The preferred second factor (`PreferredMfaSetting`).
    pub preferred_mfa: Option<crate::config::MfaFactor>,
}

impl User {
    /// A user named `username` in `status`, enabled, created (and last
    /// modified) at `created_at`, with no attributes yet: for programs that
    /// stand in for a pool in their own tests.
    #[must_use]
    pub fn new(username: impl Into<String>, status: UserStatus, created_at: Timestamp) -> Self {
        Self {
            username: username.into(),
            attributes: Vec::new(),
            created_at,
            last_modified_at: created_at,
            enabled: true,
            status,
            mfa_enabled: Vec::new(),
            preferred_mfa: None,
        }
    }

    /// The value of attribute `name`, if the user has it.
    #[must_use]
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    pub(crate) fn from_record(r: &UserRecord, only: Option<&[String]>) -> Self {
        let wanted = |name: &str| only.is_none_or(|names| names.iter().any(|n| n == name));
        let mut attributes: Vec<Attribute> = Vec::with_capacity(r.attributes.len());
        if let Some(sub) = r.attributes.get("sub").filter(|_| wanted("sub")) {
            attributes.push(Attribute::new("sub", sub.clone()));
        }
        attributes.extend(
            r.attributes
                .iter()
                .filter(|(k, _)| k.as_str() != "sub" && wanted(k))
                .map(|(k, v)| Attribute::new(k.clone(), v.clone())),
        );
        Self {
            username: r.username.clone(),
            attributes,
            created_at: r.created_at,
            last_modified_at: r.modified_at,
            enabled: r.enabled,
            status: r.status,
            mfa_enabled: r.mfa.enabled.clone(),
            preferred_mfa: r.mfa.preferred,
        }
    }
}

/// `SignUp`, through an app client. `Debug` redacts the password and the
/// secret hash.
#[non_exhaustive]
#[derive(Clone)]
pub struct SignUpRequest {
    /// The app client signing the user up: its `WriteAttributes` limit the
    /// attributes given, and its secret, if it has one, must be proved.
    pub client_id: String,
    /// The username; in email/phone-as-username pools, the email or phone number.
    pub username: String,
    /// The password, checked against the pool's policy. `None` asks for a
    /// passwordless user, which this engine refuses.
    pub password: Option<Password>,
    /// Attributes by API name.
    pub user_attributes: Vec<Attribute>,
    /// `SECRET_HASH`, for a client with a secret (see
    /// [`secret_hash`](crate::client::secret_hash)).
    pub secret_hash: Option<String>,
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
    /// `ValidationData`: handed to PreSignUp as `validationData`; never stored.
    pub validation_data: Option<StringMap>,
}

impl SignUpRequest {
    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// Sets `ValidationData`, for PreSignUp.
    #[must_use]
    pub fn validation_data(mut self, data: StringMap) -> Self {
        self.validation_data = Some(data);
        self
    }

    /// A sign-up of `username` with `password` through `client_id`, with no
    /// attributes yet.
    #[must_use]
    pub fn new(
        client_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Password>,
    ) -> Self {
        Self {
            client_metadata: None,
            validation_data: None,
            client_id: client_id.into(),
            username: username.into(),
            password: Some(password.into()),
            user_attributes: Vec::new(),
            secret_hash: None,
        }
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.user_attributes.push(Attribute::new(name, value));
        self
    }

    /// Proves the client's secret.
    #[must_use]
    pub fn secret_hash(mut self, hash: impl Into<String>) -> Self {
        self.secret_hash = Some(hash.into());
        self
    }

    /// The checks of the request itself, which need no pool: a password is
    /// required (passwordless users are not simulated).
    /// [`UserPool::sign_up`](super::UserPool::sign_up) runs them first; an
    /// adapter that must find the pool before calling it runs them before
    /// that, so the answer does not depend on where the request arrived.
    ///
    /// # Errors
    /// `InvalidParameterException` without a password.
    pub fn validate(&self) -> Result<()> {
        if self.password.is_none() {
            return Err(Error::invalid_parameter(
                "Password is required: passwordless sign-up is not supported by this engine.",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for SignUpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignUpRequest")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("user_attributes", &self.user_attributes)
            .field("secret_hash", &redacted(self.secret_hash.as_deref()))
            .finish()
    }
}

/// The result of `SignUp`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SignUpResponse {
    /// Whether the user is already confirmed: only when a PreSignUp trigger
    /// auto-confirmed it (then no code is sent and
    /// `code_delivery_details` is `None`).
    pub user_confirmed: bool,
    /// The new user's `sub`.
    pub user_sub: String,
    /// Where the confirmation code went; `None` when the pool verifies no
    /// attribute the user supplied.
    pub code_delivery_details: Option<CodeDeliveryDetails>,
}

/// `ConfirmSignUp`, through an app client. `Debug` redacts the code and the
/// secret hash.
#[non_exhaustive]
#[derive(Clone)]
pub struct ConfirmSignUpRequest {
    /// The app client.
    pub client_id: String,
    /// The username or an alias.
    pub username: String,
    /// The code the user received.
    pub confirmation_code: Code,
    /// Move an alias verified on another user to this one. Not simulated:
    /// `true` is refused in pools with alias attributes, and has no effect
    /// elsewhere (there is no alias to move).
    pub force_alias_creation: bool,
    /// `SECRET_HASH`, for a client with a secret.
    pub secret_hash: Option<String>,
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
}

impl ConfirmSignUpRequest {
    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// A confirmation of `username` with `code` through `client_id`.
    #[must_use]
    pub fn new(
        client_id: impl Into<String>,
        username: impl Into<String>,
        code: impl Into<Code>,
    ) -> Self {
        Self {
            client_metadata: None,
            client_id: client_id.into(),
            username: username.into(),
            confirmation_code: code.into(),
            force_alias_creation: false,
            secret_hash: None,
        }
    }

    /// Proves the client's secret.
    #[must_use]
    pub fn secret_hash(mut self, hash: impl Into<String>) -> Self {
        self.secret_hash = Some(hash.into());
        self
    }

    /// Sets `ForceAliasCreation`.
    #[must_use]
    pub fn force_alias_creation(mut self, force: bool) -> Self {
        self.force_alias_creation = force;
        self
    }
}

impl fmt::Debug for ConfirmSignUpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfirmSignUpRequest")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("confirmation_code", &self.confirmation_code)
            .field("force_alias_creation", &self.force_alias_creation)
            .field("secret_hash", &redacted(self.secret_hash.as_deref()))
            .finish()
    }
}

/// `ResendConfirmationCode`, through an app client. `Debug` redacts the
/// secret hash.
#[non_exhaustive]
#[derive(Clone)]
pub struct ResendConfirmationCodeRequest {
    /// The app client.
    pub client_id: String,
    /// The username or an alias.
    pub username: String,
    /// `SECRET_HASH`, for a client with a secret.
    pub secret_hash: Option<String>,
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
}

impl ResendConfirmationCodeRequest {
    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// A new sign-up code for `username`, through `client_id`.
    #[must_use]
    pub fn new(client_id: impl Into<String>, username: impl Into<String>) -> Self {
        Self {
            client_metadata: None,
            client_id: client_id.into(),
            username: username.into(),
            secret_hash: None,
        }
    }

    /// Proves the client's secret.
    #[must_use]
    pub fn secret_hash(mut self, hash: impl Into<String>) -> Self {
        self.secret_hash = Some(hash.into());
        self
    }
}

impl fmt::Debug for ResendConfirmationCodeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResendConfirmationCodeRequest")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("secret_hash", &redacted(self.secret_hash.as_deref()))
            .finish()
    }
}

/// What `Debug` shows of a secret: whether there is one.
pub(super) fn redacted(secret: Option<&str>) -> Option<&'static str> {
    secret.map(|_| "[redacted]")
}

/// What `AdminCreateUser` does about the invitation (`MessageAction`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageAction {
    /// Send no invitation.
    Suppress,
    /// Re-send the invitation to an existing `FORCE_CHANGE_PASSWORD` user,
    /// with a new temporary password.
    Resend,
}

/// `AdminCreateUser`.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct AdminCreateUserRequest {
    /// The username; in email/phone-as-username pools, the email or phone number.
    pub username: String,
    /// Attributes by API name (admins may set `email_verified` and `dev:` attributes).
    pub user_attributes: Vec<Attribute>,
    /// The temporary password; generated to satisfy the policy when `None`.
    pub temporary_password: Option<Password>,
    /// Suppress or re-send the invitation; `None` sends it to a new user.
    pub message_action: Option<MessageAction>,
    /// Where to send the invitation. Empty means Cognito's default, `[SMS]`.
    pub desired_delivery_mediums: Vec<DeliveryMedium>,
    /// Move an alias verified on another user to this one. Not simulated:
    /// `true` is refused in pools with alias attributes, and has no effect
    /// elsewhere (there is no alias to move).
    pub force_alias_creation: bool,
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
    /// `ValidationData`: handed to PreSignUp as `validationData`; never stored.
    pub validation_data: Option<StringMap>,
}

impl AdminCreateUserRequest {
    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// Sets `ValidationData`, for PreSignUp.
    #[must_use]
    pub fn validation_data(mut self, data: StringMap) -> Self {
        self.validation_data = Some(data);
        self
    }

    /// A creation of `username` with a generated temporary password.
    #[must_use]
    pub fn new(username: impl Into<String>) -> Self {
        Self {
            client_metadata: None,
            validation_data: None,
            username: username.into(),
            user_attributes: Vec::new(),
            temporary_password: None,
            message_action: None,
            desired_delivery_mediums: Vec::new(),
            force_alias_creation: false,
        }
    }

    /// Uses `password` as the temporary password (checked against the policy).
    #[must_use]
    pub fn temporary_password(mut self, password: impl Into<Password>) -> Self {
        self.temporary_password = Some(password.into());
        self
    }

    /// Suppresses or re-sends the invitation.
    #[must_use]
    pub fn message_action(mut self, action: MessageAction) -> Self {
        self.message_action = Some(action);
        self
    }

    /// Where to send the invitation.
    #[must_use]
    pub fn desired_delivery_mediums(
        mut self,
        mediums: impl IntoIterator<Item = DeliveryMedium>,
    ) -> Self {
        self.desired_delivery_mediums = mediums.into_iter().collect();
        self
    }

    /// Sets `ForceAliasCreation`.
    #[must_use]
    pub fn force_alias_creation(mut self, force: bool) -> Self {
        self.force_alias_creation = force;
        self
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.user_attributes.push(Attribute::new(name, value));
        self
    }
}

/// `AdminSetUserPassword`.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct AdminSetUserPasswordRequest {
    /// The username or an alias.
    pub username: String,
    /// The new password, checked against the policy.
    pub password: Password,
    /// `true`: the user is `CONFIRMED` with this password. `false`: it is a
    /// temporary password (`FORCE_CHANGE_PASSWORD`) with a fresh validity window.
    pub permanent: bool,
}

impl AdminSetUserPasswordRequest {
    /// Sets `username`'s password to `password`, as a temporary password
    /// (call [`permanent`](Self::permanent) for a permanent one).
    #[must_use]
    pub fn new(username: impl Into<String>, password: impl Into<Password>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
            permanent: false,
        }
    }

    /// Whether the password is permanent.
    #[must_use]
    pub fn permanent(mut self, permanent: bool) -> Self {
        self.permanent = permanent;
        self
    }
}

/// `ListUsers`.
#[non_exhaustive]
#[derive(Clone, Debug, Default)]
pub struct ListUsersRequest {
    /// Cognito's filter expression, e.g. `email ^= "ali"`.
    pub filter: Option<String>,
    /// Page size, 1–60. `None` or 0 means 60.
    pub limit: Option<u32>,
    /// The token from the previous page.
    pub pagination_token: Option<String>,
    /// Return only these attributes (all when `None`).
    pub attributes_to_get: Option<Vec<String>>,
}

impl ListUsersRequest {
    /// Every user, in pages of 60, every attribute.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Only users matching Cognito's filter expression, e.g. `email ^= "ali"`.
    #[must_use]
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Pages of `limit` users (1–60; 0 means 60).
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The page after the one that returned `token`.
    #[must_use]
    pub fn pagination_token(mut self, token: impl Into<String>) -> Self {
        self.pagination_token = Some(token.into());
        self
    }

    /// Only these attributes of each user.
    #[must_use]
    pub fn attributes_to_get<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        self.attributes_to_get = Some(names.into_iter().map(Into::into).collect());
        self
    }
}

/// The result of `ListUsers`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ListUsersResponse {
    /// This page of users, by internal username.
    pub users: Vec<User>,
    /// Pass this back for the next page; `None` on the last page.
    pub pagination_token: Option<String>,
}
