//! The router can be embedded in another server and still be steered through `control`.

mod common;

use common::*;
use retail_apis_sandbox::{Fault, Sandbox, SandboxConfig};

#[tokio::test]
async fn the_router_serves_inside_another_server() {
    let sandbox = Sandbox::new(real_specs(), SandboxConfig::default());
    let control = sandbox.control();
    let app = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .merge(sandbox.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let health = common::http()
        .get(format!("{base}/health"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert_eq!(health, "ok");

    control
        .faults()
        .inject("coupon_write_off", Fault::TooManyRequests)
        .expect("known");
    let (status, _) = post_json(&base, WRITE_OFF_PATH, &write_off_body("679533922928")).await;
    assert_eq!(status, 429);
    assert_eq!(control.request_count("coupon_write_off"), 1);
    server.abort();
}
