//! User pool domains on the wire (cognito-oauth.md §1.2–§1.4): the four
//! operations, their answers' exact shapes, the naming rules and their
//! messages, one domain of each kind per pool, one name in the whole
//! registry, `DescribeUserPool`'s `Domain`/`CustomDomain`, and
//! `DeleteUserPool` refused while a domain remains.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::wire::{Calls as _, World};

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d";

fn pool(w: &World) -> String {
    w.create_pool(&json!({"PoolName": "web"}))
}

fn create(w: &World, id: &str, domain: &str) -> Value {
    w.ok(
        "CreateUserPoolDomain",
        &json!({"UserPoolId": id, "Domain": domain}),
    )
}

fn create_custom(w: &World, id: &str, domain: &str) -> Value {
    w.ok(
        "CreateUserPoolDomain",
        &json!({"UserPoolId": id, "Domain": domain,
                "CustomDomainConfig": {"CertificateArn": CERT}}),
    )
}

fn describe(w: &World, domain: &str) -> Value {
    w.ok("DescribeUserPoolDomain", &json!({"Domain": domain}))
}

fn invalid(message: &str) -> (String, String) {
    ("InvalidParameterException".to_owned(), message.to_owned())
}

#[test]
fn a_prefix_domain_is_created_described_updated_and_deleted() {
    let w = World::new();
    let id = pool(&w);
    assert_eq!(create(&w, &id, "my-app"), json!({"ManagedLoginVersion": 1}));
    let expected = json!({"DomainDescription": {
        "UserPoolId": id,
        "AWSAccountId": "000000000000",
        "Domain": "my-app",
        "S3Bucket": "aws-cognito-prod-iad-assets",
        "CloudFrontDistribution": "d3oia8etllorh5.cloudfront.net",
        "Version": "20231114221320",
        "Status": "ACTIVE",
        "CustomDomainConfig": {},
        "ManagedLoginVersion": 1
    }});
    assert_eq!(describe(&w, "my-app"), expected);
    let pool = w.describe(&id);
    assert_eq!(pool["Domain"], "my-app");
    assert!(pool.get("CustomDomain").is_none(), "{pool}");

    // An update changes the version and stamps the time.
    w.clock.advance(Duration::from_secs(61));
    assert_eq!(
        w.ok(
            "UpdateUserPoolDomain",
            &json!({"UserPoolId": id, "Domain": "my-app", "ManagedLoginVersion": 2})
        ),
        json!({"ManagedLoginVersion": 2})
    );
    let described = describe(&w, "my-app");
    assert_eq!(described["DomainDescription"]["ManagedLoginVersion"], 2);
    assert_eq!(described["DomainDescription"]["Version"], "20231114221421");

    assert_eq!(
        w.ok(
            "DeleteUserPoolDomain",
            &json!({"UserPoolId": id, "Domain": "my-app"})
        ),
        json!({})
    );
    assert_eq!(describe(&w, "my-app"), json!({"DomainDescription": {}}));
    assert!(w.describe(&id).get("Domain").is_none());
}

#[test]
fn an_unknown_domain_is_described_empty() {
    let w = World::new();
    assert_eq!(describe(&w, "free-name"), json!({"DomainDescription": {}}));
    assert_eq!(
        describe(&w, "auth.example.com"),
        json!({"DomainDescription": {}})
    );
}

#[test]
fn a_custom_domain_reports_its_certificate_and_distribution() {
    let w = World::new();
    let id = pool(&w);
    let created = w.ok(
        "CreateUserPoolDomain",
        &json!({"UserPoolId": id, "Domain": "auth.example.com",
                "CustomDomainConfig": {"CertificateArn": CERT, "SecurityPolicy": "TLS_V1_2_2021"}}),
    );
    let cloudfront = created["CloudFrontDomain"].as_str().unwrap().to_owned();
    assert!(
        cloudfront.starts_with('d') && cloudfront.ends_with(".cloudfront.net"),
        "{cloudfront}"
    );
    assert_ne!(cloudfront, "d3oia8etllorh5.cloudfront.net");
    assert_eq!(
        created,
        json!({"ManagedLoginVersion": 1, "CloudFrontDomain": cloudfront})
    );
    let d = &describe(&w, "auth.example.com")["DomainDescription"];
    assert_eq!(d["CloudFrontDistribution"], cloudfront.as_str());
    assert_eq!(
        d["CustomDomainConfig"],
        json!({"CertificateArn": CERT, "SecurityPolicy": "TLS_V1_2_2021"})
    );
    // A prefix and a custom domain together.
    create(&w, &id, "my-app");
    let pool = w.describe(&id);
    assert_eq!(pool["Domain"], "my-app");
    assert_eq!(pool["CustomDomain"], "auth.example.com");

    // Update replaces the certificate of a custom domain ...
    let other = "arn:aws:acm:us-east-1:123456789012:certificate/ffff0000";
    let updated = w.ok(
        "UpdateUserPoolDomain",
        &json!({"UserPoolId": id, "Domain": "auth.example.com",
                "CustomDomainConfig": {"CertificateArn": other}}),
    );
    assert_eq!(
        updated,
        json!({"ManagedLoginVersion": 1, "CloudFrontDomain": cloudfront})
    );
    assert_eq!(
        describe(&w, "auth.example.com")["DomainDescription"]["CustomDomainConfig"],
        json!({"CertificateArn": other})
    );
    // ... but a prefix domain has none.
    assert_eq!(
        w.refused(
            "UpdateUserPoolDomain",
            &json!({"UserPoolId": id, "Domain": "my-app",
                    "CustomDomainConfig": {"CertificateArn": other}})
        ),
        invalid("CustomDomainConfig cannot be set on a prefix domain.")
    );
}

#[test]
fn names_follow_the_pattern_and_avoid_reserved_words() {
    let w = World::new();
    let id = pool(&w);
    for (name, word) in [
        ("my-aws-login", "aws"),
        ("amazon", "amazon"),
        ("login-cognito", "cognito"),
        ("health", "health"),
    ] {
        assert_eq!(
            w.refused(
                "CreateUserPoolDomain",
                &json!({"UserPoolId": id, "Domain": name})
            ),
            invalid(&format!("Domain cannot contain reserved word: {word}")),
            "{name}"
        );
    }
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": id, "Domain": "My_App"})
        ),
        invalid(
            "1 validation error detected: Value 'My_App' at 'domain' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: \
             ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"
        )
    );
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": id, "Domain": "auth.example.com"})
        ),
        invalid("CustomDomainConfig is required for a custom domain.")
    );
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": id, "Domain": "my-app", "ManagedLoginVersion": 3})
        ),
        invalid("ManagedLoginVersion must be 1 or 2.")
    );
    let (kind, message) = w.refused(
        "CreateUserPoolDomain",
        &json!({"UserPoolId": id, "Domain": "auth.example.com",
                "CustomDomainConfig": {"CertificateArn": "nope", "SecurityPolicy": "TLS_V9"}}),
    );
    assert_eq!(kind, "InvalidParameterException");
    assert!(
        message.starts_with(
            "3 validation errors detected: Value 'nope' at 'customDomainConfig.certificateArn'"
        ),
        "{message}"
    );
    assert!(
        message.ends_with(
            "Value 'TLS_V9' at 'customDomainConfig.securityPolicy' failed to satisfy constraint: \
             Member must satisfy enum value set: [TLS_V1, TLS_V1_2_2021, TLS_V1_3_2025]"
        ),
        "{message}"
    );
    // The model is checked before the pool is looked up.
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": "us-east-1_nope", "Domain": "aws"})
        ),
        invalid("Domain cannot contain reserved word: aws")
    );
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": "us-east-1_nope", "Domain": "fine"})
        ),
        (
            "ResourceNotFoundException".to_owned(),
            "User pool us-east-1_nope does not exist.".to_owned()
        )
    );
    // Nothing was created by the refusals.
    assert!(w.describe(&id).get("Domain").is_none());
}

#[test]
fn one_domain_of_each_kind_per_pool_and_one_name_per_registry() {
    let w = World::new();
    let a = pool(&w);
    let b = pool(&w);
    create(&w, &a, "shared");
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": a, "Domain": "second"})
        ),
        invalid("User pool already has a domain configured.")
    );
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": b, "Domain": "shared"})
        ),
        invalid("Domain already associated with another user pool")
    );
    create_custom(&w, &a, "auth.example.com");
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": a, "Domain": "login.example.com",
                    "CustomDomainConfig": {"CertificateArn": CERT}})
        ),
        invalid("User pool already has a domain configured.")
    );
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": b, "Domain": "auth.example.com",
                    "CustomDomainConfig": {"CertificateArn": CERT}})
        ),
        invalid("Domain already associated with another user pool")
    );
    // Another pool's domain cannot be changed or deleted through b.
    for op in ["UpdateUserPoolDomain", "DeleteUserPoolDomain"] {
        assert_eq!(
            w.refused(op, &json!({"UserPoolId": b, "Domain": "shared"})),
            invalid(&format!(
                "Domain shared is not associated with user pool {b}."
            )),
            "{op}"
        );
        assert_eq!(
            w.refused(op, &json!({"UserPoolId": b, "Domain": "missing"})),
            (
                "ResourceNotFoundException".to_owned(),
                "Domain missing does not exist.".to_owned()
            ),
            "{op}"
        );
    }
    // Freed, the name can be taken by another pool.
    w.ok(
        "DeleteUserPoolDomain",
        &json!({"UserPoolId": a, "Domain": "shared"}),
    );
    create(&w, &b, "shared");
    assert_eq!(
        describe(&w, "shared")["DomainDescription"]["UserPoolId"],
        b.as_str()
    );
}

#[test]
fn four_custom_domains_per_registry() {
    let w = World::new();
    for i in 0..4 {
        let id = pool(&w);
        create_custom(&w, &id, &format!("auth{i}.example.com"));
    }
    let id = pool(&w);
    let (kind, message) = w.refused(
        "CreateUserPoolDomain",
        &json!({"UserPoolId": id, "Domain": "auth4.example.com",
                "CustomDomainConfig": {"CertificateArn": CERT}}),
    );
    assert_eq!(kind, "LimitExceededException");
    assert_eq!(
        message,
        "The account cannot have more than 4 custom domains."
    );
    // Prefix domains are not counted.
    create(&w, &id, "prefix-still-fine");
}

#[test]
fn a_pool_with_a_domain_cannot_be_deleted() {
    let w = World::new();
    let id = pool(&w);
    create(&w, &id, "my-app");
    assert_eq!(
        w.refused("DeleteUserPool", &json!({"UserPoolId": id})),
        invalid(
            "User pool cannot be deleted. It has a domain configured that should be deleted first."
        )
    );
    w.describe(&id);
    w.ok(
        "DeleteUserPoolDomain",
        &json!({"UserPoolId": id, "Domain": "my-app"}),
    );
    w.ok("DeleteUserPool", &json!({"UserPoolId": id}));
}

#[test]
fn managed_login_2_needs_a_plan_above_lite() {
    let w = World::new();
    let id = w.create_pool(&json!({"PoolName": "lite", "UserPoolTier": "LITE"}));
    let unavailable = (
        "FeatureUnavailableInTierException".to_owned(),
        "ManagedLoginVersion 2 is not available in the LITE feature plan.".to_owned(),
    );
    assert_eq!(
        w.refused(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": id, "Domain": "lite-app", "ManagedLoginVersion": 2})
        ),
        unavailable
    );
    create(&w, &id, "lite-app");
    assert_eq!(
        w.refused(
            "UpdateUserPoolDomain",
            &json!({"UserPoolId": id, "Domain": "lite-app", "ManagedLoginVersion": 2})
        ),
        unavailable
    );
}

#[test]
fn update_user_pool_keeps_the_domains() {
    let w = World::new();
    let id = pool(&w);
    create(&w, &id, "my-app");
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "PoolName": "renamed"}),
    );
    assert_eq!(w.describe(&id)["Domain"], "my-app");
}
