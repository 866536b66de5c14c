//! The simulated organisation: accounts, their principals and resources, built once from the
//! seed. Every list here is non-empty by construction, which the pickers rely on.

use crate::ids;
use crate::rng::Rng;

/// Office and home addresses of the organisation's people (MaxMind test-database ranges, so
/// GeoIP tests resolve them: GB, US, SE).
const OFFICE_IPS: [&str; 3] = ["81.2.69.142", "81.2.69.160", "216.160.83.56"];
const HOME_IPS: [&str; 8] = [
    "89.160.20.112",
    "89.160.20.128",
    "2.125.160.216",
    "81.2.69.192",
    "216.160.83.58",
    "216.160.83.61",
    "89.160.20.117",
    "81.2.69.205",
];

/// The companies the seed picks a name from.
const COMPANIES: [&str; 8] = [
    "acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wonka",
];
/// Account purposes, in creation order.
const ENVS: [&str; 8] = [
    "prod", "staging", "shared", "dev", "data", "sandbox", "security", "qa",
];
/// Application components.
const COMPONENTS: [&str; 16] = [
    "orders",
    "payments",
    "inventory",
    "checkout",
    "catalog",
    "search",
    "accounts",
    "notifications",
    "billing",
    "reporting",
    "shipping",
    "media",
    "pricing",
    "reviews",
    "ledger",
    "events",
];
const FIRST: [&str; 24] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "karl",
    "lena", "mallory", "nina", "oscar", "peggy", "quentin", "rita", "sam", "trent", "uma",
    "victor", "wendy", "yusuf",
];
const LAST: [&str; 16] = [
    "martin",
    "nguyen",
    "smith",
    "garcia",
    "müller",
    "kowalski",
    "tanaka",
    "okafor",
    "rossi",
    "dubois",
    "silva",
    "johansson",
    "patel",
    "kim",
    "novak",
    "haddad",
];

/// A region the simulation writes events for.
#[derive(Clone, Debug)]
pub(crate) struct Region {
    /// `us-east-1`.
    pub(crate) name: String,
    /// Share of regional (non-global) traffic.
    pub(crate) weight: u64,
}

/// An IAM user or role.
#[derive(Clone, Debug)]
pub(crate) struct Principal {
    /// User or role name.
    pub(crate) name: String,
    /// `arn:aws:iam::…:user/name` or `…:role/path/name`.
    pub(crate) arn: String,
    /// `AIDA…` or `AROA…`.
    pub(crate) unique_id: String,
}

/// How an assumed-role session names itself.
#[derive(Clone, Debug)]
pub(crate) enum SessionStyle {
    /// A Lambda execution role: the session is the function name.
    Lambda(String),
    /// An ECS task role: 32 hex digits per task.
    EcsTask,
    /// An SDK default: `botocore-session-<epoch>` / `aws-sdk-java-<epoch>`.
    Sdk,
}

/// A workload role (Lambda, ECS task).
#[derive(Clone, Debug)]
pub(crate) struct AppRole {
    pub(crate) role: Principal,
    pub(crate) style: SessionStyle,
    /// Index of the component in [`Account::components`] (and the resource lists built from it).
    pub(crate) comp: usize,
    pub(crate) user_agent: &'static str,
}

/// An EC2 instance.
#[derive(Clone, Debug)]
pub(crate) struct Instance {
    pub(crate) id: String,
    pub(crate) private_ip: String,
    pub(crate) az: usize,
}

/// An EC2 instance profile role and its instances.
#[derive(Clone, Debug)]
pub(crate) struct InstanceRole {
    pub(crate) role: Principal,
    pub(crate) instances: Vec<Instance>,
    pub(crate) user_agent: &'static str,
}

/// An engineer with an IAM user and a long-term access key.
#[derive(Clone, Debug)]
pub(crate) struct Human {
    pub(crate) user: Principal,
    pub(crate) access_key: String,
    pub(crate) ips: [&'static str; 2],
    pub(crate) tool: Tool,
    /// Signs in to the console with MFA (false for the one legacy user of each account).
    pub(crate) mfa: bool,
    pub(crate) browser: &'static str,
}

/// The tool an engineer drives the API with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    Cli,
    Boto3,
    Terraform,
}

/// A person signing in through IAM Identity Center.
#[derive(Clone, Debug)]
pub(crate) struct SsoPerson {
    pub(crate) email: String,
    pub(crate) ip: &'static str,
    pub(crate) browser: &'static str,
    /// Index into the account's SSO roles this person usually uses.
    pub(crate) role: usize,
}

/// A service-linked role and the service that uses it.
#[derive(Clone, Debug)]
pub(crate) struct LinkedRole {
    pub(crate) role: Principal,
    pub(crate) service: &'static str,
    pub(crate) session: &'static str,
    pub(crate) kind: LinkedKind,
}

/// Which AWS service a linked role belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LinkedKind {
    Config,
    AutoScaling,
    Inspector,
    Elb,
    Ecs,
    GuardDuty,
}

/// Resources of an account (the same names are used in every region).
#[derive(Clone, Debug)]
pub(crate) struct Resources {
    pub(crate) buckets: Vec<String>,
    pub(crate) trail_bucket: String,
    pub(crate) artifact_bucket: String,
    pub(crate) trail: String,
    pub(crate) tables: Vec<String>,
    pub(crate) queues: Vec<String>,
    pub(crate) topics: Vec<String>,
    pub(crate) functions: Vec<String>,
    pub(crate) keys: Vec<String>,
    pub(crate) secrets: Vec<String>,
    pub(crate) parameters: Vec<String>,
    pub(crate) log_groups: Vec<String>,
    pub(crate) services: Vec<String>,
    pub(crate) repos: Vec<String>,
    pub(crate) vpcs: Vec<String>,
    pub(crate) subnets: Vec<String>,
    pub(crate) security_groups: Vec<String>,
    pub(crate) amis: Vec<String>,
    pub(crate) snapshots: Vec<String>,
    pub(crate) db_instances: Vec<String>,
    pub(crate) db_snapshots: Vec<String>,
    pub(crate) stacks: Vec<String>,
    pub(crate) target_groups: Vec<String>,
    pub(crate) load_balancers: Vec<String>,
    pub(crate) asgs: Vec<String>,
    pub(crate) alarms: Vec<String>,
    pub(crate) policies: Vec<String>,
    pub(crate) hosted_zones: Vec<String>,
    pub(crate) detector: String,
    pub(crate) rules: Vec<String>,
    pub(crate) flow_logs: Vec<String>,
    pub(crate) resolver_configs: Vec<String>,
    pub(crate) notebooks: Vec<String>,
    pub(crate) domain: String,
}

/// One AWS account of the organisation.
#[derive(Clone, Debug)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) env: &'static str,
    pub(crate) weight: u64,
    pub(crate) humans: Vec<Human>,
    pub(crate) sso_roles: Vec<Principal>,
    pub(crate) sso_people: Vec<SsoPerson>,
    pub(crate) saml_provider: String,
    pub(crate) apps: Vec<AppRole>,
    pub(crate) instance_roles: Vec<InstanceRole>,
    pub(crate) ci: Principal,
    /// Roles engineers switch into with `AssumeRole`.
    pub(crate) assumable: Vec<Principal>,
    pub(crate) components: Vec<&'static str>,
    pub(crate) linked: Vec<LinkedRole>,
    pub(crate) nat_ips: Vec<String>,
    pub(crate) runner_ips: Vec<String>,
    pub(crate) vpce: String,
    pub(crate) res: Resources,
}

/// The whole simulated organisation.
#[derive(Clone, Debug)]
pub(crate) struct World {
    pub(crate) accounts: Vec<Account>,
    /// The regions of regional traffic, as the user gave them.
    pub(crate) regions: Vec<Region>,
}

const APP_UAS: [&str; 5] = [
    "aws-sdk-java/2.25.16 Linux/5.10.213-201.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.11 cfg/retry-mode#legacy Botocore/1.34.69",
    "aws-sdk-js/3.540.0 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 lang/js md/nodejs#20.11.1 exec-env/AWS_ECS_FARGATE",
    "aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 exec-env/AWS_ECS_FARGATE",
    "aws-sdk-dotnet-coreclr/3.7.300.60 .NET_Core/8.0.3 OS/Linux_5.10.213-201.855.amzn2.x86_64 ClientAsync",
];

const INSTANCE_UAS: [&str; 3] = [
    "Boto3/1.34.40 md/Botocore#1.34.40 ua/2.0 os/linux#6.1.82-99.168.amzn2023.x86_64 md/arch#x86_64 lang/python#3.9.16 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.40",
    "aws-sdk-java/1.12.671 Linux/6.1.82-99.168.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/11.0.22+7-LTS java/11.0.22 vendor/Amazon.com_Inc. cfg/retry-mode/standard",
    "aws-sdk-go/1.50.38 (go1.21.8; linux; amd64)",
];

const BROWSERS: [&str; 5] = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.65",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0",
];

/// One of a list of static texts.
fn one(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    items.get(rng.index(items.len())).copied().unwrap_or("")
}

fn user(rng: &mut Rng, account: &str, name: &str) -> Principal {
    Principal {
        name: name.to_owned(),
        arn: format!("arn:aws:iam::{account}:user/{name}"),
        unique_id: ids::unique_id(rng, "AIDA"),
    }
}

fn role(rng: &mut Rng, account: &str, path: &str, name: &str) -> Principal {
    Principal {
        name: name.to_owned(),
        arn: format!("arn:aws:iam::{account}:role{path}{name}"),
        unique_id: ids::unique_id(rng, "AROA"),
    }
}

/// A public address in AWS-owned space (NAT gateway elastic IPs).
fn aws_public_ip(rng: &mut Rng) -> String {
    let first = *rng.pick(&[3u8, 18, 34, 35, 44, 52, 54]);
    format!(
        "{first}.{}.{}.{}",
        rng.range(1, 254),
        rng.range(0, 255),
        rng.range(1, 254)
    )
}

/// GitHub-hosted runner addresses (Azure space).
fn runner_ip(rng: &mut Rng) -> String {
    let first = *rng.pick(&[4u8, 13, 20, 40, 52]);
    format!(
        "{first}.{}.{}.{}",
        rng.range(1, 254),
        rng.range(0, 255),
        rng.range(1, 254)
    )
}

fn slug(rng: &mut Rng, n: usize) -> String {
    ids::chars(rng, "", ids::LOWER_ALNUM, n)
}

fn pick_n(rng: &mut Rng, from: &[&'static str], n: usize) -> Vec<&'static str> {
    let mut pool: Vec<&'static str> = from.to_vec();
    let mut out = Vec::with_capacity(n);
    while out.len() < n && !pool.is_empty() {
        let i = rng.index(pool.len());
        out.push(pool.swap_remove(i));
    }
    out
}

impl World {
    /// Builds the organisation for `accounts` accounts and the user's `regions`.
    pub(crate) fn build(seed: u64, accounts: u32, regions: &[String]) -> World {
        let mut rng = Rng::derive(seed, &[0]);
        let company = *rng.pick(&COMPANIES);
        let regions = regions
            .iter()
            .enumerate()
            .map(|(i, name)| Region {
                name: name.clone(),
                // The first region is the home region; the others carry less traffic.
                weight: if i == 0 {
                    60
                } else {
                    40 / regions.len().saturating_sub(1).max(1) as u64 + 1
                },
            })
            .collect();
        let mut used_ids = Vec::new();
        let accounts = (0..accounts as usize)
            .map(|i| {
                let mut id = ids::account_id(&mut rng);
                while used_ids.contains(&id) {
                    id = ids::account_id(&mut rng);
                }
                used_ids.push(id.clone());
                build_account(&mut rng, company, i, id)
            })
            .collect();
        World { accounts, regions }
    }
}

fn build_account(rng: &mut Rng, company: &'static str, idx: usize, id: String) -> Account {
    let env = ENVS[idx % ENVS.len()];
    let env: &'static str = env;
    let weight = match idx {
        0 => 50,
        1 => 25,
        _ => 12,
    };
    let n_components = 6 + rng.index(3);
    let components = pick_n(rng, &COMPONENTS, n_components);

    // People: IAM users with keys, and Identity Center users.
    let n_humans = 5 + rng.index(5);
    let mut humans = Vec::with_capacity(n_humans + 1);
    for h in 0..n_humans {
        let first = *rng.pick(&FIRST);
        let last = *rng.pick(&LAST);
        let name = format!("{first}.{}", last.replace('ü', "ue"));
        if humans.iter().any(|x: &Human| x.user.name == name) {
            continue;
        }
        let tool = match rng.below(10) {
            0..=5 => Tool::Cli,
            6..=8 => Tool::Boto3,
            _ => Tool::Terraform,
        };
        humans.push(Human {
            user: user(rng, &id, &name),
            access_key: ids::access_key(rng, false),
            ips: [OFFICE_IPS[h % OFFICE_IPS.len()], one(rng, &HOME_IPS)],
            tool,
            mfa: true,
            browser: one(rng, &BROWSERS),
        });
    }
    // A legacy reporting user that signs in to the console without MFA.
    humans.push(Human {
        user: user(rng, &id, "reporting-console"),
        access_key: ids::access_key(rng, false),
        ips: [
            OFFICE_IPS[idx % OFFICE_IPS.len()],
            OFFICE_IPS[(idx + 1) % OFFICE_IPS.len()],
        ],
        tool: Tool::Boto3,
        mfa: false,
        browser: BROWSERS[1],
    });

    let permission_sets = [
        "AdministratorAccess",
        "PowerUserAccess",
        "ReadOnlyAccess",
        "ViewOnlyAccess",
    ];
    let sso_roles: Vec<Principal> = permission_sets
        .iter()
        .map(|ps| {
            let name = format!("AWSReservedSSO_{ps}_{}", ids::chars(rng, "", ids::HEX, 16));
            role(rng, &id, "/aws-reserved/sso.amazonaws.com/", &name)
        })
        .collect();
    let n_people = 4 + rng.index(6);
    let sso_people = (0..n_people)
        .map(|_| {
            let first = *rng.pick(&FIRST);
            let last = rng.pick(&LAST).replace('ü', "ue");
            SsoPerson {
                email: format!("{first}.{last}@{company}.com"),
                ip: if rng.chance(0.6) {
                    one(rng, &OFFICE_IPS)
                } else {
                    one(rng, &HOME_IPS)
                },
                browser: one(rng, &BROWSERS),
                // Most people use read-only or power-user sets; few hold administrator.
                role: *rng.pick(&[0usize, 1, 1, 2, 2, 2, 3]),
            }
        })
        .collect();
    let saml_provider = format!(
        "arn:aws:iam::{id}:saml-provider/AWSSSO_{}_DO_NOT_DELETE",
        ids::chars(rng, "", ids::HEX, 16)
    );

    let res = build_resources(rng, company, env, &id, &components);
    let mut apps = Vec::new();
    for (comp, &component) in components.iter().enumerate() {
        // Each component runs as an ECS service and usually a Lambda function or two.
        let task = format!("{component}-{env}-task-role");
        apps.push(AppRole {
            role: role(rng, &id, "/", &task),
            style: SessionStyle::EcsTask,
            comp,
            user_agent: one(rng, &APP_UAS),
        });
        if rng.chance(0.7) {
            let function = res
                .functions
                .get(comp)
                .cloned()
                .unwrap_or_else(|| format!("{component}-{env}"));
            apps.push(AppRole {
                role: {
                    let name = format!("{function}-role-{}", slug(rng, 8));
                    role(rng, &id, "/service-role/", &name)
                },
                style: SessionStyle::Lambda(function),
                comp,
                user_agent: APP_UAS[1],
            });
        }
    }
    apps.push(AppRole {
        role: role(rng, &id, "/", &format!("{company}-{env}-etl")),
        style: SessionStyle::Sdk,
        comp: rng.index(components.len()),
        user_agent: APP_UAS[1],
    });

    let vpc_prefix = 10 + idx as u32 % 200;
    let mut instance_roles = Vec::new();
    for (r, purpose) in ["web", "batch", "bastion"].iter().enumerate() {
        let n = match *purpose {
            "web" => 4 + rng.index(8),
            "batch" => 2 + rng.index(4),
            _ => 1,
        };
        let instances = (0..n)
            .map(|_| Instance {
                id: ids::ec2_id(rng, "i"),
                private_ip: format!("10.{vpc_prefix}.{}.{}", rng.range(0, 47), rng.range(4, 250)),
                az: rng.index(3),
            })
            .collect();
        instance_roles.push(InstanceRole {
            role: role(rng, &id, "/", &format!("{env}-{purpose}-ec2-role")),
            instances,
            user_agent: INSTANCE_UAS[r % INSTANCE_UAS.len()],
        });
    }

    let linked = [
        (
            LinkedKind::Config,
            "config.amazonaws.com",
            "AWSServiceRoleForConfig",
            "AWSConfig-Describe",
        ),
        (
            LinkedKind::AutoScaling,
            "autoscaling.amazonaws.com",
            "AWSServiceRoleForAutoScaling",
            "AutoScaling",
        ),
        (
            LinkedKind::Inspector,
            "inspector2.amazonaws.com",
            "AWSServiceRoleForAmazonInspector2",
            "InspectorScan",
        ),
        (
            LinkedKind::Elb,
            "elasticloadbalancing.amazonaws.com",
            "AWSServiceRoleForElasticLoadBalancing",
            "ElasticLoadBalancing",
        ),
        (
            LinkedKind::Ecs,
            "ecs.amazonaws.com",
            "AWSServiceRoleForECS",
            "ecs-service-scheduler",
        ),
        (
            LinkedKind::GuardDuty,
            "guardduty.amazonaws.com",
            "AWSServiceRoleForAmazonGuardDuty",
            "GuardDuty",
        ),
    ]
    .into_iter()
    .map(|(kind, service, name, session)| LinkedRole {
        role: role(rng, &id, &format!("/aws-service-role/{service}/"), name),
        service,
        session,
        kind,
    })
    .collect();

    let assumable = vec![
        role(rng, &id, "/", &format!("{env}-engineer")),
        role(rng, &id, "/", &format!("{env}-readonly")),
    ];
    Account {
        ci: role(rng, &id, "/", "github-actions-deploy"),
        assumable,
        components,
        nat_ips: (0..2 + rng.index(2)).map(|_| aws_public_ip(rng)).collect(),
        runner_ips: (0..8).map(|_| runner_ip(rng)).collect(),
        vpce: ids::chars(rng, "vpce-0", ids::HEX, 16),
        id,
        env,
        weight,
        humans,
        sso_roles,
        sso_people,
        saml_provider,
        apps,
        instance_roles,
        linked,
        res,
    }
}

fn build_resources(
    rng: &mut Rng,
    company: &str,
    env: &str,
    account: &str,
    components: &[&'static str],
) -> Resources {
    let short = &account[account.len().saturating_sub(4)..];
    let mut buckets: Vec<String> = components
        .iter()
        .map(|c| format!("{company}-{env}-{c}-{short}"))
        .collect();
    buckets.push(format!("{company}-{env}-static-assets-{short}"));
    buckets.push(format!("{company}-{env}-backups-{short}"));
    let mut secrets = Vec::new();
    let mut parameters = Vec::new();
    let mut tables = Vec::new();
    let mut queues = Vec::new();
    let mut functions = Vec::new();
    let mut log_groups = Vec::new();
    let mut services = Vec::new();
    let mut repos = Vec::new();
    for c in components {
        secrets.push(format!(
            "{env}/{c}/db-credentials-{}",
            ids::chars(rng, "", ids::ALNUM, 6)
        ));
        parameters.push(format!("/{env}/{c}/config"));
        parameters.push(format!("/{env}/{c}/feature-flags"));
        tables.push(format!("{c}-{env}"));
        queues.push(format!("{c}-{env}-events"));
        functions.push(format!(
            "{c}-{}-{env}",
            rng.pick(&["worker", "handler", "processor", "sync"])
        ));
        log_groups.push(format!("/ecs/{c}-{env}"));
        log_groups.push(format!("/aws/lambda/{c}-{env}"));
        services.push(format!("{c}-{env}"));
        repos.push(format!("{company}/{c}"));
    }
    let vpcs = vec![ids::ec2_id(rng, "vpc"), ids::ec2_id(rng, "vpc")];
    Resources {
        trail_bucket: format!("{company}-org-cloudtrail-{short}"),
        artifact_bucket: format!("{company}-{env}-deploy-artifacts-{short}"),
        trail: format!("{company}-org-trail"),
        topics: vec![format!("{env}-alerts"), format!("{env}-deployments")],
        keys: (0..4).map(|_| crate::ids::uuid(rng).to_string()).collect(),
        subnets: (0..6).map(|_| ids::ec2_id(rng, "subnet")).collect(),
        security_groups: (0..6).map(|_| ids::ec2_id(rng, "sg")).collect(),
        amis: (0..3).map(|_| ids::ec2_id(rng, "ami")).collect(),
        snapshots: (0..4).map(|_| ids::ec2_id(rng, "snap")).collect(),
        db_instances: vec![
            format!("{env}-postgres-main"),
            format!("{env}-mysql-legacy"),
        ],
        db_snapshots: vec![
            format!("{env}-postgres-main-2024-weekly"),
            format!("{env}-mysql-legacy-final"),
        ],
        stacks: vec![
            format!("{env}-network"),
            format!("{env}-platform"),
            format!("{env}-observability"),
        ],
        target_groups: components
            .iter()
            .take(4)
            .map(|c| format!("{c}-{env}-tg"))
            .collect(),
        load_balancers: vec![format!("{env}-public-alb"), format!("{env}-internal-alb")],
        asgs: vec![format!("{env}-web-asg"), format!("{env}-batch-asg")],
        alarms: components
            .iter()
            .map(|c| format!("{c}-{env}-5xx-rate"))
            .collect(),
        policies: vec![
            format!("{env}-deploy-boundary"),
            format!("{env}-app-data-access"),
            format!("{env}-ci-artifacts"),
        ],
        hosted_zones: vec![format!("Z0{}", ids::chars(rng, "", ids::UPPER_ALNUM, 19))],
        detector: ids::chars(rng, "", ids::HEX, 32),
        rules: vec![
            format!("{env}-nightly-report"),
            format!("{env}-guardduty-to-slack"),
        ],
        flow_logs: vec![ids::ec2_id(rng, "fl"), ids::ec2_id(rng, "fl")],
        resolver_configs: vec![ids::chars(rng, "rqlc-", ids::HEX, 17)],
        notebooks: vec![format!("{env}-data-science")],
        domain: format!("{company}.com"),
        vpcs,
        buckets,
        secrets,
        parameters,
        tables,
        queues,
        functions,
        log_groups,
        services,
        repos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_is_deterministic_and_complete() {
        let regions = vec!["us-east-1".to_owned(), "eu-west-1".to_owned()];
        let a = World::build(9, 3, &regions);
        let b = World::build(9, 3, &regions);
        let c = World::build(10, 3, &regions);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_ne!(format!("{a:?}"), format!("{c:?}"));
        assert_eq!(a.accounts.len(), 3);
        for acct in &a.accounts {
            assert_eq!(acct.id.len(), 12);
            for list in [
                acct.res.buckets.len(),
                acct.res.tables.len(),
                acct.res.functions.len(),
                acct.res.secrets.len(),
                acct.apps.len(),
                acct.humans.len(),
                acct.sso_people.len(),
                acct.instance_roles.len(),
                acct.nat_ips.len(),
            ] {
                assert!(list > 0);
            }
            assert!(acct.instance_roles.iter().all(|r| !r.instances.is_empty()));
            assert!(acct.humans.iter().all(|h| h.access_key.starts_with("AKIA")));
        }
        // Each account has one legacy user without MFA.
        let no_mfa: Vec<usize> = a
            .accounts
            .iter()
            .map(|x| x.humans.iter().filter(|h| !h.mfa).count())
            .collect();
        assert_eq!(no_mfa, vec![1, 1, 1]);
        let ids: std::collections::BTreeSet<&str> =
            a.accounts.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids.len(), 3);
    }
}
