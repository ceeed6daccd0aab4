//! The browser side of a domain (cognito-oauth.md §4.2, §5, §6, §11):
//! `/oauth2/authorize`, the hosted sign-in page `/login` and the pages that
//! may follow it (`/forceChangePassword`, `/mfa`), `/logout` and `/error`.
//!
//! These only translate HTTP: the rules (which requests are refused, the
//! password check, the challenges, the hosted session) are the engine's.
//!
//! A refused sign-in shows the engine's message on the form: under the
//! client's `PreventUserExistenceErrors` `ENABLED` an unknown name reads
//! `Incorrect username or password.` (§6.2's choice), under `LEGACY` it
//! reads `User does not exist.`, as `USER_PASSWORD_AUTH` answers (§13.11).
//!
//! Every page sets a fresh `XSRF-TOKEN` cookie and carries the same value
//! in its form's hidden `_csrf`; a POST without both, equal, is `403` and
//! reaches no credential check (double submit, §6.1, §13.5).

use std::collections::BTreeMap;

use subtle::ConstantTimeEq as _;

use super::form::{Form, encode_component};
use super::html::{cookie, escape_attr, escape_html, page};
use super::http::{Base, OAuthRequest, OAuthResponse};
use crate::UserPool;
use crate::error::Error;
use crate::pool::ChallengeName;
use crate::pool::oauth::authorize::{AuthorizeRequest, LogoutTarget, Refusal, ResponseType};
use crate::pool::oauth::hosted::{
    HOSTED_SESSION_LIFETIME, HostedChallenge, HostedProof, HostedStep,
};
use crate::secret::Password;

mod pages;
pub(crate) use pages::{confirm, confirm_forgot_password, forgot_password, sign_up};

/// The hosted session cookie (§6.3).
const SESSION_COOKIE: &str = "cognito";
/// The CSRF cookie (§6.1).
const XSRF_COOKIE: &str = "XSRF-TOKEN";
/// The error page's text (§4.2).
const ERROR_TEXT: &str = "An error was encountered with the requested page.";

/// `<uri>` with `params` appended as a query (`?` or `&`), each
/// component percent-encoded.
fn with_query(uri: &str, params: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    let mut sep = if uri.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        out.push(sep);
        out.push_str(&encode_component(k));
        out.push('=');
        out.push_str(&encode_component(v));
        sep = '&';
    }
    out
}

/// The error page redirect (§4.2): `<base>/error?error=…&client_id=…`.
fn to_error_page(base: &Base, error: &str, client_id: Option<&str>) -> OAuthResponse {
    let mut params = vec![("error", error)];
    if let Some(id) = client_id.filter(|id| !id.is_empty()) {
        params.push(("client_id", id));
    }
    OAuthResponse::redirect(with_query(&format!("{}/error", base.url), &params))
}

fn refusal(base: &Base, query: &Form, refusal: Refusal) -> OAuthResponse {
    match refusal {
        Refusal::Page(error) => to_error_page(base, &error, query.get("client_id")),
        Refusal::Redirect {
            redirect_uri,
            error,
            description,
            state,
        } => {
            let mut params = vec![("error", error.as_str())];
            if let Some(d) = description {
                params.push(("error_description", d));
            }
            if let Some(s) = state.as_deref() {
                params.push(("state", s));
            }
            OAuthResponse::redirect(with_query(&redirect_uri, &params))
        }
    }
}

/// Whether `query` holds only what a URI's query may carry raw: visible
/// ASCII but `#`. The hosted pages forward their query verbatim into
/// `Location` and form actions, so a control character (CR/LF), a space,
/// `#` or a non-ASCII byte a lax router let through must not reach them:
/// it would split a header or cut the URL short.
fn is_uri_query(query: &str) -> bool {
    query.bytes().all(|b| b.is_ascii_graphic() && b != b'#')
}

/// The query checked as an authorization request (§5.2 steps 1–9), or the
/// answer refusing it.
fn checked(
    pool: &UserPool,
    request: &OAuthRequest,
) -> Result<(Form, AuthorizeRequest), OAuthResponse> {
    let base = &request.base;
    if !is_uri_query(&request.query) {
        return Err(to_error_page(base, "invalid_request", None));
    }
    let Ok(query) = Form::parse(&request.query) else {
        return Err(to_error_page(base, "invalid_request", None));
    };
    match pool.check_authorize(&query) {
        Ok(ar) => Ok((query, ar)),
        Err(r) => Err(refusal(base, &query, r)),
    }
}

fn usable_session(pool: &UserPool, request: &OAuthRequest) -> Option<HostedProof> {
    request
        .cookie(SESSION_COOKIE)
        .filter(|c| !c.is_empty())
        .and_then(|c| pool.hosted_session(c))
}

/// A `500` page for a failure of the engine itself.
fn failure(base: &Base) -> OAuthResponse {
    page(
        base,
        500,
        "Something went wrong",
        &format!("<p>{}</p>", escape_html(ERROR_TEXT)),
    )
}

/// The answer that hands `proof`'s authorization to the client (§5.4).
fn issue(
    pool: &UserPool,
    base: &Base,
    ar: &AuthorizeRequest,
    proof: &HostedProof,
) -> OAuthResponse {
    let grant = ar.grant(proof);
    let state = ar.state.as_deref();
    match ar.response_type {
        ResponseType::Code => {
            let Ok(code) = pool.issue_authorization_code(&grant) else {
                return failure(base);
            };
            let mut params = vec![("code", code.as_str())];
            if let Some(s) = state {
                params.push(("state", s));
            }
            OAuthResponse::redirect(with_query(&ar.redirect_uri, &params))
        }
        ResponseType::Token => {
            let Ok(tokens) = pool.issue_implicit_tokens(&grant) else {
                return failure(base);
            };
            let expires = tokens.expires_in.to_string();
            let mut params = Vec::new();
            if let Some(id) = tokens.id_token.as_deref() {
                params.push(("id_token", id));
            }
            params.push(("access_token", tokens.access_token.as_str()));
            params.push(("expires_in", expires.as_str()));
            params.push(("token_type", "Bearer"));
            if let Some(s) = state {
                params.push(("state", s));
            }
            let fragment = with_query("", &params);
            let fragment = fragment.strip_prefix('?').unwrap_or(&fragment);
            OAuthResponse::redirect(format!("{}#{fragment}", ar.redirect_uri))
        }
    }
}

/// `GET /oauth2/authorize` (§5).
pub(crate) fn authorize(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    if request.method != "GET" {
        return OAuthResponse::new(405).with_header("Allow", "GET, HEAD");
    }
    let base = &request.base;
    let (_, ar) = match checked(pool, request) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let session = usable_session(pool, request).filter(|_| ar.may_reuse_session());
    match session {
        Some(proof) => issue(pool, base, &ar, &proof),
        None if ar.prompt_none => refusal(
            base,
            &Form::default(),
            ar.refuse(super::OAuthError::LoginRequired, None),
        ),
        None => OAuthResponse::redirect(login_url(base, &request.query)),
    }
}

fn login_url(base: &Base, query: &str) -> String {
    page_url(base, "/login", query)
}

/// `<base><path>?<query>`, the query as received (already encoded).
fn page_url(base: &Base, path: &str, query: &str) -> String {
    if query.is_empty() {
        format!("{}{path}", base.url)
    } else {
        format!("{}{path}?{query}", base.url)
    }
}

/// A page with a fresh XSRF token: `body` is given the token.
fn form_page(
    base: &Base,
    status: u16,
    title: &str,
    body: impl FnOnce(&str) -> String,
) -> OAuthResponse {
    let Ok(xsrf) = crate::random::uuid_v4() else {
        return failure(base);
    };
    let html = body(&xsrf);
    page(base, status, title, &html)
        .with_header("Set-Cookie", cookie(base, XSRF_COOKIE, &xsrf, None))
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape_attr(name),
        escape_attr(value)
    )
}

fn error_line(message: Option<&str>) -> String {
    message.map_or_else(String::new, |m| {
        format!(
            "<p id=\"loginErrorMessage\" class=\"error\">{}</p>",
            escape_html(m)
        )
    })
}

/// The sign-in form (§6.1).
fn login_form(request: &OAuthRequest, username: &str, message: Option<&str>) -> OAuthResponse {
    let base = &request.base;
    let action = login_url(base, &request.query);
    form_page(base, 200, "Sign in", |xsrf| {
        format!(
            "<form name=\"cognitoSignInForm\" method=\"post\" action=\"{action}\">\
{csrf}{asf}{error}\
<label for=\"signInFormUsername\">Username</label>\
<input id=\"signInFormUsername\" name=\"username\" type=\"text\" autocomplete=\"username\" \
autocapitalize=\"none\" spellcheck=\"false\" required value=\"{user}\">\
<label for=\"signInFormPassword\">Password</label>\
<input id=\"signInFormPassword\" name=\"password\" type=\"password\" \
autocomplete=\"current-password\" required>\
<input type=\"submit\" name=\"signInSubmitButton\" value=\"Sign in\">\
</form><p class=\"links\"><a href=\"{forgot}\">Forgot your password?</a></p>\
<p class=\"links\">Need an account? <a href=\"{signup}\">Sign up</a></p>",
            forgot = escape_attr(&page_url(base, "/forgotPassword", &request.query)),
            signup = escape_attr(&page_url(base, "/signup", &request.query)),
            action = escape_attr(&action),
            csrf = hidden("_csrf", xsrf),
            asf = hidden("cognitoAsfData", ""),
            error = error_line(message),
            user = escape_attr(username),
        )
    })
}

/// The "continue as" page of a usable session (§6.3).
fn continue_page(
    pool: &UserPool,
    request: &OAuthRequest,
    ar: &AuthorizeRequest,
    proof: &HostedProof,
) -> OAuthResponse {
    let base = &request.base;
    // The name the user knows: their email when they have one (an
    // email-as-username pool's internal name is a UUID).
    let shown = pool
        .admin_get_user(&proof.username)
        .ok()
        .and_then(|u| u.attribute("email").map(str::to_owned))
        .unwrap_or_else(|| proof.username.clone());
    let action = login_url(base, &request.query);
    let mut params = vec![
        ("client_id", ar.client_id.as_str()),
        ("redirect_uri", ar.redirect_uri.as_str()),
        (
            "response_type",
            match ar.response_type {
                ResponseType::Code => "code",
                ResponseType::Token => "token",
            },
        ),
    ];
    let scope = ar.scopes.join(" ");
    params.push(("scope", &scope));
    if let Some(s) = ar.state.as_deref() {
        params.push(("state", s));
    }
    let logout = with_query(&format!("{}/logout", base.url), &params);
    form_page(base, 200, "Sign in", |xsrf| {
        format!(
            "<form name=\"cognitoSignInForm\" method=\"post\" action=\"{action}\">{csrf}{reuse}\
<p>You are signed in as <strong>{user}</strong>.</p>\
<input type=\"submit\" name=\"signInSubmitButton\" value=\"Continue as {user}\"></form>\
<p class=\"links\"><a href=\"{logout}\">Sign in as a different user?</a></p>",
            action = escape_attr(&action),
            csrf = hidden("_csrf", xsrf),
            reuse = hidden("reuse_session", "true"),
            user = escape_html(&shown),
            logout = escape_attr(&logout),
        )
    })
}

/// The `403` of a POST whose `_csrf` is missing or is not its cookie.
fn forbidden(base: &Base) -> OAuthResponse {
    form_page(base, 403, "Forbidden", |_| {
        "<p class=\"error\">The request could not be verified. Go back, reload the page and try again.</p>"
            .to_owned()
    })
}

/// The POST's form body and whether its `_csrf` equals its `XSRF-TOKEN`
/// cookie (both present), in constant time.
fn posted(request: &OAuthRequest) -> Option<(Form, String)> {
    let body = std::str::from_utf8(&request.body).ok()?;
    let form = Form::parse(body).ok()?;
    let sent = form.non_empty("_csrf")?;
    let cookie = request.cookie(XSRF_COOKIE).filter(|c| !c.is_empty())?;
    if bool::from(sent.as_bytes().ct_eq(cookie.as_bytes())) {
        let xsrf = cookie.to_owned();
        Some((form, xsrf))
    } else {
        None
    }
}

/// What a hosted POST starts with: the method, the query (§6.2 step 1),
/// the password form's provider, the CSRF check (step 2).
fn post_start(
    pool: &UserPool,
    request: &OAuthRequest,
) -> Result<(AuthorizeRequest, Option<(Form, String)>), OAuthResponse> {
    if !matches!(request.method.as_str(), "GET" | "POST") {
        return Err(OAuthResponse::new(405).with_header("Allow", "GET, HEAD, POST"));
    }
    let (query, ar) = checked(pool, request)?;
    if !ar.cognito {
        return Err(to_error_page(
            &request.base,
            "unauthorized_client",
            query.get("client_id"),
        ));
    }
    if request.method == "GET" {
        return Ok((ar, None));
    }
    match posted(request) {
        Some(p) => Ok((ar, Some(p))),
        None => Err(forbidden(&request.base)),
    }
}

/// `GET` and `POST /login` (§6.1, §6.2).
pub(crate) fn login(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    let (ar, post) = match post_start(pool, request) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let base = &request.base;
    let session = usable_session(pool, request).filter(|_| ar.may_reuse_session());
    let Some((form, _)) = post else {
        if let Some(proof) = &session {
            return continue_page(pool, request, &ar, proof);
        }
        let hint = Form::parse(&request.query)
            .ok()
            .and_then(|q| q.get("login_hint").map(str::to_owned))
            .unwrap_or_default();
        return login_form(request, &hint, None);
    };
    if form.get("reuse_session") == Some("true") {
        return match &session {
            Some(proof) => issue(pool, base, &ar, proof),
            None => login_form(request, "", None),
        };
    }
    let username = form.get("username").unwrap_or("");
    let password = Password::new(form.get("password").unwrap_or(""));
    match pool.hosted_sign_in(&ar.client_id, username, password) {
        Ok(step) => after_step(pool, request, &ar, step, None),
        Err(e) => login_form(request, username, Some(e.message())),
    }
}

/// Where a sign-in step leads: the session and the client's redirect, or
/// the next challenge's page.
fn after_step(
    pool: &UserPool,
    request: &OAuthRequest,
    ar: &AuthorizeRequest,
    step: HostedStep,
    message: Option<&str>,
) -> OAuthResponse {
    let base = &request.base;
    match step {
        HostedStep::SignedIn(proof) => {
            // The session the browser presented is replaced: ended, so a
            // copy of its cookie signs no one in (§6.3, §13.6).
            if let Some(old) = request.cookie(SESSION_COOKIE).filter(|c| !c.is_empty())
                && pool.end_hosted_session(old).is_err()
            {
                return failure(base);
            }
            let Ok(value) = pool.start_hosted_session(&proof) else {
                return failure(base);
            };
            // A new session, a new CSRF token: a pair known before the
            // sign-in passes no form after it (§13.5).
            let Ok(xsrf) = crate::random::uuid_v4() else {
                return failure(base);
            };
            issue(pool, base, ar, &proof)
                .with_header(
                    "Set-Cookie",
                    cookie(
                        base,
                        SESSION_COOKIE,
                        &value,
                        Some(HOSTED_SESSION_LIFETIME.as_secs()),
                    ),
                )
                .with_header("Set-Cookie", cookie(base, XSRF_COOKIE, &xsrf, None))
        }
        HostedStep::Challenge(challenge) => challenge_page(pool, request, ar, challenge, message),
    }
}

/// A JSON array of strings in a challenge parameter.
fn list_parameter(parameters: &BTreeMap<String, String>, name: &str) -> Vec<String> {
    parameters
        .get(name)
        .and_then(|v| serde_json::from_str::<Vec<String>>(v).ok())
        .unwrap_or_default()
}

const TOTP_SECRET: &str = "hosted.totpSecret";

/// The page of a challenge the sign-in stopped at (§6.2, issue 14's
/// deliverable 4): its form carries the sealed pending login.
fn challenge_page(
    pool: &UserPool,
    request: &OAuthRequest,
    ar: &AuthorizeRequest,
    mut challenge: HostedChallenge,
    message: Option<&str>,
) -> OAuthResponse {
    let base = &request.base;
    if challenge.name == ChallengeName::MfaSetup && !challenge.parameters.contains_key(TOTP_SECRET)
    {
        let offers = list_parameter(&challenge.parameters, "MFAS_CAN_SETUP");
        if !offers.iter().any(|f| f == "SOFTWARE_TOKEN_MFA") {
            return failure(base);
        }
        match pool.hosted_associate_totp(&challenge) {
            Ok((secret, mut next)) => {
                next.parameters.insert(TOTP_SECRET.to_owned(), secret);
                challenge = next;
            }
            Err(e) => return login_form(request, "", Some(e.message())),
        }
    }
    let (path, title, fields) = match challenge.name {
        ChallengeName::NewPasswordRequired => {
            let mut fields = String::from(
                "<p>Please enter a new password.</p>\
<label for=\"password\">New password</label>\
<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required>\
<label for=\"confirmPassword\">Confirm new password</label>\
<input id=\"confirmPassword\" name=\"confirmPassword\" type=\"password\" autocomplete=\"new-password\" required>",
            );
            for attr in list_parameter(&challenge.parameters, "requiredAttributes") {
                let name = attr.strip_prefix("userAttributes.").unwrap_or(&attr);
                fields.push_str(&pages::attribute_input(name, ""));
            }
            ("/forceChangePassword", "Change password", fields)
        }
        ChallengeName::SelectMfaType => {
            let mut fields = String::from("<p>Choose how to verify your sign-in.</p>");
            for (i, f) in list_parameter(&challenge.parameters, "MFAS_CAN_CHOOSE")
                .iter()
                .enumerate()
            {
                let label = match f.as_str() {
                    "SOFTWARE_TOKEN_MFA" => "Authenticator app",
                    "SMS_MFA" => "Text message (SMS)",
                    "EMAIL_OTP" => "Email",
                    other => other,
                };
                fields.push_str(&format!(
                    "<label for=\"answer{i}\"><input id=\"answer{i}\" type=\"radio\" name=\"answer\" value=\"{v}\"{c}> {l}</label>",
                    v = escape_attr(f),
                    c = if i == 0 { " checked" } else { "" },
                    l = escape_html(label),
                ));
            }
            ("/mfa", "Multi-factor authentication", fields)
        }
        ChallengeName::MfaSetup => {
            let secret = challenge
                .parameters
                .get(TOTP_SECRET)
                .cloned()
                .unwrap_or_default();
            let issuer = pool.config().name().to_owned();
            let label = format!("{issuer}:{}", challenge.username);
            let link = format!(
                "otpauth://totp/{}?secret={}&issuer={}",
                encode_component(&label).replace('+', "%20"),
                encode_component(&secret),
                encode_component(&issuer).replace('+', "%20"),
            );
            let fields = format!(
                "<p>Set up an authenticator app: add this secret key to it, or open the link on this device.</p>\
<p><code id=\"totpSecret\">{s}</code></p><p class=\"links\"><a id=\"totpLink\" href=\"{l}\">Open in an authenticator app</a></p>\
{code}",
                s = escape_html(&secret),
                l = escape_attr(&link),
                code = code_input("Code from your authenticator app"),
            );
            ("/mfa", "Set up multi-factor authentication", fields)
        }
        ChallengeName::SoftwareTokenMfa => (
            "/mfa",
            "Multi-factor authentication",
            code_input("Code from your authenticator app"),
        ),
        ChallengeName::SmsMfa | ChallengeName::EmailOtp => {
            let to = challenge
                .parameters
                .get("CODE_DELIVERY_DESTINATION")
                .cloned()
                .unwrap_or_default();
            (
                "/mfa",
                "Multi-factor authentication",
                format!(
                    "<p>We sent a code to {}.</p>{}",
                    escape_html(&to),
                    code_input("Code")
                ),
            )
        }
        _ => return failure(base),
    };
    let action = page_url(base, path, &request.query);
    let Ok(xsrf) = crate::random::uuid_v4() else {
        return failure(base);
    };
    let Ok(pending) = pool.seal_pending_login(&ar.client_id, &challenge, &xsrf) else {
        return failure(base);
    };
    let html = format!(
        "<form name=\"cognitoChallengeForm\" method=\"post\" action=\"{action}\">{csrf}{pending}{error}{fields}\
<input type=\"submit\" name=\"submitButton\" value=\"{submit}\"></form>",
        action = escape_attr(&action),
        csrf = hidden("_csrf", &xsrf),
        pending = hidden("pending", &pending),
        error = error_line(message),
        submit = if challenge.name == ChallengeName::SelectMfaType {
            "Continue"
        } else {
            "Submit"
        },
    );
    page(base, 200, title, &html).with_header("Set-Cookie", cookie(base, XSRF_COOKIE, &xsrf, None))
}

fn code_input(label: &str) -> String {
    format!(
        "<label for=\"code\">{}</label><input id=\"code\" name=\"code\" type=\"text\" \
inputmode=\"numeric\" autocomplete=\"one-time-code\" required>",
        escape_html(label)
    )
}

/// `POST /forceChangePassword` and `POST /mfa`: the answer to the
/// challenge a pending login holds.
pub(crate) fn answer(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    if request.method != "POST" {
        return OAuthResponse::new(405).with_header("Allow", "POST");
    }
    let (ar, post) = match post_start(pool, request) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some((form, xsrf)) = post else {
        return forbidden(&request.base);
    };
    let pending = form.get("pending").unwrap_or("");
    let challenge = match pool.open_pending_login(pending, &ar.client_id, &xsrf) {
        Ok(c) => c,
        Err(e) => return login_form(request, "", Some(e.message())),
    };
    let expected = if challenge.name == ChallengeName::NewPasswordRequired {
        "/forceChangePassword"
    } else {
        "/mfa"
    };
    if request.path != expected {
        return login_form(request, "", Some("Invalid session for the user."));
    }
    let result = match challenge.name {
        ChallengeName::NewPasswordRequired => {
            let password = form.get("password").unwrap_or("");
            if form.get("confirmPassword") != Some(password) {
                return challenge_page(
                    pool,
                    request,
                    &ar,
                    challenge,
                    Some("Passwords do not match."),
                );
            }
            let mut responses = vec![("NEW_PASSWORD".to_owned(), password.to_owned())];
            for attr in list_parameter(&challenge.parameters, "requiredAttributes") {
                let name = attr.strip_prefix("userAttributes.").unwrap_or(&attr);
                if let Some(v) = form.non_empty(&format!("requiredAttributes[{name}]")) {
                    responses.push((format!("userAttributes.{name}"), v.to_owned()));
                }
            }
            pool.hosted_respond(&ar.client_id, &challenge, responses)
        }
        ChallengeName::MfaSetup => {
            let code = form.get("code").unwrap_or("");
            pool.hosted_verify_totp(&ar.client_id, &challenge, code)
        }
        name => {
            let key = match name {
                ChallengeName::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
                ChallengeName::SmsMfa => "SMS_MFA_CODE",
                ChallengeName::EmailOtp => "EMAIL_OTP_CODE",
                _ => "ANSWER",
            };
            let field = if key == "ANSWER" { "answer" } else { "code" };
            let value = form.get(field).unwrap_or("").to_owned();
            pool.hosted_respond(&ar.client_id, &challenge, vec![(key.to_owned(), value)])
        }
    };
    match result {
        Ok(step) => after_step(pool, request, &ar, step, None),
        Err(e) => retry(pool, request, &ar, challenge, &e),
    }
}

/// A failed answer: the same challenge again with the engine's message,
/// unless its session is spent, then the sign-in form.
fn retry(
    pool: &UserPool,
    request: &OAuthRequest,
    ar: &AuthorizeRequest,
    challenge: HostedChallenge,
    e: &Error,
) -> OAuthResponse {
    if e.message().starts_with("Invalid session for the user") || e.message() == "User is disabled."
    {
        return login_form(request, "", Some(e.message()));
    }
    challenge_page(pool, request, ar, challenge, Some(e.message()))
}

/// `GET /logout` (§11).
pub(crate) fn logout(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    if request.method != "GET" {
        return OAuthResponse::new(405).with_header("Allow", "GET, HEAD");
    }
    let base = &request.base;
    let Ok(query) = Form::parse(&request.query) else {
        return to_error_page(base, "invalid_request", None);
    };
    let target = match pool.check_logout(&query) {
        Ok(t) => t,
        Err(error) => return to_error_page(base, &error, query.get("client_id")),
    };
    if let Some(c) = request.cookie(SESSION_COOKIE).filter(|c| !c.is_empty())
        && pool.end_hosted_session(c).is_err()
    {
        return failure(base);
    }
    let location = match target {
        LogoutTarget::LogoutUri(uri) => uri,
        LogoutTarget::Login(params) => {
            let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            with_query(&format!("{}/login", base.url), &pairs)
        }
    };
    OAuthResponse::redirect(location)
        .with_header("Set-Cookie", cookie(base, SESSION_COOKIE, "", Some(0)))
}

/// `GET /error` (§4.2): `400`, the `error` escaped, no link to any client.
pub(crate) fn error_page(request: &OAuthRequest) -> OAuthResponse {
    if request.method != "GET" {
        return OAuthResponse::new(405).with_header("Allow", "GET, HEAD");
    }
    let error = Form::parse(&request.query)
        .ok()
        .and_then(|q| q.get("error").map(str::to_owned))
        .unwrap_or_default();
    let mut body = format!("<p>{}</p>", escape_html(ERROR_TEXT));
    if !error.is_empty() {
        body.push_str(&format!(
            "<p id=\"errorMessage\" class=\"error\">{}</p>",
            escape_html(&error)
        ));
    }
    page(&request.base, 400, "Error", &body)
}
