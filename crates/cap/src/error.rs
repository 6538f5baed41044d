//! The one error type of yitu-cap: why a message cannot be read, written or taken as a warning.
//! Chinese first, as the duty officer reads it; the English after it for the log.

use yitu_domain::monitoring::warning::WarningError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Not well-formed XML (quick-xml's message and the byte where it stopped).
    #[error(
        "不是格式正确的 XML，第 {at} 字节处出错 (not well-formed XML at byte {at}): {message}"
    )]
    Xml { at: u64, message: String },
    /// Well-formed, but not a CAP 1.2 alert.
    #[error("不是 CAP 1.2 预警消息 (not a CAP 1.2 alert): {0}")]
    NotCap(String),
    #[error("缺少必需的元素 <{element}>（在 <{parent}> 中）(required element missing)")]
    Missing {
        element: &'static str,
        parent: &'static str,
    },
    #[error("<{element}> 的值 {value:?} 不是 CAP 1.2 允许的值 (not a value CAP 1.2 allows; expected {expected})")]
    Value {
        element: &'static str,
        value: String,
        expected: String,
    },
    #[error("{0:?} 不是 CAP 时间，应为 YYYY-MM-DDThh:mm:ss+08:00 (not a CAP time: to the second, with an offset, never Z)")]
    Time(String),
    #[error("<{element}> 的坐标 {value:?} 无法识别 (coordinates not read: expected \"纬度,经度\" pairs, latitude first)")]
    Coordinates {
        element: &'static str,
        value: String,
    },
    #[error("发布单位代码 {0:?} 应为 14 位数字：6 位行政区划代码、3 位机构代码、3 位内部代码、2 位扩展码 (the sender's unit code is 14 digits: GB/T 2260 area, GB/T 4657 unit, internal, extension)")]
    UnitCode(String),
    #[error(
        "同一单位同一秒内的序号应为 0–9，现为 {0} (the sequence within one unit and second is 0–9)"
    )]
    Sequence(u8),
    #[error("多边形有 {0} 个点（含闭合点），超过 CAP 消息上限 100 个；未作简化：请用更少的点重新绘制 (a polygon of {0} points, over the 100 a message may carry; not simplified, since a simplified ring would cover other people than those called: redraw it with fewer points)")]
    TooManyPoints(usize),
    /// A message that is CAP but no warning to keep (a test, an acknowledgement, an area
    /// outside Hechuan, two areas in one).
    #[error("该消息不能作为预警保存 (not a warning yitu can keep): {0}")]
    NotAWarning(String),
    #[error("预警无效 (the warning is not valid): {0}")]
    Warning(#[from] WarningError),
    /// The rules [`crate::check`] holds a message to, each broken one named.
    #[error("消息不符合规则 (the message breaks rules a schema cannot say): {}", .0.join("；"))]
    Rules(Vec<String>),
}
