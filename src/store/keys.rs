//! The typed keys the pool hands to a store: [`IndexKey`], the unique keys
//! that find a user, [`OnceId`], the ids [`consume_once`] uses up, and
//! [`EphemeralKey`], what an ephemeral record counts.
//!
//! Each has one encoding to the string a store keeps
//! ([`IndexKey::encode`], [`OnceId::encode`], [`EphemeralKey::encode`]):
//! `<kind>:<value>`, for the first two the form the pool built with
//! `format!` before the keys were typed, byte for byte, so databases
//! written then keep working. The kinds contain no `:`, so no two keys
//! share an encoding.
//!
//! [`consume_once`]: super::TokenStore::consume_once

use std::fmt;

use super::CodePurpose;

/// A unique key of a user: the pool derives one per identifier that must
/// find at most one user of the pool (the internal username, the `sub`,
/// and the alias attributes the pool's configuration makes unique), in the
/// form it compares them (folded to lower case in a case-insensitive pool).
///
/// The store only promises that one key belongs to at most one user of a
/// pool; it never looks inside a key.
///
/// `Debug` shows the kind only: the values are users' email addresses and
/// phone numbers, which have no business in logs.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum IndexKey {
    /// The internal username, as the pool compares usernames.
    Username(String),
    /// The user's `sub`.
    Sub(String),
    /// The email address, when it is the username or a verified alias.
    Email(String),
    /// The phone number, when it is the username or a verified alias.
    PhoneNumber(String),
    /// The `preferred_username`, when it is an alias.
    PreferredUsername(String),
}

impl fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndexKey({}: [redacted])", self.kind())
    }
}

impl IndexKey {
    /// The kind of key, as its encoding starts: `username`, `sub`,
    /// `email`, `phone_number` or `preferred_username`.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Username(_) => "username",
            Self::Sub(_) => "sub",
            Self::Email(_) => "email",
            Self::PhoneNumber(_) => "phone_number",
            Self::PreferredUsername(_) => "preferred_username",
        }
    }

    /// The value the key was built from.
    #[must_use]
    pub fn value(&self) -> &str {
        match self {
            Self::Username(v)
            | Self::Sub(v)
            | Self::Email(v)
            | Self::PhoneNumber(v)
            | Self::PreferredUsername(v) => v,
        }
    }

    /// The string a store keeps for this key: `<kind>:<value>`
    /// (`username:alice`, `email:alice@example.com`). The one encoding
    /// every store uses; it never changes, or stored keys stop matching.
    #[must_use]
    pub fn encode(&self) -> String {
        encode(self.kind(), self.value())
    }

    /// The length in bytes of [`encode`](Self::encode)'s result, without
    /// building it.
    pub(crate) fn encoded_len(&self) -> usize {
        self.kind().len() + 1 + self.value().len()
    }
}

/// A one-time id for [`TokenStore::consume_once`](super::TokenStore::consume_once):
/// what makes a challenge answer usable once.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OnceId {
    /// The random id sealed in a challenge `Session`.
    Session(String),
    /// The random id sealed in an SRP `SECRET_BLOCK`.
    SrpBlock([u8; 16]),
}

impl OnceId {
    /// The string a store keeps for this id: `session:<id>`, or `srp:`
    /// followed by the block id in lowercase hex. The one encoding every
    /// store uses.
    #[must_use]
    pub fn encode(&self) -> String {
        match self {
            Self::Session(id) => encode("session", id),
            Self::SrpBlock(id) => encode("srp", &crate::hex::encode(id)),
        }
    }
}

/// The key of an ephemeral record
/// ([`EphemeralStore`](super::EphemeralStore)): which limit, shared by
/// every process of a store, the record keeps, and for whom.
///
/// `Debug` shows the kind (and the purpose) only: the usernames and
/// digests are what logs must not hold.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EphemeralKey {
    /// Codes compared for the user and purpose in the current window, so
    /// that re-sending a code restores no guesses (the hourly budget).
    CodeGuesses {
        /// The internal username.
        username: String,
        /// What the codes are for.
        purpose: CodePurpose,
    },
    /// Codes sent for the user and purpose in the current window: the
    /// limit that protects the destination from being flooded.
    CodeSends {
        /// The internal username.
        username: String,
        /// What the codes are for.
        purpose: CodePurpose,
    },
    /// Failed sign-ins of a name that no user has, so that a name that
    /// does not exist locks out as an existing one would. Keyed by a keyed
    /// digest of the name (an HMAC under a secret the store never sees),
    /// never the name: whatever a client types as a username is not stored.
    UnknownSignIn {
        /// The keyed digest of the name.
        digest: [u8; 32],
    },
    /// Codes compared for a name no user has, under
    /// `PreventUserExistenceErrors=ENABLED`, so that guessing codes for
    /// it hits the hourly limit as for a user. Keyed by a keyed digest.
    UnknownCodeGuesses {
        /// The keyed digest of the name.
        digest: [u8; 32],
        /// What the codes would be for.
        purpose: CodePurpose,
    },
    /// Codes "sent" to a name no user has, under
    /// `PreventUserExistenceErrors=ENABLED`, so that the send limit
    /// answers for it as for a user. Keyed by a keyed digest.
    UnknownCodeSends {
        /// The keyed digest of the name.
        digest: [u8; 32],
        /// What the codes would be for.
        purpose: CodePurpose,
    },
    /// A sign-in waiting for a remembered device's SRP
    /// (cognito-mfa-devices-passwordless.md §6.4), found by clients that
    /// answer `DEVICE_SRP_AUTH` without its `Session`. Keyed by a keyed
    /// digest of the app client, the user and the device key.
    DeviceSignIn {
        /// The keyed digest.
        digest: [u8; 32],
    },
    /// An OAuth authorization code (cognito-oauth.md §5.4, §13.3) and the
    /// grant it stands for, taken once by compare-and-swap. Keyed by the
    /// SHA-256 of the code: the code itself is never stored.
    AuthorizationCode {
        /// The SHA-256 of the code.
        digest: [u8; 32],
    },
}

impl EphemeralKey {
    /// The kind of record, as its encoding starts: `code_guesses`,
    /// `code_sends`, `unknown_sign_in`, `unknown_code_guesses`,
    /// `unknown_code_sends`, `device_sign_in` or `authorization_code`.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::CodeGuesses { .. } => "code_guesses",
            Self::CodeSends { .. } => "code_sends",
            Self::UnknownSignIn { .. } => "unknown_sign_in",
            Self::UnknownCodeGuesses { .. } => "unknown_code_guesses",
            Self::UnknownCodeSends { .. } => "unknown_code_sends",
            Self::DeviceSignIn { .. } => "device_sign_in",
            Self::AuthorizationCode { .. } => "authorization_code",
        }
    }

    /// The string a store keeps for this key:
    /// `code_guesses:<purpose>:<username>`, `code_sends:<purpose>:<username>`
    /// (the purpose as [`CodePurpose::as_str`] names it, which holds no
    /// `:`), `unknown_sign_in:` and the digest in lowercase hex, or
    /// `unknown_code_guesses:<purpose>:<digest>` and
    /// `unknown_code_sends:<purpose>:<digest>`, or `device_sign_in:` or
    /// `authorization_code:` and the digest in lowercase hex. The one
    /// encoding every store uses; it never changes, or stored records stop
    /// matching.
    #[must_use]
    pub fn encode(&self) -> String {
        match self {
            Self::CodeGuesses { username, purpose } | Self::CodeSends { username, purpose } => {
                let mut s = String::with_capacity(self.encoded_len());
                s.push_str(self.kind());
                s.push(':');
                s.push_str(purpose.as_str());
                s.push(':');
                s.push_str(username);
                s
            }
            Self::UnknownSignIn { digest }
            | Self::DeviceSignIn { digest }
            | Self::AuthorizationCode { digest } => {
                encode(self.kind(), &crate::hex::encode(digest))
            }
            Self::UnknownCodeGuesses { digest, purpose }
            | Self::UnknownCodeSends { digest, purpose } => {
                let mut s = String::with_capacity(self.encoded_len());
                s.push_str(self.kind());
                s.push(':');
                s.push_str(purpose.as_str());
                s.push(':');
                s.push_str(&crate::hex::encode(digest));
                s
            }
        }
    }

    /// The length in bytes of [`encode`](Self::encode)'s result, without
    /// building it.
    pub(crate) fn encoded_len(&self) -> usize {
        match self {
            Self::CodeGuesses { username, purpose } | Self::CodeSends { username, purpose } => {
                self.kind().len() + 1 + purpose.as_str().len() + 1 + username.len()
            }
            Self::UnknownSignIn { digest }
            | Self::DeviceSignIn { digest }
            | Self::AuthorizationCode { digest } => self.kind().len() + 1 + 2 * digest.len(),
            Self::UnknownCodeGuesses { digest, purpose }
            | Self::UnknownCodeSends { digest, purpose } => {
                self.kind().len() + 1 + purpose.as_str().len() + 1 + 2 * digest.len()
            }
        }
    }

    /// The username the key names, if it names one.
    pub(crate) fn username(&self) -> Option<&str> {
        match self {
            Self::CodeGuesses { username, .. } | Self::CodeSends { username, .. } => Some(username),
            Self::UnknownSignIn { .. }
            | Self::UnknownCodeGuesses { .. }
            | Self::UnknownCodeSends { .. }
            | Self::DeviceSignIn { .. }
            | Self::AuthorizationCode { .. } => None,
        }
    }
}

impl fmt::Debug for EphemeralKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CodeGuesses { purpose, .. }
            | Self::CodeSends { purpose, .. }
            | Self::UnknownCodeGuesses { purpose, .. }
            | Self::UnknownCodeSends { purpose, .. } => write!(
                f,
                "EphemeralKey({} {}: [redacted])",
                self.kind(),
                purpose.as_str()
            ),
            Self::UnknownSignIn { .. }
            | Self::DeviceSignIn { .. }
            | Self::AuthorizationCode { .. } => {
                write!(f, "EphemeralKey({}: [redacted])", self.kind())
            }
        }
    }
}

fn encode(kind: &str, value: &str) -> String {
    let mut s = String::with_capacity(kind.len() + 1 + value.len());
    s.push_str(kind);
    s.push(':');
    s.push_str(value);
    s
}

impl fmt::Display for IndexKey {
    /// The kind only: a key holds an address or a name, which logs and
    /// messages must not show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} index key", self.kind())
    }
}

#[cfg(test)]
mod tests;
