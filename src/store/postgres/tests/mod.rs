//! What the conformance suite (`tests/store.rs`) cannot see: the schema
//! and its migrations, the stored encodings, values PostgreSQL cannot
//! hold as they are, the locks between processes, and the plans of the
//! attribute searches. Each test runs in a schema of its own.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use postgres::{Client, NoTls};

use super::PostgresStore;
use crate::store::{IndexKey, StoreError, StoreResult};

mod concurrency;
mod mfa;
mod prefix;
mod schema;
mod sweep;
mod values;

/// The test database, or `None` (after saying so) when none is configured.
fn url() -> Option<String> {
    match std::env::var("USERPOOL_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("USERPOOL_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "USERPOOL_REQUIRE_POSTGRES=1 but USERPOOL_POSTGRES_URL is not set \
                 (bash .ci/postgres.sh starts a local server and prints it)"
            );
            eprintln!("skipped: set USERPOOL_POSTGRES_URL");
            None
        }
    }
}

/// A schema of its own for one test, dropped with everything in it on drop.
struct TempSchema {
    url: String,
    name: String,
}

impl TempSchema {
    fn new(url: &str, tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Self {
            url: url.to_owned(),
            name: format!("up_{tag}_{}_{nanos}_{n}", std::process::id()),
        }
    }

    fn store(&self) -> PostgresStore {
        PostgresStore::connect_in_schema(&self.url, &self.name).unwrap()
    }

    /// A plain connection with this schema on its `search_path`.
    fn raw(&self) -> Client {
        let mut c = Client::connect(&self.url, NoTls).unwrap();
        c.batch_execute(&format!("SET search_path TO {}", self.name))
            .unwrap();
        c
    }
}

impl Drop for TempSchema {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&self.url, NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

fn unavailable<T: fmt::Debug>(r: StoreResult<T>) -> String {
    match r {
        Err(StoreError::Unavailable { message, .. }) => message,
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

fn invalid<T: fmt::Debug>(r: StoreResult<T>) -> String {
    match r {
        Err(StoreError::InvalidInput(msg)) => msg,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

/// `len` bytes of text that does not compress: pseudo-random ASCII and
/// two-byte characters.
fn incompressible(seed: u64, len: usize) -> String {
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut s = String::with_capacity(len);
    while s.len() < len {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = (x >> 33) as u32;
        let c = if s.len() + 2 <= len && r.is_multiple_of(4) {
            char::from_u32(0xC0 + (r >> 8) % 0x180).unwrap()
        } else {
            char::from_u32(0x21 + (r >> 8) % 0x5E).unwrap()
        };
        s.push(c);
    }
    s
}

fn username_key(name: &str) -> IndexKey {
    IndexKey::Username(name.to_owned())
}

fn email_key(address: &str) -> IndexKey {
    IndexKey::Email(address.to_owned())
}
