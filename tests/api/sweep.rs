//! Sweeping what has expired: `UserPool::sweep_expired` and
//! `Registry::sweep_expired` delete expired codes, ephemeral records and
//! refresh tokens, keep what still works, and never let a revoked session
//! work again (issue 11, "unbounded growth").

use std::sync::Arc;
use std::time::Duration;

use userpool::client::{TokenUnit, TokenValidity};
use userpool::registry::Registry;
use userpool::store::{CodePurpose, CodeStore, EphemeralKey, EphemeralStore, MemoryStore, Store};
use userpool::{ConfirmSignUpRequest, ErrorCode, InitiateAuthRequest, SweepReport};

use super::common::{
    JANE, add_client, confirmed, password_client_config, quickstart, refused, sign_in, sign_up,
};
use crate::support::wire::options;
use crate::support::{PASSWORD, clock_at_start, pools::quickstart_config};

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn a_sweep_deletes_expired_codes_and_keeps_pending_ones() {
    let h = quickstart();
    assert_eq!(h.pool.sweep_expired().unwrap(), SweepReport::default());
    let early = sign_up(&h, "early@example.com");
    h.clock.advance(23 * HOUR);
    let late = sign_up(&h, "late@example.com");
    h.clock.advance(2 * HOUR);

    let report = h.pool.sweep_expired().unwrap();
    assert_eq!(
        report,
        SweepReport {
            codes: 1,
            ..SweepReport::default()
        }
    );
    let code = |sub: &str| {
        h.store
            .get_code(h.pool.id(), sub, CodePurpose::SignUp)
            .unwrap()
    };
    assert!(code(&early).is_none(), "the expired code is deleted");
    assert!(code(&late).is_some(), "the pending code stays");
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "late@example.com",
            h.code_for("late@example.com"),
        ))
        .unwrap();
    assert_eq!(h.pool.sweep_expired().unwrap(), SweepReport::default());
}

/// A session signed out keeps being refused through every sweep: its
/// access token outlives its refresh token, and the family's revocation
/// stays until the access token has expired too.
#[test]
fn a_signed_out_session_stays_refused_through_every_sweep() {
    let h = quickstart();
    confirmed(&h, JANE);
    let validity = TokenValidity::builder()
        .access_token(1, TokenUnit::Days)
        .id_token(1, TokenUnit::Days)
        .refresh_token(60, TokenUnit::Minutes)
        .build()
        .unwrap();
    let client = add_client(&h, password_client_config("long").token_validity(validity))
        .id()
        .to_owned();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let refresh = tokens.refresh_token.clone().unwrap();
    h.pool.global_sign_out(&tokens.access_token).unwrap();

    let revoked = |when: &str| {
        let e = refused(h.pool.get_user(&tokens.access_token));
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "Access Token has been revoked"),
            "{when}"
        );
    };
    for hours in [2, 21] {
        h.clock.advance(hours * HOUR);
        let report = h.pool.sweep_expired().unwrap();
        assert_eq!(
            (report.refresh_tokens, report.revoked_families),
            (0, 0),
            "the refresh token is kept while its access token lives"
        );
        revoked("after a sweep, while the access token lives");
    }
    h.clock.advance(2 * HOUR);
    let report = h.pool.sweep_expired().unwrap();
    assert_eq!((report.refresh_tokens, report.revoked_families), (1, 2));
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    let e = refused(
        h.pool
            .initiate_auth(InitiateAuthRequest::refresh(&client, &refresh)),
    );
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
}

#[test]
fn a_registry_sweeps_every_pool_and_keeps_what_has_not_expired() {
    let clock = clock_at_start();
    let store = Arc::new(MemoryStore::new());
    let registry = Registry::new(userpool::registry::RegistryOptions {
        store: store.clone() as Arc<dyn Store>,
        ..options(&clock, &userpool::Outbox::new())
    });
    let pools: Vec<String> = (0..2)
        .map(|_| {
            let config = quickstart_config().build().unwrap();
            registry.create_pool(config).unwrap().id().to_owned()
        })
        .collect();
    let key = |n: u8| EphemeralKey::UnknownSignIn { digest: [n; 32] };
    let start = userpool::Clock::now(&clock);
    for pool in &pools {
        store
            .put_ephemeral(pool, &key(1), b"x", start.saturating_add(HOUR), 0)
            .unwrap();
        store
            .put_ephemeral(pool, &key(2), b"x", start.saturating_add(3 * HOUR), 0)
            .unwrap();
    }
    clock.advance(2 * HOUR);
    let report = registry.sweep_expired().unwrap();
    assert_eq!(
        report,
        SweepReport {
            ephemeral: 2,
            ..SweepReport::default()
        }
    );
    for pool in &pools {
        assert!(store.get_ephemeral(pool, &key(1)).unwrap().is_none());
        assert!(store.get_ephemeral(pool, &key(2)).unwrap().is_some());
    }
}

/// A sweep told to stop stops between two batches (a server shutting down
/// does not wait for it), and the next run deletes the rest.
#[test]
fn a_sweep_told_to_stop_stops_after_its_batch_and_the_next_finishes() {
    let h = quickstart();
    let users = 300;
    for i in 0..users {
        sign_up(&h, &format!("user{i}@example.com"));
    }
    h.clock.advance(25 * HOUR);
    let batches = std::cell::Cell::new(0);
    let first = h
        .pool
        .sweep_expired_while(&|| {
            batches.set(batches.get() + 1);
            batches.get() == 1
        })
        .unwrap();
    assert!(
        first.codes > 0 && first.codes < users,
        "one batch, not all: {first:?}"
    );
    let rest = h.pool.sweep_expired().unwrap();
    assert_eq!(first.codes + rest.codes, users);
    assert_eq!(
        h.pool.sweep_expired_while(&|| false).unwrap(),
        SweepReport::default()
    );
}
