//! The functions Elasticsearch EQL knows (`EqlFunctionRegistry`), their arities, and which accept
//! the case-insensitive `~` suffix. Names are matched case-insensitively, as Elasticsearch
//! lower-cases function names before looking them up.

use std::fmt;

/// A function of Elasticsearch EQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// `add(a, b)`: sum; `null` if either is `null`.
    Add,
    /// `between(source, left, right[, greedy])`: substring between two delimiters.
    Between,
    /// `cidrMatch(ip, cidr, ...)`: whether the IP is in any of the CIDR blocks.
    CidrMatch,
    /// `concat(value, ...)`: concatenation of the values' string forms.
    Concat,
    /// `divide(a, b)`: quotient (integer division when both are integers).
    Divide,
    /// `endsWith(source, suffix)`.
    EndsWith,
    /// `indexOf(source, substring[, start])`: first position, or `null`.
    IndexOf,
    /// `length(string)`: number of characters.
    Length,
    /// `modulo(a, b)`: remainder.
    Modulo,
    /// `multiply(a, b)`: product.
    Multiply,
    /// `number(string[, base])`: parse an integer or float.
    Number,
    /// `startsWith(source, prefix)`.
    StartsWith,
    /// `string(value)`: string form of a value.
    String,
    /// `stringContains(source, substring)`.
    StringContains,
    /// `substring(source, start[, end])`: slice with negative offsets from the end.
    Substring,
    /// `subtract(a, b)`: difference.
    Subtract,
}

impl Function {
    /// Every function, in alphabetical order.
    pub const ALL: [Function; 16] = [
        Function::Add,
        Function::Between,
        Function::CidrMatch,
        Function::Concat,
        Function::Divide,
        Function::EndsWith,
        Function::IndexOf,
        Function::Length,
        Function::Modulo,
        Function::Multiply,
        Function::Number,
        Function::StartsWith,
        Function::String,
        Function::StringContains,
        Function::Substring,
        Function::Subtract,
    ];

    /// The documented spelling, e.g. `stringContains`.
    pub fn name(self) -> &'static str {
        match self {
            Function::Add => "add",
            Function::Between => "between",
            Function::CidrMatch => "cidrMatch",
            Function::Concat => "concat",
            Function::Divide => "divide",
            Function::EndsWith => "endsWith",
            Function::IndexOf => "indexOf",
            Function::Length => "length",
            Function::Modulo => "modulo",
            Function::Multiply => "multiply",
            Function::Number => "number",
            Function::StartsWith => "startsWith",
            Function::String => "string",
            Function::StringContains => "stringContains",
            Function::Substring => "substring",
            Function::Subtract => "subtract",
        }
    }

    /// Looks a function up by name, ignoring ASCII case (`STRINGCONTAINS` is `stringContains`).
    pub fn lookup(name: &str) -> Option<Function> {
        Function::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// Minimum and maximum number of arguments (`None`: no maximum).
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Function::Add
            | Function::Divide
            | Function::EndsWith
            | Function::Modulo
            | Function::Multiply
            | Function::StartsWith
            | Function::StringContains
            | Function::Subtract => (2, Some(2)),
            Function::Between => (3, Some(4)),
            Function::CidrMatch => (2, None),
            // Elasticsearch builds `concat` from any argument list without a count check.
            Function::Concat => (0, None),
            Function::IndexOf | Function::Substring => (2, Some(3)),
            Function::Length | Function::String => (1, Some(1)),
            Function::Number => (1, Some(2)),
        }
    }

    /// Whether the `name~(...)` case-insensitive form exists (the functions implementing
    /// `CaseInsensitiveScalarFunction` in Elasticsearch).
    pub fn supports_case_insensitive(self) -> bool {
        matches!(
            self,
            Function::Between
                | Function::EndsWith
                | Function::IndexOf
                | Function::StartsWith
                | Function::StringContains
        )
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Advice for a function name Elasticsearch does not know: a legacy Endgame function with its
/// replacement, or the closest known name.
pub(crate) fn unknown_function_help(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let legacy = match lower.as_str() {
        "wildcard" => Some(
            "`wildcard(f, \"a*\")` is legacy syntax: write `f like \"a*\"` (case-sensitive) or `f : \"a*\"` (case-insensitive)",
        ),
        "match" | "matchlite" => {
            Some("`match()` is legacy syntax: write `f regex \"...\"` or `f regex~ \"...\"`")
        }
        "arraycontains" | "arraycount" | "arraysearch" => Some(
            "array functions are not supported by Elasticsearch EQL; compare the field directly (multi-valued fields match if any value matches)",
        ),
        "safe" => Some("`safe()` is not supported by Elasticsearch EQL"),
        "contains" => Some("use `stringContains(source, substring)`"),
        "lower" | "upper" => Some(
            "Elasticsearch EQL has no case conversion: use a case-insensitive operator (`:`, `in~`, `like~`, `regex~`) or function (`startsWith~(...)`)",
        ),
        _ => None,
    };
    if let Some(l) = legacy {
        return l.to_string();
    }
    let best = Function::ALL
        .into_iter()
        .map(|f| (edit_distance(&lower, &f.name().to_ascii_lowercase()), f))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, f)) if d <= 2 => format!("did you mean `{f}`?"),
        _ => format!(
            "known functions: {}",
            Function::ALL.map(Function::name).join(", ")
        ),
    }
}

/// Levenshtein distance (small inputs only: function and pipe names).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb); // j < b.len() < prev.len()
            let del = prev[j + 1] + 1; // j + 1 <= b.len()
            let ins = cur[j] + 1; // cur has j + 1 elements
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case() {
        let cases = [
            ("stringContains", Some(Function::StringContains)),
            ("STRINGCONTAINS", Some(Function::StringContains)),
            ("cidrmatch", Some(Function::CidrMatch)),
            ("startswith", Some(Function::StartsWith)),
            ("wildcard", None),
            ("", None),
        ];
        for (name, expected) in cases {
            assert_eq!(Function::lookup(name), expected, "{name}");
        }
        for f in Function::ALL {
            assert_eq!(Function::lookup(f.name()), Some(f));
        }
    }

    #[test]
    fn case_insensitive_variants() {
        let ci: Vec<_> = Function::ALL
            .into_iter()
            .filter(|f| f.supports_case_insensitive())
            .map(Function::name)
            .collect();
        assert_eq!(
            ci,
            [
                "between",
                "endsWith",
                "indexOf",
                "startsWith",
                "stringContains"
            ]
        );
    }

    #[test]
    fn help_for_unknown_names() {
        assert!(unknown_function_help("stringContain").contains("`stringContains`"));
        assert!(unknown_function_help("startwith").contains("`startsWith`"));
        assert!(unknown_function_help("wildcard").contains("like"));
        assert!(unknown_function_help("arrayContains").contains("not supported"));
        assert!(unknown_function_help("frobnicate").starts_with("known functions: add,"));
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
