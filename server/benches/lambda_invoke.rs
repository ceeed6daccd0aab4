//! One Lambda invocation through the server's Invoke API client
//! (`LambdaInvoker`), against a no-op function on a loopback endpoint in
//! this process: a std `TcpListener` thread that answers every
//! `POST /2015-03-31/functions/{name}/invocations` with the event it got, as
//! a handler `async (event) => event` does.
//!
//! * `lambda/invoke_round_trip`: `Invoke::invoke` with a PreSignUp event
//!   (connect, send, read the answer, close: one connection per invocation).
//! * `lambda/pre_sign_up_via_bridge`: the same through `JsonTriggers`, as a
//!   pool calls it: the event encoded, invoked, the response decoded.
//!
//! Run: `cargo bench -p userpool-server --bench lambda_invoke`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use userpool::triggers::{
    CallerContext, Event, FunctionRef, Invoke, InvokeOutcome, JsonTriggers, PreSignUpRequest,
    StringMap, Trigger, TriggerFunctions, TriggerSource, Triggers,
};
use userpool_server::LambdaInvoker;

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:noop";

/// A loopback Invoke endpoint whose every function returns its event.
fn start_noop_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            echo(stream.unwrap());
        }
    });
    url
}

fn echo(mut stream: TcpStream) {
    stream.set_nodelay(true).unwrap();
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let (head_end, length) = loop {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..i]).unwrap().to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            break (i + 4, length);
        }
    };
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).unwrap();
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = &buf[head_end..head_end + length];
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    stream.write_all(&answer).unwrap();
}

fn event() -> Event<PreSignUpRequest> {
    let attributes: StringMap = [
        ("email", "jane@example.com"),
        ("family_name", "Foobar"),
        ("custom:tenant_id", "1234567890"),
        ("custom:employee_id", "10"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    Event::new(
        TriggerSource::PreSignUpSignUp,
        "us-east-1",
        "us-east-1_TestPool1",
        "jane@example.com",
        CallerContext::new("5015ncg0dvmsd4vbmskke3j1tv"),
        PreSignUpRequest::new(attributes),
    )
}

fn bench(c: &mut Criterion) {
    let url = start_noop_endpoint();
    let invoker = LambdaInvoker::new(&url).unwrap();
    let function = FunctionRef::parse(ARN).unwrap();
    let body = br#"{"version":"1","triggerSource":"PreSignUp_SignUp","region":"us-east-1","userPoolId":"us-east-1_TestPool1","userName":"jane@example.com","callerContext":{"awsSdkVersion":"aws-sdk-unknown-unknown","clientId":"5015ncg0dvmsd4vbmskke3j1tv"},"request":{"userAttributes":{"custom:employee_id":"10","custom:tenant_id":"1234567890","email":"jane@example.com","family_name":"Foobar"},"validationData":null},"response":{"autoConfirmUser":false,"autoVerifyEmail":false,"autoVerifyPhone":false}}"#;
    assert!(matches!(
        invoker.invoke(&function, body),
        InvokeOutcome::Returned(ref out) if out.as_slice() == body.as_slice()
    ));
    let mut group = c.benchmark_group("lambda");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("invoke_round_trip", |b| {
        b.iter(|| black_box(invoker.invoke(&function, black_box(body))));
    });
    let bridge = JsonTriggers::new(
        TriggerFunctions::new().with(Trigger::PreSignUp, function.clone()),
        invoker.clone(),
    );
    let e = event();
    bridge.pre_sign_up(&e).unwrap();
    group.bench_function("pre_sign_up_via_bridge", |b| {
        b.iter(|| black_box(bridge.pre_sign_up(black_box(&e)).unwrap()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
