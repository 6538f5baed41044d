//! Enrolment codes cannot be guessed at speed: every attempt is kept, and after ten wrong codes
//! within ten minutes every attempt is refused (429, `rate_limited`, with how long to wait),
//! a right code included — which is not used up, and enrols once the window has passed. The
//! server goes on serving enrolled desks meanwhile.

use super::*;

async fn guessing(backend: Backend) {
    let d = district(backend).await;
    let http = reqwest::Client::new();
    let try_code = |code: &str| {
        http.post(format!("{}/v1/enrol", d.server.url))
            .header("content-type", "application/json")
            .body(serde_json::json!({"code": code, "label": "猜码"}).to_string())
            .send()
    };
    let before = d.server.store.enrol_attempts().await.unwrap().len();
    for i in 0..yitu_server::store::ENROL_FAILURES {
        let r = try_code(&format!("AAAA-BBBB-{i:04}")).await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "wrong code {i}");
    }
    let right = d.server.store.enrol_code("王参谋", now()).await.unwrap();
    let r = try_code(&right).await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let zstd = r.headers().get("content-encoding").is_some();
    let bytes = r.bytes().await.unwrap();
    let json = if zstd {
        zstd::stream::decode_all(bytes.as_ref()).unwrap()
    } else {
        bytes.to_vec()
    };
    let body: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(body["code"], "rate_limited", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("分钟后再试"),
        "{body}"
    );
    // Every attempt kept: ten wrong, one refused by the limit.
    let attempts = d.server.store.enrol_attempts().await.unwrap();
    assert_eq!(
        attempts.len(),
        before + yitu_server::store::ENROL_FAILURES + 1
    );
    assert!(attempts[before..]
        .iter()
        .all(|a| a.label == "猜码" && !a.enrolled));
    // The enrolled desks go on syncing.
    d.replicas[0].sync().await;
    // The right code was not used up: past the window it enrols.
    let later = now() + yitu_server::store::ENROL_WINDOW_MS + 1_000;
    let reply = d.server.store.enrol(&right, "补登", later).await.unwrap();
    assert_eq!(reply.user, "王参谋");
}

#[tokio::test]
async fn enrolment_codes_cannot_be_guessed_at_speed_sqlite() {
    guessing(Backend::Sqlite).await;
}

#[tokio::test]
async fn enrolment_codes_cannot_be_guessed_at_speed_postgres() {
    guessing(Backend::Postgres).await;
}
