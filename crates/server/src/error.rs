//! The server's one error type. Over HTTP it becomes a stable code and a message; the cause is
//! logged, never sent.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open the database")]
    Open(#[source] sqlx::Error),
    #[error("cannot bring the database schema up to date")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error")]
    Db(#[from] sqlx::Error),
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://…")]
    Url(String),
    /// A user's row holds a role that is none of [`Role`](yitu_domain::command::role::Role)'s
    /// codes (roles are parsed before they are stored, so the row was changed behind us).
    #[error("a stored role {0:?} is none of {codes}", codes = role_codes())]
    Role(String),
    #[error("no user {0:?}")]
    UnknownUser(String),
    #[error("no device {0:?}")]
    UnknownDevice(String),
    #[error("user {0:?} exists already")]
    UserExists(String),
    #[error("a password cannot be hashed")]
    Password(#[from] yitu_domain::command::login::HashError),
    #[error("the enrolment code is unknown, used or expired")]
    BadCode,
    #[error("too many wrong enrolment codes: try again in {minutes} minutes / 注册码错误次数过多，请 {minutes} 分钟后再试")]
    TooManyAttempts { minutes: i64 },
    #[error("missing, unknown or revoked device credential")]
    Unauthorized,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A body over the limit on the wire, or once decompressed (a zstd bomb).
    #[error("the request body is over {mib} MiB (decompressed): send fewer changes at a time / 请求内容超过 {mib} MiB，请分批发送")]
    TooLarge { mib: usize },
    /// A resumed snapshot download names a snapshot this instance no longer keeps.
    #[error("snapshot {cursor} is no longer kept here: start the snapshot again / 快照 {cursor} 已不在服务器上，请重新下载")]
    SnapshotGone { cursor: u64 },
    #[error("a change in the store cannot be read")]
    Corrupt(#[source] serde_json::Error),
    /// The readings' writer failed (the database, or the server stopping): the listener does
    /// not confirm, so the station or the broker sends them again.
    #[error("readings could not be stored: {0}")]
    Intake(String),
    #[error("a stored reading names an unknown element {0:?}")]
    CorruptReading(String),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error("cannot read the TLS file {}", .path.display())]
    TlsFile {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the TLS certificate {} and key {} cannot be used (PEM files, the key the certificate's)", .cert.display(), .key.display())]
    TlsPem {
        cert: std::path::PathBuf,
        key: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The roles' codes, from the one list (`yitu_domain::command::role::Role`).
fn role_codes() -> String {
    yitu_domain::command::role::Role::ALL
        .iter()
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Error {
    /// A stable code for replies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Open(_)
            | Self::Migrate(_)
            | Self::Db(_)
            | Self::Corrupt(_)
            | Self::CorruptReading(_)
            | Self::Intake(_)
            | Self::Random(_)
            | Self::Role(_) => "internal",
            Self::Url(_) => "url",
            Self::TlsFile { .. } | Self::TlsPem { .. } => "tls",
            Self::UnknownUser(_) => "unknown_user",
            Self::UnknownDevice(_) => "unknown_device",
            Self::UserExists(_) => "user_exists",
            Self::Password(_) => "password",
            Self::BadCode => "bad_code",
            Self::TooManyAttempts { .. } => "rate_limited",
            Self::Unauthorized => "unauthorized",
            Self::BadRequest(_) => "bad_request",
            Self::TooLarge { .. } => "too_large",
            Self::SnapshotGone { .. } => "snapshot_gone",
        }
    }
}
