//! `AuthParameters` and `ChallengeResponses` read once, into one typed value
//! per flow or challenge, in one place: the string maps Cognito's API takes
//! are never consulted key by key elsewhere, and a missing parameter is
//! refused with Cognito's `Missing required parameter <KEY>`. The reads
//! keep the order in which the operations check them: a parameter the
//! operation needs only after other checks (the new password, after the
//! session and its user) is looked up then ([`NewPasswordAnswer::new_password`]).

use super::auth::Parameters;
use crate::error::{Error, Result};
use crate::schema::Attribute;
use crate::secret::Password;

/// `DEVICE_KEY`, when given (an empty value counts as absent, as the
/// JSON `null` some clients send does).
pub(super) fn device_key(p: &Parameters) -> Option<&str> {
    p.get("DEVICE_KEY").filter(|k| !k.is_empty())
}

fn required<'a>(p: &'a Parameters, key: &str) -> Result<&'a str> {
    p.get(key)
        .ok_or_else(|| Error::invalid_parameter(format!("Missing required parameter {key}")))
}

/// `USER_PASSWORD_AUTH` and `ADMIN_USER_PASSWORD_AUTH`.
pub(super) struct PasswordAuth<'a> {
    pub(super) username: &'a str,
    pub(super) password: Password,
    pub(super) secret_hash: Option<&'a str>,
    pub(super) device_key: Option<&'a str>,
}

impl<'a> PasswordAuth<'a> {
    pub(super) fn read(p: &'a Parameters) -> Result<Self> {
        Ok(Self {
            username: required(p, "USERNAME")?,
            password: Password::new(required(p, "PASSWORD")?),
            secret_hash: p.get("SECRET_HASH"),
            device_key: device_key(p),
        })
    }
}

/// `USER_SRP_AUTH`.
pub(super) struct SrpAuth<'a> {
    pub(super) username: &'a str,
    pub(super) srp_a: &'a str,
    pub(super) secret_hash: Option<&'a str>,
}

impl<'a> SrpAuth<'a> {
    pub(super) fn read(p: &'a Parameters) -> Result<Self> {
        Ok(Self {
            username: required(p, "USERNAME")?,
            srp_a: required(p, "SRP_A")?,
            secret_hash: p.get("SECRET_HASH"),
        })
    }
}

/// `CUSTOM_AUTH` (cognito-triggers.md §3.2): `USERNAME`, and for an
/// SRP-first flow `SRP_A` with `CHALLENGE_NAME: SRP_A`.
pub(super) struct CustomAuthParams<'a> {
    pub(super) username: &'a str,
    pub(super) secret_hash: Option<&'a str>,
    /// `SRP_A`: present, the flow starts with SRP (with or without
    /// `CHALLENGE_NAME`, the recommended choice of §3.2).
    pub(super) srp_a: Option<&'a str>,
}

impl<'a> CustomAuthParams<'a> {
    pub(super) fn read(p: &'a Parameters) -> Result<Self> {
        let username = required(p, "USERNAME")?;
        let srp_a = match p.get("CHALLENGE_NAME") {
            None => p.get("SRP_A"),
            Some("SRP_A") => Some(required(p, "SRP_A")?),
            Some(other) => {
                return Err(Error::invalid_parameter(format!(
                    "CHALLENGE_NAME {other} cannot start CUSTOM_AUTH; only SRP_A can."
                )));
            }
        };
        Ok(Self {
            username,
            secret_hash: p.get("SECRET_HASH"),
            srp_a,
        })
    }
}

/// The answer to `CUSTOM_CHALLENGE`: `USERNAME`, `ANSWER`, `SECRET_HASH`.
pub(super) struct CustomChallengeAnswer<'a> {
    pub(super) username: &'a str,
    pub(super) answer: &'a str,
    pub(super) secret_hash: Option<&'a str>,
}

impl<'a> CustomChallengeAnswer<'a> {
    pub(super) fn read(p: &'a Parameters) -> Result<Self> {
        Ok(Self {
            username: required(p, "USERNAME")?,
            answer: required(p, "ANSWER")?,
            secret_hash: p.get("SECRET_HASH"),
        })
    }
}

/// `REFRESH_TOKEN_AUTH`. The secret hash is computed over the username the
/// token belongs to, which only the token's record knows.
pub(super) struct RefreshAuth<'a> {
    pub(super) refresh_token: &'a str,
    pub(super) secret_hash: Option<&'a str>,
    pub(super) device_key: Option<&'a str>,
}

impl<'a> RefreshAuth<'a> {
    pub(super) fn read(p: &'a Parameters) -> Result<Self> {
        Ok(Self {
            refresh_token: required(p, "REFRESH_TOKEN")?,
            secret_hash: p.get("SECRET_HASH"),
            device_key: device_key(p),
        })
    }
}

/// The answer to `NEW_PASSWORD_REQUIRED`. `NEW_PASSWORD` is required only
/// after the session's user is checked, as Cognito (and this engine before
/// the parameters were typed) answers: [`NewPasswordAnswer::new_password`].
pub(super) struct NewPasswordAnswer<'a> {
    pub(super) username: &'a str,
    new_password: Option<&'a str>,
    pub(super) secret_hash: Option<&'a str>,
    /// `userAttributes.<name>` entries: attributes the user supplies.
    pub(super) attributes: Vec<Attribute>,
}

impl<'a> NewPasswordAnswer<'a> {
    pub(super) fn read(p: &'a Parameters) -> Result<Self> {
        Ok(Self {
            username: required(p, "USERNAME")?,
            new_password: p.get("NEW_PASSWORD"),
            secret_hash: p.get("SECRET_HASH"),
            attributes: p
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("userAttributes.")
                        .map(|n| Attribute::new(n, v))
                })
                .collect(),
        })
    }
}

impl NewPasswordAnswer<'_> {
    /// `NEW_PASSWORD`.
    pub(super) fn new_password(&self) -> Result<Password> {
        self.new_password
            .map(Password::new)
            .ok_or_else(|| Error::invalid_parameter("Missing required parameter NEW_PASSWORD"))
    }
}

/// The answer to `PASSWORD_VERIFIER`.
pub(super) struct PasswordVerifierAnswer<'a> {
    pub(super) secret_block: &'a str,
    pub(super) signature: &'a str,
    pub(super) timestamp: &'a str,
    pub(super) username: &'a str,
    pub(super) secret_hash: Option<&'a str>,
    pub(super) device_key: Option<&'a str>,
}

impl<'a> PasswordVerifierAnswer<'a> {
    pub(super) fn read(p: &'a Parameters) -> Result<Self> {
        Ok(Self {
            secret_block: required(p, "PASSWORD_CLAIM_SECRET_BLOCK")?,
            signature: required(p, "PASSWORD_CLAIM_SIGNATURE")?,
            timestamp: required(p, "TIMESTAMP")?,
            username: required(p, "USERNAME")?,
            secret_hash: p.get("SECRET_HASH"),
            device_key: device_key(p),
        })
    }
}

/// The answer to `DEVICE_SRP_AUTH` (cognito-mfa-devices-passwordless.md §6.4 step 3).
pub(super) struct DeviceSrpAnswer<'a> {
    pub(super) username: &'a str,
    pub(super) device_key: &'a str,
    pub(super) srp_a: &'a str,
    pub(super) secret_hash: Option<&'a str>,
}

impl<'a> DeviceSrpAnswer<'a> {
    pub(super) fn read(p: &'a Parameters) -> Result<Self> {
        Ok(Self {
            username: required(p, "USERNAME")?,
            device_key: device_key(p)
                .ok_or_else(|| Error::invalid_parameter("Missing required parameter DEVICE_KEY"))?,
            srp_a: required(p, "SRP_A")?,
            secret_hash: p.get("SECRET_HASH"),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::error::ErrorCode;

    fn message<T>(r: Result<T>) -> String {
        match r {
            Ok(_) => panic!("a missing parameter must be refused"),
            Err(e) => {
                assert_eq!(e.code(), ErrorCode::InvalidParameter);
                e.message().to_owned()
            }
        }
    }

    #[test]
    fn the_first_missing_parameter_is_named() {
        let p = Parameters::new().with("PASSWORD", "x");
        assert_eq!(
            message(PasswordAuth::read(&p)),
            "Missing required parameter USERNAME"
        );
        let p = Parameters::new().with("USERNAME", "u");
        assert_eq!(
            message(SrpAuth::read(&p)),
            "Missing required parameter SRP_A"
        );
        assert_eq!(
            message(RefreshAuth::read(&Parameters::new())),
            "Missing required parameter REFRESH_TOKEN"
        );
        let p = Parameters::new()
            .with("PASSWORD_CLAIM_SECRET_BLOCK", "b")
            .with("PASSWORD_CLAIM_SIGNATURE", "s")
            .with("USERNAME", "u");
        assert_eq!(
            message(PasswordVerifierAnswer::read(&p)),
            "Missing required parameter TIMESTAMP"
        );
    }

    #[test]
    fn new_password_answers_carry_their_attributes() {
        let p = Parameters::new()
            .with("USERNAME", "u")
            .with("NEW_PASSWORD", "n")
            .with("userAttributes.name", "Jane")
            .with("SECRET_HASH", "h");
        let a = NewPasswordAnswer::read(&p).unwrap();
        assert_eq!(a.username, "u");
        assert_eq!(a.new_password().unwrap().expose_secret(), "n");
        let e = NewPasswordAnswer::read(&Parameters::new().with("USERNAME", "u"))
            .unwrap()
            .new_password()
            .unwrap_err();
        assert_eq!(e.message(), "Missing required parameter NEW_PASSWORD");
        assert_eq!(a.secret_hash, Some("h"));
        assert_eq!(a.attributes, vec![Attribute::new("name", "Jane")]);
    }
}
