//! PreSignUp and PostConfirmation (cognito-triggers.md §2.1, §2.2): the
//! steps `SignUp`, `AdminCreateUser`, the confirmations and
//! `ConfirmForgotPassword` share to fire them.
//!
//! # Choices where Cognito is undocumented
//!
//! * PreSignUp runs after every check the operation makes on its input —
//!   parameters, client, password policy, and that the username and every
//!   alias the new user would hold are free — and before the password is
//!   hashed or anything is written: a refusal leaves no user, and a
//!   sign-up Cognito would refuse anyway never reaches the hook.
//! * Its `userAttributes` are the attributes the user is created with, as
//!   validated (in pools with username attributes, the email or phone
//!   number that is the username among them), without `sub` or status.
//! * `autoVerifyEmail` / `autoVerifyPhone` without `autoConfirmUser`, and
//!   either of them for a user without that attribute, is
//!   `InvalidLambdaResponseException`.
//! * An auto-verified email or phone number that is a sign-in alias of
//!   another user would, in Cognito, move to the new user and leave the
//!   other one unverified. Moving an alias takes two writes the store cannot
//!   make atomically, so this engine refuses the sign-up instead, with
//!   `InvalidParameterException` ([`ALIAS_MOVE_REFUSED`]), and stores
//!   nothing.
//! * PostConfirmation runs after the commit. Its failure is the
//!   operation's error, and the confirmation (or new password) stays.
//!   `AdminConfirmSignUp` takes no `ClientMetadata` here, so its event has
//!   none, and its `callerContext.clientId` is `CLIENT_ID_NOT_APPLICABLE`.

use super::UserPool;
use super::hooks::hook;
use crate::error::{Error, ErrorCode, Result};
use crate::store::{ConflictKey, IndexKey, UserRecord, UserStatus};
use crate::triggers::{
    PostConfirmationRequest, PreSignUpRequest, PreSignUpResponse, StringMap, Trigger, TriggerSource,
};

/// `InvalidLambdaResponseException`'s message for auto-verification
/// without auto-confirmation (cognito-triggers.md §2.1).
pub(super) const AUTO_VERIFY_WITHOUT_CONFIRM: &str =
    "Phone or email cannot be auto verified, when user is not being auto confirmed.";

/// `InvalidParameterException`'s message when an auto-verified attribute
/// is another user's alias (see the module docs).
pub(super) const ALIAS_MOVE_REFUSED: &str = "The auto-verified attribute is a sign-in alias of another user; moving an alias is not supported by this engine.";

/// What a PreSignUp call is about.
pub(super) struct SignUpEvent<'a> {
    /// `PreSignUp_SignUp` or `PreSignUp_AdminCreateUser`.
    pub(super) source: TriggerSource,
    /// The operation's client; `None` for `AdminCreateUser`.
    pub(super) client_id: Option<&'a str>,
    /// `ValidationData`.
    pub(super) validation_data: Option<&'a StringMap>,
    /// `ClientMetadata`.
    pub(super) client_metadata: Option<&'a StringMap>,
}

impl UserPool {
    /// Refuses `user` when its username or an alias it would hold belongs
    /// to someone, with the error inserting it would give.
    pub(super) fn check_identifiers_free(&self, user: &UserRecord) -> Result<()> {
        for key in self.index_keys(user) {
            if matches!(key, IndexKey::Sub(_)) {
                continue;
            }
            let found = self
                .store()
                .find_user(self.id(), &key)
                .map_err(super::store_error)?;
            if found.is_some() {
                return Err(self.conflict_error(&ConflictKey::Index(key), user));
            }
        }
        Ok(())
    }

    /// Fires PreSignUp for the new `user` (not yet stored), if the pool has
    /// it, and returns its answer (all `false` without the trigger).
    ///
    /// # Errors
    /// The conflicts of [`check_identifiers_free`](Self::check_identifiers_free);
    /// the trigger's errors (`PreSignUp failed with error <msg>.`).
    pub(super) fn pre_sign_up(
        &self,
        user: &UserRecord,
        about: &SignUpEvent<'_>,
    ) -> Result<PreSignUpResponse> {
        let Some(hooks) = self.hooks_for(Trigger::PreSignUp) else {
            return Ok(PreSignUpResponse::default());
        };
        self.check_identifiers_free(user)?;
        let mut attributes = user.attributes.clone();
        attributes.remove("sub");
        let mut request = PreSignUpRequest::new(attributes.into_iter().collect());
        request.validation_data = about.validation_data.cloned();
        request.client_metadata = about.client_metadata.cloned();
        let event = self.event(about.source, &user.username, about.client_id, request);
        hook(Trigger::PreSignUp, hooks.pre_sign_up(&event))
    }

    /// Applies a `PreSignUp_SignUp` answer to the new `user`: confirmed, and
    /// the email or phone number verified as asked. Returns whether the
    /// user is confirmed.
    ///
    /// # Errors
    /// `InvalidLambdaResponseException` for auto-verification without
    /// auto-confirmation, or of an attribute the user lacks;
    /// `InvalidParameterException` ([`ALIAS_MOVE_REFUSED`]) when a newly
    /// verified attribute is another user's alias.
    pub(super) fn apply_pre_sign_up(
        &self,
        answer: PreSignUpResponse,
        user: &mut UserRecord,
    ) -> Result<bool> {
        let verify = answer.auto_verify_email || answer.auto_verify_phone;
        if !answer.auto_confirm_user {
            if verify {
                return Err(Error::new(
                    ErrorCode::InvalidLambdaResponse,
                    AUTO_VERIFY_WITHOUT_CONFIRM,
                ));
            }
            return Ok(false);
        }
        user.status = UserStatus::Confirmed;
        for (asked, name) in [
            (answer.auto_verify_email, "email"),
            (answer.auto_verify_phone, "phone_number"),
        ] {
            if !asked {
                continue;
            }
            if user.attributes.get(name).is_none_or(String::is_empty) {
                return Err(Error::new(
                    ErrorCode::InvalidLambdaResponse,
                    format!("PreSignUp asked to auto verify {name}, which the user does not have."),
                ));
            }
            user.attributes
                .insert(format!("{name}_verified"), "true".to_owned());
        }
        if verify {
            self.check_identifiers_free(user).map_err(|e| {
                if e.code() == ErrorCode::AliasExists {
                    Error::invalid_parameter(ALIAS_MOVE_REFUSED)
                } else {
                    e
                }
            })?;
        }
        Ok(true)
    }

    /// Fires PostConfirmation of `source` for `user` as stored after the
    /// change, if the pool has it.
    ///
    /// # Errors
    /// The trigger's errors (`PostConfirmation failed with error <msg>.`);
    /// the change stays.
    pub(super) fn post_confirmation(
        &self,
        source: TriggerSource,
        user: &UserRecord,
        client_id: Option<&str>,
        client_metadata: Option<&StringMap>,
    ) -> Result<()> {
        let Some(hooks) = self.hooks_for(Trigger::PostConfirmation) else {
            return Ok(());
        };
        let mut request = PostConfirmationRequest::new(self.event_attributes(user));
        request.client_metadata = client_metadata.cloned();
        let event = self.event(source, &user.username, client_id, request);
        hook(Trigger::PostConfirmation, hooks.post_confirmation(&event))
    }
}
