//! Many threads on one pool: unique emails under racing sign-ups, single-use
//! codes under racing confirmations, and the attempt limit under racing
//! guesses (the store contracts of `userpool::store`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use crate::api::common::MAX_ATTEMPTS;
use userpool::Timestamp;
use userpool::schema::Attribute;
use userpool::store::MemoryStore;
use userpool::store::{
    ClientRecord, CodePurpose, CodeRecord, CodeStore, DeviceRecord, DeviceStore, EphemeralKey,
    EphemeralRecord, EphemeralStore, GroupRecord, GroupStore, IndexKey, OnceId, PoolRecord,
    PoolStore, RefreshTokenRecord, StoreResult, SweepReport, SweepStore, TokenStore, UserRecord,
    UserStore,
};
use userpool::{Code, ConfirmSignUpRequest, ErrorCode, ManualClock, Outbox, UserStatus};

use super::common::{
    JANE, build_pool, quickstart, sign_up, sign_up_request, sign_up_request_via, wrong_code,
};
use crate::support::START;
use crate::support::pools::quickstart_config;

const THREADS: usize = 16;

#[test]
fn of_sixteen_racing_sign_ups_with_one_email_exactly_one_succeeds() {
    let h = quickstart();
    let start = Barrier::new(THREADS);
    let results: Vec<(usize, userpool::Result<String>)> = thread::scope(|s| {
        let h = &h;
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let (pool, start) = (h.pool.clone(), &start);
                s.spawn(move || {
                    let request =
                        sign_up_request(h, JANE).attribute("given_name", format!("Thread{i}"));
                    start.wait();
                    (i, pool.sign_up(request).map(|r| r.user_sub))
                })
            })
            .collect();
        handles.into_iter().map(|t| t.join().unwrap()).collect()
    });

    let winners: Vec<&(usize, userpool::Result<String>)> =
        results.iter().filter(|(_, r)| r.is_ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for (i, r) in &results {
        if let Err(e) = r {
            assert_eq!(
                (e.code(), e.message()),
                (
                    ErrorCode::UsernameExists,
                    "An account with the given email already exists."
                ),
                "thread {i}"
            );
        }
    }

    let (winner, sub) = match winners[0] {
        (i, Ok(sub)) => (*i, sub.clone()),
        _ => unreachable!(),
    };
    let users = h.all_users();
    assert_eq!(users.len(), 1);
    let stored: Vec<(&str, &str)> = users[0]
        .attributes
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_str()))
        .collect();
    let given_name = format!("Thread{winner}");
    assert_eq!(
        stored,
        [
            ("sub", sub.as_str()),
            ("address", "1 Main St"),
            ("custom:created_at", "2022-01-01"),
            ("custom:employee_id", "10"),
            ("custom:is_admin", "false"),
            ("custom:tenant_id", "1234567890"),
            ("email", JANE),
            ("family_name", "Foobar"),
            ("given_name", given_name.as_str()),
        ]
    );
    assert_eq!(users[0].username, sub);
    assert_eq!(h.outbox.messages().len(), 1, "one code, for the winner");
    assert_eq!(h.outbox.messages()[0].username, sub);
}

#[test]
fn of_racing_confirmations_with_the_right_code_exactly_one_succeeds() {
    let h = quickstart();
    sign_up(&h, JANE);
    let code = h.code_for(JANE);
    let start = Barrier::new(THREADS);
    let results: Vec<userpool::Result<()>> = thread::scope(|s| {
        let h = &h;
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (pool, start, code) = (h.pool.clone(), &start, code.clone());
                s.spawn(move || {
                    start.wait();
                    pool.confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, code))
                })
            })
            .collect();
        handles.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    for e in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(e.code(), ErrorCode::NotAuthorized | ErrorCode::ExpiredCode),
            "{e:?}"
        );
    }
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

/// Updates `name` to `value`, retrying while the pool reports contention
/// (`TooManyRequestsException` after its bounded compare-and-swap retries),
/// as a Cognito client retries throttled calls. Returns the retries needed.
fn update_retrying(pool: &userpool::UserPool, name: &str, value: &str) -> usize {
    for retries in 0..100 {
        match pool.admin_update_user_attributes(JANE, vec![Attribute::new(name, value)]) {
            Ok(()) => return retries,
            Err(e) if e.code() == ErrorCode::TooManyRequests => continue,
            Err(e) => panic!("update {name}={value}: {e}"),
        }
    }
    panic!("update {name}={value} never got through");
}

#[test]
fn racing_attribute_updates_lose_no_write() {
    let h = quickstart();
    sign_up(&h, JANE);
    let start = Barrier::new(2);
    thread::scope(|s| {
        let (a, b) = (h.pool.clone(), h.pool.clone());
        let start = &start;
        s.spawn(move || {
            start.wait();
            for i in 0..20 {
                update_retrying(&a, "address", &format!("{i} Main St"));
            }
        });
        s.spawn(move || {
            start.wait();
            for i in 0..20 {
                update_retrying(
                    &b,
                    "custom:is_admin",
                    if i % 2 == 0 { "true" } else { "false" },
                );
            }
        });
    });
    let user = h.user(JANE);
    assert_eq!(user.attribute("address"), Some("19 Main St"));
    assert_eq!(user.attribute("custom:is_admin"), Some("false"));
    assert_eq!(user.attribute("family_name"), Some("Foobar"));
}

/// A [`MemoryStore`] whose `get_code` can be made to wait until `n` callers
/// have read the pending code: it forces the interleaving in which every
/// racing guess reads the attempt counter before any guess records a failure.
#[derive(Debug)]
struct ReadsTogether {
    inner: MemoryStore,
    armed: AtomicBool,
    gate: Barrier,
}

impl UserStore for ReadsTogether {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[IndexKey]) -> StoreResult<()> {
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
}

impl CodeStore for ReadsTogether {
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        sub: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        self.inner.put_code(pool_id, username, sub, purpose, code)
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        let read = self.inner.get_code(pool_id, username, purpose);
        if self.armed.load(Ordering::SeqCst) {
            self.gate.wait();
        }
        read
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

// Tokens, ephemeral records, pools and groups: plain delegation.
impl TokenStore for ReadsTogether {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
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

    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        self.inner.revoke_token_family(pool_id, origin_jti)
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        self.inner.revoke_user_tokens(pool_id, username)
    }

    fn is_family_revoked(&self, pool_id: &str, origin_jti: &str) -> StoreResult<bool> {
        self.inner.is_family_revoked(pool_id, origin_jti)
    }

    fn consume_once(&self, pool_id: &str, id: &OnceId, expires_at: Timestamp) -> StoreResult<bool> {
        self.inner.consume_once(pool_id, id, expires_at)
    }
}

impl SweepStore for ReadsTogether {
    fn sweep_expired(
        &self,
        pool_id: &str,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<SweepReport> {
        self.inner.sweep_expired(pool_id, now, limit)
    }
}

impl EphemeralStore for ReadsTogether {
    fn get_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
    ) -> StoreResult<Option<EphemeralRecord>> {
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
        self.inner
            .put_ephemeral(pool_id, key, data, expires_at, expected_version)
    }
}

impl PoolStore for ReadsTogether {
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        self.inner.insert_pool(pool)
    }

    fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        self.inner.get_pool(id)
    }

    fn update_pool(&self, pool: &PoolRecord, expected_version: u64) -> StoreResult<()> {
        self.inner.update_pool(pool, expected_version)
    }

    fn delete_pool(&self, id: &str) -> StoreResult<()> {
        self.inner.delete_pool(id)
    }

    fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<PoolRecord>> {
        self.inner.list_pools(after, limit)
    }

    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
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

impl DeviceStore for ReadsTogether {
    fn insert_device(&self, pool_id: &str, device: &DeviceRecord) -> StoreResult<()> {
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

impl GroupStore for ReadsTogether {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        self.inner.create_group(pool_id, group)
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        self.inner.get_group(pool_id, name)
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
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

    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
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

/// `CodeStore::record_code_attempt` warns that "the attempt limit can be
/// outrun by parallel guesses"; the pool must not let it be. Here twice the
/// limit of wrong guesses race, all reading the counter before any failure
/// is recorded (a legal interleaving, forced by the store): at most
/// `MAX_ATTEMPTS` of them may be judged, the rest refused.
#[test]
fn racing_wrong_guesses_cannot_outrun_the_attempt_limit() {
    let racers = 2 * MAX_ATTEMPTS as usize;
    let store = Arc::new(ReadsTogether {
        inner: MemoryStore::new(),
        armed: AtomicBool::new(false),
        gate: Barrier::new(racers),
    });
    let clock = ManualClock::new(START);
    let outbox = Outbox::new();
    let pool = build_pool(
        quickstart_config().build().unwrap(),
        store.clone(),
        &clock,
        &outbox,
    );
    let client = pool
        .create_user_pool_client(
            super::common::password_client_config("racers")
                .build()
                .unwrap(),
        )
        .unwrap();
    let client = client.id();
    pool.sign_up(sign_up_request_via(client, JANE)).unwrap();
    let right = outbox.last_code_for(JANE).unwrap();
    let wrong: Code = wrong_code(&right);

    store.armed.store(true, Ordering::SeqCst);
    let results: Vec<userpool::Result<()>> = thread::scope(|s| {
        let handles: Vec<_> = (0..racers)
            .map(|_| {
                let (pool, wrong) = (pool.clone(), wrong.clone());
                s.spawn(move || {
                    pool.confirm_sign_up(ConfirmSignUpRequest::new(client, JANE, wrong))
                })
            })
            .collect();
        handles.into_iter().map(|t| t.join().unwrap()).collect()
    });
    store.armed.store(false, Ordering::SeqCst);

    let judged = results
        .iter()
        .filter(|r| {
            r.as_ref()
                .is_err_and(|e| e.code() == ErrorCode::CodeMismatch)
        })
        .count();
    assert!(
        judged <= MAX_ATTEMPTS as usize,
        "{judged} of {racers} racing guesses were checked against the code; the limit is {MAX_ATTEMPTS}"
    );
}

#[test]
fn racing_wrong_guesses_are_all_counted() {
    // Whatever the interleaving, no failure is lost: after the race the
    // right code is refused because the limit was reached.
    let h = quickstart();
    sign_up(&h, JANE);
    let right = h.code_for(JANE);
    let wrong = wrong_code(&right);
    let start = Barrier::new(THREADS);
    thread::scope(|s| {
        let h = &h;
        for _ in 0..THREADS {
            let (pool, start, wrong) = (h.pool.clone(), &start, wrong.clone());
            s.spawn(move || {
                start.wait();
                let e = pool
                    .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, wrong))
                    .unwrap_err();
                assert!(
                    matches!(e.code(), ErrorCode::CodeMismatch | ErrorCode::LimitExceeded),
                    "{e:?}"
                );
            });
        }
    });
    let e = h
        .pool
        .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, right))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::LimitExceeded);
    assert_eq!(h.user(JANE).status, UserStatus::Unconfirmed);
}

#[test]
fn of_two_racing_confirmations_of_one_email_alias_exactly_one_wins() {
    let h = super::common::alias_pool();
    for name in ["bob", "carol"] {
        h.pool
            .sign_up(
                userpool::SignUpRequest::new(h.client(), name, crate::support::PASSWORD)
                    .attribute("email", "shared@example.com"),
            )
            .unwrap();
    }
    let start = Barrier::new(2);
    let results: Vec<(&str, userpool::Result<()>)> = thread::scope(|s| {
        let h = &h;
        let handles: Vec<_> = ["bob", "carol"]
            .into_iter()
            .map(|name| {
                let (pool, start, code) = (h.pool.clone(), &start, h.code_for(name));
                s.spawn(move || {
                    start.wait();
                    (
                        name,
                        pool.confirm_sign_up(ConfirmSignUpRequest::new(h.client(), name, code)),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let winners: Vec<&str> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for (_, r) in &results {
        if let Err(e) = r {
            assert_eq!(e.code(), ErrorCode::AliasExists);
        }
    }
    assert_eq!(h.user("shared@example.com").username, winners[0]);
}
