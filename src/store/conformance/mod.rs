//! The conformance suite every [`Store`] implementation must pass, unchanged.
//!
//! Enabled by the `test-util` feature. Each contract is a function of a
//! family module ([`users`], [`codes`], [`tokens`], [`ephemeral`],
//! [`sweep`], [`devices`], [`groups`], [`pools`], [`limits`]) that panics with a message naming what broke. In a test
//! target, [`store_conformance_tests!`](crate::store_conformance_tests)
//! turns every contract into a `#[test]` of its own, named after it
//! (`users::update_is_a_compare_and_swap_on_version`), each against a
//! fresh store from the expression it is given:
//!
//! ```
//! # #[cfg(feature = "test-util")]
//! mod memory {
//!     use userpool::store::MemoryStore;
//!
//!     userpool::store_conformance_tests!(MemoryStore::new());
//! }
//! # fn main() {}
//! ```
//!
//! The expression is evaluated once per contract and may be anything that
//! converts into a [`Subject`]: a store, an `Arc<dyn Store>`, or a
//! [`Subject`] built to keep something alive beside the store (a temporary
//! file, a database schema) or to skip the contracts loudly when the store
//! cannot be reached. One invocation per module: the tests it defines are
//! items of that module.
//!
//! Most contracts run against the store as it is. The one about limits
//! runs through [`Limited`], the layer every pool and registry puts in
//! front of a store, and the largest input that layer accepts must
//! round-trip through the bare store (see the [store docs](super)).
//!
//! A new contract is a public function in its family module and a line in
//! [`store_conformance_tests!`](crate::store_conformance_tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::{
    ClientRecord, CodeRecord, GroupRecord, IndexKey, Limited, PoolRecord, RefreshTokenRecord,
    Store, StoreError, UserRecord, UserStatus,
};
use crate::clock::Timestamp;

pub mod codes;
pub mod devices;
pub mod ephemeral;
pub mod groups;
pub mod limits;
pub mod pools;
pub mod sweep;
pub mod tokens;
pub mod users;

/// Expands to one `#[test]` per contract of the conformance suite, in one
/// module per family (`users`, `codes`, `tokens`, `ephemeral`, `sweep`,
/// `devices`, `groups`, `pools`, `limits`), each running its contract against a fresh store made by
/// evaluating `$subject` (anything `Into<`[`Subject`]`>`).
///
/// See the [`conformance`](crate::store::conformance) module for an example.
#[macro_export]
macro_rules! store_conformance_tests {
    ($subject:expr $(,)?) => {
        /// A fresh store for one contract.
        fn __store_conformance_subject() -> $crate::store::conformance::Subject {
            ::core::convert::Into::into($subject)
        }

        $crate::__store_conformance_tests_for! {
            users {
                insert_then_read_by_username_and_every_key,
                insert_refuses_a_taken_username_or_key_and_stores_nothing,
                update_is_a_compare_and_swap_on_version,
                update_replaces_index_keys_atomically,
                update_refuses_a_key_owned_by_another_user,
                delete_removes_the_user_its_keys_and_its_codes,
                list_pages_in_username_order_without_gaps,
                pools_are_isolated,
                concurrent_inserts_of_one_key_admit_exactly_one,
                concurrent_updates_of_one_version_admit_exactly_one,
                users_are_found_by_attribute_prefix_in_username_order,
                mfa_state_round_trips,
                concurrent_verifications_of_one_totp_code_admit_exactly_one,
            }
            codes {
                codes_are_replaced_counted_and_taken_once,
                concurrent_takes_of_one_code_admit_exactly_one,
                concurrent_failures_are_all_counted,
                a_code_and_the_change_it_confirms_are_one_step,
                a_code_for_an_absent_user_or_another_sub_is_refused_and_nothing_is_stored,
                a_code_put_then_its_user_deleted_leaves_no_code,
                racing_code_puts_and_user_deletes_leave_no_code_without_its_user,
            }
            tokens {
                refresh_tokens_are_found_by_digest_until_revoked,
                user_sign_out_revokes_every_family_of_that_user_only,
                concurrent_rotations_of_one_token_admit_exactly_one,
                one_time_ids_are_consumed_exactly_once,
                a_refresh_token_keeps_its_device_key,
                a_refresh_token_keeps_its_oauth_scope,
            }
            ephemeral {
                an_absent_record_is_inserted_with_zero_and_replaced_by_its_version,
                concurrent_writers_of_one_version_admit_exactly_one,
                ephemeral_records_are_isolated_kept_by_user_deletion_and_gone_with_their_pool,
            }
            sweep {
                expired_items_are_removed_and_unexpired_kept,
                a_revoked_family_refuses_its_unexpired_tokens_before_and_after_a_sweep,
                a_sweep_deletes_at_most_its_limit,
            }
            devices {
                insert_then_get_and_a_taken_key_conflicts,
                update_is_a_compare_and_swap_on_version,
                concurrent_updates_of_one_version_admit_exactly_one,
                a_deleted_device_is_gone_at_once,
                devices_are_listed_newest_first_by_user_and_pool,
                deleting_a_user_deletes_its_devices,
                deleting_a_pool_deletes_its_devices,
                a_sweep_deletes_expired_unconfirmed_devices_only,
                the_largest_accepted_device_and_mfa_state_round_trip,
            }
            groups {
                groups_and_memberships_follow_their_contract,
                deleting_a_user_drops_its_memberships_and_tokens,
            }
            pools {
                pools_are_versioned_listed_and_deleted_with_everything_under_them,
                clients_are_unique_across_pools_and_compare_and_swap,
                concurrent_pool_updates_of_one_version_admit_exactly_one,
            }
            limits {
                out_of_bounds_input_is_refused_and_nothing_is_written,
                the_largest_accepted_input_round_trips,
            }
        }
    };
}

/// The tests of [`store_conformance_tests!`], family by family.
#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_tests_for {
    ($($family:ident { $($contract:ident),* $(,)? })*) => {
        $(
            mod $family {
                $(
                    #[test]
                    fn $contract() {
                        super::__store_conformance_subject().run(|store| {
                            $crate::store::conformance::$family::$contract(store)
                        });
                    }
                )*
            }
        )*
    };
}

/// What one contract runs against: a fresh, empty store, and whatever must
/// outlive it (a temporary file, a database schema); or the reason the
/// store cannot be tested here, which [`run`](Self::run) reports instead
/// of running the contract.
pub struct Subject {
    /// Declared before `guard`: dropped first.
    store: Option<Arc<dyn Store>>,
    guard: Option<Box<dyn Any>>,
    skipped: Option<String>,
}

impl Subject {
    /// A subject of `store` alone.
    #[must_use]
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store: Some(store),
            guard: None,
            skipped: None,
        }
    }

    /// Keeps `guard` alive until the contract has run and the store is
    /// dropped: a temporary file or schema that `Drop` deletes.
    #[must_use]
    pub fn with_guard(mut self, guard: impl Any) -> Self {
        self.guard = Some(Box::new(guard));
        self
    }

    /// No store: [`run`](Self::run) prints `skipped: <reason>` and runs
    /// nothing. For a store whose server is not configured; fail instead
    /// where it must be (CI).
    #[must_use]
    pub fn skipped(reason: impl Into<String>) -> Self {
        Self {
            store: None,
            guard: None,
            skipped: Some(reason.into()),
        }
    }

    /// Runs `contract` against the store, then drops the store and then the
    /// guard.
    pub fn run(self, contract: impl FnOnce(&Arc<dyn Store>)) {
        match &self.store {
            Some(store) => contract(store),
            None => eprintln!("skipped: {}", self.skipped.as_deref().unwrap_or("no store")),
        }
    }
}

impl fmt::Debug for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subject")
            .field("store", &self.store)
            .field("guard", &self.guard.as_ref().map(|_| "[kept alive]"))
            .field("skipped", &self.skipped)
            .finish()
    }
}

impl<S: Store> From<S> for Subject {
    fn from(store: S) -> Self {
        Self::new(Arc::new(store))
    }
}

impl From<Arc<dyn Store>> for Subject {
    fn from(store: Arc<dyn Store>) -> Self {
        Self::new(store)
    }
}

const POOL: &str = "us-east-1_Conform01";
const OTHER_POOL: &str = "eu-west-1_Conform02";

/// Threads of the contracts about concurrent calls.
const THREADS: usize = 16;

/// A user record for tests.
#[must_use]
pub fn sample_user(username: &str) -> UserRecord {
    let mut attributes = BTreeMap::new();
    attributes.insert("sub".to_owned(), format!("sub-{username}"));
    attributes.insert("email".to_owned(), format!("{username}@example.com"));
    let mut u = UserRecord::new(
        username.to_owned(),
        attributes,
        UserStatus::Unconfirmed,
        Timestamp::from_unix_seconds(1_700_000_000),
    );
    u.password_hash = Some("$argon2id$v=19$m=256,t=1,p=1$c2FsdA$aGFzaA".to_owned());
    u.username_attribute = Some("email".to_owned());
    u.version = 42;
    u
}

/// A pool record for tests.
#[must_use]
pub fn sample_pool(id: &str) -> PoolRecord {
    PoolRecord {
        id: id.to_owned(),
        definition: format!(r#"{{"PoolName":"{id}"}}"#),
        sealed_secrets: vec![1, 2, 3, 0, 255],
        sealing_key_id: "key-1".to_owned(),
        created_at: Timestamp::from_unix_seconds(1_700_000_000),
        modified_at: Timestamp::from_unix_seconds(1_700_000_001),
        version: 9,
    }
}

fn username(name: &str) -> IndexKey {
    IndexKey::Username(name.to_owned())
}

fn email(address: &str) -> IndexKey {
    IndexKey::Email(address.to_owned())
}

/// The keys of [`sample_user`]`(username)`: its username and email.
fn keys(name: &str) -> Vec<IndexKey> {
    vec![username(name), email(&format!("{name}@example.com"))]
}

fn sample_code(id: u64) -> CodeRecord {
    CodeRecord {
        id,
        digest: [id as u8; 32],
        attribute: Some("email".to_owned()),
        destination: Some("alice@example.com".to_owned()),
        issued_at: Timestamp::from_unix_seconds(1_700_000_000),
        expires_at: Timestamp::from_unix_seconds(1_700_086_400),
        attempts: 0,
    }
}

fn sample_refresh(n: u8, username: &str, family: &str) -> RefreshTokenRecord {
    RefreshTokenRecord {
        digest: [n; 32],
        client_id: "client".to_owned(),
        username: username.to_owned(),
        sub: format!("sub-{username}"),
        origin_jti: family.to_owned(),
        event_id: format!("event-{family}"),
        auth_time: Timestamp::from_unix_seconds(1_700_000_000),
        issued_at: Timestamp::from_unix_seconds(1_700_000_000),
        expires_at: Timestamp::from_unix_seconds(1_702_592_000),
        replaced_at: None,
        revoked: false,
        device_key: None,
        scope: None,
    }
}

fn group(name: &str, precedence: Option<u32>) -> GroupRecord {
    GroupRecord {
        name: name.to_owned(),
        description: Some(format!("{name} group")),
        role_arn: None,
        precedence,
        created_at: Timestamp::from_unix_seconds(1_700_000_000),
        modified_at: Timestamp::from_unix_seconds(1_700_000_000),
    }
}

fn sample_client(id: &str, secret: bool) -> ClientRecord {
    ClientRecord {
        client_id: id.to_owned(),
        definition: format!(r#"{{"ClientName":"{id}"}}"#),
        sealed_secret: secret.then(|| vec![9, 8, 7, 0]),
        created_at: Timestamp::from_unix_seconds(1_700_000_000),
        modified_at: Timestamp::from_unix_seconds(1_700_000_002),
        version: 5,
    }
}

/// `store` behind the limits layer, as every pool uses it.
fn limited(store: &Arc<dyn Store>) -> Arc<dyn Store> {
    Limited::wrap(Arc::clone(store))
}

#[track_caller]
fn assert_invalid<T: fmt::Debug>(what: &str, r: Result<T, StoreError>) {
    assert!(
        matches!(r, Err(StoreError::InvalidInput(_))),
        "{what}: expected InvalidInput, got {r:?}"
    );
}
