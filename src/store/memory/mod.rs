//! [`MemoryStore`]: everything in one mutex-guarded map. For tests, examples
//! and single-process use; nothing survives the process.
//!
//! The state is indexed by pool first: every call finds its pool's data in
//! one hash lookup and never walks another pool's records. Within a pool,
//! the lookups the contracts make often have an index of their own (the
//! tokens of a family and of a user, the groups of a user), so revoking a
//! family, signing a user out or listing a user's groups costs what that
//! family or user holds, not what the pool holds.
//!
//! It holds any key or value and checks no limits itself: the
//! [`Limited`](super::Limited) layer every pool and registry puts in front
//! of it refuses what PostgreSQL could not hold, so code tested here meets
//! the same limits in production.
//!
//! # Layout
//!
//! One module per record family (`users`, `codes`, `tokens`, `ephemeral`,
//! `groups`, `devices`, `pools` with the app clients) and `sweep`, which deletes what
//! has expired; the state and its indexes here.
//!
//! Every record that expires is also in an index ordered by expiry, kept
//! in step by the few methods of `PoolData` that add and remove such
//! records, so a sweep finds the expired ones first and visits nothing
//! else.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{
    ClientRecord, CodePurpose, CodeRecord, ConflictKey, DeviceRecord, EphemeralKey,
    EphemeralRecord, GroupRecord, IndexKey, OnceId, PoolRecord, RefreshTokenRecord, StoreError,
    StoreResult, UserRecord,
};
use crate::clock::Timestamp;

mod codes;
mod devices;
mod ephemeral;
mod groups;
mod pools;
mod sweep;
mod tokens;
mod users;

/// Everything stored under one pool id.
#[derive(Debug, Default)]
struct PoolData {
    /// username → record, ordered for pagination.
    users: BTreeMap<String, UserRecord>,
    /// index key → username.
    keys: HashMap<IndexKey, String>,
    /// username → the index keys it owns.
    user_keys: HashMap<String, Vec<IndexKey>>,
    /// (username, purpose) → pending code; a user's codes are one range.
    codes: BTreeMap<(String, CodePurpose), CodeRecord>,
    /// (expires_at, username, purpose) of every pending code.
    codes_by_expiry: BTreeSet<(Timestamp, String, CodePurpose)>,
    /// digest → refresh token.
    refresh: HashMap<[u8; 32], RefreshTokenRecord>,
    /// (expires_at, digest) of every refresh token.
    refresh_by_expiry: BTreeSet<(Timestamp, [u8; 32])>,
    /// origin_jti → the digests of the family's tokens.
    families: HashMap<String, BTreeSet<[u8; 32]>>,
    /// username → the digests of the user's tokens.
    user_tokens: HashMap<String, BTreeSet<[u8; 32]>>,
    /// origin_jti or event_id of revoked families → the revocation.
    revoked: HashMap<String, Revocation>,
    /// (expires_at, name) of every revocation.
    revoked_by_expiry: BTreeSet<(Timestamp, String)>,
    /// one-time id → when it may be forgotten.
    used_once: HashMap<OnceId, Timestamp>,
    /// (expires_at, id) of every one-time id.
    once_by_expiry: BTreeSet<(Timestamp, OnceId)>,
    /// group name → group, ordered for listing.
    groups: BTreeMap<String, GroupRecord>,
    /// (group name, username): the members of a group are one range.
    members: BTreeSet<(String, String)>,
    /// (username, group name): the groups of a user are one range.
    memberships: BTreeSet<(String, String)>,
    /// client id → client, ordered for listing.
    clients: BTreeMap<String, ClientRecord>,
    /// key → ephemeral record.
    ephemeral: HashMap<EphemeralKey, EphemeralRecord>,
    /// (expires_at, key) of every ephemeral record.
    ephemeral_by_expiry: BTreeSet<(Timestamp, EphemeralKey)>,
    /// The entries of `ephemeral_by_expiry` of names no user has, which
    /// alone are dropped past `MAX_UNKNOWN_PER_POOL`.
    unknown_by_expiry: BTreeSet<(Timestamp, EphemeralKey)>,
    /// device key → tracked device.
    devices: HashMap<String, DeviceRecord>,
    /// username → the keys of the user's devices.
    user_devices: HashMap<String, BTreeSet<String>>,
    /// (expires_at, key) of every device that expires (unconfirmed ones).
    devices_by_expiry: BTreeSet<(Timestamp, String)>,
}

/// A revoked family, under one of its names.
#[derive(Debug)]
struct Revocation {
    /// The family's `origin_jti`: what finds its tokens.
    family: String,
    /// The latest expiry of the family's tokens when it was revoked, or
    /// since: until then (and [`REFRESH_TOKEN_RETENTION`](super::REFRESH_TOKEN_RETENTION)
    /// more), a sweep leaves it.
    expires_at: Timestamp,
}

#[derive(Debug, Default)]
struct State {
    /// pool id → what is stored under it. A pool needs no [`PoolRecord`]
    /// to have data (a pool built in code).
    data: HashMap<String, PoolData>,
    /// pool id → pool.
    pools: BTreeMap<String, PoolRecord>,
    /// client id → its pool (client ids are unique across pools).
    client_pools: HashMap<String, String>,
    /// The last version given to an ephemeral record, of any pool: each
    /// write takes the next, so no version is given twice.
    ephemeral_version: u64,
}

impl State {
    /// The data of `pool_id`, if anything was ever stored under it.
    fn pool(&self, pool_id: &str) -> Option<&PoolData> {
        self.data.get(pool_id)
    }

    /// The data of `pool_id`, created empty if needed.
    fn pool_mut(&mut self, pool_id: &str) -> &mut PoolData {
        self.data.entry(pool_id.to_owned()).or_default()
    }
}

impl PoolData {
    /// `UserStore::update_user` under the lock.
    fn update_user(
        &mut self,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
    ) -> StoreResult<()> {
        let current = self.users.get(&user.username).ok_or(StoreError::NotFound)?;
        if current.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        if let Some(k) = keys.iter().find(|k| {
            self.keys
                .get(*k)
                .is_some_and(|owner| *owner != user.username)
        }) {
            return Err(StoreError::Conflict(ConflictKey::Index(k.clone())));
        }
        let mut stored = user.clone();
        stored.version = expected_version + 1;
        self.unindex(&user.username);
        self.index(&user.username, keys);
        self.users.insert(user.username.clone(), stored);
        Ok(())
    }

    fn unindex(&mut self, username: &str) {
        if let Some(old) = self.user_keys.remove(username) {
            for k in old {
                self.keys.remove(&k);
            }
        }
    }

    fn index(&mut self, username: &str, keys: &[IndexKey]) {
        for k in keys {
            self.keys.insert(k.clone(), username.to_owned());
        }
        self.user_keys.insert(username.to_owned(), keys.to_vec());
    }

    /// The keys of the user's pending codes.
    fn codes_of<'a>(
        &'a self,
        username: &'a str,
    ) -> impl Iterator<Item = &'a (String, CodePurpose)> {
        self.codes
            .range((username.to_owned(), CodePurpose::SignUp)..)
            .map(|(k, _)| k)
            .take_while(move |(u, _)| u == username)
    }

    /// Stores `code` under `key`, replacing any code there, in the expiry
    /// index too.
    fn insert_code(&mut self, key: (String, CodePurpose), code: CodeRecord) {
        if let Some(old) = self.codes.get(&key) {
            self.codes_by_expiry
                .remove(&(old.expires_at, key.0.clone(), key.1));
        }
        self.codes_by_expiry
            .insert((code.expires_at, key.0.clone(), key.1));
        self.codes.insert(key, code);
    }

    /// Removes the code under `key`, from the expiry index too.
    fn remove_code(&mut self, key: &(String, CodePurpose)) -> Option<CodeRecord> {
        let code = self.codes.remove(key)?;
        self.codes_by_expiry
            .remove(&(code.expires_at, key.0.clone(), key.1));
        Some(code)
    }

    /// Stores a new refresh token (its digest not stored yet) in every
    /// index, and carries the revocation of its family, if revoked, to
    /// its expiry.
    fn insert_refresh_token(&mut self, token: RefreshTokenRecord) {
        self.families
            .entry(token.origin_jti.clone())
            .or_default()
            .insert(token.digest);
        self.user_tokens
            .entry(token.username.clone())
            .or_default()
            .insert(token.digest);
        self.refresh_by_expiry
            .insert((token.expires_at, token.digest));
        for name in [&token.origin_jti, &token.event_id] {
            if self.revoked.contains_key(name.as_str()) {
                self.revoke(name, &token.origin_jti, token.expires_at);
            }
        }
        self.refresh.insert(token.digest, token);
    }

    /// Removes the refresh token `digest` and its entries in the family,
    /// user and expiry indexes.
    fn remove_refresh_token(&mut self, digest: &[u8; 32]) -> Option<RefreshTokenRecord> {
        let token = self.refresh.remove(digest)?;
        remove_from_index(&mut self.families, &token.origin_jti, digest);
        remove_from_index(&mut self.user_tokens, &token.username, digest);
        self.refresh_by_expiry.remove(&(token.expires_at, *digest));
        Some(token)
    }

    /// The latest expiry of the stored tokens of the family `origin_jti`.
    fn family_expiry(&self, origin_jti: &str) -> Option<Timestamp> {
        self.families
            .get(origin_jti)
            .into_iter()
            .flatten()
            .filter_map(|d| self.refresh.get(d))
            .map(|t| t.expires_at)
            .max()
    }

    /// Records `name` as a revoked name of the family `origin_jti`, kept at
    /// least until `expires_at` (a later expiry already recorded stays).
    fn revoke(&mut self, name: &str, origin_jti: &str, expires_at: Timestamp) {
        let expires_at = match self.revoked.get(name) {
            Some(r) if r.expires_at >= expires_at => return,
            Some(r) => {
                self.revoked_by_expiry
                    .remove(&(r.expires_at, name.to_owned()));
                expires_at
            }
            None => expires_at,
        };
        self.revoked_by_expiry.insert((expires_at, name.to_owned()));
        self.revoked.insert(
            name.to_owned(),
            Revocation {
                family: origin_jti.to_owned(),
                expires_at,
            },
        );
    }

    /// Removes the user's pending codes, memberships, refresh tokens and
    /// devices.
    fn remove_user_data(&mut self, username: &str) {
        self.remove_user_devices(username);
        let codes: Vec<(String, CodePurpose)> = self.codes_of(username).cloned().collect();
        for k in codes {
            self.remove_code(&k);
        }
        let groups: Vec<String> = second_of(&self.memberships, username, None)
            .cloned()
            .collect();
        for g in groups {
            self.memberships.remove(&(username.to_owned(), g.clone()));
            self.members.remove(&(g, username.to_owned()));
        }
        let digests: Vec<[u8; 32]> = self
            .user_tokens
            .get(username)
            .map(|d| d.iter().copied().collect())
            .unwrap_or_default();
        for d in digests {
            self.remove_refresh_token(&d);
        }
    }
}

/// Removes `digest` from the set of `name` in `index`, and the set when
/// it becomes empty.
fn remove_from_index(
    index: &mut HashMap<String, BTreeSet<[u8; 32]>>,
    name: &str,
    digest: &[u8; 32],
) {
    if let Some(set) = index.get_mut(name) {
        set.remove(digest);
        if set.is_empty() {
            index.remove(name);
        }
    }
}

/// The second elements of the pairs of `set` whose first element is
/// `first`, in order, strictly after `after` when given.
fn second_of<'a>(
    set: &'a BTreeSet<(String, String)>,
    first: &'a str,
    after: Option<&str>,
) -> impl Iterator<Item = &'a String> {
    let lower = match after {
        Some(a) => Bound::Excluded((first.to_owned(), a.to_owned())),
        None => Bound::Included((first.to_owned(), String::new())),
    };
    set.range((lower, Bound::Unbounded))
        .take_while(move |(f, _)| f == first)
        .map(|(_, s)| s)
}

/// An in-memory [`Store`](super::Store): one mutex over all state, so every
/// operation is trivially atomic. Cheap to create; not shared between
/// processes. Ephemeral records of names no user has are bounded per pool
/// (100 000; past it the one that expires first is dropped), since any
/// client can create them.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Critical sections never panic, so a poisoned lock still guards
        // consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the data of `pool_id` under the lock, or returns
    /// `absent` when nothing was ever stored under that id.
    fn read<T>(&self, pool_id: &str, absent: T, f: impl FnOnce(&PoolData) -> T) -> T {
        match self.lock().pool(pool_id) {
            Some(data) => f(data),
            None => absent,
        }
    }
}

/// The entries of `map` in key order, strictly after `after` when given.
fn page<'a, V>(
    map: &'a BTreeMap<String, V>,
    after: Option<&str>,
) -> impl Iterator<Item = (&'a String, &'a V)> {
    let start = match after {
        Some(a) => Bound::Excluded(a.to_owned()),
        None => Bound::Unbounded,
    };
    map.range((start, Bound::Unbounded))
}
