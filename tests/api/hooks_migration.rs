//! `UserMigration_ForgotPassword` as a Rust hook (cognito-triggers.md §2.6
//! and its §7.3 rows): a name no user has is handed to the hook, and the
//! user it returns is created `RESET_REQUIRED` and sent a reset code.

use std::sync::Arc;

use userpool::client::PreventUserExistenceErrors;
use userpool::config::{AliasAttribute, PoolConfig, VerifiedAttribute};
use userpool::triggers::{
    CallerContext, StringMap, TriggerError, TriggerSource, UserMigrationResponse,
};
use userpool::{
    ConfirmForgotPasswordRequest, DeliveryMedium, ErrorCode, ForgotPasswordRequest, MessageKind,
    SignUpRequest, UserStatus,
};

use super::common::{
    Harness, add_client, password_client, password_client_config, refused, sign_in,
};
use super::hooks_support::{Hooks, map, with_hooks};
use crate::support::PASSWORD;

const NEW_PASSWORD: &str = "Migrated1^";

fn migrating(attributes: StringMap) -> UserMigrationResponse {
    let mut r = UserMigrationResponse::default();
    r.user_attributes = attributes;
    r
}

/// Plain usernames with email as an alias, email auto-verified.
fn pool(hooks: &Arc<Hooks>) -> Harness {
    with_hooks(
        PoolConfig::builder("legacy")
            .alias_attributes(&[AliasAttribute::Email])
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .build()
            .unwrap(),
        hooks,
    )
}

fn returning(attributes: &[(&str, &str)]) -> Arc<Hooks> {
    let answer = migrating(map(attributes));
    Arc::new(
        Hooks::new()
            .user_migration(move |_| Ok(answer.clone()))
            .custom_message(|_| Ok(userpool::triggers::CustomMessageResponse::default())),
    )
}

fn assert_nobody(h: &Harness) {
    assert!(h.all_users().is_empty());
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn forgot_password_migrates_an_unknown_user_reset_required_and_sends_the_code() {
    let hooks = returning(&[
        ("email", "old@example.com"),
        ("email_verified", "true"),
        ("sub", "11111111-2222-4333-8444-555555555555"),
    ]);
    let h = pool(&hooks);
    let client = password_client(&h);
    let details = h
        .pool
        .forgot_password(
            ForgotPasswordRequest::new(&client, "olduser").client_metadata(map(&[("app", "1")])),
        )
        .unwrap();
    assert_eq!(details.delivery_medium, DeliveryMedium::Email);
    assert_eq!(details.destination, "o***@e***");
    let user = h.user("olduser");
    assert_eq!(user.status, UserStatus::ResetRequired);
    assert_eq!(user.attribute("email"), Some("old@example.com"));
    // The pool's own sub, not the one returned.
    assert_ne!(
        user.attribute("sub"),
        Some("11111111-2222-4333-8444-555555555555")
    );
    assert!(h.record("olduser").password_hash.is_none());
    let m = h.outbox.last_message_for("olduser").unwrap();
    assert_eq!(m.kind, MessageKind::ForgotPassword);

    let seen = hooks.seen();
    assert_eq!(
        seen.order,
        [
            TriggerSource::UserMigrationForgotPassword,
            TriggerSource::CustomMessageForgotPassword
        ]
    );
    let e = &seen.user_migration[0];
    assert_eq!(e.user_name, "olduser");
    assert_eq!(e.caller_context, CallerContext::new(client.as_str()));
    assert!(e.request.password.is_none());
    assert_eq!(e.request.validation_data, None);
    assert_eq!(e.request.client_metadata, Some(map(&[("app", "1")])));
    assert_eq!(
        seen.custom_message[0].request.client_metadata,
        Some(map(&[("app", "1")]))
    );

    // The code sets the first password; the user signs in.
    h.pool
        .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &client,
            "olduser",
            m.code,
            NEW_PASSWORD,
        ))
        .unwrap();
    assert_eq!(h.user("olduser").status, UserStatus::Confirmed);
    sign_in(&h, &client, "old@example.com", NEW_PASSWORD);
}

#[test]
fn a_known_user_is_never_migrated() {
    let hooks = returning(&[("email", "x@example.com"), ("email_verified", "true")]);
    let h = pool(&hooks);
    h.pool
        .sign_up(
            SignUpRequest::new(h.client(), "known", PASSWORD).attribute("email", "k@example.com"),
        )
        .unwrap();
    let e = refused(
        h.pool
            .forgot_password(ForgotPasswordRequest::new(h.client(), "known")),
    );
    // Unverified email: no reset, and no migration either.
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert!(hooks.seen().user_migration.is_empty());
}

#[test]
fn a_throwing_migration_fails_with_its_message_and_creates_nobody() {
    let hooks =
        Arc::new(Hooks::new().user_migration(|_| Err(TriggerError::rejected("Bad password"))));
    let h = pool(&hooks);
    let client = password_client(&h);
    let e = refused(
        h.pool
            .forgot_password(ForgotPasswordRequest::new(&client, "olduser")),
    );
    assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
    assert_eq!(e.message(), "UserMigration failed with error Bad password.");
    assert_nobody(&h);
}

#[test]
fn no_attributes_is_a_failed_migration_or_under_enabled_the_unknown_users_answer() {
    let hooks = returning(&[]);
    let h = pool(&hooks);
    let client = password_client(&h);
    let e = refused(
        h.pool
            .forgot_password(ForgotPasswordRequest::new(&client, "olduser")),
    );
    assert_eq!(e.code(), ErrorCode::UserNotFound);
    assert_eq!(
        e.message(),
        format!("Exception migrating user in app client {client}")
    );
    assert_nobody(&h);

    let hidden = add_client(
        &h,
        password_client_config("hidden")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    );
    let details = h
        .pool
        .forgot_password(ForgotPasswordRequest::new(hidden.id(), "olduser"))
        .unwrap();
    // What a name nobody has gets.
    let unknown = h
        .pool
        .forgot_password(ForgotPasswordRequest::new(hidden.id(), "olduser"))
        .unwrap();
    assert_eq!(details, unknown);
    assert_nobody(&h);
}

#[test]
fn a_migrated_user_without_a_verified_contact_is_refused_and_not_created() {
    let hooks = returning(&[("email", "old@example.com")]);
    let h = pool(&hooks);
    let client = password_client(&h);
    let e = refused(
        h.pool
            .forgot_password(ForgotPasswordRequest::new(&client, "olduser")),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        e.message(),
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    );
    assert_nobody(&h);
}

#[test]
fn attributes_the_schema_refuses_are_an_invalid_lambda_response() {
    let hooks = returning(&[("email_verified", "true"), ("nickname2", "x")]);
    let h = pool(&hooks);
    let client = password_client(&h);
    let e = refused(
        h.pool
            .forgot_password(ForgotPasswordRequest::new(&client, "olduser")),
    );
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert_nobody(&h);
}

#[test]
fn a_typed_alias_migrates_under_the_returned_username() {
    let hooks = returning(&[
        ("username", "jane"),
        ("email", "jane@example.com"),
        ("email_verified", "true"),
    ]);
    let h = pool(&hooks);
    let client = password_client(&h);
    h.pool
        .forgot_password(ForgotPasswordRequest::new(&client, "jane@example.com"))
        .unwrap();
    assert_eq!(hooks.seen().user_migration[0].user_name, "jane@example.com");
    let user = h.user("jane@example.com");
    assert_eq!(user.username, "jane");
    assert_eq!(user.attribute("username"), None);
}

#[test]
fn a_taken_alias_is_refused_and_force_alias_creation_is_refused_rather_than_moved() {
    for (force, code, message) in [
        (
            false,
            ErrorCode::AliasExists,
            "An account with the email already exists.",
        ),
        (
            true,
            ErrorCode::InvalidParameter,
            "UserMigration returned forceAliasCreation=true for an alias another user holds; moving an alias is not supported by this engine.",
        ),
    ] {
        let mut answer = migrating(map(&[
            ("email", "held@example.com"),
            ("email_verified", "true"),
        ]));
        answer.force_alias_creation = force;
        let hooks = Arc::new(
            Hooks::new()
                .user_migration(move |_| Ok(answer.clone()))
                .custom_message(|_| Ok(userpool::triggers::CustomMessageResponse::default())),
        );
        let h = pool(&hooks);
        let client = password_client(&h);
        h.pool
            .admin_create_user(
                userpool::AdminCreateUserRequest::new("holder")
                    .attribute("email", "held@example.com")
                    .attribute("email_verified", "true")
                    .message_action(userpool::MessageAction::Suppress),
            )
            .unwrap();
        let e = refused(
            h.pool
                .forgot_password(ForgotPasswordRequest::new(&client, "newcomer")),
        );
        assert_eq!((e.code(), e.message()), (code, message));
        assert_eq!(h.all_users().len(), 1);
        assert_eq!(h.user("held@example.com").username, "holder");
    }
}

#[test]
fn sms_mfa_asked_by_a_migration_is_refused() {
    let mut answer = migrating(map(&[
        ("email", "o@example.com"),
        ("email_verified", "true"),
    ]));
    answer.enable_sms_mfa = true;
    let hooks = Arc::new(Hooks::new().user_migration(move |_| Ok(answer.clone())));
    let h = pool(&hooks);
    let client = password_client(&h);
    let e = refused(
        h.pool
            .forgot_password(ForgotPasswordRequest::new(&client, "olduser")),
    );
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert_eq!(
        e.message(),
        "UserMigration returned enableSMSMFA=true; SMS MFA is not supported by this engine."
    );
    assert_nobody(&h);
}

/// A user migrated at sign-in is welcomed through CustomMessage
/// (`CustomMessage_AdminCreateUser`, as an invitation is), told the
/// sign-in's client and `ClientMetadata`; `{####}` is empty.
#[test]
fn the_sign_in_welcome_goes_through_custom_message() {
    let mut answer = migrating(map(&[
        ("email", "old@example.com"),
        ("email_verified", "true"),
    ]));
    answer.final_user_status = Some(userpool::triggers::MigratedUserStatus::Confirmed);
    answer.desired_delivery_mediums = vec![DeliveryMedium::Email];
    let hooks = Arc::new(
        Hooks::new()
            .user_migration(move |_| Ok(answer.clone()))
            .custom_message(|e| {
                let mut r = userpool::triggers::CustomMessageResponse::default();
                r.email_subject = Some("Welcome back".to_owned());
                r.email_message = Some(format!(
                    "Hello {}, your account moved. [{}]",
                    e.request.username_parameter.as_deref().unwrap_or("?"),
                    e.request.code_parameter
                ));
                Ok(r)
            }),
    );
    let h = pool(&hooks);
    let client = password_client(&h);
    h.pool
        .initiate_auth(
            userpool::InitiateAuthRequest::user_password(&client, "olduser", PASSWORD)
                .client_metadata(map(&[("app", "web")])),
        )
        .unwrap();
    let m = h.outbox.last_message_for("olduser").unwrap();
    assert_eq!(m.kind, MessageKind::AdminCreateUser);
    assert_eq!(m.subject.as_deref(), Some("Welcome back"));
    assert_eq!(m.body, "Hello olduser, your account moved. []");
    let seen = hooks.seen();
    assert_eq!(
        seen.order,
        [
            TriggerSource::UserMigrationAuthentication,
            TriggerSource::CustomMessageAdminCreateUser
        ]
    );
    let e = &seen.custom_message[0];
    assert_eq!(e.caller_context, CallerContext::new(client.as_str()));
    assert_eq!(e.request.client_metadata, Some(map(&[("app", "web")])));
}
