//! The sign-up and password-recovery pages (issue 14, deliverable 4,
//! which overrides cognito-oauth.md §6.5): `/signup` → `/confirm` → back to
//! the sign-in page, and `/forgotPassword` → `/confirmForgotPassword` →
//! back to the sign-in page, each keeping the OAuth query.
//!
//! Each runs the engine's own operation (`SignUp`, `ConfirmSignUp`,
//! `ResendConfirmationCode`, `ForgotPassword`, `ConfirmForgotPassword`) and
//! shows its message when it refuses; nothing is decided here.

use super::{
    OAuthRequest, OAuthResponse, code_input, error_line, escape_attr, escape_html, form_page,
    hidden, login_url, page_url, post_start,
};
use crate::UserPool;
use crate::config::UsernameAttribute;
use crate::oauth::form::Form;
use crate::pool::{
    ConfirmForgotPasswordRequest, ConfirmSignUpRequest, ForgotPasswordRequest,
    ResendConfirmationCodeRequest, SignUpRequest,
};
use crate::secret::{Code, Password};

/// What a page form shows: the message (`class`: `error` or `info`) and
/// the values to keep.
struct Shown<'a> {
    message: Option<(&'a str, &'a str)>,
    form: &'a Form,
}

fn message_line(message: Option<(&str, &str)>) -> String {
    match message {
        Some(("error", m)) => error_line(Some(m)),
        Some((_, m)) => format!("<p id=\"infoMessage\">{}</p>", escape_html(m)),
        None => String::new(),
    }
}

/// The user-name input: an email or phone input when the pool signs users
/// in by one.
fn username_input(pool: &UserPool, value: &str) -> String {
    let config = pool.config();
    let (label, kind) = match config.username_attributes().first() {
        Some(UsernameAttribute::Email) => ("Email", "email"),
        Some(UsernameAttribute::PhoneNumber) => ("Phone number", "tel"),
        None => ("Username", "text"),
    };
    format!(
        "<label for=\"username\">{label}</label><input id=\"username\" name=\"username\" \
type=\"{kind}\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required \
value=\"{}\">",
        escape_attr(value)
    )
}

fn password_inputs(confirm: bool, label: &str) -> String {
    let mut out = format!(
        "<label for=\"password\">{label}</label><input id=\"password\" name=\"password\" \
type=\"password\" autocomplete=\"new-password\" required>"
    );
    if confirm {
        out.push_str(
            "<label for=\"confirmPassword\">Confirm password</label><input id=\"confirmPassword\" \
name=\"confirmPassword\" type=\"password\" autocomplete=\"new-password\" required>",
        );
    }
    out
}

/// The input of a required attribute, `requiredAttributes[<name>]`, as
/// the sign-up and new-password pages both ask for one: a readable label,
/// a sensible type and `autocomplete`, `value` pre-filled.
pub(super) fn attribute_input(name: &str, value: &str) -> String {
    let field = format!("requiredAttributes[{name}]");
    format!(
        "<label for=\"{f}\">{label}</label><input id=\"{f}\" name=\"{f}\" type=\"{t}\" \
autocomplete=\"{a}\" required value=\"{v}\">",
        f = escape_attr(&field),
        label = escape_html(&label_of(name)),
        t = input_type(name),
        a = autocomplete(name),
        v = escape_attr(value),
    )
}

/// A sensible input type for a standard attribute.
fn input_type(name: &str) -> &'static str {
    match name {
        "email" => "email",
        "phone_number" => "tel",
        "birthdate" => "date",
        "website" | "picture" | "profile" => "url",
        _ => "text",
    }
}

fn autocomplete(name: &str) -> &'static str {
    match name {
        "email" => "email",
        "phone_number" => "tel",
        "given_name" => "given-name",
        "family_name" => "family-name",
        "middle_name" => "additional-name",
        "name" => "name",
        "nickname" | "preferred_username" => "nickname",
        "address" => "street-address",
        "birthdate" => "bday",
        "gender" => "sex",
        "locale" => "language",
        "website" | "profile" | "picture" => "url",
        _ => "off",
    }
}

fn label_of(name: &str) -> String {
    let bare = name
        .strip_prefix("custom:")
        .unwrap_or(name)
        .replace('_', " ");
    let mut chars = bare.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// The pool's required attributes a sign-up must give, but the one the
/// user name stands for.
fn sign_up_attributes(pool: &UserPool) -> Vec<String> {
    let config = pool.config();
    let by_username: Vec<&str> = config
        .username_attributes()
        .iter()
        .map(|a| match a {
            UsernameAttribute::Email => "email",
            UsernameAttribute::PhoneNumber => "phone_number",
        })
        .collect();
    config
        .schema()
        .required_attributes()
        .into_iter()
        .filter(|n| !by_username.contains(&n.as_str()))
        .collect()
}

fn sign_up_page(pool: &UserPool, request: &OAuthRequest, shown: &Shown<'_>) -> OAuthResponse {
    let base = &request.base;
    let action = page_url(base, "/signup", &request.query);
    let mut fields = username_input(pool, shown.form.get("username").unwrap_or(""));
    for name in sign_up_attributes(pool) {
        let value = shown.form.get(&format!("requiredAttributes[{name}]"));
        fields.push_str(&attribute_input(&name, value.unwrap_or("")));
    }
    fields.push_str(&password_inputs(false, "Password"));
    let message = message_line(shown.message);
    let sign_in = login_url(base, &request.query);
    form_page(base, 200, "Sign up", |xsrf| {
        format!(
            "<form name=\"cognitoSignUpForm\" method=\"post\" action=\"{action}\">{csrf}{message}\
{fields}<input type=\"submit\" name=\"signUpButton\" value=\"Sign up\"></form>\
<p class=\"links\">Already have an account? <a href=\"{sign_in}\">Sign in</a></p>",
            action = escape_attr(&action),
            csrf = hidden("_csrf", xsrf),
            sign_in = escape_attr(&sign_in),
        )
    })
}

/// `GET` and `POST /signup`.
pub(crate) fn sign_up(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    let (ar, post) = match post_start(pool, request) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some((form, _)) = post else {
        let empty = Form::default();
        return sign_up_page(
            pool,
            request,
            &Shown {
                message: None,
                form: &empty,
            },
        );
    };
    let username = form.get("username").unwrap_or("");
    let mut sign_up = SignUpRequest::new(
        ar.client_id.as_str(),
        username,
        Password::new(form.get("password").unwrap_or("")),
    );
    for name in sign_up_attributes(pool) {
        if let Some(v) = form.non_empty(&format!("requiredAttributes[{name}]")) {
            sign_up = sign_up.attribute(name, v);
        }
    }
    if let Some(hash) = pool.hosted_secret_hash(&ar.client_id, username) {
        sign_up = sign_up.secret_hash(hash);
    }
    match pool.sign_up(sign_up) {
        Ok(out) if out.user_confirmed => {
            OAuthResponse::redirect(login_url(&request.base, &request.query))
        }
        Ok(out) => {
            let sent = out.code_delivery_details.map_or_else(
                || "Enter the code we sent you.".to_owned(),
                |d| format!("We sent a code to {}.", d.destination),
            );
            confirm_page(pool, request, username, Some(("info", &sent)))
        }
        Err(e) => sign_up_page(
            pool,
            request,
            &Shown {
                message: Some(("error", e.message())),
                form: &form,
            },
        ),
    }
}

fn confirm_page(
    pool: &UserPool,
    request: &OAuthRequest,
    username: &str,
    message: Option<(&str, &str)>,
) -> OAuthResponse {
    let base = &request.base;
    let action = page_url(base, "/confirm", &request.query);
    let user = username_input(pool, username);
    let message = message_line(message);
    form_page(base, 200, "Confirm your account", |xsrf| {
        format!(
            "<form name=\"cognitoConfirmForm\" method=\"post\" action=\"{action}\">{csrf}{message}\
{user}{code}<input type=\"submit\" name=\"confirm\" value=\"Confirm account\"></form>\
<form name=\"cognitoResendForm\" method=\"post\" action=\"{action}\">{csrf}{resend}{who}\
<p class=\"links\">Didn't receive a code? <input type=\"submit\" name=\"resendButton\" \
value=\"Send a new code\"></p></form>",
            action = escape_attr(&action),
            csrf = hidden("_csrf", xsrf),
            code = code_input("Confirmation code"),
            resend = hidden("resend", "true"),
            who = hidden("username", username),
        )
    })
}

/// `GET` and `POST /confirm`: the sign-up's code (or a new one sent).
pub(crate) fn confirm(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    let (ar, post) = match post_start(pool, request) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some((form, _)) = post else {
        return confirm_page(pool, request, "", None);
    };
    let username = form.get("username").unwrap_or("");
    let hash = pool.hosted_secret_hash(&ar.client_id, username);
    if form.get("resend") == Some("true") {
        let mut resend = ResendConfirmationCodeRequest::new(ar.client_id.as_str(), username);
        if let Some(h) = hash {
            resend = resend.secret_hash(h);
        }
        return match pool.resend_confirmation_code(resend) {
            Ok(d) => {
                let sent = format!("We sent a new code to {}.", d.destination);
                confirm_page(pool, request, username, Some(("info", &sent)))
            }
            Err(e) => confirm_page(pool, request, username, Some(("error", e.message()))),
        };
    }
    let mut confirm = ConfirmSignUpRequest::new(
        ar.client_id.as_str(),
        username,
        Code::new(form.get("code").unwrap_or("")),
    );
    if let Some(h) = hash {
        confirm = confirm.secret_hash(h);
    }
    match pool.confirm_sign_up(confirm) {
        Ok(()) => OAuthResponse::redirect(login_url(&request.base, &request.query)),
        Err(e) => confirm_page(pool, request, username, Some(("error", e.message()))),
    }
}

fn forgot_page(
    pool: &UserPool,
    request: &OAuthRequest,
    username: &str,
    message: Option<&str>,
) -> OAuthResponse {
    let base = &request.base;
    let action = page_url(base, "/forgotPassword", &request.query);
    let user = username_input(pool, username);
    let error = error_line(message);
    let sign_in = login_url(base, &request.query);
    form_page(base, 200, "Forgot your password?", |xsrf| {
        format!(
            "<form name=\"cognitoForgotPasswordForm\" method=\"post\" action=\"{action}\">{csrf}{error}\
<p>Enter your user name and we will send you a code to reset your password.</p>{user}\
<input type=\"submit\" name=\"resetButton\" value=\"Reset my password\"></form>\
<p class=\"links\"><a href=\"{sign_in}\">Back to sign in</a></p>",
            action = escape_attr(&action),
            csrf = hidden("_csrf", xsrf),
            sign_in = escape_attr(&sign_in),
        )
    })
}

/// `GET` and `POST /forgotPassword`.
pub(crate) fn forgot_password(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    let (ar, post) = match post_start(pool, request) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some((form, _)) = post else {
        return forgot_page(pool, request, "", None);
    };
    let username = form.get("username").unwrap_or("");
    let mut forgot = ForgotPasswordRequest::new(ar.client_id.as_str(), username);
    if let Some(h) = pool.hosted_secret_hash(&ar.client_id, username) {
        forgot = forgot.secret_hash(h);
    }
    match pool.forgot_password(forgot) {
        Ok(d) => {
            let sent = format!("We sent a code to {}.", d.destination);
            reset_page(pool, request, username, Some(("info", &sent)))
        }
        Err(e) => forgot_page(pool, request, username, Some(e.message())),
    }
}

fn reset_page(
    pool: &UserPool,
    request: &OAuthRequest,
    username: &str,
    message: Option<(&str, &str)>,
) -> OAuthResponse {
    let base = &request.base;
    let action = page_url(base, "/confirmForgotPassword", &request.query);
    let user = username_input(pool, username);
    let message = message_line(message);
    let passwords = password_inputs(true, "New password");
    form_page(base, 200, "Reset your password", |xsrf| {
        format!(
            "<form name=\"cognitoConfirmForgotPasswordForm\" method=\"post\" action=\"{action}\">\
{csrf}{message}{user}{code}{passwords}\
<input type=\"submit\" name=\"changePasswordButton\" value=\"Change password\"></form>",
            action = escape_attr(&action),
            csrf = hidden("_csrf", xsrf),
            code = code_input("Code"),
        )
    })
}

/// `GET` and `POST /confirmForgotPassword`: the code and the new password.
pub(crate) fn confirm_forgot_password(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    let (ar, post) = match post_start(pool, request) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some((form, _)) = post else {
        return reset_page(pool, request, "", None);
    };
    let username = form.get("username").unwrap_or("");
    let password = form.get("password").unwrap_or("");
    if form.get("confirmPassword") != Some(password) {
        return reset_page(
            pool,
            request,
            username,
            Some(("error", "Passwords do not match.")),
        );
    }
    let mut reset = ConfirmForgotPasswordRequest::new(
        ar.client_id.as_str(),
        username,
        Code::new(form.get("code").unwrap_or("")),
        Password::new(password),
    );
    if let Some(h) = pool.hosted_secret_hash(&ar.client_id, username) {
        reset = reset.secret_hash(h);
    }
    match pool.confirm_forgot_password(reset) {
        Ok(()) => OAuthResponse::redirect(login_url(&request.base, &request.query)),
        Err(e) => reset_page(pool, request, username, Some(("error", e.message()))),
    }
}
