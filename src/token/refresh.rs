//! Opaque refresh tokens.
//!
//! A refresh token is a random string with the shape of Cognito's
//! (`cognito-protocol.md` §6.5): JWE compact serialisation, five base64url
//! segments behind the header `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`.
//! Unlike Cognito's, nothing is encrypted inside: the four segments after the
//! header are all OS randomness, sized like an RSA-OAEP-2048 encrypted key
//! (256 bytes), a GCM IV (12), a ciphertext (128) and a GCM tag (16) —
//! 412 random bytes, far beyond the 256 bits that make guessing hopeless.
//! Everything the token stands for (user, client, origin_jti, expiry) lives
//! in the store, under the token's SHA-256.
//!
//! An unsalted, fast hash is the right digest here, unlike for passwords:
//! the input has thousands of bits of entropy, so there is no dictionary to
//! try, and a fast hash lets the store look the token up by digest.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::Result;

/// The longest refresh token accepted, in bytes; longer input is refused
/// before it is hashed or looked up. Issued tokens are about 630 bytes.
pub(super) const REFRESH_TOKEN_MAX_LEN: usize = 8 * 1024;

/// base64url of `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`, the first
/// segment of every refresh token.
const HEADER_B64: &str = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ";

/// Sizes of the random segments after the header: encrypted key, IV,
/// ciphertext, authentication tag.
const SEGMENT_LENS: [usize; 4] = [256, 12, 128, 16];
const RANDOM_LEN: usize = 256 + 12 + 128 + 16;

/// A new refresh token and its SHA-256 digest, the only thing to store.
///
/// The token is JWE-shaped like Cognito's (`cognito-protocol.md` §6.5): the
/// header `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`, then four
/// base64url segments the size of an RSA-OAEP-2048 encrypted key (256
/// bytes), a GCM IV (12), a ciphertext (128) and a tag (16). Nothing is
/// encrypted: all 412 bytes are OS randomness, and the token means nothing
/// without the store record kept under its digest.
///
/// # Errors
///
/// [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if the
/// system random number generator fails.
pub fn new_refresh_token() -> Result<(String, [u8; 32])> {
    let random = crate::random::bytes::<RANDOM_LEN>()?;
    let mut token = String::with_capacity(HEADER_B64.len() + 4 + RANDOM_LEN * 4 / 3 + 4);
    token.push_str(HEADER_B64);
    let mut rest: &[u8] = &random;
    for len in SEGMENT_LENS {
        let (segment, tail) = rest.split_at(len);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(segment, &mut token);
        rest = tail;
    }
    let digest = refresh_token_digest(&token);
    Ok((token, digest))
}

/// The SHA-256 of a refresh token: the key under which the store keeps it.
///
/// A fast, unsalted hash is enough, unlike for passwords: every issued token
/// carries 3296 random bits, so there is no dictionary to try, and a
/// deterministic digest lets the store find the token by it.
#[must_use]
pub(crate) fn refresh_token_digest(token: &str) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// Whether `token` could be a refresh token this module issued: at most
/// [`REFRESH_TOKEN_MAX_LEN`] bytes, Cognito's JWE header, then four non-empty
/// segments of unpadded base64url characters.
///
/// A cheap filter before hashing and a store lookup; only the lookup decides
/// whether the token is real.
#[must_use]
pub(crate) fn parse_refresh_token_shape(token: &str) -> bool {
    if token.len() > REFRESH_TOKEN_MAX_LEN {
        return false;
    }
    let mut segments = token.split('.');
    if segments.next() != Some(HEADER_B64) {
        return false;
    }
    let mut count = 0;
    for segment in segments {
        count += 1;
        let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        if segment.is_empty() || !segment.bytes().all(base64url) {
            return false;
        }
    }
    count == SEGMENT_LENS.len()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn the_header_segment_is_cognitos_jwe_header() {
        let header = URL_SAFE_NO_PAD.decode(HEADER_B64).unwrap();
        assert_eq!(
            header,
            br#"{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}"#.to_vec()
        );
        assert_eq!(SEGMENT_LENS.iter().sum::<usize>(), RANDOM_LEN);
    }

    #[test]
    fn a_new_token_has_the_jwe_shape_and_its_digest() {
        let (token, digest) = new_refresh_token().unwrap();
        assert!(parse_refresh_token_shape(&token));
        assert_eq!(digest, refresh_token_digest(&token));
        let lens: Vec<usize> = token
            .split('.')
            .skip(1)
            .map(|s| URL_SAFE_NO_PAD.decode(s).unwrap().len())
            .collect();
        assert_eq!(lens, SEGMENT_LENS);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        );
    }

    #[test]
    fn tokens_are_unique() {
        let (a, da) = new_refresh_token().unwrap();
        let (b, db) = new_refresh_token().unwrap();
        assert_ne!(a, b);
        assert_ne!(da, db);
    }

    #[test]
    fn wrong_shapes_are_refused() {
        let (token, _) = new_refresh_token().unwrap();
        assert!(!parse_refresh_token_shape(""));
        assert!(!parse_refresh_token_shape(&format!("{token}.extra")));
        assert!(!parse_refresh_token_shape(
            token.rsplit_once('.').unwrap().0
        ));
        assert!(!parse_refresh_token_shape(&format!("{token}=")));
        assert!(!parse_refresh_token_shape(&token.replacen(".", "..", 2)));
        assert!(!parse_refresh_token_shape(&format!("x{token}")));
        let long = format!("{token}{}", "A".repeat(REFRESH_TOKEN_MAX_LEN));
        assert!(!parse_refresh_token_shape(&long));
    }

    #[test]
    fn the_digest_is_sha256() {
        // FIPS 180-2 appendix B.1: SHA-256("abc").
        assert_eq!(
            crate::hex::encode(&refresh_token_digest("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
