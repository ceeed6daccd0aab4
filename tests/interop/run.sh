#!/usr/bin/env bash
# Interop tests: real Cognito clients against userpool-server (server/).
#
#   bash tests/interop/run.sh            # every suite
#   bash tests/interop/run.sh boto3 cli  # some suites: http cli boto3 (with oauth_clients) pycognito acijs jwt auth
#                                        #   triggers custom_auth amplify mfa oauth oauth_node browser
#                                        #   amplify_redirect
#
# Builds userpool-server (--release, reusing target/), starts it on a free
# 127.0.0.1 port with --hashing test, installs the pinned Python clients into
# target/interop-venv (requirements.txt) and the pinned Node clients into
# tests/interop/node_modules (package-lock.json), runs the suites, stops the
# server, and ends with "N passed, M failed". The auth suite runs against a
# second server started with credentials (SigV4 verified). The Lambda trigger
# suites (triggers, custom_auth, amplify) run against a third server started
# with --lambda-endpoint pointing at serverless-offline's Lambda Invoke
# endpoint, which serves the Node.js handlers of lambdas/ (serverless.yml; no
# AWS account or network needed). The mfa suites (test_mfa.py: boto3 with
# pyotp, pycognito; test_mfa.mjs: amazon-cognito-identity-js, aws-amplify)
# make their own MFA pools on the first server. The OAuth suites drive the
# hosted endpoints of a pool's domain in path mode (http://127.0.0.1:PORT/DOMAIN):
# oauth (test_oauth.py: authlib and requests, code + PKCE, client_credentials,
# refresh, userInfo, revoke) and browser (test_browser.py: Selenium driving
# Debian's headless chromium through the hosted pages, screenshots saved under
# target/oauth-screenshots/) on the first server; oauth_node (test_oauth.mjs:
# openid-client discovering the pool, aws-jwt-verify) on a fourth server whose
# pools' issuer is its own URL ($OAUTH_ISSUER_OPTION), as OIDC discovery
# demands; amplify_redirect (test_amplify_redirect.py: aws-amplify v6
# signInWithRedirect, refresh and signOut in headless chromium, from the web app
# of amplify-web/ bundled by the pinned esbuild into target/amplify-web, and
# one hosted sign-in in Host mode) on a fifth server over HTTPS with the
# throwaway certificate of server/tests/fixtures, since Amplify always builds
# https:// URLs. Exits non-zero on any failure.
# Needs python3 (3.9+), node (18+) and npm; the registries for the first run;
# for the browser suite, Debian's chromium and chromium-driver (.ci/run
# installs them).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=$TARGET_DIR/interop-venv
WORK=$(mktemp -d "${TMPDIR:-/tmp}/userpool-interop.XXXXXX")
SERVER_LOG=$WORK/server.log
SERVER_PID=
SIGNED_LOG=$WORK/signed-server.log
SIGNED_PID=
LAMBDA_LOG=$WORK/lambda-server.log
LAMBDA_PID=
OFFLINE_LOG=$WORK/serverless-offline.log
OFFLINE_PID=
ISSUER_LOG=$WORK/local-issuer-server.log
ISSUER_PID=
TLS_LOG=$WORK/tls-server.log
TLS_PID=
# The server option that makes the pools' token issuer (and so the OpenID
# configuration's `issuer`) the server's own URL, http://127.0.0.1:PORT/<poolId>
# (cognito-oauth.md §12), for the oauth_node suite.
OAUTH_ISSUER_OPTION=${OAUTH_ISSUER_OPTION:---issuer-mode local}

ALL_SUITES=(http cli boto3 pycognito acijs jwt auth triggers custom_auth amplify mfa oauth oauth_node browser amplify_redirect)
if [ $# -gt 0 ]; then SUITES=("$@"); else SUITES=("${ALL_SUITES[@]}"); fi
wants() { local s; for s in "${SUITES[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
for s in "${SUITES[@]}"; do
  case " ${ALL_SUITES[*]} " in *" $s "*) ;; *) echo "unknown suite: $s (have: ${ALL_SUITES[*]})" >&2; exit 2 ;; esac
done

say() { printf '\n==> %s\n' "$*"; }

stop_server() {
  local pid=$1
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
}

cleanup() {
  stop_server "$SERVER_PID"
  stop_server "$SIGNED_PID"
  stop_server "$LAMBDA_PID"
  stop_server "$OFFLINE_PID"
  stop_server "$ISSUER_PID"
  stop_server "$TLS_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Python and Node clients are installed while the server compiles.
say "clients: pinned Python packages (target/interop-venv) and Node packages (tests/interop)"
# shellcheck source=venv.sh
. "$HERE/venv.sh"
install_node() {
  local stamp=$HERE/node_modules/.package-lock.sha256 want
  want=$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)
  if [ -d "$HERE/node_modules" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "node_modules up to date"
    return 0
  fi
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) && echo "$want" >"$stamp"
}
install_python "$VENV" "$HERE/requirements.txt" >"$WORK/pip.log" 2>&1 &
PIP_PID=$!
NPM_PID=
wants_node() { wants acijs || wants jwt || wants triggers || wants custom_auth || wants amplify || wants mfa || wants oauth_node || wants amplify_redirect; }
wants_lambda() { wants triggers || wants custom_auth || wants amplify; }
if wants_node; then
  install_node >"$WORK/npm.log" 2>&1 &
  NPM_PID=$!
fi

say "build: cargo build --release -p userpool-server"
if ! cargo build --release -p userpool-server; then
  echo "userpool-server does not build" >&2
  wait
  echo "0 passed, 1 failed"
  exit 1
fi

if ! wait "$PIP_PID"; then cat "$WORK/pip.log" >&2; echo "pip install failed" >&2; exit 1; fi
cat "$WORK/pip.log"
if [ -n "$NPM_PID" ]; then
  if ! wait "$NPM_PID"; then cat "$WORK/npm.log" >&2; echo "npm ci failed" >&2; exit 1; fi
  cat "$WORK/npm.log"
fi

say "server: userpool-server --port 0 --hashing test"
"$TARGET_DIR/release/userpool-server" --port 0 --hashing test >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$SERVER_LOG" | head -n1)
  if [ -n "$PORT" ] && "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/_health', timeout=1)" 2>/dev/null; then
    break
  fi
  PORT=
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$PORT" ]; then
  cat "$SERVER_LOG" >&2
  echo "the server did not start" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
echo "server pid $SERVER_PID on http://127.0.0.1:$PORT"

export COGNITO_ENDPOINT=http://127.0.0.1:$PORT
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$WORK/no-aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK/no-aws-credentials
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export PATH=$VENV/bin:$PATH
export PYTHONDONTWRITEBYTECODE=1

PASSED=0
FAILED=0
suite() {
  local name=$1; shift
  say "suite: $name"
  local out=$WORK/$name.out rc
  (cd "$HERE" && "$@") 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -c '^PASS ' "$out")
  f=$(grep -c '^FAIL ' "$out")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL $name: the suite exited with status $rc"
    f=1
  fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
}

wants http && suite http python test_http.py
wants cli && suite cli bash test_cli.sh
wants boto3 && suite boto3 python test_boto3.py
wants boto3 && suite oauth_clients python test_oauth_clients.py
wants pycognito && suite pycognito python test_pycognito.py
if wants mfa; then
  suite mfa python test_mfa.py
  suite mfa_node node test_mfa.mjs
fi
wants oauth && suite oauth python test_oauth.py
wants browser && suite browser python test_browser.py
if wants amplify_redirect; then
  # The web app bundled (never committed), then a server over TLS.
  AMPLIFY_WEB=$TARGET_DIR/amplify-web
  rm -rf "$AMPLIFY_WEB" && mkdir -p "$AMPLIFY_WEB" && cp "$HERE/amplify-web/index.html" "$AMPLIFY_WEB/"
  TLS_PORT=
  if ! (cd "$HERE" && node_modules/.bin/esbuild amplify-web/app.js --bundle --format=esm --target=es2022 \
    --log-level=warning --outfile="$AMPLIFY_WEB/app.js"); then
    echo "FAIL amplify_web_bundle: esbuild could not bundle amplify-web/app.js"
    FAILED=$((FAILED + 1))
  else
    CERT=$ROOT/server/tests/fixtures/tls-cert.pem
    say "server over TLS: userpool-server --port 0 --hashing test --tls-cert $CERT --tls-key ..."
    "$TARGET_DIR/release/userpool-server" --port 0 --hashing test \
      --tls-cert "$CERT" --tls-key "$ROOT/server/tests/fixtures/tls-key.pem" >"$TLS_LOG" 2>&1 &
    TLS_PID=$!
    for _ in $(seq 100); do
      TLS_PORT=$(sed -n 's#.*listening on https://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$TLS_LOG" | head -n1)
      if [ -n "$TLS_PORT" ] && python -c "import ssl, urllib.request; urllib.request.urlopen('https://127.0.0.1:$TLS_PORT/_health', timeout=1, context=ssl.create_default_context(cafile='$CERT'))" 2>/dev/null; then
        break
      fi
      TLS_PORT=
      kill -0 "$TLS_PID" 2>/dev/null || break
      sleep 0.1
    done
    if [ -z "$TLS_PORT" ]; then
      cat "$TLS_LOG"
      echo "FAIL tls_server: the server with --tls-cert did not start"
      FAILED=$((FAILED + 1))
    fi
  fi
  if [ -n "$TLS_PORT" ]; then
    TLS_ENDPOINT=https://127.0.0.1:$TLS_PORT AMPLIFY_WEB=$AMPLIFY_WEB suite amplify_redirect python test_amplify_redirect.py
  fi
fi
if wants oauth_node; then
  # OIDC discovery demands that the document's `issuer` be the URL it was
  # fetched under: a server whose pools' issuer is its own URL.
  say "server with the local issuer: userpool-server --port 0 --hashing test $OAUTH_ISSUER_OPTION"
  # shellcheck disable=SC2086 # the option may be a flag and its value
  "$TARGET_DIR/release/userpool-server" --port 0 --hashing test $OAUTH_ISSUER_OPTION >"$ISSUER_LOG" 2>&1 &
  ISSUER_PID=$!
  ISSUER_PORT=
  for _ in $(seq 100); do
    ISSUER_PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$ISSUER_LOG" | head -n1)
    if [ -n "$ISSUER_PORT" ] && python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$ISSUER_PORT/_health', timeout=1)" 2>/dev/null; then
      break
    fi
    ISSUER_PORT=
    kill -0 "$ISSUER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ISSUER_PORT" ]; then
    cat "$ISSUER_LOG"
    echo "FAIL local_issuer_server: the server with $OAUTH_ISSUER_OPTION did not start"
    FAILED=$((FAILED + 1))
    stop_server "$ISSUER_PID"
    ISSUER_PID=
  else
    export OAUTH_FIXTURE=$WORK/oauth-fixture.json
    if (cd "$HERE" && COGNITO_ENDPOINT=http://127.0.0.1:$ISSUER_PORT python fixture_oauth.py oauth-node >"$OAUTH_FIXTURE"); then
      cat "$OAUTH_FIXTURE"; echo
      COGNITO_ENDPOINT=http://127.0.0.1:$ISSUER_PORT suite oauth_node node test_oauth.mjs
    else
      echo "FAIL oauth_node_fixture: could not create the pool, domain, resource server, clients and user of the oauth_node suite"
      FAILED=$((FAILED + 1))
    fi
  fi
fi
if wants auth; then
  # Keys from the environment variable, as operators are told to pass them.
  SIGNED_ACCESS_KEY_ID=AKIDINTEROPTEST
  SIGNED_SECRET='interop/Secret+Key0'
  say "server with credentials: USERPOOL_CREDENTIALS=$SIGNED_ACCESS_KEY_ID:... userpool-server --port 0 --hashing test"
  USERPOOL_CREDENTIALS="$SIGNED_ACCESS_KEY_ID:$SIGNED_SECRET" \
    "$TARGET_DIR/release/userpool-server" --port 0 --hashing test >"$SIGNED_LOG" 2>&1 &
  SIGNED_PID=$!
  SIGNED_PORT=
  for _ in $(seq 100); do
    SIGNED_PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$SIGNED_LOG" | head -n1)
    if [ -n "$SIGNED_PORT" ] && grep -q "are verified: access keys $SIGNED_ACCESS_KEY_ID" "$SIGNED_LOG"; then
      break
    fi
    SIGNED_PORT=
    kill -0 "$SIGNED_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$SIGNED_PORT" ]; then
    cat "$SIGNED_LOG"
    echo "FAIL auth_server: the server with credentials did not start"
    FAILED=$((FAILED + 1))
  else
    export SIGNED_ENDPOINT=http://127.0.0.1:$SIGNED_PORT SIGNED_ACCESS_KEY_ID SIGNED_SECRET
    suite auth python test_auth.py
  fi
fi
if wants_lambda; then
  # serverless-offline's Lambda Invoke endpoint for the handlers of lambdas/,
  # then a server whose pools invoke them there.
  free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  OFFLINE_PORT=$(free_port)
  OFFLINE_HTTP_PORT=$(free_port)
  export INTEROP_LAMBDA_LOG=$WORK/lambda-events.jsonl
  say "serverless-offline: Lambda Invoke endpoint on http://127.0.0.1:$OFFLINE_PORT (lambdas/, serverless.yml)"
  # node itself, not npx, so that OFFLINE_PID is the process serving.
  (cd "$HERE" && SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off exec node node_modules/serverless/bin/serverless.js offline start \
    --host 127.0.0.1 --lambdaPort "$OFFLINE_PORT" --httpPort "$OFFLINE_HTTP_PORT" >"$OFFLINE_LOG" 2>&1) &
  OFFLINE_PID=$!
  OFFLINE_UP=
  for _ in $(seq 300); do
    if grep -q "listening on http://127.0.0.1:$OFFLINE_PORT" "$OFFLINE_LOG"; then OFFLINE_UP=1; break; fi
    kill -0 "$OFFLINE_PID" 2>/dev/null || break
    sleep 0.1
  done
  LAMBDA_PORT=
  if [ -z "$OFFLINE_UP" ]; then
    cat "$OFFLINE_LOG"
    echo "FAIL serverless_offline: the Lambda Invoke endpoint did not start"
    FAILED=$((FAILED + 1))
  else
    mappings=()
    while read -r mapping; do mappings+=(--lambda-function "$mapping"); done < <(cd "$HERE" && python lambdas.py)
    say "server with Lambda triggers: userpool-server --port 0 --hashing test --lambda-endpoint http://127.0.0.1:$OFFLINE_PORT ${mappings[*]}"
    "$TARGET_DIR/release/userpool-server" --port 0 --hashing test \
      --lambda-endpoint "http://127.0.0.1:$OFFLINE_PORT" "${mappings[@]}" >"$LAMBDA_LOG" 2>&1 &
    LAMBDA_PID=$!
    for _ in $(seq 100); do
      LAMBDA_PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*Lambda endpoint http://127.0.0.1:'"$OFFLINE_PORT"'.*#\1#p' "$LAMBDA_LOG" | head -n1)
      [ -n "$LAMBDA_PORT" ] && break
      kill -0 "$LAMBDA_PID" 2>/dev/null || break
      sleep 0.1
    done
    if [ -z "$LAMBDA_PORT" ]; then
      cat "$LAMBDA_LOG"
      echo "FAIL lambda_server: the server with --lambda-endpoint did not start"
      FAILED=$((FAILED + 1))
    fi
  fi
  if [ -n "$LAMBDA_PORT" ]; then
    # These suites talk to this server; the others keep theirs.
    MAIN_ENDPOINT=$COGNITO_ENDPOINT
    export COGNITO_ENDPOINT=http://127.0.0.1:$LAMBDA_PORT
    wants triggers && NO_LAMBDA_ENDPOINT=$MAIN_ENDPOINT suite triggers python test_triggers.py
    if wants custom_auth || wants amplify; then
      export CUSTOM_AUTH_FIXTURE=$WORK/custom-auth-fixture.json
      if (cd "$HERE" && python fixture_custom_auth.py >"$CUSTOM_AUTH_FIXTURE"); then
        cat "$CUSTOM_AUTH_FIXTURE"; echo
        wants custom_auth && suite custom_auth node test_custom_auth.mjs
        wants amplify && suite amplify node test_amplify.mjs
      else
        echo "FAIL custom_auth_fixture: could not create the CUSTOM_AUTH pool, client and users"
        FAILED=$((FAILED + 1))
      fi
    fi
    export COGNITO_ENDPOINT=$MAIN_ENDPOINT
  fi
fi
if wants acijs || wants jwt; then
  say "fixture for the Node suites (boto3)"
  export INTEROP_FIXTURE=$WORK/fixture.json
  if (cd "$HERE" && python fixture.py >"$INTEROP_FIXTURE"); then
    cat "$INTEROP_FIXTURE"; echo
    wants acijs && suite acijs node test_acijs.mjs
    wants jwt && suite jwt node test_jwt_verify.mjs
  else
    echo "FAIL node_fixture: could not create the pool, client and user the Node suites use"
    FAILED=$((FAILED + 1))
  fi
fi

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "FAIL server: the server died during the run"
  FAILED=$((FAILED + 1))
fi
if [ -n "$ISSUER_PID" ] && ! kill -0 "$ISSUER_PID" 2>/dev/null; then
  echo "FAIL local_issuer_server: the server with $OAUTH_ISSUER_OPTION died during the run"
  FAILED=$((FAILED + 1))
fi
if [ -n "$TLS_PID" ] && ! kill -0 "$TLS_PID" 2>/dev/null; then
  echo "FAIL tls_server: the server over TLS died during the run"
  FAILED=$((FAILED + 1))
fi
if [ -n "$LAMBDA_PID" ] && ! kill -0 "$LAMBDA_PID" 2>/dev/null; then
  echo "FAIL lambda_server: the server with --lambda-endpoint died during the run"
  FAILED=$((FAILED + 1))
fi
if [ "$FAILED" -ne 0 ]; then
  say "server log (last 40 lines)"
  tail -n 40 "$SERVER_LOG"
  if [ -n "$ISSUER_PID" ]; then
    say "server with the local issuer: log (last 40 lines)"
    tail -n 40 "$ISSUER_LOG"
  fi
  if [ -n "$TLS_PID" ]; then
    say "server over TLS: log (last 40 lines)"
    tail -n 40 "$TLS_LOG"
  fi
  if [ -n "$LAMBDA_PID" ]; then
    say "server with Lambda triggers: log (last 40 lines)"
    tail -n 40 "$LAMBDA_LOG"
    say "serverless-offline: log (last 40 lines)"
    tail -n 40 "$OFFLINE_LOG"
  fi
fi

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
