//! The fixtures every integration binary shares, defined once: the
//! library's `tests/api.rs`, `tests/wire.rs` and `tests/store.rs` include
//! this module as `mod support;`, the server's `server/tests/server.rs` by
//! its path.
//!
//! - here: the password the default policy accepts, the instant every
//!   `ManualClock` starts at, one RSA key set per test process, and small
//!   checks on generated values;
//! - [`db`]: temporary SQLite files and directories, and PostgreSQL
//!   schemas, that remove themselves; whether PostgreSQL tests run, skip or
//!   fail (`USERPOOL_POSTGRES_URL`, `USERPOOL_REQUIRE_POSTGRES`);
//! - [`pools`]: the quickstart pool, as a builder and as the JSON the AWS
//!   CLI sends;
//! - [`wire`]: a `Registry` to drive through `userpool::wire::handle`, and
//!   the calls that check the status and shape of every answer;
//! - [`sigv4`]: a SigV4 signer of its own, to sign admin calls.
//!
//! It uses only the public API of `userpool` with the `sqlite` and
//! `postgres` features, std, `serde_json`, `ring` and the `postgres`
//! client: what both crates' tests can link.

// Each binary uses a part of these fixtures (the server's tests no wire
// harness, the store's tests no keys), so what one binary leaves unused is
// not dead code: it is another binary's fixture.
#![allow(dead_code)]

pub(crate) mod db;
pub(crate) mod pools;
pub(crate) mod sigv4;
pub(crate) mod wire;

use std::sync::OnceLock;

use userpool::token::KeySet;
use userpool::{ManualClock, Timestamp};

/// A password Cognito's default policy accepts (8 characters, all four
/// classes), as every pool without a policy of its own has it.
pub(crate) const PASSWORD: &str = "1234Abcd^";

/// Where every `ManualClock` starts: 2023-11-14T22:13:20Z.
pub(crate) const START: Timestamp = Timestamp::from_unix_seconds(1_700_000_000);

/// A clock stopped at [`START`], for a test to advance.
pub(crate) fn clock_at_start() -> ManualClock {
    ManualClock::new(START)
}

/// One set of signing keys for the whole test process: RSA key generation
/// is far too slow to repeat for every pool.
pub(crate) fn shared_keys() -> KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| KeySet::generate().expect("RSA keys generate"))
        .clone()
}

/// Whether `s` is a lowercase version-4 UUID (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`).
pub(crate) fn is_uuid_v4(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    let hex = |g: &str| {
        g.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    };
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| hex(g))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}
