//! Decisions in the store. A decision travels: its draft is a synced record
//! (`Collection::Decisions`, one field per part of its content), each act on it is a synced
//! transition (`yitu_domain::command::transition`), and its row, sheet history,
//! acknowledgements, shelter places and ledger reservations are what the domain's fold of its
//! acts makes (`yitu_domain::command::fold`), rebuilt here whenever a field or an act arrives,
//! from this desk or from another. An act taken here is planned by the domain, signed where it
//! signs, and refused whole (nothing written) when the workflow, a depot or a shelter cannot
//! take it. From issue on, the stored document is the exact bytes that were signed.

use crate::table::{
    chain_event, change_log, decision as decision_table, decision_ack, decision_act,
    decision_history, device, incident, ledger_entry, record_op, resource, shelter_reservation,
    stock_line, Conn,
};
use crate::user::Actor;
use crate::write::Write;
use crate::{Error, Store};
use ed25519_dalek::SigningKey;
use std::collections::{BTreeMap, BTreeSet};
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::command::act::{self, By, Receipt};
use yitu_domain::command::chain::{self, Broken, Event, Unsealed, GENESIS};
use yitu_domain::command::decision::{Content, Decision, Review, Signoff};
use yitu_domain::command::desk;
use yitu_domain::command::draft;
use yitu_domain::command::fold::{self, Folded, Outcome};
use yitu_domain::command::inbox;
use yitu_domain::command::transition::Transition;
use yitu_domain::command::workflow::{self, Action, DecisionState, Refusal};
use yitu_domain::registries::resource::Resource;
use yitu_domain::stock::LedgerEntry;
use yitu_domain::sync::{merge, Collection, Op};
use yitu_domain::EntityId;

pub use yitu_domain::command::act::Act;
pub use yitu_ipc::decision::{Ack, DecisionView, HistoryRow, InboxItem, VerifyReport};

fn refuse(zh: String, en: String) -> Error {
    Error::Denied(Refusal { zh, en })
}

impl Store {
    /// Stores a new draft, as a record every desk receives. Names of depots, materials and
    /// shelters left empty are filled in from the registries, so the printed sheet says what the
    /// ids mean. A draft has no number: it is numbered when it is signed (签发).
    pub async fn draft_decision(
        &self,
        actor: &Actor,
        incident_id: EntityId,
        mut content: Content,
        id: EntityId,
        at_ms: i64,
    ) -> Result<Decision, Error> {
        if !workflow::may(actor.role, Action::Edit) {
            return Err(refuse(
                format!("{}无权起草决策", actor.role.zh()),
                format!(
                    "a {} may not draft decisions",
                    actor.role.en().to_lowercase()
                ),
            ));
        }
        self.incident(incident_id).await?;
        self.checked(incident_id, &mut content).await?;
        // The drafting desk travels with the draft, so every desk's sheet can say where it
        // was written (the device key is made here if this desk never signed).
        let desk = self.desk_code()?;
        let drafted = Signoff {
            by: actor.name.clone(),
            at_ms,
            desk,
        };
        let decision = Decision::draft(id, incident_id, content, drafted);
        let mut w = self.write(&actor.name, at_ms).await?;
        let fields = draft::fields(&decision)?;
        w.change(&Op::record(
            Collection::Decisions,
            id,
            fields,
            &Default::default(),
        ))
        .await?;
        let folded = rebuild(w.conn(), id, None).await?;
        w.commit().await?;
        Ok(folded.map(|f| f.decision).unwrap_or(decision))
    }

    /// Checks a draft's content against the registries and fills in the names of depots,
    /// materials and shelters left empty, so the printed sheet says what the ids mean.
    async fn checked(&self, incident_id: EntityId, content: &mut Content) -> Result<(), Error> {
        content.check()?;
        for m in content.materials.iter_mut() {
            let depot = self.resource(m.depot_id).await?;
            let Resource::Depot(_) = &depot else {
                return Err(Error::NotFound {
                    what: "depot",
                    id: m.depot_id.to_string(),
                });
            };
            if m.depot_name.is_empty() {
                m.depot_name = depot.name().to_owned();
            }
            let mut conn = self.pool.acquire().await?;
            let line = stock_line::get(&mut conn, m.depot_id, m.code.as_str()).await?;
            let Some(stock_line::Line { name, unit, .. }) = line else {
                return Err(refuse(
                    format!("{}没有物资 {}", m.depot_name, m.code),
                    format!("depot {} holds no {}", m.depot_id, m.code),
                ));
            };
            if m.name.is_empty() {
                m.name = name;
            }
            if m.unit.is_empty() {
                m.unit = unit;
            }
        }
        for r in content.relocations.iter_mut() {
            let Resource::Shelter(s) = self.resource(r.shelter_id).await? else {
                return Err(Error::NotFound {
                    what: "shelter",
                    id: r.shelter_id.to_string(),
                });
            };
            if r.shelter_name.is_empty() {
                r.shelter_name = s.name;
            }
        }
        if let Some(old) = content.supersedes {
            let old = self.decision(old).await?;
            if old.incident_id != incident_id || old.state != DecisionState::Issued {
                return Err(refuse(
                    format!(
                        "只能替代本事件已下达的决策（{} 为{}）",
                        old.number,
                        old.state.zh()
                    ),
                    format!(
                        "only an issued decision of the same incident can be superseded ({} is {})",
                        old.number, old.state
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Edits a draft (before review agrees to it), as `actor`: only the parts that changed are
    /// written, each based on the value it replaces, so two desks editing different parts at
    /// once both keep their edit and two editing the same part make a conflict every desk lists.
    pub async fn edit_draft(
        &self,
        actor: &Actor,
        id: EntityId,
        mut content: Content,
        at_ms: i64,
    ) -> Result<Decision, Error> {
        let before = self.decision(id).await?;
        workflow::transition(before.state, Action::Edit, actor.role)?;
        self.checked(before.incident_id, &mut content).await?;
        let mut w = self.write(&actor.name, at_ms).await?;
        let d = decision_table::get(w.conn(), id).await?;
        workflow::transition(d.state, Action::Edit, actor.role)?;
        let changed = draft::changed(&d.content, &content)?;
        if changed.is_empty() {
            return Ok(d);
        }
        let bases = record_op::bases(w.conn(), id).await?;
        w.change(&Op::record(Collection::Decisions, id, changed, &bases))
            .await?;
        let folded = rebuild(w.conn(), id, None).await?;
        w.commit().await?;
        Ok(folded.map(|f| f.decision).unwrap_or(d))
    }

    /// A decision as stored (its state from the state column).
    pub async fn decision(&self, id: EntityId) -> Result<Decision, Error> {
        let mut conn = self.pool.acquire().await?;
        decision_table::get(&mut conn, id).await
    }

    /// An incident's decisions, oldest first.
    pub async fn decisions_of(&self, incident_id: EntityId) -> Result<Vec<Decision>, Error> {
        let mut conn = self.pool.acquire().await?;
        let ids = decision_table::ids_of_incident(&mut conn, incident_id).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.decision(EntityId::parse(&id)?).await?);
        }
        Ok(out)
    }

    /// A decision with its acknowledgements, history, chain events and the acts two desks took
    /// at once.
    pub async fn decision_view(&self, id: EntityId) -> Result<DecisionView, Error> {
        let mut decision = self.decision(id).await?;
        let mut conn = self.pool.acquire().await?;
        let acknowledgements = decision_ack::of_decision(&mut conn, id).await?;
        let awaiting = if decision.state == DecisionState::Issued {
            decision
                .recipients()
                .into_iter()
                .filter(|r| !acknowledgements.iter().any(|a| &a.recipient == r))
                .collect()
        } else {
            vec![]
        };
        let history = decision_history::of_decision(&mut conn, id).await?;
        // A review taken after a 紧急处置 signature is on the sheet, not in the signed bytes
        // (frozen at issue): shown with the others.
        for h in &history {
            let agree = match Action::from_code(&h.action) {
                Ok(Action::ReviewAgree) => true,
                Ok(Action::ReviewObject) => false,
                _ => continue,
            };
            if h.from_state == DecisionState::Issued.code() && h.outcome == Outcome::Applied.code()
            {
                decision.reviews.push(Review {
                    by: h.actor.clone(),
                    at_ms: h.at_ms,
                    agree,
                    advice: h.note.clone(),
                });
            }
        }
        let concurrent = decision_table::concurrent(&mut conn, id).await?;
        let events = self
            .chain(decision.incident_id)
            .await?
            .into_iter()
            .filter(|e| e.decision_id == id)
            .collect();
        Ok(DecisionView {
            decision,
            acknowledgements,
            awaiting,
            history,
            events,
            concurrent,
        })
    }

    /// 待办: the decisions of live incidents waiting for `actor`'s step, oldest first.
    pub async fn inbox(&self, actor: &Actor) -> Result<Vec<InboxItem>, Error> {
        let mut out = Vec::new();
        for i in self.incidents().await? {
            for d in self.decisions_of(i.id).await? {
                let v = self.decision_view(d.id).await?;
                let Some(waiting) = inbox::waiting(actor.role, &v.decision, v.awaiting.len())
                else {
                    continue;
                };
                let signed_on = v
                    .history
                    .iter()
                    .find(|h| {
                        Action::from_code(&h.action).is_ok_and(Action::issues)
                            && h.outcome == "applied"
                    })
                    .map(|h| h.desk.clone())
                    .unwrap_or_default();
                out.push(InboxItem {
                    decision: d.id,
                    incident: i.id,
                    incident_title: i.title.clone(),
                    number: d.number.clone(),
                    situation: d.content.situation.clone(),
                    waiting,
                    awaiting: v.awaiting,
                    drafted_by: d.drafted.by.clone(),
                    signed_on,
                });
            }
        }
        Ok(out)
    }

    /// Teams named in an order in force whose 撤离 is not recorded: 已出动, whatever their
    /// registry record says, so dispatch no longer offers them as 待命.
    pub async fn deployed_teams(&self) -> Result<BTreeSet<EntityId>, Error> {
        let mut conn = self.pool.acquire().await?;
        let left = decision_ack::left_in_force(&mut conn).await?;
        let mut out = BTreeSet::new();
        for d in decision_table::in_force(&mut conn).await? {
            let id = d.id.to_string();
            for o in &d.content.orders {
                match o.recipient.id {
                    Some(team) if !left.contains(&(id.clone(), o.recipient.name.clone())) => {
                        out.insert(team);
                    }
                    _ => {}
                }
            }
        }
        Ok(out)
    }

    /// This desk's short code (in every order number it signs): from its key, made on first use.
    pub fn desk_code(&self) -> Result<String, Error> {
        let key = self.device_key()?;
        Ok(desk::code_of(&yitu_domain::command::canonical::hex(
            key.verifying_key().as_bytes(),
        )))
    }

    /// Takes an act on a decision as `actor`, or refuses it writing nothing. The domain plans
    /// what the act does; the act travels as a transition, and the decision is rebuilt from the
    /// fold of its acts, refusing the whole act when a depot or a shelter cannot give what the
    /// fold now holds. Issuing a revision supersedes the decision it names in the same write.
    pub async fn act(
        &self,
        actor: &Actor,
        id: EntityId,
        act: Act,
        at_ms: i64,
        new_id: &mut (dyn FnMut() -> EntityId + Send + Sync),
    ) -> Result<Decision, Error> {
        if matches!(act, Act::Supersede { .. }) {
            return Err(refuse(
                "替代由签发新决策完成，不能单独操作".into(),
                "a decision is superseded by issuing its revision, not on its own".into(),
            ));
        }
        // Planned once before the key is touched, so a refused user never creates a key file;
        // planned again inside the write, where what it reads cannot change.
        {
            let mut conn = self.pool.acquire().await?;
            planned(&mut conn, actor, id, &act, at_ms, "").await?;
        }
        let key = self.device_key()?;
        let code = desk::code_of(&yitu_domain::command::canonical::hex(
            key.verifying_key().as_bytes(),
        ));
        let mut w = self.write(&actor.name, at_ms).await?;
        let d = decision_table::get(w.conn(), id).await?;
        if record_op::field_ops(w.conn(), id).await?.is_empty() {
            return Err(refuse(
                "该决策起草于本版本之前，仅可在本机查阅".into(),
                "this decision was drafted before decisions travelled: it can only be read".into(),
            ));
        }
        let plan = planned(w.conn(), actor, id, &act, at_ms, &code).await?;
        if let (true, Some(old)) = (act.action().issues(), d.content.supersedes) {
            // The one it replaces first: a revision may count on what the old one held.
            let by = Act::Supersede {
                by: id,
                number: plan.decision.number.clone(),
            };
            take(&mut w, &key, &code, actor, old, by, new_id).await?;
        }
        let decision = take(&mut w, &key, &code, actor, id, act, new_id).await?;
        w.commit().await?;
        Ok(decision)
    }

    /// An incident's chain, in place order (two events at one place: a branch).
    pub async fn chain(&self, incident_id: EntityId) -> Result<Vec<Event>, Error> {
        let mut conn = self.pool.acquire().await?;
        chain_event::of_incident(&mut conn, incident_id).await
    }

    /// Checks every event (its hash, its signature, its link to an event held here), every
    /// signed decision against what was signed, and every decision's state against the fold of
    /// its acts. Two events linked to one predecessor are a branch (two desks signed at once),
    /// counted, not broken.
    pub async fn verify(&self) -> Result<VerifyReport, Error> {
        let mut conn = self.pool.acquire().await?;
        let rows = chain_event::all_rows(&mut conn).await?;
        let devices = device::public_keys(&mut conn).await?;
        let mut broken = Vec::new();
        let mut by_incident: BTreeMap<EntityId, Vec<Event>> = BTreeMap::new();
        let events = rows.len();
        for row in rows {
            let (incident, seq, decision) =
                (row.incident_id.clone(), row.seq, row.decision_id.clone());
            match row.event() {
                Ok(e) => by_incident.entry(e.incident_id).or_default().push(e),
                Err(err) => broken.push(Broken {
                    // An unreadable id or kind is itself a changed byte.
                    incident_id: EntityId::parse(&incident).unwrap_or(EntityId::v7(0, [0; 10])),
                    seq,
                    decision_id: EntityId::parse(&decision).unwrap_or(EntityId::v7(0, [0; 10])),
                    reason: format!("the event cannot be read: {err}"),
                }),
            }
        }
        let incidents = by_incident.len();
        let mut branches = 0;
        for chain in by_incident.values() {
            let (b, found) = chain::verify_branching(chain);
            branches += b;
            broken.extend(found);
            for e in chain {
                if !devices.contains(&e.device) {
                    broken.push(Broken {
                        incident_id: e.incident_id,
                        seq: e.seq,
                        decision_id: e.decision_id,
                        reason: "it is signed by a device this store does not know".into(),
                    });
                }
            }
        }
        let held: BTreeMap<&str, &Event> = by_incident
            .values()
            .flatten()
            .map(|e| (e.hash.as_str(), e))
            .collect();
        let decisions = decision_table::all_rows(&mut conn).await?;
        let mut decisions_checked = 0;
        for (id, incident, state, body) in decisions {
            let (Ok(id), Ok(incident)) = (EntityId::parse(&id), EntityId::parse(&incident)) else {
                continue;
            };
            let link = |seq: i64, reason: String| Broken {
                incident_id: incident,
                seq,
                decision_id: id,
                reason,
            };
            let acts = decision_act::of_decision(&mut conn, id).await?;
            // Every signed act's event is held as it was signed.
            for a in &acts {
                if let Some(e) = &a.t.event {
                    match held.get(e.hash.as_str()) {
                        Some(h) if *h == e => {}
                        Some(h) => broken.push(link(
                            h.seq,
                            "the chain's copy of the event differs from the act that carried it"
                                .into(),
                        )),
                        None => broken.push(link(
                            e.seq,
                            "an act's signed event is missing from the chain".into(),
                        )),
                    }
                }
            }
            let Some(f) = folded(&mut conn, id, &acts).await? else {
                continue;
            };
            if !f.decision.state.is_signed() && f.signed.is_none() {
                continue;
            }
            decisions_checked += 1;
            let stored = DecisionState::from_code(&state).ok();
            if stored != Some(f.decision.state) {
                broken.push(link(
                    0,
                    format!(
                        "the decision is marked {state} but its acts make it {}",
                        f.decision.state.code()
                    ),
                ));
            }
            if let Some(signed) = &f.signed {
                if *signed != body {
                    let seq = acts
                        .iter()
                        .filter_map(|a| a.t.event.as_ref())
                        .find(|e| &e.payload == signed)
                        .map(|e| e.seq)
                        .unwrap_or(0);
                    broken.push(link(
                        seq,
                        "the stored decision differs from the one signed at issue".into(),
                    ));
                }
            }
        }
        Ok(VerifyReport {
            ok: broken.is_empty(),
            incidents,
            events,
            decisions_checked,
            branches,
            first_broken: broken.first().cloned(),
            broken,
        })
    }
}

/// The plan of `act` on decision `id` as the fold on this desk has it, numbered (an issue) as
/// desk `code`'s next order in the incident.
async fn planned(
    conn: &mut Conn,
    actor: &Actor,
    id: EntityId,
    act: &Act,
    at_ms: i64,
    code: &str,
) -> Result<act::Plan, Error> {
    let mut d = decision_table::get(conn, id).await?;
    let receipts: Vec<Receipt> = decision_ack::of_decision(conn, id)
        .await?
        .into_iter()
        .map(|a| Receipt {
            arrived: a.arrived_at_ms.is_some(),
            left: a.left_at_ms.is_some(),
            recipient: a.recipient,
        })
        .collect();
    if act.action().issues() {
        // Counted over every issue this desk signed in the incident, void ones too: a number
        // once signed (and perhaps printed) is never given again.
        let n = decision_act::issued_by_desk(conn, d.incident_id, code).await? + 1;
        let year = BeijingTime::from_unix_ms(at_ms).year;
        d.number = desk::order_number(year, if code.is_empty() { "?" } else { code }, n);
    }
    let by = By {
        name: &actor.name,
        role: actor.role,
        at_ms,
    };
    Ok(act::plan(&d, act, by, &receipts)?)
}

/// Takes one act on one decision inside the write: planned, signed where it signs, recorded as
/// a transition (outbox and `decision_act`), and the decision rebuilt from its fold, checked
/// against the stock and the shelters. Returns the decision after it.
async fn take(
    w: &mut Write<'_>,
    key: &SigningKey,
    code: &str,
    actor: &Actor,
    id: EntityId,
    act: Act,
    new_id: &mut (dyn FnMut() -> EntityId + Send + Sync),
) -> Result<Decision, Error> {
    let at_ms = w.at_ms();
    let plan = planned(w.conn(), actor, id, &act, at_ms, code).await?;
    let d = &plan.decision;
    let event = match plan.events.first() {
        Some(e) => Some(append(w, key, d, e.kind, e.payload.clone()).await?),
        None => None,
    };
    let held: Vec<Transition> = decision_act::of_decision(w.conn(), id)
        .await?
        .into_iter()
        .map(|s| s.t)
        .collect();
    let t = Transition {
        id: new_id(),
        decision: id,
        incident: d.incident_id,
        act,
        by: actor.name.clone(),
        role: actor.role,
        desk: code.to_owned(),
        at_ms: w.at_ms(),
        after: fold::heads(&held),
        event,
    };
    w.change(&Op::Act {
        transition: Box::new(t.clone()),
    })
    .await?;
    let f = rebuild(w.conn(), id, Some(&t))
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "decision draft",
            id: id.to_string(),
        })?;
    // What the act moved in a depot goes in the depot's history, as a person's movement does.
    for m in f.moves.iter().filter(|m| m.cause == t.id) {
        let s = &m.what;
        let diff = serde_json::json!({
            "code": s.code.as_str(),
            "movement": {"kind": s.kind.code(), "quantity": s.quantity, "note": s.note},
        });
        let source = w.source().to_owned();
        w.log(&[change_log::Entry {
            action: "stock",
            layer: yitu_domain::Layer::Depots.code(),
            record_id: s.depot_id.to_string(),
            diff,
            source,
        }])
        .await?;
    }
    let line = f.lines.iter().find(|l| l.transition == t.id);
    if let Some(l) = line.filter(|l| l.outcome == Outcome::Void) {
        // The fold here refuses what the plan allowed: never expected, never written.
        return Err(Error::Denied(l.reason.clone().unwrap_or(Refusal {
            zh: "该操作未生效".into(),
            en: "the act does not apply".into(),
        })));
    }
    Ok(f.decision)
}

/// The fold of a decision's acts over its draft's fields, if its draft is here.
async fn folded(
    conn: &mut Conn,
    id: EntityId,
    acts: &[fold::Stamped],
) -> Result<Option<Folded>, Error> {
    let ops = record_op::field_ops(conn, id).await?;
    if ops.is_empty() {
        return Ok(None);
    }
    let m = merge::record(&ops);
    match draft::from_fields(id, &m.winners) {
        Ok(d) => Ok(Some(fold::fold(&d, acts))),
        Err(e) => {
            tracing::warn!(decision = %id, error = %e, "decision draft incomplete; waiting for more");
            Ok(None)
        }
    }
}

/// Builds every decision whose writes are here but whose row is not (it waited for its
/// incident); those whose incident is still missing wait on.
pub(crate) async fn rebuild_waiting(conn: &mut Conn) -> Result<(), Error> {
    let waiting: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT record_id FROM record_op WHERE collection = 'decisions' \
         AND record_id NOT IN (SELECT id FROM decision)",
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in waiting {
        rebuild(
            conn,
            EntityId::parse(&id).map_err(|e| Error::Sync(e.to_string()))?,
            None,
        )
        .await?;
    }
    Ok(())
}

/// Rebuilds a decision from its draft's fields and the fold of its acts: its row, sheet
/// history, acknowledgements, shelter places and ledger entries. `None` while its draft or its
/// incident is not here yet (its acts are kept and folded when they come). With `local` (an
/// act taken here), refuses when the fold now promises more of a depot's stock or a shelter's
/// places than it has; what arrives from elsewhere is kept as the truth even when it does.
pub(crate) async fn rebuild(
    conn: &mut Conn,
    id: EntityId,
    local: Option<&Transition>,
) -> Result<Option<Folded>, Error> {
    let acts = decision_act::of_decision(conn, id).await?;
    let Some(f) = folded(conn, id, &acts).await? else {
        return Ok(None);
    };
    let d = &f.decision;
    if !incident::exists(conn, d.incident_id).await? {
        tracing::warn!(decision = %id, "decision of an incident not here yet; waiting");
        return Ok(None);
    }
    let body = match &f.signed {
        Some(signed) => signed.clone(),
        None => decision_table::text(d)?,
    };
    let concurrent =
        serde_json::to_string(&f.concurrent).map_err(|e| Error::Sync(e.to_string()))?;
    decision_table::upsert(conn, d, &body, &concurrent).await?;
    // Each write of the draft after the first is an edit on the sheet.
    let mut writes: Vec<(yitu_domain::sync::Stamp, String)> = record_op::field_ops(conn, id)
        .await?
        .into_values()
        .flatten()
        .map(|o| (o.stamp, o.author))
        .collect();
    writes.sort();
    writes.dedup();
    let edits: Vec<(i64, String)> = writes
        .into_iter()
        .skip(1)
        .map(|(stamp, author)| (stamp.ms as i64, author))
        .collect();
    decision_history::replace(conn, id, &history(d, &f, &edits)).await?;
    decision_ack::replace(conn, id, &f.acknowledged).await?;

    // Shelter places: what the fold promises, checked for a local act against what is free.
    shelter_reservation::clear(conn, id).await?;
    for p in &f.places {
        if local.is_some_and(|t| t.id == p.cause) && p.what.people > 0 {
            let Some(Resource::Shelter(shelter)) = resource::live(conn, p.what.shelter_id).await?
            else {
                return Err(Error::NotFound {
                    what: "shelter",
                    id: p.what.shelter_id.to_string(),
                });
            };
            let promised = shelter_reservation::promised(conn, p.what.shelter_id).await?;
            let free = i64::from(shelter.free_capacity()) - promised;
            if p.what.people > free {
                return Err(refuse(
                    format!(
                        "{}尚可安置 {} 人，不能安置 {} 人",
                        shelter.name,
                        free.max(0),
                        p.what.people
                    ),
                    format!(
                        "shelter {} has {} free places, not {}",
                        shelter.name,
                        free.max(0),
                        p.what.people
                    ),
                ));
            }
        }
        shelter_reservation::insert(conn, p.id, p.what.shelter_id, id, p.what.people, p.at_ms)
            .await?;
    }

    // Ledger entries: the fold's, each checked (a local act's) against the balance it meets.
    let mut entries = Vec::with_capacity(f.moves.len());
    for m in &f.moves {
        let s = &m.what;
        let depot = s.depot_id.to_string();
        if stock_line::get(conn, s.depot_id, s.code.as_str())
            .await?
            .is_none()
        {
            if local.is_some() {
                return Err(refuse(
                    format!("{}没有物资 {}", s.depot_name, s.code),
                    format!("depot {depot} holds no {}", s.code),
                ));
            }
            tracing::warn!(depot = %depot, code = %s.code, "decision draws on a stock line not here; skipped");
            continue;
        }
        entries.push(LedgerEntry {
            id: m.id,
            depot_id: s.depot_id,
            code: s.code.clone(),
            kind: s.kind,
            quantity: s.quantity,
            at_ms: m.at_ms,
            note: s.note.clone(),
        });
    }
    ledger_entry::clear_derived(conn, id).await?;
    for (m, e) in f.moves.iter().zip(&entries) {
        if local.is_some_and(|t| t.id == m.cause) {
            let balance = ledger_entry::balance(conn, e.depot_id, e.code.as_str()).await?;
            if let Err(yitu_domain::Error::Insufficient { limit, .. }) =
                balance.movement(e.kind, e.quantity)
            {
                let s = &m.what;
                return Err(refuse(
                    format!(
                        "{}的{}（{}）可预留仅 {} {}，不能预留 {}",
                        s.depot_name, s.name, s.code, limit, s.unit, s.quantity
                    ),
                    format!(
                        "depot {} can promise only {limit} of {}, not {}",
                        s.depot_id, s.code, s.quantity
                    ),
                ));
            }
        }
        ledger_entry::add_derived(conn, id, e).await?;
    }
    Ok(Some(f))
}

/// The sheet's history: the draft's line, its edits, then each act as the fold placed it, in
/// time order (acts of one time in fold order).
fn history(d: &Decision, f: &Folded, edits: &[(i64, String)]) -> Vec<HistoryRow> {
    let mut rows = vec![HistoryRow {
        at_ms: d.drafted.at_ms,
        actor: d.drafted.by.clone(),
        role: String::new(),
        action: "draft".into(),
        from_state: String::new(),
        to_state: DecisionState::Draft.code().into(),
        note: String::new(),
        transition: String::new(),
        desk: d.drafted.desk.clone(),
        outcome: Outcome::Applied.code().into(),
        reason: String::new(),
    }];
    rows.extend(f.lines.iter().map(|l| HistoryRow {
        at_ms: l.at_ms,
        actor: l.by.clone(),
        role: l.role.code().into(),
        action: l.action.code().into(),
        from_state: l.from.code().into(),
        to_state: l.to.code().into(),
        note: l.note.clone(),
        transition: l.transition.to_string(),
        desk: l.desk.clone(),
        outcome: l.outcome.code().into(),
        reason: l.reason.as_ref().map(|r| r.to_string()).unwrap_or_default(),
    }));
    rows.extend(edits.iter().map(|(at_ms, by)| HistoryRow {
        at_ms: *at_ms,
        actor: by.clone(),
        role: String::new(),
        action: Action::Edit.code().into(),
        from_state: DecisionState::Draft.code().into(),
        to_state: DecisionState::Draft.code().into(),
        note: String::new(),
        transition: String::new(),
        desk: String::new(),
        outcome: Outcome::Applied.code().into(),
        reason: String::new(),
    }));
    rows.sort_by_key(|r| r.at_ms);
    rows
}

/// Appends the next event of the decision's incident, signed by this device (after the
/// incident's latest event held here; another desk signing at once makes a branch).
async fn append(
    w: &mut Write<'_>,
    key: &SigningKey,
    d: &Decision,
    kind: chain::EventKind,
    payload: String,
) -> Result<Event, Error> {
    let (seq, prev) = chain_event::last(w.conn(), d.incident_id)
        .await?
        .map(|(s, h)| (s + 1, h))
        .unwrap_or((1, GENESIS.to_owned()));
    let e = Unsealed {
        incident_id: d.incident_id,
        seq,
        kind,
        decision_id: d.id,
        payload,
        author: w.actor(),
        at_ms: w.at_ms(),
        prev_hash: &prev,
    }
    .seal(key);
    // The signing device is known to this store from its first signed event on (`verify`
    // checks every event against the known keys), in the same write as the event.
    let at_ms = w.at_ms();
    device::insert_if_absent(w.conn(), &e.device, "this device", at_ms).await?;
    chain_event::insert(w.conn(), &e).await?;
    Ok(e)
}
