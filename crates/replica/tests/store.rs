//! The replica on a real SQLite file: migrations from empty, demo seeding, stats, exports,
//! search; imports and the outbox; decisions, stock moves, incidents and roles (`store/`).

use std::collections::HashSet;
use yitu_domain::registries::resource::Resource;
use yitu_domain::space::district::District;
use yitu_domain::{demo, Layer};
use yitu_replica::Store;

async fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn migrations_run_on_an_empty_folder_and_again_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    let store = Store::open(&nested).await.unwrap();
    assert!(store.path().exists());
    assert!(store.is_empty().await.unwrap());
    store.close().await;
    let again = Store::open(&nested).await.unwrap();
    assert!(again.is_empty().await.unwrap());
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let (_dir, store) = fresh().await;
    let first = store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    // The demo's records by construction (yitu_domain::demo): 58 teams (the plan's 2 + 20 +
    // 30, and 6 volunteer and militia units), 44 experts (4 in each of 11 fields), 72 depots
    // (city, district, 30 towns, 40 villages), the plan's 165 shelters, 152 hazards (its mix).
    assert_eq!(first.resources_inserted, 58 + 44 + 72 + 165 + 152);
    let stats = store.stats().await.unwrap();
    let export = store.feature_collection(Layer::Shelters).await.unwrap();
    let second = store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    assert_eq!(
        (second.resources_inserted, second.ledger_entries_inserted),
        (0, 0)
    );
    assert_eq!(store.stats().await.unwrap(), stats);
    assert_eq!(
        store.feature_collection(Layer::Shelters).await.unwrap(),
        export
    );
}

#[tokio::test]
async fn stats_equal_what_was_seeded() {
    let (_dir, store) = fresh().await;
    store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    let data = demo::generate(demo::DEFAULT_SEED);
    let stats = store.stats().await.unwrap();
    for layer in Layer::ALL {
        let expected: Vec<&Resource> = data
            .resources
            .iter()
            .filter(|r| r.layer() == *layer)
            .collect();
        let got = &stats.layers[layer.code()];
        assert_eq!(got.total as usize, expected.len(), "{layer}");
        for (kind, n) in &got.by_kind {
            assert_eq!(
                *n as usize,
                expected.iter().filter(|r| r.kind_code() == kind).count(),
                "{layer}/{kind}"
            );
        }
    }
    assert_eq!(stats.layers["shelters"].total, 165);
    assert_eq!(stats.towns, 30);
    assert_eq!(stats.stock_lines as usize, data.stock_lines.len());
    assert_eq!(stats.ledger_entries as usize, data.ledger.len());
    assert!(stats.demo);
}

#[tokio::test]
async fn every_seeded_point_read_back_is_inside_the_district() {
    let (_dir, store) = fresh().await;
    store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    let district = District::hechuan();
    // Per layer, the demo's counts by construction (see `seeding_twice_changes_nothing`).
    let counts = [
        (Layer::Teams, 58),
        (Layer::Experts, 44),
        (Layer::Depots, 72),
        (Layer::Shelters, 165),
        (Layer::Hazards, 152),
    ];
    assert_eq!(counts.len(), Layer::ALL.len());
    for (layer, n) in counts {
        let records = store.resources(layer).await.unwrap();
        assert_eq!(records.len(), n, "{layer}");
        for r in records {
            assert!(
                district.contains(r.location()),
                "{} {} at {:?}",
                layer,
                r.name(),
                r.location()
            );
        }
    }
}

#[tokio::test]
async fn export_is_valid_rfc7946_geojson_with_ids() {
    let (_dir, store) = fresh().await;
    store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    for layer in Layer::ALL {
        let text = store.feature_collection(*layer).await.unwrap().to_string();
        // Parse back from text, as another GIS would.
        let parsed: geojson::GeoJson = text.parse().expect("valid GeoJSON");
        let fc = geojson::FeatureCollection::try_from(parsed).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["type"], "FeatureCollection");
        assert!(value.get("crs").is_none(), "RFC 7946 has no crs member");
        let mut ids = HashSet::new();
        for f in &value["features"].as_array().unwrap()[..] {
            assert_eq!(f["geometry"]["type"], "Point");
            let c = f["geometry"]["coordinates"].as_array().unwrap();
            let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (105.9..106.8).contains(&lon) && (29.8..30.5).contains(&lat),
                "lon,lat order"
            );
            assert!(ids.insert(f["id"].as_str().unwrap().to_owned()));
            assert_eq!(f["properties"]["demo"], true);
        }
        assert_eq!(fc.features.len(), ids.len());
    }
}

#[tokio::test]
async fn a_depot_stock_is_the_fold_of_its_ledger() {
    let (_dir, store) = fresh().await;
    store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    let data = demo::generate(demo::DEFAULT_SEED);
    let depots = store.resources(Layer::Depots).await.unwrap();
    let district_depot = depots
        .iter()
        .find(|r| matches!(r, Resource::Depot(d) if d.level == yitu_domain::registries::depot::DepotLevel::District))
        .unwrap();
    let stock = store
        .stock(district_depot.id(), "2026-11-29")
        .await
        .unwrap();
    // The district depot stocks the whole demo catalogue (16 materials): its equipment share is
    // 1, so no item is left to chance.
    assert_eq!(stock.len(), 16);
    for row in &stock {
        let expected = yitu_domain::stock::Balance::fold(
            data.ledger
                .iter()
                .filter(|e| e.depot_id == district_depot.id() && e.code.as_str() == row.code),
        );
        assert_eq!(row.balance, expected, "{}", row.code);
    }
    let quilts = stock.iter().find(|r| r.code == "1010301").unwrap();
    assert!(
        quilts.balance.on_hand >= 5_000,
        "district reserve covers 5,000 people"
    );
}

#[tokio::test]
async fn the_warnings_list_is_every_warning_line_of_every_depot() {
    let (_dir, store) = fresh().await;
    store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    // Years on, every line with an expiry has expired: the list cannot be empty by chance.
    for today in ["2026-11-29", "2031-06-01"] {
        let listed = store.stock_warnings(today).await.unwrap();
        // The same, depot by depot through `stock`, in the list's order (town, then name).
        let mut depots = store.resources(Layer::Depots).await.unwrap();
        depots.sort_by(|a, b| (a.town_code(), a.name()).cmp(&(b.town_code(), b.name())));
        let mut expected = Vec::new();
        for d in &depots {
            for line in store.stock(d.id(), today).await.unwrap() {
                if !line.warnings.is_empty() {
                    expected.push((d.id().to_string(), line));
                }
            }
        }
        let got: Vec<_> = listed.into_iter().map(|w| (w.depot_id, w.line)).collect();
        assert_eq!(got, expected, "on {today}");
        if today == "2031-06-01" {
            // Every one of the 72 depots stocks the catalogue's two materials with a shelf life
            // (per person sheltered, so never left out), and their expiries all fall by 2027.
            assert_eq!(got.len(), 72 * 2, "lines that warn in 2031");
        }
    }
}

#[tokio::test]
async fn search_finds_by_name_town_kind_and_material() {
    let (_dir, store) = fresh().await;
    store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
    // The oracle, by brute force over every record: its name or its town's name holds the
    // words (no kind, field or material of the demo holds these).
    let all = store.all_resources().await.unwrap();
    let towns: std::collections::HashMap<String, String> = store
        .towns()
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.code, t.name))
        .collect();
    let holding = |words: &str| -> HashSet<String> {
        all.iter()
            .filter(|r| {
                r.name().contains(words)
                    || towns.get(r.town_code()).is_some_and(|t| t.contains(words))
            })
            .map(|r| r.id().to_string())
            .collect()
    };
    let ids = |hits: &[yitu_replica::search::Hit]| -> HashSet<String> {
        let set: HashSet<String> = hits.iter().map(|h| h.id.clone()).collect();
        assert_eq!(set.len(), hits.len(), "each record once");
        set
    };
    let by_name = store.search("钱塘", 1000).await.unwrap();
    assert_eq!(ids(&by_name), holding("钱塘"));
    // Names rank first.
    assert_eq!(
        by_name[0].reason,
        yitu_domain::dispatch::search::Reason::Name
    );
    // Every record of the town is found through its town, and nothing else is.
    let town_code = towns
        .iter()
        .find(|(_, name)| *name == "钱塘镇")
        .unwrap()
        .0
        .clone();
    let in_town: HashSet<String> = all
        .iter()
        .filter(|r| r.town_code() == town_code)
        .map(|r| r.id().to_string())
        .collect();
    let hits = ids(&store.search("钱塘镇", 1000).await.unwrap());
    assert!(in_town.is_subset(&hits));
    assert_eq!(hits, holding("钱塘镇"));
    let geology = store.search("地质", 1000).await.unwrap();
    assert!(geology.iter().any(|h| h.layer == Layer::Experts));
    let tents = store.search("1010101", 1000).await.unwrap();
    assert!(tents.iter().all(|h| h.layer == Layer::Depots));
    assert_eq!(
        tents.len(),
        store.resources(Layer::Depots).await.unwrap().len(),
        "every demo depot stocks tents"
    );
    assert!(store.search("   ", 10).await.unwrap().is_empty());
    assert!(store.search("火星基地", 10).await.unwrap().is_empty());
}

#[path = "store/import.rs"]
mod import;

#[path = "store/outbox.rs"]
mod outbox;

#[path = "store/scene.rs"]
mod scene;

#[path = "store/decisions.rs"]
mod decisions;

#[path = "store/stock.rs"]
mod stock;

#[path = "store/incidents.rs"]
mod incidents;

#[path = "store/roles.rs"]
mod roles;

#[path = "store/users.rs"]
mod users;
