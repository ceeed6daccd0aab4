//! The resource-server rules of the configuration (cognito-oauth.md §2),
//! without the wire: `ResourceServer::validate` and the `PoolConfig`
//! changes `CreateResourceServer`, `UpdateResourceServer` and
//! `DeleteResourceServer` make.

use userpool::ErrorCode;
use userpool::config::{
    MAX_RESOURCE_SERVERS, MAX_SCOPES_PER_SERVER, PoolConfig, ResourceServer, ResourceServerScope,
};

const POOL: &str = "us-east-1_Pool";

fn scope(name: &str) -> ResourceServerScope {
    ResourceServerScope {
        name: name.to_owned(),
        description: format!("{name} access"),
    }
}

fn server(identifier: &str, scopes: &[&str]) -> ResourceServer {
    ResourceServer {
        identifier: identifier.to_owned(),
        name: "API".to_owned(),
        scopes: scopes.iter().map(|s| scope(s)).collect(),
    }
}

fn config() -> PoolConfig {
    PoolConfig::builder("p").build().unwrap()
}

#[test]
fn identifiers_names_and_scopes_follow_the_model() {
    assert!(
        server("https://api.example.com/v1", &["photos.read"])
            .validate()
            .is_ok()
    );
    let e = server("a\"b", &[]).validate().unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(e.violations().len(), 1);
    assert_eq!(e.violations()[0].member(), "identifier");
    let e = server("a\\b", &[]).validate().unwrap_err();
    assert_eq!(e.violations()[0].member(), "identifier");
    let mut named = server("api", &[]);
    named.name = "é-ok name_1+=,.@".to_owned();
    assert!(named.validate().is_ok());
    named.name = "no!".to_owned();
    assert_eq!(
        named.validate().unwrap_err().violations()[0].member(),
        "name"
    );
    // A scope name may not contain `/`, which separates it from the identifier.
    let e = server("api", &["read", "x/y"]).validate().unwrap_err();
    assert_eq!(e.violations()[0].member(), "scopes.2.member.scopeName");
    let e = server("api", &["read", "read"]).validate().unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(e.message(), "Duplicate scope names are not allowed: read.");
    let names: Vec<String> = (0..=MAX_SCOPES_PER_SERVER)
        .map(|i| format!("s{i}"))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let e = server("api", &refs).validate().unwrap_err();
    assert_eq!(e.code(), ErrorCode::LimitExceeded);
    assert!(
        server("api", &refs[..MAX_SCOPES_PER_SERVER])
            .validate()
            .is_ok()
    );
}

#[test]
fn create_update_and_delete_change_only_their_server() {
    let c = config();
    let c = c
        .with_new_resource_server(POOL, server("a", &["read"]))
        .unwrap();
    let c = c
        .with_new_resource_server(POOL, server("b", &["write"]))
        .unwrap();
    assert!(c.has_custom_scope("a/read"));
    assert!(c.has_custom_scope("b/write"));
    assert!(!c.has_custom_scope("a/write"));
    assert!(!c.has_custom_scope("read"));

    let e = c
        .with_new_resource_server(POOL, server("a", &[]))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        e.message(),
        format!("a already exists in user pool {POOL}.")
    );

    let c = c
        .with_updated_resource_server(POOL, server("a", &["list"]))
        .unwrap();
    assert!(!c.has_custom_scope("a/read"));
    assert!(c.has_custom_scope("a/list"));
    assert_eq!(c.resource_server("b"), Some(&server("b", &["write"])));
    let e = c
        .with_updated_resource_server(POOL, server("zz", &[]))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResourceNotFound);
    assert_eq!(
        e.message(),
        format!("Resource server zz does not exist in user pool {POOL}.")
    );

    let c = c.without_resource_server(POOL, "a").unwrap();
    assert!(c.resource_server("a").is_none());
    assert_eq!(c.resource_servers().len(), 1);
    let e = c.without_resource_server(POOL, "a").unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResourceNotFound);
    assert_eq!(
        c.find_resource_server(POOL, "a").unwrap_err().code(),
        ErrorCode::ResourceNotFound
    );
}

#[test]
fn a_pool_holds_at_most_the_quota_of_servers() {
    let mut c = config();
    for i in 0..MAX_RESOURCE_SERVERS {
        c = c
            .with_new_resource_server(POOL, server(&format!("s{i}"), &[]))
            .unwrap();
    }
    let e = c
        .with_new_resource_server(POOL, server("last", &[]))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::LimitExceeded);
    assert_eq!(
        e.message(),
        "A user pool cannot have more than 25 resource servers."
    );
    // Deleting one makes room again.
    let c = c.without_resource_server(POOL, "s0").unwrap();
    assert!(
        c.with_new_resource_server(POOL, server("last", &[]))
            .is_ok()
    );
}

#[test]
fn a_definition_round_trips_its_resource_servers() {
    let c = config()
        .with_new_resource_server(POOL, server("https://api.example.com", &["a", "b"]))
        .unwrap()
        .with_new_resource_server(POOL, server("bare", &[]))
        .unwrap();
    let json = c.to_create_user_pool_json();
    let back = PoolConfig::from_create_user_pool_json(&json).unwrap();
    assert_eq!(back.resource_servers(), c.resource_servers());
}
