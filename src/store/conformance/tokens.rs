//! Refresh tokens, their revocation by family and by user, rotation with
//! one winner, and one-time ids.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{OTHER_POOL, POOL, THREADS, sample_refresh};
use crate::clock::Timestamp;
use crate::store::{ConflictKey, OnceId, Store, StoreError};

/// A refresh token is found by digest; revoking its family marks its tokens
/// revoked and the family revoked under both its names.
pub fn refresh_tokens_are_found_by_digest_until_revoked(s: &Arc<dyn Store>) {
    let t1 = sample_refresh(1, "alice", "fam-a");
    let t2 = sample_refresh(2, "alice", "fam-a");
    let t3 = sample_refresh(3, "alice", "fam-b");
    for t in [&t1, &t2, &t3] {
        s.put_refresh_token(POOL, t).unwrap();
    }
    assert_eq!(
        s.put_refresh_token(POOL, &t1),
        Err(StoreError::Conflict(ConflictKey::RefreshToken))
    );
    assert_eq!(s.get_refresh_token(POOL, &[1; 32]).unwrap(), Some(t1));
    assert!(s.get_refresh_token(OTHER_POOL, &[1; 32]).unwrap().is_none());
    assert!(!s.is_family_revoked(POOL, "fam-a").unwrap());
    s.revoke_token_family(POOL, "fam-a").unwrap();
    assert!(s.is_family_revoked(POOL, "fam-a").unwrap());
    assert!(
        s.is_family_revoked(POOL, "event-fam-a").unwrap(),
        "a revoked family must be revoked by its event_id too"
    );
    for d in [[1u8; 32], [2; 32]] {
        assert!(
            s.get_refresh_token(POOL, &d).unwrap().unwrap().revoked,
            "a revoked family's tokens must be reported revoked"
        );
    }
    assert!(
        !s.get_refresh_token(POOL, &[3; 32])
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(!s.is_family_revoked(OTHER_POOL, "fam-a").unwrap());
}

/// Revoking a user's tokens revokes all their families and nobody else's.
pub fn user_sign_out_revokes_every_family_of_that_user_only(s: &Arc<dyn Store>) {
    s.put_refresh_token(POOL, &sample_refresh(1, "alice", "fam-a"))
        .unwrap();
    s.put_refresh_token(POOL, &sample_refresh(2, "alice", "fam-b"))
        .unwrap();
    s.put_refresh_token(POOL, &sample_refresh(3, "bob", "fam-c"))
        .unwrap();
    s.revoke_user_tokens(POOL, "alice").unwrap();
    assert!(
        s.get_refresh_token(POOL, &[1; 32])
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(
        s.get_refresh_token(POOL, &[2; 32])
            .unwrap()
            .unwrap()
            .revoked
    );
    for id in ["fam-a", "fam-b", "event-fam-a", "event-fam-b"] {
        assert!(s.is_family_revoked(POOL, id).unwrap(), "{id}");
    }
    assert!(
        !s.get_refresh_token(POOL, &[3; 32])
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(!s.is_family_revoked(POOL, "fam-c").unwrap());
    assert!(!s.is_family_revoked(POOL, "event-fam-c").unwrap());
}

/// Of concurrent rotations of one refresh token, exactly one wins.
pub fn concurrent_rotations_of_one_token_admit_exactly_one(s: &Arc<dyn Store>) {
    s.put_refresh_token(POOL, &sample_refresh(9, "alice", "fam"))
        .unwrap();
    let wins = AtomicUsize::new(0);
    let at = Timestamp::from_unix_seconds(1_700_000_100);
    std::thread::scope(|sc| {
        for _ in 0..THREADS {
            let wins = &wins;
            sc.spawn(move || {
                if s.mark_refresh_token_replaced(POOL, &[9; 32], at).unwrap() {
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    let r = s.get_refresh_token(POOL, &[9; 32]).unwrap().unwrap();
    assert_eq!(r.replaced_at, Some(at));
    assert_eq!(
        s.mark_refresh_token_replaced(POOL, &[8; 32], at),
        Err(StoreError::NotFound)
    );
}

/// A one-time id is accepted exactly once, even under concurrency, per pool.
pub fn one_time_ids_are_consumed_exactly_once(s: &Arc<dyn Store>) {
    let exp = Timestamp::from_unix_seconds(1_700_000_180);
    let wins = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for _ in 0..THREADS {
            let wins = &wins;
            sc.spawn(move || {
                if s.consume_once(POOL, &session("1"), exp).unwrap() {
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    assert!(s.consume_once(OTHER_POOL, &session("1"), exp).unwrap());
    assert!(s.consume_once(POOL, &session("2"), exp).unwrap());
    // Kinds of id never collide: an SRP block whose id spells another
    // kind's value is another id.
    let block = OnceId::SrpBlock([0x11; 16]);
    assert!(
        s.consume_once(POOL, &session(&"11".repeat(16)), exp)
            .unwrap()
    );
    assert!(s.consume_once(POOL, &block, exp).unwrap());
    assert!(!s.consume_once(POOL, &block, exp).unwrap());
}

fn session(id: &str) -> OnceId {
    OnceId::Session(id.to_owned())
}

/// A refresh token bound to a remembered device keeps its `device_key`;
/// one bound to none reads back with `None`.
pub fn a_refresh_token_keeps_its_device_key(s: &Arc<dyn Store>) {
    let mut bound = sample_refresh(1, "alice", "fam-a");
    bound.device_key = Some("us-east-1_0f3c7a9e-1b2d-4c5e-8f90-123456789abc".to_owned());
    let unbound = sample_refresh(2, "alice", "fam-b");
    s.put_refresh_token(POOL, &bound).unwrap();
    s.put_refresh_token(POOL, &unbound).unwrap();
    let got = s.get_refresh_token(POOL, &[1; 32]).unwrap();
    assert_eq!(
        got.as_ref().and_then(|t| t.device_key.as_deref()),
        bound.device_key.as_deref()
    );
    assert_eq!(got, Some(bound.clone()));
    assert_eq!(s.get_refresh_token(POOL, &[2; 32]).unwrap(), Some(unbound));
    // Revocation is still read beside it.
    s.revoke_token_family(POOL, "fam-a").unwrap();
    let got = s.get_refresh_token(POOL, &[1; 32]).unwrap().unwrap();
    assert!(got.revoked);
    assert_eq!(got.device_key, bound.device_key);
}

/// The scopes an OAuth refresh token was granted come back as written
/// (the longest a client may hold: 50 scopes of 256 bytes), and a token of
/// the JSON API keeps none.
pub fn a_refresh_token_keeps_its_oauth_scope(s: &Arc<dyn Store>) {
    let mut oauth = sample_refresh(1, "alice", "fam-a");
    let widest: Vec<String> = (0..50)
        .map(|i| format!("{i:02}{}", "s".repeat(254)))
        .collect();
    oauth.scope = Some(format!("openid {}", widest.join(" ")));
    let api = sample_refresh(2, "alice", "fam-b");
    s.put_refresh_token(POOL, &oauth).unwrap();
    s.put_refresh_token(POOL, &api).unwrap();
    assert_eq!(
        s.get_refresh_token(POOL, &[1; 32]).unwrap(),
        Some(oauth.clone())
    );
    let got = s.get_refresh_token(POOL, &[2; 32]).unwrap().unwrap();
    assert_eq!(got.scope, None);
    s.revoke_token_family(POOL, "fam-a").unwrap();
    let got = s.get_refresh_token(POOL, &[1; 32]).unwrap().unwrap();
    assert!(got.revoked);
    assert_eq!(got.scope, oauth.scope);
}
