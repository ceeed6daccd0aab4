//! Why a server did not start, or did not stop cleanly.

use std::fmt;

/// Why a server did not start or did not stop cleanly: a [`kind`](Self::kind)
/// to branch on and a message for people.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

/// What went wrong, broadly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The store could not be opened: the data directory, the SQLite
    /// database or the PostgreSQL connection.
    Storage,
    /// A master key could not be read, parsed or created.
    MasterKey,
    /// PostgreSQL storage was asked for without a master key: there is no
    /// data directory to keep a generated one in.
    MissingMasterKey,
    /// The pools already in the store could not be read back (a wrong master
    /// key, a tampered record, a store failure).
    LoadPools,
    /// The access keys for SigV4 verification could not be read (a
    /// malformed `ACCESS_KEY_ID:SECRET` list in the environment).
    Credentials,
    /// The public URL given is not a base URL (`http://` or `https://`, no
    /// query or fragment).
    PublicUrl,
    /// The Lambda endpoint or a function mapping given is unusable: not an
    /// `http://` URL (`https://` is not supported), or a mapping whose ARN
    /// is not a Lambda function's.
    LambdaEndpoint,
    /// The TLS certificate or key given could not be read or used, or only
    /// one of the two was given.
    Tls,
    /// The port could not be bound.
    Listen,
    /// The async runtime could not be built, or the serving task failed.
    Runtime,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong, broadly.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What went wrong, for people: names the file, key source or address
    /// involved.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
