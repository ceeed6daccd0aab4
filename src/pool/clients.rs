//! App clients of the pool: `CreateUserPoolClient`, `DescribeUserPoolClient`,
//! `ListUserPoolClients`, `UpdateUserPoolClient`, `DeleteUserPoolClient`.
//!
//! Clients live in the pool object (durable storage of clients comes with
//! the durable stores).

use std::sync::{PoisonError, RwLockReadGuard, RwLockWriteGuard};

use super::UserPool;
use crate::client::{AppClient, AppClientConfig};
use crate::error::{Error, ErrorCode, Result};
use crate::store::StoreError;

/// Cognito's quota of app clients per pool (cognito-protocol.md §7.7).
pub(crate) const MAX_CLIENTS_PER_POOL: usize = 1000;

type Clients = std::collections::BTreeMap<String, AppClient>;

fn client_not_found(id: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFound,
        format!("User pool client {id} does not exist."),
    )
}

impl UserPool {
    pub(super) fn clients_read(&self) -> RwLockReadGuard<'_, Clients> {
        self.inner
            .clients
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn clients_write(&self) -> RwLockWriteGuard<'_, Clients> {
        self.inner
            .clients
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The client `id`, for the operations that name one.
    pub(super) fn client(&self, id: &str) -> Result<AppClient> {
        self.clients_read()
            .get(id)
            .cloned()
            .ok_or_else(|| client_not_found(id))
    }

    /// `CreateUserPoolClient`: a new app client with a fresh id (and secret,
    /// if the configuration asks for one).
    ///
    /// # Errors
    /// `LimitExceededException` past 1000 clients; `InternalErrorException`
    /// if the system RNG fails.
    pub fn create_user_pool_client(&self, config: AppClientConfig) -> Result<AppClient> {
        let client = AppClient::new(config, self.now())?;
        let mut clients = self.clients_write();
        if clients.len() >= MAX_CLIENTS_PER_POOL {
            return Err(Error::new(
                ErrorCode::LimitExceeded,
                format!("A user pool can have at most {MAX_CLIENTS_PER_POOL} app clients."),
            ));
        }
        if clients.contains_key(client.id()) {
            return Err(super::store_error(StoreError::Conflict {
                key: "client_id".to_owned(),
            }));
        }
        clients.insert(client.id().to_owned(), client.clone());
        Ok(client)
    }

    /// Adds a client with a known id (restoring one, or a test fixture).
    ///
    /// # Errors
    /// `InvalidParameterException` when a client with that id exists.
    pub fn insert_user_pool_client(&self, client: AppClient) -> Result<()> {
        let mut clients = self.clients_write();
        if clients.contains_key(client.id()) {
            return Err(Error::invalid_parameter(format!(
                "User pool client {} already exists.",
                client.id()
            )));
        }
        clients.insert(client.id().to_owned(), client);
        Ok(())
    }

    /// `DescribeUserPoolClient`.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client.
    pub fn describe_user_pool_client(&self, id: &str) -> Result<AppClient> {
        self.client(id)
    }

    /// `ListUserPoolClients`: every client, by id.
    #[must_use]
    pub fn list_user_pool_clients(&self) -> Vec<AppClient> {
        self.clients_read().values().cloned().collect()
    }

    /// `UpdateUserPoolClient`: replaces the configuration; the id, the secret
    /// and the creation time stay.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client.
    pub fn update_user_pool_client(&self, id: &str, config: AppClientConfig) -> Result<AppClient> {
        let now = self.now();
        let mut clients = self.clients_write();
        let current = clients.get(id).ok_or_else(|| client_not_found(id))?;
        let updated = current.reconfigured(config, now);
        clients.insert(id.to_owned(), updated.clone());
        Ok(updated)
    }

    /// `DeleteUserPoolClient`. Tokens issued to it stop working on the
    /// pool's operations and cannot be refreshed.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client.
    pub fn delete_user_pool_client(&self, id: &str) -> Result<()> {
        self.clients_write()
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| client_not_found(id))
    }
}
