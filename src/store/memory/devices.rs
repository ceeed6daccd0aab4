//! [`DeviceStore`] for [`MemoryStore`]: tracked devices, indexed by owner
//! and (while unconfirmed) by expiry.

use std::cmp::Reverse;

use super::{MemoryStore, PoolData};
use crate::store::{ConflictKey, DeviceRecord, DeviceStore, StoreError, StoreResult};

impl PoolData {
    /// Stores `device` (its key not stored yet) in every index.
    fn insert_device(&mut self, device: DeviceRecord) {
        self.user_devices
            .entry(device.username.clone())
            .or_default()
            .insert(device.key.clone());
        if let Some(expires_at) = device.expires_at {
            self.devices_by_expiry
                .insert((expires_at, device.key.clone()));
        }
        self.devices.insert(device.key.clone(), device);
    }

    /// Removes the device `key` and its entries in the owner and expiry
    /// indexes.
    pub(super) fn remove_device(&mut self, key: &str) -> Option<DeviceRecord> {
        let device = self.devices.remove(key)?;
        if let Some(keys) = self.user_devices.get_mut(&device.username) {
            keys.remove(key);
            if keys.is_empty() {
                self.user_devices.remove(&device.username);
            }
        }
        if let Some(expires_at) = device.expires_at {
            self.devices_by_expiry.remove(&(expires_at, key.to_owned()));
        }
        Some(device)
    }

    /// Removes every device of `username`.
    pub(super) fn remove_user_devices(&mut self, username: &str) {
        let keys: Vec<String> = self
            .user_devices
            .get(username)
            .map(|k| k.iter().cloned().collect())
            .unwrap_or_default();
        for k in keys {
            self.remove_device(&k);
        }
    }
}

impl DeviceStore for MemoryStore {
    fn insert_device(&self, pool_id: &str, device: &DeviceRecord) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.pool_mut(pool_id);
        if data.devices.contains_key(&device.key) {
            return Err(StoreError::Conflict(ConflictKey::DeviceKey));
        }
        let mut stored = device.clone();
        stored.version = 1;
        data.insert_device(stored);
        Ok(())
    }

    fn get_device(&self, pool_id: &str, key: &str) -> StoreResult<Option<DeviceRecord>> {
        Ok(self.read(pool_id, None, |d| d.devices.get(key).cloned()))
    }

    fn update_device(
        &self,
        pool_id: &str,
        device: &DeviceRecord,
        expected_version: u64,
    ) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.data.get_mut(pool_id).ok_or(StoreError::NotFound)?;
        let current = data.devices.get(&device.key).ok_or(StoreError::NotFound)?;
        if current.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        let next = expected_version
            .checked_add(1)
            .ok_or_else(|| StoreError::InvalidInput("device version out of range".to_owned()))?;
        let mut stored = device.clone();
        stored.version = next;
        data.remove_device(&device.key);
        data.insert_device(stored);
        Ok(())
    }

    fn delete_device(&self, pool_id: &str, key: &str) -> StoreResult<()> {
        let mut st = self.lock();
        st.data
            .get_mut(pool_id)
            .and_then(|d| d.remove_device(key))
            .map(|_| ())
            .ok_or(StoreError::NotFound)
    }

    fn list_devices(
        &self,
        pool_id: &str,
        username: &str,
        limit: usize,
    ) -> StoreResult<Vec<DeviceRecord>> {
        Ok(self.read(pool_id, Vec::new(), |d| {
            let mut devices: Vec<&DeviceRecord> = d
                .user_devices
                .get(username)
                .into_iter()
                .flatten()
                .filter_map(|k| d.devices.get(k))
                .collect();
            devices.sort_by(|a, b| {
                (Reverse(a.created_at), &a.key).cmp(&(Reverse(b.created_at), &b.key))
            });
            devices.into_iter().take(limit).cloned().collect()
        }))
    }
}
