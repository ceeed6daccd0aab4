//! Fuzzes the password policy: arbitrary parameters and arbitrary passwords.
//!
//! The first bytes choose the policy (any value, so out-of-range ones exercise
//! the builder's refusal); the rest, read as lossy UTF-8, is the password.
//! `check` must agree with a model written here from `cognito-protocol.md`
//! §7.3, `validate` must succeed exactly when the model and the model-level
//! constraints (256 characters, no edge whitespace) allow, and temporary
//! passwords must pass their own policy. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use userpool::config::PasswordPolicy;
use userpool::internals::password::MAX_PASSWORD_CHARS;
use userpool::{ErrorCode, Password, PolicyViolation};

const MODEL_SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

fn model(policy: &PasswordPolicy, password: &str) -> Vec<PolicyViolation> {
    let has = |f: fn(char) -> bool| password.chars().any(f);
    let mut v = Vec::new();
    if password.chars().count() < policy.minimum_length() as usize {
        v.push(PolicyViolation::TooShort);
    }
    if policy.require_uppercase() && !has(|c| c.is_ascii_uppercase()) {
        v.push(PolicyViolation::MissingUppercase);
    }
    if policy.require_lowercase() && !has(|c| c.is_ascii_lowercase()) {
        v.push(PolicyViolation::MissingLowercase);
    }
    if policy.require_numbers() && !has(|c| c.is_ascii_digit()) {
        v.push(PolicyViolation::MissingNumber);
    }
    if policy.require_symbols() && !has(|c| MODEL_SYMBOLS.contains(c)) {
        v.push(PolicyViolation::MissingSymbol);
    }
    v
}

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<5>() else {
        return;
    };
    let [len, flags, days_lo, days_hi, history] = *head;
    let days = u32::from(u16::from_le_bytes([days_lo, days_hi]) % 512);
    let built = PasswordPolicy::builder()
        .minimum_length(u32::from(len))
        .require_uppercase(flags & 1 != 0)
        .require_lowercase(flags & 2 != 0)
        .require_numbers(flags & 4 != 0)
        .require_symbols(flags & 8 != 0)
        .temporary_password_validity_days(days)
        .password_history_size(u32::from(history))
        .build();
    let in_range = (6..=99).contains(&len) && days <= 365 && history <= 24;
    let policy = match built {
        Ok(p) => {
            assert!(in_range);
            assert_eq!(
                p.temporary_password_validity_days(),
                if days == 0 { 7 } else { days }
            );
            p
        }
        Err(e) => {
            assert!(!in_range);
            assert_eq!(e.code(), ErrorCode::InvalidParameter);
            return;
        }
    };

    let password = String::from_utf8_lossy(rest);
    let violations = policy.check(&password);
    assert_eq!(violations, model(&policy, &password));

    let too_long = password.chars().count() > MAX_PASSWORD_CHARS;
    let edge_whitespace =
        password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace);
    match policy.validate(&Password::new(password.as_ref())) {
        Ok(()) => assert!(!too_long && !edge_whitespace && violations.is_empty()),
        Err(e) if too_long || edge_whitespace => {
            assert_eq!(e.code(), ErrorCode::InvalidParameter);
            assert!(e.password_violations().is_empty());
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidPassword);
            assert_eq!(e.password_violations(), violations.as_slice());
        }
    }

    // The password bytes double as the random source for a temporary password.
    let mut bytes = rest.iter().copied().cycle();
    let mut random_below = |n: u32| -> userpool::Result<u32> {
        let b = [(); 4].map(|()| bytes.next().unwrap_or(0));
        Ok(u32::from_le_bytes(b) % n)
    };
    let temporary = policy
        .generate_temporary_password(&mut random_below)
        .expect("in-range randomness never fails");
    assert_eq!(policy.validate(&temporary), Ok(()));
});
