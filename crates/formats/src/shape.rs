//! ESRI Shapefiles: the .shp geometry as GeoJSON geometry (points, polylines as LineString or
//! MultiLineString, polygons), the .dbf attributes as cells in field order. The .dbf's encoding
//! comes from a .cpg file when there is one, else from its bytes (UTF-8 if they are valid UTF-8,
//! else GBK, the usual encoding of Chinese GIS exports).

use crate::{Error, Row, SourceEncoding, SourceKind, Table};
use geojson::{Geometry, GeometryValue, Position};
use shapefile::dbase::{self, FieldValue};
use shapefile::{Shape, ShapeReader};
use std::path::Path;

pub fn read(path: &Path) -> Result<Table, Error> {
    let shp_err = |source| Error::Shapefile {
        path: path.to_owned(),
        source,
    };
    let dbf_path = path.with_extension("dbf");
    let dbf_bytes = std::fs::read(&dbf_path).map_err(|source| Error::Io {
        path: dbf_path.clone(),
        source,
    })?;
    let (encoding, source_encoding) = dbf_encoding(path, &dbf_bytes);
    let dbf_bytes_for_names = dbf_bytes.clone();
    let dbf = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding))
        .build(std::io::Cursor::new(dbf_bytes))
        .map_err(|source| Error::Dbase {
            path: dbf_path.clone(),
            source,
        })?;
    // The names dbase decoded (to look values up by) and the names as the user wrote them:
    // tools disagree on the names' encoding (ArcGIS uses the code page, others UTF-8), so each
    // name is decoded from its own bytes.
    let keys: Vec<String> = dbf
        .fields()
        .iter()
        .map(|f| f.name().to_owned())
        .filter(|n| n != "DeletionFlag")
        .collect();
    let raw_names = field_names(&dbf_bytes_for_names);
    let headers: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| raw_names.get(i).cloned().unwrap_or_else(|| k.clone()))
        .collect();
    let shp = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    if let Err((record, why)) = check_records(&shp) {
        return Err(Error::ShapeRecord {
            path: path.to_owned(),
            record,
            why,
        });
    }
    let shapes = ShapeReader::new(std::io::Cursor::new(shp)).map_err(shp_err)?;
    let mut reader = shapefile::Reader::new(shapes, dbf);
    let mut rows = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = item.map_err(shp_err)?;
        let cells = keys
            .iter()
            .map(|h| record.get(h).map(field_text).unwrap_or_default())
            .collect();
        rows.push(Row {
            line: i + 1,
            cells,
            geometry: geometry_of(&shape),
        });
    }
    Ok(Table {
        kind: SourceKind::Shapefile,
        source_encoding,
        headers,
        rows,
    })
}

/// Walks the .shp's records (after its 100-byte header: per record a big-endian number and
/// length in 16-bit words, then the shape) and checks that each record fits in the file and
/// that its counts of parts and points fit in the record. The shapefile crate sizes its
/// buffers from those counts before it reads them, so a few broken bytes would have it reserve
/// gigabytes (found by fuzzing: `fuzz/corpus/shapefile/regression-*`). Which record, and why,
/// when one does not.
fn check_records(shp: &[u8]) -> Result<(), (usize, String)> {
    let i32_le = |at: usize| -> Option<i64> {
        Some(i32::from_le_bytes(shp.get(at..at + 4)?.try_into().ok()?) as i64)
    };
    let mut at = 100;
    let mut record = 0;
    while at < shp.len() {
        record += 1;
        let Some(head) = shp.get(at..at + 8) else {
            return Err((record, "is cut off in its header".into()));
        };
        let words = i32::from_be_bytes(head[4..8].try_into().expect("4 bytes")) as i64;
        let len = words * 2;
        let content = at + 8;
        if len < 4 || content as i64 + len > shp.len() as i64 {
            return Err((
                record,
                format!(
                    "claims {len} bytes but the file has {} after it",
                    shp.len() - content
                ),
            ));
        }
        let len = len as usize;
        let shape = i32_le(content).expect("the record holds 4 bytes");
        // Bytes before the parts and points, and bytes per part, by shape type: polylines and
        // polygons (with Z or M) carry parts; multipoints none; multipatches a type per part.
        let layout = match shape {
            3 | 5 | 13 | 15 | 23 | 25 => Some((44, 4)),
            31 => Some((44, 8)),
            8 | 18 | 28 => Some((40, 0)),
            _ => None,
        };
        if let Some((fixed, per_part)) = layout {
            let counts = if per_part == 0 {
                i32_le(content + 36).map(|points| (0, points))
            } else {
                i32_le(content + 36).zip(i32_le(content + 40))
            };
            let Some((parts, points)) = counts.filter(|_| len >= fixed) else {
                return Err((record, format!("is {len} bytes, too short for its shape")));
            };
            if parts < 0 || points < 0 || fixed as i64 + parts * per_part + points * 16 > len as i64
            {
                return Err((
                    record,
                    format!("claims {parts} parts and {points} points in {len} bytes"),
                ));
            }
        }
        at = content + len;
    }
    Ok(())
}

/// The field names from the .dbf header (32-byte descriptors after the 32-byte lead, ended by
/// 0x0D), each decoded as UTF-8 when valid, else as GBK.
fn field_names(dbf: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = 32;
    while at + 32 <= dbf.len() && dbf[at] != 0x0D {
        let raw = &dbf[at..at + 11];
        let raw = &raw[..raw.iter().position(|b| *b == 0).unwrap_or(11)];
        let name = match std::str::from_utf8(raw) {
            Ok(s) => s.to_owned(),
            Err(_) => encoding_rs::GBK.decode(raw).0.into_owned(),
        };
        names.push(name.trim().to_owned());
        at += 32;
    }
    names
}

/// The .cpg's word where it names an encoding we know; else what the bytes say.
fn dbf_encoding(shp: &Path, dbf: &[u8]) -> (&'static encoding_rs::Encoding, SourceEncoding) {
    if let Ok(label) = std::fs::read_to_string(shp.with_extension("cpg")) {
        let label = label
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_uppercase();
        match label.as_str() {
            "UTF-8" | "UTF8" | "65001" => return (encoding_rs::UTF_8, SourceEncoding::Utf8),
            "GBK" | "936" | "CP936" | "GB2312" | "GB18030" => {
                return (encoding_rs::GBK, SourceEncoding::Gbk)
            }
            _ => {}
        }
    }
    // The header's length is at bytes 8–9; names and records after the 32-byte lead are text.
    let body = dbf.get(32..).unwrap_or_default();
    if std::str::from_utf8(body).is_ok() {
        (encoding_rs::UTF_8, SourceEncoding::Utf8)
    } else {
        (encoding_rs::GBK, SourceEncoding::Gbk)
    }
}

fn field_text(v: &FieldValue) -> String {
    match v {
        FieldValue::Character(s) => s.clone().unwrap_or_default().trim().to_owned(),
        FieldValue::Memo(s) => s.trim().to_owned(),
        FieldValue::Numeric(n) => n.map(number_text).unwrap_or_default(),
        FieldValue::Float(n) => n.map(|f| number_text(f as f64)).unwrap_or_default(),
        FieldValue::Double(n) | FieldValue::Currency(n) => number_text(*n),
        FieldValue::Integer(n) => n.to_string(),
        FieldValue::Logical(b) => b.map(|b| b.to_string()).unwrap_or_default(),
        FieldValue::Date(d) => d
            .map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
            .unwrap_or_default(),
        FieldValue::DateTime(dt) => {
            let d = dt.date();
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        }
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn xy<P: Copy>(points: &[P], f: impl Fn(P) -> (f64, f64)) -> Vec<Position> {
    points
        .iter()
        .map(|p| {
            let (x, y) = f(*p);
            Position::from(vec![x, y])
        })
        .collect()
}

/// A shape as GeoJSON geometry (x/y only: M and Z are dropped). A polyline of one part is a
/// LineString, of several a MultiLineString; polygon rings are grouped as the shapefile orders
/// them (each outer ring starts a polygon, the inner rings after it are its holes).
fn geometry_of(shape: &Shape) -> Option<Geometry> {
    macro_rules! lines {
        ($l:expr) => {{
            let parts: Vec<Vec<Position>> =
                $l.parts().iter().map(|p| xy(p, |q| (q.x, q.y))).collect();
            if parts.len() == 1 {
                GeometryValue::new_line_string(parts.into_iter().next().unwrap_or_default())
            } else {
                GeometryValue::new_multi_line_string(parts)
            }
        }};
    }
    macro_rules! polygons {
        ($p:expr) => {{
            let mut polys: Vec<Vec<Vec<Position>>> = Vec::new();
            for ring in $p.rings() {
                let pts = xy(ring.points(), |q| (q.x, q.y));
                match ring {
                    shapefile::PolygonRing::Outer(_) => polys.push(vec![pts]),
                    shapefile::PolygonRing::Inner(_) => match polys.last_mut() {
                        Some(last) => last.push(pts),
                        None => polys.push(vec![pts]),
                    },
                }
            }
            if polys.len() == 1 {
                GeometryValue::new_polygon(polys.into_iter().next().unwrap_or_default())
            } else {
                GeometryValue::new_multi_polygon(polys)
            }
        }};
    }
    let value = match shape {
        Shape::NullShape => return None,
        Shape::Point(p) => GeometryValue::new_point([p.x, p.y]),
        Shape::PointM(p) => GeometryValue::new_point([p.x, p.y]),
        Shape::PointZ(p) => GeometryValue::new_point([p.x, p.y]),
        Shape::Polyline(l) => lines!(l),
        Shape::PolylineM(l) => lines!(l),
        Shape::PolylineZ(l) => lines!(l),
        Shape::Polygon(p) => polygons!(p),
        Shape::PolygonM(p) => polygons!(p),
        Shape::PolygonZ(p) => polygons!(p),
        Shape::Multipoint(m) => GeometryValue::new_multi_point(xy(m.points(), |q| (q.x, q.y))),
        Shape::MultipointM(m) => GeometryValue::new_multi_point(xy(m.points(), |q| (q.x, q.y))),
        Shape::MultipointZ(m) => GeometryValue::new_multi_point(xy(m.points(), |q| (q.x, q.y))),
        Shape::Multipatch(_) => return None,
    };
    Some(Geometry::new(value))
}
