//! The HTTP client of the sync protocol, and the device credential it carries. The credential
//! lives in `server.json` beside the database (mode 0600), not in it, like the device key:
//! the database is what gets copied around.

use crate::{Error, Store};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use yitu_domain::sync::wire::{
    DistrictUser, EnrolReply, EnrolRequest, ErrorBody, Hello, PullReply, PushReply, PushRequest,
    UsersReply, PROTOCOL,
};
use yitu_domain::sync::Change;

/// The credential file's name inside the data folder.
pub const CREDENTIAL_FILE: &str = "server.json";

/// What enrolment gave this replica.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credential {
    pub server: String,
    pub device: String,
    pub token: String,
    pub user: String,
    pub role: String,
    /// Outbox rows already settled when this device enrolled: the server numbers this device's
    /// changes from 1, so outbox row `n` is sent as `n - base_seq`.
    #[serde(default)]
    pub base_seq: u64,
    /// The CA certificate (PEM) an `https://` server's certificate is checked against, when it
    /// is not one the system trusts (a district's own CA, a self-signed server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<PathBuf>,
}

/// A client for one server. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    credential: Credential,
}

impl Store {
    pub fn credential_path(&self) -> PathBuf {
        self.path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(CREDENTIAL_FILE)
    }

    /// The stored credential, if this replica enrolled.
    pub fn credential(&self) -> Result<Option<Credential>, Error> {
        let path = self.credential_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| Error::Credential {
                    path,
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Credential { path, source }),
        }
    }

    /// Exchanges a one-time code for a device credential and keeps it (0600).
    pub async fn enrol(&self, server: &str, code: &str, label: &str) -> Result<Credential, Error> {
        self.enrol_with_ca(server, code, label, None).await
    }

    /// [`enrol`](Self::enrol) with the CA certificate an `https://` server is checked against
    /// (kept in the credential for every later sync).
    pub async fn enrol_with_ca(
        &self,
        server: &str,
        code: &str,
        label: &str,
        ca: Option<&Path>,
    ) -> Result<Credential, Error> {
        let server = server.trim_end_matches('/').to_owned();
        // Kept absolute: the desktop may later run from another folder.
        let ca = ca
            .map(|p| {
                std::path::absolute(p).map_err(|source| Error::Ca {
                    path: p.to_owned(),
                    source,
                })
            })
            .transpose()?;
        let http = http_client(ca.as_deref())?;
        let reply: EnrolReply = send(
            http.post(format!("{server}/v1/enrol")),
            Some(&EnrolRequest {
                code: code.to_owned(),
                label: label.to_owned(),
            }),
            &server,
        )
        .await?;
        let base_seq: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE outcome IS NOT NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        let credential = Credential {
            server,
            device: reply.device,
            token: reply.token,
            user: reply.user,
            role: reply.role,
            base_seq: base_seq as u64,
            ca,
        };
        write_private(
            &self.credential_path(),
            &serde_json::to_vec_pretty(&credential).map_err(|e| Error::Sync(e.to_string()))?,
        )?;
        // The district's people at once, so they can log in on this desk before its first
        // sync; a failure here leaves it to that sync.
        match Client::new(credential.clone())?.users().await {
            Ok(Some(users)) => {
                self.apply_users(&users, crate::clock::wall_clock_ms())
                    .await?;
            }
            Ok(None) => {}
            Err(e) => tracing::info!(error = %e, "the district's users are left to the first sync"),
        }
        Ok(credential)
    }
}

/// The HTTP client: plain HTTP, or HTTPS checked against the system's roots or, given `ca`, that
/// certificate file's alone.
fn http_client(ca: Option<&Path>) -> Result<reqwest::Client, Error> {
    // One TLS provider for the process (ring; see the workspace Cargo.toml).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(60));
    if let Some(path) = ca {
        builder = builder.tls_backend_preconfigured(tls_with_ca(path)?);
    }
    builder.build().map_err(|source| Error::Unreachable {
        url: String::new(),
        source,
    })
}

/// A TLS client configuration that trusts the certificates of one PEM file.
fn tls_with_ca(path: &Path) -> Result<rustls::ClientConfig, Error> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let bad = |why: String| Error::Ca {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, why),
    };
    let pem = std::fs::read(path).map_err(|source| Error::Ca {
        path: path.to_owned(),
        source,
    })?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| bad(format!("not a PEM certificate: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| bad(format!("not a usable certificate: {e}")))?;
    }
    if roots.is_empty() {
        return Err(bad("it holds no PEM certificate".into()));
    }
    Ok(rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl Client {
    pub fn new(credential: Credential) -> Result<Self, Error> {
        Ok(Self {
            http: http_client(credential.ca.as_deref())?,
            credential,
        })
    }

    /// The client for a store's stored credential.
    pub fn for_store(store: &Store) -> Result<Self, Error> {
        Self::new(store.credential()?.ok_or(Error::NotEnrolled)?)
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.credential.server)
    }

    fn auth(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        r.header(
            "authorization",
            format!(
                "Bearer {}.{}",
                self.credential.device, self.credential.token
            ),
        )
    }

    pub async fn hello(&self) -> Result<Hello, Error> {
        send::<(), _>(
            self.auth(self.http.get(self.url("/v1/hello"))),
            None,
            &self.credential.server,
        )
        .await
    }

    pub async fn push(&self, changes: Vec<Change>) -> Result<PushReply, Error> {
        send(
            self.auth(self.http.post(self.url("/v1/push"))),
            Some(&PushRequest {
                protocol: PROTOCOL,
                changes,
            }),
            &self.credential.server,
        )
        .await
    }

    /// Changes after `after`; with `mine`, this desk's own among them (a restored desk takes
    /// back what it had pushed).
    pub async fn pull(&self, after: u64, limit: u32, mine: bool) -> Result<PullReply, Error> {
        let mine = if mine { "&mine=true" } else { "" };
        send::<(), _>(
            self.auth(
                self.http
                    .get(self.url(&format!("/v1/pull?after={after}&limit={limit}{mine}"))),
            ),
            None,
            &self.credential.server,
        )
        .await
    }

    /// Waits up to `wait_ms` for a change after `after` (protocol 5): answers whether one came.
    /// What it brings is not applied here: the pass it starts pulls it.
    pub async fn news_after(&self, after: u64, wait_ms: u64) -> Result<bool, Error> {
        let reply: PullReply = send::<(), _>(
            self.auth(
                self.http
                    .get(self.url(&format!("/v1/pull?after={after}&limit=1&wait_ms={wait_ms}")))
                    .timeout(Duration::from_millis(wait_ms) + Duration::from_secs(15)),
            ),
            None,
            &self.credential.server,
        )
        .await?;
        Ok(reply.cursor > after)
    }

    /// The server's snapshot as sent (zstd-compressed JSON lines), for `Store::apply_snapshot`
    /// to decompress as it applies.
    pub async fn snapshot(&self) -> Result<Vec<u8>, Error> {
        let server = &self.credential.server;
        let unreachable = |source| Error::Unreachable {
            url: server.to_owned(),
            source,
        };
        let response = self
            .auth(self.http.get(self.url("/v1/snapshot")))
            .timeout(Duration::from_secs(600))
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(unreachable)?;
        if !status.is_success() {
            return Err(refusal(status, &bytes));
        }
        Ok(bytes.to_vec())
    }

    /// The server's snapshot as it arrives, for `Store::apply_snapshot_from` to apply while the
    /// rest is still coming: a reader of the body fed by a task that receives it, and the
    /// cursor the snapshot is consistent with. Every chunk is appended to `part` before it is
    /// read, so a download the link cut can go on from there: with `resume` (the cursor of the
    /// snapshot `part` holds the start of), the reader gives what `part` holds and then the rest
    /// the server sends from there. A transport failure midway reads as
    /// [`Error::Unreachable`], as when the request fails outright; a server that no longer keeps
    /// that snapshot answers 409 `snapshot_gone`.
    pub async fn snapshot_into(
        &self,
        part: &Path,
        resume: Option<u64>,
    ) -> Result<(Option<u64>, SnapshotBody), Error> {
        let server = self.credential.server.clone();
        let part_err = |source| Error::DataDir {
            path: part.to_owned(),
            source,
        };
        let held = match resume {
            Some(_) => std::fs::metadata(part).map_err(part_err)?.len(),
            None => 0,
        };
        let path = match resume {
            Some(cursor) => format!("/v1/snapshot?cursor={cursor}&offset={held}"),
            None => "/v1/snapshot".to_owned(),
        };
        let mut response = self.snapshot_response(&path).await?;
        // None from a server before protocol 3: its snapshot cannot be resumed (what arrives
        // is still kept, and thrown away at the next pass).
        let cursor = response
            .headers()
            .get(yitu_domain::sync::wire::SNAPSHOT_CURSOR)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(resume.is_some())
            .truncate(resume.is_none())
            .open(part)
            .map_err(part_err)?;
        let before = match resume {
            Some(_) => std::fs::read(part).map_err(part_err)?,
            None => Vec::new(),
        };
        // Unbounded: the body is a few megabytes compressed even for a large district, and the
        // task must never wait on the reader's thread.
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        if !before.is_empty() {
            let _ = tx.send(Ok(before));
        }
        let part = part.to_owned();
        tokio::spawn(async move {
            use std::io::Write;
            loop {
                let next = match response.chunk().await {
                    Ok(Some(bytes)) => match file.write_all(&bytes) {
                        Ok(()) => Ok(bytes.to_vec()),
                        Err(source) => Err(Error::DataDir {
                            path: part.clone(),
                            source,
                        }),
                    },
                    Ok(None) => return,
                    Err(source) => Err(Error::Unreachable {
                        url: server.clone(),
                        source,
                    }),
                };
                let failed = next.is_err();
                // The reader is gone (the store gave up): stop receiving.
                if tx.send(next).is_err() || failed {
                    return;
                }
            }
        });
        Ok((
            cursor,
            SnapshotBody {
                chunks: rx,
                chunk: Vec::new(),
                at: 0,
            },
        ))
    }

    /// A snapshot request's answer once its status says the body follows; a refusal read as
    /// [`Error::Server`], a transport failure as [`Error::Unreachable`].
    async fn snapshot_response(&self, path: &str) -> Result<reqwest::Response, Error> {
        let unreachable = |source| Error::Unreachable {
            url: self.credential.server.clone(),
            source,
        };
        let response = self
            .auth(self.http.get(self.url(path)))
            .timeout(Duration::from_secs(600))
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        if !status.is_success() {
            let bytes = response.bytes().await.map_err(unreachable)?;
            return Err(refusal(status, &bytes));
        }
        Ok(response)
    }

    /// Bytes `offset .. offset + length` of the kept snapshot consistent with `cursor`, appended
    /// to `part` as they arrive (protocol 4), and the whole snapshot's size. `part` must hold
    /// exactly `offset` bytes. A cut midway keeps what arrived and reads as
    /// [`Error::Unreachable`]; a server that no longer keeps that snapshot answers 409
    /// `snapshot_gone`.
    pub async fn snapshot_range(
        &self,
        part: &Path,
        cursor: u64,
        offset: u64,
        length: u64,
    ) -> Result<u64, Error> {
        use std::io::Write;
        let unreachable = |source| Error::Unreachable {
            url: self.credential.server.clone(),
            source,
        };
        let part_err = |source| Error::DataDir {
            path: part.to_owned(),
            source,
        };
        let path = format!("/v1/snapshot?cursor={cursor}&offset={offset}&length={length}");
        let mut response = self.snapshot_response(&path).await?;
        let size = response
            .headers()
            .get(yitu_domain::sync::wire::SNAPSHOT_SIZE)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
            .ok_or_else(|| {
                Error::Sync("the server sent a snapshot range without its size".into())
            })?;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(part)
            .map_err(part_err)?;
        while let Some(bytes) = response.chunk().await.map_err(unreachable)? {
            file.write_all(&bytes).map_err(part_err)?;
        }
        Ok(size)
    }

    /// The district's users with their roles and password hashes; none from a server that does
    /// not serve them (one from before `GET /v1/users`: it answers 404), whose desks keep the
    /// users they have.
    pub async fn users(&self) -> Result<Option<Vec<DistrictUser>>, Error> {
        let asked = send::<(), UsersReply>(
            self.auth(self.http.get(self.url("/v1/users"))),
            None,
            &self.credential.server,
        )
        .await;
        match asked {
            Ok(reply) => Ok(Some(reply.users)),
            Err(Error::Server { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The server's merged state (for checks and tests).
    pub async fn server_view(&self) -> Result<yitu_domain::sync::View, Error> {
        send::<(), _>(
            self.auth(self.http.get(self.url("/v1/state"))),
            None,
            &self.credential.server,
        )
        .await
    }
}

/// Sends a zstd-compressed JSON body (when given) and reads a zstd-compressed JSON answer, or
/// the server's `{code, message}`.
async fn send<B: Serialize, T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
    body: Option<&B>,
    server: &str,
) -> Result<T, Error> {
    let unreachable = |source| Error::Unreachable {
        url: server.to_owned(),
        source,
    };
    let request = match body {
        Some(b) => {
            let json = serde_json::to_vec(b).map_err(|e| Error::Sync(e.to_string()))?;
            let packed = zstd::bulk::compress(&json, 3).map_err(|e| Error::Sync(e.to_string()))?;
            request
                .header("content-type", "application/json")
                .header("content-encoding", "zstd")
                .body(packed)
        }
        None => request,
    };
    let response = request.send().await.map_err(unreachable)?;
    let status = response.status();
    let zstd = response
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"zstd"));
    let bytes = response.bytes().await.map_err(unreachable)?;
    let json = if zstd {
        zstd::stream::decode_all(bytes.as_ref()).map_err(|e| Error::Sync(e.to_string()))?
    } else {
        bytes.to_vec()
    };
    if !status.is_success() {
        return Err(refusal(status, &json));
    }
    serde_json::from_slice(&json)
        .map_err(|e| Error::Sync(format!("bad answer from the server: {e}")))
}

/// The server's `{code, message}` (errors are plain JSON), or the bare status.
/// A snapshot's body as it arrives ([`Client::snapshot_into`]); read on a blocking thread.
pub struct SnapshotBody {
    chunks: tokio::sync::mpsc::UnboundedReceiver<Result<Vec<u8>, Error>>,
    chunk: Vec<u8>,
    at: usize,
}

impl std::io::Read for SnapshotBody {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Some(Err(e)) => return Err(std::io::Error::other(e)),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn refusal(status: reqwest::StatusCode, body: &[u8]) -> Error {
    let body: ErrorBody = serde_json::from_slice(body).unwrap_or(ErrorBody {
        code: "http".into(),
        message: format!("HTTP {status}"),
    });
    Error::Server {
        status: status.as_u16(),
        code: body.code,
        message: body.message,
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |source| Error::Credential {
        path: path.to_owned(),
        source,
    };
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(err)?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}
