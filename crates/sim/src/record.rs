//! One CloudTrail record: who called (`userIdentity`), the envelope fields, and the assembly of
//! the JSON text in CloudTrail's own key order.

use crate::clock;
use crate::ids::Uuid;
use crate::json::Json;
use crate::svc::Svc;
use crate::world::Principal;
use std::borrow::Cow;

/// The caller of an API, as `userIdentity` records it.
#[derive(Clone, Debug)]
pub(crate) enum Who<'a> {
    /// An IAM user signing with its long-term access key (no session context).
    UserKey {
        account: &'a str,
        user: &'a Principal,
        key: &'a str,
    },
    /// An IAM user signing in to the console (`ConsoleLogin`: no key).
    UserLogin {
        account: &'a str,
        user: &'a Principal,
    },
    /// An assumed-role session.
    Role {
        account: &'a str,
        role: &'a Principal,
        session: Cow<'a, str>,
        key: Option<Cow<'a, str>>,
        created: i64,
        mfa: bool,
        invoked_by: Option<&'a str>,
    },
    /// An AWS service acting for itself.
    Service { invoked_by: &'a str },
    /// The account root user.
    Root {
        account: &'a str,
        key: Option<Cow<'a, str>>,
        created: i64,
    },
    /// A federated user created by `GetFederationToken`.
    Federated {
        account: &'a str,
        name: &'a str,
        user: &'a Principal,
        key: Cow<'a, str>,
        created: i64,
    },
}

impl Who<'_> {
    /// The caller's ARN as error messages quote it.
    pub(crate) fn arn(&self, out: &mut String) {
        out.clear();
        match self {
            Who::UserKey { user, .. } | Who::UserLogin { user, .. } => out.push_str(&user.arn),
            Who::Role {
                account,
                role,
                session,
                ..
            } => {
                out.push_str("arn:aws:sts::");
                out.push_str(account);
                out.push_str(":assumed-role/");
                out.push_str(&role.name);
                out.push('/');
                out.push_str(session);
            }
            Who::Service { invoked_by } => out.push_str(invoked_by),
            Who::Root { account, .. } => {
                out.push_str("arn:aws:iam::");
                out.push_str(account);
                out.push_str(":root");
            }
            Who::Federated { account, name, .. } => {
                out.push_str("arn:aws:sts::");
                out.push_str(account);
                out.push_str(":federated-user/");
                out.push_str(name);
            }
        }
    }

    /// Whether the caller is an AWS service (no TLS details, service host as source).
    pub(crate) fn is_service(&self) -> bool {
        matches!(
            self,
            Who::Service { .. }
                | Who::Role {
                    invoked_by: Some(_),
                    ..
                }
        )
    }
}

fn session_context(j: &mut Json, issuer: Option<(&Principal, &str)>, created: i64, mfa: bool) {
    j.kobj("sessionContext");
    match issuer {
        Some((role, account)) => {
            j.kobj("sessionIssuer")
                .ks("type", "Role")
                .ks("principalId", &role.unique_id)
                .ks("arn", &role.arn)
                .ks("accountId", account)
                .ks("userName", &role.name)
                .end();
        }
        None => {
            j.kempty("sessionIssuer");
        }
    }
    j.kempty("webIdFederationData");
    j.kobj("attributes")
        .ks("creationDate", clock::iso(created).as_str())
        .ks("mfaAuthenticated", if mfa { "true" } else { "false" })
        .end();
    j.end();
}

/// Writes `"userIdentity":{…}`.
pub(crate) fn write_identity(j: &mut Json, who: &Who<'_>) {
    j.kobj("userIdentity");
    match who {
        Who::UserKey { account, user, key } => {
            j.ks("type", "IAMUser")
                .ks("principalId", &user.unique_id)
                .ks("arn", &user.arn)
                .ks("accountId", account)
                .ks("accessKeyId", key)
                .ks("userName", &user.name);
        }
        Who::UserLogin { account, user } => {
            j.ks("type", "IAMUser")
                .ks("principalId", &user.unique_id)
                .ks("arn", &user.arn)
                .ks("accountId", account)
                .ks("userName", &user.name);
        }
        Who::Role {
            account,
            role,
            session,
            key,
            created,
            mfa,
            invoked_by,
        } => {
            j.ks("type", "AssumedRole")
                .key("principalId")
                .str_parts(&[&role.unique_id, ":", session])
                .key("arn")
                .str_parts(&[
                    "arn:aws:sts::",
                    account,
                    ":assumed-role/",
                    &role.name,
                    "/",
                    session,
                ])
                .ks("accountId", account);
            if let Some(key) = key {
                j.ks("accessKeyId", key);
            }
            session_context(j, Some((role, account)), *created, *mfa);
            if let Some(by) = invoked_by {
                j.ks("invokedBy", by);
            }
        }
        Who::Service { invoked_by } => {
            j.ks("type", "AWSService").ks("invokedBy", invoked_by);
        }
        Who::Root {
            account,
            key,
            created,
        } => {
            j.ks("type", "Root")
                .ks("principalId", account)
                .key("arn")
                .str_parts(&["arn:aws:iam::", account, ":root"]);
            j.ks("accountId", account);
            if let Some(key) = key {
                j.ks("accessKeyId", key);
                session_context(j, None, *created, true);
            }
        }
        Who::Federated {
            account,
            name,
            user,
            key,
            created,
        } => {
            j.ks("type", "FederatedUser")
                .key("principalId")
                .str_parts(&[account, ":", name])
                .key("arn")
                .str_parts(&["arn:aws:sts::", account, ":federated-user/", name])
                .ks("accountId", account)
                .ks("accessKeyId", key);
            j.kobj("sessionContext")
                .kobj("sessionIssuer")
                .ks("type", "IAMUser")
                .ks("principalId", &user.unique_id)
                .ks("arn", &user.arn)
                .ks("accountId", account)
                .ks("userName", &user.name)
                .end()
                .kempty("webIdFederationData")
                .kobj("attributes")
                .ks("creationDate", clock::iso(*created).as_str())
                .ks("mfaAuthenticated", "false")
                .end()
                .end();
        }
    }
    j.end();
}

/// CloudTrail's `eventType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventType {
    /// `AwsApiCall`.
    Api,
    /// `AwsConsoleSignIn`.
    SignIn,
}

/// How the request id looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequestId {
    /// No request id (console sign-in events).
    None,
    /// A UUID (most services).
    Uuid(Uuid),
    /// 16 upper-case characters (S3).
    S3([u8; 16]),
}

/// Everything about a record except its parameters and responses.
pub(crate) struct Envelope<'a> {
    pub(crate) who: Who<'a>,
    pub(crate) time: i64,
    pub(crate) svc: Svc,
    pub(crate) name: &'a str,
    pub(crate) region: &'a str,
    pub(crate) ip: &'a str,
    pub(crate) user_agent: &'a str,
    pub(crate) error: Option<(&'a str, &'a str)>,
    pub(crate) read_only: bool,
    pub(crate) event_type: EventType,
    /// A data event (`eventCategory: Data`, `managementEvent: false`).
    pub(crate) data: bool,
    pub(crate) account: &'a str,
    pub(crate) request_id: RequestId,
    pub(crate) event_id: Uuid,
    pub(crate) vpce: Option<&'a str>,
    /// The TLS host header; `None` for calls that AWS services make internally.
    pub(crate) tls_host: Option<&'a str>,
    pub(crate) console: bool,
}

/// The per-API parts of a record, written by the API's generator.
#[derive(Debug, Default)]
pub(crate) struct Body {
    /// `requestParameters` (empty: `null`).
    pub(crate) req: Json,
    /// `responseElements` (empty: `null`).
    pub(crate) resp: Json,
    /// `additionalEventData` (empty: absent).
    pub(crate) extra: Json,
    /// The elements of `resources` (empty: absent).
    pub(crate) resources: Json,
}

impl Body {
    /// Clears all parts for the next record.
    pub(crate) fn clear(&mut self) {
        self.req.clear();
        self.resp.clear();
        self.extra.clear();
        self.resources.clear();
    }

    /// Appends `{"accountId":…,"type":…,"ARN":…}` to `resources`.
    pub(crate) fn resource(&mut self, account: Option<&str>, kind: &str, arn: &[&str]) {
        if self.resources.is_empty() {
            self.resources.arr();
        }
        self.resources.obj();
        if let Some(a) = account {
            self.resources.ks("accountId", a);
        }
        self.resources
            .ks("type", kind)
            .key("ARN")
            .str_parts(arn)
            .end();
    }
}

/// Writes one record as a single line of JSON (no trailing newline).
pub(crate) fn write_record(out: &mut Json, e: &Envelope<'_>, body: &Body) {
    let j = out;
    j.obj().ks("eventVersion", e.svc.event_version());
    write_identity(j, &e.who);
    j.ks("eventTime", clock::iso(e.time).as_str())
        .ks("eventSource", e.svc.source())
        .ks("eventName", e.name)
        .ks("awsRegion", e.region)
        .ks("sourceIPAddress", e.ip)
        .ks("userAgent", e.user_agent);
    if let Some((code, message)) = e.error {
        if !code.is_empty() {
            j.ks("errorCode", code);
        }
        if !message.is_empty() {
            j.ks("errorMessage", message);
        }
    }
    j.key("requestParameters");
    if body.req.is_empty() {
        j.null();
    } else {
        j.raw(&body.req.buf);
    }
    j.key("responseElements");
    if body.resp.is_empty() || e.error.is_some() && e.svc != Svc::Signin {
        j.null();
    } else {
        j.raw(&body.resp.buf);
    }
    if !body.extra.is_empty() {
        j.key("additionalEventData").raw(&body.extra.buf);
    }
    match e.request_id {
        RequestId::None => {}
        RequestId::Uuid(u) => {
            j.ks("requestID", u.as_str());
        }
        RequestId::S3(b) => {
            j.ks("requestID", std::str::from_utf8(&b).unwrap_or(""));
        }
    }
    j.ks("eventID", e.event_id.as_str())
        .kb("readOnly", e.read_only);
    if !body.resources.is_empty() {
        // `resources` holds an array left open for more elements; close it here.
        j.key("resources").raw_parts(&[&body.resources.buf, b"]"]);
    }
    j.ks(
        "eventType",
        if e.event_type == EventType::SignIn {
            "AwsConsoleSignIn"
        } else {
            "AwsApiCall"
        },
    )
    .kb("managementEvent", !e.data)
    .ks("recipientAccountId", e.account);
    if let Some(v) = e.vpce {
        j.ks("vpcEndpointId", v);
    }
    j.ks("eventCategory", if e.data { "Data" } else { "Management" });
    if let Some(host) = e.tls_host {
        let modern = e.time % 3 != 0 || e.svc == Svc::Signin;
        j.kobj("tlsDetails")
            .ks("tlsVersion", if modern { "TLSv1.3" } else { "TLSv1.2" })
            .ks(
                "cipherSuite",
                if modern {
                    "TLS_AES_128_GCM_SHA256"
                } else {
                    "ECDHE-RSA-AES128-GCM-SHA256"
                },
            )
            .ks("clientProvidedHostHeader", host)
            .end();
    }
    if e.console {
        j.ks("sessionCredentialFromConsole", "true");
    }
    j.end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn principal(name: &str, arn: &str, id: &str) -> Principal {
        Principal {
            name: name.into(),
            arn: arn.into(),
            unique_id: id.into(),
        }
    }

    #[test]
    fn identities_render_like_cloudtrail() {
        let user = principal(
            "alice",
            "arn:aws:iam::111122223333:user/alice",
            "AIDAEXAMPLE",
        );
        let role = principal(
            "app-role",
            "arn:aws:iam::111122223333:role/app-role",
            "AROAEXAMPLE",
        );
        let cases: Vec<(Who<'_>, &str)> = vec![
            (
                Who::UserKey {
                    account: "111122223333",
                    user: &user,
                    key: "AKIAEXAMPLE",
                },
                r#"{"userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice"}}"#,
            ),
            (
                Who::Role {
                    account: "111122223333",
                    role: &role,
                    session: "i-0abc".into(),
                    key: Some("ASIAEXAMPLE".into()),
                    created: 0,
                    mfa: false,
                    invoked_by: None,
                },
                r#"{"userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-0abc","arn":"arn:aws:sts::111122223333:assumed-role/app-role/i-0abc","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/app-role","accountId":"111122223333","userName":"app-role"},"webIdFederationData":{},"attributes":{"creationDate":"1970-01-01T00:00:00Z","mfaAuthenticated":"false"}}}}"#,
            ),
            (
                Who::Service {
                    invoked_by: "ec2.amazonaws.com",
                },
                r#"{"userIdentity":{"type":"AWSService","invokedBy":"ec2.amazonaws.com"}}"#,
            ),
            (
                Who::Root {
                    account: "111122223333",
                    key: None,
                    created: 0,
                },
                r#"{"userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"}}"#,
            ),
        ];
        for (who, expected) in cases {
            let mut j = Json::new();
            j.obj();
            write_identity(&mut j, &who);
            j.end();
            assert_eq!(j.as_str(), expected);
        }
    }

    #[test]
    fn records_carry_the_envelope_fields_and_null_responses_on_error() {
        let user = principal(
            "alice",
            "arn:aws:iam::111122223333:user/alice",
            "AIDAEXAMPLE",
        );
        let mut rng = Rng::new(1);
        let mut body = Body::default();
        body.req.obj().ks("instanceId", "i-1").end();
        body.resp.obj().kb("_return", true).end();
        body.resource(
            Some("111122223333"),
            "AWS::EC2::Instance",
            &["arn:aws:ec2:us-east-1:111122223333:instance/i-1"],
        );
        for error in [None, Some(("Client.UnauthorizedOperation", "denied"))] {
            let e = Envelope {
                who: Who::UserKey {
                    account: "111122223333",
                    user: &user,
                    key: "AKIAEXAMPLE",
                },
                time: 1_700_000_000,
                svc: Svc::Ec2,
                name: "StopInstances",
                region: "us-east-1",
                ip: "81.2.69.142",
                user_agent: "aws-cli/2",
                error,
                read_only: false,
                event_type: EventType::Api,
                data: false,
                account: "111122223333",
                request_id: RequestId::Uuid(crate::ids::uuid(&mut rng)),
                event_id: crate::ids::uuid(&mut rng),
                vpce: None,
                tls_host: Some("ec2.us-east-1.amazonaws.com"),
                console: false,
            };
            let mut j = Json::new();
            write_record(&mut j, &e, &body);
            let v: serde_json::Value = serde_json::from_str(j.as_str()).expect("valid");
            for key in [
                "eventVersion",
                "userIdentity",
                "eventTime",
                "eventSource",
                "eventName",
                "awsRegion",
                "sourceIPAddress",
                "userAgent",
                "requestID",
                "eventID",
                "eventType",
                "recipientAccountId",
                "tlsDetails",
                "resources",
            ] {
                assert!(v.get(key).is_some(), "{key} missing");
            }
            assert_eq!(v["eventTime"], "2023-11-14T22:13:20Z");
            assert_eq!(v["responseElements"].is_null(), error.is_some());
            assert_eq!(v.get("errorCode").is_some(), error.is_some());
        }
    }
}
