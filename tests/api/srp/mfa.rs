//! SRP as the first factor of a sign-in with a second one: a correct
//! `PASSWORD_VERIFIER` answer under `MfaConfiguration: ON` is a challenge,
//! never tokens (cognito-mfa-devices-passwordless.md §3).

use userpool::config::{MfaMode, MfaSettings, SmsMfa};
use userpool::schema::Attribute;
use userpool::{ChallengeName, ErrorCode, RespondToAuthChallengeRequest};

use super::{JANE, srp_client, srp_sign_in};
use crate::api::common::{Harness, confirmed, refused};
use crate::support::PASSWORD;
use crate::support::pools::quickstart_config;

#[test]
fn a_proven_password_verifier_leads_to_the_sms_code_and_only_then_to_tokens() {
    let h = Harness::new(
        quickstart_config()
            .mfa(MfaSettings {
                mode: MfaMode::On,
                sms: Some(SmsMfa::default()),
                software_token: false,
                email: None,
            })
            .build()
            .unwrap(),
    );
    let client = srp_client(&h);
    let sub = confirmed(&h, JANE);
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("phone_number", "+14325551212")])
        .unwrap();
    let challenge = srp_sign_in(&h, &client, JANE, PASSWORD).unwrap();
    assert_eq!(challenge.challenge_name, Some(ChallengeName::SmsMfa));
    assert!(challenge.authentication_result.is_none());
    assert_eq!(
        challenge
            .challenge_parameters
            .get("USER_ID_FOR_SRP")
            .map(String::as_str),
        Some(sub.as_str())
    );
    let code = h.outbox.last_code_for("+14325551212").unwrap();
    // Answered through another app client: the session is bound to this one.
    let other = super::super::common::password_client(&h);
    let e = refused(
        h.pool.respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &other,
                ChallengeName::SmsMfa,
                challenge.session.clone(),
            )
            .response("USERNAME", JANE)
            .response("SMS_MFA_CODE", code.expose_secret()),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid session for the user.")
    );
    let done = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(&client, ChallengeName::SmsMfa, challenge.session)
                .response("USERNAME", sub.as_str())
                .response("SMS_MFA_CODE", code.expose_secret()),
        )
        .unwrap();
    assert!(done.authentication_result.is_some());
}
