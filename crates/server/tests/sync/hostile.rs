//! Hostile and bad input at the server's door, in one table: each request is refused with a
//! clear status and a reason a person can read, nothing is written, and afterwards the server
//! still serves the good desks. Raw HTTP with bodies built by hand; the cases tested elsewhere
//! (enrolment guessing, forged signatures, a value its field cannot hold, a revoked device) are
//! listed in RELIABILITY.md's "Hostile input" table rather than repeated here.

use super::*;
use yitu_domain::sync::{Change, Collection, Op, Stamp};
use yitu_server::http::MAX_BODY;

/// Whose credential a request carries.
#[derive(Clone, Copy)]
enum Who {
    Nobody,
    /// The attacking desk's own, good credential.
    Desk,
    /// `Basic …` instead of `Bearer DEVICE.TOKEN`.
    NotBearer,
    /// The desk's device id with another token.
    WrongToken,
    /// A device the server never enrolled.
    UnknownDevice,
    /// A token alone, no `DEVICE.` before it.
    NoDevice,
}

/// How the body says it is encoded.
#[derive(Clone, Copy)]
enum Encoding {
    Plain,
    Zstd,
    Gzip,
}

/// One hostile request and the refusal expected: the HTTP status, and the `code` and a part of
/// the message of the error body (for a push that is answered, of its one rejection).
struct Case {
    name: &'static str,
    path: &'static str,
    who: Who,
    encoding: Encoding,
    body: Vec<u8>,
    status: u16,
    code: &'static str,
    says: &'static str,
}

/// A change to a shelter's capacity, as a desk pushes it.
fn change(seq: u64, shelter: EntityId) -> Change {
    Change {
        seq,
        stamp: Stamp {
            ms: now() as u64,
            counter: 0,
            node: "hostile".into(),
        },
        author: "王参谋".into(),
        op: Op::record(
            Collection::Shelters,
            shelter,
            [("capacity".to_owned(), serde_json::json!(7))],
            &std::collections::BTreeMap::new(),
        ),
    }
}

fn zstd(json: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(json, 3).unwrap()
}

/// A push of these changes, compressed as a desk sends it (`extra`: fields added to the body).
fn push_body(changes: &[Change], extra: serde_json::Value) -> Vec<u8> {
    let mut body =
        serde_json::json!({"protocol": yitu_domain::sync::wire::PROTOCOL, "changes": changes});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    zstd(body.to_string().as_bytes())
}

/// A few KB of zstd that inflate to one byte more than the server reads.
fn bomb() -> Vec<u8> {
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    let spaces = vec![b' '; 1 << 20];
    let mut left = MAX_BODY + 1;
    while left > 0 {
        let n = left.min(spaces.len());
        std::io::Write::write_all(&mut encoder, &spaces[..n]).unwrap();
        left -= n;
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 16 << 10, "a bomb of {} bytes", bomb.len());
    bomb
}

/// Everything a refused request could have touched.
async fn written(server: &Server, desk: &str) -> impl PartialEq + std::fmt::Debug {
    let s = &server.store;
    (
        s.head().await.unwrap(),
        s.change_count().await.unwrap(),
        s.devices().await.unwrap(),
        s.enrol_attempts().await.unwrap(),
        s.users().await.unwrap(),
        s.refused(desk).await.unwrap(),
        s.countersigns().await.unwrap().len(),
    )
}

/// Sends one request as `own`'s desk would, or as an intruder: the status and the JSON answer
/// (an error when the server did not answer at all).
async fn send(
    server: &Server,
    own: &yitu_replica::sync::Credential,
    path: &str,
    who: Who,
    encoding: Encoding,
    body: Vec<u8>,
) -> Result<(u16, serde_json::Value), reqwest::Error> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let bearer = |device: &str, token: &str| format!("Bearer {device}.{token}");
    let credential = match who {
        Who::Nobody => None,
        Who::Desk => Some(bearer(&own.device, &own.token)),
        Who::NotBearer => Some(format!("Basic {}", own.token)),
        Who::WrongToken => Some(bearer(&own.device, "0000")),
        Who::UnknownDevice => Some(bearer("dev-none", &own.token)),
        Who::NoDevice => Some(format!("Bearer {}", own.token)),
    };
    let encoding = match encoding {
        Encoding::Plain => None,
        Encoding::Zstd => Some("zstd"),
        Encoding::Gzip => Some("gzip"),
    };
    let mut request = http
        .post(format!("{}{path}", server.url))
        .header("content-type", "application/json");
    if let Some(credential) = credential {
        request = request.header("authorization", credential);
    }
    if let Some(encoding) = encoding {
        request = request.header("content-encoding", encoding);
    }
    Ok(answer(request.body(body).send().await?).await)
}

async fn hostile(backend: Backend) {
    let d = district(backend).await;
    // The attacker: an enrolled desk that has pushed nothing (its next sequence is 1).
    let w = Replica::enrol(&d.server, "王参谋").await;
    let own = w.client.credential().clone();
    // Another desk, which has pushed the district's first five changes.
    let other = d.replicas[0].client.credential().device.clone();
    let shelter = d.shelters[0];
    let good = serde_json::to_vec(&serde_json::json!({
        "protocol": yitu_domain::sync::wire::PROTOCOL,
        "changes": [change(1, shelter)],
    }))
    .unwrap();
    // A push from the desk itself, compressed, unless a case says otherwise.
    let push = |name, body, status, code, says| Case {
        name,
        path: "/v1/push",
        who: Who::Desk,
        encoding: Encoding::Zstd,
        body,
        status,
        code,
        says,
    };
    let mut cases: Vec<Case> = [
        ("no credential", Who::Nobody),
        ("not a bearer credential", Who::NotBearer),
        ("a wrong token", Who::WrongToken),
        ("an unknown device", Who::UnknownDevice),
        ("a token without its device", Who::NoDevice),
    ]
    .into_iter()
    .map(|(name, who)| Case {
        who,
        ..push(
            name,
            zstd(&good),
            401,
            "unauthorized",
            "missing, unknown or revoked",
        )
    })
    .collect();

    let cut = zstd(&good);
    let cut = cut[..cut.len() / 2].to_vec();
    let mut unknown_op = serde_json::to_value(change(1, shelter)).unwrap();
    unknown_op["op"]["op"] = "drop_table".into();
    let unknown_op = serde_json::json!({"protocol": 2, "changes": [unknown_op]});
    // A log entry's body is any JSON: nested 100,000 deep, read by recursion, it would take
    // the stack with it.
    let log = Change {
        op: Op::Log {
            incident: shelter,
            id: shelter,
            body: "DEEP".into(),
        },
        ..change(1, shelter)
    };
    let deep = serde_json::json!({"protocol": 2, "changes": [log]})
        .to_string()
        .replace("\"DEEP\"", &("[".repeat(100_000) + &"]".repeat(100_000)));
    let bad = "bad_request";
    cases.extend([
        Case {
            encoding: Encoding::Plain,
            ..push(
                "a body over the limit",
                vec![b' '; MAX_BODY + 1],
                413,
                "too_large",
                "64 MiB",
            )
        },
        push("a decompression bomb", bomb(), 413, "too_large", "64 MiB"),
        push("a zstd frame cut in half", cut, 400, bad, "bad zstd body"),
        push(
            "not zstd",
            b"not zstd at all".to_vec(),
            400,
            bad,
            "bad zstd body",
        ),
        push("zstd, but not JSON", zstd(b"<push/>"), 400, bad, "bad JSON"),
        push(
            "JSON, but a list",
            zstd(b"[1,2,3]"),
            400,
            bad,
            "a push is one object",
        ),
        push(
            "no protocol",
            zstd(br#"{"changes":[]}"#),
            400,
            bad,
            "missing field `protocol`",
        ),
        push(
            "changes that are no list",
            zstd(br#"{"protocol":2,"changes":{"seq":1}}"#),
            400,
            bad,
            "invalid type",
        ),
        push(
            "an operation that does not exist",
            zstd(unknown_op.to_string().as_bytes()),
            400,
            bad,
            "unknown variant `drop_table`",
        ),
        push(
            "a log entry nested 100,000 deep",
            zstd(deep.as_bytes()),
            400,
            bad,
            "recursion limit",
        ),
        Case {
            encoding: Encoding::Gzip,
            ..push(
                "a body said to be gzip",
                good.clone(),
                400,
                bad,
                "\"gzip\" is not read",
            )
        },
        // Sequences that do not follow this desk's own: answered, the change refused and not
        // recorded, the desk told which sequence comes next.
        push(
            "sequence 0",
            push_body(&[change(0, shelter)], serde_json::json!({})),
            200,
            "malformed",
            "sequences start at 1",
        ),
        push(
            "the largest sequence",
            push_body(&[change(u64::MAX, shelter)], serde_json::json!({})),
            200,
            "gap",
            "expected sequence 1 next",
        ),
        push(
            "another desk's next sequence, that desk named",
            push_body(&[change(6, shelter)], serde_json::json!({"device": other})),
            200,
            "gap",
            "expected sequence 1 next",
        ),
        Case {
            path: "/v1/enrol",
            who: Who::Nobody,
            ..push(
                "a decompression bomb to enrol",
                bomb(),
                413,
                "too_large",
                "64 MiB",
            )
        },
        Case {
            path: "/v1/enrol",
            who: Who::Nobody,
            encoding: Encoding::Plain,
            ..push(
                "an enrolment without its code",
                br#"{"label":"x"}"#.to_vec(),
                400,
                bad,
                "missing field `code`",
            )
        },
    ]);

    let mut before = written(&d.server, &own.device).await;
    let mut wrong = Vec::new();
    for c in cases {
        let (status, body) = match send(&d.server, &own, c.path, c.who, c.encoding, c.body).await {
            Ok(answer) => answer,
            Err(e) => {
                wrong.push(format!("{}: no answer: {e}", c.name));
                continue;
            }
        };
        // A push that is answered names its one refused change.
        let refusal = match status {
            200 if body["accepted"] == serde_json::json!([]) => &body["rejected"][0],
            _ => &body,
        };
        let message = [&refusal["message"], &refusal["reason"]]
            .into_iter()
            .find_map(|m| m.as_str())
            .unwrap_or_default();
        if (status, refusal["code"].as_str()) != (c.status, Some(c.code))
            || !message.contains(c.says)
        {
            wrong.push(format!(
                "{}: expected {} {} saying {:?}, got {status} {body}",
                c.name, c.status, c.code, c.says
            ));
        }
        if written(&d.server, &own.device).await != before {
            wrong.push(format!("{}: something was written", c.name));
            before = written(&d.server, &own.device).await;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The server still serves. The desk's first change goes in as plain JSON padded past
    // axum's own default limit (2 MiB, which refused it in plain text), its next through the
    // desk's client, and another desk pulls both.
    let mut padded = good;
    padded.resize(3 << 20, b' ');
    let (status, reply) = send(
        &d.server,
        &own,
        "/v1/push",
        Who::Desk,
        Encoding::Plain,
        padded,
    )
    .await
    .unwrap();
    assert_eq!(
        (status, &reply["accepted"]),
        (200, &serde_json::json!([1])),
        "{reply}"
    );
    let reply = w.client.push(vec![change(2, d.shelters[1])]).await.unwrap();
    assert_eq!(reply.accepted, [2], "{reply:?}");
    let b = &d.replicas[1];
    assert_eq!(b.sync().await.pulled, 2);
    assert_eq!(b.record(shelter).await["capacity"], serde_json::json!(7));
}

#[tokio::test]
async fn hostile_input_is_refused_with_its_reason_and_nothing_written_sqlite() {
    hostile(Backend::Sqlite).await;
}

#[tokio::test]
async fn hostile_input_is_refused_with_its_reason_and_nothing_written_postgres() {
    hostile(Backend::Postgres).await;
}

/// One enrolment at `url` from the client `http`: the status and the JSON answer.
async fn try_code(http: &reqwest::Client, url: &str, code: &str) -> (u16, serde_json::Value) {
    let body = serde_json::json!({"code": code, "label": "猜码"});
    let sent = http
        .post(format!("{url}/v1/enrol"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    answer(sent).await
}

/// Enrolment codes guessed from one address, served as `yitu-server serve` serves them (over
/// HTTP, or HTTPS with `tls`): after five wrong codes that address is paused, and its tries
/// meanwhile count toward nothing, while a desk elsewhere still enrols, with the very code the
/// guesser was refused. Wrong codes from a second address bring the pause for everyone. The
/// desks are told apart by their address on 127.0.0.0/8.
async fn guessing_from_one_address(backend: Backend, tls: bool) {
    use yitu_server::store::{ENROL_FAILURES, ENROL_PEER_FAILURES};
    let db = Db::new(backend).await;
    let store = ServerStore::open(&db.url).await.unwrap();
    store.add_user("王参谋", Role::Staff, now()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (url, task) = if tls {
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        let config = yitu_server::tls::config(&cert, &key).await.unwrap();
        let task = tokio::spawn(yitu_server::tls::serve(listener, store.clone(), config));
        (format!("https://{addr}"), task)
    } else {
        let task = tokio::spawn(yitu_server::serve(listener, store.clone()));
        (format!("http://{addr}"), task)
    };
    let from = |last: u8| {
        let mut builder =
            reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, last]));
        if tls {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(made.cert.der().clone()).unwrap();
            builder = builder.tls_backend_preconfigured(
                rustls::ClientConfig::builder()
                    .with_root_certificates(roots)
                    .with_no_client_auth(),
            );
        }
        builder.build().unwrap()
    };
    let (desk, guesser, second) = (from(1), from(2), from(3));
    let wrong = |i: usize| format!("AAAA-BBBB-{i:04}");

    for i in 0..ENROL_PEER_FAILURES {
        let (status, body) = try_code(&guesser, &url, &wrong(i)).await;
        assert_eq!((status, &body["code"]), (403, &"bad_code".into()), "{body}");
    }
    let right = store.enrol_code("王参谋", now()).await.unwrap();
    let (status, body) = try_code(&guesser, &url, &right).await;
    assert_eq!(
        (status, &body["code"]),
        (429, &"rate_limited".into()),
        "{body}"
    );
    // Trying on while paused adds nothing: past the global limit in number, not in wrong codes.
    for i in 0..ENROL_FAILURES {
        let (status, _) = try_code(&guesser, &url, &wrong(100 + i)).await;
        assert_eq!(status, 429);
    }
    let (status, body) = try_code(&desk, &url, &right).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"], "王参谋");

    // A second address brings the wrong codes to the global limit: everyone waits.
    for i in 0..ENROL_FAILURES - ENROL_PEER_FAILURES {
        let (status, body) = try_code(&second, &url, &wrong(200 + i)).await;
        assert_eq!(status, 403, "{body}");
    }
    let next = store.enrol_code("王参谋", now()).await.unwrap();
    let (status, body) = try_code(&desk, &url, &next).await;
    assert_eq!(
        (status, &body["code"]),
        (429, &"rate_limited".into()),
        "{body}"
    );
    // Every attempt kept.
    let attempts = store.enrol_attempts().await.unwrap();
    assert_eq!(attempts.len(), 2 * ENROL_FAILURES + 3);
    assert_eq!(attempts.iter().filter(|a| a.enrolled).count(), 1);
    // Each kept with the address it came from, and whether the pause refused it unread.
    assert!(
        attempts
            .iter()
            .all(|a| a.peer.as_deref().is_some_and(|p| p.starts_with("127.0.0."))),
        "{attempts:?}"
    );
    assert!(
        attempts
            .iter()
            .any(|a| a.peer.as_deref() != Some("127.0.0.1")),
        "{attempts:?}"
    );
    assert!(attempts.iter().any(|a| a.limited), "{attempts:?}");
    task.abort();
}

#[tokio::test]
async fn one_guessing_address_is_paused_and_others_still_enrol_sqlite() {
    guessing_from_one_address(Backend::Sqlite, false).await;
}

#[tokio::test]
async fn one_guessing_address_is_paused_and_others_still_enrol_postgres() {
    guessing_from_one_address(Backend::Postgres, false).await;
}

#[tokio::test]
async fn one_guessing_address_is_paused_and_others_still_enrol_over_tls() {
    guessing_from_one_address(Backend::Sqlite, true).await;
}
