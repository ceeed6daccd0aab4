"""The HTTP shell itself (server/, crate userpool-server): headers, CORS, routes.
These need no Cognito operation to be implemented."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from harness import ENDPOINT, client, http_get, run, test

TARGET = "AWSCognitoIdentityProviderService."


def request(method: str, path: str = "/", body: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(f"{ENDPOINT}{path}", data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@test()
def health():
    status, _, body = request("GET", "/_health")
    assert status == 200 and body == b"ok", (status, body)


@test()
def cors_preflight():
    status, h, _ = request(
        "OPTIONS",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent,cache-control",
        },
    )
    assert status in (200, 204), status
    assert h.get("access-control-allow-origin") == "*", h
    assert "POST" in h.get("access-control-allow-methods", ""), h
    allowed = h.get("access-control-allow-headers", "").lower()
    for name in ("content-type", "x-amz-target", "x-amz-user-agent", "cache-control"):
        assert name in allowed or allowed == "*", (name, allowed)


@test()
def cors_preflight_for_a_signed_request_is_refused():
    # A browser about to send SigV4 headers is after an admin operation.
    status, h, _ = request(
        "OPTIONS",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-amz-date,x-amz-target",
        },
    )
    assert status == 403, status
    assert "access-control-allow-origin" not in h, h


@test()
def cors_only_on_public_operations():
    public = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "SignUp"}
    status, h, body = request("POST", body=b'{"ClientId": "nosuchclient", "Username": "u", "Password": "p"}',
                              headers=public)
    assert status == 400, (status, body)
    assert h.get("access-control-allow-origin") == "*", h
    signed = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "ListUserPools"}
    status, h, body = request("POST", body=b'{"MaxResults": 1}', headers=signed)
    assert status == 200, (status, body)
    assert "access-control-allow-origin" not in h, h
    # From a browser, a signed operation does not run at all.
    status, h, body = request("POST", body=b'{"MaxResults": 1}', headers={**signed, "Origin": "http://localhost:3000"})
    assert status == 403 and json.loads(body)["__type"] == "AccessDeniedException", (status, body)
    assert "access-control-allow-origin" not in h, h


@test()
def unknown_operation_is_a_cognito_error():
    status, h, body = request(
        "POST",
        body=b"{}",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "NoSuchOperation"},
    )
    assert status == 400, status
    doc = json.loads(body)
    assert doc["__type"] == "UnknownOperationException", doc
    assert h.get("content-type") == "application/x-amz-json-1.1", h
    assert h.get("x-amzn-errortype", "").startswith("UnknownOperationException"), h
    assert "x-amzn-errormessage" in h, h
    assert len(h.get("x-amzn-requestid", "")) == 36, h
    # An unknown operation is no public one: no CORS.
    assert "access-control-allow-origin" not in h, h
    assert "date" in h, h


@test()
def public_operation_errors_expose_the_error_headers():
    status, h, body = request(
        "POST",
        body=b'{"ClientId": "nosuchclient", "Username": "u", "Password": "p"}',
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "SignUp"},
    )
    assert status == 400, (status, body)
    assert h.get("access-control-allow-origin") == "*", h
    expose = h.get("access-control-expose-headers", "")
    for name in ("x-amzn-RequestId", "x-amzn-ErrorType", "x-amzn-ErrorMessage", "Date"):
        assert name in expose, (name, expose)


@test()
def malformed_body_is_serialization_exception():
    status, _, body = request(
        "POST",
        body=b"{not json",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "SignUp"},
    )
    doc = json.loads(body)
    assert status == 400 and doc["__type"] in ("SerializationException", "UnknownOperationException"), (status, doc)


@test()
def unknown_pool_routes_are_404():
    for path in ("/us-east-1_nope/.well-known/jwks.json", "/us-east-1_nope/.well-known/openid-configuration"):
        status, _, _ = request("GET", path)
        assert status == 404, (path, status)


@test()
def outbox_route_answers():
    doc = http_get("/_outbox", pool_id="us-east-1_nope", username="nobody")
    assert doc == {"messages": []}, doc


@test()
def outbox_needs_a_pool_id():
    status, _, body = request("GET", "/_outbox?username=nobody")
    assert status == 400 and b"pool_id is required" in body, (status, body)


@test()
def outbox_is_never_served_to_browsers():
    status, h, body = request("GET", "/_outbox?pool_id=us-east-1_nope", headers={"Origin": "http://localhost:3000"})
    assert status == 403 and json.loads(body)["__type"] == "AccessDeniedException", (status, body)
    assert "access-control-allow-origin" not in h, h


@test()
def wrong_typed_ignored_members_are_serialization_errors():
    for member, value in (
        ("ClientMetadata", 5),
        ("ClientMetadata", {"k": 1}),
        ("AnalyticsMetadata", ["x"]),
        ("UserContextData", "data"),
    ):
        payload = {"ClientId": "nosuchclient", "Username": "u", "Password": "p", member: value}
        status, h, body = request(
            "POST",
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "SignUp"},
        )
        doc = json.loads(body)
        assert status == 400 and doc["__type"] == "SerializationException", (member, value, status, doc)
        assert h.get("x-amzn-errortype", "").startswith("SerializationException"), h


@test()
def body_over_the_limit_is_an_aws_json_error():
    big = b'{"MaxResults": 1, "x": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    status, h, body = request(
        "POST",
        body=big,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "ListUserPools"},
    )
    assert status == 413, (status, body[:200])
    assert json.loads(body)["__type"] == "RequestEntityTooLargeException", body[:200]
    assert h.get("x-amzn-errortype", "").startswith("RequestEntityTooLargeException"), h


@test()
def openid_configuration_never_reflects_the_host_header():
    import http.client

    cognito = client()
    pool_id = cognito.create_user_pool(PoolName="host-header")["UserPool"]["Id"]
    host, port = ENDPOINT.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", f"/{pool_id}/.well-known/openid-configuration", headers={"Host": "evil.example"})
    r = conn.getresponse()
    doc = json.loads(r.read())
    conn.close()
    assert r.status == 200, doc
    assert "evil" not in json.dumps(doc), doc
    assert doc["jwks_uri"] == f"{ENDPOINT}/{pool_id}/.well-known/jwks.json", doc


@test()
def half_sent_request_is_closed_within_10_seconds():
    import socket
    import time

    host, port = ENDPOINT.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=15) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Ty")
        while s.recv(4096):
            pass
    took = time.monotonic() - started
    assert took < 10, took


if __name__ == "__main__":
    raise SystemExit(run())
