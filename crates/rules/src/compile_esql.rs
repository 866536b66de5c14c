//! ES|QL rules and hunting queries into engine rules.

use crate::LoadOptions;
use crate::report::RuleOutcome;
use trailhound_engine::RuleMeta;

/// Compiles an ES|QL rule or hunting query.
pub fn compile(
    _file: &str,
    _text: &str,
    meta: RuleMeta,
    _query: &str,
    _offset: usize,
    _options: &LoadOptions,
) -> RuleOutcome {
    RuleOutcome::NotRunnable(
        Box::new(meta),
        "ES|QL execution is not available in this build".into(),
    )
}
