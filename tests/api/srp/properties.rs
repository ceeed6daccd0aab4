//! Properties over generated passwords: the right one always signs in, one
//! character off or a tampered secret block never does.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use userpool::{ErrorCode, SignUpRequest};

use crate::api::common::{Harness, staff};
use crate::support::PASSWORD;

use super::{Answer, INCORRECT, signs_in, srp_client, srp_sign_in, start};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Passwords the default policy accepts: 8 or more characters of every
/// class, no surrounding space.
fn password() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{4,8}[0-9]{1,3}[!#%&*+=@^]{1,3}[a-zA-Z0-9 éü€!@]{0,8}[a-z0-9]"
}

/// A staff pool with an SRP client and `dana` confirmed with `password`.
fn dana(password: &str) -> (Harness, String) {
    let h = staff(true);
    let client = srp_client(&h);
    h.pool
        .sign_up(
            SignUpRequest::new(h.client(), "dana", password)
                .attribute("given_name", "Dana")
                .attribute("email", "dana@example.com"),
        )
        .unwrap();
    h.pool.admin_confirm_sign_up("dana").unwrap();
    (h, client)
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn the_right_password_always_signs_in(password in password()) {
        let (h, client) = dana(&password);
        let response = srp_sign_in(&h, &client, "dana", &password);
        prop_assert!(
            response.as_ref().is_ok_and(|r| r.authentication_result.is_some()),
            "{:?}", response
        );
    }

    #[test]
    fn a_password_one_character_off_never_signs_in(
        password in password(),
        index in any::<prop::sample::Index>(),
        replacement in prop::char::any(),
    ) {
        let chars: Vec<char> = password.chars().collect();
        let i = index.index(chars.len());
        prop_assume!(chars[i] != replacement);
        let mut other = chars;
        other[i] = replacement;
        let other: String = other.into_iter().collect();
        let (h, client) = dana(&password);
        prop_assert!(!signs_in(&h, &client, "dana", &other));
        prop_assert!(signs_in(&h, &client, "dana", &password));
    }

    #[test]
    fn a_tampered_secret_block_never_signs_in(
        index in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let (h, client) = dana(PASSWORD);
        let (srp, challenge) = start(&h, &client, "dana");
        let good = Answer::new(&h, &srp, &challenge, PASSWORD);
        let mut bytes = STANDARD.decode(&good.secret_block).unwrap();
        let i = index.index(bytes.len());
        bytes[i] ^= mask;
        let mut answer = good.clone();
        answer.secret_block = STANDARD.encode(&bytes);
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        let e = answer.send(&h, &client).err().map(|e| (e.code(), e.message().to_owned()));
        prop_assert_eq!(e, Some((ErrorCode::NotAuthorized, INCORRECT.to_owned())));
        prop_assert!(good.send(&h, &client).is_ok_and(|r| r.authentication_result.is_some()));
    }
}
