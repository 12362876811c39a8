//! `callsim serve`: a live what-if page for workshops. A small HTTP server (axum on tokio)
//! serves one self-contained page (HTML, CSS, JavaScript and the DejaVu font embedded in the
//! binary; nothing is fetched from elsewhere) and its API:
//!
//! - `GET /api/scenario`: the scenario as loaded, and its baseline summary;
//! - `POST /api/run` with `{"overrides": {"staffing.agents": 12}, "client": "..", "seq": 3}`:
//!   the what-if's summary (the shape of `summary.json`) with `comparison` (paired
//!   differences against the baseline) and `day` (its intervals, which the page draws; for a
//!   scenario of several days, `[time] days`, its days instead, `per` telling which);
//! - `POST /api/trace` with `{"overrides": {..}}`: the event trace of one simulated day
//!   (the JSONL of `callsim run --trace`), which the page replays.
//!
//! Overrides are the dotted keys of sweep files, applied by the sweep's code; a bad one is a
//! 400 with `check`'s message (`error`) and the same in the call center's words (`message`,
//! see [`words`]). An override may not name a file (400), and a what-if may not
//! ask for more than [`whatif::MAX_REPLICATIONS`] replications, nor a trace for a day of more
//! than [`whatif::MAX_TRACE_CALLS`] expected calls, or one whose day holds more than
//! [`whatif::MAX_TRACE_EVENTS`] events (422); a trace stops at the time limit too (503).
//!
//! Only the page itself may drive the server: a request whose `Host` is not a loopback name
//! (`localhost`, `127.0.0.1`, `[::1]`, any port; any host with `--allow-remote`) is refused
//! (403, against DNS rebinding), and so is one whose `Origin` is not the server's own (403,
//! against cross-site requests), and a POST that is not `Content-Type: application/json`
//! (415: a form of another site cannot send it without the browser asking first). Bodies over
//! [`MAX_BODY`] bytes are refused (413), and so is a body that does not arrive within
//! [`REQUEST_READ_S`] seconds (408; a request's head that does not arrive in that time is
//! cut off); at most [`MAX_CONNECTIONS`] connections are served at once. Runs go to
//! the rayon pool from a blocking task and stop at the time limit (503), or as soon as a newer
//! request from the same page (`client`, higher `seq`) arrives (409): the page shows only
//! the answer to its latest request.

pub mod whatif;
pub mod words;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use whatif::{Baseline, WhatIfError};

/// Largest request body accepted, bytes (a what-if is a few hundred bytes).
pub const MAX_BODY: usize = 64 * 1024;

/// Pages whose latest request number is remembered; beyond that the record starts afresh.
const MAX_CLIENTS: usize = 10_000;

/// The page, its style and script, and the font, embedded in the binary.
const PAGE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/page.js");
const STYLE: &str = include_str!("page/page.css");
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Only this server may be asked for anything: scripts, styles, fonts and requests.
const CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// `--host` is not an address.
    #[error("--host {0}: expected an IP address such as 127.0.0.1 or ::1 (or localhost)")]
    BadHost(String),
    /// `--host` would let other machines reach the page, and that was not asked for.
    #[error(
        "--host {0} is not a loopback address: anyone who can reach it could run simulations \
         on this machine. Serve on 127.0.0.1 (the default) and project this screen, or pass \
         --allow-remote if the room's machines must reach it"
    )]
    Remote(IpAddr),
}

/// The address to listen on: `host` (an IP address or `localhost`) and `port`, refusing a
/// non-loopback host unless `allow_remote`.
pub fn bind_address(host: &str, port: u16, allow_remote: bool) -> Result<SocketAddr, ServeError> {
    let ip: IpAddr = match host {
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        h => h
            .trim_matches(|c| c == '[' || c == ']')
            .parse()
            .map_err(|_| ServeError::BadHost(h.to_string()))?,
    };
    if !ip.is_loopback() && !allow_remote {
        return Err(ServeError::Remote(ip));
    }
    Ok(SocketAddr::new(ip, port))
}

/// The server's state: the baseline and the latest request number of each page.
#[derive(Debug)]
pub struct App {
    baseline: Baseline,
    described: String,
    limit: Duration,
    allow_remote: bool,
    latest: Mutex<HashMap<String, Arc<AtomicU64>>>,
}

impl App {
    /// A server for `baseline`; each run stops after `limit`. Requests must name a loopback
    /// host unless `allow_remote`.
    pub fn new(baseline: Baseline, limit: Duration, allow_remote: bool) -> std::io::Result<Self> {
        Ok(App {
            described: baseline.describe()?.to_string(),
            baseline,
            limit,
            allow_remote,
            latest: Mutex::new(HashMap::new()),
        })
    }

    /// Records request `seq` of page `client`; `None` when a newer one was already seen.
    /// The counter returned holds the page's latest request number from then on.
    fn register(&self, client: &str, seq: u64) -> Option<Arc<AtomicU64>> {
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        if latest.len() >= MAX_CLIENTS && !latest.contains_key(client) {
            latest.clear();
        }
        let cell = latest.entry(client.to_string()).or_default().clone();
        (cell.fetch_max(seq, Ordering::SeqCst) <= seq).then_some(cell)
    }
}

/// The router of the page and its API.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", PAGE.as_bytes()) }),
        )
        .route(
            "/page.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT.as_bytes()) }),
        )
        .route(
            "/page.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE.as_bytes()) }),
        )
        .route(
            "/fonts/DejaVuSans.ttf",
            get(|| async { asset("font/ttf", FONT) }),
        )
        .route("/api/scenario", get(scenario))
        .route("/api/run", post(run))
        .route("/api/trace", post(trace))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// Lets through only requests of the page itself: a loopback `Host` (any with
/// `--allow-remote`), no foreign `Origin`, and JSON bodies on POSTs.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if let Some((status, message)) = refusal(&app, &request) {
        return error(status, message);
    }
    // the body whole, within the time allowed and the size limit, before anything is run
    use http_body_util::{BodyExt, LengthLimitError, Limited};
    let (parts, body) = request.into_parts();
    let read = Limited::new(body, MAX_BODY).collect();
    match tokio::time::timeout(Duration::from_secs(REQUEST_READ_S), read).await {
        Err(_) => error(
            StatusCode::REQUEST_TIMEOUT,
            format!("the request's body did not arrive within {REQUEST_READ_S} s"),
        ),
        Ok(Err(e)) if e.is::<LengthLimitError>() => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a request's body may hold at most {MAX_BODY} bytes"),
        ),
        Ok(Err(_)) => error(
            StatusCode::BAD_REQUEST,
            "the request's body could not be read".to_string(),
        ),
        Ok(Ok(body)) => {
            let request = Request::from_parts(parts, axum::body::Body::from(body.to_bytes()));
            next.run(request).await
        }
    }
}

/// Why `request` is refused, if it is.
fn refusal(app: &App, request: &Request) -> Option<(StatusCode, String)> {
    let headers = request.headers();
    let text = |name| headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let forbidden = |m: String| Some((StatusCode::FORBIDDEN, m));
    let Some(host) = text(header::HOST) else {
        return forbidden("the request has no Host header".into());
    };
    if !app.allow_remote && !is_loopback_host(host) {
        return forbidden(format!(
            "Host {host:?} is not this machine's loopback name (localhost, 127.0.0.1 or [::1]): \
             callsim serve answers only pages it served itself (start it with --allow-remote \
             to be reached under other names)"
        ));
    }
    if let Some(origin) = text(header::ORIGIN)
        && !origin.eq_ignore_ascii_case(&format!("http://{host}"))
    {
        return forbidden(format!(
            "Origin {origin:?} is not this server (http://{host}): callsim serve answers only \
             its own page, not other sites"
        ));
    }
    if request.method() == Method::POST {
        let json = text(header::CONTENT_TYPE).is_some_and(|t| {
            t.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
        if !json {
            return Some((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "a POST must be sent with Content-Type: application/json".into(),
            ));
        }
    }
    None
}

/// True for `localhost`, `127.0.0.1` and `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let end = if host.starts_with('[') {
        match host.find(']') {
            Some(i) => i + 1,
            None => return false,
        }
    } else {
        host.find(':').unwrap_or(host.len())
    };
    let (name, port) = host.split_at(end);
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok
        && ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
}

/// Most connections served at once; one more is closed at once (a browser's page opens a
/// handful).
pub const MAX_CONNECTIONS: usize = 256;

/// Longest wait for a request's head (its line and headers) or its body, seconds: a client
/// that sends part of a request and stops is cut off.
pub const REQUEST_READ_S: u64 = 5;

/// Serves `app` on `listener` until the process ends, one task per connection (HTTP/1.1),
/// at most [`MAX_CONNECTIONS`] at once, each request read within [`REQUEST_READ_S`] and each
/// connection closed after the run time limit and a minute more: a hostile or broken client
/// ties up a bounded amount of time and memory.
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let lifetime = app.limit + Duration::from_secs(60);
    let service = TowerToHyperService::new(router(app));
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // a connection that failed before it was accepted, or no file descriptor left
            // for now: go on with the next one
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue; // over the limit: closed unanswered
        };
        let service = service.clone();
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(REQUEST_READ_S));
            let connection = http.serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(lifetime, connection).await;
            drop(slot);
        });
    }
}

/// An embedded file.
fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// A JSON answer.
fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// An error as `{"error": message, "message": ..}` with its status: `error` in the words of
/// `callsim check` (naming the file's keys, for scripts), `message` in the call center's
/// (what the page shows).
fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    let error = message.to_string();
    let message = words::for_people(&error);
    json_response(
        status,
        json!({"error": error, "message": message}).to_string(),
    )
}

impl IntoResponse for WhatIfError {
    fn into_response(self) -> Response {
        let status = match self {
            WhatIfError::Invalid(_) => StatusCode::BAD_REQUEST,
            WhatIfError::OverBudget(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WhatIfError::Superseded => StatusCode::CONFLICT,
            WhatIfError::TooSlow(_) => StatusCode::SERVICE_UNAVAILABLE,
            WhatIfError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        error(status, self)
    }
}

async fn scenario(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, app.described.clone())
}

/// The body of `POST /api/run` and `POST /api/trace`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhatIfRequest {
    /// Dotted scenario keys and their values.
    #[serde(default)]
    overrides: Map<String, Value>,
    /// The page that asks (a random id it picked), for supersession.
    client: Option<String>,
    /// The page's request number: a higher one supersedes this one.
    seq: Option<u64>,
}

fn parse_request(body: &[u8]) -> Result<WhatIfRequest, WhatIfError> {
    serde_json::from_slice(body).map_err(|e| {
        WhatIfError::Invalid(format!(
            "the request body: {e}; expected {{\"overrides\": {{\"dotted.key\": value, ...}}}}"
        ))
    })
}

async fn run(State(app): State<Arc<App>>, body: Bytes) -> Response {
    match run_request(app, &body).await {
        Ok(answer) => json_response(StatusCode::OK, Value::Object(answer).to_string()),
        Err(e) => e.into_response(),
    }
}

async fn run_request(app: Arc<App>, body: &[u8]) -> Result<Map<String, Value>, WhatIfError> {
    let request = parse_request(body)?;
    let ticket = match (&request.client, request.seq) {
        (Some(client), Some(seq)) => Some((
            app.register(client, seq).ok_or(WhatIfError::Superseded)?,
            seq,
        )),
        _ => None,
    };
    let scenario = app.baseline.variant(&request.overrides)?;
    let task_app = app.clone();
    let mut answer = tokio::task::spawn_blocking(move || {
        let go_on = || {
            ticket
                .as_ref()
                .is_none_or(|(cell, seq)| cell.load(Ordering::SeqCst) == *seq)
        };
        let result = whatif::run_bounded(&scenario, task_app.limit, go_on)?;
        whatif::answer(&task_app.baseline, result)
    })
    .await
    .map_err(|e| WhatIfError::Internal(format!("the run failed: {e}")))??;
    if let Some(seq) = request.seq {
        answer.insert("seq".into(), seq.into());
    }
    Ok(answer)
}

async fn trace(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let outcome = async {
        let request = parse_request(&body)?;
        let scenario = app.baseline.variant(&request.overrides)?;
        whatif::check_trace_budget(&scenario)?;
        let limit = app.limit;
        tokio::task::spawn_blocking(move || {
            use crate::model::replication::Stopped;
            use crate::simulate::record::{TraceError, record_day_until};
            let deadline = std::time::Instant::now() + limit;
            let go_on = || std::time::Instant::now() <= deadline;
            let recorder = record_day_until(&scenario, 0, whatif::MAX_TRACE_EVENTS, &go_on)
                .map_err(|e| match e {
                    TraceError::Stopped(_, Stopped::Interrupted) => {
                        WhatIfError::TooSlow(limit.as_secs_f64())
                    }
                    TraceError::TooLarge(_, most) => WhatIfError::OverBudget(format!(
                        "this day has more than {most} events (calls, and agents starting or \
                         ending a call): too many to watch; lower the call volume"
                    )),
                    TraceError::Stopped(..) => WhatIfError::OverBudget(e.to_string()),
                    TraceError::SteadyState(_) => WhatIfError::Invalid(
                        "this scenario simulates a call center in a steady state, not a \
                         working day: there is no day to watch"
                            .into(),
                    ),
                })?;
            Ok::<_, WhatIfError>(crate::report::trace::trace_jsonl(&scenario, 0, &recorder))
        })
        .await
        .map_err(|e| WhatIfError::Internal(format!("the trace failed: {e}")))?
    }
    .await;
    match outcome {
        Ok(jsonl) => ([(header::CONTENT_TYPE, "application/x-ndjson")], jsonl).into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_unless_asked() {
        assert!(bind_address("127.0.0.1", 0, false).is_ok());
        assert!(bind_address("localhost", 0, false).is_ok());
        assert!(bind_address("::1", 0, false).is_ok());
        let refused = bind_address("0.0.0.0", 8080, false)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("--allow-remote"), "{refused}");
        assert!(bind_address("0.0.0.0", 8080, true).is_ok());
        assert!(matches!(
            bind_address("my-laptop", 1, false),
            Err(ServeError::BadHost(_))
        ));
    }

    #[test]
    fn loopback_host_names() {
        for host in [
            "localhost",
            "LOCALHOST:80",
            "127.0.0.1:8080",
            "[::1]",
            "[::1]:1",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.evil:80",
            "127.0.0.1:",
            "127.0.0.1:80x",
            "[::1]x",
            "[::2]:80",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
