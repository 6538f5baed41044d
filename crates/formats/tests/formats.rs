//! Reading real files of each format, written here the way other tools write them.

use std::convert::TryInto;
use yitu_formats::{read, write_csv, write_xlsx, SourceEncoding, SourceKind};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn a_gbk_csv_is_detected_and_lines_count_from_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("队伍.csv");
    let crlf = "名称,经度,纬度\r\n合川区水上救援队,106.27,29.99\r\n,,\r\n\"两行\n名称\",106.3,30.0\r\n\r\n钱塘镇应急队,106.1,30.2\r\n";
    for text in [crlf.to_string(), crlf.replace("\r\n", "\n")] {
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        std::fs::write(&path, &gbk).unwrap();
        let t = read(&path).unwrap();
        assert_eq!(t.source_encoding, SourceEncoding::Gbk);
        assert_eq!(t.kind, SourceKind::Csv);
        assert_eq!(t.headers, s(&["名称", "经度", "纬度"]));
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        // The ",," line 3 is skipped; the quoted name spans lines 4–5; line 6 is blank.
        assert_eq!(lines, vec![2, 4, 7], "{text:?}");
        assert_eq!(t.rows[2].cells, s(&["钱塘镇应急队", "106.1", "30.2"]));
    }
}

#[test]
fn csv_and_xlsx_written_by_yitu_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let headers = s(&["编号", "名称", "电话"]);
    let rows = vec![
        s(&["0001", "合阳城街道避难场所", "13900000001"]),
        s(&["0002", "", "x"]),
    ];
    let csv = dir.path().join("out.csv");
    write_csv(&csv, &headers, &rows).unwrap();
    assert!(std::fs::read(&csv).unwrap().starts_with(b"\xEF\xBB\xBF"));
    let xlsx = dir.path().join("out.xlsx");
    write_xlsx(&xlsx, "shelters", &headers, &rows).unwrap();
    for path in [csv, xlsx] {
        let t = read(&path).unwrap();
        assert_eq!(t.headers, headers, "{path:?}");
        let cells: Vec<Vec<String>> = t.rows.iter().map(|r| r.cells.clone()).collect();
        assert_eq!(cells, rows, "{path:?}");
        assert_eq!(t.rows[0].line, 2);
    }
}

#[test]
fn geojson_keeps_line_geometries_and_feature_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roads.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"r1","properties":{"name":"G75","class":"motorway","speed":100},
           "geometry":{"type":"LineString","coordinates":[[106.2,30.0],[106.3,30.1],[106.35,30.12]]}},
          {"type":"Feature","properties":{"name":"S208","lanes":2},
           "geometry":{"type":"MultiLineString","coordinates":[[[106.1,30.0],[106.2,30.0]],[[106.2,30.0],[106.2,30.2]]]}}]}"#,
    )
    .unwrap();
    let t = read(&path).unwrap();
    // Properties come in key order within a feature (serde_json's map), new keys after.
    assert_eq!(t.headers, s(&["id", "class", "name", "speed", "lanes"]));
    assert_eq!(t.rows[0].cells, s(&["r1", "motorway", "G75", "100", ""]));
    assert_eq!(t.rows[1].line, 2);
    let g0 = serde_json::to_value(t.rows[0].geometry.as_ref().unwrap()).unwrap();
    assert_eq!(g0["type"], "LineString");
    assert_eq!(g0["coordinates"][2], serde_json::json!([106.35, 30.12]));
    let g1 = serde_json::to_value(t.rows[1].geometry.as_ref().unwrap()).unwrap();
    assert_eq!(g1["type"], "MultiLineString");
    assert_eq!(g1["coordinates"][1][1], serde_json::json!([106.2, 30.2]));
}

/// A road network as Chinese GIS tools export it: polylines, a GBK .dbf, with or without .cpg.
fn write_roads(path: &std::path::Path) {
    use shapefile::dbase::{self, FieldValue, Record};
    let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::GBK,
    ))
    .add_character_field("NAME".try_into().unwrap(), 40)
    .add_character_field("CLASS".try_into().unwrap(), 20)
    .add_numeric_field("SPEED".try_into().unwrap(), 6, 0);
    let mut w = shapefile::Writer::from_path(path, table).unwrap();
    let roads = [
        (
            "合川大道",
            "一级公路",
            60.0,
            vec![vec![(106.26, 29.98), (106.28, 30.0)]],
        ),
        (
            "钓鱼城路",
            "城市道路",
            40.0,
            vec![
                vec![(106.27, 29.99), (106.29, 30.01), (106.3, 30.02)],
                vec![(106.3, 30.02), (106.31, 30.05)],
            ],
        ),
    ];
    for (name, class, speed, parts) in roads {
        let parts: Vec<Vec<shapefile::Point>> = parts
            .into_iter()
            .map(|p| {
                p.into_iter()
                    .map(|(x, y)| shapefile::Point::new(x, y))
                    .collect()
            })
            .collect();
        let line = shapefile::Polyline::with_parts(parts);
        let mut rec = Record::default();
        rec.insert("NAME".into(), FieldValue::Character(Some(name.into())));
        rec.insert("CLASS".into(), FieldValue::Character(Some(class.into())));
        rec.insert("SPEED".into(), FieldValue::Numeric(Some(speed)));
        w.write_shape_and_record(&line, &rec).unwrap();
    }
    drop(w); // the writer completes the headers when dropped
}

#[test]
fn a_gbk_shapefile_of_roads_reads_with_and_without_cpg() {
    for cpg in [None, Some("GBK"), Some("936")] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roads.shp");
        write_roads(&path);
        if let Some(c) = cpg {
            std::fs::write(path.with_extension("cpg"), c).unwrap();
        }
        let t = read(&path).unwrap();
        assert_eq!(t.source_encoding, SourceEncoding::Gbk, "{cpg:?}");
        assert_eq!(t.headers, s(&["NAME", "CLASS", "SPEED"]));
        assert_eq!(
            t.rows[0].cells,
            s(&["合川大道", "一级公路", "60"]),
            "{cpg:?}"
        );
        assert_eq!(t.rows[1].cells[0], "钓鱼城路");
        assert_eq!(t.rows[1].line, 2);
        let g = serde_json::to_value(t.rows[0].geometry.as_ref().unwrap()).unwrap();
        assert_eq!(g["type"], "LineString");
        assert_eq!(
            g["coordinates"],
            serde_json::json!([[106.26, 29.98], [106.28, 30.0]])
        );
        let g = serde_json::to_value(t.rows[1].geometry.as_ref().unwrap()).unwrap();
        assert_eq!(g["type"], "MultiLineString");
        assert_eq!(g["coordinates"][1][1], serde_json::json!([106.31, 30.05]));
    }
}

/// Found by fuzzing (`fuzz/corpus/xlsx/regression-cell-reference-overflow`): a workbook whose
/// sheet names a cell with a column past what calamine counts in 32 bits made it panic, which
/// would take the window or `yitu import` down. Now the file is refused with a message, and a
/// good workbook still reads after it.
#[test]
fn a_workbook_whose_cell_reference_overflows_is_refused_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("shelters.xlsx");
    let crash = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/corpus/xlsx/regression-cell-reference-overflow"
    );
    std::fs::copy(crash, &bad).unwrap();
    let e = read(&bad).unwrap_err().to_string();
    assert!(
        e.contains("shelters.xlsx") && e.contains("not a readable Excel workbook"),
        "{e}"
    );
    let good = dir.path().join("good.xlsx");
    let headers = vec!["名称".to_owned()];
    write_xlsx(
        &good,
        "shelters",
        &headers,
        &[vec!["钓鱼城避难场所".to_owned()]],
    )
    .unwrap();
    assert_eq!(read(&good).unwrap().rows.len(), 1);
}

/// Found by fuzzing (`fuzz/corpus/shapefile/regression-oom-parts`): a record whose count of
/// parts is broken had the shapefile crate reserve gigabytes before reading a byte of them.
/// Now the file is refused, naming the record, and the good file beside it still reads.
#[test]
fn a_shapefile_record_claiming_more_parts_than_it_holds_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roads.shp");
    write_roads(&path);
    let good = std::fs::read(&path).unwrap();
    // The second record: after the 100-byte header and the first record (8 + its length).
    let first_len = u32::from_be_bytes(good[104..108].try_into().unwrap()) as usize * 2;
    let second = 100 + 8 + first_len;
    for (parts, points) in [(0x7600_0000i32, 3i32), (-1, 3), (2, 1 << 30)] {
        let mut bad = good.clone();
        // num_parts and num_points sit 36 and 40 bytes into a polyline's content.
        bad[second + 8 + 36..second + 8 + 40].copy_from_slice(&parts.to_le_bytes());
        bad[second + 8 + 40..second + 8 + 44].copy_from_slice(&points.to_le_bytes());
        std::fs::write(&path, &bad).unwrap();
        let e = read(&path).unwrap_err().to_string();
        assert!(
            e.contains("record 2") && e.contains(&format!("{parts} parts and {points} points")),
            "{e}"
        );
    }
    // A record cut off by the end of the file.
    std::fs::write(&path, &good[..good.len() - 10]).unwrap();
    let e = read(&path).unwrap_err().to_string();
    assert!(e.contains("record 2") && e.contains("claims"), "{e}");
    std::fs::write(&path, &good).unwrap();
    assert_eq!(read(&path).unwrap().rows.len(), 2);
}

#[test]
fn unreadable_files_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    assert!(read(&missing)
        .unwrap_err()
        .to_string()
        .contains("not found"));
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "\u{feff}\r\n").unwrap();
    assert!(read(&empty).unwrap_err().to_string().contains("empty"));
    let fake = dir.path().join("fake.xlsx");
    std::fs::write(&fake, "名称,经度\n").unwrap();
    assert!(read(&fake).unwrap_err().to_string().contains("Excel"));
    let odd = dir.path().join("data.docx");
    std::fs::write(&odd, "x").unwrap();
    assert!(read(&odd).unwrap_err().to_string().contains("format"));
    let broken = dir.path().join("broken.shp");
    std::fs::write(&broken, b"not a shapefile at all, just bytes").unwrap();
    std::fs::write(broken.with_extension("dbf"), b"").unwrap();
    let e = read(&broken).unwrap_err();
    assert!(
        e.to_string().contains("shapefile") || e.to_string().contains(".dbf"),
        "{e}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Arbitrary bytes under each extension give a table or an error, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().unwrap();
        for name in ["x.csv", "x.geojson", "x.xlsx", "x.shp"] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            std::fs::write(path.with_extension("dbf"), &bytes).unwrap();
            let _ = read(&path);
        }
    }

    /// CSV-shaped text (separators, quotes, newlines, CJK) in UTF-8 or GBK reads without panic
    /// and every row has at least as many cells as the header.
    #[test]
    fn csv_like_text_reads_with_full_rows(text in "[a-c名称,\"\r\n１ ]{0,200}", gbk in proptest::prelude::any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        let bytes = if gbk { encoding_rs::GBK.encode(&text).0.into_owned() } else { text.clone().into_bytes() };
        std::fs::write(&path, bytes).unwrap();
        if let Ok(t) = read(&path) {
            for r in &t.rows {
                proptest::prop_assert!(r.cells.len() >= t.headers.len());
                proptest::prop_assert!(r.line >= 2);
            }
        }
    }
}
