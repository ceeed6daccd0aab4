//! User pool domains survive a restart: created, updated and deleted on a
//! registry over a `SqliteStore`, then a new registry over the same file
//! describes and finds the same domains.

use serde_json::json;

use crate::support::db::TempDb;
use crate::support::wire::{self, Calls as _};

use crate::support::wire::open_sqlite as open;

#[test]
fn a_restarted_registry_keeps_the_domains() {
    let db = TempDb::new("restart-domains");
    let cert = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d";
    let (pool, prefix_before, custom_before) = {
        let r = open(&db);
        let pool = wire::Calls::create_pool(&r, &json!({"PoolName": "web"}));
        r.ok(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": pool, "Domain": "my-app"}),
        );
        r.ok(
            "UpdateUserPoolDomain",
            &json!({"UserPoolId": pool, "Domain": "my-app", "ManagedLoginVersion": 2}),
        );
        r.ok(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": pool, "Domain": "auth.example.com",
                    "CustomDomainConfig": {"CertificateArn": cert, "SecurityPolicy": "TLS_V1_3_2025"}}),
        );
        let other = wire::Calls::create_pool(&r, &json!({"PoolName": "other"}));
        r.ok(
            "CreateUserPoolDomain",
            &json!({"UserPoolId": other, "Domain": "gone"}),
        );
        r.ok(
            "DeleteUserPoolDomain",
            &json!({"UserPoolId": other, "Domain": "gone"}),
        );
        let prefix = r.ok("DescribeUserPoolDomain", &json!({"Domain": "my-app"}));
        let custom = r.ok(
            "DescribeUserPoolDomain",
            &json!({"Domain": "auth.example.com"}),
        );
        (pool, prefix, custom)
    };
    assert_eq!(prefix_before["DomainDescription"]["ManagedLoginVersion"], 2);
    let r = open(&db);
    assert_eq!(
        r.ok("DescribeUserPoolDomain", &json!({"Domain": "my-app"})),
        prefix_before
    );
    assert_eq!(
        r.ok(
            "DescribeUserPoolDomain",
            &json!({"Domain": "auth.example.com"})
        ),
        custom_before
    );
    assert_eq!(
        r.ok("DescribeUserPoolDomain", &json!({"Domain": "gone"})),
        json!({"DomainDescription": {}})
    );
    let described = r.describe(&pool);
    assert_eq!(described["Domain"], "my-app");
    assert_eq!(described["CustomDomain"], "auth.example.com");
    // The reopened registry still enforces the rules on them.
    let (kind, message) = r.refused(
        "CreateUserPoolDomain",
        &json!({"UserPoolId": pool, "Domain": "second"}),
    );
    assert_eq!(kind, "InvalidParameterException");
    assert_eq!(message, "User pool already has a domain configured.");
    let (kind, _) = r.refused("DeleteUserPool", &json!({"UserPoolId": pool}));
    assert_eq!(kind, "InvalidParameterException");
    let (found, domain) = r.pool_of_domain("auth.example.com").unwrap().unwrap();
    assert_eq!(found.id(), pool);
    assert!(domain.is_custom());
}
