//! `--geoip` loads user-supplied MaxMind databases for source.geo.*, source.as.* and Datadog's
//! network.client.geoip.*; the test builds tiny databases itself.

use std::process::Command;
use trailhound_event::mmdb;

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
    std::fs::write(
        &asn,
        mmdb::build(
            "GeoLite2-ASN",
            &[(net, 24, mmdb::asn(64_496, "Example Networks"))],
        ),
    )
    .expect("write");
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
