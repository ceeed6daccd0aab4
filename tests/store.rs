//! The stores: every store passes the conformance suite, one test per
//! contract (`userpool::store_conformance_tests!`), so a failure names the
//! contract that broke and the store that broke it:
//! `sqlite::file::codes::concurrent_takes_of_one_code_admit_exactly_one`.
//!
//! `MemoryStore`, the same behind the `Limited` layer (which must pass
//! every call through unchanged), `SqliteStore` in memory and in a file,
//! and `PostgresStore` in a schema of its own per test. Without
//! `USERPOOL_POSTGRES_URL` the PostgreSQL tests say they were skipped;
//! with `USERPOOL_REQUIRE_POSTGRES=1` (CI) they fail instead.

// In a test a panic is the failure report: unwrap, expect and panic! say where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod store {
    mod memory;
    mod postgres;
    mod sqlite;
}
