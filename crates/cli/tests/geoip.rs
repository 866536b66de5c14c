//! `--geoip` loads user-supplied MaxMind databases for source.geo.*, source.as.* and Datadog's
//! network.client.geoip.*; the test builds tiny databases itself.

use std::process::Command;
use trailhound_event::mmdb;

/// An ASN database placing `net`/24 at AS64496 "Example Networks".
fn write_asn(path: &std::path::Path, net: std::net::Ipv4Addr) {
    std::fs::write(
        path,
        mmdb::build(
            "GeoLite2-ASN",
            &[(net, 24, mmdb::asn(64_496, "Example Networks"))],
        ),
    )
    .expect("write");
}

#[test]
fn geoip_databases_enrich_the_ecs_and_datadog_views() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let city = tmp.path().join("city.mmdb");
    let asn = tmp.path().join("asn.mmdb");
    let net = "203.0.113.0".parse().expect("ip");
    std::fs::write(
        &city,
        mmdb::build("GeoLite2-City", &[(net, 24, mmdb::city(&mmdb::POULSBO))]),
    )
    .expect("write");
    write_asn(&asn, net);
    let log = tmp.path().join("log.ndjson");
    std::fs::write(&log, r#"{"eventTime":"2024-05-01T10:00:00Z","eventName":"GetCallerIdentity","sourceIPAddress":"203.0.113.9"}"#).expect("write");
    let run = |view: &str| -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
            .args(["normalize", "--view", view, "--geoip"])
            .arg(&city)
            .arg("--geoip")
            .arg(&asn)
            .arg(&log)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("one JSON document")
    };
    let ecs = run("ecs");
    assert_eq!(ecs["source"]["geo"]["city_name"], "Poulsbo");
    assert_eq!(ecs["source"]["as"]["number"], 64496);
    assert_eq!(
        ecs["source"]["as"]["organization"]["name"],
        "Example Networks"
    );
    let dd = run("datadog");
    assert_eq!(
        dd["network"]["client"]["geoip"]["country"]["iso_code"],
        "US"
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["normalize", "--geoip"])
        .arg(&log)
        .arg(&log)
        .output()
        .expect("runs");
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a file that is not a MaxMind database is a usage error"
    );
}

/// A rule that matches on `source.as.*` fires only with the ASN database; without it, `hunt`
/// says why it cannot, and `rules list` marks the rule.
#[test]
fn rules_on_geoip_fields_need_the_database_and_say_so() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let asn = tmp.path().join("asn.mmdb");
    let net = "203.0.113.0".parse().expect("ip");
    write_asn(&asn, net);
    let rule = tmp.path().join("asn.toml");
    std::fs::write(
        &rule,
        r#"[metadata]
creation_date = "2026/01/01"
[rule]
author = ["test"]
description = "A call from Example Networks."
index = ["logs-aws.cloudtrail-*"]
language = "kuery"
name = "Call from Example Networks"
risk_score = 21
rule_id = "00000000-0000-4000-8000-0000000000a5"
severity = "low"
type = "query"
query = 'source.as.organization.name:"Example Networks"'
"#,
    )
    .expect("write");
    let log = tmp.path().join("log.ndjson");
    std::fs::write(&log, r#"{"eventTime":"2024-05-01T10:00:00Z","eventID":"g1","eventName":"GetCallerIdentity","eventSource":"sts.amazonaws.com","sourceIPAddress":"203.0.113.9"}"#).expect("write");
    let hunt = |geoip: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_trailhound"));
        cmd.args(["hunt", "--no-progress", "-f", "jsonl", "-r"])
            .arg(&rule);
        if geoip {
            cmd.arg("--geoip").arg(&asn);
        }
        let out = cmd.arg(&log).output().expect("runs");
        (
            String::from_utf8_lossy(&out.stdout).lines().count(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let warning = "1 rules match on GeoIP fields";
    let (alerts, err) = hunt(false);
    assert_eq!(alerts, 0);
    assert!(err.contains(warning), "{err}");
    let (alerts, err) = hunt(true);
    assert_eq!(alerts, 1, "{err}");
    assert!(!err.contains(warning), "{err}");
    let list = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["rules", "list"])
        .arg(&rule)
        .output()
        .expect("runs");
    assert!(
        String::from_utf8_lossy(&list.stdout).contains("matches on GeoIP fields"),
        "{}",
        String::from_utf8_lossy(&list.stdout)
    );
}
