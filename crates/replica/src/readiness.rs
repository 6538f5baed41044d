//! Readiness against the plan's standard, assessed from the store's depots and ledger: the one
//! place `yitu readiness` and the window both ask.

use crate::{Error, Store};
use yitu_domain::dispatch::readiness::{self, PerPerson, Readiness};
use yitu_domain::registries::town;

impl Store {
    /// How many people the district's and each town's relocation reserve can support with what
    /// they can still promise, for the per-person quantities `needs`.
    pub async fn readiness(&self, needs: &[PerPerson]) -> Result<Readiness, Error> {
        let state = self.stock_state().await?;
        Ok(readiness::assess(
            &state.depots,
            &state.lines,
            &state.balances,
            &town::all(),
            needs,
        ))
    }
}
