//! `SqliteStore`, in memory and in a file (WAL, `synchronous=FULL`).

use userpool::store::SqliteStore;
use userpool::store::conformance::Subject;

use crate::support::db::TempDb;

/// A store in a fresh file, deleted after the contract has run.
fn in_a_file() -> Subject {
    let db = TempDb::new("conformance");
    let store = SqliteStore::open(db.path()).unwrap();
    Subject::from(store).with_guard(db)
}

mod in_memory {
    use userpool::store::SqliteStore;

    userpool::store_conformance_tests!(SqliteStore::open_in_memory().unwrap());
}

mod file {
    userpool::store_conformance_tests!(super::in_a_file());
}
