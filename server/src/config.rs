//! What a server can be asked for: the hashing preset, where its state
//! lives, and the options [`ServerBuilder`](crate::ServerBuilder) collects.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use userpool::HashingParams;
use userpool::wire::sigv4::AccessKey;

use crate::serve::Limits;
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
    /// The access keys signed operations must be signed with; none: any
    /// credentials are accepted.
    pub(crate) access_keys: Vec<AccessKey>,
    /// The environment variable to read access keys from when
    /// `access_keys` is empty.
    pub(crate) credentials_env: Option<String>,
    /// Why a key given to the builder is refused (it cannot return an
    /// error itself): `start` fails with it.
    pub(crate) access_key_error: Option<String>,
    /// The base URL the documents served name; `None`: the bound address.
    pub(crate) public_url: Option<String>,
    /// Timeouts, the connection cap, the shutdown grace.
    pub(crate) limits: Limits,
    /// How often expired records are swept; zero: never.
    pub(crate) sweep_interval: Duration,
    /// The Lambda Invoke API endpoint triggers are invoked at; `None`: a
    /// pool's triggers fail with `UnexpectedLambdaException`.
    pub(crate) lambda_endpoint: Option<String>,
    /// Function names by ARN, replacing the ARN's own.
    pub(crate) lambda_functions: Vec<(String, String)>,
    /// The timeout of one invocation attempt.
    pub(crate) lambda_timeout: Duration,
    /// Whether custom senders receive their codes base64-encoded, in clear
    /// (`--custom-sender-codes plaintext`); otherwise a send through a
    /// custom sender fails with `UnexpectedLambdaException`.
    pub(crate) plaintext_sender_codes: bool,
    /// Whether every pool's issuer is `<public URL>/<poolId>` instead of
    /// Cognito's (`--issuer-mode local`).
    pub(crate) local_issuer: bool,
    /// The PEM certificate chain file of HTTPS; `None`: plain HTTP.
    pub(crate) tls_cert: Option<PathBuf>,
    /// The PEM private key file of HTTPS.
    pub(crate) tls_key: Option<PathBuf>,
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
            access_keys: Vec::new(),
            credentials_env: None,
            access_key_error: None,
            public_url: None,
            limits: Limits::default(),
            sweep_interval: Duration::from_secs(300),
            lambda_endpoint: None,
            lambda_functions: Vec::new(),
            lambda_timeout: crate::lambda::DEFAULT_TIMEOUT,
            plaintext_sender_codes: false,
            local_issuer: false,
            tls_cert: None,
            tls_key: None,
        }
    }
}

/// Whether `id` and `secret` can be an AWS access key: an id of 1 to 128
/// letters and digits (AWS's are 16 to 128), a secret of visible ASCII
/// characters but the comma that separates pairs.
///
/// # Errors
/// A message naming the problem and the key id, never the secret.
pub(crate) fn check_access_key(id: &str, secret: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("an access key id must be 1 to 128 letters and digits".to_owned());
    }
    if secret.is_empty() || secret.bytes().any(|b| !b.is_ascii_graphic() || b == b',') {
        return Err(format!(
            "the secret of {id} must be non-empty visible ASCII, without spaces or commas"
        ));
    }
    Ok(())
}

/// A comma-separated list of `ACCESS_KEY_ID:SECRET` pairs, the secret
/// everything after the first colon.
///
/// # Errors
/// A pair without a colon or refused by [`check_access_key`], or an empty
/// list.
pub(crate) fn parse_access_keys(list: &str) -> Result<Vec<AccessKey>, String> {
    let keys =
        list.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|pair| {
                let (id, secret) = pair.trim().split_once(':').ok_or_else(|| {
                    "expected comma-separated ACCESS_KEY_ID:SECRET pairs".to_owned()
                })?;
                check_access_key(id, secret)?;
                Ok(AccessKey::new(id, secret))
            })
            .collect::<Result<Vec<_>, String>>()?;
    if keys.is_empty() {
        return Err("no ACCESS_KEY_ID:SECRET pair".to_owned());
    }
    Ok(keys)
}

/// `url` as a base URL: `http://` or `https://`, a host, no query,
/// fragment, spaces or control characters; a trailing `/` removed.
///
/// # Errors
/// A message saying what is wrong with it.
pub(crate) fn check_public_url(url: &str) -> Result<String, String> {
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"))
        .ok_or_else(|| format!("the public URL must start with http:// or https://: {url}"))?;
    if rest.is_empty()
        || rest.starts_with('/')
        || !trimmed.bytes().all(|b| b.is_ascii_graphic())
        || trimmed.contains(['?', '#', '"', '<', '>', '\\'])
    {
        return Err(format!(
            "the public URL must be a base URL (scheme, host, optional port and path): {url}"
        ));
    }
    Ok(trimmed.to_owned())
}
