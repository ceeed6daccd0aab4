//! A local Amazon Cognito User Pools endpoint: the [`userpool`] engine behind
//! Cognito's own wire protocol (AWS JSON 1.1 over HTTP), for the AWS CLI, the
//! AWS SDKs (boto3, ...), amazon-cognito-identity-js, pycognito and
//! aws-jwt-verify.
//!
//! Run it as a program:
//!
//! ```text
//! cargo run --release -p userpool-server -- --port 9229 --hashing test
//! cargo install --path server     # installs the userpool-server binary
//! ```
//!
//! or start it inside a Rust test, or any tokio program, on a free port:
//!
//! ```
//! use userpool_server::{Hashing, Server};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), userpool_server::Error> {
//! let server = Server::builder().hashing(Hashing::InsecureTest).start().await?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! // ... point a Cognito client at server.url(), read codes from server.outbox() ...
//! server.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Routes
//!
//! All on 127.0.0.1 only:
//!
//! * `POST /`: the Cognito API. The operation is named by `X-Amz-Target`
//!   (`AWSCognitoIdentityProviderService.SignUp`), the body is the JSON
//!   input; errors are `{"__type","message"}` with `x-amzn-ErrorType`.
//! * `OPTIONS /`: the CORS preflight browsers send for
//!   amazon-cognito-identity-js and Amplify.
//! * `GET /{poolId}/.well-known/jwks.json` and
//!   `GET /{poolId}/.well-known/openid-configuration`; the URLs in the
//!   latter start with the [public URL](ServerBuilder::public_url), never
//!   the request's `Host`.
//! * `GET /_outbox?pool_id=ID&username=NAME`: the messages (verification
//!   codes, temporary passwords) a pool "sent", oldest first. `pool_id` is
//!   required; with access keys configured the request must be signed.
//! * `GET /_health`: `ok` once the server listens.
//! * Any method on `/<domain>/…`, where `<domain>` is a user pool domain
//!   (`CreateUserPoolDomain`): that domain's OAuth 2.0 endpoints
//!   (cognito-oauth.md §4), answered by [`userpool::oauth::handle`] with the
//!   base URL `<public URL>/<domain>`. A request whose `Host` is a domain's
//!   host name (`<prefix>.auth.<region>.amazoncognito.com` or a custom
//!   domain, for tests that resolve those names to 127.0.0.1) goes whole to
//!   that domain instead, with the base URL `<scheme>://<Host>`. Domain
//!   cookies are `Secure` only over TLS.
//!
//! # TLS
//!
//! [`ServerBuilder::tls`] (the binary's `--tls-cert FILE --tls-key FILE`,
//! PEM) makes the listener serve HTTPS only, with rustls; the public URL
//! then defaults to `https://127.0.0.1:PORT`. Without it the server speaks
//! plain HTTP, and the hosted pages' cookies are not `Secure`.
//!
//! # Browsers
//!
//! Only the public operations browsers call (`SignUp`, `InitiateAuth`, ...)
//! and the key documents carry CORS headers. The preflight is allowed only
//! for `POST` with the headers those operations' browser clients send; a
//! signed (admin) operation or `/_outbox` requested with an `Origin` header
//! is refused with 403 before it runs.
//!
//! # Slow clients
//!
//! A connection must send a request head within 5 seconds of being ready
//! for one, and then its body within 5 more
//! ([`ServerBuilder::request_timeouts`]), else it is closed; bodies are at
//! most 2 MiB (else 413 `RequestEntityTooLargeException`, in Cognito's
//! error format); at most 1024 connections are open at once
//! ([`ServerBuilder::max_connections`]); and a shutdown gives the requests
//! in flight 3 seconds ([`ServerBuilder::shutdown_grace`]) before closing
//! every connection, so a stalled client cannot hold it.
//!
//! # Signatures
//!
//! By default SigV4 signatures on admin calls are **not checked**: any
//! credentials work. Given access keys ([`ServerBuilder::access_key`],
//! [`ServerBuilder::credentials_env`]; the binary's `--credentials` and
//! `USERPOOL_CREDENTIALS`), every operation AWS's clients sign (all but
//! [`userpool::wire::UNSIGNED_OPERATIONS`]) must carry a valid signature by
//! one of them, for the server's region and the service `cognito-idp`,
//! within 5 minutes of the server's clock; else the answer is AWS's
//! `MissingAuthenticationTokenException`, `UnrecognizedClientException`,
//! `InvalidSignatureException` or `IncompleteSignatureException` (400).
//! The verification itself is `userpool::wire::sigv4`, a pure function of
//! the raw request.
//!
//! # Lambda triggers
//!
//! A pool's `LambdaConfig` is accepted, stored and described on any server.
//! Given a Lambda endpoint ([`ServerBuilder::lambda_endpoint`], the binary's
//! `--lambda-endpoint`), the functions it names are invoked through the AWS
//! Lambda Invoke API by a [`LambdaInvoker`]: `http://` only (a local runner
//! such as `sam local start-lambda` or serverless-offline; no TLS and no
//! SigV4 signing for real AWS), 5 seconds an attempt
//! ([`ServerBuilder::lambda_timeout`]), function names from the ARNs or
//! [`ServerBuilder::lambda_function`]. Without an endpoint an operation
//! that fires a configured trigger fails with `UnexpectedLambdaException`
//! `<Trigger> invocation failed due to error No Lambda endpoint is
//! configured.` Invocations run with the rest of the operation on a
//! blocking thread, never on the async executor.
//!
//! # Storage
//!
//! By default everything lives in memory and is gone when the server stops.
//! [`Storage::SqliteDir`] keeps pools, app clients, users, codes and tokens
//! in the SQLite database `DIR/userpool.sqlite3`; [`Storage::Postgres`]
//! keeps them in PostgreSQL, where several servers can share them. Either
//! way the pools' secrets and signing keys are sealed under a master key
//! that is not in the database: the one given
//! ([`ServerBuilder::master_key`], [`ServerBuilder::master_key_file`]),
//! else the environment variable named by
//! [`ServerBuilder::master_key_env`] (the binary's is
//! `USERPOOL_MASTER_KEY`), else, with a data directory only,
//! `DIR/master.key`, created (mode 0600) on first start. After a restart the
//! same pools, clients, users and refresh tokens are there, and tokens
//! issued before it still verify.
#![forbid(unsafe_code)]

mod config;
mod domains;
mod error;
mod lambda;
mod permit;
mod routes;
mod run;
mod serve;
mod server;
mod storage;
mod sweep;
mod tls;

pub use config::{Hashing, Storage};
pub use error::{Error, ErrorKind};
pub use lambda::LambdaInvoker;
pub use run::run;
pub use server::{Server, ServerBuilder};
