//! The HTTP edge: decode a request, make one store call, encode the answer. Sync bodies are JSON
//! compressed with zstd; errors are `{code, message}` with the cause logged, not sent.

use crate::store::Store;
use crate::Error;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use yitu_domain::sync::upcast;
use yitu_domain::sync::wire::{
    EnrolRequest, ErrorBody, Hello, PushRequest, UsersReply, MAX_WAIT_MS, MIN_PROTOCOL, PROTOCOL,
};

/// The most a request body may be, on the wire and once decompressed: a push is batched well
/// under this.
pub const MAX_BODY: usize = 64 << 20;

/// Where the server reads the time: the wall clock, or a fixed one in tests.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: fn() -> i64,
}

#[allow(clippy::disallowed_methods)] // the server's clock: the edge where requests arrive
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub fn router(app: App) -> Router {
    Router::new()
        .route("/v1/hello", get(hello))
        .route("/v1/enrol", post(enrol))
        .route("/v1/push", post(push))
        .route("/v1/pull", get(pull))
        .route("/v1/snapshot", get(snapshot))
        .route("/v1/state", get(state))
        .route("/v1/users", get(users))
        // axum's own default (2 MiB) would refuse, in plain text, a push this server reads.
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = match &self {
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::BadCode => StatusCode::FORBIDDEN,
            Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::SnapshotGone { .. } => StatusCode::CONFLICT,
            Error::UnknownUser(_) | Error::UnknownDevice(_) => StatusCode::NOT_FOUND,
            Error::UserExists(_) | Error::Url(_) | Error::Password(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = ?self, "request failed");
            "the server could not complete the request".to_owned()
        } else {
            self.to_string()
        };
        let body = ErrorBody {
            code: self.code().to_owned(),
            message,
        };
        (status, axum::Json(body)).into_response()
    }
}

/// A JSON body compressed with zstd.
fn packed<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(json) => packed_json(&json),
        Err(_) => Error::BadRequest("the reply could not be encoded".into()).into_response(),
    }
}

fn packed_json(json: &[u8]) -> Response {
    match zstd::bulk::compress(json, 3) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "zstd"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => Error::BadRequest("the reply could not be encoded".into()).into_response(),
    }
}

/// Reads a JSON body, compressed with zstd when the request says so.
fn unpack<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> Result<T, Error> {
    let json = unpacked(headers, body)?;
    serde_json::from_slice(&json).map_err(|e| Error::BadRequest(format!("bad JSON: {e}")))
}

/// A push's body as the push handler reads it: decompressed as its `Content-Encoding` says (up
/// to [`MAX_BODY`]), then its JSON, upcast when an older protocol sent it. Public so the fuzz
/// target (`fuzz/fuzz_targets/wire.rs`) feeds it bytes without a server or a database.
pub fn read_push_body(headers: &HeaderMap, body: &Bytes) -> Result<PushRequest, Error> {
    read_push(&unpacked(headers, body)?)
}

/// A push of this protocol read directly; an older one through its upcasting steps.
fn read_push(json: &[u8]) -> Result<PushRequest, Error> {
    #[derive(Deserialize)]
    struct Version {
        protocol: u32,
    }
    let bad = |e: serde_json::Error| Error::BadRequest(format!("bad JSON: {e}"));
    // serde reads a struct from a list too: `[1,2,3]` was refused as "trailing characters".
    if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Error::BadRequest(
            "bad JSON: a push is one object {\"protocol\": …, \"changes\": […]}".into(),
        ));
    }
    let version: Version = serde_json::from_slice(json).map_err(bad)?;
    if version.protocol == PROTOCOL {
        return serde_json::from_slice(json).map_err(bad);
    }
    let body: serde_json::Value = serde_json::from_slice(json).map_err(bad)?;
    upcast::push(body).map_err(|e| Error::BadRequest(e.to_string()))
}

/// The body as read, up to [`MAX_BODY`]: axum's refusal of more (413, in plain text) is said
/// again as `{code, message}`, like every other refusal.
fn whole(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Error> {
    body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        _ => Error::BadRequest(e.body_text()),
    })
}

fn too_large() -> Error {
    Error::TooLarge {
        mib: MAX_BODY >> 20,
    }
}

/// A body's JSON bytes, decompressed when the request says it is zstd. Any other encoding is
/// refused: read as plain JSON, a body said to be gzip was taken as it came.
fn unpacked(headers: &HeaderMap, body: &Bytes) -> Result<Vec<u8>, Error> {
    let encoding = headers.get(header::CONTENT_ENCODING).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .trim()
            .to_ascii_lowercase()
    });
    let json = match encoding.as_deref() {
        None | Some("identity") => body.to_vec(),
        Some("zstd") => {
            let mut out = Vec::new();
            let mut decoder = zstd::stream::read::Decoder::new(body.as_ref())
                .map_err(|e| Error::BadRequest(format!("bad zstd body: {e}")))?;
            use std::io::Read;
            (&mut decoder)
                .take(MAX_BODY as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| Error::BadRequest(format!("bad zstd body: {e}")))?;
            if out.len() > MAX_BODY {
                return Err(too_large());
            }
            out
        }
        Some(other) => {
            return Err(Error::BadRequest(format!(
                "content encoding {other:?} is not read: send zstd or plain JSON"
            )))
        }
    };
    Ok(json)
}

async fn device(app: &App, headers: &HeaderMap) -> Result<crate::store::Device, Error> {
    let credential = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(Error::Unauthorized)?;
    app.store.authenticate(credential.trim()).await
}

async fn hello(State(app): State<App>, headers: HeaderMap) -> Result<Response, Error> {
    let device = if headers.contains_key(header::AUTHORIZATION) {
        Some(Store::status(&device(&app, &headers).await?))
    } else {
        None
    };
    Ok(packed(&Hello {
        protocol: PROTOCOL,
        min_protocol: MIN_PROTOCOL,
        server_time_ms: (app.clock)().max(0) as u64,
        head: app.store.head().await?,
        device,
    }))
}

/// `peer`: the address the request came from, where the server was started with it
/// ([`crate::serve`], [`crate::tls::serve`]); wrong codes are counted per address too.
async fn enrol(
    State(app): State<App>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Error> {
    let request: EnrolRequest = unpack(&headers, &whole(body)?)?;
    // The IP alone (a guesser takes a new port each time); an IPv4 desk on a dual-stack
    // listener as its IPv4 address.
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr.ip().to_canonical().to_string());
    let reply = app
        .store
        .enrol_from(
            &request.code,
            &request.label,
            peer.as_deref(),
            (app.clock)(),
        )
        .await?;
    Ok(packed(&reply))
}

async fn push(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Error> {
    let device = device(&app, &headers).await?;
    let request = read_push_body(&headers, &whole(body)?)?;
    let now = (app.clock)();
    let mut reply = app.store.push(&device, request.changes, now).await?;
    reply.server_time_ms = Some(now.max(0) as u64);
    // New desktops should not wait for the fold of what was just pushed.
    app.store.refresh_snapshot_later();
    Ok(packed(&reply))
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    after: u64,
    #[serde(default = "default_limit")]
    limit: u32,
    /// Send the asking desk's own changes too: a desk restored from a backup takes back what
    /// it had pushed after the backup.
    #[serde(default)]
    mine: bool,
    /// Wait this long for news when there is none (protocol 5), at most `MAX_WAIT_MS`.
    #[serde(default)]
    wait_ms: u64,
}

fn default_limit() -> u32 {
    1_000
}

async fn pull(
    State(app): State<App>,
    headers: HeaderMap,
    q: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Error> {
    let me = device(&app, &headers).await?;
    let Query(q) = q.map_err(|e| Error::BadRequest(e.body_text()))?;
    let mut page = app.store.pull_raw(q.after, q.limit).await?;
    if page.changes.is_empty() && q.wait_ms > 0 {
        // Registered before each re-reading, so a commit between the two is not missed; the
        // re-reading every second meets what another instance committed.
        let wait = std::time::Duration::from_millis(q.wait_ms.min(MAX_WAIT_MS));
        let deadline = tokio::time::Instant::now() + wait;
        while page.changes.is_empty() && tokio::time::Instant::now() < deadline {
            let news = app.store.news.notified();
            tokio::pin!(news);
            news.as_mut().enable();
            page = app.store.pull_raw(q.after, q.limit).await?;
            if !page.changes.is_empty() {
                break;
            }
            let tick =
                (tokio::time::Instant::now() + std::time::Duration::from_secs(1)).min(deadline);
            tokio::select! {
                _ = news => {}
                _ = tokio::time::sleep_until(tick) => {}
            }
        }
    }
    let cursor = page.changes.last().map_or(q.after, |c| c.0);
    // A `PullReply` written by hand around the stored JSON of each change (written by this
    // server with serde when it was pushed): parsing and writing each again was most of a
    // pull's server time.
    let mut json = String::with_capacity(page.changes.iter().map(|c| c.2.len() + 64).sum());
    json.push_str("{\"changes\":[");
    // The asking desk's own changes are not sent back: it wrote them before it pushed them
    // (the cursor still passes them). They were half of what a desk that had just acted pulled.
    let theirs = page.changes.iter().filter(|c| q.mine || c.1 != me.id);
    for (i, (server_seq, device, body)) in theirs.enumerate() {
        if i > 0 {
            json.push(',');
        }
        let device = serde_json::to_string(device)
            .map_err(|e| Error::BadRequest(format!("device id: {e}")))?;
        json.push_str(&format!(
            "{{\"server_seq\":{server_seq},\"device\":{device},\"change\":{body}}}"
        ));
    }
    json.push_str(&format!("],\"cursor\":{cursor},\"more\":{}", page.more));
    // The users' version on the last page only: a desk asks for the users after its pages.
    if !page.more {
        let users = UsersReply::version(&app.store.users().await?);
        json.push_str(&format!(",\"users\":\"{users}\""));
    }
    json.push_str(&format!(",\"server_time_ms\":{}}}", (app.clock)().max(0)));
    Ok(packed_json(json.as_bytes()))
}

/// `GET /v1/snapshot`: a new snapshot, or (`cursor` and `offset`, both) the rest of the one
/// consistent with `cursor` from byte `offset` on, for a desk whose download was cut, at most
/// `length` bytes of it when asked (protocol 4), with the whole snapshot's size in
/// [`SNAPSHOT_SIZE`](yitu_domain::sync::wire::SNAPSHOT_SIZE). Any other
/// parameter is refused rather than ignored, so a desktop that asks for something this server
/// does not do hears so instead of reading a whole snapshot it did not ask for.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotQuery {
    cursor: Option<u64>,
    offset: Option<u64>,
    length: Option<u64>,
}

async fn snapshot(
    State(app): State<App>,
    headers: HeaderMap,
    q: Result<Query<SnapshotQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Error> {
    device(&app, &headers).await?;
    let Query(q) = q.map_err(|e| Error::BadRequest(e.body_text()))?;
    let head = |cursor: u64| {
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_owned()),
            (header::CONTENT_ENCODING, "zstd".to_owned()),
            (
                header::HeaderName::from_static(yitu_domain::sync::wire::SNAPSHOT_CURSOR),
                cursor.to_string(),
            ),
        ]
    };
    match (q.cursor, q.offset) {
        (None, None) if q.length.is_none() => {
            // Sent as it is compressed: the desktop starts applying before the last record is
            // encoded.
            let (cursor, chunks) = app.store.snapshot_chunks().await?;
            let body = futures_util::stream::unfold(chunks, |mut chunks| async move {
                chunks.recv().await.map(|chunk| (chunk, chunks))
            });
            Ok((head(cursor), axum::body::Body::from_stream(body)).into_response())
        }
        (Some(cursor), Some(offset)) => {
            if q.length == Some(0) {
                return Err(Error::BadRequest(
                    "a snapshot range's length is at least one byte".into(),
                ));
            }
            let (rest, size) = app.store.kept_snapshot_from(cursor, offset, q.length)?;
            let size = (
                header::HeaderName::from_static(yitu_domain::sync::wire::SNAPSHOT_SIZE),
                size.to_string(),
            );
            Ok((head(cursor), [size], rest).into_response())
        }
        _ => Err(Error::BadRequest(
            "a resumed snapshot names both its cursor and the offset to go on from (and a length only with them)".into(),
        )),
    }
}

/// The district's users with their roles and password hashes, for the desks to log in offline.
async fn users(State(app): State<App>, headers: HeaderMap) -> Result<Response, Error> {
    device(&app, &headers).await?;
    Ok(packed(&UsersReply {
        users: app.store.users().await?,
    }))
}

async fn state(State(app): State<App>, headers: HeaderMap) -> Result<Response, Error> {
    device(&app, &headers).await?;
    Ok(packed(&app.store.view().await?))
}
