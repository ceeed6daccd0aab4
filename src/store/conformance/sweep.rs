//! Sweeping: what has expired is deleted, in bounded batches, and nothing
//! else: not what is still valid, not another pool's, and not the
//! revocation of a family while any of its tokens could still be used.

use std::sync::Arc;

use super::{OTHER_POOL, POOL, keys, sample_code, sample_refresh, sample_user};
use crate::clock::Timestamp;
use crate::store::{
    CodePurpose, EphemeralKey, OnceId, REFRESH_TOKEN_RETENTION, Store, SweepReport,
};

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_700_000_000 + seconds)
}

/// `t` plus the retention of refresh tokens: when a token that expired
/// at `t` may go.
fn retained(t: Timestamp) -> Timestamp {
    t.saturating_add(REFRESH_TOKEN_RETENTION)
}

fn unknown(n: u8) -> EphemeralKey {
    EphemeralKey::UnknownSignIn { digest: [n; 32] }
}

fn session(n: u8) -> OnceId {
    OnceId::Session(format!("session-{n}"))
}

/// Stores, in `pool`, a user `alice` with a sign-up code expiring at
/// `at(60)` and a forgot-password code at `at(600)`, one-time ids, ephemeral
/// records and refresh tokens expiring at each.
fn fill(s: &Arc<dyn Store>, pool: &str) {
    s.insert_user(pool, &sample_user("alice"), &keys("alice"))
        .unwrap();
    for (purpose, id, expires_at) in [
        (CodePurpose::SignUp, 1, at(60)),
        (CodePurpose::ForgotPassword, 2, at(600)),
    ] {
        let code = crate::store::CodeRecord {
            expires_at,
            ..sample_code(id)
        };
        s.put_code(pool, "alice", "sub-alice", purpose, &code)
            .unwrap();
    }
    for (n, expires_at) in [(1, at(60)), (2, at(600))] {
        assert!(s.consume_once(pool, &session(n), expires_at).unwrap());
        assert!(
            s.put_ephemeral(pool, &unknown(n), b"x", expires_at, 0)
                .unwrap()
        );
        let mut t = sample_refresh(n, "alice", &format!("fam-{n}"));
        t.expires_at = expires_at;
        s.put_refresh_token(pool, &t).unwrap();
    }
}

/// Sweeps `pool` at `now` until a batch of 100 comes back short, and adds up.
fn sweep_all(s: &Arc<dyn Store>, pool: &str, now: Timestamp) -> SweepReport {
    let mut total = SweepReport::default();
    loop {
        let r = s.sweep_expired(pool, now, 100).unwrap();
        total += r;
        if r.total() < 100 {
            return total;
        }
    }
}

/// Codes, one-time ids and ephemeral records go once expired; refresh
/// tokens once expired for [`REFRESH_TOKEN_RETENTION`]; what has not
/// expired stays, and another pool is untouched.
pub fn expired_items_are_removed_and_unexpired_kept(s: &Arc<dyn Store>) {
    fill(s, POOL);
    fill(s, OTHER_POOL);
    assert_eq!(
        s.sweep_expired(POOL, at(0), 100).unwrap(),
        SweepReport::default(),
        "nothing has expired yet"
    );
    let r = sweep_all(s, POOL, at(120));
    assert_eq!(
        r,
        SweepReport {
            codes: 1,
            once_ids: 1,
            ephemeral: 1,
            ..SweepReport::default()
        },
        "the expired code, one-time id and ephemeral record, not yet the token"
    );
    assert!(
        s.get_code(POOL, "alice", CodePurpose::SignUp)
            .unwrap()
            .is_none()
    );
    assert!(
        s.get_code(POOL, "alice", CodePurpose::ForgotPassword)
            .unwrap()
            .is_some()
    );
    assert!(s.get_ephemeral(POOL, &unknown(1)).unwrap().is_none());
    assert!(s.get_ephemeral(POOL, &unknown(2)).unwrap().is_some());
    assert!(
        !s.consume_once(POOL, &session(2), at(600)).unwrap(),
        "an unexpired one-time id stays used"
    );
    assert!(
        s.consume_once(POOL, &session(1), at(60)).unwrap(),
        "an expired one-time id is forgotten"
    );
    assert!(s.get_refresh_token(POOL, &[1; 32]).unwrap().is_some());

    let r = sweep_all(s, POOL, retained(at(60)));
    assert_eq!(
        (r.refresh_tokens, r.codes, r.ephemeral),
        (1, 1, 1),
        "the token expired a retention ago goes, and what expired since"
    );
    assert!(s.get_refresh_token(POOL, &[1; 32]).unwrap().is_none());
    assert!(s.get_refresh_token(POOL, &[2; 32]).unwrap().is_some());
    assert!(s.get_user(POOL, "alice").unwrap().is_some());

    // The other pool kept everything.
    for purpose in [CodePurpose::SignUp, CodePurpose::ForgotPassword] {
        assert!(
            s.get_code(OTHER_POOL, "alice", purpose).unwrap().is_some(),
            "another pool's codes must survive a sweep"
        );
    }
    for n in [1, 2] {
        assert!(s.get_ephemeral(OTHER_POOL, &unknown(n)).unwrap().is_some());
        assert!(s.get_refresh_token(OTHER_POOL, &[n; 32]).unwrap().is_some());
    }
    assert!(!s.consume_once(OTHER_POOL, &session(1), at(60)).unwrap());
    assert_eq!(
        sweep_all(s, "us-east-1_NothingHere", retained(at(600))),
        SweepReport::default()
    );
}

/// A revoked family refuses its tokens before and after sweeps, as long
/// as any of them is retained; its revocation goes, under both names,
/// once every one has.
pub fn a_revoked_family_refuses_its_unexpired_tokens_before_and_after_a_sweep(s: &Arc<dyn Store>) {
    let mut short = sample_refresh(1, "alice", "fam-a");
    short.expires_at = at(60);
    let mut long = sample_refresh(2, "alice", "fam-a");
    long.expires_at = at(3600);
    let mut bobs = sample_refresh(3, "bob", "fam-b");
    bobs.expires_at = at(60);
    for t in [&short, &long, &bobs] {
        s.put_refresh_token(POOL, t).unwrap();
    }
    s.revoke_token_family(POOL, "fam-a").unwrap();
    s.revoke_user_tokens(POOL, "bob").unwrap();
    // A refresh that raced the revocation: a later token of the revoked
    // family, stored after it.
    let mut late = sample_refresh(4, "alice", "fam-a");
    late.expires_at = at(7200);
    s.put_refresh_token(POOL, &late).unwrap();

    let revoked = |name: &str| s.is_family_revoked(POOL, name).unwrap();
    let r = sweep_all(s, POOL, retained(at(60)));
    assert_eq!(r.refresh_tokens, 2, "the two short tokens go");
    assert_eq!(
        r.revoked_families, 2,
        "bob's family had no other token: both its names go"
    );
    assert!(!revoked("fam-b") && !revoked("event-fam-b"));
    for name in ["fam-a", "event-fam-a"] {
        assert!(
            revoked(name),
            "a family with a retained token stays revoked"
        );
    }
    for d in [[2u8; 32], [4; 32]] {
        assert!(
            s.get_refresh_token(POOL, &d).unwrap().unwrap().revoked,
            "a retained token of a revoked family must stay refused after a sweep"
        );
    }

    let r = sweep_all(s, POOL, retained(at(3600)));
    assert_eq!(r.refresh_tokens, 1);
    assert_eq!(
        r.revoked_families, 0,
        "the revocation outlives the latest token, stored after it"
    );
    assert!(revoked("fam-a") && revoked("event-fam-a"));
    assert!(
        s.get_refresh_token(POOL, &[4; 32])
            .unwrap()
            .unwrap()
            .revoked
    );

    let r = sweep_all(s, POOL, retained(at(7200)));
    assert_eq!((r.refresh_tokens, r.revoked_families), (1, 2));
    assert!(!revoked("fam-a") && !revoked("event-fam-a"));
}

/// No call deletes more than its limit, a limit of 0 deletes nothing, and
/// calls until one comes back short delete everything expired.
pub fn a_sweep_deletes_at_most_its_limit(s: &Arc<dyn Store>) {
    for n in 0..10 {
        assert!(s.put_ephemeral(POOL, &unknown(n), b"x", at(1), 0).unwrap());
        assert!(s.consume_once(POOL, &session(n), at(1)).unwrap());
        let mut t = sample_refresh(n, "alice", "fam-a");
        t.expires_at = at(1);
        s.put_refresh_token(POOL, &t).unwrap();
    }
    s.revoke_token_family(POOL, "fam-a").unwrap();
    let now = retained(at(1));
    assert_eq!(
        s.sweep_expired(POOL, now, 0).unwrap(),
        SweepReport::default()
    );
    let mut total = SweepReport::default();
    let mut calls = 0;
    loop {
        let r = s.sweep_expired(POOL, now, 7).unwrap();
        assert!(r.total() <= 7, "a sweep deleted {r:?}, more than 7");
        calls += 1;
        total += r;
        if r.total() < 7 {
            break;
        }
        assert!(calls < 100, "sweeping never ends");
    }
    assert_eq!(
        total,
        SweepReport {
            refresh_tokens: 10,
            revoked_families: 2,
            once_ids: 10,
            ephemeral: 10,
            codes: 0,
            devices: 0,
        }
    );
    assert!(calls >= 5, "32 items at 7 a call take at least 5 calls");
    assert!(!s.is_family_revoked(POOL, "fam-a").unwrap());
}
