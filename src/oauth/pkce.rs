//! PKCE with `S256` only (RFC 7636; cognito-oauth.md §5.2 step 7, §7.3
//! step 4, §13.2).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest;
use subtle::ConstantTimeEq;

/// Whether `challenge` has the shape of an `S256` challenge: 43 base64url
/// characters without padding (a SHA-256 digest).
#[must_use]
pub fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && URL_SAFE_NO_PAD
            .decode(challenge)
            .is_ok_and(|d| d.len() == 32)
}

/// Whether `verifier` is a well-formed code verifier: 43–128 characters of
/// `[A-Za-z0-9._~-]`.
#[must_use]
pub fn is_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The `S256` challenge of `verifier`: base64url, no padding, of its
/// SHA-256.
#[must_use]
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()))
}

/// Whether `verifier` is well formed and its `S256` challenge equals
/// `challenge`, compared in constant time.
#[must_use]
pub fn verify_s256(verifier: &str, challenge: &str) -> bool {
    if !is_verifier(verifier) {
        return false;
    }
    let computed = s256_challenge(verifier);
    computed.as_bytes().ct_eq(challenge.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc_7636_appendix_b() {
        assert_eq!(s256_challenge(VERIFIER), CHALLENGE);
        assert!(is_s256_challenge(CHALLENGE));
        assert!(verify_s256(VERIFIER, CHALLENGE));
    }

    #[test]
    fn wrong_or_malformed_verifiers_fail() {
        let mut wrong = VERIFIER.to_owned();
        wrong.replace_range(0..1, "e");
        assert!(!verify_s256(&wrong, CHALLENGE));
        assert!(!verify_s256("short", CHALLENGE));
        assert!(!verify_s256(&format!("{VERIFIER}!"), CHALLENGE));
        assert!(!verify_s256(&"a".repeat(129), CHALLENGE));
        assert!(!is_s256_challenge("plain-challenge"));
        assert!(!is_s256_challenge(&format!("{CHALLENGE}=")));
    }
}
