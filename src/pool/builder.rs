//! [`UserPoolBuilder`]: a pool's id, store, clock, sender, hashing, secret and keys.

use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

use zeroize::Zeroizing;

use super::keys::PoolKeys;
use super::{Inner, Signing, UserPool};
use crate::clock::{Clock, SystemClock, Timestamp};
use crate::config::PoolConfig;
use crate::error::{Error, Result};
use crate::message::{MessageSender, Outbox};
use crate::password::HashingParams;
use crate::random;
use crate::seal::POOL_SECRET_LEN;
use crate::store::{Limited, MemoryStore, Store};
use crate::token::KeySet;
use crate::triggers::{CodeEncryptor, Invoke, Triggers};

/// Builds a [`UserPool`]; see [`UserPool::builder`].
pub struct UserPoolBuilder {
    pub(super) config: PoolConfig,
    pub(super) id: Option<String>,
    pub(super) region: String,
    pub(super) store: Option<Arc<dyn Store>>,
    pub(super) clock: Option<Arc<dyn Clock>>,
    pub(super) sender: Option<Arc<dyn MessageSender>>,
    pub(super) hashing: HashingParams,
    pub(super) secret_key: Option<Zeroizing<[u8; POOL_SECRET_LEN]>>,
    pub(super) previous_secret_key: Option<(Zeroizing<[u8; POOL_SECRET_LEN]>, Timestamp)>,
    pub(super) simulation_key: Option<Zeroizing<[u8; 32]>>,
    pub(super) keys: Option<KeySet>,
    pub(super) issuer: Option<String>,
    pub(super) issuer_base: Option<String>,
    pub(super) hooks: Option<Arc<dyn Triggers>>,
    pub(super) invoker: Option<Arc<dyn Invoke>>,
    pub(super) encryptor: Option<Arc<dyn CodeEncryptor>>,
}

impl fmt::Debug for UserPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPoolBuilder")
            .field("config", &self.config.name())
            .field("id", &self.id)
            .field("region", &self.region)
            .field("hashing", &self.hashing)
            .finish_non_exhaustive()
    }
}

impl UserPoolBuilder {
    /// Uses this pool id (`<region>_<alphanumerics>`, e.g. `us-east-1_AbCdEf123`).
    /// Defaults to a fresh id in the builder's region.
    #[must_use]
    pub fn pool_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The region a generated pool id starts with. Defaults to `us-east-1`.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Where users and codes live. Defaults to a fresh [`MemoryStore`].
    #[must_use]
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// The clock every expiry is decided against. Defaults to [`SystemClock`].
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Who delivers codes and invitations. Defaults to a fresh [`Outbox`]
    /// nobody reads: pass your own (or a clone of an `Outbox` you keep).
    #[must_use]
    pub fn message_sender(mut self, sender: Arc<dyn MessageSender>) -> Self {
        self.sender = Some(sender);
        self
    }

    /// Argon2id parameters for new password hashes. Defaults to
    /// [`HashingParams::OWASP`]. Existing hashes are re-hashed with these at
    /// their next successful verification.
    #[must_use]
    pub fn hashing(mut self, params: HashingParams) -> Self {
        self.hashing = params;
        self
    }

    /// The pool's 32-byte secret. Every key the pool needs besides its token
    /// signing keys is derived from it with HKDF: the key of stored code
    /// digests and the key that seals auth sessions. Defaults to a random
    /// secret per process: pools in several processes that share a store must
    /// be given the same secret, or a code sent or a session issued by one
    /// cannot be checked by another. Keep it out of the store.
    #[must_use]
    pub fn secret_key(mut self, key: [u8; POOL_SECRET_LEN]) -> Self {
        self.secret_key = Some(Zeroizing::new(key));
        self
    }

    /// The secret [`secret_key`](Self::secret_key) replaced, at
    /// `rotated_at`: what it sealed or digested before then (codes, auth
    /// sessions, SRP secret blocks, and verifiers and client secrets not yet
    /// re-sealed) is still accepted until everything it could protect has
    /// expired (24 hours after the rotation); nothing new is sealed with it.
    /// Rotate by building every process's pool with the new secret and
    /// this, then call [`UserPool::reseal_secrets`] once. A
    /// [`Registry`](crate::registry::Registry) does all of this in
    /// [`rotate_pool_secret`](crate::registry::Registry::rotate_pool_secret).
    #[must_use]
    pub fn previous_secret_key(
        mut self,
        key: [u8; POOL_SECRET_LEN],
        rotated_at: Timestamp,
    ) -> Self {
        self.previous_secret_key = Some((Zeroizing::new(key), rotated_at));
        self
    }

    /// The key of simulated answers under `PreventUserExistenceErrors`
    /// (fake SRP identities, simulated destinations, sign-in counters of
    /// unknown names). Defaults to one derived from the previous secret
    /// when one is given, else from the secret, so one rotation keeps it;
    /// set it (from [`UserPool::simulation_key`]) to keep it across more.
    /// If it changed, every simulated answer would change at once while
    /// real users' stayed, and tell which names are real.
    #[must_use]
    pub fn simulation_key(mut self, key: [u8; 32]) -> Self {
        self.simulation_key = Some(Zeroizing::new(key));
        self
    }

    /// The RSA keys that sign access and ID tokens. Defaults to two fresh
    /// 2048-bit keys (generating them takes a noticeable fraction of a
    /// second: tests should generate one [`KeySet`] and share it, and real
    /// deployments must persist theirs, or every restart invalidates every
    /// token).
    #[must_use]
    pub fn keys(mut self, keys: KeySet) -> Self {
        self.keys = Some(keys);
        self
    }

    /// The `iss` of issued tokens. Defaults to Cognito's
    /// `https://cognito-idp.<region>.amazonaws.com/<poolId>`, which
    /// aws-jwt-verify's `CognitoJwtVerifier` expects.
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Makes the `iss` of issued tokens `<base>/<poolId>` (`base` without
    /// a trailing slash), for a pool served at `base`: OpenID discovery
    /// clients such as openid-client demand an issuer equal to the prefix
    /// of the discovery URL (cognito-oauth.md §12). An
    /// [`issuer`](Self::issuer) given too wins.
    #[must_use]
    pub fn issuer_base(mut self, base: impl Into<String>) -> Self {
        self.issuer_base = Some(base.into());
        self
    }

    /// The pool's triggers as Rust hooks (cognito-triggers.md §7.1): the
    /// pool calls the hooks in [`Triggers::configured`] where Cognito calls
    /// its Lambda triggers. Hooks given here take the place of any function
    /// the configuration's [`LambdaConfig`](crate::config::LambdaConfig)
    /// names. Without hooks, and without a `LambdaConfig`, the pool behaves
    /// as Cognito without triggers.
    #[must_use]
    pub fn triggers(mut self, hooks: Arc<dyn Triggers>) -> Self {
        self.hooks = Some(hooks);
        self
    }

    /// How the functions the configuration's `LambdaConfig` names are
    /// invoked (the server: the Lambda Invoke API), through
    /// [`JsonTriggers`](crate::triggers::JsonTriggers), three attempts for
    /// a function that does not answer. Without an invoker, an operation
    /// that would call one of those functions fails with
    /// `UnexpectedLambdaException` (`<Trigger> invocation failed due to
    /// error No Lambda endpoint is configured.`). Unused when
    /// [`triggers`](Self::triggers) are given.
    #[must_use]
    pub fn lambda_invoker(mut self, invoker: Arc<dyn Invoke>) -> Self {
        self.invoker = Some(invoker);
        self
    }

    /// How the code a custom sender receives is encrypted
    /// (cognito-triggers.md §2.8): Cognito encrypts it under the pool's
    /// `KMSKeyID` with the AWS Encryption SDK, which a local pool cannot.
    /// A pool whose triggers include `CustomEmailSender` or
    /// `CustomSMSSender` (as hooks or in its `LambdaConfig`) is refused
    /// without one. [`PlaintextCodes`](crate::triggers::PlaintextCodes)
    /// sends the code in base64, for tests and local functions only.
    #[must_use]
    pub fn code_encryptor(mut self, encryptor: Arc<dyn CodeEncryptor>) -> Self {
        self.encryptor = Some(encryptor);
        self
    }

    /// Builds the pool.
    ///
    /// # Errors
    /// `InvalidParameterException` for a malformed pool id or region, or a
    /// [`LambdaConfig`](crate::config::LambdaConfig) the engine cannot run
    /// (`InboundFederation`, an ARN that names no function); `FeatureUnavailableInTierException`
    /// for hooks whose PreTokenGeneration speaks `V2_0` or `V3_0` in a `LITE`
    /// pool; `InternalErrorException` if the system RNG or key generation
    /// fails.
    pub fn build(self) -> Result<UserPool> {
        super::hooks::check_lambda_config(&self.config)?;
        if let Some(hooks) = &self.hooks {
            super::hooks::check_hooks_tier(hooks.as_ref(), &self.config)?;
        }
        let id = match self.id {
            Some(id) => id,
            None => generate_pool_id(&self.region)?,
        };
        validate_pool_id(&id)?;
        let secret = match self.secret_key {
            Some(k) => k,
            None => Zeroizing::new(random::bytes::<POOL_SECRET_LEN>()?),
        };
        let pool_keys = PoolKeys::new(
            &secret,
            self.previous_secret_key
                .as_ref()
                .map(|(old, at)| (&**old, *at)),
            self.simulation_key.as_deref(),
        )?;
        let keys = match self.keys {
            Some(k) => k,
            None => KeySet::generate()?,
        };
        let issuer_base = self.issuer_base;
        let issuer = self.issuer.unwrap_or_else(|| {
            if let Some(base) = issuer_base {
                return format!("{}/{id}", base.trim_end_matches('/'));
            }
            let region = id.split_once('_').map_or("", |(r, _)| r);
            format!("https://cognito-idp.{region}.amazonaws.com/{id}")
        });
        let verifier = keys.verifier(issuer.clone());
        Ok(UserPool {
            inner: Arc::new(Inner {
                id,
                config: RwLock::new(Arc::new(self.config)),
                // Every store, a caller's own included, behind the store limits.
                store: Limited::wrap(self.store.unwrap_or_else(|| Arc::new(MemoryStore::new()))),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                sender: self.sender.unwrap_or_else(|| Arc::new(Outbox::new())),
                hashing: self.hashing,
                keys: pool_keys,
                decoded_clients: std::sync::Mutex::default(),
                signing: RwLock::new(Signing {
                    keys: Arc::new(keys),
                    verifier,
                }),
                issuer,
                dummy_hash: OnceLock::new(),
                hooks: self.hooks,
                invoker: self.invoker,
                encryptor: self.encryptor,
                lambda: std::sync::Mutex::default(),
            }),
        })
    }
}

pub(super) fn generate_pool_id(region: &str) -> Result<String> {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut suffix = String::with_capacity(9);
    for _ in 0..9 {
        let i = random::below(ALNUM.len() as u32)? as usize;
        suffix.push(char::from(ALNUM[i]));
    }
    Ok(format!("{region}_{suffix}"))
}

/// Checks `<region>_<alphanumerics>` with a region shaped like `us-east-1` or
/// `us-gov-west-1`: the shape aws-jwt-verify requires (cognito-protocol.md §3.6).
pub(super) fn validate_pool_id(id: &str) -> Result<()> {
    let bad = || {
        Error::invalid_parameter(format!(
            "Invalid user pool id {id:?}: expected <region>_<alphanumerics>, e.g. us-east-1_AbCdEf123."
        ))
    };
    if id.len() > 55 {
        return Err(bad());
    }
    let (region, suffix) = id.split_once('_').ok_or_else(bad)?;
    if suffix.is_empty() || !suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(bad());
    }
    let parts: Vec<&str> = region.split('-').collect();
    let lower = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase());
    let ok = match parts.as_slice() {
        [cc, area, n] => cc.len() == 2 && lower(cc) && lower(area) && is_digit(n),
        [cc, "gov", area, n] => cc.len() == 2 && lower(cc) && lower(area) && is_digit(n),
        _ => false,
    };
    if ok { Ok(()) } else { Err(bad()) }
}

fn is_digit(s: &str) -> bool {
    s.len() == 1 && s.chars().all(|c| c.is_ascii_digit())
}
