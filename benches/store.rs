//! What each store costs, through the pool API, beside the Argon2id floor
//! measured in the same run. docs/PERFORMANCE.md ("Stores") records the
//! numbers.
//!
//! For each store — `memory` ([`MemoryStore`]), `sqlite` ([`SqliteStore`]
//! on a file: WAL, `synchronous=FULL`) and `postgres` ([`PostgresStore`],
//! only when `USERPOOL_POSTGRES_URL` is set):
//!
//! * `store/<kind>/sign_up`: `SignUp` of a fresh user through an app client
//!   that allows no SRP flow (so no verifier exponentiation), in a pool that
//!   uses the email as username and auto-verifies it: one Argon2id hash at
//!   the test preset, the client read (and the client list, which tells
//!   whether any allows SRP), the user inserted with its index keys, the
//!   confirmation code stored. A fresh pool in a fresh store (file,
//!   schema) every run.
//! * `store/<kind>/admin_get_user`: `AdminGetUser` of one user of a pool of
//!   100 000, by internal username (one index-key lookup).
//! * `store/<kind>/list_users_prefix_100k`: `ListUsers` with
//!   `email ^= "user04242"` (10 matches) and limit 60 in that pool: what
//!   the store's attribute index answers.
//! * `store/<kind>/list_users_scan_100k`: `ListUsers` with
//!   `status = "Disabled"` (one match) and limit 60: no store indexes it, so
//!   every user is read.
//! * `store/floor/argon2_test_preset`: one Argon2id hash at the test preset,
//!   the floor of `sign_up`.
//!
//! The pool of 100 000 users (`user000000@example.com` …
//! `user099999@example.com`, the last one disabled) is created through
//! `AdminCreateUser` (invitation suppressed) and kept between runs: SQLite's
//! in `<target>/userpool-bench/store-100k.sqlite`, PostgreSQL's in the
//! schema `userpool_bench_100k`, reused when the last user is there and
//! disabled (it is created last) and created anew otherwise. The memory
//! store is filled every run. Population times are printed.
//!
//! Run by `cargo test --benches` (criterion's test mode), the pool holds
//! 1 000 users instead, cached under their own names (`…_1k`).
//!
//! `cargo bench --bench store` (see docs/PERFORMANCE.md for the PostgreSQL
//! server the recorded numbers come from).
#![allow(clippy::panic)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use userpool::HashingParams;
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::PoolConfig;
use userpool::config::{UsernameAttribute, VerifiedAttribute};
use userpool::internals::password::hash_password;
use userpool::store::{MemoryStore, Store};
use userpool::store::{PostgresStore, SqliteStore};
use userpool::token::KeySet;
use userpool::{
    AdminCreateUserRequest, ListUsersRequest, MessageAction, MessageSender, Password,
    SignUpRequest, UserPool,
};
use userpool::{DeliveryError, Message};

/// The id and secret of the populated pool: the same every run, so a cached
/// database serves it again.
const POOL_ID: &str = "us-east-1_StoreBench";
const POOL_SECRET: [u8; 32] = *b"userpool store benchmark secret!";
const PASSWORD: &str = "1234Abcd^";
/// Matches `user042420@…` to `user042429@…`.
const PREFIX_FILTER: &str = r#"email ^= "user04242""#;
/// Matches the one disabled user; no store can index it.
const SCAN_FILTER: &str = r#"status = "Disabled""#;
const PAGE: u32 = 60;

/// Drops every message: codes are not read, and an `Outbox` would grow.
#[derive(Debug)]
struct Discard;

impl MessageSender for Discard {
    fn send(&self, _message: &Message) -> Result<(), DeliveryError> {
        Ok(())
    }
}

/// `100k` for 100 000: the cached database's name.
fn label(n: usize) -> String {
    if n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

fn email(i: usize) -> String {
    format!("user{i:06}@example.com")
}

/// A pool using the email as username and auto-verifying it, hashing at the
/// test preset, in `store`; with the fixed id and secret when `fixed`.
fn pool(store: Arc<dyn Store>, fixed: bool, keys: &KeySet) -> UserPool {
    let config = PoolConfig::builder("store-bench")
        .username_attributes(&[UsernameAttribute::Email])
        .auto_verified_attributes(&[VerifiedAttribute::Email])
        .build()
        .unwrap_or_else(|e| panic!("config: {e}"));
    let mut builder = UserPool::builder(config)
        .store(store)
        .message_sender(Arc::new(Discard))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(keys.clone());
    if fixed {
        builder = builder.pool_id(POOL_ID).secret_key(POOL_SECRET);
    }
    builder.build().unwrap_or_else(|e| panic!("pool: {e}"))
}

fn create_user(pool: &UserPool, i: usize) {
    let mut request = AdminCreateUserRequest::new(email(i));
    request.message_action = Some(MessageAction::Suppress);
    pool.admin_create_user(request)
        .unwrap_or_else(|e| panic!("admin_create_user {i}: {e}"));
}

/// Whether the pool holds its `n` users: the last one, created (and
/// disabled) after all the others, is there and disabled.
fn is_populated(pool: &UserPool, n: usize) -> bool {
    pool.admin_get_user(&email(n - 1)).is_ok_and(|u| !u.enabled)
}

/// Creates users `0..n` on `threads` threads, then disables the last one.
/// Returns how long it took.
fn populate(kind: &str, pool: &UserPool, n: usize, threads: usize) -> Duration {
    let start = Instant::now();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i + 1 >= n {
                        break;
                    }
                    create_user(pool, i);
                    if (i + 1).is_multiple_of(20_000) {
                        eprintln!("  {kind}: {} users in {:.1?}", i + 1, start.elapsed());
                    }
                }
            });
        }
    });
    create_user(pool, n - 1);
    pool.admin_disable_user(&email(n - 1))
        .unwrap_or_else(|e| panic!("admin_disable_user: {e}"));
    start.elapsed()
}

fn report(kind: &str, n: usize, threads: usize, took: Duration) {
    let rate = n as f64 / took.as_secs_f64();
    eprintln!(
        "store/{kind}: populated {n} users in {took:.1?} ({rate:.0} users/s, {threads} threads)"
    );
}

/// `<target>/userpool-bench`, created if missing.
fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let dir = target.join("userpool-bench");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Removes an SQLite database and its WAL files.
fn remove_sqlite(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

fn open_sqlite(path: &Path) -> Arc<dyn Store> {
    Arc::new(SqliteStore::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The populated SQLite pool, from the cache when it is complete.
fn sqlite_pool(n: usize, keys: &KeySet) -> UserPool {
    let path = bench_dir().join(format!("store-{}.sqlite", label(n)));
    let start = Instant::now();
    let cached = pool(open_sqlite(&path), true, keys);
    if is_populated(&cached, n) {
        eprintln!(
            "store/sqlite: reusing {} ({n} users, checked in {:.1?})",
            path.display(),
            start.elapsed()
        );
        return cached;
    }
    drop(cached);
    remove_sqlite(&path);
    let pool = pool(open_sqlite(&path), true, keys);
    // One connection serialises the writes; a second thread hashes the
    // next temporary password meanwhile.
    let threads = 2;
    let took = populate("sqlite", &pool, n, threads);
    report("sqlite", n, threads, took);
    pool
}

fn pg_admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap_or_else(|e| panic!("postgres: {e}"))
}

fn pg_store(url: &str, schema: &str) -> Arc<dyn Store> {
    Arc::new(
        PostgresStore::connect_in_schema(url, schema)
            .unwrap_or_else(|e| panic!("postgres schema {schema}: {e}")),
    )
}

/// The populated PostgreSQL pool, from the cache when it is complete.
fn postgres_pool(url: &str, n: usize, keys: &KeySet) -> UserPool {
    let schema = format!("userpool_bench_{}", label(n));
    let start = Instant::now();
    let cached = pool(pg_store(url, &schema), true, keys);
    if is_populated(&cached, n) {
        eprintln!(
            "store/postgres: reusing schema {schema} ({n} users, checked in {:.1?})",
            start.elapsed()
        );
        return cached;
    }
    drop(cached);
    pg_admin(url)
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .unwrap_or_else(|e| panic!("drop {schema}: {e}"));
    let pool = pool(pg_store(url, &schema), true, keys);
    // As many threads as the store has connections: concurrent commits
    // share their WAL flushes.
    let threads = 8;
    let took = populate("postgres", &pool, n, threads);
    report("postgres", n, threads, took);
    // What autovacuum would do shortly: statistics for the planner.
    pg_admin(url)
        .batch_execute(&format!("ANALYZE {schema}.users"))
        .unwrap_or_else(|e| panic!("analyze: {e}"));
    pool
}

fn memory_pool(n: usize, keys: &KeySet) -> UserPool {
    let pool = pool(Arc::new(MemoryStore::new()), true, keys);
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let took = populate("memory", &pool, n, threads);
    report("memory", n, threads, took);
    pool
}

/// The benchmarks of one store: `fresh` is an empty store for the sign-ups,
/// `big` the pool populated with `n` users.
fn bench_store(
    c: &mut Criterion,
    kind: &str,
    fresh: Arc<dyn Store>,
    (big, n): (&UserPool, usize),
    keys: &KeySet,
) {
    let signups = pool(fresh, false, keys);
    let client = signups
        .create_user_pool_client(
            AppClientConfig::builder("no-srp")
                .explicit_auth_flows([AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth])
                .build()
                .unwrap_or_else(|e| panic!("client: {e}")),
        )
        .unwrap_or_else(|e| panic!("client: {e}"));
    let client_id = client.id().to_owned();
    let next = AtomicU64::new(0);

    let username = big
        .admin_get_user(&email(4242 % (n - 1)))
        .unwrap_or_else(|e| panic!("admin_get_user: {e}"))
        .username;
    let list = |filter: &str| ListUsersRequest::new().filter(filter).limit(PAGE);
    let prefix = big
        .list_users(list(PREFIX_FILTER))
        .unwrap_or_else(|e| panic!("list_users: {e}"));
    let expected = (0..n)
        .filter(|i| email(*i).starts_with("user04242"))
        .count();
    assert_eq!(prefix.users.len(), expected, "{kind}: {PREFIX_FILTER}");
    let scan = big
        .list_users(list(SCAN_FILTER))
        .unwrap_or_else(|e| panic!("list_users: {e}"));
    assert_eq!(scan.users.len(), 1, "{kind}: {SCAN_FILTER}");

    let mut g = c.benchmark_group(format!("store/{kind}"));
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("sign_up", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            signups
                .sign_up(SignUpRequest::new(
                    &client_id,
                    format!("new{n}@example.com"),
                    PASSWORD,
                ))
                .unwrap_or_else(|e| panic!("sign_up: {e}"))
        });
    });
    g.bench_function("admin_get_user", |b| {
        b.iter(|| {
            big.admin_get_user(black_box(&username))
                .unwrap_or_else(|e| panic!("admin_get_user: {e}"))
        });
    });
    g.bench_function("list_users_prefix_100k", |b| {
        b.iter(|| {
            big.list_users(list(black_box(PREFIX_FILTER)))
                .unwrap_or_else(|e| panic!("list_users: {e}"))
        });
    });
    // Tens to hundreds of milliseconds an iteration: flat sampling.
    g.sampling_mode(SamplingMode::Flat).sample_size(20);
    g.bench_function("list_users_scan_100k", |b| {
        b.iter(|| {
            big.list_users(list(black_box(SCAN_FILTER)))
                .unwrap_or_else(|e| panic!("list_users: {e}"))
        });
    });
    g.finish();
}

/// Whether criterion measures (`cargo bench`) rather than tests each
/// benchmark once (`cargo test --benches`, `-- --test`, `-- --list`).
fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list")
}

fn benches(c: &mut Criterion) {
    let n = if measuring() { 100_000 } else { 1_000 };
    let keys = KeySet::generate().unwrap_or_else(|e| panic!("keys: {e}"));

    let params = HashingParams::insecure_fast_for_tests();
    let password = Password::new(PASSWORD);
    let mut g = c.benchmark_group("store/floor");
    g.sample_size(50).measurement_time(Duration::from_secs(5));
    g.bench_function("argon2_test_preset", |b| {
        b.iter(|| hash_password(&params, black_box(&password), black_box(&[7u8; 16])));
    });
    g.finish();

    let big = memory_pool(n, &keys);
    bench_store(c, "memory", Arc::new(MemoryStore::new()), (&big, n), &keys);
    drop(big);

    let big = sqlite_pool(n, &keys);
    let fresh = bench_dir().join(format!("sign-up-{}.sqlite", std::process::id()));
    remove_sqlite(&fresh);
    bench_store(c, "sqlite", open_sqlite(&fresh), (&big, n), &keys);
    drop(big);
    remove_sqlite(&fresh);

    match std::env::var("USERPOOL_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let big = postgres_pool(&url, n, &keys);
            let schema = format!("userpool_bench_sign_up_{}", std::process::id());
            bench_store(c, "postgres", pg_store(&url, &schema), (&big, n), &keys);
            drop(big);
            pg_admin(&url)
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .unwrap_or_else(|e| panic!("drop {schema}: {e}"));
        }
        _ => eprintln!("store/postgres: skipped (set USERPOOL_POSTGRES_URL)"),
    }
}

criterion_group!(store_benches, benches);
criterion_main!(store_benches);
