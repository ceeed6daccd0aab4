//! The stored form of an app client's settings: a versioned JSON document
//! that a store keeps as an opaque string (`ClientRecord::definition`).
//!
//! Reading it back re-validates every value through the same rules the
//! builder applies, so a document edited or corrupted in the database is
//! an error, never a client Cognito would refuse. The secret is not in it:
//! the pool seals it separately.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{
    AppClientConfig, AuthFlow, OAuthFlow, PreventUserExistenceErrors, RefreshTokenRotation,
    TokenUnit, TokenValidity, check_validity,
};
use crate::error::{Error, Result};

/// The only format version written so far.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredClient {
    v: u32,
    name: String,
    explicit_auth_flows: Vec<String>,
    /// Lifetimes in seconds: access, ID, refresh.
    validity_seconds: [u64; 3],
    /// The units they were given in (`seconds`, `minutes`, ...).
    validity_units: [String; 3],
    read_attributes: Option<Vec<String>>,
    write_attributes: Option<Vec<String>>,
    prevent_user_existence_errors: String,
    enable_token_revocation: bool,
    auth_session_validity_minutes: u32,
    /// The retry grace period in seconds when rotation is on.
    refresh_token_rotation: Option<u32>,
    /// The OAuth settings (cognito-oauth.md §3.1). Documents written before
    /// they existed lack them and read back with the defaults: switch off,
    /// every list empty, no default redirect.
    #[serde(default)]
    oauth: StoredOAuth,
}

/// An app client's OAuth settings as stored, each member defaulting when
/// absent.
#[derive(Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct StoredOAuth {
    enabled: bool,
    flows: Vec<String>,
    scopes: Vec<String>,
    callback_urls: Vec<String>,
    logout_urls: Vec<String>,
    default_redirect_uri: Option<String>,
    identity_providers: Vec<String>,
}

fn corrupt(what: impl std::fmt::Display) -> Error {
    Error::internal(format!("A stored app client is invalid: {what}."))
}

impl AppClientConfig {
    /// The stored form (see the module docs). Never contains the secret.
    pub(crate) fn to_stored_json(&self) -> Result<String> {
        let v = self.token_validity;
        let stored = StoredClient {
            v: VERSION,
            name: self.name.clone(),
            explicit_auth_flows: self
                .explicit_auth_flows
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect(),
            validity_seconds: [
                v.access_token.as_secs(),
                v.id_token.as_secs(),
                v.refresh_token.as_secs(),
            ],
            validity_units: v.units.map(|u| u.as_str().to_owned()),
            read_attributes: self.read_attributes.clone(),
            write_attributes: self.write_attributes.clone(),
            prevent_user_existence_errors: self.prevent_user_existence_errors.as_str().to_owned(),
            enable_token_revocation: self.enable_token_revocation,
            auth_session_validity_minutes: self.auth_session_validity_minutes,
            refresh_token_rotation: self.refresh_token_rotation.is_enabled().then(|| {
                u32::try_from(self.refresh_token_rotation.retry_grace_period().as_secs())
                    .unwrap_or(RefreshTokenRotation::MAX_RETRY_GRACE_PERIOD_SECONDS)
            }),
            oauth: StoredOAuth {
                enabled: self.allowed_oauth_flows_user_pool_client,
                flows: self
                    .allowed_oauth_flows
                    .iter()
                    .map(|f| f.as_str().to_owned())
                    .collect(),
                scopes: self.allowed_oauth_scopes.clone(),
                callback_urls: self.callback_urls.clone(),
                logout_urls: self.logout_urls.clone(),
                default_redirect_uri: self.default_redirect_uri.clone(),
                identity_providers: self.supported_identity_providers.clone(),
            },
        };
        serde_json::to_string(&stored).map_err(|e| corrupt(format_args!("cannot encode: {e}")))
    }

    /// Reads the stored form back, validating it as the builder would.
    pub(crate) fn from_stored_json(json: &str) -> Result<Self> {
        let s: StoredClient = serde_json::from_str(json).map_err(corrupt)?;
        if s.v != VERSION {
            return Err(corrupt(format_args!("unknown format version {}", s.v)));
        }
        let flows = s
            .explicit_auth_flows
            .iter()
            .map(|f| AuthFlow::parse(f))
            .collect::<Result<Vec<_>>>()
            .map_err(|e| corrupt(e.message()))?;
        let mut units = [TokenUnit::Seconds; 3];
        for (slot, name) in units.iter_mut().zip(&s.validity_units) {
            *slot = TokenUnit::parse(name).map_err(|e| corrupt(e.message()))?;
        }
        let [access, id, refresh] = s.validity_seconds.map(Duration::from_secs);
        for (member, d) in [
            (super::Member::Access, access),
            (super::Member::Id, id),
            (super::Member::Refresh, refresh),
        ] {
            check_validity(member, d, || format!("{} seconds", d.as_secs()))
                .map_err(|e| corrupt(e.message()))?;
        }
        let validity = TokenValidity {
            access_token: access,
            id_token: id,
            refresh_token: refresh,
            units,
        };
        let rotation = match s.refresh_token_rotation {
            Some(grace) => RefreshTokenRotation::enabled(grace),
            None => Ok(RefreshTokenRotation::DISABLED),
        }
        .map_err(|e| corrupt(e.message()))?;
        let mut builder = Self::builder(s.name)
            .explicit_auth_flows(flows)
            .token_validity(validity)
            .prevent_user_existence_errors(
                PreventUserExistenceErrors::parse(&s.prevent_user_existence_errors)
                    .map_err(|e| corrupt(e.message()))?,
            )
            .enable_token_revocation(s.enable_token_revocation)
            .auth_session_validity(s.auth_session_validity_minutes)
            .refresh_token_rotation(rotation)
            .allowed_oauth_flows_user_pool_client(s.oauth.enabled)
            .allowed_oauth_flows(
                OAuthFlow::parse_list(&s.oauth.flows).map_err(|e| corrupt(e.message()))?,
            )
            .allowed_oauth_scopes(s.oauth.scopes)
            .callback_urls(s.oauth.callback_urls)
            .logout_urls(s.oauth.logout_urls)
            .supported_identity_providers(s.oauth.identity_providers);
        if let Some(url) = s.oauth.default_redirect_uri {
            builder = builder.default_redirect_uri(url);
        }
        if let Some(read) = s.read_attributes {
            builder = builder.read_attributes(read);
        }
        if let Some(write) = s.write_attributes {
            builder = builder.write_attributes(write);
        }
        builder.build().map_err(|e| corrupt(e.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::TokenValidity;

    fn rich() -> AppClientConfig {
        AppClientConfig::builder("web client")
            .explicit_auth_flows([AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth])
            .token_validity(
                TokenValidity::builder()
                    .access_token(300, TokenUnit::Seconds)
                    .id_token(2, TokenUnit::Hours)
                    .refresh_token(90, TokenUnit::Minutes)
                    .build()
                    .unwrap(),
            )
            .read_attributes(["email", "custom:tenant"])
            .write_attributes(Vec::<String>::new())
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled)
            .enable_token_revocation(false)
            .auth_session_validity(15)
            .refresh_token_rotation(RefreshTokenRotation::enabled(42).unwrap())
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Implicit, OAuthFlow::Code])
            .allowed_oauth_scopes(["openid", "res/read"])
            .callback_urls(["https://a.example/cb", "myapp://cb"])
            .logout_urls(["http://localhost:3000/bye"])
            .default_redirect_uri("myapp://cb")
            .supported_identity_providers(["COGNITO"])
            .build()
            .unwrap()
    }

    fn same(a: &AppClientConfig, b: &AppClientConfig) {
        assert_eq!(a.name(), b.name());
        assert_eq!(a.explicit_auth_flows(), b.explicit_auth_flows());
        assert_eq!(a.token_validity(), b.token_validity());
        assert_eq!(a.read_attributes(), b.read_attributes());
        assert_eq!(a.write_attributes(), b.write_attributes());
        assert_eq!(
            a.prevent_user_existence_errors(),
            b.prevent_user_existence_errors()
        );
        assert_eq!(a.enable_token_revocation(), b.enable_token_revocation());
        assert_eq!(a.auth_session_validity(), b.auth_session_validity());
        assert_eq!(a.refresh_token_rotation(), b.refresh_token_rotation());
        assert_eq!(
            a.allowed_oauth_flows_user_pool_client(),
            b.allowed_oauth_flows_user_pool_client()
        );
        assert_eq!(a.allowed_oauth_flows(), b.allowed_oauth_flows());
        assert_eq!(a.allowed_oauth_scopes(), b.allowed_oauth_scopes());
        assert_eq!(a.callback_urls(), b.callback_urls());
        assert_eq!(a.logout_urls(), b.logout_urls());
        assert_eq!(a.default_redirect_uri(), b.default_redirect_uri());
        assert_eq!(
            a.supported_identity_providers(),
            b.supported_identity_providers()
        );
    }

    #[test]
    fn a_document_written_before_the_oauth_settings_loads_with_their_defaults() {
        let old = r#"{"v":1,"name":"old","explicit_auth_flows":["ALLOW_USER_SRP_AUTH"],
            "validity_seconds":[3600,3600,2592000],"validity_units":["minutes","minutes","days"],
            "read_attributes":null,"write_attributes":null,
            "prevent_user_existence_errors":"LEGACY","enable_token_revocation":true,
            "auth_session_validity_minutes":3,"refresh_token_rotation":null}"#;
        let config = AppClientConfig::from_stored_json(old).unwrap();
        assert_eq!(config.name(), "old");
        assert!(!config.allowed_oauth_flows_user_pool_client());
        assert!(config.allowed_oauth_flows().is_empty());
        assert!(config.allowed_oauth_scopes().is_empty());
        assert!(config.callback_urls().is_empty());
        assert!(config.logout_urls().is_empty());
        assert_eq!(config.default_redirect_uri(), None);
        assert!(config.supported_identity_providers().is_empty());
        let partial = old.replace(
            r#""refresh_token_rotation":null}"#,
            r#""refresh_token_rotation":null,"oauth":{"scopes":["openid"]}}"#,
        );
        let config = AppClientConfig::from_stored_json(&partial).unwrap();
        assert_eq!(config.allowed_oauth_scopes(), ["openid"]);
        assert!(config.callback_urls().is_empty());
    }

    #[test]
    fn every_setting_round_trips() {
        for config in [rich(), AppClientConfig::builder("plain").build().unwrap()] {
            let json = config.to_stored_json().unwrap();
            same(&config, &AppClientConfig::from_stored_json(&json).unwrap());
        }
    }

    #[test]
    fn the_secret_is_never_in_the_stored_form() {
        let secret = "s3cretS3cretS3cretS3cret42";
        let config = AppClientConfig::builder("c")
            .client_secret(crate::client::ClientSecret::new(secret))
            .build()
            .unwrap();
        assert!(!config.to_stored_json().unwrap().contains(secret));
    }

    #[test]
    fn corrupt_or_out_of_range_documents_are_internal_errors() {
        let good: serde_json::Value =
            serde_json::from_str(&rich().to_stored_json().unwrap()).unwrap();
        let mutations: [(&str, serde_json::Value); 10] = [
            ("oauth", serde_json::json!({"flows": ["token"]})),
            (
                "oauth",
                serde_json::json!({"callback_urls": ["http://evil.example/"]}),
            ),
            ("v", 2.into()),
            ("explicit_auth_flows", serde_json::json!(["ALLOW_NOTHING"])),
            ("validity_seconds", serde_json::json!([1, 3600, 86400])),
            (
                "validity_units",
                serde_json::json!(["weeks", "hours", "days"]),
            ),
            ("auth_session_validity_minutes", 99.into()),
            ("refresh_token_rotation", 61.into()),
            ("prevent_user_existence_errors", "MAYBE".into()),
            ("name", "".into()),
        ];
        for (field, value) in mutations {
            let mut doc = good.clone();
            doc[field] = value;
            let e = AppClientConfig::from_stored_json(&doc.to_string()).unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::InternalError, "{field}");
        }
        for junk in ["", "{", "[]", r#"{"v":1}"#] {
            let e = AppClientConfig::from_stored_json(junk).unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::InternalError, "{junk}");
        }
        let mut extra = good.clone();
        extra["surprise"] = true.into();
        assert!(AppClientConfig::from_stored_json(&extra.to_string()).is_err());
    }
}
