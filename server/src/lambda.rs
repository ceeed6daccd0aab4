//! The AWS Lambda Invoke API client the server hands its pools
//! (cognito-triggers.md §6): a pool whose `LambdaConfig` names a function
//! invokes it through a [`LambdaInvoker`].
//!
//! One invocation is one `POST {endpoint}/2015-03-31/functions/{name}/invocations`
//! on a fresh connection (`Connection: close`), written and read by a
//! small blocking HTTP/1.1 client over [`std::net::TcpStream`]: the engine
//! calls its hooks synchronously, from pool operations the server already
//! runs on blocking threads, never on the async executor. Only `http://`
//! endpoints are spoken to (a local runner such as `sam local
//! start-lambda`, serverless-offline, or the interop suite's
//! `lambda-runner.mjs`); TLS and SigV4 signing, which real AWS would need,
//! are not implemented.
//!
//! # Choices where Cognito is undocumented
//!
//! * The function name sent is the ARN's 7th field, or the name mapped to
//!   the ARN with [`LambdaInvoker::function_name`]; the ARN's qualifier is
//!   **not** sent: local runners know functions by name only, and SAM
//!   refuses a `Qualifier` query parameter (§6.1, §6.2).
//! * The timeout bounds the whole exchange (connect, write, read), 5 s by
//!   default as Cognito's; a refused connection is an attempt without an
//!   answer, like a timeout, which the bridge retries (§4.3).
//! * An answer bigger than Lambda's 6 MiB payload limit, or one that is not
//!   HTTP/1.x, is a service error (`UnexpectedLambdaException`).

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use userpool::triggers::{FunctionRef, Invoke, InvokeOutcome};

use crate::error::{Error, ErrorKind};

/// Lambda's limit on a synchronous invocation's response payload (6 MiB);
/// a bigger answer is a service error.
pub(crate) const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;
/// The most a response head (status line and headers) may take.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The longest chunk-size line (size and extensions) read.
const MAX_CHUNK_LINE: usize = 1024;
/// Cognito's wait for one attempt (cognito-triggers.md §4.3).
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The service error of an answer over [`MAX_RESPONSE_BYTES`].
pub(crate) const TOO_LARGE: &str =
    "Response payload size exceeded maximum allowed payload size (6291456 bytes).";
/// The service error of an answer that is not HTTP/1.x.
pub(crate) const NOT_HTTP: &str = "The Lambda endpoint's answer is not HTTP/1.1.";

/// Invokes Lambda functions through the Invoke API of a local endpoint
/// (cognito-triggers.md §6.1):
///
/// ```text
/// POST {endpoint}/2015-03-31/functions/{name}/invocations
/// X-Amz-Invocation-Type: RequestResponse
/// Content-Type: application/json
/// ```
///
/// with no query string and no log tail. A 200 answer is the function's
/// output, or its error when `X-Amz-Function-Error` is set (the message
/// is the body's `errorMessage`, else the header's value); any other
/// status is a service error named by `x-amzn-ErrorType` (without its
/// `:<uri>` suffix), else `HTTP <status>`; a refused connection or no whole
/// answer within the [timeout](Self::timeout) is
/// [`InvokeOutcome::TimedOut`].
///
/// ```
/// use std::time::Duration;
/// use userpool_server::LambdaInvoker;
///
/// let invoker = LambdaInvoker::new("http://127.0.0.1:3001")?
///     .timeout(Duration::from_secs(2))
///     .function_name("arn:aws:lambda:us-east-1:123456789012:function:pre", "my-stack-pre");
/// assert_eq!(invoker.endpoint(), "http://127.0.0.1:3001");
/// # Ok::<(), userpool_server::Error>(())
/// ```
#[derive(Clone)]
pub struct LambdaInvoker {
    /// `http://host:port[/path]` as given, without a trailing `/`.
    endpoint: String,
    /// `host:port`, the `Host` header.
    authority: String,
    /// The path before `/2015-03-31/…`, empty or starting with `/`.
    base_path: String,
    timeout: Duration,
    /// Function names by ARN, replacing the ARN's own.
    names: BTreeMap<String, String>,
}

impl LambdaInvoker {
    /// An invoker for the Invoke API at `endpoint`, `http://host[:port][/path]`
    /// (port 80 by default), with a 5-second timeout.
    ///
    /// # Errors
    /// [`ErrorKind::LambdaEndpoint`] when `endpoint` is not such a URL, and
    /// for `https://`, which this client does not speak (no TLS): run a
    /// local Lambda runner, or a proxy, on an `http://` address.
    pub fn new(endpoint: &str) -> Result<Self, Error> {
        let refuse = |why: &str| {
            Error::new(
                ErrorKind::LambdaEndpoint,
                format!("--lambda-endpoint {endpoint}: {why}"),
            )
        };
        if endpoint.starts_with("https://") {
            return Err(refuse(
                "https is not supported (no TLS client; real AWS also needs SigV4 \
                 signing, not implemented): give the http:// address of a local Lambda \
                 runner such as `sam local start-lambda` or serverless-offline",
            ));
        }
        let rest = endpoint
            .strip_prefix("http://")
            .ok_or_else(|| refuse("expected http://host[:port][/path]"))?;
        let rest = rest.trim_end_matches('/');
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let valid = |s: &str| {
            s.bytes().all(|b| b.is_ascii_graphic()) && !s.contains(['?', '#', '@', '"', '\\'])
        };
        if authority.is_empty() || !valid(authority) || !valid(path) {
            return Err(refuse("expected http://host[:port][/path]"));
        }
        let authority = if has_port(authority) {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        Ok(Self {
            endpoint: format!("http://{rest}"),
            authority,
            base_path: path.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            names: BTreeMap::new(),
        })
    }

    /// The longest one attempt may take, connection, request and whole
    /// answer included. Defaults to 5 seconds, as Cognito's; zero is
    /// raised to 1 millisecond.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Invokes the function `arn` as `name` (serverless-offline's
    /// `<service>-<stage>-<function>`, a SAM logical id) instead of the
    /// ARN's 7th field. The ARN must match the `LambdaConfig`'s exactly.
    #[must_use]
    pub fn function_name(mut self, arn: impl Into<String>, name: impl Into<String>) -> Self {
        self.names.insert(arn.into(), name.into());
        self
    }

    /// The endpoint, without a trailing `/`.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The timeout of one attempt.
    #[must_use]
    pub fn attempt_timeout(&self) -> Duration {
        self.timeout
    }

    /// The path an invocation of `function` is posted to.
    fn path(&self, function: &FunctionRef) -> String {
        let function = match self.names.get(function.arn()) {
            Some(name) => function.clone().with_name(name.clone()),
            None => function.clone(),
        };
        format!(
            "{}/2015-03-31/functions/{}/invocations",
            self.base_path,
            percent_encode(function.name())
        )
    }

    /// One exchange, or why it had no answer.
    fn exchange(&self, path: &str, event: &[u8]) -> Result<Answer, Failure> {
        let deadline = Instant::now() + self.timeout;
        let mut stream = self.connect(deadline)?;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nX-Amz-Invocation-Type: RequestResponse\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.authority,
            event.len()
        );
        let mut request = Vec::with_capacity(head.len() + event.len());
        request.extend_from_slice(head.as_bytes());
        request.extend_from_slice(event);
        let mut timed = Timed {
            stream: &mut stream,
            deadline,
        };
        timed.write_all(&request).map_err(Failure::io)?;
        read_answer(&mut timed)
    }

    /// A connection to the endpoint before `deadline`, trying each address.
    fn connect(&self, deadline: Instant) -> Result<TcpStream, Failure> {
        let addrs: Vec<SocketAddr> = self
            .authority
            .to_socket_addrs()
            .map_err(|e| Failure::NoAnswer(format!("cannot resolve {}: {e}", self.authority)))?
            .collect();
        let mut last = format!("{} resolves to no address", self.authority);
        for addr in addrs {
            let left = remaining(deadline).map_err(Failure::io)?;
            match TcpStream::connect_timeout(&addr, left) {
                Ok(stream) => {
                    // Small requests: send at once.
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Err(e) => last = format!("cannot connect to {addr}: {e}"),
            }
        }
        Err(Failure::NoAnswer(last))
    }
}

impl Invoke for LambdaInvoker {
    fn invoke(&self, function: &FunctionRef, event: &[u8]) -> InvokeOutcome {
        // Waiting on the network: the CPU permit goes to another call.
        let _waiting = crate::permit::waiting();
        match self.exchange(&self.path(function), event) {
            Ok(answer) => answer.outcome(),
            Err(Failure::NoAnswer(reason)) => InvokeOutcome::TimedOut { reason },
            Err(Failure::Service(code)) => InvokeOutcome::ServiceError { code },
        }
    }
}

impl fmt::Debug for LambdaInvoker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LambdaInvoker")
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .field("names", &self.names)
            .finish()
    }
}

/// Whether `authority` ends with `:<digits>` (outside an IPv6 literal's brackets).
fn has_port(authority: &str) -> bool {
    match authority.rsplit_once(':') {
        Some((host, port)) => {
            !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && (!host.starts_with('[') || host.ends_with(']'))
        }
        None => false,
    }
}

/// `name` with every byte but the unreserved ones (`A-Z a-z 0-9 - _ . ~`)
/// percent-encoded, as a path segment.
fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why an exchange gave no outcome of its own.
enum Failure {
    /// No (whole) answer: refused, reset, timed out. Retried.
    NoAnswer(String),
    /// An answer this client refuses (not HTTP, too big). Not retried.
    Service(String),
}

impl Failure {
    fn io(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                Self::NoAnswer("no answer within the timeout".to_owned())
            }
            _ => Self::NoAnswer(e.to_string()),
        }
    }
}

/// The time left before `deadline`, or a timeout error.
fn remaining(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(io::Error::from(io::ErrorKind::TimedOut))
    } else {
        Ok(left)
    }
}

/// A stream whose every read and write ends by the deadline.
struct Timed<'a> {
    stream: &'a mut TcpStream,
    deadline: Instant,
}

impl Read for Timed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream
            .set_read_timeout(Some(remaining(self.deadline)?))?;
        self.stream.read(buf)
    }
}

impl Write for Timed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream
            .set_write_timeout(Some(remaining(self.deadline)?))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// An HTTP answer: status, the two headers that matter, body.
struct Answer {
    status: u16,
    function_error: Option<String>,
    error_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    /// What the answer means (cognito-triggers.md §6.1).
    fn outcome(self) -> InvokeOutcome {
        if !(200..300).contains(&self.status) {
            let code = self
                .error_type
                .as_deref()
                .map(|t| t.split(':').next().unwrap_or(t).trim().to_owned())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| format!("HTTP {}", self.status));
            return InvokeOutcome::ServiceError { code };
        }
        match self.function_error {
            None => InvokeOutcome::Returned(self.body),
            Some(header) => {
                let message = serde_json::from_slice::<serde_json::Value>(&self.body)
                    .ok()
                    .and_then(|v| v.get("errorMessage")?.as_str().map(str::to_owned))
                    .or_else(|| Some(header).filter(|h| !h.is_empty()));
                InvokeOutcome::FunctionError { message }
            }
        }
    }
}

/// Reads a whole HTTP/1.x answer: the head, then a body delimited by
/// `Content-Length`, chunked encoding, or the end of the connection.
fn read_answer(stream: &mut impl Read) -> Result<Answer, Failure> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(Failure::Service(NOT_HTTP.to_owned()));
        }
        let n = stream.read(&mut chunk).map_err(Failure::io)?;
        if n == 0 {
            return Err(Failure::NoAnswer(
                "the connection closed before an answer".to_owned(),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head =
        std::str::from_utf8(&buf[..head_end]).map_err(|_| Failure::Service(NOT_HTTP.to_owned()))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| {
            let mut parts = line.splitn(3, ' ');
            let version = parts.next()?;
            let code = parts.next()?;
            (version.starts_with("HTTP/1.") && code.len() == 3)
                .then(|| code.parse::<u16>().ok())
                .flatten()
        })
        .ok_or_else(|| Failure::Service(NOT_HTTP.to_owned()))?;
    let mut answer = Answer {
        status,
        function_error: None,
        error_type: None,
        body: Vec::new(),
    };
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(Failure::Service(NOT_HTTP.to_owned()));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| Failure::Service(NOT_HTTP.to_owned()))?,
                );
            }
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "x-amz-function-error" => answer.function_error = Some(value.to_owned()),
            "x-amzn-errortype" => answer.error_type = Some(value.to_owned()),
            _ => {}
        }
    }
    let rest = buf.split_off(head_end + 4);
    answer.body = if chunked {
        read_chunked(rest, stream)?
    } else {
        read_body(rest, length, stream)?
    };
    Ok(answer)
}

/// A body of `length` bytes (else up to the end of the connection), of
/// which `buf` holds the start.
fn read_body(
    mut buf: Vec<u8>,
    length: Option<usize>,
    stream: &mut impl Read,
) -> Result<Vec<u8>, Failure> {
    if length.is_some_and(|l| l > MAX_RESPONSE_BYTES) {
        return Err(Failure::Service(TOO_LARGE.to_owned()));
    }
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(l) = length
            && buf.len() >= l
        {
            buf.truncate(l);
            return Ok(buf);
        }
        if buf.len() > MAX_RESPONSE_BYTES {
            return Err(Failure::Service(TOO_LARGE.to_owned()));
        }
        let n = stream.read(&mut chunk).map_err(Failure::io)?;
        if n == 0 {
            return match length {
                None => Ok(buf),
                Some(_) => Err(Failure::NoAnswer(
                    "the connection closed inside the answer".to_owned(),
                )),
            };
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A chunked body, of whose encoding `buf` holds the start.
fn read_chunked(mut buf: Vec<u8>, stream: &mut impl Read) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    let mut chunk = [0u8; 8192];
    let mut fill = |buf: &mut Vec<u8>| -> Result<(), Failure> {
        if buf.len() > MAX_RESPONSE_BYTES + MAX_HEAD_BYTES {
            return Err(Failure::Service(TOO_LARGE.to_owned()));
        }
        let n = stream.read(&mut chunk).map_err(Failure::io)?;
        if n == 0 {
            return Err(Failure::NoAnswer(
                "the connection closed inside the answer".to_owned(),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
        Ok(())
    };
    loop {
        // A chunk-size line is a few hex digits and maybe extensions:
        // looked for in its first bytes only, so a line that never ends
        // cannot make every read rescan a growing buffer.
        let line_end = loop {
            let window = &buf[..buf.len().min(MAX_CHUNK_LINE + 2)];
            if let Some(i) = find(window, b"\r\n") {
                break i;
            }
            if buf.len() > MAX_CHUNK_LINE {
                return Err(Failure::Service(NOT_HTTP.to_owned()));
            }
            fill(&mut buf)?;
        };
        let size_text = std::str::from_utf8(&buf[..line_end])
            .map_err(|_| Failure::Service(NOT_HTTP.to_owned()))?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| Failure::Service(NOT_HTTP.to_owned()))?;
        if body.len().saturating_add(size) > MAX_RESPONSE_BYTES {
            return Err(Failure::Service(TOO_LARGE.to_owned()));
        }
        buf.drain(..line_end + 2);
        if size == 0 {
            return Ok(body);
        }
        while buf.len() < size + 2 {
            fill(&mut buf)?;
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn answer(raw: &[u8]) -> Result<Answer, Failure> {
        read_answer(&mut &raw[..])
    }

    fn outcome(raw: &[u8]) -> InvokeOutcome {
        match answer(raw) {
            Ok(a) => a.outcome(),
            Err(Failure::NoAnswer(r)) => InvokeOutcome::TimedOut { reason: r },
            Err(Failure::Service(code)) => InvokeOutcome::ServiceError { code },
        }
    }

    #[test]
    fn a_chunk_size_line_that_never_ends_is_refused_early() {
        let mut raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        raw.extend(std::iter::repeat_n(b'0', 64 * 1024));
        assert_eq!(
            outcome(&raw),
            InvokeOutcome::ServiceError {
                code: NOT_HTTP.to_owned()
            }
        );
        // An ordinary chunked answer still reads.
        assert_eq!(
            outcome(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\n{}\r\n0\r\n\r\n"
            ),
            InvokeOutcome::Returned(b"{}".to_vec())
        );
    }

    #[test]
    fn endpoints_are_http_urls_and_https_is_refused_with_the_reason() {
        let i = LambdaInvoker::new("http://127.0.0.1:3002/").unwrap();
        assert_eq!(i.endpoint(), "http://127.0.0.1:3002");
        assert_eq!(i.authority, "127.0.0.1:3002");
        assert_eq!(i.base_path, "");
        let i = LambdaInvoker::new("http://localhost/lambda").unwrap();
        assert_eq!(i.authority, "localhost:80");
        assert_eq!(i.base_path, "/lambda");
        let e = LambdaInvoker::new("https://lambda.us-east-1.amazonaws.com").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LambdaEndpoint);
        assert!(e.message().contains("https is not supported"), "{e}");
        for bad in [
            "ftp://x",
            "http://",
            "127.0.0.1:3002",
            "http://h:1/?q=1",
            "http://u@h",
        ] {
            let e = LambdaInvoker::new(bad).unwrap_err();
            assert_eq!(
                e.message(),
                format!("--lambda-endpoint {bad}: expected http://host[:port][/path]")
            );
        }
    }

    #[test]
    fn the_path_names_the_function_percent_encoded_and_mapped_by_arn() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:pre-sign_up:live";
        let f = FunctionRef::parse(arn).unwrap();
        let i = LambdaInvoker::new("http://127.0.0.1:1/base").unwrap();
        assert_eq!(
            i.path(&f),
            "/base/2015-03-31/functions/pre-sign_up/invocations"
        );
        let i = i.function_name(arn, "Stack/Fn name");
        assert_eq!(
            i.path(&f),
            "/base/2015-03-31/functions/Stack%2FFn%20name/invocations"
        );
        let other =
            FunctionRef::parse("arn:aws:lambda:us-east-1:123456789012:function:other").unwrap();
        assert_eq!(
            i.path(&other),
            "/base/2015-03-31/functions/other/invocations"
        );
    }

    #[test]
    fn answers_map_to_outcomes() {
        assert_eq!(
            outcome(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}trailing"),
            InvokeOutcome::Returned(b"{}".to_vec())
        );
        assert_eq!(
            outcome(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\":1}\r\n0\r\n\r\n"),
            InvokeOutcome::Returned(b"{\"a\":1}".to_vec())
        );
        assert_eq!(
            outcome(b"HTTP/1.0 200 OK\r\n\r\nnull"),
            InvokeOutcome::Returned(b"null".to_vec())
        );
        assert_eq!(
            outcome(b"HTTP/1.1 200 OK\r\nX-Amz-Function-Error: Unhandled\r\nContent-Length: 41\r\n\r\n{\"errorMessage\":\"no\",\"errorType\":\"Error\"}"),
            InvokeOutcome::FunctionError { message: Some("no".to_owned()) }
        );
        assert_eq!(
            outcome(b"HTTP/1.1 200 OK\r\nx-amz-function-error: Handled\r\nContent-Length: 4\r\n\r\nnull"),
            InvokeOutcome::FunctionError { message: Some("Handled".to_owned()) }
        );
        assert_eq!(
            outcome(b"HTTP/1.1 404 Not Found\r\nx-amzn-ErrorType: ResourceNotFoundException:http://internal.amazon.com/coral/\r\nContent-Length: 0\r\n\r\n"),
            InvokeOutcome::ServiceError { code: "ResourceNotFoundException".to_owned() }
        );
        assert_eq!(
            outcome(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"),
            InvokeOutcome::ServiceError {
                code: "HTTP 502".to_owned()
            }
        );
        assert_eq!(
            outcome(b"SSH-2.0-OpenSSH\r\n\r\n"),
            InvokeOutcome::ServiceError {
                code: NOT_HTTP.to_owned()
            }
        );
        assert_eq!(
            outcome(b"HTTP/1.1 200 OK\r\nContent-Length: 6291457\r\n\r\n"),
            InvokeOutcome::ServiceError {
                code: TOO_LARGE.to_owned()
            }
        );
        assert!(matches!(
            outcome(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}"),
            InvokeOutcome::TimedOut { .. }
        ));
        assert!(matches!(outcome(b""), InvokeOutcome::TimedOut { .. }));
    }

    #[test]
    fn a_body_over_the_limit_without_a_length_is_refused() {
        let mut raw = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        raw.resize(raw.len() + MAX_RESPONSE_BYTES + 1, b' ');
        assert_eq!(
            outcome(&raw),
            InvokeOutcome::ServiceError {
                code: TOO_LARGE.to_owned()
            }
        );
        let mut raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n700000\r\n".to_vec();
        raw.resize(raw.len() + 0x70_0000, b' ');
        assert_eq!(
            outcome(&raw),
            InvokeOutcome::ServiceError {
                code: TOO_LARGE.to_owned()
            }
        );
    }
}
