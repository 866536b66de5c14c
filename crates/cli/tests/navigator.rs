//! `rules coverage --navigator` writes a layer that MITRE's layer format 4.5 accepts (checked
//! with Python's `jsonschema` against docs/schemas/navigator-layer-4.5.schema.json, which .ci/run
//! installs), for the bundled pack and for the shared corpora.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Validation errors of `doc` (empty: valid); `None` when Python or jsonschema is missing.
fn validate(doc: &Path) -> Option<Vec<String>> {
    const SCRIPT: &str = "import json, sys\ntry:\n    import jsonschema\nexcept ImportError:\n    sys.exit(3)\nschema = json.load(open(sys.argv[1]))\njsonschema.Draft202012Validator.check_schema(schema)\nv = jsonschema.Draft202012Validator(schema)\nfor e in v.iter_errors(json.load(open(sys.argv[2]))):\n    print(e.json_path, e.message)\n";
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(repo().join("docs/schemas/navigator-layer-4.5.schema.json"))
        .arg(doc)
        .output()
        .ok()?;
    if out.status.code() == Some(3) {
        return None;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
    )
}

fn layer(rules: &[PathBuf], file: &Path) -> serde_json::Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trailhound"));
    cmd.args(["rules", "coverage", "--navigator"]).arg(file);
    for r in rules {
        cmd.arg("-r").arg(r);
    }
    let out = cmd.output().expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(file).expect("layer written")).expect("JSON")
}

#[test]
fn layers_validate_against_the_format() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = repo().join("../shared/corpus");
    let cases = [
        ("pack", vec![]),
        (
            "corpus",
            vec![
                corpus.join("elastic-rules"),
                corpus.join("elastic-hunting"),
                corpus.join("sigma-cloudtrail"),
                corpus.join("datadog-rules"),
            ],
        ),
    ];
    for (name, rules) in cases {
        let file = tmp.path().join(format!("{name}.json"));
        let doc = layer(&rules, &file);
        let techniques = doc["techniques"].as_array().expect("techniques");
        assert!(!techniques.is_empty(), "{name}");
        assert_eq!(doc["versions"]["layer"], "4.5");
        let Some(errors) = validate(&file) else {
            eprintln!(
                "skipped: python3 with jsonschema is not installed (bash .ci/run installs it)"
            );
            return;
        };
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    // The schema is not a rubber stamp: a layer with a bad technique id and tactic fails.
    let file = tmp.path().join("pack.json");
    let mut doc = layer(&[], &file);
    doc["techniques"][0]["techniqueID"] = "1098".into();
    doc["techniques"][0]["tactic"] = "Persistence".into();
    doc["sorting"] = 7.into();
    std::fs::write(&file, doc.to_string()).expect("write");
    let errors = validate(&file).expect("checked above");
    assert_eq!(errors.len(), 3, "{errors:?}");
}
