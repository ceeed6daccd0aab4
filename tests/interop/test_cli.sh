#!/usr/bin/env bash
# The AWS CLI (v1, from the venv) against userpool-server: the quickstart
# walk-through of the README. Needs COGNITO_ENDPOINT; run.sh sets it and the
# dummy credentials. Prints PASS/FAIL lines like the other suites.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${COGNITO_ENDPOINT:?set COGNITO_ENDPOINT=http://127.0.0.1:PORT}"
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}

EMAIL=cli.jane@example.com
PASSWORD='1234Abcd^'
failed=0
declare -A ok

idp() { aws --endpoint-url "$COGNITO_ENDPOINT" cognito-idp "$@"; }

# step NAME NEEDS... -- COMMAND...: runs COMMAND (in this shell, so it can set
# variables) unless a step it needs failed; its stderr becomes the failure reason.
step() {
  local name=$1; shift
  local blocked=()
  while [ "$1" != "--" ]; do
    [ -n "${ok[$1]:-}" ] || blocked+=("$1")
    shift
  done
  shift
  if [ ${#blocked[@]} -gt 0 ]; then
    echo "FAIL cli_$name: blocked by ${blocked[*]}"
    failed=$((failed + 1))
    return 1
  fi
  local err
  err=$(mktemp)
  if "$@" >/dev/null 2>"$err"; then
    echo "PASS cli_$name"
    ok[$name]=1
    rm -f "$err"
    return 0
  fi
  echo "FAIL cli_$name: $(tr '\n' ' ' <"$err" | sed 's/  */ /g' | cut -c1-400)"
  rm -f "$err"
  failed=$((failed + 1))
  return 1
}

create_pool() {
  POOL_ID=$(idp create-user-pool --cli-input-json "file://$HERE/quickstart-pool.json" \
    --query UserPool.Id --output text) || return 1
  [[ $POOL_ID == us-east-1_* ]] || { echo "unexpected pool id: $POOL_ID" >&2; return 1; }
}

create_client() {
  CLIENT_ID=$(idp create-user-pool-client --user-pool-id "$POOL_ID" --client-name quickstart-cli \
    --explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH \
    --query UserPoolClient.ClientId --output text) || return 1
  [ -n "$CLIENT_ID" ]
}

sign_up() {
  local confirmed
  confirmed=$(idp sign-up --client-id "$CLIENT_ID" --username "$EMAIL" --password "$PASSWORD" \
    --user-attributes Name=family_name,Value=Foobar Name=custom:tenant_id,Value=1234567890 \
      Name=custom:created_at,Value=2022-01-01 Name=custom:employee_id,Value=10 \
      Name=custom:is_admin,Value=false \
    --query UserConfirmed --output text) || return 1
  [ "$confirmed" = False ] || { echo "UserConfirmed=$confirmed" >&2; return 1; }
}

admin_confirm() {
  idp admin-confirm-sign-up --user-pool-id "$POOL_ID" --username "$EMAIL" >/dev/null || return 1
  local status
  status=$(idp admin-get-user --user-pool-id "$POOL_ID" --username "$EMAIL" --query UserStatus --output text) || return 1
  [ "$status" = CONFIRMED ] || { echo "UserStatus=$status" >&2; return 1; }
}

verify_email() {
  idp admin-update-user-attributes --user-pool-id "$POOL_ID" --username "$EMAIL" \
    --user-attributes Name=email_verified,Value=true >/dev/null || return 1
  local v
  v=$(idp admin-get-user --user-pool-id "$POOL_ID" --username "$EMAIL" \
    --query "UserAttributes[?Name=='email_verified'].Value | [0]" --output text) || return 1
  [ "$v" = true ] || { echo "email_verified=$v" >&2; return 1; }
}

sign_in() {
  local out
  out=$(idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH \
    --auth-parameters "USERNAME=$EMAIL,PASSWORD=$PASSWORD" \
    --query '[AuthenticationResult.TokenType, AuthenticationResult.ExpiresIn, length(AuthenticationResult.AccessToken), length(AuthenticationResult.IdToken), length(AuthenticationResult.RefreshToken)]' \
    --output text) || return 1
  read -r type expires a i r <<<"$out"
  [ "$type" = Bearer ] && [ "$expires" = 3600 ] && [ "$a" -gt 100 ] && [ "$i" -gt 100 ] && [ "$r" -gt 10 ] \
    || { echo "unexpected AuthenticationResult: $out" >&2; return 1; }
}

wrong_password() {
  local err
  if err=$(idp initiate-auth --client-id "$CLIENT_ID" --auth-flow USER_PASSWORD_AUTH \
    --auth-parameters "USERNAME=$EMAIL,PASSWORD=Wrong123^x" 2>&1 >/dev/null); then
    echo "a wrong password signed in" >&2; return 1
  fi
  grep -q "(NotAuthorizedException)" <<<"$err" || { echo "$err" >&2; return 1; }
}

step create_user_pool -- create_pool
step create_user_pool_client create_user_pool -- create_client
step sign_up create_user_pool_client -- sign_up
step admin_confirm_sign_up sign_up -- admin_confirm
step admin_update_user_attributes admin_confirm_sign_up -- verify_email
step initiate_auth_user_password admin_confirm_sign_up -- sign_in
step wrong_password_not_authorized admin_confirm_sign_up -- wrong_password

[ "$failed" -eq 0 ]
