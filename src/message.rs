//! Message delivery: the [`MessageSender`] trait the pool hands rendered
//! codes to, and [`Outbox`], an in-memory sender that tests and
//! `userpool-server` read.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::clock::Timestamp;
use crate::secret::Code;

/// How a message travels (Cognito's `DeliveryMediumType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryMedium {
    /// Email.
    Email,
    /// SMS text message.
    Sms,
}

impl DeliveryMedium {
    /// Cognito's name: `EMAIL` or `SMS`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Email => "EMAIL",
            Self::Sms => "SMS",
        }
    }
}

/// Why a message was sent (Cognito's `CustomMessage` trigger sources).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A sign-up confirmation code.
    SignUp,
    /// A re-sent sign-up confirmation code.
    ResendCode,
    /// An invitation with a temporary password (`AdminCreateUser`).
    AdminCreateUser,
    /// An attribute verification code after an attribute update.
    UpdateUserAttribute,
    /// An attribute verification code on request.
    VerifyUserAttribute,
    /// A password reset code.
    ForgotPassword,
}

/// A rendered message on its way to a user.
///
/// `body` contains the code (or temporary password) in clear, as a real
/// message must; `Debug` redacts both `body` and `code`.
#[derive(Clone)]
pub struct Message {
    /// The pool that sends it.
    pub pool_id: String,
    /// The user's internal username.
    pub username: String,
    /// The unmasked destination: an email address or phone number.
    pub destination: String,
    /// Email or SMS.
    pub medium: DeliveryMedium,
    /// Why it is sent.
    pub kind: MessageKind,
    /// The email subject; `None` for SMS.
    pub subject: Option<String>,
    /// The rendered text, code included.
    pub body: String,
    /// The code (or temporary password) the body carries.
    pub code: Code,
    /// When the pool sent it.
    pub sent_at: Timestamp,
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("pool_id", &self.pool_id)
            .field("username", &self.username)
            .field("destination", &self.destination)
            .field("medium", &self.medium)
            .field("kind", &self.kind)
            .field("subject", &self.subject)
            .field("body", &"[redacted]")
            .field("code", &self.code)
            .field("sent_at", &self.sent_at)
            .finish()
    }
}

/// A delivery failure, reported to the caller as `CodeDeliveryFailureException`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("message delivery failed: {0}")]
pub struct DeliveryError(pub String);

/// Delivers messages: email, SMS, or a test outbox.
///
/// Called synchronously after the state the message refers to is stored, so
/// a failed delivery never leaves a half-written user: the code can be sent
/// again with a resend. Implementations must not log the body or code.
pub trait MessageSender: Send + Sync + fmt::Debug {
    /// Delivers `message`.
    ///
    /// # Errors
    /// A [`DeliveryError`] when the message could not be handed over.
    fn send(&self, message: &Message) -> Result<(), DeliveryError>;
}

/// An in-memory [`MessageSender`] that keeps every message, for tests and
/// local development. Clones share one list.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    messages: Arc<Mutex<Vec<Message>>>,
}

impl Outbox {
    /// An empty outbox.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Message>> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every message sent so far, oldest first.
    #[must_use]
    pub fn messages(&self) -> Vec<Message> {
        self.lock().clone()
    }

    /// The messages for one user, oldest first. `who` matches the internal
    /// username or the unmasked destination (an email or phone number), so
    /// tests of email-as-username pools can ask by email.
    #[must_use]
    pub fn messages_for(&self, who: &str) -> Vec<Message> {
        self.lock()
            .iter()
            .filter(|m| m.username == who || m.destination == who)
            .cloned()
            .collect()
    }

    /// The newest message for `who` (see [`Outbox::messages_for`]).
    #[must_use]
    pub fn last_message_for(&self, who: &str) -> Option<Message> {
        self.lock()
            .iter()
            .rev()
            .find(|m| m.username == who || m.destination == who)
            .cloned()
    }

    /// The code carried by the newest message for `who`.
    #[must_use]
    pub fn last_code_for(&self, who: &str) -> Option<Code> {
        self.last_message_for(who).map(|m| m.code)
    }

    /// Forgets every message.
    pub fn clear(&self) {
        self.lock().clear();
    }
}

impl MessageSender for Outbox {
    fn send(&self, message: &Message) -> Result<(), DeliveryError> {
        self.lock().push(message.clone());
        Ok(())
    }
}
