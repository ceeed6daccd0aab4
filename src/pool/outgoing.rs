//! Every message the pool sends, on its way out: rendered from the pool's
//! templates or by the CustomMessage trigger, then handed to the
//! [`MessageSender`](crate::message::MessageSender) or, for a medium a
//! custom sender handles, to CustomEmailSender / CustomSMSSender
//! (cognito-triggers.md §1.4, §2.7, §2.8).
//!
//! Two steps, so that a refusal leaves nothing behind: [`UserPool::compose`]
//! calls CustomMessage and checks its answer before the caller stores
//! what the message refers to (a code), [`UserPool::dispatch`] delivers
//! after.
//!
//! # Choices where Cognito is undocumented
//!
//! * CustomMessage is called once per message sent (an invitation to both
//!   email and SMS: once, its answer used for each medium), and not at all
//!   when custom senders handle every medium the message goes to: each
//!   `CustomMessage_X` has `CustomEmailSender_X` / `CustomSMSSender_X`
//!   twins that replace it (§1.4).
//! * In the text it returns, **every** `{####}` becomes the code and, for
//!   `CustomMessage_AdminCreateUser` only, every `{username}` the username,
//!   in one pass (a temporary password holding `{username}` stays as it
//!   is). A `null` part falls back to the pool's template for that part.
//!   The subject is used as returned.
//! * Only the parts of the medium being sent are checked: a body without
//!   `{####}` (and for `AdminCreateUser` without `{username}`), an email
//!   body over 20,000 characters or an SMS over 140 with the code in it, or
//!   a subject over 140 characters, is `InvalidLambdaResponseException`
//!   (messages below) and nothing is sent (§2.7). `emailMessage` is
//!   honoured whatever the pool's `EmailSendingAccount`.
//! * `clientMetadata` of `AdminCreateUser` reaches its CustomMessage
//!   (§1.3); operations without `ClientMetadata` (attribute updates,
//!   `GetUserAttributeVerificationCode`, `AdminResetUserPassword`) send
//!   none.
//! * Custom senders are asynchronous in Cognito: here they are called in
//!   line, after the state is stored, and their failure (or the
//!   encryptor's) never fails the operation — the message is simply not
//!   delivered, and the caller still gets `CodeDeliveryDetails`. Their
//!   `code` is the [`CodeEncryptor`](crate::triggers::CodeEncryptor)'s
//!   ciphertext under the `LambdaConfig`'s `KMSKeyID` (empty without one);
//!   a temporary password is HTML-escaped first (§2.8).
//! * A pool configured with a custom sender but built without an encryptor
//!   is accepted (a production definition loads unchanged); an operation
//!   that would send through it fails before anything is stored for the
//!   message, with `UnexpectedLambdaException` `<Sender> invocation failed
//!   due to error No code encryptor is configured.` ([`NO_ENCRYPTOR`]),
//!   as a trigger does when no Lambda endpoint is configured.

use std::sync::Arc;

use super::UserPool;
use super::hooks::hook;
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::message::{DeliveryMedium, Message, MessageKind};
use crate::secret::Code;
use crate::store::UserRecord;
use crate::triggers::{
    CustomMessageRequest, CustomMessageResponse, CustomSenderRequest, Event, StringMap, Trigger,
    TriggerError, TriggerSource, Triggers,
};

/// Why a custom sender cannot be called on a pool without a
/// [`CodeEncryptor`](crate::triggers::CodeEncryptor).
pub(crate) const NO_ENCRYPTOR: &str = "No code encryptor is configured.";

/// The longest email body a CustomMessage may make, code included (§2.7).
pub(super) const MAX_EMAIL_MESSAGE: usize = 20_000;
/// The longest SMS a CustomMessage may make, code included (§2.7).
pub(super) const MAX_SMS_MESSAGE: usize = 140;
/// The longest email subject a CustomMessage may return, as for templates.
pub(super) const MAX_EMAIL_SUBJECT: usize = 140;

/// Why a message goes out, and what its triggers are told.
#[derive(Clone, Copy, Debug)]
pub(super) struct Occasion<'a> {
    /// The message's kind: which `CustomMessage_X` (and sender twins) fire.
    pub(super) kind: MessageKind,
    /// The operation's app client; `None` for admin operations
    /// (`CLIENT_ID_NOT_APPLICABLE`).
    pub(super) client_id: Option<&'a str>,
    /// The operation's `ClientMetadata`.
    pub(super) client_metadata: Option<&'a StringMap>,
}

impl<'a> Occasion<'a> {
    /// A message of `kind` from an operation without client or metadata.
    pub(super) const fn of(kind: MessageKind) -> Self {
        Self {
            kind,
            client_id: None,
            client_metadata: None,
        }
    }

    /// A message of `kind` from an operation of `client_id` with `metadata`.
    pub(super) const fn from_client(
        kind: MessageKind,
        client_id: &'a str,
        metadata: Option<&'a StringMap>,
    ) -> Self {
        Self {
            kind,
            client_id: Some(client_id),
            client_metadata: metadata,
        }
    }
}

/// The pool's template for each part of a message.
#[derive(Clone, Copy, Debug)]
pub(super) struct Templates<'a> {
    pub(super) email_subject: &'a str,
    pub(super) email_message: &'a str,
    pub(super) sms_message: &'a str,
}

/// Messages checked and ready, waiting for what they refer to be stored.
#[must_use = "composed messages are sent by UserPool::dispatch"]
pub(super) struct Outgoing {
    deliveries: Vec<Delivery>,
}

enum Delivery {
    /// Through the pool's `MessageSender`.
    Pool(Message),
    /// Through a custom sender hook, which is told `event`.
    Custom {
        trigger: Trigger,
        hooks: Arc<dyn Triggers>,
        event: Option<Event<CustomSenderRequest>>,
    },
}

/// The trigger sources a message of `kind` fires: CustomMessage, and its
/// CustomEmailSender and CustomSMSSender twins.
const fn sources(kind: MessageKind) -> [TriggerSource; 3] {
    match kind {
        MessageKind::SignUp => [
            TriggerSource::CustomMessageSignUp,
            TriggerSource::CustomEmailSenderSignUp,
            TriggerSource::CustomSmsSenderSignUp,
        ],
        MessageKind::ResendCode => [
            TriggerSource::CustomMessageResendCode,
            TriggerSource::CustomEmailSenderResendCode,
            TriggerSource::CustomSmsSenderResendCode,
        ],
        MessageKind::AdminCreateUser => [
            TriggerSource::CustomMessageAdminCreateUser,
            TriggerSource::CustomEmailSenderAdminCreateUser,
            TriggerSource::CustomSmsSenderAdminCreateUser,
        ],
        MessageKind::UpdateUserAttribute => [
            TriggerSource::CustomMessageUpdateUserAttribute,
            TriggerSource::CustomEmailSenderUpdateUserAttribute,
            TriggerSource::CustomSmsSenderUpdateUserAttribute,
        ],
        MessageKind::VerifyUserAttribute => [
            TriggerSource::CustomMessageVerifyUserAttribute,
            TriggerSource::CustomEmailSenderVerifyUserAttribute,
            TriggerSource::CustomSmsSenderVerifyUserAttribute,
        ],
        MessageKind::ForgotPassword => [
            TriggerSource::CustomMessageForgotPassword,
            TriggerSource::CustomEmailSenderForgotPassword,
            TriggerSource::CustomSmsSenderForgotPassword,
        ],
        MessageKind::Authentication => [
            TriggerSource::CustomMessageAuthentication,
            TriggerSource::CustomEmailSenderAuthentication,
            TriggerSource::CustomSmsSenderAuthentication,
        ],
    }
}

/// `text` with every `{####}` replaced by `code` and, when `username` is
/// given, every `{username}` by it, in one pass: what a replacement
/// inserts is never scanned again.
pub(super) fn substitute(text: &str, code: &str, username: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len() + code.len());
    let mut rest = text;
    loop {
        let next_code = rest.find(CustomMessageRequest::CODE_PARAMETER);
        let next_user = username.and_then(|_| rest.find(CustomMessageRequest::USERNAME_PARAMETER));
        let (at, placeholder, value) = match (next_code, next_user, username) {
            (Some(c), Some(u), Some(name)) if u < c => {
                (u, CustomMessageRequest::USERNAME_PARAMETER, name)
            }
            (Some(c), _, _) => (c, CustomMessageRequest::CODE_PARAMETER, code),
            (None, Some(u), Some(name)) => (u, CustomMessageRequest::USERNAME_PARAMETER, name),
            _ => {
                out.push_str(rest);
                return out;
            }
        };
        out.push_str(&rest[..at]);
        out.push_str(value);
        rest = &rest[at + placeholder.len()..];
    }
}

/// `InvalidLambdaResponseException` for a CustomMessage answer the pool cannot send.
fn unusable(message: String) -> Error {
    Error::new(ErrorCode::InvalidLambdaResponse, message)
}

/// A temporary password as a custom sender receives it: HTML-escaped
/// (cognito-triggers.md §2.8).
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

impl UserPool {
    /// The hook set that sends `medium` in the pool's place, if any.
    fn custom_sender(&self, medium: DeliveryMedium) -> Option<(Trigger, Arc<dyn Triggers>)> {
        let trigger = match medium {
            DeliveryMedium::Email => Trigger::CustomEmailSender,
            DeliveryMedium::Sms => Trigger::CustomSmsSender,
        };
        self.hooks_for(trigger).map(|h| (trigger, h))
    }

    /// Renders the message of `occasion` carrying `code` (a code or a
    /// temporary password) to each of `targets` for `user`, calling
    /// CustomMessage when the pool has it and some target is not a custom
    /// sender's, and checks the result; nothing is sent yet.
    ///
    /// # Errors
    /// `UserLambdaValidationException` (`CustomMessage failed with error
    /// <msg>.`) and the other trigger errors; `InvalidLambdaResponseException`
    /// for an answer that cannot be sent (see the module docs).
    pub(super) fn compose(
        &self,
        user: &UserRecord,
        occasion: Occasion<'_>,
        targets: &[(DeliveryMedium, String)],
        code: &Code,
        templates: Templates<'_>,
        now: Timestamp,
    ) -> Result<Outgoing> {
        let [message_source, email_source, sms_source] = sources(occasion.kind);
        let admin = occasion.kind == MessageKind::AdminCreateUser;
        let needs_message = targets
            .iter()
            .any(|(m, _)| self.custom_sender(*m).is_none());
        let custom = match self.hooks_for(Trigger::CustomMessage) {
            Some(hooks) if needs_message => {
                let mut request =
                    CustomMessageRequest::new(message_source, self.event_attributes(user));
                request.client_metadata = occasion.client_metadata.cloned();
                let event = self.event(message_source, &user.username, occasion.client_id, request);
                hook(Trigger::CustomMessage, hooks.custom_message(&event))?
            }
            _ => CustomMessageResponse::default(),
        };
        let username = admin.then_some(user.username.as_str());
        let mut deliveries = Vec::with_capacity(targets.len());
        for (medium, destination) in targets {
            if let Some((trigger, hooks)) = self.custom_sender(*medium) {
                let source = match medium {
                    DeliveryMedium::Email => email_source,
                    DeliveryMedium::Sms => sms_source,
                };
                let event = self.sender_event(user, occasion, source, code, admin, trigger)?;
                deliveries.push(Delivery::Custom {
                    trigger,
                    hooks,
                    event,
                });
                continue;
            }
            let (subject, body) = match medium {
                DeliveryMedium::Email => {
                    let subject = match &custom.email_subject {
                        Some(s) if s.chars().count() > MAX_EMAIL_SUBJECT => {
                            return Err(unusable(format!(
                                "CustomMessage returned an emailSubject longer than {MAX_EMAIL_SUBJECT} characters."
                            )));
                        }
                        Some(s) => s.clone(),
                        None => templates.email_subject.to_owned(),
                    };
                    let body = match &custom.email_message {
                        Some(text) => checked(
                            text,
                            "emailMessage",
                            admin,
                            MAX_EMAIL_MESSAGE,
                            code,
                            username,
                        )?,
                        None => crate::code::render(
                            templates.email_message,
                            code.expose_secret(),
                            &user.username,
                        ),
                    };
                    (Some(subject), body)
                }
                DeliveryMedium::Sms => {
                    let body = match &custom.sms_message {
                        Some(text) => {
                            checked(text, "smsMessage", admin, MAX_SMS_MESSAGE, code, username)?
                        }
                        None => crate::code::render(
                            templates.sms_message,
                            code.expose_secret(),
                            &user.username,
                        ),
                    };
                    (None, body)
                }
            };
            let (from, reply_to) = match medium {
                DeliveryMedium::Email => {
                    let config = self.config();
                    (
                        Some(config.email_sender()),
                        config
                            .email_configuration()
                            .and_then(|c| c.reply_to.clone()),
                    )
                }
                DeliveryMedium::Sms => (None, None),
            };
            deliveries.push(Delivery::Pool(Message {
                pool_id: self.id().to_owned(),
                username: user.username.clone(),
                destination: destination.clone(),
                medium: *medium,
                kind: occasion.kind,
                from,
                reply_to,
                subject,
                body,
                code: code.clone(),
                sent_at: now,
            }));
        }
        Ok(Outgoing { deliveries })
    }

    /// A custom sender's event, its code encrypted; `Ok(None)` when the
    /// encryptor fails (the message is then not delivered, as when the
    /// asynchronous sender fails).
    ///
    /// # Errors
    /// `UnexpectedLambdaException` `<Sender> invocation failed due to error
    /// No code encryptor is configured.` when the pool has none: the sender
    /// cannot be given its code, and nothing is sent, loudly, as when no
    /// Lambda endpoint is configured.
    fn sender_event(
        &self,
        user: &UserRecord,
        occasion: Occasion<'_>,
        source: TriggerSource,
        code: &Code,
        admin: bool,
        trigger: Trigger,
    ) -> Result<Option<Event<CustomSenderRequest>>> {
        let Some(encryptor) = self.inner.encryptor.as_ref() else {
            return Err(TriggerError::unavailable(NO_ENCRYPTOR).into_error(trigger));
        };
        let config = self.config();
        let key = config.lambda_config().kms_key_id.as_deref().unwrap_or("");
        let plaintext = if admin {
            zeroize::Zeroizing::new(html_escape(code.expose_secret()))
        } else {
            zeroize::Zeroizing::new(code.expose_secret().to_owned())
        };
        let Ok(ciphertext) = encryptor.encrypt(key, plaintext.as_bytes()) else {
            return Ok(None);
        };
        let request = CustomSenderRequest {
            code: Some(ciphertext),
            user_attributes: self.event_attributes(user),
            client_metadata: occasion.client_metadata.cloned(),
        };
        Ok(Some(self.event(
            source,
            &user.username,
            occasion.client_id,
            request,
        )))
    }

    /// Sends what [`compose`](Self::compose) prepared, in order.
    ///
    /// # Errors
    /// `CodeDeliveryFailureException` when the `MessageSender` fails (the
    /// messages before it went out). A custom sender's failure is no error.
    pub(super) fn dispatch(&self, outgoing: Outgoing) -> Result<()> {
        for delivery in outgoing.deliveries {
            match delivery {
                Delivery::Pool(message) => self.deliver(message)?,
                Delivery::Custom {
                    trigger,
                    hooks,
                    event: Some(event),
                } => {
                    // Asynchronous in Cognito: nobody hears of a failure.
                    let _ = match trigger {
                        Trigger::CustomSmsSender => hooks.custom_sms_sender(&event),
                        _ => hooks.custom_email_sender(&event),
                    };
                }
                Delivery::Custom { event: None, .. } => {}
            }
        }
        Ok(())
    }
}

/// A CustomMessage part as sent: checked for its placeholders, substituted,
/// and checked for length with the code in it.
fn checked(
    text: &str,
    part: &str,
    admin: bool,
    limit: usize,
    code: &Code,
    username: Option<&str>,
) -> Result<String> {
    if !text.contains(CustomMessageRequest::CODE_PARAMETER) {
        return Err(unusable(format!(
            "CustomMessage returned an {part} without the code parameter {{####}}."
        )));
    }
    if admin && !text.contains(CustomMessageRequest::USERNAME_PARAMETER) {
        return Err(unusable(format!(
            "CustomMessage returned an {part} without the username parameter {{username}}."
        )));
    }
    let rendered = substitute(text, code.expose_secret(), username);
    if rendered.chars().count() > limit {
        return Err(unusable(format!(
            "CustomMessage returned an {part} longer than {limit} characters with the code in it."
        )));
    }
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_replaced_once_and_replacements_are_not_rescanned() {
        assert_eq!(
            substitute("{####} {username} {####}", "1{username}", Some("bob")),
            "1{username} bob 1{username}"
        );
        assert_eq!(
            substitute("{username}:{####}", "123", None),
            "{username}:123"
        );
        assert_eq!(substitute("none", "123", Some("x")), "none");
    }

    #[test]
    fn temporary_passwords_are_html_escaped_for_custom_senders() {
        assert_eq!(html_escape("a<b>&\"'c"), "a&lt;b&gt;&amp;&quot;&#x27;c");
    }
}
