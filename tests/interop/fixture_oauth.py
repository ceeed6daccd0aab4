"""Creates the OAuth pool of oauth_common.make_pool (domain, resource server,
clients, user) on COGNITO_ENDPOINT and prints its names as JSON, for the Node
OAuth suite (run.sh: `python fixture_oauth.py NAME > $OAUTH_FIXTURE`)."""

from __future__ import annotations

import json
import sys

from oauth_common import make_pool

CALLBACK = "http://localhost:8976/callback"
LOGOUT = "http://localhost:8976/signed-out"

if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "oauth-node"
    print(json.dumps(make_pool(name, CALLBACK, LOGOUT)))
