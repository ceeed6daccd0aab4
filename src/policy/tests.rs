#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use super::*;
use crate::error::ErrorCode;
use PolicyViolation::*;

/// A deterministic "random" source: counts up, wrapping at each bound.
fn counter() -> impl FnMut(u32) -> Result<u32> {
    let mut state: u32 = 0;
    move |n| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        Ok((state >> 8) % n)
    }
}

#[test]
fn default_policy_is_cognitos_api_default() {
    let p = PasswordPolicy::default();
    assert_eq!(p.minimum_length(), 8);
    assert!(p.require_uppercase());
    assert!(p.require_lowercase());
    assert!(p.require_numbers());
    assert!(p.require_symbols());
    assert_eq!(p.temporary_password_validity_days(), 7);
    assert_eq!(p.password_history_size(), 0);
    assert_eq!(PasswordPolicy::builder().build(), Ok(p));
}

#[test]
fn symbols_are_exactly_cognitos_32_ascii_characters() {
    assert_eq!(SYMBOLS.len(), 32);
    assert_eq!(SYMBOLS.chars().count(), 32);
    let listed = "^ $ * . [ ] { } ( ) ? \" ! @ # % & / \\ , > < ' : ; | _ ~ ` = + -";
    let mut a: Vec<char> = listed.split(' ').flat_map(str::chars).collect();
    let mut b: Vec<char> = SYMBOLS.chars().collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    assert!(SYMBOLS.chars().all(|c| c.is_ascii_punctuation()));
}

#[test]
fn minimum_length_below_six_is_refused_with_cognitos_model_message() {
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
fn every_out_of_range_field_is_reported_together() {
    let err = PasswordPolicy::builder()
        .minimum_length(100)
        .temporary_password_validity_days(366)
        .password_history_size(25)
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        err.message(),
        "3 validation errors detected: \
         Value '100' at 'userPool.policies.passwordPolicy.minimumLength' failed to satisfy \
         constraint: Member must have value less than or equal to 99; \
         Value '366' at 'userPool.policies.passwordPolicy.temporaryPasswordValidityDays' \
         failed to satisfy constraint: Member must have value less than or equal to 365; \
         Value '25' at 'userPool.policies.passwordPolicy.passwordHistorySize' failed to \
         satisfy constraint: Member must have value less than or equal to 24"
    );
}

#[test]
fn range_ends_are_accepted() {
    for (len, days, history) in [(6, 1, 0), (99, 365, 24)] {
        let p = PasswordPolicy::builder()
            .minimum_length(len)
            .temporary_password_validity_days(days)
            .password_history_size(history)
            .build()
            .unwrap();
        assert_eq!(p.minimum_length(), len);
        assert_eq!(p.temporary_password_validity_days(), days);
        assert_eq!(p.password_history_size(), history);
    }
}

#[test]
fn zero_validity_days_is_stored_as_the_default_seven() {
    let p = PasswordPolicy::builder()
        .temporary_password_validity_days(0)
        .build()
        .unwrap();
    assert_eq!(p.temporary_password_validity_days(), 7);
}

#[test]
fn empty_password_breaks_every_rule_in_fixed_order() {
    assert_eq!(
        PasswordPolicy::default().check(""),
        [
            TooShort,
            MissingUppercase,
            MissingLowercase,
            MissingNumber,
            MissingSymbol
        ]
    );
}

#[test]
fn rules_the_policy_does_not_require_are_not_reported() {
    let p = PasswordPolicy::builder()
        .minimum_length(6)
        .require_uppercase(false)
        .require_lowercase(false)
        .require_numbers(false)
        .require_symbols(false)
        .build()
        .unwrap();
    assert_eq!(p.check("......"), []);
    assert_eq!(p.check("....."), [TooShort]);
}

#[test]
fn conforming_password_has_no_violations() {
    assert_eq!(PasswordPolicy::default().check("Passw0rd!"), []);
}

#[test]
fn non_ascii_letters_and_digits_satisfy_no_class_but_count_towards_length() {
    // Fullwidth A, e-acute, Arabic-Indic digit one, inverted exclamation mark.
    assert_eq!(
        PasswordPolicy::default().check("Ａé١¡ÄÖÜß"),
        [
            MissingUppercase,
            MissingLowercase,
            MissingNumber,
            MissingSymbol
        ]
    );
}

#[test]
fn length_counts_characters_not_bytes() {
    let p = PasswordPolicy::default();
    assert_eq!("ÄÖÜäöü1!".len(), 14);
    assert_eq!(p.check("ÄÖÜäöü1!"), [MissingUppercase, MissingLowercase]);
    assert_eq!(p.check("Aa1!éé").first(), Some(&TooShort));
}

#[test]
fn inner_space_counts_as_a_symbol_but_tab_does_not() {
    let p = PasswordPolicy::default();
    assert_eq!(p.check("Pass word1"), []);
    assert_eq!(p.check("Pass\tword1"), [MissingSymbol]);
}

#[test]
fn every_listed_symbol_satisfies_require_symbols() {
    for s in SYMBOLS.chars() {
        let pw = format!("Abcdef1{s}");
        assert_eq!(PasswordPolicy::default().check(&pw), [], "symbol {s:?}");
    }
}

#[test]
fn violation_messages_are_cognitos_reasons() {
    assert_eq!(TooShort.message(), "Password not long enough");
    assert_eq!(
        MissingUppercase.message(),
        "Password must have uppercase characters"
    );
    assert_eq!(
        MissingLowercase.message(),
        "Password must have lowercase characters"
    );
    assert_eq!(
        MissingNumber.message(),
        "Password must have numeric characters"
    );
    assert_eq!(
        MissingSymbol.message(),
        "Password must have symbol characters"
    );
}

#[test]
fn validate_names_the_first_violation_and_keeps_all_of_them() {
    let err = PasswordPolicy::default()
        .validate(&Password::new("abc"))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidPassword);
    assert_eq!(
        err.message(),
        "Password did not conform with policy: Password not long enough"
    );
    assert_eq!(
        err.password_violations(),
        [TooShort, MissingUppercase, MissingNumber, MissingSymbol]
    );
}

#[test]
fn validate_accepts_a_conforming_password() {
    assert_eq!(
        PasswordPolicy::default().validate(&Password::new("Passw0rd!")),
        Ok(())
    );
}

#[test]
fn validate_refuses_leading_or_trailing_whitespace_without_echoing_it() {
    for pw in [
        " Passw0rd!",
        "Passw0rd! ",
        "\tPassw0rd!",
        "Passw0rd!\n",
        "Passw0rd!\u{a0}",
    ] {
        let err = PasswordPolicy::default()
            .validate(&Password::new(pw))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert_eq!(
            err.message(),
            "Password must not begin or end with whitespace."
        );
        assert!(err.password_violations().is_empty());
    }
}

#[test]
fn validate_refuses_more_than_256_characters_without_echoing_them() {
    let pw = format!("Aa1!{}", "x".repeat(253));
    assert_eq!(pw.chars().count(), 257);
    let err = PasswordPolicy::default()
        .validate(&Password::new(pw))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        err.message(),
        "1 validation error detected: Value at 'password' failed to satisfy constraint: \
         Member must have length less than or equal to 256"
    );
    assert!(!err.message().contains("xxx"));
}

#[test]
fn validate_accepts_exactly_256_characters_even_when_multibyte() {
    let pw = format!("Aa1!{}", "é".repeat(252));
    assert_eq!(pw.chars().count(), 256);
    assert_eq!(
        PasswordPolicy::default().validate(&Password::new(pw)),
        Ok(())
    );
}

#[test]
fn length_cap_sees_through_a_huge_input_cheaply() {
    assert!(exceeds_length_cap(&"é".repeat(10_000)));
    assert!(!exceeds_length_cap(&"😀".repeat(256)));
    assert!(exceeds_length_cap(&"😀".repeat(257)));
}

#[test]
fn generated_password_is_at_least_twelve_characters_and_conforms() {
    let p = PasswordPolicy::default();
    let pw = p.generate_temporary_password(&mut counter()).unwrap();
    assert_eq!(pw.expose_secret().chars().count(), 12);
    assert_eq!(p.validate(&pw), Ok(()));
}

#[test]
fn generated_password_meets_a_long_minimum_length() {
    let p = PasswordPolicy::builder()
        .minimum_length(99)
        .build()
        .unwrap();
    let pw = p.generate_temporary_password(&mut counter()).unwrap();
    assert_eq!(pw.expose_secret().len(), 99);
    assert_eq!(p.validate(&pw), Ok(()));
}

#[test]
fn generated_password_contains_every_class_even_from_a_constant_source() {
    // Always 0: the first character of each class, `A` as the fill, and a
    // shuffle that rotates them. Still one of each class, still conforming.
    let p = PasswordPolicy::default();
    let pw = p.generate_temporary_password(&mut |_| Ok(0)).unwrap();
    assert_eq!(p.check(pw.expose_secret()), []);
    assert!(!pw.expose_secret().contains(char::is_whitespace));
}

#[test]
fn out_of_range_randomness_is_an_internal_error_not_a_panic() {
    let err = PasswordPolicy::default()
        .generate_temporary_password(&mut |n| Ok(n))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InternalError);
}

#[test]
fn randomness_failure_is_passed_through() {
    let err = PasswordPolicy::default()
        .generate_temporary_password(&mut |_| Err(Error::internal("rng down")))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InternalError);
    assert_eq!(err.message(), "rng down");
}
