//! `PostgresStore`, in a fresh schema per test.

use std::sync::atomic::{AtomicU64, Ordering};

use userpool::store::PostgresStore;
use userpool::store::conformance::Subject;

/// A schema of its own for one test, dropped with everything in it on drop.
struct TempSchema {
    url: String,
    name: String,
}

impl Drop for TempSchema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// A store in a fresh schema of the database `USERPOOL_POSTGRES_URL`
/// names; skipped, saying so, when it names none, unless
/// `USERPOOL_REQUIRE_POSTGRES=1`, which makes that a failure.
fn in_a_schema() -> Subject {
    let url = match std::env::var("USERPOOL_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            assert!(
                std::env::var("USERPOOL_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "USERPOOL_REQUIRE_POSTGRES=1 but USERPOOL_POSTGRES_URL is not set \
                 (bash .ci/postgres.sh starts a local server and prints it)"
            );
            return Subject::skipped("set USERPOOL_POSTGRES_URL");
        }
    };
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = TempSchema {
        name: format!("up_conf_{}_{nanos}_{n}", std::process::id()),
        url,
    };
    let store = PostgresStore::connect_in_schema(&schema.url, &schema.name).unwrap();
    Subject::from(store).with_guard(schema)
}

userpool::store_conformance_tests!(in_a_schema());
