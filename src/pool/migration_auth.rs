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
//!   sign-in with `InvalidPasswordException` and nothing is stored. Under
//!   `PreventUserExistenceErrors: ENABLED` that answer would tell the
//!   caller the legacy system took the password, so the name stays unknown
//!   instead (`Incorrect username or password.`, counted toward its
//!   lockout); and a name locked out there is refused before the function
//!   is called.
//! * `finalUserStatus` absent means `RESET_REQUIRED`: the user is created
//!   without a password and the sign-in answers
//!   `PasswordResetRequiredException` — or, when the client prevents
//!   user-existence errors, `NotAuthorizedException` `Incorrect username or
//!   password.` — through the ordinary status checks.
//! * No `userAttributes` is `UserNotFoundException` `Exception migrating
//!   user in app client <clientId>`. Under `PreventUserExistenceErrors:
//!   ENABLED` the name stays unknown and the sign-in goes on as for any
//!   unknown name: PreAuthentication with `userNotFound: true`, the attempt
//!   counted toward the name's lockout, and `NotAuthorizedException`
//!   `Incorrect username or password.` in the time a wrong password takes.
//! * The user is built and stored by the step both UserMigration sources
//!   share (`pool::migration`): attributes or a username the pool refuses
//!   are `InvalidLambdaResponseException` with the validation's message,
//!   `enableSMSMFA: true` too (the engine has no SMS MFA), a returned `sub`
//!   is ignored, `username` counts only when the typed name was an alias,
//!   and an alias another user holds is `AliasExistsException` (moving one
//!   with `forceAliasCreation` is not simulated).
//! * `messageAction: SUPPRESS` sends nothing; otherwise the welcome message
//!   is the pool's invitation template (as Cognito's
//!   `CustomMessage_AdminCreateUser`, which runs for it with the sign-in's
//!   client and `ClientMetadata`, as do the custom senders), with `{####}` rendered empty — a
//!   migrated user has no temporary password — sent to each of
//!   `desiredDeliveryMediums` (default SMS) the user has an address for;
//!   with none, nothing is sent and the sign-in goes on.
//! * Two sign-ins migrating the same name at once create one user: the
//!   second finds the first's and signs in against it.

use super::UserPool;
use super::hooks::hook;
use super::migration::migration_failed;
use super::outgoing::{Occasion, Templates};
use crate::client::AppClient;
use crate::config::InviteMessageTemplate;
use crate::error::{ErrorCode, Result};
use crate::message::{DeliveryMedium, MessageKind};
use crate::secret::{Code, Password};
use crate::store::{UserRecord, UserStatus};
use crate::triggers::{
    MigratedUserStatus, MigrationMessageAction, StringMap, Trigger, TriggerSource,
    UserMigrationRequest, UserMigrationResponse,
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
        let confirmed = response.final_user_status == Some(MigratedUserStatus::Confirmed);
        let prevent = client.config().prevents_user_existence_errors();
        if confirmed
            && !response.enable_sms_mfa
            && let Err(e) = self.config().password_policy().validate(password)
        {
            // Under ENABLED the policy's answer would tell the caller the
            // legacy password was right: the name stays unknown.
            return if prevent { Ok(None) } else { Err(e) };
        }
        self.refuse_alias_move(response.force_alias_creation)?;
        if response.user_attributes.is_empty() {
            // The caller answers as for any unknown name under ENABLED.
            return if prevent {
                Ok(None)
            } else {
                Err(migration_failed(client.id()))
            };
        }
        let (status, password) = if confirmed {
            (UserStatus::Confirmed, Some(password))
        } else {
            (UserStatus::ResetRequired, None)
        };
        let now = self.now();
        let user = self.prepare_migrated_user(&response, typed, password, status, now)?;
        let user = match self.insert_migrated_user(&response, user) {
            Ok(user) => user,
            // Another sign-in migrated the name first: sign in against it.
            Err(e) if e.code() == ErrorCode::UsernameExists => {
                return match self.resolve(typed)? {
                    Some(existing) => Ok(Some(existing)),
                    None => Err(e),
                };
            }
            Err(e) => return Err(e),
        };
        if response.message_action != Some(MigrationMessageAction::Suppress) {
            self.send_migration_welcome(&user, (client, metadata), &response, now)?;
        }
        Ok(Some(user))
    }

    /// The welcome message of a migrated user (module docs): composed as
    /// every invitation is, so CustomMessage (`CustomMessage_AdminCreateUser`,
    /// told the sign-in's client and `ClientMetadata`) and the custom
    /// senders see it too.
    fn send_migration_welcome(
        &self,
        user: &UserRecord,
        (client, metadata): (&AppClient, Option<&StringMap>),
        response: &UserMigrationResponse,
        now: crate::clock::Timestamp,
    ) -> Result<()> {
        let mediums = if response.desired_delivery_mediums.is_empty() {
            &[DeliveryMedium::Sms][..]
        } else {
            &response.desired_delivery_mediums[..]
        };
        let targets: Vec<(DeliveryMedium, String)> = mediums
            .iter()
            .filter_map(|medium| {
                let attribute = match medium {
                    DeliveryMedium::Email => "email",
                    DeliveryMedium::Sms => "phone_number",
                };
                user.attributes
                    .get(attribute)
                    .filter(|v| !v.is_empty())
                    .map(|v| (*medium, v.clone()))
            })
            .collect();
        if targets.is_empty() {
            return Ok(());
        }
        let config = self.config();
        let template: &InviteMessageTemplate = config.invite_message();
        let outgoing = self.compose(
            user,
            Occasion::from_client(MessageKind::AdminCreateUser, client.id(), metadata),
            &targets,
            &Code::new(""),
            Templates {
                email_subject: &template.email_subject,
                email_message: &template.email_message,
                sms_message: &template.sms_message,
            },
            now,
        )?;
        self.dispatch(outgoing)
    }
}
