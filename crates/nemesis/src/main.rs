//! `yitu-nemesis`: seeded nemesis runs against the real `yitu` and `yitu-server` (RELIABILITY.md).

use anyhow::Result;
use clap::{Parser, Subcommand};
use yitu_nemesis::run::{run, Plan};
use yitu_nemesis::world::Bins;

#[derive(Parser)]
#[command(name = "yitu-nemesis", about = "一图 yitu — fault harness")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs seeds FROM..=TO (each a short run); prints one JSON line per run and a summary.
    /// Exits non-zero if any run lost, duplicated or diverged.
    Run {
        #[arg(long, default_value_t = 1)]
        from: u64,
        #[arg(long, default_value_t = 10)]
        to: u64,
        /// Steps of work and faults per run.
        #[arg(long, default_value_t = 24)]
        steps: usize,
        /// Every Nth seed runs the server on PostgreSQL (0: never).
        #[arg(long, default_value_t = 5)]
        postgres_every: u64,
        /// Every Nth seed a late desk starts from a snapshot of 5,100 generated records, killed
        /// mid-snapshot (0: never).
        #[arg(long, default_value_t = 7)]
        big_every: u64,
    },
    /// The naive baseline (wall-clock last writer wins, no outbox) through the same kinds of
    /// fault: prints what it lost per run; exits non-zero if it lost nothing (the harness would
    /// then be unable to see loss).
    Naive {
        #[arg(long, default_value_t = 1)]
        from: u64,
        #[arg(long, default_value_t = 10)]
        to: u64,
        #[arg(long, default_value_t = 24)]
        steps: usize,
    },
    /// COUNT SIGKILLs of one desk's commands (stock movement, edit, sync) at random moments:
    /// after each, the database opens and passes integrity_check; nothing acknowledged is lost.
    Kills {
        #[arg(long, default_value_t = 1_000)]
        count: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Figures for a bad link: EDITS edits pushed by one desk and pulled by another through 30 %
    /// loss, 800 ± 400 ms delay, 64 kbit/s and a cut every CUT_EVERY seconds, beside the same
    /// over a clean link.
    Link {
        #[arg(long, default_value_t = 1_000)]
        edits: usize,
        #[arg(long, default_value_t = 5)]
        cut_every: u64,
        /// Chance that a chunk is lost.
        #[arg(long, default_value_t = 0.3)]
        loss: f64,
    },
    /// ROWS generated shelters imported on one desk, pushed and pulled by another through a
    /// link of BYTES_PER_S cut every CUT_EVERY seconds: prints whether both got there before
    /// GIVE_UP seconds, the passes and the bytes. With --late the other desk first syncs after the import is on the server (from
    /// 5,000 rows, from the snapshot).
    Cuts {
        #[arg(long, default_value_t = 600)]
        rows: usize,
        #[arg(long, default_value_t = 8_000)]
        bytes_per_s: u64,
        #[arg(long, default_value_t = 3)]
        cut_every: u64,
        #[arg(long)]
        late: bool,
        /// Each chunk's delay in ms, at least and at most.
        #[arg(long, default_value_t = 50)]
        delay_min: u64,
        #[arg(long, default_value_t = 150)]
        delay_max: u64,
        /// The share of chunks lost (0 to 1).
        #[arg(long, default_value_t = 0.0)]
        loss: f64,
        /// Seconds after which the desks stop trying (the run then reports incomplete).
        #[arg(long, default_value_t = 600)]
        give_up: u64,
    },
    /// One command of a naive desk (the naive runs start these).
    #[command(hide = true)]
    NaiveDesk {
        #[arg(long)]
        dir: std::path::PathBuf,
        #[arg(long)]
        server: String,
        /// A movement of this many units (negative: issued); without it, a sync.
        #[arg(long, allow_hyphen_values = true)]
        qty: Option<i64>,
    },
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            from,
            to,
            steps,
            postgres_every,
            big_every,
        } => {
            let bins = Bins::find()?;
            let mut failed = Vec::new();
            let started = std::time::Instant::now();
            let mut worst_ms = 0;
            for seed in from..=to {
                let plan = Plan {
                    seed,
                    steps,
                    postgres: postgres_every > 0 && seed % postgres_every == 0,
                    big: big_every > 0 && seed % big_every == 0,
                };
                // A run the harness could not finish (a command that failed where it must not)
                // is a failure of that seed too, and the next seed goes on.
                let passed = match run(&bins, &plan).await {
                    Ok(outcome) => {
                        println!("{}", serde_json::to_string(&outcome)?);
                        worst_ms = worst_ms.max(outcome.converged_ms);
                        outcome.passed()
                    }
                    Err(e) => {
                        println!(
                            "{}",
                            serde_json::json!({"seed": seed, "error": format!("{e:#}")})
                        );
                        false
                    }
                };
                if !passed {
                    eprintln!(
                        "seed {seed} FAILED; replay: cargo run -p yitu-nemesis -- run --from {seed} --to {seed} --steps {steps} --postgres-every {postgres_every} --big-every {big_every}"
                    );
                    failed.push(seed);
                }
            }
            eprintln!(
                "{} runs in {:.1} s, {} failed {failed:?}; slowest convergence after heal {worst_ms} ms",
                to + 1 - from,
                started.elapsed().as_secs_f64(),
                failed.len()
            );
            if !failed.is_empty() {
                std::process::exit(1);
            }
        }
        Command::Naive { from, to, steps } => {
            let bins = Bins::find()?;
            let mut losing = 0;
            for seed in from..=to {
                let outcome = yitu_nemesis::naive::run(&bins, seed, steps).await?;
                println!("{}", serde_json::to_string(&outcome)?);
                if outcome.wrong_desks > 0 {
                    losing += 1;
                }
            }
            eprintln!(
                "naive baseline: {losing} of {} runs lost acknowledged movements",
                to + 1 - from
            );
            if losing == 0 {
                std::process::exit(1);
            }
        }
        Command::Kills { count, seed } => {
            let bins = Bins::find()?;
            let outcome = yitu_nemesis::kills::run(&bins, seed, count).await?;
            println!("{}", serde_json::to_string(&outcome)?);
            if !outcome.passed() {
                eprintln!("kills FAILED; replay: cargo run -p yitu-nemesis -- kills --count {count} --seed {seed}");
                std::process::exit(1);
            }
        }
        Command::Link {
            edits,
            cut_every,
            loss,
        } => {
            let bins = Bins::find()?;
            let figures = yitu_nemesis::lossy::edits(&bins, edits, cut_every, loss).await?;
            println!("{}", serde_json::to_string_pretty(&figures)?);
        }
        Command::Cuts {
            rows,
            bytes_per_s,
            cut_every,
            late,
            delay_min,
            delay_max,
            loss,
            give_up,
        } => {
            let bins = Bins::find()?;
            let link = yitu_nemesis::lossy::CutLink {
                bytes_per_s,
                cut_every_s: cut_every,
                delay_ms: (delay_min, delay_max),
                loss,
            };
            let figures =
                yitu_nemesis::lossy::import_through_cuts(&bins, rows, link, late, give_up).await?;
            println!("{figures}");
            if figures["complete"] != true {
                std::process::exit(1);
            }
        }
        Command::NaiveDesk { dir, server, qty } => {
            yitu_nemesis::naive::desk_command(&dir, &server, qty).await?;
        }
    }
    Ok(())
}
