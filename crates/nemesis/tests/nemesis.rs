//! The short slice of the fault harness that README's test command runs (RELIABILITY.md): a few
//! seeded nemesis runs against the real server and desks (two on PostgreSQL, one with a late
//! desk's snapshot), the naive baseline
//! through the same faults (it must lose), and SIGKILLs of a desk mid-write and mid-sync.
//! The long runs are `yitu-nemesis run --from 1 --to 10000` and `kills --count 1000`.

use std::process::Command;

fn nemesis(args: &[&str]) -> (bool, Vec<serde_json::Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yitu-nemesis"))
        .args(args)
        .output()
        .expect("yitu-nemesis runs");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON line per run"))
        .collect();
    (
        out.status.success(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn seeded_nemesis_runs_lose_nothing_acknowledged_and_converge() {
    // Seeds 3 and 6 run the server on PostgreSQL; at seed 7 a late desk starts from a
    // snapshot of 5,100 generated records and is killed while it arrives.
    let (ok, runs, err) = nemesis(&[
        "run",
        "--from",
        "1",
        "--to",
        "7",
        "--postgres-every",
        "3",
        "--big-every",
        "7",
    ]);
    for r in &runs {
        println!("{r}");
    }
    assert!(ok, "{err}");
    assert_eq!(runs.len(), 7);
    let acknowledged: u64 = runs
        .iter()
        .map(|r| r["acknowledged"].as_u64().unwrap())
        .sum();
    let kills: u64 = runs.iter().map(|r| r["kills"].as_u64().unwrap()).sum();
    let restarts: u64 = runs.iter().map(|r| r["restarts"].as_u64().unwrap()).sum();
    // The runs did work and met faults: a run with nothing in it would pass anything.
    assert!(acknowledged >= 30, "{acknowledged} acknowledged writes");
    assert!(kills + restarts >= 3, "{kills} kills, {restarts} restarts");
    for r in &runs {
        assert!(r["lost"].as_array().unwrap().is_empty(), "{r}");
        assert!(r["converged_ms"].as_u64().unwrap() < 10_000, "{r}");
    }
}

#[test]
fn the_naive_baseline_loses_acknowledged_stock_under_the_same_faults() {
    let (ok, runs, err) = nemesis(&["naive", "--from", "1", "--to", "6"]);
    assert!(
        ok,
        "the naive baseline lost nothing: the harness could not see loss\n{err}"
    );
    let losing = runs
        .iter()
        .filter(|r| r["wrong_desks"].as_u64().unwrap() > 0)
        .count();
    println!(
        "naive baseline: {losing} of {} runs lost acknowledged movements",
        runs.len()
    );
    assert!(losing >= 3, "{runs:?}");
}

#[test]
fn a_desk_killed_mid_write_or_mid_sync_opens_whole_and_keeps_what_it_acknowledged() {
    let (ok, runs, err) = nemesis(&["kills", "--count", "60", "--seed", "1"]);
    println!("{}", runs[0]);
    assert!(ok, "{err}");
    assert_eq!(runs[0]["kills"], 60);
    assert!(runs[0]["integrity_failures"].as_array().unwrap().is_empty());
    assert!(runs[0]["lost"].as_array().unwrap().is_empty());
    // Some kills landed after the command had answered, some before.
    assert!(runs[0]["after_answer"].as_u64().unwrap() > 0);
}

#[test]
fn changes_get_through_a_link_cut_every_few_seconds() {
    // 600 whole records at 16 kB/s, cut every 3 s: a 500-change push takes longer than the
    // link stays up, so the desk must send smaller requests after a cut (and the pull too).
    let (ok, runs, err) = nemesis(&[
        "cuts",
        "--rows",
        "600",
        "--bytes-per-s",
        "16000",
        "--cut-every",
        "3",
    ]);
    println!(
        "{}",
        runs.first().map(|r| r.to_string()).unwrap_or_default()
    );
    assert!(ok, "{err}");
    assert_eq!(runs[0]["complete"], true);
    // The link was cut under it: some passes failed and the rest carried on.
    assert!(
        runs[0]["failed_passes"].as_u64().unwrap() > 0,
        "{}",
        runs[0]
    );
}

#[test]
fn a_first_sync_from_the_snapshot_gets_through_a_link_cut_every_few_seconds() {
    // 5,100 records on the server; a new desk's first sync is a snapshot of some hundreds of
    // kB at 64 kB/s, cut every 2 s: no request carries it whole, so each pass must go on
    // from the bytes the last one kept.
    let (ok, runs, err) = nemesis(&[
        "cuts",
        "--rows",
        "5100",
        "--bytes-per-s",
        "64000",
        "--cut-every",
        "2",
        "--late",
    ]);
    println!(
        "{}",
        runs.first().map(|r| r.to_string()).unwrap_or_default()
    );
    assert!(ok, "{err}");
    assert_eq!(runs[0]["complete"], true);
    assert!(
        runs[0]["failed_passes"].as_u64().unwrap() > 0,
        "{}",
        runs[0]
    );
}
