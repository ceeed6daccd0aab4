//! Creating the user a UserMigration trigger returns
//! (cognito-triggers.md §2.6), for both its sources: `ForgotPassword`
//! (`UserMigration_ForgotPassword`, in `recovery`) and the password
//! sign-ins (`UserMigration_Authentication`).
//!
//! # Choices where Cognito is undocumented
//!
//! * The internal username is the `username` the function returns when
//!   the name typed was an alias (email or phone shaped, in a pool with
//!   that alias: the only case Cognito allows it), else the name typed; in
//!   pools with username attributes, a new `sub` as for any user, with the
//!   typed email or phone number as that attribute (a returned `username`
//!   is then ignored). A returned `sub` is ignored: the
//!   pool draws its own.
//! * The attributes are validated as `AdminCreateUser`'s are (an
//!   administrator's writes, so `email_verified` may be set); a refusal, or
//!   a username the pool refuses, is `InvalidLambdaResponseException` with
//!   the validation's message, since the function, not the caller, sent
//!   it. The password policy is **not** enforced on a migrated password
//!   (§2.6).
//! * `forceAliasCreation: true` would move an email or phone alias from its
//!   current holder; this engine does not move aliases (two writes it
//!   cannot make atomically) and refuses with `InvalidParameterException`
//!   ([`FORCE_ALIAS_REFUSED`]) when a move would be needed. Without it, a
//!   taken alias is `AliasExistsException`, as in Cognito.
//! * `enableSMSMFA: true` is `InvalidLambdaResponseException`: the library
//!   has no SMS MFA.

use super::UserPool;
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::schema::{Attribute, Writer};
use crate::secret::Password;
use crate::store::{UserRecord, UserStatus};
use crate::triggers::{UNRECOGNIZABLE_OUTPUT, UserMigrationResponse};

/// `InvalidParameterException`'s message when `forceAliasCreation` would
/// move an alias (see the module docs).
pub(super) const FORCE_ALIAS_REFUSED: &str = "UserMigration returned forceAliasCreation=true for an alias another user holds; moving an alias is not supported by this engine.";

/// `InvalidLambdaResponseException`'s message for `enableSMSMFA: true`.
pub(super) const SMS_MFA_REFUSED: &str =
    "UserMigration returned enableSMSMFA=true; SMS MFA is not supported by this engine.";

/// `UserNotFoundException` when the function migrated nobody (no
/// attributes): `Exception migrating user in app client <clientId>`.
pub(super) fn migration_failed(client_id: &str) -> Error {
    Error::new(
        ErrorCode::UserNotFound,
        format!("Exception migrating user in app client {client_id}"),
    )
}

fn unusable(e: Error) -> Error {
    if e.code() == ErrorCode::InvalidParameter {
        Error::new(ErrorCode::InvalidLambdaResponse, e.message().to_owned())
    } else {
        e
    }
}

impl UserPool {
    /// The user `response` describes for the name `typed_name`, with
    /// `status` and, when given, `password` (hashed; the callers decide
    /// about the policy), validated and not stored:
    /// [`insert_migrated_user`](Self::insert_migrated_user) stores it.
    ///
    /// The caller answers a response without attributes first
    /// ([`migration_failed`], or the hidden answer under
    /// `PreventUserExistenceErrors=ENABLED`), and decides what follows
    /// (`messageAction`, `desiredDeliveryMediums`: sending is not done here).
    ///
    /// # Errors
    /// `InvalidLambdaResponseException` for attributes or a username the
    /// pool refuses, or `enableSMSMFA`.
    pub(super) fn prepare_migrated_user(
        &self,
        response: &UserMigrationResponse,
        typed_name: &str,
        password: Option<&Password>,
        status: UserStatus,
        now: Timestamp,
    ) -> Result<UserRecord> {
        if response.enable_sms_mfa {
            return Err(Error::new(
                ErrorCode::InvalidLambdaResponse,
                SMS_MFA_REFUSED,
            ));
        }
        if response.user_attributes.is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidLambdaResponse,
                UNRECOGNIZABLE_OUTPUT,
            ));
        }
        let name = match response.user_attributes.get("username") {
            Some(username) if self.is_alias_shaped(typed_name) => username.as_str(),
            _ => typed_name,
        };
        let attributes: Vec<Attribute> = response
            .user_attributes
            .iter()
            .filter(|(k, _)| *k != "sub" && *k != "username")
            .map(|(k, v)| Attribute::new(k.clone(), v.clone()))
            .collect();
        let new = self
            .prepare_new_user(name, &attributes, Writer::Admin)
            .map_err(unusable)?;
        let mut user = UserRecord::new(new.username, new.attributes, status, now);
        user.username_attribute = new.username_attribute.map(str::to_owned);
        if let Some(password) = password {
            self.credentials(&user.username, password)?.apply(&mut user);
        }
        Ok(user)
    }

    /// Whether `name` would sign in as an email or phone alias here.
    fn is_alias_shaped(&self, name: &str) -> bool {
        self.config().username_attributes().is_empty() && self.looks_like_alias(name)
    }

    /// Stores a user [`prepare_migrated_user`](Self::prepare_migrated_user)
    /// built from `response`.
    ///
    /// # Errors
    /// `UsernameExistsException`, `AliasExistsException`, or
    /// `InvalidParameterException` ([`FORCE_ALIAS_REFUSED`]) when the
    /// function asked to take a taken alias.
    pub(super) fn insert_migrated_user(
        &self,
        response: &UserMigrationResponse,
        user: UserRecord,
    ) -> Result<UserRecord> {
        match self.insert_new_user(&user) {
            Err(e) if e.code() == ErrorCode::AliasExists && response.force_alias_creation => {
                Err(Error::invalid_parameter(FORCE_ALIAS_REFUSED))
            }
            Err(e) => Err(e),
            Ok(()) => Ok(user),
        }
    }
}
