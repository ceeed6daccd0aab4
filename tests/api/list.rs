//! `ListUsers`: filters, the page limit, pagination tokens and
//! `AttributesToGet` (cognito-protocol.md §4.8).

use std::collections::BTreeSet;

use userpool::{ErrorCode, ListUsersRequest, ListUsersResponse, MessageAction, UserStatus};

use super::common::{Harness, quickstart, refused, sign_up, staff, staff_request};

fn filtered(h: &Harness, filter: &str) -> ListUsersResponse {
    h.pool
        .list_users(ListUsersRequest::new().filter(filter))
        .unwrap_or_else(|e| panic!("list_users({filter}): {e}"))
}

fn emails(response: &ListUsersResponse) -> BTreeSet<String> {
    response
        .users
        .iter()
        .map(|u| u.attribute("email").unwrap_or_default().to_owned())
        .collect()
}

/// A quickstart pool with alice (confirmed), adam (disabled) and bob.
fn three_users() -> (Harness, String) {
    let h = quickstart();
    let alice = sign_up(&h, "alice@example.com");
    sign_up(&h, "adam@example.com");
    sign_up(&h, "bob@example.com");
    h.pool.admin_confirm_sign_up("alice@example.com").unwrap();
    h.pool.admin_disable_user("adam@example.com").unwrap();
    (h, alice)
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn an_email_prefix_filter_finds_the_users_whose_email_starts_with_it() {
    let (h, _) = three_users();
    let response = filtered(&h, r#"email ^= "a""#);
    assert_eq!(
        emails(&response),
        set(&["adam@example.com", "alice@example.com"])
    );
    assert_eq!(response.pagination_token, None);
}

#[test]
fn a_username_filter_finds_the_user_by_internal_username() {
    let (h, alice) = three_users();
    let response = filtered(&h, &format!(r#"username = "{alice}""#));
    assert_eq!(response.users.len(), 1);
    assert_eq!(response.users[0].username, alice);
    // The email is an alias of the username here, not the username itself.
    assert!(
        filtered(&h, r#"username = "alice@example.com""#)
            .users
            .is_empty()
    );
}

#[test]
fn a_user_status_filter_ignores_case() {
    let (h, _) = three_users();
    let response = filtered(&h, r#"cognito:user_status = "unconfirmed""#);
    assert_eq!(
        emails(&response),
        set(&["adam@example.com", "bob@example.com"])
    );
    assert!(
        response
            .users
            .iter()
            .all(|u| u.status == UserStatus::Unconfirmed)
    );
    let confirmed = filtered(&h, r#"cognito:user_status = "CONFIRMED""#);
    assert_eq!(emails(&confirmed), set(&["alice@example.com"]));
}

#[test]
fn a_status_filter_finds_disabled_users() {
    let (h, _) = three_users();
    let disabled = filtered(&h, r#"status = "Disabled""#);
    assert_eq!(emails(&disabled), set(&["adam@example.com"]));
    assert!(!disabled.users[0].enabled);
    let enabled = filtered(&h, r#"status = "Enabled""#);
    assert_eq!(
        emails(&enabled),
        set(&["alice@example.com", "bob@example.com"])
    );
}

#[test]
fn a_custom_attribute_is_not_searchable() {
    let (h, _) = three_users();
    let e = refused(h.pool.list_users(
        ListUsersRequest::new().filter(r#"custom:tenant_id = "1234567890""#.to_owned()),
    ));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Invalid search attribute: custom:tenant_id"
        )
    );
}

#[test]
fn a_malformed_filter_is_refused() {
    let (h, _) = three_users();
    let e = refused(
        h.pool
            .list_users(ListUsersRequest::new().filter(r#"email = alice"#)),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
}

#[test]
fn a_limit_over_60_is_refused() {
    let h = quickstart();
    let e = refused(h.pool.list_users(ListUsersRequest::new().limit(61)));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        e.message(),
        "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    );
    assert!(h.pool.list_users(ListUsersRequest::new().limit(60)).is_ok());
}

/// A staff pool with `count` admin-created users `user00`, `user01`, ...
/// (no invitation: they have no phone number).
fn numbered_users(count: usize) -> (Harness, Vec<String>) {
    let h = staff(true);
    let names: Vec<String> = (0..count).map(|i| format!("user{i:02}")).collect();
    // Created out of order: the listing order must not be creation order.
    for name in names.iter().rev() {
        let mut request =
            userpool::AdminCreateUserRequest::new(name.as_str()).attribute("given_name", "N");
        request.message_action = Some(MessageAction::Suppress);
        h.pool.admin_create_user(request).unwrap();
    }
    (h, names)
}

/// Every page of an unfiltered listing with page size `limit`.
fn pages(h: &Harness, limit: u32) -> Vec<ListUsersResponse> {
    let mut pages: Vec<ListUsersResponse> = Vec::new();
    let mut token = None;
    loop {
        let page = h
            .pool
            .list_users({
                let mut r = ListUsersRequest::new().limit(limit);
                r.pagination_token = token;
                r
            })
            .unwrap();
        token = page.pagination_token.clone();
        pages.push(page);
        if token.is_none() {
            return pages;
        }
        assert!(pages.len() < 100, "pagination does not end");
    }
}

#[test]
fn pagination_returns_every_user_exactly_once_in_order() {
    let (h, names) = numbered_users(25);
    let pages = pages(&h, 7);
    let sizes: Vec<usize> = pages.iter().map(|p| p.users.len()).collect();
    assert_eq!(sizes, [7, 7, 7, 4]);
    let listed: Vec<String> = pages
        .iter()
        .flat_map(|p| p.users.iter().map(|u| u.username.clone()))
        .collect();
    assert_eq!(listed, names);
    assert!(pages[..3].iter().all(|p| p.pagination_token.is_some()));
    assert_eq!(pages[3].pagination_token, None);
}

#[test]
fn a_last_page_that_is_exactly_full_has_no_token() {
    let (h, names) = numbered_users(14);
    let pages = pages(&h, 7);
    let sizes: Vec<usize> = pages.iter().map(|p| p.users.len()).collect();
    assert_eq!(sizes, [7, 7], "no empty third page");
    let listed: Vec<String> = pages
        .iter()
        .flat_map(|p| p.users.iter().map(|u| u.username.clone()))
        .collect();
    assert_eq!(listed, names);
}

#[test]
fn pagination_continues_a_filtered_listing() {
    let h = staff(true);
    for i in 0..10 {
        let email = if i % 2 == 0 {
            "even@example.com"
        } else {
            "odd@example.com"
        };
        h.pool
            .sign_up(staff_request(&h, &format!("u{i}"), email))
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = h
            .pool
            .list_users({
                let mut r = ListUsersRequest::new()
                    .filter(r#"email = "even@example.com""#.to_owned())
                    .limit(2);
                r.pagination_token = token;
                r
            })
            .unwrap();
        seen.extend(page.users.into_iter().map(|u| u.username));
        token = page.pagination_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["u0", "u2", "u4", "u6", "u8"]);
}

#[test]
fn a_malformed_pagination_token_is_refused() {
    let (h, _) = numbered_users(3);
    for token in ["", "garbage", "v1.zz"] {
        let e = refused(
            h.pool
                .list_users(ListUsersRequest::new().pagination_token(token.to_owned())),
        );
        assert_eq!(e.code(), ErrorCode::InvalidParameter, "token {token:?}");
    }
}

#[test]
fn attributes_to_get_limits_the_returned_attributes() {
    let (h, _) = three_users();
    let response = h
        .pool
        .list_users(
            ListUsersRequest::new()
                .attributes_to_get(vec!["email".to_owned(), "custom:tenant_id".to_owned()]),
        )
        .unwrap();
    assert_eq!(response.users.len(), 3);
    for user in &response.users {
        let names: Vec<&str> = user.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["custom:tenant_id", "email"], "{}", user.username);
    }
}

#[test]
fn an_unknown_name_in_attributes_to_get_is_refused() {
    let (h, _) = three_users();
    let e = refused(
        h.pool
            .list_users(ListUsersRequest::new().attributes_to_get(vec!["custom:nope".to_owned()])),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
}
