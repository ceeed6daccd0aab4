"""Creates what the Node CUSTOM_AUTH suites share: the quickstart pool with
the one-time-code Define/Create/Verify functions (lambdas/), an app client
allowing CUSTOM_AUTH and SRP, and two confirmed users. Prints it as JSON."""

from __future__ import annotations

import json
import sys

from harness import QUICKSTART_PASSWORD, client, quickstart_pool_input, signed_up_and_confirmed
from lambdas import arn

USERS = {"acijs": "custom.acijs@example.com", "amplify": "custom.amplify@example.com"}


def main() -> int:
    cognito = client()
    spec = quickstart_pool_input("custom-auth")
    spec["LambdaConfig"] = {
        "DefineAuthChallenge": arn("defineAuth"),
        "CreateAuthChallenge": arn("createAuth"),
        "VerifyAuthChallengeResponse": arn("verifyAuth"),
    }
    pool_id = cognito.create_user_pool(**spec)["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="custom-auth-client",
        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for email in USERS.values():
        signed_up_and_confirmed(cognito, pool_id, client_id, email)
    json.dump(
        {"poolId": pool_id, "clientId": client_id, "users": USERS, "password": QUICKSTART_PASSWORD},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
