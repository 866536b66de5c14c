//! Writing an attack's event chain: the attacker's identities, address and tools, and one
//! record per API call at increasing times.

use super::{AttackId, GroundTruth};
use crate::background::cli_user_agent;
use crate::clock;
use crate::ids;
use crate::json::Json;
use crate::record::{self, Body, Envelope, EventType, RequestId, Who};
use crate::rng::Rng;
use crate::svc::Svc;
use crate::world::{Account, Principal, World};
use std::borrow::Cow;

/// Attacker address blocks (MaxMind test ranges for CN and an anonymous proxy, a Tor exit range,
/// and two bulletproof-hosting ranges), distinct from every background address.
const ATTACKER_NETS: [&str; 5] = [
    "175.16.199.",
    "67.43.156.",
    "185.220.101.",
    "45.155.205.",
    "194.165.16.",
];
/// Names of the long-forgotten IAM users an attacker holds keys for.
const STALE_USERS: [&str; 4] = [
    "jenkins-legacy",
    "svc-backup-old",
    "deploy-bot-2019",
    "test-automation",
];

/// The attacker's tool: decides the user agent of every call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    /// aws-cli on Kali (the command appears in the agent).
    KaliCli,
    /// A boto3 script (Pacu-style).
    Boto3,
    /// Custom Go tooling.
    Go,
}

const KALI_CLI: &str = "aws-cli/2.13.25 md/awscrt#0.16.16 ua/2.0 os/linux#6.5.0-kali3-amd64 md/arch#x86_64 lang/python#3.11.5 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#kali.2023 md/prompt#off md/command#";
const BOTO3: &str = "Boto3/1.28.62 md/Botocore#1.31.62 ua/2.0 os/linux#6.1.0-kali9-amd64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.62";
const INSTANCE_CLI: &str = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.82-99.168.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#";
const GO: &str = "aws-sdk-go-v2/1.21.0 os/linux lang/go#1.21.1 md/GOOS#linux md/GOARCH#amd64";
/// The attacker's browser for console sign-ins.
pub(crate) const ATTACKER_BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0";

/// Who makes a call of the chain.
#[derive(Clone, Copy, Debug)]
pub(crate) enum As<'x> {
    /// The compromised IAM user, with its long-term key.
    User,
    /// A session of `role` named `session`, from the attacker's address.
    Role(&'x Principal, &'x str),
    /// A role session used from inside the account (an EC2 instance): its NAT address and SDK.
    Inside(&'x Principal, &'x str),
    /// The federated user `name` created from the compromised user.
    Federated(&'x str),
    /// The compromised user signing in to the console.
    Console,
}

/// One call to write.
pub(crate) struct Call<'x> {
    pub(crate) who: As<'x>,
    pub(crate) svc: Svc,
    pub(crate) name: &'x str,
    pub(crate) read_only: bool,
    pub(crate) error: Option<(&'x str, &'x str)>,
    /// Seconds since the previous call.
    pub(crate) wait: i64,
    pub(crate) data: bool,
    pub(crate) s3: bool,
}

impl<'x> Call<'x> {
    /// A successful management call after a short pause.
    pub(crate) fn new(who: As<'x>, svc: Svc, name: &'x str, read_only: bool) -> Call<'x> {
        Call {
            who,
            svc,
            name,
            read_only,
            error: None,
            wait: 2,
            data: false,
            s3: false,
        }
    }

    /// The call fails with `code` / `message`.
    pub(crate) fn fail(mut self, code: &'x str, message: &'x str) -> Call<'x> {
        self.error = Some((code, message));
        self
    }

    /// The call comes `secs` seconds after the previous one.
    pub(crate) fn after(mut self, secs: i64) -> Call<'x> {
        self.wait = secs;
        self
    }

    /// An S3 call (S3 request id); `data` for object-level calls.
    pub(crate) fn s3(mut self, data: bool) -> Call<'x> {
        self.s3 = true;
        self.data = data;
        self
    }
}

/// One injected record, ready to merge into the output.
#[derive(Clone, Debug)]
pub(crate) struct AttackEvent {
    pub(crate) time: i64,
    pub(crate) account: usize,
    pub(crate) region: String,
    pub(crate) record: Vec<u8>,
}

/// The state of one attack being written.
pub(crate) struct Chain<'a> {
    pub(crate) acct: &'a Account,
    acct_idx: usize,
    /// The region the attacker works in (global services record in `us-east-1`).
    pub(crate) region: String,
    pub(crate) t: i64,
    pub(crate) rng: Rng,
    pub(crate) body: Body,
    /// The compromised IAM user.
    pub(crate) user: Principal,
    user_key: String,
    /// The attacker's own AWS account (the destination of shares and grants).
    pub(crate) external: String,
    ip: String,
    tool: Tool,
    technique: AttackId,
    index: usize,
    json: Json,
    host: String,
    ua: String,
    /// Sessions opened so far: `role/session` → (creation time, temporary key).
    sessions: Vec<(String, i64, String)>,
    pub(crate) events: Vec<AttackEvent>,
    pub(crate) truth: Vec<GroundTruth>,
}

impl<'a> Chain<'a> {
    /// A chain for attack number `index` of technique `technique` against account `acct_idx`,
    /// starting at `t`.
    pub(crate) fn new(
        world: &'a World,
        acct_idx: usize,
        region: &str,
        t: i64,
        mut rng: Rng,
        technique: AttackId,
        index: usize,
    ) -> Chain<'a> {
        let acct = &world.accounts[acct_idx];
        let name = *rng.pick(&STALE_USERS);
        let user = Principal {
            name: name.to_owned(),
            arn: format!("arn:aws:iam::{}:user/{name}", acct.id),
            unique_id: ids::unique_id(&mut rng, "AIDA"),
        };
        let user_key = ids::access_key(&mut rng, false);
        let mut external = ids::account_id(&mut rng);
        while world.accounts.iter().any(|a| a.id == external) {
            external = ids::account_id(&mut rng);
        }
        let ip = format!("{}{}", rng.pick(&ATTACKER_NETS), rng.range(2, 254));
        let tool = *rng.pick(&[Tool::KaliCli, Tool::KaliCli, Tool::Boto3, Tool::Go]);
        Chain {
            acct,
            acct_idx,
            region: region.to_owned(),
            t,
            rng,
            body: Body::default(),
            user,
            user_key,
            external,
            ip,
            tool,
            technique,
            index,
            json: Json::new(),
            host: String::new(),
            ua: String::new(),
            sessions: Vec::new(),
            events: Vec::new(),
            truth: Vec::new(),
        }
    }

    /// The account id.
    pub(crate) fn account(&self) -> &'a str {
        &self.acct.id
    }

    /// An IAM role of the victim account that the background never acts as.
    pub(crate) fn role(&mut self, name: &str) -> Principal {
        Principal {
            name: name.to_owned(),
            arn: format!("arn:aws:iam::{}:role/{name}", self.acct.id),
            unique_id: ids::unique_id(&mut self.rng, "AROA"),
        }
    }

    /// The SDK session name tools give assumed roles: `aws-go-sdk-<nanos>` / `botocore-session-<secs>`.
    pub(crate) fn sdk_session(&self) -> String {
        match self.tool {
            Tool::Go => format!(
                "aws-go-sdk-{}{:09}",
                self.t,
                self.t.rem_euclid(1_000_000_007)
            ),
            _ => format!("botocore-session-{}", self.t),
        }
    }

    /// A fresh random identifier.
    pub(crate) fn uuid(&mut self) -> ids::Uuid {
        ids::uuid(&mut self.rng)
    }

    /// `n` characters of `alphabet`.
    pub(crate) fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        ids::chars(&mut self.rng, "", alphabet, n)
    }

    /// Writes the S3 request parameters' host and sets it as the TLS host: `bucket.s3.region…`.
    pub(crate) fn s3_host(&self, bucket: &str) -> String {
        format!("{bucket}.s3.{}.amazonaws.com", self.region)
    }

    /// A temporary credentials block for a response.
    pub(crate) fn credentials(&mut self, hours: i64) {
        let key = ids::access_key(&mut self.rng, true);
        let mut token = String::from("IQoJb3JpZ2luX2Vj");
        ids::push_chars(&mut token, &mut self.rng, ids::B64, 340);
        let exp = clock::java_date(self.t + hours * 3600);
        self.body
            .resp
            .kobj("credentials")
            .ks("accessKeyId", &key)
            .ks("sessionToken", &token)
            .ks("expiration", exp.as_str())
            .end();
    }

    /// The creation time and temporary key of session `name`, opened now if it is new.
    fn session(&mut self, name: &str, age: i64) -> usize {
        if let Some(i) = self.sessions.iter().position(|(n, _, _)| n == name) {
            return i;
        }
        let key = ids::access_key(&mut self.rng, true);
        self.sessions.push((name.to_owned(), self.t - age, key));
        self.sessions.len() - 1
    }

    /// Writes the call whose parameters are in `self.body`, then clears the body.
    pub(crate) fn emit(&mut self, call: Call<'_>) {
        self.t += call.wait.max(0) + self.rng.below(2) as i64;
        let region = if call.svc.global() {
            "us-east-1".to_owned()
        } else {
            self.region.clone()
        };
        let acct = self.acct;
        let session = match call.who {
            As::Role(role, s) => Some(self.session(&format!("{}/{s}", role.name), 5)),
            As::Inside(role, s) => Some(self.session(&format!("{}/{s}", role.name), 1800)),
            As::Federated(name) => Some(self.session(&format!("federated/{name}"), 5)),
            As::User | As::Console => None,
        };
        let (created, key) = match session.and_then(|i| self.sessions.get(i)) {
            Some((_, created, key)) => (*created, key.as_str()),
            None => (self.t, ""),
        };
        let mut ip: &str = &self.ip;
        let mut event_type = EventType::Api;
        let who = match call.who {
            As::User => Who::UserKey {
                account: &acct.id,
                user: &self.user,
                key: &self.user_key,
            },
            As::Role(role, session) => Who::Role {
                account: &acct.id,
                role,
                session: Cow::Borrowed(session),
                key: Some(Cow::Borrowed(key)),
                created,
                mfa: false,
                invoked_by: None,
            },
            As::Inside(role, session) => {
                ip = acct.nat_ips.first().map_or("AWS Internal", String::as_str);
                Who::Role {
                    account: &acct.id,
                    role,
                    session: Cow::Borrowed(session),
                    key: Some(Cow::Borrowed(key)),
                    created,
                    mfa: false,
                    invoked_by: None,
                }
            }
            As::Federated(name) => Who::Federated {
                account: &acct.id,
                name,
                user: &self.user,
                key: Cow::Borrowed(key),
                created,
            },
            As::Console => {
                event_type = EventType::SignIn;
                Who::UserLogin {
                    account: &acct.id,
                    user: &self.user,
                }
            }
        };
        // The tool's user agent.
        let agent: &str = match (call.who, self.tool) {
            (As::Console, _) => ATTACKER_BROWSER,
            (As::Inside(..), _) => {
                cli_user_agent(&mut self.ua, INSTANCE_CLI, call.svc, call.name);
                &self.ua
            }
            (_, Tool::KaliCli) => {
                cli_user_agent(&mut self.ua, KALI_CLI, call.svc, call.name);
                &self.ua
            }
            (_, Tool::Boto3) => BOTO3,
            (_, Tool::Go) => GO,
        };
        if self.host.is_empty() {
            call.svc.host(&region, &mut self.host);
        }
        let request_id = if event_type == EventType::SignIn {
            RequestId::None
        } else if call.s3 {
            RequestId::S3(ids::s3_request_id(&mut self.rng))
        } else {
            RequestId::Uuid(ids::uuid(&mut self.rng))
        };
        let event_id = ids::uuid(&mut self.rng);
        let env = Envelope {
            who,
            time: self.t,
            svc: call.svc,
            name: call.name,
            region: &region,
            ip,
            user_agent: agent,
            error: call.error,
            read_only: call.read_only,
            event_type,
            data: call.data,
            account: &acct.id,
            request_id,
            event_id,
            vpce: None,
            tls_host: Some(&self.host),
            console: false,
        };
        self.json.clear();
        record::write_record(&mut self.json, &env, &self.body);
        let info = self.technique.info();
        self.truth.push(GroundTruth {
            event_id: event_id.to_string(),
            event_name: call.name.to_owned(),
            event_source: call.svc.source().to_owned(),
            event_time: clock::iso(self.t).to_string(),
            account: acct.id.clone(),
            region: region.clone(),
            technique: self.technique,
            technique_name: info.name,
            tactics: info.tactics.iter().map(|t| t.id).collect(),
            attack_techniques: info.techniques.iter().map(|t| t.id).collect(),
            attack: self.index,
        });
        self.events.push(AttackEvent {
            time: self.t,
            account: self.acct_idx,
            region,
            record: self.json.buf.clone(),
        });
        self.body.clear();
        self.host.clear();
    }

    /// Sets the TLS host of the next call (S3 bucket endpoints).
    pub(crate) fn set_host(&mut self, host: &str) {
        self.host.clear();
        self.host.push_str(host);
    }
}
