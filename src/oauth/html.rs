//! The hosted pages' HTML (cognito-oauth.md §6): escaping, the page frame
//! with its one stylesheet, and the headers every page carries.
//!
//! Pages are server-rendered and work without JavaScript; they carry no
//! script at all. The stylesheet is inline and allowed by its SHA-256 hash
//! in the `Content-Security-Policy`, which also forbids framing
//! (`frame-ancestors 'none'`, with `X-Frame-Options: DENY`, §13.5).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::http::{Base, OAuthResponse};

/// Escapes `s` for HTML text content: `&`, `<`, `>`, `"` and `'` become
/// character references.
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes `s` for a double-quoted attribute value: as [`escape_html`],
/// and every control character (newlines, tabs, NUL) and backtick as a
/// numeric character reference as well.
#[must_use]
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' | '<' | '>' | '"' | '\'' => out.push_str(&escape_html(c.encode_utf8(&mut [0; 4]))),
            '`' => out.push_str("&#96;"),
            c if c.is_control() => {
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{margin:0;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;\
background:#f2f3f3;color:#16191f}main{max-width:22rem;margin:2rem auto;padding:1.5rem;\
background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.3rem;\
margin:0 0 1rem}label{display:block;margin:.75rem 0 .25rem;font-size:.9rem}\
input[type=text],input[type=password],input[type=email],input[type=tel],input[type=number],\
input[type=date],input[type=url]{box-sizing:border-box;width:100%;padding:.6rem;\
font-size:1rem;border:1px solid #aab7b8;border-radius:4px}input[type=submit]{width:100%;\
margin-top:1.25rem;padding:.7rem;font-size:1rem;color:#fff;background:#0972d3;border:0;\
border-radius:4px;cursor:pointer}p.error{color:#d91515;margin:.5rem 0}p.links{font-size:.9rem;\
margin-top:1rem}a{color:#0972d3}code{word-break:break-all}@media (max-width:30rem){main{\
margin:0;border-radius:0;box-shadow:none;min-height:100vh}}";

fn style_hash() -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, STYLE.as_bytes());
    STANDARD.encode(d.as_ref())
}

/// The `Set-Cookie` value of a cookie of the domain at `base`: `HttpOnly`,
/// `SameSite=Lax`, `Path` the domain's, `Secure` over HTTPS only (§13.6).
pub(crate) fn cookie(base: &Base, name: &str, value: &str, max_age: Option<u64>) -> String {
    let mut c = format!("{name}={value}");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
        if age == 0 {
            c.push_str("; Expires=Thu, 01 Jan 1970 00:00:10 GMT");
        }
    }
    c.push_str(&format!("; Path={}", base.cookie_path));
    if base.secure {
        c.push_str("; Secure");
    }
    c.push_str("; HttpOnly; SameSite=Lax");
    c
}

/// A complete HTML page with `status`: the frame, the stylesheet, `title`
/// as heading and `body` (already escaped) below it, with the no-store
/// headers, the CSP and, over HTTPS, HSTS.
pub(crate) fn page(base: &Base, status: u16, title: &str, body: &str) -> OAuthResponse {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{t}</title><style>{STYLE}</style></head><body><main><h1>{t}</h1>\n{body}\n</main></body></html>\n",
        t = escape_html(title),
    );
    let csp = format!(
        "default-src 'none'; style-src 'sha256-{}'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
        style_hash()
    );
    let mut r = OAuthResponse::new(status)
        .with_header("Content-Type", "text/html;charset=UTF-8")
        .no_store()
        .with_header("Content-Security-Policy", csp);
    if base.secure {
        r = r.with_header(
            "Strict-Transport-Security",
            "max-age=31536000 ; includeSubDomains",
        );
    }
    r.with_body(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escaping_covers_the_five_characters() {
        assert_eq!(
            escape_html(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape_html("plain é"), "plain é");
    }

    #[test]
    fn attribute_escaping_also_covers_controls_and_backticks() {
        assert_eq!(
            escape_attr("a\"b'c<d>&e`f\ng\t\0"),
            "a&quot;b&#39;c&lt;d&gt;&amp;e&#96;f&#10;g&#9;&#0;"
        );
    }

    #[test]
    fn cookies_are_secure_only_over_https() {
        let mut base = Base {
            url: "http://127.0.0.1:9229/d".into(),
            cookie_path: "/d/".into(),
            secure: false,
        };
        assert_eq!(
            cookie(&base, "XSRF-TOKEN", "v", None),
            "XSRF-TOKEN=v; Path=/d/; HttpOnly; SameSite=Lax"
        );
        base.secure = true;
        assert_eq!(
            cookie(&base, "cognito", "", Some(0)),
            "cognito=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Path=/d/; Secure; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn pages_allow_only_their_own_stylesheet() {
        let base = Base {
            url: "https://x".into(),
            cookie_path: "/".into(),
            secure: true,
        };
        let p = page(&base, 200, "Sign in <x>", "<p>b</p>");
        let csp = p.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("script-src"),
            "{csp}"
        );
        assert!(csp.contains(&style_hash()));
        let body = String::from_utf8(p.body).unwrap_or_default();
        assert!(body.contains("<h1>Sign in &lt;x&gt;</h1>"), "{body}");
        assert!(!body.contains("<script"));
        assert!(
            p.headers
                .iter()
                .any(|(n, _)| n == "Strict-Transport-Security")
        );
    }
}
