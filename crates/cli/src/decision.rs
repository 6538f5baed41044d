//! `yitu decision`: draft from a template, a 紧急撤离 order or a JSON file, review, sign (签发,
//! over an objection, or at once: 紧急处置), acknowledge, arrive, leave, complete, withdraw,
//! show, print (approve and issue as two steps are still accepted); and `yitu verify`. Each transition is made as the `--as`
//! user and refused, writing nothing, when that user's role may not make it.

use crate::import::{id_source, now_ms};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use yitu_domain::command::decision::{Content, OrderClass};
use yitu_domain::command::incident::IncidentKind;
use yitu_domain::{command::template, EntityId};
use yitu_replica::decisions::Act;
use yitu_replica::printout::Fonts;
use yitu_replica::user::Actor;
use yitu_replica::Store;

#[derive(Args)]
pub struct DecisionArgs {
    #[command(subcommand)]
    action: DecisionAction,
}

#[derive(Subcommand)]
enum DecisionAction {
    /// Draft a decision for an incident: from its kind's template, or from a JSON file holding
    /// the content (situation, objectives, orders, materials, relocations, safety, basis,
    /// drawings, supersedes; see `decision template`).
    Draft {
        #[arg(long)]
        incident: String,
        #[arg(long, conflicts_with_all = ["file", "evacuation"], required_unless_present_any = ["file", "evacuation"])]
        template: bool,
        /// A 紧急撤离 order (everyone out of the danger zone), to sign with `urgent`.
        #[arg(long, conflicts_with = "file")]
        evacuation: bool,
        #[arg(long)]
        file: Option<PathBuf>,
        /// 技术类 orders are signed by the technical officer, 行政类 (default) by the commander.
        #[arg(long, value_parser = ["administrative", "technical", "行政类", "技术类"])]
        class: Option<String>,
    },
    /// Replace a draft's content from a JSON file (only while it is a draft).
    Edit {
        id: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// The template of an incident kind, and the draft content it gives (JSON).
    Template {
        #[arg(long)]
        kind: String,
    },
    /// Technical review: agree or object, with advice (技术意见).
    Review {
        id: String,
        #[arg(long, conflicts_with = "object", required_unless_present = "object")]
        agree: bool,
        #[arg(long)]
        object: bool,
        #[arg(long)]
        advice: String,
    },
    /// 签发: approve and issue a reviewed decision in one act (the commander for 行政类 orders,
    /// the technical officer for 技术类): materials and shelter places are reserved and the
    /// decision is signed into the incident's chain.
    Sign { id: String },
    /// The commander signs over the technical officer's objection, saying why (the objection
    /// stays on the sheet).
    Overrule {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// 紧急处置: the commander or the technical officer signs at once, before review (the review
    /// is recorded afterwards; the sheet says so).
    Urgent {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// The commander approves a reviewed decision (the two-step form; `sign` does both).
    Approve { id: String },
    /// The commander issues an approved decision (the two-step form; `sign` does both).
    Issue { id: String },
    /// Record a recipient's acknowledgement (签收).
    Ack {
        id: String,
        #[arg(long)]
        recipient: String,
    },
    /// Record a recipient team's arrival on scene (到场).
    Arrive {
        id: String,
        #[arg(long)]
        recipient: String,
    },
    /// Record a recipient team leaving the scene (撤离): it is free for dispatch again.
    Leave {
        id: String,
        #[arg(long)]
        recipient: String,
    },
    /// The commander marks an issued decision done: reserved materials leave their depots.
    Complete { id: String },
    /// Withdraw a decision (reservations of an issued one are released).
    Withdraw {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// A decision with its acknowledgements, history and chain events (JSON).
    Show { id: String },
    /// Print the decision as a PDF 指令单.
    Pdf {
        id: String,
        #[arg(long)]
        out: PathBuf,
        /// A TrueType font with CJK glyphs (default: Debian's fonts-droid-fallback).
        #[arg(long, default_value = yitu_print::DEFAULT_FONT)]
        font: PathBuf,
        /// A TrueType font for digits and Latin letters (default: Debian's fonts-dejavu-core).
        #[arg(long, default_value = yitu_print::DEFAULT_LATIN_FONT)]
        latin_font: PathBuf,
    },
}

pub async fn run(
    store: &Store,
    actor: Option<&Actor>,
    args: DecisionArgs,
    out: &mut impl Write,
) -> Result<()> {
    let need_actor = || actor.context("say who is acting: --as USER (see `yitu user list`)");
    let at_ms = now_ms();
    let mut ids = id_source(at_ms);
    let (id, act) = match args.action {
        DecisionAction::Draft {
            incident,
            template: _,
            evacuation,
            file,
            class,
        } => {
            let actor = need_actor()?;
            let incident = store.incident(EntityId::parse(&incident)?).await?;
            let mut content: Content = match file {
                Some(file) => read_content(&file)?,
                None if evacuation => template::evacuation(&incident),
                None => template::for_kind(incident.kind).prefill(&incident),
            };
            if let Some(class) = class {
                content.class = OrderClass::from_code(&class)?;
            }
            let d = store
                .draft_decision(actor, incident.id, content, ids(), at_ms)
                .await?;
            store.checkpoint().await?;
            return crate::print_json(out, &d);
        }
        DecisionAction::Edit { id, file } => {
            let actor = need_actor()?;
            let d = store
                .edit_draft(actor, EntityId::parse(&id)?, read_content(&file)?, at_ms)
                .await?;
            store.checkpoint().await?;
            return crate::print_json(out, &d);
        }
        DecisionAction::Template { kind } => {
            let kind = IncidentKind::from_code(&kind)?;
            let t = template::for_kind(kind);
            return crate::print_json(
                out,
                &serde_json::json!({"template": t, "plan_file": template::PLAN_FILE}),
            );
        }
        DecisionAction::Show { id } => {
            let view = store.decision_view(EntityId::parse(&id)?).await?;
            return crate::print_json(out, &view);
        }
        DecisionAction::Pdf {
            id,
            out: file,
            font,
            latin_font,
        } => {
            let id = EntityId::parse(&id)?;
            let fonts = Fonts::read(&latin_font, &font)?;
            let bytes = store.order_sheet_pdf(id, &fonts, at_ms).await?;
            let number = store.decision(id).await?.number;
            std::fs::write(&file, &bytes).with_context(|| format!("writing {}", file.display()))?;
            return crate::print_json(
                out,
                &serde_json::json!({"pdf": file, "bytes": bytes.len(), "number": number}),
            );
        }
        DecisionAction::Review {
            id,
            agree,
            object: _,
            advice,
        } => (id, Act::Review { agree, advice }),
        DecisionAction::Sign { id } => (id, Act::Sign),
        DecisionAction::Overrule { id, reason } => (id, Act::Overrule { reason }),
        DecisionAction::Urgent { id, reason } => (id, Act::Urgent { reason }),
        DecisionAction::Arrive { id, recipient } => (id, Act::Arrive { recipient }),
        DecisionAction::Leave { id, recipient } => (id, Act::Leave { recipient }),
        DecisionAction::Approve { id } => (id, Act::Approve),
        DecisionAction::Issue { id } => (id, Act::Issue),
        DecisionAction::Ack { id, recipient } => (id, Act::Acknowledge { recipient }),
        DecisionAction::Complete { id } => (id, Act::Complete),
        DecisionAction::Withdraw { id, reason } => (id, Act::Withdraw { reason }),
    };
    let actor = need_actor()?;
    let id = EntityId::parse(&id)?;
    let d = store.act(actor, id, act, at_ms, &mut ids).await?;
    store.checkpoint().await?;
    crate::print_json(out, &d)
}

/// `yitu verify`: every chain and signature; exits non-zero naming the first broken link.
pub async fn verify(store: &Store, out: &mut impl Write) -> Result<()> {
    let report = store.verify().await?;
    crate::print_json(out, &report)?;
    if let Some(b) = &report.first_broken {
        bail!("verification failed at {b}");
    }
    Ok(())
}

/// A decision's content from a JSON file.
fn read_content(file: &std::path::Path) -> Result<Content> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a decision's content", file.display()))
}
