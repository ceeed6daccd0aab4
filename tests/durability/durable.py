"""Shared harness of the durability tests: starting, stopping and killing
userpool-server processes (server/), boto3 clients pointed at them,
and the PASS/FAIL reporting of tests/interop/harness.py.

Each test prints one line, `PASS <name>` or `FAIL <name>: <why>` (or
`SKIP <name>: <why>`); run.sh counts them. A test that needs another one that
did not pass fails with "blocked by <name>" instead of running.

Environment (run.sh sets these):

  USERPOOL_SERVER_BIN the built server (target/release/userpool-server)
  DURABILITY_WORK     a scratch directory; servers started here are listed in
                      $DURABILITY_WORK/pids/<pid> until reaped, so run.sh can
                      stop them if this script dies first
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REGION = "us-east-1"
SERVER_BIN = os.environ.get(
    "USERPOOL_SERVER_BIN",
    str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release/userpool-server"),
)
_OWN_WORK = not os.environ.get("DURABILITY_WORK")  # run by hand: remove it at the end
WORK = Path(os.environ.get("DURABILITY_WORK") or tempfile.mkdtemp(prefix="userpool-durability."))
PIDS = WORK / "pids"
PIDS.mkdir(parents=True, exist_ok=True)

START_TIMEOUT = 30.0  # seconds for a server to print its port and answer /_health
STOP_TIMEOUT = 15.0  # seconds for a graceful stop after SIGTERM


def log(msg: str) -> None:
    print(f"  {msg}", flush=True)


# ---------------------------------------------------------------- test runner

_tests: list[tuple[str, object, tuple[str, ...]]] = []
_passed: set[str] = set()
_skipped: set[str] = set()
_cleanups: list = []


class Skip(Exception):
    """Raised by a test that cannot run here (reported as SKIP, not FAIL)."""


def test(*needs: str):
    """Registers a test; `needs` names tests that must have passed first."""

    def register(fn):
        _tests.append((fn.__name__, fn, needs))
        return fn

    return register


def at_exit(fn) -> None:
    """Runs `fn` when the script ends (last registered first), even on SIGTERM."""
    _cleanups.append(fn)


def _describe_failure(e: BaseException) -> str:
    if isinstance(e, ClientError):
        err = e.response.get("Error", {})
        return f"{e.operation_name} -> {err.get('Code')}: {err.get('Message')}"
    tb = traceback.extract_tb(e.__traceback__)
    where = next(
        (f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "durability" in f.filename),
        "",
    )
    return f"{type(e).__name__}: {e} [{where}]"


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def run() -> int:
    """Runs the registered tests in order, then the cleanups; the exit status."""
    # `timeout` (run.sh) sends SIGTERM: turn it into an exception so the
    # servers this script started are stopped by the cleanups.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    failed = 0
    try:
        for name, fn, needs in _tests:
            skipped = [n for n in needs if n in _skipped]
            if skipped:
                print(f"SKIP {name}: needs {', '.join(skipped)}, skipped", flush=True)
                _skipped.add(name)
                continue
            blocked = [n for n in needs if n not in _passed]
            if blocked:
                print(f"FAIL {name}: blocked by {', '.join(blocked)}", flush=True)
                failed += 1
                continue
            started = time.monotonic()
            try:
                fn()
            except Skip as e:
                print(f"SKIP {name}: {e}", flush=True)
                _skipped.add(name)
            except Exception as e:  # noqa: BLE001 - the report is the point
                print(f"FAIL {name}: {_describe_failure(e)}", flush=True)
                failed += 1
            else:
                print(f"PASS {name} ({time.monotonic() - started:.1f}s)", flush=True)
                _passed.add(name)
    finally:
        for fn in reversed(_cleanups):
            try:
                fn()
            except Exception as e:  # noqa: BLE001
                print(f"  cleanup {getattr(fn, '__name__', fn)} failed: {e}", flush=True)
        for s in list(Server.running):
            s.kill()
        if _OWN_WORK:
            shutil.rmtree(WORK, ignore_errors=True)
    return 1 if failed else 0


# -------------------------------------------------------------------- servers


def summary(output: str, tail: int = 600) -> str:
    """What a server printed, for a failure message: its panic messages when
    it panicked (a backtrace's tail says nothing), else the end."""
    lines = output.splitlines()
    panics = [
        f"{line.strip()} {lines[i + 1].strip() if i + 1 < len(lines) else ''}".strip()
        for i, line in enumerate(lines)
        if "panicked at" in line
    ]
    if panics:
        return "PANIC: " + " | ".join(p[:400] for p in panics[:3])
    return output.strip()[-tail:]


class ServerDidNotStart(Exception):
    def __init__(self, msg: str, returncode: int | None, output: str):
        super().__init__(msg)
        self.returncode = returncode
        self.output = output


class Server:
    """One userpool-server process on a free 127.0.0.1 port."""

    running: list["Server"] = []

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None):
        self.name = name
        self.args = args
        self.env = env or {}
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path: Path | None = None
        self.returncode: int | None = None

    @property
    def endpoint(self) -> str:
        assert self.port, f"server {self.name} has no port"
        return f"http://127.0.0.1:{self.port}"

    def spawn(self) -> "Server":
        fd, path = tempfile.mkstemp(prefix=f"server-{self.name}-", suffix=".log", dir=WORK)
        self.log_path = Path(path)
        env = dict(os.environ)
        env.pop("USERPOOL_MASTER_KEY", None)  # only what the test passes
        env.update(self.env)
        self.proc = subprocess.Popen(
            [SERVER_BIN, "--port", "0", "--hashing", "test", *self.args],
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=subprocess.STDOUT,
            env=env,
        )
        os.close(fd)
        (PIDS / str(self.proc.pid)).write_text(self.name)
        Server.running.append(self)
        self.port = None
        self.returncode = None
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def wait_ready(self, timeout: float = START_TIMEOUT) -> "Server":
        """Waits for the 'listening on' line and a 200 from /_health."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", self.output())
            if m:
                self.port = int(m.group(1))
                try:
                    with urllib.request.urlopen(f"{self.endpoint}/_health", timeout=2) as r:
                        if r.status == 200:
                            return self
                except OSError:
                    pass
            rc = self.proc.poll()
            if rc is not None:
                self._reaped(rc)
                raise ServerDidNotStart(
                    f"server {self.name} exited with status {rc} before serving: {summary(self.output())!r}",
                    rc,
                    self.output(),
                )
            time.sleep(0.05)
        out = self.output()
        self.kill()
        raise ServerDidNotStart(
            f"server {self.name} did not become ready within {timeout:.0f}s: {summary(out)!r}", None, out
        )

    def start(self, timeout: float = START_TIMEOUT) -> "Server":
        return self.spawn().wait_ready(timeout)

    def wait_exit(self, timeout: float) -> int | None:
        """The exit status if the process ends within `timeout`, else None."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reaped(rc)
        return rc

    def _reaped(self, rc: int) -> None:
        self.returncode = rc
        (PIDS / str(self.proc.pid)).unlink(missing_ok=True)
        if self in Server.running:
            Server.running.remove(self)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def terminate(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, then the exit status; SIGKILL and an error if it hangs."""
        if not self.alive():
            return self.wait_exit(1) if self.returncode is None else self.returncode
        self.proc.send_signal(signal.SIGTERM)
        rc = self.wait_exit(timeout)
        if rc is None:
            self.kill()
            raise AssertionError(f"server {self.name} did not stop within {timeout:.0f}s of SIGTERM")
        return rc

    def kill(self) -> int | None:
        """SIGKILL (no chance to flush or close anything), then reap."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        return self.wait_exit(10)


# ---------------------------------------------------------------- the clients


def client(server_or_endpoint, read_timeout: float = 30):
    """A boto3 cognito-idp client for one server: dummy credentials, no
    retries (a 500 or a dropped connection must show, not be retried)."""
    endpoint = server_or_endpoint if isinstance(server_or_endpoint, str) else server_or_endpoint.endpoint
    return boto3.session.Session().client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            retries={"total_max_attempts": 1},
            connect_timeout=5,
            read_timeout=read_timeout,
            max_pool_connections=4,
        ),
    )


def expect_error(code: str, message: str | None, fn, *args, **kwargs) -> ClientError:
    """Calls fn and asserts it fails with the Cognito exception `code` (HTTP
    400) and, unless None, exactly `message`."""
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        msg = e.response["Error"].get("Message")
        assert got == code, f"expected {code}, got {got}: {msg}"
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert status == 400, f"{code} came with HTTP {status}, expected 400"
        if message is not None:
            assert msg == message, f"{code}: expected message {message!r}, got {msg!r}"
        return e
    raise AssertionError(f"expected {code} ({message}), but the call succeeded")


def http_get(server, path: str, **params):
    url = f"{server.endpoint}{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:
        alive = "running" if server.alive() else f"exited with status {server.proc.poll()}"
        raise AssertionError(f"GET {url} on server {server.name} ({alive}): {type(e).__name__}: {e}") from None


def http_json(server, path: str, **params) -> dict:
    status, body = http_get(server, path, **params)
    assert status == 200, f"GET {path} on server {server.name}: HTTP {status}: {body[:300]!r}"
    return json.loads(body)


def last_code(server, pool_id: str, username: str) -> str:
    messages = http_json(server, "/_outbox", pool_id=pool_id, username=username)["messages"]
    assert messages, f"no message in the outbox of {server.name} for {username}"
    return messages[-1]["code"]


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    import base64
    import hashlib
    import hmac

    mac = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def attrs(attribute_list: list[dict]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in attribute_list}


def strip_metadata(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def new_master_key() -> str:
    return secrets.token_hex(32)


def master_key_id(hex_key: str) -> str:
    """MasterKey::id (src/wire/persist.rs): mk1- and the first 8 bytes, in
    hex, of HMAC-SHA256(key, "userpool/v1/master-key-id")."""
    import hashlib
    import hmac

    mac = hmac.new(bytes.fromhex(hex_key.strip()), b"userpool/v1/master-key-id", hashlib.sha256).digest()
    return "mk1-" + mac[:8].hex()


def diff(before, after, path: str = "") -> list[str]:
    """The paths where two JSON-like values differ (for precise messages)."""
    out: list[str] = []
    if isinstance(before, dict) and isinstance(after, dict):
        for k in sorted(set(before) | set(after), key=str):
            if k not in after:
                out.append(f"{path}.{k}: missing after (was {before[k]!r})")
            elif k not in before:
                out.append(f"{path}.{k}: new after ({after[k]!r})")
            else:
                out += diff(before[k], after[k], f"{path}.{k}")
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (b, a) in enumerate(zip(before, after)):
            out += diff(b, a, f"{path}[{i}]")
    elif before != after:
        out.append(f"{path}: {before!r} -> {after!r}")
    return out


def assert_same(what: str, before, after) -> None:
    d = diff(before, after)
    assert not d, f"{what} changed: " + "; ".join(d[:8]) + (f" (+{len(d) - 8} more)" if len(d) > 8 else "")


def main() -> None:
    sys.exit(run())
