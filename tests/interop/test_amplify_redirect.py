"""aws-amplify v6 `signInWithRedirect` in a real browser (cognito-oauth.md §14
T9), and one hosted sign-in in Host mode.

The server runs over HTTPS (`TLS_ENDPOINT`, https://127.0.0.1:PORT, the
throwaway certificate of server/tests/fixtures, trusted here through
AWS_CA_BUNDLE / REQUESTS_CA_BUNDLE and in Chromium by
`--ignore-certificate-errors`), because Amplify always builds
`https://<domain>/...`. The web app of amplify-web/ is bundled by run.sh into
`AMPLIFY_WEB` and served here by http.server on http://localhost:<port>/ with
a config.json naming the pool: `loginWith.oauth.domain` is
`127.0.0.1:<tls-port>/<domain>` (path mode) and `userPoolEndpoint` the JSON
API on the same server. Chromium's DevTools network log shows what Amplify
sent. Screenshots go to target/oauth-screenshots/amplify-*.png.

Host mode: a second Chromium maps `<domain>.auth.us-east-1.amazoncognito.com`
to 127.0.0.1 (`--host-resolver-rules`) and signs in through
`https://<domain>.auth.us-east-1.amazoncognito.com:<tls-port>/oauth2/authorize`.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import secrets
import threading
import urllib.parse
from pathlib import Path

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import ROOT, Browser

TLS_ENDPOINT = os.environ["TLS_ENDPOINT"].rstrip("/")
CERT = str(ROOT / "server" / "tests" / "fixtures" / "tls-cert.pem")
# boto3 and requests trust the throwaway certificate (its SANs: localhost,
# 127.0.0.1), set before any client is made.
os.environ["AWS_CA_BUNDLE"] = CERT
os.environ["REQUESTS_CA_BUNDLE"] = CERT

from harness import client, expect_error, run, test  # noqa: E402 - after the CA settings
from oauth_common import aws_jwt_verify, make_pool, pkce_pair, query_of, verify_jwt  # noqa: E402

WEB = Path(os.environ["AMPLIFY_WEB"])
SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]
WAIT = 20
S: dict = {}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


APP = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(WEB)))
threading.Thread(target=APP.serve_forever, daemon=True).start()
APP_URL = f"http://localhost:{APP.server_address[1]}/"


def browser() -> Browser:
    return S["browser"]


def driver():
    return browser().driver


def wait(condition, what: str):
    try:
        return WebDriverWait(driver(), WAIT).until(lambda d: condition(d))
    except Exception as e:  # noqa: BLE001 - say what was awaited and where the browser is
        text = ""
        try:
            text = driver().find_element(By.TAG_NAME, "body").text[:400]
        except Exception:  # noqa: BLE001
            pass
        raise AssertionError(f"timed out waiting for {what}; the browser is at {driver().current_url}: {text!r}") from e


def text_of(css: str) -> str:
    found = driver().find_elements(By.CSS_SELECTOR, css)
    return found[0].get_attribute("textContent") if found else ""


def app_state(state: str):
    def ready(d):
        if not d.current_url.startswith(APP_URL):
            return False
        error = text_of("#error")
        assert not error, f"the app reports {error}"
        return text_of("#state") == state

    wait(ready, f"the app in state {state!r}")


def click(css: str) -> None:
    driver().find_element(By.CSS_SELECTOR, css).click()


def sign_in_on_hosted_page(base: str) -> str:
    """Waits for the hosted sign-in form under `base`, fills it (without
    submitting) and returns the form's action."""
    wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#signInFormUsername"), "the hosted sign-in form")
    assert driver().current_url.startswith(f"{base}/login?"), driver().current_url
    form = driver().find_element(By.CSS_SELECTOR, "#signInFormUsername").find_element(By.XPATH, "./ancestor::form")
    action = urllib.parse.urljoin(driver().current_url, form.get_attribute("action") or driver().current_url)
    assert action.startswith(f"{base}/login"), f"the form posts to {action}"
    driver().find_element(By.CSS_SELECTOR, "#signInFormUsername").send_keys(S["fx"]["username"])
    driver().find_element(By.CSS_SELECTOR, "#signInFormPassword").send_keys(S["fx"]["password"])
    return action


def amplify_storage() -> dict[str, str]:
    """Amplify's localStorage entries of the client, keyed without the
    `CognitoIdentityServiceProvider.<clientId>.` prefix."""
    return driver().execute_script(
        "const p = arguments[0]; const o = {};"
        "for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i);"
        " if (k.startsWith(p)) o[k.slice(p.length)] = localStorage.getItem(k); } return o;",
        f"CognitoIdentityServiceProvider.{S['fx']['amplifyClientId']}.",
    )


def json_calls(sent: list[dict], target: str) -> list[dict]:
    """The browser's JSON API calls of one operation."""
    return [
        r
        for r in sent
        if r["method"] == "POST"
        and r["url"].startswith(TLS_ENDPOINT)
        and r.get("headers", {}).get("X-Amz-Target", r.get("headers", {}).get("x-amz-target"))
        == f"AWSCognitoIdentityProviderService.{target}"
    ]


@test()
def amplify_setup():
    fx = make_pool("amplify-redirect", APP_URL, APP_URL, endpoint=TLS_ENDPOINT)
    cognito = client(endpoint_url=TLS_ENDPOINT)
    fx["amplifyClientId"] = cognito.create_user_pool_client(
        UserPoolId=fx["poolId"],
        ClientName="amplify-web",
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=SCOPES,
        CallbackURLs=[APP_URL],
        LogoutURLs=[APP_URL],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]
    fx["tlsPort"] = urllib.parse.urlsplit(TLS_ENDPOINT).port
    fx["amplifyDomain"] = f"127.0.0.1:{fx['tlsPort']}/{fx['domain']}"
    (WEB / "config.json").write_text(
        json.dumps(
            {
                "userPoolId": fx["poolId"],
                "userPoolClientId": fx["amplifyClientId"],
                "userPoolEndpoint": TLS_ENDPOINT,
                "domain": fx["amplifyDomain"],
                "scopes": SCOPES,
                "appUrl": APP_URL,
            }
        )
    )
    S["fx"] = fx
    S["browser"] = Browser(performance_log=True)


@test("amplify_setup")
def amplify_sign_in_with_redirect():
    fx = S["fx"]
    base = f"https://{fx['amplifyDomain']}"
    driver().get(APP_URL)
    app_state("signedOut")
    browser().requests()  # drop the app's own loading
    click("#signIn")
    action = sign_in_on_hosted_page(base)
    browser().screenshot("amplify-hosted-sign-in")
    authorize = [r for r in browser().requests() if r["url"].startswith(f"{base}/oauth2/authorize?")]
    assert authorize, "Amplify did not open the authorize endpoint of the domain"
    q = query_of(authorize[0]["url"])
    assert q["client_id"] == fx["amplifyClientId"], q
    assert q["redirect_uri"] == APP_URL, q
    assert q["response_type"] == "code", q
    assert q["scope"].split() == SCOPES, q
    assert q["code_challenge_method"] == "S256", q
    S["challenge"] = q["code_challenge"]
    driver().find_element(By.CSS_SELECTOR, "[name=signInSubmitButton]").click()
    app_state("signedIn")
    browser().screenshot("amplify-signed-in")
    sent = browser().requests()
    assert any(r["method"] == "POST" and r["url"].startswith(action) for r in sent), "no POST of the hosted form"
    token = [r for r in sent if r["method"] == "POST" and r["url"] == f"{base}/oauth2/token"]
    assert len(token) == 1, f"token requests: {[r['url'] for r in sent]}"
    body = urllib.parse.parse_qs(token[0].get("postData", ""), keep_blank_values=True)
    assert sorted(body) == ["client_id", "code", "code_verifier", "grant_type", "redirect_uri"], body
    assert body["grant_type"] == ["authorization_code"], body
    assert body["client_id"] == [fx["amplifyClientId"]], body
    assert body["redirect_uri"] == [APP_URL], body
    assert len(body["code_verifier"][0]) == 128, len(body["code_verifier"][0])
    hub = [li.text for li in driver().find_elements(By.CSS_SELECTOR, "#hub li")]
    assert "signInWithRedirect" in hub, hub
    assert "signInWithRedirect_failure" not in hub, hub
    # The DOM shows the user; the ID token verifies against the pool's JWKS.
    assert text_of("#username") == fx["username"], text_of("#username")
    id_token = text_of("#idToken")
    claims = verify_jwt(id_token, TLS_ENDPOINT, fx["poolId"], audience=fx["amplifyClientId"])
    assert claims["token_use"] == "id", claims
    assert claims["cognito:username"] == fx["username"], claims
    assert text_of("#sub") == claims["sub"], (text_of("#sub"), claims["sub"])
    access = verify_jwt(text_of("#accessToken"), TLS_ENDPOINT, fx["poolId"])
    assert access["client_id"] == fx["amplifyClientId"], access
    assert access["scope"].split() == SCOPES, access["scope"]
    assert access.get("origin_jti"), "no origin_jti: Amplify would not revoke on signOut"
    # A backend checking them with aws-jwt-verify accepts both (issue 14's
    # "done means": the browser's tokens are ones aws-jwt-verify accepts).
    for use, t in (("id", id_token), ("access", text_of("#accessToken"))):
        verified = aws_jwt_verify(t, use, TLS_ENDPOINT, fx["poolId"], fx["amplifyClientId"])
        assert verified["token_use"] == use and verified["sub"] == claims["sub"], verified
    # Amplify files the tokens under the access token's `username`.
    stored = amplify_storage()
    assert stored.get("LastAuthUser") == access["username"] == fx["username"], stored.get("LastAuthUser")
    assert stored.get(f"{fx['username']}.idToken") == id_token, sorted(stored)
    S["refreshToken"] = stored.get(f"{fx['username']}.refreshToken")
    assert S["refreshToken"], sorted(stored)


@test("amplify_sign_in_with_redirect")
def amplify_force_refresh():
    fx = S["fx"]
    before = text_of("#idToken")
    click("#refresh")
    app_state("refreshed")
    assert text_of("#refreshed") == "true", "the ID token did not change on forceRefresh"
    calls = json_calls(browser().requests(), "GetTokensFromRefreshToken")
    assert len(calls) == 1, "Amplify v6 refreshes with the JSON GetTokensFromRefreshToken"
    sent = json.loads(calls[0]["postData"])
    assert sent["ClientId"] == fx["amplifyClientId"] and sent["RefreshToken"] == S["refreshToken"], sorted(sent)
    after = text_of("#idToken")
    assert after != before
    claims = verify_jwt(after, TLS_ENDPOINT, fx["poolId"], audience=fx["amplifyClientId"])
    assert claims["cognito:username"] == fx["username"], claims
    assert text_of("#username") == fx["username"]
    browser().screenshot("amplify-refreshed")


@test("amplify_force_refresh")
def amplify_sign_out():
    fx = S["fx"]
    base = f"https://{fx['amplifyDomain']}"
    S["refreshToken"] = amplify_storage()[f"{fx['username']}.refreshToken"]
    browser().requests()
    click("#signOut")
    # Amplify revokes, then leaves for /logout, which sends the browser back.
    app_state("signedOut")
    browser().screenshot("amplify-signed-out")
    sent = browser().requests()
    revoke = json_calls(sent, "RevokeToken")
    assert len(revoke) == 1, [r["url"] for r in sent]
    assert json.loads(revoke[0]["postData"]) == {"ClientId": fx["amplifyClientId"], "Token": S["refreshToken"]}
    logout = [r for r in sent if r["url"].startswith(f"{base}/logout?")]
    assert logout, f"no /logout: {[r['url'] for r in sent]}"
    assert query_of(logout[0]["url"]) == {"client_id": fx["amplifyClientId"], "logout_uri": APP_URL}, logout[0]["url"]
    assert [r["url"] for r in sent].index(revoke[0]["url"]) < [r["url"] for r in sent].index(logout[0]["url"])
    assert not amplify_storage().get(f"{fx['username']}.refreshToken"), "Amplify kept the tokens"
    # The refresh token really is revoked (Amplify ignores RevokeToken's answer).
    cognito = client(endpoint_url=TLS_ENDPOINT)
    e = expect_error(
        "NotAuthorizedException",
        cognito.initiate_auth,
        ClientId=fx["amplifyClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": S["refreshToken"]},
    )
    assert e.response["Error"]["Message"] == "Refresh Token has been revoked", e.response["Error"]["Message"]
    # The hosted session ended: a new signInWithRedirect shows the form.
    click("#signIn")
    sign_in_on_hosted_page(base)
    browser().screenshot("amplify-sign-in-again")


@test("amplify_setup")
def host_mode_sign_in():
    fx = S["fx"]
    S["browser"].close()
    host = f"{fx['domain']}.auth.us-east-1.amazoncognito.com"
    S["browser"] = Browser(flags=(f"--host-resolver-rules=MAP {host} 127.0.0.1",))
    base = f"https://{host}:{fx['tlsPort']}"
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(12)
    params = {
        "response_type": "code",
        "client_id": fx["amplifyClientId"],
        "redirect_uri": APP_URL,
        "scope": "openid email",
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    driver().get(f"{base}/oauth2/authorize?{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}")
    action = sign_in_on_hosted_page(base)
    assert urllib.parse.urlsplit(action).path == "/login", action
    cookies = {c["name"]: c for c in driver().get_cookies()}
    assert cookies, "the hosted page set no cookie"
    for c in cookies.values():
        assert c["domain"] == host, c
        assert c["path"] == "/", c
        assert c["secure"] and c["httpOnly"], c
    browser().screenshot("amplify-host-mode-sign-in")
    driver().find_element(By.CSS_SELECTOR, "[name=signInSubmitButton]").click()
    wait(lambda d: d.current_url.startswith(APP_URL) and "code=" in d.current_url, f"the redirect to {APP_URL}")
    q = query_of(driver().current_url)
    assert set(q) == {"code", "state"} and q["state"] == state, q
    # The code is redeemed on the same host (Host header), over TLS to 127.0.0.1.
    r = requests.post(
        f"{TLS_ENDPOINT}/oauth2/token",
        headers={"Host": f"{host}:{fx['tlsPort']}"},
        data={
            "grant_type": "authorization_code",
            "code": q["code"],
            "client_id": fx["amplifyClientId"],
            "redirect_uri": APP_URL,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert r.status_code == 200, f"{r.status_code}: {r.text[:300]}"
    claims = verify_jwt(r.json()["id_token"], TLS_ENDPOINT, fx["poolId"], audience=fx["amplifyClientId"])
    assert claims["cognito:username"] == fx["username"], claims


if __name__ == "__main__":
    try:
        raise SystemExit(run())
    finally:
        if "browser" in S:
            S["browser"].close()
        APP.shutdown()
