//! [`UserPool`]: one method per Cognito operation.
//!
//! Each operation reads the clock once, draws its randomness, calls the pure
//! domain modules, then the store. No lock is held while a password is
//! hashed: records are read, the new state is computed, and it is written
//! back with a compare-and-swap on the record's version, retried a bounded
//! number of times.

use std::fmt;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use ring::hmac;

use crate::client::AppClient;
use crate::clock::{Clock, SystemClock, Timestamp};
use crate::code::{self, CodeContext, Verdict};
use crate::config::{AliasAttribute, PoolConfig, UsernameAttribute};
use crate::error::{Constraint, Error, ErrorCode, Result, Shown};
use crate::message::{DeliveryMedium, Message, MessageKind, MessageSender, Outbox};
use crate::password::{self, HashingParams, PasswordHash};
use crate::random;
use crate::seal::{self, POOL_SECRET_LEN, SealKey};
use crate::secret::{Code, Password};
use crate::store::{
    ClientRecord, CodePurpose, CodeRecord, ConflictKey, IndexKey, Limited, MemoryStore, Store,
    StoreError, UserRecord,
};
use crate::token::{KeySet, TokenVerifier};

mod admin;
mod auth;
mod clients;
mod groups;
mod list;
mod params;
mod recovery;
mod session;
mod signup;
mod srp;
mod types;
mod user_ops;

pub use auth::{
    AuthResponse, AuthenticationResult, ChallengeName, GetTokensFromRefreshTokenRequest,
    InitiateAuthRequest, Parameters, RespondToAuthChallengeRequest,
};
pub use groups::{Group, GroupPage, GroupRequest, UserPage};
pub use recovery::{ConfirmForgotPasswordRequest, ForgotPasswordRequest};
pub use types::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, CodeDeliveryDetails, ConfirmSignUpRequest,
    ListUsersRequest, ListUsersResponse, MessageAction, ResendConfirmationCodeRequest,
    SignUpRequest, SignUpResponse, User,
};
pub use user_ops::{GetUserResponse, RevokeTokenRequest};

/// How many times an operation re-reads and retries after losing a
/// compare-and-swap race before giving up with `TooManyRequestsException`.
const MAX_CAS_RETRIES: usize = 16;

/// An embeddable Cognito user pool.
///
/// Cheap to clone (an `Arc` inside) and `Send + Sync`: share one across
/// threads. Every method is synchronous; async callers run them in
/// `spawn_blocking`, since password hashing is CPU-bound.
#[derive(Clone)]
pub struct UserPool {
    inner: Arc<Inner>,
}

struct Inner {
    id: String,
    config: RwLock<Arc<PoolConfig>>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    sender: Arc<dyn MessageSender>,
    hashing: HashingParams,
    code_key: hmac::Key,
    session_key: SealKey,
    verifier_key: SealKey,
    secret_block_key: SealKey,
    fake_user_key: [u8; 32],
    client_secret_key: SealKey,
    /// Clients already decoded, by id, with the record they came from: a
    /// record read again that is equal is not parsed and unsealed again.
    decoded_clients: std::sync::Mutex<std::collections::HashMap<String, (ClientRecord, AppClient)>>,
    signing: RwLock<Signing>,
    issuer: String,
    /// A hash of a random password, verified against when a user does not
    /// exist, so a miss costs the same time as a wrong password.
    dummy_hash: OnceLock<PasswordHash>,
}

/// The signing keys and the verifier built from them, swapped together on rotation.
struct Signing {
    keys: Arc<KeySet>,
    verifier: TokenVerifier,
}

impl fmt::Debug for UserPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPool")
            .field("id", &self.inner.id)
            .field("name", &self.config().name())
            .finish_non_exhaustive()
    }
}

struct SigningRef {
    keys: Arc<KeySet>,
    verifier: TokenVerifier,
}

/// Builds a [`UserPool`]; see [`UserPool::builder`].
pub struct UserPoolBuilder {
    config: PoolConfig,
    id: Option<String>,
    region: String,
    store: Option<Arc<dyn Store>>,
    clock: Option<Arc<dyn Clock>>,
    sender: Option<Arc<dyn MessageSender>>,
    hashing: HashingParams,
    secret_key: Option<[u8; POOL_SECRET_LEN]>,
    keys: Option<KeySet>,
    issuer: Option<String>,
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
        self.secret_key = Some(key);
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

    /// Builds the pool.
    ///
    /// # Errors
    /// `InvalidParameterException` for a malformed pool id or region;
    /// `InternalErrorException` if the system RNG or key generation fails.
    pub fn build(self) -> Result<UserPool> {
        let id = match self.id {
            Some(id) => id,
            None => generate_pool_id(&self.region)?,
        };
        validate_pool_id(&id)?;
        let secret = match self.secret_key {
            Some(k) => k,
            None => random::bytes::<POOL_SECRET_LEN>()?,
        };
        let code_key = seal::derive(&secret, "userpool/v1/code-digests")?;
        let session_key = SealKey::new(&seal::derive(&secret, "userpool/v1/sessions")?)?;
        let verifier_key = SealKey::new(&seal::derive(&secret, "userpool/v1/srp-verifiers")?)?;
        let secret_block_key =
            SealKey::new(&seal::derive(&secret, "userpool/v1/srp-secret-blocks")?)?;
        let fake_user_key = seal::derive(&secret, "userpool/v1/srp-fake-users")?;
        let client_secret_key =
            SealKey::new(&seal::derive(&secret, "userpool/v1/client-secrets")?)?;
        let keys = match self.keys {
            Some(k) => k,
            None => KeySet::generate()?,
        };
        let issuer = self.issuer.unwrap_or_else(|| {
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
                code_key: hmac::Key::new(hmac::HMAC_SHA256, &code_key),
                session_key,
                verifier_key,
                secret_block_key,
                fake_user_key,
                client_secret_key,
                decoded_clients: std::sync::Mutex::default(),
                signing: RwLock::new(Signing {
                    keys: Arc::new(keys),
                    verifier,
                }),
                issuer,
                dummy_hash: OnceLock::new(),
            }),
        })
    }
}

fn generate_pool_id(region: &str) -> Result<String> {
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
fn validate_pool_id(id: &str) -> Result<()> {
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

impl UserPool {
    /// A builder for a pool with configuration `config`.
    #[must_use]
    pub fn builder(config: PoolConfig) -> UserPoolBuilder {
        UserPoolBuilder {
            config,
            id: None,
            region: "us-east-1".to_owned(),
            store: None,
            clock: None,
            sender: None,
            hashing: HashingParams::OWASP,
            secret_key: None,
            keys: None,
            issuer: None,
        }
    }

    /// The pool id, `<region>_<alphanumerics>`.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The pool's configuration.
    #[must_use]
    pub fn config(&self) -> Arc<PoolConfig> {
        Arc::clone(
            &self
                .inner
                .config
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Replaces the pool's configuration (`UpdateUserPool`,
    /// `AddCustomAttributes`). What Cognito fixes at creation cannot change:
    /// the username and alias attributes, case sensitivity, and every
    /// existing attribute definition (custom attributes can only be added).
    ///
    /// # Errors
    /// `InvalidParameterException` naming the first setting that cannot change.
    pub fn update_config(&self, next: PoolConfig) -> Result<()> {
        let mut slot = self
            .inner
            .config
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        check_config_change(&slot, &next)?;
        *slot = Arc::new(next);
        Ok(())
    }

    /// Replaces the configuration with `next` if it is still `base` (the
    /// snapshot `next` was computed from): `Ok(false)` when another change
    /// came first, and nothing changed.
    ///
    /// # Errors
    /// As [`update_config`](Self::update_config).
    pub(crate) fn swap_config(&self, base: &Arc<PoolConfig>, next: PoolConfig) -> Result<bool> {
        let mut slot = self
            .inner
            .config
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if !Arc::ptr_eq(&slot, base) {
            return Ok(false);
        }
        check_config_change(&slot, &next)?;
        *slot = Arc::new(next);
        Ok(true)
    }

    /// Whether `self` and `other` are the same pool object (clones of one).
    pub(crate) fn same_object(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The `iss` claim of the pool's tokens.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// The JWKS document of the pool's current and previous signing keys,
    /// as served at `/<poolId>/.well-known/jwks.json`.
    #[must_use]
    pub fn jwks_json(&self) -> String {
        self.signing().keys.jwks_json()
    }

    /// A verifier for the pool's tokens, for backends that check tokens
    /// offline (signature, `kid`, `iss`, `token_use`, client, expiry; not
    /// revocation, which only the pool's own operations see).
    #[must_use]
    pub fn token_verifier(&self) -> TokenVerifier {
        self.signing().verifier.clone()
    }

    /// Makes `next` the current signing keys. Tokens signed by the keys
    /// current until now keep verifying (they become the previous
    /// generation); older ones stop.
    pub fn rotate_keys(&self, next: KeySet) {
        let mut signing = self
            .inner
            .signing
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut keys = (*signing.keys).clone();
        keys.rotate(next);
        signing.verifier = keys.verifier(self.inner.issuer.clone());
        signing.keys = Arc::new(keys);
    }

    /// The current keys and verifier (cheap clones; no lock held after).
    fn signing(&self) -> SigningRef {
        let s = self
            .inner
            .signing
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        SigningRef {
            keys: Arc::clone(&s.keys),
            verifier: s.verifier.clone(),
        }
    }

    fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    fn store(&self) -> &dyn Store {
        &*self.inner.store
    }

    // ----- usernames, index keys and lookups -----

    fn fold(&self, s: &str) -> String {
        if self.config().case_sensitive() {
            s.to_owned()
        } else {
            // Character by character, as the ListUsers filter folds, so both
            // agree on every username (str::to_lowercase special-cases sigma).
            s.chars().flat_map(char::to_lowercase).collect()
        }
    }

    /// The unique index keys of a user under this pool's configuration.
    fn index_keys(&self, u: &UserRecord) -> Vec<IndexKey> {
        let cfg = self.config();
        let attr = |n: &str| u.attributes.get(n).filter(|v| !v.is_empty());
        let verified = |n: &str| u.attributes.get(n).is_some_and(|v| v == "true");
        let mut keys = vec![
            IndexKey::Username(self.fold(&u.username)),
            IndexKey::Sub(u.sub().to_owned()),
        ];
        let email_unique = cfg.is_username_attribute(UsernameAttribute::Email)
            || (cfg.is_alias(AliasAttribute::Email) && verified("email_verified"));
        if let Some(email) = attr("email").filter(|_| email_unique) {
            keys.push(IndexKey::Email(self.fold(email)));
        }
        let phone_unique = cfg.is_username_attribute(UsernameAttribute::PhoneNumber)
            || (cfg.is_alias(AliasAttribute::PhoneNumber) && verified("phone_number_verified"));
        if let Some(phone) = attr("phone_number").filter(|_| phone_unique) {
            keys.push(IndexKey::PhoneNumber(phone.clone()));
        }
        let pu_unique = cfg.is_alias(AliasAttribute::PreferredUsername);
        if let Some(pu) = attr("preferred_username").filter(|_| pu_unique) {
            keys.push(IndexKey::PreferredUsername(self.fold(pu)));
        }
        keys
    }

    /// Finds a user by internal username or any alias the pool accepts.
    fn resolve(&self, name: &str) -> Result<Option<UserRecord>> {
        let pool = self.id();
        let cfg = self.config();
        let mut candidates = vec![IndexKey::Username(self.fold(name))];
        if cfg.is_username_attribute(UsernameAttribute::Email)
            || cfg.is_alias(AliasAttribute::Email)
        {
            candidates.push(IndexKey::Email(self.fold(name)));
        }
        if cfg.is_username_attribute(UsernameAttribute::PhoneNumber)
            || cfg.is_alias(AliasAttribute::PhoneNumber)
        {
            candidates.push(IndexKey::PhoneNumber(name.to_owned()));
        }
        if cfg.is_alias(AliasAttribute::PreferredUsername) {
            candidates.push(IndexKey::PreferredUsername(self.fold(name)));
        }
        for key in candidates {
            if let Some(u) = self.store().find_user(pool, &key).map_err(store_error)? {
                return Ok(Some(u));
            }
        }
        Ok(None)
    }

    fn resolve_existing(&self, name: &str) -> Result<UserRecord> {
        self.resolve(name)?.ok_or_else(Error::user_not_found)
    }

    /// Whether `user` still exists: the same username with the same `sub`
    /// (a user deleted and re-created under the name is someone else).
    fn still_exists(&self, user: &UserRecord) -> Result<bool> {
        Ok(self
            .store()
            .get_user(self.id(), &user.username)
            .map_err(store_error)?
            .is_some_and(|u| u.sub() == user.sub()))
    }

    /// Maps a key conflict to the exception Cognito raises for it.
    fn conflict_error(&self, conflict: &ConflictKey) -> Error {
        let cfg = self.config();
        match conflict {
            // A record of the same internal username, or of the same
            // username as this pool compares them.
            ConflictKey::Username | ConflictKey::Index(IndexKey::Username(_)) => {
                Error::new(ErrorCode::UsernameExists, "User already exists")
            }
            ConflictKey::Index(IndexKey::Email(_))
                if cfg.is_username_attribute(UsernameAttribute::Email) =>
            {
                Error::new(
                    ErrorCode::UsernameExists,
                    "An account with the given email already exists.",
                )
            }
            ConflictKey::Index(IndexKey::PhoneNumber(_))
                if cfg.is_username_attribute(UsernameAttribute::PhoneNumber) =>
            {
                Error::new(
                    ErrorCode::UsernameExists,
                    "An account with the given phone_number already exists.",
                )
            }
            ConflictKey::Index(IndexKey::Email(_)) => Error::new(
                ErrorCode::AliasExists,
                "An account with the email already exists.",
            ),
            ConflictKey::Index(IndexKey::PhoneNumber(_)) => Error::new(
                ErrorCode::AliasExists,
                "An account with the phone_number already exists.",
            ),
            ConflictKey::Index(IndexKey::PreferredUsername(_)) => Error::new(
                ErrorCode::AliasExists,
                "An account with the preferred_username already exists.",
            ),
            _ => Error::internal("A unique identifier collided; retry the request."),
        }
    }

    /// Reads the user, applies `f`, and writes the result back with a
    /// compare-and-swap, retrying on lost races. `f` returning `Ok(None)`
    /// means "no change". Returns the stored record.
    fn modify_user(
        &self,
        username: &str,
        now: Timestamp,
        f: impl FnMut(&UserRecord) -> Result<Option<UserRecord>>,
    ) -> Result<UserRecord> {
        self.modify_user_taking(username, None, now, f)
    }

    /// [`modify_user`](Self::modify_user) for a change a code confirms:
    /// the change is written and the code `code` (which
    /// [`check_code`](Self::check_code) accepted) is taken in one atomic
    /// store step, so neither happens without the other. `f` returning
    /// `Ok(None)` (nothing to change) still uses the code up.
    fn modify_user_with_code(
        &self,
        username: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
        now: Timestamp,
        f: impl FnMut(&UserRecord) -> Result<Option<UserRecord>>,
    ) -> Result<UserRecord> {
        self.modify_user_taking(username, Some((purpose, code)), now, f)
    }

    fn modify_user_taking(
        &self,
        username: &str,
        code: Option<(CodePurpose, &CodeRecord)>,
        now: Timestamp,
        mut f: impl FnMut(&UserRecord) -> Result<Option<UserRecord>>,
    ) -> Result<UserRecord> {
        let pool = self.id();
        for _ in 0..MAX_CAS_RETRIES {
            let current = self
                .store()
                .get_user(pool, username)
                .map_err(store_error)?
                .ok_or_else(Error::user_not_found)?;
            let Some(mut next) = f(&current)? else {
                if let Some((purpose, code)) = code {
                    self.take_checked_code(username, purpose, code)?;
                }
                return Ok(current);
            };
            next.modified_at = now;
            let keys = self.index_keys(&next);
            let written = match code {
                None => self
                    .store()
                    .update_user(pool, &next, current.version, &keys)
                    .map(|()| true),
                Some((purpose, code)) => self.store().update_user_taking_code(
                    pool,
                    &next,
                    current.version,
                    &keys,
                    purpose,
                    code.id,
                ),
            };
            match written {
                Ok(true) => {
                    next.version = current.version + 1;
                    return Ok(next);
                }
                Ok(false) => return Err(expired_code()),
                Err(StoreError::VersionMismatch) => {}
                Err(StoreError::NotFound) => return Err(Error::user_not_found()),
                Err(StoreError::Conflict(key)) => return Err(self.conflict_error(&key)),
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(contention())
    }

    // ----- passwords -----

    /// Everything stored for a new password: the Argon2id hash and, when a
    /// client of the pool allows SRP, the sealed SRP verifier.
    fn credentials(&self, username: &str, password: &Password) -> Result<Credentials> {
        let hash = self.hash_new_password(password)?;
        let verifier = if self.srp_enabled()? {
            Some(self.seal_verifier(username, password)?)
        } else {
            None
        };
        Ok(Credentials { hash, verifier })
    }

    fn hash_new_password(&self, password: &Password) -> Result<PasswordHash> {
        let salt = random::bytes::<16>()?;
        password::hash_password(&self.inner.hashing, password, &salt)
    }

    fn temporary_password_deadline(&self, now: Timestamp) -> Timestamp {
        let days = u64::from(
            self.config()
                .password_policy()
                .temporary_password_validity_days(),
        );
        now.saturating_add(std::time::Duration::from_secs(days * 86_400))
    }

    // ----- codes -----

    /// Issues a fresh code for `purpose` to `attribute` (`email` or
    /// `phone_number`), replacing any pending one, and delivers it.
    fn issue_code(
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
            digest: code::digest(&self.inner.code_key, &ctx, code.expose_secret()),
            attribute: Some(attribute.to_owned()),
            destination: Some(destination.clone()),
            issued_at: now,
            expires_at: now.saturating_add(code::validity(purpose)),
            attempts: 0,
            window_started_at,
            window_attempts,
        };
        self.store()
            .put_code(self.id(), &user.username, purpose, &record)
            .map_err(store_error)?;
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

    fn deliver(&self, message: Message) -> Result<()> {
        self.inner.sender.send(&message).map_err(|_| {
            Error::new(
                ErrorCode::CodeDeliveryFailure,
                "Unable to deliver the message to the user's destination.",
            )
        })
    }

    /// Takes a code [`UserPool::check_code`] accepted; fails if it was used
    /// or replaced meanwhile.
    fn take_checked_code(
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
    fn check_code(
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
        match code::check(&self.inner.code_key, &ctx, Some(&record), submitted, now) {
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

fn expired_code() -> Error {
    Error::new(
        ErrorCode::ExpiredCode,
        "Invalid code provided, please request a code again.",
    )
}

fn delivery_details(attribute: &str, destination: &str) -> CodeDeliveryDetails {
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

/// A new password's stored forms, computed before any record is touched.
struct Credentials {
    hash: PasswordHash,
    verifier: Option<Vec<u8>>,
}

impl Credentials {
    /// Sets the password of `user`: both forms replace the old ones together.
    fn apply(&self, user: &mut UserRecord) {
        user.password_hash = Some(self.hash.as_phc_str().to_owned());
        user.srp_verifier.clone_from(&self.verifier);
    }
}

/// Store failures the pool does not handle itself become `InternalErrorException`.
///
/// The backend's own message is not passed on: it may describe the
/// deployment, and the error can reach an unauthenticated caller.
/// Refuses a change of what Cognito fixes when a pool is created.
pub(crate) fn check_config_change(current: &PoolConfig, next: &PoolConfig) -> Result<()> {
    let fixed = |what: &str| {
        Err(Error::invalid_parameter(format!(
            "{what} cannot be changed after the user pool is created."
        )))
    };
    if next.username_attributes() != current.username_attributes() {
        return fixed("UsernameAttributes");
    }
    if next.alias_attributes() != current.alias_attributes() {
        return fixed("AliasAttributes");
    }
    if next.case_sensitive() != current.case_sensitive() {
        return fixed("UsernameConfiguration");
    }
    if next.schema().standard() != current.schema().standard() {
        return fixed("The schema of standard attributes");
    }
    let old_custom = current.schema().custom();
    if next.schema().custom().get(..old_custom.len()) != Some(old_custom) {
        return fixed("An existing custom attribute");
    }
    Ok(())
}

/// The answer when compare-and-swap retries keep losing.
fn contention() -> Error {
    Error::new(
        ErrorCode::TooManyRequests,
        "Too many concurrent changes to this resource; retry the request.",
    )
}

fn store_error(e: StoreError) -> Error {
    match e {
        StoreError::Unavailable { .. } => Error::internal("The user store is unavailable."),
        StoreError::InvalidInput(what) => {
            Error::invalid_parameter(format!("The user store cannot hold this value: {what}."))
        }
        _ => Error::internal("The user store returned an unexpected result."),
    }
}

/// The pattern of Cognito's usernames and group names (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`).
pub(super) const NAME_PATTERN: &str = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+";

/// Validates a username against Cognito's model: 1–128 characters, no
/// whitespace or control characters (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`).
fn validate_username(name: &str) -> Result<()> {
    let n = name.chars().count();
    if n == 0 || n > 128 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::violation(
            "username",
            Shown::Hidden,
            Constraint::Pattern {
                pattern: NAME_PATTERN,
                length: None,
            },
        ));
    }
    Ok(())
}

fn looks_like_phone(s: &str) -> bool {
    s.len() > 1 && s.starts_with('+') && s[1..].chars().all(|c| c.is_ascii_digit())
}

fn looks_like_email(s: &str) -> bool {
    s.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_failures_map_to_cognito_exceptions() {
        let cases = [
            (
                StoreError::InvalidInput("username contains NUL".to_owned()),
                ErrorCode::InvalidParameter,
            ),
            (
                StoreError::unavailable("sqlite: disk I/O error"),
                ErrorCode::InternalError,
            ),
            (StoreError::VersionMismatch, ErrorCode::InternalError),
        ];
        for (e, code) in cases {
            let shown = format!("{e}");
            let mapped = store_error(e);
            assert_eq!(mapped.code(), code, "{shown}");
        }
        // The store's own message (which may name a backend) is not leaked,
        // except the name of the field that is out of bounds.
        let e = store_error(StoreError::unavailable("sqlite: secret detail"));
        assert!(!e.message().contains("secret detail"));
        let e = store_error(StoreError::InvalidInput("username contains NUL".to_owned()));
        assert_eq!(
            e.message(),
            "The user store cannot hold this value: username contains NUL."
        );
    }

    #[test]
    fn pool_ids_must_look_like_cognitos() {
        assert!(validate_pool_id("us-east-1_AbCdEf123").is_ok());
        assert!(validate_pool_id("us-gov-west-1_x").is_ok());
        for bad in [
            "useast1_abc",
            "us-east-1_",
            "us-east-1_ab-c",
            "US-east-1_a",
            "x",
            "us-east-12_a",
        ] {
            assert_eq!(
                validate_pool_id(bad).map_err(|e| e.code()),
                Err(ErrorCode::InvalidParameter),
                "{bad}"
            );
        }
    }

    #[test]
    fn generated_pool_ids_validate() {
        for _ in 0..20 {
            let id = generate_pool_id("eu-west-2").unwrap_or_default();
            assert!(validate_pool_id(&id).is_ok(), "{id}");
        }
    }
}
