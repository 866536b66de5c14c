//! Benign background traffic: who calls, from where, with what tool, and how calls fail.

pub(crate) mod api;
pub(crate) mod ctx;
pub(crate) mod tables;

use crate::ids;
use crate::json::Json;
use crate::notable::Notable;
use crate::record::{self, Body, Envelope, EventType, RequestId, Who};
use crate::rng::{Rng, Weighted, mix};
use crate::svc::{Style, Svc, action_of};
use crate::world::{Account, Human, SessionStyle, Tool, World};
use api::Api;
use ctx::Ctx;
use std::borrow::Cow;
use tables::{KIND_PPM, Kind};

/// The weighted choices of background generation, prepared once per run.
pub(crate) struct Catalogue {
    /// Caller kinds in regional streams (`[0]`) and in the global (`us-east-1`) stream (`[1]`).
    kinds: [Weighted<Kind>; 2],
    /// Per kind: its regional and its global APIs.
    apis: Vec<(Kind, [Weighted<&'static Api>; 2])>,
    global_share: f64,
}

impl Catalogue {
    /// Builds the tables from [`tables::KIND_PPM`] and [`tables::tables`].
    pub(crate) fn new() -> Catalogue {
        let mut apis = Vec::new();
        let mut regional_kinds = Vec::new();
        let mut global_kinds = Vec::new();
        let mut global_mass = 0.0;
        for &(kind, ppm) in &KIND_PPM {
            let all: Vec<(&'static Api, u64)> = tables::tables(kind)
                .iter()
                .flat_map(|t| t.iter().copied())
                .collect();
            let total: u64 = all.iter().map(|(_, w)| w).sum();
            let global: u64 = all
                .iter()
                .filter(|(a, _)| a.svc.global())
                .map(|(_, w)| w)
                .sum();
            let share = if total == 0 {
                0.0
            } else {
                global as f64 / total as f64
            };
            global_mass += ppm as f64 * share;
            global_kinds.push((kind, (ppm as f64 * share * 1e6).round() as u64));
            regional_kinds.push((kind, (ppm as f64 * (1.0 - share) * 1e6).round() as u64));
            let regional = Weighted::new(all.iter().filter(|(a, _)| !a.svc.global()).copied());
            let global = Weighted::new(all.iter().filter(|(a, _)| a.svc.global()).copied());
            apis.push((kind, [regional, global]));
        }
        Catalogue {
            kinds: [Weighted::new(regional_kinds), Weighted::new(global_kinds)],
            apis,
            global_share: global_mass / 1e6,
        }
    }

    /// The share of background events that belong to global services (recorded in `us-east-1`).
    pub(crate) fn global_share(&self) -> f64 {
        self.global_share
    }

    fn apis(&self, kind: Kind, global: bool) -> &Weighted<&'static Api> {
        // Every kind of KIND_PPM has an entry, built in `new`.
        let entry = self.apis.iter().find(|(k, _)| *k == kind).map(|(_, t)| t);
        match entry {
            Some(t) => &t[usize::from(global)],
            None => &self.apis[0].1[0],
        }
    }

    /// The expected share of background events of each API that carries a [`Notable`] flag, and
    /// of the sign-in and root kinds; used by the documentation tests.
    #[cfg(test)]
    pub(crate) fn expected_rates(&self) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        for &(kind, ppm) in &KIND_PPM {
            let all: Vec<(&'static Api, u64)> = tables::tables(kind)
                .iter()
                .flat_map(|t| t.iter().copied())
                .collect();
            let total: u64 = all.iter().map(|(_, w)| w).sum();
            for (api, w) in all {
                if api.notable.is_some() {
                    out.push((
                        format!("{kind:?}/{}", api.name),
                        ppm as f64 / 1e6 * w as f64 / total as f64,
                    ));
                }
            }
            if matches!(kind, Kind::Login | Kind::Root) {
                out.push((format!("{kind:?}"), ppm as f64 / 1e6));
            }
        }
        out
    }
}

/// Reusable buffers for generating background records.
pub(crate) struct Generator<'w> {
    cat: &'w Catalogue,
    world: &'w World,
    body: Body,
    host: String,
    tmp: String,
    ua: String,
    msg: String,
    arn: String,
    ip: String,
}

/// Parts-per-million failure rates of a caller.
#[derive(Clone, Copy)]
struct Failures {
    denied: u64,
    throttled: u64,
}

const SSM_AGENT_UA: &str =
    "aws-sdk-go/1.44.260 (go1.21.6; linux; amd64) amazon-ssm-agent/3.3.418.0";
const CW_AGENT_UA: &str = "aws-sdk-go/1.48.6 (go1.21.5; linux; amd64) CWAgent/1.300033.0 (go1.21.5; linux; amd64) inputs:(cpu disk mem) outputs:(cloudwatch)";
const S3_CONSOLE_UA: &str = "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.671 Linux/5.10.213-179.855.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard]";
const BOTO3_UA: &str = "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69";
const CLI_LINUX: &str = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1016-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#";
const CLI_MAC: &str = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#";
const CLI_RUNNER: &str = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1017-azure md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython exec-env/github-actions cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#";
const TERRAFORM_UA: &str = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64 api/";

/// `DescribeInstances` → `describe-instances`.
fn kebab(action: &str, out: &mut String) {
    for (i, ch) in action.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
}

/// An aws-cli v2 user agent naming the command it ran.
pub(crate) fn cli_user_agent(out: &mut String, base: &str, svc: Svc, event_name: &str) {
    out.clear();
    out.push_str(base);
    out.push_str(match svc {
        Svc::S3 => "s3api",
        Svc::Logs => "logs",
        Svc::Monitoring => "cloudwatch",
        Svc::Elb => "elbv2",
        other => other.action_prefix(),
    });
    out.push('.');
    kebab(action_of(event_name), out);
}

fn terraform_user_agent(out: &mut String, svc: Svc) {
    out.clear();
    out.push_str(TERRAFORM_UA);
    out.push_str(svc.action_prefix());
    out.push_str("#1.31.3");
}

/// Start of the session of length `len` containing `t`, with a per-session phase.
fn session_start(t: i64, len: i64, salt: u64) -> i64 {
    let phase = (salt % len as u64) as i64;
    t - (t + phase).rem_euclid(len)
}

/// A temporary access key that stays the same for a whole session.
fn session_key(parts: &[u64]) -> String {
    ids::access_key(&mut Rng::new(mix(parts)), true)
}

fn is_terraform_call(api: &Api) -> bool {
    matches!(
        api.svc,
        Svc::Iam
            | Svc::Ec2
            | Svc::Kms
            | Svc::DynamoDb
            | Svc::Route53
            | Svc::Sns
            | Svc::Sqs
            | Svc::Logs
    ) || (api.svc == Svc::S3 && !api.data)
        || api.name.starts_with("AddPermission")
        || (api.svc == Svc::Lambda && api.read_only)
}

impl<'w> Generator<'w> {
    /// A generator over `world` with the run's catalogue.
    pub(crate) fn new(cat: &'w Catalogue, world: &'w World) -> Generator<'w> {
        Generator {
            cat,
            world,
            body: Body::default(),
            host: String::new(),
            tmp: String::new(),
            ua: String::new(),
            msg: String::new(),
            arn: String::new(),
            ip: String::new(),
        }
    }

    /// Bytes held in the generator's reusable buffers.
    pub(crate) fn held(&self) -> usize {
        let b = &self.body;
        b.req.buf.capacity()
            + b.resp.buf.capacity()
            + b.extra.buf.capacity()
            + b.resources.buf.capacity()
            + self.host.capacity()
            + self.tmp.capacity()
            + self.ua.capacity()
            + self.msg.capacity()
            + self.arn.capacity()
            + self.ip.capacity()
    }

    /// Writes one background record of account `acct` into `out`, returning its notable
    /// category if it has one.
    pub(crate) fn event(
        &mut self,
        rng: &mut Rng,
        acct_idx: usize,
        region: &str,
        global: bool,
        time: i64,
        out: &mut Json,
    ) -> Option<Notable> {
        let world = self.world;
        let acct = &world.accounts[acct_idx];
        let kind = *self.cat.kinds[usize::from(global)].pick(rng);
        let api = *self.cat.apis(kind, global).pick(rng);
        if api.svc == Svc::Signin {
            return self.sign_in(rng, acct, kind == Kind::Root, time, out);
        }
        let Generator {
            body,
            host,
            tmp,
            ua,
            msg,
            arn,
            ip,
            ..
        } = self;
        body.clear();
        api.svc.host(region, host);
        let a = acct_idx as u64;

        // The caller: identity, address, tool, failure rates.
        let mut comp = None;
        let mut instance = None;
        let mut user = None;
        let mut vpce = false;
        let mut console = false;
        let mut internal = false;
        let mut fail = Failures {
            denied: 0,
            throttled: 0,
        };
        let mut who: Who<'_>;
        let mut src: Cow<'_, str>;
        let mut agent: Cow<'_, str>;
        match kind {
            Kind::App => {
                let ai = rng.index(acct.apps.len());
                let app = &acct.apps[ai];
                comp = Some(app.comp);
                let salt = mix(&[a, 1, ai as u64]);
                let (session, created): (Cow<'_, str>, i64) = match &app.style {
                    SessionStyle::Lambda(f) => {
                        (Cow::Borrowed(f.as_str()), session_start(time, 3600, salt))
                    }
                    SessionStyle::EcsTask => {
                        let slot = rng.below(3);
                        let created = session_start(time, 21_600, salt ^ slot);
                        let mut r = Rng::new(mix(&[salt, slot, created as u64]));
                        (Cow::Owned(ids::chars(&mut r, "", ids::HEX, 32)), created)
                    }
                    SessionStyle::Sdk => {
                        let created = session_start(time, 3600, salt);
                        (Cow::Owned(format!("botocore-session-{created}")), created)
                    }
                };
                let key = session_key(&[salt, created as u64]);
                who = Who::Role {
                    account: &acct.id,
                    role: &app.role,
                    session,
                    key: Some(Cow::Owned(key)),
                    created,
                    mfa: false,
                    invoked_by: None,
                };
                if rng.chance(0.55) {
                    let h = mix(&[salt, created as u64]);
                    ip.clear();
                    use std::fmt::Write;
                    let _ = write!(
                        ip,
                        "10.{}.{}.{}",
                        10 + a % 200,
                        64 + (h >> 8) % 64,
                        4 + (h >> 20) % 250
                    );
                    src = Cow::Borrowed(ip.as_str());
                    vpce = true;
                } else {
                    src = Cow::Borrowed(acct.nat_ips[rng.index(acct.nat_ips.len())].as_str());
                }
                agent = Cow::Borrowed(app.user_agent);
                fail = Failures {
                    denied: 3_000,
                    throttled: 3_000,
                };
            }
            Kind::Instance => {
                let ri = rng.index(acct.instance_roles.len());
                let role = &acct.instance_roles[ri];
                let ii = rng.index(role.instances.len());
                let inst = &role.instances[ii];
                instance = Some(inst);
                let salt = mix(&[a, 2, ri as u64, ii as u64]);
                let created = session_start(time, 21_600, salt);
                who = Who::Role {
                    account: &acct.id,
                    role: &role.role,
                    session: Cow::Borrowed(inst.id.as_str()),
                    key: Some(Cow::Owned(session_key(&[salt, created as u64]))),
                    created,
                    mfa: false,
                    invoked_by: None,
                };
                if rng.chance(0.6) {
                    src = Cow::Borrowed(inst.private_ip.as_str());
                    vpce = true;
                } else {
                    src = Cow::Borrowed(acct.nat_ips[rng.index(acct.nat_ips.len())].as_str());
                }
                agent = Cow::Borrowed(match api.svc {
                    Svc::Ssm => SSM_AGENT_UA,
                    Svc::Monitoring => CW_AGENT_UA,
                    Svc::Ec2 if api.name == "DescribeTags" => CW_AGENT_UA,
                    _ => role.user_agent,
                });
                fail = Failures {
                    denied: 3_000,
                    throttled: 3_000,
                };
            }
            Kind::HumanCli => {
                let hi = rng.index(acct.humans.len());
                let h: &Human = &acct.humans[hi];
                user = Some(&h.user);
                who = Who::UserKey {
                    account: &acct.id,
                    user: &h.user,
                    key: &h.access_key,
                };
                src = Cow::Borrowed(if rng.chance(0.7) { h.ips[0] } else { h.ips[1] });
                agent = match h.tool {
                    Tool::Cli => {
                        cli_user_agent(
                            ua,
                            if hi.is_multiple_of(2) {
                                CLI_MAC
                            } else {
                                CLI_LINUX
                            },
                            api.svc,
                            api.name,
                        );
                        Cow::Borrowed(ua.as_str())
                    }
                    Tool::Boto3 => Cow::Borrowed(BOTO3_UA),
                    Tool::Terraform => {
                        terraform_user_agent(ua, api.svc);
                        Cow::Borrowed(ua.as_str())
                    }
                };
                fail = Failures {
                    denied: 25_000,
                    throttled: 1_000,
                };
            }
            Kind::SsoConsole | Kind::SsoCli => {
                let pi = rng.index(acct.sso_people.len());
                let p = &acct.sso_people[pi];
                let role = &acct.sso_roles[p.role % acct.sso_roles.len()];
                let salt = mix(&[a, 3, pi as u64]);
                let created = session_start(time, 28_800, salt);
                who = Who::Role {
                    account: &acct.id,
                    role,
                    session: Cow::Borrowed(p.email.as_str()),
                    key: Some(Cow::Owned(session_key(&[salt, created as u64]))),
                    created,
                    mfa: false,
                    invoked_by: None,
                };
                if kind == Kind::SsoConsole {
                    console = true;
                    if api.svc == Svc::S3 {
                        src = Cow::Borrowed(p.ip);
                        agent = Cow::Borrowed(S3_CONSOLE_UA);
                    } else if rng.chance(0.4) {
                        src = Cow::Borrowed("AWS Internal");
                        agent = Cow::Borrowed("AWS Internal");
                        internal = true;
                    } else {
                        src = Cow::Borrowed(p.ip);
                        agent = Cow::Borrowed(p.browser);
                    }
                    fail = Failures {
                        denied: 10_000,
                        throttled: 1_000,
                    };
                } else {
                    src = Cow::Borrowed(p.ip);
                    cli_user_agent(
                        ua,
                        if pi.is_multiple_of(2) {
                            CLI_MAC
                        } else {
                            CLI_LINUX
                        },
                        api.svc,
                        api.name,
                    );
                    agent = Cow::Borrowed(ua.as_str());
                    fail = Failures {
                        denied: 15_000,
                        throttled: 1_000,
                    };
                }
            }
            Kind::Ci => {
                let terraform = is_terraform_call(api);
                let salt = mix(&[a, 4, u64::from(terraform)]);
                let created = session_start(time, 3600, salt);
                let run = mix(&[salt, created as u64]);
                who = Who::Role {
                    account: &acct.id,
                    role: &acct.ci,
                    session: Cow::Borrowed(if terraform {
                        "terraform"
                    } else {
                        "GitHubActions"
                    }),
                    key: Some(Cow::Owned(session_key(&[run]))),
                    created,
                    mfa: false,
                    invoked_by: None,
                };
                src = Cow::Borrowed(
                    acct.runner_ips[(run % acct.runner_ips.len() as u64) as usize].as_str(),
                );
                if terraform {
                    terraform_user_agent(ua, api.svc);
                } else {
                    cli_user_agent(ua, CLI_RUNNER, api.svc, api.name);
                }
                agent = Cow::Borrowed(ua.as_str());
                fail = Failures {
                    denied: 5_000,
                    throttled: 3_000,
                };
            }
            Kind::Linked(lk) => {
                let linked = acct
                    .linked
                    .iter()
                    .find(|l| l.kind == lk)
                    .unwrap_or(&acct.linked[0]);
                let created = session_start(time, 3600, mix(&[a, 5]));
                who = Who::Role {
                    account: &acct.id,
                    role: &linked.role,
                    session: Cow::Borrowed(linked.session),
                    key: None,
                    created,
                    mfa: false,
                    invoked_by: Some(linked.service),
                };
                src = Cow::Borrowed(linked.service);
                agent = Cow::Borrowed(linked.service);
                fail = Failures {
                    denied: 1_000,
                    throttled: 4_000,
                };
            }
            Kind::Service | Kind::Login => {
                who = Who::Service {
                    invoked_by: "AWS Internal",
                };
                src = Cow::Borrowed("AWS Internal");
                agent = Cow::Borrowed("AWS Internal");
            }
            Kind::Root => {
                let created = session_start(time, 3600, mix(&[a, 6]));
                who = Who::Root {
                    account: &acct.id,
                    key: Some(Cow::Owned(session_key(&[a, 6, created as u64]))),
                    created,
                };
                src = Cow::Borrowed(acct.humans[0].ips[0]);
                agent = Cow::Borrowed(acct.humans[0].browser);
                console = true;
            }
        }

        // The API's own parts.
        let (invoked_by, s3) = {
            let mut c = Ctx {
                rng: &mut *rng,
                body: &mut *body,
                acct,
                region,
                time,
                comp,
                instance,
                user,
                invoked_by: None,
                s3: false,
                host: &mut *host,
                tmp: &mut *tmp,
            };
            (api.fill)(&mut c);
            (c.invoked_by, c.s3)
        };
        if let Some(by) = invoked_by {
            match &mut who {
                Who::Role { invoked_by, .. } => *invoked_by = Some(by),
                _ => who = Who::Service { invoked_by: by },
            }
            src = Cow::Borrowed(by);
            agent = Cow::Borrowed(by);
            vpce = false;
        }

        // Failures.
        let mut error = None;
        if api.notable.is_none() {
            let roll = rng.below(1_000_000);
            if roll < fail.denied {
                who.arn(arn);
                let (code, message) = denied(api, arn, msg, rng);
                error = Some((code, message));
            } else if roll < fail.denied + fail.throttled {
                error = Some(throttled(api.svc));
            } else if let Some((code, message, per_mille)) = api.not_found
                && kind != Kind::Service
                && rng.below(1000) < u64::from(per_mille)
            {
                error = Some((code, message));
            }
        }

        let service = who.is_service();
        let env = Envelope {
            who,
            time,
            svc: api.svc,
            name: api.name,
            region,
            ip: &src,
            user_agent: &agent,
            error: error.map(|(c, m)| (c, if m.is_empty() { "" } else { m })),
            read_only: api.read_only,
            event_type: EventType::Api,
            data: api.data,
            account: &acct.id,
            request_id: if s3 {
                RequestId::S3(ids::s3_request_id(rng))
            } else {
                RequestId::Uuid(ids::uuid(rng))
            },
            event_id: ids::uuid(rng),
            vpce: if vpce && !service {
                Some(acct.vpce.as_str())
            } else {
                None
            },
            tls_host: if service || internal {
                None
            } else {
                Some(host.as_str())
            },
            console,
        };
        record::write_record(out, &env, body);
        if kind == Kind::Root {
            Some(Notable::RootActivity)
        } else {
            api.notable
        }
    }

    /// A `ConsoleLogin` record (`kind` Login or Root).
    fn sign_in(
        &mut self,
        rng: &mut Rng,
        acct: &Account,
        root: bool,
        time: i64,
        out: &mut Json,
    ) -> Option<Notable> {
        let body = &mut self.body;
        body.clear();
        let login_to = "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_";
        let mut error = None;
        let notable;
        let who;
        let ip;
        let agent;
        let roll = if root { 1000 } else { rng.below(100) };
        let no_mfa = acct.humans.iter().find(|h| !h.mfa);
        match roll {
            0..=54 => {
                let p = &acct.sso_people[rng.index(acct.sso_people.len())];
                let role = &acct.sso_roles[p.role % acct.sso_roles.len()];
                who = Who::Role {
                    account: &acct.id,
                    role,
                    session: Cow::Borrowed(p.email.as_str()),
                    key: None,
                    created: time,
                    mfa: false,
                    invoked_by: None,
                };
                body.extra
                    .obj()
                    .ks("LoginTo", login_to)
                    .ks("MobileVersion", "No")
                    .ks("MFAUsed", "No")
                    .ks("SamlProviderArn", &acct.saml_provider)
                    .end();
                body.resp.obj().ks("ConsoleLogin", "Success").end();
                ip = p.ip;
                agent = p.browser;
                notable = Notable::ConsoleLoginSso;
            }
            80..=87 if no_mfa.is_some() => {
                let h = no_mfa.unwrap_or(&acct.humans[0]);
                who = Who::UserLogin {
                    account: &acct.id,
                    user: &h.user,
                };
                body.extra
                    .obj()
                    .ks("LoginTo", login_to)
                    .ks("MobileVersion", "No")
                    .ks("MFAUsed", "No")
                    .end();
                body.resp.obj().ks("ConsoleLogin", "Success").end();
                ip = h.ips[0];
                agent = h.browser;
                notable = Notable::ConsoleLoginNoMfa;
            }
            88..=99 => {
                let h = &acct.humans[rng.index(acct.humans.len())];
                who = Who::UserLogin {
                    account: &acct.id,
                    user: &h.user,
                };
                body.extra
                    .obj()
                    .ks("LoginTo", login_to)
                    .ks("MobileVersion", "No")
                    .ks("MFAUsed", "No")
                    .end();
                body.resp.obj().ks("ConsoleLogin", "Failure").end();
                error = Some(("", "Failed authentication"));
                ip = h.ips[rng.index(2)];
                agent = h.browser;
                notable = Notable::ConsoleLoginFailure;
            }
            1000 => {
                who = Who::Root {
                    account: &acct.id,
                    key: None,
                    created: time,
                };
                self.tmp.clear();
                self.tmp.push_str("arn:aws:iam::");
                self.tmp.push_str(&acct.id);
                self.tmp.push_str(":mfa/root-account-mfa-device");
                body.extra
                    .obj()
                    .ks("LoginTo", login_to)
                    .ks("MobileVersion", "No")
                    .ks("MFAIdentifier", &self.tmp)
                    .ks("MFAUsed", "Yes")
                    .end();
                body.resp.obj().ks("ConsoleLogin", "Success").end();
                ip = acct.humans[0].ips[0];
                agent = acct.humans[0].browser;
                notable = Notable::RootActivity;
            }
            _ => {
                let mfa_humans = acct.humans.iter().filter(|h| h.mfa).count().max(1);
                let h = acct
                    .humans
                    .iter()
                    .filter(|h| h.mfa)
                    .nth(rng.index(mfa_humans))
                    .unwrap_or(&acct.humans[0]);
                who = Who::UserLogin {
                    account: &acct.id,
                    user: &h.user,
                };
                self.tmp.clear();
                self.tmp.push_str("arn:aws:iam::");
                self.tmp.push_str(&acct.id);
                self.tmp.push_str(":mfa/");
                self.tmp.push_str(&h.user.name);
                body.extra
                    .obj()
                    .ks("LoginTo", login_to)
                    .ks("MobileVersion", "No")
                    .ks("MFAIdentifier", &self.tmp)
                    .ks("MFAUsed", "Yes")
                    .end();
                body.resp.obj().ks("ConsoleLogin", "Success").end();
                ip = h.ips[0];
                agent = h.browser;
                return {
                    write_sign_in(out, who, time, ip, agent, None, &acct.id, rng, body);
                    None
                };
            }
        }
        write_sign_in(out, who, time, ip, agent, error, &acct.id, rng, body);
        Some(notable)
    }
}

#[allow(clippy::too_many_arguments)]
fn write_sign_in(
    out: &mut Json,
    who: Who<'_>,
    time: i64,
    ip: &str,
    agent: &str,
    error: Option<(&str, &str)>,
    account: &str,
    rng: &mut Rng,
    body: &Body,
) {
    let env = Envelope {
        who,
        time,
        svc: Svc::Signin,
        name: "ConsoleLogin",
        region: "us-east-1",
        ip,
        user_agent: agent,
        error,
        read_only: false,
        event_type: EventType::SignIn,
        data: false,
        account,
        request_id: RequestId::None,
        event_id: ids::uuid(rng),
        vpce: None,
        tls_host: Some("signin.aws.amazon.com"),
        console: false,
    };
    record::write_record(out, &env, body);
}

/// The access-denied error of `api` for the caller whose ARN is in `arn`.
fn denied<'m>(api: &Api, arn: &str, msg: &'m mut String, rng: &mut Rng) -> (&'static str, &'m str) {
    let prefix = api.svc.action_prefix();
    let action = action_of(api.name);
    msg.clear();
    match api.svc.style() {
        Style::Ec2 => {
            msg.push_str("You are not authorized to perform this operation. User: ");
            msg.push_str(arn);
            msg.push_str(" is not authorized to perform: ec2:");
            msg.push_str(action);
            msg.push_str(" because no identity-based policy allows the ec2:");
            msg.push_str(action);
            msg.push_str(" action. Encoded authorization failure message: ");
            ids::push_chars(
                msg,
                rng,
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                180,
            );
            ("Client.UnauthorizedOperation", msg.as_str())
        }
        Style::S3 => ("AccessDenied", "Access Denied"),
        style => {
            msg.push_str("User: ");
            msg.push_str(arn);
            msg.push_str(" is not authorized to perform: ");
            msg.push_str(prefix);
            msg.push(':');
            msg.push_str(action);
            msg.push_str(" because no identity-based policy allows the ");
            msg.push_str(prefix);
            msg.push(':');
            msg.push_str(action);
            msg.push_str(" action");
            (
                if style == Style::Query {
                    "AccessDenied"
                } else {
                    "AccessDeniedException"
                },
                msg.as_str(),
            )
        }
    }
}

/// The throttling error of a service.
fn throttled(svc: Svc) -> (&'static str, &'static str) {
    match svc.style() {
        Style::Ec2 => ("Client.RequestLimitExceeded", "Request limit exceeded."),
        Style::S3 => ("SlowDown", "Please reduce your request rate."),
        Style::Query => ("Throttling", "Rate exceeded"),
        Style::Json => ("ThrottlingException", "Rate exceeded"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_and_cli_agents() {
        let mut s = String::new();
        cli_user_agent(&mut s, "x/", Svc::Ec2, "DescribeInstances");
        assert_eq!(s, "x/ec2.describe-instances");
        cli_user_agent(&mut s, "x/", Svc::Lambda, "GetFunction20150331v2");
        assert_eq!(s, "x/lambda.get-function");
        cli_user_agent(&mut s, "x/", Svc::S3, "ListObjects");
        assert_eq!(s, "x/s3api.list-objects");
    }

    #[test]
    fn documented_notable_rates_hold() {
        let cat = Catalogue::new();
        let rates = cat.expected_rates();
        let sum = |prefix: &str, names: &[&str]| -> f64 {
            rates
                .iter()
                .filter(|(k, _)| k.starts_with(prefix) && names.iter().any(|n| k.ends_with(n)))
                .map(|(_, r)| r)
                .sum()
        };
        let policy = sum(
            "Ci/",
            &[
                "AttachRolePolicy",
                "DetachRolePolicy",
                "PutRolePolicy",
                "CreatePolicyVersion",
                "DeletePolicyVersion",
            ],
        );
        let permission = sum("Ci/", &["AddPermission20150331v2"]);
        let launch = sum("Linked(AutoScaling)/", &["RunInstances"]);
        let login = sum("Login", &[""]);
        let root = sum("Root", &[""]);
        // The crate documentation states these rates; keep them in sync.
        let cases = [
            (policy, 1.0 / 5_000.0),
            (permission, 1.0 / 25_000.0),
            (launch, 1.0 / 25_000.0),
            (login, 1.0 / 6_667.0),
            (root, 1.0 / 50_000.0),
        ];
        for (got, want) in cases {
            assert!(
                (got / want - 1.0).abs() < 0.02,
                "got {got}, documented {want}"
            );
        }
        assert!(
            (0.03..0.10).contains(&cat.global_share()),
            "{}",
            cat.global_share()
        );
    }
}
