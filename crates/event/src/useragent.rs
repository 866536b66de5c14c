//! A small user-agent classifier for `user_agent.name`, `.version` and `.os.name`.
//!
//! Elasticsearch's `user_agent` processor uses the uap-core regex database. trailhound does not
//! embed that database; it recognises what CloudTrail user agents actually contain: AWS CLIs and
//! SDKs, Terraform, common browsers and operating systems, and returns `Other` for the rest, as
//! uap-core does for unknown agents. Rules read `user_agent.original` almost exclusively (see
//! `reference/ecs-mapping.md` §5); the two that read `user_agent.name` compare it with `aws-cli`
//! and browser names, which this covers.

/// Which part of the parsed agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UaPart {
    /// Product family, e.g. `aws-cli`, `Chrome`, `Other`.
    Name,
    /// Product version, e.g. `2.18.17`.
    Version,
    /// Operating system family, e.g. `Linux`.
    OsName,
}

/// Product tokens recognised at the start of the agent (after an optional `[`), in order.
const PRODUCTS: &[(&str, &str)] = &[
    ("aws-cli/", "aws-cli"),
    ("aws-sdk-go-v2/", "aws-sdk-go-v2"),
    ("aws-sdk-go/", "aws-sdk-go"),
    ("aws-sdk-java/", "aws-sdk-java"),
    ("aws-sdk-js/", "aws-sdk-js"),
    ("aws-sdk-nodejs/", "aws-sdk-nodejs"),
    ("aws-sdk-ruby3/", "aws-sdk-ruby3"),
    ("aws-sdk-ruby2/", "aws-sdk-ruby2"),
    ("aws-sdk-dotnet-coreclr/", "aws-sdk-dotnet-coreclr"),
    ("aws-sdk-php/", "aws-sdk-php"),
    ("aws-sdk-rust/", "aws-sdk-rust"),
    ("Boto3/", "Boto3"),
    ("botocore/", "Botocore"),
    ("aws-internal/", "aws-internal"),
];

/// Browser markers checked in order (Edge and Opera carry `Chrome/` too).
const BROWSERS: &[(&str, &str)] = &[
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Version/", "Safari"),
];

fn version_after<'a>(ua: &'a str, marker: &str) -> Option<&'a str> {
    let start = ua.find(marker)? + marker.len();
    let rest = &ua[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// One part of the agent's classification; `None` when the part is unknown.
pub fn part(ua: &str, which: UaPart) -> Option<&str> {
    let trimmed = ua.trim_start_matches('[');
    let product = PRODUCTS
        .iter()
        .find(|(prefix, _)| trimmed.starts_with(prefix));
    match which {
        UaPart::Name => Some(match product {
            Some((_, name)) => name,
            None => BROWSERS
                .iter()
                .find(|(marker, _)| {
                    ua.contains(marker) && (marker != &"Version/" || ua.contains("Safari/"))
                })
                .map_or("Other", |(_, name)| name),
        }),
        UaPart::Version => match product {
            Some((prefix, _)) => version_after(trimmed, prefix),
            None => BROWSERS
                .iter()
                .find(|(marker, _)| {
                    ua.contains(marker) && (marker != &"Version/" || ua.contains("Safari/"))
                })
                .and_then(|(marker, _)| version_after(ua, marker)),
        },
        UaPart::OsName => {
            let lower = ua.to_ascii_lowercase();
            [
                ("windows", "Windows"),
                ("mac os x", "Mac OS X"),
                ("darwin", "Mac OS X"),
                ("macos", "Mac OS X"),
                ("linux", "Linux"),
                ("android", "Android"),
                ("iphone", "iOS"),
            ]
            .into_iter()
            .find(|(needle, _)| lower.contains(needle))
            .map(|(_, name)| name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_cloudtrail_agents() {
        let cases = [
            (
                "aws-cli/2.18.17 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0",
                "aws-cli",
                Some("2.18.17"),
                Some("Linux"),
            ),
            (
                "[aws-cli/1.11.10 Python/2.7.8 Linux/3.2.45]",
                "aws-cli",
                Some("1.11.10"),
                Some("Linux"),
            ),
            (
                "aws-sdk-go/1.55.5 (go1.23.8; windows; amd64)",
                "aws-sdk-go",
                Some("1.55.5"),
                Some("Windows"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome",
                Some("131.0.0.0"),
                Some("Windows"),
            ),
            (
                "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:24.0) Gecko/20100101 Firefox/24.0",
                "Firefox",
                Some("24.0"),
                Some("Windows"),
            ),
            ("signin.amazonaws.com", "Other", None, None),
        ];
        for (ua, name, version, os) in cases {
            assert_eq!(part(ua, UaPart::Name), Some(name), "{ua}");
            assert_eq!(part(ua, UaPart::Version), version, "{ua}");
            assert_eq!(part(ua, UaPart::OsName), os, "{ua}");
        }
    }
}
