//! A GeoPackage table's spatial reference system (a row of `gpkg_spatial_ref_sys`), and whether
//! its positions are longitude/latitude. yitu converts between WGS-84, GCJ-02 and BD-09, which
//! are all longitude/latitude; a projected system (Gauss-Krüger metres, UTM, Web Mercator) would
//! need a reprojection yitu does not have, so such a table is refused by the system's name. Pure.

use std::fmt;

/// One spatial reference system, as the GeoPackage describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srs {
    pub id: i64,
    pub name: String,
    pub organization: String,
    pub code: i64,
    /// Well-known text (WKT 1 or 2), or `undefined`.
    pub definition: String,
}

/// What a system's positions are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Geographic,
    Projected,
    /// Not said (an `undefined` definition, an unknown code): the positions themselves are
    /// checked to be longitude/latitude, as a GeoJSON file's are.
    Unknown,
}

/// EPSG codes that are longitude/latitude, for a row whose definition does not say: WGS 84,
/// CGCS2000, Beijing 1954, Xi'an 1980, New Beijing.
const GEOGRAPHIC: [i64; 5] = [4326, 4490, 4214, 4610, 4555];

/// Whether an EPSG code is one of the projected systems met in Chinese GIS files: CGCS2000
/// Gauss-Krüger 3° and 6° zones (4491–4554), Beijing 1954 and Xi'an 1980 Gauss-Krüger
/// (2327–2442), WGS 84 / UTM (326xx north, 327xx south), Web Mercator.
fn projected_epsg(code: i64) -> bool {
    matches!(code, 4491..=4554 | 2327..=2442 | 32601..=32660 | 32701..=32760 | 3857 | 900913)
}

impl Srs {
    /// Longitude/latitude, projected, or not said. The definition decides when it names its
    /// kind; else the EPSG code, when it is a well-known one; `srs_id` 0 is the GeoPackage's
    /// "undefined geographic" system.
    pub fn kind(&self) -> Kind {
        let definition = self.definition.trim().to_ascii_uppercase();
        let keyword = definition
            .split(['[', '('])
            .next()
            .unwrap_or_default()
            .trim();
        match keyword {
            "PROJCS" | "PROJCRS" | "PROJECTEDCRS" => return Kind::Projected,
            "GEOGCS" | "GEOGCRS" | "GEOGRAPHICCRS" | "GEODCRS" | "GEODETICCRS" => {
                return Kind::Geographic
            }
            _ => {}
        }
        // A compound system (with heights) or a bound one (WKT 2, with its transformation to
        // WGS 84) whose horizontal part is projected.
        if definition.contains("PROJCS[") || definition.contains("PROJCRS[") {
            return Kind::Projected;
        }
        if self.organization.eq_ignore_ascii_case("EPSG") {
            if GEOGRAPHIC.contains(&self.code) {
                return Kind::Geographic;
            }
            if projected_epsg(self.code) {
                return Kind::Projected;
            }
        }
        if self.id == 0 {
            return Kind::Geographic;
        }
        Kind::Unknown
    }
}

/// The system as the user knows it: its name and its authority's code.
impl fmt::Display for Srs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name.trim();
        let org = self.organization.trim();
        match (name.is_empty(), org.is_empty()) {
            (false, false) => write!(f, "{name} ({}:{})", org.to_ascii_uppercase(), self.code),
            (false, true) => write!(f, "{name} (srs_id {})", self.id),
            (true, false) => write!(f, "{}:{}", org.to_ascii_uppercase(), self.code),
            (true, true) => write!(f, "srs_id {}", self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srs(id: i64, name: &str, org: &str, code: i64, definition: &str) -> Srs {
        Srs {
            id,
            name: name.into(),
            organization: org.into(),
            code,
            definition: definition.into(),
        }
    }

    #[test]
    fn the_definition_decides_then_the_code() {
        let cases = [
            (
                srs(
                    4326,
                    "WGS 84",
                    "EPSG",
                    4326,
                    r#"GEOGCS["WGS 84",DATUM["WGS_1984"]]"#,
                ),
                Kind::Geographic,
            ),
            (
                srs(
                    4490,
                    "China Geodetic Coordinate System 2000",
                    "EPSG",
                    4490,
                    "  geogcrs[\"China Geodetic Coordinate System 2000\"]",
                ),
                Kind::Geographic,
            ),
            (
                srs(
                    4544,
                    "CGCS2000 / 3-degree Gauss-Kruger CM 105E",
                    "EPSG",
                    4544,
                    r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 105E",GEOGCS["China Geodetic Coordinate System 2000"]]"#,
                ),
                Kind::Projected,
            ),
            (
                srs(
                    100,
                    "my zone",
                    "NONE",
                    100,
                    r#"PROJCRS["custom",BASEGEOGCRS["CGCS2000"]]"#,
                ),
                Kind::Projected,
            ),
            (
                srs(
                    5,
                    "with heights",
                    "NONE",
                    5,
                    r#"COMPD_CS["x",PROJCS["y"],VERT_CS["z"]]"#,
                ),
                Kind::Projected,
            ),
            // WKT 2 with the projected system inside a bound one, as epsg.io gives.
            (
                srs(
                    31468,
                    "",
                    "EPSG",
                    31468,
                    r#"BOUNDCRS[SOURCECRS[PROJCRS["DHDN / 3-degree Gauss-Kruger zone 4"]]]"#,
                ),
                Kind::Projected,
            ),
            // A file that says nothing but the code.
            (srs(4547, "", "epsg", 4547, "undefined"), Kind::Projected),
            (srs(32648, "", "EPSG", 32648, "undefined"), Kind::Projected),
            (srs(4490, "", "EPSG", 4490, "undefined"), Kind::Geographic),
            // GeoPackage's two required undefined systems.
            (
                srs(0, "Undefined geographic SRS", "NONE", 0, "undefined"),
                Kind::Geographic,
            ),
            (
                srs(-1, "Undefined Cartesian SRS", "NONE", -1, "undefined"),
                Kind::Unknown,
            ),
        ];
        for (s, kind) in cases {
            assert_eq!(s.kind(), kind, "{s:?}");
        }
    }

    #[test]
    fn it_is_named_as_the_user_knows_it() {
        let s = srs(
            4545,
            "CGCS2000 / 3-degree Gauss-Kruger CM 108E",
            "epsg",
            4545,
            "",
        );
        assert_eq!(
            s.to_string(),
            "CGCS2000 / 3-degree Gauss-Kruger CM 108E (EPSG:4545)"
        );
        assert_eq!(srs(7, "", "", 0, "").to_string(), "srs_id 7");
        assert_eq!(srs(7, "", "EPSG", 2383, "").to_string(), "EPSG:2383");
    }
}
