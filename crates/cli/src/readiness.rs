//! `yitu readiness`: how many people the district and each town's relocation reserve can support,
//! against ≥ 5,000 and ≥ 200 (per-person quantities configurable).

use anyhow::{bail, Result};
use clap::Args;
use std::io::Write;
use yitu_domain::dispatch::readiness::{self, PerPerson};
use yitu_replica::Store;

#[derive(Args)]
pub struct ReadinessArgs {
    /// CODE=QTY: what one person needs of a material (any GB/T 38565 level); replaces a default
    /// of the same code or adds one. Repeatable.
    #[arg(long = "per-person", value_name = "CODE=QTY")]
    per_person: Vec<String>,
    #[arg(long)]
    json: bool,
}

pub async fn run(store: &Store, args: ReadinessArgs, out: &mut impl Write) -> Result<()> {
    let mut needs = readiness::default_per_person();
    for p in &args.per_person {
        let Some((code, qty)) = p.split_once('=') else {
            bail!("--per-person {p:?}: expected CODE=QTY, e.g. 1010301=1");
        };
        let code = yitu_domain::stock::material::MaterialCode::parse(code)?.to_string();
        let Ok(quantity) = qty.trim().parse::<f64>() else {
            bail!("--per-person {p:?}: {qty:?} is not a number");
        };
        if !(quantity.is_finite() && quantity >= 0.0) {
            bail!("--per-person {p:?}: a quantity cannot be negative");
        }
        match needs.iter_mut().find(|n| n.code == code) {
            Some(n) => n.quantity = quantity,
            None => needs.push(PerPerson {
                name: code.clone(),
                code,
                quantity,
            }),
        }
    }
    let r = store.readiness(&needs).await?;
    if args.json {
        crate::print_json(out, &r)?;
        return Ok(());
    }
    let mark = |ok: bool| if ok { "达标" } else { "不足" };
    writeln!(
        out,
        "区级储备 district reserve: {} people (standard {}) {}",
        r.district.people,
        r.district.standard,
        mark(r.district.meets_standard)
    )?;
    for t in &r.towns {
        writeln!(
            out,
            "  {} {}: {} people (standard {}) {}",
            t.code,
            t.name,
            t.reserve.people,
            t.reserve.standard,
            mark(t.reserve.meets_standard)
        )?;
    }
    writeln!(out, "towns below standard: {}", r.towns_below_standard)?;
    Ok(())
}
