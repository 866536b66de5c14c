//! Differential test against the Python `eql` package (`pip install eql`, version 1.0.1, as
//! detection-rules pins it), in its Elasticsearch syntax mode.
//!
//! A few hundred CloudTrail records are generated (varied case, missing fields, multi-valued
//! ECS fields); this crate evaluates each query on the raw records through the ECS view, and
//! `eql.PythonEngine` evaluates it on the ECS documents of the same records
//! (`trailhound_event::document`). For queries where the package is faithful to Elasticsearch
//! the match sets must be equal. The package is not faithful everywhere
//! (`shared/reference/elastic-rules.md` §10); queries that exercise a known deviation are
//! listed with it in [`DEVIATIONS`], and for each deviation the test checks that the two
//! engines really do disagree on the generated data (so the exclusion is not hiding a bug of
//! ours that was since fixed on their side, or a wrong reason).
//!
//! The package's case handling is a global switch (`eql.utils.CASE_INSENSITIVE`): queries
//! using case-sensitive operators (`==`, `like`, `regex`, `in`, functions without `~`) run with
//! it off, queries using case-insensitive operators (`:`, `in~`, `like~`, `regex~`, `~`
//! functions) with it on (its default).
//!
//! Without `python3` or the `eql` module the test prints why and passes without checking, so
//! CI without Python still passes; CI installs `eql`, so it normally runs.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use trailhound_event::{Event, View, document};
use trailhound_lang_eql::{CompileOptions, Plan, compile, parse};

/// The known deviations of the Python package, with the reason (`elastic-rules.md` §10 unless
/// said otherwise).
const DEVIATIONS: &[(&str, &str)] = &[
    (
        "case",
        "§10 Case: the package ignores case everywhere by default (`==`, `like`, \
         `stringContains` included, `~` dropped); its global switch makes everything \
         case-sensitive instead, `:`, `in~` and the `~` functions included",
    ),
    (
        "literal-stringContains",
        "§10: `stringContains` is a literal substring test in the package; Elasticsearch \
         pushes it down as a wildcard query (`*` and `?` wildcards, `\\` escapes)",
    ),
    (
        "arrays",
        "§10 Arrays: the package does not match multi-valued fields element-wise \
         (`event.type == \"info\"` is false for `[\"user\", \"info\"]`)",
    ),
    (
        "category",
        "§10 Event category: the package reads the category from a top-level `event_type` \
         key, not from `event.category` / `event.type`",
    ),
    (
        "single-char-wildcard",
        "not in §10: the package's wildcards know only `*` (`Wildcard.to_regex` splits on \
         `*`), so `?` is literal; Elasticsearch's `StringUtils.toLikePattern` maps `?` to \
         exactly one character for `:`, `like` and `like~`",
    ),
    (
        "null-negation",
        "not in §10: the package gives every comparison SQL null semantics, so `f != c`, \
         `not f == c` and `f not in (..)` are false when `f` is missing; Elasticsearch \
         translates them to `bool.must_not` of an index query, true when `f` is missing \
         (crate Semantics, \"How Elasticsearch evaluates a condition\")",
    ),
];

/// `(query, run the package case-insensitively, deviation)`.
const QUERIES: &[(&str, bool, Option<&str>)] = &[
    // Case-sensitive operators, faithful with the switch off.
    (r#"event.action == "GetUser""#, false, None),
    (r#"event.action != "GetUser""#, false, None),
    (r#"event.provider == "iam.amazonaws.com""#, false, None),
    (
        r#"event.action in ("GetUser", "CreateUser", "getUser")"#,
        false,
        None,
    ),
    (r#"event.action like "Get*""#, false, None),
    (r#"event.action like ("*User", "Assume*")"#, false, None),
    (r#"event.action regex "[A-Z][a-z]+User""#, false, None),
    (r#"user_agent.original like "*terraform*""#, false, None),
    (r#"startsWith(event.action, "Get")"#, false, None),
    (r#"endsWith(event.action, "User")"#, false, None),
    (
        r#"stringContains(user_agent.original, "Boto3")"#,
        false,
        None,
    ),
    (
        r#"stringContains(aws.cloudtrail.request_parameters, "principal=")"#,
        false,
        None,
    ),
    (
        r#"stringContains(aws.cloudtrail.request_parameters, "lambda:InvokeFunction") and not stringContains(aws.cloudtrail.request_parameters, ".amazonaws.com")"#,
        false,
        None,
    ),
    (
        r#"aws.cloudtrail.error_code == "AccessDenied""#,
        false,
        None,
    ),
    ("aws.cloudtrail.error_code == null", false, None),
    ("aws.cloudtrail.error_code != null", false, None),
    ("length(event.action) > 7", false, None),
    ("length(user_agent.original) < 20", false, None),
    (r#"substring(event.action, 0, 3) == "Get""#, false, None),
    (
        r#"concat(event.action, "@", event.provider) == "GetUser@iam.amazonaws.com""#,
        false,
        None,
    ),
    (
        r#"between(user_agent.original, "/", " ") == "1.26""#,
        false,
        None,
    ),
    (r#"indexOf(event.action, "User") == 3"#, false, None),
    (r#"number("12") + length(event.action) > 20"#, false, None),
    (
        r#"cidrMatch(source.ip, "203.0.113.0/24", "10.0.0.0/8")"#,
        false,
        None,
    ),
    (
        r#"event.action == "GetUser" and user.name == "alice""#,
        false,
        None,
    ),
    (
        r#"event.action == "GetUser" or event.action == "DeleteUser""#,
        false,
        None,
    ),
    (
        r#"aws.cloudtrail.user_identity.type in ("Root", "AssumedRole")"#,
        false,
        None,
    ),
    (r#"event.outcome == "success""#, false, None),
    (r#"event.action < "M""#, false, None),
    ("add(length(event.action), 1) == 8", false, None),
    ("modulo(length(event.action), 2) == 1", false, None),
    ("divide(length(event.action), 2) == 3", false, None),
    (r#"source.ip == "203.0.113.7""#, false, None),
    (r#"cloud.region == "eu-west-1""#, false, None),
    // Case-insensitive operators, faithful with the switch on (the default).
    (r#"event.action : "getuser""#, true, None),
    (r#"event.action : "get*""#, true, None),
    (r#"event.provider : "IAM.AMAZONAWS.COM""#, true, None),
    (r#"event.action in~ ("getuser", "deleteuser")"#, true, None),
    (r#"event.action like~ "*user""#, true, None),
    (r#"event.action regex~ "get.*""#, true, None),
    (r#"startsWith~(event.action, "get")"#, true, None),
    (r#"endsWith~(event.action, "USER")"#, true, None),
    (
        r#"stringContains~(user_agent.original, "boto3")"#,
        true,
        None,
    ),
    (r#"user_agent.original : "*terraform*""#, true, None),
    // Known deviations.
    (r#"event.action == "getuser""#, true, Some("case")),
    (r#"event.action like "get*""#, true, Some("case")),
    (
        r#"stringContains(user_agent.original, "boto3")"#,
        true,
        Some("case"),
    ),
    (r#"event.action : "getuser""#, false, Some("case")),
    (r#"event.action in~ ("getuser")"#, false, Some("case")),
    (
        r#"stringContains(aws.cloudtrail.request_parameters, "principal=\\*")"#,
        false,
        Some("literal-stringContains"),
    ),
    (
        r#"stringContains(aws.cloudtrail.request_parameters, "userName=*")"#,
        false,
        Some("literal-stringContains"),
    ),
    (
        r#"event.action like ("*User", "Assume?ole")"#,
        false,
        Some("single-char-wildcard"),
    ),
    (
        r#"event.action : "assume?ole""#,
        true,
        Some("single-char-wildcard"),
    ),
    (r#"event.type == "info""#, false, Some("arrays")),
    (r#"event.category == "iam""#, false, Some("arrays")),
    ("iam where true", false, Some("category")),
    ("file where true", false, Some("category")),
    (
        r#"aws.cloudtrail.error_code != "AccessDenied""#,
        false,
        Some("null-negation"),
    ),
    (r#"not user.name == "alice""#, false, Some("null-negation")),
    (
        r#"aws.cloudtrail.error_code not in ("AccessDenied")"#,
        false,
        Some("null-negation"),
    ),
];

/// Evaluates queries with `eql.PythonEngine`: reads `{"events": [...], "queries": [{"query",
/// "ci"}]}`, prints one list of matching event indices (or `{"error": ...}`) per query.
const PYTHON: &str = r#"
import json, sys
import eql
data = json.load(sys.stdin)
events = [eql.Event("generic", 0, dict(e, _i=i)) for i, e in enumerate(data["events"])]
out = []
for q in data["queries"]:
    eql.utils.CASE_INSENSITIVE = q["ci"]
    try:
        with eql.parser.elasticsearch_syntax, eql.parser.ignore_missing_functions:
            parsed = eql.parse_query(q["query"])
        engine = eql.PythonEngine()
        hits = []
        engine.add_query(parsed)
        engine.add_output_hook(lambda r, hits=hits: hits.extend(e.data["_i"] for e in r.events))
        engine.stream_events(events)
        out.append(sorted(set(hits)))
    except Exception as ex:
        out.append({"error": "%s: %s" % (type(ex).__name__, ex)})
print(json.dumps(out))
"#;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = (self.next() % items.len() as u64) as usize;
        &items[i % items.len()]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// CloudTrail records with varied case, missing fields and multi-valued ECS fields.
fn records(n: usize) -> Vec<String> {
    let mut rng = Rng(0x5EED_CAFE_F00D_u64);
    let names = [
        ("GetUser", "iam.amazonaws.com"),
        ("getUser", "iam.amazonaws.com"),
        ("GETUSER", "IAM.amazonaws.com"),
        ("CreateUser", "iam.amazonaws.com"),
        ("DeleteUser", "iam.amazonaws.com"),
        ("AttachRolePolicy", "iam.amazonaws.com"),
        ("AddPermission20150331v2", "lambda.amazonaws.com"),
        ("addpermission20150331V2", "lambda.amazonaws.com"),
        ("PutBucketPolicy", "s3.amazonaws.com"),
        ("ListBuckets", "s3.amazonaws.com"),
        ("AssumeRole", "sts.amazonaws.com"),
        ("ConsoleLogin", "signin.amazonaws.com"),
    ];
    let agents = [
        "aws-cli/2.15.0 Python/3.11.6",
        "Boto3/1.26 Python/3.9",
        "BOTO3/1.26 terraform/1.5.7",
        "console.amazonaws.com",
        "Mozilla/5.0 (X11; Kali Linux x86_64)",
        "TruffleHog",
    ];
    let ips = [
        "203.0.113.7",
        "10.1.2.3",
        "198.51.100.23",
        "2001:db8::5",
        "lambda.amazonaws.com",
    ];
    let identities = ["IAMUser", "AssumedRole", "Root", "AWSService"];
    let users = ["alice", "Alice", "bob"];
    let params = [
        json!({"functionName": "f1", "statementId": "s1", "action": "lambda:InvokeFunction", "principal": "*"}),
        json!({"functionName": "f2", "statementId": "s2", "action": "lambda:InvokeFunction", "principal": "123456789012"}),
        json!({"functionName": "f3", "statementId": "s3", "action": "lambda:InvokeFunction", "principal": "s3.amazonaws.com"}),
        json!({"userName": "Bob"}),
        json!({"userName": "bob", "tags": [{"key": "team", "value": "red"}]}),
        json!({"roleName": "r1", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
        json!({"bucketName": "b1", "bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*"}]}}),
    ];
    let regions = ["us-east-1", "eu-west-1", "EU-west-1"];
    let errors = ["AccessDenied", "accessdenied", "NoSuchEntity"];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (name, source) = *rng.pick(&names);
        let mut r = json!({
            "eventVersion": "1.08",
            "eventTime": format!("2024-05-01T{:02}:{:02}:{:02}Z", i / 3600 % 24, i / 60 % 60, i % 60),
            "eventName": name,
            "awsRegion": *rng.pick(&regions),
            "eventID": format!("00000000-0000-4000-8000-{i:012}"),
            "recipientAccountId": "111122223333",
            "eventType": "AwsApiCall",
        });
        let obj = r.as_object_mut().expect("an object");
        if !rng.chance(5) {
            obj.insert("eventSource".into(), json!(source));
        }
        if rng.chance(85) {
            obj.insert("userAgent".into(), json!(*rng.pick(&agents)));
        }
        if rng.chance(85) {
            obj.insert("sourceIPAddress".into(), json!(*rng.pick(&ips)));
        }
        if rng.chance(30) {
            obj.insert("errorCode".into(), json!(*rng.pick(&errors)));
        }
        if rng.chance(80) {
            obj.insert("requestParameters".into(), rng.pick(&params).clone());
        }
        if rng.chance(80) {
            obj.insert("readOnly".into(), json!(rng.chance(50)));
        }
        let kind = *rng.pick(&identities);
        let mut identity = json!({"type": kind, "accountId": "111122223333"});
        if kind == "IAMUser" {
            let user = *rng.pick(&users);
            identity["userName"] = json!(user);
            identity["arn"] = json!(format!("arn:aws:iam::111122223333:user/{user}"));
        }
        obj.insert("userIdentity".into(), identity);
        out.push(r.to_string());
    }
    out
}

fn python_available() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import eql; print(eql.__version__)"])
        .output()
        .map_err(|e| format!("python3 cannot be run: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "the Python `eql` package is not installed (`pip install eql`): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn run_python(events: &[Value]) -> Vec<Result<Vec<usize>, String>> {
    let input = json!({
        "events": events,
        "queries": QUERIES.iter().map(|(q, ci, _)| json!({"query": format!("{}{q}", prefix(q)), "ci": ci})).collect::<Vec<_>>(),
    });
    let mut child = Command::new("python3")
        .args(["-c", PYTHON])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write to python");
    let out = child.wait_with_output().expect("python finishes");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).expect("python prints JSON");
    results
        .into_iter()
        .map(|r| match r {
            Value::Array(ids) => Ok(ids
                .iter()
                .filter_map(|v| v.as_u64().map(|n| n as usize))
                .collect()),
            other => Err(other.to_string()),
        })
        .collect()
}

/// `any where ` unless the query names its category.
fn prefix(query: &str) -> &'static str {
    if query.contains(" where ") {
        ""
    } else {
        "any where "
    }
}

fn ours(query: &str, events: &[String]) -> Vec<usize> {
    let text = format!("{}{query}", prefix(query));
    let q = parse(&text).unwrap_or_else(|d| panic!("{text}: {}", d.render("query", &text)));
    let compiled = compile(&q, &CompileOptions::default())
        .unwrap_or_else(|d| panic!("{text}: {}", d.render("query", &text)));
    let Plan::Event { filter, .. } = compiled.plan else {
        panic!("{text}: an event query")
    };
    events
        .iter()
        .enumerate()
        .filter(|(_, raw)| filter.eval(&Event::parse(raw).expect("valid record")))
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn agrees_with_the_python_eql_package_where_it_is_faithful() {
    if let Err(why) = python_available() {
        println!("SKIPPED differential test against Python eql: {why}");
        return;
    }
    for (_, _, dev) in QUERIES {
        if let Some(d) = dev {
            assert!(
                DEVIATIONS.iter().any(|(name, _)| name == d),
                "unlisted deviation {d}"
            );
        }
    }
    let raws = records(400);
    let docs: Vec<Value> = raws
        .iter()
        .map(|raw| document(&Event::parse(raw).expect("valid record"), View::ECS))
        .collect();
    let theirs = run_python(&docs);
    assert_eq!(theirs.len(), QUERIES.len());

    let mut failures = Vec::new();
    let mut disagreeing: Vec<&str> = Vec::new();
    let mut compared = 0;
    for ((query, ci, dev), theirs) in QUERIES.iter().zip(theirs) {
        let theirs = match theirs {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{query}: the package fails: {e}"));
                continue;
            }
        };
        let mine = ours(query, &raws);
        let same = mine == theirs;
        match dev {
            None => {
                compared += 1;
                if !same {
                    let only_ours: Vec<_> = mine
                        .iter()
                        .filter(|i| !theirs.contains(i))
                        .take(5)
                        .collect();
                    let only_theirs: Vec<_> = theirs
                        .iter()
                        .filter(|i| !mine.contains(i))
                        .take(5)
                        .collect();
                    failures.push(format!(
                        "{query} (ci {ci}): {} vs {} hits; only ours {only_ours:?}, only theirs {only_theirs:?}; e.g. {}",
                        mine.len(),
                        theirs.len(),
                        only_ours
                            .first()
                            .or(only_theirs.first())
                            .and_then(|i| raws.get(**i))
                            .map_or("", String::as_str)
                    ));
                }
                if mine.is_empty() {
                    failures.push(format!("{query}: matches no generated event (a weak case)"));
                }
            }
            Some(d) => {
                println!(
                    "excluded ({d}): {query}: ours {} hits, the package {} hits",
                    mine.len(),
                    theirs.len()
                );
                if !same {
                    disagreeing.push(d);
                }
            }
        }
    }
    for (name, _) in DEVIATIONS {
        if !disagreeing.contains(name) {
            failures.push(format!(
                "deviation {name}: no excluded query disagrees on the generated events"
            ));
        }
    }
    println!("{compared} queries compared on {} events", raws.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
