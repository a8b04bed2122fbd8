//! Slow and stalled clients over real loopback TCP: they are timed out and closed, and the
//! number of connections served at once is bounded.

mod common;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use retail_apis_sandbox::{SandboxConfig, SandboxHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Upper bound of every wait below: far above what a passing run needs on a loaded
/// machine, so that a sandbox that never closes fails the test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(20);

/// A timeout short enough for a quick test, long enough that loopback never misses it.
const SHORT: Duration = Duration::from_millis(400);

/// The start of a request whose headers never end.
const HALF_REQUEST: &[u8] =
    b"POST /jdy/v2/ls/mall_recharge HTTP/1.1\r\nHost: sandbox\r\nContent-Type: appl";

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(LIMIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("{what}: not within {LIMIT:?}"),
    }
}

/// Reads until the server closes the connection; what it sent before closing.
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return received,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Reads one response with a `Content-Length` body, leaving the connection open.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut byte = [0u8; 1];
    while !received.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.expect("read the answer");
        assert_eq!(
            n,
            1,
            "closed mid-answer: {:?}",
            String::from_utf8_lossy(&received)
        );
        received.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&received).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("no Content-Length in {head}"));
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.expect("read the body");
    head + &String::from_utf8_lossy(&body)
}

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.expect("connect")
}

/// Sends a complete request on a keep-alive connection and reads its answer (404).
async fn one_request(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /nowhere HTTP/1.1\r\nHost: sandbox\r\n\r\n")
        .await
        .expect("send");
    read_response(stream).await
}

async fn wait_for_open(sandbox: &SandboxHandle, expected: usize) {
    within(&format!("{expected} open connections"), async {
        while sandbox.open_connections() != expected {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn stalled_requests_are_closed_after_the_header_read_timeout() {
    let sandbox = start(SandboxConfig {
        header_read_timeout: SHORT,
        ..SandboxConfig::default()
    })
    .await;
    let mut clients = Vec::new();
    for i in 0..60 {
        let mut stream = connect(sandbox.local_addr()).await;
        // Some send half a request, some nothing at all.
        if i % 3 != 0 {
            stream.write_all(HALF_REQUEST).await.expect("send");
        }
        clients.push(stream);
    }
    for stream in &mut clients {
        within(
            "the server closes a stalled connection",
            read_to_close(stream),
        )
        .await;
    }
    wait_for_open(&sandbox, 0).await;
    within("shutdown", sandbox.shutdown())
        .await
        .expect("shutdown");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_read_timeout() {
    let sandbox = start(SandboxConfig {
        header_read_timeout: SHORT,
        ..SandboxConfig::default()
    })
    .await;
    let mut stream = connect(sandbox.local_addr()).await;
    // Two requests on one connection: keep-alive itself still works.
    for _ in 0..2 {
        let answer = within("an answer", one_request(&mut stream)).await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    }
    let rest = within("the idle connection is closed", read_to_close(&mut stream)).await;
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    wait_for_open(&sandbox, 0).await;
}

#[tokio::test]
async fn a_trickled_body_is_answered_408_and_the_connection_closed() {
    let sandbox = start(SandboxConfig {
        body_read_timeout: SHORT,
        ..SandboxConfig::default()
    })
    .await;
    let mut stream = connect(sandbox.local_addr()).await;
    let request = format!(
        "POST {RECHARGE_PATH} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"member_id\""
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let answer = within("the late body is answered", read_to_close(&mut stream)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\""), "{answer}");
    wait_for_open(&sandbox, 0).await;
    assert_eq!(sandbox.applied_recharges(), 0);
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_for_a_free_slot() {
    const LIMIT_CONNECTIONS: usize = 4;
    let sandbox = start(SandboxConfig {
        max_connections: LIMIT_CONNECTIONS,
        ..SandboxConfig::default()
    })
    .await;
    let mut served = Vec::new();
    for _ in 0..LIMIT_CONNECTIONS {
        let mut stream = connect(sandbox.local_addr()).await;
        let answer = within("an answer below the limit", one_request(&mut stream)).await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
        served.push(stream);
    }
    assert_eq!(sandbox.open_connections(), LIMIT_CONNECTIONS);

    // One more: the kernel completes the handshake, but the sandbox does not serve it.
    let mut waiting = connect(sandbox.local_addr()).await;
    waiting
        .write_all(b"GET /nowhere HTTP/1.1\r\nHost: sandbox\r\n\r\n")
        .await
        .expect("send");
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), waiting.read(&mut byte)).await;
    assert!(early.is_err(), "served beyond the limit: {early:?}");
    assert_eq!(sandbox.open_connections(), LIMIT_CONNECTIONS);

    // A slot frees up: the waiting connection is served.
    drop(served.pop());
    let answer = within("an answer once a slot is free", read_response(&mut waiting)).await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert_eq!(sandbox.open_connections(), LIMIT_CONNECTIONS);
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_stalled_client_beyond_the_timeout() {
    let sandbox = start(SandboxConfig {
        header_read_timeout: SHORT,
        ..SandboxConfig::default()
    })
    .await;
    let mut stalled = connect(sandbox.local_addr()).await;
    stalled.write_all(HALF_REQUEST).await.expect("send");
    wait_for_open(&sandbox, 1).await;
    within("shutdown with a stalled client", sandbox.shutdown())
        .await
        .expect("shutdown");
    within(
        "the stalled connection is closed",
        read_to_close(&mut stalled),
    )
    .await;
}

#[tokio::test]
async fn an_oversized_request_head_is_refused_431() {
    let sandbox = start(SandboxConfig::default()).await;
    let mut stream = connect(sandbox.local_addr()).await;
    // 256 KiB of headers: a stalled client must not make the sandbox buffer that much.
    let mut request = String::from("GET /nowhere HTTP/1.1\r\nHost: sandbox\r\n");
    for i in 0..64 {
        request.push_str(&format!("X-Filler-{i}: {}\r\n", "a".repeat(4096)));
    }
    request.push_str("\r\n");
    // The sandbox may close before reading everything; only its answer matters.
    let _ = stream.write_all(request.as_bytes()).await;
    let answer = within(
        "an answer to the oversized head",
        read_to_close(&mut stream),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    wait_for_open(&sandbox, 0).await;

    // A head of ordinary size is still served.
    let mut stream = connect(sandbox.local_addr()).await;
    let answer = within("an ordinary answer", one_request(&mut stream)).await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
}

#[tokio::test]
async fn a_client_that_never_reads_its_answers_is_closed_after_the_write_timeout() {
    let sandbox = start(SandboxConfig {
        write_timeout: SHORT,
        ..SandboxConfig::default()
    })
    .await;
    // A small receive buffer, so that the answers fill it quickly.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("receive buffer");
    let stream = socket.connect(sandbox.local_addr()).await.expect("connect");
    let (_reader, mut writer) = stream.into_split();
    // Each 404 names the 60 KB path, so a few hundred answers exceed every socket buffer.
    let request = format!(
        "GET /{} HTTP/1.1\r\nHost: sandbox\r\n\r\n",
        "a".repeat(60_000)
    );
    // The writer blocks once the sandbox stops reading; it ends with the connection.
    let flood = tokio::spawn(async move {
        for _ in 0..1_000 {
            if writer.write_all(request.as_bytes()).await.is_err() {
                break;
            }
        }
    });
    wait_for_open(&sandbox, 1).await;
    wait_for_open(&sandbox, 0).await;
    flood.abort();
    within("shutdown", sandbox.shutdown())
        .await
        .expect("shutdown");
}
