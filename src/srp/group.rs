//! The RFC 5054 3072-bit group, the multiplier `k`, and the constant-time
//! modular arithmetic the protocol needs (`cognito-protocol.md` §1.1).
//!
//! All arithmetic runs on crypto-bigint's [`BoxedMontyForm`] with the modulus
//! parsed once into [`BoxedMontyParams`]. Exponents keep their own width:
//! crypto-bigint's `pow` walks the exponent's whole storage, so a 256-bit
//! exponent (`b`, `u`, `x`) lives in a 256-bit integer (`ARCHITECTURE.md`,
//! dependency facts). Powers of the fixed generator `g = 2` with exponents of
//! at most 256 bits use a precomputed table instead of square-and-multiply.

use std::sync::LazyLock;

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, ConcatenatingMul, CtAssign, CtEq, CtLt, Odd, U3072, Word};
use zeroize::Zeroizing;

use super::hash;

/// The group modulus `N`: the RFC 5054 / RFC 3526 3072-bit MODP prime,
/// uppercase hex, 768 digits (`cognito-protocol.md` §1.1).
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1",
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245",
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D",
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D",
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9",
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B",
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31",
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The generator `g` (`cognito-protocol.md` §1.1).
pub(crate) const G: u8 = 2;

/// Bits in `N`.
pub(crate) const N_BITS: u32 = 3072;

/// Bytes in `N`: the fixed width of every group element.
pub(crate) const N_LEN: usize = 384;

/// `N` as a compile-time constant; `from_be_hex` fails the build if it were even.
const N_ODD: Odd<U3072> = Odd::<U3072>::from_be_hex(N_HEX);

/// Width of the exponents the fixed-base table covers.
const TABLE_EXP_BITS: u32 = 256;

/// Bits per table window.
const WINDOW_BITS: u32 = 6;

/// Entries per table row: every value of one window.
const WINDOW_SIZE: usize = 1 << WINDOW_BITS;

/// The group, parsed once per process.
pub(crate) struct Group {
    params: BoxedMontyParams,
    /// `N` as a 3072-bit integer.
    n: BoxedUint,
    /// `N` big-endian, 384 bytes.
    n_bytes: Box<[u8]>,
    /// `1` in Montgomery form.
    one: BoxedMontyForm,
    /// `g` in Montgomery form.
    g: BoxedMontyForm,
    /// `k` in Montgomery form.
    k: BoxedMontyForm,
    /// `table[p][j] = g^(j · 64^p)`, in Montgomery form, for the 43 six-bit
    /// windows of a 256-bit exponent (2,752 entries, about 1 MiB).
    table: Vec<[BoxedUint; WINDOW_SIZE]>,
}

static GROUP: LazyLock<Group> = LazyLock::new(Group::new);

/// The group; the first call builds the fixed-base table (2,752 modular
/// multiplications, about ten milliseconds, once per process).
pub(crate) fn group() -> &'static Group {
    &GROUP
}

impl Group {
    fn new() -> Self {
        let n_odd: Odd<BoxedUint> = N_ODD.into();
        let params = BoxedMontyParams::new(n_odd);
        let n = params.modulus().as_ref().clone();
        let n_bytes = n.to_be_bytes();
        let one = BoxedMontyForm::one(&params);
        let g = BoxedMontyForm::new(BoxedUint::from_be_slice_truncated(&[G], N_BITS), &params);
        // cognito-protocol.md §1.1: k = H(PAD(N) ‖ PAD(g)). N's top bit is set,
        // so PAD(N) carries a leading 0x00; hashing N without it is the classic bug.
        let k_bytes = hash::sha256(&[&hash::pad(&n_bytes), &hash::pad(&[G])]);
        let k = BoxedMontyForm::new(
            BoxedUint::from_be_slice_truncated(&k_bytes, N_BITS),
            &params,
        );
        let table = build_table(&one, &g);
        Self {
            params,
            n,
            n_bytes,
            one,
            g,
            k,
            table,
        }
    }

    /// `N`, big-endian, 384 bytes.
    pub(crate) fn n_bytes(&self) -> &[u8] {
        &self.n_bytes
    }

    /// `k` in Montgomery form.
    pub(crate) fn k(&self) -> &BoxedMontyForm {
        &self.k
    }

    /// The element with value `be mod N`, for a big-endian integer below 2^3072
    /// (leading zero bytes allowed). `None` if the integer is 2^3072 or more.
    ///
    /// Constant time in the value, given the input length.
    pub(crate) fn element(&self, be: &[u8]) -> Option<BoxedMontyForm> {
        let excess = be.len().saturating_sub(N_LEN);
        let (high, low) = be.split_at(excess);
        if high.iter().any(|&byte| byte != 0) {
            return None;
        }
        let mut value = BoxedUint::from_be_slice_truncated(low, N_BITS);
        // Anything below 2^3072 is below 2N: one conditional subtraction reduces it.
        let reduced = value.wrapping_sub(&self.n);
        let at_least_n = !value.ct_lt(&self.n);
        value.ct_assign(&reduced, at_least_n);
        Some(BoxedMontyForm::new(value, &self.params))
    }

    /// `true` if the big-endian integer `be` (below 2^3072) is `0 mod N`,
    /// i.e. is 0 or N. Variable time: for public values only.
    pub(crate) fn is_zero_mod_n_vartime(&self, be: &[u8]) -> bool {
        let minimal = hash::trim(be);
        minimal.is_empty() || minimal == &self.n_bytes[..]
    }

    /// `g^exp mod N`, in constant time for a given exponent width.
    pub(crate) fn pow_g(&self, exp: &BoxedUint) -> BoxedMontyForm {
        if exp.bits_precision() <= TABLE_EXP_BITS {
            self.pow_g_table(exp)
        } else {
            self.g.pow(exp)
        }
    }

    /// Fixed-base exponentiation with the precomputed table: one table row per
    /// six-bit window, each row scanned in full with a constant-time select,
    /// so the cost is 42 multiplications whatever the exponent (no squarings:
    /// about a fifth of a 256-bit square-and-multiply).
    fn pow_g_table(&self, exp: &BoxedUint) -> BoxedMontyForm {
        let words = exp.as_words();
        let windows = (0..).map(|row: u32| window(words, row * WINDOW_BITS));
        let mut acc: Option<BoxedMontyForm> = None;
        for (row, window) in self.table.iter().zip(windows) {
            // Select on the bare Montgomery integers: selecting whole
            // `BoxedMontyForm`s would also select (and reallocate) the parameters.
            let mut selected = self.one.as_montgomery().clone();
            for (j, entry) in row.iter().enumerate() {
                selected.ct_assign(entry, (j as Word).ct_eq(&window));
            }
            // `selected` moves into `factor`, which zeroizes it on drop.
            let factor = Zeroizing::new(BoxedMontyForm::from_montgomery(selected, &self.params));
            acc = Some(match acc {
                Some(acc) => acc.mul(&factor),
                None => BoxedMontyForm::clone(&factor),
            });
        }
        acc.unwrap_or_else(|| self.one.clone())
    }
}

/// `table[p][j] = g^(j · 64^p)` in Montgomery form: 43 rows of 64 (2,752 multiplications).
fn build_table(one: &BoxedMontyForm, g: &BoxedMontyForm) -> Vec<[BoxedUint; WINDOW_SIZE]> {
    let rows = TABLE_EXP_BITS.div_ceil(WINDOW_BITS) as usize;
    let mut table = Vec::with_capacity(rows);
    // base = g^(64^p) for the current row p.
    let mut base = g.clone();
    for _ in 0..rows {
        let mut acc = one.clone();
        let row: [BoxedUint; WINDOW_SIZE] = std::array::from_fn(|_| {
            let entry = acc.as_montgomery().clone();
            acc = acc.mul(&base);
            entry
        });
        // After 64 multiplications acc = base^64 = g^(64^(p+1)).
        base = acc;
        table.push(row);
    }
    table
}

/// The `WINDOW_BITS` bits of `words` (little-endian limbs) starting at bit
/// `start`, zero beyond the end. The position is public; only the value is secret.
fn window(words: &[Word], start: u32) -> Word {
    let mask: Word = (1 << WINDOW_BITS) - 1;
    let index = (start / Word::BITS) as usize;
    let offset = start % Word::BITS;
    let low = words.get(index).copied().unwrap_or(0) >> offset;
    let high = if offset + WINDOW_BITS > Word::BITS {
        words.get(index + 1).copied().unwrap_or(0) << (Word::BITS - offset)
    } else {
        0
    };
    (low | high) & mask
}

/// An exponent from big-endian bytes, exactly as wide as the input (rounded
/// up to whole limbs, at least one), so `pow` does not walk unused width.
pub(crate) fn exponent(be: &[u8]) -> BoxedUint {
    let bits = u32::try_from(be.len().saturating_mul(8))
        .unwrap_or(u32::MAX)
        .clamp(Word::BITS, N_BITS * 4);
    BoxedUint::from_be_slice_truncated(be, bits)
}

/// `a + u·x` as an exponent (the client's §1.6 step 5), wide enough not to wrap.
pub(crate) fn client_exponent(a: &BoxedUint, u: &BoxedUint, x: &BoxedUint) -> BoxedUint {
    let ux = Zeroizing::new(u.concatenating_mul(x));
    a.concatenating_add(&*ux)
}

/// A group element's value as 384 big-endian bytes, zeroized on drop (it may be `S`).
pub(crate) type ElementBytes = Zeroizing<Box<[u8]>>;

/// The value of a group element as 384 big-endian bytes.
pub(crate) fn to_fixed_bytes(e: &BoxedMontyForm) -> ElementBytes {
    let value = Zeroizing::new(e.retrieve());
    Zeroizing::new(value.to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_matches_the_published_value() {
        assert_eq!(
            crate::hex::encode(&super::super::verifier::multiplier_k()),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }

    #[test]
    fn n_is_the_3072_bit_prime() {
        let n = group().n_bytes();
        assert_eq!(n.len(), N_LEN);
        assert_eq!(crate::hex::encode(n), N_HEX.to_ascii_lowercase());
    }

    #[test]
    fn table_exponentiation_agrees_with_square_and_multiply() {
        let grp = group();
        for seed in [0u8, 1, 0x5a, 0xff] {
            let mut bytes = [seed; 32];
            bytes[0] ^= 0x80;
            bytes[31] = bytes[31].wrapping_add(7);
            let exp = exponent(&bytes);
            assert_eq!(exp.bits_precision(), 256);
            assert_eq!(grp.pow_g_table(&exp), grp.g.pow(&exp));
        }
        // A one-limb exponent uses only the first rows.
        let small = exponent(&[0x01, 0x02]);
        assert_eq!(grp.pow_g(&small), grp.g.pow(&small));
        // 2^0x0102 = 2^258: the byte 0x04 followed by 32 zero bytes.
        let mut expected = vec![0x04];
        expected.extend_from_slice(&[0; 32]);
        assert_eq!(
            hash::trim(&to_fixed_bytes(&grp.pow_g(&small))),
            &expected[..]
        );
    }

    #[test]
    fn exponent_width_follows_the_input() {
        assert_eq!(exponent(&[1; 32]).bits_precision(), 256);
        assert_eq!(exponent(&[1; 128]).bits_precision(), 1024);
        assert_eq!(exponent(&[1]).bits_precision(), Word::BITS);
        assert_eq!(exponent(&[]).bits_precision(), Word::BITS);
    }

    #[test]
    fn elements_reduce_mod_n() {
        let grp = group();
        let n = grp.n_bytes().to_vec();
        assert!(grp.element(&n).is_some_and(|e| e.is_zero().to_bool()));
        assert!(grp.is_zero_mod_n_vartime(&n));
        assert!(grp.is_zero_mod_n_vartime(&[0, 0]));
        assert!(!grp.is_zero_mod_n_vartime(&[1]));
        assert!(grp.element(&[0xff; N_LEN + 1]).is_none());
        let mut padded = vec![0u8; 3];
        padded.extend_from_slice(&n);
        assert!(grp.element(&padded).is_some());
    }
}
