"""A tiny test harness shared by the Python interop tests.

Each test prints one line, `PASS <name>` or `FAIL <name>: <why>`; run.sh counts
them. A test that needs another one that did not pass fails with
"blocked by <name>" instead of running, so one missing operation shows up once
as the cause rather than as a cascade of unrelated-looking errors.

The server is named by COGNITO_ENDPOINT (http://127.0.0.1:PORT).
"""

from __future__ import annotations

import json
import os
import traceback
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
ENDPOINT = os.environ.get("COGNITO_ENDPOINT", "http://127.0.0.1:9229").rstrip("/")
REGION = "us-east-1"
QUICKSTART_PASSWORD = "1234Abcd^"

_tests: list[tuple[str, object, tuple[str, ...]]] = []
_passed: set[str] = set()


def test(*needs: str):
    """Registers a test; `needs` names tests that must have passed first."""

    def register(fn):
        _tests.append((fn.__name__, fn, needs))
        return fn

    return register


def run() -> int:
    failed = 0
    for name, fn, needs in _tests:
        blocked = [n for n in needs if n not in _passed]
        if blocked:
            print(f"FAIL {name}: blocked by {', '.join(blocked)}", flush=True)
            failed += 1
            continue
        try:
            fn()
        except ClientError as e:
            err = e.response.get("Error", {})
            print(
                f"FAIL {name}: {e.operation_name} -> {err.get('Code')}: {err.get('Message')}",
                flush=True,
            )
            failed += 1
        except Exception as e:  # noqa: BLE001 - the report is the point
            tb = traceback.extract_tb(e.__traceback__)
            where = next(
                (f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "interop" in f.filename),
                "",
            )
            print(f"FAIL {name}: {type(e).__name__}: {e} [{where}]", flush=True)
            failed += 1
        else:
            print(f"PASS {name}", flush=True)
            _passed.add(name)
    return 1 if failed else 0


def client(**kwargs):
    """A boto3 cognito-idp client pointed at the server, with dummy credentials
    and no retries (a 500 should fail the test, not be retried four times).
    `endpoint_url` names another server."""
    endpoint = kwargs.pop("endpoint_url", ENDPOINT)
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=60),
        **kwargs,
    )


def expect_error(code: str, fn, *args, **kwargs) -> ClientError:
    """Calls fn and asserts it fails with the Cognito exception `code`."""
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, f"expected {code}, got {got}: {e.response['Error'].get('Message')}"
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert status == 400, f"{code} came with HTTP {status}, expected 400"
        return e
    raise AssertionError(f"expected {code}, but the call succeeded")


def http_get(path: str, **params) -> dict:
    url = f"{ENDPOINT}{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def outbox(pool_id: str, username: str) -> list[dict]:
    """The messages the server sent to `username` (or that destination)."""
    return http_get("/_outbox", pool_id=pool_id, username=username)["messages"]


def last_code(pool_id: str, username: str) -> str:
    messages = outbox(pool_id, username)
    assert messages, f"no message in the outbox for {username}"
    return messages[-1]["code"]


def jwks(pool_id: str) -> dict:
    return http_get(f"/{pool_id}/.well-known/jwks.json")


def quickstart_pool_input(name: str) -> dict:
    """The quickstart pool (tests/interop/quickstart-pool.json) under a new name."""
    spec = json.loads((HERE / "quickstart-pool.json").read_text())
    spec["PoolName"] = name
    return spec


def quickstart_attributes(tenant: str = "1234567890", employee: str = "10") -> list[dict]:
    return [
        {"Name": "family_name", "Value": "Foobar"},
        {"Name": "custom:tenant_id", "Value": tenant},
        {"Name": "custom:created_at", "Value": "2022-01-01"},
        {"Name": "custom:employee_id", "Value": employee},
        {"Name": "custom:is_admin", "Value": "false"},
    ]


def create_quickstart(cognito, name: str) -> tuple[str, str]:
    """Creates the quickstart pool and an app client; returns their ids."""
    pool_id = cognito.create_user_pool(**quickstart_pool_input(name))["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{name}-client",
        ExplicitAuthFlows=[
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def signed_up_and_confirmed(cognito, pool_id: str, client_id: str, email: str, password: str = QUICKSTART_PASSWORD):
    cognito.sign_up(
        ClientId=client_id,
        Username=email,
        Password=password,
        UserAttributes=quickstart_attributes(),
    )
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
