//! End-to-end properties of `simulate`: determinism, record shape, attack injection and ground
//! truth, the S3 delivery layout, and the benign background's documented rates.

use flate2::read::GzDecoder;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use trailhound_sim::{
    AttackId, Layout, Notable, SimError, SimOptions, SimSummary, simulate, techniques,
};

const START: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z

fn ts(s: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(s).expect("in range")
}

/// Runs an NDJSON simulation; returns the records' text, the ground truth's text, the summary.
fn ndjson(
    seed: u64,
    events: u64,
    attacks: Vec<(AttackId, Option<jiff::Timestamp>)>,
) -> (String, String, SimSummary) {
    let mut out = Vec::new();
    let mut truth = Vec::new();
    let summary = {
        let mut o = SimOptions::new(Layout::Ndjson {
            events: Box::new(&mut out),
            ground_truth: Some(Box::new(&mut truth)),
        });
        o.seed = seed;
        o.events = events;
        o.attacks = attacks;
        simulate(o).expect("simulates")
    };
    (
        String::from_utf8(out).expect("utf-8"),
        String::from_utf8(truth).expect("utf-8"),
        summary,
    )
}

fn parse_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn all_attacks() -> Vec<(AttackId, Option<jiff::Timestamp>)> {
    AttackId::all().map(|a| (a, None)).collect()
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(path).expect("opens"))
        .read_to_string(&mut text)
        .expect("valid gzip");
    text
}

fn s3(
    dir: &Path,
    seed: u64,
    events: u64,
    attacks: Vec<(AttackId, Option<jiff::Timestamp>)>,
) -> SimSummary {
    let mut o = SimOptions::new(Layout::S3 {
        dir: dir.to_path_buf(),
    });
    o.seed = seed;
    o.events = events;
    o.attacks = attacks;
    simulate(o).expect("simulates")
}

#[test]
fn same_seed_gives_identical_bytes_and_other_seeds_differ() {
    let attacks = vec![
        (
            AttackId::parse("seed.lambda-public-invoke").expect("known"),
            None,
        ),
        (
            AttackId::parse("aws.defense-evasion.cloudtrail-stop").expect("known"),
            Some(ts(START + 3600)),
        ),
    ];
    let (a, at, _) = ndjson(11, 5_000, attacks.clone());
    let (b, bt, _) = ndjson(11, 5_000, attacks.clone());
    let (c, ct, _) = ndjson(12, 5_000, attacks.clone());
    assert!(a == b && at == bt, "same seed, different output");
    assert_ne!(a, c);
    assert_ne!(at, ct);

    let d1 = tempfile::tempdir().expect("tempdir");
    let d2 = tempfile::tempdir().expect("tempdir");
    s3(d1.path(), 11, 3_000, attacks.clone());
    s3(d2.path(), 11, 3_000, attacks);
    let f1 = files_under(d1.path());
    assert_eq!(f1, files_under(d2.path()));
    for f in &f1 {
        let x = std::fs::read(d1.path().join(f)).expect("reads");
        let y = std::fs::read(d2.path().join(f)).expect("reads");
        assert!(x == y, "{} differs", f.display());
    }
}

#[test]
fn background_does_not_change_when_attacks_are_added() {
    let (plain, _, _) = ndjson(5, 3_000, vec![]);
    let (with, truth, _) = ndjson(5, 3_000, all_attacks());
    let injected: BTreeSet<String> = parse_lines(&truth)
        .iter()
        .map(|t| t["event_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let kept: Vec<&str> = with
        .lines()
        .filter(|l| {
            let v: Value = serde_json::from_str(l).expect("json");
            !injected.contains(v["eventID"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(kept, plain.lines().collect::<Vec<_>>());
}

#[test]
fn layouts_carry_the_same_records() {
    let attacks = vec![(
        AttackId::parse("aws.persistence.iam-create-admin-user").expect("known"),
        None,
    )];
    let (text, _, summary) = ndjson(21, 4_000, attacks.clone());
    let dir = tempfile::tempdir().expect("tempdir");
    let s = s3(dir.path(), 21, 4_000, attacks);
    assert_eq!(
        (s.background_events, s.attack_events),
        (summary.background_events, summary.attack_events)
    );
    let mut from_ndjson: Vec<String> = parse_lines(&text).iter().map(Value::to_string).collect();
    let mut from_s3 = Vec::new();
    for f in files_under(&dir.path().join("AWSLogs")) {
        let v: Value =
            serde_json::from_str(&gunzip(&dir.path().join("AWSLogs").join(f))).expect("json");
        for r in v["Records"].as_array().expect("records") {
            from_s3.push(r.to_string());
        }
    }
    from_ndjson.sort();
    from_s3.sort();
    assert_eq!(
        from_ndjson.len(),
        (summary.background_events + summary.attack_events) as usize
    );
    assert!(from_ndjson == from_s3, "the layouts hold different records");
}

const REQUIRED: [&str; 12] = [
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "requestID",
    "eventID",
    "eventType",
    "recipientAccountId",
];

#[test]
fn every_record_is_cloudtrail_shaped() {
    let (text, _, summary) = ndjson(7, 20_000, all_attacks());
    let records = parse_lines(&text);
    assert_eq!(
        records.len() as u64,
        summary.background_events + summary.attack_events
    );
    let mut ids = BTreeSet::new();
    let mut last = String::new();
    let accounts: BTreeSet<&str> = summary.accounts.iter().map(String::as_str).collect();
    let regions: BTreeSet<&str> = summary.regions.iter().map(String::as_str).collect();
    for r in &records {
        for key in REQUIRED {
            let present = r.get(key).is_some_and(|v| !v.is_null());
            // Console sign-ins carry no request id, as in real trails.
            let exempt = key == "requestID" && r["eventType"] == "AwsConsoleSignIn";
            assert!(present || exempt, "{key} missing in {r}");
        }
        let time = r["eventTime"].as_str().expect("text");
        let parsed: jiff::Timestamp = time.parse().expect("RFC 3339");
        assert!(
            parsed.as_second() >= START && parsed.as_second() < START + 86_400 + 3_600,
            "{time}"
        );
        assert!(time >= last.as_str(), "NDJSON out of order at {time}");
        last = time.to_owned();
        let id = r["eventID"].as_str().expect("text");
        assert!(id.len() == 36 && id.matches('-').count() == 4, "{id}");
        assert!(ids.insert(id.to_owned()), "duplicate eventID {id}");
        assert!(accounts.contains(r["recipientAccountId"].as_str().expect("text")));
        assert!(
            regions.contains(r["awsRegion"].as_str().expect("text")),
            "{}",
            r["awsRegion"]
        );
        assert!(r["readOnly"].is_boolean() && r["managementEvent"].is_boolean());
        assert!(matches!(
            r["eventType"].as_str(),
            Some("AwsApiCall" | "AwsConsoleSignIn")
        ));
        assert!(matches!(
            r["eventCategory"].as_str(),
            Some("Management" | "Data")
        ));
        assert!(
            r["eventSource"]
                .as_str()
                .is_some_and(|s| s.ends_with(".amazonaws.com"))
        );
        let kind = r["userIdentity"]["type"].as_str().expect("identity type");
        assert!(
            matches!(
                kind,
                "IAMUser" | "AssumedRole" | "AWSService" | "Root" | "FederatedUser"
            ),
            "{kind}"
        );
        if kind == "AssumedRole" {
            let attrs = &r["userIdentity"]["sessionContext"]["attributes"];
            assert!(
                attrs["creationDate"].is_string() && attrs["mfaAuthenticated"].is_string(),
                "{r}"
            );
        }
    }
}

#[test]
fn every_technique_is_injected_with_matching_ground_truth() {
    let explicit = AttackId::parse("aws.exfiltration.ec2-share-ami").expect("known");
    let mut attacks = all_attacks();
    attacks.push((explicit, Some(ts(START + 7_200))));
    let (text, truth_text, summary) = ndjson(9, 10_000, attacks.clone());
    let records = parse_lines(&text);
    let by_id: HashMap<&str, &Value> = records
        .iter()
        .map(|r| (r["eventID"].as_str().unwrap_or_default(), r))
        .collect();
    let truth = parse_lines(&truth_text);
    assert_eq!(truth.len(), summary.ground_truth.len());
    assert_eq!(truth.len() as u64, summary.attack_events);
    for (line, entry) in truth.iter().zip(&summary.ground_truth) {
        assert_eq!(
            line,
            &serde_json::from_str::<Value>(&entry.to_json()).expect("json")
        );
    }
    let background_ips: BTreeSet<&str> = records
        .iter()
        .filter(|r| {
            !summary
                .ground_truth
                .iter()
                .any(|g| g.event_id == r["eventID"].as_str().unwrap_or_default())
        })
        .map(|r| r["sourceIPAddress"].as_str().unwrap_or_default())
        .collect();

    let mut per_attack: BTreeMap<usize, Vec<&Value>> = BTreeMap::new();
    for g in &summary.ground_truth {
        let r = by_id
            .get(g.event_id.as_str())
            .unwrap_or_else(|| panic!("{} not in output", g.event_id));
        assert_eq!(r["eventName"], g.event_name.as_str());
        assert_eq!(r["eventSource"], g.event_source.as_str());
        assert_eq!(r["eventTime"], g.event_time.as_str());
        assert_eq!(r["recipientAccountId"], g.account.as_str());
        assert_eq!(r["awsRegion"], g.region.as_str());
        let info = g.technique.info();
        assert_eq!(g.technique_name, info.name);
        assert_eq!(
            g.tactics,
            info.tactics.iter().map(|t| t.id).collect::<Vec<_>>()
        );
        assert_eq!(
            g.attack_techniques,
            info.techniques.iter().map(|t| t.id).collect::<Vec<_>>()
        );
        assert_eq!(g.technique, attacks[g.attack].0);
        per_attack.entry(g.attack).or_default().push(r);
    }
    assert_eq!(
        per_attack.len(),
        attacks.len(),
        "every attack injects events"
    );
    for (index, events) in &per_attack {
        let info = attacks[*index].0.info();
        let mut calls: Vec<String> = Vec::new();
        for r in events {
            let source = r["eventSource"].as_str().unwrap_or_default();
            let call = format!(
                "{}:{}",
                source.split('.').next().unwrap_or_default(),
                r["eventName"].as_str().unwrap_or_default()
            );
            if !calls.contains(&call) {
                calls.push(call);
            }
            let ip = r["sourceIPAddress"].as_str().unwrap_or_default();
            let inside = info.id == "aws.discovery.ec2-enumerate-from-instance"
                && r["userIdentity"]["arn"]
                    .as_str()
                    .is_some_and(|a| a.contains("/i-"));
            if !inside {
                assert!(
                    !background_ips.contains(ip),
                    "{}: attacker address {ip} also in background",
                    info.id
                );
            }
        }
        assert_eq!(calls, info.api_calls, "{}", info.id);
    }
    // The explicitly timed attack starts at its time.
    let first = per_attack[&(attacks.len() - 1)][0]["eventTime"]
        .as_str()
        .expect("time")
        .parse::<jiff::Timestamp>()
        .expect("time");
    assert!(
        (START + 7_200..START + 7_200 + 60).contains(&first.as_second()),
        "{first}"
    );
}

#[test]
fn seed_scenarios_have_the_shapes_their_rules_need() {
    let seeds = [
        "seed.lambda-public-invoke",
        "seed.lambda-cross-account-invoke",
        "seed.lambda-permission-by-iam-user",
        "seed.lambda-write-permission",
        "seed.iam-policy-change",
    ];
    let attacks = seeds
        .iter()
        .map(|s| (AttackId::parse(s).expect("known"), None))
        .collect();
    let (text, _, summary) = ndjson(13, 1_000, attacks);
    let records = parse_lines(&text);
    let injected = |seed: &str, name: &str| -> Vec<&Value> {
        summary
            .ground_truth
            .iter()
            .filter(|g| g.technique.as_str() == seed && g.event_name == name)
            .filter_map(|g| records.iter().find(|r| r["eventID"] == g.event_id.as_str()))
            .collect()
    };
    let add = "AddPermission20150331v2";
    let public = injected(seeds[0], add);
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["requestParameters"]["principal"], "*");
    assert_eq!(
        public[0]["requestParameters"]["action"],
        "lambda:InvokeFunction"
    );
    assert_eq!(public[0]["eventSource"], "lambda.amazonaws.com");
    let cross = injected(seeds[1], add);
    let principal = cross[0]["requestParameters"]["principal"]
        .as_str()
        .expect("principal");
    assert!(
        principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()),
        "{principal}"
    );
    assert!(!summary.accounts.iter().any(|a| a == principal));
    let by_user = injected(seeds[2], add);
    assert_eq!(by_user[0]["userIdentity"]["type"], "IAMUser");
    let write = injected(seeds[3], add);
    let actions: Vec<&str> = write
        .iter()
        .map(|r| {
            r["requestParameters"]["action"]
                .as_str()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        actions,
        ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"]
    );
    for r in public.iter().chain(&cross).chain(&write) {
        let keys: Vec<&String> = r["requestParameters"]
            .as_object()
            .expect("object")
            .keys()
            .collect();
        assert_eq!(keys, ["functionName", "statementId", "action", "principal"]);
        assert!(r.get("errorCode").is_none());
    }
    let policy = injected(seeds[4], "PutUserPolicy");
    assert_eq!(policy.len(), 1);
    assert!(policy[0].get("errorCode").is_none());
}

#[test]
fn s3_layout_has_delivery_paths_names_and_valid_gzip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let attacks = vec![(
        AttackId::parse("aws.defense-evasion.cloudtrail-delete").expect("known"),
        None,
    )];
    let summary = s3(dir.path(), 17, 6_000, attacks);
    let files = files_under(dir.path());
    assert!(files.contains(&PathBuf::from("ground-truth.jsonl")));
    let truth = std::fs::read_to_string(dir.path().join("ground-truth.jsonl")).expect("reads");
    assert_eq!(truth.lines().count() as u64, summary.attack_events);
    let logs: Vec<&PathBuf> = files.iter().filter(|f| f.starts_with("AWSLogs")).collect();
    assert_eq!(logs.len() as u64, summary.files);
    assert_eq!(logs.len() + 1, files.len());
    let mut total = 0u64;
    let mut stamps_per_dir: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    let mut unsorted_files = 0;
    for f in logs {
        let parts: Vec<String> = f.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        assert_eq!(parts.len(), 8, "{}", f.display());
        let (account, region, y, m, d, name) = (
            &parts[1], &parts[3], &parts[4], &parts[5], &parts[6], &parts[7],
        );
        assert_eq!(parts[2], "CloudTrail");
        assert!(summary.accounts.contains(account) && summary.regions.contains(region));
        let prefix = format!("{account}_CloudTrail_{region}_{y}{m}{d}T");
        assert!(name.starts_with(&prefix), "{name}");
        let rest = &name[prefix.len()..];
        // HHMMZ_<16 alphanumerics>.json.gz
        assert_eq!(rest.len(), 5 + 1 + 16 + 8, "{name}");
        assert!(
            rest[..4].bytes().all(|b| b.is_ascii_digit()) && &rest[4..6] == "Z_",
            "{name}"
        );
        assert!(
            rest[6..22].bytes().all(|b| b.is_ascii_alphanumeric()) && rest.ends_with(".json.gz"),
            "{name}"
        );
        let stamp: jiff::Timestamp = format!("{y}-{m}-{d}T{}:{}:00Z", &rest[..2], &rest[2..4])
            .parse()
            .expect("stamp");
        stamps_per_dir
            .entry(f.parent().expect("dir").to_path_buf())
            .or_default()
            .push(rest[..4].to_owned());
        let doc: Value = serde_json::from_str(&gunzip(&dir.path().join(f))).expect("JSON document");
        let records = doc["Records"].as_array().expect("Records array");
        assert!(!records.is_empty());
        let mut times = Vec::new();
        for r in records {
            assert_eq!(r["recipientAccountId"].as_str(), Some(account.as_str()));
            assert_eq!(r["awsRegion"].as_str(), Some(region.as_str()));
            let t: jiff::Timestamp = r["eventTime"]
                .as_str()
                .expect("time")
                .parse()
                .expect("time");
            // The file holds the 5 minutes before its stamp.
            assert!(
                t.as_second() < stamp.as_second() && t.as_second() >= stamp.as_second() - 300,
                "{t} in {name}"
            );
            times.push(t);
        }
        if times.windows(2).any(|w| w[0] > w[1]) {
            unsorted_files += 1;
        }
        total += records.len() as u64;
    }
    assert_eq!(total, summary.background_events + summary.attack_events);
    assert!(
        unsorted_files > 0,
        "records should only be roughly sorted, as CloudTrail delivers them"
    );
    for stamps in stamps_per_dir.values() {
        let mut sorted = stamps.clone();
        sorted.sort();
        assert_eq!(&sorted, stamps, "file names are in time order");
    }
    // us-east-1 carries global services even though every account has a home region first.
    assert!(summary.regions.iter().any(|r| r == "us-east-1"));
}

/// A named predicate over records.
type Check<'a> = (&'a str, &'a dyn Fn(&Value) -> bool);
/// A named change to the options.
type Change = (&'static str, Box<dyn Fn(&mut SimOptions<'_>)>);

fn count(records: &[Value], pred: impl Fn(&Value) -> bool) -> u64 {
    records.iter().filter(|r| pred(r)).count() as u64
}

const SEVENTEEN: [&str; 17] = [
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "SetDefaultPolicyVersion",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];

#[test]
fn background_is_benign_at_documented_rates() {
    let (text, truth, summary) = ndjson(42, 50_000, vec![]);
    assert!(truth.is_empty() && summary.attack_events == 0);
    let r = parse_lines(&text);
    assert_eq!(r.len(), 50_000);
    let name = |v: &Value, n: &str| v["eventName"] == n;
    let ok = |v: &Value| v.get("errorCode").is_none() && v.get("errorMessage").is_none();

    // None of the attack patterns.
    let add_permission: Vec<&Value> = r
        .iter()
        .filter(|v| name(v, "AddPermission20150331v2"))
        .collect();
    assert!(add_permission.iter().all(|v| {
        let p = v["requestParameters"]["principal"]
            .as_str()
            .unwrap_or_default();
        p.ends_with(".amazonaws.com") && v["requestParameters"]["sourceArn"].is_string()
    }));
    for forbidden in [
        "StopLogging",
        "DeleteTrail",
        "PutEventSelectors",
        "ModifyImageAttribute",
        "ModifySnapshotAttribute",
        "ModifyDBSnapshotAttribute",
        "GetPasswordData",
        "CreateAccessKey",
        "CreateUser",
        "CreateLoginProfile",
        "UpdateLoginProfile",
        "AuthorizeSecurityGroupIngress",
        "DeleteFlowLogs",
        "SendCommand",
        "PutBucketPolicy",
        "UpdateAssumeRolePolicy",
        "LeaveOrganization",
        "GetFederationToken",
    ] {
        assert_eq!(
            count(&r, |v| name(v, forbidden)),
            0,
            "{forbidden} in background"
        );
    }
    assert_eq!(
        count(&r, |v| v["userIdentity"]["type"] == "IAMUser"
            && name(v, "ListBuckets")),
        0
    );

    // The benign-but-alertable events are exactly the ones the summary counts.
    let policy = count(&r, |v| {
        v["eventSource"] == "iam.amazonaws.com" && SEVENTEEN.iter().any(|n| name(v, n)) && ok(v)
    });
    let login = |v: &Value| name(v, "ConsoleLogin");
    let recount = [
        (Notable::IamPolicyChange, policy),
        (
            Notable::LambdaServicePermission,
            add_permission.len() as u64,
        ),
        (
            Notable::ConsoleLoginSso,
            count(&r, |v| {
                login(v) && v["additionalEventData"]["SamlProviderArn"].is_string()
            }),
        ),
        (
            Notable::ConsoleLoginNoMfa,
            count(&r, |v| {
                login(v)
                    && v["userIdentity"]["type"] == "IAMUser"
                    && v["additionalEventData"]["MFAUsed"] == "No"
                    && v["responseElements"]["ConsoleLogin"] == "Success"
            }),
        ),
        (
            Notable::ConsoleLoginFailure,
            count(&r, |v| {
                login(v) && v["errorMessage"] == "Failed authentication"
            }),
        ),
        (
            Notable::RootActivity,
            count(&r, |v| v["userIdentity"]["type"] == "Root"),
        ),
        (
            Notable::AutoScalingLaunch,
            count(&r, |v| name(v, "RunInstances")),
        ),
    ];
    for (category, n) in recount {
        assert_eq!(summary.notable(category), n, "{category:?}");
    }
    // The crate documentation quotes this run's counts.
    let counts: Vec<u64> = Notable::ALL.iter().map(|n| summary.notable(*n)).collect();
    assert_eq!(counts, [12, 6, 3, 0, 1, 0, 3]);
    // ... at the documented rates (Poisson bounds for this seed's 50 000 events).
    assert!(
        (4..=20).contains(&policy),
        "IAM policy changes: {policy} (expected ~10)"
    );
    assert!(add_permission.len() <= 6);
    assert!(summary.notable(Notable::RootActivity) <= 5);

    // A read-heavy mix of many real APIs, with realistic failures.
    let read_only = count(&r, |v| v["readOnly"] == true);
    assert!(
        read_only * 100 / 50_000 >= 85,
        "read-only share {read_only}"
    );
    let names: BTreeSet<&str> = r.iter().filter_map(|v| v["eventName"].as_str()).collect();
    assert!(names.len() >= 120, "{} distinct APIs", names.len());
    let errors = 50_000 - count(&r, ok);
    assert!((250..=2_500).contains(&errors), "{errors} errors");
    for code in [
        "AccessDenied",
        "AccessDeniedException",
        "Client.UnauthorizedOperation",
        "ThrottlingException",
        "Client.RequestLimitExceeded",
    ] {
        assert!(count(&r, |v| v["errorCode"] == code) > 0, "no {code}");
    }
    let denied = count(&r, |v| {
        matches!(
            v["errorCode"].as_str(),
            Some("AccessDenied" | "AccessDeniedException" | "Client.UnauthorizedOperation")
        )
    });
    assert!((100..=1_000).contains(&denied), "{denied} denials");
}

#[test]
fn background_has_the_documented_principals_agents_and_addresses() {
    let (text, _, _) = ndjson(8, 400_000, vec![]);
    let arn = |v: &Value| {
        v["userIdentity"]["arn"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let ua = |v: &Value| v["userAgent"].as_str().unwrap_or_default().to_owned();
    let ip = |v: &Value| v["sourceIPAddress"].as_str().unwrap_or_default().to_owned();
    let checks: [Check<'_>; 19] = [
        ("IAM user with access key", &|v| {
            v["userIdentity"]["type"] == "IAMUser"
                && v["userIdentity"]["accessKeyId"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("AKIA"))
        }),
        ("EC2 instance role session", &|v| {
            arn(v).contains(":assumed-role/") && arn(v).contains("/i-0")
        }),
        ("SSO role with e-mail session", &|v| {
            arn(v).contains("/AWSReservedSSO_") && arn(v).contains('@')
        }),
        ("service on behalf (invokedBy)", &|v| {
            v["userIdentity"]["type"] == "AssumedRole" && v["userIdentity"]["invokedBy"].is_string()
        }),
        ("AWS service", &|v| {
            v["userIdentity"]["type"] == "AWSService"
        }),
        ("root", &|v| v["userIdentity"]["type"] == "Root"),
        ("MFA-authenticated console login", &|v| {
            v["additionalEventData"]["MFAUsed"] == "Yes"
        }),
        ("console login without MFA", &|v| {
            v["eventName"] == "ConsoleLogin"
                && v["userIdentity"]["type"] == "IAMUser"
                && v["additionalEventData"]["MFAUsed"] == "No"
                && v["responseElements"]["ConsoleLogin"] == "Success"
        }),
        ("failed console login", &|v| {
            v["errorMessage"] == "Failed authentication"
        }),
        ("aws-cli", &|v| ua(v).starts_with("aws-cli/2")),
        ("boto3", &|v| ua(v).starts_with("Boto3/")),
        ("terraform", &|v| ua(v).contains("Terraform/")),
        ("browser", &|v| ua(v).starts_with("Mozilla/5.0")),
        ("Java SDK", &|v| ua(v).starts_with("aws-sdk-java/")),
        ("AWS Internal", &|v| ip(v) == "AWS Internal"),
        ("service host as source", &|v| {
            ip(v) == "ssm.amazonaws.com" || ip(v) == "config.amazonaws.com"
        }),
        ("public IPv4", &|v| {
            ip(v)
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|a| !a.is_private())
        }),
        ("VPC endpoint", &|v| v["vpcEndpointId"].is_string()),
        ("data event", &|v| {
            v["eventCategory"] == "Data" && v["managementEvent"] == false
        }),
    ];
    let mut seen = [false; 19];
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("json");
        for (i, (_, pred)) in checks.iter().enumerate() {
            seen[i] = seen[i] || pred(&v);
        }
        if v["userIdentity"]["type"] == "Root" && v["eventName"] != "ConsoleLogin" {
            assert_eq!(v["sessionCredentialFromConsole"], "true");
        }
    }
    for ((what, _), seen) in checks.iter().zip(seen) {
        assert!(seen, "no {what}");
    }
}

#[test]
fn invalid_options_are_rejected_before_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("never");
    let attack = AttackId::parse("seed.iam-policy-change").expect("known");
    let cases: Vec<Change> = vec![
        ("days must be", Box::new(|o| o.days = 0)),
        ("accounts must be", Box::new(|o| o.accounts = 0)),
        ("regions are needed", Box::new(|o| o.regions.clear())),
        (
            "not an AWS region",
            Box::new(|o| o.regions = vec!["../../etc".into()]),
        ),
        (
            "listed twice",
            Box::new(|o| o.regions = vec!["eu-west-1".into(), "eu-west-1".into()]),
        ),
        (
            "outside the simulated window",
            Box::new(move |o| o.attacks = vec![(attack, Some(ts(START - 1)))]),
        ),
        (
            "outside the simulated window",
            Box::new(move |o| o.attacks = vec![(attack, Some(ts(START + 86_400)))]),
        ),
    ];
    for (message, change) in cases {
        let mut o = SimOptions::new(Layout::S3 { dir: out.clone() });
        o.start = ts(START);
        change(&mut o);
        match simulate(o) {
            Err(SimError::Invalid(m)) => assert!(m.contains(message), "{m}"),
            other => panic!("expected an invalid-options error, got {other:?}"),
        }
        assert!(!out.exists());
    }
}

#[test]
fn attacks_alone_and_chains_running_past_the_window() {
    // No background at all: only the injected chain, and nothing else in the output.
    let id = AttackId::parse("aws.credential-access.ec2-get-password-data").expect("known");
    let (text, truth, summary) = ndjson(1, 0, vec![(id, Some(ts(START + 600)))]);
    assert_eq!(summary.background_events, 0);
    assert_eq!(summary.attack_events, 32);
    assert_eq!(text.lines().count(), 32);
    assert_eq!(truth.lines().count(), 32);
    // A chain starting a few seconds before the end continues after it, in the same order.
    let last = START + 86_400 - 3;
    let (text, _, summary) = ndjson(1, 1_000, vec![(id, Some(ts(last)))]);
    let records = parse_lines(&text);
    assert_eq!(records.len() as u64, 1_000 + summary.attack_events);
    let after_end = records
        .iter()
        .filter(|r| r["eventTime"].as_str().unwrap_or_default() >= "2024-01-02T00:00:00Z")
        .count();
    assert!(
        after_end > 0 && after_end as u64 <= summary.attack_events,
        "{after_end}"
    );
    assert_eq!(
        summary.last_event.map(|t| t.as_second() >= START + 86_400),
        Some(true)
    );
}

#[test]
fn technique_list_covers_stratus_and_the_seeds() {
    let all = techniques();
    assert!(all.len() >= 35);
    assert_eq!(AttackId::all().count(), all.len());
    for id in [
        "aws.persistence.lambda-backdoor-function",
        "aws.defense-evasion.cloudtrail-stop",
        "aws.credential-access.ec2-get-password-data",
        "aws.exfiltration.ec2-share-ami",
        "aws.privilege-escalation.iam-update-user-login-profile",
        "aws.initial-access.console-login-without-mfa",
    ] {
        assert!(AttackId::parse(id).is_some(), "{id}");
    }
}
