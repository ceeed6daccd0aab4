//! Malformed and unsupported requests, refused with Cognito's exceptions.

use serde_json::json;

use crate::support::PASSWORD;
use crate::support::wire::Calls;

use super::OnePool;

#[test]
fn malformed_and_unsupported_requests() {
    let w = OnePool::new();

    let (t, m) = w.refused("FlyToTheMoon", &json!({}));
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "UnknownOperationException",
            "Unknown operation: FlyToTheMoon"
        )
    );

    let (t, _) = w.refused(
        "SignUp",
        &json!({"ClientId": w.client_id, "Username": 5, "Password": PASSWORD}),
    );
    assert_eq!(t, "SerializationException");
    let resp = userpool::wire::handle(&w.world.registry, "SignUp", b"{not json");
    assert_eq!(resp.status, 400);
    assert_eq!(resp.error_type, Some("SerializationException"));

    let (t, m) = w.refused(
        "SignUp",
        &json!({"ClientId": w.client_id, "Password": PASSWORD}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null"
    );

    // Members the engine does not implement are refused by name, before any effect.
    let (t, m) = w.refused(
        "SignUp",
        &json!({
            "ClientId": w.client_id,
            "Username": "ned",
            "Password": PASSWORD,
            "PreferredChallenge": "EMAIL_OTP",
        }),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "The parameter PreferredChallenge is not supported by this engine."
    );
    let (t, _) = w.refused(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "ned"}),
    );
    assert_eq!(
        t, "UserNotFoundException",
        "the refused SignUp created nothing"
    );
    let (_, m) = w.refused(
        "SignUp",
        &json!({"ClientId": w.client_id, "Username": "ned", "Password": PASSWORD, "Bogus": 1}),
    );
    assert_eq!(m, "The parameter Bogus is not supported by this engine.");
    let (_, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "ned", "PASSWORD": PASSWORD},
            "Session": "x".repeat(32),
        }),
    );
    assert_eq!(m, "The parameter Session is not supported by this engine.");
    // DeviceKey is read now (remembered devices): the token itself is judged.
    let (t, m) = w.refused(
        "GetTokensFromRefreshToken",
        &json!({"RefreshToken": "x", "ClientId": w.client_id, "DeviceKey": "us-east-1_dev"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Invalid Refresh Token")
    );
    let (t, _) = w.refused(
        "SignUp",
        &json!({"ClientId": w.client_id, "Username": "ned"}),
    );
    assert_eq!(
        t, "InvalidParameterException",
        "passwordless sign-up is not simulated"
    );

    // Unknown pools and clients.
    let (t, m) = w.refused(
        "AdminGetUser",
        &json!({"UserPoolId": "us-east-1_Nope", "Username": "x"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "ResourceNotFoundException",
            "User pool us-east-1_Nope does not exist."
        )
    );
    let (t, m) = w.refused(
        "SignUp",
        &json!({"ClientId": "nope", "Username": "x", "Password": PASSWORD}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "ResourceNotFoundException",
            "User pool client nope does not exist."
        )
    );
    let (t, _) = w.refused(
        "AdminInitiateAuth",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": "nope",
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "x", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(t, "ResourceNotFoundException");
    let (t, m) = w.refused("GetUser", &json!({"AccessToken": "garbage"}));
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Invalid Access Token")
    );

    // Enumerations.
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({"AuthFlow": "ALLOW_USER_PASSWORD_AUTH", "ClientId": w.client_id}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value 'ALLOW_USER_PASSWORD_AUTH' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"
    );
    let (t, m) = w.refused(
        "RespondToAuthChallenge",
        &json!({"ClientId": w.client_id, "ChallengeName": "NOPE"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert!(
        m.starts_with("1 validation error detected: Value 'NOPE' at 'challengeName'"),
        "{m}"
    );
    let (t, m) = w.refused(
        "RespondToAuthChallenge",
        &json!({"ClientId": w.client_id, "ChallengeName": "WEB_AUTHN"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "The challenge WEB_AUTHN is not supported by this engine."
    );
    let (t, m) = w.refused(
        "RespondToAuthChallenge",
        &json!({"ClientId": w.client_id, "ChallengeName": "SMS_MFA"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "Missing required parameter USERNAME"
        )
    );
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": w.client_id, "AuthParameters": {"USERNAME": "x"}}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "Missing required parameter PASSWORD"
        )
    );

    // An unknown user under LEGACY existence errors.
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "nobody", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("UserNotFoundException", "User does not exist.")
    );
}

/// What the request itself lacks is refused before the pool is looked for,
/// as the pool refuses it first when called directly: the same answer
/// whichever way the request arrives.
#[test]
fn a_request_refused_for_itself_is_refused_before_its_pool_is_found() {
    let w = OnePool::new();
    let (t, m) = w.refused(
        "SignUp",
        &json!({"ClientId": "nosuchclient", "Username": "ned"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "Password is required: passwordless sign-up is not supported by this engine."
        )
    );
    let mut direct = userpool::SignUpRequest::new("nosuchclient", "ned", "x");
    direct.password = None;
    let e = w.world.registry.pool(w.pool_id()).unwrap().sign_up(direct);
    assert_eq!(e.map_err(|e| e.message().to_owned()), Err(m));

    let (t, m) = w.refused(
        "ChangePassword",
        &json!({"AccessToken": "not.a.token", "ProposedPassword": PASSWORD}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "PreviousPassword is required: passwordless users are not supported by this engine."
        )
    );
}

/// The members accepted with no effect (`ClientMetadata`,
/// `AnalyticsMetadata`, `UserContextData`, `ContextData`) still have the
/// service model's shapes (botocore's `cognito-idp` `service-2.json`): a
/// wrong JSON type is a `SerializationException`, a missing required
/// member of `ContextData` an `InvalidParameterException`, an unknown
/// member refused by name, and the refused request changes nothing.
#[test]
fn members_without_effect_are_type_checked_against_the_model() {
    let w = OnePool::new();
    let sign_up = |name: &str, extra: (&str, serde_json::Value)| {
        let mut body = json!({"ClientId": w.client_id, "Username": name, "Password": PASSWORD});
        body[extra.0] = extra.1;
        body
    };
    let context = json!({
        "IpAddress": "192.0.2.1",
        "ServerName": "example.com",
        "ServerPath": "/login",
        "HttpHeaders": [{"headerName": "User-Agent", "headerValue": "test"}],
        "EncodedData": "e30=",
    });
    // Well-typed, they are accepted and do nothing.
    for (i, member) in [
        ("ClientMetadata", json!({"k": "v"})),
        ("AnalyticsMetadata", json!({"AnalyticsEndpointId": "e"})),
        (
            "UserContextData",
            json!({"IpAddress": "192.0.2.1", "EncodedData": "x"}),
        ),
        ("ContextData", context.clone()),
        ("ClientMetadata", json!(null)),
    ]
    .into_iter()
    .enumerate()
    {
        w.ok("SignUp", &sign_up(&format!("ok{i}"), member));
    }

    let wrong_types = [
        (
            "ClientMetadata",
            json!("k=v"),
            "Expected map for ClientMetadata.",
        ),
        (
            "ClientMetadata",
            json!({"k": 1}),
            "Expected map of strings for ClientMetadata.",
        ),
        (
            "ClientMetadata",
            json!([["k", "v"]]),
            "Expected map for ClientMetadata.",
        ),
        (
            "AnalyticsMetadata",
            json!("e"),
            "Expected structure for AnalyticsMetadata.",
        ),
        (
            "AnalyticsMetadata",
            json!({"AnalyticsEndpointId": 7}),
            "Expected string for AnalyticsMetadata.AnalyticsEndpointId.",
        ),
        (
            "UserContextData",
            json!(["x"]),
            "Expected structure for UserContextData.",
        ),
        (
            "UserContextData",
            json!({"IpAddress": true}),
            "Expected string for UserContextData.IpAddress.",
        ),
        (
            "UserContextData",
            json!({"EncodedData": {}}),
            "Expected string for UserContextData.EncodedData.",
        ),
        (
            "ContextData",
            json!(1),
            "Expected structure for ContextData.",
        ),
        (
            "ContextData",
            {
                let mut c = context.clone();
                c["HttpHeaders"] = json!({"User-Agent": "x"});
                c
            },
            "Expected list for ContextData.HttpHeaders.",
        ),
        (
            "ContextData",
            {
                let mut c = context.clone();
                c["HttpHeaders"] = json!(["User-Agent: x"]);
                c
            },
            "Expected structure for ContextData.HttpHeaders.member.",
        ),
        (
            "ContextData",
            {
                let mut c = context.clone();
                c["HttpHeaders"] = json!([{"headerName": 1, "headerValue": "x"}]);
                c
            },
            "Expected string for ContextData.HttpHeaders.member.headerName.",
        ),
        (
            "ContextData",
            {
                let mut c = context.clone();
                c["ServerPath"] = json!(["/"]);
                c
            },
            "Expected string for ContextData.ServerPath.",
        ),
    ];
    for (member, value, message) in wrong_types {
        let (t, m) = w.refused("SignUp", &sign_up("ned", (member, value.clone())));
        assert_eq!(
            (t.as_str(), m.as_str()),
            ("SerializationException", message),
            "{member}: {value}"
        );
    }

    let mut no_ip = context.clone();
    no_ip.as_object_mut().unwrap().remove("IpAddress");
    let (t, m) = w.refused("SignUp", &sign_up("ned", ("ContextData", no_ip)));
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "1 validation error detected: Value null at 'contextData.ipAddress' failed to \
             satisfy constraint: Member must not be null"
        )
    );
    let (t, m) = w.refused(
        "SignUp",
        &sign_up("ned", ("AnalyticsMetadata", json!({"Endpoint": "e"}))),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "The parameter AnalyticsMetadata.Endpoint is not supported by this engine."
        )
    );
    let (t, _) = w.refused(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "ned"}),
    );
    assert_eq!(t, "UserNotFoundException", "no refused SignUp created ned");
}

/// Every operation whose botocore model has `ClientMetadata`,
/// `AnalyticsMetadata`, `UserContextData` or `ContextData` type-checks
/// them before it acts: a wrong type is a `SerializationException` whatever
/// the rest of the request (here: users and codes that do not exist).
#[test]
fn every_operation_type_checks_its_members_without_effect() {
    let w = OnePool::new();
    let pool = w.pool.id().to_owned();
    let client = w.client_id.clone();
    let ops = [
        (
            "AdminConfirmSignUp",
            json!({"UserPoolId": pool, "Username": "nobody"}),
            "C",
        ),
        (
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "nobody"}),
            "C",
        ),
        (
            "AdminInitiateAuth",
            json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "nobody", "PASSWORD": PASSWORD}}),
            "CAX",
        ),
        (
            "AdminResetUserPassword",
            json!({"UserPoolId": pool, "Username": "nobody"}),
            "C",
        ),
        (
            "AdminRespondToAuthChallenge",
            json!({"UserPoolId": pool, "ClientId": client, "ChallengeName": "NEW_PASSWORD_REQUIRED",
                   "ChallengeResponses": {"USERNAME": "nobody"}, "Session": "x".repeat(20)}),
            "CAX",
        ),
        (
            "AdminUpdateUserAttributes",
            json!({"UserPoolId": pool, "Username": "nobody",
                   "UserAttributes": [{"Name": "name", "Value": "N"}]}),
            "C",
        ),
        (
            "ConfirmForgotPassword",
            json!({"ClientId": client, "Username": "nobody", "ConfirmationCode": "123456",
                   "Password": PASSWORD}),
            "CAU",
        ),
        (
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "nobody", "ConfirmationCode": "123456"}),
            "CAU",
        ),
        (
            "ForgotPassword",
            json!({"ClientId": client, "Username": "nobody"}),
            "CAU",
        ),
        (
            "GetUserAttributeVerificationCode",
            json!({"AccessToken": "x".repeat(40), "AttributeName": "email"}),
            "C",
        ),
        (
            "InitiateAuth",
            json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "nobody", "PASSWORD": PASSWORD}}),
            "CAU",
        ),
        (
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "nobody"}),
            "CAU",
        ),
        (
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "NEW_PASSWORD_REQUIRED",
                   "ChallengeResponses": {"USERNAME": "nobody"}, "Session": "x".repeat(20)}),
            "CAU",
        ),
        (
            "SignUp",
            json!({"ClientId": client, "Username": "nobody", "Password": PASSWORD}),
            "CAU",
        ),
        (
            "UpdateUserAttributes",
            json!({"AccessToken": "x".repeat(40),
                   "UserAttributes": [{"Name": "name", "Value": "N"}]}),
            "C",
        ),
    ];
    for (op, body, members) in ops {
        for (flag, member, wrong) in [
            ('C', "ClientMetadata", json!(5)),
            ('C', "ClientMetadata", json!({"k": ["v"]})),
            ('A', "AnalyticsMetadata", json!(["e"])),
            ('U', "UserContextData", json!("192.0.2.1")),
            ('X', "ContextData", json!({"IpAddress": 1})),
        ] {
            if !members.contains(flag) {
                continue;
            }
            let mut input = body.clone();
            input[member] = wrong.clone();
            let (t, m) = w.refused(op, &input);
            assert_eq!(t, "SerializationException", "{op} {member}={wrong}: {m}");
            assert!(m.contains(member), "{op} {member}: {m}");
        }
    }
    // Nothing was created by the refused calls.
    let listed = w.ok("ListUsers", &json!({"UserPoolId": pool}));
    assert_eq!(listed["Users"], json!([]), "{listed}");
}
