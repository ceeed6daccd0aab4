//! The client side of Cognito's SRP, exactly as amazon-cognito-identity-js's
//! `AuthenticationHelper` computes it (`cognito-protocol.md` §1.6–§1.8).
//!
//! The library never needs it to serve sign-ins; it exists so tests,
//! benchmarks and the examples can sign in the way real clients do.
//!

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::group::{ElementBytes, N_LEN, client_exponent, exponent, group, to_fixed_bytes};
use super::{hash, minimal_hex, parse_hex_integer};
use crate::error::{Error, Result};

/// The length of the secret `a` that [`SrpClient::new_random`] draws: 256
/// bits. (amazon-cognito-identity-js draws 1024; 256 bits are as strong
/// against a 3072-bit group and four times cheaper.)
pub const RANDOM_SECRET_LEN: usize = 32;

/// One client sign-in attempt: the secret `a` and the public `A = g^a mod N`.
///
/// `Debug` never prints `a`; `a` zeroizes on drop.
///
/// A `USER_SRP_AUTH` sign-in against a pool, as amazon-cognito-identity-js
/// signs in:
///
/// ```
/// use userpool::client::{AppClientConfig, AuthFlow};
/// use userpool::config::PoolConfig;
/// use userpool::srp::{SrpClient, format_timestamp};
/// use userpool::{
///     AdminSetUserPasswordRequest, AdminCreateUserRequest, ChallengeName, Clock as _,
///     HashingParams, InitiateAuthRequest, MessageAction, RespondToAuthChallengeRequest,
///     SystemClock, UserPool,
/// };
///
/// # fn main() -> userpool::Result<()> {
/// let pool = UserPool::builder(PoolConfig::builder("docs").build()?)
///     .pool_id("us-east-1_AbCdEf123")
///     .hashing(HashingParams::insecure_fast_for_tests())
///     .build()?;
/// let app = pool.create_user_pool_client(
///     AppClientConfig::builder("spa").explicit_auth_flows([AuthFlow::UserSrpAuth]).build()?,
/// )?;
/// pool.admin_create_user(AdminCreateUserRequest::new("alice").message_action(MessageAction::Suppress))?;
/// pool.admin_set_user_password(AdminSetUserPasswordRequest::new("alice", "Passw0rd!").permanent(true))?;
///
/// // InitiateAuth: send SRP_A, get the PASSWORD_VERIFIER challenge.
/// let srp = SrpClient::new_random()?;
/// let challenge = pool.initiate_auth(
///     InitiateAuthRequest::new(AuthFlow::UserSrpAuth, app.id())
///         .param("USERNAME", "alice")
///         .param("SRP_A", srp.srp_a()),
/// )?;
/// let p = &challenge.challenge_parameters;
///
/// // RespondToAuthChallenge: prove the password without sending it.
/// let timestamp = format_timestamp(SystemClock.now());
/// let signature = srp.process_challenge(
///     "AbCdEf123", // the pool id after the `_`
///     &p["USER_ID_FOR_SRP"],
///     b"Passw0rd!",
///     &p["SALT"],
///     &p["SRP_B"],
///     &p["SECRET_BLOCK"],
///     &timestamp,
/// )?;
/// let answer = pool.respond_to_auth_challenge(
///     RespondToAuthChallengeRequest::new(app.id(), ChallengeName::PasswordVerifier, None)
///         .response("USERNAME", &p["USER_ID_FOR_SRP"])
///         .response("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
///         .response("PASSWORD_CLAIM_SIGNATURE", signature)
///         .response("TIMESTAMP", timestamp),
/// )?;
/// assert!(answer.authentication_result.is_some());
/// # Ok(())
/// # }
/// ```
pub struct SrpClient {
    a: Zeroizing<Vec<u8>>,
    /// `A`, minimal big-endian.
    a_public: Vec<u8>,
}

impl fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SrpClient")
            .field("a", &"[redacted]")
            .field("srp_a", &self.srp_a())
            .finish()
    }
}

impl SrpClient {
    /// A client with the secret `a` (big-endian, 1 to 384 bytes), so tests
    /// reproduce known answers.
    ///
    /// # Errors
    ///
    /// `InvalidParameterException` when `a` is empty or longer than 384 bytes,
    /// or when `A mod N == 0` (clients abort then; it cannot happen for `g = 2`).
    pub fn new(a: &[u8]) -> Result<Self> {
        if a.is_empty() || a.len() > N_LEN {
            return Err(Error::invalid_parameter(
                "The SRP secret a must be 1 to 384 bytes.",
            ));
        }
        let a_exp = Zeroizing::new(exponent(a));
        let a_public = hash::trim(&to_fixed_bytes(&group().pow_g(&a_exp))).to_vec();
        if a_public.is_empty() {
            return Err(Error::invalid_parameter("A cannot be zero."));
        }
        Ok(Self {
            a: Zeroizing::new(a.to_vec()),
            a_public,
        })
    }

    /// A client with a fresh 256-bit `a` from the operating system's generator.
    ///
    /// # Errors
    ///
    /// `InternalErrorException` if the random number generator fails.
    pub fn new_random() -> Result<Self> {
        let a = Zeroizing::new(crate::random::bytes::<RANDOM_SECRET_LEN>()?);
        Self::new(&a[..])
    }

    /// `SRP_A`: `hex(A)`, lowercase, no leading zeros.
    #[must_use]
    pub fn srp_a(&self) -> String {
        minimal_hex(&self.a_public)
    }

    /// `A`, minimal big-endian.
    #[must_use]
    pub fn public_a(&self) -> &[u8] {
        &self.a_public
    }

    /// Answers a `PASSWORD_VERIFIER` challenge: returns the
    /// `PASSWORD_CLAIM_SIGNATURE` (standard base64 with padding) for the
    /// challenge parameters `SALT`, `SRP_B`, `SECRET_BLOCK` and the `TIMESTAMP`
    /// the client sends (see [`format_timestamp`](super::format_timestamp)).
    ///
    /// As amazon-cognito-identity-js: `SALT` is parsed to an integer and
    /// `PAD`ded; `x = H(PAD(salt) ‖ H(poolName ‖ userIdForSrp ‖ ":" ‖ password))`;
    /// `S = (B − k·g^x)^(a + u·x) mod N`; `K = HKDF(PAD(u), PAD(S))`; the
    /// signature is `HMAC(K, poolName ‖ userIdForSrp ‖ secretBlock ‖ timestamp)`.
    ///
    /// # Errors
    ///
    /// `InvalidParameterException` when `SALT` or `SRP_B` is not hex or is
    /// longer than `N`, when `B mod N == 0` or `u == 0` (the client aborts),
    /// or when `SECRET_BLOCK` is not standard base64.
    #[allow(
        clippy::too_many_arguments,
        reason = "mirrors the challenge parameters one by one, as the JS client's call does"
    )]
    pub fn process_challenge(
        &self,
        pool_name: &str,
        user_id_for_srp: &str,
        password: &[u8],
        salt_hex: &str,
        srp_b_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<String> {
        let secret_block = STANDARD
            .decode(secret_block_b64)
            .map_err(|_| Error::invalid_parameter("SECRET_BLOCK is not valid base64."))?;
        let (u, s) =
            self.premaster_secret(pool_name, user_id_for_srp, password, salt_hex, srp_b_hex)?;
        let key = hash::session_key(&u, &s);
        let signature =
            hash::claim_signature(&key, pool_name, user_id_for_srp, &secret_block, timestamp);
        Ok(STANDARD.encode(&signature[..]))
    }

    /// Answers a `DEVICE_PASSWORD_VERIFIER` challenge for a remembered device
    /// (`cognito-mfa-devices-passwordless.md` §6.3): the same computation as
    /// [`SrpClient::process_challenge`] with `poolName` := `DeviceGroupKey`
    /// and `userIdForSrp` := `DeviceKey`, and the device password (see
    /// [`generate_device_secret`](super::generate_device_secret)).
    ///
    /// # Errors
    ///
    /// As [`SrpClient::process_challenge`].
    #[allow(
        clippy::too_many_arguments,
        reason = "mirrors the challenge parameters one by one, as the JS client's call does"
    )]
    pub fn process_device_challenge(
        &self,
        device_group_key: &str,
        device_key: &str,
        device_password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<String> {
        self.process_challenge(
            device_group_key,
            device_key,
            device_password.as_bytes(),
            salt_hex,
            srp_b_hex,
            secret_block_b64,
            timestamp,
        )
    }

    /// The scrambler `u` and the client's `S = (B − k·g^x)^(a + u·x) mod N`,
    /// 384 big-endian bytes (`cognito-protocol.md` §1.6 steps 3–5).
    ///
    /// # Errors
    ///
    /// As [`SrpClient::process_challenge`].
    pub(crate) fn premaster_secret(
        &self,
        pool_name: &str,
        user_id_for_srp: &str,
        password: &[u8],
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<([u8; 32], ElementBytes)> {
        let grp = group();
        let b_public = parse_hex_integer(srp_b_hex, "SRP_B")?;
        if grp.is_zero_mod_n_vartime(&b_public) {
            return Err(Error::invalid_parameter("B cannot be zero."));
        }
        let salt = parse_hex_integer(salt_hex, "SALT")?;
        let u = hash::scrambler(&self.a_public, &b_public);
        if u == [0; 32] {
            return Err(Error::invalid_parameter("U cannot be zero."));
        }
        let big_b = grp
            .element(&b_public)
            .ok_or_else(|| Error::invalid_parameter("SRP_B is longer than the group modulus."))?;
        let x = hash::private_x(pool_name, user_id_for_srp, password, &salt);
        let x_exp = Zeroizing::new(exponent(&x[..]));
        let g_x = Zeroizing::new(grp.pow_g(&x_exp));
        let base = Zeroizing::new(big_b.sub(&grp.k().mul(&g_x)));
        let a_exp = Zeroizing::new(exponent(&self.a));
        let e = Zeroizing::new(client_exponent(&a_exp, &exponent(&u), &x_exp));
        let s = Zeroizing::new(base.pow(&e));
        Ok((u, to_fixed_bytes(&s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn client_refuses_a_zero_b_and_bad_parameters() {
        let client = SrpClient::new(&[1; 32]).unwrap();
        let n = crate::hex::encode(group().n_bytes());
        let call = |salt: &str, b: &str, block: &str| {
            client
                .process_challenge("p", "u", b"pw", salt, b, block, "t")
                .map_err(|e| e.code())
        };
        assert_eq!(call("ab", "0", "").err(), Some(ErrorCode::InvalidParameter));
        assert_eq!(call("ab", &n, "").err(), Some(ErrorCode::InvalidParameter));
        assert_eq!(
            call("zz", "02", "").err(),
            Some(ErrorCode::InvalidParameter)
        );
        assert_eq!(
            call("ab", "02", "!!").err(),
            Some(ErrorCode::InvalidParameter)
        );
        assert!(call("ab", "02", "").is_ok());
    }

    #[test]
    fn secret_length_is_checked_and_never_printed() {
        assert!(SrpClient::new(&[]).is_err());
        assert!(SrpClient::new(&[1; 385]).is_err());
        let client = SrpClient::new(&[0xab; 32]).unwrap();
        assert!(!format!("{client:?}").contains(&"ab".repeat(32)));
        assert_eq!(client.srp_a(), minimal_hex(client.public_a()));
    }
}
