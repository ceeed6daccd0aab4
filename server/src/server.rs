//! Starting a server inside a tokio program, and stopping it.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinHandle;
use userpool::Outbox;
use userpool::registry::{MasterKey, Registry};
use userpool::triggers::{FunctionRef, Invoke};
use userpool::wire::sigv4::{AccessKey, Verifier};

use crate::config::{self, Hashing, Options, Storage};
use crate::error::{Error, ErrorKind};
use crate::lambda::LambdaInvoker;
use crate::routes::{self, AppState};
use crate::serve;
use crate::storage::{self, Engine, KeySource};
use crate::sweep::{self, Sweeper};

/// Collects a server's options; [`start`](Self::start) opens its storage and
/// starts it. Made by [`Server::builder`].
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until started"]
pub struct ServerBuilder {
    options: Options,
}

impl ServerBuilder {
    /// The TCP port on 127.0.0.1; 0 picks a free one ([`Server::url`] names
    /// it). Defaults to 0.
    pub fn port(mut self, port: u16) -> Self {
        self.options.port = port;
        self
    }

    /// The Argon2id parameters stored passwords are hashed with. Defaults to
    /// [`Hashing::Owasp`]; test suites want [`Hashing::InsecureTest`].
    pub fn hashing(mut self, hashing: Hashing) -> Self {
        self.options.hashing = hashing;
        self
    }

    /// The region of the pool ids and token issuers. Defaults to `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.options.region = region.into();
        self
    }

    /// Where the state lives. Defaults to [`Storage::Memory`]. The durable
    /// stores need a master key: [`master_key`](Self::master_key),
    /// [`master_key_file`](Self::master_key_file) or
    /// [`master_key_env`](Self::master_key_env), or for
    /// [`Storage::SqliteDir`] alone the directory's `master.key`.
    pub fn storage(mut self, storage: Storage) -> Self {
        self.options.storage = storage;
        self
    }

    /// The key that seals the pools' secrets and signing keys in a durable
    /// store. Replaces a [`master_key_file`](Self::master_key_file).
    pub fn master_key(mut self, key: MasterKey) -> Self {
        self.options.master_key = Some(KeySource::Key(key));
        self
    }

    /// A file holding the master key as 64 hexadecimal digits, read at
    /// start. Replaces a [`master_key`](Self::master_key).
    pub fn master_key_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.options.master_key = Some(KeySource::File(file.into()));
        self
    }

    /// An environment variable holding the master key as 64 hexadecimal
    /// digits, read at start when it is set and neither
    /// [`master_key`](Self::master_key) nor
    /// [`master_key_file`](Self::master_key_file) was given. The binary uses
    /// `USERPOOL_MASTER_KEY`. Defaults to none: the environment is not read.
    pub fn master_key_env(mut self, variable: impl Into<String>) -> Self {
        self.options.master_key_env = Some(variable.into());
        self
    }

    /// An access key that signed (admin) operations may be signed with;
    /// call it once per key. With at least one key, every operation that
    /// AWS's clients sign with SigV4 (all but the public ones of
    /// [`userpool::wire::UNSIGNED_OPERATIONS`]) must carry a valid
    /// signature by one of them, for the server's region and the service
    /// `cognito-idp`, and `GET /_outbox` too. Defaults to none: signed
    /// operations are accepted with any credentials, unchecked.
    ///
    /// The id must be 1 to 128 letters and digits, the secret visible ASCII
    /// without commas; else [`start`](Self::start) fails with
    /// [`ErrorKind::Credentials`].
    pub fn access_key(
        mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        let (id, secret) = (access_key_id.into(), secret.into());
        if let Err(e) = config::check_access_key(&id, &secret) {
            self.options.access_key_error.get_or_insert(e);
        }
        self.options.access_keys.push(AccessKey::new(id, secret));
        self
    }

    /// An environment variable holding access keys as comma-separated
    /// `ACCESS_KEY_ID:SECRET` pairs, read at start when no
    /// [`access_key`](Self::access_key) was given. The binary uses
    /// `USERPOOL_CREDENTIALS`. Defaults to none: the environment is not read.
    pub fn credentials_env(mut self, variable: impl Into<String>) -> Self {
        self.options.credentials_env = Some(variable.into());
        self
    }

    /// The base URL clients reach this server at, as the documents it
    /// serves name it (`jwks_uri` in `/{poolId}/.well-known/openid-configuration`),
    /// e.g. `https://cognito.test.example`. Defaults to the address it
    /// listens on, `http://127.0.0.1:PORT`. The request's `Host` header is
    /// never used: a client could make the document point anywhere.
    ///
    /// It must start with `http://` or `https://` and have no query or
    /// fragment; else [`start`](Self::start) fails with
    /// [`ErrorKind::PublicUrl`].
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.options.public_url = Some(url.into());
        self
    }

    /// Serves HTTPS instead of HTTP, with the certificate chain in the PEM
    /// file `cert` and its private key in the PEM file `key` (the binary's
    /// `--tls-cert FILE --tls-key FILE`); the [public URL](Self::public_url)
    /// then defaults to `https://127.0.0.1:PORT`. Domain endpoints send
    /// `Strict-Transport-Security`, and their cookies are `Secure`, only
    /// over TLS. The header-read timeout counts the TLS handshake.
    ///
    /// [`start`](Self::start) fails with [`ErrorKind::Tls`] when a file
    /// cannot be read or holds no usable certificate or key.
    pub fn tls(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.options.tls_cert = Some(cert.into());
        self.options.tls_key = Some(key.into());
        self
    }

    /// Makes every pool's token issuer (`iss`, and `issuer` in the OpenID
    /// configuration) `<public URL>/<poolId>` instead of Cognito's
    /// `https://cognito-idp.<region>.amazonaws.com/<poolId>` (the binary's
    /// `--issuer-mode local`). OpenID discovery clients (openid-client)
    /// fetch `<issuer>/.well-known/openid-configuration` and demand that
    /// `issuer` equal that prefix; aws-jwt-verify's `CognitoJwtVerifier`
    /// demands Cognito's form instead (cognito-oauth.md §12). Tokens issued
    /// under one setting do not verify under the other. Off by default.
    pub fn local_issuer(mut self, on: bool) -> Self {
        self.options.local_issuer = on;
        self
    }

    /// How long a client may take to send a request's head (from the
    /// moment the connection is ready for a request, so an idle keep-alive
    /// connection is closed after it too) and then its body; a connection
    /// too slow is closed (a body too slow is first answered 408
    /// `RequestTimeoutException`). Defaults to 5 seconds each. Zero
    /// durations are raised to 1 millisecond.
    pub fn request_timeouts(mut self, header: Duration, body: Duration) -> Self {
        let floor = Duration::from_millis(1);
        self.options.limits.header_timeout = header.max(floor);
        self.options.limits.body_timeout = body.max(floor);
        self
    }

    /// How many connections may be open at once; once reached, new ones
    /// wait in the kernel's accept queue until one closes. Defaults to
    /// 1024; 0 counts as 1.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.options.limits.max_connections = connections.max(1);
        self
    }

    /// How long [`Server::shutdown`] (and the binary on SIGTERM) lets the
    /// requests in flight finish before closing every connection still
    /// open, stalled ones included. Defaults to 3 seconds.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.options.limits.shutdown_grace = grace;
        self
    }

    /// How often expired codes, one-time ids, limit records, refresh tokens
    /// and revocations are deleted from the store, on a blocking thread in
    /// short batches while requests are served. Defaults to 5 minutes;
    /// [`Duration::ZERO`] never sweeps.
    pub fn sweep_interval(mut self, every: Duration) -> Self {
        self.options.sweep_interval = every;
        self
    }

    /// The AWS Lambda Invoke API endpoint (`http://host:port`: a local
    /// runner such as `sam local start-lambda` or serverless-offline) that
    /// the functions named in a pool's `LambdaConfig` are invoked at, as
    /// [`LambdaInvoker`] describes. Defaults to none: a pool with a
    /// `LambdaConfig` is created, updated and described as usual, but an
    /// operation that fires one of its triggers fails with
    /// `UnexpectedLambdaException` `<Trigger> invocation failed due to error
    /// No Lambda endpoint is configured.`
    ///
    /// `https://` is refused by [`start`](Self::start)
    /// ([`ErrorKind::LambdaEndpoint`]): there is no TLS client, nor SigV4
    /// signing, which real AWS would need.
    pub fn lambda_endpoint(mut self, url: impl Into<String>) -> Self {
        self.options.lambda_endpoint = Some(url.into());
        self
    }

    /// Invokes the function whose ARN is `arn` (exactly as in the pools'
    /// `LambdaConfig`) as `name` instead of the ARN's function name (its
    /// 7th `:` field): serverless-offline names functions
    /// `<service>-<stage>-<function>`, SAM by logical id. Call it once per
    /// function. An `arn` that is not a Lambda function ARN makes
    /// [`start`](Self::start) fail with [`ErrorKind::LambdaEndpoint`].
    pub fn lambda_function(mut self, arn: impl Into<String>, name: impl Into<String>) -> Self {
        self.options
            .lambda_functions
            .push((arn.into(), name.into()));
        self
    }

    /// Hands `CustomEmailSender` / `CustomSMSSender` functions their codes
    /// base64-encoded **in clear** ([`userpool::triggers::PlaintextCodes`])
    /// instead of encrypted under the pool's `KMSKeyID`, which a local
    /// server cannot reach: for local functions that skip decryption.
    /// Without it a pool naming a custom sender is kept, and an operation
    /// that would send through it fails with `UnexpectedLambdaException`
    /// (`… No code encryptor is configured.`).
    pub fn plaintext_sender_codes(mut self, on: bool) -> Self {
        self.options.plaintext_sender_codes = on;
        self
    }

    /// How long one invocation attempt may take (connect, send, whole
    /// answer) before it counts as a timeout; Cognito makes three attempts.
    /// Defaults to 5 seconds, Cognito's; zero is raised to 1 millisecond.
    pub fn lambda_timeout(mut self, timeout: Duration) -> Self {
        self.options.lambda_timeout = timeout;
        self
    }

    /// Opens the storage (loading and checking the pools already in a
    /// durable store), binds the port on 127.0.0.1 and starts serving on the
    /// current tokio runtime, which must have its I/O driver enabled.
    ///
    /// # Errors
    /// When the store cannot be opened ([`ErrorKind::Storage`]), the master
    /// key cannot be read, parsed or created ([`ErrorKind::MasterKey`]), is
    /// missing for PostgreSQL ([`ErrorKind::MissingMasterKey`]), the stored
    /// pools cannot be read back with it ([`ErrorKind::LoadPools`]), an
    /// access key given or in the environment is malformed
    /// ([`ErrorKind::Credentials`]), the Lambda endpoint or a function
    /// mapping is unusable ([`ErrorKind::LambdaEndpoint`]), the TLS
    /// certificate or key is unusable ([`ErrorKind::Tls`]), the public URL is not a base URL
    /// ([`ErrorKind::PublicUrl`]), or the port cannot be bound
    /// ([`ErrorKind::Listen`]).
    pub async fn start(self) -> Result<Server, Error> {
        let (port, hashing) = (self.options.port, self.options.hashing);
        let region = self.options.region.clone();
        let limits = self.options.limits;
        let sweep_interval = self.options.sweep_interval;
        let public_url = self
            .options
            .public_url
            .as_deref()
            .map(config::check_public_url)
            .transpose()
            .map_err(|e| Error::new(ErrorKind::PublicUrl, e))?;
        let verifier =
            access_keys(&self.options)?.map(|keys| Arc::new(Verifier::new(region.clone(), keys)));
        let auth = match &verifier {
            Some(v) => {
                let ids: Vec<&str> = v.access_keys().iter().map(AccessKey::id).collect();
                format!(
                    "admin calls (SigV4-signed operations) are verified: access keys {}, \
                     region {region}, service cognito-idp",
                    ids.join(", ")
                )
            }
            None => "admin calls (SigV4-signed operations) are accepted with ANY credentials \
                     (SigV4 not checked)"
                .to_owned(),
        };
        let tls = match (&self.options.tls_cert, &self.options.tls_key) {
            (Some(cert), Some(key)) => Some(crate::tls::acceptor(cert, key)?),
            (None, None) => None,
            _ => {
                return Err(Error::new(
                    ErrorKind::Tls,
                    "TLS needs both a certificate and a key",
                ));
            }
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let invoker = lambda_invoker(&self.options)?;
        let lambda = match &invoker {
            Some(i) => format!(
                "Lambda endpoint {} (timeout {:?})",
                i.endpoint(),
                i.attempt_timeout()
            ),
            None => "no Lambda endpoint".to_owned(),
        };
        let invoker = invoker.map(|i| Arc::new(i) as Arc<dyn Invoke>);
        let outbox = Outbox::new();

        // Bound first: the public URL (and so a local issuer) may name the
        // port the system chose.
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .and_then(|listener| Ok((listener.local_addr()?, listener)));
        let (local, listener) = listener
            .map_err(|e| Error::new(ErrorKind::Listen, format!("cannot listen on {addr}: {e}")))?;
        let public_url = public_url.unwrap_or_else(|| format!("{scheme}://{local}"));
        let issuer_base = self.options.local_issuer.then(|| public_url.clone());

        // Opening a store blocks (and PostgreSQL's client must not start its
        // runtime on an async thread).
        let opened = {
            let outbox = outbox.clone();
            tokio::task::spawn_blocking(move || {
                storage::open(&self.options, &outbox, invoker, issuer_base)
            })
            .await
            .map_err(|e| Error::new(ErrorKind::Runtime, format!("opening the store: {e}")))??
        };
        let engine = Arc::new(opened.engine);
        let sweeper = sweep::spawn(Arc::downgrade(&engine), sweep_interval);

        let worker_permits = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let app = routes::router(AppState {
            engine: Arc::clone(&engine),
            outbox: outbox.clone(),
            permits: Arc::new(Semaphore::new(worker_permits)),
            verifier,
            own_hosts: routes::own_hosts(local, &public_url),
            public_url: public_url.into(),
            body_timeout: limits.body_timeout,
            tls: tls.is_some(),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        // A send or a dropped sender: either way, stop.
        let task = tokio::spawn(serve::serve(listener, tls, app, limits, stopped));
        Ok(Server {
            url: format!("{scheme}://{local}"),
            addr: local,
            outbox,
            engine,
            closed: opened.closed,
            stop,
            task,
            sweeper,
            about: About {
                hashing,
                region,
                worker_permits,
                auth,
                lambda,
                state: opened.state,
                created_key: opened.created_key,
            },
        })
    }
}

/// A running server: its address, its outbox and registry, and
/// [`shutdown`](Self::shutdown). Dropping it stops the server too, without
/// waiting.
pub struct Server {
    url: String,
    addr: SocketAddr,
    outbox: Outbox,
    engine: Arc<Engine>,
    /// Resolves once the engine is dropped and its store closed.
    closed: oneshot::Receiver<()>,
    /// Dropped or sent to stop accepting.
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    /// Aborted when the server is dropped or shut down.
    sweeper: Sweeper,
    pub(crate) about: About,
}

/// What the binary's start-up lines report.
#[derive(Debug)]
pub(crate) struct About {
    pub(crate) hashing: Hashing,
    pub(crate) region: String,
    pub(crate) worker_permits: usize,
    /// Whether signed operations are verified, and with which keys.
    pub(crate) auth: String,
    /// `Lambda endpoint URL (timeout 5s)`, or `no Lambda endpoint`.
    pub(crate) lambda: String,
    pub(crate) state: String,
    pub(crate) created_key: Option<(String, PathBuf)>,
}

impl Server {
    /// A builder with every option at its default: in memory, OWASP
    /// hashing, region `us-east-1`, a free port.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// The base URL, `http://127.0.0.1:PORT` (`https://` with
    /// [`ServerBuilder::tls`]), without a trailing slash: the
    /// endpoint to give Cognito clients.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The messages (verification codes, temporary passwords) the pools
    /// "sent", as `GET /_outbox` serves them.
    #[must_use]
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The pools the server answers for, to create or inspect pools without
    /// HTTP. Its methods may read the store, which blocks: on a tokio
    /// runtime, call them from `spawn_blocking` when the storage is durable.
    #[must_use]
    pub fn registry(&self) -> &Registry {
        self.engine.registry()
    }

    /// Stops accepting connections, closes the idle ones, lets the requests
    /// in flight finish for up to the [shutdown
    /// grace](ServerBuilder::shutdown_grace), closes every connection still
    /// open (stalled ones included), and returns once the store is closed.
    ///
    /// # Errors
    /// [`ErrorKind::Runtime`] when the serving task failed (panicked or was
    /// cancelled with its runtime).
    pub async fn shutdown(self) -> Result<(), Error> {
        let Self {
            stop,
            task,
            engine,
            closed,
            sweeper,
            ..
        } = self;
        drop(sweeper);
        drop(stop);
        let served = task.await;
        // The last handle on the engine is dropped by whoever holds it last:
        // this one, or a request still finishing on a blocking thread.
        drop(engine);
        // An error only means the store was closed without telling.
        let _ = closed.await;
        match served {
            Ok(()) => Ok(()),
            Err(e) => Err(Error::new(
                ErrorKind::Runtime,
                format!("the server task failed: {e}"),
            )),
        }
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// The invoker the options ask for, `None` without an endpoint.
fn lambda_invoker(options: &Options) -> Result<Option<LambdaInvoker>, Error> {
    let Some(endpoint) = &options.lambda_endpoint else {
        if let Some((arn, _)) = options.lambda_functions.first() {
            return Err(Error::new(
                ErrorKind::LambdaEndpoint,
                format!("--lambda-function {arn}=...: needs --lambda-endpoint"),
            ));
        }
        return Ok(None);
    };
    let mut invoker = LambdaInvoker::new(endpoint)?.timeout(options.lambda_timeout);
    for (arn, name) in &options.lambda_functions {
        FunctionRef::parse(arn).map_err(|_| {
            Error::new(
                ErrorKind::LambdaEndpoint,
                format!(
                    "--lambda-function {arn}={name}: not a Lambda function ARN \
                     (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])"
                ),
            )
        })?;
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(Error::new(
                ErrorKind::LambdaEndpoint,
                format!("--lambda-function {arn}=: the function name must not be empty"),
            ));
        }
        invoker = invoker.function_name(arn.clone(), name.clone());
    }
    Ok(Some(invoker))
}

/// The access keys the options give, else those of the environment
/// variable they name; `None` when there are none.
fn access_keys(options: &Options) -> Result<Option<Vec<AccessKey>>, Error> {
    if let Some(e) = &options.access_key_error {
        return Err(Error::new(ErrorKind::Credentials, e.clone()));
    }
    if !options.access_keys.is_empty() {
        return Ok(Some(options.access_keys.clone()));
    }
    let Some(var) = &options.credentials_env else {
        return Ok(None);
    };
    match std::env::var(var) {
        Ok(list) if !list.trim().is_empty() => config::parse_access_keys(&list)
            .map(Some)
            .map_err(|e| Error::new(ErrorKind::Credentials, format!("{var}: {e}"))),
        _ => Ok(None),
    }
}
