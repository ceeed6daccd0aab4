//! Verification codes: issuing one (digest stored, message delivered) and
//! checking one (attempt counted, compared in constant time, single use).

use super::{CodeDeliveryDetails, UserPool, store_error};
use crate::clock::Timestamp;
use crate::code::{self, CodeContext, Verdict};
use crate::error::{Error, ErrorCode, Result};
use crate::message::{DeliveryMedium, Message, MessageKind};
use crate::random;
use crate::secret::Code;
use crate::store::{CodePurpose, CodeRecord, StoreError, UserRecord};

impl UserPool {
    /// Issues a fresh code for `purpose` to `attribute` (`email` or
    /// `phone_number`), replacing any pending one, and delivers it.
    pub(super) fn issue_code(
        &self,
        user: &UserRecord,
        purpose: CodePurpose,
        attribute: &str,
        kind: MessageKind,
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
        let code = code::generate(&mut random::below)?;
        let id = u64::from_be_bytes(random::bytes::<8>()?);
        let ctx = CodeContext {
            pool_id: self.id(),
            username: &user.username,
            purpose,
            code_id: id,
        };
        // A re-sent code inherits the attempt window of the one it replaces.
        let (window_started_at, window_attempts) = match self
            .store()
            .get_code(self.id(), &user.username, purpose)
            .map_err(store_error)?
        {
            Some(prev) if now < prev.window_started_at.saturating_add(code::ATTEMPT_WINDOW) => {
                (prev.window_started_at, prev.window_attempts)
            }
            _ => (now, 0),
        };
        let record = CodeRecord {
            id,
            digest: code::digest(self.inner.keys.code(), &ctx, code.expose_secret()),
            attribute: Some(attribute.to_owned()),
            destination: Some(destination.clone()),
            issued_at: now,
            expires_at: now.saturating_add(code::validity(purpose)),
            attempts: 0,
            window_started_at,
            window_attempts,
        };
        // Stored only while this very user exists: a user deleted meanwhile
        // leaves no code behind for a later user of the same name.
        self.store()
            .put_code(self.id(), &user.username, user.sub(), purpose, &record)
            .map_err(|e| match e {
                StoreError::NotFound => Error::user_not_found(),
                e => store_error(e),
            })?;
        let config = self.config();
        let template = config.verification_message();
        let (medium, subject, body_template) = if attribute == "email" {
            (
                DeliveryMedium::Email,
                Some(template.email_subject.clone()),
                &template.email_message,
            )
        } else {
            (DeliveryMedium::Sms, None, &template.sms_message)
        };
        self.deliver(Message {
            pool_id: self.id().to_owned(),
            username: user.username.clone(),
            destination: destination.clone(),
            medium,
            kind,
            subject,
            body: code::render(body_template, code.expose_secret(), &user.username),
            code,
            sent_at: now,
        })?;
        Ok(delivery_details(attribute, &destination))
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
    pub(super) fn check_code(
        &self,
        username: &str,
        purpose: CodePurpose,
        submitted: &Code,
        now: Timestamp,
    ) -> Result<CodeRecord> {
        let pool = self.id();
        let Some(mut record) = self
            .store()
            .get_code(pool, username, purpose)
            .map_err(store_error)?
        else {
            return Err(expired_code());
        };
        if now >= record.expires_at {
            return Err(expired_code());
        }
        let Some(attempt) = self
            .store()
            .record_code_attempt(pool, username, purpose, record.id)
            .map_err(store_error)?
        else {
            // Replaced or used meanwhile.
            return Err(expired_code());
        };
        // Both counters as they stood just before this attempt; the window
        // counter moved with the per-code one since the record was read.
        let since_read = attempt.saturating_sub(record.attempts);
        record.window_attempts = record
            .window_attempts
            .saturating_add(since_read)
            .saturating_sub(1);
        record.attempts = attempt.saturating_sub(1);
        let ctx = CodeContext {
            pool_id: pool,
            username,
            purpose,
            code_id: record.id,
        };
        // Under the current key, or the previous secret's while it lives.
        let verdict = self
            .inner
            .keys
            .code_candidates(now)
            .map(|key| code::check(key, &ctx, Some(&record), submitted, now))
            .reduce(|a, b| if a == Verdict::Valid { a } else { b })
            .unwrap_or(Verdict::Mismatch);
        match verdict {
            Verdict::Valid => Ok(record),
            Verdict::Mismatch => Err(Error::code_mismatch()),
            Verdict::Expired => Err(expired_code()),
            Verdict::Exhausted => Err(Error::new(
                ErrorCode::LimitExceeded,
                "Attempt limit exceeded, please try after some time.",
            )),
        }
    }
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
