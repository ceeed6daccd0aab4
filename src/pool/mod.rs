//! [`UserPool`]: one method per Cognito operation.
//!
//! Each operation reads the clock once, draws its randomness, calls the pure
//! domain modules, then the store. No lock is held while a password is
//! hashed: records are read, the new state is computed, and it is written
//! back with a compare-and-swap on the record's version, retried a bounded
//! number of times.

use std::fmt;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use crate::client::AppClient;
use crate::clock::{Clock, Timestamp};
use crate::config::{AliasAttribute, PoolConfig, UsernameAttribute};
use crate::error::{Constraint, Error, ErrorCode, Result, Shown};
use crate::message::MessageSender;
use crate::password::{self, HashingParams, PasswordHash};
use crate::random;
use crate::secret::Password;
use crate::store::{
    ClientRecord, CodePurpose, CodeRecord, ConflictKey, IndexKey, Store, StoreError, UserRecord,
};
use crate::token::{KeySet, TokenVerifier};

mod admin;
mod auth;
mod binary;
mod builder;
mod clients;
mod codes;
mod devices;
mod groups;
mod hooks;
mod keys;
mod lifecycle;
mod list;
mod mfa;
mod migration;
mod migration_auth;
pub(crate) mod oauth;
mod outgoing;
mod params;
mod recovery;
mod rotation;
mod session;
mod signup;
mod srp;
mod sweep;
mod types;
mod user_ops;
mod windows;

pub use auth::{
    AuthResponse, AuthenticationResult, ChallengeName, GetTokensFromRefreshTokenRequest,
    InitiateAuthRequest, NewDeviceMetadata, Parameters, RespondToAuthChallengeRequest,
};
pub use builder::UserPoolBuilder;
pub use devices::{ConfirmDeviceRequest, Device, DevicePage, RememberedStatus};
pub use groups::{Group, GroupPage, GroupRequest, UserPage};
pub use mfa::{
    AssociateSoftwareTokenResponse, MfaCaller, MfaPreference, MfaPreferences,
    VerifySoftwareTokenResponse,
};
pub use recovery::{ConfirmForgotPasswordRequest, ForgotPasswordRequest};
pub use rotation::ResealReport;
pub(crate) use session::session_pool_id;
pub use types::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, CodeDeliveryDetails, ConfirmSignUpRequest,
    ListUsersRequest, ListUsersResponse, MessageAction, ResendConfirmationCodeRequest,
    SignUpRequest, SignUpResponse, User,
};
pub use user_ops::{ChangePasswordRequest, GetUserResponse, RevokeTokenRequest};

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
    keys: keys::PoolKeys,
    /// Clients already decoded, by id, with the record they came from: a
    /// record read again that is equal is not parsed and unsealed again.
    decoded_clients: std::sync::Mutex<std::collections::HashMap<String, (ClientRecord, AppClient)>>,
    signing: RwLock<Signing>,
    issuer: String,
    /// A hash of a random password, verified against when a user does not
    /// exist, so a miss costs the same time as a wrong password.
    dummy_hash: OnceLock<PasswordHash>,
    /// The hooks given to the builder, if any.
    hooks: Option<Arc<dyn crate::triggers::Triggers>>,
    /// How `LambdaConfig`'s functions are invoked, if at all.
    invoker: Option<Arc<dyn crate::triggers::Invoke>>,
    /// The bridge to `LambdaConfig`'s functions, built for the configuration
    /// it was built from (rebuilt when the configuration changes).
    lambda: std::sync::Mutex<Option<hooks::LambdaBridge>>,
    /// Encrypts the codes custom senders receive.
    encryptor: Option<Arc<dyn crate::triggers::CodeEncryptor>>,
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
            previous_secret_key: None,
            simulation_key: None,
            keys: None,
            issuer: None,
            issuer_base: None,
            hooks: None,
            invoker: None,
            encryptor: None,
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
    /// `InvalidParameterException` naming the first setting that cannot
    /// change, or a `LambdaConfig` the engine cannot run (see
    /// [`UserPoolBuilder::build`]).
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

    /// Which of `u`'s email and phone number is their username, in pools
    /// with username attributes: the one the user was created with
    /// ([`UserRecord::username_attribute`]). A user stored before that was
    /// kept is read by [`UserPool::inferred_username_attribute`], and where
    /// that cannot tell (both, or neither, in a pool with both) both count,
    /// as before: the rule that cannot lock them out.
    fn username_keys_of(&self, u: &UserRecord) -> UsernameKeys {
        let cfg = self.config();
        let email_ok = cfg.is_username_attribute(UsernameAttribute::Email);
        let phone_ok = cfg.is_username_attribute(UsernameAttribute::PhoneNumber);
        let attribute = u
            .username_attribute
            .clone()
            .or_else(|| self.inferred_username_attribute(u));
        match attribute.as_deref() {
            Some("email") => UsernameKeys {
                email: email_ok,
                phone_number: false,
            },
            Some("phone_number") => UsernameKeys {
                email: false,
                phone_number: phone_ok,
            },
            _ => UsernameKeys {
                email: email_ok,
                phone_number: phone_ok,
            },
        }
    }

    /// Which attribute the username of `u`, stored without
    /// [`UserRecord::username_attribute`], must be: the pool's only username
    /// attribute, or, in pools with both, the one of the two `u` has; `None`
    /// when `u` has both (or neither) and nothing tells.
    fn inferred_username_attribute(&self, u: &UserRecord) -> Option<String> {
        let cfg = self.config();
        let email_ok = cfg.is_username_attribute(UsernameAttribute::Email);
        let phone_ok = cfg.is_username_attribute(UsernameAttribute::PhoneNumber);
        let has = |n: &str| u.attributes.get(n).is_some_and(|v| !v.is_empty());
        let name = match (email_ok, phone_ok) {
            (true, true) => match (has("email"), has("phone_number")) {
                (true, false) => "email",
                (false, true) => "phone_number",
                _ => return None,
            },
            (true, false) => "email",
            (false, true) => "phone_number",
            (false, false) => return None,
        };
        Some(name.to_owned())
    }

    /// The unique index keys of a user under this pool's configuration.
    ///
    /// In pools with username attributes the user's username (email or
    /// phone number) is a key whether verified or not (AWS: it "doesn't
    /// have to be verified"); in pools with both, the other one becomes a
    /// key only once verified, as an alias does, so nobody can claim
    /// another person's number or address unverified and take sign-in by
    /// it.
    fn index_keys(&self, u: &UserRecord) -> Vec<IndexKey> {
        let cfg = self.config();
        let attr = |n: &str| u.attributes.get(n).filter(|v| !v.is_empty());
        let verified = |n: &str| u.attributes.get(n).is_some_and(|v| v == "true");
        let mut keys = vec![
            IndexKey::Username(self.fold(&u.username)),
            IndexKey::Sub(u.sub().to_owned()),
        ];
        let own = self.username_keys_of(u);
        let email_unique = own.email
            || ((cfg.is_username_attribute(UsernameAttribute::Email)
                || cfg.is_alias(AliasAttribute::Email))
                && verified("email_verified"));
        if let Some(email) = attr("email").filter(|_| email_unique) {
            keys.push(IndexKey::Email(self.fold(email)));
        }
        let phone_unique = own.phone_number
            || ((cfg.is_username_attribute(UsernameAttribute::PhoneNumber)
                || cfg.is_alias(AliasAttribute::PhoneNumber))
                && verified("phone_number_verified"));
        if let Some(phone) = attr("phone_number").filter(|_| phone_unique) {
            keys.push(IndexKey::PhoneNumber(phone.clone()));
        }
        let pu_unique = cfg.is_alias(AliasAttribute::PreferredUsername);
        if let Some(pu) = attr("preferred_username").filter(|_| pu_unique) {
            keys.push(IndexKey::PreferredUsername(self.fold(pu)));
        }
        keys
    }

    /// Whether `name` has the shape of an email or phone alias this pool
    /// has (an email-shaped name with an email alias, a phone-shaped one
    /// with a phone alias).
    fn looks_like_alias(&self, name: &str) -> bool {
        let cfg = self.config();
        (cfg.is_alias(AliasAttribute::Email) && looks_like_email(name))
            || (cfg.is_alias(AliasAttribute::PhoneNumber) && looks_like_phone(name))
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

    /// Maps a key conflict of writing `user` to the exception Cognito
    /// raises for it: the user's own username attribute taken is a taken
    /// username, any other identifier an alias that exists.
    fn conflict_error(&self, conflict: &ConflictKey, user: &UserRecord) -> Error {
        let own = self.username_keys_of(user);
        match conflict {
            // A record of the same internal username, or of the same
            // username as this pool compares them.
            ConflictKey::Username | ConflictKey::Index(IndexKey::Username(_)) => {
                Error::new(ErrorCode::UsernameExists, "User already exists")
            }
            ConflictKey::Index(IndexKey::Email(_)) if own.email => {
                username_attribute_taken("email")
            }
            ConflictKey::Index(IndexKey::PhoneNumber(_)) if own.phone_number => {
                username_attribute_taken("phone_number")
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
            if next.username_attribute.is_none() {
                // A user stored before the field was kept gets it from
                // what they had, before this change could add the other.
                next.username_attribute = self.inferred_username_attribute(&current);
            }
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
                Ok(false) => return Err(codes::expired_code()),
                Err(StoreError::VersionMismatch) => {}
                Err(StoreError::NotFound) => return Err(Error::user_not_found()),
                Err(StoreError::Conflict(key)) => return Err(self.conflict_error(&key, &next)),
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
/// Refuses a change of what Cognito fixes when a pool is created, and a
/// configuration the engine does not run ([`hooks::check_lambda_config`]).
pub(crate) fn check_config_change(current: &PoolConfig, next: &PoolConfig) -> Result<()> {
    hooks::check_lambda_config(next)?;
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

/// `UsernameExistsException` when the email or phone number that is the
/// username (`UsernameAttributes`) belongs to another user.
fn username_attribute_taken(attribute: &str) -> Error {
    Error::new(
        ErrorCode::UsernameExists,
        format!("An account with the given {attribute} already exists."),
    )
}

/// The answer when compare-and-swap retries keep losing.
fn contention() -> Error {
    Error::new(
        ErrorCode::TooManyRequests,
        "Too many concurrent changes to this resource; retry the request.",
    )
}

fn store_error(e: StoreError) -> Error {
    let mapped = match &e {
        StoreError::Unavailable { .. } => Error::internal("The user store is unavailable."),
        StoreError::InvalidInput(what) => {
            Error::invalid_parameter(format!("The user store cannot hold this value: {what}."))
        }
        _ => Error::internal("The user store returned an unexpected result."),
    };
    mapped.caused_by(e)
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
mod tests;

/// Which of a user's email and phone number are their username
/// ([`UserPool::username_keys_of`]).
#[derive(Clone, Copy, Debug)]
struct UsernameKeys {
    email: bool,
    phone_number: bool,
}
