//! The sign-up lifecycle: `SignUp`, `ConfirmSignUp`, `ResendConfirmationCode`,
//! `AdminConfirmSignUp`, and the user-creation steps `AdminCreateUser` shares.

use super::codes::Sends;
use super::lifecycle::SignUpEvent;
use super::outgoing::Occasion;
use super::windows::{NameUse, Subject};
use super::{
    ConfirmSignUpRequest, ResendConfirmationCodeRequest, SignUpRequest, SignUpResponse, UserPool,
    looks_like_email, looks_like_phone, store_error, validate_username,
};
use crate::client::check_secret_hash;
use crate::config::MfaFactor;
use crate::config::{AliasAttribute, UsernameAttribute, VerifiedAttribute};
use crate::error::{Error, Result};
use crate::message::MessageKind;
use crate::pool::CodeDeliveryDetails;
use crate::random;
use crate::schema::{Attribute, Attributes, Writer};
use crate::store::{CodePurpose, StoreError, UserRecord, UserStatus};
use crate::triggers::TriggerSource;

/// A new user's identity, ready to store.
pub(super) struct NewUser {
    pub(super) username: String,
    pub(super) attributes: Attributes,
    /// In pools with username attributes, the one the username is.
    pub(super) username_attribute: Option<&'static str>,
}

impl UserPool {
    /// Checks the username against the pool's username rules, derives the
    /// internal username and `sub`, and validates the attributes.
    pub(super) fn prepare_new_user(
        &self,
        username: &str,
        attributes: &[Attribute],
        writer: Writer,
    ) -> Result<NewUser> {
        validate_username(username)?;
        let cfg = self.config();
        let sub = random::uuid_v4()?;
        let mut attrs: Vec<Attribute> = attributes.to_vec();
        let mut username_attribute = None;
        let internal = if cfg.username_attributes().is_empty() {
            if cfg.is_alias(AliasAttribute::Email) && looks_like_email(username) {
                return Err(Error::invalid_parameter(
                    "Username cannot be of email format, since user pool is configured for email alias.",
                ));
            }
            if cfg.is_alias(AliasAttribute::PhoneNumber) && looks_like_phone(username) {
                return Err(Error::invalid_parameter(
                    "Username cannot be of phone number format, since user pool is configured for phone number alias.",
                ));
            }
            username.to_owned()
        } else {
            let email_ok = cfg.is_username_attribute(UsernameAttribute::Email);
            let phone_ok = cfg.is_username_attribute(UsernameAttribute::PhoneNumber);
            let attribute = if email_ok && looks_like_email(username) {
                "email"
            } else if phone_ok && looks_like_phone(username) {
                "phone_number"
            } else {
                return Err(Error::invalid_parameter(match (email_ok, phone_ok) {
                    (true, true) => "Username should be either an email or a phone number.",
                    (true, false) => "Username should be an email.",
                    _ => "Username should be a phone number.",
                }));
            };
            if attrs
                .iter()
                .any(|a| a.name == attribute && a.value != username)
            {
                return Err(Error::invalid_parameter(format!(
                    "The {attribute} attribute must equal the username in this user pool."
                )));
            }
            attrs.retain(|a| a.name != attribute);
            attrs.push(Attribute::new(attribute, username));
            username_attribute = Some(attribute);
            // cognito-protocol.md §7.4: the internal username is a UUID equal to `sub`.
            sub.clone()
        };
        let mut validated = cfg.schema().validate_create(&attrs, writer)?;
        validated.insert("sub".to_owned(), sub);
        Ok(NewUser {
            username: internal,
            attributes: validated,
            username_attribute,
        })
    }

    /// Inserts a prepared user, mapping key conflicts to Cognito's exceptions.
    pub(super) fn insert_new_user(&self, user: &UserRecord) -> Result<()> {
        let keys = self.index_keys(user);
        match self.store().insert_user(self.id(), user, &keys) {
            Ok(()) => Ok(()),
            // An existing record of the same internal username is
            // `ConflictKey::Username`, told apart from any index key.
            Err(StoreError::Conflict(key)) => Err(self.conflict_error(&key, user)),
            Err(e) => Err(store_error(e)),
        }
    }

    /// The attribute a sign-up code goes to: an auto-verified phone number
    /// wins over an auto-verified email (cognito-protocol.md §4.4).
    fn sign_up_code_target(&self, attributes: &Attributes) -> Option<&'static str> {
        let config = self.config();
        let auto = config.auto_verified_attributes();
        [VerifiedAttribute::PhoneNumber, VerifiedAttribute::Email]
            .into_iter()
            .filter(|a| auto.contains(a))
            .map(VerifiedAttribute::name)
            .find(|name| attributes.get(*name).is_some_and(|v| !v.is_empty()))
    }

    /// `SignUp`: creates an `UNCONFIRMED` user and sends a confirmation code
    /// to the auto-verified attribute, if the user has one.
    ///
    /// With a PreSignUp trigger (cognito-triggers.md §2.1; choices in the
    /// `lifecycle` module): the hook sees the attributes, `ValidationData`
    /// and `ClientMetadata` once every check has passed, before anything is
    /// stored. `autoConfirmUser` creates the user `CONFIRMED`, sends no
    /// code, answers `UserConfirmed: true` without `CodeDeliveryDetails`,
    /// and fires PostConfirmation (`PostConfirmation_ConfirmSignUp`, with
    /// this `ClientMetadata`); `autoVerifyEmail` / `autoVerifyPhone` then
    /// mark the attribute verified. The code message goes through
    /// CustomMessage (`CustomMessage_SignUp`) or a custom sender; the user
    /// is stored before it, so a refused message leaves the user without a
    /// code, as a failed delivery does (`ResendConfirmationCode` sends one).
    ///
    /// # Errors
    /// - `InvalidParameterException` without a password (passwordless users
    ///   are not simulated);
    /// - `ResourceNotFoundException` for an unknown client;
    /// - `NotAuthorizedException` for a missing or wrong `SECRET_HASH`, when
    ///   only admins may create users, or when the client may not write an
    ///   attribute given;
    /// - `InvalidParameterException` for a malformed username, a username of
    ///   the wrong form for the pool, or attributes the schema refuses;
    /// - `InvalidPasswordException` when the password breaks the policy;
    /// - `UsernameExistsException` when the username (or, in
    ///   email/phone-as-username pools, the email/phone) is taken;
    /// - `UserLambdaValidationException`, `InvalidLambdaResponseException`,
    ///   `UnexpectedLambdaException` from PreSignUp (no user),
    ///   PostConfirmation (the user stays, confirmed) or CustomMessage (the
    ///   user stays, no code); `InvalidLambdaResponseException` (`Phone or
    ///   email cannot be auto verified, when user is not being auto
    ///   confirmed.`) for auto-verification without auto-confirmation;
    ///   `InvalidParameterException` when an auto-verified attribute is
    ///   another user's alias (moving it is not simulated);
    /// - `CodeDeliveryFailureException` when the code could not be sent (the
    ///   user is stored; `ResendConfirmationCode` sends a new code).
    pub fn sign_up(&self, request: SignUpRequest) -> Result<SignUpResponse> {
        let now = self.now();
        request.validate()?;
        let Some(password) = request.password.as_ref() else {
            return Err(Error::internal("A validated sign-up has a password."));
        };
        let client = self.client(&request.client_id)?;
        check_secret_hash(&client, &request.username, request.secret_hash.as_deref())?;
        if self.config().allow_admin_create_user_only() {
            return Err(Error::not_authorized(
                "SignUp is not permitted for this user pool",
            ));
        }
        if request
            .user_attributes
            .iter()
            .any(|a| !client.config().can_write(&a.name))
        {
            return Err(Error::not_authorized(
                "A client attempted to write unauthorized attribute",
            ));
        }
        let new =
            self.prepare_new_user(&request.username, &request.user_attributes, Writer::User)?;
        self.config().password_policy().validate(password)?;
        let mut user = UserRecord::new(new.username, new.attributes, UserStatus::Unconfirmed, now);
        user.username_attribute = new.username_attribute.map(str::to_owned);
        let answer = self.pre_sign_up(
            &user,
            &SignUpEvent {
                source: TriggerSource::PreSignUpSignUp,
                client_id: Some(&request.client_id),
                validation_data: request.validation_data.as_ref(),
                client_metadata: request.client_metadata.as_ref(),
            },
        )?;
        let confirmed = self.apply_pre_sign_up(answer, &mut user)?;
        let credentials = self.credentials(&user.username, password)?;
        credentials.apply(&mut user);
        self.insert_new_user(&user)?;
        if confirmed {
            self.post_confirmation(
                TriggerSource::PostConfirmationConfirmSignUp,
                &user,
                Some(&request.client_id),
                request.client_metadata.as_ref(),
            )?;
            return Ok(SignUpResponse {
                user_confirmed: true,
                user_sub: user.sub().to_owned(),
                code_delivery_details: None,
            });
        }
        let code_delivery_details = match self.sign_up_code_target(&user.attributes) {
            Some(attr) => Some(self.issue_code(
                &user,
                CodePurpose::SignUp,
                attr,
                Occasion::from_client(
                    MessageKind::SignUp,
                    &request.client_id,
                    request.client_metadata.as_ref(),
                ),
                Sends::Free,
                now,
            )?),
            None => None,
        };
        Ok(SignUpResponse {
            user_confirmed: false,
            user_sub: user.sub().to_owned(),
            code_delivery_details,
        })
    }

    /// `ConfirmSignUp`: checks the code, marks the attribute it was sent to
    /// verified, and moves the user to `CONFIRMED`. The code works once.
    ///
    /// # Errors
    /// - `ResourceNotFoundException` for an unknown client;
    /// - `NotAuthorizedException` for a missing or wrong `SECRET_HASH`, and
    ///   when the user is not `UNCONFIRMED`
    ///   (`User cannot be confirmed. Current status is CONFIRMED`);
    /// - `UserNotFoundException` (`Username/client id combination not found.`),
    ///   or, when the client prevents user-existence errors,
    ///   `CodeMismatchException` as for a wrong code (cognito-protocol.md §5.3).
    ///   (Our choice, since Cognito does not document it: a user who exists
    ///   but has no pending code, because the pool verifies none of their
    ///   attributes, still answers `ExpiredCodeException`; hiding that too
    ///   would make the one refusal such a user can get a lie.)
    /// - `CodeMismatchException`, `ExpiredCodeException`, or
    ///   `LimitExceededException` after too many wrong codes;
    /// - `AliasExistsException` when the verified email or phone is already an
    ///   alias of another user (the code stays usable);
    /// - `InvalidParameterException` when `force_alias_creation` is set in a
    ///   pool with alias attributes (moving an alias is not simulated; in
    ///   other pools there is no alias to move and the flag has no effect);
    /// - the errors of a PostConfirmation trigger
    ///   (`PostConfirmation_ConfirmSignUp`, told this `ClientMetadata`),
    ///   which runs after the commit: the user stays confirmed.
    pub fn confirm_sign_up(&self, request: ConfirmSignUpRequest) -> Result<()> {
        let now = self.now();
        let client = self.client(&request.client_id)?;
        check_secret_hash(&client, &request.username, request.secret_hash.as_deref())?;
        self.refuse_alias_move(request.force_alias_creation)?;
        let Some(user) = self.resolve(&request.username)? else {
            return Err(if client.config().prevents_user_existence_errors() {
                // Counted in the name's hourly window, as a user's guesses.
                self.check_unknown_code(&request.username, CodePurpose::SignUp, now)
            } else {
                Error::user_not_found_for_client()
            });
        };
        ensure_unconfirmed(&user)?;
        let code = self.check_code(
            &user,
            CodePurpose::SignUp,
            &request.confirmation_code,
            now,
            false,
        )?;
        // Confirmed and the code used up together; on any failure (an alias
        // taken meanwhile) the code stays pending.
        let stored = self.modify_user_with_code(
            &user.username,
            CodePurpose::SignUp,
            &code,
            now,
            |current| {
                ensure_unconfirmed(current)?;
                let mut next = current.clone();
                next.status = UserStatus::Confirmed;
                // The code proves the address it went to, and only that one: if
                // the attribute changed since, the user is confirmed but the new
                // value stays unverified.
                if let (Some(attr), Some(dest)) = (&code.attribute, &code.destination)
                    && current.attributes.get(attr) == Some(dest)
                {
                    next.attributes
                        .insert(format!("{attr}_verified"), "true".to_owned());
                    // The code was this sign-up's proof of possession: when
                    // the pool offers that channel as a second factor, it
                    // stands for the first sign-in's (see `auth::mfa`).
                    let factor = if attr == "email" {
                        MfaFactor::Email
                    } else {
                        MfaFactor::Sms
                    };
                    next.mfa.setup_grace = self.config().mfa().factor_enabled(factor);
                }
                Ok(Some(next))
            },
        )?;
        self.post_confirmation(
            TriggerSource::PostConfirmationConfirmSignUp,
            &stored,
            Some(&request.client_id),
            request.client_metadata.as_ref(),
        )
    }

    /// `ResendConfirmationCode`: sends a new sign-up code, replacing the old one.
    ///
    /// With `PreventUserExistenceErrors=ENABLED` an unknown user, or one
    /// without an attribute the pool verifies, gets a normal-looking answer
    /// with a simulated destination, a disabled user the masked destination
    /// a code would go to, and no message is sent to either
    /// (cognito-protocol.md §5.3). Masked destinations are folded as the
    /// pool folds names. A confirmed user still gets `User is already
    /// confirmed.`, as from Cognito: `SignUp` tells whether a username is
    /// taken anyway.
    ///
    /// # Errors
    /// - `ResourceNotFoundException` for an unknown client;
    /// - `NotAuthorizedException` for a missing or wrong `SECRET_HASH`;
    /// - `UserNotFoundException` (`Username/client id combination not found.`)
    ///   under `LEGACY`;
    /// - `InvalidParameterException` when the user is already confirmed
    ///   (`User is already confirmed.`), or has no auto-verified attribute
    ///   (under `ENABLED`, only in pools that verify none);
    /// - `LimitExceededException` (`Attempt limit exceeded, please try after
    ///   some time.`) after 5 codes for the user in an hour (Cognito's
    ///   documented limit), counted under `ENABLED` for names no user has
    ///   too;
    /// - `CodeDeliveryFailureException` when the code could not be sent.
    pub fn resend_confirmation_code(
        &self,
        request: ResendConfirmationCodeRequest,
    ) -> Result<CodeDeliveryDetails> {
        let now = self.now();
        let client = self.client(&request.client_id)?;
        check_secret_hash(&client, &request.username, request.secret_hash.as_deref())?;
        let prevent = client.config().prevents_user_existence_errors();
        let no_target = || {
            Error::invalid_parameter(
                "The user has no attribute the pool verifies, so no code can be sent.",
            )
        };
        // Under ENABLED a code pretended sent counts against the send limit
        // as a real one: a name no user has under its keyed digest.
        let simulated = |subject: Subject<'_>| -> Result<CodeDeliveryDetails> {
            // Where a real user's code would go: a phone the pool verifies
            // wins over an email (cognito-protocol.md §4.4).
            let config = self.config();
            let order: Vec<&str> = [VerifiedAttribute::PhoneNumber, VerifiedAttribute::Email]
                .into_iter()
                .filter(|a| config.auto_verified_attributes().contains(a))
                .map(VerifiedAttribute::name)
                .collect();
            let Some(&fallback) = order.first() else {
                // No user of this pool can get a code: the answer all get.
                return Err(no_target());
            };
            self.count_send(subject, CodePurpose::SignUp, now)?;
            Ok(self.simulated_delivery(&request.username, &order, fallback))
        };
        let Some(user) = self.resolve(&request.username)? else {
            return if prevent {
                simulated(Subject::Unknown(
                    &self.name_digest(NameUse::Sends, &request.username),
                ))
            } else {
                Err(Error::user_not_found_for_client())
            };
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(Error::invalid_parameter("User is already confirmed."));
        }
        let Some(attr) = self.sign_up_code_target(&user.attributes) else {
            return if prevent {
                simulated(Subject::User(&user.username))
            } else {
                Err(no_target())
            };
        };
        if prevent && !user.enabled {
            // cognito-protocol.md §5.3: a disabled user is answered as if
            // sent, and nothing is.
            self.count_send(Subject::User(&user.username), CodePurpose::SignUp, now)?;
            return Ok(self.masked_for_caller(super::codes::delivery_details(
                attr,
                user.attributes.get(attr).map_or("", String::as_str),
            )));
        }
        let details = self.issue_code(
            &user,
            CodePurpose::SignUp,
            attr,
            Occasion::from_client(
                MessageKind::ResendCode,
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

    /// `ForceAliasCreation=true`: moving an alias from one user to another is
    /// not simulated, so it is refused in pools with alias attributes; in
    /// other pools there is no alias to move and Cognito ignores it
    /// (amazon-cognito-identity-js always sends it).
    pub(super) fn refuse_alias_move(&self, force: bool) -> Result<()> {
        if force && !self.config().alias_attributes().is_empty() {
            return Err(Error::invalid_parameter(
                "ForceAliasCreation=true is not supported by this engine in pools with alias attributes.",
            ));
        }
        Ok(())
    }

    /// `AdminConfirmSignUp`: moves an `UNCONFIRMED` user to `CONFIRMED`
    /// without a code. Verifies no attribute (as Cognito) and discards the
    /// pending sign-up code.
    ///
    /// Fires PostConfirmation (`PostConfirmation_ConfirmSignUp`, without
    /// `ClientMetadata`, `clientId` `CLIENT_ID_NOT_APPLICABLE`) after the
    /// commit.
    ///
    /// # Errors
    /// `UserNotFoundException`; `NotAuthorizedException` when the user is not
    /// `UNCONFIRMED`; the errors of a PostConfirmation trigger (the user
    /// stays confirmed).
    pub fn admin_confirm_sign_up(&self, username: &str) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        let stored = self.modify_user(&user.username, now, |current| {
            ensure_unconfirmed(current)?;
            let mut next = current.clone();
            next.status = UserStatus::Confirmed;
            Ok(Some(next))
        })?;
        if let Ok(Some(code)) =
            self.store()
                .get_code(self.id(), &user.username, CodePurpose::SignUp)
        {
            let _ = self
                .store()
                .take_code(self.id(), &user.username, CodePurpose::SignUp, code.id);
        }
        self.post_confirmation(
            TriggerSource::PostConfirmationConfirmSignUp,
            &stored,
            None,
            None,
        )
    }
}

fn ensure_unconfirmed(user: &UserRecord) -> Result<()> {
    if user.status == UserStatus::Unconfirmed {
        Ok(())
    } else {
        Err(Error::not_authorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status
        )))
    }
}
