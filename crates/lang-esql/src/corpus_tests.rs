//! Conformance tests over the real Elastic rules, hunting queries and ECS fixtures in
//! `shared/corpus`.

use std::path::{Path, PathBuf};

use crate::ast::*;
use crate::dissect::DissectPattern;
use crate::parse;

fn corpus(dir: &str) -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ))
    .join(dir)
}

fn files(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(corpus(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.map(|e| e.path()).unwrap_or_default())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

fn toml_of(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// (file, query) for all 24 hunting queries.
fn hunting_queries() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in files("elastic-hunting", ".toml") {
        let t = toml_of(&path);
        let queries = t
            .get("hunt")
            .and_then(|h| h.get("query"))
            .and_then(|q| q.as_array())
            .cloned()
            .unwrap_or_default();
        for q in queries {
            out.push((name(&path), q.as_str().unwrap_or_default().to_string()));
        }
    }
    out
}

/// (file, query) for every `language = "esql"` rule.
fn esql_rules() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in files("elastic-rules", ".toml") {
        let t = toml_of(&path);
        let Some(rule) = t.get("rule") else { continue };
        if rule.get("language").and_then(|l| l.as_str()) == Some("esql") {
            out.push((
                name(&path),
                rule.get("query")
                    .and_then(|q| q.as_str())
                    .unwrap_or_default()
                    .to_string(),
            ));
        }
    }
    out
}

/// Parses every query; returns the failures as (file, code, rendered diagnostic).
fn parse_all(queries: &[(String, String)]) -> Vec<(String, &'static str, String)> {
    let mut failures = Vec::new();
    for (file, q) in queries {
        match parse(q) {
            Ok(ast) => {
                let printed = ast.to_string();
                let again = parse(&printed)
                    .unwrap_or_else(|d| panic!("{file}: reprint does not parse: {d}\n{printed}"));
                assert_eq!(ast, again, "{file}: round trip changed the tree\n{printed}");
            }
            Err(d) => failures.push((file.clone(), d.code, d.render(file, q))),
        }
    }
    failures
}

#[test]
fn hunting_queries_parse() {
    let queries = hunting_queries();
    assert_eq!(
        queries.len(),
        24,
        "the corpus has 24 AWS hunting queries, one query each"
    );
    let failures = parse_all(&queries);
    // Exactly one hunting query is not valid ES|QL: it compares with a single `=`
    // (`event.provider = "servicequotas.amazonaws.com"`), which Elasticsearch rejects as well.
    let summary: Vec<(&str, &str)> = failures.iter().map(|(f, c, _)| (f.as_str(), *c)).collect();
    assert_eq!(
        summary,
        vec![(
            "servicequotas_discovery_multi_region_get_service_quota_calls.toml",
            "esql::single_equals"
        )],
        "{failures:#?}"
    );
    let rendered = &failures[0].2;
    assert!(
        rendered.contains("event.provider = \"servicequotas.amazonaws.com\""),
        "{rendered}"
    );
    assert!(rendered.contains("help: use `==`"), "{rendered}");
    assert_eq!(queries.len() - failures.len(), 23);
}

#[test]
fn esql_rules_parse() {
    let rules = esql_rules();
    assert_eq!(rules.len(), 22, "the corpus has 22 ES|QL rules");
    let failures = parse_all(&rules);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Feature inventory over the corpus, cross-checked with `reference/elastic-rules.md` §5.
#[test]
fn corpus_feature_counts() {
    fn count_cmds(
        queries: &[(String, String)],
        pred: impl Fn(&ProcessingCommand) -> bool,
    ) -> usize {
        queries
            .iter()
            .filter(|(_, q)| parse(q).is_ok_and(|ast| ast.commands.iter().any(&pred)))
            .count()
    }
    let rules = esql_rules();
    assert_eq!(
        count_cmds(&rules, |c| matches!(c, ProcessingCommand::Keep { .. })),
        22
    );
    assert_eq!(
        count_cmds(&rules, |c| matches!(c, ProcessingCommand::Stats(_))),
        15
    );
    assert_eq!(
        count_cmds(&rules, |c| matches!(c, ProcessingCommand::Eval { .. })),
        13
    );
    assert_eq!(
        count_cmds(&rules, |c| matches!(c, ProcessingCommand::Grok { .. })),
        5
    );
    assert_eq!(
        count_cmds(&rules, |c| matches!(c, ProcessingCommand::Dissect { .. })),
        4
    );
    assert_eq!(
        count_cmds(&rules, |c| matches!(c, ProcessingCommand::Sort { .. })),
        1
    );
    let with_metadata = rules
        .iter()
        .filter(|(_, q)| {
            parse(q)
                .is_ok_and(|a| matches!(&a.source, SourceCommand::From(f) if f.metadata.len() == 3))
        })
        .count();
    assert_eq!(with_metadata, 15);
    let hunts = hunting_queries();
    assert_eq!(
        count_cmds(&hunts, |c| matches!(c, ProcessingCommand::Dissect { .. })),
        16,
        "17 hunts use DISSECT; one of them fails to parse"
    );
    assert_eq!(
        count_cmds(&hunts, |c| matches!(c, ProcessingCommand::Stats(_))),
        18
    );
}

/// Every DISSECT pattern of the corpus, with the `request_parameters`-style strings of
/// `corpus/ecs-mapping` it should or should not match.
#[test]
fn dissect_corpus_patterns_on_real_strings() {
    let expected: Vec<(String, String)> = files("ecs-mapping", "-expected.json")
        .iter()
        .flat_map(|p| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_default())
                    .unwrap_or_default();
            let docs = v
                .get("expected")
                .and_then(|e| e.as_array())
                .cloned()
                .unwrap_or_default();
            let mut out = Vec::new();
            for d in docs {
                for field in [
                    "request_parameters",
                    "response_elements",
                    "additional_eventdata",
                ] {
                    if let Some(s) = d
                        .pointer(&format!("/aws/cloudtrail/{field}"))
                        .and_then(|s| s.as_str())
                    {
                        out.push((field.to_string(), s.to_string()));
                    }
                }
            }
            out
        })
        .collect();
    assert!(expected.len() >= 29, "fixture strings: {}", expected.len());
    let find = |prefix: &str| -> &str {
        expected
            .iter()
            .map(|(_, s)| s.as_str())
            .find(|s| s.starts_with(prefix))
            .unwrap_or_else(|| panic!("no fixture starting {prefix}"))
    };
    let kv = |pairs: &[(&str, &str)]| {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        )
    };
    type Pairs = Option<Vec<(String, String)>>;
    let cases: Vec<(&str, &str, Pairs)> = vec![
        // ec2_suspicious_get_user_password_request.toml
        (
            "{%{?instance_key}=%{instance_id}}",
            find("{instanceId="),
            kv(&[("instance_id", "i-003e90a87a9e72f06")]),
        ),
        // signin_single_factor_console_login_via_federated_session.toml: assumes 2 keys, the
        // real string has 3, so the last value swallows the rest
        (
            "{%{?mobile_version_key}=%{mobile_version}, %{?mfa_used_key}=%{mfa_used}}",
            find("{LoginTo=https://console.aws.amazon.com/s3/"),
            kv(&[
                ("mobile_version", "https://console.aws.amazon.com/s3/"),
                ("mfa_used", "No, MFAUsed=No"),
            ]),
        ),
        // sns_topic_created_by_rare_user.toml
        (
            "{%{?topic_name_key}=%{topic_name}}",
            find("{bucketName=my-test-bucket"),
            kv(&[("topic_name", "my-test-bucket-cross-account")]),
        ),
        // ec2_high_instance_deployment_count_attempts.toml on a string without the key
        ("%{}subnetId=%{subnet_id},", find("{groupId=sg-"), None),
        // iam_customer_managed_policies_attached_to_existing_roles.toml on AttachUserPolicy
        (
            "{%{}::%{owner}:%{?policy_key}/%{attached_policy_name}, %{?role_name_key}=%{target_role_name}}",
            find("{policyArn="),
            kv(&[
                ("owner", "aws"),
                ("attached_policy_name", "AdministratorAccess"),
                ("target_role_name", "pwncloud-backdoor-user"),
            ]),
        ),
        // impact_s3_object_encryption_with_external_key.toml expects a KMS key; the fixture has none
        (
            "{%{?bucketName}=%{Esql.aws_cloudtrail_request_parameters_target_bucket_name},%{?x-amz-server-side-encryption-aws-kms-key-id}=%{?arn}:%{?aws}:%{?kms}:%{?region}:%{Esql.aws_cloudtrail_request_parameters_kms_key_account_id}:%{?key}/%{Esql.aws_cloudtrail_request_parameters_kms_key_id},%{?Host}=%{?tls.client.server.name},%{?x-amz-server-side-encryption}=%{?server_side_encryption},%{?x-amz-copy-source}=%{?bucket.object.name},%{?key}=%{Esql.aws_cloudtrail_request_parameters_target_object_key}}",
            find("{bucketName=elastic-cspm-cloudtrail-test-bucket"),
            None,
        ),
        // impact_s3_static_site_js_file_uploaded.toml: `%{{?bucket.name.key}` is a named skip
        (
            "%{{?bucket.name.key}=%{Esql.aws_cloudtrail_request_parameters_bucket_name}, %{?host.key}=%{Esql_priv.aws_cloudtrail_request_parameters_host}, %{?bucket.object.location.key}=%{Esql.aws_cloudtrail_request_parameters_bucket_object_location}}",
            "{bucketName=site, Host=site.s3.amazonaws.com, key=static/js/main.js}",
            kv(&[
                ("Esql.aws_cloudtrail_request_parameters_bucket_name", "site"),
                (
                    "Esql_priv.aws_cloudtrail_request_parameters_host",
                    "site.s3.amazonaws.com",
                ),
                (
                    "Esql.aws_cloudtrail_request_parameters_bucket_object_location",
                    "static/js/main.js",
                ),
            ]),
        ),
        // ssm_rare_sendcommand_code_execution.toml
        (
            "%{}instanceIds=[%{instance_id}],%{}",
            "{documentName=AWS-RunShellScript, instanceIds=[i-0123], parameters={commands=[id]}}",
            kv(&[("instance_id", "i-0123")]),
        ),
        // sns_direct_to_phone_messaging_spike.toml on a user agent
        (
            "%{user_agent_name} %{?user_agent_remainder}",
            "aws-cli/2.13.0 Python/3.11 Linux",
            kv(&[("user_agent_name", "aws-cli/2.13.0")]),
        ),
        // sns_topic_*: assumed-role ARN
        (
            "%{?}:assumed-role/%{assumed_role_name}/%{entity}",
            "arn:aws:sts::111111111111:assumed-role/test-role/i-0abc",
            kv(&[("assumed_role_name", "test-role"), ("entity", "i-0abc")]),
        ),
        // iam_assume_role_creation_with_attached_policy.toml (embedded JSON policy document)
        (
            "%{}AWS\": \"arn:aws:iam::%{target_account_id}:",
            "{roleName=r, assumeRolePolicyDocument={\"Statement\": [{\"Principal\": {\"AWS\": \"arn:aws:iam::222222222222:root\"}}]}}",
            kv(&[("target_account_id", "222222222222")]),
        ),
    ];
    for (pattern, input, want) in cases {
        let p = DissectPattern::parse(pattern, "").unwrap_or_else(|e| panic!("{pattern}: {e:?}"));
        assert_eq!(p.execute(input), want, "{pattern}\non {input}");
    }
}

/// Every GROK and RLIKE/LIKE pattern in the corpus compiles (the parser validates them) and the
/// compiled queries survive printing.
#[test]
fn corpus_patterns_compile() {
    let mut grok = 0;
    let mut rlike = 0;
    let mut like = 0;
    for (_, q) in esql_rules().iter().chain(hunting_queries().iter()) {
        let Ok(ast) = parse(q) else { continue };
        for c in &ast.commands {
            if let ProcessingCommand::Grok { patterns, .. } = c {
                for p in patterns {
                    assert!(
                        crate::grok::GrokPattern::compile(&p.value).is_ok(),
                        "{}",
                        p.value
                    );
                    grok += 1;
                }
            }
        }
        let text = ast.to_string();
        rlike += text.matches(" RLIKE ").count();
        like += text.matches(" LIKE ").count();
    }
    assert_eq!(grok, 6);
    assert!(rlike >= 16, "{rlike}");
    assert!(like >= 20, "{like}");
}
