//! The user, auth, token, recovery and group operations of the wire adapter,
//! driven through `Registry::handle` with the JSON bodies boto3 and
//! amazon-cognito-identity-js send (cognito-protocol.md §3, §4, Appendix A):
//! exact output shapes, `__type`s and messages, HTTP status, and the refusal
//! of members the engine does not implement.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use userpool::UserPool;
use userpool::client::{AppClientConfig, AuthFlow, PreventUserExistenceErrors, secret_hash};
use userpool::config::PoolConfig;
use userpool::config::VerifiedAttribute;
use userpool::registry::Registry;
use userpool::srp::SrpClient;

use crate::support::wire::{Calls, World};
use crate::support::{PASSWORD, START, is_uuid_v4};

/// Another password the default policy accepts.
const NEW_PASSWORD: &str = "5678Efgh!";

/// A [`World`] with one pool (plain usernames, email auto-verified, the
/// default password policy) and one public client allowing SRP, password,
/// admin password and refresh flows.
struct OnePool {
    world: World,
    pool: UserPool,
    client_id: String,
}

impl Calls for OnePool {
    fn registry(&self) -> &Registry {
        &self.world.registry
    }
}

impl OnePool {
    fn new() -> Self {
        let world = World::new();
        let pool = world
            .registry
            .create_pool(
                PoolConfig::builder("wire")
                    .auto_verified_attributes(&[VerifiedAttribute::Email])
                    .build()
                    .expect("the pool config is valid"),
            )
            .expect("the pool is created");
        let client = pool
            .create_user_pool_client(
                AppClientConfig::builder("web")
                    .explicit_auth_flows([
                        AuthFlow::UserSrpAuth,
                        AuthFlow::UserPasswordAuth,
                        AuthFlow::AdminUserPasswordAuth,
                        AuthFlow::RefreshTokenAuth,
                    ])
                    .build()
                    .expect("the client config is valid"),
            )
            .expect("the client is created");
        Self {
            world,
            client_id: client.id().to_owned(),
            pool,
        }
    }

    fn pool_id(&self) -> &str {
        self.pool.id()
    }

    /// The code of the newest message for `who` (username or destination).
    fn code_for(&self, who: &str) -> String {
        self.world
            .outbox
            .last_code_for(who)
            .unwrap_or_else(|| panic!("no message for {who}"))
            .expose_secret()
            .to_owned()
    }

    /// Signs `username` up with `email` and confirms it with the emailed code.
    fn confirmed_user(&self, username: &str, email: &str) -> Value {
        let out = self.ok(
            "SignUp",
            &json!({
                "ClientId": self.client_id,
                "Username": username,
                "Password": PASSWORD,
                "UserAttributes": [{"Name": "email", "Value": email}],
            }),
        );
        self.ok(
            "ConfirmSignUp",
            &json!({
                "ClientId": self.client_id,
                "Username": username,
                "ConfirmationCode": self.code_for(email),
            }),
        );
        out
    }

    /// `USER_PASSWORD_AUTH`; the `AuthenticationResult`.
    fn sign_in(&self, username: &str, password: &str) -> Value {
        let out = self.ok(
            "InitiateAuth",
            &json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": self.client_id,
                "AuthParameters": {"USERNAME": username, "PASSWORD": password},
            }),
        );
        out["AuthenticationResult"].clone()
    }

    /// A `FORCE_CHANGE_PASSWORD` user created without an invitation.
    fn admin_user(&self, username: &str, email: &str) -> Value {
        self.ok(
            "AdminCreateUser",
            &json!({
                "UserPoolId": self.pool_id(),
                "Username": username,
                "UserAttributes": [{"Name": "email", "Value": email}],
                "TemporaryPassword": PASSWORD,
                "MessageAction": "SUPPRESS",
            }),
        )
    }
}

fn keys_of(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

fn attr<'a>(attributes: &'a Value, name: &str) -> Option<&'a str> {
    attributes
        .as_array()
        .expect("an attribute list")
        .iter()
        .find(|a| a["Name"] == name)
        .and_then(|a| a["Value"].as_str())
}

// ----- the main flow -----

#[test]
fn sign_up_confirm_sign_in_refresh_and_global_sign_out() {
    let w = OnePool::new();

    let out = w.ok(
        "SignUp",
        &json!({
            "ClientId": w.client_id,
            "Username": "alice",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "ClientMetadata": {"source": "test"},
        }),
    );
    assert_eq!(
        keys_of(&out),
        set(&["UserConfirmed", "UserSub", "CodeDeliveryDetails"])
    );
    assert_eq!(out["UserConfirmed"], false);
    let sub = out["UserSub"].as_str().expect("UserSub").to_owned();
    assert!(is_uuid_v4(&sub), "{sub}");
    let details = &out["CodeDeliveryDetails"];
    assert_eq!(
        keys_of(details),
        set(&["Destination", "DeliveryMedium", "AttributeName"])
    );
    assert_eq!(details["DeliveryMedium"], "EMAIL");
    assert_eq!(details["AttributeName"], "email");
    let destination = details["Destination"].as_str().expect("Destination");
    assert!(destination.contains('*') && !destination.contains("alice@"));

    // Not yet confirmed: refused before the password is checked.
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("UserNotConfirmedException", "User is not confirmed.")
    );

    let (t, m) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": w.client_id, "Username": "alice", "ConfirmationCode": "000000x"}),
    );
    assert_eq!(t, "CodeMismatchException");
    assert_eq!(m, "Invalid verification code provided, please try again.");

    let out = w.ok(
        "ConfirmSignUp",
        &json!({
            "ClientId": w.client_id,
            "Username": "alice",
            "ConfirmationCode": w.code_for("alice@example.com"),
            "ForceAliasCreation": false,
        }),
    );
    assert_eq!(out, json!({}));

    let (t, m) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": w.client_id, "Username": "alice", "ConfirmationCode": "123456"}),
    );
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, "User cannot be confirmed. Current status is CONFIRMED");

    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(
        keys_of(&out),
        set(&["ChallengeParameters", "AuthenticationResult"])
    );
    assert_eq!(out["ChallengeParameters"], json!({}));
    let tokens = &out["AuthenticationResult"];
    assert_eq!(
        keys_of(tokens),
        set(&[
            "AccessToken",
            "ExpiresIn",
            "TokenType",
            "RefreshToken",
            "IdToken"
        ])
    );
    assert_eq!(tokens["ExpiresIn"], 3600);
    assert_eq!(tokens["TokenType"], "Bearer");
    let access = tokens["AccessToken"]
        .as_str()
        .expect("AccessToken")
        .to_owned();
    let refresh = tokens["RefreshToken"]
        .as_str()
        .expect("RefreshToken")
        .to_owned();

    let out = w.ok("GetUser", &json!({"AccessToken": access}));
    assert_eq!(keys_of(&out), set(&["Username", "UserAttributes"]));
    assert_eq!(out["Username"], "alice");
    let attributes = &out["UserAttributes"];
    assert_eq!(attributes[0], json!({"Name": "sub", "Value": sub}));
    assert_eq!(attr(attributes, "email"), Some("alice@example.com"));
    assert_eq!(attr(attributes, "email_verified"), Some("true"));

    // Refresh with the legacy flow name: new access and ID tokens, no refresh token.
    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "REFRESH_TOKEN",
            "ClientId": w.client_id,
            "AuthParameters": {"REFRESH_TOKEN": refresh},
        }),
    );
    assert_eq!(out["ChallengeParameters"], json!({}));
    assert_eq!(
        keys_of(&out["AuthenticationResult"]),
        set(&["AccessToken", "ExpiresIn", "TokenType", "IdToken"])
    );
    let out = w.ok(
        "GetTokensFromRefreshToken",
        &json!({"RefreshToken": refresh, "ClientId": w.client_id}),
    );
    assert_eq!(keys_of(&out), set(&["AuthenticationResult"]));
    assert_eq!(out["AuthenticationResult"]["TokenType"], "Bearer");

    assert_eq!(
        w.ok("GlobalSignOut", &json!({"AccessToken": access})),
        json!({})
    );
    let (t, m) = w.refused("GetUser", &json!({"AccessToken": access}));
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, "Access Token has been revoked");
    let (t, _) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"REFRESH_TOKEN": refresh},
        }),
    );
    assert_eq!(t, "NotAuthorizedException");

    // Wrong password.
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Wrong123!"},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
}

#[test]
fn the_target_may_omit_the_service_prefix() {
    let w = OnePool::new();
    let resp = userpool::wire::handle(
        &w.world.registry,
        "AdminGetUser",
        json!({"UserPoolId": w.pool_id(), "Username": "nobody"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(resp.status, 400);
    assert_eq!(resp.error_type, Some("UserNotFoundException"));
    assert_eq!(
        serde_json::from_str::<Value>(&resp.body).unwrap(),
        json!({"__type": "UserNotFoundException", "message": "User does not exist."})
    );
}

// ----- SRP -----

#[test]
fn srp_sign_in_through_the_wire() {
    let w = OnePool::new();
    w.confirmed_user("bob", "bob@example.com");
    let pool_name = w
        .pool_id()
        .split_once('_')
        .expect("region_name")
        .1
        .to_owned();

    let attempt = |password: &str| -> (u16, Value) {
        let srp = SrpClient::new_random().expect("an SRP client");
        let out = w.ok(
            "InitiateAuth",
            &json!({
                "AuthFlow": "USER_SRP_AUTH",
                "ClientId": w.client_id,
                "AuthParameters": {"USERNAME": "bob", "SRP_A": srp.srp_a()},
                "ClientMetadata": {},
            }),
        );
        assert_eq!(
            keys_of(&out),
            set(&["ChallengeName", "ChallengeParameters"]),
            "no Session: real clients never echo one for PASSWORD_VERIFIER"
        );
        assert_eq!(out["ChallengeName"], "PASSWORD_VERIFIER");
        let p = &out["ChallengeParameters"];
        assert_eq!(
            keys_of(p),
            set(&[
                "SALT",
                "SECRET_BLOCK",
                "SRP_B",
                "USERNAME",
                "USER_ID_FOR_SRP"
            ])
        );
        assert_eq!(p["USER_ID_FOR_SRP"], "bob");
        let timestamp = userpool::srp::format_timestamp(userpool::Clock::now(&w.world.clock));
        let signature = srp
            .process_challenge(
                &pool_name,
                p["USER_ID_FOR_SRP"].as_str().unwrap(),
                password.as_bytes(),
                p["SALT"].as_str().unwrap(),
                p["SRP_B"].as_str().unwrap(),
                p["SECRET_BLOCK"].as_str().unwrap(),
                &timestamp,
            )
            .expect("the client answers the challenge");
        w.call(
            "RespondToAuthChallenge",
            &json!({
                "ClientId": w.client_id,
                "ChallengeName": "PASSWORD_VERIFIER",
                "ChallengeResponses": {
                    "PASSWORD_CLAIM_SIGNATURE": signature,
                    "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
                    "TIMESTAMP": timestamp,
                    "USERNAME": p["USER_ID_FOR_SRP"],
                },
            }),
        )
    };

    let (status, out) = attempt(PASSWORD);
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        keys_of(&out),
        set(&["ChallengeParameters", "AuthenticationResult"])
    );
    assert_eq!(out["ChallengeParameters"], json!({}));
    assert_eq!(
        keys_of(&out["AuthenticationResult"]),
        set(&[
            "AccessToken",
            "ExpiresIn",
            "TokenType",
            "RefreshToken",
            "IdToken"
        ])
    );
    let access = out["AuthenticationResult"]["AccessToken"].as_str().unwrap();
    assert_eq!(
        w.ok("GetUser", &json!({"AccessToken": access}))["Username"],
        "bob"
    );

    let (status, out) = attempt("Wrong123!");
    assert_eq!(status, 400);
    assert_eq!(
        out,
        json!({"__type": "NotAuthorizedException", "message": "Incorrect username or password."})
    );
}

// ----- admin-created users -----

#[test]
fn admin_created_user_answers_new_password_required() {
    let w = OnePool::new();
    let out = w.admin_user("carol", "carol@example.com");
    assert_eq!(keys_of(&out), set(&["User"]));
    let user = &out["User"];
    assert_eq!(
        keys_of(user),
        set(&[
            "Username",
            "Attributes",
            "UserCreateDate",
            "UserLastModifiedDate",
            "Enabled",
            "UserStatus"
        ])
    );
    assert_eq!(user["Username"], "carol");
    assert_eq!(user["Enabled"], true);
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(
        user["UserCreateDate"].as_f64(),
        Some(START.unix_seconds() as f64)
    );
    assert_eq!(user["Attributes"][0]["Name"], "sub");
    assert!(
        w.world.outbox.messages().is_empty(),
        "SUPPRESS sends nothing"
    );

    let out = w.ok(
        "AdminInitiateAuth",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": PASSWORD},
            "ContextData": {"IpAddress": "127.0.0.1", "ServerName": "x", "ServerPath": "/", "HttpHeaders": []},
        }),
    );
    assert_eq!(
        keys_of(&out),
        set(&["ChallengeName", "Session", "ChallengeParameters"])
    );
    assert_eq!(out["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let session = out["Session"].as_str().expect("Session").to_owned();
    assert!(session.len() >= 20);
    let params = &out["ChallengeParameters"];
    assert_eq!(params["USER_ID_FOR_SRP"], "carol");
    assert!(params["requiredAttributes"].is_string());
    assert!(params["userAttributes"].is_string());

    // The legacy name ADMIN_NO_SRP_AUTH is the same flow.
    let again = w.ok(
        "AdminInitiateAuth",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "AuthFlow": "ADMIN_NO_SRP_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(again["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    let (t, _) = w.refused(
        "AdminRespondToAuthChallenge",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeResponses": {"USERNAME": "carol", "NEW_PASSWORD": "short"},
        }),
    );
    assert_eq!(t, "InvalidPasswordException");

    let out = w.ok(
        "AdminRespondToAuthChallenge",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": again["Session"],
            "ChallengeResponses": {"USERNAME": "carol", "NEW_PASSWORD": NEW_PASSWORD},
        }),
    );
    assert_eq!(
        keys_of(&out),
        set(&["ChallengeParameters", "AuthenticationResult"])
    );
    assert_eq!(out["ChallengeParameters"], json!({}));

    let out = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "carol"}),
    );
    assert_eq!(
        keys_of(&out),
        set(&[
            "Username",
            "UserAttributes",
            "UserCreateDate",
            "UserLastModifiedDate",
            "Enabled",
            "UserStatus"
        ])
    );
    assert_eq!(out["UserStatus"], "CONFIRMED");
    assert_eq!(
        attr(&out["UserAttributes"], "email"),
        Some("carol@example.com")
    );
    assert!(w.sign_in("carol", NEW_PASSWORD).is_object());

    // USER_PASSWORD_AUTH is not an AdminInitiateAuth flow, and the other way round.
    let (t, m) = w.refused(
        "AdminInitiateAuth",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": NEW_PASSWORD},
        }),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(m, "Initiate Auth method not supported.");
    let (t, _) = w.refused(
        "InitiateAuth",
        &json!({
            "ClientId": w.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": NEW_PASSWORD},
        }),
    );
    assert_eq!(t, "InvalidParameterException");
}

#[test]
fn admin_create_user_options() {
    let w = OnePool::new();
    let out = w.ok(
        "AdminCreateUser",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "dave",
            "UserAttributes": [
                {"Name": "email", "Value": "dave@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
            "DesiredDeliveryMediums": ["EMAIL"],
            "ForceAliasCreation": false,
        }),
    );
    assert_eq!(out["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let temporary = w.code_for("dave@example.com");
    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "dave", "PASSWORD": temporary},
        }),
    );
    assert_eq!(out["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    // RESEND issues a new temporary password.
    let out = w.ok(
        "AdminCreateUser",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "dave",
            "MessageAction": "RESEND",
            "DesiredDeliveryMediums": ["EMAIL"],
        }),
    );
    assert_eq!(out["User"]["Username"], "dave");
    assert_eq!(w.world.outbox.messages_for("dave").len(), 2);

    let (t, m) = w.refused(
        "AdminCreateUser",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "dave",
            "TemporaryPassword": PASSWORD,
            "MessageAction": "SUPPRESS",
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("UsernameExistsException", "User account already exists")
    );

    let (t, m) = w.refused(
        "AdminCreateUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "erin", "MessageAction": "SHOUT"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value 'SHOUT' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"
    );
    let (t, m) = w.refused(
        "AdminCreateUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "erin", "DesiredDeliveryMediums": ["EMAIL", "PIGEON"]}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value '[EMAIL, PIGEON]' at 'desiredDeliveryMediums' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [SMS, EMAIL]]"
    );
    let (t, m) = w.refused(
        "AdminCreateUser",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "erin",
            "MessageAction": "SUPPRESS",
            "ValidationData": [{"Name": "k", "Value": "v"}],
        }),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "The parameter ValidationData is not supported by this engine."
    );
    let (t, _) = w.refused(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "erin"}),
    );
    assert_eq!(
        t, "UserNotFoundException",
        "a refused request creates nothing"
    );
}

// ----- ListUsers -----

#[test]
fn list_users_filters_and_paginates() {
    let w = OnePool::new();
    for (name, email) in [
        ("ann", "ann@example.com"),
        ("abe", "abe@example.org"),
        ("amy", "amy@example.com"),
        ("ben", "ben@example.com"),
        ("cat", "cat@example.com"),
    ] {
        w.admin_user(name, email);
    }

    let out = w.ok("ListUsers", &json!({"UserPoolId": w.pool_id()}));
    assert_eq!(keys_of(&out), set(&["Users"]));
    let users = out["Users"].as_array().unwrap();
    assert_eq!(users.len(), 5);
    assert_eq!(
        keys_of(&users[0]),
        set(&[
            "Username",
            "Attributes",
            "UserCreateDate",
            "UserLastModifiedDate",
            "Enabled",
            "UserStatus"
        ])
    );

    let out = w.ok(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Filter": "email ^= \"a\""}),
    );
    let names: Vec<&str> = out["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["abe", "amy", "ann"]);

    let out = w.ok(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Filter": "email = \"ben@example.com\"", "AttributesToGet": ["email"]}),
    );
    assert_eq!(
        out["Users"][0]["Attributes"],
        json!([{"Name": "email", "Value": "ben@example.com"}])
    );

    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"UserPoolId": w.pool_id(), "Limit": 2});
        if let Some(t) = &token {
            body["PaginationToken"] = json!(t);
        }
        let out = w.ok("ListUsers", &body);
        let page = out["Users"].as_array().unwrap();
        assert!(page.len() <= 2);
        seen.extend(
            page.iter()
                .map(|u| u["Username"].as_str().unwrap().to_owned()),
        );
        match out.get("PaginationToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["abe", "amy", "ann", "ben", "cat"]);

    let (t, m) = w.refused(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Limit": 61}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    );
    let (t, _) = w.refused(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Limit": -1}),
    );
    assert_eq!(t, "InvalidParameterException");
    let (t, _) = w.refused(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Filter": "custom:x = \"y\""}),
    );
    assert_eq!(t, "InvalidParameterException");
}

// ----- groups -----

#[test]
fn groups_and_memberships() {
    let w = OnePool::new();
    w.admin_user("gus", "gus@example.com");

    let out = w.ok(
        "CreateGroup",
        &json!({
            "GroupName": "admins",
            "UserPoolId": w.pool_id(),
            "Description": "The admins",
            "Precedence": 1,
            "RoleArn": "arn:aws:iam::123456789012:role/Admins",
        }),
    );
    let group = &out["Group"];
    assert_eq!(
        keys_of(group),
        set(&[
            "GroupName",
            "UserPoolId",
            "Description",
            "RoleArn",
            "Precedence",
            "LastModifiedDate",
            "CreationDate"
        ])
    );
    assert_eq!(group["UserPoolId"], w.pool_id());
    assert_eq!(group["Precedence"], 1);
    assert_eq!(
        group["CreationDate"].as_f64(),
        Some(START.unix_seconds() as f64)
    );

    let out = w.ok(
        "CreateGroup",
        &json!({"GroupName": "readers", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(
        keys_of(&out["Group"]),
        set(&[
            "GroupName",
            "UserPoolId",
            "LastModifiedDate",
            "CreationDate"
        ])
    );
    let (t, _) = w.refused(
        "CreateGroup",
        &json!({"GroupName": "readers", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(t, "GroupExistsException");
    let (t, _) = w.refused(
        "CreateGroup",
        &json!({"GroupName": "x", "UserPoolId": w.pool_id(), "Precedence": -1}),
    );
    assert_eq!(t, "InvalidParameterException");

    let out = w.ok(
        "GetGroup",
        &json!({"GroupName": "admins", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(out["Group"]["Description"], "The admins");

    let out = w.ok(
        "ListGroups",
        &json!({"UserPoolId": w.pool_id(), "Limit": 1}),
    );
    assert_eq!(out["Groups"][0]["GroupName"], "admins");
    let next = out["NextToken"].as_str().expect("a next page").to_owned();
    let out = w.ok(
        "ListGroups",
        &json!({"UserPoolId": w.pool_id(), "Limit": 1, "NextToken": next}),
    );
    assert_eq!(out["Groups"][0]["GroupName"], "readers");
    assert!(out.get("NextToken").is_none());

    w.world.clock.advance(std::time::Duration::from_secs(10));
    let out = w.ok(
        "UpdateGroup",
        &json!({"GroupName": "admins", "UserPoolId": w.pool_id(), "Description": "Admins"}),
    );
    assert_eq!(out["Group"]["Description"], "Admins");
    assert!(
        out["Group"].get("Precedence").is_none(),
        "unset fields reset"
    );
    assert_eq!(
        out["Group"]["LastModifiedDate"].as_f64(),
        Some((START.unix_seconds() + 10) as f64)
    );

    for group in ["admins", "readers"] {
        let out = w.ok(
            "AdminAddUserToGroup",
            &json!({"UserPoolId": w.pool_id(), "Username": "gus", "GroupName": group}),
        );
        assert_eq!(out, json!({}));
    }
    let out = w.ok(
        "AdminListGroupsForUser",
        &json!({"Username": "gus", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(keys_of(&out), set(&["Groups"]));
    assert_eq!(out["Groups"].as_array().unwrap().len(), 2);

    let out = w.ok(
        "ListUsersInGroup",
        &json!({"UserPoolId": w.pool_id(), "GroupName": "admins"}),
    );
    assert_eq!(keys_of(&out), set(&["Users"]));
    assert_eq!(out["Users"][0]["Username"], "gus");
    assert_eq!(out["Users"][0]["UserStatus"], "FORCE_CHANGE_PASSWORD");

    w.ok(
        "AdminRemoveUserFromGroup",
        &json!({"UserPoolId": w.pool_id(), "Username": "gus", "GroupName": "admins"}),
    );
    let out = w.ok(
        "AdminListGroupsForUser",
        &json!({"Username": "gus", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(out["Groups"].as_array().unwrap().len(), 1);

    let (t, _) = w.refused(
        "AdminAddUserToGroup",
        &json!({"UserPoolId": w.pool_id(), "Username": "nobody", "GroupName": "admins"}),
    );
    assert_eq!(t, "UserNotFoundException");

    assert_eq!(
        w.ok(
            "DeleteGroup",
            &json!({"GroupName": "admins", "UserPoolId": w.pool_id()})
        ),
        json!({})
    );
    let (t, m) = w.refused(
        "GetGroup",
        &json!({"GroupName": "admins", "UserPoolId": w.pool_id()}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("ResourceNotFoundException", "Group not found.")
    );
    let (t, _) = w.refused(
        "ListUsersInGroup",
        &json!({"UserPoolId": w.pool_id(), "GroupName": "admins"}),
    );
    assert_eq!(t, "ResourceNotFoundException");
}

// ----- profiles, passwords, sign-out -----

#[test]
fn profile_operations() {
    let w = OnePool::new();
    w.confirmed_user("hal", "hal@example.com");
    let access = w.sign_in("hal", PASSWORD)["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let out = w.ok(
        "UpdateUserAttributes",
        &json!({
            "AccessToken": access,
            "UserAttributes": [
                {"Name": "email", "Value": "hal@example.org"},
                {"Name": "name", "Value": "Hal"},
            ],
        }),
    );
    let list = out["CodeDeliveryDetailsList"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["AttributeName"], "email");
    assert_eq!(list[0]["DeliveryMedium"], "EMAIL");

    let out = w.ok(
        "UpdateUserAttributes",
        &json!({"AccessToken": access, "UserAttributes": [{"Name": "name", "Value": "Hally"}]}),
    );
    assert_eq!(out, json!({"CodeDeliveryDetailsList": []}));

    let out = w.ok(
        "GetUserAttributeVerificationCode",
        &json!({"AccessToken": access, "AttributeName": "email"}),
    );
    assert_eq!(out["CodeDeliveryDetails"]["AttributeName"], "email");
    let out = w.ok(
        "VerifyUserAttribute",
        &json!({"AccessToken": access, "AttributeName": "email", "Code": w.code_for("hal@example.org")}),
    );
    assert_eq!(out, json!({}));
    let user = w.ok("GetUser", &json!({"AccessToken": access}));
    assert_eq!(
        attr(&user["UserAttributes"], "email"),
        Some("hal@example.org")
    );
    assert_eq!(
        attr(&user["UserAttributes"], "email_verified"),
        Some("true")
    );
    assert_eq!(attr(&user["UserAttributes"], "name"), Some("Hally"));

    w.ok(
        "DeleteUserAttributes",
        &json!({"AccessToken": access, "UserAttributeNames": ["name"]}),
    );
    w.ok(
        "AdminUpdateUserAttributes",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "hal",
            "UserAttributes": [{"Name": "given_name", "Value": "H"}],
        }),
    );
    w.ok(
        "AdminDeleteUserAttributes",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal", "UserAttributeNames": ["given_name"]}),
    );
    let user = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    assert_eq!(attr(&user["UserAttributes"], "name"), None);
    assert_eq!(attr(&user["UserAttributes"], "given_name"), None);

    let (t, m) = w.refused(
        "AdminUpdateUserAttributes",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value null at 'userAttributes' failed to satisfy constraint: Member must not be null"
    );

    // Disable / enable.
    w.ok(
        "AdminDisableUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    let (t, m) = w.refused("GetUser", &json!({"AccessToken": access}));
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Access Token has been revoked")
    );
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "hal", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "User is disabled.")
    );
    w.ok(
        "AdminEnableUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    let access = w.sign_in("hal", PASSWORD)["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    // DeleteUser.
    assert_eq!(
        w.ok("DeleteUser", &json!({"AccessToken": access})),
        json!({})
    );
    let (t, _) = w.refused(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    assert_eq!(t, "UserNotFoundException");
}

#[test]
fn password_operations() {
    let w = OnePool::new();
    w.confirmed_user("ivy", "ivy@example.com");
    let access = w.sign_in("ivy", PASSWORD)["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let (t, m) = w.refused(
        "ChangePassword",
        &json!({"AccessToken": access, "PreviousPassword": "Wrong123!", "ProposedPassword": NEW_PASSWORD}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
    let (t, _) = w.refused(
        "ChangePassword",
        &json!({"AccessToken": access, "ProposedPassword": NEW_PASSWORD}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        w.ok(
            "ChangePassword",
            &json!({"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": NEW_PASSWORD}),
        ),
        json!({})
    );
    w.sign_in("ivy", NEW_PASSWORD);

    // ForgotPassword / ConfirmForgotPassword.
    let out = w.ok(
        "ForgotPassword",
        &json!({"ClientId": w.client_id, "Username": "ivy"}),
    );
    assert_eq!(keys_of(&out), set(&["CodeDeliveryDetails"]));
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let code = w.code_for("ivy@example.com");
    let (t, _) = w.refused(
        "ConfirmForgotPassword",
        &json!({"ClientId": w.client_id, "Username": "ivy", "ConfirmationCode": code, "Password": "weak"}),
    );
    assert_eq!(t, "InvalidPasswordException");
    assert_eq!(
        w.ok(
            "ConfirmForgotPassword",
            &json!({"ClientId": w.client_id, "Username": "ivy", "ConfirmationCode": code, "Password": PASSWORD}),
        ),
        json!({})
    );
    w.sign_in("ivy", PASSWORD);

    // AdminSetUserPassword, temporary then permanent.
    w.ok(
        "AdminSetUserPassword",
        &json!({"UserPoolId": w.pool_id(), "Username": "ivy", "Password": NEW_PASSWORD}),
    );
    let user = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "ivy"}),
    );
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    w.ok(
        "AdminSetUserPassword",
        &json!({"UserPoolId": w.pool_id(), "Username": "ivy", "Password": NEW_PASSWORD, "Permanent": true}),
    );
    let user = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "ivy"}),
    );
    assert_eq!(user["UserStatus"], "CONFIRMED");

    // AdminResetUserPassword.
    assert_eq!(
        w.ok(
            "AdminResetUserPassword",
            &json!({"UserPoolId": w.pool_id(), "Username": "ivy"})
        ),
        json!({})
    );
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "ivy", "PASSWORD": NEW_PASSWORD},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "PasswordResetRequiredException",
            "Password reset required for the user"
        )
    );
}

#[test]
fn resend_admin_confirm_and_sign_out_by_admin() {
    let w = OnePool::new();
    w.ok(
        "SignUp",
        &json!({
            "ClientId": w.client_id,
            "Username": "jo",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "jo@example.com"}],
        }),
    );
    let out = w.ok(
        "ResendConfirmationCode",
        &json!({"ClientId": w.client_id, "Username": "jo"}),
    );
    assert_eq!(out["CodeDeliveryDetails"]["AttributeName"], "email");
    assert_eq!(w.world.outbox.messages_for("jo").len(), 2);

    assert_eq!(
        w.ok(
            "AdminConfirmSignUp",
            &json!({"UserPoolId": w.pool_id(), "Username": "jo"})
        ),
        json!({})
    );
    let (t, m) = w.refused(
        "ResendConfirmationCode",
        &json!({"ClientId": w.client_id, "Username": "jo"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("InvalidParameterException", "User is already confirmed.")
    );

    let tokens = w.sign_in("jo", PASSWORD);
    assert_eq!(
        w.ok(
            "AdminUserGlobalSignOut",
            &json!({"UserPoolId": w.pool_id(), "Username": "jo"})
        ),
        json!({})
    );
    let (t, _) = w.refused("GetUser", &json!({"AccessToken": tokens["AccessToken"]}));
    assert_eq!(t, "NotAuthorizedException");

    // SignUp without an email: no code is sent, no CodeDeliveryDetails.
    let out = w.ok(
        "SignUp",
        &json!({"ClientId": w.client_id, "Username": "kim", "Password": PASSWORD}),
    );
    assert_eq!(keys_of(&out), set(&["UserConfirmed", "UserSub"]));

    // AdminDeleteUser.
    assert_eq!(
        w.ok(
            "AdminDeleteUser",
            &json!({"UserPoolId": w.pool_id(), "Username": "kim"})
        ),
        json!({})
    );
    let (t, m) = w.refused(
        "AdminDeleteUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "kim"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("UserNotFoundException", "User does not exist.")
    );
}

#[test]
fn revoke_token() {
    let w = OnePool::new();
    w.confirmed_user("lou", "lou@example.com");
    let tokens = w.sign_in("lou", PASSWORD);
    let out = w.ok(
        "RevokeToken",
        &json!({"Token": tokens["RefreshToken"], "ClientId": w.client_id}),
    );
    assert_eq!(out, json!({}));
    let (t, _) = w.refused("GetUser", &json!({"AccessToken": tokens["AccessToken"]}));
    assert_eq!(t, "NotAuthorizedException");
    let (t, _) = w.refused(
        "RevokeToken",
        &json!({"Token": tokens["AccessToken"], "ClientId": w.client_id}),
    );
    assert_eq!(t, "UnsupportedTokenTypeException");
}

// ----- PreventUserExistenceErrors on the sign-up family -----

#[test]
fn a_discreet_client_hides_unknown_users_on_confirm_and_resend() {
    let w = OnePool::new();
    let id = w
        .pool
        .create_user_pool_client(
            AppClientConfig::builder("discreet")
                .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled)
                .build()
                .unwrap(),
        )
        .unwrap()
        .id()
        .to_owned();
    let (t, m) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": id, "Username": "nobody", "ConfirmationCode": "123456"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "CodeMismatchException",
            "Invalid verification code provided, please try again."
        )
    );
    let out = w.ok(
        "ResendConfirmationCode",
        &json!({"ClientId": id, "Username": "nobody"}),
    );
    assert_eq!(out["CodeDeliveryDetails"]["AttributeName"], "email");
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert!(
        w.world.outbox.messages().is_empty(),
        "nothing is sent to nobody"
    );
    // The same pool through the Rust API gives the same answers.
    let direct = w
        .pool
        .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(&id, "nobody"))
        .unwrap();
    assert_eq!(
        out["CodeDeliveryDetails"]["Destination"],
        json!(direct.destination)
    );
    // A LEGACY client tells the truth.
    let (t, _) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": w.client_id, "Username": "nobody", "ConfirmationCode": "123456"}),
    );
    assert_eq!(t, "UserNotFoundException");
}

// ----- secret hashes -----

#[test]
fn confidential_clients_require_the_secret_hash() {
    let w = OnePool::new();
    let client = w
        .pool
        .create_user_pool_client(
            AppClientConfig::builder("server")
                .generate_secret(true)
                .explicit_auth_flows([AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth])
                .build()
                .unwrap(),
        )
        .unwrap();
    let id = client.id().to_owned();
    let secret = client.secret().expect("a generated secret");
    let hash = |user: &str| secret_hash(secret, user, &id);
    let sign_up = json!({
        "ClientId": id,
        "Username": "max",
        "Password": PASSWORD,
        "UserAttributes": [{"Name": "email", "Value": "max@example.com"}],
    });

    let (t, m) = w.refused("SignUp", &sign_up);
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(
        m,
        format!("Client {id} is configured with secret but SECRET_HASH was not received")
    );
    let mut wrong = sign_up.clone();
    wrong["SecretHash"] = json!(hash("someone"));
    let (t, m) = w.refused("SignUp", &wrong);
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, format!("Unable to verify secret hash for client {id}"));

    let mut right = sign_up;
    right["SecretHash"] = json!(hash("max"));
    w.ok("SignUp", &right);

    let (t, _) = w.refused(
        "ResendConfirmationCode",
        &json!({"ClientId": id, "Username": "max"}),
    );
    assert_eq!(t, "NotAuthorizedException");
    w.ok(
        "ResendConfirmationCode",
        &json!({"ClientId": id, "Username": "max", "SecretHash": hash("max")}),
    );
    let code = w.code_for("max@example.com");
    let (t, _) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": id, "Username": "max", "ConfirmationCode": code, "SecretHash": hash("x")}),
    );
    assert_eq!(t, "NotAuthorizedException");
    w.ok(
        "ConfirmSignUp",
        &json!({"ClientId": id, "Username": "max", "ConfirmationCode": code, "SecretHash": hash("max")}),
    );

    let (t, _) = w.refused(
        "ForgotPassword",
        &json!({"ClientId": id, "Username": "max"}),
    );
    assert_eq!(t, "NotAuthorizedException");
    w.ok(
        "ForgotPassword",
        &json!({"ClientId": id, "Username": "max", "SecretHash": hash("max")}),
    );
    let code = w.code_for("max@example.com");
    w.ok(
        "ConfirmForgotPassword",
        &json!({
            "ClientId": id,
            "Username": "max",
            "ConfirmationCode": code,
            "Password": NEW_PASSWORD,
            "SecretHash": hash("max"),
        }),
    );
    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": id,
            "AuthParameters": {"USERNAME": "max", "PASSWORD": NEW_PASSWORD, "SECRET_HASH": hash("max")},
        }),
    );
    let refresh = out["AuthenticationResult"]["RefreshToken"].clone();
    let (t, _) = w.refused(
        "GetTokensFromRefreshToken",
        &json!({"RefreshToken": refresh, "ClientId": id}),
    );
    assert_eq!(t, "NotAuthorizedException");
    w.ok(
        "GetTokensFromRefreshToken",
        &json!({"RefreshToken": refresh, "ClientId": id, "ClientSecret": secret.expose_secret()}),
    );
}

// ----- refusals -----

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
            "ValidationData": [{"Name": "k", "Value": "v"}],
        }),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "The parameter ValidationData is not supported by this engine."
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
    let (_, m) = w.refused(
        "GetTokensFromRefreshToken",
        &json!({"RefreshToken": "x", "ClientId": w.client_id, "DeviceKey": "us-east-1_dev"}),
    );
    assert_eq!(
        m,
        "The parameter DeviceKey is not supported by this engine."
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
        &json!({"ClientId": w.client_id, "ChallengeName": "SMS_MFA"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(m, "The challenge SMS_MFA is not supported by this engine.");
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
