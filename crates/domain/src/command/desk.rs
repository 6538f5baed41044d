//! A desk's short code: what an order's number carries so that two desks signing offline never
//! give the same number. Made from the desk's signing key, so it exists from the desk's first
//! start, needs no server, and never changes.

/// The first six hex digits of the desk's Ed25519 public key, upper case (e.g. `7C2A9F`): two
/// desks of a district share it with odds of about one in 16 million per pair.
pub fn code_of(public_key_hex: &str) -> String {
    public_key_hex
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(6)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The number of the `n`th order a desk signs within an incident, in the year it is signed:
/// 合川现指〔2026〕7C2A9F-3号. Fixed when signed, printed as it is.
pub fn order_number(year: i32, desk: &str, n: u32) -> String {
    format!("合川现指〔{year}〕{desk}-{n}号")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_the_keys_first_six_digits_and_the_number_carries_it() {
        assert_eq!(code_of("7c2a9f01deadbeef"), "7C2A9F");
        assert_eq!(
            order_number(2026, "7C2A9F", 3),
            "合川现指〔2026〕7C2A9F-3号"
        );
    }
}
