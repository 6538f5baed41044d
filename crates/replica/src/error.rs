//! The replica's one error type.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot create the data folder {path}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the database {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot bring the database schema up to date")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error")]
    Db(#[from] sqlx::Error),
    #[error("record {id} in the database cannot be read")]
    Corrupt {
        id: String,
        #[source]
        source: serde_json::Error,
    },
    #[error(transparent)]
    Invalid(#[from] yitu_domain::Error),
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    #[error("未写入 / refused, nothing written: {}", .0.iter().map(|i| format!("{}: {}", i.field, i.reason)).collect::<Vec<_>>().join("; "))]
    Refused(Vec<yitu_domain::import::Issue>),
    /// A user's role or the decision's state does not allow what was asked.
    #[error("refused")]
    Denied(#[from] yitu_domain::command::workflow::Refusal),
    #[error("no local user {0:?}: add one with `yitu user add NAME --role ROLE`")]
    UnknownUser(String),
    /// A change asked of a user whose role and password the district server keeps.
    #[error("{0} 是区级用户，角色和密码在服务器上修改 / {0} is a district user: change their role and password on the server")]
    DistrictUser(String),
    /// The password given at login is not the user's; counted.
    #[error("{}", wrong_password(.failures, .left))]
    WrongPassword {
        name: String,
        failures: u32,
        left: u32,
    },
    /// Too many wrong passwords in a row: refused without looking at the password.
    #[error("{}", locked_out(.left_ms))]
    LockedOut { name: String, left_ms: i64 },
    #[error("a password hash cannot be made or read")]
    Password(#[source] yitu_domain::command::login::HashError),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    /// Work sent to a blocking thread (a password's hash) did not finish.
    #[error("a background task failed")]
    Blocking(#[from] tokio::task::JoinError),
    #[error("cannot read the font {path} (Debian: apt-get install {package})")]
    Font {
        path: PathBuf,
        package: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot print")]
    Print(#[from] yitu_print::Error),
    /// A CAP message that cannot be written or read (a broken file, not a warning, a rule of
    /// the protocol broken).
    #[error("{0}")]
    Cap(#[from] yitu_cap::Error),
    /// Sync bookkeeping that cannot be read or written (a stamp, a stored change).
    #[error("sync: {0}")]
    Sync(String),
    /// The server could not be reached or did not answer in the protocol.
    #[error("cannot reach the server {url}")]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an error (`code` is its stable code).
    #[error("the server refused: {message} ({code})")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    #[error("not enrolled with a server: run `yitu enrol --server URL --code CODE`")]
    NotEnrolled,
    #[error("cannot read or write the server credential {path}")]
    Credential {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The CA certificate file given for an `https://` server cannot be read or used.
    #[error("cannot use the CA certificate file {path}")]
    Ca {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read or create the device key {path}")]
    DeviceKey {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A stable code for the ui and the command line, so they never show a Debug dump.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DataDir { .. } => "data_dir",
            Self::Open { .. } => "open",
            Self::Migrate(_) => "migrate",
            Self::Db(_) => "db",
            Self::Corrupt { .. } => "corrupt",
            Self::Invalid(_) => "invalid",
            Self::NotFound { .. } => "not_found",
            Self::Refused(_) => "refused",
            Self::Denied(_) => "denied",
            Self::UnknownUser(_) => "unknown_user",
            Self::DistrictUser(_) => "district_user",
            Self::WrongPassword { .. } => "wrong_password",
            Self::LockedOut { .. } => "locked_out",
            Self::Password(_) => "password",
            Self::Random(_) => "random",
            Self::Blocking(_) => "blocking",
            Self::DeviceKey { .. } => "device_key",
            Self::Font { .. } => "font",
            Self::Print(_) => "print",
            Self::Cap(_) => "cap",
            Self::Sync(_) => "sync",
            Self::Unreachable { .. } => "offline",
            Self::Server { .. } => "server",
            Self::NotEnrolled => "not_enrolled",
            Self::Credential { .. } => "credential",
            Self::Ca { .. } => "ca",
        }
    }
}

fn wrong_password(failures: &u32, left: &u32) -> String {
    use yitu_domain::command::login::LOCK_MS;
    let minutes = LOCK_MS / 60_000;
    if *left == 0 {
        format!(
            "密码错误（连续第 {failures} 次）：登录已锁定 {minutes} 分钟 / wrong password \
             ({failures} in a row): login locked for {minutes} minutes"
        )
    } else {
        format!(
            "密码错误（连续第 {failures} 次，再错 {left} 次将锁定 {minutes} 分钟）/ wrong password \
             ({failures} in a row; {left} more and login is locked for {minutes} minutes)"
        )
    }
}

fn locked_out(left_ms: &i64) -> String {
    use yitu_domain::command::login::{wait_text, MAX_FAILURES};
    let (zh, en) = wait_text(*left_ms);
    format!(
        "登录已锁定：连续 {MAX_FAILURES} 次密码错误，请 {zh}后再试 / login locked after \
         {MAX_FAILURES} wrong passwords in a row: try again in {en}"
    )
}
