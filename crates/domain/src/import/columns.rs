//! Column headers: how the headers of departments' spreadsheets (Chinese or English, with stray
//! spaces, full-width letters and units in brackets) are matched to the fields of each kind.

use super::ImportKind;

/// One field a kind of record can be imported into: its key (the record's field name, also the
/// GeoJSON property name), the Chinese header yitu exports it under, and the other headers met
/// in the wild. All are compared after [`normalise_header`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub zh: &'static str,
    pub aliases: &'static [&'static str],
}

const fn f(key: &'static str, zh: &'static str, aliases: &'static [&'static str]) -> Field {
    Field { key, zh, aliases }
}

const ID: Field = f("id", "编号", &["唯一标识", "记录编号", "uuid"]);
const TOWN: Field = f(
    "town_code",
    "所属镇街",
    &[
        "town",
        "镇街",
        "镇街道",
        "乡镇",
        "乡镇街道",
        "所在镇街",
        "所属乡镇",
        "镇街编码",
        "镇街代码",
        "街镇",
    ],
);
const LON: Field = f(
    "lon",
    "经度",
    &["lng", "longitude", "x", "东经", "经度坐标"],
);
const LAT: Field = f("lat", "纬度", &["latitude", "y", "北纬", "纬度坐标"]);

const TEAMS: &[Field] = &[
    ID,
    f("name", "名称", &["队伍名称", "队名", "救援队伍名称"]),
    f(
        "kind",
        "队伍类型",
        &["类型", "队伍类别", "类别", "队伍性质"],
    ),
    f(
        "unit",
        "主管单位",
        &["所属单位", "单位", "主管部门", "所属部门"],
    ),
    f(
        "specialties",
        "专长",
        &["救援专长", "专业", "专业方向", "擅长", "专长领域"],
    ),
    f(
        "headcount",
        "人数",
        &["队伍人数", "人员数量", "总人数", "队员人数"],
    ),
    f("equipment", "装备", &["主要装备", "装备情况", "装备配备"]),
    TOWN,
    LON,
    LAT,
    f("status", "状态", &["战备状态", "值守状态", "队伍状态"]),
    f("leader", "负责人", &["队长", "带队人"]),
    f("duty_phone", "值班电话", &["联系电话", "电话", "联系方式"]),
];

const EXPERTS: &[Field] = &[
    ID,
    f("name", "姓名", &["名称", "专家姓名"]),
    f(
        "field",
        "专业领域",
        &["领域", "专业", "专业类别", "专家类别"],
    ),
    f("organisation", "工作单位", &["单位", "所在单位"]),
    f("title", "职称", &["职务", "职称职务"]),
    f(
        "phone",
        "联系电话",
        &["电话", "手机", "手机号码", "联系方式"],
    ),
    TOWN,
    LON,
    LAT,
    f("availability", "状态", &["可联系状态", "在岗状态"]),
];

const DEPOTS: &[Field] = &[
    ID,
    f(
        "name",
        "名称",
        &["储备库名称", "仓库名称", "库名", "储备点名称"],
    ),
    f("level", "级别", &["储备库级别", "等级", "层级"]),
    TOWN,
    LON,
    LAT,
    f("keeper", "管理员", &["负责人", "保管员", "管理人"]),
    f("phone", "联系电话", &["电话", "联系方式"]),
];

const SHELTERS: &[Field] = &[
    ID,
    f("name", "名称", &["场所名称", "避难场所名称", "避难场所"]),
    f("grade", "等级", &["场所等级", "级别"]),
    f("class", "类型", &["类别", "场所类型", "避难类型"]),
    f("space", "室内外", &["场所性质", "室内/室外", "室内或室外"]),
    f("capacity", "容纳人数", &["可容纳人数", "容量", "设计容量"]),
    f(
        "occupancy",
        "已安置人数",
        &["在住人数", "入住人数", "安置人数"],
    ),
    f("area_m2", "面积", &["占地面积", "有效面积", "有效避难面积"]),
    f("facilities", "设施", &["配套设施", "主要设施"]),
    f("status", "状态", &["启用状态", "开放状态"]),
    TOWN,
    LON,
    LAT,
    f("manager", "管理人", &["负责人", "管理员", "管理单位负责人"]),
    f("phone", "联系电话", &["电话", "联系方式"]),
];

const HAZARDS: &[Field] = &[
    ID,
    f(
        "name",
        "名称",
        &["隐患点名称", "灾害点名称", "风险点名称", "隐患名称"],
    ),
    f(
        "kind",
        "类型",
        &["灾害类型", "隐患类型", "风险类型", "类别"],
    ),
    f(
        "level",
        "等级",
        &["险情等级", "风险等级", "级别", "规模等级"],
    ),
    f(
        "threatened_people",
        "威胁人数",
        &["受威胁人数", "威胁人口", "people"],
    ),
    f(
        "threatened_households",
        "威胁户数",
        &["受威胁户数", "households"],
    ),
    f("monitor", "监测员", &["群测群防员", "监测人", "监测责任人"]),
    f(
        "monitor_phone",
        "监测员电话",
        &["监测电话", "联系电话", "电话"],
    ),
    f("status", "状态", &["治理状态", "隐患状态"]),
    TOWN,
    LON,
    LAT,
];

const STOCK: &[Field] = &[
    f("depot_id", "储备库编号", &["仓库编号", "储备点编号"]),
    f(
        "depot",
        "储备库",
        &[
            "储备库名称",
            "仓库",
            "仓库名称",
            "储备点",
            "储备点名称",
            "depot_name",
        ],
    ),
    f(
        "code",
        "物资编码",
        &["编码", "物资代码", "分类编码", "物资分类编码"],
    ),
    f("name", "物资名称", &["名称", "品名"]),
    f("unit", "单位", &["计量单位"]),
    f(
        "quantity",
        "数量",
        &[
            "库存数量",
            "库存",
            "在库数量",
            "实有数量",
            "on_hand",
            "现有数量",
        ],
    ),
    f(
        "expiry",
        "有效期至",
        &["有效期", "保质期至", "过期日期", "失效日期"],
    ),
    f(
        "minimum",
        "最低库存",
        &["库存下限", "最低储备", "最低储备量", "安全库存", "minimum"],
    ),
];

/// The values a form offers for a field of a kind (Chinese labels the importer reads), or none
/// where the field is free text. Towns come from the caller's list.
pub fn choices(
    kind: ImportKind,
    key: &str,
    towns: &[crate::registries::town::Town],
) -> Vec<String> {
    use crate::{
        registries::depot, registries::expert, registries::hazard, registries::shelter,
        registries::team,
    };
    fn zh<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|v| label(*v).to_owned()).collect()
    }
    match (kind, key) {
        (_, "town_code") => towns.iter().map(|t| t.name.clone()).collect(),
        (ImportKind::Teams, "kind") => zh(team::TeamKind::ALL, team::TeamKind::zh),
        (ImportKind::Teams, "specialties") => zh(team::Specialty::ALL, team::Specialty::zh),
        (ImportKind::Teams, "status") => zh(team::Readiness::ALL, team::Readiness::zh),
        (ImportKind::Experts, "field") => zh(expert::ExpertField::ALL, expert::ExpertField::zh),
        (ImportKind::Experts, "availability") => {
            zh(expert::Availability::ALL, expert::Availability::zh)
        }
        (ImportKind::Depots, "level") => zh(depot::DepotLevel::ALL, depot::DepotLevel::zh),
        (ImportKind::Shelters, "grade") => {
            zh(shelter::ShelterGrade::ALL, shelter::ShelterGrade::zh)
        }
        (ImportKind::Shelters, "class") => {
            zh(shelter::ShelterClass::ALL, shelter::ShelterClass::zh)
        }
        (ImportKind::Shelters, "space") => zh(shelter::SpaceType::ALL, shelter::SpaceType::zh),
        (ImportKind::Shelters, "status") => {
            zh(shelter::ShelterStatus::ALL, shelter::ShelterStatus::zh)
        }
        (ImportKind::Hazards, "kind") => zh(hazard::HazardKind::ALL, hazard::HazardKind::zh),
        (ImportKind::Hazards, "status") => zh(hazard::HazardStatus::ALL, hazard::HazardStatus::zh),
        _ => Vec::new(),
    }
}

/// The fields of a kind, in the order yitu exports them.
pub fn fields(kind: ImportKind) -> &'static [Field] {
    match kind {
        ImportKind::Teams => TEAMS,
        ImportKind::Experts => EXPERTS,
        ImportKind::Depots => DEPOTS,
        ImportKind::Shelters => SHELTERS,
        ImportKind::Hazards => HAZARDS,
        ImportKind::Stock => STOCK,
    }
}

/// Full-width letters, digits and punctuation (U+FF01–U+FF5E) and the ideographic space become
/// their ASCII forms: Chinese input methods type them by default.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// A header as compared: width folded, every space removed (also inside: "经 度"), ASCII
/// lower-cased, required-field stars dropped.
pub fn normalise_header(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{feff}')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The header without a trailing unit or note in brackets: "面积（㎡）" → "面积".
fn without_brackets(normalised: &str) -> &str {
    match normalised.find('(') {
        Some(i) if i > 0 && normalised.ends_with(')') => &normalised[..i],
        _ => normalised,
    }
}

/// Which field each column of a file feeds, and the columns that feed none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// For each field of the kind (same order as [`fields`]), the column index feeding it.
    pub columns: Vec<Option<usize>>,
    /// Headers matched to no field (ignored), or to a field another column already feeds.
    pub ignored: Vec<String>,
}

impl ColumnMap {
    pub fn new(kind: ImportKind, headers: &[String]) -> Self {
        let fields = fields(kind);
        let mut columns = vec![None; fields.len()];
        let mut ignored = Vec::new();
        for (col, header) in headers.iter().enumerate() {
            let h = normalise_header(header);
            let matches = |cand: &str| {
                let cand = normalise_header(cand);
                cand == h || cand == without_brackets(&h)
            };
            let found = fields.iter().position(|fd| {
                matches(fd.key) || matches(fd.zh) || fd.aliases.iter().any(|a| matches(a))
            });
            match found {
                Some(i) if columns[i].is_none() => columns[i] = Some(col),
                _ => {
                    if !header.trim().is_empty() {
                        ignored.push(header.clone())
                    }
                }
            }
        }
        Self { columns, ignored }
    }

    /// The column feeding a field, by key.
    pub fn column(&self, kind: ImportKind, key: &str) -> Option<usize> {
        fields(kind)
            .iter()
            .position(|f| f.key == key)
            .and_then(|i| self.columns[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messy_headers_find_their_fields() {
        let headers: Vec<String> = [
            " 队伍 名称 ",
            "经　度",
            "ＬＡＴ",
            "人数（人）",
            "*所属镇街",
            "备注",
            "名称",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = ColumnMap::new(ImportKind::Teams, &headers);
        let k = ImportKind::Teams;
        assert_eq!(m.column(k, "name"), Some(0));
        assert_eq!(m.column(k, "lon"), Some(1));
        assert_eq!(m.column(k, "lat"), Some(2));
        assert_eq!(m.column(k, "headcount"), Some(3));
        assert_eq!(m.column(k, "town_code"), Some(4));
        assert_eq!(m.ignored, vec!["备注".to_string(), "名称".to_string()]);
    }

    #[test]
    fn every_exported_header_and_key_is_accepted_back() {
        for kind in ImportKind::ALL {
            let zh: Vec<String> = fields(*kind).iter().map(|f| f.zh.to_string()).collect();
            let keys: Vec<String> = fields(*kind).iter().map(|f| f.key.to_string()).collect();
            for headers in [zh, keys] {
                let m = ColumnMap::new(*kind, &headers);
                assert!(m.ignored.is_empty(), "{kind:?} {:?}", m.ignored);
                assert!(m.columns.iter().all(Option::is_some), "{kind:?}");
            }
        }
    }

    #[test]
    fn full_width_digits_and_letters_fold() {
        assert_eq!(fold_width("１２０．５，ＡＢ　"), "120.5,AB ");
    }
}
