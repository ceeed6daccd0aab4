//! Second factors through the pool (cognito-mfa-devices-passwordless.md
//! §2–5, §8): TOTP enrolment by access token and by `MFA_SETUP` session,
//! the `SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP` and `SELECT_MFA_TYPE`
//! challenges with Cognito's parameters and errors, replay refusal, the
//! lockout, preferences and their validation.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use userpool::config::{EmailMfa, MfaFactor, MfaMode, MfaSettings, PoolConfig, SmsMfa};
use userpool::internals::totp::{TotpKey, code_at};
use userpool::schema::Attribute;
use userpool::{
    AdminCreateUserRequest, AuthResponse, ChallengeName, DeliveryMedium, ErrorCode,
    InitiateAuthRequest, MessageAction, MessageKind, MfaCaller, MfaPreference, MfaPreferences,
    RespondToAuthChallengeRequest,
};

use super::common::{Harness, JANE, confirmed, password_client, refused};
use crate::support::PASSWORD;
use crate::support::pools::quickstart_config;

const PHONE: &str = "+14325551212";

fn pool(mode: MfaMode, sms: bool, totp: bool, email: bool) -> Harness {
    let config: PoolConfig = quickstart_config()
        .mfa(MfaSettings {
            mode,
            sms: sms.then(SmsMfa::default),
            software_token: totp,
            email: email.then(|| EmailMfa {
                message: Some("Sign-in code: {####}".to_owned()),
                subject: Some("Your sign-in code".to_owned()),
            }),
        })
        .build()
        .expect("the MFA pool is valid");
    Harness::new(config)
}

/// Jane, confirmed, with a phone number; and a password client.
fn jane(h: &Harness) -> String {
    confirmed(h, JANE);
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("phone_number", PHONE)])
        .expect("phone set");
    password_client(h)
}

fn start(h: &Harness, client: &str) -> AuthResponse {
    h.pool
        .initiate_auth(InitiateAuthRequest::user_password(client, JANE, PASSWORD))
        .expect("the password is right")
}

fn now_secs(h: &Harness) -> u64 {
    u64::try_from(h.clock_now().unix_seconds()).expect("after 1970")
}

trait ClockNow {
    fn clock_now(&self) -> userpool::Timestamp;
}

impl ClockNow for Harness {
    fn clock_now(&self) -> userpool::Timestamp {
        use userpool::Clock as _;
        self.clock.now()
    }
}

fn code(key: &TotpKey, secs: u64) -> String {
    String::from_utf8(code_at(key.expose_secret(), secs).to_vec()).expect("digits")
}

/// Enrols Jane's authenticator through her access token; returns its key.
fn enrol_totp(h: &Harness, client: &str) -> TotpKey {
    let tokens = start(h, client).authentication_result.expect("no MFA yet");
    let access = tokens.access_token.as_str();
    let out = h
        .pool
        .associate_software_token(MfaCaller::AccessToken(access))
        .expect("associate");
    assert!(out.session.is_none());
    let secret = out.secret_code.expose_secret().to_owned();
    assert_eq!(secret.len(), 52, "32 bytes in base32: {secret}");
    let key = TotpKey::from_secret_code(&secret).expect("base32");
    let wrong = refused(h.pool.verify_software_token(
        MfaCaller::AccessToken(access),
        "000000",
        None,
    ));
    if code(&key, now_secs(h)) != "000000" {
        assert_eq!(
            (wrong.code(), wrong.message()),
            (
                ErrorCode::EnableSoftwareTokenMfa,
                "Code mismatch and fail enable Software Token MFA"
            )
        );
    }
    h.pool
        .verify_software_token(
            MfaCaller::AccessToken(access),
            &code(&key, now_secs(h)),
            Some("Jane's phone"),
        )
        .expect("verify");
    key
}

fn answer_totp(
    h: &Harness,
    client: &str,
    challenge: &AuthResponse,
    code: &str,
) -> userpool::Result<AuthResponse> {
    h.pool.respond_to_auth_challenge(
        RespondToAuthChallengeRequest::new(
            client,
            ChallengeName::SoftwareTokenMfa,
            challenge.session.clone(),
        )
        .response("USERNAME", JANE)
        .response("SOFTWARE_TOKEN_MFA_CODE", code),
    )
}

#[test]
fn totp_enrolled_by_access_token_is_asked_once_preferred_and_refuses_replays() {
    let h = pool(MfaMode::Optional, false, true, false);
    let client = jane(&h);
    let key = enrol_totp(&h, &client);
    let sub = h.pool.admin_get_user(JANE).expect("jane").username;
    let user = h.pool.admin_get_user(JANE).expect("user");
    assert_eq!(user.mfa_enabled, vec![MfaFactor::SoftwareToken]);
    assert_eq!(user.preferred_mfa, None);
    // The secret is kept sealed, never in the clear.
    let stored = h.record(&sub);
    let token = stored.mfa.software_token.expect("verified");
    assert!(
        !token
            .sealed_secret
            .windows(key.expose_secret().len())
            .any(|w| w == key.expose_secret())
    );
    assert_eq!(token.friendly_name.as_deref(), Some("Jane's phone"));

    let challenge = start(&h, &client);
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::SoftwareTokenMfa)
    );
    assert!(challenge.authentication_result.is_none());
    assert_eq!(
        challenge
            .challenge_parameters
            .get("FRIENDLY_DEVICE_NAME")
            .map(String::as_str),
        Some("Jane's phone")
    );
    assert_eq!(
        challenge.challenge_parameters.get("USER_ID_FOR_SRP"),
        Some(&sub)
    );
    // The code that verified the app is spent.
    let e = refused(answer_totp(
        &h,
        &client,
        &challenge,
        &code(&key, now_secs(&h)),
    ));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::ExpiredCode,
            "Your software token has already been used once."
        )
    );
    let wrong = format!(
        "{:06}",
        (code(&key, now_secs(&h)).parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    let e = refused(answer_totp(&h, &client, &challenge, &wrong));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::CodeMismatch, "Invalid code received for user")
    );
    h.clock.advance(Duration::from_secs(30));
    let fresh = code(&key, now_secs(&h));
    let done = answer_totp(&h, &client, &challenge, &fresh).expect("a fresh code");
    assert!(done.authentication_result.is_some());
    // The session is used up, and a new sign-in cannot reuse the code.
    let e = refused(answer_totp(&h, &client, &challenge, &fresh));
    assert_eq!(e.code(), ErrorCode::ExpiredCode);
    let again = start(&h, &client);
    let e = refused(answer_totp(&h, &client, &again, &fresh));
    assert_eq!(e.code(), ErrorCode::ExpiredCode);

    h.pool
        .admin_set_user_mfa_preference(
            JANE,
            MfaPreferences::new().with(MfaFactor::SoftwareToken, MfaPreference::new(true, true)),
        )
        .expect("prefer TOTP");
    assert_eq!(
        h.pool.admin_get_user(JANE).unwrap().preferred_mfa,
        Some(MfaFactor::SoftwareToken)
    );
    h.pool.admin_delete_software_token(JANE).expect("delete");
    let user = h.pool.admin_get_user(JANE).unwrap();
    assert!(user.mfa_enabled.is_empty());
    assert_eq!(user.preferred_mfa, None);
    assert!(start(&h, &client).authentication_result.is_some());
}

#[test]
fn mfa_on_takes_a_user_without_a_factor_through_setup() {
    let h = pool(MfaMode::On, false, true, false);
    let client = jane(&h);
    let setup = start(&h, &client);
    assert_eq!(setup.challenge_name, Some(ChallengeName::MfaSetup));
    assert_eq!(
        setup
            .challenge_parameters
            .get("MFAS_CAN_SETUP")
            .map(String::as_str),
        Some("[\"SOFTWARE_TOKEN_MFA\"]")
    );
    let s1 = setup.session.clone().expect("a session");
    // Answering before the authenticator is verified is refused.
    let early = h.pool.respond_to_auth_challenge(
        RespondToAuthChallengeRequest::new(&client, ChallengeName::MfaSetup, Some(s1.clone()))
            .response("USERNAME", JANE),
    );
    let e = refused(early);
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid session for the user.")
    );
    let associated = h
        .pool
        .associate_software_token(MfaCaller::Session(&s1))
        .expect("associate by session");
    let s2 = associated.session.expect("a new session");
    let key = TotpKey::from_secret_code(associated.secret_code.expose_secret()).unwrap();
    // The challenge's own session cannot verify.
    let e = refused(h.pool.verify_software_token(
        MfaCaller::Session(&s1),
        &code(&key, now_secs(&h)),
        None,
    ));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid session for the user.")
    );
    let verified = h
        .pool
        .verify_software_token(MfaCaller::Session(&s2), &code(&key, now_secs(&h)), None)
        .expect("verify by session");
    let s3 = verified.session.expect("a session for the answer");
    let done = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(&client, ChallengeName::MfaSetup, Some(s3))
                .response("USERNAME", JANE),
        )
        .expect("tokens after set-up");
    assert!(done.authentication_result.is_some());
    // From now on: the TOTP challenge.
    let next = start(&h, &client);
    assert_eq!(next.challenge_name, Some(ChallengeName::SoftwareTokenMfa));
}

#[test]
fn an_admin_created_user_sets_a_password_then_sets_up_mfa() {
    let h = pool(MfaMode::On, false, true, false);
    let client = password_client(&h);
    h.pool
        .admin_create_user(
            AdminCreateUserRequest::new("sam@example.com")
                .temporary_password("Temp1234^")
                .attribute("family_name", "Sam")
                .message_action(MessageAction::Suppress),
        )
        .expect("created");
    let first = h
        .pool
        .initiate_auth(InitiateAuthRequest::user_password(
            &client,
            "sam@example.com",
            "Temp1234^",
        ))
        .unwrap();
    assert_eq!(
        first.challenge_name,
        Some(ChallengeName::NewPasswordRequired)
    );
    let next = h
        .pool
        .respond_to_auth_challenge(RespondToAuthChallengeRequest::new_password(
            &client,
            first.session.unwrap(),
            "sam@example.com",
            PASSWORD,
        ))
        .unwrap();
    assert_eq!(next.challenge_name, Some(ChallengeName::MfaSetup));
}

#[test]
fn sms_and_email_codes_are_sent_checked_once_and_verify_the_address() {
    let h = pool(MfaMode::Optional, true, false, true);
    let client = jane(&h);
    h.pool
        .admin_set_user_mfa_preference(
            JANE,
            MfaPreferences::new().with(MfaFactor::Sms, MfaPreference::new(true, true)),
        )
        .expect("SMS preferred");
    assert!(
        h.pool
            .admin_get_user(JANE)
            .unwrap()
            .attribute("phone_number_verified")
            != Some("true")
    );
    let challenge = start(&h, &client);
    assert_eq!(challenge.challenge_name, Some(ChallengeName::SmsMfa));
    let p = &challenge.challenge_parameters;
    assert_eq!(
        p.get("CODE_DELIVERY_DELIVERY_MEDIUM").map(String::as_str),
        Some("SMS")
    );
    assert_eq!(
        p.get("CODE_DELIVERY_DESTINATION").map(String::as_str),
        Some("+*******1212")
    );
    let sent = h.outbox.last_message_for(PHONE).expect("an SMS");
    assert_eq!(
        (sent.medium, sent.kind),
        (DeliveryMedium::Sms, MessageKind::Authentication)
    );
    assert_eq!(
        sent.body,
        format!(
            "Your authentication code is {}. ",
            sent.code.expose_secret()
        )
    );
    let answer = |code: &str| {
        h.pool.respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &client,
                ChallengeName::SmsMfa,
                challenge.session.clone(),
            )
            .response("USERNAME", JANE)
            .response("SMS_MFA_CODE", code),
        )
    };
    let e = refused(answer(
        super::common::wrong_code(&sent.code).expose_secret(),
    ));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::CodeMismatch,
            "Invalid code or auth state for the user."
        )
    );
    assert!(
        answer(sent.code.expose_secret())
            .unwrap()
            .authentication_result
            .is_some()
    );
    assert_eq!(
        h.pool
            .admin_get_user(JANE)
            .unwrap()
            .attribute("phone_number_verified"),
        Some("true")
    );
    // Used up with the session that carried it.
    assert_eq!(
        refused(answer(sent.code.expose_secret())).code(),
        ErrorCode::ExpiredCode
    );

    // Email too, with no preference: SELECT_MFA_TYPE, then EMAIL_OTP.
    h.pool
        .admin_set_user_mfa_preference(
            JANE,
            MfaPreferences::new()
                .with(MfaFactor::Sms, MfaPreference::new(true, false))
                .with(MfaFactor::Email, MfaPreference::new(true, false)),
        )
        .expect("both on, none preferred");
    let select = start(&h, &client);
    assert_eq!(select.challenge_name, Some(ChallengeName::SelectMfaType));
    assert_eq!(
        select
            .challenge_parameters
            .get("MFAS_CAN_CHOOSE")
            .map(String::as_str),
        Some("[\"SMS_MFA\",\"EMAIL_OTP\"]")
    );
    let choose = |answer: &str| {
        h.pool.respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &client,
                ChallengeName::SelectMfaType,
                select.session.clone(),
            )
            .response("USERNAME", JANE)
            .response("ANSWER", answer),
        )
    };
    assert_eq!(
        refused(choose("SOFTWARE_TOKEN_MFA")).code(),
        ErrorCode::InvalidParameter
    );
    let email = choose("EMAIL_OTP").expect("email chosen");
    assert_eq!(email.challenge_name, Some(ChallengeName::EmailOtp));
    assert_ne!(email.session, select.session);
    assert_eq!(
        email
            .challenge_parameters
            .get("CODE_DELIVERY_DESTINATION")
            .map(String::as_str),
        Some("j***@e***")
    );
    let sent = h.outbox.last_message_for(JANE).expect("an email");
    assert_eq!(sent.subject.as_deref(), Some("Your sign-in code"));
    assert_eq!(sent.kind, MessageKind::Authentication);
    // An EMAIL_OTP session cannot answer SMS_MFA.
    let e = refused(
        h.pool.respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &client,
                ChallengeName::SmsMfa,
                email.session.clone(),
            )
            .response("USERNAME", JANE)
            .response("SMS_MFA_CODE", sent.code.expose_secret()),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::CodeMismatch,
            "Invalid code or auth state for the user."
        )
    );
    let done = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &client,
                ChallengeName::EmailOtp,
                email.session.clone(),
            )
            .response("USERNAME", JANE)
            .response("EMAIL_OTP_CODE", sent.code.expose_secret()),
        )
        .unwrap();
    assert!(done.authentication_result.is_some());
}

#[test]
fn mfa_on_sends_a_code_to_the_phone_of_a_user_without_a_factor_and_turns_sms_on() {
    let h = pool(MfaMode::On, true, true, false);
    let client = jane(&h);
    let challenge = start(&h, &client);
    assert_eq!(challenge.challenge_name, Some(ChallengeName::SmsMfa));
    let code = h.outbox.last_code_for(PHONE).unwrap();
    h.pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(&client, ChallengeName::SmsMfa, challenge.session)
                .response("USERNAME", JANE)
                .response("SMS_MFA_CODE", code.expose_secret()),
        )
        .unwrap();
    assert_eq!(
        h.pool.admin_get_user(JANE).unwrap().mfa_enabled,
        vec![MfaFactor::Sms]
    );
}

#[test]
fn a_sign_up_confirmed_through_a_factor_channel_gets_one_sign_in_without_mfa() {
    let h = pool(MfaMode::On, false, false, true);
    let client = jane(&h);
    assert!(start(&h, &client).authentication_result.is_some());
    let second = start(&h, &client);
    assert_eq!(second.challenge_name, Some(ChallengeName::EmailOtp));
}

#[test]
fn wrong_codes_count_toward_the_lockout() {
    let h = pool(MfaMode::Optional, false, true, false);
    let client = jane(&h);
    let key = enrol_totp(&h, &client);
    h.clock.advance(Duration::from_secs(60));
    let challenge = start(&h, &client);
    let right = code(&key, now_secs(&h));
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    for _ in 0..5 {
        assert_eq!(
            refused(answer_totp(&h, &client, &challenge, &wrong)).code(),
            ErrorCode::CodeMismatch
        );
    }
    let e = refused(answer_totp(&h, &client, &challenge, &right));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Password attempts exceeded")
    );
}

#[test]
fn of_two_answers_with_one_totp_code_exactly_one_wins() {
    let h = Arc::new(pool(MfaMode::Optional, false, true, false));
    let client = jane(&h);
    let key = enrol_totp(&h, &client);
    h.clock.advance(Duration::from_secs(30));
    let challenges: Vec<AuthResponse> = (0..4).map(|_| start(&h, &client)).collect();
    let right = code(&key, now_secs(&h));
    let barrier = Arc::new(Barrier::new(challenges.len()));
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = challenges
            .iter()
            .map(|c| {
                let (h, barrier, client, right) = (&h, barrier.clone(), &client, &right);
                s.spawn(move || {
                    barrier.wait();
                    answer_totp(h, client, c, right)
                })
            })
            .collect();
        handles.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(r.code(), ErrorCode::ExpiredCode);
    }
}

#[test]
fn preferences_are_validated_as_cognito_does() {
    let h = pool(MfaMode::Optional, true, true, true);
    confirmed(&h, JANE);
    let set = |p: MfaPreferences| refused(h.pool.admin_set_user_mfa_preference(JANE, p));
    let e = set(MfaPreferences::new()
        .with(MfaFactor::Sms, MfaPreference::new(true, true))
        .with(MfaFactor::Email, MfaPreference::new(true, true)));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Only one MFA method can be set as preferred."
        )
    );
    let e = set(MfaPreferences::new().with(MfaFactor::Sms, MfaPreference::new(true, false)));
    assert_eq!(
        e.message(),
        "User does not have a phone_number set to turn on SMS MFA"
    );
    let e =
        set(MfaPreferences::new().with(MfaFactor::SoftwareToken, MfaPreference::new(true, false)));
    assert_eq!(
        e.message(),
        "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA"
    );
    assert!(h.pool.admin_get_user(JANE).unwrap().mfa_enabled.is_empty());
    h.pool
        .admin_set_user_mfa_preference(
            JANE,
            MfaPreferences::new().with(MfaFactor::Email, MfaPreference::new(true, true)),
        )
        .expect("email is there");
    h.pool
        .admin_set_user_mfa_preference(
            JANE,
            MfaPreferences::new().with(MfaFactor::Email, MfaPreference::new(false, false)),
        )
        .expect("off again");
    let u = h.pool.admin_get_user(JANE).unwrap();
    assert!(u.mfa_enabled.is_empty() && u.preferred_mfa.is_none());
    // A pool without TOTP gives out no secrets.
    let h2 = pool(MfaMode::Optional, false, false, true);
    let client = jane(&h2);
    let tokens = start(&h2, &client).authentication_result.unwrap();
    let e = refused(
        h2.pool
            .associate_software_token(MfaCaller::AccessToken(&tokens.access_token)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::SoftwareTokenMfaNotFound,
            "Software Token MFA has not been enabled by the userPool"
        )
    );
}

#[test]
fn a_pool_secret_rotation_reseals_totp_secrets_so_they_outlive_the_old_secret() {
    use userpool::store::MemoryStore;
    use userpool::{HashingParams, UserPool};
    let store = Arc::new(MemoryStore::new());
    let clock = crate::support::clock_at_start();
    let outbox = userpool::Outbox::new();
    let config = || {
        quickstart_config()
            .mfa(MfaSettings {
                mode: MfaMode::Optional,
                sms: None,
                software_token: true,
                email: None,
            })
            .build()
            .unwrap()
    };
    let process = |secrets: &dyn Fn(userpool::UserPoolBuilder) -> userpool::UserPoolBuilder| {
        let builder = UserPool::builder(config())
            .pool_id("us-east-1_ApiTests1")
            .store(store.clone())
            .clock(Arc::new(clock.clone()))
            .message_sender(Arc::new(outbox.clone()))
            .hashing(HashingParams::insecure_fast_for_tests())
            .keys(crate::support::shared_keys());
        Harness::from_parts(
            secrets(builder).build().unwrap(),
            clock.clone(),
            outbox.clone(),
            store.clone(),
        )
    };
    let old = process(&|b| b.secret_key([1; 32]));
    let client = jane(&old);
    let key = enrol_totp(&old, &client);
    let rotated = process(&|b| {
        b.secret_key([2; 32])
            .previous_secret_key([1; 32], crate::support::START)
    });
    let report = rotated.pool.reseal_secrets().unwrap();
    assert_eq!(report.software_tokens, 1);
    assert_eq!(rotated.pool.reseal_secrets().unwrap().software_tokens, 0);
    clock.advance(Duration::from_secs(2 * 24 * 3600));
    let new_only = process(&|b| b.secret_key([2; 32]));
    let challenge = start(&new_only, &client);
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::SoftwareTokenMfa)
    );
    let done = answer_totp(
        &new_only,
        &client,
        &challenge,
        &code(&key, now_secs(&new_only)),
    );
    assert!(done.unwrap().authentication_result.is_some());
}

#[test]
fn custom_message_writes_the_sign_in_code_with_the_authentication_source() {
    use super::hooks_support::{Hooks, message, with_hooks};
    use userpool::triggers::TriggerSource;
    let hooks = Arc::new(
        Hooks::new().custom_message(|_| Ok(message(None, None, Some("Code {####} for sign-in")))),
    );
    let h = with_hooks(
        quickstart_config()
            .mfa(MfaSettings {
                mode: MfaMode::Optional,
                sms: Some(SmsMfa::default()),
                software_token: false,
                email: None,
            })
            .build()
            .unwrap(),
        &hooks,
    );
    let client = jane(&h);
    h.pool
        .admin_set_user_mfa_preference(
            JANE,
            MfaPreferences::new().with(MfaFactor::Sms, MfaPreference::new(true, true)),
        )
        .unwrap();
    let challenge = start(&h, &client);
    assert_eq!(challenge.challenge_name, Some(ChallengeName::SmsMfa));
    let seen = hooks.seen();
    let event = seen
        .custom_message
        .last()
        .expect("CustomMessage was called");
    assert_eq!(
        event.trigger_source,
        TriggerSource::CustomMessageAuthentication
    );
    assert_eq!(event.caller_context.client_id, client);
    let sent = h.outbox.last_message_for(PHONE).unwrap();
    assert_eq!(
        sent.body,
        format!("Code {} for sign-in", sent.code.expose_secret())
    );
}

#[test]
fn mfa_setup_answered_with_an_email_sends_a_code_there_and_turns_email_mfa_on() {
    use userpool::config::VerifiedAttribute;
    use userpool::schema::StandardAttribute;
    let h = Harness::new(
        PoolConfig::builder("staff")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .standard_attribute(StandardAttribute::new("given_name").required())
            .mfa(MfaSettings {
                mode: MfaMode::On,
                sms: None,
                software_token: true,
                email: Some(EmailMfa::default()),
            })
            .build()
            .unwrap(),
    );
    let client = password_client(&h);
    h.pool
        .admin_create_user(
            AdminCreateUserRequest::new("sam")
                .attribute("given_name", "Sam")
                .temporary_password("Temp1234^")
                .message_action(MessageAction::Suppress),
        )
        .unwrap();
    h.pool
        .admin_set_user_password(
            userpool::AdminSetUserPasswordRequest::new("sam", PASSWORD).permanent(true),
        )
        .unwrap();
    let setup = h
        .pool
        .initiate_auth(InitiateAuthRequest::user_password(&client, "sam", PASSWORD))
        .unwrap();
    assert_eq!(setup.challenge_name, Some(ChallengeName::MfaSetup));
    assert_eq!(
        setup
            .challenge_parameters
            .get("MFAS_CAN_SETUP")
            .map(String::as_str),
        Some("[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]")
    );
    let email = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(&client, ChallengeName::MfaSetup, setup.session)
                .response("USERNAME", "sam")
                .response("EMAIL", "sam@example.com"),
        )
        .unwrap();
    assert_eq!(email.challenge_name, Some(ChallengeName::EmailOtp));
    assert_eq!(
        h.pool
            .admin_get_user("sam")
            .unwrap()
            .attribute("email_verified"),
        Some("false")
    );
    let code = h.outbox.last_code_for("sam@example.com").unwrap();
    let done = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(&client, ChallengeName::EmailOtp, email.session)
                .response("USERNAME", "sam")
                .response("EMAIL_OTP_CODE", code.expose_secret()),
        )
        .unwrap();
    assert!(done.authentication_result.is_some());
    let user = h.pool.admin_get_user("sam").unwrap();
    assert_eq!(user.attribute("email_verified"), Some("true"));
    assert_eq!(user.mfa_enabled, vec![MfaFactor::Email]);
}
