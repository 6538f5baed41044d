//! The crate's one error: what is wrong with a frame or a payload, said so that a technician at
//! the station or the vendor's desk can act on it. Nothing here is ever a half-decoded reading.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // --- SL 651 framing ---
    #[error("不是 SL 651 帧: 应以 7E 7E (HEX/BCD) 或 01 (ASCII) 开始, 收到 {found}")]
    NotAFrame { found: String },
    #[error("报文不完整: {what} 需要 {needed} 字节, 只有 {had} 字节 (连接中断或分段未收齐)")]
    Truncated {
        what: &'static str,
        needed: usize,
        had: usize,
    },
    #[error("帧校验错误 (CRC): 按报文计算为 {computed:04X}, 帧内为 {found:04X}; 检查信道干扰或遥测站的报文设置")]
    Crc { computed: u16, found: u16 },
    #[error("帧长度错误: 长度字段为 {declared} 字节, 实际 {actual} 字节")]
    Length { declared: usize, actual: usize },
    #[error("上下行标识错误: 长度字段高 4 位应为 0 (上行) 或 8 (下行), 收到 {nibble:X}")]
    Direction { nibble: u8 },
    #[error("正文起始符错误: 应为 02 (STX) 或 16 (SYN), 收到 {found:02X}")]
    StartOfText { found: u8 },
    #[error("报文结束符错误: 收到 {found:02X}, 不是 03/17/05/04/06/15/1B 之一")]
    EndOfText { found: u8 },
    #[error("ASCII 帧中 {what} 不是十六进制字符: {text:?}")]
    Hex { what: &'static str, text: String },
    #[error("BCD 码错误: {what} 的字节 {byte:02X} 含大于 9 的数字")]
    Bcd { what: &'static str, byte: u8 },
    #[error("时间无效: {what} 为 {text}")]
    BadTime { what: &'static str, text: String },

    // --- SL 651 body ---
    #[error("正文缺少 {what}")]
    Missing { what: &'static str },
    #[error("要素 {code} 的数据定义字节 {definition:02X} 长度为 0, 无法读取")]
    ZeroLength { code: String, definition: u8 },
    #[error("要素 {code} 出现在观测时间 (F0F0) 之前, 不知道它何时观测")]
    NoObservationTime { code: String },
    #[error("未知要素标识符 {code}: 无法判断其数据长度, 整帧拒收; 请向设备厂家索取该要素定义")]
    UnknownElement { code: String },
    #[error("要素 {code} 的值 {text:?} 不是数字")]
    BadValue { code: String, text: String },
    #[error("均匀时段报的时间步长码无效: {text}")]
    TimeStep { text: String },
    #[error("功能码 {function:02X}H 的正文不是遥测数据报, 此处不解")]
    NotAReport { function: u8 },

    // --- multi-packet reassembly ---
    #[error("多包报文的包序号 {index} 超出范围 1..={total}")]
    PacketOutOfRange { index: u16, total: u16 },
    #[error("多包报文第 {index} 包重复到达且内容不同; 丢弃本包, 等待重传")]
    PacketConflict { index: u16 },
    #[error("多包报文的包总数前后不一: 先为 {before}, 现为 {now}")]
    PacketTotalChanged { before: u16, now: u16 },
    #[error("单包报文 (STX) 无需拼包")]
    NotMultiPacket,

    // --- encoding ---
    #[error("要素 {code} 的值 {value} 超出 {digits} 位数字可表示的范围")]
    ValueOutOfRange {
        code: String,
        value: f64,
        digits: u8,
    },
    #[error("正文 {len} 字节, 超过 SL 651 长度字段的上限 4095")]
    BodyTooLong { len: usize },
    #[error("{element} 不是 SL 651 要素, 无法编码")]
    NotSl651 { element: String },

    // --- device payloads ---
    #[error("设备报文不是合法 JSON: {source}")]
    Json {
        #[source]
        source: serde_json::Error,
    },
    #[error("设备报文缺少字段 {field}")]
    MissingField { field: String },
    #[error("设备报文字段 {field} 应为数字, 收到 {found}")]
    NotNumeric { field: String, found: String },
    #[error("设备报文的观测时间 {text} 超出合理范围 ({why})")]
    TimeOutOfRange { text: String, why: &'static str },
    #[error("设备报文中没有 {device} 的任何测值字段 ({expected})")]
    NoValues {
        device: &'static str,
        expected: String,
    },
}
