//! The canonical form of a value for hashing and signing: JSON with object keys in byte order,
//! no whitespace, serde_json's number and string forms. Written out here rather than relying on
//! serde_json's map order, which changes when any crate in a build turns on `preserve_order`.

use serde::Serialize;
use serde_json::Value;

/// The canonical bytes of any serializable value.
pub fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing our own types to a Value cannot fail (no non-string map keys are used).
    let v = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut out = Vec::new();
    write(&v, &mut out);
    out
}

/// The canonical text of a JSON value.
pub fn of_value(v: &Value) -> String {
    let mut out = Vec::new();
    write(v, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn write(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out);
                out.push(b':');
                write(&map[k], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::String(s) => write_str(s, out),
        other => out.extend_from_slice(other.to_string().as_bytes()),
    }
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(Value::String(s.to_owned()).to_string().as_bytes());
}

/// Lower-case hexadecimal, for hashes, keys and signatures kept as text.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The bytes of lower-case or upper-case hexadecimal text, or `None`.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() & 1 == 1 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_nothing_else_moves() {
        let a = json!({"b": 1, "a": {"z": [3, {"y": "雨", "x": 1.5}], "c": null}});
        assert_eq!(
            of_value(&a),
            r#"{"a":{"c":null,"z":[3,{"x":1.5,"y":"雨"}]},"b":1}"#
        );
    }

    #[test]
    fn the_same_value_built_in_another_order_gives_the_same_bytes() {
        let mut m1 = serde_json::Map::new();
        m1.insert("k2".into(), json!("v"));
        m1.insert("k1".into(), json!([1, 2]));
        let mut m2 = serde_json::Map::new();
        m2.insert("k1".into(), json!([1, 2]));
        m2.insert("k2".into(), json!("v"));
        assert_eq!(to_bytes(&m1), to_bytes(&m2));
    }

    #[test]
    fn strings_are_escaped_once() {
        assert_eq!(of_value(&json!("a\"b\n")), r#""a\"b\n""#);
    }

    #[test]
    fn hex_round_trips() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&b), "0001abff");
        assert_eq!(unhex("0001ABff").unwrap(), b);
        assert!(unhex("0g").is_none());
        assert!(unhex("abc").is_none());
    }
}
