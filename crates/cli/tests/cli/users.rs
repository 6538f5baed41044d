//! The desk's users as a person at the command line meets them: a local user with a password
//! (read from standard input) and one without, `yitu login` saying OK or refusing with a non-zero
//! exit, and every write refused until `--as` names who makes it, whose name the history keeps.

use super::yitu;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `yitu ARGS` with `input` on standard input.
fn yitu_with_input(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yitu"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "expected a refusal, got {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn login_checks_the_password_and_every_write_names_its_author() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&yitu(d, &["seed-demo"]));
    ok(&yitu_with_input(
        d,
        &[
            "user",
            "add",
            "张指挥",
            "--role",
            "commander",
            "--password-stdin",
        ],
        "火线-01\n",
    ));
    ok(&yitu(d, &["user", "add", "王参谋", "--role", "staff"]));
    let users: serde_json::Value = serde_json::from_str(&ok(&yitu(d, &["user", "list"]))).unwrap();
    assert_eq!(
        users,
        serde_json::json!([
            {"name": "张指挥", "role": "commander", "has_password": true, "origin": "local"},
            {"name": "王参谋", "role": "staff", "has_password": false, "origin": "local"},
        ])
    );
    // An empty password is no password given: refused, nothing changed.
    let empty = refused(&yitu_with_input(
        d,
        &[
            "user",
            "add",
            "李技术",
            "--role",
            "technical_officer",
            "--password-stdin",
        ],
        "\n",
    ));
    assert!(empty.contains("empty"), "{empty}");

    let right = ok(&yitu_with_input(d, &["login", "张指挥"], "火线-01\n"));
    assert!(right.contains("OK") && right.contains("张指挥"), "{right}");
    let wrong = refused(&yitu_with_input(d, &["login", "张指挥"], "火线-02\n"));
    assert!(wrong.contains("密码错误"), "{wrong}");
    assert!(wrong.contains("1 in a row"), "{wrong}");
    // A right one clears the count: the next wrong one is the first again.
    ok(&yitu_with_input(d, &["login", "张指挥"], "火线-01\n"));
    let again = refused(&yitu_with_input(d, &["login", "张指挥"], "x\n"));
    assert!(again.contains("1 in a row"), "{again}");
    // No password set: logs in as before passwords.
    ok(&yitu_with_input(d, &["login", "王参谋"], "\n"));
    let nobody = refused(&yitu_with_input(d, &["login", "无名氏"], "x\n"));
    assert!(nobody.contains("无名氏"), "{nobody}");

    // A write without `--as` is refused and writes nothing; with it, the history names them.
    let shelters: serde_json::Value =
        serde_json::from_str(&ok(&yitu(d, &["export", "shelters"]))).unwrap();
    let id = shelters["features"][0]["id"].as_str().unwrap().to_owned();
    let set = ["update", "shelters", &id, "--set", "容纳人数=4321"];
    let anonymous = refused(&yitu(d, &set));
    assert!(anonymous.contains("--as USER"), "{anonymous}");
    assert_eq!(ok(&yitu(d, &["history", &id])), "");
    let unknown = refused(&yitu(d, &[&["--as", "无名氏"], &set[..]].concat()));
    assert!(unknown.contains("无名氏"), "{unknown}");
    ok(&yitu(d, &[&["--as", "王参谋"], &set[..]].concat()));
    let history: serde_json::Value =
        serde_json::from_str(ok(&yitu(d, &["history", &id])).trim()).unwrap();
    assert_eq!(history["actor"], "王参谋");
}
