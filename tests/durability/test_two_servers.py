"""Two servers on one PostgreSQL database (--postgres): a pool, its clients,
users, lockout counters and revocations made through one server are what the
other one serves.

Needs USERPOOL_POSTGRES_URL (a database the tests may CREATE DATABASE from);
without it every test is skipped, loudly, unless USERPOOL_REQUIRE_POSTGRES=1,
which turns the skip into a failure. Each run works in a fresh database,
durability_<random>, dropped at the end."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import threading
import time
import urllib.parse

from botocore.exceptions import ClientError

from durable import (
    WORK,
    Server,
    Skip,
    assert_same,
    at_exit,
    attrs,
    client,
    expect_error,
    http_json,
    log,
    main,
    new_master_key,
    strip_metadata,
    summary,
    test,
)

ADMIN_URL = os.environ.get("USERPOOL_POSTGRES_URL", "")
REQUIRE = os.environ.get("USERPOOL_REQUIRE_POSTGRES") == "1"
MASTER_KEY = new_master_key()
PASSWORD = "TwoServers1^"
LOCKED = "Password attempts exceeded"
INCORRECT = "Incorrect username or password."

S: dict = {}
servers: dict[str, Server] = {}


def psql(sql: str, url: str = ADMIN_URL) -> str:
    exe = shutil.which("psql")
    assert exe, "psql is not on PATH (the PostgreSQL client is needed to create the test database)"
    r = subprocess.run(
        [exe, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    assert r.returncode == 0, f"psql {sql!r}: status {r.returncode}: {r.stderr.strip()}"
    return r.stdout.strip()


def url_for(database: str) -> str:
    u = urllib.parse.urlsplit(ADMIN_URL)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + database, u.query, u.fragment))


def fresh_database() -> str:
    name = f"durability_{secrets.token_hex(6)}"
    # run.sh drops whatever is listed here if this script dies first.
    with open(WORK / "pg-databases", "a") as f:
        f.write(name + "\n")
    psql(f"CREATE DATABASE {name}")

    def drop():
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        log(f"dropped database {name}")

    drop.__name__ = f"drop_{name}"
    at_exit(drop)
    log(f"created database {name}")
    return name


def pg_server(name: str, url: str) -> Server:
    return Server(name, ["--postgres", url], env={"USERPOOL_MASTER_KEY": MASTER_KEY})


def sign_in(cognito, username: str, password: str = PASSWORD, client_id: str | None = None) -> dict:
    r = cognito.initiate_auth(
        ClientId=client_id or S["client"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    assert "AuthenticationResult" in r, f"expected tokens, got challenge {r.get('ChallengeName')}"
    return r["AuthenticationResult"]


def confirmed_user(email: str) -> None:
    S["A"].sign_up(ClientId=S["client"], Username=email, Password=PASSWORD,
                   UserAttributes=[{"Name": "email", "Value": email}])
    S["B"].admin_confirm_sign_up(UserPoolId=S["pool"], Username=email)


@test()
def postgres_available():
    if not ADMIN_URL:
        msg = ("USERPOOL_POSTGRES_URL is not set: the two-server PostgreSQL tests did NOT run "
               "(eval \"$(bash .ci/postgres.sh | tail -1)\" to start a local PostgreSQL)")
        if REQUIRE:
            raise AssertionError(msg + " and USERPOOL_REQUIRE_POSTGRES=1")
        print("!" * 78, flush=True)
        print(f"!! {msg}", flush=True)
        print("!" * 78, flush=True)
        raise Skip(msg)
    S["db"] = fresh_database()
    S["url"] = url_for(S["db"])


@test("postgres_available")
def start_two_servers():
    servers["A"] = pg_server("A", S["url"]).start()
    servers["B"] = pg_server("B", S["url"]).start()
    for k, s in servers.items():
        assert "state in PostgreSQL" in s.output(), f"server {k} does not say it uses PostgreSQL: {s.output()!r}"
        log(f"server {k}: pid {s.proc.pid} on {s.endpoint}")
    S["A"], S["B"] = client(servers["A"]), client(servers["B"])


@test("start_two_servers")
def pool_created_through_a_is_served_by_b():
    S["pool"] = S["A"].create_user_pool(
        PoolName="durability-two-servers",
        UsernameAttributes=["email"],
        Policies={"PasswordPolicy": {"MinimumLength": 8}},
    )["UserPool"]["Id"]
    S["client"] = S["A"].create_user_pool_client(
        UserPoolId=S["pool"],
        ClientName="two-servers-public",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    a = strip_metadata(S["A"].describe_user_pool(UserPoolId=S["pool"]))
    b = strip_metadata(S["B"].describe_user_pool(UserPoolId=S["pool"]))
    assert_same("DescribeUserPool A vs B", a, b)
    ca = strip_metadata(S["A"].describe_user_pool_client(UserPoolId=S["pool"], ClientId=S["client"]))
    cb = strip_metadata(S["B"].describe_user_pool_client(UserPoolId=S["pool"], ClientId=S["client"]))
    assert_same("DescribeUserPoolClient A vs B", ca, cb)


@test("pool_created_through_a_is_served_by_b")
def jwks_served_by_both():
    # One signing key set: tokens from A verify with the keys B serves.
    path = f"/{S['pool']}/.well-known/jwks.json"
    ka, kb = http_json(servers["A"], path), http_json(servers["B"], path)
    assert ka.get("keys"), f"JWKS through A: {ka}"
    assert_same("the JWKS A vs B", ka, kb)
    path = f"/{S['pool']}/.well-known/openid-configuration"
    oa, ob = http_json(servers["A"], path), http_json(servers["B"], path)
    assert oa["issuer"] == ob["issuer"] == f"https://cognito-idp.us-east-1.amazonaws.com/{S['pool']}", (oa, ob)


@test("pool_created_through_a_is_served_by_b")
def concurrent_same_email_sign_up():
    email = "race@example.com"
    n = 16
    clients = [client(servers["A" if i % 2 == 0 else "B"]) for i in range(n)]
    for c in clients:  # warm up: botocore loads its models on the first call
        c.describe_user_pool_client(UserPoolId=S["pool"], ClientId=S["client"])
    barrier = threading.Barrier(n, timeout=30)
    results: list = [None] * n

    def go(i: int) -> None:
        try:
            barrier.wait()
            r = clients[i].sign_up(ClientId=S["client"], Username=email, Password=PASSWORD,
                                   UserAttributes=[{"Name": "email", "Value": email}])
            results[i] = ("ok", r["UserSub"])
        except ClientError as e:
            results[i] = (e.response["Error"]["Code"], e.response["Error"].get("Message"))
        except Exception as e:  # noqa: BLE001
            results[i] = (type(e).__name__, str(e))

    threads = [threading.Thread(target=go, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "sign-up threads still running after 60s"
    ok = [(i, r) for i, r in enumerate(results) if r and r[0] == "ok"]
    others = [(i, r) for i, r in enumerate(results) if not r or r[0] != "ok"]
    assert len(ok) == 1, f"{len(ok)} of {n} concurrent sign-ups of one email succeeded: {results}"
    wrong = [(i, r) for i, r in others
             if r != ("UsernameExistsException", "An account with the given email already exists.")]
    assert not wrong, f"losers that did not get UsernameExistsException: {wrong}"
    winner_sub = ok[0][1][1]
    for name in ("A", "B"):
        users = S[name].list_users(UserPoolId=S["pool"], Filter=f'email = "{email}"')["Users"]
        assert [u["Username"] for u in users] == [winner_sub], f"ListUsers through {name}: {users}"
    everyone = S["B"].list_users(UserPoolId=S["pool"])["Users"]
    same = [u for u in everyone if attrs(u["Attributes"]).get("email") == email]
    assert len(same) == 1, f"unfiltered ListUsers through B shows {len(same)} users with {email}"
    log(f"winner: thread {ok[0][0]} (server {'A' if ok[0][0] % 2 == 0 else 'B'}), sub {winner_sub}")


@test("pool_created_through_a_is_served_by_b")
def lockout_is_shared():
    email = "locked@example.com"
    confirmed_user(email)
    A, B = S["A"], S["B"]

    def wrong_through_a() -> str:
        e = expect_error("NotAuthorizedException", None, A.initiate_auth, ClientId=S["client"],
                         AuthFlow="USER_PASSWORD_AUTH",
                         AuthParameters={"USERNAME": email, "PASSWORD": "Wrong1^password"})
        return e.response["Error"]["Message"]

    # src/lockout.rs: failures 1-4 only count; the 5th locks for 1 s; during
    # a lock attempts are refused with "Password attempts exceeded".
    messages = []
    for _ in range(10):
        messages.append(wrong_through_a())
        if messages[-1] == LOCKED:
            break
    assert messages == [INCORRECT] * 5 + [LOCKED], f"messages through A: {messages}"
    # A 1-second lock is a short window for the next check on a busy machine:
    # wait it out and fail once more (the 6th failure locks for 2 s).
    time.sleep(1.1)
    assert wrong_through_a() == INCORRECT, "the 1-second lock did not end"
    locked_at = time.monotonic()
    assert wrong_through_a() == LOCKED, "the 6th failure did not lock"
    expect_error("NotAuthorizedException", LOCKED, B.initiate_auth, ClientId=S["client"],
                 AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})
    took = time.monotonic() - locked_at
    assert took < 1.8, f"inconclusive: the check through B ended {took:.2f}s after the 2-second lock began"
    # After the lock, the right password through B works and resets the counter for A too.
    time.sleep(max(0.0, 2.2 - (time.monotonic() - locked_at)))
    sign_in(B, email)
    assert wrong_through_a() == INCORRECT, "the success through B did not reset the counter seen by A"


@test("pool_created_through_a_is_served_by_b")
def global_sign_out_is_shared():
    email = "signout@example.com"
    confirmed_user(email)
    A, B = S["A"], S["B"]
    t = sign_in(A, email)
    # Before the sign-out both tokens work through B.
    got = B.get_user(AccessToken=t["AccessToken"])
    assert attrs(got["UserAttributes"])["email"] == email
    B.initiate_auth(ClientId=S["client"], AuthFlow="REFRESH_TOKEN_AUTH",
                    AuthParameters={"REFRESH_TOKEN": t["RefreshToken"]})
    A.global_sign_out(AccessToken=t["AccessToken"])
    expect_error("NotAuthorizedException", "Refresh Token has been revoked", B.initiate_auth,
                 ClientId=S["client"], AuthFlow="REFRESH_TOKEN_AUTH",
                 AuthParameters={"REFRESH_TOKEN": t["RefreshToken"]})
    expect_error("NotAuthorizedException", "Access Token has been revoked", B.get_user,
                 AccessToken=t["AccessToken"])
    expect_error("NotAuthorizedException", "Access Token has been revoked", A.get_user,
                 AccessToken=t["AccessToken"])
    # A new sign-in through B is not affected.
    t2 = sign_in(B, email)
    assert attrs(A.get_user(AccessToken=t2["AccessToken"])["UserAttributes"])["email"] == email


@test("pool_created_through_a_is_served_by_b")
def client_created_through_b_works_through_a():
    email = "client-b@example.com"
    confirmed_user(email)
    cid = S["B"].create_user_pool_client(
        UserPoolId=S["pool"], ClientName="made-through-b",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    t = sign_in(S["A"], email, client_id=cid)
    got = S["A"].get_user(AccessToken=t["AccessToken"])
    assert attrs(got["UserAttributes"])["email"] == email
    listed = {c["ClientId"] for c in S["A"].list_user_pool_clients(UserPoolId=S["pool"], MaxResults=60)["UserPoolClients"]}
    assert listed == {S["client"], cid}, f"ListUserPoolClients through A: {listed}"


@test("pool_created_through_a_is_served_by_b")
def update_through_a_seen_by_b():
    A, B = S["A"], S["B"]
    before = B.describe_user_pool(UserPoolId=S["pool"])["UserPool"]
    assert before["Policies"]["PasswordPolicy"]["MinimumLength"] == 8, before["Policies"]
    A.update_user_pool(
        UserPoolId=S["pool"],
        Policies={"PasswordPolicy": {"MinimumLength": 14, "RequireNumbers": True, "RequireSymbols": False,
                                     "RequireUppercase": False, "RequireLowercase": True}},
    )
    a = strip_metadata(A.describe_user_pool(UserPoolId=S["pool"]))
    b = strip_metadata(B.describe_user_pool(UserPoolId=S["pool"]))
    assert b["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"] == 14, (
        f"B still sees {b['UserPool']['Policies']['PasswordPolicy']}"
    )
    assert_same("DescribeUserPool A vs B after UpdateUserPool", a, b)
    # B enforces the new policy, not only describes it.
    expect_error("InvalidPasswordException", None, B.sign_up, ClientId=S["client"], Username="short@example.com",
                 Password="short1pass", UserAttributes=[{"Name": "email", "Value": "short@example.com"}])
    B.sign_up(ClientId=S["client"], Username="long@example.com", Password="long1password1",
              UserAttributes=[{"Name": "email", "Value": "long@example.com"}])


@test("start_two_servers")
def servers_stop_cleanly():
    bad = []
    for k in ("A", "B"):
        rc = servers[k].terminate()
        if rc != 0:
            bad.append(f"server {k}: SIGTERM exit status {rc}: {summary(servers[k].output())!r}")
    assert not bad, "; ".join(bad)


@test("postgres_available")
def two_servers_start_at_once_on_an_empty_database():
    url = url_for(fresh_database())
    c, d = pg_server("C", url).spawn(), pg_server("D", url).spawn()
    try:
        c.wait_ready()
        d.wait_ready()
        pool = client(c).create_user_pool(PoolName="at-once")["UserPool"]["Id"]
        got = client(d).describe_user_pool(UserPoolId=pool)["UserPool"]["Id"]
        assert got == pool
    finally:
        for s in (c, d):
            if s.alive():
                s.terminate()


@test("start_two_servers", "update_through_a_seen_by_b", "global_sign_out_is_shared")
def restart_keeps_everything():
    # A new server on the same database serves the same pool and users.
    for k in ("A", "B"):
        if servers[k].alive():
            servers[k].kill()
    s = pg_server("E", S["url"]).start()
    try:
        cognito = client(s)
        got = cognito.describe_user_pool(UserPoolId=S["pool"])["UserPool"]
        assert got["Policies"]["PasswordPolicy"]["MinimumLength"] == 14, got["Policies"]
        sign_in(cognito, "signout@example.com")
    finally:
        s.terminate()  # the exit status is servers_stop_cleanly's business


if __name__ == "__main__":
    main()
