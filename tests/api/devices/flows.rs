//! Sign-in with devices: the key a sign-in is given, a remembered device
//! skipping MFA through device SRP, refresh bound to the device, and what
//! forgetting it changes.

use userpool::{
    ChallengeName, ErrorCode, GetTokensFromRefreshTokenRequest, InitiateAuthRequest,
    RespondToAuthChallengeRequest,
};

use super::super::common::{JANE, claims, refresh_token, refused};
use super::{
    DEVICE_DOES_NOT_EXIST, INCORRECT, INVALID_REFRESH, fixture, password_sign_in,
    try_password_sign_in,
};
use userpool::client::AuthFlow;
use userpool::srp::SrpClient;

#[test]
fn a_sign_in_without_a_key_gets_a_new_unconfirmed_device_bound_to_its_access_token() {
    let f = fixture();
    let (tokens, metadata) = f.sign_in_with_totp();
    let (region, uuid) = metadata.device_key.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(crate::support::is_uuid_v4(uuid), "{uuid}");
    assert_eq!(metadata.device_group_key.len(), 9);
    assert!(metadata.device_group_key.starts_with('-'));
    assert!(
        metadata.device_group_key[1..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric())
    );
    assert_eq!(
        claims(&tokens.access_token)["device_key"],
        metadata.device_key.as_str()
    );
    assert!(claims(&tokens.id_token).get("device_key").is_none());
    // One group key per user; a new key per sign-in while unconfirmed.
    let (_, again) = f.sign_in_with_totp();
    assert_ne!(again.device_key, metadata.device_key);
    assert_eq!(again.device_group_key, metadata.device_group_key);
    // Unconfirmed: not listed, and its refresh token does not refresh.
    assert!(
        f.h.pool
            .admin_list_devices(JANE, None, None)
            .unwrap()
            .devices
            .is_empty()
    );
    let e = refused(
        f.h.pool.get_tokens_from_refresh_token(
            GetTokensFromRefreshTokenRequest::new(&f.client, refresh_token(&tokens))
                .device_key(&metadata.device_key),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, INVALID_REFRESH)
    );
}

#[test]
fn a_remembered_device_skips_totp_and_signs_in_with_device_srp() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    let challenge = password_sign_in(&f.h, &f.client, Some(&device.key));
    assert_eq!(challenge.challenge_name, Some(ChallengeName::DeviceSrpAuth));
    assert!(challenge.session.is_some());
    let username = f.h.user(JANE).username;
    assert_eq!(
        challenge.challenge_parameters.keys().collect::<Vec<_>>(),
        ["USERNAME"]
    );
    assert_eq!(challenge.challenge_parameters["USERNAME"], username);
    let (result, _) = f.device_srp(&challenge, &device, &device.password);
    let tokens = result.unwrap().authentication_result.unwrap();
    assert_eq!(tokens.new_device_metadata, None);
    assert_eq!(
        claims(&tokens.access_token)["device_key"],
        device.key.as_str()
    );
    let stored = f.h.pool.admin_get_device(JANE, &device.key).unwrap();
    assert_eq!(
        stored.last_authenticated_at,
        Some(userpool::Clock::now(&f.h.clock))
    );
}

#[test]
fn an_srp_first_factor_with_the_key_on_password_verifier_reaches_device_srp() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    let srp = SrpClient::new_random().unwrap();
    let challenge =
        f.h.pool
            .initiate_auth(
                InitiateAuthRequest::new(AuthFlow::UserSrpAuth, &f.client)
                    .param("USERNAME", JANE)
                    .param("SRP_A", srp.srp_a()),
            )
            .unwrap();
    let p = |k: &str| challenge.challenge_parameters[k].clone();
    let timestamp = userpool::srp::format_timestamp(userpool::Clock::now(&f.h.clock));
    let signature = srp
        .process_challenge(
            "ApiTests1",
            &p("USER_ID_FOR_SRP"),
            crate::support::PASSWORD.as_bytes(),
            &p("SALT"),
            &p("SRP_B"),
            &p("SECRET_BLOCK"),
            &timestamp,
        )
        .unwrap();
    let next =
        f.h.pool
            .respond_to_auth_challenge(
                RespondToAuthChallengeRequest::password_verifier(
                    &f.client,
                    p("USERNAME"),
                    p("SECRET_BLOCK"),
                    signature,
                    timestamp,
                )
                .response("DEVICE_KEY", &device.key),
            )
            .unwrap();
    let (result, _) = f.device_srp(&next, &device, &device.password);
    assert!(result.unwrap().authentication_result.is_some());
}

#[test]
fn a_wrong_device_proof_is_incorrect_and_counts_toward_the_lockout() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    let before = f.h.record(&f.h.user(JANE).username).failed_sign_ins;
    let challenge = password_sign_in(&f.h, &f.client, Some(&device.key));
    let (result, _) = f.device_srp(&challenge, &device, "not-the-device-password");
    let e = refused(result);
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, INCORRECT)
    );
    assert_eq!(
        f.h.record(&f.h.user(JANE).username).failed_sign_ins,
        before + 1
    );
}

#[test]
fn a_replayed_device_password_verifier_is_refused() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    let challenge = password_sign_in(&f.h, &f.client, Some(&device.key));
    let (result, answer) = f.device_srp(&challenge, &device, &device.password);
    assert!(result.unwrap().authentication_result.is_some());
    let e = refused(f.h.pool.respond_to_auth_challenge(answer));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "Invalid session for the user, session can only be used once."
        )
    );
}

/// pycognito's and AWS's Java example's way: the device steps without
/// `Session` (§6.4), after the first factor left a pending sign-in.
#[test]
fn device_srp_without_sessions_follows_a_first_factor_once() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    let mut challenge = password_sign_in(&f.h, &f.client, Some(&device.key));
    challenge.session = None;
    let (result, _) = f.device_srp(&challenge, &device, &device.password);
    let tokens = result.unwrap().authentication_result.unwrap();
    assert_eq!(
        claims(&tokens.access_token)["device_key"],
        device.key.as_str()
    );
    // The pending sign-in is used up: no second device sign-in from it.
    let e = refused(
        f.h.pool
            .respond_to_auth_challenge(session_less_srp(&f, &device.key)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid session for the user.")
    );
}

#[test]
fn device_srp_without_a_session_and_without_a_first_factor_is_refused() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    let e = refused(
        f.h.pool
            .respond_to_auth_challenge(session_less_srp(&f, &device.key)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid session for the user.")
    );
}

#[test]
fn a_device_sign_in_with_its_session_leaves_nothing_for_one_without() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    let challenge = password_sign_in(&f.h, &f.client, Some(&device.key));
    let (result, _) = f.device_srp(&challenge, &device, &device.password);
    assert!(result.unwrap().authentication_result.is_some());
    let e = refused(
        f.h.pool
            .respond_to_auth_challenge(session_less_srp(&f, &device.key)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid session for the user.")
    );
}

fn session_less_srp(f: &super::Fixture, key: &str) -> RespondToAuthChallengeRequest {
    RespondToAuthChallengeRequest::new(&f.client, ChallengeName::DeviceSrpAuth, None)
        .response("USERNAME", JANE)
        .response("DEVICE_KEY", key)
        .response("SRP_A", SrpClient::new_random().unwrap().srp_a())
}

#[test]
fn a_device_answer_naming_another_key_is_refused() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    let (_, other) = f.remembered_device();
    let challenge = password_sign_in(&f.h, &f.client, Some(&device.key));
    let e = refused(
        f.h.pool.respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &f.client,
                ChallengeName::DeviceSrpAuth,
                challenge.session.clone(),
            )
            .response("USERNAME", JANE)
            .response("DEVICE_KEY", &other.key)
            .response("SRP_A", SrpClient::new_random().unwrap().srp_a()),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid session for the user.")
    );
}

#[test]
fn an_unknown_device_key_is_refused_with_the_text_clients_match() {
    let f = fixture();
    let e = refused(try_password_sign_in(
        &f.h,
        &f.client,
        Some("us-east-1_00000000-0000-4000-8000-000000000000"),
    ));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::ResourceNotFound, DEVICE_DOES_NOT_EXIST)
    );
}

#[test]
fn another_users_device_key_does_not_exist_for_this_user() {
    let f = fixture();
    let (_, device) = f.remembered_device();
    super::super::common::confirmed(&f.h, "bob@example.com");
    let e = refused(
        f.h.pool.initiate_auth(
            InitiateAuthRequest::user_password(
                &f.client,
                "bob@example.com",
                crate::support::PASSWORD,
            )
            .param("DEVICE_KEY", &device.key),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::ResourceNotFound, DEVICE_DOES_NOT_EXIST)
    );
}

#[test]
fn refresh_of_device_bound_tokens_needs_the_key() {
    let f = fixture();
    let (tokens, device) = f.remembered_device();
    let token = refresh_token(&tokens);
    let invalid = |r: userpool::Result<userpool::AuthenticationResult>| {
        let e = refused(r);
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, INVALID_REFRESH)
        );
    };
    invalid(
        f.h.pool
            .get_tokens_from_refresh_token(GetTokensFromRefreshTokenRequest::new(
                &f.client, &token,
            )),
    );
    invalid(
        f.h.pool.get_tokens_from_refresh_token(
            GetTokensFromRefreshTokenRequest::new(&f.client, &token)
                .device_key("us-east-1_00000000-0000-4000-8000-000000000000"),
        ),
    );
    let refreshed =
        f.h.pool
            .get_tokens_from_refresh_token(
                GetTokensFromRefreshTokenRequest::new(&f.client, &token).device_key(&device.key),
            )
            .unwrap();
    assert_eq!(
        claims(&refreshed.access_token)["device_key"],
        device.key.as_str()
    );
    let by_flow = |key: Option<&str>| {
        let mut request = InitiateAuthRequest::refresh(&f.client, &token);
        if let Some(k) = key {
            request = request.param("DEVICE_KEY", k);
        }
        f.h.pool.initiate_auth(request)
    };
    let e = refused(by_flow(None));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, INVALID_REFRESH)
    );
    let again = by_flow(Some(&device.key))
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(again.new_device_metadata, None);
    assert_eq!(
        claims(&again.access_token)["device_key"],
        device.key.as_str()
    );
}

#[test]
fn after_forget_device_the_key_is_refused_its_refresh_stops_and_mfa_is_asked_again() {
    let f = fixture();
    let (tokens, device) = f.remembered_device();
    f.h.pool
        .forget_device(&tokens.access_token, &device.key)
        .unwrap();
    let e = refused(
        f.h.pool.get_tokens_from_refresh_token(
            GetTokensFromRefreshTokenRequest::new(&f.client, refresh_token(&tokens))
                .device_key(&device.key),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, INVALID_REFRESH)
    );
    let e = refused(try_password_sign_in(&f.h, &f.client, Some(&device.key)));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::ResourceNotFound, DEVICE_DOES_NOT_EXIST)
    );
    // The client retries without the key: TOTP again, and a new key.
    let challenge = password_sign_in(&f.h, &f.client, None);
    let tokens = f.answer_totp(&challenge).authentication_result.unwrap();
    let fresh = tokens.new_device_metadata.unwrap();
    assert_ne!(fresh.device_key, device.key);
}

#[test]
fn a_not_remembered_device_gets_mfa_and_tokens_bound_to_it_without_a_new_key() {
    let f = fixture();
    let (tokens, device) = f.remembered_device();
    f.h.pool
        .update_device_status(
            &tokens.access_token,
            &device.key,
            userpool::RememberedStatus::NotRemembered,
        )
        .unwrap();
    let challenge = password_sign_in(&f.h, &f.client, Some(&device.key));
    let tokens = f.answer_totp(&challenge).authentication_result.unwrap();
    assert_eq!(tokens.new_device_metadata, None);
    assert_eq!(
        claims(&tokens.access_token)["device_key"],
        device.key.as_str()
    );
}

#[test]
fn without_challenge_required_on_new_device_a_remembered_device_still_gets_mfa() {
    let f = super::pool_with(userpool::config::DeviceConfiguration {
        challenge_required_on_new_device: false,
        device_only_remembered_on_user_prompt: false,
    });
    let (_, device) = f.remembered_device();
    let challenge = password_sign_in(&f.h, &f.client, Some(&device.key));
    let after_mfa = f.answer_totp(&challenge);
    // The device step still follows the code (§3 step 7).
    let (result, _) = f.device_srp(&after_mfa, &device, &device.password);
    assert!(result.unwrap().authentication_result.is_some());
}
