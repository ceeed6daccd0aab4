//! App clients of the pool: `CreateUserPoolClient`, `DescribeUserPoolClient`,
//! `ListUserPoolClients`, `UpdateUserPoolClient`, `DeleteUserPoolClient`.
//!
//! Clients live in the store ([`PoolStore`](crate::store::PoolStore)), so
//! every process sharing it sees a client created, changed or deleted by
//! any of them at its next request. The settings are a JSON document; the
//! secret is sealed (AES-256-GCM) under a key derived from the pool secret,
//! bound to the pool and client ids. A pool that restarts with another
//! secret cannot open its clients' secrets, and says so.

use super::keys::Sealed;
use super::{MAX_CAS_RETRIES, UserPool, store_error};
use zeroize::Zeroizing;

use crate::client::{
    AppClient, AppClientConfig, AuthFlow, ClientSecret, ClientSecretDescriptor, secret_id,
};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::random;
use crate::store::{ClientRecord, StoreError};

/// Cognito's quota of app clients per pool (cognito-protocol.md §7.7).
pub(crate) const MAX_CLIENTS_PER_POOL: usize = 1000;

fn client_not_found(id: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFound,
        format!("User pool client {id} does not exist."),
    )
}

fn secret_aad(pool_id: &str, client_id: &str) -> Vec<u8> {
    format!("userpool/client-secret|{pool_id}|{client_id}").into_bytes()
}

/// A client's secrets as sealed in its record (`ClientRecord::sealed_secret`),
/// or `None` for a public client. A client with only its original secret
/// keeps the form written before rotation existed, the secret's bytes
/// alone; otherwise a JSON document `{"v":1,"secrets":[{"id","value",
/// "created"}]}` (created in epoch milliseconds) holds every secret, so
/// pool-secret rotation re-seals them all at once. Secrets are
/// `[\w+]`, so the two forms cannot be confused.
fn encode_secrets(client: &AppClient) -> Result<Option<Zeroizing<Vec<u8>>>> {
    match client.secrets() {
        [] => Ok(None),
        [only] if only.id() == secret_id(client.id(), client.created_at().unix_millis()) => {
            Ok(Some(Zeroizing::new(
                only.secret().expose_secret().as_bytes().to_vec(),
            )))
        }
        many => {
            let doc = SecretsOut {
                v: SECRETS_VERSION,
                secrets: many
                    .iter()
                    .map(|s| SecretOut {
                        id: s.id(),
                        value: s.secret().expose_secret(),
                        created: s.created_at().unix_millis(),
                    })
                    .collect(),
            };
            serde_json::to_vec(&doc)
                .map(|v| Some(Zeroizing::new(v)))
                .map_err(|_| Error::internal("A client's secrets cannot be encoded."))
        }
    }
}

/// The secrets [`encode_secrets`] wrote, opened.
fn decode_secrets(
    plain: &[u8],
    client_id: &str,
    created_at: Timestamp,
) -> Result<Vec<ClientSecretDescriptor>> {
    if plain.first() != Some(&b'{') {
        let text = std::str::from_utf8(plain)
            .map_err(|_| Error::internal("A stored client secret is not UTF-8."))?;
        return Ok(AppClient::original_secret(
            client_id,
            Some(ClientSecret::new(text)),
            created_at,
        ));
    }
    let bad = || {
        Error::internal(format!(
            "The stored secrets of app client {client_id} are invalid."
        ))
    };
    let doc: SecretsIn = serde_json::from_slice(plain).map_err(|_| bad())?;
    if doc.v != SECRETS_VERSION
        || doc.secrets.is_empty()
        || doc.secrets.len() > AppClient::MAX_SECRETS
    {
        return Err(bad());
    }
    Ok(doc
        .secrets
        .into_iter()
        .map(|s| {
            ClientSecretDescriptor::restore(
                s.id,
                ClientSecret::from(s.value),
                Timestamp::from_unix_millis(s.created),
            )
        })
        .collect())
}

const SECRETS_VERSION: u32 = 1;

#[derive(serde::Serialize)]
struct SecretsOut<'a> {
    v: u32,
    secrets: Vec<SecretOut<'a>>,
}

#[derive(serde::Serialize)]
struct SecretOut<'a> {
    id: &'a str,
    value: &'a str,
    created: i64,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretsIn {
    v: u32,
    secrets: Vec<SecretIn>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretIn {
    id: String,
    value: String,
    created: i64,
}

impl UserPool {
    /// The record of `client` as the store keeps it.
    fn client_record(&self, client: &AppClient, version: u64) -> Result<ClientRecord> {
        let sealed_secret = encode_secrets(client)?
            .map(|plain| {
                self.inner.keys.seal(
                    Sealed::ClientSecret,
                    random::bytes::<12>()?,
                    &secret_aad(self.id(), client.id()),
                    &plain,
                )
            })
            .transpose()?;
        Ok(ClientRecord {
            client_id: client.id().to_owned(),
            definition: client.config().to_stored_json()?,
            sealed_secret,
            created_at: client.created_at(),
            modified_at: client.modified_at(),
            version,
        })
    }

    /// The client a stored record describes, decoded once per distinct
    /// record (the settings parsed, the secret unsealed): every operation
    /// that names a client reads its record, and most records never change.
    fn client_from_record(&self, record: ClientRecord) -> Result<AppClient> {
        if let Some(client) = self.decoded(&record) {
            return Ok(client);
        }
        let (client, stale) = self.decode_client(record.clone())?;
        if stale {
            // Sealed under the previous pool secret: re-sealed now, while
            // it still opens. Best effort: a failure (a concurrent change,
            // the store) leaves it for the next read or reseal_secrets,
            // and the client works either way.
            let _ = self.reseal_client(&record.client_id);
        }
        let mut cache = self.decoded_cache();
        // Bounded by the store's quota of clients per pool; entries of
        // deleted clients are dropped when the cache is full.
        if cache.len() >= MAX_CLIENTS_PER_POOL {
            cache.clear();
        }
        cache.insert(record.client_id.clone(), (record, client.clone()));
        Ok(client)
    }

    fn decoded_cache(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (ClientRecord, AppClient)>>
    {
        self.inner
            .decoded_clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The client decoded earlier from a record equal to `record`.
    fn decoded(&self, record: &ClientRecord) -> Option<AppClient> {
        self.decoded_cache()
            .get(&record.client_id)
            .filter(|(seen, _)| seen == record)
            .map(|(_, client)| client.clone())
    }

    /// The client `record` describes, and whether its secret is sealed
    /// under the previous pool secret.
    fn decode_client(&self, record: ClientRecord) -> Result<(AppClient, bool)> {
        let config = AppClientConfig::from_stored_json(&record.definition)?;
        let mut stale = false;
        let secrets = record
            .sealed_secret
            .map(|sealed| {
                let (plain, was_stale) = self
                    .inner
                    .keys
                    .open(
                        Sealed::ClientSecret,
                        &secret_aad(self.id(), &record.client_id),
                        &sealed,
                        self.now(),
                    )
                    .ok_or_else(|| {
                        Error::internal(format!(
                            "The secret of app client {} cannot be opened: the pool secret \
                             differs from the one that sealed it.",
                            record.client_id
                        ))
                    })?;
                stale = was_stale;
                decode_secrets(&plain, &record.client_id, record.created_at)
            })
            .transpose()?
            .unwrap_or_default();
        let client = AppClient::restore(
            record.client_id,
            secrets,
            config,
            record.created_at,
            record.modified_at,
        );
        Ok((client, stale))
    }

    /// The record's client secret re-sealed under the current pool secret,
    /// if it is still sealed under the previous one.
    pub(super) fn resealed_client_secret(&self, record: &ClientRecord) -> Result<Option<Vec<u8>>> {
        let Some(sealed) = &record.sealed_secret else {
            return Ok(None);
        };
        let aad = secret_aad(self.id(), &record.client_id);
        match self
            .inner
            .keys
            .open(Sealed::ClientSecret, &aad, sealed, self.now())
        {
            Some((plain, true)) => self
                .inner
                .keys
                .seal(Sealed::ClientSecret, random::bytes::<12>()?, &aad, &plain)
                .map(Some),
            _ => Ok(None),
        }
    }

    fn client_and_version(&self, id: &str) -> Result<(AppClient, u64)> {
        let record = self
            .store()
            .get_client(self.id(), id)
            .map_err(store_error)?
            .ok_or_else(|| client_not_found(id))?;
        let version = record.version;
        Ok((self.client_from_record(record)?, version))
    }

    /// The client `id`, for the operations that name one.
    pub(super) fn client(&self, id: &str) -> Result<AppClient> {
        self.client_and_version(id).map(|(client, _)| client)
    }

    /// Every stored client record of the pool, in id order.
    fn client_records(&self) -> Result<Vec<ClientRecord>> {
        let mut out = Vec::new();
        loop {
            let after = out.last().map(|r: &ClientRecord| r.client_id.clone());
            let page = self
                .store()
                .list_clients(self.id(), after.as_deref(), 100)
                .map_err(store_error)?;
            let done = page.len() < 100;
            out.extend(page);
            if done {
                return Ok(out);
            }
        }
    }

    /// Whether any app client of the pool allows `flow`. A client not yet
    /// decoded has only its settings parsed: no secret is opened, so a pool
    /// that cannot open a client's secret can still sign users up.
    pub(super) fn any_client_allows(&self, flow: AuthFlow) -> Result<bool> {
        for record in self.client_records()? {
            let allows = match self.decoded(&record) {
                Some(client) => client.config().allows(flow),
                None => AppClientConfig::from_stored_json(&record.definition)?.allows(flow),
            };
            if allows {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn insert_client(&self, client: &AppClient) -> Result<()> {
        if self.client_records()?.len() >= MAX_CLIENTS_PER_POOL {
            return Err(Error::new(
                ErrorCode::LimitExceeded,
                format!("A user pool can have at most {MAX_CLIENTS_PER_POOL} app clients."),
            ));
        }
        let record = self.client_record(client, 1)?;
        self.store()
            .insert_client(self.id(), &record)
            .map_err(|e| match e {
                StoreError::Conflict { .. } => Error::invalid_parameter(format!(
                    "User pool client {} already exists.",
                    client.id()
                )),
                other => store_error(other),
            })
    }

    /// `CreateUserPoolClient`: a new app client with a fresh id (and secret,
    /// if the configuration asks for one), stored at once.
    ///
    /// # Errors
    /// `InvalidParameterException` for a read or write attribute the pool's
    /// schema does not have, or an identity provider other than `COGNITO`;
    /// `InvalidOAuthFlowException` for `client_credentials` without a
    /// secret; `ScopeDoesNotExistException` for an OAuth scope that is
    /// neither standard nor one of the pool's resource-server scopes
    /// (cognito-oauth.md §3.2 V4, V7, V10); `LimitExceededException` past 1000 clients;
    /// `InternalErrorException` if the system RNG or the store fails.
    pub fn create_user_pool_client(&self, config: AppClientConfig) -> Result<AppClient> {
        self.check_attribute_lists(&config, "creating")?;
        let has_secret = config.generate_secret() || config.client_secret().is_some();
        crate::client::check_against_pool(&config, has_secret, self.id(), &self.config())?;
        let client = AppClient::new(config, self.now())?;
        self.insert_client(&client)?;
        Ok(client)
    }

    /// Cognito checks a client's `ReadAttributes` and `WriteAttributes`
    /// against the pool's schema; `doing` names the operation in its message.
    fn check_attribute_lists(&self, config: &AppClientConfig, doing: &str) -> Result<()> {
        let pool = self.config();
        for (kind, list) in [
            ("read", config.read_attributes()),
            ("write", config.write_attributes()),
        ] {
            if list.is_some_and(|names| names.iter().any(|n| !pool.schema().is_known(n))) {
                return Err(Error::invalid_parameter(format!(
                    "Invalid {kind} attributes specified while {doing} a client"
                )));
            }
        }
        Ok(())
    }

    /// Adds a client with a known id (restoring one, or a test fixture).
    ///
    /// # Errors
    /// `InvalidParameterException` when a client with that id exists (in
    /// any pool of the store); `LimitExceededException` past 1000 clients;
    /// `InternalErrorException` if the store fails.
    pub fn insert_user_pool_client(&self, client: AppClient) -> Result<()> {
        self.insert_client(&client)
    }

    /// `DescribeUserPoolClient`.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `InternalErrorException` if the store fails or holds a record that
    /// cannot be read back.
    pub fn describe_user_pool_client(&self, id: &str) -> Result<AppClient> {
        self.client(id)
    }

    /// `ListUserPoolClients`: every client, by id.
    ///
    /// # Errors
    /// `InternalErrorException` if the store fails or holds a record that
    /// cannot be read back.
    pub fn list_user_pool_clients(&self) -> Result<Vec<AppClient>> {
        self.client_records()?
            .into_iter()
            .map(|r| self.client_from_record(r))
            .collect()
    }

    /// `UpdateUserPoolClient`: replaces the configuration; the id, the secret
    /// and the creation time stay. A concurrent update of the same client is
    /// retried on the fresh record, so neither is lost half-way.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `InvalidParameterException` for a read or write attribute the pool's
    /// schema does not have, or an identity provider other than `COGNITO`;
    /// `InvalidOAuthFlowException` for `client_credentials` on a client
    /// without a secret; `ScopeDoesNotExistException` for an unknown OAuth
    /// scope (cognito-oauth.md §3.2 V4, V7, V10); `TooManyRequestsException` if concurrent
    /// updates keep winning; `InternalErrorException` if the store fails.
    pub fn update_user_pool_client(&self, id: &str, config: AppClientConfig) -> Result<AppClient> {
        let now = self.now();
        let existing = self.client(id)?;
        self.check_attribute_lists(&config, "updating")?;
        crate::client::check_against_pool(
            &config,
            existing.secret().is_some(),
            self.id(),
            &self.config(),
        )?;
        for _ in 0..MAX_CAS_RETRIES {
            let (current, version) = self.client_and_version(id)?;
            let updated = current.reconfigured(config.clone(), now);
            let record = self.client_record(&updated, version)?;
            match self.store().update_client(self.id(), &record, version) {
                Ok(()) => return Ok(updated),
                Err(StoreError::VersionMismatch) => {}
                Err(StoreError::NotFound) => return Err(client_not_found(id)),
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(super::contention())
    }

    /// `DeleteUserPoolClient`. Tokens issued to it stop working on the
    /// pool's operations and cannot be refreshed.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `InternalErrorException` if the store fails.
    pub fn delete_user_pool_client(&self, id: &str) -> Result<()> {
        match self.store().delete_client(self.id(), id) {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(client_not_found(id)),
            Err(e) => Err(store_error(e)),
        }
    }

    /// Applies `change` to the client `id` and stores the result, retrying
    /// on a concurrent change as `update_user_pool_client` does.
    fn change_client<T>(
        &self,
        id: &str,
        change: impl Fn(&AppClient) -> Result<(AppClient, T)>,
    ) -> Result<T> {
        for _ in 0..MAX_CAS_RETRIES {
            let (current, version) = self.client_and_version(id)?;
            let (updated, out) = change(&current)?;
            let record = self.client_record(&updated, version)?;
            match self.store().update_client(self.id(), &record, version) {
                Ok(()) => return Ok(out),
                Err(StoreError::VersionMismatch) => {}
                Err(StoreError::NotFound) => return Err(client_not_found(id)),
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(super::contention())
    }

    /// `AddUserPoolClientSecret`: a second secret for the confidential
    /// client `id`, `value` or a generated one, valid at once alongside the
    /// first wherever the client's secret is checked.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `InvalidParameterException` for a `value` that is not 24–64
    /// characters of `[\w+]` (the model's validation message, value
    /// hidden), or for a client without a secret: `Client <id> is not
    /// configured with a secret.`; `LimitExceededException` when the client
    /// already has two: `An app client can have at most 2 client secrets.`
    /// (Cognito documents these exceptions but not their texts; the texts
    /// are this crate's choice); `InternalErrorException` if the RNG or the
    /// store fails.
    pub fn add_user_pool_client_secret(
        &self,
        id: &str,
        value: Option<ClientSecret>,
    ) -> Result<ClientSecretDescriptor> {
        let now = self.now();
        self.change_client(id, |c| c.with_added_secret(value.clone(), now))
    }

    /// `ListUserPoolClientSecrets`: the client's secrets, oldest first (none
    /// for a public client).
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `InternalErrorException` if the store fails.
    pub fn list_user_pool_client_secrets(&self, id: &str) -> Result<Vec<ClientSecretDescriptor>> {
        Ok(self.client(id)?.secrets().to_vec())
    }

    /// `DeleteUserPoolClientSecret`: removes the secret `secret_id` from the
    /// client `id`; it stops working at once.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client, or an unknown
    /// secret: `Client secret <secretId> does not exist.`;
    /// `InvalidParameterException` for the client's last secret (the model
    /// says it cannot be deleted): `The last client secret of an app client
    /// cannot be deleted.` (both texts are this crate's choice);
    /// `InternalErrorException` if the store fails.
    pub fn delete_user_pool_client_secret(&self, id: &str, secret_id: &str) -> Result<()> {
        let now = self.now();
        self.change_client(id, |c| Ok((c.without_secret(secret_id, now)?, ())))
    }
}
