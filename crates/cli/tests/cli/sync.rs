//! `yitu enrol`, `yitu sync` and `yitu conflicts` as a user runs them, against a district server
//! started in this process on 127.0.0.1 (port 0) over an embedded SQLite file.

use super::yitu;

#[allow(clippy::disallowed_methods)] // the test is the edge that hands times to the commands
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn ok(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn capacity(dir: &std::path::Path, id: &str) -> serde_json::Value {
    let fc = ok(&yitu(dir, &["export", "shelters", "--format", "geojson"]));
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .map(|f| f["properties"]["capacity"].clone())
        .unwrap()
}

// The commands run as child processes and block; the server runs on the other worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrol_edit_sync_and_see_it_on_another_desktop() {
    let server_dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", server_dir.path().join("s.sqlite").display());
    let server = yitu_server::Store::open(&url).await.unwrap();
    server
        .add_user("王参谋", yitu_domain::command::role::Role::Staff, now())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(yitu_server::serve(listener, server.clone()));

    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [&a, &b] {
        ok(&yitu(d.path(), &["seed-demo"]));
    }

    // Not enrolled yet: a clear refusal.
    let refused = yitu(a.path(), &["sync"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not enrolled"));

    for d in [&a, &b] {
        let code = server.enrol_code("王参谋", now()).await.unwrap();
        let enrolled = ok(&yitu(
            d.path(),
            &[
                "enrol",
                "--server",
                &addr,
                "--code",
                &code,
                "--label",
                "值班台",
            ],
        ));
        assert_eq!(enrolled["role"], "staff");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(d.path().join("server.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    let fc = ok(&yitu(
        a.path(),
        &["export", "shelters", "--format", "geojson"],
    ));
    let id = fc["features"][0]["id"].as_str().unwrap().to_owned();
    ok(&yitu(
        a.path(),
        &[
            "--as",
            "王参谋",
            "update",
            "shelters",
            &id,
            "--set",
            "容纳人数=1234",
        ],
    ));
    let pushed = ok(&yitu(a.path(), &["sync", "--json"]));
    assert_eq!(pushed["pushed"], 1);
    assert_eq!(pushed["accepted"], 1);
    assert_eq!(pushed["pending"], 0);

    let pulled = ok(&yitu(b.path(), &["sync", "--json"]));
    assert_eq!(pulled["pulled"], 1);
    assert_eq!(capacity(b.path(), &id), 1234);

    // Both change it again without syncing between: a conflict, listed on both once synced.
    ok(&yitu(
        a.path(),
        &[
            "--as",
            "王参谋",
            "update",
            "shelters",
            &id,
            "--set",
            "容纳人数=1300",
        ],
    ));
    ok(&yitu(
        b.path(),
        &[
            "--as",
            "王参谋",
            "update",
            "shelters",
            &id,
            "--set",
            "容纳人数=1400",
        ],
    ));
    for d in [&a, &b, &a] {
        ok(&yitu(d.path(), &["sync", "--json"]));
    }
    for d in [&a, &b] {
        let conflicts = ok(&yitu(d.path(), &["conflicts"]));
        assert_eq!(conflicts.as_array().unwrap().len(), 1, "{conflicts}");
        assert_eq!(conflicts[0]["field"], "capacity");
    }
    assert_eq!(capacity(a.path(), &id), capacity(b.path(), &id));

    // A picks 1300; after syncing, neither shows a conflict and both hold 1300.
    ok(&yitu(
        a.path(),
        &[
            "--as",
            "王参谋",
            "conflicts",
            "resolve",
            &id,
            "capacity",
            "--value",
            "1300",
        ],
    ));
    for d in [&a, &b] {
        ok(&yitu(d.path(), &["sync", "--json"]));
    }
    for d in [&a, &b] {
        assert_eq!(ok(&yitu(d.path(), &["conflicts"])), serde_json::json!([]));
        assert_eq!(capacity(d.path(), &id), 1300);
    }
}

/// `yitu enrol --ca FILE` against a server serving HTTPS with a self-signed certificate: without
/// the file, or with a missing one, a clear refusal and no credential; with it, enrolment and an
/// edit synced over TLS (the CA path kept for the later `yitu sync`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrol_with_a_ca_file_and_sync_over_https() {
    let server_dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = server_dir.path().join("district-ca.pem");
    let key = server_dir.path().join("server-key.pem");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let url = format!("sqlite://{}", server_dir.path().join("s.sqlite").display());
    let server = yitu_server::Store::open(&url).await.unwrap();
    server
        .add_user("王参谋", yitu_domain::command::role::Role::Staff, now())
        .await
        .unwrap();
    let config = yitu_server::tls::config(&cert, &key).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(yitu_server::tls::serve(listener, server.clone(), config));

    let a = tempfile::tempdir().unwrap();
    ok(&yitu(a.path(), &["seed-demo"]));
    let code = server.enrol_code("王参谋", now()).await.unwrap();
    let enrol = |extra: &[&str]| {
        let mut args = vec!["enrol", "--server", &addr, "--code", &code];
        args.extend_from_slice(extra);
        yitu(a.path(), &args)
    };
    let untrusted = enrol(&[]);
    assert!(!untrusted.status.success());
    assert!(String::from_utf8_lossy(&untrusted.stderr).contains("cannot reach the server"));
    let missing = server_dir.path().join("no-such-ca.pem");
    let missing = enrol(&["--ca", missing.to_str().unwrap()]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-ca.pem"));
    assert!(!a.path().join("server.json").exists());

    let enrolled = ok(&enrol(&["--ca", cert.to_str().unwrap()]));
    assert_eq!(enrolled["role"], "staff");
    let fc = ok(&yitu(
        a.path(),
        &["export", "shelters", "--format", "geojson"],
    ));
    let id = fc["features"][0]["id"].as_str().unwrap().to_owned();
    ok(&yitu(
        a.path(),
        &[
            "--as",
            "王参谋",
            "update",
            "shelters",
            &id,
            "--set",
            "容纳人数=1234",
        ],
    ));
    let pushed = ok(&yitu(a.path(), &["sync", "--json"]));
    assert_eq!(
        (pushed["accepted"].clone(), pushed["pending"].clone()),
        (1.into(), 0.into())
    );
    assert_eq!(server.change_count().await.unwrap(), 1);
}
