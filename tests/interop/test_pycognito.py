"""pycognito (NabuCasa) against userpool-server: USER_SRP_AUTH through
`Cognito.authenticate` and `AWSSRP.authenticate_user`, token verification with
pycognito's own verifier, refresh and sign-out.

pycognito derives the issuer it expects from `boto3_client_kwargs["endpoint_url"]`
when one is given (it would expect `http://127.0.0.1:PORT/<poolId>`), while the
tokens carry Cognito's issuer `https://cognito-idp.<region>.amazonaws.com/<poolId>`.
So, as the README recommends, the endpoint is given to botocore through the
environment (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`) and the JWKS is
pre-loaded from the server's `/{poolId}/.well-known/jwks.json`.
"""

from __future__ import annotations

import os

from harness import ENDPOINT, QUICKSTART_PASSWORD, client, create_quickstart, jwks, run, signed_up_and_confirmed, test

os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = ENDPOINT
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")

import boto3  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from pycognito import Cognito  # noqa: E402
from pycognito.aws_srp import AWSSRP  # noqa: E402

cognito = client()
S: dict = {}
EMAIL = "pycognito.jane@example.com"


def user(username: str, pool: str | None = None, client_id: str | None = None) -> Cognito:
    u = Cognito(pool or S["pool"], client_id or S["client"], username=username)
    u.pool_jwk = jwks(pool or S["pool"])
    return u


@test()
def setup_pool_and_user():
    S["pool"], S["client"] = create_quickstart(cognito, "pycognito-quickstart")
    signed_up_and_confirmed(cognito, S["pool"], S["client"], EMAIL)


@test("setup_pool_and_user")
def cognito_authenticate_srp():
    u = user(EMAIL)
    u.authenticate(password=QUICKSTART_PASSWORD)  # verifies both tokens itself
    assert u.access_token and u.id_token and u.refresh_token and u.token_type == "Bearer"
    assert u.id_claims["email"] == EMAIL, u.id_claims
    assert u.access_claims["client_id"] == S["client"], u.access_claims
    u.verify_tokens()
    S["user"] = u


@test("setup_pool_and_user")
def cognito_authenticate_wrong_password():
    u = user(EMAIL)
    try:
        u.authenticate(password="Wrong123^x")
    except ClientError as e:
        code = e.response["Error"]["Code"]
        assert code == "NotAuthorizedException", f"{code}: {e.response['Error'].get('Message')}"
    else:
        raise AssertionError("a wrong password signed in")


@test("cognito_authenticate_srp")
def cognito_get_user_renew_logout():
    u = S["user"]
    profile = u.get_user()
    assert profile.email == EMAIL, profile._data
    old = u.access_token
    u.renew_access_token()  # REFRESH_TOKEN_AUTH, verified again
    assert u.access_token and u.access_token != old
    u.logout()  # GlobalSignOut
    try:
        cognito.get_user(AccessToken=old)
    except ClientError as e:
        assert e.response["Error"]["Code"] == "NotAuthorizedException", e.response["Error"]
    else:
        raise AssertionError("the access token still works after logout")


@test("setup_pool_and_user")
def awssrp_authenticate_user():
    srp_client = boto3.client("cognito-idp", region_name="us-east-1")  # endpoint from the environment
    aws = AWSSRP(
        username=EMAIL,
        password=QUICKSTART_PASSWORD,
        pool_id=S["pool"],
        client_id=S["client"],
        client=srp_client,
    )
    tokens = aws.authenticate_user()
    result = tokens["AuthenticationResult"]
    assert result["AccessToken"] and result["IdToken"] and result["RefreshToken"], tokens
    u = user(EMAIL)
    u.verify_token(result["AccessToken"], "access_token", "access")
    u.verify_token(result["IdToken"], "id_token", "id")


@test()
def awssrp_plain_username_pool():
    pool = cognito.create_user_pool(PoolName="pycognito-plain")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool,
        ClientName="plain",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.sign_up(ClientId=client_id, Username="alice", Password=QUICKSTART_PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="alice")
    u = user("alice", pool, client_id)
    u.authenticate(password=QUICKSTART_PASSWORD)
    assert u.access_claims["username"] == "alice", u.access_claims
    try:
        AWSSRP(
            username="alice",
            password="Wrong123^x",
            pool_id=pool,
            client_id=client_id,
            client=boto3.client("cognito-idp", region_name="us-east-1"),
        ).authenticate_user()
    except ClientError as e:
        assert e.response["Error"]["Code"] == "NotAuthorizedException", e.response["Error"]
    else:
        raise AssertionError("a wrong password signed in")


if __name__ == "__main__":
    raise SystemExit(run())
