//! The wire adapter on untrusted input: `userpool::wire::handle` never
//! panics, and every answer is well formed (cognito-protocol.md §3.3, §3.4):
//!
//! * status 200 only with a JSON object body and no error type;
//! * otherwise a JSON object of exactly `__type` and a string `message`,
//!   and `x-amzn-ErrorType` equal to `__type`. The `__type` is one of
//!   `ErrorCode`'s names with the status that code maps to (400, or 500 for
//!   `InternalErrorException`), or one of `ProtocolError`'s names
//!   (`SerializationException`, `UnknownOperationException`) with 400.
//!
//! Input layout: the first byte picks the operation from [`OPERATIONS`]
//! (every operation of the adapter, then unknown names); the rest is the
//! request body. So that the fuzzer reaches past the pool and client
//! lookups, these byte pairs in the body are replaced before the call:
//! `@P` by the pool id, `@C` by the client id, `@A` by a valid access
//! token, `@R` by a valid refresh token, `@S` by the session of a
//! `SOFTWARE_TOKEN_MFA` challenge (the pool offers TOTP, SMS and email
//! MFA, and a second user, `mfa`, has an authenticator), `@D` by the
//! device key the first user's sign-in was issued (the pool tracks
//! devices).
//!
//! Every input is also a request for the SigV4 verifier
//! (`userpool::wire::sigv4`): the body's first line is the `Authorization`
//! header, the rest the payload, `X-Amz-Target` the operation; it must
//! never panic, and a refusal must be well formed too, with one of the four
//! signature errors and 400. The dictionary `fuzz/wire.dict` (CI passes it
//! with `-dict=`) holds the members, operations and SigV4 pieces these
//! inputs need to reach deep: the members without effect and their wrong
//! types, the credential scope, `SignedHeaders`, the skew boundaries.
//!
//! One registry (one pool, one client, one signed-in user) is built once per
//! process with the insecure test hashing preset and state persists across
//! inputs, so a crash may need the inputs before it to reproduce.
//! `DeleteUserPool` and `DeleteUserPoolClient` are left out of the list: one
//! early hit would send every later input to `ResourceNotFoundException`.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use userpool::Timestamp;
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::{DeviceConfiguration, EmailMfa, MfaMode, MfaSettings, PoolConfig, SmsMfa};
use userpool::internals::totp::{TotpKey, code_at};
use userpool::registry::{Registry, RegistryOptions};
use userpool::token::KeySet;
use userpool::wire::sigv4::{AccessKey, HttpRequest, Verifier};
use userpool::wire::{self, ProtocolError, WireResponse};
use userpool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, DeliveryError, ErrorCode, HashingParams,
    InitiateAuthRequest, Message, MessageAction, MessageSender, MfaCaller, UserPool,
};

const OPERATIONS: &[&str] = &[
    // Users, sign-in, tokens, groups.
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "AdminConfirmSignUp",
    "AdminCreateUser",
    "AdminGetUser",
    "GetUser",
    "AdminUpdateUserAttributes",
    "UpdateUserAttributes",
    "AdminDeleteUserAttributes",
    "DeleteUserAttributes",
    "VerifyUserAttribute",
    "GetUserAttributeVerificationCode",
    "AdminDeleteUser",
    "DeleteUser",
    "AdminDisableUser",
    "AdminEnableUser",
    "ListUsers",
    "AdminSetUserPassword",
    "AdminResetUserPassword",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "InitiateAuth",
    "AdminInitiateAuth",
    "RespondToAuthChallenge",
    "AdminRespondToAuthChallenge",
    "GetTokensFromRefreshToken",
    "GlobalSignOut",
    "AdminUserGlobalSignOut",
    "RevokeToken",
    "CreateGroup",
    "GetGroup",
    "ListGroups",
    "UpdateGroup",
    "DeleteGroup",
    "AdminAddUserToGroup",
    "AdminRemoveUserFromGroup",
    "AdminListGroupsForUser",
    "ListUsersInGroup",
    // Second factors.
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
    "AdminSetUserMFAPreference",
    "SetUserSettings",
    "AdminSetUserSettings",
    "AdminDeleteSoftwareToken",
    // Devices.
    "ConfirmDevice",
    "UpdateDeviceStatus",
    "AdminUpdateDeviceStatus",
    "ListDevices",
    "AdminListDevices",
    "GetDevice",
    "AdminGetDevice",
    "ForgetDevice",
    "AdminForgetDevice",
    // Pools and clients.
    "CreateUserPool",
    "DescribeUserPool",
    "UpdateUserPool",
    "ListUserPools",
    "AddCustomAttributes",
    "CreateUserPoolClient",
    "DescribeUserPoolClient",
    "UpdateUserPoolClient",
    "ListUserPoolClients",
    "GetSigningCertificate",
    "SetUserPoolMfaConfig",
    "GetUserPoolMfaConfig",
    "CreateResourceServer",
    "DescribeResourceServer",
    "ListResourceServers",
    "UpdateResourceServer",
    "DeleteResourceServer",
    "CreateUserPoolDomain",
    "DescribeUserPoolDomain",
    "UpdateUserPoolDomain",
    "DeleteUserPoolDomain",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
    "AddUserPoolClientSecret",
    "ListUserPoolClientSecrets",
    "DeleteUserPoolClientSecret",
    // With the service prefix, and unknown names.
    "AWSCognitoIdentityProviderService.AdminGetUser",
    "AWSCognitoIdentityProviderService.InitiateAuth",
    "AWSCognitoIdentityProviderService.",
    "signUp",
    "",
    "\u{0}",
    "AWSCognitoIdentityProviderService.Nope",
];

/// Every Cognito exception the adapter may answer.
const CODES: [ErrorCode; 34] = [
    ErrorCode::InvalidParameter,
    ErrorCode::InvalidPassword,
    ErrorCode::NotAuthorized,
    ErrorCode::UserNotFound,
    ErrorCode::UsernameExists,
    ErrorCode::AliasExists,
    ErrorCode::UserNotConfirmed,
    ErrorCode::PasswordResetRequired,
    ErrorCode::CodeMismatch,
    ErrorCode::ExpiredCode,
    ErrorCode::TooManyFailedAttempts,
    ErrorCode::LimitExceeded,
    ErrorCode::TooManyRequests,
    ErrorCode::ResourceNotFound,
    ErrorCode::GroupExists,
    ErrorCode::PasswordHistoryPolicyViolation,
    ErrorCode::CodeDeliveryFailure,
    ErrorCode::UnsupportedTokenType,
    ErrorCode::UnsupportedOperation,
    ErrorCode::Unauthorized,
    ErrorCode::RefreshTokenReuse,
    ErrorCode::InvalidUserPoolConfiguration,
    ErrorCode::UnsupportedUserState,
    ErrorCode::FeatureUnavailableInTier,
    ErrorCode::UserLambdaValidation,
    ErrorCode::InvalidLambdaResponse,
    ErrorCode::UnexpectedLambda,
    ErrorCode::SoftwareTokenMfaNotFound,
    ErrorCode::EnableSoftwareTokenMfa,
    ErrorCode::MfaMethodNotFound,
    ErrorCode::DeviceKeyExists,
    ErrorCode::InvalidOAuthFlow,
    ErrorCode::ScopeDoesNotExist,
    ErrorCode::InternalError,
];

/// The errors of the protocol itself, answered before any operation runs.
const PROTOCOL_ERRORS: [ProtocolError; 2] = [
    ProtocolError::Serialization,
    ProtocolError::UnknownOperation,
];

/// What the SigV4 verifier may refuse with (all 400).
const SIGNATURE_ERRORS: [ProtocolError; 4] = [
    ProtocolError::MissingAuthenticationToken,
    ProtocolError::UnrecognizedClient,
    ProtocolError::InvalidSignature,
    ProtocolError::IncompleteSignature,
];

/// The HTTP status of a known `__type`, or `None` for a name the adapter
/// must never answer.
fn status_of(kind: &str) -> Option<u16> {
    if let Some(code) = CODES.iter().find(|c| c.as_str() == kind) {
        return Some(code.http_status());
    }
    PROTOCOL_ERRORS
        .iter()
        .any(|p| p.as_str() == kind)
        .then_some(400)
}

/// Delivers nothing, keeps nothing: the run's memory stays flat.
#[derive(Debug)]
struct Discard;

impl MessageSender for Discard {
    fn send(&self, _: &Message) -> Result<(), DeliveryError> {
        Ok(())
    }
}

struct Fixture {
    registry: Registry,
    substitutions: [(&'static [u8], Vec<u8>); 6],
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let registry = Registry::new(RegistryOptions {
            hashing: HashingParams::insecure_fast_for_tests(),
            keys: Some(KeySet::generate().expect("key generation")),
            sender: Arc::new(Discard),
            ..RegistryOptions::default()
        });
        let mfa = MfaSettings {
            mode: MfaMode::Optional,
            sms: Some(SmsMfa::default()),
            software_token: true,
            email: Some(EmailMfa::default()),
        };
        let pool = registry
            .create_pool(
                PoolConfig::builder("fuzz")
                    .mfa(mfa)
                    .device_configuration(Some(DeviceConfiguration {
                        challenge_required_on_new_device: true,
                        device_only_remembered_on_user_prompt: true,
                    }))
                    .build()
                    .expect("pool config"),
            )
            .expect("pool");
        let client = pool
            .create_user_pool_client(
                AppClientConfig::builder("fuzz")
                    .explicit_auth_flows([
                        AuthFlow::UserSrpAuth,
                        AuthFlow::UserPasswordAuth,
                        AuthFlow::AdminUserPasswordAuth,
                        AuthFlow::RefreshTokenAuth,
                    ])
                    .build()
                    .expect("client config"),
            )
            .expect("client");
        let mut create = AdminCreateUserRequest::new("fuzzer").attribute("email", "f@example.com");
        create.message_action = Some(MessageAction::Suppress);
        pool.admin_create_user(create).expect("user");
        pool.admin_set_user_password(
            AdminSetUserPasswordRequest::new("fuzzer", "1234Abcd^").permanent(true),
        )
        .expect("password");
        let tokens = pool
            .initiate_auth(InitiateAuthRequest::user_password(
                client.id(),
                "fuzzer",
                "1234Abcd^",
            ))
            .expect("sign-in")
            .authentication_result
            .expect("tokens");
        let session = mfa_session(&pool, client.id());
        let device = tokens
            .new_device_metadata
            .as_ref()
            .map(|d| d.device_key.clone())
            .expect("a tracked device");
        let substitutions = [
            (&b"@D"[..], device.into_bytes()),
            (&b"@S"[..], session.into_bytes()),
            (&b"@P"[..], pool.id().as_bytes().to_vec()),
            (&b"@C"[..], client.id().as_bytes().to_vec()),
            (&b"@A"[..], tokens.access_token.into_bytes()),
            (
                &b"@R"[..],
                tokens.refresh_token.expect("a refresh token").into_bytes(),
            ),
        ];
        Fixture {
            registry,
            substitutions,
        }
    })
}

/// Creates `mfa`, a user with a verified authenticator, and returns the
/// session of its `SOFTWARE_TOKEN_MFA` challenge.
fn mfa_session(pool: &UserPool, client_id: &str) -> String {
    let mut create = AdminCreateUserRequest::new("mfa").attribute("email", "m@example.com");
    create.message_action = Some(MessageAction::Suppress);
    pool.admin_create_user(create).expect("mfa user");
    pool.admin_set_user_password(
        AdminSetUserPasswordRequest::new("mfa", "1234Abcd^").permanent(true),
    )
    .expect("mfa password");
    let sign_in = || {
        pool.initiate_auth(InitiateAuthRequest::user_password(
            client_id,
            "mfa",
            "1234Abcd^",
        ))
        .expect("mfa sign-in")
    };
    let access = sign_in()
        .authentication_result
        .expect("tokens")
        .access_token;
    let secret = pool
        .associate_software_token(MfaCaller::AccessToken(&access))
        .expect("associate");
    let key = TotpKey::from_secret_code(secret.secret_code.expose_secret()).expect("base32");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let code = String::from_utf8(code_at(key.expose_secret(), now).to_vec()).expect("digits");
    pool.verify_software_token(MfaCaller::AccessToken(&access), &code, None)
        .expect("verify");
    sign_in().session.expect("an MFA challenge")
}

/// `body` with every placeholder replaced.
fn substitute(body: &[u8], substitutions: &[(&[u8], Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    'outer: while i < body.len() {
        for (from, to) in substitutions {
            if body[i..].starts_with(from) {
                out.extend_from_slice(to);
                i += from.len();
                continue 'outer;
            }
        }
        out.push(body[i]);
        i += 1;
    }
    out
}

/// The `__type` of an error answer, after checking the answer is well
/// formed: a JSON object, and for an error exactly `__type` and a string
/// `message`, `x-amzn-ErrorType` equal to `__type`. `None` for a 200.
fn error_kind<'r>(op: &str, resp: &'r WireResponse) -> Option<&'r str> {
    let parsed: Value = serde_json::from_str(&resp.body)
        .unwrap_or_else(|e| panic!("{op}: the body is not JSON ({e}): {}", resp.body));
    let object = parsed
        .as_object()
        .unwrap_or_else(|| panic!("{op}: the body is not an object: {}", resp.body));
    if resp.status == 200 {
        assert_eq!(resp.error_type, None, "{op}: a 200 with an error type");
        return None;
    }
    let kind = object
        .get("__type")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{op}: no string __type: {}", resp.body));
    assert!(
        object.get("message").is_some_and(Value::is_string),
        "{op}: no string message: {}",
        resp.body
    );
    assert_eq!(object.len(), 2, "{op}: extra members: {}", resp.body);
    let error_type = resp
        .error_type
        .unwrap_or_else(|| panic!("{op}: an error without x-amzn-ErrorType"));
    assert_eq!(error_type, kind, "{op}: x-amzn-ErrorType");
    Some(error_type)
}

/// The verifier of AWS's SigV4 test suite's key, region and date.
fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        Verifier::new(
            "us-east-1",
            vec![AccessKey::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            )],
        )
    })
}

/// `body` as a signed request to `op`: its first line the `Authorization`
/// header, the rest the payload.
fn check_signature(op: &str, body: &[u8]) {
    let (authorization, payload) = match body.iter().position(|&b| b == b'\n') {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, &b""[..]),
    };
    let headers: [(&str, &[u8]); 5] = [
        ("host", b"cognito-idp.us-east-1.amazonaws.com"),
        ("x-amz-date", b"20150830T123600Z"),
        ("x-amz-target", op.as_bytes()),
        ("content-type", b"application/x-amz-json-1.1"),
        ("authorization", authorization),
    ];
    let request = HttpRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: payload,
    };
    // 2015-08-30T12:36:00Z, the suite's date.
    let now = Timestamp::from_unix_seconds(1_440_938_160);
    if let Err(refused) = verifier().verify(&request, now) {
        let resp = refused.response();
        let kind = error_kind(op, &resp).unwrap_or_else(|| panic!("{op}: a refusal with 200"));
        assert!(
            SIGNATURE_ERRORS.iter().any(|e| e.as_str() == kind),
            "{op}: the verifier refused with {kind}"
        );
        assert_eq!(resp.status, 400, "{op}: status of {kind}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let f = fixture();
    let op = OPERATIONS[usize::from(pick) % OPERATIONS.len()];
    check_signature(op, body);
    let body = substitute(body, &f.substitutions);
    let resp = wire::handle(&f.registry, op, &body);
    let Some(kind) = error_kind(op, &resp) else {
        return;
    };
    let status = status_of(kind).unwrap_or_else(|| panic!("{op}: unknown __type {kind}"));
    assert_eq!(resp.status, status, "{op}: status of {kind}");
});
