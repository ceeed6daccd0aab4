"""The HTTP shell itself (server/, crate userpool-server): headers, CORS, routes.
These need no Cognito operation to be implemented."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from harness import ENDPOINT, http_get, run, test

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


if __name__ == "__main__":
    raise SystemExit(run())
