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

/// The engine side of the hosted sign-in that the OAuth endpoints' tests
/// need: issuing an authorization code or implicit tokens for a user who
/// proved their credentials (cognito-oauth.md §5.4).
pub mod oauth {
    use crate::clock::Timestamp;
    use crate::pool::oauth::CodeGrant;
    use crate::{Result, UserPool};

    /// What a hosted sign-in grants, as `CodeGrant` holds it.
    #[derive(Clone, Debug)]
    pub struct Grant {
        /// The app client.
        pub client_id: String,
        /// The `redirect_uri` (or the client's default).
        pub redirect_uri: String,
        /// Whether `redirect_uri` was the default.
        pub redirect_defaulted: bool,
        /// The granted scopes, in order.
        pub scopes: Vec<String>,
        /// The authorize request's `nonce`.
        pub nonce: Option<String>,
        /// The PKCE `S256` challenge.
        pub code_challenge: Option<String>,
        /// The internal username.
        pub username: String,
        /// The user's `sub`.
        pub sub: String,
        /// When they proved their credentials.
        pub auth_time: Timestamp,
    }

    impl Grant {
        fn into_code_grant(self) -> CodeGrant {
            CodeGrant {
                client_id: self.client_id,
                redirect_uri: self.redirect_uri,
                redirect_defaulted: self.redirect_defaulted,
                scopes: self.scopes,
                nonce: self.nonce,
                code_challenge: self.code_challenge,
                username: self.username,
                sub: self.sub,
                auth_time: self.auth_time,
            }
        }
    }

    /// A new authorization code for `grant`.
    ///
    /// # Errors
    /// As the pool's `issue_authorization_code`.
    pub fn issue_authorization_code(pool: &UserPool, grant: Grant) -> Result<String> {
        pool.issue_authorization_code(&grant.into_code_grant())
    }

    /// The implicit answer's tokens for `grant`: access token, ID token
    /// (with `openid`), lifetime.
    ///
    /// # Errors
    /// As the pool's `issue_implicit_tokens`.
    pub fn issue_implicit_tokens(
        pool: &UserPool,
        grant: Grant,
    ) -> Result<(String, Option<String>, u64)> {
        let t = pool.issue_implicit_tokens(&grant.into_code_grant())?;
        Ok((t.access_token, t.id_token, t.expires_in))
    }
}
