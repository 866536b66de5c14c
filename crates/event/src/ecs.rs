//! The `ecs` view: CloudTrail as Elastic's AWS integration indexes it.
//!
//! Every field Elastic rules read is resolved straight from the raw record through the table in
//! [`FIELDS`]; nothing is copied until a rule asks. `trailhound normalize --view ecs` walks the same
//! table to print the whole document, so what rules see and what users inspect cannot drift apart.
//! The mapping follows `reference/ecs-mapping.md` (the integration's ingest pipeline, commit
//! `0b97ab02` and the fixture-only changes after it).
//!
//! # Pipeline generations
//! Elastic changed the mapping over time. [`Generation::Latest`] (the default) is what a current
//! cluster produces; the older generations exist so the conformance test can compare against
//! fixtures recorded with older pipelines, field by field, without loosening the comparison.
//!
//! | behaviour | Legacy | `0f775e78` | `0b97ab02` | `02fd8215` | Latest |
//! |---|---|---|---|---|---|
//! | `related.user` | `userIdentity.userName`, `requestParameters.userName`, `.newUserName` | + `responseElements.user.userId`, `user.id`, `user.name` (no `userIdentity.userName`) | + `user.changes.name` | role session name first, no `user.changes.name` | + the session name's e-mail local part |
//! | `user.name` from `sessionIssuer.userName` | always | always | AssumedRole/FederatedUser only | same | same |
//! | `user.email` | no | yes | yes | yes | yes |
//! | `user.changes.name` from the role ARN | no | no | yes | no | no |
//! | `cloud.account.id` from `recipientAccountId` when unset | no | no | yes | yes | yes |
//! | `aws.cloudtrail.session_credential_from_console` | no | no | yes | yes | yes |
//! | `aws.cloudtrail.management_event` | as in the record | same | same | string | string |
//! | `…session_context.ec2_role_delivery`, `cloud.provider`, `cloud.service.name`, `related.ip` | no | no | no | no | yes |
//! | category table | IAM, sign-in, buckets | same | full (§3) | full | full |
//!
//! # Not produced
//! The actor/target entity fields (`related.entity`, `*.entity.id`, `*.target.entity.id`) come
//! from a 500-line script that runs only with the `actor_target_mapping` tag; they are not
//! modelled. `event.ingested` is set by Fleet at ingest time and has no equivalent in a raw
//! record: it is absent, and rules with `timestamp_override = "event.ingested"` fall back to
//! `@timestamp` (the engine says so). `user_agent.*` other than `original` comes from a small
//! built-in classifier (see [`crate::useragent`]), not the full uap-core database.

use crate::geoip::{AsnPart, GeoPart};
use crate::javamap;
use crate::record::Event;
use crate::value::{Path, Val};
use sonic_rs::{JsonContainerTrait, JsonValueMutTrait, JsonValueTrait, Value};

/// Which version of Elastic's CloudTrail pipeline to reproduce. See the module docs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Generation {
    /// Pipelines up to commit `0046748f` (and `24219d5c`, `bf3be6b2`).
    Legacy,
    /// Commit `0f775e78`: `user.email`, `related.user` from `user.id`/`user.name`.
    V0f775e78,
    /// Commit `0b97ab02`: the full category table, `user.changes.name` from the role ARN,
    /// `cloud.account.id` falling back to `recipientAccountId`.
    V0b97ab02,
    /// Fixture commit `02fd8215`: the role session name moves to `related.user`,
    /// `management_event` becomes a string.
    V02fd8215,
    /// What current clusters produce: `02fd8215` plus `…session_context.ec2_role_delivery`
    /// (fixture commit `1046295`), `cloud.provider`, `cloud.service.name`, `related.ip` (fixture
    /// commit `2385fda0`) and the e-mail local part in `related.user` (elastic/integrations PR
    /// #20318). The fixtures do not say in which order these commits landed; this generation has
    /// all of them.
    #[default]
    Latest,
}

/// Elasticsearch mapping type of a field; languages use it to pick case and typing rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Exact, case-sensitive text (also `constant_keyword`).
    Keyword,
    /// Analysed text.
    Text,
    /// 64-bit integer.
    Long,
    /// Floating point.
    Double,
    /// `true`/`false`.
    Boolean,
    /// A date (values are ISO 8601 text).
    Date,
    /// An IP address (values are text).
    Ip,
    /// An Elasticsearch `flattened` object: all leaves are keywords.
    Flattened,
    /// A geo point.
    GeoPoint,
    /// An object with sub-fields, or a raw JSON value of unknown type.
    Object,
}

/// The `*_parameters` objects that Elastic renders as Java strings and keeps flattened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JavaRoot {
    /// `requestParameters` → `aws.cloudtrail.request_parameters`.
    RequestParameters,
    /// `responseElements` → `aws.cloudtrail.response_elements`.
    ResponseElements,
    /// `additionalEventData` → `aws.cloudtrail.additional_eventdata`.
    AdditionalEventData,
    /// `serviceEventDetails` → `aws.cloudtrail.service_event_details`.
    ServiceEventDetails,
}

impl JavaRoot {
    const ALL: [JavaRoot; 4] = [
        JavaRoot::RequestParameters,
        JavaRoot::ResponseElements,
        JavaRoot::AdditionalEventData,
        JavaRoot::ServiceEventDetails,
    ];

    /// The raw CloudTrail key.
    pub fn raw_key(self) -> &'static str {
        match self {
            JavaRoot::RequestParameters => "requestParameters",
            JavaRoot::ResponseElements => "responseElements",
            JavaRoot::AdditionalEventData => "additionalEventData",
            JavaRoot::ServiceEventDetails => "serviceEventDetails",
        }
    }

    /// The ECS name under `aws.cloudtrail.` (and `aws.cloudtrail.flattened.`).
    pub fn ecs_name(self) -> &'static str {
        match self {
            JavaRoot::RequestParameters => "request_parameters",
            JavaRoot::ResponseElements => "response_elements",
            JavaRoot::AdditionalEventData => "additional_eventdata",
            JavaRoot::ServiceEventDetails => "service_event_details",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn from_ecs_name(name: &str) -> Option<JavaRoot> {
        JavaRoot::ALL.into_iter().find(|r| r.ecs_name() == name)
    }
}

/// How a table field gets its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Src {
    /// A raw path, copied; empty strings and nulls are dropped as the pipeline's cleanup does.
    Copy(&'static str),
    /// A constant.
    Const(&'static str),
    Timestamp,
    CreationDate,
    AccountId,
    ManagementEvent,
    Outcome,
    Category,
    Type,
    UserName,
    UserId,
    UserEmail,
    UserChangesName,
    RelatedUser,
    RelatedIp,
    SourceIp,
    Geo(GeoPart),
    Asn(AsnPart),
    Java(JavaRoot),
    Resource(&'static str),
    TlsProtocol,
    TlsVersion,
    Tls(&'static str),
    ConsoleLoginFlag(&'static str),
    ConsoleLoginTo,
    UserAgent(crate::useragent::UaPart),
    ServiceName,
    /// Present only from a generation on.
    Since(Generation, &'static Src),
}

/// One field of the ECS view.
#[derive(Debug)]
pub struct FieldDef {
    /// Dotted ECS name.
    pub name: &'static str,
    /// Mapping type.
    pub ty: FieldType,
    /// True when the field can hold several values (ECS arrays).
    pub multi: bool,
    src: Src,
}

const fn f(name: &'static str, ty: FieldType, src: Src) -> FieldDef {
    FieldDef {
        name,
        ty,
        multi: false,
        src,
    }
}

const fn m(name: &'static str, ty: FieldType, src: Src) -> FieldDef {
    FieldDef {
        name,
        ty,
        multi: true,
        src,
    }
}

use FieldType::{Boolean, Date, Double, Ip, Keyword, Long};

static SINCE_LATEST_PROVIDER: Src = Src::Const("aws");
static SINCE_LATEST_SERVICE: Src = Src::ServiceName;
static SINCE_LATEST_RELATED_IP: Src = Src::RelatedIp;
static SINCE_0B97_CONSOLE: Src = Src::Copy("sessionCredentialFromConsole");
static SINCE_0B97_EC2: Src = Src::Copy("userIdentity.sessionContext.ec2RoleDelivery");
static SINCE_0F77_EMAIL: Src = Src::UserEmail;

/// Every field of the view, in the order `normalize` writes them.
pub static FIELDS: &[FieldDef] = &[
    f("@timestamp", Date, Src::Timestamp),
    f("cloud.account.id", Keyword, Src::AccountId),
    f("cloud.region", Keyword, Src::Copy("awsRegion")),
    f(
        "cloud.provider",
        Keyword,
        Src::Since(Generation::Latest, &SINCE_LATEST_PROVIDER),
    ),
    f(
        "cloud.service.name",
        Keyword,
        Src::Since(Generation::Latest, &SINCE_LATEST_SERVICE),
    ),
    f("data_stream.dataset", Keyword, Src::Const("aws.cloudtrail")),
    f("data_stream.namespace", Keyword, Src::Const("default")),
    f("data_stream.type", Keyword, Src::Const("logs")),
    f("ecs.version", Keyword, Src::Const("8.11.0")),
    f("event.action", Keyword, Src::Copy("eventName")),
    m("event.category", Keyword, Src::Category),
    f("event.dataset", Keyword, Src::Const("aws.cloudtrail")),
    f("event.id", Keyword, Src::Copy("eventID")),
    f("event.kind", Keyword, Src::Const("event")),
    f("event.outcome", Keyword, Src::Outcome),
    f("event.provider", Keyword, Src::Copy("eventSource")),
    m("event.type", Keyword, Src::Type),
    f(
        "aws.cloudtrail.event_version",
        Keyword,
        Src::Copy("eventVersion"),
    ),
    f(
        "aws.cloudtrail.event_category",
        Keyword,
        Src::Copy("eventCategory"),
    ),
    f("aws.cloudtrail.event_type", Keyword, Src::Copy("eventType")),
    f("aws.cloudtrail.request_id", Keyword, Src::Copy("requestID")),
    f(
        "aws.cloudtrail.api_version",
        Keyword,
        Src::Copy("apiVersion"),
    ),
    f(
        "aws.cloudtrail.management_event",
        Keyword,
        Src::ManagementEvent,
    ),
    f("aws.cloudtrail.read_only", Boolean, Src::Copy("readOnly")),
    f(
        "aws.cloudtrail.recipient_account_id",
        Keyword,
        Src::Copy("recipientAccountId"),
    ),
    // The pipeline reads `sharedEventId`; CloudTrail writes `sharedEventID`, so this is almost
    // never filled. Reproduced as is.
    f(
        "aws.cloudtrail.shared_event_id",
        Keyword,
        Src::Copy("sharedEventId"),
    ),
    f(
        "aws.cloudtrail.vpc_endpoint_id",
        Keyword,
        Src::Copy("vpcEndpointId"),
    ),
    f(
        "aws.cloudtrail.session_credential_from_console",
        Keyword,
        Src::Since(Generation::V0b97ab02, &SINCE_0B97_CONSOLE),
    ),
    f("aws.cloudtrail.error_code", Keyword, Src::Copy("errorCode")),
    f(
        "aws.cloudtrail.error_message",
        Keyword,
        Src::Copy("errorMessage"),
    ),
    f(
        "aws.cloudtrail.user_identity.type",
        Keyword,
        Src::Copy("userIdentity.type"),
    ),
    f(
        "aws.cloudtrail.user_identity.arn",
        Keyword,
        Src::Copy("userIdentity.arn"),
    ),
    f(
        "aws.cloudtrail.user_identity.access_key_id",
        Keyword,
        Src::Copy("userIdentity.accessKeyId"),
    ),
    f(
        "aws.cloudtrail.user_identity.invoked_by",
        Keyword,
        Src::Copy("userIdentity.invokedBy"),
    ),
    f(
        "aws.cloudtrail.user_identity.session_context.mfa_authenticated",
        Keyword,
        Src::Copy("userIdentity.sessionContext.attributes.mfaAuthenticated"),
    ),
    f(
        "aws.cloudtrail.user_identity.session_context.creation_date",
        Date,
        Src::CreationDate,
    ),
    f(
        "aws.cloudtrail.user_identity.session_context.ec2_role_delivery",
        Keyword,
        Src::Since(Generation::Latest, &SINCE_0B97_EC2),
    ),
    f(
        "aws.cloudtrail.user_identity.session_context.session_issuer.type",
        Keyword,
        Src::Copy("userIdentity.sessionContext.sessionIssuer.type"),
    ),
    f(
        "aws.cloudtrail.user_identity.session_context.session_issuer.principal_id",
        Keyword,
        Src::Copy("userIdentity.sessionContext.sessionIssuer.principalId"),
    ),
    f(
        "aws.cloudtrail.user_identity.session_context.session_issuer.arn",
        Keyword,
        Src::Copy("userIdentity.sessionContext.sessionIssuer.arn"),
    ),
    f(
        "aws.cloudtrail.user_identity.session_context.session_issuer.account_id",
        Keyword,
        Src::Copy("userIdentity.sessionContext.sessionIssuer.accountId"),
    ),
    f(
        "aws.cloudtrail.request_parameters",
        Keyword,
        Src::Java(JavaRoot::RequestParameters),
    ),
    f(
        "aws.cloudtrail.response_elements",
        Keyword,
        Src::Java(JavaRoot::ResponseElements),
    ),
    f(
        "aws.cloudtrail.additional_eventdata",
        Keyword,
        Src::Java(JavaRoot::AdditionalEventData),
    ),
    f(
        "aws.cloudtrail.service_event_details",
        Keyword,
        Src::Java(JavaRoot::ServiceEventDetails),
    ),
    m(
        "aws.cloudtrail.resources.arn",
        Keyword,
        Src::Resource("arn"),
    ),
    m(
        "aws.cloudtrail.resources.account_id",
        Keyword,
        Src::Resource("account_id"),
    ),
    m(
        "aws.cloudtrail.resources.type",
        Keyword,
        Src::Resource("type"),
    ),
    f(
        "aws.cloudtrail.console_login.additional_eventdata.mobile_version",
        Boolean,
        Src::ConsoleLoginFlag("MobileVersion"),
    ),
    f(
        "aws.cloudtrail.console_login.additional_eventdata.login_to",
        Keyword,
        Src::ConsoleLoginTo,
    ),
    f(
        "aws.cloudtrail.console_login.additional_eventdata.mfa_used",
        Boolean,
        Src::ConsoleLoginFlag("MFAUsed"),
    ),
    f("source.address", Keyword, Src::Copy("sourceIPAddress")),
    f("source.ip", Ip, Src::SourceIp),
    f("source.geo.city_name", Keyword, Src::Geo(GeoPart::CityName)),
    f(
        "source.geo.continent_name",
        Keyword,
        Src::Geo(GeoPart::ContinentName),
    ),
    f(
        "source.geo.country_iso_code",
        Keyword,
        Src::Geo(GeoPart::CountryIsoCode),
    ),
    f(
        "source.geo.country_name",
        Keyword,
        Src::Geo(GeoPart::CountryName),
    ),
    f(
        "source.geo.region_iso_code",
        Keyword,
        Src::Geo(GeoPart::RegionIsoCode),
    ),
    f(
        "source.geo.region_name",
        Keyword,
        Src::Geo(GeoPart::RegionName),
    ),
    f("source.geo.location.lat", Double, Src::Geo(GeoPart::Lat)),
    f("source.geo.location.lon", Double, Src::Geo(GeoPart::Lon)),
    f("source.as.number", Long, Src::Asn(AsnPart::Number)),
    f(
        "source.as.organization.name",
        Keyword,
        Src::Asn(AsnPart::Organization),
    ),
    f("tls.version_protocol", Keyword, Src::TlsProtocol),
    f("tls.version", Keyword, Src::TlsVersion),
    f("tls.cipher", Keyword, Src::Tls("cipherSuite")),
    f(
        "tls.client.server_name",
        Keyword,
        Src::Tls("clientProvidedHostHeader"),
    ),
    f("user.name", Keyword, Src::UserName),
    f("user.id", Keyword, Src::UserId),
    f(
        "user.email",
        Keyword,
        Src::Since(Generation::V0f775e78, &SINCE_0F77_EMAIL),
    ),
    f(
        "user.target.name",
        Keyword,
        Src::Copy("requestParameters.userName"),
    ),
    f(
        "user.target.id",
        Keyword,
        Src::Copy("responseElements.user.userId"),
    ),
    f("user.changes.name", Keyword, Src::UserChangesName),
    f(
        "group.name",
        Keyword,
        Src::Copy("requestParameters.groupName"),
    ),
    f(
        "group.id",
        Keyword,
        Src::Copy("responseElements.group.groupId"),
    ),
    m("related.user", Keyword, Src::RelatedUser),
    m(
        "related.ip",
        Ip,
        Src::Since(Generation::Latest, &SINCE_LATEST_RELATED_IP),
    ),
    f("user_agent.original", Keyword, Src::Copy("userAgent")),
    f(
        "user_agent.name",
        Keyword,
        Src::UserAgent(crate::useragent::UaPart::Name),
    ),
    f(
        "user_agent.version",
        Keyword,
        Src::UserAgent(crate::useragent::UaPart::Version),
    ),
    f(
        "user_agent.os.name",
        Keyword,
        Src::UserAgent(crate::useragent::UaPart::OsName),
    ),
];

/// Index of a field in [`FIELDS`]: a compiled ECS field reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EcsField {
    index: u16,
    generation: Generation,
}

impl EcsField {
    /// The field at `index` of [`FIELDS`] (the document writer walks the table in order).
    pub(crate) fn at(index: usize, generation: Generation) -> Option<EcsField> {
        (index < FIELDS.len()).then_some(EcsField {
            index: u16::try_from(index).ok()?,
            generation,
        })
    }

    /// The field's definition.
    pub fn def(self) -> &'static FieldDef {
        &FIELDS[usize::from(self.index)]
    }

    /// True for the fields a GeoIP database supplies (`source.geo.*`, `source.as.*`).
    pub fn needs_geoip(self) -> bool {
        matches!(self.def().src, Src::Geo(_) | Src::Asn(_))
    }

    /// True when the field's value does not depend on the event (`event.dataset`).
    pub fn is_constant(self) -> bool {
        let mut src = &self.def().src;
        loop {
            match src {
                Src::Const(_) => return true,
                Src::Since(_, inner) => src = inner,
                _ => return false,
            }
        }
    }

    /// The raw path this field copies verbatim, if it is a plain copy (`event.action` is
    /// `eventName`). Dispatch indexes use it to treat all vocabularies alike.
    pub fn raw_copy(self) -> Option<&'static str> {
        match self.def().src {
            Src::Copy(path) => Some(path),
            _ => None,
        }
    }
}

/// What a dotted ECS name resolves to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EcsRef {
    /// A field of the table.
    Field(EcsField),
    /// `aws.cloudtrail.flattened.<root>[.<path>]`: leaves of a raw object, as keywords.
    Flattened {
        /// Which object.
        root: JavaRoot,
        /// Path below it (empty for the whole object).
        path: Path,
    },
}

/// Looks up a dotted ECS name.
pub fn lookup(name: &str, generation: Generation) -> Option<EcsRef> {
    if let Some(rest) = name.strip_prefix("aws.cloudtrail.flattened.") {
        let (root, path) = rest.split_once('.').unwrap_or((rest, ""));
        let root = JavaRoot::from_ecs_name(root)?;
        return Some(EcsRef::Flattened {
            root,
            path: Path::parse(path),
        });
    }
    let index = FIELDS.iter().position(|d| d.name == name)?;
    let index = u16::try_from(index).ok()?;
    Some(EcsRef::Field(EcsField { index, generation }))
}

/// All table field names (for wildcard expansion such as ES|QL `KEEP aws.*`).
pub fn field_names() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|d| d.name)
}

/// Derived user identity values, computed once per event.
#[derive(Debug, Default)]
pub(crate) struct UserFields {
    name: Option<String>,
    id: Option<String>,
    changes_name: Option<String>,
    session_name: Option<String>,
}

impl Event<'_> {
    fn text_at(&self, dotted: &str) -> Option<&str> {
        let mut cur = self.doc();
        for seg in dotted.split('.') {
            cur = cur.get(seg)?;
        }
        cur.as_str().filter(|s| !s.is_empty())
    }

    fn user_fields(&self, generation: Generation) -> &UserFields {
        self.cache.user.get_or_init(|| {
            let identity_type = self.text_at("userIdentity.type");
            let role_like = matches!(identity_type, Some("AssumedRole" | "FederatedUser"));
            let mut name = self.text_at("userIdentity.userName").map(str::to_owned);
            let issuer = self.text_at("userIdentity.sessionContext.sessionIssuer.userName");
            if issuer.is_some() && (role_like || generation < Generation::V0b97ab02) {
                name = issuer.map(str::to_owned);
            }
            if name.is_none() && self.text_at("eventName") == Some("UserAuthentication") {
                name = self
                    .text_at("additionalEventData.UserName")
                    .map(str::to_owned);
            }
            let mut id = self.text_at("userIdentity.principalId").map(str::to_owned);
            if id.is_none()
                && identity_type == Some("IdentityCenterUser")
                && generation >= Generation::V0b97ab02
            {
                id = self
                    .text_at("userIdentity.onBehalfOf.userId")
                    .map(str::to_owned);
            }
            let session_name = if role_like && generation >= Generation::V0b97ab02 {
                self.text_at("userIdentity.arn")
                    .and_then(session_name_of_arn)
                    .map(str::to_owned)
            } else {
                None
            };
            let mut changes_name = self
                .text_at("requestParameters.newUserName")
                .map(str::to_owned);
            if generation == Generation::V0b97ab02 && session_name.is_some() {
                changes_name.clone_from(&session_name);
            }
            UserFields {
                name,
                id,
                changes_name,
                session_name,
            }
        })
    }

    fn related_users(&self, generation: Generation) -> Vec<&str> {
        fn push<'s>(out: &mut Vec<&'s str>, s: Option<&'s str>) {
            if let Some(s) = s.filter(|s| !s.is_empty())
                && !out.contains(&s)
            {
                out.push(s);
            }
        }
        let mut out: Vec<&str> = Vec::new();
        let user = self.user_fields(generation);
        if generation == Generation::Legacy {
            push(&mut out, self.text_at("userIdentity.userName"));
            push(&mut out, self.text_at("requestParameters.userName"));
            push(&mut out, self.text_at("requestParameters.newUserName"));
            return out;
        }
        if generation >= Generation::V02fd8215
            && let Some(session) = user.session_name.as_deref()
        {
            push(&mut out, Some(session));
            if let Some((local, _)) = session
                .split_once('@')
                .filter(|(l, _)| !l.is_empty() && generation == Generation::Latest)
            {
                push(&mut out, Some(local));
            }
        }
        push(&mut out, self.text_at("requestParameters.userName"));
        push(&mut out, self.text_at("requestParameters.newUserName"));
        push(&mut out, self.text_at("responseElements.user.userId"));
        push(&mut out, user.id.as_deref());
        push(&mut out, user.name.as_deref());
        if generation == Generation::V0b97ab02 {
            push(&mut out, user.changes_name.as_deref());
        }
        out
    }

    /// The `*_parameters` Java string of `root`, computed once.
    pub fn java_string(&self, root: JavaRoot) -> Option<&str> {
        self.cache.java[root.index()]
            .get_or_init(|| {
                let value = self.doc().get(root.raw_key())?;
                if root == JavaRoot::AdditionalEventData && self.renames_auth_user_name() {
                    return render_without(value, "UserName");
                }
                javamap::to_java_string(value)
            })
            .as_deref()
    }

    /// `UserAuthentication` events move `additionalEventData.UserName` to `user.name`.
    fn renames_auth_user_name(&self) -> bool {
        self.text_at("eventName") == Some("UserAuthentication")
            && self.text_at("userIdentity.userName").is_none()
            && self
                .text_at("userIdentity.sessionContext.sessionIssuer.userName")
                .is_none()
    }

    fn timestamp_text(&self) -> Option<&str> {
        self.cache
            .timestamp_text
            .get_or_init(|| self.timestamp().map(crate::time::format_millis))
            .as_deref()
    }

    fn creation_date_text(&self) -> Option<&str> {
        self.cache
            .creation_date
            .get_or_init(|| {
                self.text_at("userIdentity.sessionContext.attributes.creationDate")
                    .and_then(crate::time::parse_iso8601)
                    .map(crate::time::format_millis)
            })
            .as_deref()
    }

    /// `source.ip`: `sourceIPAddress` when the whole value is an IP address.
    pub fn source_ip(&self) -> Option<&str> {
        self.text_at("sourceIPAddress")
            .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
    }

    fn tls_usable(&self) -> bool {
        self.text_at("tlsDetails.tlsVersion") != Some("tlsVersion")
    }
}

/// Renders an object like [`javamap::to_java_string`] with one top-level key removed (a
/// pipeline `rename` out of the map: the table keeps its size).
fn render_without(value: &Value, key: &str) -> Option<String> {
    let obj = value.as_object()?;
    let keys: Vec<&str> = obj.iter().map(|(k, _)| k).collect();
    let values: Vec<&Value> = obj.iter().map(|(_, v)| v).collect();
    let mut out = String::from("{");
    let mut any = false;
    for i in javamap::hashmap_order(&keys) {
        if keys[i] == key {
            continue;
        }
        let start = out.len();
        if any {
            out.push_str(", ");
        }
        out.push_str(keys[i]);
        out.push('=');
        if javamap::render(values[i], &mut out) {
            any = true;
        } else {
            out.truncate(start);
        }
    }
    any.then(|| {
        out.push('}');
        out
    })
}

/// The RoleSessionName of an `arn:aws…:sts::…/role/session` ARN: the text after the last `/`
/// (the pipeline's grok `arn:aws:sts:.*/%{GREEDYDATA}$`, extended to other partitions).
fn session_name_of_arn(arn: &str) -> Option<&str> {
    if !arn.starts_with("arn:aws") || !arn.contains(":sts:") {
        return None;
    }
    let (_, name) = arn.rsplit_once('/')?;
    (!name.is_empty()).then_some(name)
}

/// Visits the values of a table field. Returns `true` if the visitor stopped.
pub(crate) fn visit_field<'e>(
    ev: &'e Event<'_>,
    field: EcsField,
    f: &mut dyn FnMut(Val<'e>) -> bool,
) -> bool {
    visit_src(ev, &field.def().src, field.generation, f)
}

fn visit_src<'e>(
    ev: &'e Event<'_>,
    src: &Src,
    generation: Generation,
    f: &mut dyn FnMut(Val<'e>) -> bool,
) -> bool {
    let mut one = |v: Option<&'e str>| v.is_some_and(|s| f(Val::Str(s)));
    match *src {
        Src::Copy(path) => visit_copy(ev.doc(), path, f),
        Src::Const(c) => f(Val::Str(c)),
        Src::Timestamp => one(ev.timestamp_text()),
        Src::CreationDate => one(ev.creation_date_text()),
        Src::AccountId => one(ev.text_at("userIdentity.accountId").or_else(|| {
            ev.text_at("recipientAccountId")
                .filter(|_| generation >= Generation::V0b97ab02)
        })),
        Src::ManagementEvent => match ev.doc().get("managementEvent") {
            Some(v) if generation >= Generation::V02fd8215 => {
                let val = Val::of(v);
                match val {
                    Val::Bool(b) => f(Val::Str(if b { "true" } else { "false" })),
                    Val::Str("") | Val::Null => false,
                    other => f(other),
                }
            }
            Some(v) => visit_copy_value(v, f),
            None => false,
        },
        Src::Outcome => one(Some(outcome(ev))),
        Src::Category => category_entry(ev, generation)
            .is_some_and(|(cats, _)| cats.iter().any(|c| f(Val::Str(c)))),
        Src::Type => match category_entry(ev, generation) {
            Some((_, types)) => types.iter().any(|t| f(Val::Str(t))),
            None => f(Val::Str("info")),
        },
        Src::UserName => one(ev.user_fields(generation).name.as_deref()),
        Src::UserId => one(ev.user_fields(generation).id.as_deref()),
        Src::UserEmail => one(ev
            .user_fields(generation)
            .name
            .as_deref()
            .filter(|n| n.find('@').is_some_and(|at| at > 0))),
        Src::UserChangesName => one(ev.user_fields(generation).changes_name.as_deref()),
        Src::RelatedUser => ev
            .related_users(generation)
            .into_iter()
            .any(|u| f(Val::Str(u))),
        Src::RelatedIp | Src::SourceIp => one(ev.source_ip()),
        Src::Geo(part) => crate::geoip::visit_geo(ev, part, f),
        Src::Asn(part) => crate::geoip::visit_asn(ev, part, f),
        Src::Java(root) => one(ev.java_string(root)),
        Src::Resource(key) => visit_resources(ev, key, f),
        Src::TlsProtocol => one(ev
            .text_at("tlsDetails.tlsVersion")
            .filter(|_| ev.tls_usable())
            .and_then(|v| v.split_once('v'))
            .map(|(protocol, _)| lowercase_protocol(protocol))),
        Src::TlsVersion => one(ev
            .text_at("tlsDetails.tlsVersion")
            .filter(|_| ev.tls_usable())
            .map(|v| v.split_once('v').map_or(v, |(_, ver)| ver))),
        Src::Tls(key) => {
            if !ev.tls_usable() {
                return false;
            }
            ev.doc()
                .get("tlsDetails")
                .and_then(|t| t.get(key))
                .is_some_and(|v| visit_copy_value(v, f))
        }
        Src::ConsoleLoginFlag(key) => {
            if ev.text_at("eventName") != Some("ConsoleLogin") {
                return false;
            }
            match ev.doc().get("additionalEventData").and_then(|a| a.get(key)) {
                Some(v) if !javamap::is_dropped(v) => f(Val::Bool(v.as_str() != Some("No"))),
                _ => false,
            }
        }
        Src::ConsoleLoginTo => {
            if ev.text_at("eventName") != Some("ConsoleLogin") {
                return false;
            }
            ev.doc()
                .get("additionalEventData")
                .and_then(|a| a.get("LoginTo"))
                .is_some_and(|v| visit_copy_value(v, f))
        }
        Src::UserAgent(part) => one(ev
            .text_at("userAgent")
            .and_then(|ua| crate::useragent::part(ua, part))),
        Src::ServiceName => one(ev
            .text_at("eventSource")
            .and_then(|s| s.split('.').next())
            .filter(|s| !s.is_empty())),
        Src::Since(since, inner) => generation >= since && visit_src(ev, inner, generation, f),
    }
}

/// `tls.version_protocol` is lowercased by the pipeline; the protocols CloudTrail reports are
/// known, so the lowercase form can be a constant.
fn lowercase_protocol(protocol: &str) -> &str {
    ["tls", "ssl", "dtls", "quic"]
        .into_iter()
        .find(|p| p.eq_ignore_ascii_case(protocol))
        .unwrap_or(protocol)
}

/// `event.outcome` (§3): ConsoleLogin's own result wins; otherwise failure when there is an
/// error code or message.
fn outcome(ev: &Event<'_>) -> &'static str {
    if ev.text_at("eventName") == Some("ConsoleLogin")
        && let Some(result) = ev.text_at("responseElements.ConsoleLogin")
    {
        return match result.to_ascii_lowercase().as_str() {
            "success" => "success",
            "failure" => "failure",
            _ => "unknown",
        };
    }
    let has = |k: &str| ev.doc().get(k).is_some_and(|v| !javamap::is_dropped(v));
    if has("errorCode") || has("errorMessage") {
        "failure"
    } else {
        "success"
    }
}

fn visit_copy<'e>(doc: &'e Value, path: &str, f: &mut dyn FnMut(Val<'e>) -> bool) -> bool {
    let mut cur = doc;
    for seg in path.split('.') {
        match cur.get(seg) {
            Some(v) => cur = v,
            None => return false,
        }
    }
    visit_copy_value(cur, f)
}

/// Copies a value as the pipeline leaves it after cleanup: arrays element by element, empty
/// values gone; objects stay objects.
fn visit_copy_value<'e>(v: &'e Value, f: &mut dyn FnMut(Val<'e>) -> bool) -> bool {
    if javamap::is_dropped(v) {
        return false;
    }
    if let Some(arr) = v.as_array() {
        return arr
            .iter()
            .filter(|x| !javamap::is_dropped(x))
            .any(|x| f(Val::of(x)));
    }
    f(Val::of(v))
}

fn visit_resources<'e>(ev: &'e Event<'_>, key: &str, f: &mut dyn FnMut(Val<'e>) -> bool) -> bool {
    resources(ev).into_iter().any(|r| {
        let v = match key {
            "arn" => r.arn,
            "account_id" => r.account_id,
            _ => r.kind,
        };
        v.is_some_and(|v| visit_copy_value(v, f))
    })
}

/// One item of `aws.cloudtrail.resources` after the pipeline's de-duplication.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'e> {
    /// `ARN` (or `arn`).
    pub arn: Option<&'e Value>,
    /// `accountId` (or `account_id`).
    pub account_id: Option<&'e Value>,
    /// `type`.
    pub kind: Option<&'e Value>,
    /// The raw item.
    pub raw: &'e Value,
}

/// `resources[]`, de-duplicated on `arn_accountId_type` through a `HashMap` as the pipeline
/// does, in that map's order; non-object items are dropped.
pub fn resources<'e>(ev: &'e Event<'_>) -> Vec<Resource<'e>> {
    let Some(items) = ev.doc().get("resources").and_then(|r| r.as_array()) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = Vec::new();
    let mut entries: Vec<Resource<'e>> = Vec::new();
    for item in items.iter() {
        let Some(obj) = item.as_object() else {
            continue;
        };
        if javamap::is_dropped(item) {
            continue;
        }
        let arn = obj
            .get(&"ARN")
            .or_else(|| obj.get(&"arn"))
            .filter(|v| !javamap::is_dropped(v));
        let account_id = obj
            .get(&"accountId")
            .or_else(|| obj.get(&"account_id"))
            .filter(|v| !javamap::is_dropped(v));
        let kind = obj.get(&"type").filter(|v| !javamap::is_dropped(v));
        let text = |v: Option<&Value>| {
            v.map(|v| Val::of(v).to_text().unwrap_or_default())
                .unwrap_or_default()
        };
        let key = format!("{}_{}_{}", text(arn), text(account_id), text(kind));
        let res = Resource {
            arn,
            account_id,
            kind,
            raw: item,
        };
        match keys.iter().position(|k| *k == key) {
            // A later duplicate replaces the value but keeps the slot.
            Some(i) => entries[i] = res,
            None => {
                keys.push(key);
                entries.push(res);
            }
        }
    }
    javamap::hashmap_order(&keys)
        .into_iter()
        .map(|i| entries[i])
        .collect()
}

type CatEntry = (&'static [&'static str], &'static [&'static str]);

fn category_entry(ev: &Event<'_>, generation: Generation) -> Option<CatEntry> {
    let action = ev.text_at("eventName")?;
    let entry = category_of(action)?;
    if generation < Generation::V0b97ab02 && !LEGACY_CATEGORY_ACTIONS.contains(&action) {
        return None;
    }
    Some(entry)
}

const IAM: &[&str] = &["iam"];
const AUTH: &[&str] = &["authentication"];
const FILE: &[&str] = &["file"];
const HOST: &[&str] = &["host"];
const NETWORK: &[&str] = &["network"];
const API: &[&str] = &["api"];
const CONFIGURATION: &[&str] = &["configuration"];
const PACKAGE: &[&str] = &["package"];
const DATABASE: &[&str] = &["database"];
const SESSION: &[&str] = &["session"];
const PROCESS: &[&str] = &["process"];

/// The categorisation table of pipeline `0b97ab02` (`reference/ecs-mapping.md` §3).
pub fn category_of(action: &str) -> Option<CatEntry> {
    let entry: CatEntry = match action {
        "AddUserToGroup"
        | "AttachGroupPolicy"
        | "DeleteGroupPolicy"
        | "DetachGroupPolicy"
        | "PutGroupPolicy"
        | "RemoveUserFromGroup"
        | "UpdateGroup" => (IAM, &["group", "change"]),
        "AttachUserPolicy"
        | "ChangePassword"
        | "CreateAccessKey"
        | "CreateVirtualMFADevice"
        | "DeactivateMFADevice"
        | "DeleteAccessKey"
        | "DeleteSSHPublicKey"
        | "DeleteUserPermissionsBoundary"
        | "DeleteUserPolicy"
        | "DeleteVirtualMFADevice"
        | "DetachUserPolicy"
        | "EnableMFADevice"
        | "PutUserPermissionsBoundary"
        | "PutUserPolicy"
        | "TagUser"
        | "UntagUser"
        | "UpdateAccessKey"
        | "UpdateLoginProfile"
        | "UpdateSSHPublicKey"
        | "UpdateUser" => (IAM, &["user", "change"]),
        "CreateGroup" => (IAM, &["group", "creation"]),
        "DeleteGroup" => (IAM, &["group", "deletion"]),
        "CreateUser" => (IAM, &["user", "creation"]),
        "DeleteUser" => (IAM, &["user", "deletion"]),
        "CreateKeyPair" => (IAM, &["admin", "creation"]),
        "SetDefaultPolicyVersion"
        | "SetSecurityTokenServicePreferences"
        | "UpdateAccountPasswordPolicy"
        | "UpdateRole" => (IAM, &["admin", "change"]),
        "GetGroup"
        | "GetGroupPolicy"
        | "ListAttachedGroupPolicies"
        | "ListGroupPolicies"
        | "ListGroups" => (IAM, &["group", "info"]),
        "GetUser"
        | "GetUserPolicy"
        | "ListAttachedUserPolicies"
        | "ListGroupsForUser"
        | "ListUserPolicies"
        | "ListUsers"
        | "ListUserTags" => (IAM, &["user", "info"]),
        "GetPolicy" | "ListAttachedRolePolicies" | "ListRoles" => (IAM, &["info"]),
        "CreatePolicy" => (IAM, &["creation"]),
        "AttachRolePolicy" => (IAM, &["change"]),
        "AssumeRole" | "ConsoleLogin" | "GetCallerIdentity" => (AUTH, &["info"]),
        "CreateBucket" | "CreateDocument" => (FILE, &["creation"]),
        "DeleteBucket" => (FILE, &["deletion"]),
        "ListBuckets" | "ListObjects" | "HeadObject" | "GetObject" => (FILE, &["info"]),
        "PutObject" => (FILE, &["change"]),
        "DeleteObject" => (FILE, &["delete"]),
        "DescribeInstances" | "DescribeVolumes" | "ListInstanceAssociations" => (HOST, &["info"]),
        "DescribeSecurityGroups"
        | "DescribeNetworkInterfaces"
        | "DescribeVpcs"
        | "DescribeNetworkAcls"
        | "DescribeLoadBalancers" => (NETWORK, &["info"]),
        "AuthorizeSecurityGroupIngress" => (NETWORK, &["access"]),
        "DescribeRegions" => (API, &["info"]),
        "DescribeTrails" => (CONFIGURATION, &["info"]),
        "DeleteTrail" => (CONFIGURATION, &["deletion"]),
        "CreateTopic" => (CONFIGURATION, &["creation"]),
        "Subscribe" => (CONFIGURATION, &["change"]),
        "ListFunctions" => (PACKAGE, &["info"]),
        "ListTables" | "DescribeDBInstances" => (DATABASE, &["info"]),
        "StartSession"
        | "CreateControlChannel"
        | "OpenControlChannel"
        | "CreateDataChannel"
        | "OpenDataChannel" => (SESSION, &["start"]),
        "TerminateSession" => (SESSION, &["end"]),
        "Publish" | "Converse" => (API, &[]),
        "SendCommand" => (PROCESS, &[]),
        _ => return None,
    };
    Some(entry)
}

/// Actions in the table of the older pipelines (IAM users and groups, sign-in, buckets).
const LEGACY_CATEGORY_ACTIONS: &[&str] = &[
    "AddUserToGroup",
    "AssumeRole",
    "AttachGroupPolicy",
    "AttachUserPolicy",
    "ChangePassword",
    "ConsoleLogin",
    "CreateAccessKey",
    "CreateBucket",
    "CreateGroup",
    "CreateKeyPair",
    "CreateUser",
    "CreateVirtualMFADevice",
    "DeactivateMFADevice",
    "DeleteAccessKey",
    "DeleteBucket",
    "DeleteGroup",
    "DeleteGroupPolicy",
    "DeleteSSHPublicKey",
    "DeleteUser",
    "DeleteUserPermissionsBoundary",
    "DeleteUserPolicy",
    "DeleteVirtualMFADevice",
    "DetachGroupPolicy",
    "DetachUserPolicy",
    "EnableMFADevice",
    "GetGroup",
    "GetGroupPolicy",
    "GetUser",
    "GetUserPolicy",
    "ListAttachedGroupPolicies",
    "ListAttachedUserPolicies",
    "ListGroupPolicies",
    "ListGroups",
    "ListGroupsForUser",
    "ListUserPolicies",
    "ListUserTags",
    "ListUsers",
    "PutGroupPolicy",
    "PutUserPermissionsBoundary",
    "PutUserPolicy",
    "RemoveUserFromGroup",
    "SetDefaultPolicyVersion",
    "SetSecurityTokenServicePreferences",
    "TagUser",
    "UntagUser",
    "UpdateAccessKey",
    "UpdateAccountPasswordPolicy",
    "UpdateGroup",
    "UpdateLoginProfile",
    "UpdateRole",
    "UpdateSSHPublicKey",
    "UpdateUser",
];

/// Visits the leaves of `aws.cloudtrail.flattened.<root>.<path>`: every scalar at or below the
/// path, as a keyword (the flattened type indexes leaves only). Not present when the Java string
/// is 32766 characters or longer (the pipeline does not keep the flattened copy then).
pub(crate) fn visit_flattened<'e>(
    ev: &'e Event<'_>,
    root: JavaRoot,
    path: &Path,
    f: &mut dyn FnMut(Val<'e>) -> bool,
) -> bool {
    let Some(text) = ev.java_string(root) else {
        return false;
    };
    if javamap::java_len(text) >= 32766 {
        return false;
    }
    let Some(base) = ev.doc().get(root.raw_key()) else {
        return false;
    };
    path.visit(base, &mut |node| visit_leaves(node, f))
}

fn visit_leaves<'e>(node: &'e Value, f: &mut dyn FnMut(Val<'e>) -> bool) -> bool {
    if let Some(obj) = node.as_object() {
        return obj.iter().any(|(_, v)| visit_leaves(v, f));
    }
    if let Some(arr) = node.as_array() {
        return arr.iter().any(|v| visit_leaves(v, f));
    }
    if javamap::is_dropped(node) {
        return false;
    }
    f(Val::of(node))
}

/// The cleaned flattened object (for output), when the pipeline keeps it.
pub fn flattened_object(ev: &Event<'_>, root: JavaRoot) -> Option<serde_json::Value> {
    let text = ev.java_string(root)?;
    if javamap::java_len(text) >= 32766 {
        return None;
    }
    let mut value = ev.doc().get(root.raw_key())?;
    let owned;
    if root == JavaRoot::AdditionalEventData && ev.renames_auth_user_name() {
        let mut copy = value.clone();
        if let Some(obj) = copy.as_object_mut() {
            obj.remove(&"UserName");
        }
        owned = copy;
        value = &owned;
    }
    cleaned(value)
}

/// A `serde_json` copy of `v` with the pipeline's cleanup applied; `None` when nothing is left.
pub fn cleaned(v: &Value) -> Option<serde_json::Value> {
    if javamap::is_dropped(v) {
        return None;
    }
    if let Some(obj) = v.as_object() {
        let mut map = serde_json::Map::new();
        for (k, v) in obj.iter() {
            if let Some(c) = cleaned(v) {
                map.insert(k.to_owned(), c);
            }
        }
        return Some(serde_json::Value::Object(map));
    }
    if let Some(arr) = v.as_array() {
        return Some(serde_json::Value::Array(
            arr.iter().filter_map(cleaned).collect(),
        ));
    }
    Some(Val::of(v).to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(raw: &str, name: &str) -> Vec<String> {
        let ev = Event::parse(raw).expect("valid");
        let mut out = Vec::new();
        match lookup(name, Generation::Latest).expect("known field") {
            EcsRef::Field(field) => {
                visit_field(&ev, field, &mut |v| {
                    out.push(v.to_string());
                    false
                });
            }
            EcsRef::Flattened { root, path } => {
                visit_flattened(&ev, root, &path, &mut |v| {
                    out.push(v.to_string());
                    false
                });
            }
        }
        out
    }

    const ASSUMED: &str = r#"{"eventName":"AddPermission20150331v2","eventSource":"lambda.amazonaws.com","eventTime":"2024-05-01T10:00:00Z","userIdentity":{"type":"AssumedRole","principalId":"AROA1:alice@example.com","arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com","accountId":"111122223333","sessionContext":{"sessionIssuer":{"userName":"Admin"}}},"sourceIPAddress":"203.0.113.9","requestParameters":{"functionName":"f","statementId":"s","action":"lambda:InvokeFunction","principal":"*"},"errorCode":""}"#;

    #[test]
    fn basic_fields_resolve() {
        assert_eq!(values(ASSUMED, "event.action"), ["AddPermission20150331v2"]);
        assert_eq!(values(ASSUMED, "event.provider"), ["lambda.amazonaws.com"]);
        assert_eq!(values(ASSUMED, "@timestamp"), ["2024-05-01T10:00:00.000Z"]);
        assert_eq!(values(ASSUMED, "cloud.account.id"), ["111122223333"]);
        assert_eq!(values(ASSUMED, "data_stream.dataset"), ["aws.cloudtrail"]);
        assert_eq!(values(ASSUMED, "source.ip"), ["203.0.113.9"]);
        assert_eq!(values(ASSUMED, "event.type"), ["info"]);
        assert!(values(ASSUMED, "event.category").is_empty());
        // An empty errorCode is dropped by the cleanup: the call succeeded.
        assert_eq!(values(ASSUMED, "event.outcome"), ["success"]);
        assert!(values(ASSUMED, "aws.cloudtrail.error_code").is_empty());
    }

    #[test]
    fn user_fields_follow_the_latest_pipeline() {
        assert_eq!(values(ASSUMED, "user.name"), ["Admin"]);
        assert_eq!(values(ASSUMED, "user.id"), ["AROA1:alice@example.com"]);
        assert_eq!(
            values(ASSUMED, "related.user"),
            [
                "alice@example.com",
                "alice",
                "AROA1:alice@example.com",
                "Admin"
            ]
        );
        assert!(values(ASSUMED, "user.changes.name").is_empty());
    }

    #[test]
    fn request_parameters_and_flattened_leaves() {
        assert_eq!(
            values(ASSUMED, "aws.cloudtrail.request_parameters"),
            // The order the seed 001 DISSECT pattern expects: principal, functionName, statementId, action.
            ["{principal=*, functionName=f, statementId=s, action=lambda:InvokeFunction}"]
        );
        assert_eq!(
            values(
                ASSUMED,
                "aws.cloudtrail.flattened.request_parameters.principal"
            ),
            ["*"]
        );
        assert_eq!(
            values(ASSUMED, "aws.cloudtrail.flattened.request_parameters").len(),
            4
        );
    }

    #[test]
    fn source_ip_only_for_addresses() {
        let raw = r#"{"eventName":"X","sourceIPAddress":"ssm.amazonaws.com"}"#;
        assert!(values(raw, "source.ip").is_empty());
        assert_eq!(values(raw, "source.address"), ["ssm.amazonaws.com"]);
    }

    #[test]
    fn console_login_outcome_comes_from_the_response() {
        let raw = r#"{"eventName":"ConsoleLogin","errorMessage":"Failed authentication","responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No","LoginTo":"https://x"}}"#;
        assert_eq!(values(raw, "event.outcome"), ["failure"]);
        assert_eq!(
            values(
                raw,
                "aws.cloudtrail.console_login.additional_eventdata.mfa_used"
            ),
            ["false"]
        );
        assert_eq!(values(raw, "event.category"), ["authentication"]);
        let ok = r#"{"eventName":"ConsoleLogin","errorCode":"x","responseElements":{"ConsoleLogin":"Success"}}"#;
        assert_eq!(values(ok, "event.outcome"), ["success"]);
    }

    #[test]
    fn categories_follow_the_table() {
        let raw = r#"{"eventName":"AttachUserPolicy"}"#;
        assert_eq!(values(raw, "event.category"), ["iam"]);
        assert_eq!(values(raw, "event.type"), ["user", "change"]);
        let publish = r#"{"eventName":"Publish"}"#;
        assert_eq!(values(publish, "event.category"), ["api"]);
        assert!(values(publish, "event.type").is_empty());
    }

    #[test]
    fn resources_are_deduplicated_in_hashmap_order() {
        let raw = r#"{"eventName":"X","resources":[{"ARN":"arn:b","accountId":"1","type":"T"},{"ARN":"arn:a","accountId":"1","type":"T"},{"ARN":"arn:b","accountId":"1","type":"T"},"junk"]}"#;
        let arns = values(raw, "aws.cloudtrail.resources.arn");
        assert_eq!(arns.len(), 2);
        let mut sorted = arns.clone();
        sorted.sort();
        assert_eq!(sorted, ["arn:a", "arn:b"]);
    }

    #[test]
    fn tls_placeholder_drops_tls_details() {
        let raw = r#"{"eventName":"X","tlsDetails":{"tlsVersion":"tlsVersion","cipherSuite":"c","clientProvidedHostHeader":"h"}}"#;
        assert!(values(raw, "tls.cipher").is_empty());
        assert!(values(raw, "tls.version").is_empty());
        let raw = r#"{"eventName":"X","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"c"}}"#;
        assert_eq!(values(raw, "tls.version"), ["1.3"]);
        assert_eq!(values(raw, "tls.version_protocol"), ["tls"]);
        assert_eq!(values(raw, "tls.cipher"), ["c"]);
    }

    #[test]
    fn session_names_come_from_sts_arns_only() {
        assert_eq!(
            session_name_of_arn("arn:aws:sts::1:assumed-role/R/i-123"),
            Some("i-123")
        );
        assert_eq!(
            session_name_of_arn("arn:aws-us-gov:sts::1:assumed-role/R/s"),
            Some("s")
        );
        assert_eq!(session_name_of_arn("arn:aws:iam::1:user/bob"), None);
    }
}
