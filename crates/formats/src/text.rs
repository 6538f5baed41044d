//! Telling UTF-8 from GBK: Chinese offices send both, and neither says which it is.

use crate::SourceEncoding;
use std::borrow::Cow;

/// Decodes file bytes: a UTF-8 BOM or valid UTF-8 is UTF-8; anything else is taken as GBK,
/// the only other encoding Chinese spreadsheets are saved in (GB 18030 is its superset, and
/// encoding_rs decodes GBK as GB 18030, so nothing is lost).
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, SourceEncoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest), SourceEncoding::Utf8Bom);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), SourceEncoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::GBK.decode(bytes);
            (text, SourceEncoding::Gbk)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_is_recognised() {
        let zh = "名称,经度\n合阳城街道,106.27\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(zh);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(zh.as_bytes());
        let cases: [(&str, &[u8], SourceEncoding); 3] = [
            ("utf-8", zh.as_bytes(), SourceEncoding::Utf8),
            ("utf-8 with bom", &bom, SourceEncoding::Utf8Bom),
            ("gbk", &gbk, SourceEncoding::Gbk),
        ];
        for (name, bytes, enc) in cases {
            let (text, found) = decode(bytes);
            assert_eq!(found, enc, "{name}");
            assert_eq!(text, zh, "{name}");
        }
    }
}
