//! Groups and their memberships.

use serde_json::json;

use crate::support::START;
use crate::support::wire::Calls;

use super::{OnePool, keys_of, set};

#[test]
fn groups_and_memberships() {
    let w = OnePool::new();
    w.admin_user("gus", "gus@example.com");

    let out = w.ok(
        "CreateGroup",
        &json!({
            "GroupName": "admins",
            "UserPoolId": w.pool_id(),
            "Description": "The admins",
            "Precedence": 1,
            "RoleArn": "arn:aws:iam::123456789012:role/Admins",
        }),
    );
    let group = &out["Group"];
    assert_eq!(
        keys_of(group),
        set(&[
            "GroupName",
            "UserPoolId",
            "Description",
            "RoleArn",
            "Precedence",
            "LastModifiedDate",
            "CreationDate"
        ])
    );
    assert_eq!(group["UserPoolId"], w.pool_id());
    assert_eq!(group["Precedence"], 1);
    assert_eq!(
        group["CreationDate"].as_f64(),
        Some(START.unix_seconds() as f64)
    );

    let out = w.ok(
        "CreateGroup",
        &json!({"GroupName": "readers", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(
        keys_of(&out["Group"]),
        set(&[
            "GroupName",
            "UserPoolId",
            "LastModifiedDate",
            "CreationDate"
        ])
    );
    let (t, _) = w.refused(
        "CreateGroup",
        &json!({"GroupName": "readers", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(t, "GroupExistsException");
    let (t, _) = w.refused(
        "CreateGroup",
        &json!({"GroupName": "x", "UserPoolId": w.pool_id(), "Precedence": -1}),
    );
    assert_eq!(t, "InvalidParameterException");

    let out = w.ok(
        "GetGroup",
        &json!({"GroupName": "admins", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(out["Group"]["Description"], "The admins");

    let out = w.ok(
        "ListGroups",
        &json!({"UserPoolId": w.pool_id(), "Limit": 1}),
    );
    assert_eq!(out["Groups"][0]["GroupName"], "admins");
    let next = out["NextToken"].as_str().expect("a next page").to_owned();
    let out = w.ok(
        "ListGroups",
        &json!({"UserPoolId": w.pool_id(), "Limit": 1, "NextToken": next}),
    );
    assert_eq!(out["Groups"][0]["GroupName"], "readers");
    assert!(out.get("NextToken").is_none());

    w.world.clock.advance(std::time::Duration::from_secs(10));
    let out = w.ok(
        "UpdateGroup",
        &json!({"GroupName": "admins", "UserPoolId": w.pool_id(), "Description": "Admins"}),
    );
    assert_eq!(out["Group"]["Description"], "Admins");
    assert!(
        out["Group"].get("Precedence").is_none(),
        "unset fields reset"
    );
    assert_eq!(
        out["Group"]["LastModifiedDate"].as_f64(),
        Some((START.unix_seconds() + 10) as f64)
    );

    for group in ["admins", "readers"] {
        let out = w.ok(
            "AdminAddUserToGroup",
            &json!({"UserPoolId": w.pool_id(), "Username": "gus", "GroupName": group}),
        );
        assert_eq!(out, json!({}));
    }
    let out = w.ok(
        "AdminListGroupsForUser",
        &json!({"Username": "gus", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(keys_of(&out), set(&["Groups"]));
    assert_eq!(out["Groups"].as_array().unwrap().len(), 2);

    let out = w.ok(
        "ListUsersInGroup",
        &json!({"UserPoolId": w.pool_id(), "GroupName": "admins"}),
    );
    assert_eq!(keys_of(&out), set(&["Users"]));
    assert_eq!(out["Users"][0]["Username"], "gus");
    assert_eq!(out["Users"][0]["UserStatus"], "FORCE_CHANGE_PASSWORD");

    w.ok(
        "AdminRemoveUserFromGroup",
        &json!({"UserPoolId": w.pool_id(), "Username": "gus", "GroupName": "admins"}),
    );
    let out = w.ok(
        "AdminListGroupsForUser",
        &json!({"Username": "gus", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(out["Groups"].as_array().unwrap().len(), 1);

    let (t, _) = w.refused(
        "AdminAddUserToGroup",
        &json!({"UserPoolId": w.pool_id(), "Username": "nobody", "GroupName": "admins"}),
    );
    assert_eq!(t, "UserNotFoundException");

    assert_eq!(
        w.ok(
            "DeleteGroup",
            &json!({"GroupName": "admins", "UserPoolId": w.pool_id()})
        ),
        json!({})
    );
    let (t, m) = w.refused(
        "GetGroup",
        &json!({"GroupName": "admins", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("ResourceNotFoundException", "Group not found.")
    );
    let (t, _) = w.refused(
        "ListUsersInGroup",
        &json!({"UserPoolId": w.pool_id(), "GroupName": "admins"}),
    );
    assert_eq!(t, "ResourceNotFoundException");
}
