//! `SqliteStore`, in memory and in a file (WAL, `synchronous=FULL`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use userpool::store::SqliteStore;
use userpool::store::conformance::Subject;

/// A unique path in the temp directory, deleted (with its WAL files) on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new() -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Self(std::env::temp_dir().join(format!(
            "userpool-conformance-{}-{nanos}-{n}.db",
            std::process::id()
        )))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// A store in a fresh file, deleted after the contract has run.
fn in_a_file() -> Subject {
    let db = TempDb::new();
    let store = SqliteStore::open(&db.0).unwrap();
    Subject::from(store).with_guard(db)
}

mod in_memory {
    use userpool::store::SqliteStore;

    userpool::store_conformance_tests!(SqliteStore::open_in_memory().unwrap());
}

mod file {
    userpool::store_conformance_tests!(super::in_a_file());
}
