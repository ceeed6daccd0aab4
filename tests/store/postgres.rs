//! `PostgresStore`, in a fresh schema per test.

use userpool::store::PostgresStore;
use userpool::store::conformance::Subject;

use crate::support::db::{NO_POSTGRES, TempSchema, postgres_url};

/// A store in a fresh schema of the database `USERPOOL_POSTGRES_URL`
/// names, dropped after the contract has run; skipped, saying so, when it
/// names none, unless `USERPOOL_REQUIRE_POSTGRES=1`, which makes that a
/// failure.
fn in_a_schema() -> Subject {
    let Some(url) = postgres_url() else {
        return Subject::skipped(NO_POSTGRES);
    };
    // Not created here: `connect_in_schema` creates the schema it is given.
    let schema = TempSchema::reserve(&url, "conformance");
    let store = PostgresStore::connect_in_schema(&url, schema.name()).unwrap();
    Subject::from(store).with_guard(schema)
}

userpool::store_conformance_tests!(in_a_schema());
