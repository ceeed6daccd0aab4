//! The app-client OAuth rules of cognito-oauth.md §3.2 (V1–V12), each with
//! Cognito's exact exception and message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::ErrorCode;
use crate::client::{AppClientConfig, AppClientConfigBuilder, OAuthFlow, check_against_pool};
use crate::config::{PoolConfig, ResourceServer, ResourceServerScope};

const CB: &str = "https://app.example.com/cb";

fn base() -> AppClientConfigBuilder {
    AppClientConfig::builder("web")
}

fn refused(builder: AppClientConfigBuilder) -> (ErrorCode, String) {
    let e = builder.build().unwrap_err();
    (e.code(), e.message().to_owned())
}

fn pool() -> PoolConfig {
    PoolConfig::builder("oauth")
        .resource_servers(vec![ResourceServer {
            identifier: "https://api.example.com".into(),
            name: "api".into(),
            scopes: vec![ResourceServerScope {
                name: "photos.read".into(),
                description: "Read photos".into(),
            }],
        }])
        .build()
        .unwrap()
}

fn pool_refused(config: &AppClientConfig, has_secret: bool) -> (ErrorCode, String) {
    let e = check_against_pool(config, has_secret, "us-east-1_abc", &pool()).unwrap_err();
    (e.code(), e.message().to_owned())
}

#[test]
fn v1_flows_outside_the_enum_are_refused_with_the_whole_list_quoted() {
    let e = OAuthFlow::parse_list(&["code", "token"]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        e.message(),
        "1 validation error detected: Value '[code, token]' at 'allowedOAuthFlows' failed to \
         satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value \
         set: [implicit, client_credentials, code]]"
    );
    assert_eq!(
        OAuthFlow::parse_list(&["implicit", "code", "implicit"]).unwrap(),
        vec![OAuthFlow::Implicit, OAuthFlow::Code]
    );
}

#[test]
fn v2_the_switch_needs_flows_and_scopes() {
    let message = "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client \
                   is allowed to use OAuth flows.";
    for builder in [
        base().allowed_oauth_flows_user_pool_client(true),
        base()
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .callback_urls([CB]),
        base()
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_scopes(["openid"]),
    ] {
        assert_eq!(
            refused(builder),
            (ErrorCode::InvalidParameter, message.to_owned())
        );
    }
}

#[test]
fn settings_are_kept_while_the_switch_is_off() {
    let config = base()
        .allowed_oauth_flows([OAuthFlow::Code])
        .allowed_oauth_scopes(["openid", "email"])
        .callback_urls([CB])
        .logout_urls(["https://app.example.com/bye"])
        .default_redirect_uri(CB)
        .supported_identity_providers(["COGNITO"])
        .build()
        .unwrap();
    assert!(!config.allowed_oauth_flows_user_pool_client());
    assert_eq!(config.allowed_oauth_flows(), [OAuthFlow::Code]);
    assert!(config.allows_oauth_flow(OAuthFlow::Code));
    assert!(!config.allows_oauth_flow(OAuthFlow::Implicit));
    assert_eq!(config.allowed_oauth_scopes(), ["openid", "email"]);
    assert_eq!(config.callback_urls(), [CB]);
    assert_eq!(config.logout_urls(), ["https://app.example.com/bye"]);
    assert_eq!(config.default_redirect_uri(), Some(CB));
    assert_eq!(config.supported_identity_providers(), ["COGNITO"]);
    let plain = base().build().unwrap();
    assert!(plain.allowed_oauth_flows().is_empty());
    assert_eq!(plain.default_redirect_uri(), None);
}

#[test]
fn v3_client_credentials_stands_alone() {
    for other in [OAuthFlow::Code, OAuthFlow::Implicit] {
        assert_eq!(
            refused(
                base()
                    .allowed_oauth_flows([OAuthFlow::ClientCredentials, other])
                    .allowed_oauth_scopes(["https://api.example.com/photos.read"])
                    .callback_urls([CB])
            ),
            (
                ErrorCode::InvalidOAuthFlow,
                "client_credentials flow can not be selected along with code flow or implicit \
                 flow."
                    .to_owned()
            )
        );
    }
}

#[test]
fn v4_client_credentials_needs_a_secret() {
    let config = base()
        .allowed_oauth_flows_user_pool_client(true)
        .allowed_oauth_flows([OAuthFlow::ClientCredentials])
        .allowed_oauth_scopes(["https://api.example.com/photos.read"])
        .build()
        .unwrap();
    assert_eq!(
        pool_refused(&config, false),
        (
            ErrorCode::InvalidOAuthFlow,
            "client_credentials flow can not be selected if client does not have a client \
             secret."
                .to_owned()
        )
    );
    check_against_pool(&config, true, "us-east-1_abc", &pool()).unwrap();
}

#[test]
fn v5_client_credentials_takes_custom_scopes_only() {
    let (code, message) = refused(
        base()
            .allowed_oauth_flows([OAuthFlow::ClientCredentials])
            .allowed_oauth_scopes(["https://api.example.com/photos.read", "email", "openid"]),
    );
    assert_eq!(code, ErrorCode::InvalidOAuthFlow);
    assert_eq!(
        message,
        "email is not supported with client_credentials flow"
    );
}

#[test]
fn v6_code_and_implicit_need_callback_urls() {
    for flow in [OAuthFlow::Code, OAuthFlow::Implicit] {
        assert_eq!(
            refused(
                base()
                    .allowed_oauth_flows([flow])
                    .allowed_oauth_scopes(["openid"])
            ),
            (
                ErrorCode::InvalidOAuthFlow,
                "CallbackUrls can not be empty when code flow or implicit flow is selected"
                    .to_owned()
            )
        );
    }
}

#[test]
fn v7_scopes_must_exist_in_the_pool() {
    let config = base()
        .allowed_oauth_scopes([
            "openid",
            "aws.cognito.signin.user.admin",
            "https://api.example.com/photos.read",
            "https://api.example.com/photos.write",
            "other/x",
        ])
        .build()
        .unwrap();
    assert_eq!(
        pool_refused(&config, false),
        (
            ErrorCode::ScopeDoesNotExist,
            "Invalid scope requested: https://api.example.com/photos.write".to_owned()
        )
    );
    let fine = base()
        .allowed_oauth_scopes([
            "openid",
            "email",
            "phone",
            "profile",
            "https://api.example.com/photos.read",
        ])
        .build()
        .unwrap();
    check_against_pool(&fine, false, "us-east-1_abc", &pool()).unwrap();
}

#[test]
fn v8_redirect_urls_must_be_absolute_https_or_loopback_http_or_an_app_scheme() {
    for good in [
        "https://app.example.com/cb?x=1",
        "http://localhost:3000/cb",
        "http://localhost",
        "http://127.0.0.1:8080/",
        "http://[::1]:9000/cb",
        "myapp://callback",
        "com.example.app:/oauth",
    ] {
        base().callback_urls([good]).build().unwrap();
        base().logout_urls([good]).build().unwrap();
    }
    for bad in [
        "http://app.example.com/cb",
        "http://127.0.0.2/cb",
        "http://localhost.evil.com/cb",
        "http://user@localhost/cb",
        "https://app.example.com/cb#frag",
        "/relative/cb",
        "app.example.com/cb",
        "https:",
        "https:///nohost",
        "http://localhost:abc/",
    ] {
        let expected = (
            ErrorCode::InvalidParameter,
            format!("Invalid redirect URI: {bad}"),
        );
        assert_eq!(
            refused(base().callback_urls([bad])),
            expected,
            "callback {bad}"
        );
        assert_eq!(refused(base().logout_urls([bad])), expected, "logout {bad}");
    }
}

#[test]
fn v9_the_default_redirect_is_a_callback_url() {
    assert_eq!(
        refused(
            base()
                .callback_urls([CB])
                .default_redirect_uri("https://app.example.com/other")
        ),
        (
            ErrorCode::InvalidParameter,
            "DefaultRedirectURI must be one of the CallbackURLs.".to_owned()
        )
    );
    assert_eq!(
        refused(base().default_redirect_uri("http://evil.example.com/")),
        (
            ErrorCode::InvalidParameter,
            "Invalid redirect URI: http://evil.example.com/".to_owned()
        )
    );
}

#[test]
fn v10_only_cognito_is_a_provider() {
    let config = base()
        .supported_identity_providers(["COGNITO", "Google"])
        .build()
        .unwrap();
    assert_eq!(
        pool_refused(&config, false),
        (
            ErrorCode::InvalidParameter,
            "The provider Google does not exist for User Pool us-east-1_abc".to_owned()
        )
    );
}

#[test]
fn v11_email_without_openid_is_accepted_here() {
    let config = base()
        .allowed_oauth_flows_user_pool_client(true)
        .allowed_oauth_flows([OAuthFlow::Code])
        .allowed_oauth_scopes(["email", "profile"])
        .callback_urls([CB])
        .build()
        .unwrap();
    check_against_pool(&config, false, "us-east-1_abc", &pool()).unwrap();
}

#[test]
fn v12_list_maxima_and_element_shapes_are_model_errors() {
    let scopes: Vec<String> = (0..51).map(|i| format!("s{i}")).collect();
    assert_eq!(
        refused(base().allowed_oauth_scopes(scopes)),
        (
            ErrorCode::InvalidParameter,
            "1 validation error detected: Value at 'allowedOAuthScopes' failed to satisfy \
             constraint: Member must have length less than or equal to 50"
                .to_owned()
        )
    );
    let urls: Vec<String> = (0..101).map(|i| format!("https://a.example/{i}")).collect();
    let (_, message) = refused(base().callback_urls(urls.clone()).logout_urls(urls));
    assert_eq!(
        message,
        "2 validation errors detected: Value at 'callbackURLs' failed to satisfy constraint: \
         Member must have length less than or equal to 100; Value at 'logoutURLs' failed to \
         satisfy constraint: Member must have length less than or equal to 100"
    );
    assert_eq!(
        refused(base().allowed_oauth_scopes(["openid", "bad scope"])),
        (
            ErrorCode::InvalidParameter,
            "1 validation error detected: Value 'bad scope' at 'allowedOAuthScopes.2.member' \
             failed to satisfy constraint: Member must satisfy regular expression pattern: \
             [\\x21\\x23-\\x5B\\x5D-\\x7E]+ and have length between 1 and 256"
                .to_owned()
        )
    );
    let long = format!("https://a.example/{}", "x".repeat(1024));
    let (code, message) = refused(base().callback_urls([long.as_str()]));
    assert_eq!(code, ErrorCode::InvalidParameter);
    assert_eq!(
        message,
        format!(
            "1 validation error detected: Value '{long}' at 'callbackURLs.1.member' failed to \
             satisfy constraint: Member must satisfy regular expression pattern: \
             [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+ and have length between 1 and 1024"
        )
    );
    let (_, message) = refused(base().supported_identity_providers(["x".repeat(33)]));
    assert!(
        message.starts_with("1 validation error detected: Value 'xxx"),
        "{message}"
    );
    assert!(
        message.ends_with("at 'supportedIdentityProviders.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length between 1 and 32"),
        "{message}"
    );
}
