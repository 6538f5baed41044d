//! Warnings and contexts the tests write: one of each area and status, times in whole seconds.

#![allow(dead_code)]

use yitu_cap::{Context, UnitCode};
use yitu_domain::monitoring::warning::{
    Warning, WarningArea, WarningKind, WarningLevel, WarningStatus,
};
use yitu_domain::{EntityId, LonLat};

/// 2026-07-12 14:05:09 in Beijing.
pub const ISSUED_MS: i64 = 1_783_836_309_000;
pub const HOUR_MS: i64 = 3_600_000;

/// The district's emergency bureau; its GB/T 4657 unit code (here 123) is a placeholder.
pub fn unit() -> UnitCode {
    UnitCode::new("500117", "123").unwrap()
}

pub fn ctx() -> Context {
    Context {
        unit: unit(),
        sequence: 0,
        references: vec![],
    }
}

pub fn id(n: u8) -> EntityId {
    EntityId::v7(ISSUED_MS as u64, [n; 10])
}

fn p(lon: f64, lat: f64) -> LonLat {
    LonLat { lon, lat }
}

pub fn polygon_area() -> WarningArea {
    WarningArea::drawn(&[
        p(106.103_217, 29.951_3),
        p(106.33, 29.93),
        p(106.221_987_654_321, 30.05),
        p(106.35, 30.2),
        p(106.05, 30.219_999),
    ])
}

pub fn circle_area() -> WarningArea {
    WarningArea::Circle {
        centre: p(106.275, 29.985),
        radius_m: 3_250.5,
    }
}

pub fn towns_area() -> WarningArea {
    WarningArea::Towns {
        towns: vec!["500117124".into(), "500117120".into()],
        villages: vec!["500117001005".into()],
    }
}

pub fn warning(area: WarningArea) -> Warning {
    Warning {
        id: id(1),
        level: WarningLevel::Orange,
        kind: WarningKind::Geohazard,
        area,
        headline: "合川区发布地质灾害气象风险橙色预警".into(),
        description: "预计7月12日14时至13日14时，西北部镇街地质灾害气象风险高。".into(),
        instructions: "群测群防员加密巡查；危险区群众立即转移至避难场所。".into(),
        issued_at_ms: ISSUED_MS,
        onset_ms: ISSUED_MS + HOUR_MS,
        expires_ms: ISSUED_MS + 24 * HOUR_MS,
        issuer: "张伟".into(),
        sender: "合川区应急管理局".into(),
        status: WarningStatus::Issued,
        supersedes: None,
        exercise: false,
    }
}

/// The update (or lift) of `original`, two hours later.
pub fn follow_up(original: &Warning, status: WarningStatus, n: u8) -> Warning {
    Warning {
        id: id(n),
        level: if status == WarningStatus::Lifted {
            original.level
        } else {
            WarningLevel::Red
        },
        headline: format!("{}（{}）", original.headline, status.zh()),
        issued_at_ms: original.issued_at_ms + 2 * HOUR_MS,
        onset_ms: original.issued_at_ms + 2 * HOUR_MS,
        status,
        supersedes: Some(original.id),
        ..original.clone()
    }
}
