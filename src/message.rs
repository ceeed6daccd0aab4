//! Message delivery: the [`MessageSender`] trait the pool hands rendered
//! codes to, and [`Outbox`], an in-memory sender that tests and
//! `userpool-server` read.

use std::collections::{HashMap, VecDeque};
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
    /// A sign-in code: an SMS or email second factor.
    Authentication,
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
    /// The email's sender, from the pool's `EmailConfiguration` (see
    /// [`PoolConfig::email_sender`](crate::config::PoolConfig::email_sender));
    /// `None` for SMS.
    pub from: Option<String>,
    /// The email's `ReplyToEmailAddress`, when the pool's
    /// `EmailConfiguration` gives one; `None` for SMS.
    pub reply_to: Option<String>,
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
            .field("from", &self.from)
            .field("reply_to", &self.reply_to)
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

/// An in-memory [`MessageSender`] that keeps the latest messages, for tests
/// and local development. Clones share one list.
///
/// Bounded, since any client can have messages sent (sign-up, resends,
/// resets): at most [`Outbox::DEFAULT_PER_USER`] messages per user (pool
/// and internal username) and [`Outbox::DEFAULT_TOTAL`] in all, unless
/// [`Outbox::with_limits`] says otherwise. Past either bound the oldest
/// message (of that user, or of all) is dropped: the newest code for a
/// user is always there.
#[derive(Clone, Debug)]
pub struct Outbox {
    inner: Arc<Mutex<Kept>>,
}

#[derive(Debug)]
struct Kept {
    messages: VecDeque<Message>,
    /// Messages kept per (pool, internal username).
    per_user: HashMap<(String, String), usize>,
    max_per_user: usize,
    max_total: usize,
}

impl Kept {
    fn forget(&mut self, message: &Message) {
        let key = (message.pool_id.clone(), message.username.clone());
        if let Some(n) = self.per_user.get_mut(&key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_user.remove(&key);
            }
        }
    }
}

impl Default for Outbox {
    fn default() -> Self {
        Self::with_limits(Self::DEFAULT_PER_USER, Self::DEFAULT_TOTAL)
    }
}

impl Outbox {
    /// Messages kept per user by default.
    pub const DEFAULT_PER_USER: usize = 50;
    /// Messages kept in all by default.
    pub const DEFAULT_TOTAL: usize = 10_000;

    /// An empty outbox with the default bounds.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty outbox keeping at most `per_user` messages per user and
    /// `total` in all (each at least 1).
    #[must_use]
    pub fn with_limits(per_user: usize, total: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Kept {
                messages: VecDeque::new(),
                per_user: HashMap::new(),
                max_per_user: per_user.max(1),
                max_total: total.max(1),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Kept> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every message kept, oldest first.
    #[must_use]
    pub fn messages(&self) -> Vec<Message> {
        self.lock().messages.iter().cloned().collect()
    }

    /// The messages kept for one user, oldest first. `who` matches the
    /// internal username or the unmasked destination (an email or phone
    /// number), so tests of email-as-username pools can ask by email.
    #[must_use]
    pub fn messages_for(&self, who: &str) -> Vec<Message> {
        self.lock()
            .messages
            .iter()
            .filter(|m| m.username == who || m.destination == who)
            .cloned()
            .collect()
    }

    /// The newest message for `who` (see [`Outbox::messages_for`]).
    #[must_use]
    pub fn last_message_for(&self, who: &str) -> Option<Message> {
        self.lock()
            .messages
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
        let mut kept = self.lock();
        kept.messages.clear();
        kept.per_user.clear();
    }
}

impl MessageSender for Outbox {
    fn send(&self, message: &Message) -> Result<(), DeliveryError> {
        let mut kept = self.lock();
        let key = (message.pool_id.clone(), message.username.clone());
        let count = kept.per_user.entry(key).or_insert(0);
        *count += 1;
        if *count > kept.max_per_user {
            // The user's oldest goes.
            let oldest = kept
                .messages
                .iter()
                .position(|m| m.pool_id == message.pool_id && m.username == message.username);
            if let Some(dropped) = oldest.and_then(|i| kept.messages.remove(i)) {
                kept.forget(&dropped);
            }
        }
        kept.messages.push_back(message.clone());
        while kept.messages.len() > kept.max_total {
            if let Some(dropped) = kept.messages.pop_front() {
                kept.forget(&dropped);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(pool: &str, user: &str, n: u32) -> Message {
        Message {
            pool_id: pool.to_owned(),
            username: user.to_owned(),
            destination: format!("{user}@example.com"),
            medium: DeliveryMedium::Email,
            kind: MessageKind::ResendCode,
            from: None,
            reply_to: None,
            subject: None,
            body: format!("code {n:06}"),
            code: Code::new(format!("{n:06}")),
            sent_at: Timestamp::from_unix_seconds(i64::from(n)),
        }
    }

    fn bodies(outbox: &Outbox) -> Vec<String> {
        outbox.messages().into_iter().map(|m| m.body).collect()
    }

    #[test]
    fn a_user_past_the_bound_loses_their_oldest_message_only() {
        let outbox = Outbox::with_limits(2, 100);
        for (user, n) in [("a", 1), ("b", 2), ("a", 3), ("a", 4)] {
            assert!(outbox.send(&message("p", user, n)).is_ok());
        }
        assert_eq!(
            bodies(&outbox),
            ["code 000002", "code 000003", "code 000004"]
        );
        // The same name in another pool is another user.
        assert!(outbox.send(&message("q", "a", 5)).is_ok());
        assert_eq!(outbox.messages_for("a").len(), 3);
        assert_eq!(
            outbox
                .last_code_for("a")
                .map(|c| c.expose_secret().to_owned()),
            Some("000005".to_owned())
        );
    }

    #[test]
    fn past_the_total_the_oldest_of_all_goes_and_counts_follow() {
        let outbox = Outbox::with_limits(2, 3);
        for (user, n) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
            assert!(outbox.send(&message("p", user, n)).is_ok());
        }
        assert_eq!(
            bodies(&outbox),
            ["code 000002", "code 000003", "code 000004"]
        );
        // "a" lost its message to the total: two new ones fit its bound.
        assert!(outbox.send(&message("p", "a", 5)).is_ok());
        assert!(outbox.send(&message("p", "a", 6)).is_ok());
        assert_eq!(
            bodies(&outbox),
            ["code 000004", "code 000005", "code 000006"]
        );
        outbox.clear();
        assert!(outbox.messages().is_empty());
    }

    #[test]
    fn the_default_bounds_hold_under_a_flood() {
        let outbox = Outbox::new();
        let flood = u32::try_from(Outbox::DEFAULT_PER_USER).unwrap_or(u32::MAX) + 10;
        for n in 0..flood {
            assert!(outbox.send(&message("p", "victim", n)).is_ok());
        }
        assert_eq!(
            outbox.messages_for("victim").len(),
            Outbox::DEFAULT_PER_USER
        );
        assert_eq!(
            outbox.messages().first().map(|m| m.sent_at),
            Some(Timestamp::from_unix_seconds(10))
        );
    }
}
