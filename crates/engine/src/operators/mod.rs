//! Stateful operators of Elastic's rule types (threshold, new terms). Sequences, Datadog
//! detection methods and Sigma correlations build on the same [`crate::state::Keyed`] state.

pub mod new_terms;
pub mod sequence;
pub mod threshold;
pub mod travel;
pub mod window;

use trailhound_event::{Event, Field};

/// The text of every combination of values of `fields` in `ev` (cartesian product over
/// multi-valued fields), joined by U+001F; `None` when a field has no value. Used for group-by
/// keys: Elasticsearch's terms and composite aggregations put a document in one bucket per
/// value and skip documents missing a grouped field.
pub fn combinations(ev: &Event<'_>, fields: &[(String, Field)]) -> Option<Vec<Vec<String>>> {
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for (_, field) in fields {
        let mut values: Vec<String> = Vec::new();
        field.visit(ev, &mut |v| {
            if let Some(t) = v.to_text()
                && !values.contains(&t)
            {
                values.push(t);
            }
            false
        });
        if values.is_empty() {
            return None;
        }
        let mut next = Vec::with_capacity(combos.len() * values.len());
        for c in &combos {
            for v in &values {
                let mut c = c.clone();
                c.push(v.clone());
                next.push(c);
            }
        }
        combos = next;
        // A hostile record with huge arrays on several fields cannot explode the product.
        combos.truncate(1024);
    }
    Some(combos)
}

/// The key of a combination.
pub fn key_of(values: &[String]) -> String {
    values.join("\u{1f}")
}
