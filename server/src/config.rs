//! What a server can be asked for: the hashing preset, where its state
//! lives, and the options [`ServerBuilder`](crate::ServerBuilder) collects.

use std::fmt;
use std::path::PathBuf;

use userpool::HashingParams;

use crate::storage::KeySource;

/// The Argon2id parameters stored passwords are hashed with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Hashing {
    /// OWASP's parameters (19 MiB, t=2, p=1), about 25 ms a hash. The
    /// default; the only choice for real users' passwords.
    #[default]
    Owasp,
    /// INSECURE cheap parameters for test suites
    /// ([`HashingParams::insecure_fast_for_tests`]): hashes made with them
    /// protect nothing. Never use this preset for real users' passwords.
    InsecureTest,
}

impl Hashing {
    /// The Argon2id parameters of this preset.
    #[must_use]
    pub const fn params(self) -> HashingParams {
        match self {
            Self::Owasp => HashingParams::OWASP,
            Self::InsecureTest => HashingParams::insecure_fast_for_tests(),
        }
    }
}

/// `owasp`, or `test (INSECURE: never for real users)`: how the start-up
/// line names the preset.
impl fmt::Display for Hashing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Owasp => "owasp",
            Self::InsecureTest => "test (INSECURE: never for real users)",
        })
    }
}

/// Where pools, app clients, users, codes and tokens are kept.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Storage {
    /// In memory: gone when the server stops. The default.
    #[default]
    Memory,
    /// The SQLite database `userpool.sqlite3` in this directory, created
    /// with the directory if missing. Without a master key given, the key is
    /// read from `master.key` in the same directory, which is created (mode
    /// 0600) on first start.
    SqliteDir(PathBuf),
    /// The PostgreSQL database at this URL
    /// (`postgres://user@127.0.0.1:5432/userpool`); several servers may
    /// share it. Needs a master key.
    Postgres(String),
}

/// Never prints the PostgreSQL URL, which may hold a password.
impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory => f.write_str("Memory"),
            Self::SqliteDir(dir) => f.debug_tuple("SqliteDir").field(dir).finish(),
            Self::Postgres(_) => f.write_str("Postgres([redacted])"),
        }
    }
}

/// Everything a [`ServerBuilder`](crate::ServerBuilder) collects.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) port: u16,
    pub(crate) hashing: Hashing,
    pub(crate) region: String,
    pub(crate) storage: Storage,
    pub(crate) master_key: Option<KeySource>,
    /// The environment variable to read a master key from when
    /// `master_key` is `None`.
    pub(crate) master_key_env: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            port: 0,
            hashing: Hashing::default(),
            region: "us-east-1".to_owned(),
            storage: Storage::default(),
            master_key: None,
            master_key_env: None,
        }
    }
}
