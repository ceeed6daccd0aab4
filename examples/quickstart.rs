//! The main demo: builds a pool like the one a Cognito console user would
//! configure, signs a user up, confirms them with the code from the outbox,
//! verifies their email, and shows three refused inputs with their Cognito
//! exception names.
//!
//! Run with `cargo run --release --example quickstart`.

use std::sync::Arc;

use userpool::config::{
    RecoveryMechanism, UsernameAttribute, VerificationMessageTemplate, VerifiedAttribute,
};
use userpool::password::HashingParams;
use userpool::policy::PasswordPolicy;
use userpool::schema::{Attribute, CustomAttribute, StandardAttribute};
use userpool::{ConfirmSignUpRequest, Outbox, PoolConfig, SignUpRequest, User, UserPool};

fn main() -> Result<(), userpool::Error> {
    let config = PoolConfig::builder("quickstart")
        .username_attributes(&[UsernameAttribute::Email])
        .auto_verified_attributes(&[VerifiedAttribute::Email])
        .verification_message(VerificationMessageTemplate {
            email_subject: "You need to verify your email".into(),
            email_message: "Thanks for signing up Your verification code is {####}".into(),
            ..VerificationMessageTemplate::default()
        })
        .standard_attribute(StandardAttribute::new("family_name").required().immutable())
        .standard_attribute(StandardAttribute::new("address"))
        .custom_attribute(
            CustomAttribute::string("tenant_id")
                .length(10, 15)
                .immutable(),
        )
        .custom_attribute(CustomAttribute::date_time("created_at"))
        .custom_attribute(
            CustomAttribute::number("employee_id")
                .range(1, 100)
                .immutable(),
        )
        .custom_attribute(CustomAttribute::boolean("is_admin"))
        .password_policy(
            PasswordPolicy::builder()
                .minimum_length(8)
                .require_lowercase(true)
                .require_uppercase(true)
                .require_numbers(true)
                .require_symbols(true)
                .build()?,
        )
        .account_recovery(&[RecoveryMechanism::VerifiedEmail])
        .build()?;

    let outbox = Outbox::new();
    let pool = UserPool::builder(config)
        .pool_id("us-east-1_QuickStrt")
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::OWASP)
        .build()?;
    println!("pool {} ready", pool.id());

    let email = "jane.doe@example.com";
    let signed_up = pool.sign_up(
        SignUpRequest::new(email, "1234Abcd^")
            .attribute("family_name", "Foobar")
            .attribute("custom:tenant_id", "1234567890")
            .attribute("custom:created_at", "2022-01-01")
            .attribute("custom:employee_id", "10")
            .attribute("custom:is_admin", "false"),
    )?;
    println!("\nsign_up -> {signed_up:#?}");

    let message = outbox
        .last_message_for(email)
        .ok_or_else(|| userpool::Error::new(userpool::ErrorCode::InternalError, "no message"))?;
    println!(
        "\ndelivered {} to {}: subject {:?}\n  body: {}",
        message.medium.as_str(),
        message.destination,
        message.subject.as_deref().unwrap_or(""),
        message.body
    );

    pool.confirm_sign_up(ConfirmSignUpRequest::new(email, message.code))?;
    println!("\nconfirm_sign_up -> ok");

    pool.admin_update_user_attributes(email, vec![Attribute::new("email_verified", "true")])?;
    print_user(&pool.admin_get_user(email)?);

    println!("\nrefused inputs:");
    let weak = pool.sign_up(
        SignUpRequest::new("weak@example.com", "password").attribute("family_name", "Weak"),
    );
    report("weak password", weak.map(|_| ()));

    let short_tenant = pool.sign_up(
        SignUpRequest::new("short@example.com", "1234Abcd^")
            .attribute("family_name", "Short")
            .attribute("custom:tenant_id", "123"),
    );
    report("tenant_id too short", short_tenant.map(|_| ()));

    let immutable =
        pool.admin_update_user_attributes(email, vec![Attribute::new("family_name", "Changed")]);
    report("updating family_name", immutable);
    Ok(())
}

fn print_user(user: &User) {
    println!(
        "\nuser {} ({}, enabled: {})",
        user.username, user.status, user.enabled
    );
    for a in &user.attributes {
        println!("  {:<20} {}", a.name, a.value);
    }
}

fn report(what: &str, result: Result<(), userpool::Error>) {
    match result {
        Ok(()) => println!("  {what}: unexpectedly accepted"),
        Err(e) => println!("  {what}: {} — {}", e.code(), e.message()),
    }
}
