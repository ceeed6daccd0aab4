"""boto3 against userpool-server: the quickstart pool end to end, and the
exceptions a Cognito client must be able to tell apart."""

from __future__ import annotations

import json

import jwt

from harness import (
    QUICKSTART_PASSWORD,
    client,
    create_quickstart,
    expect_error,
    http_get,
    jwks,
    last_code,
    outbox,
    quickstart_attributes,
    run,
    test,
)

cognito = client()
S: dict = {}  # state shared along the flow
EMAIL = "boto3.jane@example.com"
NEW_PASSWORD = "5678Efgh!"


@test()
def create_pool_and_client():
    S["pool"], S["client"] = create_quickstart(cognito, "boto3-quickstart")
    assert S["pool"].startswith("us-east-1_"), S["pool"]
    pool = cognito.describe_user_pool(UserPoolId=S["pool"])["UserPool"]
    assert pool["Id"] == S["pool"]
    assert pool["UsernameAttributes"] == ["email"], pool.get("UsernameAttributes")
    names = {a["Name"] for a in pool["SchemaAttributes"]}
    for n in ("custom:tenant_id", "custom:employee_id", "custom:is_admin", "custom:created_at", "family_name"):
        assert n in names, f"{n} missing from SchemaAttributes"
    c = cognito.describe_user_pool_client(UserPoolId=S["pool"], ClientId=S["client"])["UserPoolClient"]
    assert "ALLOW_USER_SRP_AUTH" in c["ExplicitAuthFlows"], c["ExplicitAuthFlows"]


@test("create_pool_and_client")
def sign_up_sends_code():
    r = cognito.sign_up(
        ClientId=S["client"],
        Username=EMAIL,
        Password=QUICKSTART_PASSWORD,
        UserAttributes=quickstart_attributes(),
    )
    assert r["UserConfirmed"] is False
    assert r["UserSub"]
    S["sub"] = r["UserSub"]
    d = r["CodeDeliveryDetails"]
    assert d["DeliveryMedium"] == "EMAIL" and d["AttributeName"] == "email", d
    assert d["Destination"] != EMAIL and "***" in d["Destination"], d  # masked
    messages = outbox(S["pool"], EMAIL)
    assert len(messages) == 1, messages
    m = messages[0]
    assert m["subject"] == "You need to verify your email", m["subject"]
    assert m["body"] == f"Thanks for signing up Your verification code is {m['code']}", m["body"]
    assert len(m["code"]) == 6 and m["code"].isdigit()
    assert m["destination"] == EMAIL and m["medium"] == "EMAIL"
    assert m["from"] == "no-reply@verificationemail.com", m["from"]


@test("sign_up_sends_code")
def unconfirmed_user_cannot_sign_in():
    expect_error(
        "UserNotConfirmedException",
        cognito.initiate_auth,
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": QUICKSTART_PASSWORD},
    )


@test("sign_up_sends_code")
def wrong_code_is_code_mismatch():
    code = last_code(S["pool"], EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    expect_error("CodeMismatchException", cognito.confirm_sign_up, ClientId=S["client"], Username=EMAIL, ConfirmationCode=wrong)


@test("sign_up_sends_code")
def confirm_with_code_from_outbox():
    code = last_code(S["pool"], EMAIL)
    cognito.confirm_sign_up(ClientId=S["client"], Username=EMAIL, ConfirmationCode=code)
    u = cognito.admin_get_user(UserPoolId=S["pool"], Username=EMAIL)
    assert u["UserStatus"] == "CONFIRMED", u["UserStatus"]
    attrs = {a["Name"]: a["Value"] for a in u["UserAttributes"]}
    assert attrs["email"] == EMAIL and attrs["email_verified"] == "true", attrs
    assert attrs["sub"] == S["sub"]
    assert attrs["custom:tenant_id"] == "1234567890"
    assert u["Username"] == S["sub"], "email-as-username pools use the sub as the internal username"


@test("create_pool_and_client")
def duplicate_sign_up_is_username_exists():
    cognito.sign_up(ClientId=S["client"], Username="dup@example.com", Password=QUICKSTART_PASSWORD, UserAttributes=quickstart_attributes())
    expect_error(
        "UsernameExistsException",
        cognito.sign_up,
        ClientId=S["client"],
        Username="dup@example.com",
        Password=QUICKSTART_PASSWORD,
        UserAttributes=quickstart_attributes(),
    )


@test("create_pool_and_client")
def weak_password_is_invalid_password():
    expect_error(
        "InvalidPasswordException",
        cognito.sign_up,
        ClientId=S["client"],
        Username="weak@example.com",
        Password="password",
        UserAttributes=quickstart_attributes(),
    )


@test("create_pool_and_client")
def short_tenant_id_is_invalid_parameter():
    expect_error(
        "InvalidParameterException",
        cognito.sign_up,
        ClientId=S["client"],
        Username="short@example.com",
        Password=QUICKSTART_PASSWORD,
        UserAttributes=quickstart_attributes(tenant="123"),
    )


@test("confirm_with_code_from_outbox")
def user_password_auth_returns_tokens():
    r = cognito.initiate_auth(
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": QUICKSTART_PASSWORD},
    )
    t = r["AuthenticationResult"]
    assert t["TokenType"] == "Bearer" and t["ExpiresIn"] == 3600, t
    S["tokens"] = t


@test("user_password_auth_returns_tokens")
def tokens_verify_against_served_jwks():
    keys = {k["kid"]: k for k in jwks(S["pool"])["keys"]}
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{S['pool']}"
    for name, use in (("AccessToken", "access"), ("IdToken", "id")):
        token = S["tokens"][name]
        kid = jwt.get_unverified_header(token)["kid"]
        key = jwt.PyJWK(keys[kid]).key
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            issuer=issuer,
            audience=S["client"] if use == "id" else None,
            options={"verify_aud": use == "id"},
        )
        assert claims["token_use"] == use, claims
        assert claims["sub"] == S["sub"]
        if use == "access":
            assert claims["client_id"] == S["client"] and claims["scope"] == "aws.cognito.signin.user.admin"
        else:
            assert claims["email"] == EMAIL and claims["email_verified"] is True
            assert claims["custom:employee_id"] == "10", "custom attributes are strings in the id token"
    oidc = http_get(f"/{S['pool']}/.well-known/openid-configuration")
    assert oidc["issuer"] == issuer and oidc["id_token_signing_alg_values_supported"] == ["RS256"]


@test("confirm_with_code_from_outbox")
def wrong_password_is_not_authorized():
    e = expect_error(
        "NotAuthorizedException",
        cognito.initiate_auth,
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": "Wrong123^x"},
    )
    assert e.response["Error"]["Message"] == "Incorrect username or password.", e.response["Error"]["Message"]


@test("user_password_auth_returns_tokens")
def get_user_with_access_token():
    u = cognito.get_user(AccessToken=S["tokens"]["AccessToken"])
    attrs = {a["Name"]: a["Value"] for a in u["UserAttributes"]}
    assert attrs["email"] == EMAIL and attrs["family_name"] == "Foobar", attrs


@test("user_password_auth_returns_tokens")
def refresh_token_auth():
    r = cognito.initiate_auth(
        ClientId=S["client"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": S["tokens"]["RefreshToken"]},
    )
    t = r["AuthenticationResult"]
    assert t["AccessToken"] and t["IdToken"]
    assert "RefreshToken" not in t, "REFRESH_TOKEN_AUTH does not rotate by default"
    cognito.get_user(AccessToken=t["AccessToken"])


@test("create_pool_and_client", "confirm_with_code_from_outbox")
def groups():
    cognito.create_group(UserPoolId=S["pool"], GroupName="admins", Description="Admins", Precedence=1)
    expect_error("GroupExistsException", cognito.create_group, UserPoolId=S["pool"], GroupName="admins")
    cognito.admin_add_user_to_group(UserPoolId=S["pool"], Username=EMAIL, GroupName="admins")
    got = cognito.admin_list_groups_for_user(UserPoolId=S["pool"], Username=EMAIL)["Groups"]
    assert [g["GroupName"] for g in got] == ["admins"], got
    members = cognito.list_users_in_group(UserPoolId=S["pool"], GroupName="admins")["Users"]
    assert len(members) == 1, members
    t = cognito.initiate_auth(
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": QUICKSTART_PASSWORD},
    )["AuthenticationResult"]
    claims = jwt.decode(t["AccessToken"], options={"verify_signature": False})
    assert claims.get("cognito:groups") == ["admins"], claims
    cognito.admin_remove_user_from_group(UserPoolId=S["pool"], Username=EMAIL, GroupName="admins")
    got = cognito.admin_list_groups_for_user(UserPoolId=S["pool"], Username=EMAIL)["Groups"]
    assert got == [], got
    expect_error("ResourceNotFoundException", cognito.admin_add_user_to_group, UserPoolId=S["pool"], Username=EMAIL, GroupName="nope")
    cognito.delete_group(UserPoolId=S["pool"], GroupName="admins")


@test("user_password_auth_returns_tokens")
def list_users_filter():
    r = cognito.list_users(UserPoolId=S["pool"], Filter='email ^= "boto3."')
    emails = [next(a["Value"] for a in u["Attributes"] if a["Name"] == "email") for u in r["Users"]]
    assert emails == [EMAIL], emails


@test("refresh_token_auth", "get_user_with_access_token")
def global_sign_out_revokes():
    access, refresh = S["tokens"]["AccessToken"], S["tokens"]["RefreshToken"]
    cognito.global_sign_out(AccessToken=access)
    e = expect_error("NotAuthorizedException", cognito.get_user, AccessToken=access)
    assert e.response["Error"]["Message"] == "Access Token has been revoked", e.response["Error"]["Message"]
    expect_error(
        "NotAuthorizedException",
        cognito.initiate_auth,
        ClientId=S["client"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh},
    )


@test("confirm_with_code_from_outbox")
def forgot_and_confirm_forgot_password():
    r = cognito.forgot_password(ClientId=S["client"], Username=EMAIL)
    assert r["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL", r
    code = last_code(S["pool"], EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    expect_error(
        "CodeMismatchException",
        cognito.confirm_forgot_password,
        ClientId=S["client"],
        Username=EMAIL,
        ConfirmationCode=wrong,
        Password=NEW_PASSWORD,
    )
    expect_error(
        "InvalidPasswordException",
        cognito.confirm_forgot_password,
        ClientId=S["client"],
        Username=EMAIL,
        ConfirmationCode=code,
        Password="short",
    )
    cognito.confirm_forgot_password(ClientId=S["client"], Username=EMAIL, ConfirmationCode=code, Password=NEW_PASSWORD)
    cognito.initiate_auth(
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": NEW_PASSWORD},
    )
    expect_error(
        "NotAuthorizedException",
        cognito.initiate_auth,
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": QUICKSTART_PASSWORD},
    )


@test("create_pool_and_client")
def admin_create_user_and_new_password_challenge():
    email = "invited@example.com"
    cognito.admin_create_user(
        UserPoolId=S["pool"],
        Username=email,
        UserAttributes=quickstart_attributes()
        + [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        DesiredDeliveryMediums=["EMAIL"],  # the API default is SMS
    )
    temp = last_code(S["pool"], email)  # the invitation carries the temporary password
    r = cognito.initiate_auth(
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": temp},
    )
    assert r["ChallengeName"] == "NEW_PASSWORD_REQUIRED", r
    t = cognito.respond_to_auth_challenge(
        ClientId=S["client"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=r["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": NEW_PASSWORD},
    )["AuthenticationResult"]
    assert t["AccessToken"]
    u = cognito.admin_get_user(UserPoolId=S["pool"], Username=email)
    assert u["UserStatus"] == "CONFIRMED", u["UserStatus"]


@test("create_pool_and_client")
def unknown_resources():
    expect_error("ResourceNotFoundException", cognito.describe_user_pool, UserPoolId="us-east-1_doesNotEx")
    expect_error(
        "ResourceNotFoundException",
        cognito.initiate_auth,
        ClientId="nosuchclient0000000000000",
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": QUICKSTART_PASSWORD},
    )
    expect_error("UserNotFoundException", cognito.admin_get_user, UserPoolId=S["pool"], Username="ghost@example.com")
    expect_error("UserNotFoundException", cognito.admin_confirm_sign_up, UserPoolId=S["pool"], Username="ghost@example.com")


@test()
def errors_carry_request_id_and_type():
    try:
        cognito.describe_user_pool(UserPoolId="us-east-1_doesNotEx")
    except Exception as e:  # noqa: BLE001
        meta = e.response["ResponseMetadata"]
        headers = meta["HTTPHeaders"]
        assert meta.get("RequestId"), meta
        assert headers.get("x-amzn-errortype", "").startswith(e.response["Error"]["Code"]), headers
        assert "x-amzn-errormessage" in headers, headers
        assert headers.get("content-type") == "application/x-amz-json-1.1", headers
        body = json.dumps(e.response["Error"])
        assert "Code" in body
    else:
        raise AssertionError("describe_user_pool of an unknown id succeeded")


@test("create_pool_and_client")
def resending_codes_is_limited_to_five_an_hour():
    email = "boto3.flood@example.com"
    cognito.sign_up(
        ClientId=S["client"],
        Username=email,
        Password=QUICKSTART_PASSWORD,
        UserAttributes=quickstart_attributes(),
    )
    for _ in range(5):
        cognito.resend_confirmation_code(ClientId=S["client"], Username=email)
    sent = len(outbox(S["pool"], email))
    e = expect_error("LimitExceededException", cognito.resend_confirmation_code, ClientId=S["client"], Username=email)
    assert e.response["Error"]["Message"] == "Attempt limit exceeded, please try after some time.", e.response
    assert len(outbox(S["pool"], email)) == sent, "a refused resend sent a message"


@test("create_pool_and_client")
def under_enabled_unknown_names_lock_out_like_real_ones():
    quiet = cognito.create_user_pool_client(
        UserPoolId=S["pool"],
        ClientName="boto3-quiet",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]
    real = "boto3.locked@example.com"
    cognito.sign_up(
        ClientId=S["client"],
        Username=real,
        Password=QUICKSTART_PASSWORD,
        UserAttributes=quickstart_attributes(),
    )
    cognito.admin_confirm_sign_up(UserPoolId=S["pool"], Username=real)

    def answers(name: str) -> list[tuple[str, str]]:
        seen = []
        for _ in range(6):
            e = expect_error(
                "NotAuthorizedException",
                cognito.initiate_auth,
                ClientId=quiet,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": name, "PASSWORD": "Wrong-pass1"},
            )
            seen.append((e.response["Error"]["Code"], e.response["Error"]["Message"]))
        return seen

    known, unknown = answers(real), answers("boto3.nobody@example.com")
    assert known == unknown, (known, unknown)
    assert known[-1][1] == "Password attempts exceeded", known


@test("create_pool_and_client")
def resource_servers_round_trip():
    """botocore's cognito-idp model parses every resource-server answer, and
    the refusals carry the exception types boto3 maps."""
    pool = S["pool"]
    scopes = [
        {"ScopeName": "photos.read", "ScopeDescription": "Read photos"},
        {"ScopeName": "photos.write", "ScopeDescription": "Upload photos"},
    ]
    created = cognito.create_resource_server(
        UserPoolId=pool, Identifier="https://boto3.example.com", Name="Photos", Scopes=scopes
    )["ResourceServer"]
    assert created == {
        "UserPoolId": pool,
        "Identifier": "https://boto3.example.com",
        "Name": "Photos",
        "Scopes": scopes,
    }, created
    described = cognito.describe_resource_server(UserPoolId=pool, Identifier="https://boto3.example.com")
    assert described["ResourceServer"] == created, described
    cognito.create_resource_server(UserPoolId=pool, Identifier="boto3-bare", Name="Bare")
    pages = cognito.get_paginator("list_resource_servers").paginate(
        UserPoolId=pool, PaginationConfig={"PageSize": 1}
    )
    listed = [s["Identifier"] for page in pages for s in page["ResourceServers"]]
    assert listed == ["boto3-bare", "https://boto3.example.com"], listed
    updated = cognito.update_resource_server(
        UserPoolId=pool, Identifier="https://boto3.example.com", Name="Renamed"
    )["ResourceServer"]
    assert "Scopes" not in updated and updated["Name"] == "Renamed", updated
    e = expect_error(
        "InvalidParameterException",
        cognito.create_resource_server,
        UserPoolId=pool,
        Identifier="boto3-bare",
        Name="Again",
    )
    assert e.response["Error"]["Message"] == f"boto3-bare already exists in user pool {pool}.", e.response
    for identifier in ("boto3-bare", "https://boto3.example.com"):
        assert cognito.delete_resource_server(UserPoolId=pool, Identifier=identifier)["ResponseMetadata"][
            "HTTPStatusCode"
        ] == 200
    expect_error(
        "ResourceNotFoundException",
        cognito.describe_resource_server,
        UserPoolId=pool,
        Identifier="boto3-bare",
    )


@test()
def tags_and_deletion_protection_round_trip():
    """botocore parses the tagging answers and the echoed members, and an
    ACTIVE pool refuses DeleteUserPool until an update turns it off."""
    pool = cognito.create_user_pool(
        PoolName="boto3-tags", UserPoolTags={"env": "prod"}, DeletionProtection="ACTIVE"
    )["UserPool"]
    assert pool["UserPoolTags"] == {"env": "prod"}, pool.get("UserPoolTags")
    assert pool["DeletionProtection"] == "ACTIVE", pool.get("DeletionProtection")
    arn = pool["Arn"]
    cognito.tag_resource(ResourceArn=arn, Tags={"team": "id"})
    cognito.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "id"}
    e = expect_error("InvalidParameterException", cognito.delete_user_pool, UserPoolId=pool["Id"])
    assert "deletion protection is activated" in e.response["Error"]["Message"], e.response
    expect_error(
        "ResourceNotFoundException",
        cognito.list_tags_for_resource,
        ResourceArn=arn.replace(pool["Id"], "us-east-1_Missing1"),
    )
    cognito.update_user_pool(UserPoolId=pool["Id"], DeletionProtection="INACTIVE")
    cognito.delete_user_pool(UserPoolId=pool["Id"])


@test()
def developer_email_configuration_round_trip():
    """A pool sending through SES (DEVELOPER) is accepted and described back;
    From with COGNITO_DEFAULT is refused with Cognito's message."""
    email = {
        "EmailSendingAccount": "DEVELOPER",
        "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
        "From": "Example <no-reply@example.com>",
        "ReplyToEmailAddress": "support@example.com",
    }
    pool = cognito.create_user_pool(PoolName="boto3-ses", EmailConfiguration=email)["UserPool"]
    assert pool["EmailConfiguration"] == email, pool["EmailConfiguration"]
    described = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["EmailConfiguration"] == email, described["EmailConfiguration"]
    e = expect_error(
        "InvalidParameterException",
        cognito.create_user_pool,
        PoolName="boto3-default-from",
        EmailConfiguration={"EmailSendingAccount": "COGNITO_DEFAULT", "From": "a@example.com"},
    )
    message = e.response["Error"]["Message"]
    assert message == "Cannot configure From email address for default email configuration", message


@test("create_pool_and_client")
def client_secret_rotation():
    pool = S["pool"]
    c = cognito.create_user_pool_client(UserPoolId=pool, ClientName="boto3-rotating", GenerateSecret=True)[
        "UserPoolClient"
    ]
    first = cognito.list_user_pool_client_secrets(UserPoolId=pool, ClientId=c["ClientId"])["ClientSecrets"]
    assert len(first) == 1 and "ClientSecretValue" not in first[0], first
    added = cognito.add_user_pool_client_secret(UserPoolId=pool, ClientId=c["ClientId"])["ClientSecretDescriptor"]
    assert len(added["ClientSecretValue"]) == 51 and added["ClientSecretId"].startswith(c["ClientId"] + "--"), added
    e = expect_error(
        "LimitExceededException", cognito.add_user_pool_client_secret, UserPoolId=pool, ClientId=c["ClientId"]
    )
    assert e.response["Error"]["Message"] == "An app client can have at most 2 client secrets.", e.response
    cognito.delete_user_pool_client_secret(
        UserPoolId=pool, ClientId=c["ClientId"], ClientSecretId=first[0]["ClientSecretId"]
    )
    left = cognito.list_user_pool_client_secrets(UserPoolId=pool, ClientId=c["ClientId"])["ClientSecrets"]
    assert [s["ClientSecretId"] for s in left] == [added["ClientSecretId"]], left
    described = cognito.describe_user_pool_client(UserPoolId=pool, ClientId=c["ClientId"])["UserPoolClient"]
    assert described["ClientSecret"] == added["ClientSecretValue"]


if __name__ == "__main__":
    raise SystemExit(run())
