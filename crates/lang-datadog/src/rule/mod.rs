//! Rule files: the API's rule object ([`Rule`]), decoding from JSON or YAML, and compilation of
//! every embedded query, condition and template ([`load_rule`], [`CompiledRule`]).

mod load;
mod locate;
mod model;

pub use load::{
    CompiledCase, CompiledQuery, CompiledRule, FieldError, Format, LoadError, load_rule,
    positional_label,
};
pub use model::{
    ActionType, Aggregation, AnomalyDetectionOptions, CaseAction, DetectionMethod, FilterAction,
    ImpossibleTravelOptions, LearningMethod, NewValueOptions, Rule, RuleCase, RuleFilter,
    RuleOptions, RuleQuery, RuleType, Severity, ThirdPartyCase, ThirdPartyRootQuery,
    ThirdPartyRuleOptions,
};

#[cfg(test)]
mod tests;
