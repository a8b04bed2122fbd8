//! `retail-apis sandbox` under thousands of stalled clients: the real binary, in its own
//! process, closes them after the header read timeout and gives their memory back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stalled connections to open; fewer when this process may not open that many files.
const CONNECTIONS: usize = 5000;
/// Upper bound of every wait: far above what a passing run needs.
const LIMIT: Duration = Duration::from_secs(60);
/// How far above its starting size the sandbox may stay once the connections are gone.
const RSS_MARGIN_KB: u64 = 8 * 1024;

/// The child is killed however the test ends.
struct Sandbox(Child);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Sandbox {
    fn status_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))
            .expect("the sandbox process is alive");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    fn rss_kb(&self) -> u64 {
        self.status_kb("VmRSS:")
    }

    /// Open file descriptors: the listener, the runtime's own, and one per connection.
    fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.0.id()))
            .expect("the sandbox process is alive")
            .count()
    }
}

/// This process's soft limit on open files.
fn open_file_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
            line.split_whitespace().nth(3)?.parse().ok()
        })
        .unwrap_or(1024)
}

fn start(connections: usize) -> (Sandbox, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_retail-apis"))
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--header-read-timeout",
            "5",
        ])
        .args(["--max-connections", &(connections + 64).to_string()])
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let sandbox = Sandbox(child);
    let mut stdout = BufReader::new(stdout);
    let mut first = String::new();
    stdout
        .read_line(&mut first)
        .expect("the sandbox prints where it listens");
    // Keep reading, so that the sandbox never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let addr = first
        .trim()
        .rsplit("http://")
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    (sandbox, addr)
}

/// Polls `done` until it holds or [`LIMIT`] passes.
fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < LIMIT {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done()
}

#[test]
fn thousands_of_stalled_clients_are_closed_and_their_memory_returned() {
    // Every connection costs this process a descriptor too; keep room for the rest.
    let connections = CONNECTIONS.min(open_file_limit().saturating_sub(256));
    assert!(
        connections >= 256,
        "too few open files allowed for this test"
    );
    let (sandbox, addr) = start(connections);

    // One complete request first, so that start-up allocations are in the baseline.
    let mut warm_up = TcpStream::connect(addr).expect("connect");
    warm_up
        .write_all(b"GET /nowhere HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut answer = String::new();
    warm_up.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    drop(warm_up);
    // Give the server a moment to drop the warm-up connection.
    std::thread::sleep(Duration::from_millis(300));
    let base_files = sandbox.open_files();
    let base_rss = sandbox.rss_kb();

    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .write_all(b"POST /jdy/v2/ls/mall_recharge HTTP/1.1\r\nHost: sandbox\r\nContent-Le")
            .expect("send half a request");
        clients.push(stream);
    }
    let peak_files = sandbox.open_files();
    let peak_rss = sandbox.rss_kb();
    eprintln!(
        "{connections} stalled: files {base_files} -> {peak_files}, RSS {base_rss} kB -> {peak_rss} kB"
    );

    // Each client sees the server close its connection.
    for stream in &mut clients {
        stream.set_read_timeout(Some(LIMIT)).expect("read timeout");
        let mut rest = Vec::new();
        match stream.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("a stalled connection was not closed: {e}"),
        }
    }
    let closed = wait_until(|| sandbox.open_files() <= base_files);
    let returned = wait_until(|| sandbox.rss_kb() <= base_rss + RSS_MARGIN_KB);
    let (files, rss) = (sandbox.open_files(), sandbox.rss_kb());
    eprintln!("after the timeout: files {files}, RSS {rss} kB");
    assert!(
        closed,
        "connections still open: {files} files, {base_files} at start"
    );
    assert!(
        returned,
        "RSS {rss} kB, {base_rss} kB at start (peak {peak_rss} kB)"
    );
}
