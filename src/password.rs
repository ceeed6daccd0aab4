//! Password hashing with Argon2id, stored as PHC strings.
//!
//! Every password a pool stores goes through [`hash_password`] and is kept as
//! a [`PasswordHash`], the PHC string
//! `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`. Sign-in calls
//! [`verify_password`] with the pool's *current* [`HashingParams`]; a match
//! whose stored parameters differ says `needs_rehash: true`, so the pool can
//! re-hash the password it now holds in plaintext and store the new hash
//! (`ARCHITECTURE.md`, decision 4).
//!
//! * **Parameters.** [`HashingParams::OWASP`] (m = 19456 KiB, t = 2, p = 1,
//!   OWASP's first Argon2id recommendation) is the default. Each hash in flight
//!   holds `m_cost` KiB, so bound the number of concurrent hashes.
//!   [`HashingParams::insecure_fast_for_tests`] is for tests only.
//! * **Purity.** Nothing here reads a clock or draws randomness: the caller
//!   passes a fresh 16-byte salt from a CSPRNG.
//! * **Length cap.** Passwords longer than [`MAX_PASSWORD_CHARS`](crate::policy::MAX_PASSWORD_CHARS) characters
//!   are refused by [`hash_password`] and never match in [`verify_password`],
//!   in both cases before the KDF runs, so a huge request costs nothing.
//! * **Encapsulation.** No type of the `argon2` crate appears in this API, so
//!   upgrading it is not a breaking change.
//!
//! (The unit tests below show a hash made, verified and marked for rehash.)

use std::fmt;

use argon2::password_hash::phc;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::error::{Error, Result};
use crate::policy::{check_length_cap, exceeds_length_cap};
use crate::secret::Password;

/// The Argon2 version we write: 0x13 (19), the current one.
const CURRENT_VERSION: u32 = 0x13;
/// Argon2 version 0x10, which we still verify (and flag for rehash).
const LEGACY_VERSION: u32 = 0x10;
/// Hash output length in bytes, argon2's default.
const OUTPUT_LEN: usize = 32;
/// Shortest salt accepted in a stored hash (argon2's `MIN_SALT_LEN`).
const MIN_SALT_LEN: usize = 8;

/// Argon2id cost parameters: memory (`m_cost`, KiB), iterations (`t_cost`)
/// and lanes (`p_cost`). Always valid for Argon2 and within sanity caps.
///
/// The caps ([`MAX_M_COST`](Self::MAX_M_COST) and friends) are ours, not
/// Argon2's: they catch unit mistakes (bytes for KiB) and bound what verifying
/// a stored hash can cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HashingParams {
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
}

impl HashingParams {
    /// Fewest KiB of memory: Argon2's minimum of 8 per lane.
    pub const MIN_M_COST: u32 = 8;
    /// Most KiB of memory: 4 GiB.
    pub const MAX_M_COST: u32 = 4 * 1024 * 1024;
    /// Fewest iterations.
    pub const MIN_T_COST: u32 = 1;
    /// Most iterations.
    pub const MAX_T_COST: u32 = 100;
    /// Fewest lanes.
    pub const MIN_P_COST: u32 = 1;
    /// Most lanes. This build of `argon2` computes lanes one after another,
    /// so more lanes add cost without adding parallelism.
    pub const MAX_P_COST: u32 = 64;

    /// OWASP's recommended Argon2id parameters: m = 19456 KiB (19 MiB),
    /// t = 2, p = 1. The default, and the parameters to use in production.
    ///
    /// About 25 ms per hash on a current server core.
    pub const OWASP: Self = Self {
        m_cost: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
    };

    /// **Insecure.** Cheap parameters (m = 256 KiB, t = 1, p = 1) that make
    /// tests with many sign-ups fast.
    ///
    /// A hash made with them can be brute-forced orders of magnitude faster
    /// than an [`OWASP`](Self::OWASP) one. Never use them for real passwords:
    /// a pool configured with them stores hashes that do not protect anyone.
    #[must_use]
    pub const fn insecure_fast_for_tests() -> Self {
        Self {
            m_cost: 256,
            t_cost: 1,
            p_cost: 1,
        }
    }

    /// Parameters from memory in KiB, iterations and lanes.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if a
    /// value is outside its `MIN_*`..=`MAX_*` range, or `m_cost` is less than
    /// 8 × `p_cost` (Argon2 needs 8 KiB per lane).
    pub fn new(m_cost: u32, t_cost: u32, p_cost: u32) -> Result<Self> {
        let in_range = (Self::MIN_M_COST..=Self::MAX_M_COST).contains(&m_cost)
            && (Self::MIN_T_COST..=Self::MAX_T_COST).contains(&t_cost)
            && (Self::MIN_P_COST..=Self::MAX_P_COST).contains(&p_cost)
            && m_cost / 8 >= p_cost;
        if !in_range {
            return Err(Error::invalid_parameter(format!(
                "Invalid Argon2 parameters m={m_cost},t={t_cost},p={p_cost}: \
                 m must be between {} and {} KiB and at least 8 times p, \
                 t between {} and {}, p between {} and {}.",
                Self::MIN_M_COST,
                Self::MAX_M_COST,
                Self::MIN_T_COST,
                Self::MAX_T_COST,
                Self::MIN_P_COST,
                Self::MAX_P_COST,
            )));
        }
        Ok(Self {
            m_cost,
            t_cost,
            p_cost,
        })
    }

    /// Memory cost in KiB. Defaults to 19456 (19 MiB).
    #[must_use]
    pub const fn m_cost(&self) -> u32 {
        self.m_cost
    }

    /// Number of passes over memory. Defaults to 2.
    #[must_use]
    pub const fn t_cost(&self) -> u32 {
        self.t_cost
    }

    /// Degree of parallelism (lanes). Defaults to 1.
    #[must_use]
    pub const fn p_cost(&self) -> u32 {
        self.p_cost
    }

    fn argon2(&self) -> Result<Argon2<'static>> {
        let params = Params::new(self.m_cost, self.t_cost, self.p_cost, Some(OUTPUT_LEN))
            .map_err(|_| Error::internal("Argon2 refused validated parameters."))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for HashingParams {
    /// [`HashingParams::OWASP`].
    fn default() -> Self {
        Self::OWASP
    }
}

/// A stored password: an Argon2id PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
///
/// Only [`hash_password`] and [`PasswordHash::from_phc`] make one, so it
/// always parses. `Debug` shows the algorithm and parameters and redacts the
/// salt and hash. Equality compares the strings and is not constant time: it
/// is for stores and tests, never a way to check a password.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash {
    phc: String,
    params: HashingParams,
    version: u32,
    output_len: usize,
}

impl PasswordHash {
    /// Parses a stored PHC string, e.g. one read back from a database or
    /// imported from another system.
    ///
    /// Accepted: algorithm `argon2id`; an explicit version `v=19` or `v=16`;
    /// exactly the parameters `m`, `t`, `p`, within [`HashingParams`]'s
    /// ranges; a salt of at least 8 bytes and a hash. Hashes that are not
    /// `v=19` with our 32-byte output are verified but flagged for rehash.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// the string is not such a PHC string. The message does not repeat it.
    pub fn from_phc(phc: String) -> Result<Self> {
        let parsed = phc::PasswordHash::new(&phc)
            .map_err(|_| Error::invalid_parameter("The password hash is not a PHC string."))?;
        let (params, version, output_len) = check_parsed(&parsed)?;
        Ok(Self {
            phc,
            params,
            version,
            output_len,
        })
    }

    /// The PHC string, for storage.
    #[must_use]
    pub fn as_phc_str(&self) -> &str {
        &self.phc
    }

    /// The parameters this hash was made with.
    #[cfg(test)]
    pub(crate) const fn params(&self) -> HashingParams {
        self.params
    }

    /// Everything before the salt: `$argon2id$v=19$m=19456,t=2,p=1`.
    fn public_prefix(&self) -> &str {
        // `from_phc` checked the shape `$alg$v=..$params$salt$hash`: the fourth `$` starts the salt.
        self.phc
            .match_indices('$')
            .nth(3)
            .and_then(|(i, _)| self.phc.get(..i))
            .unwrap_or("$argon2id")
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasswordHash({}$[redacted])", self.public_prefix())
    }
}

/// The outcome of [`verify_password`].
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verification {
    /// The password is not the one the hash was made from.
    Mismatch,
    /// The password is right.
    Match {
        /// The stored hash was made with other parameters (or an older
        /// Argon2 version) than the current ones: hash the password again
        /// with [`hash_password`] and store the result.
        needs_rehash: bool,
    },
}

impl Verification {
    /// Whether the password matched.
    #[must_use]
    pub const fn is_match(self) -> bool {
        matches!(self, Self::Match { .. })
    }
}

/// Hashes `password` with Argon2id v19 under `params` and `salt`.
///
/// `salt` must be fresh random bytes from a CSPRNG for every call; the same
/// salt for two users makes equal passwords visible as equal hashes.
///
/// # Errors
///
/// * [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
///   the password has more than [`MAX_PASSWORD_CHARS`](crate::policy::MAX_PASSWORD_CHARS) characters (checked
///   before any hashing; Cognito's model message, without the password).
/// * [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if Argon2
///   fails (e.g. it cannot allocate `m_cost` KiB).
pub fn hash_password(
    params: &HashingParams,
    password: &Password,
    salt: &[u8; 16],
) -> Result<PasswordHash> {
    let password = password.expose_secret();
    // Denial-of-service guard: refuse before the KDF touches the input.
    check_length_cap(password)?;
    let hash = params
        .argon2()?
        .hash_password_with_salt(password.as_bytes(), salt)
        .map_err(|_| Error::internal("Password hashing failed."))?;
    Ok(PasswordHash {
        phc: hash.to_string(),
        params: *params,
        version: CURRENT_VERSION,
        output_len: OUTPUT_LEN,
    })
}

/// Checks `password` against a stored `hash`, and says whether the hash
/// should be renewed because `current` parameters differ from its own.
///
/// The hash is recomputed with the *stored* parameters and salt; `current`
/// only decides `needs_rehash`. A password over [`MAX_PASSWORD_CHARS`](crate::policy::MAX_PASSWORD_CHARS)
/// characters is a [`Verification::Mismatch`] without running the KDF (no
/// such password can have been stored).
///
/// # Errors
///
/// [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if Argon2
/// fails for a reason other than a wrong password. A wrong password is
/// `Ok(Verification::Mismatch)`, never an error.
pub fn verify_password(
    current: &HashingParams,
    hash: &PasswordHash,
    password: &Password,
) -> Result<Verification> {
    let password = password.expose_secret();
    if exceeds_length_cap(password) {
        return Ok(Verification::Mismatch);
    }
    let parsed = phc::PasswordHash::new(&hash.phc)
        .map_err(|_| Error::internal("A stored password hash no longer parses."))?;
    // The algorithm, version and parameters come from the stored hash. The
    // computed and stored outputs are compared in constant time
    // (`phc::Output`'s `PartialEq` uses `subtle::ConstantTimeEq`), so the time
    // taken reveals nothing about how much of the hash matched.
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(Verification::Match {
            needs_rehash: hash.version != CURRENT_VERSION
                || hash.output_len != OUTPUT_LEN
                || hash.params != *current,
        }),
        Err(argon2::password_hash::Error::PasswordInvalid) => Ok(Verification::Mismatch),
        Err(_) => Err(Error::internal("Password verification failed.")),
    }
}

/// Checks a parsed PHC string against what we can verify; returns its
/// parameters, version and output length.
fn check_parsed(parsed: &phc::PasswordHash) -> Result<(HashingParams, u32, usize)> {
    let invalid = |what: &str| Error::invalid_parameter(format!("The password hash {what}."));

    if parsed.algorithm.as_str() != "argon2id" {
        return Err(invalid("is not an Argon2id hash"));
    }
    let version = match parsed.version {
        Some(v @ (CURRENT_VERSION | LEGACY_VERSION)) => v,
        _ => return Err(invalid("does not name Argon2 version 19 or 16")),
    };

    let (mut m, mut t, mut p) = (None, None, None);
    for (name, value) in parsed.params.iter() {
        let slot = match name.as_str() {
            "m" => &mut m,
            "t" => &mut t,
            "p" => &mut p,
            _ => return Err(invalid("has parameters other than m, t and p")),
        };
        let value = value
            .decimal()
            .map_err(|_| invalid("has a non-numeric parameter"))?;
        if slot.replace(value).is_some() {
            return Err(invalid("repeats a parameter"));
        }
    }
    let (Some(m), Some(t), Some(p)) = (m, t, p) else {
        return Err(invalid("lacks one of the parameters m, t and p"));
    };
    let params = HashingParams::new(m, t, p)
        .map_err(|_| invalid("has parameters outside the accepted ranges"))?;

    match (&parsed.salt, &parsed.hash) {
        (Some(salt), Some(output)) if salt.len() >= MIN_SALT_LEN => {
            Ok((params, version, output.len()))
        }
        (Some(_), Some(_)) => Err(invalid("has a salt shorter than 8 bytes")),
        _ => Err(invalid("lacks a salt or a hash")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::ErrorCode;

    const SALT: [u8; 16] = *b"0123456789abcdef";

    fn fast() -> HashingParams {
        HashingParams::insecure_fast_for_tests()
    }

    fn pw(s: &str) -> Password {
        Password::new(s)
    }

    /// Known answers from an independent implementation: the reference C
    /// Argon2 (libargon2, via Python's `argon2-cffi` 25.1.0 /
    /// `argon2-cffi-bindings` 26.2.0), computed as
    /// `argon2.low_level.hash_secret(b"Passw0rd!", b"0123456789abcdef",
    /// time_cost=t, memory_cost=m, parallelism=1, hash_len=32, type=Type.ID,
    /// version=v)`.
    const KAT_TEST_PRESET_V19: &str = "$argon2id$v=19$m=256,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$16mbOaDjq2YRRruz4IT1B/MhL9Np56yBX2+aRCcAAnk";
    const KAT_TEST_PRESET_V16: &str = "$argon2id$v=16$m=256,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$IWzHl0G6oMHzkkW0xZlUo2sQeZqTGAX+CVWuzp/C+AQ";

    #[test]
    fn hash_matches_the_reference_implementation() {
        let h = hash_password(&fast(), &pw("Passw0rd!"), &SALT).unwrap();
        assert_eq!(h.as_phc_str(), KAT_TEST_PRESET_V19);
    }

    #[test]
    fn reference_hashes_verify_and_only_v19_with_current_params_is_final() {
        let v19 = PasswordHash::from_phc(KAT_TEST_PRESET_V19.to_owned()).unwrap();
        let v16 = PasswordHash::from_phc(KAT_TEST_PRESET_V16.to_owned()).unwrap();
        assert_eq!(
            verify_password(&fast(), &v19, &pw("Passw0rd!")),
            Ok(Verification::Match {
                needs_rehash: false
            })
        );
        assert_eq!(
            verify_password(&fast(), &v16, &pw("Passw0rd!")),
            Ok(Verification::Match { needs_rehash: true })
        );
        assert_eq!(
            verify_password(&fast(), &v16, &pw("Passw0rd?")),
            Ok(Verification::Mismatch)
        );
    }

    #[test]
    fn owasp_params_are_the_default() {
        let d = HashingParams::default();
        assert_eq!((d.m_cost(), d.t_cost(), d.p_cost()), (19_456, 2, 1));
        assert_eq!(d, HashingParams::OWASP);
    }

    #[test]
    fn params_outside_their_ranges_are_invalid_parameters() {
        for (m, t, p) in [
            (7, 1, 1),
            (8, 0, 1),
            (8, 1, 0),
            (15, 1, 2),
            (HashingParams::MAX_M_COST + 1, 1, 1),
            (8, 101, 1),
            (1024, 1, 65),
        ] {
            let err = HashingParams::new(m, t, p).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidParameter, "m={m},t={t},p={p}");
        }
        assert_eq!(
            HashingParams::new(16, 1, 2),
            Ok(HashingParams {
                m_cost: 16,
                t_cost: 1,
                p_cost: 2
            })
        );
    }

    #[test]
    fn right_password_matches_and_wrong_one_does_not() {
        let h = hash_password(&fast(), &pw("Passw0rd!"), &SALT).unwrap();
        assert_eq!(
            verify_password(&fast(), &h, &pw("Passw0rd!")),
            Ok(Verification::Match {
                needs_rehash: false
            })
        );
        assert_eq!(
            verify_password(&fast(), &h, &pw("passw0rd!")),
            Ok(Verification::Mismatch)
        );
        assert_eq!(
            verify_password(&fast(), &h, &pw("")),
            Ok(Verification::Mismatch)
        );
    }

    #[test]
    fn changed_params_ask_for_a_rehash() {
        let h = hash_password(&fast(), &pw("Passw0rd!"), &SALT).unwrap();
        let stronger = HashingParams::new(512, 1, 1).unwrap();
        assert_eq!(
            verify_password(&stronger, &h, &pw("Passw0rd!")),
            Ok(Verification::Match { needs_rehash: true })
        );
    }

    #[test]
    fn over_cap_password_is_refused_before_hashing() {
        let err = hash_password(&fast(), &pw(&"a".repeat(257)), &SALT).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert_eq!(
            err.message(),
            "1 validation error detected: Value at 'password' failed to satisfy constraint: \
             Member must have length less than or equal to 256"
        );
        assert!(hash_password(&fast(), &pw(&"a".repeat(256)), &SALT).is_ok());
    }

    #[test]
    fn over_cap_password_never_matches() {
        let long = "a".repeat(257);
        // A hash of the same string, made without the cap, must still not match.
        let phc = fast()
            .argon2()
            .unwrap()
            .hash_password_with_salt(long.as_bytes(), &SALT)
            .unwrap()
            .to_string();
        let h = PasswordHash::from_phc(phc).unwrap();
        assert_eq!(
            verify_password(&fast(), &h, &pw(&long)),
            Ok(Verification::Mismatch)
        );
    }

    #[test]
    fn debug_shows_params_but_not_salt_or_hash() {
        let h = hash_password(&fast(), &pw("Passw0rd!"), &SALT).unwrap();
        assert_eq!(
            format!("{h:?}"),
            "PasswordHash($argon2id$v=19$m=256,t=1,p=1$[redacted])"
        );
    }

    #[test]
    fn phc_string_round_trips_through_from_phc() {
        let h = hash_password(&fast(), &pw("Passw0rd!"), &SALT).unwrap();
        let back = PasswordHash::from_phc(h.as_phc_str().to_owned()).unwrap();
        assert_eq!(back, h);
        assert_eq!(back.params(), fast());
        assert!(
            verify_password(&fast(), &back, &pw("Passw0rd!"))
                .unwrap()
                .is_match()
        );
    }

    #[test]
    fn from_phc_refuses_what_it_cannot_verify() {
        let good = hash_password(&fast(), &pw("Passw0rd!"), &SALT)
            .unwrap()
            .as_phc_str()
            .to_owned();
        let tail = good.splitn(5, '$').nth(4).unwrap(); // "<salt>$<hash>"
        for bad in [
            String::new(),
            "not a hash".to_owned(),
            good.replace("argon2id", "argon2i"),
            good.replace("v=19", "v=18"),
            format!("$argon2id$m=256,t=1,p=1${tail}"),
            format!("$argon2id$v=19$m=256,t=1${tail}"),
            format!("$argon2id$v=19$m=256,t=1,p=1,keyid=AAAA${tail}"),
            format!("$argon2id$v=19$m=4,t=1,p=1${tail}"),
            // A 6-byte salt: PHC and Argon2 want at least 8.
            "$argon2id$v=19$m=256,t=1,p=1$AAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                .to_owned(),
            good.rsplit_once('$').unwrap().0.to_owned(),
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW".to_owned(),
        ] {
            let err = PasswordHash::from_phc(bad.clone()).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidParameter, "{bad}");
            assert!(!err.message().contains(tail), "{bad}");
        }
    }

    #[test]
    fn a_hash_verifies_and_is_marked_for_rehash_under_other_params() -> crate::Result<()> {
        use crate::password::{HashingParams, Verification, hash_password, verify_password};
        use crate::secret::Password;

        let params = HashingParams::insecure_fast_for_tests(); // HashingParams::OWASP in production
        let salt = [7u8; 16]; // from a CSPRNG in real code
        let hash = hash_password(&params, &Password::new("Passw0rd!"), &salt)?;
        assert!(
            hash.as_phc_str()
                .starts_with("$argon2id$v=19$m=256,t=1,p=1$")
        );

        assert_eq!(
            verify_password(&params, &hash, &Password::new("Passw0rd!"))?,
            Verification::Match {
                needs_rehash: false
            },
        );
        assert_eq!(
            verify_password(&HashingParams::OWASP, &hash, &Password::new("Passw0rd!"))?,
            Verification::Match { needs_rehash: true },
        );
        assert_eq!(
            verify_password(&params, &hash, &Password::new("wrong"))?,
            Verification::Mismatch,
        );
        Ok(())
    }
}
