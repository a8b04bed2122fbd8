//! The HTTP side: one fallback handler routes every request through the spec-built route
//! table, applies queued faults, and hands the request to the service's scheme.

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use retail_apis_codegen::model::{HttpMethod, SpecSet};
use serde_json::{Map, Value};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::SandboxConfig;
use crate::connections::{self, ConnectionSlots, Timeouts};
use crate::content_type;
use crate::control::SandboxControl;
use crate::envelope;
use crate::error::SandboxError;
use crate::faults::Fault;
use crate::incoming::{parse_query, Incoming};
use crate::inspector;
use crate::recording::{self, Answered, Seen};
use crate::reply::{Reply, ReplyBody};
use crate::routes::{Lookup, Route, Target};
use crate::scheme_server::Exchange;
use crate::shared::Shared;
use crate::synth;
use crate::trace::Notes;

/// A sandbox built from a spec set, not yet listening.
pub struct Sandbox {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("operations", &self.shared.routes.operation_ids())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Serves every endpoint of every service in `specs`, plus the token endpoint of each
    /// Kingdee gateway service.
    pub fn new(specs: SpecSet, config: SandboxConfig) -> Sandbox {
        Sandbox {
            shared: Arc::new(Shared::new(specs, config)),
        }
    }

    /// Serves the specs given as `(path relative to the spec root, contents)` pairs, such as
    /// the `SPEC_FILES` the generated client embeds, so the sandbox serves exactly the specs
    /// the client was generated from.
    pub fn from_files(
        files: &[(&str, &str)],
        config: SandboxConfig,
    ) -> Result<Sandbox, retail_apis_codegen::Diagnostics> {
        let sources: Vec<retail_apis_codegen::SourceFile> = files
            .iter()
            .map(|(path, text)| retail_apis_codegen::SourceFile {
                path: (*path).to_owned(),
                text: (*text).to_owned(),
            })
            .collect();
        retail_apis_codegen::load_sources(&sources).map(|specs| Sandbox::new(specs, config))
    }

    /// State inspection and controls; stays valid after [`Sandbox::start`].
    pub fn control(&self) -> SandboxControl {
        SandboxControl {
            shared: Arc::clone(&self.shared),
        }
    }

    /// The sandbox as an axum router, to embed it in another server. The router shares
    /// its state with [`Sandbox::control`].
    pub fn router(&self) -> Router {
        Router::new()
            .fallback(dispatch)
            .with_state(Arc::clone(&self.shared))
    }

    /// Binds `addr` (`127.0.0.1:0` picks a free port) and serves HTTP/1.1 in a background
    /// task, within the config's timeouts and connection limit.
    pub async fn start(self, addr: SocketAddr) -> Result<SandboxHandle, SandboxError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        // Dropping the sender, by `shutdown` or with the handle, stops the server.
        let (stop, stopped) = watch::channel(());
        let slots = ConnectionSlots::new(&self.shared.config);
        let task = tokio::spawn(connections::serve(
            listener,
            self.router(),
            slots.clone(),
            Timeouts::new(&self.shared.config),
            stopped,
        ));
        tracing::info!(%local_addr, "sandbox listening");
        Ok(SandboxHandle {
            local_addr,
            control: self.control(),
            slots,
            stop: Some(stop),
            task,
        })
    }
}

/// A running sandbox. Dereferences to [`SandboxControl`] for state and controls.
/// Dropping the handle stops the server too, without waiting for it.
pub struct SandboxHandle {
    local_addr: SocketAddr,
    control: SandboxControl,
    slots: ConnectionSlots,
    stop: Option<watch::Sender<()>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl SandboxHandle {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://<addr>`, the base URL for both JDY and Shoubei clients.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// State inspection and controls.
    pub fn control(&self) -> &SandboxControl {
        &self.control
    }

    /// Connections open right now, at most [`SandboxConfig::max_connections`].
    pub fn open_connections(&self) -> usize {
        self.slots.open()
    }

    /// Stops accepting connections, lets open requests finish, and waits for the server.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        drop(self.stop.take());
        (&mut self.task)
            .await
            .map_err(|join| SandboxError::Serve(std::io::Error::other(join)))
    }
}

impl Deref for SandboxHandle {
    type Target = SandboxControl;

    fn deref(&self) -> &SandboxControl {
        &self.control
    }
}

/// Runs a sandbox on `addr` until Ctrl-C, printing where it listens and the credentials
/// it accepts (they are the fixed sandbox values, not secrets).
pub async fn serve(
    specs: SpecSet,
    config: SandboxConfig,
    addr: SocketAddr,
) -> Result<(), SandboxError> {
    let banner = crate::banner(&config);
    let config_log_enabled = config.request_log_capacity > 0;
    let tolerant = config.tolerant;
    let handle = Sandbox::new(specs, config).start(addr).await?;
    println!("retail-apis sandbox listening on {}", handle.base_url());
    println!("{}", banner.replace("{base_url}", &handle.base_url()));
    if config_log_enabled {
        println!(
            "Request inspector: {}/ (JSON under {}{}/requests){}",
            handle.base_url(),
            handle.base_url(),
            crate::inspector::PREFIX,
            if tolerant { "; tolerant mode" } else { "" }
        );
    }
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot listen for Ctrl-C; stopping");
    }
    handle.shutdown().await
}

async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if inspector::serves(&shared, request.uri().path()) {
        return inspector::answer(&shared, request).await;
    }
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parse_query(parts.uri.query());
    let method = match parts.method {
        Method::GET => HttpMethod::Get,
        Method::POST => HttpMethod::Post,
        _ => {
            let reply = Reply::sandbox_error(405, "only GET and POST are served");
            let seen = Seen {
                method: parts.method.as_str(),
                path: &path,
                query: &query,
                headers: &parts.headers,
                body: &[],
                route: None,
                service: None,
                fault: None,
                notes: Notes::default(),
            };
            return recorded(&shared, seen, reply);
        }
    };
    let mut incoming = Incoming {
        method,
        path,
        query,
        headers: parts.headers,
        body: Default::default(),
        tolerant: shared.config.tolerant,
        trace: Default::default(),
    };
    let (reply, route, fault) = route_and_answer(&shared, &mut incoming, body).await;
    let timed_out = reply.status == StatusCode::REQUEST_TIMEOUT && fault.is_none();
    if let Some(route) = &route {
        tracing::info!(
            operation = %route.operation_id,
            status = reply.status.as_u16(),
            fault = ?fault,
            warnings = incoming.trace.warning_count(),
            "request"
        );
    }
    let seen = Seen {
        method: parts.method.as_str(),
        path: &incoming.path,
        query: &incoming.query,
        headers: &incoming.headers,
        body: &incoming.body,
        route: route.as_ref(),
        service: route
            .as_ref()
            .and_then(|r| shared.specs.services.get(r.target.service())),
        fault: fault.as_ref(),
        notes: incoming.trace.take(),
    };
    let mut response = recorded(&shared, seen, reply);
    if timed_out {
        // The rest of the body may still be on its way, so the connection cannot carry
        // another request: it is closed.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Sends `reply`, after recording the exchange in the request log. A JSON answer is
/// serialised once, and the log reads its code from the value, not from the text.
fn recorded(shared: &Shared, seen: Seen<'_>, reply: Reply) -> Response {
    if !shared.journal.enabled() {
        return reply.into_response();
    }
    let Reply {
        status,
        body,
        success,
        headers,
        failure,
    } = reply;
    let (content_type, text, json) = match body {
        ReplyBody::Json(value) => {
            let text = serde_json::to_string(&value).unwrap_or_else(|_| "{}".to_owned());
            ("application/json", text, Some(value))
        }
        ReplyBody::Raw { content_type, text } => (content_type, text, None),
    };
    shared.journal.push(recording::entry(
        seen,
        Answered {
            status: status.as_u16(),
            content_type,
            text: &text,
            json: json.as_ref(),
            success,
            failure,
        },
    ));
    let mut response = crate::reply::raw(status, content_type, text);
    for (name, value) in headers {
        response.headers_mut().insert(name, value);
    }
    response
}

/// Routes the request, reads its body into `incoming` and answers it: the answer, the
/// route it took and the fault it met.
async fn route_and_answer(
    shared: &Shared,
    incoming: &mut Incoming,
    body: axum::body::Body,
) -> (Reply, Option<Route>, Option<Fault>) {
    let path = &incoming.path;
    let route = match shared.routes.find(incoming.method, path) {
        Lookup::Found(route) => route.clone(),
        Lookup::WrongMethod => {
            let reply = Reply::sandbox_error(405, format!("{path} is not served for this method"));
            return (reply, None, None);
        }
        Lookup::NotFound => {
            tracing::info!(%path, "no endpoint");
            let reply = Reply::sandbox_error(404, format!("no endpoint at {path}"));
            return (reply, None, None);
        }
    };
    if let Some(refusal) = shared
        .specs
        .services
        .get(route.target.service())
        .and_then(|service| {
            content_type::check(
                service,
                &incoming.headers,
                incoming.tolerant,
                &incoming.trace,
            )
        })
    {
        return (refusal, Some(route), None);
    }
    let fault = {
        let mut state = shared.lock();
        *state
            .requests
            .entry(route.operation_id.clone())
            .or_default() += 1;
        state
            .faults
            .get_mut(&route.operation_id)
            .and_then(|queue| queue.pop_front())
    };
    let read = axum::body::to_bytes(body, shared.config.max_body_bytes);
    incoming.body = match tokio::time::timeout(shared.config.body_read_timeout, read).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            let reply = Reply::sandbox_error(413, "request body too large or unreadable");
            return (reply, Some(route), None);
        }
        Err(_) => {
            let reply = Reply::sandbox_error(408, "request body not received in time");
            return (reply, Some(route), None);
        }
    };
    let reply = answer(shared, &route, incoming, fault.clone()).await;
    (reply, Some(route), fault)
}

async fn answer(shared: &Shared, route: &Route, request: &Incoming, fault: Option<Fault>) -> Reply {
    let Some(fault) = fault else {
        return handle(shared, route, request);
    };
    match fault {
        Fault::Delay(duration) => {
            tokio::time::sleep(duration).await;
            handle(shared, route, request)
        }
        Fault::Status { status, body } => {
            let content_type = if serde_json::from_str::<Value>(&body).is_ok() {
                "application/json"
            } else {
                "text/plain; charset=utf-8"
            };
            Reply::text(status, content_type, body)
        }
        Fault::Gateway { code } => {
            let index = route.target.service();
            match (shared.specs.services.get(index), shared.servers.get(index)) {
                (Some(service), Some(server)) => {
                    let code = code.to_string();
                    server.rejection(service, &code).unwrap_or_else(|| {
                        crate::jdy::gateway::rejection_reply(service, None, &code, None)
                    })
                }
                _ => Reply::sandbox_error(500, "route points to no service"),
            }
        }
        Fault::TooManyRequests => {
            Reply::text(429, "text/plain; charset=utf-8", "Too Many Requests")
        }
        Fault::RetryAfter { status, value } => {
            let reply = Reply::text(status, "text/plain; charset=utf-8", "try again later");
            match HeaderValue::from_str(&value) {
                Ok(value) => reply.with_header(header::RETRY_AFTER, value),
                Err(_) => reply,
            }
        }
        Fault::TruncatedJson => truncated(shared, route),
        Fault::Html { status } => Reply::text(status, "text/html; charset=utf-8", HTML_ERROR_PAGE),
        Fault::WrongSign => {
            let mut reply = handle(shared, route, request);
            if let Some(server) = shared.servers.get(route.target.service()) {
                server.spoil(&mut reply);
            }
            reply
        }
        Fault::ApplyThenFail { status } => {
            let reply = handle(shared, route, request);
            if reply.success {
                Reply::text(
                    status,
                    "text/plain; charset=utf-8",
                    "upstream error after the request was applied",
                )
            } else {
                reply
            }
        }
    }
}

const HTML_ERROR_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";

/// Handles a request with the scheme of its service.
fn handle(shared: &Shared, route: &Route, request: &Incoming) -> Reply {
    let index = route.target.service();
    match (shared.specs.services.get(index), shared.servers.get(index)) {
        (Some(service), Some(server)) => server.handle(Exchange {
            context: &shared.context(),
            service,
            target: route.target,
            request,
        }),
        _ => Reply::sandbox_error(500, "route points to no service"),
    }
}

/// The first half of a plausible success body, as when a connection drops mid-answer.
fn truncated(shared: &Shared, route: &Route) -> Reply {
    let Some(service) = shared.specs.services.get(route.target.service()) else {
        return Reply::sandbox_error(500, "route points to no service");
    };
    let payload = match route.target {
        Target::Endpoint { endpoint, .. } => service
            .endpoints
            .get(endpoint)
            .map_or(Value::Null, |e| synth::payload(service, e)),
        Target::Own { .. } => Value::Object(Map::new()),
    };
    let full = envelope::success_body(&service.envelope, "success", payload).to_string();
    let half: String = full.chars().take(full.chars().count() / 2).collect();
    Reply::text(200, "application/json", half)
}
