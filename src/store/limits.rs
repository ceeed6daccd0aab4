//! [`Limited`]: the layer that enforces the store limits for every store
//! (see "Limits, enforced in one place" in the [module docs](super)).

use std::any::Any;
use std::sync::Arc;

use super::{
    ClientRecord, CodePurpose, CodeRecord, CodeStore, DeviceRecord, DeviceStore, EphemeralKey,
    EphemeralRecord, EphemeralStore, GroupRecord, GroupStore, IndexKey, MAX_EPHEMERAL_BYTES,
    MAX_KEY_BYTES, MAX_VALUE_BYTES, OnceId, PoolRecord, PoolStore, RefreshTokenRecord, Store,
    StoreError, StoreResult, SweepReport, SweepStore, TokenStore, UserRecord, UserStore,
};
use crate::clock::Timestamp;

/// A store behind the limits every store enforces: every write whose keys
/// or values are out of bounds ([`MAX_KEY_BYTES`], NUL, [`MAX_VALUE_BYTES`],
/// [`MAX_EPHEMERAL_BYTES`]) is refused with [`StoreError::InvalidInput`] naming the field, before
/// the store underneath sees it; everything else is passed through
/// unchanged. Reads are not checked: a key that cannot be stored finds
/// nothing.
///
/// [`UserPoolBuilder::build`](crate::UserPoolBuilder::build) and the wire
/// [`Registry`](crate::registry::Registry) wrap their store in it, so no store
/// the engine uses can skip the limits.
pub struct Limited {
    inner: Arc<dyn Store>,
}

impl Limited {
    /// `store` behind the limits; `store` itself when it already is a
    /// `Limited` (so wrapping twice checks once).
    #[must_use]
    pub fn wrap(store: Arc<dyn Store>) -> Arc<dyn Store> {
        let any: &dyn Any = &*store;
        if any.is::<Self>() {
            store
        } else {
            Arc::new(Self { inner: store })
        }
    }
}

impl std::fmt::Debug for Limited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Limited").field(&self.inner).finish()
    }
}

/// A key or name: at most [`MAX_KEY_BYTES`] bytes and no NUL (which
/// PostgreSQL's `text` cannot hold).
fn check_key(field: &str, value: &str) -> StoreResult<()> {
    check_key_len(field, value.len())?;
    if value.contains('\0') {
        return Err(StoreError::InvalidInput(format!("{field} contains NUL")));
    }
    Ok(())
}

fn check_key_len(field: &str, len: usize) -> StoreResult<()> {
    if len > MAX_KEY_BYTES {
        return Err(StoreError::InvalidInput(format!(
            "{field} is {len} bytes long, more than {MAX_KEY_BYTES}"
        )));
    }
    Ok(())
}

/// An index key as stored ([`IndexKey::encode`]), without encoding it: its
/// kind holds no NUL.
fn check_index_key(key: &IndexKey) -> StoreResult<()> {
    check_key_len("index key", key.encoded_len())?;
    if key.value().contains('\0') {
        return Err(StoreError::InvalidInput(
            "index key contains NUL".to_owned(),
        ));
    }
    Ok(())
}

/// A value's length: at most [`MAX_VALUE_BYTES`].
fn check_value(field: &str, len: usize) -> StoreResult<()> {
    if len > MAX_VALUE_BYTES {
        return Err(StoreError::InvalidInput(format!(
            "{field} is {len} bytes long, more than {MAX_VALUE_BYTES}"
        )));
    }
    Ok(())
}

/// What [`UserStore::insert_user`] and [`UserStore::update_user`] write:
/// the pool id, username, keys and the software token's friendly name as
/// keys, the attributes (names and values together), password hash,
/// verifier and sealed TOTP secrets as values.
fn check_user(pool_id: &str, user: &UserRecord, keys: &[IndexKey]) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("username", &user.username)?;
    if let Some(attribute) = &user.username_attribute {
        check_key("username attribute", attribute)?;
    }
    for k in keys {
        check_index_key(k)?;
    }
    let attributes: usize = user
        .attributes
        .iter()
        .map(|(name, value)| name.len() + value.len())
        .sum();
    check_value("attributes", attributes)?;
    check_value(
        "password hash",
        user.password_hash.as_ref().map_or(0, String::len),
    )?;
    check_value(
        "SRP verifier",
        user.srp_verifier.as_ref().map_or(0, Vec::len),
    )?;
    if let Some(token) = &user.mfa.software_token {
        if let Some(name) = &token.friendly_name {
            check_key("software token name", name)?;
        }
        check_value("sealed software token", token.sealed_secret.len())?;
    }
    if let Some(pending) = &user.mfa.pending_software_token {
        check_value("sealed software token", pending.sealed_secret.len())?;
    }
    Ok(())
}

fn check_group(pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("group name", &group.name)?;
    check_value(
        "group description",
        group.description.as_ref().map_or(0, String::len),
    )?;
    check_value("group role", group.role_arn.as_ref().map_or(0, String::len))
}

fn check_code(pool_id: &str, username: &str, sub: &str, code: &CodeRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("username", username)?;
    check_key("sub", sub)?;
    check_key("code attribute", code.attribute.as_deref().unwrap_or(""))?;
    check_key(
        "code destination",
        code.destination.as_deref().unwrap_or(""),
    )
}

/// An ephemeral key as stored ([`EphemeralKey::encode`]), without encoding
/// it: its kind and purpose hold no NUL.
fn check_ephemeral_key(key: &EphemeralKey) -> StoreResult<()> {
    check_key_len("ephemeral key", key.encoded_len())?;
    if key.username().is_some_and(|u| u.contains('\0')) {
        return Err(StoreError::InvalidInput(
            "ephemeral key contains NUL".to_owned(),
        ));
    }
    Ok(())
}

fn check_refresh_token(pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("client id", &token.client_id)?;
    check_key("username", &token.username)?;
    check_key("sub", &token.sub)?;
    check_key("origin_jti", &token.origin_jti)?;
    check_key("event_id", &token.event_id)?;
    if let Some(device_key) = &token.device_key {
        check_key("device key", device_key)?;
    }
    if let Some(scope) = &token.scope {
        check_value("scope", scope.len())?;
    }
    Ok(())
}

/// What [`DeviceStore::insert_device`] and [`DeviceStore::update_device`]
/// write: the pool id, device key, owner, group key, name and last IP as
/// keys, the sealed verifier as a value.
fn check_device(pool_id: &str, device: &DeviceRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("device key", &device.key)?;
    check_key("username", &device.username)?;
    check_key("sub", &device.sub)?;
    check_key("device group key", &device.group_key)?;
    if let Some(name) = &device.name {
        check_key("device name", name)?;
    }
    if let Some(ip) = &device.last_ip {
        check_key("device last IP", ip)?;
    }
    check_value(
        "sealed device verifier",
        device.sealed_verifier.as_ref().map_or(0, Vec::len),
    )
}

fn check_pool(pool: &PoolRecord) -> StoreResult<()> {
    check_key("pool id", &pool.id)?;
    check_key("sealing key id", &pool.sealing_key_id)?;
    check_value("pool definition", pool.definition.len())?;
    check_value("sealed pool secrets", pool.sealed_secrets.len())
}

fn check_client(pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("client id", &client.client_id)?;
    check_value("client definition", client.definition.len())?;
    check_value(
        "sealed client secret",
        client.sealed_secret.as_ref().map_or(0, Vec::len),
    )
}

impl UserStore for Limited {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[IndexKey]) -> StoreResult<()> {
        check_user(pool_id, user, keys)?;
        self.inner.insert_user(pool_id, user, keys)
    }

    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>> {
        self.inner.get_user(pool_id, username)
    }

    fn find_user(&self, pool_id: &str, key: &IndexKey) -> StoreResult<Option<UserRecord>> {
        self.inner.find_user(pool_id, key)
    }

    fn update_user(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
    ) -> StoreResult<()> {
        check_user(pool_id, user, keys)?;
        self.inner
            .update_user(pool_id, user, expected_version, keys)
    }

    fn update_user_taking_code(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<bool> {
        check_user(pool_id, user, keys)?;
        self.inner
            .update_user_taking_code(pool_id, user, expected_version, keys, purpose, code_id)
    }

    fn delete_user(&self, pool_id: &str, username: &str, expected_version: u64) -> StoreResult<()> {
        self.inner.delete_user(pool_id, username, expected_version)
    }

    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        self.inner.list_users(pool_id, after, limit)
    }

    /// The store's own search (its attribute index), never the scan the
    /// trait's default would run.
    fn list_users_by_attribute_prefix(
        &self,
        pool_id: &str,
        attribute: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        self.inner
            .list_users_by_attribute_prefix(pool_id, attribute, prefix, after, limit)
    }
}

impl CodeStore for Limited {
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        sub: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        check_code(pool_id, username, sub, code)?;
        self.inner.put_code(pool_id, username, sub, purpose, code)
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        self.inner.get_code(pool_id, username, purpose)
    }

    fn record_code_attempt(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>> {
        self.inner
            .record_code_attempt(pool_id, username, purpose, code_id)
    }

    fn take_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<CodeRecord>> {
        self.inner.take_code(pool_id, username, purpose, code_id)
    }
}

impl TokenStore for Limited {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
        check_refresh_token(pool_id, token)?;
        self.inner.put_refresh_token(pool_id, token)
    }

    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        self.inner.get_refresh_token(pool_id, digest)
    }

    fn mark_refresh_token_replaced(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
        at: Timestamp,
    ) -> StoreResult<bool> {
        self.inner.mark_refresh_token_replaced(pool_id, digest, at)
    }

    /// Writes the family's name: checked as a key.
    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        check_key("pool id", pool_id)?;
        check_key("origin_jti", origin_jti)?;
        self.inner.revoke_token_family(pool_id, origin_jti)
    }

    /// Writes only names already stored: not checked.
    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        self.inner.revoke_user_tokens(pool_id, username)
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        self.inner.is_family_revoked(pool_id, id)
    }

    fn consume_once(&self, pool_id: &str, id: &OnceId, expires_at: Timestamp) -> StoreResult<bool> {
        check_key("pool id", pool_id)?;
        check_key("one-time id", &id.encode())?;
        self.inner.consume_once(pool_id, id, expires_at)
    }
}

/// Nothing to check: a sweep writes nothing, and a pool id that cannot be
/// stored has nothing to delete.
impl SweepStore for Limited {
    fn sweep_expired(
        &self,
        pool_id: &str,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<SweepReport> {
        self.inner.sweep_expired(pool_id, now, limit)
    }
}

impl EphemeralStore for Limited {
    fn get_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
    ) -> StoreResult<Option<EphemeralRecord>> {
        self.inner.get_ephemeral(pool_id, key)
    }

    /// Checks the pool id and the key as keys, and the data against
    /// [`MAX_EPHEMERAL_BYTES`], far less than other values may hold:
    /// these records are written on requests any client can make.
    fn put_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
        data: &[u8],
        expires_at: Timestamp,
        expected_version: u64,
    ) -> StoreResult<bool> {
        check_key("pool id", pool_id)?;
        check_ephemeral_key(key)?;
        if data.len() > MAX_EPHEMERAL_BYTES {
            return Err(StoreError::InvalidInput(format!(
                "ephemeral data is {} bytes long, more than {MAX_EPHEMERAL_BYTES}",
                data.len()
            )));
        }
        self.inner
            .put_ephemeral(pool_id, key, data, expires_at, expected_version)
    }
}

impl DeviceStore for Limited {
    fn insert_device(&self, pool_id: &str, device: &DeviceRecord) -> StoreResult<()> {
        check_device(pool_id, device)?;
        self.inner.insert_device(pool_id, device)
    }

    fn get_device(&self, pool_id: &str, key: &str) -> StoreResult<Option<DeviceRecord>> {
        self.inner.get_device(pool_id, key)
    }

    fn update_device(
        &self,
        pool_id: &str,
        device: &DeviceRecord,
        expected_version: u64,
    ) -> StoreResult<()> {
        check_device(pool_id, device)?;
        self.inner.update_device(pool_id, device, expected_version)
    }

    fn delete_device(&self, pool_id: &str, key: &str) -> StoreResult<()> {
        self.inner.delete_device(pool_id, key)
    }

    fn list_devices(
        &self,
        pool_id: &str,
        username: &str,
        limit: usize,
    ) -> StoreResult<Vec<DeviceRecord>> {
        self.inner.list_devices(pool_id, username, limit)
    }
}

impl GroupStore for Limited {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        check_group(pool_id, group)?;
        self.inner.create_group(pool_id, group)
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        self.inner.get_group(pool_id, name)
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        check_group(pool_id, group)?;
        self.inner.update_group(pool_id, group)
    }

    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        self.inner.delete_group(pool_id, name)
    }

    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        self.inner.list_groups(pool_id, after, limit)
    }

    /// Writes the username; the group must exist already, so a group name
    /// no store could hold is `NotFound`, as in a lookup.
    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        check_key("pool id", pool_id)?;
        check_key("username", username)?;
        self.inner.add_to_group(pool_id, group, username)
    }

    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        self.inner.remove_from_group(pool_id, group, username)
    }

    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>> {
        self.inner.groups_of_user(pool_id, username)
    }

    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        self.inner.users_in_group(pool_id, group, after, limit)
    }
}

impl PoolStore for Limited {
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        check_pool(pool)?;
        self.inner.insert_pool(pool)
    }

    fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        self.inner.get_pool(id)
    }

    fn update_pool(&self, pool: &PoolRecord, expected_version: u64) -> StoreResult<()> {
        check_pool(pool)?;
        self.inner.update_pool(pool, expected_version)
    }

    fn delete_pool(&self, id: &str) -> StoreResult<()> {
        self.inner.delete_pool(id)
    }

    fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<PoolRecord>> {
        self.inner.list_pools(after, limit)
    }

    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
        check_client(pool_id, client)?;
        self.inner.insert_client(pool_id, client)
    }

    fn get_client(&self, pool_id: &str, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        self.inner.get_client(pool_id, client_id)
    }

    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>> {
        self.inner.find_client(client_id)
    }

    fn update_client(
        &self,
        pool_id: &str,
        client: &ClientRecord,
        expected_version: u64,
    ) -> StoreResult<()> {
        check_client(pool_id, client)?;
        self.inner.update_client(pool_id, client, expected_version)
    }

    fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<()> {
        self.inner.delete_client(pool_id, client_id)
    }

    fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ClientRecord>> {
        self.inner.list_clients(pool_id, after, limit)
    }
}

#[cfg(test)]
mod tests;
