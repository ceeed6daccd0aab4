//! Tags, deletion protection and add-ons survive a restart: set on a registry over
//! a `SqliteStore`, then a new registry over the same file lists the same
//! tags and still refuses to delete the protected pool.

use serde_json::json;

use crate::support::db::TempDb;
use crate::support::wire::{self, Calls as _};

use crate::support::wire::open_sqlite as open;

#[test]
fn a_restarted_registry_keeps_tags_and_deletion_protection() {
    let db = TempDb::new("restart-tags");
    let (pool, arn) = {
        let r = open(&db);
        let pool = wire::Calls::create_pool(
            &r,
            &json!({"PoolName": "web", "DeletionProtection": "ACTIVE", "UserPoolTier": "PLUS",
                    "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"},
                    "UserPoolTags": {"env": "prod", "team": "id"}}),
        );
        let arn = r.describe(&pool)["Arn"].as_str().unwrap().to_owned();
        r.ok(
            "TagResource",
            &json!({"ResourceArn": arn, "Tags": {"cost": "42"}}),
        );
        r.ok(
            "UntagResource",
            &json!({"ResourceArn": arn, "TagKeys": ["team"]}),
        );
        (pool, arn)
    };
    let r = open(&db);
    assert_eq!(
        r.ok("ListTagsForResource", &json!({"ResourceArn": arn})),
        json!({"Tags": {"cost": "42", "env": "prod"}})
    );
    let described = r.describe(&pool);
    assert_eq!(
        described["UserPoolTags"],
        json!({"cost": "42", "env": "prod"})
    );
    assert_eq!(described["DeletionProtection"], "ACTIVE");
    assert_eq!(
        described["UserPoolAddOns"],
        json!({"AdvancedSecurityMode": "AUDIT"})
    );
    let (kind, message) = r.refused("DeleteUserPool", &json!({"UserPoolId": pool}));
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.starts_with("The user pool cannot be deleted because deletion protection"));
}
