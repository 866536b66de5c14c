//! `trailhound investigate` on the recorded Stratus Red Team run (shared Invictus logs): the
//! attacker's principal, with the actions the attack made and the alerts it raised.

use std::path::PathBuf;
use std::process::Command;

fn invictus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/cloudtrail/invictus-aws-dataset/CloudTrail")
}

fn investigate(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .arg("investigate")
        .args(args)
        .args(["--json", "--no-progress", "-q", "--top", "1000"])
        .arg(invictus())
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn values(doc: &serde_json::Value, key: &str) -> Vec<String> {
    doc[key]
        .as_array()
        .expect(key)
        .iter()
        .map(|v| v["value"].as_str().expect("value").to_owned())
        .collect()
}

const ATTACKER: &str = "arn:aws:iam::123837392027:user/bert-jan";

#[test]
fn the_attackers_principal_and_what_it_did() {
    let doc = investigate(&["--principal", ATTACKER]);
    assert_eq!(doc["events"], 2641);
    assert_eq!(doc["first_seen"], "2023-07-10T11:54:33.000Z");
    assert_eq!(doc["last_seen"], "2023-07-10T12:34:46.000Z");
    let actions = values(&doc, "actions");
    // Calls of the Stratus techniques the run recorded.
    for call in [
        "cloudtrail StopLogging",
        "cloudtrail DeleteTrail",
        "iam CreateAccessKey",
        "iam CreateLoginProfile",
        "ec2 ModifySnapshotAttribute",
        "ec2 ModifyImageAttribute",
        "ec2 AuthorizeSecurityGroupIngress",
        "lambda AddPermission20150331v2",
        "secretsmanager GetSecretValue",
    ] {
        assert!(actions.contains(&call.to_owned()), "{call} missing");
    }
    // Counts are sorted, most frequent first.
    let counts: Vec<u64> = doc["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["count"].as_u64().expect("count"))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(values(&doc, "regions"), ["us-east-1"]);
    assert_eq!(values(&doc, "principals"), [ATTACKER]);
    assert!(values(&doc, "error_codes").contains(&"AccessDenied".to_owned()));
    assert!(values(&doc, "source_ips").contains(&"192.168.10.20".to_owned()));
    // The bundled pack's alerts on this principal include the seed 002 detection.
    let alerts: Vec<&str> = doc["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| a["rule"].as_str().expect("rule"))
        .collect();
    assert!(
        alerts.contains(&"AWS Lambda Function Policy Updated to Allow Public Invocation"),
        "{alerts:?}"
    );
}

#[test]
fn access_keys_and_address_blocks_are_pivots_too() {
    let by_key = investigate(&["--access-key", "AKIATFQR7NSC8Q4X20BJ"]);
    assert_eq!(by_key["events"], 2104);
    assert_eq!(values(&by_key, "principals"), [ATTACKER]);
    let by_ip = investigate(&["--ip", "10.8.8.0/24"]);
    assert_eq!(values(&by_ip, "source_ips"), ["10.8.8.10"]);
    let single = investigate(&["--ip", "10.8.8.10"]);
    assert_eq!(single["events"], by_ip["events"]);
}

#[test]
fn a_role_arn_matches_its_sessions_and_bad_addresses_are_refused() {
    // The 29 calls made under the role's session (`assumed-role/NAME/SESSION`).
    let role = investigate(&[
        "--principal",
        "arn:aws:iam::123837392027:role/stratus-red-team-ec2-get-password-data-role",
    ]);
    assert_eq!(role["events"], 29);
    let actions = values(&role, "actions");
    assert!(
        actions.contains(&"ec2 GetPasswordData".to_owned()),
        "{actions:?}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["investigate", "--ip", "not-an-address", "-q"])
        .arg(invictus())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an IP address"));
    let none = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["investigate"])
        .arg(invictus())
        .output()
        .expect("runs");
    assert_eq!(
        none.status.code(),
        Some(2),
        "one of --principal, --access-key, --ip is required"
    );
}
