//! The alert table in a real terminal (tmux) at 80 and 200 columns: no line is wider than the
//! terminal, a value that does not fit ends in an ellipsis rather than being cut mid-word, and
//! severity colours are there unless `NO_COLOR` is set.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const EVENTS: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/mallory-with-a-rather-long-name","accountId":"111122223333","userName":"mallory-with-a-rather-long-name"},"eventTime":"2024-05-01T10:00:00Z","eventSource":"lambda.amazonaws.com","eventName":"AddPermission20150331v2","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","requestParameters":{"functionName":"backdoor","statementId":"s1","action":"lambda:InvokeFunction","principal":"*"},"eventID":"e1","eventType":"AwsApiCall","recipientAccountId":"111122223333"}
{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/mallory-with-a-rather-long-name","accountId":"111122223333","userName":"mallory-with-a-rather-long-name"},"eventTime":"2024-05-01T10:01:00Z","eventSource":"lambda.amazonaws.com","eventName":"AddPermission20150331v2","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","requestParameters":{"functionName":"backdoor","statementId":"s2","action":"lambda:InvokeFunction","principal":"444455556666"},"eventID":"e2","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#;

const RULES: [&str; 4] = [
    "AWS Lambda function resource-based policy modified by IAM user",
    "AWS Lambda Function Policy Updated to Allow Public Invocation",
    "AWS Lambda Function Policy Updated to Allow Cross-Account Invocation",
    "Lambda Add Permissions for Write Actions to Function",
];

/// Runs `hunt` (table output) in a detached tmux session `cols` wide and returns the screen,
/// with escape sequences.
fn screen(dir: &Path, cols: u16, no_color: bool) -> Option<String> {
    let socket = format!("trailhound-test-{}-{cols}-{no_color}", std::process::id());
    let log = dir.join("log.ndjson");
    std::fs::write(&log, EVENTS).expect("write");
    let env = if no_color { "NO_COLOR=1 " } else { "" };
    // The four seed rules that fire on these events, named explicitly so that rules added to the
    // pack later do not change the table.
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let rules: String = [
        "elastic/lambda_policy_public_invocation.toml",
        "elastic/lambda_policy_cross_account_invocation.toml",
        "elastic/hunting/lambda_add_permissions_for_write_actions.toml",
        "datadog/lambda_resource_policy_modified_by_iam_user.json",
    ]
    .iter()
    .map(|f| format!("-r {} ", pack.join(f).display()))
    .collect();
    let cmd = format!(
        "{env}{} hunt --no-progress -q {rules}{} ; echo __DONE__; sleep 60",
        env!("CARGO_BIN_EXE_trailhound"),
        log.display()
    );
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-L")
            .arg(&socket)
            .args(args)
            .output()
    };
    let started = tmux(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        &cols.to_string(),
        "-y",
        "50",
        &cmd,
    ])
    .ok()?;
    if !started.status.success() {
        return None;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut text = String::new();
    while Instant::now() < deadline {
        let out = tmux(&["capture-pane", "-p", "-e", "-J"]).expect("capture");
        text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.contains("__DONE__") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = tmux(&["kill-server"]);
    assert!(text.contains("__DONE__"), "hunt did not finish: {text}");
    Some(text)
}

fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(strip)
        .filter(|l| l.starts_with("2024-05-01"))
        .collect()
}

/// Every rule name is shown whole, or as a prefix ending in an ellipsis.
fn rule_cells_are_whole_or_elided(rows: &[String]) -> usize {
    let mut elided = 0;
    for row in rows {
        let shown = RULES.iter().find_map(|name| {
            if row.contains(name) {
                return Some(false);
            }
            (4..name.len())
                .rev()
                .find(|&k| name.is_char_boundary(k) && row.contains(&format!("{}…", &name[..k])))
                .map(|_| true)
        });
        match shown {
            Some(true) => elided += 1,
            Some(false) => {}
            None => panic!("a rule name is cut without an ellipsis: {row}"),
        }
    }
    elided
}

#[test]
fn table_fits_80_and_200_columns_with_and_without_colour() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let Some(narrow) = screen(tmp.path(), 80, false) else {
        eprintln!("skipped: tmux is not installed (bash .ci/run installs it)");
        return;
    };
    let narrow_rows = rows(&narrow);
    assert_eq!(narrow_rows.len(), 5, "{narrow}");
    for line in narrow.lines().map(strip) {
        assert!(line.chars().count() <= 80, "wider than 80: {line}");
    }
    assert!(
        rule_cells_are_whole_or_elided(&narrow_rows) > 0,
        "80 columns must elide some names: {narrow}"
    );
    assert!(
        narrow.contains("\u{1b}["),
        "severity in colour on a terminal"
    );

    let wide = screen(tmp.path(), 200, false).expect("tmux ran before");
    let wide_rows = rows(&wide);
    assert_eq!(wide_rows.len(), 5);
    for line in wide.lines().map(strip) {
        assert!(line.chars().count() <= 200, "wider than 200: {line}");
    }
    rule_cells_are_whole_or_elided(&wide_rows);
    let widest = wide
        .lines()
        .map(|l| strip(l).chars().count())
        .max()
        .unwrap_or(0);
    assert!(widest > 150, "the table uses the room it has: {widest}");
    assert!(
        wide_rows
            .iter()
            .all(|r| r.contains("203.0.113.9") && r.contains("111122223333/us-east-1")),
        "every column at 200: {wide}"
    );
    let plain = screen(tmp.path(), 80, true).expect("tmux ran before");
    assert!(
        !plain.contains("\u{1b}["),
        "NO_COLOR: no escapes: {plain:?}"
    );
    assert_eq!(rows(&plain), narrow_rows, "the same text without colour");
}
