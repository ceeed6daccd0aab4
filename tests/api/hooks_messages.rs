//! CustomMessage as a Rust hook (cognito-triggers.md §2.7 and its §7.3
//! rows): what it is told for each message, how its answer becomes the
//! message sent, and that a refused answer sends nothing and leaves no
//! pending code.

use std::sync::Arc;

use userpool::config::{InviteMessageTemplate, PoolConfig, VerifiedAttribute};
use userpool::schema::StandardAttribute;
use userpool::triggers::{CallerContext, CustomMessageResponse, TriggerError, TriggerSource};
use userpool::{
    AdminCreateUserRequest, ConfirmSignUpRequest, DeliveryMedium, ErrorCode, ForgotPasswordRequest,
    MessageKind, ResendConfirmationCodeRequest, UserStatus,
};

use super::common::{Harness, JANE, refused, sign_up_request};
use super::hooks_support::{Hooks, map, message, with_hooks};
use crate::support::pools::{BODY_PREFIX, SUBJECT, quickstart_config};

fn quickstart(hooks: &Arc<Hooks>) -> Harness {
    with_hooks(quickstart_config().build().unwrap(), hooks)
}

const INVITE_SMS: &str = "Hi {username}, your temporary password is {####}";

/// Plain usernames, email and phone auto-verified, an SMS invitation template.
fn staff(hooks: &Arc<Hooks>) -> Harness {
    with_hooks(
        PoolConfig::builder("staff")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .standard_attribute(StandardAttribute::new("given_name").required())
            .invite_message(InviteMessageTemplate {
                sms_message: INVITE_SMS.into(),
                ..InviteMessageTemplate::default()
            })
            .build()
            .unwrap(),
        hooks,
    )
}

fn invite(name: &str) -> AdminCreateUserRequest {
    AdminCreateUserRequest::new(name)
        .attribute("given_name", "Sam")
        .attribute("email", "sam@example.com")
        .attribute("phone_number", "+14325551212")
        .temporary_password("Temp1234^x")
        .desired_delivery_mediums([DeliveryMedium::Email, DeliveryMedium::Sms])
}

#[test]
fn sign_up_code_is_sent_in_the_hooks_email_with_every_placeholder_replaced() {
    let hooks = Arc::new(Hooks::new().custom_message(|_| {
        Ok(message(
            Some("<b>{####}</b> — again: {####} ({username} stays)"),
            Some("Welcome aboard"),
            None,
        ))
    }));
    let h = quickstart(&hooks);
    let sub = h
        .pool
        .sign_up(sign_up_request(&h, JANE).client_metadata(map(&[("lang", "fr")])))
        .unwrap()
        .user_sub;
    let messages = h.outbox.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    let code = m.code.expose_secret().to_owned();
    assert_eq!(m.kind, MessageKind::SignUp);
    assert_eq!(m.subject.as_deref(), Some("Welcome aboard"));
    assert_eq!(
        m.body,
        format!("<b>{code}</b> — again: {code} ({{username}} stays)")
    );
    // The code sent is the code stored.
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, m.code.clone()))
        .unwrap();

    let seen = hooks.seen();
    assert_eq!(seen.order, [TriggerSource::CustomMessageSignUp]);
    let e = &seen.custom_message[0];
    assert_eq!(e.user_name, sub);
    assert_eq!(e.caller_context, CallerContext::new(h.client()));
    assert_eq!(e.request.code_parameter, "{####}");
    assert_eq!(e.request.link_parameter, "{##Click Here##}");
    assert_eq!(e.request.username_parameter, None);
    assert_eq!(e.request.client_metadata, Some(map(&[("lang", "fr")])));
    assert_eq!(
        e.request.user_attributes["cognito:user_status"],
        "UNCONFIRMED"
    );
    assert_eq!(e.request.user_attributes["sub"], sub);
    assert_eq!(e.request.user_attributes["email"], JANE);
}

#[test]
fn null_parts_fall_back_to_the_pool_templates() {
    let hooks = Arc::new(Hooks::new().custom_message(|_| Ok(CustomMessageResponse::default())));
    let h = quickstart(&hooks);
    h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    let m = h.outbox.last_message_for(JANE).unwrap();
    assert_eq!(m.subject.as_deref(), Some(SUBJECT));
    assert_eq!(m.body, format!("{BODY_PREFIX}{}", m.code.expose_secret()));
}

#[test]
fn admin_create_user_tells_the_username_parameter_and_substitutes_both() {
    let hooks = Arc::new(Hooks::new().custom_message(|_| {
        Ok(message(
            Some("Dear {username}: {####}. Sign in as {username}."),
            None,
            None,
        ))
    }));
    let h = staff(&hooks);
    h.pool
        .admin_create_user(invite("sam").client_metadata(map(&[("team", "ops")])))
        .unwrap();
    let messages = h.outbox.messages();
    assert_eq!(messages.len(), 2);
    let email = &messages[0];
    assert_eq!(email.medium, DeliveryMedium::Email);
    assert_eq!(email.kind, MessageKind::AdminCreateUser);
    assert_eq!(email.body, "Dear sam: Temp1234^x. Sign in as sam.");
    assert_eq!(email.code.expose_secret(), "Temp1234^x");
    // The SMS part was null: the pool's invitation template.
    let sms = &messages[1];
    assert_eq!(sms.medium, DeliveryMedium::Sms);
    assert_eq!(sms.body, "Hi sam, your temporary password is Temp1234^x");

    // One call for the whole invitation.
    let seen = hooks.seen();
    assert_eq!(seen.order, [TriggerSource::CustomMessageAdminCreateUser]);
    let e = &seen.custom_message[0];
    assert_eq!(e.request.username_parameter.as_deref(), Some("{username}"));
    assert_eq!(e.request.code_parameter, "{####}");
    assert_eq!(e.caller_context.client_id, "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(e.request.client_metadata, Some(map(&[("team", "ops")])));
    assert_eq!(
        e.request.user_attributes["cognito:user_status"],
        "FORCE_CHANGE_PASSWORD"
    );
}

#[test]
fn an_invitation_without_the_username_placeholder_is_refused_and_not_sent() {
    let hooks = Arc::new(Hooks::new().custom_message(|_| Ok(message(None, None, Some("{####}")))));
    let h = staff(&hooks);
    let e = refused(h.pool.admin_create_user(invite("sam")));
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert_eq!(
        e.message(),
        "CustomMessage returned an smsMessage without the username parameter {username}."
    );
    assert!(h.outbox.messages().is_empty());
    // Stored before its message, as after a failed delivery.
    assert_eq!(h.user("sam").status, UserStatus::ForceChangePassword);
}

#[test]
fn a_body_without_the_code_is_refused_sends_nothing_and_leaves_no_code() {
    let hooks =
        Arc::new(Hooks::new().custom_message(|_| Ok(message(Some("Welcome!"), None, None))));
    let h = quickstart(&hooks);
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert_eq!(
        e.message(),
        "CustomMessage returned an emailMessage without the code parameter {####}."
    );
    assert!(h.outbox.messages().is_empty());
    // The user is stored, with no pending code.
    assert_eq!(h.user(JANE).status, UserStatus::Unconfirmed);
    let e = refused(
        h.pool
            .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, "123456")),
    );
    assert_eq!(e.code(), ErrorCode::ExpiredCode);
}

#[test]
fn a_refused_resend_keeps_the_pending_code() {
    let hooks = Arc::new(Hooks::new().custom_message(|e| {
        if e.trigger_source == TriggerSource::CustomMessageResendCode {
            Err(TriggerError::rejected("template store offline"))
        } else {
            Ok(CustomMessageResponse::default())
        }
    }));
    let h = quickstart(&hooks);
    h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    let first = h.code_for(JANE);
    let e = refused(h.pool.resend_confirmation_code(
        ResendConfirmationCodeRequest::new(h.client(), JANE).client_metadata(map(&[("k", "v")])),
    ));
    assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
    assert_eq!(
        e.message(),
        "CustomMessage failed with error template store offline."
    );
    assert_eq!(h.outbox.messages().len(), 1);
    let seen = hooks.seen();
    assert_eq!(
        seen.custom_message[1].request.client_metadata,
        Some(map(&[("k", "v")]))
    );
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, first))
        .unwrap();
}

#[test]
fn messages_over_cognitos_limits_are_refused() {
    let long_subject = "s".repeat(141);
    let long_email = format!("{{####}}{}", "x".repeat(19_995));
    let cases: Vec<(CustomMessageResponse, &str)> = vec![
        (
            message(Some("{####}"), Some(&long_subject), None),
            "CustomMessage returned an emailSubject longer than 140 characters.",
        ),
        (
            message(Some(&long_email), None, None),
            "CustomMessage returned an emailMessage longer than 20000 characters with the code in it.",
        ),
    ];
    for (answer, expected) in cases {
        let hooks = Arc::new(Hooks::new().custom_message(move |_| Ok(answer.clone())));
        let h = quickstart(&hooks);
        let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
        assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
        assert_eq!(e.message(), expected);
        assert!(h.outbox.messages().is_empty());
    }
    // Exactly at the limit, code included, is fine.
    let exact = format!("{{####}}{}", "x".repeat(19_994));
    let hooks =
        Arc::new(Hooks::new().custom_message(move |_| Ok(message(Some(&exact), None, None))));
    let h = quickstart(&hooks);
    h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    assert_eq!(
        h.outbox
            .last_message_for(JANE)
            .unwrap()
            .body
            .chars()
            .count(),
        20_000
    );
}

#[test]
fn an_sms_over_140_characters_with_the_code_is_refused() {
    let sms = format!("{{####}}{}", "x".repeat(135));
    let hooks = Arc::new(Hooks::new().custom_message(move |_| Ok(message(None, None, Some(&sms)))));
    let h = staff(&hooks);
    let e = refused(
        h.pool
            .admin_create_user(invite("sam").desired_delivery_mediums([DeliveryMedium::Sms])),
    );
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert_eq!(
        e.message(),
        "CustomMessage returned an smsMessage without the username parameter {username}."
    );
    let sms = format!("{{####}}{{username}}{}", "x".repeat(128));
    let hooks = Arc::new(Hooks::new().custom_message(move |_| Ok(message(None, None, Some(&sms)))));
    let h = staff(&hooks);
    // "Temp1234^x" (10) + "sam" (3) + 128 = 141.
    let e = refused(
        h.pool
            .admin_create_user(invite("sam").desired_delivery_mediums([DeliveryMedium::Sms])),
    );
    assert_eq!(
        e.message(),
        "CustomMessage returned an smsMessage longer than 140 characters with the code in it."
    );
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn a_throwing_custom_message_fails_the_operation_and_sends_nothing() {
    let hooks = Arc::new(Hooks::new().custom_message(|_| Err(TriggerError::rejected("boom"))));
    let h = quickstart(&hooks);
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
    assert_eq!(e.message(), "CustomMessage failed with error boom.");
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn each_operation_names_its_own_source_and_passes_its_metadata() {
    let hooks = Arc::new(Hooks::new().custom_message(|_| Ok(CustomMessageResponse::default())));
    let h = quickstart(&hooks);
    h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    h.pool
        .resend_confirmation_code(ResendConfirmationCodeRequest::new(h.client(), JANE))
        .unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            JANE,
            h.code_for(JANE),
        ))
        .unwrap();
    h.pool
        .forgot_password(
            ForgotPasswordRequest::new(h.client(), JANE).client_metadata(map(&[("a", "b")])),
        )
        .unwrap();
    h.pool.admin_reset_user_password(JANE).unwrap();
    h.pool
        .admin_update_user_attributes(
            JANE,
            vec![userpool::schema::Attribute::new("email", "new@example.com")],
        )
        .unwrap();
    let seen = hooks.seen();
    assert_eq!(
        seen.order,
        [
            TriggerSource::CustomMessageSignUp,
            TriggerSource::CustomMessageResendCode,
            TriggerSource::CustomMessageForgotPassword,
            TriggerSource::CustomMessageForgotPassword,
            TriggerSource::CustomMessageUpdateUserAttribute,
        ]
    );
    let ids: Vec<&str> = seen
        .custom_message
        .iter()
        .map(|e| e.caller_context.client_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            h.client(),
            h.client(),
            h.client(),
            "CLIENT_ID_NOT_APPLICABLE",
            "CLIENT_ID_NOT_APPLICABLE"
        ]
    );
    assert_eq!(
        seen.custom_message[2].request.client_metadata,
        Some(map(&[("a", "b")]))
    );
    assert_eq!(seen.custom_message[3].request.client_metadata, None);
    assert!(
        seen.custom_message
            .iter()
            .all(|e| e.request.username_parameter.is_none())
    );
}
