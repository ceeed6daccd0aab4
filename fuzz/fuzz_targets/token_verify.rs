//! Token verification on untrusted input: arbitrary strings through
//! `verify_access` and `verify_id` never panic, never succeed, and always fail
//! with `NotAuthorizedException`.
//!
//! The key set is generated once per fuzzing process (no key material lives in
//! the repository). Input layout: the first byte picks how the rest is used,
//! so the fuzzer also reaches the code behind the header and signature checks:
//!
//! * `0 mod 3`: the rest, lossy UTF-8, is the token;
//! * `1 mod 3`: a valid header naming the access key's `kid`, a dot, then the
//!   rest (payload and signature are the fuzzer's);
//! * `2 mod 3`: a validly signed access token with the rest XORed over it from
//!   an offset given by the next two bytes (an unchanged token is skipped).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use userpool::internals::token::SCOPE_USER_ADMIN;
use userpool::token::{AccessClaims, KeySet, TokenUse, TokenVerifier};
use userpool::{ErrorCode, Timestamp};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_tK1PT2XHw";
const IAT: i64 = 1_700_000_000;

struct Fixture {
    verifier: TokenVerifier,
    header_b64: String,
    token: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let keys = KeySet::generate().expect("key generation");
        let claims = AccessClaims {
            sub: "f81d4fae-7dec-41d0-a765-00a0c91e6bf6".to_owned(),
            cognito_groups: Some(vec!["admins".to_owned()]),
            iss: ISSUER.to_owned(),
            client_id: "5015ncg0dvmsd4vbmskke3j1tv".to_owned(),
            origin_jti: None,
            event_id: "4a3a1e6c-1d0e-4c5e-9b0f-2f0e2d1c3b4a".to_owned(),
            token_use: TokenUse::Access,
            scope: SCOPE_USER_ADMIN.to_owned(),
            auth_time: IAT,
            exp: IAT + 3600,
            iat: IAT,
            jti: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
            username: "jane".to_owned(),
            device_key: None,
            extra: Default::default(),
        };
        let token = keys.sign_access(&claims).expect("signing");
        let header_b64 = token.split('.').next().unwrap_or_default().to_owned();
        Fixture {
            verifier: keys.verifier(ISSUER),
            header_b64,
            token,
        }
    })
}

fn assert_refused(candidate: &str) {
    let f = fixture();
    let now = Timestamp::from_unix_seconds(IAT + 1);
    for client in [None, Some("5015ncg0dvmsd4vbmskke3j1tv")] {
        let access = f.verifier.verify_access(candidate, client, now);
        assert_eq!(
            access.map_err(|e| e.code()).err(),
            Some(ErrorCode::NotAuthorized)
        );
        let id = f.verifier.verify_id(candidate, client, now);
        assert_eq!(
            id.map_err(|e| e.code()).err(),
            Some(ErrorCode::NotAuthorized)
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    match mode % 3 {
        0 => assert_refused(&String::from_utf8_lossy(rest)),
        1 => assert_refused(&format!(
            "{}.{}",
            f.header_b64,
            String::from_utf8_lossy(rest)
        )),
        _ => {
            let [hi, lo, xor @ ..] = rest else {
                return;
            };
            let mut bytes = f.token.as_bytes().to_vec();
            let start = usize::from(u16::from_be_bytes([*hi, *lo])) % bytes.len();
            for (b, x) in bytes[start..].iter_mut().zip(xor) {
                *b ^= x;
            }
            let candidate = String::from_utf8_lossy(&bytes);
            if candidate != f.token {
                assert_refused(&candidate);
            }
        }
    }
});
