//! GeoPackage geometry blobs: the binary header (`GP`, version, flags, srs_id, optional
//! envelope) and the well-known binary (WKB) after it, read into GeoJSON geometry values. Only the
//! first two ordinates are kept: Z and M are dropped, since the map is flat. Pure: bytes in, a
//! geometry or the reason out.

use geojson::{Geometry, GeometryValue, Position};
use std::fmt;

/// Why a blob is not a geometry yitu can draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not a GeoPackage blob at all: it does not begin with `GP`.
    NoMagic,
    /// A header version this reader does not know (GeoPackage 1.x writes 0).
    Version(u8),
    /// An envelope contents indicator outside 0–4.
    Envelope(u8),
    /// A WKB byte order other than 0 (big-endian) or 1 (little-endian).
    ByteOrder(u8),
    /// A WKB type code that is no geometry type at all.
    UnknownType(u32),
    /// A valid type yitu does not draw (curves, surfaces, TINs): the row is skipped, not refused,
    /// as a Shapefile's multipatch is.
    Unsupported(&'static str),
    /// A part of a multi-geometry of the wrong kind (a LineString inside a MultiPoint).
    WrongPart {
        expected: &'static str,
        found: &'static str,
    },
    /// The bytes end before the geometry does.
    Truncated { at: usize },
    /// Bytes left over after the geometry.
    Trailing { at: usize },
    /// Geometry collections nested deeper than anyone draws: a broken or hostile blob.
    TooDeep,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoMagic => write!(f, "it does not begin with the GeoPackage magic 'GP'"),
            Error::Version(v) => write!(f, "unknown GeoPackage binary version {v}"),
            Error::Envelope(e) => write!(f, "invalid envelope indicator {e}"),
            Error::ByteOrder(b) => write!(f, "invalid WKB byte order {b}"),
            Error::UnknownType(t) => write!(f, "unknown WKB geometry type {t}"),
            Error::Unsupported(name) => write!(f, "{name} geometries are not drawn"),
            Error::WrongPart { expected, found } => {
                write!(f, "a {found} where a part must be a {expected}")
            }
            Error::Truncated { at } => write!(f, "the bytes end early, at byte {at}"),
            Error::Trailing { at } => write!(f, "extra bytes after the geometry, from byte {at}"),
            Error::TooDeep => write!(f, "geometry collections nested too deep"),
        }
    }
}

impl std::error::Error for Error {}

/// A GeoPackage geometry blob's geometry, or `None` when the header marks it empty (or it is an
/// empty point, which WKB writes as NaN coordinates).
pub fn geometry(blob: &[u8]) -> Result<Option<GeometryValue>, Error> {
    let mut r = Reader { bytes: blob, at: 0 };
    if r.take(2)? != b"GP" {
        return Err(Error::NoMagic);
    }
    let version = r.u8()?;
    if version != 0 {
        return Err(Error::Version(version));
    }
    let flags = r.u8()?;
    let empty = flags & 0b0001_0000 != 0;
    let envelope = (flags >> 1) & 0b111;
    // The header's own byte order (bit 0) covers the srs_id and envelope only; the WKB says its
    // own. The srs_id is the geometry column's, which the reader has already checked.
    let envelope_len = match envelope {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return Err(Error::Envelope(other)),
    };
    r.take(4 + envelope_len)?;
    let value = wkb(&mut r, 0)?;
    if r.at != blob.len() {
        return Err(Error::Trailing { at: r.at });
    }
    Ok(if empty { None } else { value })
}

/// Deeper than this, a collection is taken as broken: no real layer nests so.
const MAX_DEPTH: usize = 16;

/// One WKB geometry (byte order, type, body) at the reader's position.
fn wkb(r: &mut Reader, depth: usize) -> Result<Option<GeometryValue>, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::TooDeep);
    }
    let (kind, dims) = r.header()?;
    Ok(match kind {
        Kind::Point => r.position(dims)?.map(GeometryValue::new_point),
        Kind::LineString => Some(GeometryValue::LineString {
            coordinates: r.positions(dims)?,
        }),
        Kind::Polygon => Some(GeometryValue::Polygon {
            coordinates: r.rings(dims)?,
        }),
        // A multi-geometry's parts are whole WKB geometries, each with its own byte order.
        Kind::MultiPoint => {
            let mut points = Vec::new();
            for _ in 0..r.count(dims.order, MIN_PART)? {
                let part = r.part(Kind::Point)?;
                points.extend(r.position(part)?);
            }
            Some(GeometryValue::MultiPoint {
                coordinates: points,
            })
        }
        Kind::MultiLineString => {
            let mut lines = Vec::new();
            for _ in 0..r.count(dims.order, MIN_PART)? {
                let part = r.part(Kind::LineString)?;
                lines.push(r.positions(part)?);
            }
            Some(GeometryValue::MultiLineString { coordinates: lines })
        }
        Kind::MultiPolygon => {
            let mut polygons = Vec::new();
            for _ in 0..r.count(dims.order, MIN_PART)? {
                let part = r.part(Kind::Polygon)?;
                polygons.push(r.rings(part)?);
            }
            Some(GeometryValue::MultiPolygon {
                coordinates: polygons,
            })
        }
        Kind::GeometryCollection => {
            let mut geometries = Vec::new();
            for _ in 0..r.count(dims.order, MIN_PART)? {
                geometries.extend(wkb(r, depth + 1)?.map(Geometry::new));
            }
            Some(GeometryValue::GeometryCollection { geometries })
        }
    })
}

/// The fewest bytes a WKB geometry can take: a byte order and a type.
const MIN_PART: usize = 5;

/// The seven simple-feature kinds GeoJSON has too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
    GeometryCollection,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Point => "Point",
            Kind::LineString => "LineString",
            Kind::Polygon => "Polygon",
            Kind::MultiPoint => "MultiPoint",
            Kind::MultiLineString => "MultiLineString",
            Kind::MultiPolygon => "MultiPolygon",
            Kind::GeometryCollection => "GeometryCollection",
        }
    }
}

/// A WKB type code's kind and the number of ordinates per position (2 to 4). Both spellings of
/// Z and M are met in files: ISO's thousands (1001 is Point Z, 3003 Polygon ZM) and the older
/// high bits (0x80000000 Z, 0x40000000 M) that PostGIS's EWKB and early GDAL wrote.
fn kind_of(code: u32) -> Result<(Kind, usize, bool), Error> {
    let high_z = code & 0x8000_0000 != 0;
    let high_m = code & 0x4000_0000 != 0;
    // EWKB's SRID flag: four bytes of SRID follow the type. GeoPackage forbids it, but reading it
    // costs nothing.
    let srid = code & 0x2000_0000 != 0;
    let iso = code & 0x0FFF_FFFF;
    let (base, iso_z, iso_m) = match iso / 1000 {
        0 => (iso, false, false),
        1 => (iso % 1000, true, false),
        2 => (iso % 1000, false, true),
        3 => (iso % 1000, true, true),
        _ => return Err(Error::UnknownType(code)),
    };
    let kind = match base {
        1 => Kind::Point,
        2 => Kind::LineString,
        3 => Kind::Polygon,
        4 => Kind::MultiPoint,
        5 => Kind::MultiLineString,
        6 => Kind::MultiPolygon,
        7 => Kind::GeometryCollection,
        8 => return Err(Error::Unsupported("CircularString")),
        9 => return Err(Error::Unsupported("CompoundCurve")),
        10 => return Err(Error::Unsupported("CurvePolygon")),
        11 => return Err(Error::Unsupported("MultiCurve")),
        12 => return Err(Error::Unsupported("MultiSurface")),
        13 => return Err(Error::Unsupported("Curve")),
        14 => return Err(Error::Unsupported("Surface")),
        15 => return Err(Error::Unsupported("PolyhedralSurface")),
        16 => return Err(Error::Unsupported("TIN")),
        17 => return Err(Error::Unsupported("Triangle")),
        _ => return Err(Error::UnknownType(code)),
    };
    let dims = 2 + usize::from(high_z || iso_z) + usize::from(high_m || iso_m);
    Ok((kind, dims, srid))
}

#[derive(Debug, Clone, Copy)]
enum Order {
    Big,
    Little,
}

/// How a geometry's positions are written: ordinates per position (2 to 4) and byte order.
#[derive(Debug, Clone, Copy)]
struct Dims {
    n: usize,
    order: Order,
}

/// A cursor over the blob.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(Error::Truncated {
                at: self.bytes.len(),
            })?;
        let b = &self.bytes[self.at..end];
        self.at = end;
        Ok(b)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self, order: Order) -> Result<u32, Error> {
        let b: [u8; 4] = self.take(4)?.try_into().expect("four bytes");
        Ok(match order {
            Order::Big => u32::from_be_bytes(b),
            Order::Little => u32::from_le_bytes(b),
        })
    }

    fn f64(&mut self, order: Order) -> Result<f64, Error> {
        let b: [u8; 8] = self.take(8)?.try_into().expect("eight bytes");
        Ok(match order {
            Order::Big => f64::from_be_bytes(b),
            Order::Little => f64::from_le_bytes(b),
        })
    }

    /// A geometry's byte order and type code.
    fn header(&mut self) -> Result<(Kind, Dims), Error> {
        let order = match self.u8()? {
            0 => Order::Big,
            1 => Order::Little,
            other => return Err(Error::ByteOrder(other)),
        };
        let (kind, n, srid) = kind_of(self.u32(order)?)?;
        if srid {
            self.take(4)?;
        }
        Ok((kind, Dims { n, order }))
    }

    /// A part of a multi-geometry, which must be of the one kind that multi holds.
    fn part(&mut self, expected: Kind) -> Result<Dims, Error> {
        let (kind, dims) = self.header()?;
        if kind != expected {
            return Err(Error::WrongPart {
                expected: expected.name(),
                found: kind.name(),
            });
        }
        Ok(dims)
    }

    /// A count of things at least `min_len` bytes each, checked against the bytes left so a
    /// broken count cannot ask for gigabytes.
    fn count(&mut self, order: Order, min_len: usize) -> Result<usize, Error> {
        let n = self.u32(order)? as usize;
        if n.saturating_mul(min_len) > self.bytes.len() - self.at {
            return Err(Error::Truncated {
                at: self.bytes.len(),
            });
        }
        Ok(n)
    }

    /// A position's longitude and latitude (or x and y); Z and M are read past.
    fn xy(&mut self, dims: Dims) -> Result<(f64, f64), Error> {
        let x = self.f64(dims.order)?;
        let y = self.f64(dims.order)?;
        self.take((dims.n - 2) * 8)?;
        Ok((x, y))
    }

    /// A point's position; `None` for an empty point, which WKB writes as NaN ordinates.
    fn position(&mut self, dims: Dims) -> Result<Option<Position>, Error> {
        let (x, y) = self.xy(dims)?;
        Ok((!(x.is_nan() && y.is_nan())).then(|| Position::from([x, y])))
    }

    fn positions(&mut self, dims: Dims) -> Result<Vec<Position>, Error> {
        let n = self.count(dims.order, dims.n * 8)?;
        (0..n)
            .map(|_| self.xy(dims).map(|(x, y)| Position::from([x, y])))
            .collect()
    }

    fn rings(&mut self, dims: Dims) -> Result<Vec<Vec<Position>>, Error> {
        let n = self.count(dims.order, 4)?;
        (0..n).map(|_| self.positions(dims)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes from hex written by hand, spaces and line breaks ignored.
    fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect()
    }

    // Doubles as they are written: 106.0 is 0x405A800000000000, 30.0 is 0x403E000000000000.
    const LON_LE: &str = "00 00 00 00 00 80 5A 40";
    const LAT_LE: &str = "00 00 00 00 00 00 3E 40";
    const LON_BE: &str = "40 5A 80 00 00 00 00 00";
    const LAT_BE: &str = "40 3E 00 00 00 00 00 00";
    const ONE_LE: &str = "00 00 00 00 00 00 F0 3F";
    const NAN_LE: &str = "00 00 00 00 00 00 F8 7F";
    /// 'GP', version 0, flags 0x01 (no envelope, little-endian header), srs_id 4326.
    const GP_LE: &str = "47 50 00 01 E6 10 00 00";

    fn xy(p: &Position) -> (f64, f64) {
        (p[0], p[1])
    }

    #[test]
    fn a_little_endian_point_without_envelope() {
        let blob = hex(&format!("{GP_LE} 01 01000000 {LON_LE} {LAT_LE}"));
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_point([106.0, 30.0]))
        );
    }

    #[test]
    fn a_big_endian_polygon_after_a_big_endian_xy_envelope() {
        // Flags 0x02: envelope [minx, maxx, miny, maxy] (32 bytes), big-endian header.
        let blob = hex(&format!(
            "47 50 00 02 00 00 10 E6
             {LON_BE} {LON_BE} {LAT_BE} {LAT_BE}
             00 00000003 00000001 00000004
             {LON_BE} {LAT_BE}  {LON_BE} 3FF0000000000000  3FF0000000000000 {LAT_BE}
             {LON_BE} {LAT_BE}"
        ));
        let Some(GeometryValue::Polygon { coordinates }) = geometry(&blob).unwrap() else {
            panic!("a polygon");
        };
        let ring: Vec<_> = coordinates[0].iter().map(xy).collect();
        assert_eq!(
            ring,
            [(106.0, 30.0), (106.0, 1.0), (1.0, 30.0), (106.0, 30.0)]
        );
    }

    #[test]
    fn z_and_m_are_dropped_in_both_spellings_and_envelopes_of_every_size_skipped() {
        // ISO Point Z (1001 = 0x3E9) after an XYZ envelope (flags 0x05: indicator 2, 48 bytes).
        let envelope = format!("{ONE_LE} ").repeat(6);
        let blob = hex(&format!(
            "47 50 00 05 E6 10 00 00 {envelope} 01 E9030000 {LON_LE} {LAT_LE} {ONE_LE}"
        ));
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_point([106.0, 30.0]))
        );
        // LineString ZM, ISO 3002 (0xBBA), after an XYZM envelope (flags 0x09: 64 bytes).
        let envelope = format!("{ONE_LE} ").repeat(8);
        let blob = hex(&format!(
            "47 50 00 09 E6 10 00 00 {envelope} 01 BA0B0000 02000000
             {LON_LE} {LAT_LE} {ONE_LE} {ONE_LE}  {ONE_LE} {ONE_LE} {ONE_LE} {ONE_LE}"
        ));
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_line_string([[106.0, 30.0], [1.0, 1.0]]))
        );
        // The older high-bit Z (0x80000002) and M (0x40000001), as early GDAL and EWKB write.
        let blob = hex(&format!(
            "{GP_LE} 01 02000080 01000000 {LON_LE} {LAT_LE} {ONE_LE}"
        ));
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_line_string([[106.0, 30.0]]))
        );
        let blob = hex(&format!("{GP_LE} 01 01000040 {LON_LE} {LAT_LE} {ONE_LE}"));
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_point([106.0, 30.0]))
        );
        // An XYM envelope (indicator 3) is 48 bytes too.
        let envelope = format!("{ONE_LE} ").repeat(6);
        let blob = hex(&format!(
            "47 50 00 07 E6 10 00 00 {envelope} 01 01000000 {LON_LE} {LAT_LE}"
        ));
        assert!(geometry(&blob).unwrap().is_some());
    }

    #[test]
    fn multi_geometries_and_collections_with_parts_in_either_byte_order() {
        // MultiPoint of a little-endian point, a big-endian one and an empty (NaN) one.
        let blob = hex(&format!(
            "{GP_LE} 01 04000000 03000000
             01 01000000 {LON_LE} {LAT_LE}
             00 00000001 {LON_BE} {LAT_BE}
             01 01000000 {NAN_LE} {NAN_LE}"
        ));
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_multi_point([
                [106.0, 30.0],
                [106.0, 30.0]
            ]))
        );
        // MultiLineString of one line; MultiPolygon of one triangle.
        let blob = hex(&format!(
            "{GP_LE} 01 05000000 01000000 01 02000000 02000000 {LON_LE} {LAT_LE} {ONE_LE} {ONE_LE}"
        ));
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_multi_line_string([[
                [106.0, 30.0],
                [1.0, 1.0]
            ]]))
        );
        let blob = hex(&format!(
            "{GP_LE} 01 06000000 01000000 01 03000000 01000000 04000000
             {LON_LE} {LAT_LE} {ONE_LE} {ONE_LE} {ONE_LE} {LAT_LE} {LON_LE} {LAT_LE}"
        ));
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_multi_polygon([[[
                [106.0, 30.0],
                [1.0, 1.0],
                [1.0, 30.0],
                [106.0, 30.0]
            ]]]))
        );
        // A collection of a point and a collection holding a line.
        let blob = hex(&format!(
            "{GP_LE} 01 07000000 02000000
             01 01000000 {LON_LE} {LAT_LE}
             01 07000000 01000000 01 02000000 01000000 {ONE_LE} {ONE_LE}"
        ));
        let line = GeometryValue::new_line_string([[1.0, 1.0]]);
        assert_eq!(
            geometry(&blob).unwrap(),
            Some(GeometryValue::new_geometry_collection([
                Geometry::new(GeometryValue::new_point([106.0, 30.0])),
                Geometry::new(GeometryValue::new_geometry_collection([Geometry::new(
                    line
                )])),
            ]))
        );
    }

    #[test]
    fn empty_geometries_are_none() {
        // The header's empty flag (0x10), over an empty point.
        let blob = hex(&format!(
            "47 50 00 11 E6 10 00 00 01 01000000 {NAN_LE} {NAN_LE}"
        ));
        assert_eq!(geometry(&blob).unwrap(), None);
        // An empty point without the flag.
        let blob = hex(&format!("{GP_LE} 01 01000000 {NAN_LE} {NAN_LE}"));
        assert_eq!(geometry(&blob).unwrap(), None);
    }

    #[test]
    fn broken_blobs_say_why() {
        let point = format!("01 01000000 {LON_LE} {LAT_LE}");
        let cases: Vec<(&str, String, Error)> = vec![
            ("bare WKB, no header", point.clone(), Error::NoMagic),
            (
                "GeoJSON text",
                hex_of(br#"{"type":"Point"}"#),
                Error::NoMagic,
            ),
            (
                "version 1",
                format!("47 50 01 01 E6 10 00 00 {point}"),
                Error::Version(1),
            ),
            (
                "envelope indicator 5",
                format!("47 50 00 0B E6 10 00 00 {point}"),
                Error::Envelope(5),
            ),
            (
                "byte order 2",
                format!("{GP_LE} 02 01000000 {LON_LE} {LAT_LE}"),
                Error::ByteOrder(2),
            ),
            (
                "type 99",
                format!("{GP_LE} 01 63000000 {LON_LE} {LAT_LE}"),
                Error::UnknownType(99),
            ),
            (
                "type 4001",
                format!("{GP_LE} 01 A10F0000 {LON_LE} {LAT_LE}"),
                Error::UnknownType(4001),
            ),
            (
                "a circular string",
                format!("{GP_LE} 01 08000000 00000000"),
                Error::Unsupported("CircularString"),
            ),
            (
                "a line in a multipoint",
                format!("{GP_LE} 01 04000000 01000000 01 02000000 00000000"),
                Error::WrongPart {
                    expected: "Point",
                    found: "LineString",
                },
            ),
            (
                "a point cut short",
                format!("{GP_LE} 01 01000000 {LON_LE} 00 00"),
                Error::Truncated { at: 23 },
            ),
            (
                "header cut short",
                "47 50 00 03 E6 10 00 00 00 00".into(),
                Error::Truncated { at: 10 },
            ),
            (
                "bytes after",
                format!("{GP_LE} {point} FF"),
                Error::Trailing { at: 29 },
            ),
            (
                "four billion points",
                format!("{GP_LE} 01 02000000 FFFFFFFF {LON_LE} {LAT_LE}"),
                Error::Truncated { at: 33 },
            ),
            (
                "nested deep",
                format!("{GP_LE} {}", "01 07000000 01000000 ".repeat(40)),
                Error::TooDeep,
            ),
            ("nothing", String::new(), Error::Truncated { at: 0 }),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(geometry(&hex(&bytes)), Err(expected), "{name}");
        }
    }

    fn hex_of(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }
}
