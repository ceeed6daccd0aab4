"""authlib (OAuth2Session) and requests against the hosted OAuth endpoints of a
pool's domain, in path mode (`<COGNITO_ENDPOINT>/<domain>`): cognito-oauth.md
§14 T2 (code + PKCE + nonce, driving the sign-in form over HTTP), T3
(client_credentials with client_secret_basic and client_secret_post) and T5
(refresh, userInfo, revoke), plus the error page for an unregistered
redirect_uri and the 403 for a missing CSRF token.

A missing endpoint is a failure here, never a skip."""

from __future__ import annotations

import secrets
import time

import requests
from authlib.integrations.requests_client import OAuth2Session

from harness import client, run, test
from oauth_common import (
    M2M_SCOPES,
    Page,
    claims,
    half_hash,
    location,
    login_over_http,
    make_pool,
    oauth_error,
    pkce_pair,
    query_of,
    sign_in_form,
    verify_jwt,
)

cognito = client()
CALLBACK = "http://localhost:8975/callback"
LOGOUT = "http://localhost:8975/signed-out"
S: dict = {}

M2M_CLAIMS = {"sub", "token_use", "scope", "auth_time", "iss", "exp", "iat", "version", "jti", "client_id"}


def fx(key: str):
    return S["fx"][key]


def token_url() -> str:
    return f"{fx('base')}/oauth2/token"


def web_session(scope: str = "openid email profile", client_id: str | None = None) -> OAuth2Session:
    return OAuth2Session(
        client_id or fx("clientId"),
        scope=scope,
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )


def new_code(scope: str = "openid email profile", browser: requests.Session | None = None) -> dict:
    """One authorization through the hosted form; the code, verifier, state, nonce."""
    oauth = web_session(scope)
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = oauth.create_authorization_url(
        f"{fx('base')}/oauth2/authorize", code_verifier=verifier, nonce=nonce
    )
    loc = login_over_http(browser or requests.Session(), fx("base"), url, fx("username"), fx("password"), CALLBACK)
    q = query_of(loc)
    assert set(q) == {"code", "state"}, f"callback query {q}"
    assert q["state"] == state, f"state came back as {q['state']!r}, sent {state!r}"
    return {"oauth": oauth, "code": q["code"], "verifier": verifier, "state": state, "nonce": nonce, "url": url}


def post_token(data: dict, auth=None) -> requests.Response:
    return requests.post(token_url(), data=data, auth=auth, allow_redirects=False, timeout=10)


def user_info(access_token: str) -> requests.Response:
    return requests.get(
        f"{fx('base')}/oauth2/userInfo", headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )


@test()
def set_up_pool_domain_resource_server_clients_user():
    S["fx"] = make_pool("oauth-py", CALLBACK, LOGOUT)


# --- T2: authorization code + PKCE + nonce -----------------------------------


@test("set_up_pool_domain_resource_server_clients_user")
def code_flow_with_pkce_and_nonce():
    got = new_code()
    raw = post_token(
        {
            "grant_type": "authorization_code",
            "code": got["code"],
            "redirect_uri": CALLBACK,
            "client_id": fx("clientId"),
            "code_verifier": got["verifier"],
        }
    )
    assert raw.status_code == 200, f"token -> {raw.status_code}: {raw.text[:300]}"
    assert raw.headers.get("Content-Type", "").startswith("application/json"), raw.headers.get("Content-Type")
    assert "no-store" in raw.headers.get("Cache-Control", ""), raw.headers.get("Cache-Control")
    # §7.5: this order, absent members skipped.
    assert list(raw.json()) == ["id_token", "access_token", "refresh_token", "expires_in", "token_type"], list(raw.json())
    # authlib's own exchange, with a second code.
    got = new_code()
    token = got["oauth"].fetch_token(token_url(), code=got["code"], code_verifier=got["verifier"])
    for member in ("id_token", "access_token", "refresh_token", "expires_in", "token_type"):
        assert member in token, f"no {member} in {list(token)}"
    assert token["token_type"] == "Bearer", token["token_type"]
    assert token["expires_in"] == 3600, token["expires_in"]
    idt = verify_jwt(token["id_token"], fx("endpoint"), fx("poolId"), audience=fx("clientId"))
    assert idt["token_use"] == "id", idt
    assert idt["nonce"] == got["nonce"], f"nonce {idt.get('nonce')!r}, sent {got['nonce']!r}"
    assert idt["at_hash"] == half_hash(token["access_token"]), "at_hash does not match the access token"
    assert idt["cognito:username"] == fx("username"), idt
    assert idt["email"] == fx("email"), idt
    access = verify_jwt(token["access_token"], fx("endpoint"), fx("poolId"))
    assert access["token_use"] == "access" and access["client_id"] == fx("clientId"), access
    assert set(access["scope"].split()) == {"openid", "email", "profile"}, access["scope"]
    assert access["username"] == fx("username"), access
    assert access["sub"] == idt["sub"], (access["sub"], idt["sub"])
    assert "origin_jti" in access, access
    assert "aud" not in access, access
    S["code"] = got
    S["tokens"] = token


@test("code_flow_with_pkce_and_nonce")
def reused_code_is_invalid_grant():
    got = S["code"]
    r = post_token(
        {
            "grant_type": "authorization_code",
            "code": got["code"],
            "redirect_uri": CALLBACK,
            "client_id": fx("clientId"),
            "code_verifier": got["verifier"],
        }
    )
    oauth_error(r, 400, "invalid_grant")


@test("code_flow_with_pkce_and_nonce")
def wrong_verifier_is_invalid_grant():
    got = new_code()
    other, _ = pkce_pair()
    body = {
        "grant_type": "authorization_code",
        "code": got["code"],
        "redirect_uri": CALLBACK,
        "client_id": fx("clientId"),
        "code_verifier": other,
    }
    oauth_error(post_token(body), 400, "invalid_grant")


@test("code_flow_with_pkce_and_nonce")
def wrong_redirect_uri_is_invalid_grant():
    got = new_code()
    body = {
        "grant_type": "authorization_code",
        "code": got["code"],
        "redirect_uri": CALLBACK + "/",
        "client_id": fx("clientId"),
        "code_verifier": got["verifier"],
    }
    oauth_error(post_token(body), 400, "invalid_grant")


@test("code_flow_with_pkce_and_nonce")
def code_for_another_client_is_invalid_grant():
    got = new_code()
    body = {
        "grant_type": "authorization_code",
        "code": got["code"],
        "redirect_uri": CALLBACK,
        "client_id": fx("otherClientId"),
        "code_verifier": got["verifier"],
    }
    oauth_error(post_token(body), 400, "invalid_grant")


@test("set_up_pool_domain_resource_server_clients_user")
def unregistered_redirect_uri_gets_the_error_page():
    evil = "http://localhost:8975/elsewhere"
    oauth = OAuth2Session(fx("clientId"), scope="openid", redirect_uri=evil, code_challenge_method="S256")
    url, _ = oauth.create_authorization_url(f"{fx('base')}/oauth2/authorize", code_verifier=pkce_pair()[0])
    r = requests.get(url, allow_redirects=False, timeout=10)
    hops = 0
    while r.status_code in (301, 302, 303, 307) and hops < 3:
        loc = r.headers["Location"]
        assert loc.startswith(f"{fx('base')}/error"), f"redirected to {loc}, not to the error page"
        r = requests.get(loc, allow_redirects=False, timeout=10)
        hops += 1
    assert r.status_code == 400, f"error page status {r.status_code}"
    assert "Location" not in r.headers, r.headers
    assert r.headers.get("Content-Type", "").startswith("text/html"), r.headers.get("Content-Type")
    assert "redirect_mismatch" in r.text or "redirect_mismatch" in r.url, r.text[:500]
    assert evil not in r.text, "the error page names the unregistered redirect_uri as a link target"


@test("set_up_pool_domain_resource_server_clients_user")
def sign_in_without_csrf_token_is_403():
    browser = requests.Session()
    oauth = web_session()
    url, _ = oauth.create_authorization_url(f"{fx('base')}/oauth2/authorize", code_verifier=pkce_pair()[0])
    login = location(browser.get(url, allow_redirects=False, timeout=10))
    page = browser.get(login, timeout=10)
    assert page.status_code == 200, page.status_code
    form = sign_in_form(page.text)
    # §6.1: a fresh XSRF-TOKEN cookie on the page's domain path, equal to _csrf.
    set_cookie = page.headers.get("Set-Cookie", "")
    assert "XSRF-TOKEN=" in set_cookie, f"no XSRF-TOKEN cookie: {set_cookie!r}"
    xsrf = [c for c in browser.cookies if c.name == "XSRF-TOKEN"]
    assert len(xsrf) == 1 and xsrf[0].path.rstrip("/") == f"/{fx('domain')}", [(c.path, c.domain) for c in xsrf]
    assert xsrf[0].has_nonstandard_attr("HttpOnly"), "XSRF-TOKEN is not HttpOnly"
    assert xsrf[0].value == form["inputs"]["_csrf"]["value"], "_csrf differs from the XSRF-TOKEN cookie"
    assert page.headers.get("X-Frame-Options") == "DENY", page.headers.get("X-Frame-Options")
    assert "no-store" in page.headers.get("Cache-Control", ""), page.headers.get("Cache-Control")
    data = {"username": fx("username"), "password": fx("password"), "signInSubmitButton": "Sign in"}
    r = browser.post(login, data=data, allow_redirects=False, timeout=10)
    assert r.status_code == 403, f"POST /login without _csrf -> {r.status_code}"
    assert "Location" not in r.headers, r.headers
    # and a wrong one likewise
    data["_csrf"] = "not-the-token"
    r = browser.post(login, data=data, allow_redirects=False, timeout=10)
    assert r.status_code == 403, f"POST /login with a wrong _csrf -> {r.status_code}"


@test("set_up_pool_domain_resource_server_clients_user")
def wrong_password_shows_the_form_again():
    browser = requests.Session()
    url, _ = web_session().create_authorization_url(f"{fx('base')}/oauth2/authorize", code_verifier=pkce_pair()[0])
    login = location(browser.get(url, allow_redirects=False, timeout=10))
    form = sign_in_form(browser.get(login, timeout=10).text)
    data = {"_csrf": form["inputs"]["_csrf"]["value"], "username": fx("username"), "password": "Wrong-Passw0rd!"}
    r = browser.post(login, data=data, allow_redirects=False, timeout=10)
    assert r.status_code == 200, f"wrong password -> {r.status_code}"
    page = Page(r.text)
    assert "loginErrorMessage" in page.ids, "no #loginErrorMessage"
    assert "Incorrect username or password." in r.text, r.text[:500]
    assert page.form_with("username")["inputs"]["username"].get("value") == fx("username"), "user name not kept"


# --- T3: client_credentials ----------------------------------------------------


def m2m_session(method: str) -> OAuth2Session:
    return OAuth2Session(fx("m2mClientId"), fx("m2mSecret"), token_endpoint_auth_method=method)


def check_m2m(token: dict, scopes: set[str]) -> None:
    assert set(token) == {"access_token", "expires_in", "token_type"} | (
        {"expires_at"} if "expires_at" in token else set()
    ), f"M2M answer members {list(token)}"
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600, token
    c = verify_jwt(token["access_token"], fx("endpoint"), fx("poolId"))
    assert set(c) == M2M_CLAIMS, f"M2M claims {sorted(c)}"
    assert c["sub"] == fx("m2mClientId") and c["client_id"] == fx("m2mClientId"), c
    assert c["token_use"] == "access" and c["version"] == 2, c
    assert c["auth_time"] == c["iat"], c
    assert set(c["scope"].split()) == scopes, c["scope"]


@test("set_up_pool_domain_resource_server_clients_user")
def client_credentials_basic_without_scope():
    token = m2m_session("client_secret_basic").fetch_token(token_url(), grant_type="client_credentials")
    check_m2m(token, set(M2M_SCOPES))
    S["m2m_token"] = token["access_token"]


@test("set_up_pool_domain_resource_server_clients_user")
def client_credentials_basic_with_scope():
    token = m2m_session("client_secret_basic").fetch_token(
        token_url(), grant_type="client_credentials", scope="interop-api/read"
    )
    check_m2m(token, {"interop-api/read"})


@test("set_up_pool_domain_resource_server_clients_user")
def client_credentials_post_without_scope():
    token = m2m_session("client_secret_post").fetch_token(token_url(), grant_type="client_credentials")
    check_m2m(token, set(M2M_SCOPES))


@test("set_up_pool_domain_resource_server_clients_user")
def client_credentials_post_with_scope():
    token = m2m_session("client_secret_post").fetch_token(
        token_url(), grant_type="client_credentials", scope="interop-api/write"
    )
    check_m2m(token, {"interop-api/write"})


@test("set_up_pool_domain_resource_server_clients_user")
def client_credentials_scope_not_allowed_is_invalid_scope():
    auth = (fx("m2mClientId"), fx("m2mSecret"))
    for scope in ("interop-api/admin", "openid", "interop-api/read interop-api/nope"):
        r = post_token({"grant_type": "client_credentials", "scope": scope}, auth=auth)
        oauth_error(r, 400, "invalid_scope")


@test("set_up_pool_domain_resource_server_clients_user")
def client_credentials_for_a_public_client_is_unauthorized_client():
    r = post_token({"grant_type": "client_credentials", "client_id": fx("clientId")})
    oauth_error(r, 400, "unauthorized_client")


@test("set_up_pool_domain_resource_server_clients_user")
def client_credentials_with_a_bad_secret_is_invalid_client():
    bad = fx("m2mSecret")[:-1] + ("a" if fx("m2mSecret")[-1] != "a" else "b")
    oauth_error(post_token({"grant_type": "client_credentials"}, auth=(fx("m2mClientId"), bad)), 400, "invalid_client")
    body = {"grant_type": "client_credentials", "client_id": fx("m2mClientId"), "client_secret": bad}
    oauth_error(post_token(body), 400, "invalid_client")
    body = {"grant_type": "client_credentials", "client_id": fx("m2mClientId")}
    oauth_error(post_token(body), 400, "invalid_client")


# --- T5: refresh, userInfo, revoke --------------------------------------------


@test("code_flow_with_pkce_and_nonce")
def refresh_keeps_scope_auth_time_and_origin_jti():
    first = claims(S["tokens"]["access_token"])
    time.sleep(1.1)  # a new iat, so the refreshed token is visibly new
    token = web_session().refresh_token(token_url(), refresh_token=S["tokens"]["refresh_token"])
    assert "access_token" in token and "id_token" in token, list(token)
    assert "refresh_token" not in token or token["refresh_token"] == S["tokens"]["refresh_token"], (
        "a new refresh token without rotation"
    )
    again = verify_jwt(token["access_token"], fx("endpoint"), fx("poolId"))
    assert set(again["scope"].split()) == set(first["scope"].split()), (again["scope"], first["scope"])
    assert again["auth_time"] == first["auth_time"], (again["auth_time"], first["auth_time"])
    assert again["origin_jti"] == first["origin_jti"], (again["origin_jti"], first["origin_jti"])
    assert again["jti"] != first["jti"] and again["iat"] > first["iat"], "not a new access token"
    idt = verify_jwt(token["id_token"], fx("endpoint"), fx("poolId"), audience=fx("clientId"))
    assert "nonce" not in idt, "nonce on a refreshed ID token"
    assert idt["at_hash"] == half_hash(token["access_token"]), "at_hash"


@test("code_flow_with_pkce_and_nonce")
def user_info_for_openid_email_profile():
    r = user_info(S["tokens"]["access_token"])
    assert r.status_code == 200, f"userInfo -> {r.status_code}: {r.text[:300]}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers.get("Content-Type")
    info = r.json()
    sub = claims(S["tokens"]["access_token"])["sub"]
    assert info["sub"] == sub and info["username"] == fx("username"), info
    assert info["email"] == fx("email") and info["email_verified"] == "true", info
    assert info["name"] == "Ada Lovelace", info
    assert "phone_number" not in info, f"phone_number without the phone scope: {info}"
    r = requests.post(
        f"{fx('base')}/oauth2/userInfo", headers={"Authorization": f"Bearer {S['tokens']['access_token']}"}, timeout=10
    )
    assert r.status_code == 200 and r.json() == info, f"POST userInfo -> {r.status_code}"


@test("code_flow_with_pkce_and_nonce")
def user_info_for_openid_alone_has_every_attribute():
    # The session cookie of a fresh sign-in is not reused: each call signs in.
    got = new_code(scope="openid")
    token = got["oauth"].fetch_token(token_url(), code=got["code"], code_verifier=got["verifier"])
    assert claims(token["access_token"])["scope"] == "openid", claims(token["access_token"])["scope"]
    info = user_info(token["access_token"]).json()
    assert info["phone_number"] == fx("phone") and info["phone_number_verified"] == "true", info
    assert info["email"] == fx("email") and info["email_verified"] == "true", info
    assert info["username"] == fx("username"), info


@test("set_up_pool_domain_resource_server_clients_user")
def user_info_refuses_a_json_api_access_token():
    auth = cognito.initiate_auth(
        ClientId=fx("clientId"),
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": fx("username"), "PASSWORD": fx("password")},
    )["AuthenticationResult"]
    r = user_info(auth["AccessToken"])
    assert r.status_code == 401, f"userInfo with an InitiateAuth token -> {r.status_code}"
    challenge = r.headers.get("WWW-Authenticate", "")
    assert 'error="invalid_token"' in challenge, f"WWW-Authenticate: {challenge!r}"
    r = requests.get(f"{fx('base')}/oauth2/userInfo", timeout=10)
    assert r.status_code in (400, 401) and r.headers.get("WWW-Authenticate"), (r.status_code, r.headers)


@test("client_credentials_basic_without_scope")
def user_info_refuses_an_m2m_token():
    r = user_info(S["m2m_token"])
    assert r.status_code == 401, f"userInfo with a client_credentials token -> {r.status_code}"
    assert 'error="invalid_token"' in r.headers.get("WWW-Authenticate", ""), r.headers


@test("code_flow_with_pkce_and_nonce")
def revoke_an_access_token_is_unsupported_token_type():
    body = {"token": S["tokens"]["access_token"], "client_id": fx("clientId")}
    r = requests.post(f"{fx('base')}/oauth2/revoke", data=body, timeout=10)
    oauth_error(r, 400, "unsupported_token_type")


@test(
    "refresh_keeps_scope_auth_time_and_origin_jti",
    "user_info_for_openid_email_profile",
    "revoke_an_access_token_is_unsupported_token_type",
)
def revoke_then_user_info_and_refresh_fail():
    body = {"token": S["tokens"]["refresh_token"], "client_id": fx("clientId")}
    r = requests.post(f"{fx('base')}/oauth2/revoke", data=body, timeout=10)
    assert r.status_code == 200, f"revoke -> {r.status_code}: {r.text[:300]}"
    assert r.content == b"", f"revoke body {r.content[:100]!r}"
    r = user_info(S["tokens"]["access_token"])
    assert r.status_code == 401, f"userInfo after revoke -> {r.status_code}"
    assert 'error="invalid_token"' in r.headers.get("WWW-Authenticate", ""), r.headers
    body = {"grant_type": "refresh_token", "refresh_token": S["tokens"]["refresh_token"], "client_id": fx("clientId")}
    oauth_error(post_token(body), 400, "invalid_grant")
    # Revoking again is still 200 (§10: already revoked).
    r = requests.post(
        f"{fx('base')}/oauth2/revoke", data={"token": S["tokens"]["refresh_token"], "client_id": fx("clientId")}, timeout=10
    )
    assert r.status_code == 200, f"second revoke -> {r.status_code}"


if __name__ == "__main__":
    raise SystemExit(run())
