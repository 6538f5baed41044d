//! Warnings written as CAP 1.2 and read back; updates and lifts with their references; drills;
//! a meteorological bureau's message read in; broken documents and broken rules refused.

mod common;

use common::*;
use yitu_cap::warning::{GEOCODE_TOWN, MAX_POLYGON_POINTS};
use yitu_cap::{check, read, write, Alert, Error, MsgType, Reference, Severity, Status};
use yitu_domain::monitoring::warning::{
    Warning, WarningArea, WarningKind, WarningLevel, WarningStatus,
};
use yitu_domain::LonLat;

const CMA: &str = include_str!("fixtures/cma_rainstorm.xml");

fn round_trip(w: &Warning, ctx: &yitu_cap::Context) -> (String, Warning) {
    let xml = write(w, ctx).unwrap_or_else(|e| panic!("{e}"));
    let alert = read(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    check(&alert).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let back = alert.to_warning(w.id, w.supersedes).unwrap();
    (xml, back)
}

#[test]
fn every_area_level_and_kind_comes_back_equal() {
    for area in [polygon_area(), circle_area(), towns_area()] {
        for level in WarningLevel::ALL {
            for kind in WarningKind::ALL {
                let mut w = warning(area.clone());
                w.level = *level;
                w.kind = *kind;
                let (xml, back) = round_trip(&w, &ctx());
                assert_eq!(back, w, "{xml}");
            }
        }
    }
}

#[test]
fn the_message_is_in_the_national_form_and_beijing_time() {
    let w = warning(polygon_area());
    let xml = write(&w, &ctx()).unwrap();
    assert!(xml.contains(r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">"#));
    assert!(
        xml.contains("<identifier>50011712300000_20260712140509_0</identifier>"),
        "{xml}"
    );
    assert!(xml.contains("<sender>50011712300000</sender>"));
    assert!(xml.contains("<sent>2026-07-12T14:05:09+08:00</sent>"));
    assert!(xml.contains("<onset>2026-07-12T15:05:09+08:00</onset>"));
    assert!(xml.contains("<expires>2026-07-13T14:05:09+08:00</expires>"));
    assert!(xml.contains("<status>Actual</status>"));
    assert!(xml.contains("<msgType>Alert</msgType>"));
    assert!(!xml.contains("<references>"));
    assert!(xml.contains("<scope>Public</scope>"));
    assert!(xml.contains("<language>zh-CN</language>"));
    assert!(xml.contains("<category>Geo</category>"));
    assert!(xml.contains("<event>地质灾害</event>"));
    assert!(xml.contains("<urgency>Immediate</urgency>"));
    assert!(xml.contains("<severity>Severe</severity>"));
    assert!(xml.contains("<certainty>Likely</certainty>"));
    assert!(xml.contains("<senderName>合川区应急管理局</senderName>"));
    assert!(xml.contains("<instruction>群测群防员"));
    // Latitude first, at least four decimals, closed.
    assert!(xml.contains(
        "<polygon>29.9513,106.103217 29.9300,106.3300 30.0500,106.221987654321 30.2000,106.3500 \
         30.219999,106.0500 29.9513,106.103217</polygon>"
    ), "{xml}");
    assert!(xml.contains("<valueName>GB/T 2260</valueName>\n        <value>500117</value>"));
    // No time in UTC's Z and none with fractions.
    for line in xml.lines().filter(|l| l.contains("+08:00")) {
        assert!(!line.contains('Z') && !line.contains('.'), "{line}");
    }

    let circle = write(&warning(circle_area()), &ctx()).unwrap();
    assert!(
        circle.contains("<circle>29.9850,106.2750 3.2505</circle>"),
        "{circle}"
    );
    let towns = write(&warning(towns_area()), &ctx()).unwrap();
    assert!(towns.contains(&format!(
        "<valueName>{GEOCODE_TOWN}</valueName>\n        <value>500117124</value>"
    )));
    assert!(
        towns.contains("<areaDesc>合川区太和镇、钱塘镇、营盘街社区</areaDesc>"),
        "{towns}"
    );
}

#[test]
fn the_level_maps_to_severity_both_ways() {
    let expected = [
        (WarningLevel::Red, "Extreme"),
        (WarningLevel::Orange, "Severe"),
        (WarningLevel::Yellow, "Moderate"),
        (WarningLevel::Blue, "Minor"),
    ];
    for (level, word) in expected {
        let mut w = warning(towns_area());
        w.level = level;
        let xml = write(&w, &ctx()).unwrap();
        assert!(
            xml.contains(&format!("<severity>{word}</severity>")),
            "{level:?}"
        );
        assert_eq!(read(&xml).unwrap().info[0].severity.as_str(), word);
    }
}

#[test]
fn updates_and_lifts_refer_to_the_original() {
    let original = warning(polygon_area());
    let original_alert = read(&write(&original, &ctx()).unwrap()).unwrap();
    let reference = Reference::to(&original_alert);
    assert_eq!(
        reference.to_string(),
        "50011712300000,50011712300000_20260712140509_0,2026-07-12T14:05:09+08:00"
    );
    for (status, word) in [
        (WarningStatus::Updated, "Update"),
        (WarningStatus::Lifted, "Cancel"),
    ] {
        let next = follow_up(&original, status, 2);
        let ctx = yitu_cap::Context {
            references: vec![reference.clone()],
            ..ctx()
        };
        let (xml, back) = round_trip(&next, &ctx);
        assert_eq!(back, next);
        assert!(xml.contains(&format!("<msgType>{word}</msgType>")));
        assert!(
            xml.contains(&format!("<references>{reference}</references>")),
            "{xml}"
        );
        assert_eq!(read(&xml).unwrap().references, vec![reference.clone()]);
        if status == WarningStatus::Lifted {
            assert!(xml.contains("<urgency>Past</urgency>"));
            assert!(xml.contains("<responseType>AllClear</responseType>"));
        }

        // Without its reference an update or lift is not written.
        let e = write(&next, &common::ctx()).unwrap_err();
        assert!(matches!(e, Error::Rules(_)), "{e}");
        assert!(e.to_string().contains("<references>"), "{e}");
    }
    // And a new warning carries none.
    let ctx = yitu_cap::Context {
        references: vec![reference],
        ..ctx()
    };
    let e = write(&original, &ctx).unwrap_err();
    assert!(
        e.to_string().contains("Alert 消息不应有 <references>"),
        "{e}"
    );
}

#[test]
fn a_drill_is_always_written_exercise() {
    for area in [polygon_area(), circle_area(), towns_area()] {
        for status in WarningStatus::ALL {
            let mut w = if *status == WarningStatus::Issued {
                warning(area.clone())
            } else {
                follow_up(&warning(area.clone()), *status, 3)
            };
            w.exercise = true;
            let mut ctx = ctx();
            if *status != WarningStatus::Issued {
                let original = read(&write(&warning(area.clone()), &ctx).unwrap()).unwrap();
                ctx.references = vec![Reference::to(&original)];
            }
            let (xml, back) = round_trip(&w, &ctx);
            assert!(xml.contains("<status>Exercise</status>"), "{xml}");
            assert!(!xml.contains("<status>Actual</status>"));
            assert!(xml.contains("<note>演练"));
            assert!(back.exercise);
            assert_eq!(back, w);
        }
    }
    // A drill's words sent as Actual are refused by the check.
    let mut alert = read(&write(&warning(towns_area()), &ctx()).unwrap()).unwrap();
    alert.info[0].headline = Some("【演练】合川区发布暴雨红色预警".into());
    let e = check(&alert).unwrap_err();
    assert!(e.to_string().contains("Exercise"), "{e}");
    alert.status = Status::Exercise;
    check(&alert).unwrap();
}

#[test]
fn the_weather_bureaus_message_reads_into_a_warning() {
    let alert = read(CMA).unwrap();
    check(&alert).unwrap();
    assert_eq!(alert.identifier, "50011741600000_20260712140509_0");
    assert_eq!(alert.msg_type, MsgType::Alert);
    assert_eq!(alert.info[0].severity, Severity::Moderate);
    let w = alert.to_warning(id(9), None).unwrap();
    assert_eq!(w.level, WarningLevel::Yellow);
    assert_eq!(w.kind, WarningKind::Rainstorm);
    assert_eq!(w.status, WarningStatus::Issued);
    assert!(!w.exercise);
    assert_eq!(w.sender, "重庆市合川区气象台");
    assert_eq!(w.headline, "合川区气象台发布暴雨黄色预警信号");
    assert!(w.description.contains("50毫米以上"));
    assert!(w.instructions.starts_with("1. 政府及相关部门"));
    assert!(w.instructions.contains("\n5. 地质灾害隐患点群测群防员"));
    assert_eq!(w.issuer, "");
    assert_eq!(w.issued_at_ms, ISSUED_MS);
    // No onset: it takes effect when effective says.
    assert_eq!(w.onset_ms, ISSUED_MS);
    assert_eq!(w.expires_ms, ISSUED_MS + 24 * HOUR_MS);
    assert_eq!(
        w.area,
        WarningArea::Towns {
            towns: vec!["500117124".into(), "500117120".into(), "500117121".into()],
            villages: vec![],
        }
    );
    w.validate().unwrap();

    // The same message for the whole district (its code alone) covers all thirty towns.
    let whole = CMA
        .lines()
        .filter(|l| !l.contains("<value>5001171"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(
            "<geocode>\n        <valueName>GB/T 10114</valueName>\n      </geocode>",
            "",
        );
    let whole = read(&whole).unwrap_or_else(|e| panic!("{e}\n{whole}"));
    match whole.to_warning(id(9), None) {
        Ok(Warning {
            area: WarningArea::Towns { towns, .. },
            ..
        }) => assert_eq!(towns.len(), 30),
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_is_escaped_and_comes_back_as_written() {
    let mut w = warning(circle_area());
    w.headline = r#"预警 <测试> & "引号" 'apostrophe'"#.into();
    w.description = "第一行\n第二行\t制表".into();
    let (xml, back) = round_trip(&w, &ctx());
    assert!(xml.contains("&lt;测试&gt; &amp; &quot;引号&quot;"), "{xml}");
    assert_eq!(back, w);
    // Character references, CDATA and comments in received text.
    let received = CMA.replace(
        "<headline>合川区气象台发布暴雨黄色预警信号</headline>",
        "<headline>合川区&#27668;象台<!-- 注 -->发布<![CDATA[暴雨<黄色>]]>预警&amp;信号</headline>",
    );
    let alert = read(&received).unwrap();
    assert_eq!(
        alert.info[0].headline.as_deref(),
        Some("合川区气象台发布暴雨<黄色>预警&信号")
    );
}

#[test]
fn broken_and_foreign_documents_are_refused_saying_why() {
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "文档为空"),
        ("这不是 XML".into(), "元素之外有文字"),
        (CMA.replace("</alert>", ""), "不是格式正确的 XML"),
        (CMA.replace("</scope>", "</scop>"), "不是格式正确的 XML"),
        (
            "<rss><channel/></rss>".into(),
            "根元素是 <rss>，不是 <alert>",
        ),
        (
            CMA.replace("emergency:cap:1.2", "emergency:cap:1.1"),
            "只读 CAP 1.2",
        ),
        (
            CMA.replace(r#" xmlns="urn:oasis:names:tc:emergency:cap:1.2""#, ""),
            "命名空间为 （无）",
        ),
        (
            CMA.replace("  <sent>2026-07-12T14:05:09+08:00</sent>\n", ""),
            "缺少必需的元素 <sent>",
        ),
        (
            CMA.replace(
                "<sent>2026-07-12T14:05:09+08:00",
                "<sent>2026-07-12T06:05:09Z",
            ),
            "不是 CAP 时间",
        ),
        (
            CMA.replace("<status>Actual", "<status>Real"),
            "<status> 的值 \"Real\"",
        ),
        (
            CMA.replace("<severity>Moderate", "<severity>黄色"),
            "<severity> 的值",
        ),
        (
            CMA.replace("<category>Met</category>", ""),
            "缺少必需的元素 <category>",
        ),
        (
            CMA.replace(
                "<areaDesc>",
                "<polygon>29.9,106.1 30.0,abc 29.9,106.1</polygon><areaDesc>",
            ),
            "坐标",
        ),
        (
            CMA.replace(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x \"xx\">]>",
            ),
            "DOCTYPE",
        ),
        (
            CMA.replace("<headline>合川", "<headline>&bogus;合川"),
            "未定义的实体",
        ),
        (CMA.replace("</alert>", "</alert><alert/>"), "根元素之后"),
    ];
    for (doc, says) in cases {
        let e = read(&doc).err().unwrap_or_else(|| panic!("read: {doc}"));
        assert!(e.to_string().contains(says), "expected {says:?}, got: {e}");
    }
}

#[test]
fn what_is_cap_but_no_warning_is_refused() {
    let alert = read(CMA).unwrap();
    let mut test = alert.clone();
    test.status = Status::Test;
    assert!(matches!(
        test.to_warning(id(1), None),
        Err(Error::NotAWarning(_))
    ));
    let mut ack = alert.clone();
    ack.msg_type = MsgType::Ack;
    assert!(matches!(
        ack.to_warning(id(1), None),
        Err(Error::NotAWarning(_))
    ));
    let mut elsewhere = alert.clone();
    elsewhere.info[0].areas[0].geocodes = vec![yitu_cap::Pair::new("GB/T 2260", "500118")];
    let e = elsewhere.to_warning(id(1), None).unwrap_err();
    assert!(e.to_string().contains("无合川区的区划代码"), "{e}");
    let mut two = read(&write(&warning(polygon_area()), &ctx()).unwrap()).unwrap();
    let ring = two.info[0].areas[0].polygons[0].clone();
    two.info[0].areas[0].polygons.push(ring);
    assert!(two
        .to_warning(id(1), None)
        .unwrap_err()
        .to_string()
        .contains("一条预警只保存一个范围"));
    let mut no_level = alert.clone();
    no_level.info[0].severity = Severity::Unknown;
    // The colour named in the headline stands in for the severity.
    assert_eq!(
        no_level.to_warning(id(1), None).unwrap().level,
        WarningLevel::Yellow
    );
    no_level.info[0].headline = Some("合川区发布暴雨预警".into());
    assert!(no_level.to_warning(id(1), None).is_err());
    // An update read in needs the caller to say which warning it replaces.
    let mut update = alert;
    update.msg_type = MsgType::Update;
    assert!(matches!(
        update.to_warning(id(1), None),
        Err(Error::Warning(_))
    ));
    assert!(update.to_warning(id(1), Some(id(2))).is_ok());
}

#[test]
fn the_rules_beyond_the_schema() {
    let good: Alert = read(&write(&warning(polygon_area()), &ctx()).unwrap()).unwrap();
    check(&good).unwrap();
    let broken = |f: &dyn Fn(&mut Alert), says: &str| {
        let mut a = good.clone();
        f(&mut a);
        let e = check(&a).unwrap_err();
        assert!(e.to_string().contains(says), "expected {says:?}, got: {e}");
    };
    broken(
        &|a| {
            a.info[0].areas[0].polygons[0].pop();
        },
        "多边形未闭合",
    );
    broken(
        &|a| {
            let r = &mut a.info[0].areas[0].polygons[0];
            r.drain(1..r.len() - 2);
        },
        "至少需要 4 个",
    );
    broken(
        &|a| {
            let r = &mut a.info[0].areas[0].polygons[0];
            let first = r[0];
            *r = (0..=MAX_POLYGON_POINTS)
                .map(|i| LonLat {
                    lon: 106.1 + i as f64 * 1e-4,
                    lat: 30.0 + (i % 2) as f64 * 1e-4,
                })
                .collect();
            r[0] = first;
            r.push(first);
        },
        "超过 100 个",
    );
    broken(
        &|a| a.info[0].onset = Some(yitu_cap::Time::beijing(a.sent.unix_ms - 1000)),
        "早于发送时间",
    );
    broken(&|a| a.info[0].expires = a.info[0].onset, "不晚于");
    broken(&|a| a.msg_type = MsgType::Cancel, "须有 <references>");
    broken(&|a| a.sender = "合川区 应急管理局".into(), "<sender>");
    broken(&|a| a.identifier = "a,b".into(), "<identifier>");
}

#[test]
fn a_polygon_over_the_limit_is_refused_not_simplified() {
    // 120 vertices on a circle of about 5 km round the city.
    let ring: Vec<LonLat> = (0..120)
        .map(|i| {
            let a = i as f64 / 120.0 * std::f64::consts::TAU;
            LonLat {
                lon: 106.275 + 0.05 * a.cos(),
                lat: 29.985 + 0.045 * a.sin(),
            }
        })
        .collect();
    let w = warning(WarningArea::drawn(&ring));
    w.validate().unwrap();
    assert_eq!(write(&w, &ctx()), Err(Error::TooManyPoints(121)));
    // 99 vertices close to 100 points: the most a message takes.
    let w = warning(WarningArea::drawn(&ring[..99]));
    let (_, back) = round_trip(&w, &ctx());
    assert_eq!(back, w);
    let w = warning(WarningArea::drawn(&ring[..100]));
    assert_eq!(write(&w, &ctx()), Err(Error::TooManyPoints(101)));
}

#[test]
fn invalid_warnings_and_contexts_are_not_written() {
    let mut w = warning(towns_area());
    w.expires_ms = w.onset_ms;
    assert!(matches!(write(&w, &ctx()), Err(Error::Warning(_))));
    let bad_seq = yitu_cap::Context {
        sequence: 10,
        ..ctx()
    };
    assert_eq!(
        write(&warning(towns_area()), &bad_seq),
        Err(Error::Sequence(10))
    );
}
