//! The demonstration dataset (演示数据) of Hechuan: real town codes and names, the plan's counts
//! (52 teams, 165 shelters, a four-level reserve), positions inside the real outline but
//! schematic (示意), names and phones invented. The same seed always gives the same data.

pub mod rng;
pub mod stations;

use crate::demo::rng::SplitMix64;
use crate::registries::depot::{Depot, DepotLevel};
use crate::registries::expert::{Availability, Expert, ExpertField};
use crate::registries::hazard::{Hazard, HazardKind, HazardStatus, RiskLevel};
use crate::registries::resource::Resource;
use crate::registries::shelter::{Shelter, ShelterClass, ShelterGrade, ShelterStatus, SpaceType};
use crate::registries::team::{Readiness, Specialty, Team, TeamKind};
use crate::registries::town::{self, Town, Village};
use crate::space::district::District;
use crate::stock::material::MaterialCode;
use crate::stock::{LedgerEntry, MoveKind, StockLine};
use crate::{EntityId, LonLat};

/// The seed the app and `yitu seed-demo` use: Hechuan's GB/T 2260 code.
pub const DEFAULT_SEED: u64 = 500_117;

/// What the demo says about itself, shown in the app and written into exports.
pub const NOTICE_ZH: &str = "演示数据：位置为示意，名称与电话为虚构；物资编码仅一级门类取自 GB/T 38565-2020，其下各级为示意编码。";
pub const NOTICE_EN: &str = "Demonstration data: schematic positions, invented names and phones; only the top level of the GB/T 38565-2020 material codes is real, lower levels are placeholders.";

/// Hechuan's old town at the Jialing–Fu confluence: the centre the urban streets ring.
const CITY_CENTRE: LonLat = LonLat {
    lon: 106.275,
    lat: 29.985,
};
/// 2026-01-01T00:00:00Z: ids and ledger times count from here, so the data is reproducible.
const EPOCH_MS: u64 = 1_767_225_600_000;

/// The whole demo dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoDataset {
    pub towns: Vec<Town>,
    /// A schematic position for each town (not its real seat: no open source has those).
    pub town_anchors: Vec<(String, LonLat)>,
    pub resources: Vec<Resource>,
    pub stock_lines: Vec<StockLine>,
    pub ledger: Vec<LedgerEntry>,
}

/// A material in the demo catalogue: code, name, unit, quantity per 100 people sheltered
/// (0 for equipment), and shelf life in months (0 for none).
struct Material {
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    per_100_people: u32,
    shelf_months: u32,
}

/// The demo catalogue. Top-level digits follow GB/T 38565-2020; the rest are placeholders.
const CATALOGUE: &[Material] = &[
    Material {
        code: "1010101",
        name: "救灾帐篷",
        unit: "顶",
        per_100_people: 25,
        shelf_months: 0,
    },
    Material {
        code: "1010201",
        name: "折叠床",
        unit: "张",
        per_100_people: 100,
        shelf_months: 0,
    },
    Material {
        code: "1010301",
        name: "棉被",
        unit: "床",
        per_100_people: 100,
        shelf_months: 0,
    },
    Material {
        code: "1020101",
        name: "瓶装饮用水",
        unit: "箱",
        per_100_people: 60,
        shelf_months: 18,
    },
    Material {
        code: "1020201",
        name: "方便食品",
        unit: "箱",
        per_100_people: 60,
        shelf_months: 12,
    },
    Material {
        code: "1030101",
        name: "应急照明灯",
        unit: "个",
        per_100_people: 10,
        shelf_months: 0,
    },
    Material {
        code: "2010101",
        name: "冲锋舟",
        unit: "艘",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "2010201",
        name: "救生衣",
        unit: "件",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "2020101",
        name: "油锯",
        unit: "台",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "2020201",
        name: "风力灭火机",
        unit: "台",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "2030101",
        name: "发电机组",
        unit: "台",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "2040101",
        name: "排水泵",
        unit: "台",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "2050101",
        name: "卫星电话",
        unit: "部",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "3010101",
        name: "编织袋",
        unit: "条",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "3010201",
        name: "土工布",
        unit: "平方米",
        per_100_people: 0,
        shelf_months: 0,
    },
    Material {
        code: "3020101",
        name: "砂石料",
        unit: "立方米",
        per_100_people: 0,
        shelf_months: 0,
    },
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "邓", "许", "傅", "沈", "曾",
    "彭", "吕", "蒋", "蔡",
];
const GIVEN: &[&str] = &[
    "建", "国", "明", "华", "军", "平", "志", "强", "伟", "芳", "丽", "敏", "静", "勇", "杰", "涛",
    "斌", "红", "霞", "波", "刚", "辉", "鹏", "宇", "婷", "磊", "洋", "琴", "燕", "鑫", "川", "渝",
    "嘉", "涪",
];

/// Generates the dataset. Pure: the same seed gives the same dataset, byte for byte.
pub fn generate(seed: u64) -> DemoDataset {
    let district = District::hechuan();
    let mut g = Gen {
        rng: SplitMix64::new(seed),
        district,
        next_ms: EPOCH_MS,
    };
    let towns = town::all();
    let villages = town::villages();
    let town_anchors = g.town_anchors(&towns);
    let anchor = |code: &str| {
        town_anchors
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, p)| *p)
            .unwrap_or(CITY_CENTRE)
    };

    let mut resources = Vec::new();
    g.teams(&towns, &anchor, &mut resources);
    g.experts(&towns, &anchor, &mut resources);
    let (depots, stock_lines, ledger) = g.depots(&towns, &villages, &anchor);
    resources.extend(depots);
    g.shelters(&towns, &anchor, &mut resources);
    g.hazards(&towns, &villages, &anchor, &mut resources);

    DemoDataset {
        towns,
        town_anchors,
        resources,
        stock_lines,
        ledger,
    }
}

/// A larger generated set for benchmarks (still 演示数据): the demo's own generators run round
/// after round on one random stream, until exactly `records` records. Round 0 is the demo set
/// itself; later rounds' names end in "（生成 N）" so a generated record is never mistaken for a
/// planned one, and their depots get no stock (the map needs positions, not ledgers). Positions
/// follow the demo's rules: near the schematic town anchors, always inside the district.
pub fn generate_many(seed: u64, records: usize) -> DemoDataset {
    let mut data = generate(seed);
    let mut g = Gen {
        // Another stream than round 0's, so round 1 is not round 0 again.
        rng: SplitMix64::new(seed ^ 0x9e37_79b9_7f4a_7c15),
        district: District::hechuan(),
        // Ids of generated rounds count from eleven days after the demo's, clear of them.
        next_ms: EPOCH_MS + 1_000_000_000,
    };
    let towns = data.towns.clone();
    let villages = town::villages();
    let anchors = data.town_anchors.clone();
    let anchor = |code: &str| {
        anchors
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, p)| *p)
            .unwrap_or(CITY_CENTRE)
    };
    let mut round = 0;
    while data.resources.len() < records {
        round += 1;
        let mut more = Vec::new();
        g.teams(&towns, &anchor, &mut more);
        g.experts(&towns, &anchor, &mut more);
        more.extend(g.depots(&towns, &villages, &anchor).0);
        g.shelters(&towns, &anchor, &mut more);
        g.hazards(&towns, &villages, &anchor, &mut more);
        for r in &mut more {
            let name = match r {
                Resource::Team(x) => &mut x.name,
                Resource::Expert(x) => &mut x.name,
                Resource::Depot(x) => &mut x.name,
                Resource::Shelter(x) => &mut x.name,
                Resource::Hazard(x) => &mut x.name,
            };
            name.push_str(&format!("（生成 {round}）"));
        }
        // The last round is cut evenly across its layers, not off its end (the hazards).
        let need = records - data.resources.len();
        if more.len() > need {
            let len = more.len();
            more = (0..need).map(|k| more[k * len / need].clone()).collect();
        }
        data.resources.extend(more);
    }
    if data.resources.len() > records {
        // Fewer than the demo set: its stock goes with its depots.
        data.resources.truncate(records);
        let kept: std::collections::HashSet<EntityId> =
            data.resources.iter().map(Resource::id).collect();
        data.stock_lines.retain(|l| kept.contains(&l.depot_id));
        data.ledger.retain(|e| kept.contains(&e.depot_id));
    }
    data
}

struct Gen {
    rng: SplitMix64,
    district: District,
    next_ms: u64,
}

impl Gen {
    fn id(&mut self) -> EntityId {
        self.next_ms += 1;
        EntityId::v7(self.next_ms, self.rng.bytes10())
    }

    fn person(&mut self) -> String {
        let mut name = (*self.rng.pick(SURNAMES)).to_owned();
        for _ in 0..self.rng.int(1, 2) {
            let given: &&str = self.rng.pick(GIVEN);
            name.push_str(given);
        }
        name
    }

    /// An invented mobile number, always of the form 1390000xxxx so that demo phones are easy to
    /// spot (and to purge) wherever they end up.
    fn phone(&mut self) -> String {
        format!("1390000{:04}", self.rng.int(0, 9999))
    }

    fn town_of(&mut self, towns: &[Town]) -> Town {
        self.rng.pick(towns).clone()
    }

    /// A position within `radius_km` of `centre`, inside the district. Falls back to nearer and
    /// nearer rings, and finally to the centre itself (which callers choose inside).
    fn near(&mut self, centre: LonLat, radius_km: f64) -> LonLat {
        let km_per_deg_lat = 111.2;
        let km_per_deg_lon = 111.2 * centre.lat.to_radians().cos();
        let mut r = radius_km;
        for attempt in 0..200 {
            if attempt % 50 == 49 {
                r /= 2.0;
            }
            let d = r * self.rng.unit().sqrt();
            let a = self.rng.range(0.0, std::f64::consts::TAU);
            let p = LonLat {
                lon: round6(centre.lon + d * a.cos() / km_per_deg_lon),
                lat: round6(centre.lat + d * a.sin() / km_per_deg_lat),
            };
            if self.district.contains(p) {
                return p;
            }
        }
        centre
    }

    /// Schematic town positions: the seven urban streets on a ring around the old town, the
    /// 23 towns spread over the rest of the district by farthest-point sampling.
    fn town_anchors(&mut self, towns: &[Town]) -> Vec<(String, LonLat)> {
        let b = self.district.bounds();
        let mut candidates = Vec::new();
        let step = 0.01;
        let mut lat = b.min().y + step / 2.0;
        while lat < b.max().y {
            let mut lon = b.min().x + step / 2.0;
            while lon < b.max().x {
                let p = LonLat {
                    lon: round6(lon),
                    lat: round6(lat),
                };
                // Keep anchors a little way inside the border so their teams fit around them.
                let inside_margin = [(0.02, 0.0), (-0.02, 0.0), (0.0, 0.02), (0.0, -0.02)]
                    .iter()
                    .all(|(dx, dy)| {
                        self.district.contains(LonLat {
                            lon: p.lon + dx,
                            lat: p.lat + dy,
                        })
                    });
                if inside_margin {
                    candidates.push(p);
                }
                lon += step;
            }
            lat += step;
        }

        let streets: Vec<&Town> = towns.iter().filter(|t| t.is_street()).collect();
        let mut anchors: Vec<(String, LonLat)> = Vec::new();
        for (i, t) in streets.iter().enumerate() {
            let p = if i == 0 {
                CITY_CENTRE
            } else {
                let a = (i as f64 - 1.0) * std::f64::consts::TAU / (streets.len() as f64 - 1.0);
                let p = LonLat {
                    lon: round6(CITY_CENTRE.lon + 0.05 * a.cos()),
                    lat: round6(CITY_CENTRE.lat + 0.04 * a.sin()),
                };
                if self.district.contains(p) {
                    p
                } else {
                    self.near(CITY_CENTRE, 3.0)
                }
            };
            anchors.push((t.code.clone(), p));
        }
        for t in towns.iter().filter(|t| !t.is_street()) {
            let best = candidates
                .iter()
                .copied()
                .max_by(|a, b| {
                    let da = anchors
                        .iter()
                        .map(|(_, p)| p.distance_m(*a))
                        .fold(f64::MAX, f64::min);
                    let db = anchors
                        .iter()
                        .map(|(_, p)| p.distance_m(*b))
                        .fold(f64::MAX, f64::min);
                    da.total_cmp(&db)
                })
                .unwrap_or(CITY_CENTRE);
            anchors.push((t.code.clone(), best));
        }
        anchors
    }

    fn status(&mut self) -> Readiness {
        self.rng.weighted(&[
            (Readiness::Standby, 70),
            (Readiness::OnDuty, 10),
            (Readiness::Deployed, 8),
            (Readiness::Resting, 8),
            (Readiness::Unavailable, 4),
        ])
    }

    #[allow(clippy::too_many_arguments)]
    fn team(
        &mut self,
        name: String,
        kind: TeamKind,
        unit: &str,
        specialties: Vec<Specialty>,
        headcount: u32,
        equipment: &[&str],
        town_code: &str,
        location: LonLat,
    ) -> Resource {
        let id = self.id();
        let status = self.status();
        Resource::Team(Team {
            id,
            name,
            kind,
            unit: unit.to_owned(),
            specialties,
            headcount,
            equipment: equipment.iter().map(|s| (*s).to_owned()).collect(),
            town_code: town_code.to_owned(),
            location,
            status,
            leader: self.person(),
            duty_phone: self.phone(),
        })
    }

    fn teams(&mut self, towns: &[Town], anchor: &dyn Fn(&str) -> LonLat, out: &mut Vec<Resource>) {
        use Specialty::*;
        let centre_town = towns[0].code.clone();
        // The plan: 区级综合救援队伍 2 支.
        for (name, specs) in [
            (
                "合川区综合应急救援大队",
                vec![Flood, Water, Collapse, Mountain, Geological],
            ),
            (
                "合川区综合应急救援二大队",
                vec![ForestFire, Hazmat, Collapse, Medical],
            ),
        ] {
            let p = self.near(CITY_CENTRE, 4.0);
            let headcount = self.rng.int(80, 150);
            let team = self.team(
                name.into(),
                TeamKind::Comprehensive,
                "区应急管理局",
                specs,
                headcount,
                &[
                    "救援车",
                    "冲锋舟",
                    "生命探测仪",
                    "破拆工具组",
                    "无人机",
                    "卫星通信车",
                ],
                &centre_town,
                p,
            );
            out.push(team);
        }
        // The plan: 部门救援队伍 20 支.
        // (name, department, specialties, equipment, based in a rural town)
        type Departmental = (
            &'static str,
            &'static str,
            &'static [Specialty],
            &'static [&'static str],
            bool,
        );
        const DEPARTMENTAL: &[Departmental] = &[
            (
                "防汛抢险队",
                "区水利局",
                &[Flood, Water],
                &["冲锋舟", "排水泵", "编织袋"],
                false,
            ),
            (
                "第二防汛抢险队",
                "区水利局",
                &[Flood, Water],
                &["冲锋舟", "救生衣"],
                true,
            ),
            (
                "地质灾害应急队",
                "区规划和自然资源局",
                &[Geological, Mountain],
                &["裂缝计", "无人机", "全站仪"],
                false,
            ),
            (
                "地质灾害监测应急分队",
                "区规划和自然资源局",
                &[Geological],
                &["GNSS 监测仪", "无人机"],
                true,
            ),
            (
                "森林消防专业队",
                "区林业局",
                &[ForestFire],
                &["风力灭火机", "油锯", "水泵"],
                true,
            ),
            (
                "第二森林消防专业队",
                "区林业局",
                &[ForestFire, Mountain],
                &["风力灭火机", "二号工具"],
                true,
            ),
            (
                "紧急医学救援队",
                "区卫生健康委",
                &[Medical],
                &["救护车", "移动手术单元"],
                false,
            ),
            (
                "水上搜救队",
                "区交通局",
                &[Water],
                &["搜救艇", "潜水装具"],
                false,
            ),
            (
                "公路抢通队",
                "区交通局",
                &[Collapse],
                &["挖掘机", "装载机"],
                true,
            ),
            (
                "建筑抢险队",
                "区住房城乡建委",
                &[Collapse],
                &["破拆工具组", "支撑设备"],
                false,
            ),
            (
                "危化品应急救援队",
                "区经济信息委",
                &[Hazmat],
                &["防化服", "侦检仪", "堵漏器材"],
                false,
            ),
            (
                "矿山救护队",
                "区应急管理局",
                &[Mining, Collapse],
                &["正压氧气呼吸器", "气体检测仪"],
                true,
            ),
            (
                "市政排涝队",
                "区城市管理局",
                &[Flood],
                &["排水泵车", "发电机组"],
                false,
            ),
            (
                "供水抢修队",
                "区水务集团",
                &[Flood],
                &["抢修车", "管材"],
                false,
            ),
            (
                "燃气抢险队",
                "区燃气公司",
                &[Hazmat],
                &["燃气检测仪", "抢修车"],
                false,
            ),
            (
                "电力抢修队",
                "国网合川供电公司",
                &[Comms],
                &["发电车", "抢修车"],
                false,
            ),
            (
                "应急通信保障队",
                "区通信运营商联合",
                &[Comms],
                &["卫星通信车", "便携基站"],
                false,
            ),
            (
                "抗旱服务队",
                "区农业农村委",
                &[Flood],
                &["抽水机", "运水车"],
                true,
            ),
            (
                "红十字救护队",
                "区红十字会",
                &[Medical],
                &["急救包", "担架"],
                false,
            ),
            (
                "气象应急保障队",
                "区气象局",
                &[Comms],
                &["移动气象站"],
                false,
            ),
        ];
        for (name, unit, specs, equipment, rural) in DEPARTMENTAL {
            let (town_code, p) = if *rural {
                let t = self.town_of(&towns[7..]);
                let p = self.near(anchor(&t.code), 3.0);
                (t.code, p)
            } else {
                (centre_town.clone(), self.near(CITY_CENTRE, 6.0))
            };
            let headcount = self.rng.int(15, 60);
            let team = self.team(
                format!("{unit}{name}"),
                TeamKind::Professional,
                unit,
                specs.to_vec(),
                headcount,
                equipment,
                &town_code,
                p,
            );
            out.push(team);
        }
        // The plan: 镇街救援队伍 30 支, one per town, near its town.
        for t in towns {
            let mut specs = vec![Flood];
            for s in [ForestFire, Geological, Mountain, Water] {
                if self.rng.chance(0.4) {
                    specs.push(s);
                }
            }
            let p = self.near(anchor(&t.code), 1.5);
            let headcount = self.rng.int(20, 50);
            let team = self.team(
                format!("{}应急救援队", t.name),
                TeamKind::Grassroots,
                &t.name,
                specs,
                headcount,
                &["救援车", "救生衣", "对讲机"],
                &t.code,
                p,
            );
            out.push(team);
        }
        // Beyond the plan's count: volunteer organisations and militia.
        for (name, kind, specs) in [
            (
                "合川雄鹰应急救援志愿队",
                TeamKind::Social,
                vec![Mountain, Water],
            ),
            ("涪江水上救援志愿队", TeamKind::Social, vec![Water]),
            (
                "嘉陵山地搜救志愿队",
                TeamKind::Social,
                vec![Mountain, Collapse],
            ),
            ("合川红十字志愿救护队", TeamKind::Social, vec![Medical]),
            (
                "合川区民兵应急连",
                TeamKind::Militia,
                vec![Flood, ForestFire],
            ),
            ("合川区民兵抢险排", TeamKind::Militia, vec![Flood, Collapse]),
        ] {
            let t = self.town_of(towns);
            let p = self.near(anchor(&t.code), 3.0);
            let headcount = self.rng.int(12, 90);
            let unit = if kind == TeamKind::Militia {
                "区人武部"
            } else {
                "社会组织"
            };
            let team = self.team(
                name.into(),
                kind,
                unit,
                specs,
                headcount,
                &["对讲机", "急救包"],
                &t.code,
                p,
            );
            out.push(team);
        }
    }

    fn experts(
        &mut self,
        towns: &[Town],
        anchor: &dyn Fn(&str) -> LonLat,
        out: &mut Vec<Resource>,
    ) {
        let orgs: &[(ExpertField, &[&str])] = &[
            (
                ExpertField::Geology,
                &[
                    "区规划和自然资源局",
                    "重庆市地勘局合川分队",
                    "区地质环境监测站",
                ],
            ),
            (
                ExpertField::WaterResources,
                &["区水利局", "区水文站", "区水利设计院"],
            ),
            (ExpertField::Meteorology, &["区气象局", "区气象台"]),
            (
                ExpertField::Hazmat,
                &[
                    "区经济信息委",
                    "合川工业园区管委会",
                    "区化工企业安全服务中心",
                ],
            ),
            (ExpertField::Fire, &["区消防救援支队", "区应急管理局"]),
            (
                ExpertField::Medicine,
                &["区人民医院", "区中医院", "区疾控中心"],
            ),
            (
                ExpertField::Structure,
                &["区住房城乡建委", "区建筑设计院", "区建设工程质量检测中心"],
            ),
            (ExpertField::Forestry, &["区林业局", "区林场"]),
            (ExpertField::Mining, &["区应急管理局", "区煤矿安全服务中心"]),
            (ExpertField::Transport, &["区交通局", "区公路事务中心"]),
            (
                ExpertField::SpecialEquipment,
                &["区市场监管局", "区特种设备检测所"],
            ),
        ];
        let titles = [
            "正高级工程师",
            "高级工程师",
            "工程师",
            "副教授",
            "主任医师",
            "副主任医师",
        ];
        for (field, org_list) in orgs {
            for _ in 0..4 {
                let id = self.id();
                let name = self.person();
                let org = (*self.rng.pick(org_list)).to_owned();
                let title = if *field == ExpertField::Medicine {
                    (*self.rng.pick(&titles[4..])).to_owned()
                } else {
                    (*self.rng.pick(&titles[..4])).to_owned()
                };
                let (town_code, location) = if self.rng.chance(0.7) {
                    (towns[0].code.clone(), self.near(CITY_CENTRE, 5.0))
                } else {
                    let t = self.town_of(towns);
                    let p = self.near(anchor(&t.code), 2.0);
                    (t.code, p)
                };
                let availability = self.rng.weighted(&[
                    (Availability::Available, 80),
                    (Availability::Engaged, 10),
                    (Availability::Away, 10),
                ]);
                let phone = self.phone();
                out.push(Resource::Expert(Expert {
                    id,
                    name,
                    field: *field,
                    organisation: org,
                    title,
                    phone,
                    town_code,
                    location,
                    availability,
                }));
            }
        }
    }

    /// One city regional depot, the district depot, a depot per town and village points, each
    /// stocked by an initial receipt and some later movements.
    fn depots(
        &mut self,
        towns: &[Town],
        villages: &[Village],
        anchor: &dyn Fn(&str) -> LonLat,
    ) -> (Vec<Resource>, Vec<StockLine>, Vec<LedgerEntry>) {
        let mut depots = Vec::new();
        let mut lines = Vec::new();
        let mut ledger = Vec::new();
        // Stocked for the number of people it should shelter (the plan: district ≥ 5,000 people,
        // towns ≥ 200), and a share of equipment.
        let mut plan = vec![
            (
                "重庆市应急物资储备库合川区域库".to_owned(),
                DepotLevel::City,
                towns[0].code.clone(),
                self.near(CITY_CENTRE, 8.0),
                3000u32,
                1.0,
            ),
            (
                "合川区应急物资储备库".to_owned(),
                DepotLevel::District,
                towns[0].code.clone(),
                self.near(CITY_CENTRE, 4.0),
                5600,
                1.0,
            ),
        ];
        for t in towns {
            let people = self.rng.int(150, 420);
            let p = self.near(anchor(&t.code), 1.0);
            plan.push((
                format!("{}应急物资储备库", t.name),
                DepotLevel::Town,
                t.code.clone(),
                p,
                people,
                0.5,
            ));
        }
        for i in 0..40 {
            let v =
                &villages[(i * villages.len() / 40 + self.rng.int(0, 5) as usize) % villages.len()];
            let p = self.near(anchor(&v.town_code), 4.0);
            plan.push((
                format!("{}应急物资储备点", v.short_name()),
                DepotLevel::Village,
                v.town_code.clone(),
                p,
                self.rng.int(20, 60),
                0.2,
            ));
        }

        for (name, level, town_code, location, people, equipment_share) in plan {
            let depot_id = self.id();
            depots.push(Resource::Depot(Depot {
                id: depot_id,
                name,
                level,
                town_code,
                location,
                keeper: self.person(),
                phone: self.phone(),
            }));
            for m in CATALOGUE {
                let quantity = if m.per_100_people > 0 {
                    (u64::from(people) * u64::from(m.per_100_people)).div_ceil(100) as i64
                } else if self.rng.chance(equipment_share) {
                    let scale = match level {
                        DepotLevel::City | DepotLevel::District => 40,
                        DepotLevel::Town => 8,
                        DepotLevel::Village => 2,
                    };
                    i64::from(self.rng.int(1, scale)) * if m.code.starts_with('3') { 50 } else { 1 }
                } else {
                    continue;
                };
                let code = MaterialCode::parse(m.code).expect("catalogue codes are valid");
                let expiry = (m.shelf_months > 0).then(|| {
                    let month = self.rng.int(1, m.shelf_months) + 1;
                    format!("{}-{:02}-28", 2026 + (month - 1) / 12, (month - 1) % 12 + 1)
                });
                lines.push(StockLine {
                    depot_id,
                    code: code.clone(),
                    name: m.name.into(),
                    unit: m.unit.into(),
                    expiry,
                    minimum: None,
                });
                let received_ms = self.next_ms as i64;
                ledger.push(LedgerEntry {
                    id: self.id(),
                    depot_id,
                    code: code.clone(),
                    kind: MoveKind::Receive,
                    quantity,
                    at_ms: received_ms,
                    note: "初始入库（演示数据）".into(),
                });
                if self.rng.chance(0.15) {
                    let issued = (quantity / 10).max(1).min(quantity);
                    ledger.push(LedgerEntry {
                        id: self.id(),
                        depot_id,
                        code: code.clone(),
                        kind: MoveKind::Issue,
                        quantity: issued,
                        at_ms: received_ms + 86_400_000,
                        note: "演练消耗（演示数据）".into(),
                    });
                }
            }
        }
        (depots, lines, ledger)
    }

    fn shelters(
        &mut self,
        towns: &[Town],
        anchor: &dyn Fn(&str) -> LonLat,
        out: &mut Vec<Resource>,
    ) {
        const PLACES: &[(&str, SpaceType)] = &[
            ("中心小学", SpaceType::Outdoor),
            ("中学操场", SpaceType::Outdoor),
            ("文化广场", SpaceType::Outdoor),
            ("体育馆", SpaceType::Indoor),
            ("社区服务中心", SpaceType::Indoor),
            ("公园", SpaceType::Outdoor),
            ("便民服务中心", SpaceType::Indoor),
            ("敬老院", SpaceType::Indoor),
            ("滨江绿地", SpaceType::Outdoor),
            ("农贸市场", SpaceType::Outdoor),
        ];
        // The plan counts 165 shelters; streets hold more of them than towns.
        let mut per_town: Vec<u32> = towns
            .iter()
            .map(|t| if t.is_street() { 9 } else { 4 })
            .collect();
        let mut total: u32 = per_town.iter().sum();
        let mut i = 0;
        let n_towns = per_town.len();
        while total < 165 {
            per_town[i % n_towns] += 1;
            total += 1;
            i += 7;
        }
        for (t, n) in towns.iter().zip(per_town) {
            let short = t.name.trim_end_matches("街道").trim_end_matches('镇');
            for k in 0..n {
                let (place, space) = PLACES[(k as usize + t.code.len() * 3) % PLACES.len()];
                let name = if k < PLACES.len() as u32 {
                    format!("{short}{place}应急避难场所")
                } else {
                    format!("{short}{place}第{}应急避难场所", k + 1)
                };
                let grade = if t.is_street() && k == 0 {
                    ShelterGrade::County
                } else if k < 2 {
                    ShelterGrade::Town
                } else {
                    ShelterGrade::Village
                };
                let class = self.rng.weighted(&[
                    (ShelterClass::Emergency, 55),
                    (ShelterClass::Short, 28),
                    (ShelterClass::Medium, 12),
                    (ShelterClass::Long, 5),
                ]);
                let area_m2 = match grade {
                    ShelterGrade::County => self.rng.int(8_000, 30_000),
                    ShelterGrade::Town => self.rng.int(2_000, 9_000),
                    _ => self.rng.int(600, 3_000),
                };
                // Room per person: ~1.5 m² in the open, ~3 m² indoors.
                let per_person = if space == SpaceType::Indoor { 3.0 } else { 1.5 };
                let capacity = (f64::from(area_m2) / per_person / 10.0).round() as u32 * 10;
                let status = self.rng.weighted(&[
                    (ShelterStatus::Ready, 92),
                    (ShelterStatus::Open, 5),
                    (ShelterStatus::Closed, 3),
                ]);
                let occupancy = if status == ShelterStatus::Open {
                    self.rng.int(0, capacity / 2)
                } else {
                    0
                };
                let mut facilities = vec![
                    "应急供水".to_owned(),
                    "应急照明".to_owned(),
                    "应急厕所".to_owned(),
                ];
                if class != ShelterClass::Emergency {
                    facilities.extend(["医疗救护点".to_owned(), "物资储备点".to_owned()]);
                }
                if matches!(class, ShelterClass::Medium | ShelterClass::Long) {
                    facilities.extend(["应急供电".to_owned(), "淋浴设施".to_owned()]);
                }
                let radius = if t.is_street() { 3.0 } else { 4.0 };
                let id = self.id();
                let location = self.near(anchor(&t.code), radius);
                out.push(Resource::Shelter(Shelter {
                    id,
                    name,
                    grade,
                    class,
                    space,
                    capacity,
                    occupancy,
                    area_m2,
                    facilities,
                    status,
                    town_code: t.code.clone(),
                    location,
                    manager: self.person(),
                    phone: self.phone(),
                }));
            }
        }
    }

    fn hazards(
        &mut self,
        towns: &[Town],
        villages: &[Village],
        anchor: &dyn Fn(&str) -> LonLat,
        out: &mut Vec<Resource>,
    ) {
        use HazardKind::*;
        let mix: &[(HazardKind, u32)] = &[
            (Landslide, 52),
            (UnstableSlope, 20),
            (Rockfall, 15),
            (Collapse, 5),
            (DebrisFlow, 4),
            (GroundFissure, 3),
            (Subsidence, 3),
            (MajorHazardSource, 10),
            (Flood, 12),
            (Waterlogging, 12),
            (ForestFire, 16),
        ];
        let mut n = 0usize;
        for (kind, count) in mix {
            for _ in 0..*count {
                n += 1;
                let (town_code, place, location) = match kind {
                    // Waterlogging is an urban problem: in the streets.
                    Waterlogging => {
                        let t = self.rng.pick(&towns[..7]).clone();
                        let p = self.near(anchor(&t.code), 2.5);
                        (t.code.clone(), format!("{}第{}", t.name, n), p)
                    }
                    MajorHazardSource => {
                        let t = self.town_of(towns);
                        let p = self.near(anchor(&t.code), 3.0);
                        (
                            t.code.clone(),
                            format!("{}某企业第{}号储罐区", t.name, n),
                            p,
                        )
                    }
                    _ => {
                        let v = self.rng.pick(villages).clone();
                        let p = self.near(anchor(&v.town_code), 5.0);
                        (v.town_code.clone(), v.short_name().to_owned(), p)
                    }
                };
                let people = if kind.is_geological() {
                    self.rng
                        .weighted(&[(0u32, 0), (1, 70), (2, 22), (3, 6), (4, 2)])
                } else {
                    self.rng.weighted(&[(1u32, 40), (2, 35), (3, 18), (4, 7)])
                };
                let threatened_people = match people {
                    1 => self.rng.int(3, 99),
                    2 => self.rng.int(100, 499),
                    3 => self.rng.int(500, 999),
                    _ => self.rng.int(1000, 2400),
                };
                let level = if kind.is_geological() {
                    RiskLevel::geological_from_people(threatened_people)
                } else {
                    self.rng.weighted(&[
                        (RiskLevel::I, 5),
                        (RiskLevel::II, 20),
                        (RiskLevel::III, 35),
                        (RiskLevel::IV, 40),
                    ])
                };
                let status = self.rng.weighted(&[
                    (HazardStatus::Monitoring, 80),
                    (HazardStatus::Treating, 15),
                    (HazardStatus::Resolved, 5),
                ]);
                let id = self.id();
                out.push(Resource::Hazard(Hazard {
                    id,
                    name: format!("{place}{}", kind.zh()),
                    kind: *kind,
                    level,
                    threatened_people,
                    threatened_households: threatened_people.div_ceil(3),
                    monitor: self.person(),
                    monitor_phone: self.phone(),
                    status,
                    town_code,
                    location,
                }));
            }
        }
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Layer;
    use std::collections::{HashMap, HashSet};

    fn count(d: &DemoDataset, layer: Layer) -> usize {
        d.resources.iter().filter(|r| r.layer() == layer).count()
    }

    #[test]
    fn counts_follow_the_plan() {
        let d = generate(DEFAULT_SEED);
        assert_eq!(d.towns.len(), 30);
        let teams: Vec<&Team> = d
            .resources
            .iter()
            .filter_map(|r| match r {
                Resource::Team(t) => Some(t),
                _ => None,
            })
            .collect();
        let by_kind = |k: TeamKind| teams.iter().filter(|t| t.kind == k).count();
        assert_eq!(by_kind(TeamKind::Comprehensive), 2);
        assert_eq!(by_kind(TeamKind::Professional), 20);
        assert_eq!(by_kind(TeamKind::Grassroots), 30);
        // Beyond the plan: the six named in `teams`, four volunteer teams and two militia units.
        assert_eq!(by_kind(TeamKind::Social), 4);
        assert_eq!(by_kind(TeamKind::Militia), 2);
        assert_eq!(teams.len(), 2 + 20 + 30 + 4 + 2);
        // Four experts in each of the 11 fields `experts` lists.
        assert_eq!(count(&d, Layer::Experts), 11 * 4);
        // The city's regional depot, the district's, one per town, 40 village points.
        assert_eq!(count(&d, Layer::Depots), 1 + 1 + 30 + 40);
        assert_eq!(count(&d, Layer::Shelters), 165);
        // The hazard mix in `hazards`, kind by kind: 52 landslides, 20 unstable slopes, 15
        // rockfalls, 5 collapses, 4 debris flows, 3 ground fissures, 3 subsidences, 10 major
        // hazard sources, 12 flood and 12 waterlogging points, 16 forest fire areas.
        assert_eq!(
            count(&d, Layer::Hazards),
            52 + 20 + 15 + 5 + 4 + 3 + 3 + 10 + 12 + 12 + 16
        );
        assert_eq!(d.resources.len(), 58 + 44 + 72 + 165 + 152);
        let levels: HashSet<_> = d
            .resources
            .iter()
            .filter_map(|r| match r {
                Resource::Depot(x) => Some(x.level),
                _ => None,
            })
            .collect();
        assert_eq!(levels.len(), 4, "depots at all four levels");
    }

    #[test]
    fn every_town_has_exactly_one_town_team_near_it() {
        let d = generate(DEFAULT_SEED);
        let anchors: HashMap<_, _> = d.town_anchors.iter().cloned().collect();
        for t in &d.towns {
            let team: Vec<&Team> = d
                .resources
                .iter()
                .filter_map(|r| match r {
                    Resource::Team(x)
                        if x.kind == TeamKind::Grassroots && x.town_code == t.code =>
                    {
                        Some(x)
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(team.len(), 1, "{}", t.name);
            assert!(
                team[0].location.distance_m(anchors[&t.code]) <= 1_600.0,
                "{} too far from its town",
                t.name
            );
        }
    }

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        assert_eq!(generate(1), generate(1));
        assert_ne!(generate(1).resources, generate(2).resources);
    }

    #[test]
    fn many_makes_exactly_the_count_asked_across_all_layers_inside_the_district() {
        let district = District::hechuan();
        let small = generate(DEFAULT_SEED).resources.len();
        for n in [10, small, small + 1, 50_000] {
            let d = generate_many(DEFAULT_SEED, n);
            assert_eq!(d.resources.len(), n);
            let ids: HashSet<_> = d.resources.iter().map(Resource::id).collect();
            assert_eq!(ids.len(), n, "ids unique");
            assert!(d.resources.iter().all(|r| district.contains(r.location())));
            assert!(d.ledger.iter().all(|e| ids.contains(&e.depot_id)));
            if n >= small {
                assert_eq!(d.resources[..small], generate(DEFAULT_SEED).resources[..]);
            }
        }
        let d = generate_many(DEFAULT_SEED, 50_000);
        for layer in Layer::ALL {
            // Every layer in about the demo's proportion: none is left out by the last cut.
            assert!(
                count(&d, *layer) >= 1_000,
                "{layer:?}: {}",
                count(&d, *layer)
            );
        }
        assert!(d.resources[small..]
            .iter()
            .all(|r| r.name().contains("（生成 ")));
        assert_eq!(d, generate_many(DEFAULT_SEED, 50_000), "reproducible");
    }

    #[test]
    fn every_position_is_inside_the_district_and_ids_are_unique() {
        let d = generate(DEFAULT_SEED);
        let district = District::hechuan();
        let mut ids = HashSet::new();
        for r in &d.resources {
            assert!(
                district.contains(r.location()),
                "{} at {:?}",
                r.name(),
                r.location()
            );
            assert!(ids.insert(r.id()), "duplicate id {}", r.id());
        }
        for (code, p) in &d.town_anchors {
            assert!(district.contains(*p), "town {code}");
        }
    }

    #[test]
    fn stock_is_a_ledger_that_never_goes_negative_and_meets_the_district_standard() {
        let d = generate(DEFAULT_SEED);
        let mut balances: HashMap<(EntityId, String), i64> = HashMap::new();
        for e in &d.ledger {
            let b = balances
                .entry((e.depot_id, e.code.to_string()))
                .or_default();
            *b = crate::stock::Balance {
                on_hand: *b,
                reserved: 0,
            }
            .apply(e.kind, e.quantity)
            .on_hand;
        }
        assert!(balances.values().all(|b| *b >= 0));
        assert_eq!(
            balances.len(),
            d.stock_lines.len(),
            "every line has entries and every entry a line"
        );
        let district_depot = d
            .resources
            .iter()
            .find_map(|r| match r {
                Resource::Depot(x) if x.level == DepotLevel::District => Some(x.id),
                _ => None,
            })
            .unwrap();
        // Quilts: one per person, so the district depot alone covers ≥ 5,000 people.
        assert!(balances[&(district_depot, "1010301".to_owned())] >= 5_000);
    }

    #[test]
    fn geological_levels_follow_threatened_people() {
        for r in &generate(DEFAULT_SEED).resources {
            if let Resource::Hazard(h) = r {
                if h.kind.is_geological() {
                    assert_eq!(
                        h.level,
                        RiskLevel::geological_from_people(h.threatened_people),
                        "{}",
                        h.name
                    );
                }
            }
        }
    }
}
