//! The server's Lambda Invoke client (`LambdaInvoker`) against a fake Invoke
//! endpoint (a std `TcpListener` in the test that records every request and
//! answers as cognito-triggers.md §6.1 describes), through the JSON bridge
//! the pools use (`JsonTriggers`); and `LambdaConfig` on a server started
//! without an endpoint.

// In a test a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use userpool::ErrorCode;
use userpool::triggers::{
    CallerContext, Event, FunctionRef, JsonTriggers, PreSignUpRequest, PreSignUpResponse,
    StringMap, Trigger, TriggerFunctions, TriggerSource, Triggers,
};
use userpool_server::{ErrorKind, Hashing, LambdaInvoker, Server};

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up";

/// One request the fake endpoint received.
#[derive(Clone, Debug)]
struct Received {
    request_line: String,
    /// Lower-cased names.
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// A fake Lambda Invoke endpoint on 127.0.0.1. The function name in the
/// path picks the answer:
///
/// * `ok`: 200, the event with a PreSignUp response that auto-confirms;
/// * `fails`: 200 + `X-Amz-Function-Error: Unhandled`, Node's error body;
/// * `slow`: answers after 2 s;
/// * `null`: 200, `null` (a handler that returned nothing);
/// * anything else: 404 `ResourceNotFoundException`.
struct FakeLambda {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl FakeLambda {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve(stream, &log));
            }
        });
        Self { url, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<Received>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the client closed before its request ended");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap().to_owned();
    let headers: BTreeMap<String, String> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_owned())
        })
        .collect();
    let length: usize = headers["content-length"].parse().unwrap();
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).unwrap();
        body.extend_from_slice(&chunk[..n]);
    }
    log.lock().unwrap().push(Received {
        request_line: request_line.clone(),
        headers,
        body: body.clone(),
    });
    let function = request_line
        .split(' ')
        .nth(1)
        .and_then(|p| p.strip_prefix("/2015-03-31/functions/"))
        .and_then(|p| p.strip_suffix("/invocations"))
        .unwrap_or_default()
        .to_owned();
    let (status, extra, payload) = match function.as_str() {
        "ok" => {
            let mut event: Value = serde_json::from_slice(&body).unwrap();
            event["response"] = json!({"autoConfirmUser": true, "autoVerifyEmail": true,
                                       "autoVerifyPhone": false});
            ("200 OK", String::new(), event.to_string())
        }
        "fails" => (
            "200 OK",
            "X-Amz-Function-Error: Unhandled\r\n".to_owned(),
            json!({"errorMessage": "Domain not allowed", "errorType": "Error",
                   "trace": ["Error: Domain not allowed", "    at handler (file:///x.mjs:1:1)"]})
            .to_string(),
        ),
        "slow" => {
            std::thread::sleep(Duration::from_secs(2));
            ("200 OK", String::new(), body_text(&body))
        }
        "null" => ("200 OK", String::new(), "null".to_owned()),
        other => (
            "404 Not Found",
            "x-amzn-ErrorType: ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awsgirlambda/\r\n".to_owned(),
            json!({"Type": "User", "Message": format!("Function not found: {other}")}).to_string(),
        ),
    };
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n{payload}",
        payload.len()
    );
    // The client may have given up (the slow function): nothing to do then.
    let _ = stream.write_all(answer.as_bytes());
}

fn body_text(body: &[u8]) -> String {
    String::from_utf8(body.to_vec()).unwrap()
}

/// PreSignUp served by the function `arn`, invoked through `invoker`.
fn bridge(arn: &str, invoker: LambdaInvoker) -> JsonTriggers<LambdaInvoker> {
    let functions =
        TriggerFunctions::new().with(Trigger::PreSignUp, FunctionRef::parse(arn).unwrap());
    JsonTriggers::new(functions, invoker)
}

fn sign_up_event() -> Event<PreSignUpRequest> {
    let attributes: StringMap = [("email".to_owned(), "jane@example.com".to_owned())].into();
    let mut request = PreSignUpRequest::new(attributes);
    request.client_metadata = Some([("invite".to_owned(), "X1".to_owned())].into());
    Event::new(
        TriggerSource::PreSignUpSignUp,
        "us-east-1",
        "us-east-1_TestPool1",
        "jane",
        CallerContext::new("client123"),
        request,
    )
}

/// The error a failed PreSignUp gives the operation: (code, message).
fn pre_sign_up_error(triggers: &impl Triggers) -> (ErrorCode, String) {
    let e = triggers
        .pre_sign_up(&sign_up_event())
        .unwrap_err()
        .into_error(Trigger::PreSignUp);
    (e.code(), e.message().to_owned())
}

fn arn_of(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

#[test]
fn an_invocation_posts_the_event_to_the_invoke_api_and_reads_the_response() {
    let fake = FakeLambda::start();
    // The ARN's own name is pre-sign-up; the mapping sends it to `ok`.
    let invoker = LambdaInvoker::new(&fake.url)
        .unwrap()
        .function_name(ARN, "ok");
    let response = bridge(ARN, invoker).pre_sign_up(&sign_up_event()).unwrap();
    assert_eq!(response, PreSignUpResponse::new(true, true, false));

    let received = fake.received();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert_eq!(
        r.request_line,
        "POST /2015-03-31/functions/ok/invocations HTTP/1.1"
    );
    assert_eq!(r.headers["x-amz-invocation-type"], "RequestResponse");
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(r.headers["host"], fake.url.strip_prefix("http://").unwrap());
    assert!(!r.headers.contains_key("x-amz-log-type"), "{:?}", r.headers);
    let event: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(event["version"], "1");
    assert_eq!(event["triggerSource"], "PreSignUp_SignUp");
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["userPoolId"], "us-east-1_TestPool1");
    assert_eq!(event["userName"], "jane");
    assert_eq!(event["callerContext"]["clientId"], "client123");
    assert_eq!(
        event["request"],
        json!({"userAttributes": {"email": "jane@example.com"}, "validationData": null,
               "clientMetadata": {"invite": "X1"}})
    );
}

#[test]
fn without_a_mapping_the_function_name_is_the_arns_and_is_percent_encoded() {
    let fake = FakeLambda::start();
    let qualified = format!("{ARN}:live");
    let invoker = LambdaInvoker::new(&format!("{}/", fake.url)).unwrap();
    let (code, message) = pre_sign_up_error(&bridge(&qualified, invoker.clone()));
    assert_eq!(code, ErrorCode::UnexpectedLambda);
    assert_eq!(
        message,
        "PreSignUp invocation failed due to error ResourceNotFoundException"
    );
    let mapped = invoker.function_name(qualified.clone(), "Stack/Pre Sign");
    pre_sign_up_error(&bridge(&qualified, mapped));
    let lines: Vec<String> = fake
        .received()
        .into_iter()
        .map(|r| r.request_line)
        .collect();
    assert_eq!(
        lines,
        [
            "POST /2015-03-31/functions/pre-sign-up/invocations HTTP/1.1",
            "POST /2015-03-31/functions/Stack%2FPre%20Sign/invocations HTTP/1.1",
        ]
    );
}

#[test]
fn a_function_error_is_user_lambda_validation_with_its_error_message_once() {
    let fake = FakeLambda::start();
    let invoker = LambdaInvoker::new(&fake.url).unwrap();
    let (code, message) = pre_sign_up_error(&bridge(&arn_of("fails"), invoker));
    assert_eq!(code, ErrorCode::UserLambdaValidation);
    assert_eq!(message, "PreSignUp failed with error Domain not allowed.");
    assert_eq!(fake.received().len(), 1, "function errors are not retried");
}

#[test]
fn a_missing_function_is_unexpected_lambda_with_the_error_type_once() {
    let fake = FakeLambda::start();
    let invoker = LambdaInvoker::new(&fake.url).unwrap();
    let (code, message) = pre_sign_up_error(&bridge(&arn_of("missing"), invoker));
    assert_eq!(code, ErrorCode::UnexpectedLambda);
    assert_eq!(
        message,
        "PreSignUp invocation failed due to error ResourceNotFoundException"
    );
    assert_eq!(fake.received().len(), 1, "service errors are not retried");
}

#[test]
fn a_function_past_the_timeout_is_tried_three_times_then_socket_timeout() {
    let fake = FakeLambda::start();
    let timeout = Duration::from_millis(300);
    let invoker = LambdaInvoker::new(&fake.url).unwrap().timeout(timeout);
    let started = Instant::now();
    let (code, message) = pre_sign_up_error(&bridge(&arn_of("slow"), invoker));
    let took = started.elapsed();
    assert_eq!(code, ErrorCode::UnexpectedLambda);
    assert_eq!(
        message,
        "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    );
    assert_eq!(fake.received().len(), 3);
    assert!(took >= timeout * 3, "{took:?}");
    assert!(
        took < Duration::from_secs(2),
        "{took:?}: not cut at the timeout"
    );
}

#[test]
fn a_refused_connection_is_retried_like_a_timeout() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let invoker = LambdaInvoker::new(&format!("http://127.0.0.1:{port}")).unwrap();
    let (code, message) = pre_sign_up_error(&bridge(ARN, invoker));
    assert_eq!(code, ErrorCode::UnexpectedLambda);
    assert_eq!(
        message,
        "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    );
}

#[test]
fn a_null_output_is_invalid_json() {
    let fake = FakeLambda::start();
    let invoker = LambdaInvoker::new(&fake.url).unwrap();
    let (code, message) = pre_sign_up_error(&bridge(&arn_of("null"), invoker));
    assert_eq!(code, ErrorCode::InvalidLambdaResponse);
    assert_eq!(message, "Invalid lambda function output : Invalid JSON");
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn unusable_lambda_options_stop_the_start_with_the_reason() {
    let refused = |e: userpool_server::Error| (e.kind(), e.message().to_owned());
    let e = Server::builder()
        .lambda_endpoint("https://lambda.us-east-1.amazonaws.com")
        .start()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LambdaEndpoint);
    assert!(
        e.message().starts_with(
            "--lambda-endpoint https://lambda.us-east-1.amazonaws.com: https is not supported"
        ),
        "{e}"
    );
    let e = Server::builder()
        .lambda_endpoint("http://127.0.0.1:3002")
        .lambda_function("arn:aws:s3:::bucket", "x")
        .start()
        .await
        .unwrap_err();
    assert_eq!(
        refused(e),
        (
            ErrorKind::LambdaEndpoint,
            "--lambda-function arn:aws:s3:::bucket=x: not a Lambda function ARN \
             (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])"
                .to_owned()
        )
    );
    let e = Server::builder()
        .lambda_function(ARN, "x")
        .start()
        .await
        .unwrap_err();
    assert_eq!(
        refused(e),
        (
            ErrorKind::LambdaEndpoint,
            format!("--lambda-function {ARN}=...: needs --lambda-endpoint")
        )
    );
}

/// One Cognito API call over HTTP: (status, JSON body).
async fn call(server: &Server, operation: &str, body: &Value) -> (u16, Value) {
    call_at(server.addr(), operation, body).await
}

/// [`call`] of the server at `addr`.
async fn call_at(addr: std::net::SocketAddr, operation: &str, body: &Value) -> (u16, Value) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = body.to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nX-Amz-Target: AWSCognitoIdentityProviderService.{operation}\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        addr,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    // Small answers: one chunk or a Content-Length body.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body.split_once("\r\n")
            .unwrap()
            .1
            .rsplit_once("\r\n0\r\n")
            .unwrap()
            .0
            .to_owned()
    } else {
        body.to_owned()
    };
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_lambda_config_member_is_accepted_and_echoed_without_an_endpoint() {
    // Custom senders need --custom-sender-codes plaintext (no KMS here).
    let server = Server::builder()
        .hashing(Hashing::InsecureTest)
        .plaintext_sender_codes(true)
        .start()
        .await
        .unwrap();
    let lambda = |n: &str| arn_of(n);
    let config = json!({
        "PreSignUp": lambda("pre-sign-up"), "CustomMessage": lambda("custom-message"),
        "PostConfirmation": lambda("post-confirmation"),
        "PreAuthentication": lambda("pre-auth"), "PostAuthentication": lambda("post-auth"),
        "DefineAuthChallenge": lambda("define"), "CreateAuthChallenge": lambda("create"),
        "VerifyAuthChallengeResponse": lambda("verify"), "UserMigration": lambda("migrate"),
        "PreTokenGeneration": lambda("pre-token"),
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": lambda("pre-token")},
        "CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": lambda("sms")},
        "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": lambda("email")},
        "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    });
    let (status, created) = call(
        &server,
        "CreateUserPool",
        &json!({"PoolName": "triggers", "UserPoolTier": "ESSENTIALS", "LambdaConfig": config}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["UserPool"]["Id"].as_str().unwrap().to_owned();
    assert_eq!(created["UserPool"]["LambdaConfig"], config);

    let (status, described) = call(&server, "DescribeUserPool", &json!({"UserPoolId": id})).await;
    assert_eq!(status, 200, "{described}");
    assert_eq!(described["UserPool"]["LambdaConfig"], config);
    assert_eq!(described["UserPool"]["UserPoolTier"], "ESSENTIALS");

    let only = json!({"PreSignUp": lambda("other")});
    let (status, updated) = call(
        &server,
        "UpdateUserPool",
        &json!({"UserPoolId": id, "UserPoolTier": "ESSENTIALS", "LambdaConfig": only}),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    let (_, described) = call(&server, "DescribeUserPool", &json!({"UserPoolId": id})).await;
    assert_eq!(described["UserPool"]["LambdaConfig"], only);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn without_plaintext_sender_codes_a_custom_sender_is_kept_and_sending_through_it_fails() {
    let server = Server::builder()
        .hashing(Hashing::InsecureTest)
        .start()
        .await
        .unwrap();
    let config = json!({
        "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn_of("email")},
        "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    });
    let (status, created) = call(
        &server,
        "CreateUserPool",
        &json!({"PoolName": "senders", "AutoVerifiedAttributes": ["email"], "LambdaConfig": config}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["UserPool"]["Id"].as_str().unwrap().to_owned();
    let (status, client) = call(
        &server,
        "CreateUserPoolClient",
        &json!({"UserPoolId": id, "ClientName": "web"}),
    )
    .await;
    assert_eq!(status, 200, "{client}");
    let client_id = client["UserPoolClient"]["ClientId"].as_str().unwrap();
    let (status, refused) = call(
        &server,
        "SignUp",
        &json!({
            "ClientId": client_id, "Username": "jane", "Password": "1234Abcd^x",
            "UserAttributes": [{"Name": "email", "Value": "jane@example.com"}],
        }),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["__type"], "UnexpectedLambdaException");
    assert_eq!(
        refused["message"],
        "CustomEmailSender invocation failed due to error No code encryptor is configured."
    );
    assert!(server.outbox().messages().is_empty());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_server_with_an_endpoint_and_mappings_starts_and_keeps_pools_with_triggers() {
    let fake = FakeLambda::start();
    let server = Server::builder()
        .hashing(Hashing::InsecureTest)
        .lambda_endpoint(fake.url.clone())
        .lambda_function(ARN, "ok")
        .lambda_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let (status, created) = call(
        &server,
        "CreateUserPool",
        &json!({"PoolName": "p", "LambdaConfig": {"PreSignUp": ARN}}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["UserPool"]["LambdaConfig"],
        json!({"PreSignUp": ARN})
    );
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_waiting_on_a_slow_function_do_not_hold_the_cpu_permits() {
    // Every engine call holds one of as many permits as there are cores;
    // a call waiting on a function gives its permit back meanwhile, or a
    // few sign-ups against a slow function would stall every pool.
    let fake = FakeLambda::start();
    let server = Server::builder()
        .hashing(Hashing::InsecureTest)
        .lambda_endpoint(fake.url.clone())
        .lambda_function(ARN, "slow")
        .start()
        .await
        .unwrap();
    let (_, created) = call(
        &server,
        "CreateUserPool",
        &json!({"PoolName": "p", "LambdaConfig": {"PreSignUp": ARN}}),
    )
    .await;
    let id = created["UserPool"]["Id"].as_str().unwrap().to_owned();
    let (_, client) = call(
        &server,
        "CreateUserPoolClient",
        &json!({"UserPoolId": id, "ClientName": "web"}),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let addr = server.addr();
    let mut sign_ups = tokio::task::JoinSet::new();
    for i in 0..cores * 2 + 2 {
        let body = json!({
            "ClientId": client_id, "Username": format!("user{i}"), "Password": "1234Abcd^x",
        });
        sign_ups.spawn(async move { call_at(addr, "SignUp", &body).await });
    }
    // Once every sign-up is waiting on the function.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let (status, _) = call(&server, "DescribeUserPool", &json!({"UserPoolId": id})).await;
    let took = started.elapsed();
    assert_eq!(status, 200);
    assert!(
        took < Duration::from_millis(1000),
        "DescribeUserPool waited {took:?} behind calls waiting on the function"
    );
    while let Some(joined) = sign_ups.join_next().await {
        let (status, body) = joined.unwrap();
        assert_eq!(status, 200, "{body}");
    }
    server.shutdown().await.unwrap();
}
