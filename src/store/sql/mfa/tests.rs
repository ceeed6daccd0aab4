use std::error::Error as _;

use super::{decode, encode};
use crate::clock::Timestamp;
use crate::config::MfaFactor;
use crate::store::{PendingSoftwareToken, SoftwareToken, StoreError, UserMfa};

fn full() -> UserMfa {
    UserMfa {
        enabled: vec![MfaFactor::Sms, MfaFactor::SoftwareToken, MfaFactor::Email],
        preferred: Some(MfaFactor::SoftwareToken),
        software_token: Some(SoftwareToken {
            sealed_secret: vec![0, 1, 2, 255, 0],
            friendly_name: Some("phone \u{0} é".to_owned()),
            last_used_step: Some(u64::MAX),
            verified_at: Timestamp::from_unix_millis(-5),
        }),
        pending_software_token: Some(PendingSoftwareToken {
            sealed_secret: vec![],
            created_at: Timestamp::from_unix_millis(i64::MAX),
        }),
        setup_grace: true,
    }
}

fn message(e: &StoreError) -> String {
    e.to_string()
}

#[test]
fn the_default_state_is_stored_as_null_and_null_reads_as_default() {
    assert_eq!(encode(&UserMfa::default()).unwrap(), None);
    assert_eq!(decode(None).unwrap(), UserMfa::default());
    // An empty object (every member absent) is the default too.
    assert_eq!(decode(Some("{}")).unwrap(), UserMfa::default());
}

#[test]
fn a_fully_populated_state_round_trips_and_holds_no_raw_secret() {
    let mfa = full();
    let stored = encode(&mfa).unwrap().expect("not the default");
    assert_eq!(decode(Some(&stored)).unwrap(), mfa);
    assert!(!stored.contains('\0'), "NUL is escaped: {stored}");
    assert!(
        stored.contains(r#""secret":"AAEC/wA=""#),
        "sealed secrets are base64: {stored}"
    );
    // Each part on its own round-trips too.
    let only_grace = UserMfa {
        setup_grace: true,
        ..UserMfa::default()
    };
    let stored = encode(&only_grace).unwrap().expect("not the default");
    assert_eq!(stored, r#"{"grace":true}"#);
    assert_eq!(decode(Some(&stored)).unwrap(), only_grace);
}

#[test]
fn an_undecodable_value_is_refused_without_quoting_it() {
    let e = decode(Some(r#"{"enabled":["SMS_MFA"],"token":"s3cret"#)).unwrap_err();
    assert!(
        message(&e).starts_with(
            "store unavailable: invalid stored mfa: not the JSON of an MFA state (line 1"
        ),
        "{e}"
    );
    assert!(!message(&e).contains("s3cret"));
    assert!(e.source().is_some_and(|s| s.is::<serde_json::Error>()));

    let e = decode(Some(r#"{"enabled":["VOICE_MFA"]}"#)).unwrap_err();
    assert_eq!(
        message(&e),
        "store unavailable: invalid stored mfa: not an MFA factor"
    );

    let e = decode(Some(r#"{"pending":{"secret":"s3cret!","created_at":1}}"#)).unwrap_err();
    assert_eq!(message(&e), "store unavailable: invalid stored mfa");
    assert!(e.source().is_some());

    let e = decode(Some(r#"{"unknown":1}"#)).unwrap_err();
    assert!(
        message(&e).starts_with("store unavailable: invalid stored mfa: not the JSON"),
        "{e}"
    );
}
