"""boto3 against userpool-server: an app client's OAuth members
(cognito-oauth.md §3) created, described, updated and refused as Cognito
does, through botocore's own serialisation of the request and parsing of
the answer."""

from __future__ import annotations

from harness import client, create_quickstart, expect_error, run, test

cognito = client()
S: dict = {}
CB = "https://app.example.com/cb"


@test()
def oauth_client_round_trips():
    S["pool"], _ = create_quickstart(cognito, "boto3-oauth")
    created = cognito.create_user_pool_client(
        UserPoolId=S["pool"],
        ClientName="boto3-web",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile"],
        CallbackURLs=[CB, "http://localhost:3000/cb"],
        LogoutURLs=["https://app.example.com/bye"],
        DefaultRedirectURI=CB,
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    S["client"] = created["ClientId"]
    described = cognito.describe_user_pool_client(UserPoolId=S["pool"], ClientId=S["client"])["UserPoolClient"]
    for c in (created, described):
        assert c["AllowedOAuthFlowsUserPoolClient"] is True, c
        assert c["AllowedOAuthFlows"] == ["code"], c
        assert c["AllowedOAuthScopes"] == ["openid", "email", "profile"], c
        assert c["CallbackURLs"] == [CB, "http://localhost:3000/cb"], c
        assert c["LogoutURLs"] == ["https://app.example.com/bye"], c
        assert c["DefaultRedirectURI"] == CB, c
        assert c["SupportedIdentityProviders"] == ["COGNITO"], c


@test("oauth_client_round_trips")
def update_resets_omitted_members():
    updated = cognito.update_user_pool_client(
        UserPoolId=S["pool"], ClientId=S["client"], AllowedOAuthScopes=["openid"]
    )["UserPoolClient"]
    assert updated["AllowedOAuthFlowsUserPoolClient"] is False, updated
    assert updated["AllowedOAuthScopes"] == ["openid"], updated
    for gone in ("AllowedOAuthFlows", "CallbackURLs", "LogoutURLs", "DefaultRedirectURI"):
        assert gone not in updated, (gone, updated)


@test("oauth_client_round_trips")
def refusals_carry_cognitos_types_and_messages():
    cases = [
        (
            "InvalidOAuthFlowException",
            "client_credentials flow can not be selected if client does not have a client secret.",
            dict(AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["x/y"]),
        ),
        (
            "ScopeDoesNotExistException",
            "Invalid scope requested: https://api.example.com/read",
            dict(AllowedOAuthScopes=["https://api.example.com/read"]),
        ),
        (
            "InvalidOAuthFlowException",
            "CallbackUrls can not be empty when code flow or implicit flow is selected",
            dict(AllowedOAuthFlows=["implicit"], AllowedOAuthScopes=["openid"]),
        ),
        (
            "InvalidParameterException",
            "Invalid redirect URI: http://app.example.com/cb",
            dict(CallbackURLs=["http://app.example.com/cb"]),
        ),
    ]
    for code, message, members in cases:
        e = expect_error(code, cognito.create_user_pool_client, UserPoolId=S["pool"], ClientName="bad", **members)
        assert e.response["Error"]["Message"] == message, (members, e.response["Error"])


if __name__ == "__main__":
    raise SystemExit(run())
