//! The operating system's CSPRNG, behind fallible helpers.
//!
//! Domain modules take randomness as arguments; only the pool draws it, here.

use rand::TryRngCore;
use rand::rngs::OsRng;

use crate::error::{Error, Result};

/// Fills `buf` from the OS RNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    OsRng
        .try_fill_bytes(buf)
        .map_err(|_| Error::internal("The system random number generator failed."))
}

/// `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}

/// A uniformly distributed integer in `0..bound` (rejection sampling, no modulo bias).
pub(crate) fn below(bound: u32) -> Result<u32> {
    if bound <= 1 {
        return Ok(0);
    }
    // Largest multiple of `bound` that fits in u32; draws at or above it are rejected.
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let v = u32::from_le_bytes(bytes::<4>()?);
        if v < zone {
            return Ok(v % bound);
        }
    }
}

/// A random version-4 UUID in lowercase hyphenated form, the shape of Cognito's `sub`.
pub(crate) fn uuid_v4() -> Result<String> {
    Ok(format_uuid_v4(bytes::<16>()?))
}

/// Formats 16 random bytes as a version-4, variant-1 UUID (RFC 9562 §5.4).
pub(crate) fn format_uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::hex::encode(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant_bits() {
        let u = format_uuid_v4([0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let u = format_uuid_v4([0; 16]);
        assert_eq!(u, "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn below_stays_in_range() {
        for bound in [1u32, 2, 7, 10, 1_000_000] {
            for _ in 0..200 {
                assert!(below(bound).unwrap_or(u32::MAX) < bound);
            }
        }
    }
}
