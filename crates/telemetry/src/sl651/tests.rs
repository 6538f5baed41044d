//! The SL 651 decoder checked against frames worked by hand from the field layout, against
//! published frames whose readings and CRCs were computed elsewhere, and by properties.

use proptest::prelude::*;

use super::crc::crc16;
use super::element::TABLE;
use super::stream::FrameBuffer;
use super::*;
use crate::beijing;
use crate::reading::{Element, Lateness};
use crate::simulate;
use crate::Error;

/// Which error a case expects.
type Is = fn(&Error) -> bool;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn utc(date: (i32, u32, u32), time: (u32, u32, u32)) -> i64 {
    beijing::read("test", date, time).unwrap().to_unix_ms()
}

/// A frame laid out byte by byte from the standard's field order, its CRC appended high first.
fn by_hand(function: u8, body: &[u8]) -> Vec<u8> {
    let mut f = hex("7E7E 01 0012345678 1234");
    f.push(function);
    f.extend_from_slice(&(body.len() as u16).to_be_bytes()); // up: top nibble 0
    f.push(0x02);
    f.extend_from_slice(body);
    f.push(0x03);
    let crc = crc16(&f);
    f.extend_from_slice(&crc.to_be_bytes());
    f
}

fn values(report: &Report) -> Vec<(Element, i64, f64)> {
    report
        .observations
        .iter()
        .map(|o| (o.element, o.observed_at_ms, o.value))
        .collect()
}

#[test]
fn a_timed_report_worked_by_hand_gives_its_station_times_and_values() {
    let body = hex("0034 240715143015          \
         F1F1 0012345678 50         \
         F0F0 2407151430            \
         1A19 000125  2619 012345   \
         3923 00010490  3B2B FF00012340  3812 1215");
    let frame = Frame::decode(&by_hand(0x32, &body)).unwrap();
    assert_eq!(frame.header.function, Function::TIMED);
    assert_eq!(frame.header.station.to_string(), "0012345678");
    assert_eq!((frame.header.centre, frame.header.password), (0x01, 0x1234));
    let report = frame.report().unwrap();
    assert_eq!(report.serial, 0x34);
    assert_eq!(report.kind, Some(b'P'));
    // 2024-07-15 14:30:15 Beijing is 06:30:15 UTC.
    assert_eq!(report.sent_at_ms, 1_721_025_015_000);
    let at = 1_721_025_000_000;
    assert_eq!(at, utc((2024, 7, 15), (14, 30, 0)));
    assert_eq!(
        values(&report),
        vec![
            (Element::PeriodRain { minutes: 60 }, at, 12.5),
            (Element::AccumulatedRain, at, 1234.5),
            (Element::RiverLevel, at, 10.49),
            (Element::ReservoirLevel, at, -12.34),
            (Element::SupplyVoltage, at, 12.15),
        ]
    );
    let readings = report.readings(
        at + 60_000,
        Lateness {
            after_ms: 3_600_000,
        },
    );
    assert!(readings
        .iter()
        .all(|r| r.station == "0012345678" && !r.historical));
}

#[test]
fn a_uniform_period_report_worked_by_hand_spreads_values_by_its_step() {
    // 均匀时段报: observed 08:00, step 00 days 01 hour 00 minutes, three river levels.
    let body = hex("0001 240715090000 F1F1 0012345678 48 F0F0 2407150800 0418 000100 3923 00002500 00002750 FFFFFFFF");
    let report = Frame::decode(&by_hand(0x31, &body))
        .unwrap()
        .report()
        .unwrap();
    let at = utc((2024, 7, 15), (8, 0, 0));
    assert_eq!(
        values(&report),
        vec![
            (Element::RiverLevel, at, 2.5),
            (Element::RiverLevel, at + 3_600_000, 2.75)
        ]
    );
    assert_eq!(
        report.skipped,
        vec![Skipped {
            code: "39".into(),
            why: SkipReason::NoData
        }]
    );
}

#[test]
fn elements_yitu_does_not_read_are_skipped_by_their_length_and_listed() {
    // 02H 瞬时气温 N(3,1) in 2 bytes, a vendor's FF85 extension, then F4 five-minute rain.
    let body = hex("0002 240715090000 F1F1 0012345678 50 F0F0 2407150900 0211 0256 FF85 08 11 F460 000102030405060708090AFF");
    let report = Frame::decode(&by_hand(0x34, &body))
        .unwrap()
        .report()
        .unwrap();
    let codes: Vec<_> = report
        .skipped
        .iter()
        .map(|s| (s.code.as_str(), s.why))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("02", SkipReason::NotRead),
            ("FF85", SkipReason::NotRead),
            ("F4", SkipReason::NoData)
        ]
    );
    // Eleven 5-minute values, the last ending 5 minutes before the 09:00 observation time.
    let at = utc((2024, 7, 15), (9, 0, 0));
    let five = values(&report);
    assert_eq!(five.len(), 11);
    assert_eq!(
        five[0],
        (Element::PeriodRain { minutes: 5 }, at - 55 * 60_000, 0.0)
    );
    assert_eq!(
        five[10],
        (Element::PeriodRain { minutes: 5 }, at - 5 * 60_000, 1.0)
    );
}

#[test]
fn a_published_timed_report_decodes_to_its_published_readings() {
    // Worked frame published with its readings (toymoban.com/news/detail-686475.html):
    // 当前降水量 4 mm, 降水量累计值 4 mm, 瞬时河道水位 10.49 m, 电源电压 10.99 V.
    let bytes = hex("7E7E05001122334403E832002B020034170718110016F1F1001122334448F0F01707181100201900004026190000403923000104903812109903A421");
    let frame = Frame::decode(&bytes).unwrap();
    assert_eq!(frame.header.station.to_string(), "0011223344");
    assert_eq!(frame.header.password, 0x03E8);
    let report = frame.report().unwrap();
    let at = utc((2017, 7, 18), (11, 0, 0));
    assert_eq!(
        values(&report),
        vec![
            (Element::CurrentRain, at, 4.0),
            (Element::AccumulatedRain, at, 4.0),
            (Element::RiverLevel, at, 10.49),
            (Element::SupplyVoltage, at, 10.99),
        ]
    );
    // The centre's reply published with it: ESC, same 流水号, the up frame's time.
    let reply = confirmation(
        &frame.header,
        Encoding::Hex,
        report.serial,
        report.sent_at_ms,
        End::Esc,
    )
    .unwrap();
    assert_eq!(
        reply.encode().unwrap(),
        hex("7E7E00112233440503E83280080200341707181100161BE5D4")
    );
    let back = Frame::decode(&reply.encode().unwrap()).unwrap();
    assert_eq!(
        (back.header.direction, back.end),
        (Direction::Down, End::Esc)
    );
}

#[test]
fn a_published_ascii_test_report_decodes_to_its_published_readings() {
    let mut bytes = vec![0x01];
    bytes.extend(b"06001234123404D230004D\x020019170718111204ST 0012341234 H TT 1707181112 PJ 0.5 PT 0.5 Z 0.301 VT 10.91 \x03FDEE");
    let frame = Frame::decode(&bytes).unwrap();
    assert_eq!(frame.encoding, Encoding::Ascii);
    assert_eq!(
        (
            frame.header.centre,
            frame.header.password,
            frame.header.function
        ),
        (0x06, 0x04D2, Function::TEST)
    );
    let report = frame.report().unwrap();
    assert_eq!((report.serial, report.kind), (0x19, Some(b'H')));
    let at = utc((2017, 7, 18), (11, 12, 0));
    assert_eq!(
        values(&report),
        vec![
            (Element::CurrentRain, at, 0.5),
            (Element::AccumulatedRain, at, 0.5),
            (Element::RiverLevel, at, 0.301),
            (Element::SupplyVoltage, at, 10.91),
        ]
    );
    // Re-encoded, the body and the whole frame are the published bytes again.
    assert_eq!(report.encode(Encoding::Ascii).unwrap(), frame.body);
    assert_eq!(frame.encode().unwrap(), bytes);
}

#[test]
fn bad_frames_are_refused_with_what_is_wrong() {
    let good = hex("7E7E05001122334403E832002B020034170718110016F1F1001122334448F0F01707181100201900004026190000403923000104903812109903A421");
    let flipped = |i: usize| {
        let mut b = good.clone();
        b[i] ^= 0x01;
        b
    };
    let mut long = good.clone();
    long.push(0);
    let bad_bcd = by_hand(
        0x32,
        &hex("0001 240715090000 F1F1 0012345678 50 F0F0 2407150900 2019 00A005"),
    );
    let no_time = by_hand(
        0x32,
        &hex("0001 240715090000 F1F1 0012345678 50 2019 000005"),
    );
    let zero_len = by_hand(
        0x32,
        &hex("0001 240715090000 F1F1 0012345678 50 F0F0 2407150900 2001"),
    );
    let overrun = by_hand(
        0x32,
        &hex("0001 240715090000 F1F1 0012345678 50 F0F0 2407150900 2019 0000"),
    );
    // 0x40 (a parameter-setting answer) carries no readings: not decoded as a report.
    let not_a_report = by_hand(0x40, &hex("0001 240715090000"));
    let cases: Vec<(&str, Vec<u8>, Is)> = vec![
        ("a function that carries no readings", not_a_report, |e| {
            matches!(e, Error::NotAReport { function: 0x40 })
        }),
        ("a flipped data byte", flipped(40), |e| {
            matches!(e, Error::Crc { .. })
        }),
        ("a flipped CRC byte", flipped(good.len() - 1), |e| {
            matches!(e, Error::Crc { .. })
        }),
        ("truncated", good[..good.len() - 5].to_vec(), |e| {
            matches!(e, Error::Truncated { .. })
        }),
        ("truncated head", good[..9].to_vec(), |e| {
            matches!(e, Error::Truncated { .. })
        }),
        ("a trailing byte", long, |e| {
            matches!(e, Error::Length { .. })
        }),
        ("not a frame", b"GET / HTTP/1.1".to_vec(), |e| {
            matches!(e, Error::NotAFrame { .. })
        }),
        ("a BCD digit above 9", bad_bcd, |e| {
            matches!(e, Error::Bcd { .. })
        }),
        ("an element before F0F0", no_time, |e| {
            matches!(e, Error::NoObservationTime { .. })
        }),
        ("a zero length", zero_len, |e| {
            matches!(e, Error::ZeroLength { .. })
        }),
        ("a value past the body", overrun, |e| {
            matches!(e, Error::Truncated { .. })
        }),
    ];
    for (name, bytes, is) in cases {
        let err = Frame::decode(&bytes)
            .and_then(|f| f.report())
            .expect_err(name);
        assert!(is(&err), "{name}: {err}");
        assert!(!err.to_string().is_empty());
    }
    // A link-keeping message (2FH) is a whole report with no readings.
    let link = Frame::decode(&by_hand(0x2F, &hex("0007 240715090000")))
        .and_then(|f| f.report())
        .unwrap();
    assert_eq!((link.serial, link.observations.len()), (7, 0));
    assert_eq!(link.sent_at_ms, utc((2024, 7, 15), (9, 0, 0)));
}

#[test]
fn an_unknown_ascii_identifier_without_a_number_is_refused() {
    let header = Header {
        centre: 1,
        station: StationAddress([0, 0x12, 0x34, 0x56, 0x78]),
        password: 0,
        function: Function::TIMED,
        direction: Direction::Up,
    };
    let ok = b"0001240715090000ST 0012345678 P TT 2407150900 AI 25.6 PJ 1.5 ";
    let report = Report::decode(&header, Encoding::Ascii, ok).unwrap();
    assert_eq!(
        report.skipped,
        vec![Skipped {
            code: "AI".into(),
            why: SkipReason::NotRead
        }]
    );
    assert_eq!(report.observations.len(), 1);
    let bad = b"0001240715090000ST 0012345678 P TT 2407150900 QQ ZZ PJ 1.5 ";
    assert!(matches!(
        Report::decode(&header, Encoding::Ascii, bad),
        Err(Error::UnknownElement { .. })
    ));
}

fn station() -> StationAddress {
    StationAddress([0x00, 0x50, 0x01, 0x17, 0x01])
}

#[test]
fn simulated_days_decode_back_and_the_storm_is_there() {
    let day = utc((2024, 7, 15), (8, 0, 0));
    let frames = simulate::rain_day(7, station(), day);
    assert_eq!(
        frames,
        simulate::rain_day(7, station(), day),
        "the same seed gives the same frames"
    );
    let hourly: Vec<f64> = frames
        .iter()
        .map(|f| Frame::decode(f).unwrap().report().unwrap())
        .map(|r| r.observations[0].value)
        .collect();
    assert_eq!(hourly.len(), 24);
    let peak = hourly.iter().cloned().fold(0.0, f64::max);
    assert!(peak > 25.0, "a storm: {hourly:?}");

    let rise = simulate::river_rise(3, station(), day, 181.2, 184.5);
    let last = Frame::decode(rise.last().unwrap())
        .unwrap()
        .report()
        .unwrap();
    assert_eq!(last.observations[0].element, Element::RiverLevel);
    assert!(last.observations[0].value > 184.5);
}

#[test]
fn packets_out_of_order_and_duplicated_reassemble_into_the_whole_message() {
    let start = utc((2024, 7, 1), (0, 0, 0));
    let frames: Vec<Frame> = simulate::multi_packet(5, station(), start, 4)
        .iter()
        .map(|b| Frame::decode(b).unwrap())
        .collect();
    assert_eq!(frames.len(), 4);
    let mut r = Reassembly::new(600_000);
    for i in [2, 0, 2, 3] {
        assert!(matches!(
            r.accept(&frames[i], 0).unwrap(),
            Progress::Waiting { .. }
        ));
    }
    let Progress::Complete(whole) = r.accept(&frames[1], 10).unwrap() else {
        panic!("all four arrived")
    };
    let report = whole.report().unwrap();
    assert_eq!(report.observations.len(), 168);
    assert_eq!(report.serial, 7);
    assert!(r.is_empty());
}

#[test]
fn a_conflicting_or_out_of_range_packet_is_refused_and_a_missing_one_expires() {
    let start = utc((2024, 7, 1), (0, 0, 0));
    let frames: Vec<Frame> = simulate::multi_packet(5, station(), start, 3)
        .iter()
        .map(|b| Frame::decode(b).unwrap())
        .collect();
    let mut r = Reassembly::new(600_000);
    r.accept(&frames[0], 0).unwrap();
    let mut changed = frames[0].clone();
    changed.body[0] ^= 1;
    assert!(matches!(
        r.accept(&changed, 1),
        Err(Error::PacketConflict { index: 1 })
    ));
    let mut beyond = frames[1].clone();
    beyond.packet = Packet::Multi { total: 3, index: 4 };
    assert!(matches!(
        r.accept(&beyond, 1),
        Err(Error::PacketOutOfRange { .. })
    ));
    let mut other_total = frames[1].clone();
    other_total.packet = Packet::Multi { total: 5, index: 2 };
    assert!(matches!(
        r.accept(&other_total, 1),
        Err(Error::PacketTotalChanged { .. })
    ));
    r.accept(&frames[2], 2).unwrap();
    assert!(r.expire(600_000).is_empty(), "not yet old");
    let expired = r.expire(600_001);
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].missing, vec![2]);
    assert!(r.is_empty());
    assert!(matches!(
        Reassembly::new(1).accept(
            &Frame::decode(&simulate::rain_day(1, station(), start)[0]).unwrap(),
            0
        ),
        Err(Error::NotMultiPacket)
    ));
}

#[test]
fn a_byte_stream_is_cut_into_frames_past_garbage_and_a_corrupt_frame() {
    let day = utc((2024, 7, 15), (8, 0, 0));
    let frames = simulate::rain_day(9, station(), day);
    let mut corrupt = frames[1].clone();
    corrupt[30] ^= 0xFF;
    let mut stream = b"\x00\x01garbage".to_vec();
    stream.extend(&frames[0]);
    stream.extend(&corrupt);
    stream.extend(&frames[2]);
    let mut buf = FrameBuffer::new();
    let mut got = Vec::new();
    for chunk in stream.chunks(7) {
        buf.extend(chunk);
        while let Some(result) = buf.next_frame() {
            got.push(result.map(|f| f.encode().unwrap()));
        }
    }
    let ok: Vec<_> = got
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .cloned()
        .collect();
    assert_eq!(ok, vec![frames[0].clone(), frames[2].clone()]);
    assert!(got.iter().any(|r| matches!(r, Err(Error::Crc { .. }))));
}

fn observation() -> impl Strategy<Value = Observation> {
    (0..TABLE.len(), any::<u32>(), any::<bool>(), 0i64..10_000).prop_map(
        |(row, n, negative, minute)| {
            let d = &TABLE[row];
            let n = u64::from(n) % 10u64.pow(u32::from(d.digits));
            let value = n as f64 / 10f64.powi(i32::from(d.decimals));
            Observation {
                element: d.element,
                // Minutes from 2024-01-01 Beijing, as the frame's YYMMDDHHmm carries them.
                observed_at_ms: 1_704_038_400_000 + minute * 60_000,
                value: if negative && n != 0 { -value } else { value },
            }
        },
    )
}

proptest! {
    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300), prefix in 0usize..3) {
        let mut b = match prefix { 0 => vec![0x7E, 0x7E], 1 => vec![0x01], _ => vec![] };
        b.extend(bytes);
        if let Ok(frame) = Frame::decode(&b) {
            let _ = frame.report();
        }
        let mut buf = FrameBuffer::new();
        buf.extend(&b);
        while buf.next_frame().is_some() {}
    }

    #[test]
    fn report_bodies_never_panic_on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..200), function in 0x2Fu8..0x3B) {
        let header = Header { centre: 1, station: station(), password: 0, function: Function(function), direction: Direction::Up };
        let _ = Report::decode(&header, Encoding::Hex, &body);
        let _ = Report::decode(&header, Encoding::Ascii, &body);
    }

    #[test]
    fn encode_then_decode_is_the_identity(
        observations in proptest::collection::vec(observation(), 1..12),
        serial in any::<u16>(),
        sent in 0i64..100_000_000,
        ascii in any::<bool>(),
        function in prop::sample::select(vec![Function::TEST, Function::TIMED, Function::ADDED, Function::HOURLY]),
    ) {
        let encoding = if ascii { Encoding::Ascii } else { Encoding::Hex };
        let report = Report {
            function,
            serial,
            sent_at_ms: 1_704_038_400_000 + sent * 1_000,
            station: station(),
            kind: Some(b'P'),
            observations,
            skipped: Vec::new(),
        };
        let header = Header { centre: 3, station: station(), password: 0xBEEF, function, direction: Direction::Up };
        let frame = Frame { encoding, header, packet: Packet::Single, body: report.encode(encoding).unwrap(), end: End::Etx };
        let back = Frame::decode(&frame.encode().unwrap()).unwrap();
        prop_assert_eq!(&back, &frame);
        let mut want = report.clone();
        // Decoding lists observations group by group, as the encoder wrote them.
        want.observations = report.groups().into_iter().flat_map(|(_, g)| g.into_iter().copied()).collect();
        prop_assert_eq!(back.report().unwrap(), want);
    }
}
