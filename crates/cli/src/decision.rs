//! `yitu decision`: draft from a template or a JSON file, review, approve, issue, acknowledge,
//! complete, withdraw, show, print; and `yitu verify`. Each transition is made as the `--as`
//! user and refused, writing nothing, when that user's role may not make it.

use crate::import::{id_source, now_ms};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use yitu_domain::command::decision::Content;
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
        #[arg(long, conflicts_with = "file", required_unless_present = "file")]
        template: bool,
        #[arg(long)]
        file: Option<PathBuf>,
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
    /// The commander approves a reviewed decision.
    Approve { id: String },
    /// The commander issues an approved decision: materials and shelter places are reserved and
    /// the decision is signed into the incident's chain.
    Issue { id: String },
    /// Record a recipient's acknowledgement (签收).
    Ack {
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
            file,
        } => {
            let actor = need_actor()?;
            let incident = store.incident(EntityId::parse(&incident)?).await?;
            let content: Content = match file {
                Some(file) => read_content(&file)?,
                None => template::for_kind(incident.kind).prefill(&incident),
            };
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
