"""What the OAuth suites share: the pool they sign in to (cognito-oauth.md §14
set-up), the hosted sign-in form driven over plain HTTP (§6.1, §6.2), and the
checks every token answer gets.

The pool has a prefix domain, served in path mode at
`<COGNITO_ENDPOINT>/<domain>` (§1.6); a resource server `interop-api` with the
scopes read, write and admin; a public `code` client (`openid email profile`),
a second public `code` client (for "a code for another client"), a
confidential `client_credentials` client (`interop-api/read`,
`interop-api/write`); and a confirmed user with a permanent password.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import urllib.parse
from html.parser import HTMLParser

import jwt
import requests

from harness import ENDPOINT, client

PASSWORD = "Interop-Passw0rd!"
USERNAME = "ada"
EMAIL = "ada@example.com"
PHONE = "+15555550100"
RESOURCE = "interop-api"
M2M_SCOPES = [f"{RESOURCE}/read", f"{RESOURCE}/write"]
WEB_SCOPES = ["openid", "email", "profile"]


def make_pool(name: str, callback: str, logout: str, endpoint: str = ENDPOINT) -> dict:
    """Creates the pool, its domain, resource server, clients and user through
    boto3; returns their names (a JSON-able dict)."""
    cognito = client(endpoint_url=endpoint)
    pool_id = cognito.create_user_pool(
        PoolName=name,
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}],
    )["UserPool"]["Id"]
    domain = f"{name}-{secrets.token_hex(4)}"
    cognito.create_user_pool_domain(Domain=domain, UserPoolId=pool_id)
    cognito.create_resource_server(
        UserPoolId=pool_id,
        Identifier=RESOURCE,
        Name="Interop API",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "read things"},
            {"ScopeName": "write", "ScopeDescription": "write things"},
            {"ScopeName": "admin", "ScopeDescription": "administer things"},
        ],
    )
    web = dict(
        UserPoolId=pool_id,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=WEB_SCOPES,
        CallbackURLs=[callback],
        LogoutURLs=[logout],
        SupportedIdentityProviders=["COGNITO"],
    )
    client_id = cognito.create_user_pool_client(
        ClientName=f"{name}-web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        **web,
    )["UserPoolClient"]["ClientId"]
    other_client_id = cognito.create_user_pool_client(ClientName=f"{name}-other-web", **web)["UserPoolClient"][
        "ClientId"
    ]
    m2m = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{name}-m2m",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=M2M_SCOPES,
    )["UserPoolClient"]
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=USERNAME,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": EMAIL},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": "Ada Lovelace"},
            {"Name": "phone_number", "Value": PHONE},
            {"Name": "phone_number_verified", "Value": "true"},
        ],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=USERNAME, Password=PASSWORD, Permanent=True)
    return {
        "endpoint": endpoint,
        "poolId": pool_id,
        "domain": domain,
        "base": f"{endpoint}/{domain}",
        "clientId": client_id,
        "otherClientId": other_client_id,
        "m2mClientId": m2m["ClientId"],
        "m2mSecret": m2m["ClientSecret"],
        "callback": callback,
        "logout": logout,
        "username": USERNAME,
        "password": PASSWORD,
        "email": EMAIL,
        "phone": PHONE,
        "m2mScopes": M2M_SCOPES,
        "webScopes": WEB_SCOPES,
    }


class Page(HTMLParser):
    """The forms of an HTML page (action, method, inputs) and the ids present."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(), "inputs": {}, "attrs": a})
        elif tag in ("input", "button") and self.forms and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a

    def form_with(self, field: str) -> dict:
        for f in self.forms:
            if field in f["inputs"]:
                return f
        raise AssertionError(f"no form with an input named {field!r} (forms: {[list(f['inputs']) for f in self.forms]})")


def sign_in_form(html: str) -> dict:
    """The hosted sign-in form of §6.1, checked element by element."""
    page = Page(html)
    form = page.form_with("_csrf")
    inputs = form["inputs"]
    assert form["method"] == "post", form["attrs"]
    for name in ("username", "password", "signInSubmitButton"):
        assert name in inputs, f"sign-in form lacks {name!r}: {list(inputs)}"
    assert inputs["username"].get("id") == "signInFormUsername", inputs["username"]
    assert inputs["password"].get("id") == "signInFormPassword", inputs["password"]
    assert inputs["password"].get("type") == "password", inputs["password"]
    assert inputs["_csrf"].get("value"), "empty _csrf"
    return form


def location(r: requests.Response) -> str:
    assert r.status_code == 302, f"expected 302, got {r.status_code}: {r.text[:300]}"
    loc = r.headers.get("Location")
    assert loc, "302 without Location"
    return loc


def query_of(url: str) -> dict[str, str]:
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)
    return {k: v[0] for k, v in q.items()}


def login_over_http(
    session: requests.Session, base: str, authorize_url: str, username: str, password: str, callback: str
) -> str:
    """GET authorize -> 302 /login -> GET /login (scrape _csrf) -> POST the form
    with its cookies -> 302 to the callback; returns that Location."""
    loc = location(session.get(authorize_url, allow_redirects=False, timeout=10))
    if loc.startswith(callback):
        return loc  # a usable session cookie: issued at once (§5.3)
    assert loc.startswith(f"{base}/login?"), f"authorize sent the browser to {loc}"
    assert query_of(loc) == query_of(authorize_url), "the /login query is not the authorize query forwarded"
    page = session.get(loc, allow_redirects=False, timeout=10)
    assert page.status_code == 200, f"GET /login -> {page.status_code}"
    assert page.headers.get("Content-Type", "").startswith("text/html"), page.headers.get("Content-Type")
    form = sign_in_form(page.text)
    action = urllib.parse.urljoin(loc, form["action"]) if form["action"] else loc
    assert action.startswith(f"{base}/login"), f"form action {action}"
    data = {
        "_csrf": form["inputs"]["_csrf"]["value"],
        "username": username,
        "password": password,
        "cognitoAsfData": "",
        "signInSubmitButton": "Sign in",
    }
    loc = location(session.post(action, data=data, allow_redirects=False, timeout=10))
    assert loc.startswith(callback), f"sign-in sent the browser to {loc}"
    return loc


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def half_hash(token: str) -> str:
    """at_hash: base64url-nopad of the left half of SHA-256(token)."""
    digest = hashlib.sha256(token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def discovery(endpoint: str, pool_id: str) -> dict:
    r = requests.get(f"{endpoint}/{pool_id}/.well-known/openid-configuration", timeout=10)
    assert r.status_code == 200, r.status_code
    return r.json()


def verify_jwt(token: str, endpoint: str, pool_id: str, audience: str | None = None) -> dict:
    """Verifies an RS256 token against the pool's JWKS and issuer."""
    issuer = discovery(endpoint, pool_id)["issuer"]
    keys = requests.get(f"{endpoint}/{pool_id}/.well-known/jwks.json", timeout=10).json()
    kid = jwt.get_unverified_header(token)["kid"]
    match = [k for k in keys["keys"] if k["kid"] == kid]
    assert match, f"kid {kid} not in the JWKS"
    key = jwt.PyJWK(match[0]).key
    options = {"verify_aud": audience is not None}
    return jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, audience=audience, options=options)


def aws_jwt_verify(token: str, token_use: str, endpoint: str, pool_id: str, client_id: str) -> dict:
    """Verifies a token with aws-jwt-verify's CognitoJwtVerifier (Node), the
    JWKS fetched from the server and cached into the verifier; the claims."""
    keys = requests.get(f"{endpoint}/{pool_id}/.well-known/jwks.json", timeout=10).json()
    here = os.path.dirname(os.path.abspath(__file__))
    done = subprocess.run(
        ["node", os.path.join(here, "aws_jwt_verify.mjs")],
        input=json.dumps(
            {"poolId": pool_id, "clientId": client_id, "tokenUse": token_use, "token": token, "jwks": keys}
        ),
        capture_output=True,
        text=True,
        cwd=here,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def claims(token: str) -> dict:
    """The payload, unverified (for tokens already verified elsewhere)."""
    return jwt.decode(token, options={"verify_signature": False})


def oauth_error(r: requests.Response, status: int, code: str) -> None:
    """Asserts a token/revoke error answer: exactly {"error": code}."""
    assert r.status_code == status, f"expected {status} {code}, got {r.status_code}: {r.text[:300]}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers.get("Content-Type")
    assert r.json() == {"error": code}, r.text


def dump(d: dict) -> str:
    return json.dumps(d, indent=2)
