//! The wire harness: a `Registry` driven through `userpool::wire::handle`
//! as the HTTP server drives it, with the `X-Amz-Target` botocore sends,
//! and calls that check the shape of every answer (cognito-protocol.md
//! §3.4) before the test reads it.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Value, json};
use userpool::registry::{MasterKey, Registry, RegistryOptions};
use userpool::store::{SqliteStore, Store};
use userpool::wire::TARGET_PREFIX;
use userpool::{HashingParams, ManualClock, Outbox};

use super::db::TempDb;
use super::{clock_at_start, shared_keys};

/// What a test registry is built with: cheap hashing, the process's
/// [`shared_keys`], `clock`, delivery into `outbox`, and otherwise the
/// defaults (in memory, no master key), for a test to refine.
pub(crate) fn options(clock: &ManualClock, outbox: &Outbox) -> RegistryOptions {
    RegistryOptions {
        hashing: HashingParams::insecure_fast_for_tests(),
        keys: Some(shared_keys()),
        clock: Arc::new(clock.clone()),
        sender: Arc::new(outbox.clone()),
        ..RegistryOptions::default()
    }
}

/// One master key for the whole test process (generating one per test
/// would only slow the tests down).
pub(crate) fn master_key() -> MasterKey {
    static KEY: std::sync::OnceLock<MasterKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| MasterKey::generate().expect("a master key"))
        .clone()
}

/// A process's registry over the SQLite file `db`, its pools sealed
/// under [`master_key`], on [`options`] with a clock and outbox of its own:
/// open it twice to restart the process.
pub(crate) fn open_sqlite(db: &TempDb) -> Registry {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db.path()).expect("the file opens"));
    Registry::open(RegistryOptions {
        store,
        master_keys: vec![master_key()],
        ..options(&clock_at_start(), &Outbox::new())
    })
    .expect("the registry opens")
}

/// A registry with no pools yet, on [`options`], and the handles a test
/// steers it with: a clock stopped at [`START`](super::START) and the
/// outbox codes arrive in.
pub(crate) struct World {
    pub(crate) registry: Registry,
    pub(crate) clock: ManualClock,
    pub(crate) outbox: Outbox,
}

impl World {
    pub(crate) fn new() -> Self {
        let clock = clock_at_start();
        let outbox = Outbox::new();
        let registry = Registry::new(options(&clock, &outbox));
        Self {
            registry,
            clock,
            outbox,
        }
    }
}

/// The wire calls a test makes, on anything that has a registry.
pub(crate) trait Calls {
    /// The registry the calls go to.
    fn registry(&self) -> &Registry;

    /// Calls `op` with the target botocore sends and returns the status and
    /// the parsed body. Every body is JSON; the `x-amzn-ErrorType` the
    /// adapter hands HTTP is absent on success and names the body's
    /// `__type` on an error.
    fn call(&self, op: &str, body: &Value) -> (u16, Value) {
        let target = format!("{TARGET_PREFIX}{op}");
        let resp = userpool::wire::handle(self.registry(), &target, body.to_string().as_bytes());
        let parsed: Value = serde_json::from_str(&resp.body).expect("every body is JSON");
        if resp.status == 200 {
            assert_eq!(resp.error_type, None, "{op}: {parsed}");
        } else {
            assert_eq!(resp.error_type, parsed["__type"].as_str(), "{op}: {parsed}");
        }
        (resp.status, parsed)
    }

    /// The output of a call that must succeed: status 200, a JSON object.
    fn ok(&self, op: &str, body: &Value) -> Value {
        let (status, out) = self.call(op, body);
        assert_eq!(status, 200, "{op} failed: {out}");
        assert!(out.is_object(), "{op}: {out}");
        out
    }

    /// The status, `__type` and `message` of a call that must fail, with
    /// any error status; the body has those two members and no other.
    fn failed(&self, op: &str, body: &Value) -> (u16, String, String) {
        let (status, out) = self.call(op, body);
        assert_ne!(status, 200, "{op} should fail: {out}");
        let members: BTreeSet<&str> = out
            .as_object()
            .expect("an error body is an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            members,
            BTreeSet::from(["__type", "message"]),
            "{op}: {out}"
        );
        (
            status,
            out["__type"].as_str().expect("__type").to_owned(),
            out["message"].as_str().expect("message").to_owned(),
        )
    }

    /// `(__type, message)` of a call that must be refused with status 400:
    /// the caller's mistake, not the service's ([`failed`](Self::failed)
    /// for a 500).
    fn refused(&self, op: &str, body: &Value) -> (String, String) {
        let (status, kind, message) = self.failed(op, body);
        assert_eq!(status, 400, "{op} answered {status}: {kind}: {message}");
        (kind, message)
    }

    /// `CreateUserPool` with `body`; the new pool's id.
    fn create_pool(&self, body: &Value) -> String {
        let out = self.ok("CreateUserPool", body);
        out["UserPool"]["Id"]
            .as_str()
            .expect("a created pool has an Id")
            .to_owned()
    }

    /// The `UserPool` that `DescribeUserPool` answers for `pool_id`.
    fn describe(&self, pool_id: &str) -> Value {
        self.ok("DescribeUserPool", &json!({"UserPoolId": pool_id}))["UserPool"].clone()
    }
}

impl Calls for Registry {
    fn registry(&self) -> &Registry {
        self
    }
}

impl Calls for World {
    fn registry(&self) -> &Registry {
        &self.registry
    }
}
