#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use super::*;
use crate::store::conformance::{sample_pool, sample_user};
use crate::store::{
    DeviceRecord, DeviceStatus, GroupRecord, MemoryStore, PendingSoftwareToken, SoftwareToken,
};

/// A [`MemoryStore`] that records the name of every method called on it.
#[derive(Debug, Default)]
struct Spy {
    inner: MemoryStore,
    calls: Mutex<Vec<&'static str>>,
}

impl Spy {
    fn record(&self, name: &'static str) {
        self.calls.lock().unwrap().push(name);
    }

    fn calls(&self) -> Vec<&'static str> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

impl UserStore for Spy {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[IndexKey]) -> StoreResult<()> {
        self.record("insert_user");
        self.inner.insert_user(pool_id, user, keys)
    }

    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>> {
        self.record("get_user");
        self.inner.get_user(pool_id, username)
    }

    fn find_user(&self, pool_id: &str, key: &IndexKey) -> StoreResult<Option<UserRecord>> {
        self.record("find_user");
        self.inner.find_user(pool_id, key)
    }

    fn update_user(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
    ) -> StoreResult<()> {
        self.record("update_user");
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
        self.record("update_user_taking_code");
        self.inner
            .update_user_taking_code(pool_id, user, expected_version, keys, purpose, code_id)
    }

    fn delete_user(&self, pool_id: &str, username: &str, expected_version: u64) -> StoreResult<()> {
        self.record("delete_user");
        self.inner.delete_user(pool_id, username, expected_version)
    }

    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        self.record("list_users");
        self.inner.list_users(pool_id, after, limit)
    }

    fn list_users_by_attribute_prefix(
        &self,
        pool_id: &str,
        attribute: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        self.record("list_users_by_attribute_prefix");
        self.inner
            .list_users_by_attribute_prefix(pool_id, attribute, prefix, after, limit)
    }
}

impl CodeStore for Spy {
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        sub: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        self.record("put_code");
        self.inner.put_code(pool_id, username, sub, purpose, code)
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        self.record("get_code");
        self.inner.get_code(pool_id, username, purpose)
    }

    fn record_code_attempt(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>> {
        self.record("record_code_attempt");
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
        self.record("take_code");
        self.inner.take_code(pool_id, username, purpose, code_id)
    }
}

impl TokenStore for Spy {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
        self.record("put_refresh_token");
        self.inner.put_refresh_token(pool_id, token)
    }

    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        self.record("get_refresh_token");
        self.inner.get_refresh_token(pool_id, digest)
    }

    fn mark_refresh_token_replaced(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
        at: Timestamp,
    ) -> StoreResult<bool> {
        self.record("mark_refresh_token_replaced");
        self.inner.mark_refresh_token_replaced(pool_id, digest, at)
    }

    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        self.record("revoke_token_family");
        self.inner.revoke_token_family(pool_id, origin_jti)
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        self.record("revoke_user_tokens");
        self.inner.revoke_user_tokens(pool_id, username)
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        self.record("is_family_revoked");
        self.inner.is_family_revoked(pool_id, id)
    }

    fn consume_once(&self, pool_id: &str, id: &OnceId, expires_at: Timestamp) -> StoreResult<bool> {
        self.record("consume_once");
        self.inner.consume_once(pool_id, id, expires_at)
    }
}

impl SweepStore for Spy {
    fn sweep_expired(
        &self,
        pool_id: &str,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<SweepReport> {
        self.record("sweep_expired");
        self.inner.sweep_expired(pool_id, now, limit)
    }
}

impl EphemeralStore for Spy {
    fn get_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
    ) -> StoreResult<Option<EphemeralRecord>> {
        self.record("get_ephemeral");
        self.inner.get_ephemeral(pool_id, key)
    }

    fn put_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
        data: &[u8],
        expires_at: Timestamp,
        expected_version: u64,
    ) -> StoreResult<bool> {
        self.record("put_ephemeral");
        self.inner
            .put_ephemeral(pool_id, key, data, expires_at, expected_version)
    }
}

impl DeviceStore for Spy {
    fn insert_device(&self, pool_id: &str, device: &DeviceRecord) -> StoreResult<()> {
        self.record("insert_device");
        self.inner.insert_device(pool_id, device)
    }

    fn get_device(&self, pool_id: &str, key: &str) -> StoreResult<Option<DeviceRecord>> {
        self.record("get_device");
        self.inner.get_device(pool_id, key)
    }

    fn update_device(
        &self,
        pool_id: &str,
        device: &DeviceRecord,
        expected_version: u64,
    ) -> StoreResult<()> {
        self.record("update_device");
        self.inner.update_device(pool_id, device, expected_version)
    }

    fn delete_device(&self, pool_id: &str, key: &str) -> StoreResult<()> {
        self.record("delete_device");
        self.inner.delete_device(pool_id, key)
    }

    fn list_devices(
        &self,
        pool_id: &str,
        username: &str,
        limit: usize,
    ) -> StoreResult<Vec<DeviceRecord>> {
        self.record("list_devices");
        self.inner.list_devices(pool_id, username, limit)
    }
}

impl GroupStore for Spy {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        self.record("create_group");
        self.inner.create_group(pool_id, group)
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        self.record("get_group");
        self.inner.get_group(pool_id, name)
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        self.record("update_group");
        self.inner.update_group(pool_id, group)
    }

    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        self.record("delete_group");
        self.inner.delete_group(pool_id, name)
    }

    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        self.record("list_groups");
        self.inner.list_groups(pool_id, after, limit)
    }

    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        self.record("add_to_group");
        self.inner.add_to_group(pool_id, group, username)
    }

    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        self.record("remove_from_group");
        self.inner.remove_from_group(pool_id, group, username)
    }

    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>> {
        self.record("groups_of_user");
        self.inner.groups_of_user(pool_id, username)
    }

    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        self.record("users_in_group");
        self.inner.users_in_group(pool_id, group, after, limit)
    }
}

impl PoolStore for Spy {
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        self.record("insert_pool");
        self.inner.insert_pool(pool)
    }

    fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        self.record("get_pool");
        self.inner.get_pool(id)
    }

    fn update_pool(&self, pool: &PoolRecord, expected_version: u64) -> StoreResult<()> {
        self.record("update_pool");
        self.inner.update_pool(pool, expected_version)
    }

    fn delete_pool(&self, id: &str) -> StoreResult<()> {
        self.record("delete_pool");
        self.inner.delete_pool(id)
    }

    fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<PoolRecord>> {
        self.record("list_pools");
        self.inner.list_pools(after, limit)
    }

    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
        self.record("insert_client");
        self.inner.insert_client(pool_id, client)
    }

    fn get_client(&self, pool_id: &str, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        self.record("get_client");
        self.inner.get_client(pool_id, client_id)
    }

    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>> {
        self.record("find_client");
        self.inner.find_client(client_id)
    }

    fn update_client(
        &self,
        pool_id: &str,
        client: &ClientRecord,
        expected_version: u64,
    ) -> StoreResult<()> {
        self.record("update_client");
        self.inner.update_client(pool_id, client, expected_version)
    }

    fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<()> {
        self.record("delete_client");
        self.inner.delete_client(pool_id, client_id)
    }

    fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ClientRecord>> {
        self.record("list_clients");
        self.inner.list_clients(pool_id, after, limit)
    }
}

const P: &str = "p";

fn spied() -> (Arc<Spy>, Arc<dyn Store>) {
    let spy = Arc::new(Spy::default());
    let limited = Limited::wrap(Arc::clone(&spy) as Arc<dyn Store>);
    (spy, limited)
}

fn invalid<T: std::fmt::Debug>(r: StoreResult<T>) -> String {
    match r {
        Err(StoreError::InvalidInput(what)) => what,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn code() -> CodeRecord {
    CodeRecord {
        id: 1,
        digest: [1; 32],
        attribute: None,
        destination: None,
        issued_at: Timestamp::UNIX_EPOCH,
        expires_at: Timestamp::UNIX_EPOCH,
        attempts: 0,
    }
}

fn group(name: &str) -> GroupRecord {
    GroupRecord {
        name: name.to_owned(),
        description: None,
        role_arn: None,
        precedence: None,
        created_at: Timestamp::UNIX_EPOCH,
        modified_at: Timestamp::UNIX_EPOCH,
    }
}

fn client(id: &str) -> ClientRecord {
    ClientRecord {
        client_id: id.to_owned(),
        definition: String::new(),
        sealed_secret: None,
        created_at: Timestamp::UNIX_EPOCH,
        modified_at: Timestamp::UNIX_EPOCH,
        version: 0,
    }
}

fn token() -> RefreshTokenRecord {
    RefreshTokenRecord {
        digest: [2; 32],
        client_id: "c".to_owned(),
        username: "alice".to_owned(),
        sub: "s".to_owned(),
        origin_jti: "o".to_owned(),
        event_id: "e".to_owned(),
        auth_time: Timestamp::UNIX_EPOCH,
        issued_at: Timestamp::UNIX_EPOCH,
        expires_at: Timestamp::UNIX_EPOCH,
        replaced_at: None,
        revoked: false,
        device_key: None,
        scope: None,
    }
}

fn device(key: &str) -> DeviceRecord {
    DeviceRecord {
        key: key.to_owned(),
        username: "alice".to_owned(),
        sub: "s".to_owned(),
        group_key: "g".to_owned(),
        status: DeviceStatus::Unconfirmed,
        sealed_verifier: None,
        name: None,
        last_ip: None,
        created_at: Timestamp::UNIX_EPOCH,
        modified_at: Timestamp::UNIX_EPOCH,
        last_authenticated_at: None,
        expires_at: None,
        version: 0,
    }
}

#[test]
fn wrapping_twice_checks_once() {
    let (_, once) = spied();
    let twice = Limited::wrap(Arc::clone(&once));
    assert!(Arc::ptr_eq(&once, &twice));
    let other: Arc<dyn Store> = Arc::new(MemoryStore::new());
    assert!(!Arc::ptr_eq(&other, &Limited::wrap(Arc::clone(&other))));
}

/// Every method reaches the method of the same name underneath, once:
/// the store's own prefix search included, never the trait's default scan.
#[test]
fn every_call_reaches_the_same_method_of_the_store() {
    let (spy, s) = spied();
    let key = IndexKey::Username("alice".to_owned());
    let alice = sample_user("alice");
    let once = OnceId::Session("x".to_owned());
    let at = Timestamp::UNIX_EPOCH;
    let unknown = EphemeralKey::UnknownSignIn { digest: [3; 32] };
    let dev = device("d");
    let calls: [(&str, &dyn Fn()); 47] = [
        ("insert_user", &|| drop(s.insert_user(P, &alice, &[]))),
        ("get_user", &|| drop(s.get_user(P, "alice"))),
        ("find_user", &|| drop(s.find_user(P, &key))),
        ("update_user", &|| drop(s.update_user(P, &alice, 1, &[]))),
        ("update_user_taking_code", &|| {
            drop(s.update_user_taking_code(P, &alice, 1, &[], CodePurpose::SignUp, 1));
        }),
        ("list_users", &|| drop(s.list_users(P, None, 1))),
        ("list_users_by_attribute_prefix", &|| {
            drop(s.list_users_by_attribute_prefix(P, "email", "a", None, 1));
        }),
        ("delete_user", &|| drop(s.delete_user(P, "alice", 1))),
        ("put_code", &|| {
            drop(s.put_code(P, "alice", "sub-alice", CodePurpose::SignUp, &code()))
        }),
        ("get_code", &|| {
            drop(s.get_code(P, "alice", CodePurpose::SignUp))
        }),
        ("record_code_attempt", &|| {
            drop(s.record_code_attempt(P, "alice", CodePurpose::SignUp, 1));
        }),
        ("take_code", &|| {
            drop(s.take_code(P, "alice", CodePurpose::SignUp, 1))
        }),
        ("put_refresh_token", &|| {
            drop(s.put_refresh_token(P, &token()))
        }),
        ("get_refresh_token", &|| {
            drop(s.get_refresh_token(P, &[2; 32]))
        }),
        ("mark_refresh_token_replaced", &|| {
            drop(s.mark_refresh_token_replaced(P, &[2; 32], at));
        }),
        ("revoke_token_family", &|| {
            drop(s.revoke_token_family(P, "o"))
        }),
        ("revoke_user_tokens", &|| {
            drop(s.revoke_user_tokens(P, "alice"))
        }),
        ("is_family_revoked", &|| drop(s.is_family_revoked(P, "o"))),
        ("consume_once", &|| drop(s.consume_once(P, &once, at))),
        ("get_ephemeral", &|| drop(s.get_ephemeral(P, &unknown))),
        ("put_ephemeral", &|| {
            drop(s.put_ephemeral(P, &unknown, b"1", at, 0))
        }),
        ("sweep_expired", &|| drop(s.sweep_expired(P, at, 1))),
        ("create_group", &|| drop(s.create_group(P, &group("g")))),
        ("get_group", &|| drop(s.get_group(P, "g"))),
        ("update_group", &|| drop(s.update_group(P, &group("g")))),
        ("list_groups", &|| drop(s.list_groups(P, None, 1))),
        ("add_to_group", &|| drop(s.add_to_group(P, "g", "alice"))),
        ("groups_of_user", &|| drop(s.groups_of_user(P, "alice"))),
        ("users_in_group", &|| {
            drop(s.users_in_group(P, "g", None, 1))
        }),
        ("remove_from_group", &|| {
            drop(s.remove_from_group(P, "g", "alice"))
        }),
        ("delete_group", &|| drop(s.delete_group(P, "g"))),
        ("insert_device", &|| drop(s.insert_device(P, &dev))),
        ("get_device", &|| drop(s.get_device(P, "d"))),
        ("update_device", &|| drop(s.update_device(P, &dev, 1))),
        ("list_devices", &|| drop(s.list_devices(P, "alice", 1))),
        ("delete_device", &|| drop(s.delete_device(P, "d"))),
        ("insert_pool", &|| drop(s.insert_pool(&sample_pool(P)))),
        ("get_pool", &|| drop(s.get_pool(P))),
        ("update_pool", &|| drop(s.update_pool(&sample_pool(P), 1))),
        ("list_pools", &|| drop(s.list_pools(None, 1))),
        ("insert_client", &|| drop(s.insert_client(P, &client("c")))),
        ("get_client", &|| drop(s.get_client(P, "c"))),
        ("find_client", &|| drop(s.find_client("c"))),
        ("update_client", &|| {
            drop(s.update_client(P, &client("c"), 1))
        }),
        ("list_clients", &|| drop(s.list_clients(P, None, 1))),
        ("delete_client", &|| drop(s.delete_client(P, "c"))),
        ("delete_pool", &|| drop(s.delete_pool(P))),
    ];
    for (name, call) in calls {
        call();
        assert_eq!(spy.calls(), [name]);
    }
}

/// Out of bounds, nothing reaches the store, and the message names the
/// field and its length, never its content.
#[test]
fn writes_out_of_bounds_never_reach_the_store() {
    let (spy, s) = spied();
    let max = MAX_KEY_BYTES;
    let mut alice = sample_user("alice");

    let key = IndexKey::Email("e".repeat(max - "email:".len() + 1));
    assert_eq!(
        invalid(s.insert_user(P, &alice, &[key])),
        format!("index key is {} bytes long, more than {max}", max + 1)
    );
    let key = IndexKey::Email("secret\0".to_owned());
    assert_eq!(
        invalid(s.update_user(P, &alice, 1, &[key])),
        "index key contains NUL"
    );
    assert_eq!(
        invalid(s.insert_user(&"p".repeat(max + 1), &alice, &[])),
        format!("pool id is {} bytes long, more than {max}", max + 1)
    );
    alice
        .attributes
        .insert("custom:big".to_owned(), "v".repeat(MAX_VALUE_BYTES));
    let attributes: usize = alice
        .attributes
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .sum();
    assert_eq!(
        invalid(s.update_user_taking_code(P, &alice, 1, &[], CodePurpose::SignUp, 1)),
        format!("attributes is {attributes} bytes long, more than {MAX_VALUE_BYTES}")
    );
    let mut c = code();
    c.attribute = Some("em\0ail".to_owned());
    assert_eq!(
        invalid(s.put_code(P, "alice", "sub-alice", CodePurpose::SignUp, &c)),
        "code attribute contains NUL"
    );
    assert_eq!(
        invalid(s.put_code(P, "alice", "s\0", CodePurpose::SignUp, &code())),
        "sub contains NUL"
    );
    let unknown = EphemeralKey::UnknownSignIn { digest: [3; 32] };
    assert_eq!(
        invalid(s.put_ephemeral(P, &unknown, &[0; 1025], Timestamp::UNIX_EPOCH, 0)),
        "ephemeral data is 1025 bytes long, more than 1024"
    );
    let named = |username: String| EphemeralKey::CodeSends {
        username,
        purpose: CodePurpose::SignUp,
    };
    assert_eq!(
        invalid(s.put_ephemeral(P, &named("a\0".to_owned()), b"", Timestamp::UNIX_EPOCH, 0)),
        "ephemeral key contains NUL"
    );
    let long = named("n".repeat(max + 1 - "code_sends:sign_up:".len()));
    assert_eq!(
        invalid(s.put_ephemeral(P, &long, b"", Timestamp::UNIX_EPOCH, 0)),
        format!("ephemeral key is {} bytes long, more than {max}", max + 1)
    );
    let mut t = token();
    t.event_id = "e\0".to_owned();
    assert_eq!(invalid(s.put_refresh_token(P, &t)), "event_id contains NUL");
    assert_eq!(
        invalid(s.revoke_token_family(P, "o\0")),
        "origin_jti contains NUL"
    );
    let once = OnceId::Session("s".repeat(max));
    assert_eq!(
        invalid(s.consume_once(P, &once, Timestamp::UNIX_EPOCH)),
        format!("one-time id is {} bytes long, more than {max}", max + 8)
    );
    let mut g = group("g");
    g.role_arn = Some("r".repeat(MAX_VALUE_BYTES + 1));
    assert_eq!(
        invalid(s.update_group(P, &g)),
        format!(
            "group role is {} bytes long, more than {MAX_VALUE_BYTES}",
            MAX_VALUE_BYTES + 1
        )
    );
    assert_eq!(
        invalid(s.add_to_group(P, "g", "a\0")),
        "username contains NUL"
    );
    let mut pool = sample_pool(P);
    pool.sealing_key_id = "k\0".to_owned();
    assert_eq!(invalid(s.insert_pool(&pool)), "sealing key id contains NUL");
    let mut cl = client("c");
    cl.definition = "d".repeat(MAX_VALUE_BYTES + 1);
    assert_eq!(
        invalid(s.update_client(P, &cl, 1)),
        format!(
            "client definition is {} bytes long, more than {MAX_VALUE_BYTES}",
            MAX_VALUE_BYTES + 1
        )
    );
    assert!(spy.calls().is_empty(), "the store saw a refused write");
}

/// Exactly at the limits, writes pass.
#[test]
fn writes_at_the_limits_pass() {
    let (spy, s) = spied();
    let mut user = sample_user(&"u".repeat(MAX_KEY_BYTES));
    user.attributes.clear();
    user.attributes
        .insert("a".to_owned(), "v".repeat(MAX_VALUE_BYTES - 1));
    user.password_hash = Some("h".repeat(MAX_VALUE_BYTES));
    user.srp_verifier = Some(vec![0; MAX_VALUE_BYTES]);
    let key = IndexKey::PreferredUsername("k".repeat(MAX_KEY_BYTES - "preferred_username:".len()));
    s.insert_user(&"p".repeat(MAX_KEY_BYTES), &user, &[key])
        .unwrap();
    let once = OnceId::Session("s".repeat(MAX_KEY_BYTES - "session:".len()));
    assert!(s.consume_once(P, &once, Timestamp::UNIX_EPOCH).unwrap());
    let widest = EphemeralKey::CodeGuesses {
        username: "g".repeat(MAX_KEY_BYTES - "code_guesses:verify_phone_number:".len()),
        purpose: CodePurpose::VerifyPhoneNumber,
    };
    assert!(
        s.put_ephemeral(
            P,
            &widest,
            &[0; MAX_EPHEMERAL_BYTES],
            Timestamp::UNIX_EPOCH,
            0
        )
        .unwrap()
    );
    assert_eq!(
        spy.calls(),
        ["insert_user", "consume_once", "put_ephemeral"]
    );
}

/// Devices, the software token of a user and the device of a refresh
/// token are under the same limits as every key and value: out of
/// bounds, nothing reaches the store; exactly at them, writes pass.
#[test]
fn mfa_and_device_writes_are_under_the_limits() {
    let (spy, s) = spied();
    let max = MAX_KEY_BYTES;
    let over = MAX_VALUE_BYTES + 1;

    let mut d = device(&"k".repeat(max + 1));
    assert_eq!(
        invalid(s.insert_device(P, &d)),
        format!("device key is {} bytes long, more than {max}", max + 1)
    );
    d.key = "k".to_owned();
    d.username = "al\0ice".to_owned();
    assert_eq!(invalid(s.update_device(P, &d, 1)), "username contains NUL");
    d.username = "alice".to_owned();
    d.sub = "s\0".to_owned();
    assert_eq!(invalid(s.insert_device(P, &d)), "sub contains NUL");
    d.sub = "s".to_owned();
    d.group_key = "g\0".to_owned();
    assert_eq!(
        invalid(s.insert_device(P, &d)),
        "device group key contains NUL"
    );
    d.group_key = "g".to_owned();
    d.name = Some("n".repeat(max + 1));
    assert_eq!(
        invalid(s.update_device(P, &d, 1)),
        format!("device name is {} bytes long, more than {max}", max + 1)
    );
    d.name = None;
    d.last_ip = Some("10.0.0.1\0".to_owned());
    assert_eq!(
        invalid(s.insert_device(P, &d)),
        "device last IP contains NUL"
    );
    d.last_ip = None;
    d.sealed_verifier = Some(vec![0; over]);
    assert_eq!(
        invalid(s.insert_device(P, &d)),
        format!("sealed device verifier is {over} bytes long, more than {MAX_VALUE_BYTES}")
    );
    assert_eq!(
        invalid(s.insert_device("p\0", &device("k"))),
        "pool id contains NUL"
    );

    let mut alice = sample_user("alice");
    alice.mfa.software_token = Some(SoftwareToken {
        sealed_secret: vec![1; 16],
        friendly_name: Some("phone\0".to_owned()),
        last_used_step: None,
        verified_at: Timestamp::UNIX_EPOCH,
    });
    assert_eq!(
        invalid(s.insert_user(P, &alice, &[])),
        "software token name contains NUL"
    );
    alice.mfa.software_token = None;
    alice.mfa.pending_software_token = Some(PendingSoftwareToken {
        sealed_secret: vec![0; over],
        created_at: Timestamp::UNIX_EPOCH,
    });
    assert_eq!(
        invalid(s.update_user(P, &alice, 1, &[])),
        format!("sealed software token is {over} bytes long, more than {MAX_VALUE_BYTES}")
    );
    let mut t = token();
    t.device_key = Some("d\0".to_owned());
    assert_eq!(
        invalid(s.put_refresh_token(P, &t)),
        "device key contains NUL"
    );
    assert!(spy.calls().is_empty(), "the store saw a refused write");

    // Exactly at the limits.
    let mut d = device(&"k".repeat(max));
    d.name = Some("n".repeat(max));
    d.last_ip = Some("i".repeat(max));
    d.sealed_verifier = Some(vec![0; MAX_VALUE_BYTES]);
    s.insert_device(P, &d).unwrap();
    alice.mfa.pending_software_token = Some(PendingSoftwareToken {
        sealed_secret: vec![0; MAX_VALUE_BYTES],
        created_at: Timestamp::UNIX_EPOCH,
    });
    alice.mfa.software_token = Some(SoftwareToken {
        sealed_secret: vec![0; MAX_VALUE_BYTES],
        friendly_name: Some("f".repeat(max)),
        last_used_step: Some(u64::MAX),
        verified_at: Timestamp::UNIX_EPOCH,
    });
    s.insert_user(P, &alice, &[]).unwrap();
    t.device_key = Some("d".repeat(max));
    s.put_refresh_token(P, &t).unwrap();
    assert_eq!(
        spy.calls(),
        ["insert_device", "insert_user", "put_refresh_token"]
    );
    assert_eq!(
        s.get_device(P, &"k".repeat(max)).unwrap().unwrap().name,
        d.name
    );
}
