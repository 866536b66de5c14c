//! The bundled pack and the README's first command: on a fresh clone, `hunt examples/logs` with
//! the bundled rules prints alerts for all five seed detections, and every bundled rule passes
//! its rule tests (the seed rules with both positive and negative cases).

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const SEEDS: [&str; 5] = [
    "AWS Lambda Function Policy Updated to Allow Public Invocation",
    "AWS Lambda Function Policy Updated to Allow Cross-Account Invocation",
    "Lambda Add Permissions for Write Actions to Function",
    "AWS Lambda function resource-based policy modified by IAM user",
    "AWS IAM policy changed",
];

/// The README's first command, without `cargo run --release --`.
fn readme_first_command() -> Vec<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    let line = readme
        .lines()
        .skip_while(|l| !l.starts_with("```"))
        .nth(1)
        .expect("a first code block");
    let command = line.split('#').next().unwrap_or(line).trim();
    let args = command
        .strip_prefix("cargo run --release -- ")
        .unwrap_or_else(|| panic!("first command: {command}"));
    args.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn the_readme_demo_prints_every_seed_detection() {
    let args = readme_first_command();
    assert_eq!(args[0], "hunt");
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .current_dir(repo())
        .args(&args)
        .args(["--no-progress", "-f", "jsonl"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON")["rule"]["name"]
                .as_str()
                .expect("name")
                .to_owned()
        })
        .collect();
    for seed in SEEDS {
        assert!(
            names.iter().any(|n| n == seed),
            "{seed} missing from {names:?}"
        );
    }
    // And on a terminal-less stdout the default is JSON Lines, so the same command piped works.
    let table = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .current_dir(repo())
        .args(&args)
        .args(["--no-progress", "-f", "table"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("TIME"), "{text}");
}

#[test]
fn every_bundled_rule_passes_its_tests() {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["rules", "test"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(" 0 failed; 0 of "),
        "every rule has tests: {stderr}"
    );
    // The seed rules have cases of both kinds: an alert, and a near miss that must stay silent.
    let list = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["rules", "list", "--json"])
        .output()
        .expect("runs");
    let rules: Vec<serde_json::Value> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let mut tests: Vec<serde_json::Value> = Vec::new();
    let mut dirs = vec![repo().join("rules")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("rules dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.to_string_lossy().ends_with(".test.json") {
                tests.push(
                    serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
                        .expect("JSON"),
                );
            }
        }
    }
    for seed in SEEDS {
        let id = rules
            .iter()
            .find(|r| r["name"] == seed)
            .and_then(|r| r["id"].as_str())
            .expect("seed in the pack");
        let expects: Vec<&str> = tests
            .iter()
            .filter(|t| t["rule"] == seed || t["rule"] == id)
            .flat_map(|t| t["cases"].as_array().into_iter().flatten())
            .filter_map(|c| c["expect"].as_str())
            .collect();
        assert!(
            expects.contains(&"alert") && expects.contains(&"no_alert"),
            "{seed}: {expects:?}"
        );
    }
    let list = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["rules", "list", "--json"])
        .output()
        .expect("runs");
    let rules = String::from_utf8_lossy(&list.stdout).lines().count();
    assert!(
        rules >= 45,
        "the pack has the 5 seeds and at least 40 more: {rules}"
    );
}
