//! The password policy and password hashing.
//!
//! The properties check `PasswordPolicy::check` against an independent model
//! written from `cognito-protocol.md` §7.3, and that generated temporary
//! passwords always pass the policy they were generated for.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use crate::ErrorCode;
use crate::PolicyViolation;
use crate::password::{HashingParams, PasswordHash, Verification, hash_password, verify_password};
use crate::policy::{MAX_PASSWORD_CHARS, PasswordPolicy};
use crate::secret::Password;
use proptest::prelude::*;

const SALT: [u8; 16] = *b"fixed test salt!";

/// The 32 symbols as `cognito-protocol.md` §7.3 lists them, typed out again
/// here rather than read from the crate.
const DOC_SYMBOLS: [char; 32] = [
    '^', '$', '*', '.', '[', ']', '{', '}', '(', ')', '?', '"', '!', '@', '#', '%', '&', '/', '\\',
    ',', '>', '<', '\'', ':', ';', '|', '_', '~', '`', '=', '+', '-',
];

/// An independent reading of the policy, rule by rule.
fn model(policy: &PasswordPolicy, password: &str) -> Vec<PolicyViolation> {
    let mut v = Vec::new();
    if password.chars().count() < policy.minimum_length() as usize {
        v.push(PolicyViolation::TooShort);
    }
    if policy.require_uppercase() && !password.chars().any(|c| c.is_ascii_uppercase()) {
        v.push(PolicyViolation::MissingUppercase);
    }
    if policy.require_lowercase() && !password.chars().any(|c| c.is_ascii_lowercase()) {
        v.push(PolicyViolation::MissingLowercase);
    }
    if policy.require_numbers() && !password.chars().any(|c| c.is_ascii_digit()) {
        v.push(PolicyViolation::MissingNumber);
    }
    if policy.require_symbols()
        && !password
            .chars()
            .any(|c| c == ' ' || DOC_SYMBOLS.contains(&c))
    {
        v.push(PolicyViolation::MissingSymbol);
    }
    v
}

fn any_policy() -> impl Strategy<Value = PasswordPolicy> {
    (
        6u32..=99,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0u32..=365,
        0u32..=24,
    )
        .prop_map(|(len, up, low, num, sym, days, history)| {
            PasswordPolicy::builder()
                .minimum_length(len)
                .require_uppercase(up)
                .require_lowercase(low)
                .require_numbers(num)
                .require_symbols(sym)
                .temporary_password_validity_days(days)
                .password_history_size(history)
                .build()
                .unwrap()
        })
}

/// Strings that mix every class with non-ASCII look-alikes and whitespace.
fn any_password() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        "[A-Z]",
        "[a-z]",
        "[0-9]",
        "[\\^$*.\\[\\]{}()?\"!@#%&/\\\\,><':;|_~`=+\\-]",
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        "[ÀÉÄÖÜàéäöüßЖжΩω٠١２Ａａ¡¿€😀]",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn check_agrees_with_a_direct_reading_of_the_policy(
        policy in any_policy(),
        password in any_password(),
    ) {
        prop_assert_eq!(policy.check(&password), model(&policy, &password));
    }

    #[test]
    fn check_agrees_with_the_model_on_arbitrary_unicode(
        policy in any_policy(),
        password in ".{0,30}",
    ) {
        prop_assert_eq!(policy.check(&password), model(&policy, &password));
    }

    #[test]
    fn validate_fails_exactly_when_check_or_the_model_constraints_do(
        policy in any_policy(),
        password in any_password(),
    ) {
        let result = policy.validate(&Password::new(password.as_str()));
        let edge_whitespace = password.starts_with(char::is_whitespace)
            || password.ends_with(char::is_whitespace);
        let violations = model(&policy, &password);
        match result {
            Ok(()) => prop_assert!(!edge_whitespace && violations.is_empty()),
            Err(e) if edge_whitespace => {
                prop_assert_eq!(e.code(), ErrorCode::InvalidParameter);
            }
            Err(e) => {
                prop_assert_eq!(e.code(), ErrorCode::InvalidPassword);
                prop_assert_eq!(e.password_violations(), violations.as_slice());
                let expected = format!(
                    "Password did not conform with policy: {}",
                    violations[0].message()
                );
                prop_assert_eq!(e.message(), expected.as_str());
            }
        }
    }

    #[test]
    fn generated_temporary_passwords_always_pass_their_policy(
        policy in any_policy(),
        seed in any::<u64>(),
    ) {
        let mut state = seed;
        let mut random_below = |n: u32| -> crate::Result<u32> {
            // splitmix64; the modulo bias is irrelevant for this property.
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            Ok(((z ^ (z >> 31)) % u64::from(n)) as u32)
        };
        let password = policy.generate_temporary_password(&mut random_below).unwrap();
        let text = password.expose_secret();
        prop_assert_eq!(policy.validate(&password), Ok(()));
        prop_assert_eq!(
            text.chars().count(),
            policy.minimum_length().max(12) as usize
        );
        prop_assert!(!text.contains(char::is_whitespace));
        // Every class is present whatever the policy requires.
        prop_assert!(model(&PasswordPolicy::default(), text).is_empty());
    }
}

#[test]
fn length_counts_characters_not_bytes() {
    let policy = PasswordPolicy::default();

    let eight_chars = "ÄÖÜäöü1!";
    assert_eq!((eight_chars.chars().count(), eight_chars.len()), (8, 14));
    assert!(
        !policy
            .check(eight_chars)
            .contains(&PolicyViolation::TooShort)
    );

    let seven_chars = "Aaé1!éé";
    assert_eq!((seven_chars.chars().count(), seven_chars.len()), (7, 10));
    assert_eq!(policy.check(seven_chars), [PolicyViolation::TooShort]);
    let err = policy.validate(&Password::new(seven_chars)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidPassword);
    assert_eq!(
        err.message(),
        "Password did not conform with policy: Password not long enough"
    );
}

#[test]
fn minimum_length_five_is_refused_in_cognitos_words() {
    let err = PasswordPolicy::builder()
        .minimum_length(5)
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        err.message(),
        "1 validation error detected: Value '5' at \
         'userPool.policies.passwordPolicy.minimumLength' failed to satisfy constraint: \
         Member must have value greater than or equal to 6"
    );
}

#[test]
fn hash_then_verify_round_trips_with_the_test_preset() {
    let params = HashingParams::insecure_fast_for_tests();
    let hash = hash_password(&params, &Password::new("Passw0rd!"), &SALT).unwrap();
    assert!(
        hash.as_phc_str()
            .starts_with("$argon2id$v=19$m=256,t=1,p=1$")
    );

    let stored = PasswordHash::from_phc(hash.as_phc_str().to_owned()).unwrap();
    assert_eq!(
        verify_password(&params, &stored, &Password::new("Passw0rd!")).unwrap(),
        Verification::Match {
            needs_rehash: false
        }
    );
}

#[test]
fn wrong_password_is_a_mismatch_not_an_error() {
    let params = HashingParams::insecure_fast_for_tests();
    let hash = hash_password(&params, &Password::new("Passw0rd!"), &SALT).unwrap();
    assert_eq!(
        verify_password(&params, &hash, &Password::new("Passw0rd?")).unwrap(),
        Verification::Mismatch
    );
}

#[test]
fn changed_params_make_a_match_ask_for_a_rehash() {
    let old = HashingParams::insecure_fast_for_tests();
    let new = HashingParams::new(old.m_cost() * 2, old.t_cost(), old.p_cost()).unwrap();
    let hash = hash_password(&old, &Password::new("Passw0rd!"), &SALT).unwrap();
    assert_eq!(
        verify_password(&new, &hash, &Password::new("Passw0rd!")).unwrap(),
        Verification::Match { needs_rehash: true }
    );
    // After the rehash, the new hash is final.
    let rehashed = hash_password(&new, &Password::new("Passw0rd!"), &SALT).unwrap();
    assert_eq!(rehashed.params(), new);
    assert_eq!(
        verify_password(&new, &rehashed, &Password::new("Passw0rd!")).unwrap(),
        Verification::Match {
            needs_rehash: false
        }
    );
}

#[test]
fn a_257_character_password_is_refused_before_hashing() {
    let long = Password::new("a".repeat(MAX_PASSWORD_CHARS + 1));
    let err = hash_password(&HashingParams::OWASP, &long, &SALT).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        err.message(),
        "1 validation error detected: Value at 'password' failed to satisfy constraint: \
         Member must have length less than or equal to 256"
    );
}

#[test]
fn owasp_round_trip() {
    let hash = hash_password(&HashingParams::OWASP, &Password::new("Passw0rd!"), &SALT).unwrap();
    assert!(
        hash.as_phc_str()
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );
    assert_eq!(
        format!("{hash:?}"),
        "PasswordHash($argon2id$v=19$m=19456,t=2,p=1$[redacted])"
    );
    assert_eq!(
        verify_password(
            &HashingParams::default(),
            &hash,
            &Password::new("Passw0rd!")
        )
        .unwrap(),
        Verification::Match {
            needs_rehash: false
        }
    );
}
