//! The store limits: what the [`Limited`](crate::store::Limited) layer in
//! front of every store refuses leaves the store untouched, and the
//! largest input it accepts round-trips through the bare store.

use std::sync::Arc;

use super::{
    POOL, assert_invalid, email, group, keys, limited, sample_client, sample_code, sample_pool,
    sample_refresh, sample_user, username,
};
use crate::clock::Timestamp;
use crate::store::{
    ClientRecord, CodePurpose, EphemeralKey, GroupRecord, IndexKey, MAX_EPHEMERAL_BYTES,
    MAX_KEY_BYTES, MAX_VALUE_BYTES, OnceId, Store,
};

/// A `CodeSends` key whose encoding is `len` bytes long.
fn sends_key(len: usize) -> EphemeralKey {
    let prefix = "code_sends:sign_up:".len();
    let key = EphemeralKey::CodeSends {
        username: "s".repeat(len - prefix),
        purpose: CodePurpose::SignUp,
    };
    assert_eq!(key.encode().len(), len);
    key
}

/// Keys longer than `MAX_KEY_BYTES` or containing NUL, and values longer
/// than `MAX_VALUE_BYTES`, are `InvalidInput` through the limits layer
/// every pool puts in front of `store`, and the refused write leaves
/// nothing behind in `store`. A key of exactly `MAX_KEY_BYTES` passes.
pub fn out_of_bounds_input_is_refused_and_nothing_is_written(store: &Arc<dyn Store>) {
    let s = limited(store);
    let long_key = "k".repeat(MAX_KEY_BYTES + 1);
    let huge = "v".repeat(MAX_VALUE_BYTES + 1);

    let mut u = sample_user("alice");
    u.username = long_key.clone();
    assert_invalid("long username", s.insert_user(POOL, &u, &[]));
    u.username = "al\0ice".to_owned();
    assert_invalid("NUL in username", s.insert_user(POOL, &u, &[]));
    let u = sample_user("alice");
    // "username:" and 4088 bytes: one byte over.
    let long_index_key = username(&"k".repeat(MAX_KEY_BYTES - 8));
    assert_invalid(
        "long index key",
        s.insert_user(POOL, &u, &[username("alice"), long_index_key]),
    );
    assert_invalid(
        "NUL in index key",
        s.insert_user(POOL, &u, &[email("a\0@b")]),
    );
    assert_invalid("long pool id", s.insert_user(&long_key, &u, &[]));
    assert_invalid("NUL in pool id", s.insert_user("p\0", &u, &[]));
    let mut big = sample_user("alice");
    big.attributes
        .insert("custom:blob".to_owned(), huge.clone());
    assert_invalid("huge attributes", s.insert_user(POOL, &big, &keys("alice")));
    assert_eq!(
        store.get_user(POOL, "alice").unwrap(),
        None,
        "nothing stored"
    );
    assert_eq!(store.find_user(POOL, &username("alice")).unwrap(), None);
    assert!(store.list_users(POOL, None, 10).unwrap().is_empty());

    // Updates are refused whole too.
    s.insert_user(POOL, &u, &keys("alice")).unwrap();
    assert_invalid(
        "huge attributes on update",
        s.update_user(POOL, &big, 1, &keys("alice")),
    );
    assert_invalid(
        "NUL key on update",
        s.update_user(POOL, &u, 1, &[IndexKey::Sub("x\0".to_owned())]),
    );
    s.put_code(
        POOL,
        "alice",
        "sub-alice",
        CodePurpose::SignUp,
        &sample_code(3),
    )
    .unwrap();
    assert_invalid(
        "huge attributes on update taking a code",
        s.update_user_taking_code(POOL, &big, 1, &keys("alice"), CodePurpose::SignUp, 3),
    );
    let stored = store.get_user(POOL, "alice").unwrap().unwrap();
    assert_eq!(stored.version, 1, "a refused update changes nothing");
    assert_eq!(stored.attributes, u.attributes);
    assert!(
        store
            .find_user(POOL, &email("alice@example.com"))
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .get_code(POOL, "alice", CodePurpose::SignUp)
            .unwrap()
            .map(|c| c.id),
        Some(3),
        "a refused update takes no code"
    );

    let mut code = sample_code(1);
    code.destination = Some(long_key.clone());
    assert_invalid(
        "long code destination",
        s.put_code(POOL, "bob", "sub-bob", CodePurpose::SignUp, &code),
    );
    assert_eq!(
        store.get_code(POOL, "bob", CodePurpose::SignUp).unwrap(),
        None
    );

    let mut t = sample_refresh(1, "alice", "fam");
    t.origin_jti = long_key.clone();
    assert_invalid("long origin_jti", s.put_refresh_token(POOL, &t));
    assert_eq!(store.get_refresh_token(POOL, &[1; 32]).unwrap(), None);
    assert_invalid("NUL in revoked family", s.revoke_token_family(POOL, "f\0"));
    assert!(!store.is_family_revoked(POOL, "f").unwrap());
    assert_invalid(
        "NUL in one-time id",
        s.consume_once(
            POOL,
            &OnceId::Session("a\0b".to_owned()),
            Timestamp::from_unix_seconds(1),
        ),
    );

    let at = Timestamp::from_unix_seconds(1_700_000_000);
    let small = EphemeralKey::UnknownSignIn { digest: [1; 32] };
    assert_invalid(
        "long ephemeral data",
        s.put_ephemeral(POOL, &small, &[0; MAX_EPHEMERAL_BYTES + 1], at, 0),
    );
    assert_eq!(store.get_ephemeral(POOL, &small).unwrap(), None);
    let long = sends_key(MAX_KEY_BYTES + 1);
    assert_invalid(
        "long ephemeral key",
        s.put_ephemeral(POOL, &long, b"", at, 0),
    );
    assert_eq!(store.get_ephemeral(POOL, &long).unwrap(), None);
    let nul = EphemeralKey::CodeGuesses {
        username: "a\0".to_owned(),
        purpose: CodePurpose::VerifyEmail,
    };
    assert_invalid(
        "NUL in ephemeral key",
        s.put_ephemeral(POOL, &nul, b"", at, 0),
    );
    assert_invalid(
        "NUL in pool id of ephemeral record",
        s.put_ephemeral("p\0", &small, b"", at, 0),
    );
    assert!(s.put_ephemeral(POOL, &small, b"kept", at, 0).unwrap());
    let kept = store.get_ephemeral(POOL, &small).unwrap().unwrap();
    assert_invalid(
        "long ephemeral data on replace",
        s.put_ephemeral(
            POOL,
            &small,
            &[0; MAX_EPHEMERAL_BYTES + 1],
            at,
            kept.version,
        ),
    );
    assert_eq!(store.get_ephemeral(POOL, &small).unwrap(), Some(kept));

    let mut g = group("admins", None);
    g.description = Some(huge.clone());
    assert_invalid("huge group description", s.create_group(POOL, &g));
    assert_eq!(store.get_group(POOL, "admins").unwrap(), None);
    assert_invalid(
        "long group name",
        s.create_group(POOL, &group(&long_key, None)),
    );
    s.create_group(POOL, &group("admins", None)).unwrap();
    assert_invalid("huge group update", s.update_group(POOL, &g));
    assert_eq!(
        store.get_group(POOL, "admins").unwrap(),
        Some(group("admins", None))
    );
    assert_invalid("NUL in member", s.add_to_group(POOL, "admins", "a\0"));
    assert_invalid("long member", s.add_to_group(POOL, "admins", &long_key));
    assert!(
        store
            .users_in_group(POOL, "admins", None, 10)
            .unwrap()
            .is_empty()
    );

    let mut p = sample_pool(POOL);
    p.definition = huge.clone();
    assert_invalid("huge pool definition", s.insert_pool(&p));
    assert_eq!(store.get_pool(POOL).unwrap(), None);
    s.insert_pool(&sample_pool(POOL)).unwrap();
    assert_invalid("huge pool definition on update", s.update_pool(&p, 1));
    assert_eq!(store.get_pool(POOL).unwrap().unwrap().version, 1);
    let mut c = sample_client("c1", true);
    c.client_id = "c\0x".to_owned();
    assert_invalid("NUL in client id", s.insert_client(POOL, &c));
    let mut c = sample_client("c1", true);
    c.sealed_secret = Some(vec![0; MAX_VALUE_BYTES + 1]);
    assert_invalid("huge sealed client secret", s.insert_client(POOL, &c));
    assert!(store.list_clients(POOL, None, 10).unwrap().is_empty());
    s.insert_client(POOL, &sample_client("c1", true)).unwrap();
    assert_invalid(
        "huge sealed client secret on update",
        s.update_client(POOL, &c, 1),
    );
    assert_eq!(
        store.get_client(POOL, "c1").unwrap().map(|c| c.version),
        Some(1)
    );

    // The bounds themselves pass the layer.
    let key = username(&"k".repeat(MAX_KEY_BYTES - "username:".len()));
    assert_eq!(key.encode().len(), MAX_KEY_BYTES);
    let mut bob = sample_user(&"b".repeat(MAX_KEY_BYTES));
    bob.attributes.clear();
    bob.attributes
        .insert("custom:blob".to_owned(), "v".repeat(MAX_VALUE_BYTES - 11));
    s.insert_user(POOL, &bob, &[key]).unwrap();
    assert!(
        s.put_ephemeral(
            POOL,
            &sends_key(MAX_KEY_BYTES),
            &[0; MAX_EPHEMERAL_BYTES],
            at,
            0
        )
        .unwrap()
    );
}

/// Keys of exactly `MAX_KEY_BYTES` (multi-byte characters included) and
/// values of `MAX_VALUE_BYTES`, the largest input the limits layer lets
/// through, are stored by the store itself and read back exactly.
pub fn the_largest_accepted_input_round_trips(s: &Arc<dyn Store>) {
    // 4-byte characters: the limit is in bytes, not characters.
    let name = "\u{1F600}".repeat(MAX_KEY_BYTES / 4);
    assert_eq!(name.len(), MAX_KEY_BYTES);
    let mut u = sample_user(&name);
    // JSON escapes make the stored attributes longer than the limit
    // counts: each of these 8 bytes is 11 in JSON.
    u.attributes.insert(
        "custom:blob".to_owned(),
        "é\"\\\n".repeat(MAX_VALUE_BYTES / 8),
    );
    u.password_hash = Some("h".repeat(MAX_VALUE_BYTES));
    u.srp_verifier = Some(vec![0xA5; MAX_VALUE_BYTES]);
    // "username:" and 1021 four-byte characters.
    let key = IndexKey::Username(name[..MAX_KEY_BYTES - 12].to_owned());
    assert_eq!(key.encode().len(), MAX_KEY_BYTES - 3);
    let widest = IndexKey::Email("é".repeat((MAX_KEY_BYTES - "email:".len()) / 2));
    assert_eq!(widest.encode().len(), MAX_KEY_BYTES);
    s.insert_user(POOL, &u, &[key.clone(), widest.clone()])
        .unwrap();
    let got = s.get_user(POOL, &name).unwrap().expect("stored");
    u.version = 1;
    assert_eq!(got, u);
    for k in [&key, &widest] {
        assert_eq!(
            s.find_user(POOL, k).unwrap().map(|u| u.username),
            Some(name.clone())
        );
    }

    let once = OnceId::Session("s".repeat(MAX_KEY_BYTES - "session:".len()));
    let at = Timestamp::from_unix_seconds(1_700_000_000);
    assert!(s.consume_once(POOL, &once, at).unwrap());
    assert!(!s.consume_once(POOL, &once, at).unwrap());

    // The widest ephemeral key and the longest data.
    let key = EphemeralKey::CodeGuesses {
        username: "\u{1F600}".repeat((MAX_KEY_BYTES - "code_guesses:sign_up:".len()) / 4),
        purpose: CodePurpose::SignUp,
    };
    assert!(key.encode().len() > MAX_KEY_BYTES - 4);
    let data: Vec<u8> = (0..MAX_EPHEMERAL_BYTES).map(|i| i as u8).collect();
    assert!(s.put_ephemeral(POOL, &key, &data, at, 0).unwrap());
    let got = s.get_ephemeral(POOL, &key).unwrap().expect("stored");
    assert_eq!((got.data, got.expires_at), (data, at));

    let g = GroupRecord {
        name: "g".repeat(MAX_KEY_BYTES),
        description: Some("d".repeat(MAX_VALUE_BYTES)),
        role_arn: Some("r".repeat(MAX_VALUE_BYTES)),
        ..group("g", Some(1))
    };
    s.create_group(POOL, &g).unwrap();
    assert_eq!(s.get_group(POOL, &g.name).unwrap(), Some(g.clone()));
    s.add_to_group(POOL, &g.name, &name).unwrap();
    assert_eq!(
        s.users_in_group(POOL, &g.name, None, 10).unwrap(),
        std::slice::from_ref(&name)
    );

    let mut p = sample_pool(&"p".repeat(MAX_KEY_BYTES));
    p.definition = "{".repeat(MAX_VALUE_BYTES);
    p.sealed_secrets = vec![0; MAX_VALUE_BYTES];
    p.sealing_key_id = "k".repeat(MAX_KEY_BYTES);
    s.insert_pool(&p).unwrap();
    p.version = 1;
    assert_eq!(s.get_pool(&p.id).unwrap(), Some(p.clone()));

    let c = ClientRecord {
        client_id: "c".repeat(MAX_KEY_BYTES),
        definition: "d".repeat(MAX_VALUE_BYTES),
        sealed_secret: Some(vec![1; MAX_VALUE_BYTES]),
        version: 1,
        ..sample_client("c", false)
    };
    s.insert_client(&p.id, &c).unwrap();
    assert_eq!(
        s.find_client(&c.client_id).unwrap(),
        Some((p.id.clone(), c))
    );
}
