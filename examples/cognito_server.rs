//! A local Amazon Cognito User Pools endpoint: the `userpool` engine behind
//! the AWS JSON 1.1 protocol over HTTP, for the AWS CLI, the AWS SDKs
//! (boto3, ...), amazon-cognito-identity-js, pycognito and aws-jwt-verify.
//!
//! ```text
//! cargo run --release --example cognito_server -- --port 9229 --hashing test
//! ```
//!
//! Routes (all on 127.0.0.1 only):
//!
//! * `POST /` — the Cognito API: the operation is named by `X-Amz-Target`
//!   (`AWSCognitoIdentityProviderService.SignUp`), the body is the JSON input.
//!   The wire adapter (`userpool::wire::Registry`) is synchronous and CPU
//!   bound (Argon2id, SRP modular exponentiation), so every call runs in
//!   `tokio::task::spawn_blocking`, behind a semaphore sized to the cores.
//! * `OPTIONS /` — the CORS preflight browsers send for
//!   amazon-cognito-identity-js.
//! * `GET /{poolId}/.well-known/jwks.json` and
//!   `GET /{poolId}/.well-known/openid-configuration`.
//! * `GET /_outbox?pool_id=ID&username=NAME` — the messages (verification
//!   codes, temporary passwords) the pools "sent", oldest first.
//! * `GET /_health` — `ok` once the server listens.
//!
//! SigV4 signatures on admin calls are **not checked**: any credentials work.
//!
//! # Storage
//!
//! Without options everything lives in memory and is gone when the process
//! stops. `--data-dir DIR` keeps pools, app clients, users, codes and tokens
//! in the SQLite database `DIR/userpool.sqlite3`; `--postgres URL` keeps
//! them in PostgreSQL, where several servers can share them. Either way the
//! pools' secrets and signing keys are sealed under a master key that is
//! not in the database: `--master-key-file FILE` (64 hexadecimal digits),
//! else the environment variable `USERPOOL_MASTER_KEY`, else, with
//! `--data-dir` only, `DIR/master.key`, created (mode 0600) on first start.
//! After a restart the same pools, clients, users and refresh tokens are
//! there, and tokens issued before it still verify.

use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use userpool::Outbox;
use userpool::password::HashingParams;
use userpool::registry::{MasterKey, Registry, RegistryOptions};
use userpool::store::{PostgresStore, SqliteStore, Store};

const USAGE: &str = "\
cognito_server: a local Amazon Cognito User Pools endpoint (AWS JSON 1.1 over HTTP)

USAGE:
    cargo run --release --example cognito_server -- [OPTIONS]

OPTIONS:
    --port <PORT>        TCP port on 127.0.0.1 [default: 9229]; 0 picks a free one
                         (the chosen port is printed)
    --hashing <PRESET>   Argon2id parameters for stored passwords [default: owasp]
                           owasp  OWASP's parameters (19 MiB, t=2, p=1), ~25 ms a hash
                           test   INSECURE cheap parameters for test suites; hashes
                                  made with them protect nothing -- never use this
                                  preset for real users' passwords
    --region <REGION>    region of the pool ids and token issuers [default: us-east-1]
    --data-dir <DIR>     keep everything in the SQLite database DIR/userpool.sqlite3
    --postgres <URL>     keep everything in PostgreSQL (several servers may share it),
                         e.g. postgres://user@127.0.0.1:5432/userpool
    --master-key-file <FILE>
                         the key (64 hex digits) that seals the pools' secrets and
                         signing keys in the database; else $USERPOOL_MASTER_KEY;
                         else, with --data-dir, DIR/master.key (created if missing)
    -h, --help           print this help

ROUTES:
    POST /                                        Cognito API (X-Amz-Target + JSON body)
    GET  /{poolId}/.well-known/jwks.json          the pool's signing keys
    GET  /{poolId}/.well-known/openid-configuration
    GET  /_outbox?pool_id=ID&username=NAME        codes and messages the pools sent
    GET  /_health                                 readiness probe

SECURITY:
    Listens on 127.0.0.1 only. Admin (SigV4) calls are accepted with ANY
    credentials: the signature is not checked. Without --data-dir or
    --postgres all state is in memory. This is a development and test tool,
    not an identity provider.
";

/// The browser headers amazon-cognito-identity-js and the AWS SDKs send.
const ALLOW_HEADERS: &str = "content-type,x-amz-target,x-amz-user-agent,cache-control,\
authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256,amz-sdk-invocation-id,\
amz-sdk-request";
const EXPOSE_HEADERS: &str = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
const AMZ_JSON: &str = "application/x-amz-json-1.1";

struct Options {
    port: u16,
    hashing: HashingParams,
    hashing_name: &'static str,
    region: String,
    data_dir: Option<std::path::PathBuf>,
    postgres: Option<String>,
    master_key_file: Option<std::path::PathBuf>,
}

fn parse_args() -> Result<Option<Options>, Box<dyn Error>> {
    let mut options = Options {
        port: 9229,
        hashing: HashingParams::OWASP,
        hashing_name: "owasp",
        region: "us-east-1".to_owned(),
        data_dir: None,
        postgres: None,
        master_key_file: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value (see --help)"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            "--port" => {
                let v = value("--port")?;
                options.port = v.parse().map_err(|_| format!("--port: not a port: {v}"))?;
            }
            "--hashing" => match value("--hashing")?.as_str() {
                "owasp" => {
                    options.hashing = HashingParams::OWASP;
                    options.hashing_name = "owasp";
                }
                "test" => {
                    options.hashing = HashingParams::insecure_fast_for_tests();
                    options.hashing_name = "test (INSECURE: never for real users)";
                }
                other => {
                    return Err(format!("--hashing: expected owasp or test, got {other}").into());
                }
            },
            "--region" => options.region = value("--region")?,
            "--data-dir" => options.data_dir = Some(value("--data-dir")?.into()),
            "--postgres" => options.postgres = Some(value("--postgres")?),
            "--master-key-file" => {
                options.master_key_file = Some(value("--master-key-file")?.into());
            }
            other => return Err(format!("unknown argument {other} (see --help)").into()),
        }
    }
    if options.data_dir.is_some() && options.postgres.is_some() {
        return Err("--data-dir and --postgres exclude each other".into());
    }
    Ok(Some(options))
}

/// A durable store, the key that seals the pools in it, and its description.
type Storage = (Arc<dyn Store>, MasterKey, String);

/// The store and master key the options ask for: `None` for memory only.
fn storage(options: &Options) -> Result<Option<Storage>, Box<dyn Error>> {
    let (store, described): (Arc<dyn Store>, String) = match (&options.data_dir, &options.postgres)
    {
        (Some(dir), _) => {
            std::fs::create_dir_all(dir)?;
            let path = dir.join("userpool.sqlite3");
            let store = SqliteStore::open(&path)
                .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            (Arc::new(store), format!("SQLite {}", path.display()))
        }
        (None, Some(url)) => {
            let store = PostgresStore::connect(url).map_err(|e| format!("PostgreSQL: {e}"))?;
            (Arc::new(store), "PostgreSQL".to_owned())
        }
        (None, None) => return Ok(None),
    };
    let key = master_key(options)?;
    Ok(Some((store, key, described)))
}

fn master_key(options: &Options) -> Result<MasterKey, Box<dyn Error>> {
    let parse = |text: &str, from: &str| {
        MasterKey::from_hex(text).map_err(|e| format!("master key from {from}: {}", e.message()))
    };
    if let Some(file) = &options.master_key_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        return Ok(parse(&text, &file.display().to_string())?);
    }
    if let Ok(text) = std::env::var("USERPOOL_MASTER_KEY") {
        return Ok(parse(&text, "USERPOOL_MASTER_KEY")?);
    }
    let Some(dir) = &options.data_dir else {
        return Err(
            "--postgres needs a master key: --master-key-file FILE or USERPOOL_MASTER_KEY".into(),
        );
    };
    let file = dir.join("master.key");
    if let Ok(text) = std::fs::read_to_string(&file) {
        return Ok(parse(&text, &file.display().to_string())?);
    }
    let key = MasterKey::generate().map_err(|e| e.message().to_owned())?;
    write_private(&file, key.to_hex().as_bytes())?;
    println!(
        "created master key {} in {} (keep it apart from the database in production)",
        key.id(),
        file.display()
    );
    Ok(key)
}

/// Creates `path` readable by its owner only, refusing to replace a file.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), Box<dyn Error>> {
    use std::io::Write;
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    let mut file = open
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

#[derive(Clone)]
struct AppState {
    registry: Arc<Registry>,
    outbox: Outbox,
    /// Bounds the CPU-bound calls in flight (and the Argon2 memory they use).
    permits: Arc<Semaphore>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let options = match parse_args() {
        Ok(Some(options)) => options,
        Ok(None) => return Ok(()),
        Err(e) => {
            eprintln!("cognito_server: {e}");
            std::process::exit(2);
        }
    };
    // The stores are synchronous (the `postgres` client drives a runtime of
    // its own, which must not run on one of tokio's threads): open them, and
    // load the stored pools, before tokio starts.
    let outbox = Outbox::new();
    let (registry, persistence) = match open_registry(&options, &outbox) {
        Ok(opened) => opened,
        Err(e) => {
            eprintln!("cognito_server: {e}");
            std::process::exit(1);
        }
    };
    let registry = Arc::new(registry);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(serve(options, Arc::clone(&registry), outbox, &persistence));
    // Dropped here, outside the runtime: closing PostgreSQL connections
    // blocks, which tokio forbids on its own threads.
    drop(runtime);
    drop(registry);
    if served.is_ok() {
        println!("cognito_server stopped");
    }
    served
}

/// The registry the options ask for, its stored pools loaded, and a line
/// saying where its state lives.
fn open_registry(options: &Options, outbox: &Outbox) -> Result<(Registry, String), Box<dyn Error>> {
    let mut registry_options = RegistryOptions {
        region: options.region.clone(),
        sender: Arc::new(outbox.clone()),
        hashing: options.hashing,
        ..RegistryOptions::default()
    };
    let persistence = match storage(options)? {
        Some((store, key, described)) => {
            registry_options.store = store;
            let line = format!("state in {described}, sealed with master key {}", key.id());
            registry_options.master_keys = vec![key];
            line
        }
        None => "state is in memory only".to_owned(),
    };
    let registry = Registry::open(registry_options)
        .map_err(|e| format!("cannot load the stored pools: {}", e.message()))?;
    Ok((registry, persistence))
}

async fn serve(
    options: Options,
    registry: Arc<Registry>,
    outbox: Outbox,
    persistence: &str,
) -> Result<(), Box<dyn Error>> {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let state = AppState {
        registry,
        outbox,
        permits: Arc::new(Semaphore::new(cores)),
    };

    let app = Router::new()
        .route("/", post(api).options(preflight).get(root))
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .route("/_outbox", get(outbox_messages))
        .route("/_health", get(|| async { "ok" }))
        .fallback(not_found)
        .layer(axum::middleware::map_response(cors))
        .with_state(state);

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    println!(
        "cognito_server listening on http://{local} (hashing: {}, region: {}, {cores} worker permits)",
        options.hashing_name, options.region
    );
    println!("SigV4 signatures are not checked; {persistence}.");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// The pool `id`, looked up off the async threads (a persistent registry
/// reads the store, which blocks).
async fn find_pool(state: &AppState, id: String) -> Option<userpool::UserPool> {
    let registry = Arc::clone(&state.registry);
    tokio::task::spawn_blocking(move || registry.pool(&id).ok())
        .await
        .ok()
        .flatten()
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    println!("shutting down");
}

/// Adds the CORS headers real Cognito sends to every response.
async fn cors(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
    response
}

/// `OPTIONS /`: the browser's CORS preflight.
async fn preflight(headers: HeaderMap) -> Response {
    // Echo what the browser asks for when it is a plain header list, else
    // answer with the list the Cognito clients use.
    let requested = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .filter(|v| {
            v.to_str().is_ok_and(|s| {
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_, ".contains(&b))
            })
        })
        .cloned()
        .unwrap_or(HeaderValue::from_static(ALLOW_HEADERS));
    (
        StatusCode::OK,
        [
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST, GET, OPTIONS"),
            ),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, requested),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            ),
        ],
    )
        .into_response()
}

fn request_id() -> HeaderValue {
    HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).unwrap_or(HeaderValue::from_static(
        "00000000-0000-4000-8000-000000000000",
    ))
}

/// An `x-amzn-ErrorMessage` value: header values must be visible ASCII.
fn header_text(s: &str) -> HeaderValue {
    let cleaned: String = s
        .chars()
        .take(1024)
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect();
    HeaderValue::from_str(&cleaned).unwrap_or(HeaderValue::from_static(""))
}

fn amz_response(status: u16, body: String, error: Option<(&str, &str)>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
    h.insert(HeaderName::from_static("x-amzn-requestid"), request_id());
    if let Some((error_type, message)) = error {
        h.insert(
            HeaderName::from_static("x-amzn-errortype"),
            header_text(&format!("{error_type}:")),
        );
        h.insert(
            HeaderName::from_static("x-amzn-errormessage"),
            header_text(message),
        );
    }
    response
}

/// `POST /`: one Cognito API call.
async fn api(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let Ok(permit) = Arc::clone(&state.permits).acquire_owned().await else {
        return internal_error("the server is shutting down");
    };
    let registry = Arc::clone(&state.registry);
    let joined = tokio::task::spawn_blocking(move || {
        let response = userpool::wire::handle(&registry, &target, &body);
        drop(permit);
        response
    })
    .await;
    match joined {
        Ok(r) => {
            let message = r.error_type.map(|_| {
                serde_json::from_str::<Value>(&r.body)
                    .ok()
                    .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
                    .unwrap_or_default()
            });
            let error = r.error_type.zip(message.as_deref());
            amz_response(r.status, r.body.clone(), error)
        }
        Err(_) => internal_error("The request failed inside the engine."),
    }
}

fn internal_error(message: &str) -> Response {
    let body = json!({"__type": "InternalErrorException", "message": message}).to_string();
    amz_response(500, body, Some(("InternalErrorException", message)))
}

/// `GET /`: a hint for people who open the endpoint in a browser.
async fn root() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "userpool local Cognito endpoint: POST the AWS JSON 1.1 API here \
         (X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>).\n",
    )
}

async fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        json!({"message": "Not Found"}).to_string(),
    )
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn pool_not_found(pool_id: &str) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        json!({"message": format!("User pool {pool_id} not found.")}).to_string(),
    )
}

/// `GET /{poolId}/.well-known/jwks.json`.
async fn jwks(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    match find_pool(&state, pool_id.clone()).await {
        Some(pool) => json_response(StatusCode::OK, pool.jwks_json()),
        None => pool_not_found(&pool_id),
    }
}

/// `GET /{poolId}/.well-known/openid-configuration`. The issuer stays the
/// pool's own (Cognito's `https://cognito-idp.<region>.amazonaws.com/<id>`
/// by default, which aws-jwt-verify requires); `jwks_uri` points at this
/// server so discovery-based verifiers can fetch the keys. The OAuth 2.0
/// endpoints are listed because OpenID discovery requires them, but this
/// server has no hosted UI: they answer 404.
async fn openid_configuration(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(pool) = find_pool(&state, pool_id.clone()).await else {
        return pool_not_found(&pool_id);
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".:-[]".contains(&b))
        })
        .unwrap_or("127.0.0.1");
    let base = format!("http://{host}/{pool_id}");
    let doc = json!({
        "issuer": pool.issuer(),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "response_types_supported": ["code", "token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "token_use",
            "cognito:username", "cognito:groups", "email", "email_verified",
            "phone_number", "phone_number_verified"],
    });
    json_response(StatusCode::OK, doc.to_string())
}

#[derive(Deserialize)]
struct OutboxQuery {
    pool_id: Option<String>,
    username: Option<String>,
}

/// `GET /_outbox?pool_id=ID&username=NAME`: the messages sent, oldest first
/// (newest last). `username` matches the internal username or the
/// destination (so an email-as-username pool can be asked by email); both
/// parameters are optional filters.
async fn outbox_messages(State(state): State<AppState>, Query(q): Query<OutboxQuery>) -> Response {
    let messages: Vec<Value> = state
        .outbox
        .messages()
        .into_iter()
        .filter(|m| q.pool_id.as_deref().is_none_or(|p| m.pool_id == p))
        .filter(|m| {
            q.username
                .as_deref()
                .is_none_or(|u| m.username == u || m.destination == u)
        })
        .map(|m| {
            json!({
                "pool_id": m.pool_id,
                "username": m.username,
                "destination": m.destination,
                "medium": m.medium.as_str(),
                "subject": m.subject,
                "body": m.body,
                "code": m.code.expose_secret(),
                "sent_at": m.sent_at.unix_millis() as f64 / 1000.0,
            })
        })
        .collect();
    json_response(StatusCode::OK, json!({ "messages": messages }).to_string())
}
