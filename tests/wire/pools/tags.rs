//! `UserPoolTags`, the three tagging operations on the pool's ARN and
//! `DeletionProtection` and `UserPoolAddOns`: stored, echoed by `DescribeUserPool`, changed by
//! `UpdateUserPool`, `TagResource` and `UntagResource`, refused with the
//! exact `__type` and message, and `DeleteUserPool` refused while
//! protection is `ACTIVE`; threat protection only on the `PLUS` plan.

use serde_json::{Value, json};

use crate::support::wire::{Calls as _, World};

fn arn(w: &World, id: &str) -> String {
    w.describe(id)["Arn"].as_str().unwrap().to_owned()
}

fn tags(w: &World, arn: &str) -> Value {
    w.ok("ListTagsForResource", &json!({"ResourceArn": arn}))
}

fn invalid(message: &str) -> (String, String) {
    ("InvalidParameterException".to_owned(), message.to_owned())
}

#[test]
fn tags_given_at_creation_are_described_listed_and_changed() {
    let w = World::new();
    let id = w.create_pool(&json!({"PoolName": "web",
        "UserPoolTags": {"env": "prod", "team": "identity"}}));
    assert_eq!(
        w.describe(&id)["UserPoolTags"],
        json!({"env": "prod", "team": "identity"})
    );
    let arn = arn(&w, &id);
    assert_eq!(
        arn,
        format!(
            "arn:aws:cognito-idp:us-east-1:{}:userpool/{id}",
            userpool::config::ACCOUNT_ID
        )
    );
    assert_eq!(
        tags(&w, &arn),
        json!({"Tags": {"env": "prod", "team": "identity"}})
    );
    let out = w.ok(
        "TagResource",
        &json!({"ResourceArn": arn, "Tags": {"env": "dev", "cost": ""}}),
    );
    assert_eq!(out, json!({}));
    assert_eq!(
        tags(&w, &arn),
        json!({"Tags": {"cost": "", "env": "dev", "team": "identity"}})
    );
    let out = w.ok(
        "UntagResource",
        &json!({"ResourceArn": arn, "TagKeys": ["team", "absent"]}),
    );
    assert_eq!(out, json!({}));
    assert_eq!(
        w.describe(&id)["UserPoolTags"],
        json!({"cost": "", "env": "dev"})
    );
    // UpdateUserPool without UserPoolTags keeps them; with it, replaces them.
    w.ok("UpdateUserPool", &json!({"UserPoolId": id}));
    assert_eq!(tags(&w, &arn), json!({"Tags": {"cost": "", "env": "dev"}}));
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "UserPoolTags": {"only": "this"}}),
    );
    assert_eq!(tags(&w, &arn), json!({"Tags": {"only": "this"}}));
    w.ok(
        "UntagResource",
        &json!({"ResourceArn": arn, "TagKeys": ["only"]}),
    );
    assert_eq!(tags(&w, &arn), json!({"Tags": {}}));
    // Cognito leaves the member out of a pool without tags.
    assert!(w.describe(&id).get("UserPoolTags").is_none());
}

#[test]
fn tag_rules_and_arns_are_refused_with_exact_messages() {
    let w = World::new();
    let id = w.create_pool(&json!({"PoolName": "web"}));
    let arn = arn(&w, &id);
    let tag = |tags: Value| w.refused("TagResource", &json!({"ResourceArn": arn, "Tags": tags}));
    assert_eq!(
        tag(json!({"": "v"})),
        invalid("Tag keys must be 1 to 128 characters long.")
    );
    assert_eq!(
        tag(json!({"k".repeat(129): "v"})),
        invalid("Tag keys must be 1 to 128 characters long.")
    );
    assert_eq!(
        tag(json!({"k": "v".repeat(257)})),
        invalid("Tag values must be at most 256 characters long.")
    );
    assert_eq!(
        tag(json!({"a*b": "v"})),
        invalid(
            "Tag keys and values may contain only Unicode letters, digits, white space and \
             _ . : / = + - @."
        )
    );
    assert_eq!(
        tag(json!({"aws:owner": "v"})),
        invalid("Tag keys beginning with aws: are reserved for AWS use.")
    );
    let fifty: serde_json::Map<String, Value> =
        (0..50).map(|i| (format!("k{i}"), json!("v"))).collect();
    w.ok("TagResource", &json!({"ResourceArn": arn, "Tags": fifty}));
    assert_eq!(
        tag(json!({"one-more": "v"})),
        invalid("A user pool can have at most 50 tags.")
    );
    // Replacing a key's value does not add a tag.
    w.ok(
        "TagResource",
        &json!({"ResourceArn": arn, "Tags": {"k0": "new"}}),
    );
    assert_eq!(tags(&w, &arn)["Tags"]["k0"], "new");
    // The same rules at creation.
    assert_eq!(
        w.refused(
            "CreateUserPool",
            &json!({"PoolName": "x", "UserPoolTags": {"aws:x": "v"}})
        ),
        invalid("Tag keys beginning with aws: are reserved for AWS use.")
    );
    assert_eq!(
        w.refused(
            "UntagResource",
            &json!({"ResourceArn": arn, "TagKeys": [""]})
        ),
        invalid("Tag keys must be 1 to 128 characters long.")
    );
    // ARNs.
    for bad in [
        "not-an-arn",
        "arn:aws:cognito-idp:us-east-1:123456789012:userpool/",
        "arn:aws:s3:us-east-1:123456789012:userpool/us-east-1_x",
        "arn:aws:cognito-idp:us-east-1:123456789012:identitypool/us-east-1_x",
    ] {
        assert_eq!(
            w.refused("ListTagsForResource", &json!({"ResourceArn": bad})),
            invalid(&format!("{bad} is not a valid user pool ARN.")),
            "{bad}"
        );
    }
    let missing = arn.replace(&id, "us-east-1_Missing1");
    assert_eq!(
        w.refused("ListTagsForResource", &json!({"ResourceArn": missing})),
        (
            "ResourceNotFoundException".to_owned(),
            "User pool us-east-1_Missing1 does not exist.".to_owned()
        )
    );
    let other_account = arn.replace(userpool::config::ACCOUNT_ID, "999999999999");
    assert_eq!(
        w.refused(
            "TagResource",
            &json!({"ResourceArn": other_account, "Tags": {"k": "v"}})
        ),
        (
            "ResourceNotFoundException".to_owned(),
            format!("User pool {id} does not exist.")
        )
    );
}

#[test]
fn deletion_protection_refuses_delete_until_an_update_turns_it_off() {
    let w = World::new();
    let id = w.create_pool(&json!({"PoolName": "web", "DeletionProtection": "ACTIVE"}));
    assert_eq!(w.describe(&id)["DeletionProtection"], "ACTIVE");
    let refused = invalid(
        "The user pool cannot be deleted because deletion protection is activated. \
         Deletion protection must be inactivated first.",
    );
    assert_eq!(
        w.refused("DeleteUserPool", &json!({"UserPoolId": id})),
        refused
    );
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "DeletionProtection": "ACTIVE"}),
    );
    assert_eq!(
        w.refused("DeleteUserPool", &json!({"UserPoolId": id})),
        refused
    );
    // An update that leaves the member out sets it to its default, INACTIVE.
    w.ok("UpdateUserPool", &json!({"UserPoolId": id}));
    assert_eq!(w.describe(&id)["DeletionProtection"], "INACTIVE");
    w.ok("DeleteUserPool", &json!({"UserPoolId": id}));
    let (kind, _) = w.refused("DescribeUserPool", &json!({"UserPoolId": id}));
    assert_eq!(kind, "ResourceNotFoundException");
    let plain = w.create_pool(&json!({"PoolName": "plain"}));
    assert_eq!(w.describe(&plain)["DeletionProtection"], "INACTIVE");
    let (kind, message) = w.refused(
        "CreateUserPool",
        &json!({"PoolName": "x", "DeletionProtection": "ON"}),
    );
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("[ACTIVE, INACTIVE]"), "{message}");
}

#[test]
fn add_ons_are_stored_on_the_plus_plan_and_refused_below_it() {
    let w = World::new();
    let id = w.create_pool(&json!({"PoolName": "web", "UserPoolTier": "PLUS",
        "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED",
            "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "AUDIT"}}}));
    assert_eq!(
        w.describe(&id)["UserPoolAddOns"],
        json!({"AdvancedSecurityMode": "ENFORCED",
               "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "AUDIT"}})
    );
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}),
    );
    assert_eq!(
        w.describe(&id)["UserPoolAddOns"],
        json!({"AdvancedSecurityMode": "AUDIT"})
    );
    // Left out of an update, it returns to its default.
    w.ok("UpdateUserPool", &json!({"UserPoolId": id}));
    assert_eq!(
        w.describe(&id)["UserPoolAddOns"],
        json!({"AdvancedSecurityMode": "OFF"})
    );
    for tier in ["ESSENTIALS", "LITE"] {
        assert_eq!(
            w.refused(
                "CreateUserPool",
                &json!({"PoolName": "x", "UserPoolTier": tier,
                        "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}})
            ),
            (
                "FeatureUnavailableInTierException".to_owned(),
                format!(
                    "Threat protection (UserPoolAddOns) is not available in the {tier} feature \
                     plan; it needs PLUS."
                )
            )
        );
    }
    let essentials = w.create_pool(&json!({"PoolName": "e",
        "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"}}));
    let (kind, _) = w.refused(
        "UpdateUserPool",
        &json!({"UserPoolId": essentials,
                "UserPoolAddOns": {"AdvancedSecurityMode": "OFF",
                    "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "ENFORCED"}}}),
    );
    assert_eq!(kind, "FeatureUnavailableInTierException");
    let (kind, message) = w.refused(
        "CreateUserPool",
        &json!({"PoolName": "x", "UserPoolTier": "PLUS",
                "UserPoolAddOns": {"AdvancedSecurityMode": "OFF",
                    "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "OFF"}}}),
    );
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("[AUDIT, ENFORCED]"), "{message}");
    let (kind, message) = w.refused(
        "CreateUserPool",
        &json!({"PoolName": "x", "UserPoolAddOns": {"AdvancedSecurityMode": "ON"}}),
    );
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("[OFF, AUDIT, ENFORCED]"), "{message}");
}
