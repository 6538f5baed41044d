//! Decisions in the store. Every transition is decided by `yitu_domain::command::workflow::transition`
//! and carried out in one transaction with all it causes: stock reserved in the ledger and
//! shelter places promised when a decision is issued (and given back when it is withdrawn or
//! superseded), the signed chain event, the history row. A refusal rolls everything back.
//! From issue on, the stored document is frozen as the exact bytes that were signed.

use crate::movement::{move_in, Movement};
use crate::table::{
    chain_event, decision as decision_table, decision_ack, decision_history, device, resource,
    shelter_reservation, stock_line,
};
use crate::user::Actor;
use crate::write::Write;
use crate::{Error, Store};
use ed25519_dalek::SigningKey;
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::command::act::{self, By, Plan};
use yitu_domain::command::chain::{self, Broken, Event, EventKind, Unsealed, GENESIS};
use yitu_domain::command::decision::{Content, Decision, Signoff};
use yitu_domain::command::workflow::{self, Action, DecisionState, Refusal};
use yitu_domain::registries::resource::Resource;
use yitu_domain::EntityId;

pub use yitu_domain::command::act::Act;
pub use yitu_ipc::decision::{Ack, DecisionView, HistoryRow, VerifyReport};

fn refuse(zh: String, en: String) -> Error {
    Error::Denied(Refusal { zh, en })
}

impl Store {
    /// Stores a new draft. Names of depots, materials and shelters left empty are filled in from
    /// the registries, so the printed sheet says what the ids mean.
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
        let year = BeijingTime::from_unix_ms(at_ms).year;
        let prefix = Decision::number_for(year, 0);
        let prefix = prefix.trim_end_matches("0号");
        let mut w = self.write(&actor.name, at_ms).await?;
        let taken = decision_table::count_numbered(w.conn(), prefix).await?;
        let decision = Decision {
            id,
            incident_id,
            number: Decision::number_for(year, taken as u32 + 1),
            state: DecisionState::Draft,
            content,
            drafted: Signoff {
                by: actor.name.clone(),
                at_ms,
            },
            reviews: vec![],
            approved: None,
            issued: None,
        };
        decision_table::insert(w.conn(), &decision).await?;
        history(&mut w, id, actor, "draft", "", DecisionState::Draft, "").await?;
        w.commit().await?;
        Ok(decision)
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

    /// Replaces a draft's content (before review agrees to it), as the `--as` user.
    pub async fn edit_draft(
        &self,
        actor: &Actor,
        id: EntityId,
        mut content: Content,
        at_ms: i64,
    ) -> Result<Decision, Error> {
        let before = self.decision(id).await?;
        let next = workflow::transition(before.state, Action::Edit, actor.role)?;
        self.checked(before.incident_id, &mut content).await?;
        let mut w = self.write(&actor.name, at_ms).await?;
        let mut d = decision_table::get(w.conn(), id).await?;
        workflow::transition(d.state, Action::Edit, actor.role)?;
        d.content = content;
        let from = d.state;
        d.state = next;
        decision_table::set_body(w.conn(), id, &decision_table::text(&d)?).await?;
        decision_table::set_state(w.conn(), id, next).await?;
        history(
            &mut w,
            id,
            actor,
            Action::Edit.code(),
            from.code(),
            next,
            "",
        )
        .await?;
        w.commit().await?;
        Ok(d)
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

    /// A decision with its acknowledgements, history and chain events.
    pub async fn decision_view(&self, id: EntityId) -> Result<DecisionView, Error> {
        let decision = self.decision(id).await?;
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
        })
    }

    /// Takes an action on a decision as `actor`, or refuses it writing nothing. The domain
    /// plans what the act does (`yitu_domain::command::act::plan`); the store carries it out in
    /// one write, refusing the whole act when a depot cannot promise what it draws.
    pub async fn act(
        &self,
        actor: &Actor,
        id: EntityId,
        act: Act,
        at_ms: i64,
        new_id: &mut (dyn FnMut() -> EntityId + Send + Sync),
    ) -> Result<Decision, Error> {
        // Planned once before the key is touched, so a refused user never creates a key file;
        // planned again inside the write, where the state read cannot change.
        let ahead = {
            let mut conn = self.pool.acquire().await?;
            planned(&mut conn, actor, id, &act, at_ms).await?
        };
        let key = if ahead.signs() {
            Some(self.device_key()?)
        } else {
            None
        };
        let mut w = self.write(&actor.name, at_ms).await?;
        let plan = planned(w.conn(), actor, id, &act, at_ms).await?;
        if let Some(old) = &plan.superseded {
            carry_out(&mut w, key.as_ref(), actor, old, new_id).await?;
        }
        carry_out(&mut w, key.as_ref(), actor, &plan, new_id).await?;
        w.commit().await?;
        Ok(plan.decision)
    }

    /// An incident's chain, in order.
    pub async fn chain(&self, incident_id: EntityId) -> Result<Vec<Event>, Error> {
        let mut conn = self.pool.acquire().await?;
        chain_event::of_incident(&mut conn, incident_id).await
    }

    /// Checks every chain and signature, and every signed decision against what was signed.
    pub async fn verify(&self) -> Result<VerifyReport, Error> {
        let mut conn = self.pool.acquire().await?;
        let rows = chain_event::all_rows(&mut conn).await?;
        let devices = device::public_keys(&mut conn).await?;
        let mut broken = Vec::new();
        let mut chains: Vec<Vec<Event>> = Vec::new();
        let events = rows.len();
        for row in rows {
            let (incident, seq, decision) =
                (row.incident_id.clone(), row.seq, row.decision_id.clone());
            let e = match row.event() {
                Ok(e) => e,
                Err(err) => {
                    // An unreadable id or kind is itself a changed byte.
                    broken.push(Broken {
                        incident_id: EntityId::parse(&incident).unwrap_or(EntityId::v7(0, [0; 10])),
                        seq,
                        decision_id: EntityId::parse(&decision).unwrap_or(EntityId::v7(0, [0; 10])),
                        reason: format!("the event cannot be read: {err}"),
                    });
                    continue;
                }
            };
            match chains.last_mut() {
                Some(c) if c[0].incident_id == e.incident_id => c.push(e),
                _ => chains.push(vec![e]),
            }
        }
        let incidents = chains.len();
        for c in &chains {
            if let Err(b) = chain::verify(c) {
                broken.push(b);
            }
            for e in c {
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
        // Each signed decision: its stored bytes are the issue event's payload, and its state is
        // the one its events lead to.
        let decisions = decision_table::all_rows(&mut conn).await?;
        let mut decisions_checked = 0;
        for (id, incident, state, body) in decisions {
            let (Ok(id), Ok(incident)) = (EntityId::parse(&id), EntityId::parse(&incident)) else {
                continue;
            };
            let mine: Vec<&Event> = chains
                .iter()
                .flatten()
                .filter(|e| e.decision_id == id)
                .collect();
            let issue = mine.iter().find(|e| e.kind == EventKind::Issue);
            let expected = mine.iter().fold(None, |s, e| match e.kind {
                EventKind::Issue => Some(DecisionState::Issued),
                EventKind::Acknowledge => s,
                EventKind::Complete => Some(DecisionState::Completed),
                EventKind::Withdraw => Some(DecisionState::Withdrawn),
                EventKind::Supersede => Some(DecisionState::Superseded),
            });
            let stored = DecisionState::from_code(&state).ok();
            let signed_state = stored.map(DecisionState::is_signed).unwrap_or(true);
            if issue.is_none() && !signed_state {
                continue;
            }
            decisions_checked += 1;
            let link = |seq: i64, reason: String| Broken {
                incident_id: incident,
                seq,
                decision_id: id,
                reason,
            };
            match issue {
                None => broken.push(link(
                    0,
                    format!("the decision is marked {state} but no issue event was signed for it"),
                )),
                Some(e) => {
                    if e.payload != body {
                        broken.push(link(
                            e.seq,
                            "the stored decision differs from the one signed at issue".into(),
                        ));
                    }
                    if stored != expected {
                        broken.push(link(
                            e.seq,
                            format!(
                                "the decision is marked {state} but its signed events make it {}",
                                expected.map(|s| s.code()).unwrap_or("unissued")
                            ),
                        ));
                    }
                }
            }
        }
        Ok(VerifyReport {
            ok: broken.is_empty(),
            incidents,
            events,
            decisions_checked,
            first_broken: broken.first().cloned(),
            broken,
        })
    }
}

/// The plan of `act` on decision `id`, read on `conn`.
async fn planned(
    conn: &mut crate::table::Conn,
    actor: &Actor,
    id: EntityId,
    act: &Act,
    at_ms: i64,
) -> Result<Plan, Error> {
    let d = decision_table::get(conn, id).await?;
    let acknowledged: Vec<String> = decision_ack::of_decision(conn, id)
        .await?
        .into_iter()
        .map(|a| a.recipient)
        .collect();
    let old = match (act, d.content.supersedes) {
        (Act::Issue, Some(old)) => Some(decision_table::get(conn, old).await?),
        _ => None,
    };
    let by = By {
        name: &actor.name,
        role: actor.role,
        at_ms,
    };
    Ok(act::plan(&d, act, by, &acknowledged, old.as_ref())?)
}

/// Carries out one decision's plan inside the write: its stock moves (each checked against the
/// balance), its shelter places (checked against what is free), its acknowledgement, body and
/// state, the signed events and the history row.
async fn carry_out(
    w: &mut Write<'_>,
    key: Option<&SigningKey>,
    actor: &Actor,
    plan: &Plan,
    new_id: &mut (dyn FnMut() -> EntityId + Send + Sync),
) -> Result<(), Error> {
    let d = &plan.decision;
    for m in &plan.moves {
        let movement = Movement {
            depot: m.depot_id,
            code: &m.code,
            kind: m.kind,
            quantity: m.quantity,
            note: &m.note,
        };
        match move_in(w, &movement, None, new_id).await {
            Ok(_) => {}
            Err(Error::Invalid(yitu_domain::Error::Insufficient { limit, .. })) => {
                return Err(refuse(
                    format!(
                        "{}的{}（{}）可预留仅 {} {}，不能预留 {}",
                        m.depot_name, m.name, m.code, limit, m.unit, m.quantity
                    ),
                    format!(
                        "depot {} can promise only {limit} of {}, not {}",
                        m.depot_id, m.code, m.quantity
                    ),
                ))
            }
            Err(e) => return Err(e),
        }
    }
    for p in &plan.places {
        if p.people > 0 {
            let Some(Resource::Shelter(shelter)) = resource::live(w.conn(), p.shelter_id).await?
            else {
                return Err(Error::NotFound {
                    what: "shelter",
                    id: p.shelter_id.to_string(),
                });
            };
            let promised = shelter_reservation::promised(w.conn(), p.shelter_id).await?;
            let free = i64::from(shelter.free_capacity()) - promised;
            if p.people > free {
                return Err(refuse(
                    format!(
                        "{}尚可安置 {} 人，不能安置 {} 人",
                        shelter.name,
                        free.max(0),
                        p.people
                    ),
                    format!(
                        "shelter {} has {} free places, not {}",
                        shelter.name,
                        free.max(0),
                        p.people
                    ),
                ));
            }
        }
        let at_ms = w.at_ms();
        shelter_reservation::insert(w.conn(), new_id(), p.shelter_id, d.id, p.people, at_ms)
            .await?;
    }
    if let Some(recipient) = &plan.acknowledged {
        let ack = Ack {
            recipient: recipient.clone(),
            at_ms: w.at_ms(),
            recorded_by: actor.name.clone(),
        };
        decision_ack::insert(w.conn(), d.id, &ack).await?;
    }
    if let Some(body) = &plan.body {
        decision_table::set_body(w.conn(), d.id, body).await?;
    }
    for e in &plan.events {
        append(w, key, d, e.kind, e.payload.clone()).await?;
    }
    decision_table::set_state(w.conn(), d.id, plan.step.to).await?;
    let step = &plan.step;
    history(
        w,
        d.id,
        actor,
        step.action.code(),
        step.from.code(),
        step.to,
        &step.note,
    )
    .await
}

async fn history(
    w: &mut Write<'_>,
    id: EntityId,
    actor: &Actor,
    action: &str,
    from: &str,
    to: DecisionState,
    note: &str,
) -> Result<(), Error> {
    let row = HistoryRow {
        at_ms: w.at_ms(),
        actor: actor.name.clone(),
        role: actor.role.code().to_owned(),
        action: action.to_owned(),
        from_state: from.to_owned(),
        to_state: to.code().to_owned(),
        note: note.to_owned(),
    };
    decision_history::append(w.conn(), id, &row).await
}

/// Appends the next event of the decision's incident, signed by this device; the server checks
/// the signature and countersigns, so the event goes out with the write.
async fn append(
    w: &mut Write<'_>,
    key: Option<&SigningKey>,
    d: &Decision,
    kind: EventKind,
    payload: String,
) -> Result<Event, Error> {
    let key = key.ok_or_else(|| refuse("缺少设备密钥".into(), "no device key".into()))?;
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
    w.change(&yitu_domain::sync::Op::Event {
        event: Box::new(e.clone()),
    })
    .await?;
    Ok(e)
}
