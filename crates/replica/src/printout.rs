//! Printed documents from the store: a decision's order sheet (指令单) and an incident's briefing
//! (事件态势简报), gathered here once so the desktop and the command line print the same thing.
//! The fonts are files from Debian packages, read here; yitu-print only lays out bytes.

use crate::{Error, Store};
use std::path::Path;
use yitu_domain::command::chain::EventKind;
use yitu_domain::EntityId;

/// The two TrueType fonts a printout needs: Latin letters and digits, and CJK.
pub struct Fonts {
    latin: Vec<u8>,
    cjk: Vec<u8>,
}

impl Fonts {
    /// Reads the fonts, naming the Debian package that provides each when one is missing.
    pub fn read(latin: &Path, cjk: &Path) -> Result<Self, Error> {
        let read = |path: &Path, package: &'static str| {
            std::fs::read(path).map_err(|source| Error::Font {
                path: path.to_owned(),
                package,
                source,
            })
        };
        Ok(Self {
            latin: read(latin, "fonts-dejavu-core")?,
            cjk: read(cjk, "fonts-droid-fallback")?,
        })
    }

    /// Debian's DejaVu Sans and Droid Sans Fallback.
    pub fn debian() -> Result<Self, Error> {
        Self::read(
            Path::new(yitu_print::DEFAULT_LATIN_FONT),
            Path::new(yitu_print::DEFAULT_FONT),
        )
    }
}

impl Store {
    /// A decision's order sheet as PDF bytes, with its acknowledgements and, once issued, the
    /// hash of its issue event and the signing device.
    pub async fn order_sheet_pdf(
        &self,
        id: EntityId,
        fonts: &Fonts,
        printed_at_ms: i64,
    ) -> Result<Vec<u8>, Error> {
        let view = self.decision_view(id).await?;
        let incident = self.incident(view.decision.incident_id).await?;
        let acknowledgements: Vec<(String, i64)> = view
            .acknowledgements
            .iter()
            .map(|a| (a.recipient.clone(), a.at_ms))
            .collect();
        let sheet = yitu_print::OrderSheet {
            decision: &view.decision,
            incident: &incident,
            acknowledgements: &acknowledgements,
            issue_hash: view
                .events
                .iter()
                .find(|e| e.kind == EventKind::Issue)
                .map(|e| e.hash.clone()),
            device: view.events.first().map(|e| e.device.clone()),
            printed_at_ms,
        };
        Ok(yitu_print::order_sheet(&sheet, &fonts.latin, &fonts.cjk)?)
    }

    /// An incident's briefing (ICS-201 style) as PDF bytes: situation, toll, log, and each
    /// decision with who has acknowledged it.
    pub async fn incident_briefing_pdf(
        &self,
        id: EntityId,
        printed_by: &str,
        fonts: &Fonts,
        printed_at_ms: i64,
    ) -> Result<Vec<u8>, Error> {
        let incident = self.incident(id).await?;
        let log = self.incident_log(id).await?;
        let mut decisions = Vec::new();
        for d in self.decisions_of(id).await? {
            let acked = self
                .decision_view(d.id)
                .await?
                .acknowledgements
                .into_iter()
                .map(|a| a.recipient)
                .collect();
            decisions.push((d, acked));
        }
        let briefing = yitu_print::Briefing {
            incident: &incident,
            log: &log,
            decisions: &decisions,
            printed_at_ms,
            printed_by,
        };
        Ok(yitu_print::incident_briefing(
            &briefing,
            &fonts.latin,
            &fonts.cjk,
        )?)
    }
}
