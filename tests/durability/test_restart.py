"""Restart on SQLite (--data-dir): everything a pool holds is the same after a
graceful stop and a new process on the same directory, tokens issued before
still work, and a wrong master key makes the server refuse to start without
touching the database."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from pycognito.aws_srp import AWSSRP

from durable import (
    WORK,
    Server,
    ServerDidNotStart,
    assert_same,
    client,
    expect_error,
    http_json,
    last_code,
    log,
    main,
    master_key_id,
    new_master_key,
    secret_hash,
    strip_metadata,
    summary,
    test,
)

DATA = Path(tempfile.mkdtemp(prefix="restart-data.", dir=WORK))
DB = DATA / "userpool.sqlite3"
KEY_FILE = DATA / "master.key"
PASSWORD = "Durable1^pass"
ADMIN_TEMP_PASSWORD = "Temp0rary^pass"
EMAIL1 = "jane.durable@example.com"
EMAIL2 = "john.admin@example.com"
GROUP = "editors"

S: dict = {}  # state along the flow
server: Server | None = None


def start(name: str) -> Server:
    global server
    server = Server(name, ["--data-dir", str(DATA)]).start()
    log(f"{name}: pid {server.proc.pid} on {server.endpoint}")
    return server


def pool_input() -> dict:
    return {
        "PoolName": "durability-restart",
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 10,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 3,
            }
        },
        "UsernameAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "VerificationMessageTemplate": {
            "DefaultEmailOption": "CONFIRM_WITH_CODE",
            "EmailSubject": "Your durable code",
            "EmailMessage": "Your durable verification code is {####}",
        },
        "Schema": [
            {"Name": "family_name", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {
                "Name": "tenant",
                "AttributeDataType": "String",
                "Mutable": False,
                "StringAttributeConstraints": {"MinLength": "3", "MaxLength": "20"},
            },
            {
                "Name": "level",
                "AttributeDataType": "Number",
                "Mutable": True,
                "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "9"},
            },
        ],
        "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        "AdminCreateUserConfig": {
            "AllowAdminCreateUserOnly": False,
            "InviteMessageTemplate": {
                "EmailSubject": "Welcome to durability",
                "EmailMessage": "Your username is {username} and temporary password is {####}.",
            },
        },
        "UsernameConfiguration": {"CaseSensitive": False},
    }


def snapshot(cognito) -> dict:
    """Everything compared across the restart."""
    pool, client_id = S["pool"], S["client"]
    snap = {
        "pool": strip_metadata(cognito.describe_user_pool(UserPoolId=pool))["UserPool"],
        "client": strip_metadata(cognito.describe_user_pool_client(UserPoolId=pool, ClientId=client_id))[
            "UserPoolClient"
        ],
        "user1": strip_metadata(cognito.admin_get_user(UserPoolId=pool, Username=EMAIL1)),
        "user2": strip_metadata(cognito.admin_get_user(UserPoolId=pool, Username=EMAIL2)),
        "group": strip_metadata(cognito.get_group(UserPoolId=pool, GroupName=GROUP))["Group"],
        "groups_of_user1": strip_metadata(cognito.admin_list_groups_for_user(UserPoolId=pool, Username=EMAIL1))[
            "Groups"
        ],
        "users_in_group": sorted(
            u["Username"] for u in cognito.list_users_in_group(UserPoolId=pool, GroupName=GROUP)["Users"]
        ),
        "pools": [p for p in cognito.list_user_pools(MaxResults=60)["UserPools"] if p["Id"] == pool],
        "clients": cognito.list_user_pool_clients(UserPoolId=pool, MaxResults=60)["UserPoolClients"],
        "jwks": http_json(server, f"/{pool}/.well-known/jwks.json"),
        "openid": http_json(server, f"/{pool}/.well-known/openid-configuration"),
    }
    return snap


def password_sign_in(cognito, username: str, password: str = PASSWORD) -> dict:
    r = cognito.initiate_auth(
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": username,
            "PASSWORD": password,
            "SECRET_HASH": secret_hash(username, S["client"], S["secret"]),
        },
    )
    assert "AuthenticationResult" in r, f"expected tokens, got challenge {r.get('ChallengeName')}"
    return r["AuthenticationResult"]


def db_dump() -> list[str]:
    """The database's logical content (every row of every table, the schema)."""
    con = sqlite3.connect(f"file:{DB}?mode=ro", uri=True, timeout=10)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@test()
def first_start_creates_master_key():
    s = start("first")
    assert KEY_FILE.exists(), f"{KEY_FILE} was not created"
    mode = KEY_FILE.stat().st_mode & 0o777
    assert mode == 0o600, f"{KEY_FILE} has mode {mode:o}, expected 600"
    key = KEY_FILE.read_text().strip()
    assert len(key) == 64 and all(c in "0123456789abcdef" for c in key.lower()), "master.key is not 64 hex digits"
    S["key"] = key
    S["key_id"] = master_key_id(key)
    out = s.output()
    assert f"created master key {S['key_id']}" in out, f"no 'created master key {S['key_id']}' line in {out!r}"
    assert f"sealed with master key {S['key_id']}" in out, f"the start-up line does not name {S['key_id']}: {out!r}"
    assert DB.exists(), f"{DB} was not created"


@test("first_start_creates_master_key")
def populate():
    cognito = client(server)
    S["pool"] = cognito.create_user_pool(**pool_input())["UserPool"]["Id"]
    c = cognito.create_user_pool_client(
        UserPoolId=S["pool"],
        ClientName="durability-confidential",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
        RefreshTokenValidity=10,
        AccessTokenValidity=30,
        IdTokenValidity=45,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        ReadAttributes=["email", "email_verified", "family_name", "custom:tenant", "custom:level"],
        WriteAttributes=["email", "family_name", "custom:tenant", "custom:level"],
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
    )["UserPoolClient"]
    S["client"], S["secret"] = c["ClientId"], c["ClientSecret"]
    assert S["secret"], "GenerateSecret=True gave no ClientSecret"

    # A signed-up, confirmed user (code from the outbox).
    r = cognito.sign_up(
        ClientId=S["client"],
        SecretHash=secret_hash(EMAIL1, S["client"], S["secret"]),
        Username=EMAIL1,
        Password=PASSWORD,
        UserAttributes=[
            {"Name": "email", "Value": EMAIL1},
            {"Name": "family_name", "Value": "Durable"},
            {"Name": "custom:tenant", "Value": "acme-corp"},
            {"Name": "custom:level", "Value": "3"},
        ],
    )
    S["sub1"] = r["UserSub"]
    code = last_code(server, S["pool"], EMAIL1)
    cognito.confirm_sign_up(
        ClientId=S["client"],
        SecretHash=secret_hash(EMAIL1, S["client"], S["secret"]),
        Username=EMAIL1,
        ConfirmationCode=code,
    )
    u = cognito.admin_get_user(UserPoolId=S["pool"], Username=EMAIL1)
    assert u["UserStatus"] == "CONFIRMED", u["UserStatus"]

    # An admin-created user (FORCE_CHANGE_PASSWORD).
    cognito.admin_create_user(
        UserPoolId=S["pool"],
        Username=EMAIL2,
        TemporaryPassword=ADMIN_TEMP_PASSWORD,
        UserAttributes=[
            {"Name": "email", "Value": EMAIL2},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "family_name", "Value": "Admin"},
        ],
        MessageAction="SUPPRESS",
    )

    cognito.create_group(UserPoolId=S["pool"], GroupName=GROUP, Description="People who edit", Precedence=7)
    cognito.admin_add_user_to_group(UserPoolId=S["pool"], Username=EMAIL1, GroupName=GROUP)

    S["tokens"] = password_sign_in(cognito, EMAIL1)
    assert S["tokens"].get("RefreshToken"), "USER_PASSWORD_AUTH gave no refresh token"
    S["getuser"] = strip_metadata(cognito.get_user(AccessToken=S["tokens"]["AccessToken"]))
    S["before"] = snapshot(cognito)
    S["first_endpoint"] = server.endpoint
    assert S["before"]["groups_of_user1"] and S["before"]["groups_of_user1"][0]["GroupName"] == GROUP
    assert S["before"]["jwks"]["keys"], "the JWKS has no key"
    log(f"pool {S['pool']}, client {S['client']}, users {EMAIL1} (sub {S['sub1']}) and {EMAIL2}")


@test("populate")
def graceful_stop():
    rc = server.terminate()
    out = server.output()
    assert rc == 0, f"SIGTERM: the server exited with status {rc}: {summary(out)!r}"
    assert "userpool-server stopped" in out, f"no 'userpool-server stopped' line: {out[-500:]!r}"


@test("graceful_stop")
def restart_same_directory():
    s = start("second")
    out = s.output()
    assert "created master key" not in out, f"the restart created a new master key: {out!r}"
    assert f"sealed with master key {S['key_id']}" in out, f"the restart does not use {S['key_id']}: {out!r}"
    assert KEY_FILE.read_text().strip() == S["key"], "master.key changed on restart"


@test("restart_same_directory")
def describe_user_pool_unchanged():
    cognito = client(server)
    before = S["before"]["pool"]
    after = strip_metadata(cognito.describe_user_pool(UserPoolId=S["pool"]))["UserPool"]
    for member in ("Id", "Name", "Policies", "SchemaAttributes", "UsernameAttributes", "AutoVerifiedAttributes",
                   "CreationDate", "LastModifiedDate", "VerificationMessageTemplate", "AdminCreateUserConfig",
                   "AccountRecoverySetting", "UsernameConfiguration", "Arn"):
        assert member in before, f"DescribeUserPool before the restart has no {member}"
    assert_same("DescribeUserPool", before, after)
    assert_same("ListUserPools entry", S["before"]["pools"],
                [p for p in cognito.list_user_pools(MaxResults=60)["UserPools"] if p["Id"] == S["pool"]])


@test("restart_same_directory")
def describe_user_pool_client_unchanged():
    cognito = client(server)
    after = strip_metadata(cognito.describe_user_pool_client(UserPoolId=S["pool"], ClientId=S["client"]))[
        "UserPoolClient"
    ]
    assert after.get("ClientSecret") == S["secret"], "the ClientSecret changed across the restart"
    assert_same("DescribeUserPoolClient", S["before"]["client"], after)
    assert_same("ListUserPoolClients", S["before"]["clients"],
                cognito.list_user_pool_clients(UserPoolId=S["pool"], MaxResults=60)["UserPoolClients"])


@test("restart_same_directory")
def users_unchanged():
    cognito = client(server)
    for key, name in (("user1", EMAIL1), ("user2", EMAIL2)):
        after = strip_metadata(cognito.admin_get_user(UserPoolId=S["pool"], Username=name))
        assert_same(f"AdminGetUser {name}", S["before"][key], after)
    assert S["before"]["user1"]["UserStatus"] == "CONFIRMED"
    assert S["before"]["user2"]["UserStatus"] == "FORCE_CHANGE_PASSWORD", S["before"]["user2"]["UserStatus"]


@test("restart_same_directory")
def group_membership_unchanged():
    cognito = client(server)
    assert_same("GetGroup", S["before"]["group"], cognito.get_group(UserPoolId=S["pool"], GroupName=GROUP)["Group"])
    assert_same("AdminListGroupsForUser", S["before"]["groups_of_user1"],
                cognito.admin_list_groups_for_user(UserPoolId=S["pool"], Username=EMAIL1)["Groups"])
    members = sorted(u["Username"] for u in cognito.list_users_in_group(UserPoolId=S["pool"], GroupName=GROUP)["Users"])
    assert members == S["before"]["users_in_group"] == [S["sub1"]], f"members {members}, before {S['before']['users_in_group']}"


@test("restart_same_directory")
def jwks_unchanged():
    after = http_json(server, f"/{S['pool']}/.well-known/jwks.json")
    assert_same("the JWKS", S["before"]["jwks"], after)
    # The OpenID endpoints name the server's address, which has a new port.
    openid = http_json(server, f"/{S['pool']}/.well-known/openid-configuration")
    expected = {k: v.replace(S["first_endpoint"], server.endpoint) if isinstance(v, str) else v
                for k, v in S["before"]["openid"].items()}
    assert_same("the OpenID configuration", expected, openid)


@test("restart_same_directory")
def old_access_token_works():
    cognito = client(server)
    got = strip_metadata(cognito.get_user(AccessToken=S["tokens"]["AccessToken"]))
    assert_same("GetUser with the pre-restart access token", S["getuser"], got)


@test("restart_same_directory")
def old_refresh_token_works():
    cognito = client(server)
    r = cognito.initiate_auth(
        ClientId=S["client"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": S["tokens"]["RefreshToken"],
            # Over the internal username, which is the sub in an email pool.
            "SECRET_HASH": secret_hash(S["sub1"], S["client"], S["secret"]),
        },
    )["AuthenticationResult"]
    assert r.get("AccessToken") and r.get("IdToken"), r
    got = strip_metadata(cognito.get_user(AccessToken=r["AccessToken"]))
    assert_same("GetUser with the refreshed access token", S["getuser"], got)


@test("old_access_token_works", "old_refresh_token_works", "users_unchanged", "describe_user_pool_unchanged",
      "describe_user_pool_client_unchanged", "group_membership_unchanged", "jwks_unchanged")
def new_sign_in_works():
    cognito = client(server)
    t = password_sign_in(cognito, EMAIL1)
    got = strip_metadata(cognito.get_user(AccessToken=t["AccessToken"]))
    assert_same("GetUser after a new USER_PASSWORD_AUTH", S["getuser"], got)
    # SRP too: the verifier is sealed under the pool secret, so it must open.
    srp = AWSSRP(username=EMAIL1, password=PASSWORD, pool_id=S["pool"], client_id=S["client"],
                 client=cognito, client_secret=S["secret"])
    r = srp.authenticate_user()
    assert r["AuthenticationResult"]["AccessToken"], r
    # The admin-created user still has its temporary password.
    r = cognito.initiate_auth(
        ClientId=S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": EMAIL2,
            "PASSWORD": ADMIN_TEMP_PASSWORD,
            "SECRET_HASH": secret_hash(EMAIL2, S["client"], S["secret"]),
        },
    )
    assert r.get("ChallengeName") == "NEW_PASSWORD_REQUIRED", f"expected NEW_PASSWORD_REQUIRED, got {r}"
    # And a wrong password is still wrong.
    expect_error("NotAuthorizedException", "Incorrect username or password.", cognito.initiate_auth,
                 ClientId=S["client"], AuthFlow="USER_PASSWORD_AUTH",
                 AuthParameters={"USERNAME": EMAIL1, "PASSWORD": "Wrong1^password",
                                 "SECRET_HASH": secret_hash(EMAIL1, S["client"], S["secret"])})


@test("restart_same_directory")
def wrong_master_key_refuses_to_start():
    # A sign-in attempt rewrites the user record (its lockout counters), so
    # compare with the state right before this stop.
    S["user2_last"] = strip_metadata(client(server).admin_get_user(UserPoolId=S["pool"], Username=EMAIL2))
    rc = server.terminate()
    assert rc == 0, f"SIGTERM: the server exited with status {rc}"
    before = db_dump()
    wrong = new_master_key()
    bad = Server("wrong-key", ["--data-dir", str(DATA)], env={"USERPOOL_MASTER_KEY": wrong})
    try:
        bad.start(timeout=20)
    except ServerDidNotStart as e:
        assert e.returncode is not None, f"the server with a wrong key neither started nor exited: {e}"
        assert e.returncode != 0, "the server with a wrong key exited with status 0"
        assert S["key_id"] in e.output, (
            f"the refusal does not name the master key the pools need ({S['key_id']}): {e.output.strip()!r}"
        )
        log(f"refused with status {e.returncode}: {e.output.strip().splitlines()[-1]!r}")
    else:
        bad.kill()
        raise AssertionError(f"the server started with a wrong master key ({master_key_id(wrong)})")
    after = db_dump()
    assert len(before) == len(after) and before == after, (
        f"the failed start changed the database ({len(before)} -> {len(after)} dump lines; first difference: "
        f"{next((f'{b!r} -> {a!r}' for b, a in zip(before, after) if b != a), 'in length')})"
    )
    assert KEY_FILE.read_text().strip() == S["key"], "the failed start changed master.key"


@test("wrong_master_key_refuses_to_start")
def right_key_after_wrong_one():
    start("third")
    cognito = client(server)
    after = strip_metadata(cognito.admin_get_user(UserPoolId=S["pool"], Username=EMAIL2))
    assert_same(f"AdminGetUser {EMAIL2} after the refused start", S["user2_last"], after)
    t = password_sign_in(cognito, EMAIL1)
    assert t["AccessToken"]
    assert_same("the JWKS after the refused start", S["before"]["jwks"],
                http_json(server, f"/{S['pool']}/.well-known/jwks.json"))


@test("right_key_after_wrong_one")
def explicit_key_file_and_env_are_the_same_key():
    # --master-key-file and USERPOOL_MASTER_KEY holding the right key work too.
    rc = server.terminate()
    assert rc == 0, f"SIGTERM: the server exited with status {rc}"
    key_copy = WORK / "restart-master.key"
    key_copy.write_text(S["key"] + "\n")
    for name, args, env in (
        ("key-file", ["--master-key-file", str(key_copy)], {"USERPOOL_MASTER_KEY": new_master_key()}),
        ("key-env", [], {"USERPOOL_MASTER_KEY": S["key"]}),
    ):
        s = Server(name, ["--data-dir", str(DATA), *args], env=env).start()
        try:
            got = strip_metadata(client(s).describe_user_pool_client(UserPoolId=S["pool"], ClientId=S["client"]))
            assert got["UserPoolClient"]["ClientSecret"] == S["secret"], f"{name}: the ClientSecret changed"
        finally:
            rc = s.terminate()
        assert rc == 0, f"{name}: SIGTERM exit status {rc}"


if __name__ == "__main__":
    main()
