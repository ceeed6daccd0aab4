"""boto3 against userpool-server whose pools invoke real Node.js Lambda
handlers (lambdas/) through serverless-offline's Invoke endpoint: the founding
tutorial's pool with an auto-confirming PreSignUp, PreTokenGeneration V2
claims in the tokens, CustomMessage text in the outbox, UserMigration at sign-in,
and a PreSignUp that refuses."""

from __future__ import annotations

import os

import jwt

from harness import (
    QUICKSTART_PASSWORD,
    client,
    expect_error,
    outbox,
    quickstart_attributes,
    quickstart_pool_input,
    run,
    test,
)
from lambdas import arn, records

cognito = client()


def pool_with(name: str, lambda_config: dict, **extra) -> tuple[str, str]:
    """The founding tutorial's pool with `lambda_config`, and an app client."""
    spec = quickstart_pool_input(name)
    spec["LambdaConfig"] = lambda_config
    spec.update(extra)
    pool_id = cognito.create_user_pool(**spec)["UserPool"]["Id"]
    described = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    for member, value in lambda_config.items():
        assert described["LambdaConfig"][member] == value, described["LambdaConfig"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{name}-client",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def password_sign_in(client_id: str, username: str, password: str = QUICKSTART_PASSWORD) -> dict:
    r = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    assert "ChallengeName" not in r, r.get("ChallengeName")
    return r["AuthenticationResult"]


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def attributes(pool_id: str, username: str) -> tuple[str, dict]:
    u = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    return u["UserStatus"], {a["Name"]: a["Value"] for a in u["UserAttributes"]}


@test()
def pre_sign_up_auto_confirms_and_the_user_signs_straight_in():
    pool_id, client_id = pool_with("triggers-presignup", {"PreSignUp": arn("preSignUp")})
    email = "auto.jane@example.com"
    r = cognito.sign_up(
        ClientId=client_id,
        Username=email,
        Password=QUICKSTART_PASSWORD,
        UserAttributes=quickstart_attributes(),
        ClientMetadata={"invite": "interop"},
    )
    assert r["UserConfirmed"] is True, r
    assert "CodeDeliveryDetails" not in r, r["CodeDeliveryDetails"]
    assert outbox(pool_id, email) == [], "no code is sent to an auto-confirmed user"
    status, attrs = attributes(pool_id, email)
    assert status == "CONFIRMED", status
    assert attrs["email_verified"] == "true", attrs
    tokens = password_sign_in(client_id, email)
    assert claims(tokens["IdToken"])["email"] == email
    seen = [x["event"] for x in records("preSignUp") if x["event"]["userPoolId"] == pool_id]
    assert len(seen) == 1, seen
    e = seen[0]
    assert e["triggerSource"] == "PreSignUp_SignUp", e["triggerSource"]
    assert e["callerContext"]["clientId"] == client_id, e["callerContext"]
    assert e["request"]["userAttributes"]["email"] == email, e["request"]
    assert e["request"]["userAttributes"]["custom:tenant_id"] == "1234567890", e["request"]
    assert e["request"]["clientMetadata"] == {"invite": "interop"}, e["request"]


@test()
def pre_token_generation_v2_claims_and_scope_are_in_the_tokens():
    pool_id, client_id = pool_with(
        "triggers-pretoken",
        {"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("preTokenV2")}},
        UserPoolTier="ESSENTIALS",
    )
    email = "claims.jane@example.com"
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, *quickstart_attributes()],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=QUICKSTART_PASSWORD, Permanent=True)
    tokens = password_sign_in(client_id, email)
    id_claims = claims(tokens["IdToken"])
    access = claims(tokens["AccessToken"])
    assert id_claims["tenant_tier"] == "gold", id_claims
    assert "tenant_tier" not in access, access
    assert access["app_role"] == "reader", access
    assert "interop/read" in access["scope"].split(), access["scope"]
    assert "aws.cognito.signin.user.admin" in access["scope"].split(), access["scope"]
    seen = [x["event"] for x in records("preTokenV2") if x["event"]["userPoolId"] == pool_id]
    assert [e["triggerSource"] for e in seen] == ["TokenGeneration_Authentication"], seen
    assert seen[0]["version"] == "2", seen[0]["version"]


@test()
def custom_message_text_is_what_the_outbox_shows():
    pool_id, client_id = pool_with("triggers-message", {"CustomMessage": arn("customMessage")})
    email = "message.jane@example.com"
    r = cognito.sign_up(
        ClientId=client_id, Username=email, Password=QUICKSTART_PASSWORD, UserAttributes=quickstart_attributes()
    )
    assert r["UserConfirmed"] is False
    messages = outbox(pool_id, email)
    assert len(messages) == 1, messages
    m = messages[0]
    assert len(m["code"]) == 6 and m["code"].isdigit(), m["code"]
    assert m["subject"] == "Welcome to Interop", m["subject"]
    assert m["body"] == f"Interop says hello: your code is {m['code']}.", m["body"]
    cognito.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=m["code"])
    seen = [x["event"] for x in records("customMessage") if x["event"]["userPoolId"] == pool_id]
    assert [e["triggerSource"] for e in seen] == ["CustomMessage_SignUp"], seen
    assert seen[0]["request"]["codeParameter"] == "{####}", seen[0]["request"]


@test()
def user_migration_moves_a_legacy_user_in_at_sign_in():
    pool_id, client_id = pool_with("triggers-migration", {"UserMigration": arn("userMigration")})
    legacy, password = "legacy.joe@example.com", "Legacy1234^"
    e = expect_error(
        "UserLambdaValidationException",
        cognito.initiate_auth,
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": legacy, "PASSWORD": "Wrong1234^"},
    )
    message = e.response["Error"]["Message"]
    assert message == "UserMigration failed with error Bad credentials.", message
    expect_error("UserNotFoundException", cognito.admin_get_user, UserPoolId=pool_id, Username=legacy)
    tokens = password_sign_in(client_id, legacy, password)
    assert claims(tokens["IdToken"])["email"] == legacy
    status, attrs = attributes(pool_id, legacy)
    assert status == "CONFIRMED", status
    assert attrs["family_name"] == "Legacy" and attrs["custom:tenant_id"] == "9876543210", attrs
    assert attrs["email_verified"] == "true", attrs
    assert outbox(pool_id, legacy) == [], "messageAction SUPPRESS sends nothing"
    before = len(records("userMigration"))
    tokens = password_sign_in(client_id, legacy, password)
    assert claims(tokens["AccessToken"])["username"] == claims(tokens["IdToken"])["cognito:username"]
    assert len(records("userMigration")) == before, "a migrated user signs in without the trigger"
    seen = [x["event"] for x in records("userMigration") if x["event"]["userPoolId"] == pool_id]
    assert [e["triggerSource"] for e in seen] == ["UserMigration_Authentication"] * 2, seen
    assert all(e["request"]["password"] == "[redacted]" for e in seen)


@test()
def a_throwing_pre_sign_up_refuses_and_leaves_no_user():
    pool_id, client_id = pool_with("triggers-reject", {"PreSignUp": arn("preSignUpReject")})
    email = "refused.jane@example.com"
    e = expect_error(
        "UserLambdaValidationException",
        cognito.sign_up,
        ClientId=client_id,
        Username=email,
        Password=QUICKSTART_PASSWORD,
        UserAttributes=quickstart_attributes(),
    )
    message = e.response["Error"]["Message"]
    assert message == "PreSignUp failed with error Domain not allowed.", message
    expect_error("UserNotFoundException", cognito.admin_get_user, UserPoolId=pool_id, Username=email)
    assert outbox(pool_id, email) == []


@test()
def without_a_lambda_endpoint_a_configured_trigger_fails_as_unexpected_lambda():
    # The main server of run.sh has no --lambda-endpoint.
    other = os.environ.get("NO_LAMBDA_ENDPOINT")
    assert other, "NO_LAMBDA_ENDPOINT is not set (run tests/interop/run.sh)"
    plain = client(endpoint_url=other)
    spec = quickstart_pool_input("triggers-no-endpoint")
    spec["LambdaConfig"] = {"PreSignUp": arn("preSignUp")}
    pool_id = plain.create_user_pool(**spec)["UserPool"]["Id"]
    client_id = plain.create_user_pool_client(UserPoolId=pool_id, ClientName="no-endpoint")["UserPoolClient"][
        "ClientId"
    ]
    email = "nowhere.jane@example.com"
    e = expect_error(
        "UnexpectedLambdaException",
        plain.sign_up,
        ClientId=client_id,
        Username=email,
        Password=QUICKSTART_PASSWORD,
        UserAttributes=quickstart_attributes(),
    )
    message = e.response["Error"]["Message"]
    assert message == "PreSignUp invocation failed due to error No Lambda endpoint is configured.", message
    expect_error("UserNotFoundException", plain.admin_get_user, UserPoolId=pool_id, Username=email)


if __name__ == "__main__":
    raise SystemExit(run())
