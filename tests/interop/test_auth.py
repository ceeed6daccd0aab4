"""SigV4 with real AWS clients: a second server runs with --credentials
(run.sh starts it with USERPOOL_CREDENTIALS=AKIDINTEROPTEST:...; its URL is
SIGNED_ENDPOINT). boto3 and the AWS CLI with the right keys work unchanged;
wrong keys, unknown keys and unsigned calls are refused with AWS's exception
names, and a refused AdminSetUserPassword changes nothing. Public operations
stay unsigned. /_outbox needs a signature too."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import boto3
import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from harness import QUICKSTART_PASSWORD, REGION, expect_error, run, test

ENDPOINT = os.environ["SIGNED_ENDPOINT"].rstrip("/")
KEY_ID = os.environ["SIGNED_ACCESS_KEY_ID"]
SECRET = os.environ["SIGNED_SECRET"]
S: dict = {}


def signed_client(key_id: str = KEY_ID, secret: str = SECRET, **config):
    return boto3.client(
        "cognito-idp",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}, **config),
    )


def unsigned_client():
    return signed_client(signature_version=botocore.UNSIGNED)


def cli(*args: str, key_id: str = KEY_ID, secret: str = SECRET, extra: tuple[str, ...] = ()):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": REGION}
    return subprocess.run(
        ["aws", "--endpoint-url", ENDPOINT, *extra, "cognito-idp", *args, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@test()
def right_keys_run_admin_calls():
    cognito = signed_client()
    pool = cognito.create_user_pool(PoolName="signed")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="victim", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="victim", Password=QUICKSTART_PASSWORD, Permanent=True)
    users = cognito.list_users(UserPoolId=pool)["Users"]
    assert [u["Username"] for u in users] == ["victim"], users
    S.update(pool=pool, client=client)


def sign_in(password: str):
    return unsigned_client().initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=S["client"], AuthParameters={"USERNAME": "victim", "PASSWORD": password}
    )


@test("right_keys_run_admin_calls")
def public_operations_stay_unsigned():
    assert "AccessToken" in sign_in(QUICKSTART_PASSWORD)["AuthenticationResult"]


@test("right_keys_run_admin_calls")
def unsigned_admin_set_user_password_is_refused_and_changes_nothing():
    e = expect_error(
        "MissingAuthenticationTokenException",
        unsigned_client().admin_set_user_password,
        UserPoolId=S["pool"],
        Username="victim",
        Password="Attacker-chosen-1",
        Permanent=True,
    )
    assert e.response["Error"]["Message"] == "Missing Authentication Token", e.response
    expect_error("NotAuthorizedException", sign_in, "Attacker-chosen-1")
    assert "AccessToken" in sign_in(QUICKSTART_PASSWORD)["AuthenticationResult"]


@test("right_keys_run_admin_calls")
def wrong_secret_is_invalid_signature():
    e = expect_error("InvalidSignatureException", signed_client(secret="not-the-secret").list_users, UserPoolId=S["pool"])
    assert "signature we calculated does not match" in e.response["Error"]["Message"], e.response


@test()
def unknown_key_is_unrecognized_client():
    e = expect_error("UnrecognizedClientException", signed_client(key_id="AKIDSTRANGER").list_user_pools, MaxResults=5)
    assert e.response["Error"]["Message"] == "The security token included in the request is invalid.", e.response


@test()
def other_region_is_invalid_signature():
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=ENDPOINT,
        region_name="eu-west-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        config=Config(retries={"total_max_attempts": 1}),
    )
    expect_error("InvalidSignatureException", cognito.list_user_pools, MaxResults=5)


@test("right_keys_run_admin_calls")
def cli_with_right_keys_works():
    r = cli("list-users", "--user-pool-id", S["pool"])
    assert r.returncode == 0, r.stderr
    assert [u["Username"] for u in json.loads(r.stdout)["Users"]] == ["victim"], r.stdout


@test()
def cli_with_wrong_keys_or_unsigned_fails():
    r = cli("list-user-pools", "--max-results", "5", secret="not-the-secret")
    assert r.returncode != 0 and "InvalidSignatureException" in r.stderr, (r.returncode, r.stderr)
    r = cli("list-user-pools", "--max-results", "5", key_id="AKIDSTRANGER")
    assert r.returncode != 0 and "UnrecognizedClientException" in r.stderr, (r.returncode, r.stderr)
    r = cli("list-user-pools", "--max-results", "5", extra=("--no-sign-request",))
    assert r.returncode != 0 and "MissingAuthenticationTokenException" in r.stderr, (r.returncode, r.stderr)


def outbox_request(pool_id: str, secret: str | None):
    url = f"{ENDPOINT}/_outbox?" + urllib.parse.urlencode({"pool_id": pool_id})
    headers = {}
    if secret is not None:
        signed = AWSRequest(method="GET", url=url)
        SigV4Auth(Credentials(KEY_ID, secret), "cognito-idp", REGION).add_auth(signed)
        headers = dict(signed.headers.items())
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@test()
def outbox_needs_a_signature():
    status, doc = outbox_request("us-east-1_nope", None)
    assert (status, doc.get("__type")) == (400, "MissingAuthenticationTokenException"), (status, doc)
    status, doc = outbox_request("us-east-1_nope", "not-the-secret")
    assert (status, doc.get("__type")) == (400, "InvalidSignatureException"), (status, doc)
    status, doc = outbox_request("us-east-1_nope", SECRET)
    assert (status, doc) == (200, {"messages": []}), (status, doc)


if __name__ == "__main__":
    raise SystemExit(run())
