//! `userpool-server`: the flags, then [`userpool_server::run`].

use std::process::ExitCode;

use userpool_server::{ErrorKind, Hashing, Server, ServerBuilder, Storage};

const USAGE: &str = "\
userpool-server: a local Amazon Cognito User Pools endpoint (AWS JSON 1.1 over HTTP)

USAGE:
    userpool-server [OPTIONS]
    cargo run --release -p userpool-server -- [OPTIONS]

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
    --credentials <ACCESS_KEY_ID:SECRET>
                         verify SigV4 signatures: admin (signed) operations and
                         GET /_outbox must be signed with this key, for --region and
                         the service cognito-idp; repeat for more keys. Else
                         $USERPOOL_CREDENTIALS (comma-separated pairs; preferred:
                         flags show in the process list). Without either, admin
                         calls are accepted with ANY credentials
    --public-url <URL>   the base URL clients reach the server at, as documents name
                         it (jwks_uri in the OpenID configuration); never taken
                         from the Host header [default: http://127.0.0.1:<port>]
    --tls-cert <FILE>    serve HTTPS (HTTP/1.1 over TLS, rustls) with the PEM
                         certificate chain in FILE; needs --tls-key. The public URL
                         then defaults to https://127.0.0.1:<port>. Without TLS the
                         hosted pages' cookies are not Secure
    --tls-key <FILE>     the PEM private key (PKCS#8, PKCS#1 or SEC1) of --tls-cert
    --issuer-mode <MODE> the issuer (iss) of every pool's tokens [default: cognito]
                           cognito  https://cognito-idp.<region>.amazonaws.com/<poolId>,
                                    as aws-jwt-verify's CognitoJwtVerifier expects
                           local    <public URL>/<poolId>, where the discovery
                                    document is served, as OpenID discovery
                                    clients (openid-client) require
    --sweep-interval <SECONDS>
                         how often expired codes, limit records, refresh tokens and
                         revocations are deleted from the store; 0: never [default: 300]
    --lambda-endpoint <URL>
                         invoke the functions of the pools' LambdaConfig through the
                         AWS Lambda Invoke API at URL: POST
                         URL/2015-03-31/functions/NAME/invocations, NAME the
                         function name of the ARN (its 7th field). http:// only: a
                         local runner (sam local start-lambda, serverless-offline);
                         https:// is refused (no TLS, and no SigV4 signing for
                         real AWS). Without it a pool's triggers fail with
                         UnexpectedLambdaException: No Lambda endpoint is configured.
    --lambda-function <ARN=NAME>
                         invoke the function ARN (as in LambdaConfig) as NAME
                         instead; repeat for more functions
    --lambda-timeout <SECONDS>
                         how long one invocation may take; a function that does not
                         answer in time is tried three times in all, as in
                         Cognito [default: 5]
    --custom-sender-codes plaintext
                         hand CustomEmailSender/CustomSMSSender functions their
                         codes base64-encoded IN CLEAR (no KMS here), for local
                         functions that skip decryption; without it sending
                         through a custom sender fails (UnexpectedLambdaException)
    -h, --help           print this help

ROUTES:
    POST /                                        Cognito API (X-Amz-Target + JSON body)
    GET  /{poolId}/.well-known/jwks.json          the pool's signing keys
    GET  /{poolId}/.well-known/openid-configuration
    GET  /_outbox?pool_id=ID&username=NAME        codes and messages a pool sent (pool_id
                                                  required; signed when --credentials)
    GET  /_health                                 readiness probe
    *    /{domain}/...                            a user pool domain's OAuth endpoints
                                                  (/oauth2/authorize, /login, /oauth2/token,
                                                  ...); also every path when Host is
                                                  <prefix>.auth.<region>.amazoncognito.com or
                                                  a custom domain

SECURITY:
    Listens on 127.0.0.1 only. Without --credentials (or
    $USERPOOL_CREDENTIALS) admin (SigV4-signed) calls are accepted with ANY
    credentials: the signature is not checked; the start-up lines say which.
    CORS headers come only with the public operations browsers call; admin
    operations and /_outbox are refused to requests carrying Origin, and
    served only under the server's own host names (127.0.0.1, localhost,
    the --public-url host), against DNS rebinding. A
    request head or body not received within 5 s closes the connection; at
    most 1024 connections are open at once; on SIGTERM or Ctrl-C requests in
    flight get 3 s to finish, then every connection is closed.
    Without --data-dir or --postgres all state is in memory. This is a
    development and test tool, not an identity provider.
";

const DEFAULT_PORT: u16 = 9229;
/// Where the master key is read from when no `--master-key-file` is given.
const MASTER_KEY_ENV: &str = "USERPOOL_MASTER_KEY";
/// Where access keys are read from when no `--credentials` is given.
const CREDENTIALS_ENV: &str = "USERPOOL_CREDENTIALS";

fn main() -> ExitCode {
    let builder = match parse_args(std::env::args().skip(1)) {
        Ok(Some(builder)) => builder,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("userpool-server: {e}");
            return ExitCode::from(2);
        }
    };
    match userpool_server::run(builder) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.kind() == ErrorKind::MissingMasterKey {
                eprintln!(
                    "userpool-server: --postgres needs a master key: \
                     --master-key-file FILE or {MASTER_KEY_ENV}"
                );
            } else {
                eprintln!("userpool-server: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The server the flags describe, or `None` after printing the help.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<ServerBuilder>, String> {
    let mut builder = Server::builder()
        .port(DEFAULT_PORT)
        .master_key_env(MASTER_KEY_ENV)
        .credentials_env(CREDENTIALS_ENV);
    let mut data_dir = None;
    let mut postgres = None;
    let (mut tls_cert, mut tls_key) = (None::<String>, None::<String>);
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
                let port = v.parse().map_err(|_| format!("--port: not a port: {v}"))?;
                builder = builder.port(port);
            }
            "--hashing" => {
                let hashing = match value("--hashing")?.as_str() {
                    "owasp" => Hashing::Owasp,
                    "test" => Hashing::InsecureTest,
                    other => return Err(format!("--hashing: expected owasp or test, got {other}")),
                };
                builder = builder.hashing(hashing);
            }
            "--region" => builder = builder.region(value("--region")?),
            "--data-dir" => data_dir = Some(value("--data-dir")?),
            "--postgres" => postgres = Some(value("--postgres")?),
            "--master-key-file" => builder = builder.master_key_file(value("--master-key-file")?),
            "--public-url" => builder = builder.public_url(value("--public-url")?),
            "--tls-cert" => tls_cert = Some(value("--tls-cert")?),
            "--tls-key" => tls_key = Some(value("--tls-key")?),
            "--issuer-mode" => match value("--issuer-mode")?.as_str() {
                "cognito" => builder = builder.local_issuer(false),
                "local" => builder = builder.local_issuer(true),
                v => return Err(format!("--issuer-mode: expected cognito or local, got {v}")),
            },
            "--sweep-interval" => {
                let v = value("--sweep-interval")?;
                let secs: u64 = v
                    .parse()
                    .map_err(|_| format!("--sweep-interval: not a number of seconds: {v}"))?;
                builder = builder.sweep_interval(std::time::Duration::from_secs(secs));
            }
            "--lambda-endpoint" => builder = builder.lambda_endpoint(value("--lambda-endpoint")?),
            "--lambda-function" => {
                let v = value("--lambda-function")?;
                let (arn, name) = v
                    .rsplit_once('=')
                    .ok_or_else(|| format!("--lambda-function: expected ARN=NAME, got {v}"))?;
                builder = builder.lambda_function(arn, name);
            }
            "--lambda-timeout" => {
                let v = value("--lambda-timeout")?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 900.0)
                    .ok_or_else(|| {
                        format!("--lambda-timeout: not a number of seconds (0 to 900): {v}")
                    })?;
                builder = builder.lambda_timeout(std::time::Duration::from_secs_f64(secs));
            }
            "--custom-sender-codes" => match value("--custom-sender-codes")?.as_str() {
                "plaintext" => builder = builder.plaintext_sender_codes(true),
                v => {
                    return Err(format!(
                        "--custom-sender-codes: expected plaintext, got {v}"
                    ));
                }
            },
            "--credentials" => {
                let (id, secret) = credentials(&value("--credentials")?)?;
                builder = builder.access_key(id, secret);
            }
            other => return Err(format!("unknown argument {other} (see --help)")),
        }
    }
    match (tls_cert, tls_key) {
        (Some(cert), Some(key)) => builder = builder.tls(cert, key),
        (None, None) => {}
        _ => return Err("--tls-cert and --tls-key go together".into()),
    }
    let storage = match (data_dir, postgres) {
        (Some(_), Some(_)) => return Err("--data-dir and --postgres exclude each other".into()),
        (Some(dir), None) => Storage::SqliteDir(dir.into()),
        (None, Some(url)) => Storage::Postgres(url),
        (None, None) => Storage::Memory,
    };
    Ok(Some(builder.storage(storage)))
}

/// `ACCESS_KEY_ID:SECRET`, split at the first colon; the server checks
/// both parts when it starts.
fn credentials(pair: &str) -> Result<(String, String), String> {
    pair.split_once(':')
        .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
        .ok_or_else(|| "--credentials: expected ACCESS_KEY_ID:SECRET".to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::parse_args;

    fn refusal(args: &[&str]) -> String {
        match parse_args(args.iter().map(|a| (*a).to_owned())) {
            Err(message) => message,
            Ok(parsed) => panic!("{args:?} accepted: {parsed:?}"),
        }
    }

    #[test]
    fn the_flags_of_the_help_are_accepted_in_both_spellings() {
        let parsed = parse_args(
            [
                "--port=0",
                "--hashing",
                "test",
                "--region=eu-west-1",
                "--data-dir",
                "/tmp/x",
                "--master-key-file=/tmp/k",
                "--credentials",
                "AKIDTEST:s3cr3t/+x",
                "--credentials=AKID2:other:secret",
                "--public-url=https://cognito.test.example",
                "--sweep-interval",
                "60",
                "--lambda-endpoint",
                "http://127.0.0.1:3001",
                "--lambda-function=arn:aws:lambda:us-east-1:123456789012:function:pre=Stack/Pre",
                "--lambda-timeout=0.5",
                "--custom-sender-codes=plaintext",
                "--issuer-mode",
                "local",
                "--tls-cert=/tmp/cert.pem",
                "--tls-key",
                "/tmp/key.pem",
            ]
            .map(str::to_owned)
            .into_iter(),
        );
        assert!(matches!(parsed, Ok(Some(_))), "{parsed:?}");
        assert!(matches!(parse_args(std::iter::empty()), Ok(Some(_))));
    }

    #[test]
    fn help_starts_nothing() {
        assert!(matches!(
            parse_args(["-h".to_owned()].into_iter()),
            Ok(None)
        ));
        assert!(matches!(
            parse_args(["--help".to_owned()].into_iter()),
            Ok(None)
        ));
    }

    #[test]
    fn wrong_flags_are_refused_with_the_reason() {
        assert_eq!(
            refusal(&["--data-dir", "/tmp/x", "--postgres", "postgres://h/db"]),
            "--data-dir and --postgres exclude each other"
        );
        assert_eq!(refusal(&["--port", "99999"]), "--port: not a port: 99999");
        assert_eq!(refusal(&["--port"]), "--port needs a value (see --help)");
        assert_eq!(
            refusal(&["--hashing=fast"]),
            "--hashing: expected owasp or test, got fast"
        );
        assert_eq!(
            refusal(&["--tls-cert", "/tmp/cert.pem"]),
            "--tls-cert and --tls-key go together"
        );
        assert_eq!(
            refusal(&["--issuer-mode=aws"]),
            "--issuer-mode: expected cognito or local, got aws"
        );
        assert_eq!(
            refusal(&["--verbose"]),
            "unknown argument --verbose (see --help)"
        );
        assert_eq!(
            refusal(&["--lambda-function", "arn:aws:lambda:x"]),
            "--lambda-function: expected ARN=NAME, got arn:aws:lambda:x"
        );
        assert_eq!(
            refusal(&["--lambda-timeout", "0"]),
            "--lambda-timeout: not a number of seconds (0 to 900): 0"
        );
        assert_eq!(
            refusal(&["--custom-sender-codes", "kms"]),
            "--custom-sender-codes: expected plaintext, got kms"
        );
        assert_eq!(
            refusal(&["--credentials", "nocolon"]),
            "--credentials: expected ACCESS_KEY_ID:SECRET"
        );
    }
}
