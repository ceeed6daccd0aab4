//! Temporary databases that remove themselves on drop, and the PostgreSQL
//! server the environment names.
//!
//! A test that needs PostgreSQL calls [`postgres_url`]: without
//! `USERPOOL_POSTGRES_URL` it is skipped, saying so ([`NO_POSTGRES`]);
//! with `USERPOOL_REQUIRE_POSTGRES=1` (CI) that is a failure instead, so CI
//! cannot pass without running it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// `{tag}{sep}{process id}{sep}{nanoseconds}{sep}{counter}`: distinct
/// within this process (the counter), from other test binaries running at
/// the same time (the process id), and from an earlier run that reused the
/// process id and left something behind (the clock).
fn unique_name(tag: &str, sep: char) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let pid = std::process::id();
    format!("{tag}{sep}{pid}{sep}{nanos}{sep}{n}")
}

/// A path for a SQLite file in the temporary directory, removed with its
/// WAL, shared-memory and journal files on drop.
#[derive(Debug)]
pub(crate) struct TempDb(PathBuf);

impl TempDb {
    /// A fresh path whose name starts with `userpool-test-{tag}`; nothing
    /// is created until a store opens it.
    pub(crate) fn new(tag: &str) -> Self {
        let name = unique_name(&format!("userpool-test-{tag}"), '-');
        Self(std::env::temp_dir().join(format!("{name}.db")))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
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

/// A path for a directory in the temporary directory, removed with
/// everything in it on drop.
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// A fresh path whose name starts with `userpool-test-{tag}`; nothing
    /// is created.
    pub(crate) fn new(tag: &str) -> Self {
        Self(std::env::temp_dir().join(unique_name(&format!("userpool-test-{tag}"), '-')))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Why a PostgreSQL test did not run, for it to say so.
pub(crate) const NO_POSTGRES: &str = "set USERPOOL_POSTGRES_URL";

/// The database `USERPOOL_POSTGRES_URL` names, or `None` when it names
/// none: the caller then skips, saying so with [`NO_POSTGRES`].
///
/// # Panics
/// When it names none and `USERPOOL_REQUIRE_POSTGRES=1`.
pub(crate) fn postgres_url() -> Option<String> {
    match std::env::var("USERPOOL_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("USERPOOL_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "USERPOOL_REQUIRE_POSTGRES=1 but USERPOOL_POSTGRES_URL is not set \
                 (bash .ci/postgres.sh starts a local server and prints it)"
            );
            None
        }
    }
}

/// A schema of its own for one test in the database at `admin_url`,
/// dropped with everything in it on drop.
#[derive(Debug)]
pub(crate) struct TempSchema {
    admin_url: String,
    name: String,
}

impl TempSchema {
    /// A fresh name, `userpool_test_{tag}_…` (`tag` in `a-z`, `0-9`, `_`),
    /// not yet created: for `PostgresStore::connect_in_schema`, which
    /// creates the schema it is given.
    pub(crate) fn reserve(admin_url: &str, tag: &str) -> Self {
        Self {
            admin_url: admin_url.to_owned(),
            name: unique_name(&format!("userpool_test_{tag}"), '_'),
        }
    }

    /// [`reserve`](Self::reserve), and the schema created now, empty: for
    /// a client that connects with [`url`](Self::url).
    pub(crate) fn create(admin_url: &str, tag: &str) -> Self {
        let schema = Self::reserve(admin_url, tag);
        let mut client = postgres::Client::connect(admin_url, postgres::NoTls)
            .expect("the test database accepts connections");
        client
            .batch_execute(&format!("CREATE SCHEMA {}", schema.name))
            .expect("the test schema is created");
        schema
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The database's URL with this schema as the only one on the
    /// `search_path`.
    pub(crate) fn url(&self) -> String {
        let separator = if self.admin_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}options=-c%20search_path%3D{}",
            self.admin_url, self.name
        )
    }
}

impl Drop for TempSchema {
    fn drop(&mut self) {
        // On a thread of its own: the synchronous client must not run on an
        // async runtime's thread, where a server test may drop this.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&admin_url, postgres::NoTls)?;
            client.batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
        })
        .join();
        // A schema left behind is a failure, but not one to report by
        // aborting a test that is already failing.
        if !std::thread::panicking() {
            match dropped {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("dropping schema {}: {e}", self.name),
                Err(_) => panic!("dropping schema {}: the thread panicked", self.name),
            }
        }
    }
}
