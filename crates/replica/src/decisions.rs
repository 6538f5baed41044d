//! Decisions in the store. Every transition is decided by `yitu_domain::command::workflow::transition`
//! and carried out in one transaction with all it causes: stock reserved in the ledger and
//! shelter places promised when a decision is issued (and given back when it is withdrawn or
//! superseded), the signed chain event, the history row. A refusal rolls everything back.
//! From issue on, the stored document is frozen as the exact bytes that were signed.

use crate::import::{Author, Tx};
use crate::incident::stamp;
use crate::movement::{lock, move_in};
use crate::user::Actor;
use crate::{Error, Store};
use ed25519_dalek::SigningKey;
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::command::chain::{self, Broken, Event, EventKind, Unsealed, GENESIS};
use yitu_domain::command::decision::{Content, Decision, Review, Signoff};
use yitu_domain::command::workflow::{self, Action, DecisionState, Refusal};
use yitu_domain::registries::resource::Resource;
use yitu_domain::stock::MoveKind;
use yitu_domain::{command::canonical, EntityId};

pub use yitu_ipc::decision::{Ack, Act, DecisionView, HistoryRow, VerifyReport};

fn refuse(zh: String, en: String) -> Error {
    Error::Denied(Refusal { zh, en })
}

fn corrupt(id: &str) -> impl FnOnce(serde_json::Error) -> Error + '_ {
    move |source| Error::Corrupt {
        id: id.to_owned(),
        source,
    }
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
        let mut tx = self.pool.begin().await?;
        lock(&mut tx).await?;
        let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM decision WHERE number LIKE ?")
            .bind(format!("{prefix}%"))
            .fetch_one(&mut *tx)
            .await?;
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
        let body = serde_json::to_string(&decision).map_err(corrupt(&id.to_string()))?;
        sqlx::query(
            "INSERT INTO decision (id, incident_id, number, state, body, hlc, origin)
             VALUES (?, ?, ?, 'draft', ?, ?, 'local')",
        )
        .bind(id.to_string())
        .bind(incident_id.to_string())
        .bind(&decision.number)
        .bind(body)
        .bind(stamp(at_ms))
        .execute(&mut *tx)
        .await?;
        history(&mut tx, id, actor, at_ms, "draft", "", "draft", "").await?;
        tx.commit().await?;
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
            let line: Option<(String, String)> =
                sqlx::query_as("SELECT name, unit FROM stock_line WHERE depot_id = ? AND code = ?")
                    .bind(m.depot_id.to_string())
                    .bind(m.code.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
            let Some((name, unit)) = line else {
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
        let mut tx = self.pool.begin().await?;
        lock(&mut tx).await?;
        let mut d = load(&mut tx, id).await?;
        workflow::transition(d.state, Action::Edit, actor.role)?;
        d.content = content;
        sqlx::query("UPDATE decision SET body = ?, state = ?, hlc = ? WHERE id = ?")
            .bind(serde_json::to_string(&d).map_err(corrupt(&id.to_string()))?)
            .bind(next.code())
            .bind(stamp(at_ms))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        history(
            &mut tx,
            id,
            actor,
            at_ms,
            Action::Edit.code(),
            d.state.code(),
            next.code(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// A decision as stored (its state from the state column).
    pub async fn decision(&self, id: EntityId) -> Result<Decision, Error> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, id).await
    }

    /// An incident's decisions, oldest first.
    pub async fn decisions_of(&self, incident_id: EntityId) -> Result<Vec<Decision>, Error> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM decision WHERE incident_id = ? ORDER BY id")
                .bind(incident_id.to_string())
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.decision(EntityId::parse(&id)?).await?);
        }
        Ok(out)
    }

    /// A decision with its acknowledgements, history and chain events.
    pub async fn decision_view(&self, id: EntityId) -> Result<DecisionView, Error> {
        let decision = self.decision(id).await?;
        let acks: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT recipient, at_ms, recorded_by FROM decision_ack WHERE decision_id = ? ORDER BY at_ms, recipient",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let acknowledgements: Vec<Ack> = acks
            .into_iter()
            .map(|(recipient, at_ms, recorded_by)| Ack {
                recipient,
                at_ms,
                recorded_by,
            })
            .collect();
        let awaiting = if decision.state == DecisionState::Issued {
            decision
                .recipients()
                .into_iter()
                .filter(|r| !acknowledgements.iter().any(|a| &a.recipient == r))
                .collect()
        } else {
            vec![]
        };
        let rows: Vec<(i64, String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT at_ms, actor, role, action, from_state, to_state, note FROM decision_history
             WHERE decision_id = ? ORDER BY seq",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let history = rows
            .into_iter()
            .map(
                |(at_ms, actor, role, action, from_state, to_state, note)| HistoryRow {
                    at_ms,
                    actor,
                    role,
                    action,
                    from_state,
                    to_state,
                    note,
                },
            )
            .collect();
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

    /// Takes an action on a decision as `actor`, or refuses it writing nothing.
    pub async fn act(
        &self,
        actor: &Actor,
        id: EntityId,
        act: Act,
        at_ms: i64,
        new_id: &mut (dyn FnMut() -> EntityId + Send + Sync),
    ) -> Result<Decision, Error> {
        // Checked before the key is touched, so a refused user never creates a key file.
        let before = self.decision(id).await?;
        workflow::transition(before.state, act.action(), actor.role)?;
        let key = if act.signs() {
            Some(self.device_key(at_ms).await?)
        } else {
            None
        };
        let mut tx = self.pool.begin().await?;
        lock(&mut tx).await?;
        let mut d = load(&mut tx, id).await?;
        let from = d.state;
        let next = workflow::transition(from, act.action(), actor.role)?;
        let signoff = Signoff {
            by: actor.name.clone(),
            at_ms,
        };
        let source = format!("决策 {}", d.number);
        let mut author = Author {
            actor: &actor.name,
            at_ms,
            source: &source,
            new_id,
        };
        let mut note = String::new();
        match &act {
            Act::Review { agree, advice } => {
                if advice.trim().is_empty() {
                    return Err(refuse(
                        "审核须填写技术意见".into(),
                        "a review must record technical advice".into(),
                    ));
                }
                d.reviews.push(Review {
                    by: actor.name.clone(),
                    at_ms,
                    agree: *agree,
                    advice: advice.trim().to_owned(),
                });
                note = advice.trim().to_owned();
            }
            Act::Approve => d.approved = Some(signoff),
            Act::Issue => {
                d.issued = Some(signoff);
                d.state = next;
                // The superseded decision gives back first: a revision that draws more of the
                // same material may count on what the one it replaces held.
                if let Some(old_id) = d.content.supersedes {
                    supersede(&mut tx, key.as_ref(), old_id, &d, actor, &mut author).await?;
                }
                reserve(&mut tx, &d, &mut author).await?;
                let payload = String::from_utf8(canonical::to_bytes(&d))
                    .map_err(|_| refuse("编码错误".into(), "not UTF-8".into()))?;
                sqlx::query("UPDATE decision SET body = ? WHERE id = ?")
                    .bind(&payload)
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                append(
                    &mut tx,
                    key.as_ref(),
                    &d,
                    EventKind::Issue,
                    payload,
                    &actor.name,
                    at_ms,
                )
                .await?;
            }
            Act::Acknowledge { recipient } => {
                let recipient = recipient.trim();
                let recipients = d.recipients();
                if !recipients.iter().any(|r| r == recipient) {
                    return Err(refuse(
                        format!(
                            "{recipient} 不是本决策的接收单位（接收单位：{}）",
                            recipients.join("、")
                        ),
                        format!("{recipient:?} is not a recipient of this decision"),
                    ));
                }
                let done: Option<i64> = sqlx::query_scalar(
                    "SELECT 1 FROM decision_ack WHERE decision_id = ? AND recipient = ?",
                )
                .bind(id.to_string())
                .bind(recipient)
                .fetch_optional(&mut *tx)
                .await?;
                if done.is_some() {
                    return Err(refuse(
                        format!("{recipient} 已签收"),
                        format!("{recipient:?} has already acknowledged"),
                    ));
                }
                sqlx::query(
                    "INSERT INTO decision_ack (decision_id, recipient, at_ms, recorded_by) VALUES (?, ?, ?, ?)",
                )
                .bind(id.to_string())
                .bind(recipient)
                .bind(at_ms)
                .bind(&actor.name)
                .execute(&mut *tx)
                .await?;
                let payload = canonical::of_value(&serde_json::json!({
                    "number": d.number, "recipient": recipient, "recorded_by": actor.name,
                }));
                append(
                    &mut tx,
                    key.as_ref(),
                    &d,
                    EventKind::Acknowledge,
                    payload,
                    &actor.name,
                    at_ms,
                )
                .await?;
                note = recipient.to_owned();
            }
            Act::Complete => {
                give_back(&mut tx, &d, &mut author, true).await?;
                let payload = canonical::of_value(&serde_json::json!({"number": d.number}));
                append(
                    &mut tx,
                    key.as_ref(),
                    &d,
                    EventKind::Complete,
                    payload,
                    &actor.name,
                    at_ms,
                )
                .await?;
            }
            Act::Withdraw { reason } => {
                if reason.trim().is_empty() {
                    return Err(refuse(
                        "撤销须说明理由".into(),
                        "a withdrawal must give a reason".into(),
                    ));
                }
                note = reason.trim().to_owned();
                if from == DecisionState::Issued {
                    give_back(&mut tx, &d, &mut author, false).await?;
                    let payload = canonical::of_value(
                        &serde_json::json!({"number": d.number, "reason": note}),
                    );
                    append(
                        &mut tx,
                        key.as_ref(),
                        &d,
                        EventKind::Withdraw,
                        payload,
                        &actor.name,
                        at_ms,
                    )
                    .await?;
                }
            }
        }
        d.state = next;
        if !from.is_signed() && next != DecisionState::Issued {
            // Before issue the document still changes (reviews, approval); after, it is frozen.
            sqlx::query("UPDATE decision SET body = ? WHERE id = ?")
                .bind(serde_json::to_string(&d).map_err(corrupt(&id.to_string()))?)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE decision SET state = ?, hlc = ? WHERE id = ?")
            .bind(next.code())
            .bind(stamp(at_ms))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        history(
            &mut tx,
            id,
            actor,
            at_ms,
            act.action().code(),
            from.code(),
            next.code(),
            &note,
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// An incident's chain, in order.
    pub async fn chain(&self, incident_id: EntityId) -> Result<Vec<Event>, Error> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT incident_id, seq, kind, decision_id, payload, author, device, at_ms, prev_hash, hash, signature
             FROM chain_event WHERE incident_id = ? ORDER BY seq",
        )
        .bind(incident_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(EventRow::event).collect()
    }

    /// Checks every chain and signature, and every signed decision against what was signed.
    pub async fn verify(&self) -> Result<VerifyReport, Error> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT incident_id, seq, kind, decision_id, payload, author, device, at_ms, prev_hash, hash, signature
             FROM chain_event ORDER BY incident_id, seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let devices: Vec<String> = sqlx::query_scalar("SELECT public_key FROM device")
            .fetch_all(&self.pool)
            .await?;
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
        let decisions: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT id, incident_id, state, body FROM decision ORDER BY incident_id, id",
        )
        .fetch_all(&self.pool)
        .await?;
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

#[derive(sqlx::FromRow)]
struct EventRow {
    incident_id: String,
    seq: i64,
    kind: String,
    decision_id: String,
    payload: String,
    author: String,
    device: String,
    at_ms: i64,
    prev_hash: String,
    hash: String,
    signature: String,
}

impl EventRow {
    fn event(self) -> Result<Event, Error> {
        Ok(Event {
            incident_id: EntityId::parse(&self.incident_id)?,
            seq: self.seq,
            kind: EventKind::from_code(&self.kind)?,
            decision_id: EntityId::parse(&self.decision_id)?,
            payload: self.payload,
            author: self.author,
            device: self.device,
            at_ms: self.at_ms,
            prev_hash: self.prev_hash,
            hash: self.hash,
            signature: self.signature,
        })
    }
}

async fn load(conn: &mut sqlx::SqliteConnection, id: EntityId) -> Result<Decision, Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT state, body FROM decision WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    let (state, body) = row.ok_or_else(|| Error::NotFound {
        what: "decision",
        id: id.to_string(),
    })?;
    let mut d: Decision = serde_json::from_str(&body).map_err(corrupt(&id.to_string()))?;
    d.state = DecisionState::from_code(&state)?;
    Ok(d)
}

#[allow(clippy::too_many_arguments)]
async fn history(
    tx: &mut Tx<'_>,
    id: EntityId,
    actor: &Actor,
    at_ms: i64,
    action: &str,
    from: &str,
    to: &str,
    note: &str,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO decision_history (decision_id, at_ms, actor, role, action, from_state, to_state, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(at_ms)
    .bind(&actor.name)
    .bind(actor.role.code())
    .bind(action)
    .bind(from)
    .bind(to)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Appends the next event of the decision's incident, signed by this device.
async fn append(
    tx: &mut Tx<'_>,
    key: Option<&SigningKey>,
    d: &Decision,
    kind: EventKind,
    payload: String,
    author: &str,
    at_ms: i64,
) -> Result<Event, Error> {
    let key = key.ok_or_else(|| refuse("缺少设备密钥".into(), "no device key".into()))?;
    let last: Option<(i64, String)> = sqlx::query_as(
        "SELECT seq, hash FROM chain_event WHERE incident_id = ? ORDER BY seq DESC LIMIT 1",
    )
    .bind(d.incident_id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    let (seq, prev) = last
        .map(|(s, h)| (s + 1, h))
        .unwrap_or((1, GENESIS.to_owned()));
    let e = Unsealed {
        incident_id: d.incident_id,
        seq,
        kind,
        decision_id: d.id,
        payload,
        author,
        at_ms,
        prev_hash: &prev,
    }
    .seal(key);
    sqlx::query(
        "INSERT INTO chain_event (incident_id, seq, kind, decision_id, payload, author, device, at_ms, prev_hash, hash, signature)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.incident_id.to_string())
    .bind(e.seq)
    .bind(e.kind.code())
    .bind(e.decision_id.to_string())
    .bind(&e.payload)
    .bind(&e.author)
    .bind(&e.device)
    .bind(e.at_ms)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .bind(&e.signature)
    .execute(&mut **tx)
    .await?;
    // The server checks the signature and countersigns: the event goes out with the write.
    let op = yitu_domain::sync::Op::Event {
        event: Box::new(e.clone()),
    };
    crate::sync::outbox::append_all(tx, author, at_ms, &[op]).await?;
    Ok(e)
}

/// Reserves the decision's materials in the ledger and its shelter places, or refuses.
async fn reserve(tx: &mut Tx<'_>, d: &Decision, author: &mut Author<'_>) -> Result<(), Error> {
    for m in &d.content.materials {
        let note = format!("{} 预留", d.number);
        match move_in(
            tx,
            m.depot_id,
            &m.code,
            MoveKind::Reserve,
            m.quantity,
            &note,
            None,
            author,
        )
        .await
        {
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
    for r in &d.content.relocations {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM resource WHERE id = ? AND retired = 0")
                .bind(r.shelter_id.to_string())
                .fetch_optional(&mut **tx)
                .await?;
        let id = r.shelter_id.to_string();
        let shelter = match body.map(|b| serde_json::from_str::<Resource>(&b)) {
            Some(Ok(Resource::Shelter(s))) => s,
            Some(Err(source)) => return Err(Error::Corrupt { id, source }),
            _ => {
                return Err(Error::NotFound {
                    what: "shelter",
                    id,
                })
            }
        };
        let promised: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(people), 0) FROM shelter_reservation WHERE shelter_id = ?",
        )
        .bind(&id)
        .fetch_one(&mut **tx)
        .await?;
        let free = i64::from(shelter.free_capacity()) - promised;
        if i64::from(r.people) > free {
            return Err(refuse(
                format!(
                    "{}尚可安置 {} 人，不能安置 {} 人",
                    shelter.name,
                    free.max(0),
                    r.people
                ),
                format!(
                    "shelter {} has {} free places, not {}",
                    shelter.name,
                    free.max(0),
                    r.people
                ),
            ));
        }
        sqlx::query(
            "INSERT INTO shelter_reservation (id, shelter_id, decision_id, people, at_ms) VALUES (?, ?, ?, ?, ?)",
        )
        .bind((author.new_id)().to_string())
        .bind(&id)
        .bind(d.id.to_string())
        .bind(i64::from(r.people))
        .bind(author.at_ms)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Gives back what an issued decision reserved: materials released (and, when it is completed,
/// recorded as issued from the depot: they left it), shelter places freed (occupancy is then
/// the shelter registry's to record).
async fn give_back(
    tx: &mut Tx<'_>,
    d: &Decision,
    author: &mut Author<'_>,
    used: bool,
) -> Result<(), Error> {
    for m in &d.content.materials {
        let note = format!("{} 释放预留", d.number);
        move_in(
            tx,
            m.depot_id,
            &m.code,
            MoveKind::Release,
            m.quantity,
            &note,
            None,
            author,
        )
        .await?;
        if used {
            let note = format!("{} 办结出库", d.number);
            move_in(
                tx,
                m.depot_id,
                &m.code,
                MoveKind::Issue,
                m.quantity,
                &note,
                None,
                author,
            )
            .await?;
        }
    }
    for r in &d.content.relocations {
        sqlx::query(
            "INSERT INTO shelter_reservation (id, shelter_id, decision_id, people, at_ms) VALUES (?, ?, ?, ?, ?)",
        )
        .bind((author.new_id)().to_string())
        .bind(r.shelter_id.to_string())
        .bind(d.id.to_string())
        .bind(-i64::from(r.people))
        .bind(author.at_ms)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Marks the decision `old_id` superseded by `new`: its reservations given back, a history row,
/// a chain event.
async fn supersede(
    tx: &mut Tx<'_>,
    key: Option<&SigningKey>,
    old_id: EntityId,
    new: &Decision,
    actor: &Actor,
    author: &mut Author<'_>,
) -> Result<(), Error> {
    let old = load(tx, old_id).await?;
    let next = workflow::transition(old.state, Action::Supersede, actor.role)?;
    give_back(tx, &old, author, false).await?;
    sqlx::query("UPDATE decision SET state = ?, hlc = ? WHERE id = ?")
        .bind(next.code())
        .bind(stamp(author.at_ms))
        .bind(old_id.to_string())
        .execute(&mut **tx)
        .await?;
    history(
        tx,
        old_id,
        actor,
        author.at_ms,
        Action::Supersede.code(),
        old.state.code(),
        next.code(),
        &new.number,
    )
    .await?;
    let payload = canonical::of_value(
        &serde_json::json!({"number": old.number, "superseded_by": new.number}),
    );
    append(
        tx,
        key,
        &old,
        EventKind::Supersede,
        payload,
        &actor.name,
        author.at_ms,
    )
    .await?;
    Ok(())
}
