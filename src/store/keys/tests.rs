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
