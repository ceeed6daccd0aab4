//! Password recovery: `ForgotPassword`, `ConfirmForgotPassword`,
//! `AdminResetUserPassword`.

use std::fmt;

use super::codes::{Sends, delivery_details};
use super::outgoing::Occasion;
use super::types::redacted;
use super::windows::{NameUse, Subject};
use super::{CodeDeliveryDetails, UserPool};
use crate::client::check_secret_hash;
use crate::config::RecoveryMechanism;
use crate::error::{Error, ErrorCode, Result};
use crate::lockout;
use crate::message::{DeliveryMedium, MessageKind};
use crate::secret::{Code, Password};
use crate::store::{CodePurpose, UserRecord, UserStatus};
use crate::triggers::{StringMap, TriggerSource};

/// `ForgotPassword`.
#[non_exhaustive]
#[derive(Clone)]
pub struct ForgotPasswordRequest {
    /// The app client.
    pub client_id: String,
    /// The username or an alias.
    pub username: String,
    /// `SECRET_HASH` for confidential clients.
    pub secret_hash: Option<String>,
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
}

impl ForgotPasswordRequest {
    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// A request through `client_id` for `username`.
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

impl fmt::Debug for ForgotPasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForgotPasswordRequest")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("secret_hash", &redacted(self.secret_hash.as_deref()))
            .finish()
    }
}

/// `ConfirmForgotPassword`.
#[non_exhaustive]
#[derive(Clone)]
pub struct ConfirmForgotPasswordRequest {
    /// The app client.
    pub client_id: String,
    /// The username or an alias.
    pub username: String,
    /// The code the user received.
    pub confirmation_code: Code,
    /// The new password.
    pub password: Password,
    /// `SECRET_HASH` for confidential clients.
    pub secret_hash: Option<String>,
    /// `ClientMetadata`: handed to the triggers the operation fires
    /// (cognito-triggers.md §1.3); never stored. `None` omits the event's
    /// `clientMetadata`.
    pub client_metadata: Option<StringMap>,
}

impl ConfirmForgotPasswordRequest {
    /// Sets `ClientMetadata`, for the triggers the operation fires.
    #[must_use]
    pub fn client_metadata(mut self, metadata: StringMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// A reset of `username`'s password to `password` with `code`.
    #[must_use]
    pub fn new(
        client_id: impl Into<String>,
        username: impl Into<String>,
        code: impl Into<Code>,
        password: impl Into<Password>,
    ) -> Self {
        Self {
            client_metadata: None,
            client_id: client_id.into(),
            username: username.into(),
            confirmation_code: code.into(),
            password: password.into(),
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

impl fmt::Debug for ConfirmForgotPasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfirmForgotPasswordRequest")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("confirmation_code", &self.confirmation_code)
            .field("password", &self.password)
            .field("secret_hash", &redacted(self.secret_hash.as_deref()))
            .finish()
    }
}

fn verified(user: &UserRecord, attr: &str) -> bool {
    user.attributes.get(attr).is_some_and(|v| !v.is_empty())
        && user
            .attributes
            .get(&format!("{attr}_verified"))
            .is_some_and(|v| v == "true")
}

/// What `UserMigration_ForgotPassword` came to.
// Short-lived, on the stack of one request: the user record (larger since
// it holds its MFA state) is not worth a box.
#[allow(clippy::large_enum_variant)]
enum Migrated {
    /// The pool has no UserMigration trigger.
    Nobody,
    /// It returned no attributes.
    Unusable,
    /// The user it returned could not receive a reset code; not created.
    NoDestination,
    /// The user created.
    User(UserRecord),
}

fn no_destination() -> Error {
    Error::invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
}

impl UserPool {
    /// Where a reset code goes under the pool's `AccountRecoverySetting`:
    /// the first mechanism, by priority, the user has verified. Without a
    /// setting, Cognito's legacy rule: a verified phone, then a verified email.
    fn recovery_target(&self, user: &UserRecord, admin: bool) -> Result<&'static str> {
        let config = self.config();
        let configured = config.account_recovery();
        let order: Vec<RecoveryMechanism> =
            if configured.is_empty() || (admin && configured == [RecoveryMechanism::AdminOnly]) {
                vec![
                    RecoveryMechanism::VerifiedPhoneNumber,
                    RecoveryMechanism::VerifiedEmail,
                ]
            } else {
                configured.to_vec()
            };
        if !admin && order == [RecoveryMechanism::AdminOnly] {
            return Err(Error::not_authorized(
                "Contact administrator to reset password.",
            ));
        }
        order
            .into_iter()
            .filter_map(|m| match m {
                RecoveryMechanism::VerifiedEmail => Some("email"),
                RecoveryMechanism::VerifiedPhoneNumber => Some("phone_number"),
                RecoveryMechanism::AdminOnly => None,
            })
            .find(|attr| verified(user, attr))
            .ok_or_else(no_destination)
    }

    /// `ForgotPassword`: sends a reset code (valid 1 hour) to the destination
    /// the account-recovery setting picks.
    ///
    /// With `PreventUserExistenceErrors=ENABLED` every name gets a
    /// normal-looking answer: an unknown user, or one without a verified
    /// destination, a simulated one (cognito-protocol.md §5.3); a disabled user
    /// or one who never set a password, the masked destination a code would
    /// go to. No message is sent to any of them, and masked destinations
    /// are shown folded as the pool folds names, so the case a name is typed
    /// in tells nothing.
    ///
    /// # Errors
    /// - `ResourceNotFoundException` for an unknown client;
    /// - `NotAuthorizedException`: secret-hash failures, `Contact administrator
    ///   to reset password.` (admin-only recovery); under `LEGACY` also
    ///   `User password cannot be reset in the current state.` (a user who
    ///   never set a password) and `User is disabled.`;
    /// - `UserNotFoundException` (`Username/client id combination not found.`) under `LEGACY`;
    /// - `InvalidParameterException` when the user has no verified email or
    ///   phone (under `LEGACY`);
    /// - `LimitExceededException` (`Attempt limit exceeded, please try after
    ///   some time.`) after 5 reset codes for the user in an hour, shared
    ///   with `AdminResetUserPassword` (AWS documents no figure for these
    ///   two; we take its ResendConfirmationCode limit), counted under
    ///   `ENABLED` for names no user has too, so the limit shows nothing;
    /// - `CodeDeliveryFailureException`;
    /// - with a UserMigration trigger, for a name no user has
    ///   (`UserMigration_ForgotPassword`, told this `ClientMetadata`, no
    ///   password): its errors (`UserMigration failed with error <msg>.`,
    ///   no user); `UserNotFoundException` (`Exception migrating user in app
    ///   client <clientId>`) when it returns no attributes;
    ///   `InvalidParameterException` (`Cannot reset password for the user as
    ///   there is no registered/verified email or phone_number`) when the
    ///   user it returns has no verified email or phone (nobody is
    ///   created); `InvalidLambdaResponseException` for an unusable user
    ///   (attributes the schema refuses, `enableSMSMFA`), and
    ///   `AliasExistsException` or `InvalidParameterException` for a taken
    ///   alias (`forceAliasCreation` does not move it). Under `ENABLED`,
    ///   no attributes and no verified contact get the answer an unknown
    ///   name gets. A migrated user is created `RESET_REQUIRED`,
    ///   without a password, and sent the reset code
    ///   (`CustomMessage_ForgotPassword`); no welcome message, whatever
    ///   `messageAction` says.
    pub fn forgot_password(&self, request: ForgotPasswordRequest) -> Result<CodeDeliveryDetails> {
        let now = self.now();
        let client = self.client(&request.client_id)?;
        check_secret_hash(&client, &request.username, request.secret_hash.as_deref())?;
        let prevent = client.config().prevents_user_existence_errors();
        // Decided before any lookup, so the answer is the same for users who
        // exist and users who do not.
        if self.config().account_recovery() == [RecoveryMechanism::AdminOnly] {
            return Err(Error::not_authorized(
                "Contact administrator to reset password.",
            ));
        }
        // Under ENABLED a code pretended sent counts against the send limit
        // as a real one: a name no user has under its keyed digest.
        let pretend = |subject: Subject<'_>| -> Result<CodeDeliveryDetails> {
            self.count_send(subject, CodePurpose::ForgotPassword, now)?;
            Ok(self.simulated_reset_delivery(&request.username))
        };
        let Some(user) = self.resolve(&request.username)? else {
            let unknown = || {
                if prevent {
                    pretend(Subject::Unknown(
                        &self.name_digest(NameUse::Sends, &request.username),
                    ))
                } else {
                    Err(Error::user_not_found_for_client())
                }
            };
            return match self.migrate_for_reset(&request, now)? {
                Migrated::User(user) => {
                    let target = self.recovery_target(&user, false)?;
                    self.send_reset_code(&user, target, &request, prevent, now)
                }
                Migrated::Nobody => unknown(),
                Migrated::Unusable => {
                    if prevent {
                        unknown()
                    } else {
                        Err(super::migration::migration_failed(&request.client_id))
                    }
                }
                Migrated::NoDestination => {
                    if prevent {
                        unknown()
                    } else {
                        Err(no_destination())
                    }
                }
            };
        };
        let cannot_reset = user.status == UserStatus::ForceChangePassword;
        if !prevent && !user.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        if !prevent && cannot_reset {
            return Err(Error::not_authorized(
                "User password cannot be reset in the current state.",
            ));
        }
        let target = match self.recovery_target(&user, false) {
            Err(e) if prevent && e.code() == ErrorCode::InvalidParameter => {
                return pretend(Subject::User(&user.username));
            }
            other => other?,
        };
        if prevent && (!user.enabled || cannot_reset) {
            // Under ENABLED, where the code would have gone, and nothing
            // sent: the answer of any other user (our choice; Cognito
            // documents only disabled users here).
            self.count_send(
                Subject::User(&user.username),
                CodePurpose::ForgotPassword,
                now,
            )?;
            return Ok(self.masked_for_caller(delivery_details(
                target,
                user.attributes.get(target).map_or("", String::as_str),
            )));
        }
        self.send_reset_code(&user, target, &request, prevent, now)
    }

    /// Sends the reset code of `ForgotPassword` to `target` (`email` or
    /// `phone_number`) of `user`, masked for the caller under
    /// `PreventUserExistenceErrors=ENABLED`.
    fn send_reset_code(
        &self,
        user: &UserRecord,
        target: &str,
        request: &ForgotPasswordRequest,
        prevent: bool,
        now: crate::clock::Timestamp,
    ) -> Result<CodeDeliveryDetails> {
        let details = self.issue_code(
            user,
            CodePurpose::ForgotPassword,
            target,
            Occasion::from_client(
                MessageKind::ForgotPassword,
                &request.client_id,
                request.client_metadata.as_ref(),
            ),
            Sends::Counted,
            now,
        )?;
        Ok(if prevent {
            self.masked_for_caller(details)
        } else {
            details
        })
    }

    /// `UserMigration_ForgotPassword` for a name no user has, when the pool
    /// has the trigger (cognito-triggers.md §2.6): the user it returns is
    /// created `RESET_REQUIRED` without a password, unless it would have
    /// nowhere to receive the reset code (then nobody is created).
    fn migrate_for_reset(
        &self,
        request: &ForgotPasswordRequest,
        now: crate::clock::Timestamp,
    ) -> Result<Migrated> {
        let Some(hooks) = self.hooks_for(crate::triggers::Trigger::UserMigration) else {
            return Ok(Migrated::Nobody);
        };
        let mut ask = crate::triggers::UserMigrationRequest::forgot_password();
        ask.client_metadata = request.client_metadata.clone();
        let event = self.event(
            TriggerSource::UserMigrationForgotPassword,
            &request.username,
            Some(&request.client_id),
            ask,
        );
        let answer = super::hooks::hook(
            crate::triggers::Trigger::UserMigration,
            hooks.user_migration(&event),
        )?;
        if answer.user_attributes.is_empty() {
            return Ok(Migrated::Unusable);
        }
        let user = self.prepare_migrated_user(
            &answer,
            &request.username,
            None,
            UserStatus::ResetRequired,
            now,
        )?;
        if self.recovery_target(&user, false).is_err() {
            return Ok(Migrated::NoDestination);
        }
        Ok(Migrated::User(self.insert_migrated_user(&answer, user)?))
    }

    /// A reset-code answer for a user that cannot receive one, shaped like
    /// a real one: the mechanisms in the order the pool's recovery setting
    /// tries them. Under the legacy rule (a verified phone, then a verified
    /// email) a name of neither shape gets an email: a phone wins only if
    /// verified, and most users have only an email.
    fn simulated_reset_delivery(&self, username: &str) -> CodeDeliveryDetails {
        let configured = self.config().account_recovery().to_vec();
        if configured.is_empty() {
            return self.simulated_delivery(username, &["phone_number", "email"], "email");
        }
        let order: Vec<&'static str> = configured
            .iter()
            .filter_map(|m| match m {
                RecoveryMechanism::VerifiedEmail => Some("email"),
                RecoveryMechanism::VerifiedPhoneNumber => Some("phone_number"),
                RecoveryMechanism::AdminOnly => None,
            })
            .collect();
        let fallback = order.first().copied().unwrap_or("email");
        self.simulated_delivery(username, &order, fallback)
    }

    /// A delivery answer for a user that cannot receive one, shaped like a
    /// real one (cognito-protocol.md §5.3), for destinations tried in
    /// `order` (`email`, `phone_number`).
    ///
    /// A name that is itself an email address or a phone number, of a kind
    /// in `order`, is where a real user signed up with it would most likely
    /// get the code: it is masked exactly as that destination would be. Any
    /// other name gets `fallback` (`email` or `phone_number`), with a
    /// destination drawn from a keyed hash of the name: the same for the
    /// same name every time, and nothing to compare it with.
    pub(super) fn simulated_delivery(
        &self,
        username: &str,
        order: &[&str],
        fallback: &str,
    ) -> CodeDeliveryDetails {
        let shaped = if super::looks_like_email(username) {
            Some("email")
        } else if super::looks_like_phone(username) {
            Some("phone_number")
        } else {
            None
        };
        if let Some(kind) = shaped.filter(|k| order.contains(k)) {
            return self.masked_for_caller(delivery_details(kind, username));
        }
        let tag = ring::hmac::sign(
            &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.inner.keys.simulation()),
            format!("simulated-delivery|{}", self.fold(username)).as_bytes(),
        );
        let t = tag.as_ref();
        let letter = |b: u8| char::from(b'a' + b % 26);
        if fallback == "phone_number" {
            let digits: String = t[1..8].iter().map(|b| char::from(b'0' + b % 10)).collect();
            delivery_details("phone_number", &format!("+1555{digits}"))
        } else {
            CodeDeliveryDetails {
                destination: format!("{}***@{}***", letter(t[1]), letter(t[2])),
                delivery_medium: DeliveryMedium::Email,
                attribute_name: "email".to_owned(),
            }
        }
    }

    /// A delivery answer as a caller that prevents user-existence errors
    /// sees it: masked destinations folded as the pool folds names, so a
    /// name typed in another case than the one stored does not tell a real
    /// user (whose stored address shows) from a simulated one (whose typed
    /// name shows). Identity in case-sensitive pools, where a name only
    /// resolves when typed exactly.
    pub(super) fn masked_for_caller(&self, details: CodeDeliveryDetails) -> CodeDeliveryDetails {
        CodeDeliveryDetails {
            destination: self.fold(&details.destination),
            ..details
        }
    }

    /// `ConfirmForgotPassword`: checks the reset code and sets the new
    /// password; the user becomes `CONFIRMED` (from `RESET_REQUIRED`) and any
    /// sign-in lockout is lifted.
    ///
    /// # Errors
    /// - `ResourceNotFoundException` for an unknown client;
    /// - `NotAuthorizedException` for secret-hash failures;
    /// - `UserNotFoundException` under `LEGACY` (`CodeMismatchException` under `ENABLED`);
    /// - `InvalidPasswordException` (checked before the code is used up);
    /// - `CodeMismatchException`, `ExpiredCodeException`;
    ///   `LimitExceededException` after 5 tries of one code or 15 of any
    ///   code in an hour. Under `ENABLED` a missing, expired or exhausted
    ///   code is a `CodeMismatchException` (a name no user has has none of
    ///   those states to show), and the hourly window, counted for unknown
    ///   names too by a keyed digest, answers alike for all;
    /// - the errors of a PostConfirmation trigger
    ///   (`PostConfirmation_ConfirmForgotPassword`, told this
    ///   `ClientMetadata`), which runs after the commit: the new password
    ///   stays.
    pub fn confirm_forgot_password(&self, request: ConfirmForgotPasswordRequest) -> Result<()> {
        let now = self.now();
        let client = self.client(&request.client_id)?;
        check_secret_hash(&client, &request.username, request.secret_hash.as_deref())?;
        let prevent = client.config().prevents_user_existence_errors();
        let config = self.config();
        let policy = config.password_policy();
        if prevent {
            // A weak password is refused alike whether the user exists, is
            // disabled or is unknown (cognito-protocol.md §5.3).
            policy.validate(&request.password)?;
        }
        let Some(user) = self.resolve(&request.username)? else {
            return Err(if prevent {
                // Counted in the name's own hourly window, as a user's.
                self.check_unknown_code(&request.username, CodePurpose::ForgotPassword, now)
            } else {
                Error::user_not_found_for_client()
            });
        };
        if !user.enabled {
            // cognito-protocol.md §5.3: under ENABLED a disabled user looks
            // like a wrong code (counted, as every guess).
            return Err(if prevent {
                self.futile_guess(
                    Subject::User(&user.username),
                    CodePurpose::ForgotPassword,
                    now,
                )
            } else {
                Error::not_authorized("User is disabled.")
            });
        }
        if !prevent {
            policy.validate(&request.password)?;
        }
        // The code first: a wrong guess must not cost an Argon2 hash (nor
        // take longer than for a user who does not exist). Under ENABLED a
        // missing, expired or exhausted code answers as a wrong one: an
        // unknown name has none of those states to show.
        let code = self.check_code(
            &user,
            CodePurpose::ForgotPassword,
            &request.confirmation_code,
            now,
            prevent,
        )?;
        let credentials = self.credentials(&user.username, &request.password)?;
        // The new password and the code's use in one atomic store step.
        let stored = self.modify_user_with_code(
            &user.username,
            CodePurpose::ForgotPassword,
            &code,
            now,
            |cur| {
                if !cur.enabled {
                    return Err(Error::not_authorized("User is disabled."));
                }
                let mut next = cur.clone();
                credentials.apply(&mut next);
                if cur.status == UserStatus::ResetRequired {
                    next.status = UserStatus::Confirmed;
                }
                super::auth::set_lockout_state(
                    &mut next,
                    lockout::record_success(&super::auth::lockout_state(cur), now),
                );
                Ok(Some(next))
            },
        )?;
        self.post_confirmation(
            TriggerSource::PostConfirmationConfirmForgotPassword,
            &stored,
            Some(&request.client_id),
            request.client_metadata.as_ref(),
        )
    }

    /// `AdminResetUserPassword`: the user must reset their password
    /// (`RESET_REQUIRED`: sign-in answers `PasswordResetRequiredException`)
    /// and is sent a reset code. The current password stops working.
    ///
    /// # Errors
    /// `UserNotFoundException`; `NotAuthorizedException` (`User password
    /// cannot be reset in the current state.`) unless the user is `CONFIRMED`
    /// or already `RESET_REQUIRED`; `InvalidParameterException` when the user
    /// has no verified email or phone; `LimitExceededException` after 5
    /// reset codes for the user in an hour (shared with `ForgotPassword`);
    /// `CodeDeliveryFailureException`.
    pub fn admin_reset_user_password(&self, username: &str) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        if !matches!(
            user.status,
            UserStatus::Confirmed | UserStatus::ResetRequired
        ) {
            return Err(Error::not_authorized(
                "User password cannot be reset in the current state.",
            ));
        }
        let target = self.recovery_target(&user, true)?;
        // Counted before the user is changed: a refused reset leaves the
        // user as they were, password included.
        self.count_send(
            Subject::User(&user.username),
            CodePurpose::ForgotPassword,
            now,
        )?;
        let stored = self.modify_user(&user.username, now, |cur| {
            if !matches!(
                cur.status,
                UserStatus::Confirmed | UserStatus::ResetRequired
            ) {
                return Err(Error::not_authorized(
                    "User password cannot be reset in the current state.",
                ));
            }
            let mut next = cur.clone();
            next.status = UserStatus::ResetRequired;
            next.password_hash = None;
            next.srp_verifier = None;
            Ok(Some(next))
        })?;
        self.issue_code(
            &stored,
            CodePurpose::ForgotPassword,
            target,
            Occasion::of(MessageKind::ForgotPassword),
            Sends::Free,
            now,
        )?;
        Ok(())
    }
}
