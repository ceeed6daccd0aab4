//! Groups: `CreateGroup`, `GetGroup`, `ListGroups`, `UpdateGroup`,
//! `DeleteGroup`, `AdminAddUserToGroup`, `AdminRemoveUserFromGroup`,
//! `AdminListGroupsForUser`, `ListUsersInGroup`, and the groups in tokens
//! (cognito-protocol.md §4.11, §6.3, §6.4).

use std::time::Duration;

use serde_json::json;
use userpool::{ErrorCode, GroupRequest, InitiateAuthRequest};

use super::common::{
    Harness, JANE, claims, confirmed, password_client, quickstart, refresh_token, refused, sign_in,
    staff, staff_request,
};
use crate::support::{PASSWORD, START};

const ROLE: &str = "arn:aws:iam::123456789012:role/Admin";

fn full(name: &str) -> GroupRequest {
    GroupRequest::new(name.to_owned())
        .description(format!("The {name}"))
        .role_arn(ROLE.to_owned())
        .precedence(3)
}

/// A staff pool with the confirmed users `names`.
fn with_users(names: &[&str]) -> Harness {
    let h = staff(true);
    for name in names {
        h.pool
            .sign_up(staff_request(&h, name, &format!("{name}@example.com")))
            .unwrap();
        h.pool.admin_confirm_sign_up(name).unwrap();
    }
    h
}

fn assert_group_not_found(e: &userpool::Error) {
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::ResourceNotFound, "Group not found.")
    );
}

fn group_names(page: &userpool::GroupPage) -> Vec<&str> {
    page.groups.iter().map(|g| g.name.as_str()).collect()
}

// ----- CreateGroup, GetGroup -----

#[test]
fn create_group_returns_and_stores_every_field() {
    let h = staff(true);
    let created = h.pool.create_group(full("admins")).unwrap();
    assert_eq!(created.name, "admins");
    assert_eq!(created.description.as_deref(), Some("The admins"));
    assert_eq!(created.role_arn.as_deref(), Some(ROLE));
    assert_eq!(created.precedence, Some(3));
    assert_eq!((created.created_at, created.modified_at), (START, START));
    assert_eq!(h.pool.get_group("admins").unwrap(), created);
}

#[test]
fn a_duplicate_group_name_is_refused() {
    let h = staff(true);
    h.pool.create_group(full("admins")).unwrap();
    let e = refused(h.pool.create_group(GroupRequest::new("admins")));
    assert_eq!(e.code(), ErrorCode::GroupExists);
    assert_eq!(
        h.pool.get_group("admins").unwrap().description.as_deref(),
        Some("The admins"),
        "the first group is untouched"
    );
}

#[test]
fn group_names_are_case_sensitive() {
    let h = staff(true);
    h.pool.create_group(GroupRequest::new("admins")).unwrap();
    h.pool.create_group(GroupRequest::new("Admins")).unwrap();
    assert_group_not_found(&refused(h.pool.get_group("ADMINS")));
}

#[test]
fn a_malformed_group_is_refused() {
    let h = staff(true);
    for request in [
        GroupRequest::new(""),
        GroupRequest::new("has space"),
        GroupRequest::new("x".repeat(129)),
        GroupRequest::new("g").role_arn("not-an-arn".to_owned()),
        GroupRequest::new("g").description("d".repeat(2049)),
    ] {
        let e = refused(h.pool.create_group(request));
        assert_eq!(e.code(), ErrorCode::InvalidParameter);
    }
    assert!(h.pool.list_groups(None, None).unwrap().groups.is_empty());
}

#[test]
fn get_group_of_a_missing_group_is_not_found() {
    let h = staff(true);
    assert_group_not_found(&refused(h.pool.get_group("nope")));
}

// ----- ListGroups -----

#[test]
fn list_groups_pages_through_the_groups_by_name() {
    let h = staff(true);
    for name in ["e", "c", "a", "d", "b"] {
        h.pool.create_group(GroupRequest::new(name)).unwrap();
    }
    let first = h.pool.list_groups(Some(2), None).unwrap();
    assert_eq!(group_names(&first), ["a", "b"]);
    let second = h
        .pool
        .list_groups(Some(2), first.next_token.as_deref())
        .unwrap();
    assert_eq!(group_names(&second), ["c", "d"]);
    let third = h
        .pool
        .list_groups(Some(2), second.next_token.as_deref())
        .unwrap();
    assert_eq!(group_names(&third), ["e"]);
    assert_eq!(third.next_token, None);

    let all = h.pool.list_groups(None, None).unwrap();
    assert_eq!(group_names(&all), ["a", "b", "c", "d", "e"]);
    assert_eq!(all.next_token, None);
    let exact = h.pool.list_groups(Some(5), None).unwrap();
    assert_eq!(exact.next_token, None, "no empty last page");
}

#[test]
fn list_groups_refuses_a_bad_limit_or_token() {
    let h = staff(true);
    h.pool.create_group(GroupRequest::new("a")).unwrap();
    let e = refused(h.pool.list_groups(Some(61), None));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    let e = refused(h.pool.list_groups(None, Some("not a token")));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
}

// ----- UpdateGroup -----

#[test]
fn update_group_resets_every_field_not_given() {
    let h = staff(true);
    h.pool.create_group(full("admins")).unwrap();
    h.clock.advance(Duration::from_secs(60));
    let updated = h
        .pool
        .update_group(GroupRequest::new("admins").description("New".to_owned()))
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("New"));
    assert_eq!(updated.role_arn, None);
    assert_eq!(updated.precedence, None);
    assert_eq!(updated.created_at, START);
    assert_eq!(
        updated.modified_at,
        START.saturating_add(Duration::from_secs(60))
    );
    assert_eq!(h.pool.get_group("admins").unwrap(), updated);
}

#[test]
fn update_group_of_a_missing_group_is_not_found() {
    let h = staff(true);
    assert_group_not_found(&refused(h.pool.update_group(full("nope"))));
    assert_group_not_found(&refused(h.pool.get_group("nope")));
}

// ----- membership -----

#[test]
fn add_and_remove_a_user() {
    let h = with_users(&["alice"]);
    h.pool.create_group(GroupRequest::new("admins")).unwrap();
    h.pool.admin_add_user_to_group("alice", "admins").unwrap();
    h.pool.admin_add_user_to_group("alice", "admins").unwrap();
    let groups = h
        .pool
        .admin_list_groups_for_user("alice", None, None)
        .unwrap();
    assert_eq!(group_names(&groups), ["admins"]);
    let users = h.pool.list_users_in_group("admins", None, None).unwrap();
    assert_eq!(users.users.len(), 1);
    assert_eq!(users.users[0].username, "alice");
    assert_eq!(users.users[0], h.user("alice"));

    h.pool
        .admin_remove_user_from_group("alice", "admins")
        .unwrap();
    h.pool
        .admin_remove_user_from_group("alice", "admins")
        .unwrap();
    assert!(
        h.pool
            .admin_list_groups_for_user("alice", None, None)
            .unwrap()
            .groups
            .is_empty()
    );
    assert!(
        h.pool
            .list_users_in_group("admins", None, None)
            .unwrap()
            .users
            .is_empty()
    );
}

#[test]
fn membership_operations_refuse_an_unknown_user() {
    let h = with_users(&[]);
    h.pool.create_group(GroupRequest::new("admins")).unwrap();
    for e in [
        refused(h.pool.admin_add_user_to_group("nobody", "admins")),
        refused(h.pool.admin_remove_user_from_group("nobody", "admins")),
        refused(h.pool.admin_list_groups_for_user("nobody", None, None)),
    ] {
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::UserNotFound, "User does not exist.")
        );
    }
}

#[test]
fn membership_operations_refuse_an_unknown_group() {
    let h = with_users(&["alice"]);
    assert_group_not_found(&refused(h.pool.admin_add_user_to_group("alice", "nope")));
    assert_group_not_found(&refused(
        h.pool.admin_remove_user_from_group("alice", "nope"),
    ));
    assert_group_not_found(&refused(h.pool.list_users_in_group("nope", None, None)));
}

#[test]
fn a_user_is_found_by_alias_for_membership() {
    let h = super::common::alias_pool();
    h.pool
        .sign_up(
            userpool::SignUpRequest::new(h.client(), "alice", PASSWORD)
                .attribute("email", "alice@example.com"),
        )
        .unwrap();
    h.pool
        .confirm_sign_up(userpool::ConfirmSignUpRequest::new(
            h.client(),
            "alice",
            h.code_for("alice"),
        ))
        .unwrap();
    h.pool.create_group(GroupRequest::new("admins")).unwrap();
    h.pool
        .admin_add_user_to_group("alice@example.com", "admins")
        .unwrap();
    let users = h.pool.list_users_in_group("admins", None, None).unwrap();
    assert_eq!(users.users[0].username, "alice");
}

#[test]
fn admin_list_groups_for_user_pages_by_name() {
    let h = with_users(&["alice"]);
    for name in ["c", "a", "b"] {
        h.pool.create_group(GroupRequest::new(name)).unwrap();
        h.pool.admin_add_user_to_group("alice", name).unwrap();
    }
    h.pool.create_group(GroupRequest::new("other")).unwrap();
    let first = h
        .pool
        .admin_list_groups_for_user("alice", Some(2), None)
        .unwrap();
    assert_eq!(group_names(&first), ["a", "b"]);
    let second = h
        .pool
        .admin_list_groups_for_user("alice", Some(2), first.next_token.as_deref())
        .unwrap();
    assert_eq!(group_names(&second), ["c"]);
    assert_eq!(second.next_token, None);
}

#[test]
fn list_users_in_group_pages_by_username() {
    let h = with_users(&["dave", "alice", "carol", "bob"]);
    h.pool.create_group(GroupRequest::new("staff")).unwrap();
    for name in ["dave", "alice", "carol", "bob"] {
        h.pool.admin_add_user_to_group(name, "staff").unwrap();
    }
    let names = |page: &userpool::UserPage| -> Vec<String> {
        page.users.iter().map(|u| u.username.clone()).collect()
    };
    let first = h.pool.list_users_in_group("staff", Some(3), None).unwrap();
    assert_eq!(names(&first), ["alice", "bob", "carol"]);
    let second = h
        .pool
        .list_users_in_group("staff", Some(3), first.next_token.as_deref())
        .unwrap();
    assert_eq!(names(&second), ["dave"]);
    assert_eq!(second.next_token, None);
}

// ----- DeleteGroup -----

#[test]
fn delete_group_removes_the_group_and_its_memberships() {
    let h = with_users(&["alice"]);
    h.pool.create_group(GroupRequest::new("admins")).unwrap();
    h.pool.create_group(GroupRequest::new("staff")).unwrap();
    h.pool.admin_add_user_to_group("alice", "admins").unwrap();
    h.pool.admin_add_user_to_group("alice", "staff").unwrap();
    h.pool.delete_group("admins").unwrap();
    assert_group_not_found(&refused(h.pool.get_group("admins")));
    assert_group_not_found(&refused(h.pool.list_users_in_group("admins", None, None)));
    let groups = h
        .pool
        .admin_list_groups_for_user("alice", None, None)
        .unwrap();
    assert_eq!(group_names(&groups), ["staff"]);
    assert_group_not_found(&refused(h.pool.delete_group("admins")));

    // A new group of the same name starts empty.
    h.pool.create_group(GroupRequest::new("admins")).unwrap();
    assert!(
        h.pool
            .list_users_in_group("admins", None, None)
            .unwrap()
            .users
            .is_empty()
    );
}

#[test]
fn deleting_a_user_removes_their_memberships() {
    let h = with_users(&["alice", "bob"]);
    h.pool.create_group(GroupRequest::new("admins")).unwrap();
    h.pool.admin_add_user_to_group("alice", "admins").unwrap();
    h.pool.admin_add_user_to_group("bob", "admins").unwrap();
    h.pool.admin_delete_user("alice").unwrap();
    let users = h.pool.list_users_in_group("admins", None, None).unwrap();
    assert_eq!(users.users.len(), 1);
    assert_eq!(users.users[0].username, "bob");
    // A new alice is not a member.
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    assert!(
        h.pool
            .admin_list_groups_for_user("alice", None, None)
            .unwrap()
            .groups
            .is_empty()
    );
}

// ----- groups in tokens -----

#[test]
fn groups_appear_in_the_tokens_of_the_next_sign_in_and_refresh() {
    let h = quickstart();
    confirmed(&h, JANE);
    let client = password_client(&h);
    let before = sign_in(&h, &client, JANE, PASSWORD);
    assert!(claims(&before.access_token).get("cognito:groups").is_none());
    assert!(claims(&before.id_token).get("cognito:groups").is_none());

    h.pool
        .create_group(GroupRequest::new("editors").precedence(2))
        .unwrap();
    h.pool.create_group(full("admins")).unwrap();
    h.pool.admin_add_user_to_group(JANE, "editors").unwrap();
    h.pool.admin_add_user_to_group(JANE, "admins").unwrap();
    let after = sign_in(&h, &client, JANE, PASSWORD);
    let groups = json!(["editors", "admins"]);
    assert_eq!(claims(&after.access_token)["cognito:groups"], groups);
    assert_eq!(claims(&after.id_token)["cognito:groups"], groups);
    assert_eq!(claims(&after.id_token)["cognito:roles"], json!([ROLE]));
    assert_eq!(claims(&after.id_token)["cognito:preferred_role"], ROLE);

    // A refresh of the old session picks up the change, and a removal.
    h.pool
        .admin_remove_user_from_group(JANE, "editors")
        .unwrap();
    let refreshed = h
        .pool
        .initiate_auth(InitiateAuthRequest::refresh(
            &client,
            refresh_token(&before),
        ))
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(
        claims(&refreshed.access_token)["cognito:groups"],
        json!(["admins"])
    );
    h.pool.delete_group("admins").unwrap();
    let last = sign_in(&h, &client, JANE, PASSWORD);
    assert!(claims(&last.access_token).get("cognito:groups").is_none());
}
