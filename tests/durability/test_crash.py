"""Crash on SQLite (--data-dir): SIGKILL the server while 8 threads sign users
up as fast as they can; after a restart every acknowledged sign-up is there,
exactly as sent, and the database file is intact. Three kill/restart cycles
on the same directory, each re-checking everything acknowledged so far."""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from botocore.exceptions import ClientError

from durable import WORK, Server, attrs, client, log, main, summary, test

DATA = Path(tempfile.mkdtemp(prefix="crash-data.", dir=WORK))
DB = DATA / "userpool.sqlite3"
THREADS = 8
MIN_ACKED = 100
LOAD_SECONDS = 2.5  # at least this long under load before the kill
MAX_LOAD_SECONDS = 20.0  # ... and at most this long to reach MIN_ACKED
PASSWORD = "Crash1^password"

S: dict = {"sent": {}, "acked": set(), "cycles": []}  # sent: username -> attributes
server: Server | None = None


def start(name: str) -> Server:
    global server
    server = Server(name, ["--data-dir", str(DATA)]).start()
    log(f"{name}: pid {server.proc.pid} on {server.endpoint}")
    return server


def attributes_for(username: str, cycle: int, thread: int, n: int) -> list[dict]:
    return [
        {"Name": "email", "Value": f"{username}@example.com"},
        {"Name": "given_name", "Value": f"Given {thread}-{n}"},
        {"Name": "family_name", "Value": f"Family-{cycle}"},
        {"Name": "custom:seq", "Value": str(n)},
    ]


@test()
def setup_pool():
    start("initial")
    cognito = client(server)
    S["pool"] = cognito.create_user_pool(
        PoolName="durability-crash",
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "seq", "AttributeDataType": "String", "Mutable": True}],
        Policies={"PasswordPolicy": {"MinimumLength": 8}},
    )["UserPool"]["Id"]
    S["client"] = cognito.create_user_pool_client(
        UserPoolId=S["pool"],
        ClientName="durability-public",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    log(f"pool {S['pool']}, client {S['client']}")


def load_and_kill(cycle: int) -> dict:
    """Runs the sign-up threads, kills the server under load, returns stats."""
    stop = threading.Event()
    killing = threading.Event()  # set before the SIGKILL: later errors are expected
    lock = threading.Lock()
    acked: set[str] = set()
    errors: list[str] = []
    in_flight = [0]
    clients = [client(server, read_timeout=15) for _ in range(THREADS)]

    def worker(t: int) -> None:
        cognito = clients[t]
        n = 0
        while not stop.is_set():
            n += 1
            username = f"c{cycle}-t{t}-n{n}"
            a = attributes_for(username, cycle, t, n)
            with lock:
                S["sent"][username] = a
                in_flight[0] += 1
            try:
                cognito.sign_up(ClientId=S["client"], Username=username, Password=PASSWORD, UserAttributes=a)
            except ClientError as e:
                # An answer from the server that is not a success: a bug,
                # whether or not the kill came first (a dying server closes
                # connections, it does not answer with errors).
                err = e.response.get("Error", {})
                with lock:
                    errors.append(f"{username}: {err.get('Code')}: {err.get('Message')}")
            except Exception as e:  # noqa: BLE001 - connection errors after the kill
                if not killing.is_set():
                    with lock:
                        errors.append(f"{username}: {type(e).__name__}: {e} (before the kill)")
            else:
                with lock:
                    acked.add(username)
            finally:
                with lock:
                    in_flight[0] -= 1

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]
    started = time.monotonic()
    for th in threads:
        th.start()
    while True:
        time.sleep(0.05)
        elapsed = time.monotonic() - started
        with lock:
            n_acked = len(acked)
        if (elapsed >= LOAD_SECONDS and n_acked >= MIN_ACKED) or elapsed >= MAX_LOAD_SECONDS or errors:
            break
        if not server.alive():
            break
    with lock:
        flying_at_kill = in_flight[0]
        acked_before_kill = len(acked)
    was_alive = server.alive()
    killing.set()
    server.kill()  # SIGKILL while the threads keep sending
    killed_at = time.monotonic()
    time.sleep(0.2)
    stop.set()
    for th in threads:
        th.join(timeout=20)
    hung = [th.name for th in threads if th.is_alive()]
    return {
        "acked": acked,
        "errors": errors,
        "flying_at_kill": flying_at_kill,
        "acked_before_kill": acked_before_kill,
        "load_seconds": killed_at - started,
        "was_alive": was_alive,
        "hung": hung,
    }


def list_all_users(cognito) -> dict[str, dict]:
    users: dict[str, dict] = {}
    kwargs = {"UserPoolId": S["pool"], "Limit": 60}
    for _ in range(10_000):
        r = cognito.list_users(**kwargs)
        for u in r["Users"]:
            assert u["Username"] not in users, f"ListUsers returned {u['Username']} twice"
            users[u["Username"]] = u
        token = r.get("PaginationToken")
        if not token:
            return users
        kwargs["PaginationToken"] = token
    raise AssertionError("ListUsers did not end after 10000 pages")


def expected_attributes(username: str) -> dict[str, str]:
    return attrs(S["sent"][username])


def check_user(cognito, username: str) -> str | None:
    """None if AdminGetUser shows the user as sent, else what is wrong."""
    try:
        u = cognito.admin_get_user(UserPoolId=S["pool"], Username=username)
    except ClientError as e:
        err = e.response.get("Error", {})
        return f"{username}: AdminGetUser -> {err.get('Code')}: {err.get('Message')}"
    if u["UserStatus"] != "UNCONFIRMED":
        return f"{username}: status {u['UserStatus']}, expected UNCONFIRMED"
    got = attrs(u["UserAttributes"])
    sub = got.pop("sub", None)
    if not sub:
        return f"{username}: no sub"
    want = expected_attributes(username)
    if got != want:
        return f"{username}: attributes {got}, expected {want} (+ sub)"
    return None


def integrity() -> None:
    con = sqlite3.connect(str(DB), timeout=10)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
        assert rows == [("ok",)], f"PRAGMA integrity_check: {rows[:10]}"
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        assert fk == [], f"PRAGMA foreign_key_check: {len(fk)} rows, first {fk[:5]}"
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal", f"journal_mode is {mode}, expected wal"
    finally:
        con.close()


def cycle(n: int) -> None:
    if server is None or not server.alive():
        start(f"cycle{n}")
    stats = load_and_kill(n)
    assert stats["was_alive"], f"the server died by itself under load: {summary(server.output())!r}"
    assert not stats["errors"], f"{len(stats['errors'])} sign-ups failed before the kill, first: {stats['errors'][:3]}"
    assert not stats["hung"], f"threads still blocked 20s after the kill: {stats['hung']}"
    assert len(stats["acked"]) >= MIN_ACKED, (
        f"only {len(stats['acked'])} sign-ups acknowledged in {stats['load_seconds']:.1f}s (need {MIN_ACKED})"
    )
    S["acked"] |= stats["acked"]

    start(f"after-kill{n}")
    cognito = client(server)
    # Every sign-up of this cycle acknowledged: AdminGetUser, as sent.
    acked = sorted(stats["acked"])
    clients = [client(server) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as ex:
        problems = [p for p in ex.map(lambda i: check_user(clients[i % 4], acked[i]), range(len(acked))) if p]
    assert not problems, f"{len(problems)} of {len(acked)} acknowledged sign-ups lost or changed, first: {problems[:5]}"

    # Everything acknowledged in any cycle so far, and nothing never sent.
    users = list_all_users(cognito)
    missing = sorted(S["acked"] - set(users))
    assert not missing, f"{len(missing)} acknowledged users missing from ListUsers, first: {missing[:5]}"
    unknown = sorted(set(users) - set(S["sent"]))
    assert not unknown, f"ListUsers shows users never sent: {unknown[:5]}"
    for name in S["acked"]:
        u = users[name]
        got = attrs(u["Attributes"])
        got.pop("sub", None)
        assert u["UserStatus"] == "UNCONFIRMED" and got == expected_attributes(name), (
            f"ListUsers {name}: {u['UserStatus']} {got}"
        )
    extra = sorted(set(users) - S["acked"])  # in flight at a kill, committed, unanswered
    extra_now = [u for u in extra if u.startswith(f"c{n}-t")]
    for name in extra:
        problem = check_user(cognito, name)
        assert problem is None, f"an unacknowledged but present user is not as sent: {problem}"
    integrity()
    # The pool still works after the crash: a fresh sign-up.
    fresh = f"c{n}-after"
    S["sent"][fresh] = attributes_for(fresh, n, 99, 0)
    cognito.sign_up(ClientId=S["client"], Username=fresh, Password=PASSWORD, UserAttributes=S["sent"][fresh])
    S["acked"].add(fresh)
    S["cycles"].append((n, len(stats["acked"]), len(extra_now), stats["flying_at_kill"], len(users)))
    log(
        f"cycle {n}: {len(stats['acked'])} acknowledged in {stats['load_seconds']:.1f}s, "
        f"{stats['flying_at_kill']} in flight at the kill, {len(extra_now)} unacknowledged but present, "
        f"{len(users)} users in the pool; integrity_check ok"
    )


@test("setup_pool")
def crash_cycle_1():
    cycle(1)


@test("crash_cycle_1")
def crash_cycle_2():
    cycle(2)


@test("crash_cycle_2")
def crash_cycle_3():
    cycle(3)


@test("crash_cycle_3")
def final_graceful_stop():
    rc = server.terminate()
    assert rc == 0, f"SIGTERM: exit status {rc}"
    integrity()
    total = sum(c[1] for c in S["cycles"])
    log(f"total acknowledged under load: {total} over {len(S['cycles'])} cycles; "
        f"unacknowledged but present per cycle: {[c[2] for c in S['cycles']]}")


if __name__ == "__main__":
    main()
