//! Admin operations on users (IAM-authorised in Cognito).

use super::codes::Sends;
use super::lifecycle::SignUpEvent;
use super::outgoing::{Occasion, Templates};
use super::windows::Subject;
use super::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, CodeDeliveryDetails, MessageAction, User,
    UserPool, store_error,
};
use crate::clock::Timestamp;
use crate::config::VerifiedAttribute;
use crate::error::{Error, ErrorCode, Result};
use crate::message::{DeliveryMedium, MessageKind};
use crate::random;
use crate::schema::{Attribute, AttributeUpdate, Writer};
use crate::secret::{Code, Password};
use crate::store::{CodePurpose, StoreError, UserRecord, UserStatus};
use crate::triggers::TriggerSource;

impl UserPool {
    /// Checks a password an administrator sets. Cognito words admin refusals
    /// "did not conform with password policy" (cognito-protocol.md §5.2).
    fn validate_admin_password(&self, password: &Password) -> Result<()> {
        self.config()
            .password_policy()
            .validate(password)
            .map_err(|e| {
                if e.code() == ErrorCode::InvalidPassword {
                    Error::invalid_admin_password(e.password_violations().to_vec())
                } else {
                    e
                }
            })
    }

    /// The temporary password to use: the given one (policy-checked) or a
    /// generated one that satisfies the policy.
    fn temporary_password(&self, given: Option<&Password>) -> Result<Password> {
        match given {
            Some(p) => {
                self.validate_admin_password(p)?;
                Ok(p.clone())
            }
            None => self
                .config()
                .password_policy()
                .generate_temporary_password(&mut random::below),
        }
    }

    /// Where the invitation goes: each desired medium whose attribute the
    /// user has (Cognito's default is SMS only).
    fn invitation_targets(
        user: &UserRecord,
        mediums: &[DeliveryMedium],
    ) -> Result<Vec<(DeliveryMedium, String)>> {
        let mediums = if mediums.is_empty() {
            &[DeliveryMedium::Sms][..]
        } else {
            mediums
        };
        let targets: Vec<(DeliveryMedium, String)> = mediums
            .iter()
            .filter_map(|m| {
                let attr = match m {
                    DeliveryMedium::Email => "email",
                    DeliveryMedium::Sms => "phone_number",
                };
                user.attributes
                    .get(attr)
                    .filter(|v| !v.is_empty())
                    .map(|v| (*m, v.clone()))
            })
            .collect();
        if targets.is_empty() {
            return Err(Error::invalid_parameter(
                "The user has no attribute for any of the desired delivery mediums (email for EMAIL, phone_number for SMS).",
            ));
        }
        Ok(targets)
    }

    /// Sends the invitation carrying `password` to `targets`, through
    /// CustomMessage (`CustomMessage_AdminCreateUser`, told `metadata`) or
    /// the custom senders when the pool has them.
    fn send_invitation(
        &self,
        user: &UserRecord,
        targets: &[(DeliveryMedium, String)],
        password: &Password,
        metadata: Option<&crate::triggers::StringMap>,
        now: Timestamp,
    ) -> Result<()> {
        if targets.is_empty() {
            return Ok(());
        }
        let config = self.config();
        let t = config.invite_message();
        let occasion = Occasion {
            client_metadata: metadata,
            ..Occasion::of(MessageKind::AdminCreateUser)
        };
        let outgoing = self.compose(
            user,
            occasion,
            targets,
            &Code::new(password.expose_secret()),
            Templates {
                email_subject: &t.email_subject,
                email_message: &t.email_message,
                sms_message: &t.sms_message,
            },
            now,
        )?;
        self.dispatch(outgoing)
    }

    /// `AdminCreateUser`: creates a `FORCE_CHANGE_PASSWORD` user with a
    /// temporary password (given, or generated to satisfy the policy) valid
    /// for the policy's `temporary_password_validity_days`, and sends the
    /// invitation unless suppressed. With [`MessageAction::Resend`] it issues
    /// a new temporary password to an existing `FORCE_CHANGE_PASSWORD` user.
    ///
    /// Triggers (cognito-triggers.md §1.4, §2.1, §2.7): PreSignUp
    /// (`PreSignUp_AdminCreateUser`, `clientId` `CLIENT_ID_NOT_APPLICABLE`,
    /// with `ValidationData` and `ClientMetadata`) runs once every check has
    /// passed, before anything is stored; its three flags are ignored, as
    /// in Cognito. The invitation goes through CustomMessage
    /// (`CustomMessage_AdminCreateUser`, `usernameParameter` `{username}`,
    /// with `ClientMetadata`) or the custom senders; it is composed after
    /// the user is stored, so a refused message leaves the user without an
    /// invitation, as a failed delivery does (`MessageAction::Resend` sends
    /// one). A `Resend` fires no PreSignUp.
    ///
    /// # Errors
    /// - `InvalidParameterException` for a malformed username, refused
    ///   attributes, no attribute for the desired delivery mediums, or
    ///   `force_alias_creation` in a pool with alias attributes (moving an
    ///   alias is not simulated);
    /// - `InvalidPasswordException` for a temporary password that breaks the policy;
    /// - `UsernameExistsException` (`User account already exists`) for an
    ///   existing user without `Resend`;
    /// - `UserNotFoundException` for `Resend` of an unknown user;
    /// - `UnsupportedUserStateException` for `Resend` to a user who is not
    ///   `FORCE_CHANGE_PASSWORD`;
    /// - the trigger errors of PreSignUp (no user) and CustomMessage (the
    ///   user stays, uninvited);
    /// - `CodeDeliveryFailureException` when the invitation could not be sent.
    pub fn admin_create_user(&self, request: AdminCreateUserRequest) -> Result<User> {
        let now = self.now();
        self.refuse_alias_move(request.force_alias_creation)?;
        let password = self.temporary_password(request.temporary_password.as_ref())?;
        if request.message_action == Some(MessageAction::Resend) {
            return self.resend_invitation(&request, &password, now);
        }
        let new =
            self.prepare_new_user(&request.username, &request.user_attributes, Writer::Admin)?;
        // An existing user is reported as such before anything about the
        // invitation (the insert below still decides races).
        if self.resolve(&request.username)?.is_some() {
            return Err(if self.config().username_attributes().is_empty() {
                Error::new(ErrorCode::UsernameExists, "User account already exists")
            } else if super::looks_like_email(&request.username) {
                super::username_attribute_taken("email")
            } else {
                super::username_attribute_taken("phone_number")
            });
        }
        let mut user = UserRecord::new(
            new.username,
            new.attributes,
            UserStatus::ForceChangePassword,
            now,
        );
        user.username_attribute = new.username_attribute.map(str::to_owned);
        let targets = match request.message_action {
            Some(MessageAction::Suppress) => Vec::new(),
            _ => Self::invitation_targets(&user, &request.desired_delivery_mediums)?,
        };
        // Its answer's flags are ignored for AdminCreateUser (§2.1).
        self.pre_sign_up(
            &user,
            &SignUpEvent {
                source: TriggerSource::PreSignUpAdminCreateUser,
                client_id: None,
                validation_data: request.validation_data.as_ref(),
                client_metadata: request.client_metadata.as_ref(),
            },
        )?;
        let credentials = self.credentials(&user.username, &password)?;
        credentials.apply(&mut user);
        user.temporary_password_expires_at = Some(self.temporary_password_deadline(now));
        self.insert_new_user(&user).map_err(|e| {
            if e.code() == ErrorCode::UsernameExists && e.message() == "User already exists" {
                Error::new(ErrorCode::UsernameExists, "User account already exists")
            } else {
                e
            }
        })?;
        self.send_invitation(
            &user,
            &targets,
            &password,
            request.client_metadata.as_ref(),
            now,
        )?;
        Ok(User::from_record(&user, None))
    }

    fn resend_invitation(
        &self,
        request: &AdminCreateUserRequest,
        password: &Password,
        now: Timestamp,
    ) -> Result<User> {
        let existing = self.resolve_existing(&request.username)?;
        let targets = Self::invitation_targets(&existing, &request.desired_delivery_mediums)?;
        let credentials = self.credentials(&existing.username, password)?;
        let stored = self.modify_user(&existing.username, now, |current| {
            if current.status != UserStatus::ForceChangePassword {
                return Err(Error::new(
                    ErrorCode::UnsupportedUserState,
                    format!(
                        "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
                        current.username
                    ),
                ));
            }
            let mut next = current.clone();
            credentials.apply(&mut next);
            next.temporary_password_expires_at = Some(self.temporary_password_deadline(now));
            Ok(Some(next))
        })?;
        self.send_invitation(
            &stored,
            &targets,
            password,
            request.client_metadata.as_ref(),
            now,
        )?;
        Ok(User::from_record(&stored, None))
    }

    /// `AdminGetUser`: the user by username or alias.
    ///
    /// # Errors
    /// `UserNotFoundException` (`User does not exist.`).
    pub fn admin_get_user(&self, username: &str) -> Result<User> {
        Ok(User::from_record(&self.resolve_existing(username)?, None))
    }

    /// Refuses removing the attribute that serves as `user`'s username (in
    /// pools with both username attributes, the other one may go).
    pub(super) fn keep_username_attributes(
        &self,
        user: &UserRecord,
        update: &AttributeUpdate,
    ) -> Result<()> {
        let own = self.username_keys_of(user);
        for (is_own, name) in [(own.email, "email"), (own.phone_number, "phone_number")] {
            if is_own
                && update.changed.iter().any(|c| c == name)
                && !update.attributes.contains_key(name)
            {
                return Err(Error::invalid_parameter(format!(
                    "The {name} attribute is used as the username and cannot be deleted."
                )));
            }
        }
        Ok(())
    }

    /// After an attribute write: for each changed, auto-verified, unverified
    /// email or phone number, send a verification code (cognito-protocol.md §4.7).
    pub(super) fn send_verification_codes(
        &self,
        user: &UserRecord,
        changed: &[String],
        now: Timestamp,
    ) -> Result<Vec<CodeDeliveryDetails>> {
        let mut sent = Vec::new();
        for (va, purpose) in [
            (VerifiedAttribute::Email, CodePurpose::VerifyEmail),
            (
                VerifiedAttribute::PhoneNumber,
                CodePurpose::VerifyPhoneNumber,
            ),
        ] {
            let name = va.name();
            let verified = user
                .attributes
                .get(&format!("{name}_verified"))
                .is_some_and(|v| v == "true");
            if self.config().auto_verified_attributes().contains(&va)
                && changed.iter().any(|c| c == name)
                && user.attributes.contains_key(name)
                && !verified
            {
                // Counted with GetUserAttributeVerificationCode's sends, or
                // changing an address back and forth would flood it. Past
                // the limit the change stands and no code goes: the user
                // asks for one later.
                match self.count_send(Subject::User(&user.username), purpose, now) {
                    Ok(()) => {}
                    Err(e) if e.code() == ErrorCode::LimitExceeded => continue,
                    Err(e) => return Err(e),
                }
                sent.push(self.issue_code(
                    user,
                    purpose,
                    name,
                    Occasion::of(MessageKind::UpdateUserAttribute),
                    Sends::Free,
                    now,
                )?);
            }
        }
        Ok(sent)
    }

    /// `AdminUpdateUserAttributes`: writes attributes as an administrator
    /// (who may set `email_verified` / `phone_number_verified` and `dev:`
    /// attributes). Changing `email` or `phone_number` resets its `_verified`
    /// flag unless the same call sets it, and sends a verification code when
    /// the attribute is auto-verified (unless the user's 5 codes an hour
    /// for it are spent: the change stands, no code goes). An empty value
    /// deletes the attribute.
    ///
    /// # Errors
    /// `UserNotFoundException`; `InvalidParameterException` for refused
    /// attributes (unknown, immutable, malformed, required and emptied);
    /// `AliasExistsException` when a newly verified alias belongs to another
    /// user; `UsernameExistsException` when a username attribute is taken.
    pub fn admin_update_user_attributes(
        &self,
        username: &str,
        attributes: Vec<Attribute>,
    ) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        let mut changed = Vec::new();
        let stored = self.modify_user(&user.username, now, |current| {
            let update = self.config().schema().validate_update(
                &current.attributes,
                &attributes,
                Writer::Admin,
            )?;
            self.keep_username_attributes(current, &update)?;
            if update.changed.is_empty() {
                return Ok(None);
            }
            let mut next = current.clone();
            next.attributes = update.attributes;
            changed = update.changed;
            Ok(Some(next))
        })?;
        self.send_verification_codes(&stored, &changed, now)?;
        Ok(())
    }

    /// `AdminDeleteUserAttributes`: deletes attributes by name.
    ///
    /// # Errors
    /// `UserNotFoundException`; `InvalidParameterException` for unknown,
    /// required or immutable attributes, or the attribute serving as username.
    pub fn admin_delete_user_attributes(&self, username: &str, names: Vec<String>) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        self.modify_user(&user.username, now, |current| {
            let update = self.config().schema().validate_delete(
                &current.attributes,
                &names,
                Writer::Admin,
            )?;
            self.keep_username_attributes(current, &update)?;
            if update.changed.is_empty() {
                return Ok(None);
            }
            let mut next = current.clone();
            next.attributes = update.attributes;
            Ok(Some(next))
        })?;
        Ok(())
    }

    /// `AdminDeleteUser`: deletes the user, its aliases and pending codes.
    ///
    /// # Errors
    /// `UserNotFoundException`.
    pub fn admin_delete_user(&self, username: &str) -> Result<()> {
        for _ in 0..super::MAX_CAS_RETRIES {
            let user = self.resolve_existing(username)?;
            match self
                .store()
                .delete_user(self.id(), &user.username, user.version)
            {
                Ok(()) => return Ok(()),
                Err(StoreError::VersionMismatch) => continue,
                Err(StoreError::NotFound) => return Err(Error::user_not_found()),
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(super::contention())
    }

    fn set_enabled(&self, username: &str, enabled: bool) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        self.modify_user(&user.username, now, |current| {
            if current.enabled == enabled {
                return Ok(None);
            }
            let mut next = current.clone();
            next.enabled = enabled;
            Ok(Some(next))
        })?;
        if !enabled {
            // cognito-protocol.md §4.7: disabling revokes the user's tokens.
            self.store()
                .revoke_user_tokens(self.id(), &user.username)
                .map_err(store_error)?;
        }
        Ok(())
    }

    /// `AdminDisableUser`: the user can no longer sign in
    /// (`NotAuthorizedException` `User is disabled.`) but is still listed.
    ///
    /// # Errors
    /// `UserNotFoundException`.
    pub fn admin_disable_user(&self, username: &str) -> Result<()> {
        self.set_enabled(username, false)
    }

    /// `AdminEnableUser`: re-enables a disabled user.
    ///
    /// # Errors
    /// `UserNotFoundException`.
    pub fn admin_enable_user(&self, username: &str) -> Result<()> {
        self.set_enabled(username, true)
    }

    /// `AdminSetUserPassword`: a permanent password makes the user
    /// `CONFIRMED`; a temporary one makes it `FORCE_CHANGE_PASSWORD` with a
    /// fresh validity window.
    ///
    /// # Errors
    /// `UserNotFoundException`; `InvalidPasswordException` (policy);
    /// `InvalidParameterException` (over 256 characters, surrounding whitespace).
    pub fn admin_set_user_password(&self, request: AdminSetUserPasswordRequest) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(&request.username)?;
        self.validate_admin_password(&request.password)?;
        let credentials = self.credentials(&user.username, &request.password)?;
        self.modify_user(&user.username, now, |current| {
            let mut next = current.clone();
            credentials.apply(&mut next);
            if request.permanent {
                next.status = UserStatus::Confirmed;
                next.temporary_password_expires_at = None;
            } else {
                next.status = UserStatus::ForceChangePassword;
                next.temporary_password_expires_at = Some(self.temporary_password_deadline(now));
            }
            Ok(Some(next))
        })?;
        Ok(())
    }
}
