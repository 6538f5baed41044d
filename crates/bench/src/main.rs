//! `yitu-bench dispatch`: the same k-nearest (k = 10) and 2 km radius queries over 100,000 points
//! inside Hechuan, answered by yitu's own index, by SpatiaLite (R*Tree, KNN virtual table) and by
//! PostGIS (GiST on geography). Prints medians, 95th percentiles, ratios, and how often the
//! answers agree. Figures, not assertions: a benchmark never fails a build.

use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use yitu_domain::demo::rng::SplitMix64;
use yitu_domain::dispatch::ResourceIndex;
use yitu_domain::registries::hazard::{Hazard, HazardKind, HazardStatus, RiskLevel};
use yitu_domain::registries::resource::Resource;
use yitu_domain::space::district::District;
use yitu_domain::{EntityId, LonLat};

const K: usize = 10;
const RADIUS_M: f64 = 2_000.0;

/// What one system answered and how long each query took.
struct Run {
    name: &'static str,
    knn: Vec<(Duration, BTreeSet<i64>)>,
    radius: Vec<(Duration, BTreeSet<i64>)>,
}

fn points(rng: &mut SplitMix64, district: &District, n: usize) -> Vec<LonLat> {
    let b = district.bounds();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let p = LonLat {
            lon: rng.range(b.min().x, b.max().x),
            lat: rng.range(b.min().y, b.max().y),
        };
        if district.contains(p) {
            out.push(p);
        }
    }
    out
}

fn resource(i: usize, p: LonLat) -> Resource {
    Resource::Hazard(Hazard {
        id: EntityId::v7(i as u64, [0; 10]),
        name: i.to_string(),
        kind: HazardKind::Landslide,
        level: RiskLevel::IV,
        threatened_people: 0,
        threatened_households: 0,
        monitor: String::new(),
        monitor_phone: String::new(),
        status: HazardStatus::Monitoring,
        town_code: String::new(),
        location: p,
    })
}

fn stats(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    let us = |x: Duration| x.as_secs_f64() * 1e6;
    (
        us(d[d.len() / 2]),
        us(d[(d.len() * 95 / 100).min(d.len() - 1)]),
    )
}

fn yitu_run(data: &[LonLat], queries: &[LonLat]) -> Run {
    let started = Instant::now();
    let index = ResourceIndex::new(
        data.iter()
            .enumerate()
            .map(|(i, p)| resource(i, *p))
            .collect(),
    );
    eprintln!(
        "yitu: index of {} built in {:.0} ms",
        index.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    let id = |r: &Resource| r.name().parse::<i64>().unwrap_or(-1);
    let mut run = Run {
        name: "yitu (rstar, in process)",
        knn: vec![],
        radius: vec![],
    };
    for q in queries {
        // Each system is timed up to its own answer rows; turning them into id sets is not.
        let t = Instant::now();
        let rows = index.nearest(*q, K, |_| true);
        let took = t.elapsed();
        run.knn
            .push((took, rows.iter().map(|r| id(r.resource)).collect()));
        let t = Instant::now();
        let rows = index.within(*q, RADIUS_M, |_| true);
        let took = t.elapsed();
        run.radius
            .push((took, rows.iter().map(|r| id(r.resource)).collect()));
    }
    run
}

/// SpatiaLite, in its own process: Debian's mod_spatialite links the system libsqlite3, this
/// binary links sqlx's bundled SQLite, and loading the extension here crashes (seen: SIGSEGV in
/// sqlite3_rtree_query_callback). `scripts/bench_spatialite.py` runs the same queries under
/// Debian's python3, which uses the system SQLite, and reports each query's time.
fn spatialite_run(data: &[LonLat], queries: &[LonLat]) -> Result<Run> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/bench_spatialite.py"
    );
    let pairs = |v: &[LonLat]| v.iter().map(|p| [p.lon, p.lat]).collect::<Vec<_>>();
    let job = serde_json::json!({
        "data": pairs(data), "queries": pairs(queries), "k": K, "radius_m": RADIUS_M,
    });
    let mut child = Command::new("/usr/bin/python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting /usr/bin/python3 (Debian package python3)")?;
    child
        .stdin
        .take()
        .context("python3 stdin")?
        .write_all(job.to_string().as_bytes())?;
    let out = child.wait_with_output()?;
    anyhow::ensure!(
        out.status.success(),
        "the SpatiaLite script failed ({}); is libsqlite3-mod-spatialite installed?",
        out.status
    );
    #[derive(serde::Deserialize)]
    struct Report {
        load_s: f64,
        floor_us: f64,
        knn: Vec<(f64, BTreeSet<i64>)>,
        radius: Vec<(f64, BTreeSet<i64>)>,
    }
    let report: Report = serde_json::from_slice(&out.stdout).context("reading its report")?;
    eprintln!(
        "SpatiaLite: loaded and indexed in {:.1} s; python3's own cost per query (SELECT 1): {:.1} µs",
        report.load_s, report.floor_us
    );
    let timed = |v: Vec<(f64, BTreeSet<i64>)>| {
        v.into_iter()
            .map(|(us, ids)| (Duration::from_secs_f64(us / 1e6), ids))
            .collect()
    };
    Ok(Run {
        name: "SpatiaLite 5 (R*Tree, python3)",
        knn: timed(report.knn),
        radius: timed(report.radius),
    })
}

async fn postgis_run(url: &str, data: &[LonLat], queries: &[LonLat]) -> Result<Run> {
    use sqlx::postgres::PgPoolOptions;
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .context("connecting to PostgreSQL")?;
    sqlx::query("DROP DATABASE IF EXISTS yitu_bench")
        .execute(&admin)
        .await?;
    sqlx::query("CREATE DATABASE yitu_bench")
        .execute(&admin)
        .await?;
    admin.close().await;
    let bench_url = format!(
        "{}/yitu_bench",
        url.rsplit_once('/').map(|(base, _)| base).unwrap_or(url)
    );
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&bench_url)
        .await?;
    sqlx::query("CREATE EXTENSION postgis")
        .execute(&pool)
        .await
        .context("CREATE EXTENSION postgis (Debian package postgresql-15-postgis-3)")?;
    sqlx::query("CREATE TABLE pts (id bigint PRIMARY KEY, geog geography(Point, 4326) NOT NULL)")
        .execute(&pool)
        .await?;
    let started = Instant::now();
    for chunk in data.iter().enumerate().collect::<Vec<_>>().chunks(10_000) {
        let ids: Vec<i64> = chunk.iter().map(|(i, _)| *i as i64).collect();
        let lons: Vec<f64> = chunk.iter().map(|(_, p)| p.lon).collect();
        let lats: Vec<f64> = chunk.iter().map(|(_, p)| p.lat).collect();
        sqlx::query(
            "INSERT INTO pts (id, geog) SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326)::geography
             FROM UNNEST($1::bigint[], $2::float8[], $3::float8[]) AS t(i, x, y)",
        )
        .bind(&ids)
        .bind(&lons)
        .bind(&lats)
        .execute(&pool)
        .await?;
    }
    sqlx::query("CREATE INDEX pts_geog ON pts USING GIST (geog)")
        .execute(&pool)
        .await?;
    sqlx::query("ANALYZE pts").execute(&pool).await?;
    eprintln!(
        "PostGIS: loaded and indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut run = Run {
        name: "PostGIS 3 (GiST, geography)",
        knn: vec![],
        radius: vec![],
    };
    for q in queries {
        let t = Instant::now();
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM pts ORDER BY geog <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography LIMIT $3",
        )
        .bind(q.lon)
        .bind(q.lat)
        .bind(K as i64)
        .fetch_all(&pool)
        .await?;
        run.knn
            .push((t.elapsed(), rows.into_iter().map(|r| r.0).collect()));
        let t = Instant::now();
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM pts WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3, false)",
        )
        .bind(q.lon)
        .bind(q.lat)
        .bind(RADIUS_M)
        .fetch_all(&pool)
        .await?;
        run.radius
            .push((t.elapsed(), rows.into_iter().map(|r| r.0).collect()));
    }
    pool.close().await;
    Ok(run)
}

/// Share of queries where two systems gave the same set of ids.
fn agreement(a: &[(Duration, BTreeSet<i64>)], b: &[(Duration, BTreeSet<i64>)]) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x.1 == y.1).count();
    100.0 * same as f64 / a.len().max(1) as f64
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let q: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let pg_url = std::env::var("YITU_BENCH_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let district = District::hechuan();
    let mut rng = SplitMix64::new(7);
    let data = points(&mut rng, &district, n);
    let queries = points(&mut rng, &district, q);
    println!("dispatch benchmark: {n} points inside Hechuan, {q} queries: k-nearest (k = {K}) and radius {RADIUS_M} m");

    let mut runs = vec![yitu_run(&data, &queries)];
    match spatialite_run(&data, &queries) {
        Ok(r) => runs.push(r),
        Err(e) => println!("SpatiaLite skipped: {e:#}"),
    }
    match postgis_run(&pg_url, &data, &queries).await {
        Ok(r) => runs.push(r),
        Err(e) => println!("PostGIS skipped: {e:#}"),
    }

    let base = &runs[0];
    let (yk, _) = stats(base.knn.iter().map(|x| x.0).collect());
    let (yr, _) = stats(base.radius.iter().map(|x| x.0).collect());
    println!(
        "\n{:<30} {:>12} {:>12} {:>9} {:>10} | {:>12} {:>12} {:>9} {:>10}",
        "system",
        "kNN med µs",
        "kNN p95 µs",
        "× yitu",
        "agree %",
        "2km med µs",
        "2km p95 µs",
        "× yitu",
        "agree %"
    );
    for r in &runs {
        let (km, kp) = stats(r.knn.iter().map(|x| x.0).collect());
        let (rm, rp) = stats(r.radius.iter().map(|x| x.0).collect());
        println!(
            "{:<30} {:>12.1} {:>12.1} {:>9.1} {:>10.1} | {:>12.1} {:>12.1} {:>9.1} {:>10.1}",
            r.name,
            km,
            kp,
            km / yk,
            agreement(&r.knn, &base.knn),
            rm,
            rp,
            rm / yr,
            agreement(&r.radius, &base.radius)
        );
    }
    println!("\n× yitu: how many times slower than yitu's index per query (median). agree %: queries whose set of ids equals yitu's.");
    println!("All three measure the radius on a sphere (PostGIS use_spheroid = false, SpatiaLite use_ellipsoid = 0); SpatiaLite is timed from python3, whose own cost per call is printed above.");
    Ok(())
}
