//! The SL 651 elements yitu reads: each identifier's code (the guide byte of HEX/BCD frames), its
//! ASCII identifier, the standard's data definition N(x,y) (x digits, y of them decimals), and the
//! [`Element`] it becomes. Everything else a station sends is skipped by the length its
//! data-definition byte gives and reported, never guessed at.
//!
//! Where this comes from — read before changing it. The table belongs to SL 651-2014 附录 C
//! (遥测信息编码要素及标识符汇总表). The standard's own pages could not be read from here (only
//! its cover and contents are published openly), so each row was checked against what could be:
//! - worked frames published with their readings decoded: `20 19 000005` 当前降水量 0.5 mm,
//!   `26 19 000005` 降水量累计值 0.5 mm, `39 23 00000127` 瞬时河道水位 0.127 m, `38 12 1115`
//!   电源电压 11.15 V (toymoban.com/news/detail-686475.html, blog.csdn.net/weixin_42163707/
//!   article/details/127638544), whose data-definition bytes agree with N(5,1), N(6,1), N(7,3),
//!   N(4,2) below; and the ASCII frame `… PJ 0.5 PT 0.5 Z 0.301 VT 10.91` (csdn 132556389);
//! - the order of the standard's rows 1AH–3BH, which three unrelated code bases reproduce alike
//!   (1AH P1 … 1FH PD, 20H PJ, 21H–24H PN01/05/10/30, 25H PR, 26H PT, 38H VT, 39H Z, 3AH ZB,
//!   3BH ZU), used only to cross-check, nothing copied.
//!
//! Not checked against the standard's text: the N(x,y) of the period rainfalls (P1–P12, PN01–
//! PN30) and of PD and ZU, taken as N(5,1) and N(7,3) like their published siblings; a station
//! sending another length still decodes, because the frame's own data-definition byte rules.

use crate::reading::Element;

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Definition {
    pub code: u8,
    pub ascii: &'static str,
    pub name: &'static str,
    pub element: Element,
    /// N(x,y): x digits in all, y of them after the decimal point.
    pub digits: u8,
    pub decimals: u8,
}

impl Definition {
    /// Bytes the value takes in HEX/BCD (two digits a byte), without a sign byte.
    pub fn bytes(&self) -> usize {
        usize::from(self.digits).div_ceil(2)
    }
}

const fn row(
    code: u8,
    ascii: &'static str,
    name: &'static str,
    element: Element,
    digits: u8,
    decimals: u8,
) -> Definition {
    Definition {
        code,
        ascii,
        name,
        element,
        digits,
        decimals,
    }
}

const fn period(minutes: u16) -> Element {
    Element::PeriodRain { minutes }
}

/// SL 651-2014 附录 C, the rows yitu turns into readings.
pub const TABLE: &[Definition] = &[
    row(0x1A, "P1", "1 小时时段降水量", period(60), 5, 1),
    row(0x1B, "P2", "2 小时时段降水量", period(120), 5, 1),
    row(0x1C, "P3", "3 小时时段降水量", period(180), 5, 1),
    row(0x1D, "P6", "6 小时时段降水量", period(360), 5, 1),
    row(0x1E, "P12", "12 小时时段降水量", period(720), 5, 1),
    row(0x1F, "PD", "日降水量", Element::DailyRain, 5, 1),
    row(0x20, "PJ", "当前降水量", Element::CurrentRain, 5, 1),
    row(0x21, "PN01", "1 分钟时段降水量", period(1), 5, 1),
    row(0x22, "PN05", "5 分钟时段降水量", period(5), 5, 1),
    row(0x23, "PN10", "10 分钟时段降水量", period(10), 5, 1),
    row(0x24, "PN30", "30 分钟时段降水量", period(30), 5, 1),
    row(0x26, "PT", "降水量累计值", Element::AccumulatedRain, 6, 1),
    row(0x38, "VT", "电源电压", Element::SupplyVoltage, 4, 2),
    row(0x39, "Z", "瞬时河道水位、潮位", Element::RiverLevel, 7, 3),
    row(
        0x3B,
        "ZU",
        "库(闸、站)上水位",
        Element::ReservoirLevel,
        7,
        3,
    ),
];

/// Identifiers with a layout of their own (附录 C's F0H–FDH guide rows).
pub mod guide {
    /// 观测时间引导符: `F0 F0` then YYMMDDHHmm.
    pub const OBSERVED_AT: u8 = 0xF0;
    /// 测站编码引导符: `F1 F1` then the 5-byte address and the 1-byte 遥测站分类码.
    pub const STATION: u8 = 0xF1;
    /// 人工置数: free text to the end of the body.
    pub const MANUAL: u8 = 0xF2;
    /// 图片信息: picture bytes to the end of the body.
    pub const PICTURE: u8 = 0xF3;
    /// 1 小时内每 5 分钟时段雨量: 12 one-byte HEX values in 0.1 mm, FFH for none.
    pub const FIVE_MINUTE_RAIN: u8 = 0xF4;
    /// 时间步长码 (04H, data definition 18H: DDHHmm in BCD), for 均匀时段报.
    pub const TIME_STEP: u8 = 0x04;
    /// Vendor-extended identifiers: `FF xx` then a data-definition byte.
    pub const EXTENDED: u8 = 0xFF;
    /// The ASCII spelling of the 5-minute rainfall group.
    pub const FIVE_MINUTE_RAIN_ASCII: &str = "DRP";
}

pub fn by_code(code: u8) -> Option<&'static Definition> {
    TABLE.iter().find(|d| d.code == code)
}

pub fn by_ascii(id: &str) -> Option<&'static Definition> {
    TABLE.iter().find(|d| d.ascii == id)
}

pub fn for_element(element: Element) -> Option<&'static Definition> {
    TABLE.iter().find(|d| d.element == element)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_ascii_id_and_element_names_one_row() {
        for d in TABLE {
            assert_eq!(by_code(d.code), Some(d));
            assert_eq!(by_ascii(d.ascii), Some(d));
            assert_eq!(for_element(d.element), Some(d));
            assert!(d.decimals < d.digits && d.bytes() <= 4, "{}", d.name);
        }
    }

    #[test]
    fn data_definitions_match_the_published_worked_frames() {
        // (code, the data-definition byte the worked frames carry)
        for (code, definition) in [(0x20, 0x19), (0x26, 0x19), (0x39, 0x23), (0x38, 0x12)] {
            let d = by_code(code).unwrap();
            assert_eq!(
                ((d.bytes() as u8) << 3) | d.decimals,
                definition,
                "{}",
                d.name
            );
        }
    }
}
