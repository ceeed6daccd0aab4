//! SRP first: `SRP_A` + `CHALLENGE_NAME`, the built-in `PASSWORD_VERIFIER`, then the custom rounds.

use super::*;

// ---------------------------------------------------------------------------
// §7.3: SRP first
// ---------------------------------------------------------------------------

fn srp_start(w: &World, srp: &SrpClient, with_name: bool) -> InitiateAuthRequest {
    let r = start(&w.client, JANE).param("SRP_A", srp.srp_a());
    if with_name {
        r.param("CHALLENGE_NAME", "SRP_A")
    } else {
        r
    }
}

fn srp_proof(
    w: &World,
    srp: &SrpClient,
    challenge: &AuthResponse,
    password: &str,
) -> RespondToAuthChallengeRequest {
    let p = &challenge.challenge_parameters;
    let timestamp = format_timestamp(w.h.clock.now());
    let signature = srp
        .process_challenge(
            POOL_NAME,
            &p["USER_ID_FOR_SRP"],
            password.as_bytes(),
            &p["SALT"],
            &p["SRP_B"],
            &p["SECRET_BLOCK"],
            &timestamp,
        )
        .unwrap();
    RespondToAuthChallengeRequest::new(
        &w.client,
        ChallengeName::PasswordVerifier,
        challenge.session.clone(),
    )
    .response("USERNAME", &p["USER_ID_FOR_SRP"])
    .response("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
    .response("PASSWORD_CLAIM_SIGNATURE", signature)
    .response("TIMESTAMP", timestamp)
}

#[test]
fn srp_first_proves_the_password_then_runs_the_custom_rounds() {
    for with_name in [true, false] {
        let w = world();
        let srp = SrpClient::new_random().unwrap();
        let start_meta = map(&[("from", "initiate")]);
        let respond_meta = map(&[("from", "respond")]);
        let pv = w
            .initiate(srp_start(&w, &srp, with_name).client_metadata(start_meta.clone()))
            .unwrap();
        assert_eq!(pv.challenge_name, Some(ChallengeName::PasswordVerifier));
        assert!(pv.challenge_parameters.keys().map(String::as_str).eq([
            "SALT",
            "SECRET_BLOCK",
            "SRP_B",
            "USERNAME",
            "USER_ID_FOR_SRP"
        ]));
        assert_eq!(pv.challenge_parameters["USER_ID_FOR_SRP"], w.jane);
        assert!(
            pv.session.is_some(),
            "the custom flow continues in a Session"
        );
        assert_eq!(
            w.hooks.defines()[0].request.session,
            vec![entry("SRP_A", true, None)]
        );
        let custom = w
            .respond(srp_proof(&w, &srp, &pv, PASSWORD).client_metadata(respond_meta.clone()))
            .unwrap();
        assert_eq!(custom.challenge_name, Some(ChallengeName::CustomChallenge));
        let defines = w.hooks.defines();
        assert_eq!(
            defines[1].request.session,
            vec![
                entry("SRP_A", true, None),
                entry("PASSWORD_VERIFIER", true, None)
            ]
        );
        assert_eq!(
            defines[1].request.client_metadata,
            Some(respond_meta.clone())
        );
        let done = w
            .respond(answer(&w.client, &custom, &w.jane, "code-2"))
            .unwrap();
        assert_jane_tokens(&w, &done);
        assert_eq!(
            w.hooks.sources(),
            sequence(&[
                "PreAuthentication_Authentication",
                "DefineAuthChallenge_Authentication",
                "DefineAuthChallenge_Authentication",
                "CreateAuthChallenge_Authentication",
                "VerifyAuthChallengeResponse_Authentication",
                "DefineAuthChallenge_Authentication",
            ])
        );
        // The InitiateAuth metadata reached PreAuthentication only.
        assert_eq!(
            w.hooks.pre_authentications()[0].request.validation_data,
            Some(start_meta.clone())
        );
        assert!(
            w.hooks
                .defines()
                .iter()
                .all(|d| d.request.client_metadata != Some(start_meta.clone()))
        );
        assert!(
            w.hooks
                .creates()
                .iter()
                .all(|d| d.request.client_metadata != Some(start_meta.clone()))
        );
    }
}

#[test]
fn a_wrong_srp_proof_is_refused_counted_and_define_is_not_called() {
    let w = world();
    let srp = SrpClient::new_random().unwrap();
    let pv = w.initiate(srp_start(&w, &srp, true)).unwrap();
    w.hooks.clear();
    assert_error(
        w.respond(srp_proof(&w, &srp, &pv, "Wrong1234^")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert!(w.hooks.seen().is_empty());
    assert_eq!(w.h.record(&w.jane).failed_sign_ins, 1);
}

#[test]
fn a_custom_flow_secret_block_cannot_be_answered_as_user_srp_auth() {
    let w = world();
    let srp = SrpClient::new_random().unwrap();
    let pv = w.initiate(srp_start(&w, &srp, true)).unwrap();
    let mut proof = srp_proof(&w, &srp, &pv, PASSWORD);
    // Without the Session, the answer is read as USER_SRP_AUTH's, whose
    // blocks are sealed apart: the custom rounds cannot be skipped.
    proof.session = None;
    assert_error(w.respond(proof), ErrorCode::NotAuthorized, INCORRECT);
}

#[test]
fn a_locked_user_cannot_start_srp_first_or_passwordless() {
    let w = world();
    for _ in 0..5 {
        let srp = SrpClient::new_random().unwrap();
        let pv = w.initiate(srp_start(&w, &srp, true)).unwrap();
        assert_error(
            w.respond(srp_proof(&w, &srp, &pv, "Wrong1234^")),
            ErrorCode::NotAuthorized,
            INCORRECT,
        );
    }
    let srp = SrpClient::new_random().unwrap();
    assert_error(
        w.initiate(srp_start(&w, &srp, true)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    w.hooks.clear();
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    assert!(
        w.hooks.seen().is_empty(),
        "no trigger runs for a locked user"
    );
    // After the lock (1 s for the fifth failure) the user may start again.
    w.h.clock.advance(Duration::from_secs(2));
    w.challenge();
}

#[test]
fn srp_first_for_an_unknown_name_under_enabled_is_a_simulated_challenge() {
    let w = world();
    let client = custom_client(&w.h, PreventUserExistenceErrors::Enabled);
    let srp = SrpClient::new_random().unwrap();
    let request = start(&client, "ghost@example.com")
        .param("SRP_A", srp.srp_a())
        .param("CHALLENGE_NAME", "SRP_A");
    let pv = w.initiate(request).unwrap();
    assert_eq!(pv.challenge_name, Some(ChallengeName::PasswordVerifier));
    let id = pv.challenge_parameters["USER_ID_FOR_SRP"].clone();
    assert!(crate::support::is_uuid_v4(&id), "{id}");
    // The same id a passwordless start shows for that name.
    let custom = w.initiate(start(&client, "ghost@example.com")).unwrap();
    assert_eq!(custom.challenge_parameters["USERNAME"], id);
    let defines = w.hooks.defines();
    assert_eq!(defines[0].request.session, vec![entry("SRP_A", true, None)]);
    assert_eq!(defines[0].request.user_not_found, Some(true));
    let mut proof = srp_proof(&w, &srp, &pv, PASSWORD);
    proof.client_id = client.clone();
    w.hooks.clear();
    assert_error(w.respond(proof), ErrorCode::NotAuthorized, INCORRECT);
    assert!(
        w.hooks.seen().is_empty(),
        "Define is not called after a failed proof"
    );
}

#[test]
fn srp_first_with_a_temporary_password_sets_it_then_runs_the_custom_rounds() {
    let w = world();
    w.h.pool
        .admin_create_user(
            userpool::AdminCreateUserRequest::new("temp@example.com")
                .attribute("family_name", "Temp")
                .temporary_password("Temp0rary!")
                .message_action(userpool::MessageAction::Suppress),
        )
        .unwrap();
    let srp = SrpClient::new_random().unwrap();
    let request = start(&w.client, "temp@example.com")
        .param("SRP_A", srp.srp_a())
        .param("CHALLENGE_NAME", "SRP_A");
    let pv = w.initiate(request).unwrap();
    let username = pv.challenge_parameters["USER_ID_FOR_SRP"].clone();
    let npr = w.respond(srp_proof(&w, &srp, &pv, "Temp0rary!")).unwrap();
    assert_eq!(npr.challenge_name, Some(ChallengeName::NewPasswordRequired));
    assert_eq!(npr.challenge_parameters["USER_ID_FOR_SRP"], username);
    assert_eq!(npr.challenge_parameters["requiredAttributes"], "[]");
    assert_eq!(
        w.hooks.defines().len(),
        1,
        "Define waits for the new password"
    );
    let meta = map(&[("from", "new-password")]);
    let custom = w
        .respond(
            RespondToAuthChallengeRequest::new_password(
                &w.client,
                npr.session.clone().unwrap(),
                &username,
                "N3w-Passw0rd!",
            )
            .client_metadata(meta.clone()),
        )
        .unwrap();
    assert_eq!(custom.challenge_name, Some(ChallengeName::CustomChallenge));
    let define = w.hooks.defines().pop().unwrap();
    assert_eq!(
        define.request.session,
        vec![
            entry("SRP_A", true, None),
            entry("PASSWORD_VERIFIER", true, None),
            entry("NEW_PASSWORD_REQUIRED", true, None),
        ]
    );
    assert_eq!(define.request.client_metadata, Some(meta));
    assert_eq!(
        define.request.user_attributes["cognito:user_status"],
        "CONFIRMED"
    );
    // The password is set before the custom rounds end: the new one works.
    assert!(w.h.has_password(&username, "N3w-Passw0rd!"));
    // The new-password session is single use.
    assert_error(
        w.respond(RespondToAuthChallengeRequest::new_password(
            &w.client,
            npr.session.clone().unwrap(),
            &username,
            "An0ther-Passw0rd!",
        )),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session can only be used once.",
    );
    let done = w
        .respond(answer(&w.client, &custom, &username, "code-3"))
        .unwrap();
    let tokens = done.authentication_result.expect("tokens");
    assert_eq!(claims(&tokens.access_token)["username"], username.as_str());
}

#[test]
fn a_pool_whose_only_client_allows_custom_auth_keeps_verifiers_for_srp_first() {
    let hooks = Arc::new(Script::standard());
    let h = pool_with(&hooks);
    // The sign-up client allows password sign-in only; the other, CUSTOM_AUTH only.
    let client = add_client(
        &h,
        AppClientConfig::builder("custom-only").explicit_auth_flows([AuthFlow::CustomAuth]),
    )
    .id()
    .to_owned();
    let jane = confirmed(&h, JANE);
    let w = World {
        h,
        hooks,
        client,
        jane,
    };
    let srp = SrpClient::new_random().unwrap();
    let pv = w.initiate(srp_start(&w, &srp, true)).unwrap();
    let custom = w.respond(srp_proof(&w, &srp, &pv, PASSWORD)).unwrap();
    assert_eq!(custom.challenge_name, Some(ChallengeName::CustomChallenge));
}
