//! PreTokenGeneration for machine-to-machine tokens
//! (`TokenGeneration_ClientCredentials`, issue 14 deliverable 5): a `V3_0`
//! function is told the client, the granted scopes and the request's
//! `aws_client_metadata`, and edits the token's scope and claims by the
//! access token's rules; `V1_0` and `V2_0` functions are not called for
//! it (cognito-triggers.md §2.5).

use serde_json::Value;
use userpool::client::{AppClientConfig, OAuthFlow};
use userpool::config::{ResourceServer, ResourceServerScope};
use userpool::oauth::{Base, OAuthRequest, handle};
use userpool::triggers::{
    AccessTokenGeneration, ClaimValue, ClaimsAndScopeOverrideDetails, PreTokenGenerationResponse,
    PreTokenGenerationVersion, Trigger, TriggerError, TriggerSource,
};

use super::common::{Harness, add_client, claims};
use super::triggers_auth::{Hooks, hooked, map};

/// A pool with the resource server `api` (read, write) and `hooks`, and
/// its M2M client: `(harness, hooks, client id, secret)`.
fn m2m(hooks: Hooks) -> (Harness, std::sync::Arc<Hooks>, String, String) {
    let (h, hooks) = hooked(hooks);
    let api = ResourceServer {
        identifier: "api".to_owned(),
        name: "API".to_owned(),
        scopes: ["read", "write"]
            .iter()
            .map(|s| ResourceServerScope {
                name: (*s).to_owned(),
                description: (*s).to_owned(),
            })
            .collect(),
    };
    let next = h
        .pool
        .config()
        .with_new_resource_server(h.pool.id(), api)
        .unwrap();
    h.pool.update_config(next).unwrap();
    let client = add_client(
        &h,
        AppClientConfig::builder("backend")
            .generate_secret(true)
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::ClientCredentials])
            .allowed_oauth_scopes(["api/read", "api/write"]),
    );
    let secret = client.secret().unwrap().expose_secret().to_owned();
    (h, hooks, client.id().to_owned(), secret)
}

fn token_request(h: &Harness, client: &str, secret: &str, extra: &str) -> (u16, Value) {
    let response = handle(
        &h.pool,
        &OAuthRequest {
            method: "POST".to_owned(),
            path: "/oauth2/token".to_owned(),
            query: String::new(),
            headers: vec![(
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            )],
            body: format!(
                "grant_type=client_credentials&client_id={client}&client_secret={secret}{extra}"
            )
            .into_bytes(),
            base: Base {
                url: "https://auth.example.com".to_owned(),
                cookie_path: "/".to_owned(),
                secure: true,
            },
        },
    );
    (
        response.status,
        serde_json::from_slice(&response.body).unwrap(),
    )
}

fn editing() -> PreTokenGenerationResponse {
    let mut access = AccessTokenGeneration::default();
    access
        .claims_to_add_or_override
        .insert("tenant".to_owned(), ClaimValue::from("acme"));
    access
        .claims_to_add_or_override
        .insert("level".to_owned(), ClaimValue::Integer(3));
    for forged in [
        "sub",
        "client_id",
        "scope",
        "iss",
        "cognito:groups",
        "version",
        "dev:x",
    ] {
        access
            .claims_to_add_or_override
            .insert(forged.to_owned(), ClaimValue::from("forged"));
    }
    access.claims_to_suppress = vec!["level".to_owned(), "client_id".to_owned()];
    access.scopes_to_add = vec!["api/extra".to_owned()];
    access.scopes_to_suppress = vec!["api/write".to_owned()];
    let mut details = ClaimsAndScopeOverrideDetails::default();
    details.access_token_generation = Some(access);
    let mut response = PreTokenGenerationResponse::default();
    response.claims_and_scope_override_details = Some(details);
    response
}

#[test]
fn a_v3_function_edits_the_m2m_token_and_is_told_the_client_scopes_and_metadata() {
    let (h, hooks, client, secret) = m2m(Hooks::new(&[Trigger::PreTokenGeneration])
        .version(PreTokenGenerationVersion::V3)
        .pre_token_generation(|_| Ok(editing())));
    let metadata = "%7B%22app%22%3A%22billing%22%7D"; // {"app":"billing"}
    let (status, body) = token_request(
        &h,
        &client,
        &secret,
        &format!("&aws_client_metadata={metadata}"),
    );
    assert_eq!(status, 200, "{body}");
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["scope"], "api/read api/extra");
    assert_eq!(c["tenant"], "acme");
    assert!(c.get("level").is_none(), "added then suppressed");
    assert!(c.get("dev:x").is_none());
    assert!(c.get("cognito:groups").is_none());
    for protected in ["sub", "client_id"] {
        assert_eq!(c[protected], client.as_str(), "{protected} is protected");
    }
    assert_eq!(c["version"], 2);
    assert_eq!(c["iss"], h.pool.issuer());
    assert_eq!(
        c.as_object().unwrap().len(),
        11,
        "the ten claims and one added: {c}"
    );

    let events = hooks.pre_token_generations();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        e.trigger_source,
        TriggerSource::TokenGenerationClientCredentials
    );
    assert_eq!(e.version, "3");
    assert_eq!(e.user_name, client);
    assert_eq!(e.caller_context.client_id, client);
    assert!(e.request.user_attributes.is_empty());
    assert_eq!(e.request.scopes, ["api/read", "api/write"]);
    assert_eq!(e.request.client_metadata, Some(map(&[("app", "billing")])));
}

#[test]
fn v1_and_v2_functions_are_not_called_for_m2m_tokens() {
    for version in [PreTokenGenerationVersion::V1, PreTokenGenerationVersion::V2] {
        let (h, hooks, client, secret) = m2m(Hooks::new(&[Trigger::PreTokenGeneration])
            .version(version)
            .pre_token_generation(|_| Ok(editing())));
        let (status, body) = token_request(&h, &client, &secret, "");
        assert_eq!(status, 200);
        let c = claims(body["access_token"].as_str().unwrap());
        assert_eq!(c["scope"], "api/read api/write");
        assert_eq!(c.as_object().unwrap().len(), 10);
        assert!(hooks.pre_token_generations().is_empty(), "{version:?}");
    }
}

#[test]
fn a_refusing_v3_function_issues_no_token_and_bad_metadata_is_an_invalid_request() {
    let (h, _, client, secret) = m2m(Hooks::new(&[Trigger::PreTokenGeneration])
        .version(PreTokenGenerationVersion::V3)
        .pre_token_generation(|_| Err(TriggerError::rejected("no machines today"))));
    // The function's refusal is a refused request, no token: the token
    // endpoint's answer to any failure of the engine but its own.
    let (status, body) = token_request(&h, &client, &secret, "");
    assert_eq!(
        (status, body),
        (400, serde_json::json!({"error": "invalid_request"}))
    );

    let (h, hooks, client, secret) =
        m2m(Hooks::new(&[Trigger::PreTokenGeneration]).version(PreTokenGenerationVersion::V3));
    for bad in ["not-json", "%5B%5D", "%7B%22n%22%3A1%7D"] {
        let (status, body) =
            token_request(&h, &client, &secret, &format!("&aws_client_metadata={bad}"));
        assert_eq!(
            (status, body),
            (400, serde_json::json!({"error": "invalid_request"})),
            "{bad}"
        );
    }
    assert!(hooks.pre_token_generations().is_empty());
}
