//! Building blocks the project's own benches and fuzz targets drive
//! directly: password hashing, the SRP server maths, TOTP, token claims, the
//! `ListUsers` filter and the attribute-schema validator.
//!
//! Behind the `internals` feature and hidden from the documentation: these
//! are the engine's internals, with no stability promise whatsoever. A
//! program that uses `userpool` needs none of them.

/// Argon2id hashing and verification of passwords.
pub mod password {
    pub use crate::password::{PasswordHash, Verification, hash_password, verify_password};
    pub use crate::policy::MAX_PASSWORD_CHARS;
}

/// The server side of Cognito's SRP.
pub mod srp {
    pub use crate::srp::device::{MAX_DEVICE_SALT_LEN, parse_device_verifier};
    pub use crate::srp::group::N_HEX;
    pub use crate::srp::server::{
        HandshakeState, ServerChallenge, SrpIdentity, server_challenge, server_challenge_random,
        verify_claim, verify_claim_as,
    };
    pub use crate::srp::timestamp::{canonical_timestamp, parse_timestamp};
    pub use crate::srp::verifier::{
        MAX_HEX_DIGITS, SALT_LEN, Verifier, compute_verifier, salt_hex,
    };
}

/// RFC 6238 TOTP for software-token MFA.
pub mod totp {
    pub use crate::totp::{
        DIGITS, SECRET_LEN, STEP_SECONDS, SecretCode, TotpKey, base32_decode, base32_encode,
        code_at, time_step, verify,
    };
}

/// Token claims as the pool builds them.
pub mod token {
    pub use crate::token::claims::{
        GroupInfo, SCOPE_USER_ADMIN, group_claims, id_token_attributes,
    };
    pub use crate::token::refresh::new_refresh_token;
}

/// The `ListUsers` filter.
pub mod filter {
    pub use crate::filter::{Filter, FilterAttribute, FilterOp, FilterTarget, MAX_FILTER_LEN};
}

/// The attribute-schema validator.
pub mod schema {
    use crate::Result;
    pub use crate::schema::update::{AttributeUpdate, Attributes, Writer};
    use crate::schema::{Attribute, Schema};

    /// [`Schema`]'s check of a new user's attributes.
    ///
    /// # Errors
    /// As the pool refuses them.
    pub fn validate_create(
        schema: &Schema,
        attrs: &[Attribute],
        writer: Writer,
    ) -> Result<Attributes> {
        schema.validate_create(attrs, writer)
    }

    /// [`Schema`]'s check of an attribute update.
    ///
    /// # Errors
    /// As the pool refuses it.
    pub fn validate_update(
        schema: &Schema,
        current: &Attributes,
        changes: &[Attribute],
        writer: Writer,
    ) -> Result<AttributeUpdate> {
        schema.validate_update(current, changes, writer)
    }

    /// [`Schema`]'s check of an attribute deletion.
    ///
    /// # Errors
    /// As the pool refuses it.
    pub fn validate_delete(
        schema: &Schema,
        current: &Attributes,
        names: &[String],
        writer: Writer,
    ) -> Result<AttributeUpdate> {
        schema.validate_delete(current, names, writer)
    }
}
