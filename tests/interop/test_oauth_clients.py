"""boto3 against userpool-server: an app client's OAuth members
(cognito-oauth.md §3) created, described, updated and refused as Cognito
does, and user pool domains (§1.2-§1.4, T1 of §14), through botocore's own
serialisation of the request and parsing of the answer."""

from __future__ import annotations

import uuid

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


@test("oauth_client_round_trips")
def domains_round_trip():
    # Domain names are unique across the server: one per run.
    prefix = "boto3-" + uuid.uuid4().hex[:12]
    S["domain"] = prefix
    assert cognito.describe_user_pool_domain(Domain=prefix)["DomainDescription"] == {}
    created = cognito.create_user_pool_domain(UserPoolId=S["pool"], Domain=prefix)
    assert created["ManagedLoginVersion"] == 1, created
    assert "CloudFrontDomain" not in created, created
    d = cognito.describe_user_pool_domain(Domain=prefix)["DomainDescription"]
    assert d["UserPoolId"] == S["pool"], d
    assert d["Domain"] == prefix, d
    assert d["Status"] == "ACTIVE", d
    assert d["CustomDomainConfig"] == {}, d
    assert d["CloudFrontDistribution"].endswith(".cloudfront.net"), d
    assert len(d["Version"]) == 14 and d["Version"].isdigit(), d
    updated = cognito.update_user_pool_domain(UserPoolId=S["pool"], Domain=prefix, ManagedLoginVersion=2)
    assert updated["ManagedLoginVersion"] == 2, updated
    pool = cognito.describe_user_pool(UserPoolId=S["pool"])["UserPool"]
    assert pool["Domain"] == prefix, pool

    custom = prefix + ".example.com"
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d"
    made = cognito.create_user_pool_domain(
        UserPoolId=S["pool"], Domain=custom, CustomDomainConfig={"CertificateArn": cert}
    )
    assert made["CloudFrontDomain"].endswith(".cloudfront.net"), made
    d = cognito.describe_user_pool_domain(Domain=custom)["DomainDescription"]
    assert d["CustomDomainConfig"] == {"CertificateArn": cert}, d
    assert cognito.describe_user_pool(UserPoolId=S["pool"])["UserPool"]["CustomDomain"] == custom


@test("domains_round_trip")
def domain_refusals_carry_cognitos_types_and_messages():
    other = cognito.create_user_pool(PoolName="boto3-domains-other")["UserPool"]["Id"]
    cases = [
        (
            "InvalidParameterException",
            "Domain cannot contain reserved word: cognito",
            dict(UserPoolId=other, Domain="my-cognito-login"),
        ),
        (
            "InvalidParameterException",
            "Domain already associated with another user pool",
            dict(UserPoolId=other, Domain=S["domain"]),
        ),
        (
            "InvalidParameterException",
            "User pool already has a domain configured.",
            dict(UserPoolId=S["pool"], Domain=S["domain"] + "-2"),
        ),
        (
            "InvalidParameterException",
            "CustomDomainConfig is required for a custom domain.",
            dict(UserPoolId=other, Domain="login.example.org"),
        ),
        (
            "ResourceNotFoundException",
            "User pool us-east-1_missing does not exist.",
            dict(UserPoolId="us-east-1_missing", Domain="fine-name"),
        ),
    ]
    for code, message, members in cases:
        e = expect_error(code, cognito.create_user_pool_domain, **members)
        assert e.response["Error"]["Message"] == message, (members, e.response["Error"])
    e = expect_error("InvalidParameterException", cognito.delete_user_pool, UserPoolId=S["pool"])
    assert e.response["Error"]["Message"] == (
        "User pool cannot be deleted. It has a domain configured that should be deleted first."
    ), e.response["Error"]
    for domain in (S["domain"], S["domain"] + ".example.com"):
        assert cognito.delete_user_pool_domain(UserPoolId=S["pool"], Domain=domain) is not None
    assert cognito.describe_user_pool_domain(Domain=S["domain"])["DomainDescription"] == {}
    cognito.delete_user_pool(UserPoolId=other)


if __name__ == "__main__":
    raise SystemExit(run())
