"""Creates what the Node tests share: the quickstart pool, an app client and a
confirmed user (through boto3). Prints the fixture as JSON on stdout."""

from __future__ import annotations

import json
import sys

from harness import QUICKSTART_PASSWORD, client, create_quickstart, signed_up_and_confirmed

USERNAME = "node.fixture@example.com"


def main() -> int:
    cognito = client()
    pool_id, client_id = create_quickstart(cognito, "node-quickstart")
    signed_up_and_confirmed(cognito, pool_id, client_id, USERNAME)
    json.dump(
        {"poolId": pool_id, "clientId": client_id, "username": USERNAME, "password": QUICKSTART_PASSWORD},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
