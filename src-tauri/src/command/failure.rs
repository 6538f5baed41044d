//! Every error a command meets, as the window is to see it: a `yitu_ipc` code and a plain
//! message (invariant 6). Causes inside the app (the database, a stored row, the file system)
//! are logged here with their whole chain and cross only as a plain sentence saying what
//! failed; refusals the user can act on (a bad value, a role, a broken file they chose) keep
//! their reasons.

use crate::startup::error_chain;
use serde::Serialize;
use yitu_ipc::{ErrorCode, Failure};

/// What a command fails with as it leaves the shell: the contract's [`Failure`] (the shell's
/// own type only so that the library errors can convert into it with `?`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub Failure);

impl CommandError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(Failure::new(code, message))
    }

    /// A value the user gave is not valid.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message)
    }

    /// Something inside the app failed: the cause goes to the log, the window is told what
    /// failed in plain words.
    pub(crate) fn internal(
        what_zh: &str,
        what_en: &str,
        cause: &(dyn std::error::Error + 'static),
    ) -> Self {
        tracing::error!(cause = %error_chain(cause), "{what_en}");
        Self::new(
            ErrorCode::Internal,
            format!("{what_zh}（详情见日志）/ {what_en} (details are in the log)"),
        )
    }

    /// A file could not be written into the data folder: the path crosses, the system's
    /// reason goes to the log.
    pub(crate) fn io(path: &std::path::Path, cause: &std::io::Error) -> Self {
        tracing::error!(path = %path.display(), error = %cause, "cannot write");
        Self::new(
            ErrorCode::Io,
            format!(
                "无法写入 {0}（详情见日志）/ cannot write {0} (details are in the log)",
                path.display()
            ),
        )
    }
}

impl From<yitu_replica::Error> for CommandError {
    fn from(e: yitu_replica::Error) -> Self {
        Self::of_replica(&e)
    }
}

impl CommandError {
    /// The store's error as the window is to see it (a sync pass's outcome too).
    pub(crate) fn of_replica(e: &yitu_replica::Error) -> Self {
        use yitu_replica::Error as E;
        let (code, message) = match e {
            E::DataDir { .. } | E::Open { .. } | E::Migrate(_) => {
                return Self::internal("无法打开数据库", "the database cannot be opened", e)
            }
            E::Db(_) => {
                return Self::internal("数据库出错，未完成", "a database error stopped this", e)
            }
            E::Corrupt { id, .. } => {
                return Self::internal(
                    &format!("数据库中的记录 {id} 无法读取"),
                    &format!("record {id} in the database cannot be read"),
                    e,
                )
            }
            E::Print(_) => {
                return Self::internal("无法生成打印文件", "the printout could not be made", e)
            }
            E::Sync(_) => return Self::internal("同步记录出错", "the sync bookkeeping failed", e),
            E::Credential { .. } => {
                return Self::internal(
                    "无法读写服务器凭据",
                    "the server credential cannot be read or written",
                    e,
                )
            }
            E::DeviceKey { .. } => {
                return Self::internal(
                    "无法读取或创建本机签名密钥",
                    "the device key cannot be read or created",
                    e,
                )
            }
            E::Invalid(_) => (ErrorCode::Invalid, e.to_string()),
            // A CAP file that is broken or not a warning: its reason is the user's to read.
            E::Cap(_) => (ErrorCode::Invalid, e.to_string()),
            E::NotFound { .. } => (ErrorCode::NotFound, e.to_string()),
            E::Refused(_) => (ErrorCode::Refused, e.to_string()),
            // The refusal's own words are its source.
            E::Denied(_) => (ErrorCode::Denied, error_chain(e)),
            E::UnknownUser(_) => (ErrorCode::UnknownUser, e.to_string()),
            E::DistrictUser(_) => (ErrorCode::Denied, e.to_string()),
            E::WrongPassword { .. } => (ErrorCode::Password, e.to_string()),
            E::LockedOut { .. } => (ErrorCode::LockedOut, e.to_string()),
            E::Password(_) => {
                return Self::internal("无法核对密码", "the password cannot be checked", e)
            }
            E::Random(_) | E::Blocking(_) => {
                return Self::internal("系统出错，未完成", "the system failed to finish this", e)
            }
            E::Font { .. } => (ErrorCode::Font, e.to_string()),
            E::Unreachable { .. } => (ErrorCode::Offline, format!("无法连接区级服务器 / {e}")),
            E::Server { .. } => (ErrorCode::Server, e.to_string()),
            E::NotEnrolled => (ErrorCode::NotEnrolled, e.to_string()),
            E::Ca { .. } => (ErrorCode::Unreadable, e.to_string()),
        };
        tracing::warn!(error = %error_chain(e), code = code.as_str(), "command refused");
        Self::new(code, message)
    }
}

impl From<yitu_domain::Error> for CommandError {
    fn from(e: yitu_domain::Error) -> Self {
        Self::invalid(e.to_string())
    }
}

impl From<yitu_basemap::Error> for CommandError {
    fn from(e: yitu_basemap::Error) -> Self {
        use yitu_basemap::Error as E;
        let code = match &e {
            E::NotFound { .. } | E::UnknownPackage { .. } => ErrorCode::NotFound,
            E::Read { .. }
            | E::NotATilePackage { .. }
            | E::CorruptSqlite { .. }
            | E::NoTilesTable { .. }
            | E::CorruptPmtiles { .. }
            | E::PmtilesVersion { .. }
            | E::Compression { .. }
            | E::Empty { .. }
            | E::UnknownFormat { .. } => ErrorCode::Unreadable,
            E::BadAddress { .. } => ErrorCode::BadRequest,
            E::WriteRegistry { .. } => {
                return Self::internal("无法保存底图登记", "the base-map list cannot be saved", &e)
            }
            E::CorruptRegistry { .. } => {
                return Self::internal(
                    "底图登记文件无法读取",
                    "the base-map list cannot be read",
                    &e,
                )
            }
        };
        tracing::info!(error = %error_chain(&e), "base map refused");
        Self::new(code, e.to_string())
    }
}

impl From<yitu_overlay::Error> for CommandError {
    fn from(e: yitu_overlay::Error) -> Self {
        use yitu_overlay::Error as E;
        let code = match &e {
            E::NotFound { .. } | E::UnknownOverlay { .. } => ErrorCode::NotFound,
            E::UnknownFormat { .. }
            | E::Unreadable { .. }
            | E::Empty { .. }
            | E::NoFeatures { .. }
            | E::NotLonLat { .. }
            | E::FarFromDistrict { .. }
            | E::NotSqlite { .. }
            | E::NotGeoPackage { .. }
            | E::NoFeatureTable { .. }
            | E::EmptyTables { .. }
            | E::ProjectedSrs { .. }
            | E::BadGeometry { .. }
            | E::Database { .. }
            | E::Read { .. } => ErrorCode::Unreadable,
            E::Write { .. } => {
                return Self::internal("无法保存图层", "the overlay cannot be saved", &e)
            }
            E::CorruptRegistry { .. } => {
                return Self::internal(
                    "图层登记文件无法读取",
                    "the overlay list cannot be read",
                    &e,
                )
            }
        };
        tracing::info!(error = %error_chain(&e), "overlay refused");
        // The cause too: "broken file X" says little without "X is not valid GeoJSON".
        Self::new(code, error_chain(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_error_crosses_as_a_plain_sentence() {
        // sqlx's text for this is "pool timed out while waiting for an open connection".
        let e = yitu_replica::Error::Db(sqlx::Error::PoolTimedOut);
        let CommandError(f) = e.into();
        assert_eq!(f.code, ErrorCode::Internal);
        assert!(f.message.starts_with("数据库出错"), "{}", f.message);
        assert!(!f.message.contains("pool"), "no sqlx text: {}", f.message);
    }

    #[test]
    fn a_refusal_keeps_its_reasons() {
        let e = yitu_replica::Error::Denied(yitu_domain::command::workflow::Refusal {
            zh: "观察员只能查看".into(),
            en: "an observer can only read".into(),
        });
        let CommandError(f) = e.into();
        assert_eq!(f.code, ErrorCode::Denied);
        assert!(f.message.contains("观察员只能查看"), "{}", f.message);
    }
}
