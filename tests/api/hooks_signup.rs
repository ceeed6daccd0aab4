//! PreSignUp and PostConfirmation as Rust hooks (cognito-triggers.md §2.1,
//! §2.2, the rows of §7.3): what each hook is told, and what its answer
//! does to the user stored.

use std::sync::Arc;

use userpool::config::PoolConfig;
use userpool::triggers::{
    CallerContext, PreSignUpResponse, StringMap, TriggerError, TriggerSource,
};
use userpool::{
    AdminCreateUserRequest, ConfirmForgotPasswordRequest, ConfirmSignUpRequest, ErrorCode,
    ForgotPasswordRequest, SignUpRequest, UserStatus,
};

use super::common::{
    Harness, JANE, alias_pool, refused, sign_up_request, staff_request, wrong_code,
};
use super::hooks_support::{Hooks, map, with_hooks};
use crate::support::PASSWORD;
use crate::support::pools::quickstart_config;

fn quickstart(hooks: &Arc<Hooks>) -> Harness {
    with_hooks(quickstart_config().build().unwrap(), hooks)
}

fn staff(hooks: &Arc<Hooks>) -> Harness {
    with_hooks(
        PoolConfig::builder("staff")
            .auto_verified_attributes(&[userpool::config::VerifiedAttribute::Email])
            .standard_attribute(userpool::schema::StandardAttribute::new("given_name").required())
            .build()
            .unwrap(),
        hooks,
    )
}

fn confirm_all(answer: PreSignUpResponse) -> Arc<Hooks> {
    Arc::new(
        Hooks::new()
            .pre_sign_up(move |_| Ok(answer))
            .post_confirmation(|_| Ok(())),
    )
}

fn assert_no_user(h: &Harness, name: &str) {
    assert_eq!(
        refused(h.pool.admin_get_user(name)).code(),
        ErrorCode::UserNotFound
    );
    assert!(h.all_users().is_empty());
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn auto_confirm_and_verify_confirms_at_once_sends_nothing_and_fires_post_confirmation() {
    let hooks = confirm_all(PreSignUpResponse::new(true, true, false));
    let h = quickstart(&hooks);
    let metadata = map(&[("source", "web")]);
    let response = h
        .pool
        .sign_up(
            sign_up_request(&h, JANE)
                .client_metadata(metadata.clone())
                .validation_data(map(&[("captcha", "ok")])),
        )
        .unwrap();
    assert!(response.user_confirmed);
    assert_eq!(response.code_delivery_details, None);
    assert!(h.outbox.messages().is_empty());
    let user = h.user(JANE);
    assert_eq!(user.status, UserStatus::Confirmed);
    assert_eq!(user.attribute("email_verified"), Some("true"));

    let seen = hooks.seen();
    assert_eq!(
        seen.order,
        [
            TriggerSource::PreSignUpSignUp,
            TriggerSource::PostConfirmationConfirmSignUp
        ]
    );
    let pre = &seen.pre_sign_up[0];
    assert_eq!(pre.user_name, response.user_sub);
    assert_eq!(pre.user_pool_id, h.pool.id());
    assert_eq!(pre.region, "us-east-1");
    assert_eq!(pre.version, "1");
    assert_eq!(pre.caller_context, CallerContext::new(h.client()));
    let expected: StringMap = map(&[
        ("address", "1 Main St"),
        ("custom:created_at", "2022-01-01"),
        ("custom:employee_id", "10"),
        ("custom:is_admin", "false"),
        ("custom:tenant_id", "1234567890"),
        ("email", JANE),
        ("family_name", "Foobar"),
    ]);
    // Only what was supplied: no sub, no status.
    assert_eq!(pre.request.user_attributes, expected);
    assert_eq!(pre.request.validation_data, Some(map(&[("captcha", "ok")])));
    assert_eq!(pre.request.client_metadata, Some(metadata.clone()));

    let post = &seen.post_confirmation[0];
    assert_eq!(post.user_name, response.user_sub);
    assert_eq!(post.caller_context, CallerContext::new(h.client()));
    assert_eq!(post.request.client_metadata, Some(metadata));
    let attrs = &post.request.user_attributes;
    assert_eq!(attrs["cognito:user_status"], "CONFIRMED");
    assert_eq!(attrs["email_verified"], "true");
    assert_eq!(attrs["sub"], response.user_sub);
}

#[test]
fn without_metadata_the_event_has_null_validation_data_and_no_client_metadata() {
    let hooks = Arc::new(Hooks::new().pre_sign_up(|_| Ok(PreSignUpResponse::default())));
    let h = quickstart(&hooks);
    let response = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    // All flags false: Cognito's flow without the trigger.
    assert!(!response.user_confirmed);
    assert!(response.code_delivery_details.is_some());
    assert_eq!(h.user(JANE).status, UserStatus::Unconfirmed);
    assert_eq!(h.outbox.messages().len(), 1);
    let seen = hooks.seen();
    assert_eq!(seen.pre_sign_up[0].request.validation_data, None);
    assert_eq!(seen.pre_sign_up[0].request.client_metadata, None);
}

#[test]
fn auto_verify_without_auto_confirm_is_refused_and_creates_no_user() {
    let hooks = confirm_all(PreSignUpResponse::new(false, true, false));
    let h = quickstart(&hooks);
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert_eq!(
        e.message(),
        "Phone or email cannot be auto verified, when user is not being auto confirmed."
    );
    assert_no_user(&h, JANE);
    assert!(hooks.seen().post_confirmation.is_empty());
}

#[test]
fn auto_verifying_an_attribute_the_user_lacks_is_refused_and_creates_no_user() {
    let hooks = confirm_all(PreSignUpResponse::new(true, false, true));
    let h = staff(&hooks);
    let e = refused(h.pool.sign_up(staff_request(&h, "sam", "sam@example.com")));
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert_eq!(
        e.message(),
        "PreSignUp asked to auto verify phone_number, which the user does not have."
    );
    assert_no_user(&h, "sam");
}

#[test]
fn a_rejecting_pre_sign_up_fails_with_its_message_and_creates_no_user() {
    let hooks =
        Arc::new(Hooks::new().pre_sign_up(|_| Err(TriggerError::rejected("Domain not allowed"))));
    let h = quickstart(&hooks);
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
    assert_eq!(
        e.message(),
        "PreSignUp failed with error Domain not allowed."
    );
    assert_no_user(&h, JANE);
}

#[test]
fn pre_sign_up_is_not_called_for_a_sign_up_the_pool_refuses_anyway() {
    let hooks = confirm_all(PreSignUpResponse::default());
    let h = quickstart(&hooks);
    h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    assert_eq!(hooks.seen().pre_sign_up.len(), 1);
    // Taken username.
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.code(), ErrorCode::UsernameExists);
    assert_eq!(
        e.message(),
        "An account with the given email already exists."
    );
    // Weak password.
    let weak =
        SignUpRequest::new(h.client(), "other@example.com", "short").attribute("family_name", "X");
    assert_eq!(
        refused(h.pool.sign_up(weak)).code(),
        ErrorCode::InvalidPassword
    );
    assert_eq!(hooks.seen().pre_sign_up.len(), 1);
}

#[test]
fn auto_verifying_another_users_alias_is_refused_rather_than_moved() {
    let hooks = Arc::new(Hooks::new().pre_sign_up(|e| {
        // The first user signs up normally; the second asks for the move.
        Ok(if e.user_name == "second" {
            PreSignUpResponse::new(true, true, false)
        } else {
            PreSignUpResponse::default()
        })
    }));
    let base = alias_pool();
    let h = with_hooks((*base.pool.config()).clone(), &hooks);
    h.pool
        .sign_up(SignUpRequest::new(h.client(), "first", PASSWORD).attribute("email", JANE))
        .unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "first",
            h.code_for("first"),
        ))
        .unwrap();
    let e = refused(
        h.pool
            .sign_up(SignUpRequest::new(h.client(), "second", PASSWORD).attribute("email", JANE)),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        e.message(),
        "The auto-verified attribute is a sign-in alias of another user; moving an alias is not supported by this engine."
    );
    assert_eq!(
        refused(h.pool.admin_get_user("second")).code(),
        ErrorCode::UserNotFound
    );
    assert_eq!(h.user(JANE).username, "first");
}

#[test]
fn admin_create_user_fires_pre_sign_up_without_a_client_and_ignores_its_flags() {
    let hooks = confirm_all(PreSignUpResponse::new(true, true, true));
    let h = staff(&hooks);
    let user = h
        .pool
        .admin_create_user(
            AdminCreateUserRequest::new("sam")
                .attribute("given_name", "Sam")
                .attribute("email", "sam@example.com")
                .validation_data(map(&[("invited_by", "ops")]))
                .client_metadata(map(&[("batch", "7")]))
                .desired_delivery_mediums([userpool::DeliveryMedium::Email]),
        )
        .unwrap();
    assert_eq!(user.status, UserStatus::ForceChangePassword);
    let stored = h.user("sam");
    assert_eq!(stored.status, UserStatus::ForceChangePassword);
    assert_eq!(stored.attribute("email_verified"), None);
    let seen = hooks.seen();
    assert_eq!(seen.order, [TriggerSource::PreSignUpAdminCreateUser]);
    let pre = &seen.pre_sign_up[0];
    assert_eq!(pre.caller_context.client_id, "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(pre.user_name, "sam");
    assert_eq!(
        pre.request.validation_data,
        Some(map(&[("invited_by", "ops")]))
    );
    assert_eq!(pre.request.client_metadata, Some(map(&[("batch", "7")])));
    assert_eq!(
        pre.request.user_attributes,
        map(&[("email", "sam@example.com"), ("given_name", "Sam")])
    );
    // The invitation still went, as without the trigger.
    assert_eq!(h.outbox.messages().len(), 1);
}

#[test]
fn a_rejecting_pre_sign_up_stops_admin_create_user() {
    let hooks = Arc::new(Hooks::new().pre_sign_up(|_| Err(TriggerError::rejected("no"))));
    let h = staff(&hooks);
    let e = refused(
        h.pool.admin_create_user(
            AdminCreateUserRequest::new("sam")
                .attribute("given_name", "Sam")
                .attribute("email", "sam@example.com")
                .desired_delivery_mediums([userpool::DeliveryMedium::Email]),
        ),
    );
    assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
    assert_eq!(e.message(), "PreSignUp failed with error no.");
    assert_no_user(&h, "sam");
}

#[test]
fn a_failing_post_confirmation_fails_confirm_sign_up_and_the_user_stays_confirmed() {
    let hooks =
        Arc::new(Hooks::new().post_confirmation(|_| Err(TriggerError::rejected("crm is down"))));
    let h = quickstart(&hooks);
    let sub = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap().user_sub;
    let code = h.code_for(JANE);
    // A wrong code fires nothing.
    assert_eq!(
        refused(h.pool.confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            JANE,
            wrong_code(&code)
        )))
        .code(),
        ErrorCode::CodeMismatch
    );
    assert!(hooks.seen().post_confirmation.is_empty());
    let e = refused(
        h.pool.confirm_sign_up(
            ConfirmSignUpRequest::new(h.client(), JANE, code)
                .client_metadata(map(&[("step", "confirm")])),
        ),
    );
    assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
    assert_eq!(
        e.message(),
        "PostConfirmation failed with error crm is down."
    );
    let user = h.user(JANE);
    assert_eq!(user.status, UserStatus::Confirmed);
    assert_eq!(user.attribute("email_verified"), Some("true"));
    let seen = hooks.seen();
    let post = &seen.post_confirmation[0];
    assert_eq!(
        post.trigger_source,
        TriggerSource::PostConfirmationConfirmSignUp
    );
    assert_eq!(post.user_name, sub);
    assert_eq!(post.caller_context, CallerContext::new(h.client()));
    assert_eq!(
        post.request.client_metadata,
        Some(map(&[("step", "confirm")]))
    );
    assert_eq!(
        post.request.user_attributes["cognito:user_status"],
        "CONFIRMED"
    );
    assert_eq!(post.request.user_attributes["email_verified"], "true");
}

#[test]
fn a_failing_post_confirmation_after_auto_confirm_keeps_the_user() {
    let hooks = Arc::new(
        Hooks::new()
            .pre_sign_up(|_| Ok(PreSignUpResponse::new(true, false, false)))
            .post_confirmation(|_| Err(TriggerError::rejected("late"))),
    );
    let h = quickstart(&hooks);
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.message(), "PostConfirmation failed with error late.");
    let user = h.user(JANE);
    assert_eq!(user.status, UserStatus::Confirmed);
    assert_eq!(user.attribute("email_verified"), None);
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn admin_confirm_sign_up_fires_post_confirmation_without_a_client() {
    let hooks = Arc::new(Hooks::new().post_confirmation(|_| Ok(())));
    let h = quickstart(&hooks);
    let sub = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap().user_sub;
    h.pool.admin_confirm_sign_up(JANE).unwrap();
    let seen = hooks.seen();
    let post = &seen.post_confirmation[0];
    assert_eq!(
        post.trigger_source,
        TriggerSource::PostConfirmationConfirmSignUp
    );
    assert_eq!(post.user_name, sub);
    assert_eq!(post.caller_context.client_id, "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(post.request.client_metadata, None);
    assert_eq!(
        post.request.user_attributes["cognito:user_status"],
        "CONFIRMED"
    );
}

#[test]
fn confirm_forgot_password_fires_post_confirmation_and_a_failure_keeps_the_new_password() {
    let hooks = Arc::new(Hooks::new().post_confirmation(|e| {
        if e.trigger_source == TriggerSource::PostConfirmationConfirmForgotPassword {
            Err(TriggerError::rejected("audit failed"))
        } else {
            Ok(())
        }
    }));
    let h = quickstart(&hooks);
    let sub = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap().user_sub;
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            JANE,
            h.code_for(JANE),
        ))
        .unwrap();
    h.pool
        .forgot_password(ForgotPasswordRequest::new(h.client(), JANE))
        .unwrap();
    let e = refused(
        h.pool.confirm_forgot_password(
            ConfirmForgotPasswordRequest::new(h.client(), JANE, h.code_for(JANE), "New1234^pass")
                .client_metadata(map(&[("via", "reset")])),
        ),
    );
    assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
    assert_eq!(
        e.message(),
        "PostConfirmation failed with error audit failed."
    );
    assert!(h.has_password(&sub, "New1234^pass"));
    let seen = hooks.seen();
    assert_eq!(
        seen.order,
        [
            TriggerSource::PostConfirmationConfirmSignUp,
            TriggerSource::PostConfirmationConfirmForgotPassword
        ]
    );
    let post = &seen.post_confirmation[1];
    assert_eq!(post.user_name, sub);
    assert_eq!(
        post.request.user_attributes["cognito:user_status"],
        "CONFIRMED"
    );
    assert_eq!(post.request.client_metadata, Some(map(&[("via", "reset")])));
}
