"""The interop Lambda functions (lambdas/, served by serverless-offline, see
serverless.yml) as a pool's LambdaConfig names them, and what they recorded."""

from __future__ import annotations

import json
import os
from pathlib import Path

# Every function of serverless.yml; run.sh maps each ARN below to
# interop-test-<name> with --lambda-function.
FUNCTIONS = (
    "preSignUp",
    "preSignUpReject",
    "preTokenV2",
    "customMessage",
    "userMigration",
    "defineAuth",
    "createAuth",
    "verifyAuth",
)


def arn(name: str) -> str:
    """The ARN a pool's LambdaConfig names function `name` by."""
    assert name in FUNCTIONS, name
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


def records(fn: str | None = None) -> list[dict]:
    """What the handlers recorded ({fn, event, response}), oldest first."""
    path = os.environ.get("INTEROP_LAMBDA_LOG")
    assert path, "INTEROP_LAMBDA_LOG is not set (run tests/interop/run.sh)"
    p = Path(path)
    lines = p.read_text().splitlines() if p.exists() else []
    out = [json.loads(line) for line in lines if line.strip()]
    return [r for r in out if fn is None or r["fn"] == fn]


if __name__ == "__main__":
    # run.sh: the --lambda-function flags, one ARN=NAME a line.
    for name in FUNCTIONS:
        print(f"{arn(name)}=interop-test-{name}")
