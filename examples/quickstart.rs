//! The main demo: builds a pool like the one a Cognito console user would
//! configure, signs a user up, confirms them with the code from the outbox,
//! verifies their email, and shows three refused inputs with their Cognito
//! exception names. Then it signs in with USER_PASSWORD_AUTH, verifies the
//! tokens with the public verifier, refreshes, signs out globally and shows
//! the old access token refused, and signs in a second time with SRP
//! through the crate's SRP client.
//!
//! Run with `cargo run --release --example quickstart`.

use std::sync::Arc;

use userpool::Clock as _;
use userpool::HashingParams;
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::PasswordPolicy;
use userpool::config::PoolConfig;
use userpool::config::{
    RecoveryMechanism, UsernameAttribute, VerificationMessageTemplate, VerifiedAttribute,
};
use userpool::schema::{Attribute, CustomAttribute, StandardAttribute};
use userpool::srp::SrpClient;
use userpool::srp::format_timestamp;
use userpool::{
    ChallengeName, ConfirmSignUpRequest, InitiateAuthRequest, Outbox,
    RespondToAuthChallengeRequest, SignUpRequest, SystemClock, User, UserPool,
};

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

    // Sign-up, sign-in and SRP all go through one app client, as in Cognito.
    let client = pool.create_user_pool_client(
        AppClientConfig::builder("quickstart-web")
            .explicit_auth_flows([
                AuthFlow::UserPasswordAuth,
                AuthFlow::UserSrpAuth,
                AuthFlow::RefreshTokenAuth,
            ])
            .build()?,
    )?;
    println!("app client {}", client.id());

    let email = "jane.doe@example.com";
    let signed_up = pool.sign_up(
        SignUpRequest::new(client.id(), email, "1234Abcd^")
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

    pool.confirm_sign_up(ConfirmSignUpRequest::new(client.id(), email, message.code))?;
    println!("\nconfirm_sign_up -> ok");

    pool.admin_update_user_attributes(email, vec![Attribute::new("email_verified", "true")])?;
    print_user(&pool.admin_get_user(email)?);

    println!("\nrefused inputs:");
    let weak = pool.sign_up(
        SignUpRequest::new(client.id(), "weak@example.com", "password")
            .attribute("family_name", "Weak"),
    );
    report("weak password", weak.map(|_| ()));

    let short_tenant = pool.sign_up(
        SignUpRequest::new(client.id(), "short@example.com", "1234Abcd^")
            .attribute("family_name", "Short")
            .attribute("custom:tenant_id", "123"),
    );
    report("tenant_id too short", short_tenant.map(|_| ()));

    let immutable =
        pool.admin_update_user_attributes(email, vec![Attribute::new("family_name", "Changed")]);
    report("updating family_name", immutable);

    // ----- sign-in and tokens -----
    let signed_in = pool.initiate_auth(InitiateAuthRequest::user_password(
        client.id(),
        email,
        "1234Abcd^",
    ))?;
    let tokens = signed_in
        .authentication_result
        .ok_or_else(|| userpool::Error::new(userpool::ErrorCode::InternalError, "no tokens"))?;
    println!(
        "\nUSER_PASSWORD_AUTH -> {} tokens, expires in {} s",
        tokens.token_type, tokens.expires_in
    );
    println!("  access token:  {}", tokens.access_token);
    println!("  id token:      {}", tokens.id_token);
    println!(
        "  refresh token: {}",
        tokens.refresh_token.as_deref().unwrap_or("")
    );

    let verifier = pool.token_verifier();
    let now = SystemClock.now();
    let access = verifier.verify_access(&tokens.access_token, Some(client.id()), now)?;
    let id = verifier.verify_id(&tokens.id_token, Some(client.id()), now)?;
    println!(
        "\nverified access token: sub {}, username {}, scope {:?}",
        access.sub, access.username, access.scope
    );
    println!(
        "verified id token: email {}, email_verified {}, custom:tenant_id {}",
        id.attributes
            .get("email")
            .map_or_else(String::new, ToString::to_string),
        id.attributes
            .get("email_verified")
            .map_or_else(String::new, ToString::to_string),
        id.attributes
            .get("custom:tenant_id")
            .map_or_else(String::new, ToString::to_string),
    );

    let refresh_token = tokens.refresh_token.clone().unwrap_or_default();
    let refreshed = pool.initiate_auth(InitiateAuthRequest::refresh(
        client.id(),
        refresh_token.clone(),
    ))?;
    println!(
        "\nREFRESH_TOKEN_AUTH -> new access token: {}, new refresh token: {}",
        refreshed
            .authentication_result
            .as_ref()
            .is_some_and(|r| r.access_token != tokens.access_token),
        refreshed
            .authentication_result
            .as_ref()
            .is_some_and(|r| r.refresh_token.is_some())
    );

    pool.global_sign_out(&tokens.access_token)?;
    println!("\nglobal_sign_out -> ok");
    report(
        "get_user with the old access token",
        pool.get_user(&tokens.access_token).map(|_| ()),
    );
    report(
        "refresh with the old refresh token",
        pool.initiate_auth(InitiateAuthRequest::refresh(client.id(), refresh_token))
            .map(|_| ()),
    );

    // ----- a second sign-in, by SRP, with the crate's SRP client -----
    let srp_client = SrpClient::new_random()?;
    let challenge = pool.initiate_auth(
        InitiateAuthRequest::new(AuthFlow::UserSrpAuth, client.id())
            .param("USERNAME", email)
            .param("SRP_A", srp_client.srp_a()),
    )?;
    let p = &challenge.challenge_parameters;
    let get = |k: &str| p.get(k).map_or("", String::as_str);
    println!(
        "\nUSER_SRP_AUTH -> {:?} with SALT {}, USER_ID_FOR_SRP {}",
        challenge.challenge_name.map(|c| c.as_str()),
        get("SALT"),
        get("USER_ID_FOR_SRP")
    );
    let timestamp = format_timestamp(SystemClock.now());
    let pool_name = pool.id().split_once('_').map_or("", |(_, name)| name);
    let signature = srp_client.process_challenge(
        pool_name,
        get("USER_ID_FOR_SRP"),
        b"1234Abcd^",
        get("SALT"),
        get("SRP_B"),
        get("SECRET_BLOCK"),
        &timestamp,
    )?;
    let answered = pool.respond_to_auth_challenge(
        RespondToAuthChallengeRequest::new(client.id(), ChallengeName::PasswordVerifier, None)
            .response("USERNAME", get("USERNAME"))
            .response("PASSWORD_CLAIM_SECRET_BLOCK", get("SECRET_BLOCK"))
            .response("PASSWORD_CLAIM_SIGNATURE", signature)
            .response("TIMESTAMP", timestamp),
    )?;
    let srp_tokens = answered
        .authentication_result
        .ok_or_else(|| userpool::Error::new(userpool::ErrorCode::InternalError, "no tokens"))?;
    let me = pool.get_user(&srp_tokens.access_token)?;
    println!(
        "PASSWORD_VERIFIER -> tokens; get_user with the new access token: {} ({} attributes)",
        me.username,
        me.user_attributes.len()
    );
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
