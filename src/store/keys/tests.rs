use super::*;

/// The encodings the pool wrote with `format!` before keys were typed:
/// existing databases hold exactly these strings.
#[test]
fn encodings_are_the_stored_strings_of_before() {
    let cases = [
        (IndexKey::Username("alice".to_owned()), "username:alice"),
        (IndexKey::Sub("4f1c-9a".to_owned()), "sub:4f1c-9a"),
        (
            IndexKey::Email("alice@example.com".to_owned()),
            "email:alice@example.com",
        ),
        (
            IndexKey::PhoneNumber("+15555550100".to_owned()),
            "phone_number:+15555550100",
        ),
        (
            IndexKey::PreferredUsername("al:ice".to_owned()),
            "preferred_username:al:ice",
        ),
        (IndexKey::Email(String::new()), "email:"),
    ];
    for (key, stored) in cases {
        assert_eq!(key.encode(), stored);
        assert_eq!(key.encoded_len(), stored.len());
        assert_eq!(format!("{}:{}", key.kind(), key.value()), stored);
    }
    assert_eq!(
        OnceId::Session("9f86d081884c7d65".to_owned()).encode(),
        "session:9f86d081884c7d65"
    );
    let mut block = [0u8; 16];
    block[0] = 0xAB;
    block[15] = 0x01;
    assert_eq!(
        OnceId::SrpBlock(block).encode(),
        "srp:ab000000000000000000000000000001"
    );
}

#[test]
fn display_names_the_kind_never_the_value() {
    let key = IndexKey::Email("alice@example.com".to_owned());
    assert_eq!(key.to_string(), "email index key");
}

#[test]
fn debug_names_the_kind_and_hides_the_value() {
    let key = IndexKey::Email("jane@example.com".to_owned());
    let shown = format!(
        "{key:?} {:?}",
        crate::store::ConflictKey::Index(key.clone())
    );
    assert!(shown.contains("email"), "{shown}");
    assert!(!shown.contains("jane"), "{shown}");
}

/// Each ephemeral key has one encoding, and no two keys share one (the
/// purpose, which holds no `:`, comes before the username, which may).
#[test]
fn ephemeral_keys_encode_kind_purpose_and_name() {
    let guesses = |u: &str, p| EphemeralKey::CodeGuesses {
        username: u.to_owned(),
        purpose: p,
    };
    let cases = [
        (
            guesses("alice", CodePurpose::SignUp),
            "code_guesses:sign_up:alice",
        ),
        (
            EphemeralKey::CodeSends {
                username: "a:b".to_owned(),
                purpose: CodePurpose::ForgotPassword,
            },
            "code_sends:forgot_password:a:b",
        ),
        (
            EphemeralKey::UnknownSignIn { digest: [0xAB; 32] },
            "unknown_sign_in:abababababababababababababababababababababababababababababababab",
        ),
        (
            EphemeralKey::UnknownCodeGuesses {
                digest: [0x01; 32],
                purpose: CodePurpose::ForgotPassword,
            },
            "unknown_code_guesses:forgot_password:0101010101010101010101010101010101010101010101010101010101010101",
        ),
        (
            EphemeralKey::UnknownCodeSends {
                digest: [0x10; 32],
                purpose: CodePurpose::SignUp,
            },
            "unknown_code_sends:sign_up:1010101010101010101010101010101010101010101010101010101010101010",
        ),
        (
            EphemeralKey::DeviceSignIn { digest: [0x0F; 32] },
            "device_sign_in:0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
        ),
        (
            EphemeralKey::AuthorizationCode { digest: [0xA0; 32] },
            "authorization_code:a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0",
        ),
    ];
    for (key, stored) in cases {
        assert_eq!(key.encode(), stored);
        assert_eq!(key.encoded_len(), stored.len());
    }
    assert_ne!(
        guesses("verify_email:x", CodePurpose::SignUp).encode(),
        guesses("x", CodePurpose::VerifyEmail).encode()
    );
}

#[test]
fn ephemeral_keys_debug_without_names_or_digests() {
    let keys = [
        EphemeralKey::CodeGuesses {
            username: "jane".to_owned(),
            purpose: CodePurpose::VerifyEmail,
        },
        EphemeralKey::CodeSends {
            username: "jane".to_owned(),
            purpose: CodePurpose::SignUp,
        },
        EphemeralKey::UnknownSignIn { digest: [0xCD; 32] },
        EphemeralKey::DeviceSignIn { digest: [0xCD; 32] },
        EphemeralKey::AuthorizationCode { digest: [0xCD; 32] },
        EphemeralKey::UnknownCodeSends {
            digest: [0xCD; 32],
            purpose: CodePurpose::ForgotPassword,
        },
    ];
    let shown = format!("{keys:?}");
    assert!(!shown.contains("jane"), "{shown}");
    assert!(!shown.to_lowercase().contains("cdcd"), "{shown}");
    assert!(!shown.contains("205"), "{shown}");
    assert!(shown.contains("code_guesses verify_email"), "{shown}");
    assert!(shown.contains("unknown_sign_in"), "{shown}");
}
