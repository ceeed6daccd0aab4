use super::group::N_LEN;
use super::server::server_challenge;
use super::verifier::*;
use crate::error::ErrorCode;

#[test]
fn salt_hex_is_minimal() {
    assert_eq!(salt_hex(&[0x21, 0xc6]), "21c6");
    assert_eq!(salt_hex(&[0x00, 0x21, 0xc6]), "21c6");
    assert_eq!(salt_hex(&[0x0f, 0xff]), "fff");
    assert_eq!(salt_hex(&[0xa2, 0x44]), "a244");
    assert_eq!(salt_hex(&[]), "0");
    assert_eq!(salt_hex(&[0]), "0");
}

#[test]
fn hex_integers_parse_leniently_but_bounded() {
    assert_eq!(parse_hex_integer("fff", "X").unwrap(), [0x0f, 0xff]);
    assert_eq!(parse_hex_integer("00FfF", "X").unwrap(), [0x0f, 0xff]);
    assert!(parse_hex_integer("0", "X").unwrap().is_empty());
    let e = parse_hex_integer("", "SRP_A").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(e.message(), "Missing required parameter SRP_A");
    for bad in ["g", "0x1", "+1", "1 ", "é"] {
        assert_eq!(
            parse_hex_integer(bad, "X").unwrap_err().code(),
            ErrorCode::InvalidParameter
        );
    }
    assert!(parse_hex_integer(&"f".repeat(768), "X").is_ok());
    assert!(parse_hex_integer(&format!("000{}", "f".repeat(768)), "X").is_ok());
    assert!(parse_hex_integer(&"f".repeat(769), "X").is_err());
}

#[test]
fn verifier_checks_the_password_and_hides_v() {
    let verifier = compute_verifier("Pool", "bob", b"secret", &[1; 16]);
    assert_eq!(verifier.v.len(), N_LEN);
    assert!(check_password(&verifier, "Pool", "bob", b"secret"));
    assert!(!check_password(&verifier, "Pool", "bob", b"secreT"));
    assert!(!check_password(&verifier, "Pool", "Bob", b"secret"));
    assert!(!check_password(&verifier, "Pool2", "bob", b"secret"));
    let shown = format!("{verifier:?}");
    assert!(shown.contains("[redacted]"));
    assert!(!shown.contains(&crate::hex::encode(&verifier.v[..8])));
}

#[test]
fn fake_users_are_stable_and_distinct() {
    let key = [42u8; 32];
    let (id, salt, v) = fake_user(&key, "us-east-1_AbC", "ghost");
    assert_eq!(
        fake_user(&key, "us-east-1_AbC", "ghost"),
        (id.clone(), salt.clone(), v.clone())
    );
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4");
    assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    assert_eq!(salt.len(), SALT_LEN);
    assert_eq!(v.len(), N_LEN);
    let other = fake_user(&key, "us-east-1_AbC", "ghost2");
    assert_ne!(other.0, id);
    assert_ne!(other.1, salt);
    // The separator keeps (pool, user) pairs apart.
    assert_ne!(fake_user(&key, "us-east-1_AbCg", "host").0, id);
    assert_ne!(fake_user(&[43; 32], "us-east-1_AbC", "ghost").0, id);
    // A fake verifier works like any other: B is computable.
    assert!(server_challenge(&v, &[5; 32], "02").unwrap().is_some());
}
