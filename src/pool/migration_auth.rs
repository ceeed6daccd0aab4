//! UserMigration at sign-in (`UserMigration_Authentication`,
//! cognito-triggers.md §2.6): a password sign-in (`USER_PASSWORD_AUTH`,
//! `ADMIN_USER_PASSWORD_AUTH`, never SRP) of a name no user has asks the
//! trigger for the user, creates them from its answer, and the sign-in
//! goes on with them (PreAuthentication, the password check,
//! PostAuthentication, PreTokenGeneration, tokens).
//!
//! # Choices
//!
//! * The typed password is checked against the pool's password policy
//!   before a `CONFIRMED` user is created with it (the issue asks for it;
//!   cognito-triggers.md says Cognito does not): a weak one fails the
//!   sign-in with `InvalidPasswordException` and nothing is stored.
//! * `finalUserStatus` absent means `RESET_REQUIRED`: the user is created
//!   without a password and the sign-in answers
//!   `PasswordResetRequiredException` — or, when the client prevents
//!   user-existence errors, `NotAuthorizedException` `Incorrect username or
//!   password.` — through the ordinary status checks.
//! * No usable `userAttributes` (none, or ones the schema or the username
//!   rules refuse) is `UserNotFoundException` `Exception migrating user in
//!   app client <clientId>`. Under `PreventUserExistenceErrors: ENABLED`
//!   the name stays unknown and the sign-in goes on as for any unknown
//!   name: PreAuthentication with `userNotFound: true`, the attempt counted
//!   toward the name's lockout, and `NotAuthorizedException` `Incorrect
//!   username or password.` in the time a wrong password takes. A returned
//!   `sub` is ignored; `username` is used only when the typed name was an
//!   alias (email or phone shaped, in a pool with that alias), and becomes
//!   the internal username.
//! * `enableSMSMFA: true` is `InvalidLambdaResponseException` `Unrecognizable
//!   lambda output`: the engine has no SMS MFA.
//! * `forceAliasCreation` is handled as `AdminCreateUser` handles it (moving
//!   an alias is not simulated); an alias another user holds is
//!   `AliasExistsException`.
//! * `messageAction: SUPPRESS` sends nothing; otherwise the welcome message
//!   is the pool's invitation template (as Cognito's
//!   `CustomMessage_AdminCreateUser`), with `{####}` rendered empty — a
//!   migrated user has no temporary password — sent to each of
//!   `desiredDeliveryMediums` (default SMS) the user has an address for;
//!   with none, nothing is sent and the sign-in goes on.
//! * Two sign-ins migrating the same name at once create one user: the
//!   second finds the first's and signs in against it.

use super::UserPool;
use super::hooks::hook;
use crate::client::AppClient;
use crate::code;
use crate::config::{AliasAttribute, InviteMessageTemplate};
use crate::error::{Error, ErrorCode, Result};
use crate::message::{DeliveryMedium, Message, MessageKind};
use crate::schema::{Attribute, Writer};
use crate::secret::{Code, Password};
use crate::store::{UserRecord, UserStatus};
use crate::triggers::{
    MigratedUserStatus, MigrationMessageAction, StringMap, Trigger, TriggerError, TriggerSource,
    UNRECOGNIZABLE_OUTPUT, UserMigrationRequest, UserMigrationResponse,
};

impl UserPool {
    /// UserMigration for a sign-in of `typed`, a name no user has, with
    /// `password`; `metadata` is `InitiateAuth`'s `ClientMetadata` (the
    /// event's `validationData`). `Ok(None)` when the pool has no
    /// UserMigration, or (under `ENABLED`) when it migrated no one;
    /// otherwise the user now stored under the name.
    ///
    /// # Errors
    /// See the module docs; the hook's failure is `UserLambdaValidationException`
    /// `UserMigration failed with error <message>.`, and no user is created.
    pub(super) fn migrate_on_sign_in(
        &self,
        client: &AppClient,
        typed: &str,
        password: &Password,
        metadata: Option<&StringMap>,
    ) -> Result<Option<UserRecord>> {
        let Some(hooks) = self.hooks_for(Trigger::UserMigration) else {
            return Ok(None);
        };
        let mut request = UserMigrationRequest::authentication(password.clone());
        request.validation_data = metadata.cloned();
        let event = self.event(
            TriggerSource::UserMigrationAuthentication,
            typed,
            Some(client.id()),
            request,
        );
        let response = hook(Trigger::UserMigration, hooks.user_migration(&event))?;
        if response.enable_sms_mfa {
            return Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT)
                .into_error(Trigger::UserMigration));
        }
        let confirmed = response.final_user_status == Some(MigratedUserStatus::Confirmed);
        if confirmed {
            self.config().password_policy().validate(password)?;
        }
        self.refuse_alias_move(response.force_alias_creation)?;
        let prevent = client.config().prevents_user_existence_errors();
        let not_migrated = || -> Result<Option<UserRecord>> {
            if prevent {
                // The caller answers as for any unknown name.
                Ok(None)
            } else {
                Err(Error::new(
                    ErrorCode::UserNotFound,
                    format!("Exception migrating user in app client {}", client.id()),
                ))
            }
        };
        let attributes: Vec<Attribute> = response
            .user_attributes
            .iter()
            .filter(|(name, _)| name.as_str() != "sub" && name.as_str() != "username")
            .map(|(name, value)| Attribute::new(name.as_str(), value.as_str()))
            .collect();
        if attributes.is_empty() {
            return not_migrated();
        }
        let name = match response.user_attributes.get("username") {
            Some(internal) if self.is_alias_shaped(typed) => internal.as_str(),
            _ => typed,
        };
        let Ok(new) = self.prepare_new_user(name, &attributes, Writer::Admin) else {
            return not_migrated();
        };
        let now = self.now();
        let status = if confirmed {
            UserStatus::Confirmed
        } else {
            UserStatus::ResetRequired
        };
        let mut user = UserRecord::new(new.username, new.attributes, status, now);
        user.username_attribute = new.username_attribute.map(str::to_owned);
        if confirmed {
            self.credentials(&user.username, password)?.apply(&mut user);
        }
        match self.insert_new_user(&user) {
            Ok(()) => {}
            // Another sign-in migrated the name first: sign in against it.
            Err(e) if e.code() == ErrorCode::UsernameExists => {
                return match self.resolve(typed)? {
                    Some(existing) => Ok(Some(existing)),
                    None => Err(e),
                };
            }
            Err(e) => return Err(e),
        }
        if response.message_action != Some(MigrationMessageAction::Suppress) {
            self.send_migration_welcome(&user, &response, now)?;
        }
        Ok(Some(user))
    }

    /// Whether `name` would sign in as an email or phone alias here.
    fn is_alias_shaped(&self, name: &str) -> bool {
        let config = self.config();
        config.username_attributes().is_empty()
            && ((config.is_alias(AliasAttribute::Email) && super::looks_like_email(name))
                || (config.is_alias(AliasAttribute::PhoneNumber) && super::looks_like_phone(name)))
    }

    /// The welcome message of a migrated user (module docs).
    fn send_migration_welcome(
        &self,
        user: &UserRecord,
        response: &UserMigrationResponse,
        now: crate::clock::Timestamp,
    ) -> Result<()> {
        let config = self.config();
        let template: &InviteMessageTemplate = config.invite_message();
        let mediums = if response.desired_delivery_mediums.is_empty() {
            &[DeliveryMedium::Sms][..]
        } else {
            &response.desired_delivery_mediums[..]
        };
        for medium in mediums {
            let (attribute, subject, body) = match medium {
                DeliveryMedium::Email => (
                    "email",
                    Some(template.email_subject.clone()),
                    &template.email_message,
                ),
                DeliveryMedium::Sms => ("phone_number", None, &template.sms_message),
            };
            let Some(destination) = user.attributes.get(attribute).filter(|v| !v.is_empty()) else {
                continue;
            };
            self.deliver(Message {
                pool_id: self.id().to_owned(),
                username: user.username.clone(),
                destination: destination.clone(),
                medium: *medium,
                kind: MessageKind::AdminCreateUser,
                subject,
                body: code::render(body, "", &user.username),
                code: Code::new(""),
                sent_at: now,
            })?;
        }
        Ok(())
    }
}
