"""A real browser through the hosted pages: Selenium driving Debian's headless
chromium with Debian's chromium-driver (cognito-oauth.md §14 T8), against a
pool's domain in path mode (`<COGNITO_ENDPOINT>/<domain>`).

The app's redirect and logout URIs are served by a tiny local http.server on
another port (http://localhost:<port>/callback and /signed-out), so the browser
really lands there. One browser session is reused by every case. A screenshot
of each hosted page goes to target/oauth-screenshots/ (CI keeps target/).

Selectors: the sign-in page's are fixed by §6.1 (#signInFormUsername,
#signInFormPassword, [name=signInSubmitButton], #loginErrorMessage). The other
pages are found by their paths and input names: links whose href contains
/signup and /forgotPassword; inputs named username, password, code and the
required attributes by name (email, or requiredAttributes[email]); each form's
[type=submit].
"""

from __future__ import annotations

import http.server
import secrets
import threading
import time
import urllib.parse

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import Browser
from harness import last_code, run, test
from oauth_common import half_hash, make_pool, pkce_pair, query_of, verify_jwt

S: dict = {}
WAIT = 15


class App(http.server.BaseHTTPRequestHandler):
    """The application's pages: whatever path, a small HTML page naming it."""

    def do_GET(self):  # noqa: N802 - http.server's name
        path = urllib.parse.urlsplit(self.path).path
        body = f"<!doctype html><title>app {path}</title><h1 id=app>app page {path}</h1>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


APP = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
threading.Thread(target=APP.serve_forever, daemon=True).start()
APP_URL = f"http://localhost:{APP.server_address[1]}"
CALLBACK = f"{APP_URL}/callback"
LOGOUT = f"{APP_URL}/signed-out"


def fx(key: str):
    return S["fx"][key]


def driver():
    return S["browser"].driver


def wait(condition, what: str):
    try:
        return WebDriverWait(driver(), WAIT).until(lambda d: condition(d))
    except Exception as e:  # noqa: BLE001 - say what was awaited and where the browser is
        raise AssertionError(f"timed out waiting for {what}; the browser is at {driver().current_url}") from e


def present(css: str):
    found = driver().find_elements(By.CSS_SELECTOR, css)
    return found[0] if found else None


def wait_for(css: str, what: str | None = None):
    return wait(lambda d: present(css), what or css)


def authorize_url(**extra) -> dict:
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(12)
    nonce = secrets.token_urlsafe(12)
    params = {
        "response_type": "code",
        "client_id": fx("clientId"),
        "redirect_uri": CALLBACK,
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    url = f"{fx('base')}/oauth2/authorize?{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}"
    return {"url": url, "verifier": verifier, "state": state, "nonce": nonce}


def submit_of(element):
    """The submit control of the form holding `element`."""
    form = element.find_element(By.XPATH, "./ancestor::form")
    return form.find_element(By.CSS_SELECTOR, "[type=submit]")


def fill_username_if_asked(code_input, username: str) -> None:
    """A code form may ask for the user name again (or carry it hidden)."""
    form = code_input.find_element(By.XPATH, "./ancestor::form")
    for field in form.find_elements(By.CSS_SELECTOR, 'input[name="username"]'):
        if field.is_displayed() and not field.get_attribute("value"):
            field.send_keys(username)


def sign_in(username: str, password: str) -> None:
    user = wait_for("#signInFormUsername", "the sign-in form")
    user.clear()
    user.send_keys(username)
    pw = driver().find_element(By.CSS_SELECTOR, "#signInFormPassword")
    pw.clear()
    pw.send_keys(password)
    driver().find_element(By.CSS_SELECTOR, "[name=signInSubmitButton]").click()


def landed_on_callback(req: dict) -> str:
    wait(lambda d: d.current_url.startswith(CALLBACK), f"the redirect to {CALLBACK}")
    q = query_of(driver().current_url)
    assert set(q) == {"code", "state"}, f"callback query {q}"
    assert q["state"] == req["state"], f"state {q['state']!r}, sent {req['state']!r}"
    return q["code"]


def exchange(req: dict, code: str) -> dict:
    r = requests.post(
        f"{fx('base')}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": fx("clientId"),
            "code_verifier": req["verifier"],
        },
        timeout=10,
    )
    assert r.status_code == 200, f"token -> {r.status_code}: {r.text[:300]}"
    token = r.json()
    idt = verify_jwt(token["id_token"], fx("endpoint"), fx("poolId"), audience=fx("clientId"))
    assert idt["nonce"] == req["nonce"], "nonce"
    assert idt["at_hash"] == half_hash(token["access_token"]), "at_hash"
    access = verify_jwt(token["access_token"], fx("endpoint"), fx("poolId"))
    assert access["client_id"] == fx("clientId") and access["token_use"] == "access", access
    return {"id": idt, "access": access}


def session_cookies() -> list[dict]:
    """Every `cognito` cookie of the browser, HttpOnly ones included (CDP)."""
    every = driver().execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
    return [c for c in every if c["name"] == "cognito"]


@test()
def chromium_renders_a_local_page():
    S["browser"] = Browser()
    driver().get(f"{APP_URL}/hello")
    assert wait_for("#app").text == "app page /hello", driver().page_source[:300]
    S["browser"].screenshot("00-smoke")


def self_signed_tls_app() -> http.server.ThreadingHTTPServer:
    """The app over HTTPS with a fresh self-signed certificate for 127.0.0.1."""
    import datetime
    import ipaddress
    import ssl
    import tempfile

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    with tempfile.TemporaryDirectory() as d:
        cert_file, key_file = f"{d}/cert.pem", f"{d}/key.pem"
        with open(cert_file, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(key_file, "wb") as f:
            f.write(
                key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@test("chromium_renders_a_local_page")
def chromium_accepts_a_self_signed_tls_page():
    # What the server's --tls-cert/--tls-key mode needs from the test browser
    # (--ignore-certificate-errors), proven on a page of our own.
    server = self_signed_tls_app()
    try:
        driver().get(f"https://127.0.0.1:{server.server_address[1]}/tls")
        assert wait_for("#app").text == "app page /tls", driver().page_source[:300]
    finally:
        server.shutdown()


@test("chromium_renders_a_local_page")
def set_up_pool_domain_clients_user():
    S["fx"] = make_pool("oauth-browser", CALLBACK, LOGOUT)


@test("set_up_pool_domain_clients_user")
def authorize_shows_the_sign_in_page():
    S["req"] = authorize_url()
    driver().get(S["req"]["url"])
    wait_for("#signInFormUsername", "the sign-in form")
    assert driver().current_url.startswith(f"{fx('base')}/login?"), driver().current_url
    assert present("#signInFormPassword").get_attribute("type") == "password"
    assert present("[name=signInSubmitButton]") is not None, "no sign-in button"
    S["browser"].screenshot("01-login")
    driver().set_window_size(390, 844)  # a phone's viewport, for the eye
    try:
        S["browser"].screenshot("01-login-phone")
    finally:
        driver().set_window_size(1280, 900)


@test("authorize_shows_the_sign_in_page")
def wrong_password_shows_the_error_message():
    sign_in(fx("username"), "Wrong-Passw0rd!")
    message = wait_for("#loginErrorMessage", "#loginErrorMessage")
    wait(lambda d: message.is_displayed() and message.text.strip(), "a visible error message")
    assert "Incorrect username or password." in message.text, message.text
    S["browser"].screenshot("02-login-error")


@test("wrong_password_shows_the_error_message")
def sign_in_lands_on_the_callback_and_the_code_exchanges():
    sign_in(fx("username"), fx("password"))
    code = landed_on_callback(S["req"])
    tokens = exchange(S["req"], code)
    assert tokens["id"]["cognito:username"] == fx("username"), tokens["id"]
    assert present("#app").text == "app page /callback"


@test("sign_in_lands_on_the_callback_and_the_code_exchanges")
def session_cookie_is_http_only_path_scoped_one_hour():
    cookies = session_cookies()
    assert len(cookies) == 1, f"cognito cookies: {[(c['domain'], c['path']) for c in cookies]}"
    c = cookies[0]
    assert c["httpOnly"] is True, "cognito cookie is not HttpOnly"
    assert c["path"].rstrip("/") == f"/{fx('domain')}", f"cookie path {c['path']}"
    assert c["domain"] == "127.0.0.1", f"cookie domain {c['domain']}"
    assert c.get("sameSite") == "Lax", f"SameSite {c.get('sameSite')}"
    left = c["expires"] - time.time()
    assert 3300 < left <= 3601, f"cookie lives {left:.0f} s more, expected about 3600"


@test("sign_in_lands_on_the_callback_and_the_code_exchanges")
def second_authorize_skips_the_form():
    req = authorize_url()
    driver().get(req["url"])
    code = landed_on_callback(req)
    tokens = exchange(req, code)
    assert tokens["id"]["cognito:username"] == fx("username"), tokens["id"]


@test("sign_in_lands_on_the_callback_and_the_code_exchanges")
def prompt_login_shows_the_form_again():
    req = authorize_url(prompt="login")
    driver().get(req["url"])
    wait_for("#signInFormUsername", "the sign-in form despite the session")
    sign_in(fx("username"), fx("password"))
    exchange(req, landed_on_callback(req))


@test("second_authorize_skips_the_form", "prompt_login_shows_the_form_again", "session_cookie_is_http_only_path_scoped_one_hour")
def logout_with_logout_uri_ends_the_session():
    q = urllib.parse.urlencode({"client_id": fx("clientId"), "logout_uri": LOGOUT})
    driver().get(f"{fx('base')}/logout?{q}")
    wait(lambda d: d.current_url == LOGOUT, f"the redirect to {LOGOUT}")
    assert not [c for c in session_cookies() if c.get("value")], "cognito cookie still set after /logout"
    req = authorize_url()
    driver().get(req["url"])
    wait_for("#signInFormUsername", "the sign-in form after logout")


@test("set_up_pool_domain_clients_user")
def unregistered_logout_uri_gets_the_error_page():
    evil = f"{APP_URL}/elsewhere"
    url = f"{fx('base')}/logout?{urllib.parse.urlencode({'client_id': fx('clientId'), 'logout_uri': evil})}"
    r = requests.get(url, allow_redirects=False, timeout=10)
    hops = 0
    while r.status_code in (301, 302, 303, 307) and hops < 3:
        loc = r.headers["Location"]
        assert loc.startswith(f"{fx('base')}/"), f"/logout with an unregistered logout_uri redirected to {loc}"
        assert not loc.startswith(f"{fx('base')}/login"), f"/logout went on to {loc}"
        r = requests.get(loc, allow_redirects=False, timeout=10)
        hops += 1
    assert r.status_code == 400, f"error page status {r.status_code}"
    assert r.headers.get("Content-Type", "").startswith("text/html"), r.headers.get("Content-Type")
    driver().get(url)
    time.sleep(0.3)
    assert driver().current_url.startswith(f"{fx('base')}/"), f"the browser went to {driver().current_url}"
    assert "redirect_uri" in driver().page_source, driver().page_source[:500]
    S["browser"].screenshot("05-error-page")


@test("logout_with_logout_uri_ends_the_session")
def sign_up_confirm_with_the_emailed_code_then_sign_in():
    req = authorize_url()
    driver().get(req["url"])
    wait_for("#signInFormUsername", "the sign-in form")
    link = wait_for('a[href*="/signup"]', 'a "Sign up" link to /signup')
    link.click()
    username = f"grace{secrets.token_hex(3)}"
    password = "Grace-Passw0rd!"
    user = wait_for('input[name="username"]', "the sign-up form")
    user.send_keys(username)
    assert present('input[name="password"]') is not None, "no input named password on the sign-up form"
    for field in driver().find_elements(By.CSS_SELECTOR, 'input[type="password"]'):
        field.send_keys(password)  # the password, and its confirmation when asked
    email = wait_for('input[name="email"], input[name="requiredAttributes[email]"]', "an email input (required attribute)")
    email.send_keys(f"{username}@example.com")
    S["browser"].screenshot("03-signup")
    submit_of(user).click()
    code_input = wait_for('input[name="code"]', "the confirmation form")
    assert code_input.get_attribute("autocomplete") == "one-time-code", code_input.get_attribute("autocomplete")
    S["browser"].screenshot("04-confirm")
    fill_username_if_asked(code_input, username)
    code_input.send_keys(last_code(fx("poolId"), username))
    submit_of(code_input).click()
    wait(
        lambda d: d.current_url.startswith(CALLBACK) or present("#signInFormUsername"),
        "the callback or the sign-in form after confirming",
    )
    if not driver().current_url.startswith(CALLBACK):
        sign_in(username, password)
    tokens = exchange(req, landed_on_callback(req))
    assert tokens["id"]["cognito:username"] == username, tokens["id"]
    assert tokens["id"]["email"] == f"{username}@example.com", tokens["id"]


@test("sign_up_confirm_with_the_emailed_code_then_sign_in")
def forgot_password_reset_with_the_emailed_code_then_sign_in():
    q = urllib.parse.urlencode({"client_id": fx("clientId"), "logout_uri": LOGOUT})
    driver().get(f"{fx('base')}/logout?{q}")
    wait(lambda d: d.current_url == LOGOUT, f"the redirect to {LOGOUT}")
    req = authorize_url()
    driver().get(req["url"])
    wait_for("#signInFormUsername", "the sign-in form")
    wait_for('a[href*="/forgotPassword"]', 'a "Forgot your password?" link to /forgotPassword').click()
    user = wait_for('input[name="username"]', "the forgot-password form")
    user.send_keys(fx("username"))
    S["browser"].screenshot("06-forgot-password")
    submit_of(user).click()
    code_input = wait_for('input[name="code"]', "the reset form")
    assert code_input.get_attribute("autocomplete") == "one-time-code", code_input.get_attribute("autocomplete")
    S["browser"].screenshot("07-confirm-forgot-password")
    fill_username_if_asked(code_input, fx("username"))
    code_input.send_keys(last_code(fx("poolId"), fx("username")))
    new_password = "Reset-Passw0rd!"
    fields = driver().find_elements(By.CSS_SELECTOR, 'input[type="password"]')
    assert fields, "no password input on the reset form"
    for field in fields:  # the new password, and its confirmation when asked
        field.send_keys(new_password)
    submit_of(code_input).click()
    wait(
        lambda d: d.current_url.startswith(CALLBACK) or present("#signInFormUsername"),
        "the callback or the sign-in form after the reset",
    )
    if not driver().current_url.startswith(CALLBACK):
        sign_in(fx("username"), new_password)
    tokens = exchange(req, landed_on_callback(req))
    assert tokens["id"]["cognito:username"] == fx("username"), tokens["id"]


if __name__ == "__main__":
    try:
        code = run()
    finally:
        if "browser" in S:
            S["browser"].close()
        APP.shutdown()
    raise SystemExit(code)
