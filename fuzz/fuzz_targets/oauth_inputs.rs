//! The OAuth request parsers on untrusted input (cognito-oauth.md §5, §7):
//! a form body or query, an `Authorization` header, a PKCE verifier and
//! challenge, and a `scope` parameter. None may panic, and each keeps its
//! contract:
//!
//! * a parsed form re-encodes to a form that parses to the same pairs;
//! * client credentials come out only with a non-empty client id, and a
//!   body id or secret that disagrees with the header's is refused;
//! * `verify_s256` accepts only a well-formed verifier whose challenge is
//!   the one given (recomputed here);
//! * granted scopes are always a non-empty subset of the allowed ones,
//!   `client_credentials` ones custom only.
//!
//! Input layout: `body ‖ 0xff ‖ header ‖ 0xff ‖ verifier ‖ 0xff ‖ scope`
//! (lossy UTF-8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use userpool::oauth::client_auth::client_credentials;
use userpool::oauth::form::{Form, encode_component};
use userpool::oauth::pkce::{is_verifier, s256_challenge, verify_s256};
use userpool::oauth::scope::{authorize_scopes, client_credentials_scopes, is_standard};

fuzz_target!(|data: &[u8]| {
    let mut fields = data.splitn(4, |&b| b == 0xff);
    let body = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
    let header = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
    let verifier = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
    let scope = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();

    if let Ok(form) = Form::parse(&body) {
        for name in ["client_id", "client_secret", "code", "grant_type"] {
            if let Some(v) = form.get(name) {
                let again = Form::parse(&format!("{}={}", name, encode_component(v)))
                    .expect("an encoded pair parses");
                assert_eq!(again.get(name), Some(v));
            }
        }
        let header = (!header.is_empty()).then_some(header.as_str());
        if let Ok(c) = client_credentials(header, &form) {
            assert!(!c.client_id.is_empty());
            if c.basic {
                assert!(form.non_empty("client_id").is_none_or(|b| b == c.client_id));
            }
        }
    }

    let challenge = s256_challenge(&verifier);
    assert_eq!(verify_s256(&verifier, &challenge), is_verifier(&verifier));
    assert!(!verify_s256(&verifier, &scope) || s256_challenge(&verifier) == scope);

    let allowed: Vec<String> = ["openid", "email", "api/read", "api/write", "profile"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let active = |s: &str| s == "api/read";
    if let Ok(granted) = authorize_scopes(Some(&scope), &allowed, active) {
        assert!(!granted.is_empty());
        assert!(granted.iter().all(|g| allowed.contains(g)));
    }
    if let Ok(granted) = client_credentials_scopes(Some(&scope), &allowed, active) {
        assert!(!granted.is_empty());
        assert!(
            granted
                .iter()
                .all(|g| allowed.contains(g) && !is_standard(g) && active(g))
        );
    }
});
