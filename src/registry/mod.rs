//! Many pools by id: the pools a server (or the wire adapter) serves,
//! created, reconfigured and deleted by Cognito's pool operations, and
//! persisted, when asked, with their secrets and signing keys sealed under a
//! [`MasterKey`] that never enters the store.
//!
//! The registry is a layer above [`UserPool`]: it builds pools, finds the
//! pool of an app client or of an access token, and keeps each pool's
//! definition in the store; every Cognito rule of an operation stays in the
//! pool itself.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde_json::Value;
use zeroize::Zeroizing;

use crate::UserPool;
use crate::clock::{Clock, SystemClock, Timestamp};
use crate::config::{DomainKind, MfaConfigRequest, PoolConfig, PoolDomain, ResourceServer};
use crate::error::{Error, ErrorCode, Result};
use crate::json::truncate;
use crate::message::{MessageSender, Outbox};
use crate::password::HashingParams;
use crate::random;
use crate::store::{MemoryStore, PoolRecord, Store, StoreError, SweepReport};
use crate::token::KeySet;
use crate::triggers::Invoke;

mod seal;

pub use seal::MasterKey;

/// What every pool the registry creates shares.
#[derive(Clone)]
pub struct RegistryOptions {
    /// The region of generated pool ids. Defaults to `us-east-1`.
    pub region: String,
    /// Where every pool keeps its users. Defaults to a fresh [`MemoryStore`].
    pub store: Arc<dyn Store>,
    /// The clock of every pool. Defaults to [`SystemClock`].
    pub clock: Arc<dyn Clock>,
    /// Who delivers codes. Defaults to a fresh [`Outbox`].
    pub sender: Arc<dyn MessageSender>,
    /// Argon2id parameters. Defaults to [`HashingParams::OWASP`].
    pub hashing: HashingParams,
    /// Signing keys for every new pool; `None` (the default) generates a
    /// fresh pair per pool, as Cognito does.
    pub keys: Option<KeySet>,
    /// Persistence. Empty (the default): pools live in this registry only
    /// and are gone with it (their users, clients and tokens stay in the
    /// store). Otherwise every pool is stored in `store` with its secret and
    /// signing keys sealed under the first key; the others only open pools
    /// sealed before a master-key rotation, which are re-sealed under the
    /// first key when read. See [`Registry::open`].
    pub master_keys: Vec<MasterKey>,
    /// How every pool encrypts the codes its custom senders receive (see
    /// [`UserPoolBuilder::code_encryptor`](crate::UserPoolBuilder::code_encryptor)).
    /// `None` (the default): a pool whose `LambdaConfig` names
    /// `CustomEmailSender` or `CustomSMSSender` is accepted, and an operation
    /// that would send through one fails with `UnexpectedLambdaException`
    /// (`… No code encryptor is configured.`).
    pub code_encryptor: Option<Arc<dyn crate::triggers::CodeEncryptor>>,
    /// How every pool invokes the functions its `LambdaConfig` names
    /// ([`UserPoolBuilder::lambda_invoker`](crate::UserPoolBuilder::lambda_invoker)),
    /// handed to each pool the registry builds: created, loaded from the
    /// store, or re-built by `UpdateUserPool`. `None` (the default): a
    /// pool's triggers fail with `UnexpectedLambdaException` saying that no
    /// Lambda endpoint is configured.
    pub lambda_invoker: Option<Arc<dyn Invoke>>,
    /// The issuer of every pool's tokens: `None` (the default) is
    /// Cognito's `https://cognito-idp.<region>.amazonaws.com/<poolId>`;
    /// `Some(base)` makes it `<base>/<poolId>`
    /// ([`UserPoolBuilder::issuer_base`](crate::UserPoolBuilder::issuer_base)),
    /// for a server whose discovery documents live under `base`. Tokens
    /// issued under one setting do not verify under the other.
    pub issuer_base: Option<String>,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            region: "us-east-1".to_owned(),
            store: Arc::new(MemoryStore::new()),
            clock: Arc::new(SystemClock),
            sender: Arc::new(Outbox::new()),
            hashing: HashingParams::OWASP,
            keys: None,
            master_keys: Vec::new(),
            code_encryptor: None,
            lambda_invoker: None,
            issuer_base: None,
        }
    }
}

impl fmt::Debug for RegistryOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryOptions")
            .field("region", &self.region)
            .field("hashing", &self.hashing)
            .field("master_keys", &self.master_keys)
            .field("lambda_invoker", &self.lambda_invoker)
            .field("issuer_base", &self.issuer_base)
            .finish_non_exhaustive()
    }
}

/// A pool and the bookkeeping `DescribeUserPool` reports.
#[derive(Clone, Debug)]
struct Entry {
    pool: UserPool,
    created_at: Timestamp,
    modified_at: Timestamp,
    /// The version of the stored record this entry was built from; `None`
    /// for a pool that is not persisted.
    version: Option<u64>,
}

/// The pools behind the adapter, by id.
///
/// # Persistence
///
/// With [`RegistryOptions::master_keys`] set, the registry is a cache over
/// the store: `CreateUserPool` stores the pool before answering, every
/// request reads the pool's record (one keyed read) and rebuilds the pool
/// if another process changed or deleted it, and `UpdateUserPool` is a
/// compare-and-swap on the record. So processes sharing one store serve
/// the same pools, with the same secrets and signing keys: a token issued
/// by one verifies at the other, before and after a restart. App clients,
/// users, codes and tokens are in the store in every mode.
#[derive(Debug)]
pub struct Registry {
    options: RegistryOptions,
    pools: RwLock<BTreeMap<String, Entry>>,
    /// Held while a domain is created, so two creations in this process
    /// cannot both take one name (the rule spans pools).
    domain_creation: Mutex<()>,
}

impl Registry {
    /// An empty registry whose pools share `options`; its store behind
    /// the store limits ([`Limited`](crate::store::Limited)).
    #[must_use]
    pub fn new(mut options: RegistryOptions) -> Self {
        options.store = crate::store::Limited::wrap(options.store);
        Self {
            options,
            pools: RwLock::new(BTreeMap::new()),
            domain_creation: Mutex::new(()),
        }
    }

    /// The options every pool shares.
    #[must_use]
    pub fn options(&self) -> &RegistryOptions {
        &self.options
    }

    /// A registry over `options` that has read, opened and checked every
    /// pool already persisted in the store, so a wrong or missing master key
    /// is reported at start-up rather than at the first request.
    ///
    /// # Errors
    /// `InternalErrorException` naming the pool and the reason when a stored
    /// pool cannot be read back (sealed with a master key not in
    /// `options.master_keys`, tampered with, or an invalid configuration),
    /// or when the store fails.
    pub fn open(options: RegistryOptions) -> Result<Self> {
        let registry = Self::new(options);
        if registry.persistent() {
            registry.pools()?;
        }
        Ok(registry)
    }

    fn persistent(&self) -> bool {
        !self.options.master_keys.is_empty()
    }

    /// The one place the registry starts building a pool, so that every
    /// pool gets the same store, clock, sender, hashing and invoker.
    fn builder(&self, config: PoolConfig) -> crate::UserPoolBuilder {
        let builder = UserPool::builder(config)
            .region(self.options.region.clone())
            .store(Arc::clone(&self.options.store))
            .clock(Arc::clone(&self.options.clock))
            .message_sender(Arc::clone(&self.options.sender))
            .hashing(self.options.hashing);
        let builder = match &self.options.issuer_base {
            Some(base) => builder.issuer_base(base.clone()),
            None => builder,
        };
        let builder = match &self.options.code_encryptor {
            Some(encryptor) => builder.code_encryptor(Arc::clone(encryptor)),
            None => builder,
        };
        match &self.options.lambda_invoker {
            Some(invoker) => builder.lambda_invoker(Arc::clone(invoker)),
            None => builder,
        }
    }

    /// Creates a pool from a validated configuration, with a fresh id,
    /// secret and signing keys; when the registry is persistent, the pool is
    /// stored before this returns.
    ///
    /// # Errors
    /// `InternalErrorException` if randomness, key generation or the store fails.
    pub fn create_pool(&self, config: PoolConfig) -> Result<UserPool> {
        let secret = Zeroizing::new(random::bytes::<{ crate::seal::POOL_SECRET_LEN }>()?);
        let keys = match &self.options.keys {
            Some(keys) => keys.clone(),
            None => KeySet::generate()?,
        };
        let definition = config.to_create_user_pool_json();
        let pool = self
            .builder(config)
            .secret_key(*secret)
            .keys(keys.clone())
            .build()?;
        let now = self.options.clock.now();
        let version = if self.persistent() {
            let mut record = PoolRecord {
                id: pool.id().to_owned(),
                definition,
                sealed_secrets: Vec::new(),
                sealing_key_id: String::new(),
                created_at: now,
                modified_at: now,
                version: 1,
            };
            self.seal_into(&mut record, &seal::PoolSecrets::new(secret, keys))?;
            self.options
                .store
                .insert_pool(&record)
                .map_err(registry_store_error)?;
            Some(1)
        } else {
            None
        };
        self.write().insert(
            pool.id().to_owned(),
            Entry {
                pool: pool.clone(),
                created_at: now,
                modified_at: now,
                version,
            },
        );
        Ok(pool)
    }

    /// Adds a pool built elsewhere (with its own store, keys, ...). It is
    /// served by this registry only, never persisted.
    pub fn insert_pool(&self, pool: UserPool) {
        let now = self.options.clock.now();
        self.write().insert(
            pool.id().to_owned(),
            Entry {
                pool,
                created_at: now,
                modified_at: now,
                version: None,
            },
        );
    }

    /// The pool `id`.
    ///
    /// # Errors
    /// `ResourceNotFoundException` (`User pool <id> does not exist.`);
    /// `InternalErrorException` if the store fails or the stored pool
    /// cannot be read back.
    pub fn pool(&self, id: &str) -> Result<UserPool> {
        self.entry(id).map(|e| e.pool)
    }

    /// The current entry of pool `id`: from the cache when the stored record
    /// has not changed, rebuilt from the store when it has.
    fn entry(&self, id: &str) -> Result<Entry> {
        self.entry_and_record(id).map(|(entry, _)| entry)
    }

    /// [`entry`](Self::entry), and the stored record it was checked
    /// against (`None` for a pool that is not persisted).
    fn entry_and_record(&self, id: &str) -> Result<(Entry, Option<PoolRecord>)> {
        let cached = self.read().get(id).cloned();
        if let Some(e) = &cached
            && e.version.is_none()
        {
            return Ok((e.clone(), None));
        }
        if !self.persistent() {
            return cached.map(|e| (e, None)).ok_or_else(|| pool_not_found(id));
        }
        match self
            .options
            .store
            .get_pool(id)
            .map_err(registry_store_error)?
        {
            None => {
                self.write().remove(id);
                Err(pool_not_found(id))
            }
            Some(record) => Ok((self.refreshed(cached, &record)?, Some(record))),
        }
    }

    /// `cached` if it was built from `record`'s version, else a pool rebuilt
    /// from `record` (and cached).
    fn refreshed(&self, cached: Option<Entry>, record: &PoolRecord) -> Result<Entry> {
        if let Some(e) = cached
            && e.version == Some(record.version)
        {
            return Ok(e);
        }
        let entry = self.restore(record)?;
        self.write()
            .insert(entry.pool.id().to_owned(), entry.clone());
        Ok(entry)
    }

    /// Builds the pool a stored record describes. A record sealed under an
    /// older master key is re-sealed under the current one.
    fn restore(&self, record: &PoolRecord) -> Result<Entry> {
        let config = PoolConfig::from_create_user_pool_json(&record.definition).map_err(|e| {
            Error::internal(format!(
                "The stored configuration of user pool {} is invalid: {}",
                record.id,
                e.into_error().message()
            ))
        })?;
        let secrets = seal::open_secrets(&self.options.master_keys, record)?;
        let mut builder = self
            .builder(config)
            .pool_id(record.id.clone())
            .secret_key(*secrets.secret)
            .keys(secrets.keys.clone());
        if let Some((old, at)) = &secrets.previous {
            builder = builder.previous_secret_key(**old, *at);
        }
        if let Some(key) = &secrets.simulation {
            builder = builder.simulation_key(**key);
        }
        let pool = builder.build()?;
        let mut version = record.version;
        if self
            .options
            .master_keys
            .first()
            .is_some_and(|current| record.sealing_key_id != current.id())
        {
            let mut resealed = record.clone();
            self.seal_into(&mut resealed, &secrets)?;
            // Another process may be re-sealing it too: either write is good.
            if matches!(self.swap_record(&resealed, record.version), Ok(true)) {
                version += 1;
            }
        }
        Ok(Entry {
            pool,
            created_at: record.created_at,
            modified_at: record.modified_at,
            version: Some(version),
        })
    }

    /// Every pool, by id (with a persistent registry: every stored pool,
    /// whichever process created it).
    ///
    /// # Errors
    /// `InternalErrorException` if the store fails or a stored pool cannot
    /// be read back.
    pub fn pools(&self) -> Result<Vec<UserPool>> {
        let mut pools: BTreeMap<String, UserPool> = self
            .read()
            .values()
            .filter(|e| e.version.is_none() || !self.persistent())
            .map(|e| (e.pool.id().to_owned(), e.pool.clone()))
            .collect();
        if self.persistent() {
            let mut after: Option<String> = None;
            loop {
                let page = self
                    .options
                    .store
                    .list_pools(after.as_deref(), 100)
                    .map_err(registry_store_error)?;
                let done = page.len() < 100;
                for record in page {
                    after = Some(record.id.clone());
                    let cached = self.read().get(&record.id).cloned();
                    let entry = self.refreshed(cached, &record)?;
                    pools.insert(entry.pool.id().to_owned(), entry.pool);
                }
                if done {
                    break;
                }
            }
        }
        Ok(pools.into_values().collect())
    }

    /// Runs [`UserPool::sweep_expired`] on every pool of
    /// [`pools`](Self::pools), each by its own clock, and adds up what
    /// they deleted.
    ///
    /// # Errors
    /// `InternalErrorException` if the store fails or a stored pool cannot
    /// be read back; the pools swept before the failure stay swept.
    pub fn sweep_expired(&self) -> Result<SweepReport> {
        self.sweep_expired_while(&|| true)
    }

    /// [`Registry::sweep_expired`], stopping between two batches once
    /// `go_on` says no ([`UserPool::sweep_expired_while`]).
    ///
    /// # Errors
    /// As [`Registry::sweep_expired`].
    pub fn sweep_expired_while(&self, go_on: &dyn Fn() -> bool) -> Result<SweepReport> {
        let mut report = SweepReport::default();
        for pool in self.pools()? {
            if !go_on() {
                break;
            }
            report += pool.sweep_expired_while(go_on)?;
        }
        Ok(report)
    }

    /// Changes the configuration of pool `id` to `change(current)`. With a
    /// persistent registry this is a compare-and-swap on the stored record,
    /// retried on the fresh configuration when another process changed it
    /// first, so no change is lost.
    ///
    /// # Errors
    /// What `change` returns (any error type an [`Error`] converts into), or
    /// what [`UserPool::update_config`] returns;
    /// `ResourceNotFoundException`; `TooManyRequestsException` if concurrent
    /// changes keep winning; `InternalErrorException` if the store fails.
    pub fn reconfigure<E: From<Error>>(
        &self,
        id: &str,
        change: impl Fn(&PoolConfig) -> std::result::Result<PoolConfig, E>,
    ) -> std::result::Result<(), E> {
        for _ in 0..16 {
            let (entry, record) = self.entry_and_record(id)?;
            // Everything is decided against this snapshot: a change that
            // lands meanwhile makes the swap below fail, and we start over.
            let current = entry.pool.config();
            let next = change(&current)?;
            crate::pool::check_config_change(&current, &next)?;
            let now = self.options.clock.now();
            let Some(mut record) = record else {
                if entry.pool.swap_config(&current, next)? {
                    if let Some(e) = self.write().get_mut(id) {
                        e.modified_at = now;
                    }
                    return Ok(());
                }
                continue;
            };
            let version = record.version;
            if entry.version != Some(version) {
                continue;
            }
            record.definition = next.to_create_user_pool_json();
            record.modified_at = now;
            if !self.swap_record(&record, version)? {
                continue;
            }
            // Stored. Apply it to the cached pool unless something else
            // moved that pool meanwhile; then the next request rebuilds it
            // from the record instead.
            let applied = entry.pool.swap_config(&current, next)?;
            let mut cache = self.write();
            match cache.get_mut(id) {
                Some(e) if applied && e.pool.same_object(&entry.pool) => {
                    e.modified_at = now;
                    e.version = Some(version + 1);
                }
                _ => {
                    cache.remove(id);
                }
            }
            return Ok(());
        }
        Err(pool_contention().into())
    }

    /// `SetUserPoolMfaConfig` on pool `id`: its configuration becomes
    /// [`PoolConfig::with_mfa_config`] of `request`, through
    /// [`Registry::reconfigure`] (so a persistent registry stores it).
    /// Returns the configuration now in force, whose MFA settings are what
    /// the operation reports.
    ///
    /// # Errors
    /// What [`PoolConfig::with_mfa_config`] refuses
    /// (`InvalidParameterException`, `FeatureUnavailableInTierException`);
    /// otherwise as [`Registry::reconfigure`] (`ResourceNotFoundException`
    /// for an unknown pool).
    pub fn set_user_pool_mfa_config(
        &self,
        id: &str,
        request: &MfaConfigRequest,
    ) -> Result<PoolConfig> {
        let applied = std::cell::RefCell::new(None);
        self.reconfigure(id, |current| {
            let next = current.with_mfa_config(request)?;
            *applied.borrow_mut() = Some(next.clone());
            Ok::<_, Error>(next)
        })?;
        applied
            .into_inner()
            .ok_or_else(|| Error::internal("SetUserPoolMfaConfig changed nothing."))
    }

    /// `CreateResourceServer` on pool `id`: the pool's configuration gains
    /// `server` ([`PoolConfig::with_new_resource_server`]) through
    /// [`Registry::reconfigure`], so a persistent registry stores it.
    ///
    /// # Errors
    /// What [`PoolConfig::with_new_resource_server`] refuses; otherwise as
    /// [`Registry::reconfigure`] (`ResourceNotFoundException` for an
    /// unknown pool).
    pub fn create_resource_server(&self, id: &str, server: &ResourceServer) -> Result<()> {
        self.reconfigure(id, |current| {
            current.with_new_resource_server(id, server.clone())
        })
    }

    /// `UpdateResourceServer` on pool `id`: the server of
    /// `server.identifier` is replaced whole
    /// ([`PoolConfig::with_updated_resource_server`]).
    ///
    /// # Errors
    /// What [`PoolConfig::with_updated_resource_server`] refuses; otherwise
    /// as [`Registry::reconfigure`].
    pub fn update_resource_server(&self, id: &str, server: &ResourceServer) -> Result<()> {
        self.reconfigure(id, |current| {
            current.with_updated_resource_server(id, server.clone())
        })
    }

    /// `DeleteResourceServer` on pool `id`
    /// ([`PoolConfig::without_resource_server`]).
    ///
    /// # Errors
    /// What [`PoolConfig::without_resource_server`] refuses; otherwise as
    /// [`Registry::reconfigure`].
    pub fn delete_resource_server(&self, id: &str, identifier: &str) -> Result<()> {
        self.reconfigure(id, |current| {
            current.without_resource_server(id, identifier)
        })
    }

    /// `CreateUserPoolDomain` on pool `id` (cognito-oauth.md §1.2): the
    /// pool's configuration gains `domain`, stamped with the current time
    /// as its `Version`, through [`Registry::reconfigure`] (so a persistent
    /// registry stores it). Returns the domain as stored.
    ///
    /// The domain is `ACTIVE` at once (**Choice**, §1.2).
    ///
    /// # Errors
    /// What [`PoolDomain::validate`] refuses (checked before the pool is
    /// looked up, as the model is); `ResourceNotFoundException` for an
    /// unknown pool; what [`PoolConfig::with_new_domain`] refuses;
    /// `InvalidParameterException` `Domain already associated with another
    /// user pool` when any pool of this registry has the name;
    /// `LimitExceededException` for a custom domain past
    /// [`MAX_CUSTOM_DOMAINS`](crate::config::MAX_CUSTOM_DOMAINS) in the
    /// registry; otherwise as [`Registry::reconfigure`].
    pub fn create_user_pool_domain(&self, id: &str, mut domain: PoolDomain) -> Result<PoolDomain> {
        domain.validate()?;
        domain.version = self.version_stamp();
        let _creating = self
            .domain_creation
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.reconfigure(id, |current| {
            let next = current.with_new_domain(domain.clone())?;
            let pools = self.pools()?;
            let taken = pools.iter().any(|p| {
                p.config()
                    .domains()
                    .iter()
                    .any(|d| d.domain.eq_ignore_ascii_case(&domain.domain))
            });
            if taken {
                return Err(Error::invalid_parameter(
                    "Domain already associated with another user pool",
                ));
            }
            let custom = pools
                .iter()
                .map(|p| p.config().custom_domain().is_some() as usize)
                .sum::<usize>();
            if domain.is_custom() && custom >= crate::config::MAX_CUSTOM_DOMAINS {
                return Err(Error::new(
                    ErrorCode::LimitExceeded,
                    format!(
                        "The account cannot have more than {} custom domains.",
                        crate::config::MAX_CUSTOM_DOMAINS
                    ),
                ));
            }
            Ok(next)
        })?;
        Ok(domain)
    }

    /// `UpdateUserPoolDomain` on pool `id` (§1.4): the domain `name` gets
    /// `managed_login_version` and, for a custom domain, the certificate of
    /// `custom` (a [`DomainKind::Custom`]) when given, and a new `Version`
    /// stamp ([`PoolConfig::with_updated_domain`]). Returns the domain as
    /// stored.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown pool or a name no pool
    /// has; `InvalidParameterException` for the domain of another pool
    /// (`Domain <name> is not associated with user pool <id>.`); what
    /// [`PoolConfig::with_updated_domain`] refuses; otherwise as
    /// [`Registry::reconfigure`].
    pub fn update_user_pool_domain(
        &self,
        id: &str,
        name: &str,
        managed_login_version: Option<u8>,
        custom: Option<DomainKind>,
    ) -> Result<PoolDomain> {
        let stamp = self.version_stamp();
        self.domain_owned_by(id, name)?;
        self.reconfigure(id, |current| {
            current.with_updated_domain(name, managed_login_version, custom.clone(), &stamp)
        })?;
        self.pool(id)?
            .config()
            .domain(name)
            .cloned()
            .ok_or_else(|| crate::config::domain_not_found(name))
    }

    /// `DeleteUserPoolDomain` on pool `id` (§1.4).
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown pool or a name no pool
    /// has; `InvalidParameterException` for the domain of another pool;
    /// otherwise as [`Registry::reconfigure`].
    pub fn delete_user_pool_domain(&self, id: &str, name: &str) -> Result<()> {
        self.domain_owned_by(id, name)?;
        self.reconfigure(id, |current| current.without_domain(name))
    }

    /// Checks that pool `id` exists and has the domain `name`.
    fn domain_owned_by(&self, id: &str, name: &str) -> Result<()> {
        let pool = self.pool(id)?;
        if pool.config().domain(name).is_some() {
            return Ok(());
        }
        match self.pool_of_domain(name)? {
            Some(_) => Err(crate::config::domain_of_another_pool(name, id)),
            None => Err(crate::config::domain_not_found(name)),
        }
    }

    /// The pool that has the domain registered exactly as `name` (a prefix
    /// or a custom host name), with that domain: `DescribeUserPoolDomain`'s
    /// lookup, and the server's in path mode (`/<domain>/…`).
    ///
    /// # Errors
    /// `InternalErrorException` if the store fails or a stored pool cannot
    /// be read back.
    pub fn pool_of_domain(&self, name: &str) -> Result<Option<(UserPool, PoolDomain)>> {
        Ok(self.pools()?.into_iter().find_map(|pool| {
            let domain = pool.config().domain(name).cloned();
            domain.map(|d| (pool, d))
        }))
    }

    /// The pool whose domain a request's `Host` names (cognito-oauth.md
    /// §1.6, Host mode): `<prefix>.auth.<region>.amazoncognito.com` for a
    /// prefix domain, where `<region>` is the pool's (its id's) region, or
    /// a custom domain's host name. Compared case-insensitively, a port
    /// (`:443`) ignored.
    ///
    /// # Errors
    /// `InternalErrorException` if the store fails or a stored pool cannot
    /// be read back.
    pub fn pool_of_host(&self, host: &str) -> Result<Option<(UserPool, PoolDomain)>> {
        let host = host_name(host);
        if host.is_empty() {
            return Ok(None);
        }
        Ok(self.pools()?.into_iter().find_map(|pool| {
            let region = pool
                .id()
                .split_once('_')
                .map_or(self.options.region.as_str(), |(r, _)| r)
                .to_ascii_lowercase();
            let domain = pool
                .config()
                .domains()
                .iter()
                .find(|d| {
                    if d.is_custom() {
                        d.domain.eq_ignore_ascii_case(&host)
                    } else {
                        host == format!("{}.auth.{region}.amazoncognito.com", d.domain)
                    }
                })
                .cloned();
            domain.map(|d| (pool, d))
        }))
    }

    /// `DescribeUserPoolDomain`'s `Version` for now: `yyyyMMddHHmmss` (UTC).
    fn version_stamp(&self) -> String {
        let seconds = self.options.clock.now().unix_seconds();
        let format = time::macros::format_description!("[year][month][day][hour][minute][second]");
        time::OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .and_then(|t| t.format(format).ok())
            .unwrap_or_default()
    }

    /// Makes `next` the current signing keys of pool `id`; the current ones
    /// become the previous generation, so tokens they signed keep verifying
    /// (see [`KeySet::rotate`]). A persisted pool's sealed keys are replaced
    /// in the store with a compare-and-swap, so every process sharing it, and
    /// this one after a restart, signs with `next`.
    ///
    /// # Errors
    /// `ResourceNotFoundException`; `TooManyRequestsException` if concurrent
    /// changes keep winning; `InternalErrorException` if the store fails or
    /// the stored secrets cannot be opened.
    pub fn rotate_keys(&self, id: &str, next: KeySet) -> Result<()> {
        for _ in 0..16 {
            let (entry, record) = self.entry_and_record(id)?;
            let Some(mut record) = record else {
                entry.pool.rotate_keys(next);
                return Ok(());
            };
            let version = record.version;
            let mut secrets = seal::open_secrets(&self.options.master_keys, &record)?;
            secrets.keys.rotate(next.clone());
            self.seal_into(&mut record, &secrets)?;
            record.modified_at = self.options.clock.now();
            if self.swap_record(&record, version)? {
                // The next request rebuilds the pool from the record.
                self.write().remove(id);
                return Ok(());
            }
        }
        Err(pool_contention())
    }

    /// Replaces the pool secret of persisted pool `id` with a fresh one,
    /// then re-seals the pool's SRP verifiers and client secrets under it
    /// ([`UserPool::reseal_secrets`]). Everything derived from the secret is
    /// re-keyed: a copy of the old secret (an old database snapshot and the
    /// master key that sealed it) stops opening sessions and SRP blocks and
    /// checking codes once what it protected has expired, 24 hours after
    /// the rotation. The old secret is kept, sealed, for those 24 hours; a
    /// second rotation within them drops it early (pending codes and
    /// sessions issued before the first one stop working), after first
    /// re-sealing under the current secret whatever is still sealed under
    /// it, so that no verifier or client secret is lost: if that fails,
    /// nothing is rotated. If re-sealing after the rotation fails, the
    /// rotation stands and the error says so; rotating again, or
    /// [`UserPool::reseal_secrets`], finishes the work. The key of
    /// simulated answers is kept (see
    /// [`UserPoolBuilder::simulation_key`](crate::UserPoolBuilder::simulation_key)).
    /// Every process sharing the store switches at its next request.
    ///
    /// # Errors
    /// `ResourceNotFoundException`; `InvalidParameterException` for a pool
    /// this registry does not persist (build such pools with
    /// [`UserPoolBuilder::previous_secret_key`](crate::UserPoolBuilder::previous_secret_key)
    /// instead); `TooManyRequestsException` if concurrent changes keep
    /// winning; `InternalErrorException` if randomness or the store fails,
    /// or the stored secrets cannot be opened.
    pub fn rotate_pool_secret(&self, id: &str) -> Result<crate::ResealReport> {
        // What is still sealed under the secret a previous rotation
        // replaced moves to the current one first, or this rotation would
        // drop it: a retry after an incomplete re-seal is then safe.
        if self.entry_and_record(id)?.1.is_some() {
            self.pool(id)?.reseal_secrets()?;
        }
        for _ in 0..16 {
            let (entry, record) = self.entry_and_record(id)?;
            let Some(mut record) = record else {
                return Err(Error::invalid_parameter(format!(
                    "User pool {id} is not persisted by this registry: its secret cannot be rotated here."
                )));
            };
            let version = record.version;
            let mut secrets = seal::open_secrets(&self.options.master_keys, &record)?;
            let now = self.options.clock.now();
            secrets.simulation = Some(entry.pool.simulation_key());
            let fresh = Zeroizing::new(random::bytes::<{ crate::seal::POOL_SECRET_LEN }>()?);
            let old = std::mem::replace(&mut secrets.secret, fresh);
            secrets.previous = Some((old, now));
            self.seal_into(&mut record, &secrets)?;
            record.modified_at = now;
            if self.swap_record(&record, version)? {
                self.write().remove(id);
                return self.pool(id)?.reseal_secrets().map_err(|e| {
                    Error::new(
                        e.code(),
                        format!(
                            "The pool secret was rotated, but re-sealing under the new one \
                             stopped ({}); rotate again or call reseal_secrets within 24 hours.",
                            e.message()
                        ),
                    )
                });
            }
        }
        Err(pool_contention())
    }

    /// Seals `secrets` into `record` under the current master key.
    fn seal_into(&self, record: &mut PoolRecord, secrets: &seal::PoolSecrets) -> Result<()> {
        let master = self
            .options
            .master_keys
            .first()
            .ok_or_else(|| Error::internal("A persistent registry has no master key."))?;
        record.sealed_secrets = seal::seal_secrets(master, &record.id, secrets)?;
        record.sealing_key_id = master.id().to_owned();
        Ok(())
    }

    /// Writes `record` over the stored version `version`: `Ok(false)` when
    /// another change came first (the caller starts over).
    fn swap_record(&self, record: &PoolRecord, version: u64) -> Result<bool> {
        match self.options.store.update_pool(record, version) {
            Ok(()) => Ok(true),
            Err(StoreError::VersionMismatch) => Ok(false),
            Err(StoreError::NotFound) => Err(pool_not_found(&record.id)),
            Err(e) => Err(registry_store_error(e)),
        }
    }

    /// Removes the pool `id`. A persisted pool is deleted from the store
    /// with everything under its id (users, clients, tokens, groups); a pool
    /// that is not persisted only leaves this registry (its users stay in
    /// the store).
    ///
    /// # Errors
    /// `ResourceNotFoundException`; `InvalidParameterException` `The user
    /// pool cannot be deleted because deletion protection is activated.
    /// Deletion protection must be inactivated first.` while
    /// `DeletionProtection` is `ACTIVE`; `InvalidParameterException` `User pool
    /// cannot be deleted. It has a domain configured that should be deleted
    /// first.` (cognito-oauth.md §1.4) while the pool has a domain;
    /// `InternalErrorException` if the store fails.
    pub fn delete_pool(&self, id: &str) -> Result<()> {
        // The message is this engine's choice: AWS documents only the
        // exception (`InvalidParameterException`), not its text.
        if self
            .entry(id)
            .is_ok_and(|e| e.pool.config().deletion_protection())
        {
            return Err(Error::invalid_parameter(
                "The user pool cannot be deleted because deletion protection is activated. \
                 Deletion protection must be inactivated first.",
            ));
        }
        if self
            .entry(id)
            .is_ok_and(|e| !e.pool.config().domains().is_empty())
        {
            return Err(Error::invalid_parameter(
                "User pool cannot be deleted. It has a domain configured that should be deleted first.",
            ));
        }
        let cached = self.write().remove(id);
        match cached {
            Some(Entry { version: None, .. }) => Ok(()),
            _ if !self.persistent() => Err(pool_not_found(id)),
            _ => match self.options.store.delete_pool(id) {
                Ok(()) => Ok(()),
                Err(StoreError::NotFound) => Err(pool_not_found(id)),
                Err(e) => Err(registry_store_error(e)),
            },
        }
    }

    /// The pool that has the app client `client_id`.
    ///
    /// # Errors
    /// `ResourceNotFoundException` (`User pool client <id> does not exist.`);
    /// `InternalErrorException` if the store fails.
    pub fn pool_of_client(&self, client_id: &str) -> Result<UserPool> {
        let not_found = || {
            Error::new(
                ErrorCode::ResourceNotFound,
                format!("User pool client {client_id} does not exist."),
            )
        };
        if let Some((pool_id, _)) = self
            .options
            .store
            .find_client(client_id)
            .map_err(registry_store_error)?
        {
            return self.pool(&pool_id).map_err(|e| match e.code() {
                ErrorCode::ResourceNotFound => not_found(),
                _ => e,
            });
        }
        // Pools inserted with a store of their own.
        let inserted: Vec<UserPool> = self
            .read()
            .values()
            .filter(|e| e.version.is_none())
            .map(|e| e.pool.clone())
            .collect();
        inserted
            .into_iter()
            .find(|p| p.describe_user_pool_client(client_id).is_ok())
            .ok_or_else(not_found)
    }

    /// The pool an auth-challenge `Session` names (sessions read
    /// `<pool id>.<sealed state>`; only the pool can open the state).
    ///
    /// # Errors
    /// `NotAuthorizedException` `Invalid session for the user.` when the
    /// session names no pool of this registry.
    pub fn pool_of_session(&self, session: &str) -> Result<UserPool> {
        let invalid = || Error::not_authorized("Invalid session for the user.");
        let id = crate::pool::session_pool_id(session).ok_or_else(invalid)?;
        self.pool(id).map_err(|_| invalid())
    }

    /// The pool that issued an access token, read from its `iss` claim
    /// without verifying it (the pool's own operation verifies it).
    ///
    /// # Errors
    /// `NotAuthorizedException` (`Invalid Access Token`) when the token names
    /// no pool of this registry.
    pub fn pool_of_access_token(&self, token: &str) -> Result<UserPool> {
        let invalid = || Error::not_authorized("Invalid Access Token");
        let payload = token.split('.').nth(1).ok_or_else(invalid)?;
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| invalid())?;
        let claims: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        let iss = claims
            .get("iss")
            .and_then(Value::as_str)
            .ok_or_else(invalid)?;
        // The default issuer ends with the pool id; a custom one is matched
        // against the pools this registry has seen.
        let by_id = iss
            .rsplit_once('/')
            .and_then(|(_, id)| self.pool(id).ok())
            .filter(|p| p.issuer() == iss);
        if let Some(pool) = by_id {
            return Ok(pool);
        }
        self.read()
            .values()
            .find(|e| e.pool.issuer() == iss)
            .map(|e| e.pool.clone())
            .ok_or_else(invalid)
    }

    /// When pool `id` was created and last changed, as `DescribeUserPool`
    /// reports them (the Unix epoch for a pool this registry never saw).
    #[must_use]
    pub fn pool_dates(&self, id: &str) -> (Timestamp, Timestamp) {
        self.read()
            .get(id)
            .map_or((Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH), |e| {
                (e.created_at, e.modified_at)
            })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Entry>> {
        self.pools.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Entry>> {
        self.pools.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The answer when compare-and-swap retries on a pool record keep losing.
fn pool_contention() -> Error {
    Error::new(
        ErrorCode::TooManyRequests,
        "Too many concurrent changes to this user pool; retry the request.",
    )
}

/// A store failure seen by the registry.
fn registry_store_error(e: StoreError) -> Error {
    let mapped = match &e {
        StoreError::InvalidInput(what) => {
            Error::invalid_parameter(format!("The store cannot hold this value: {what}."))
        }
        StoreError::Unavailable { .. } => Error::internal("The user pool store is unavailable."),
        _ => Error::internal("The user pool store returned an unexpected result."),
    };
    mapped.caused_by(e)
}

fn pool_not_found(id: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFound,
        format!("User pool {} does not exist.", truncate(id, 64)),
    )
}

/// The host name of a `Host` value: lower case, without a port or a
/// trailing dot (an IPv6 literal, which no domain is, is cut at its `]`).
fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = if host.starts_with('[') {
        host.split_once(']').map_or(host, |(h, _)| h)
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}
