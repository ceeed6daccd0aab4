//! Where a server's state lives: the store the options name, the master key
//! that seals the pools in it, and the registry of pools over both.
//!
//! This is the only module that builds or calls the engine's registry
//! (`userpool::registry::{Registry, RegistryOptions, MasterKey}`); the routes
//! reach it through [`Engine`].
//!
//! The stores are synchronous. `PostgresStore` drives a runtime of its own,
//! which must neither start nor be dropped on one of tokio's async threads:
//! [`open`] runs on a blocking thread, and [`Engine`] hands the store to a
//! blocking thread when it is dropped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::oneshot;
use userpool::registry::{MasterKey, Registry, RegistryOptions};
use userpool::store::{PostgresStore, SqliteStore, Store};
use userpool::triggers::Invoke;
use userpool::wire::WireResponse;
use userpool::{Outbox, UserPool};

use crate::config::{Options, Storage};
use crate::error::{Error, ErrorKind};

/// Where the master key comes from when it is given.
#[derive(Debug)]
pub(crate) enum KeySource {
    /// This key.
    Key(MasterKey),
    /// The 64 hexadecimal digits in this file.
    File(PathBuf),
}

/// The registry a server answers from, opened.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) engine: Engine,
    /// Resolves once the engine has been dropped and its store closed.
    pub(crate) closed: oneshot::Receiver<()>,
    /// Where the state lives: `state is in memory only`, or `state in
    /// SQLite PATH, sealed with master key ID`.
    pub(crate) state: String,
    /// The id and file of a master key this start created.
    pub(crate) created_key: Option<(String, PathBuf)>,
}

/// The registry of pools, and the store it must be closed on a blocking thread.
#[derive(Debug)]
pub(crate) struct Engine {
    // Declared first: fields drop in order, so the registry's own handles
    // on the store are gone when the guard drops the last one.
    registry: Registry,
    /// Held for its `Drop`.
    _store: StoreGuard,
}

impl Engine {
    /// One Cognito API call (`X-Amz-Target` and JSON body). CPU bound, may
    /// read the store, and may invoke Lambda functions (up to three attempts
    /// of `--lambda-timeout` each per trigger): call it on a blocking
    /// thread, never on the async executor (the routes use `spawn_blocking`).
    pub(crate) fn call(&self, target: &str, body: &[u8]) -> WireResponse {
        userpool::wire::handle(&self.registry, target, body)
    }

    /// The pool `id`, if it exists. May read the store: call it on a
    /// blocking thread.
    pub(crate) fn pool(&self, id: &str) -> Option<UserPool> {
        self.registry.pool(id).ok()
    }

    /// The registry itself.
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }
}

/// Holds the last handle on the store and closes it off the async threads.
#[derive(Debug)]
struct StoreGuard {
    /// `Some` until dropped.
    store: Option<Arc<dyn Store>>,
    /// Told once the store is closed.
    closed: Option<oneshot::Sender<()>>,
}

impl Drop for StoreGuard {
    fn drop(&mut self) {
        let store = self.store.take();
        let closed = self.closed.take();
        let close = move || {
            drop(store);
            if let Some(closed) = closed {
                // Nobody waiting is fine: the server was dropped, not shut down.
                let _ = closed.send(());
            }
        };
        // On a runtime's thread, close on its blocking pool (a runtime
        // waits for those before it finishes shutting down); elsewhere here.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(close)),
            Err(_) => close(),
        }
    }
}

/// Opens the store `options` ask for and the registry over it, its stored
/// pools loaded and checked. Blocks: call it on a blocking thread.
///
/// Every pool the registry builds (created, loaded, re-created after
/// `UpdateUserPool`) invokes its `LambdaConfig`'s functions through
/// `invoker`; without one its triggers fail with `UnexpectedLambdaException`.
/// With `issuer_base`, every pool's issuer is `<issuer_base>/<poolId>`.
pub(crate) fn open(
    options: &Options,
    outbox: &Outbox,
    invoker: Option<Arc<dyn Invoke>>,
    issuer_base: Option<String>,
) -> Result<Opened, Error> {
    let mut registry_options = RegistryOptions {
        region: options.region.clone(),
        sender: Arc::new(outbox.clone()),
        hashing: options.hashing.params(),
        lambda_invoker: invoker,
        issuer_base,
        code_encryptor: options.plaintext_sender_codes.then(|| {
            Arc::new(userpool::triggers::PlaintextCodes)
                as Arc<dyn userpool::triggers::CodeEncryptor>
        }),
        ..RegistryOptions::default()
    };
    let mut created_key = None;
    let state = match durable_store(&options.storage)? {
        Some((store, described)) => {
            let (key, created) = master_key(options)?;
            created_key = created.map(|file| (key.id().to_owned(), file));
            let state = format!("state in {described}, sealed with master key {}", key.id());
            registry_options.store = store;
            registry_options.master_keys = vec![key];
            state
        }
        None => "state is in memory only".to_owned(),
    };
    let store = Arc::clone(&registry_options.store);
    let registry = Registry::open(registry_options).map_err(|e| {
        Error::new(
            ErrorKind::LoadPools,
            format!("cannot load the stored pools: {}", e.message()),
        )
    })?;
    let (tell, closed) = oneshot::channel();
    let engine = Engine {
        registry,
        _store: StoreGuard {
            store: Some(store),
            closed: Some(tell),
        },
    };
    Ok(Opened {
        engine,
        closed,
        state,
        created_key,
    })
}

/// A durable store and how the start-up line describes it.
type Described = (Arc<dyn Store>, String);

/// The durable store `storage` names and its description, or `None` for
/// memory only.
fn durable_store(storage: &Storage) -> Result<Option<Described>, Error> {
    let storage_error = |message: String| Error::new(ErrorKind::Storage, message);
    match storage {
        Storage::Memory => Ok(None),
        Storage::SqliteDir(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| storage_error(e.to_string()))?;
            let path = dir.join("userpool.sqlite3");
            let store = SqliteStore::open(&path)
                .map_err(|e| storage_error(format!("cannot open {}: {e}", path.display())))?;
            Ok(Some((
                Arc::new(store),
                format!("SQLite {}", path.display()),
            )))
        }
        Storage::Postgres(url) => {
            let store = PostgresStore::connect(url)
                .map_err(|e| storage_error(format!("PostgreSQL: {e}")))?;
            Ok(Some((Arc::new(store), "PostgreSQL".to_owned())))
        }
    }
}

/// The master key for durable storage: the one given, else the one in the
/// environment variable named, else, with a data directory, the one in
/// `DIR/master.key`, created on first start. The file of a created key is
/// returned beside it.
fn master_key(options: &Options) -> Result<(MasterKey, Option<PathBuf>), Error> {
    let key_error = |message: String| Error::new(ErrorKind::MasterKey, message);
    let parse = |text: &str, from: &str| {
        MasterKey::from_hex(text)
            .map_err(|e| key_error(format!("master key from {from}: {}", e.message())))
    };
    match &options.master_key {
        Some(KeySource::Key(key)) => return Ok((key.clone(), None)),
        Some(KeySource::File(file)) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| key_error(format!("cannot read {}: {e}", file.display())))?;
            return Ok((parse(&text, &file.display().to_string())?, None));
        }
        None => {}
    }
    if let Some(var) = &options.master_key_env
        && let Ok(text) = std::env::var(var)
    {
        return Ok((parse(&text, var)?, None));
    }
    let Storage::SqliteDir(dir) = &options.storage else {
        return Err(Error::new(
            ErrorKind::MissingMasterKey,
            "PostgreSQL storage needs a master key (ServerBuilder::master_key, \
             master_key_file or master_key_env)",
        ));
    };
    let file = dir.join("master.key");
    if let Ok(text) = std::fs::read_to_string(&file) {
        return Ok((parse(&text, &file.display().to_string())?, None));
    }
    let key = MasterKey::generate().map_err(|e| key_error(e.message().to_owned()))?;
    write_private(&file, key.to_hex().as_bytes())?;
    Ok((key, Some(file)))
}

/// Creates `path` readable by its owner only, refusing to replace a file.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let key_error = |message: String| Error::new(ErrorKind::MasterKey, message);
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    let mut file = open
        .open(path)
        .map_err(|e| key_error(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| key_error(e.to_string()))
}
