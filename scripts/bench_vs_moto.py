#!/usr/bin/env python3
"""Sign-up throughput of userpool-server (server/) against moto's server.

Runs N x (SignUp + AdminConfirmSignUp + InitiateAuth USER_PASSWORD_AUTH)
through boto3 against both servers, started by this script on 127.0.0.1 in
the same run, and prints both rates and their ratio. See
scripts/bench_vs_moto.md for how to install the pinned dependencies and how
to read the numbers. Not part of CI.

    target/bench-venv/bin/python scripts/bench_vs_moto.py --n 200 --hashing owasp
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "1234Abcd^"


@dataclass
class Result:
    name: str
    n: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.n / self.seconds

    def line(self) -> str:
        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000
        return (
            f"{self.name:<10} {self.rate:9.1f} flows/s   "
            f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({self.n} flows in {self.seconds:.2f} s)"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with status {proc.returncode} before answering")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not answer at {url} within {timeout:.0f} s")


def start_ours(hashing: str, binary: Path, log) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [str(binary), "--port", "0", "--hashing", hashing],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"unexpected first line from userpool-server: {line!r}")
    url = f"http://127.0.0.1:{m.group(1)}"
    wait_http(url + "/_health", proc, "userpool-server")
    return proc, url


def start_moto(log) -> tuple[subprocess.Popen, str]:
    exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(exe).exists():
        raise SystemExit("moto_server not found: install scripts/bench_vs_moto.requirements.txt into this Python")
    port = free_port()
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/moto-api/", proc, "moto_server")
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cognito(url: str, threads: int):
    return boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=max(10, threads)),
    )


def bench(name: str, url: str, n: int, warmup: int, threads: int) -> Result:
    c = cognito(url, threads)
    pool = c.create_user_pool(
        PoolName=f"bench-{name}",
        Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                                     "RequireNumbers": True, "RequireSymbols": True}},
    )["UserPool"]["Id"]
    client = c.create_user_pool_client(
        UserPoolId=pool,
        ClientName="bench",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]

    def flow(i: int) -> float:
        user = f"user{i:07d}"
        t0 = time.perf_counter()
        c.sign_up(ClientId=client, Username=user, Password=PASSWORD)
        c.admin_confirm_sign_up(UserPoolId=pool, Username=user)
        r = c.initiate_auth(
            ClientId=client,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD},
        )
        if not r.get("AuthenticationResult", {}).get("AccessToken"):
            raise RuntimeError(f"{name}: no tokens for {user}: {r}")
        return time.perf_counter() - t0

    for i in range(warmup):
        flow(-1 - i + 10_000_000)
    t0 = time.perf_counter()
    if threads == 1:
        latencies = [flow(i) for i in range(n)]
    else:
        with ThreadPoolExecutor(threads) as ex:
            latencies = list(ex.map(flow, range(n)))
    return Result(name, n, time.perf_counter() - t0, latencies)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100, help="flows per server (default 100)")
    ap.add_argument(
        "--hashing",
        choices=["owasp", "test"],
        default="owasp",
        help="Argon2id preset of our server (default owasp; 'test' is the insecure cheap preset)",
    )
    ap.add_argument("--warmup", type=int, default=5, help="untimed flows first (default 5)")
    ap.add_argument("--threads", type=int, default=1, help="concurrent boto3 callers (default 1)")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build first")
    args = ap.parse_args()

    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "userpool-server"
    if not args.no_build:
        subprocess.run(
            ["cargo", "build", "--release", "-p", "userpool-server"], cwd=ROOT, check=True
        )

    with tempfile.TemporaryFile("w+") as log:
        ours, ours_url = start_ours(args.hashing, binary, log)
        try:
            moto, moto_url = start_moto(log)
        except BaseException:
            stop(ours)
            raise
        try:
            print(f"userpool-server at {ours_url} (--hashing {args.hashing}), moto_server at {moto_url}")
            print(f"{args.n} x (SignUp + AdminConfirmSignUp + InitiateAuth USER_PASSWORD_AUTH), "
                  f"{args.threads} caller thread(s), boto3 over HTTP\n")
            r_ours = bench("userpool", ours_url, args.n, args.warmup, args.threads)
            print(r_ours.line(), flush=True)
            r_moto = bench("moto", moto_url, args.n, args.warmup, args.threads)
            print(r_moto.line())
            print(f"\nratio userpool / moto: {r_ours.rate / r_moto.rate:.2f}x")
            if args.hashing == "owasp":
                print("(userpool hashes every password with Argon2id twice per flow -- sign-up and "
                      "sign-in; moto stores passwords in plain text)")
        except Exception:
            log.seek(0)
            sys.stderr.write(log.read()[-4000:])
            raise
        finally:
            stop(ours)
            stop(moto)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
