//! Verification codes: issuing one (digest stored, message delivered) and
//! checking one (attempt counted, compared in constant time, single use).

use super::outgoing::{Occasion, Templates};
use super::windows::{NameUse, Subject, limit_exceeded};
use super::{CodeDeliveryDetails, UserPool, store_error};
use crate::clock::Timestamp;
use crate::code::{self, CodeContext, Verdict};
use crate::error::{Error, ErrorCode, Result};
use crate::message::{DeliveryMedium, Message};
use crate::random;
use crate::secret::Code;
use crate::store::{CodePurpose, CodeRecord, StoreError, UserRecord};

impl UserPool {
    /// Issues a fresh code for `purpose` to `attribute` (`email` or
    /// `phone_number`), replacing any pending one, and delivers it. With
    /// [`Sends::Counted`] the send counts against the user's hourly send
    /// limit first ([`SENDS`](super::windows::SENDS)), once the
    /// destination is known.
    ///
    /// The message is composed (CustomMessage called and its answer
    /// checked) before the code is stored, so a refused message leaves no
    /// pending code; what the operation stored before calling this (a new
    /// user) stays, as after a failed delivery.
    pub(super) fn issue_code(
        &self,
        user: &UserRecord,
        purpose: CodePurpose,
        attribute: &str,
        occasion: Occasion<'_>,
        sends: Sends,
        now: Timestamp,
    ) -> Result<CodeDeliveryDetails> {
        let destination = user
            .attributes
            .get(attribute)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                Error::invalid_parameter(format!("The user has no {attribute} to send a code to."))
            })?;
        if sends == Sends::Counted {
            self.count_send(Subject::User(&user.username), purpose, now)?;
        }
        let code = code::generate(&mut random::below)?;
        let medium = if attribute == "email" {
            DeliveryMedium::Email
        } else {
            DeliveryMedium::Sms
        };
        let config = self.config();
        let template = config.verification_message();
        let outgoing = self.compose(
            user,
            occasion,
            &[(medium, destination.clone())],
            &code,
            Templates {
                email_subject: &template.email_subject,
                email_message: &template.email_message,
                sms_message: &template.sms_message,
            },
            now,
        )?;
        self.store_code(
            user,
            purpose,
            (attribute, &destination),
            &code,
            now.saturating_add(code::validity(purpose)),
            now,
        )?;
        self.dispatch(outgoing)?;
        Ok(delivery_details(attribute, &destination))
    }

    /// Stores `code`'s digest as `user`'s pending code for `purpose`, sent
    /// to `(attribute, destination)`, replacing any other; returns its id.
    /// Stored only while this very user exists: a user deleted meanwhile
    /// leaves no code behind for a later user of the same name.
    pub(super) fn store_code(
        &self,
        user: &UserRecord,
        purpose: CodePurpose,
        (attribute, destination): (&str, &str),
        code: &Code,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<u64> {
        let id = u64::from_be_bytes(random::bytes::<8>()?);
        let ctx = CodeContext {
            pool_id: self.id(),
            username: &user.username,
            sub: user.sub(),
            purpose,
            code_id: id,
        };
        let record = CodeRecord {
            id,
            digest: code::digest(self.inner.keys.code(), &ctx, code.expose_secret()),
            attribute: Some(attribute.to_owned()),
            destination: Some(destination.to_owned()),
            issued_at: now,
            expires_at,
            attempts: 0,
        };
        self.store()
            .put_code(self.id(), &user.username, user.sub(), purpose, &record)
            .map_err(|e| match e {
                StoreError::NotFound => Error::user_not_found(),
                e => store_error(e),
            })?;
        Ok(id)
    }

    pub(super) fn deliver(&self, message: Message) -> Result<()> {
        self.inner.sender.send(&message).map_err(|_| {
            Error::new(
                ErrorCode::CodeDeliveryFailure,
                "Unable to deliver the message to the user's destination.",
            )
        })
    }

    /// Takes a code [`UserPool::check_code`] accepted; fails if it was used
    /// or replaced meanwhile.
    pub(super) fn take_checked_code(
        &self,
        username: &str,
        purpose: CodePurpose,
        record: &CodeRecord,
    ) -> Result<CodeRecord> {
        self.store()
            .take_code(self.id(), username, purpose, record.id)
            .map_err(store_error)?
            .ok_or_else(expired_code)
    }

    /// Counts an attempt against the pending code and compares `submitted`
    /// with it, without using it up: callers with expensive work to do
    /// (hashing a new password) check first, then take.
    ///
    /// Every call counts against the user's hourly window for `purpose`
    /// first ([`GUESSES`](super::windows::GUESSES)), whatever follows. With
    /// `hide_state` (ConfirmForgotPassword under
    /// `PreventUserExistenceErrors=ENABLED`) a missing, expired or
    /// exhausted code answers as a wrong one, as for a name no user has
    /// ([`UserPool::check_unknown_code`]): only the window, which both
    /// share, answers `LimitExceededException`.
    pub(super) fn check_code(
        &self,
        user: &UserRecord,
        purpose: CodePurpose,
        submitted: &Code,
        now: Timestamp,
        hide_state: bool,
    ) -> Result<CodeRecord> {
        self.count_guess(Subject::User(&user.username), purpose, now)?;
        let hidden = |e: Error| {
            if hide_state {
                Error::code_mismatch()
            } else {
                e
            }
        };
        let (pool, username) = (self.id(), user.username.as_str());
        let Some(record) = self
            .store()
            .get_code(pool, username, purpose)
            .map_err(store_error)?
        else {
            return Err(hidden(expired_code()));
        };
        if now >= record.expires_at {
            return Err(hidden(expired_code()));
        }
        let Some((record, verdict)) = self.attempt_code(user, purpose, record, submitted, now)?
        else {
            // Replaced or used meanwhile.
            return Err(hidden(expired_code()));
        };
        match verdict {
            Verdict::Valid => Ok(record),
            Verdict::Mismatch => Err(Error::code_mismatch()),
            Verdict::Expired => Err(hidden(expired_code())),
            Verdict::Exhausted => Err(hidden(limit_exceeded())),
        }
    }

    /// Counts an attempt against `record` (the pending code of `user` for
    /// `purpose`) and compares `submitted` with it in constant time, under
    /// the current key or the previous secret's while it lives. `None` when
    /// the code was replaced or used meanwhile; else the record as it stood
    /// just before this attempt, and the verdict.
    pub(super) fn attempt_code(
        &self,
        user: &UserRecord,
        purpose: CodePurpose,
        mut record: CodeRecord,
        submitted: &Code,
        now: Timestamp,
    ) -> Result<Option<(CodeRecord, Verdict)>> {
        let (pool, username) = (self.id(), user.username.as_str());
        let Some(attempt) = self
            .store()
            .record_code_attempt(pool, username, purpose, record.id)
            .map_err(store_error)?
        else {
            return Ok(None);
        };
        record.attempts = attempt.saturating_sub(1);
        let ctx = CodeContext {
            pool_id: pool,
            username,
            sub: user.sub(),
            purpose,
            code_id: record.id,
        };
        let verdict = self
            .inner
            .keys
            .code_candidates(now)
            .map(|key| code::check(key, &ctx, Some(&record), submitted, now))
            .reduce(|a, b| if a == Verdict::Valid { a } else { b })
            .unwrap_or(Verdict::Mismatch);
        Ok(Some((record, verdict)))
    }

    /// [`UserPool::check_code`] for a name no user has (under
    /// `PreventUserExistenceErrors=ENABLED`): the guess is counted in the
    /// name's own window, by a keyed digest, and the answer, always an
    /// error, is a wrong code, or `LimitExceededException` once the window
    /// is full, as for a user.
    pub(super) fn check_unknown_code(
        &self,
        name: &str,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Error {
        let digest = self.name_digest(NameUse::Guesses, name);
        self.futile_guess(Subject::Unknown(&digest), purpose, now)
    }

    /// The answer to a guess that cannot succeed (a name no user has, a
    /// disabled user under `PreventUserExistenceErrors=ENABLED`): counted
    /// like any, then a wrong code, or `LimitExceededException` once the
    /// window is full.
    pub(super) fn futile_guess(
        &self,
        subject: Subject<'_>,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Error {
        match self.count_guess(subject, purpose, now) {
            Ok(()) => Error::code_mismatch(),
            Err(e) => e,
        }
    }
}

/// Whether a code sent counts against the user's hourly send limit: the
/// operations a client calls to have a code (re)sent do
/// (ResendConfirmationCode, ForgotPassword, GetUserAttributeVerificationCode,
/// AdminResetUserPassword), and so do attribute updates, which count
/// before they send (past the limit the update stands and nothing is
/// sent); the codes of a new user (SignUp, AdminCreateUser) do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sends {
    /// Counted; `LimitExceededException` once the window is full.
    Counted,
    /// Not counted.
    Free,
}

pub(super) fn expired_code() -> Error {
    Error::new(
        ErrorCode::ExpiredCode,
        "Invalid code provided, please request a code again.",
    )
}

pub(super) fn delivery_details(attribute: &str, destination: &str) -> CodeDeliveryDetails {
    let (medium, masked) = if attribute == "email" {
        (DeliveryMedium::Email, code::mask_email(destination))
    } else {
        (DeliveryMedium::Sms, code::mask_phone(destination))
    };
    CodeDeliveryDetails {
        destination: masked,
        delivery_medium: medium,
        attribute_name: attribute.to_owned(),
    }
}
