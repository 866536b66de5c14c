//! A deterministic AWS CloudTrail simulator: benign background traffic of a small organisation,
//! with attack techniques injected at known times and a ground-truth list of the injected
//! events.
//!
//! ```no_run
//! use trailhound_sim::{AttackId, Layout, SimOptions, simulate};
//!
//! let mut options = SimOptions::new(Layout::S3 { dir: "out".into() });
//! options.seed = 7;
//! options.events = 1_000_000;
//! options.attacks.push(("aws.defense-evasion.cloudtrail-stop".parse::<AttackId>()?, None));
//! let summary = simulate(options)?;
//! println!("{} background + {} attack events", summary.background_events, summary.attack_events);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`simulate`] writes the same bytes for the same options, every time: all randomness comes
//! from a seeded xoshiro256** generator, split into independent streams (one per
//! account/region/5-minute slice of background, one per attack, one for file names), so the
//! background does not change when attacks are added and the records are identical in both
//! layouts.
//!
//! # Output
//!
//! * [`Layout::S3`]: CloudTrail's delivery layout,
//!   `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<16 alnum>.json.gz`,
//!   one gzip file `{"Records":[…]}` per account, region and 5-minute bucket (stamped with the
//!   bucket's end, as CloudTrail does), records in roughly but not strictly ascending time (a
//!   4-record shuffle window), and `ground-truth.jsonl` beside `AWSLogs/`.
//! * [`Layout::Ndjson`]: one record per line in time order to a writer, the ground truth to
//!   another writer.
//!
//! Events of global services (IAM, sign-in, Route 53, Organizations, Health) are recorded in
//! `us-east-1`, as a multi-region trail does, so that region appears even when not requested.
//! The run's start is rounded down to a 5-minute boundary.
//!
//! **Memory** does not grow with the number of events. Each bucket's events are divided among
//! streams (account × region, plus a global-services stream per account); each stream draws its
//! arrival times in ascending order one at a time (successive minima of uniforms) and generates
//! a record only when it is the earliest pending one, so a layout holds one pending record per
//! stream, one record buffer, the S3 shuffle window and the gzip state of one file.
//! [`SimSummary::peak_buffer_bytes`] reports the largest amount held.
//!
//! # Background model
//!
//! The simulated organisation is built from the seed ([`SimOptions::accounts`] accounts, 12-digit
//! ids; the first carries half of the traffic, the second a quarter). Each account has:
//!
//! * **IAM users** for 5–9 engineers, each with a long-term `AKIA…` key, an office and a home
//!   address and a tool (aws-cli 60%, boto3 30%, local Terraform 10%), plus one legacy
//!   `reporting-console` user that signs in to the console without MFA;
//! * **IAM Identity Center**: four permission sets (`AWSReservedSSO_<set>_<hex>` roles) used by
//!   4–9 people whose sessions are their e-mail addresses, in the console and the CLI;
//! * **workloads**: 6–8 components, each an ECS task role (32-hex task sessions) and usually a
//!   Lambda execution role (session = function name), plus an ETL role
//!   (`botocore-session-<epoch>`);
//! * **EC2 instance roles** (`web`, `batch`, `bastion`; sessions are instance ids `i-0…`) whose
//!   SSM and CloudWatch agents and applications call AWS;
//! * a **CI role** `github-actions-deploy` (session `terraform` for Terraform runs,
//!   `GitHubActions` for deploys) calling from GitHub-hosted runner addresses;
//! * **service-linked roles** (Config, Auto Scaling, Inspector, ELB, ECS, GuardDuty) acting with
//!   `invokedBy`, and **AWS services** acting for themselves (`type: AWSService`: credential
//!   vending `AssumeRole` by `ec2`/`lambda`/`ecs-tasks`, trail delivery checks);
//! * the **root user**, rarely;
//! * resources that calls name: buckets, tables, queues, topics, functions, KMS keys, secrets,
//!   parameters, log groups, ECS services, ECR repositories, VPCs, subnets, security groups,
//!   AMIs, snapshots, RDS instances and snapshots, stacks, load balancers, a trail and its bucket.
//!
//! Share of background events per kind of caller (parts per thousand): workloads 340, EC2
//! instance roles 200, Identity Center console 110, AWS services 84.8, engineers' IAM users 80,
//! Identity Center CLI 50, CI 45, service-linked roles 90 (Config 40, Inspector 15, ELB 12, ECS
//! 10, Auto Scaling 8, GuardDuty 5), console sign-ins 0.15, root 0.02.
//!
//! **API mix.** Each kind of caller has its own weighted mix of about 150 real APIs over 28
//! services; reads dominate (≈ 89% `readOnly`: `Describe*`, `List*`, `Get*`, `Decrypt`,
//! `GetObject`, agent heartbeats), writes are routine (`PutObject`, `CreateLogStream`,
//! `CreateTags`, deployments: `UpdateFunctionCode`, `RegisterTaskDefinition`, `UpdateService`,
//! `PutImage`). S3 object calls are data events (`eventCategory: Data`, ≈ 14%). Each API writes
//! the `requestParameters` shape CloudTrail records for it, `responseElements` for writes
//! (`null` for reads), `additionalEventData` and `resources` where CloudTrail has them. Events
//! of global services (≈ 4.6%) are in `us-east-1`; of the rest, the first region gets 60% and
//! the others share 40%. Activity follows the clock: a floor of 0.35 at night rising to 1.35 at
//! 13:00 UTC on weekdays, weekends at 45%.
//!
//! **Addresses and agents.** People call from office and home addresses in MaxMind's test ranges
//! (`81.2.69.0/24`, `216.160.83.0/24`, `89.160.20.0/24`, `2.125.160.216`); workloads from NAT
//! gateway addresses in AWS space or from private `10.x` addresses through a VPC endpoint
//! (`vpcEndpointId`); CI from runner addresses; AWS services from their host names
//! (`ec2.amazonaws.com`, `config.amazonaws.com`, …); console back-end calls from `AWS Internal`.
//! User agents: aws-cli v2 with `md/command#service.operation`, boto3, the Java, JS, Go and .NET
//! SDKs, Terraform's AWS provider, the SSM and CloudWatch agents, the S3 console, browsers,
//! service host names and `AWS Internal`. Sessions keep their `creationDate` and temporary
//! `ASIA…` key for their lifetime (1 h for Lambda and CI, 6 h for ECS tasks and instances, 8 h
//! for Identity Center); `tlsDetails` name the endpoint host, except for calls AWS makes
//! internally.
//!
//! **Failures** (≈ 1.3% of background events). Access denied, per call: engineers 2.5%, Identity
//! Center console 1% and CLI 1.5%, CI 0.5%, workloads and instances 0.3%, service-linked roles
//! 0.1%, in each protocol's words (`AccessDenied`, `AccessDeniedException`,
//! `Client.UnauthorizedOperation` with an encoded authorization message). Throttling: 0.3% of
//! workload, instance and CI calls, 0.4% of service-linked, 0.1% of people's
//! (`ThrottlingException`, `Throttling`, `Client.RequestLimitExceeded`, `SlowDown`). API-specific
//! failures as real trails show them: `NoSuchBucketPolicy` (35% of `GetBucketPolicy`),
//! `NoSuchLifecycleConfiguration` (40%), `NoSuchTagSet` (25%), Lambda `GetPolicy`
//! `ResourceNotFoundException` (30%), `ParameterNotFound`, `NoSuchKey`, … Console sign-ins: 1 in
//! 6 667 events: 55% Identity Center (federated, `SamlProviderArn`), 25% IAM users with MFA, 8%
//! the legacy user without MFA, 12% failed (`Failed authentication`).
//!
//! **Never in the background**: `AddPermission` to anything but an AWS service principal with a
//! source condition, `StopLogging`, `DeleteTrail`, `PutEventSelectors`, sharing of AMIs,
//! snapshots or RDS snapshots, `GetPasswordData`, access-key, user or login-profile creation,
//! `UpdateAssumeRolePolicy`, security-group ingress changes, `DeleteFlowLogs`, `SendCommand`,
//! `StartSession`, `PutBucketPolicy`, `GetFederationToken`, `GetSessionToken`,
//! `AssumeRoleWithSAML`, `LeaveOrganization`, `ListBuckets` by IAM users, `GetAccountSummary` and
//! `ListAccountAliases`.
//!
//! # Benign-but-alertable events
//!
//! The background contains these events that stateless rules flag on their own, at these
//! expected rates per background event; [`SimSummary::notable`] counts exactly how many a run
//! wrote (events, not alerts: a rule that groups, such as Datadog's threshold rules grouped by
//! user ARN, may merge neighbours).
//!
//! | [`Notable`] | rate | what | rules that alert (bundled pack and `shared/corpus`) |
//! |---|---|---|---|
//! | `IamPolicyChange` | 1 in 5 000 | Terraform (`…/github-actions-deploy/terraform`) calls `AttachRolePolicy`, `PutRolePolicy`, `CreatePolicyVersion`, `DetachRolePolicy`, `DeletePolicyVersion` (always successful) | Datadog *AWS IAM policy changed* / *modified* (seed 004); Elastic hunt *Customer-Managed Policy Attachment to Existing Roles* (`AttachRolePolicy` only) |
//! | `LambdaServicePermission` | 1 in 25 000 | the CI role grants `lambda:InvokeFunction` to `s3`, `events` or `apigateway.amazonaws.com` with `sourceArn` and `sourceAccount` | Elastic hunt *Lambda Add Permissions for Write Actions* (it counts `Invoke*` as write); not the public, cross-account or IAM-user rules |
//! | `ConsoleLoginSso` | 1 in 12 100 | federated Identity Center sign-in (`MFAUsed: No` with `SamlProviderArn`) | Sigma *AWS Successful Console Login Without MFA* (Datadog's rule excludes SAML) |
//! | `ConsoleLoginNoMfa` | 1 in 83 300 | IAM user `reporting-console` signs in without MFA | Datadog *AWS Console login without MFA*, Sigma *… Without MFA*, Elastic new-terms *IAM User Console Login Without MFA* |
//! | `ConsoleLoginFailure` | 1 in 55 600 | failed IAM-user sign-in | Sigma *AWS ConsoleLogin Failed Authentication*; Datadog brute-force (threshold) |
//! | `RootActivity` | 1 in 50 000 | any root event: console sign-in with MFA, `DescribeInstances`, `ListBuckets`, `ListUsers`, `DescribeEventAggregates` | Datadog *AWS root account activity*, Sigma *AWS Root Credentials*, Elastic *Management Console Root Login* (sign-ins), Sigma *Potential Bucket Enumeration* (`ListBuckets`) |
//! | `AutoScalingLaunch` | 1 in 25 000 | `RunInstances` by `AWSServiceRoleForAutoScaling` | Datadog *New EC2 Instance Type* (new-value rule) |
//!
//! Measured: a 50 000-event background (seed 42) gave 12 `IamPolicyChange`, 6
//! `LambdaServicePermission`, 3 `ConsoleLoginSso` and 1 `ConsoleLoginFailure`; running every
//! rule of `shared/corpus` (Elastic, Datadog, Sigma) over it raised 15 alerts: 11 *AWS IAM
//! policy modified*, 3 *AWS Successful Console Login Without MFA*, 1 *AWS ConsoleLogin Failed
//! Authentication*. Elastic's hunting queries that only aggregate (`STATS … BY` without a
//! threshold, such as *Unusual Access Key Usage for User* or *High Frequency of Programmatic
//! GetSecretValue*) return rows on any traffic and are not alerts. Stateful rules (new terms,
//! thresholds, "first seen" anomalies) see the background's bounded set of principals, keys,
//! addresses and roles and may fire on first sight of each (for example the first
//! `GetSecretValue` of each workload role, or each engineer key's first address).
//!
//! # Attack techniques
//!
//! 44 Stratus Red Team AWS techniques (<https://stratus-red-team.cloud/attack-techniques/AWS/>,
//! their detonations as CloudTrail records them, preparatory calls included) and the project's
//! five seed scenarios. Each injected chain is made by an attacker distinct from the background:
//! a stale IAM user's long-term key (`jenkins-legacy`, `svc-backup-old`, …), roles the
//! background never acts as, or stolen instance credentials; from attacker address blocks
//! (`175.16.199.0/24`, `67.43.156.0/24`, `185.220.101.0/24`, `45.155.205.0/24`,
//! `194.165.16.0/24`); with aws-cli on Kali, a boto3 script or Go tooling; towards an attacker
//! account (a random 12-digit id). Chains run in the first region (global services in
//! `us-east-1`) of an account chosen by traffic weight. See [`techniques`] for names, tactics
//! and descriptions.
//!
//! | id | ATT&CK | API calls, in order |
//! |---|---|---|
//! | `aws.credential-access.ec2-get-password-data` | T1552 | `sts:AssumeRole`, `ec2:GetPasswordData` |
//! | `aws.credential-access.ec2-steal-instance-credentials` | T1552.005 | `ssm:DescribeInstanceInformation`, `ssm:SendCommand`, `ssm:GetCommandInvocation`, `sts:GetCallerIdentity`, `ec2:DescribeInstances` |
//! | `aws.credential-access.secretsmanager-batch-retrieve-secrets` | T1555.006 | `secretsmanager:BatchGetSecretValue` |
//! | `aws.credential-access.secretsmanager-retrieve-secrets` | T1555.006 | `secretsmanager:ListSecrets`, `secretsmanager:GetSecretValue` |
//! | `aws.credential-access.ssm-retrieve-securestring-parameters` | T1555.006 | `ssm:DescribeParameters`, `ssm:GetParameters` |
//! | `aws.defense-evasion.cloudtrail-delete` | T1562.008 | `cloudtrail:DescribeTrails`, `cloudtrail:DeleteTrail` |
//! | `aws.defense-evasion.cloudtrail-event-selectors` | T1562.008 | `cloudtrail:GetEventSelectors`, `cloudtrail:PutEventSelectors` |
//! | `aws.defense-evasion.cloudtrail-lifecycle-rule` | T1562.008 | `cloudtrail:DescribeTrails`, `s3:GetBucketLifecycle`, `s3:PutBucketLifecycle` |
//! | `aws.defense-evasion.cloudtrail-stop` | T1562.008 | `cloudtrail:GetTrailStatus`, `cloudtrail:StopLogging` |
//! | `aws.defense-evasion.dns-delete-logs` | T1562.008 | `route53resolver:ListResolverQueryLogConfigs`, `route53resolver:DeleteResolverQueryLogConfig` |
//! | `aws.defense-evasion.organizations-leave` | T1666 | `sts:AssumeRole`, `organizations:LeaveOrganization` |
//! | `aws.defense-evasion.vpc-remove-flow-logs` | T1562.008 | `ec2:DescribeFlowLogs`, `ec2:DeleteFlowLogs` |
//! | `aws.discovery.ec2-download-user-data` | T1580, T1552.005 | `sts:AssumeRole`, `ec2:DescribeInstances`, `ec2:DescribeInstanceAttribute` |
//! | `aws.discovery.ec2-enumerate-from-instance` | T1580, T1087.004 | `ssm:DescribeInstanceInformation`, `ssm:SendCommand`, `ssm:GetCommandInvocation`, `sts:GetCallerIdentity`, `s3:ListBuckets`, `iam:GetAccountSummary`, `iam:ListRoles`, `iam:ListUsers`, `iam:GetAccountAuthorizationDetails`, `ec2:DescribeSnapshots`, `cloudtrail:DescribeTrails`, `guardduty:ListDetectors` |
//! | `aws.discovery.ses-enumerate` | T1526 | `ses:GetAccountSendingEnabled`, `ses:GetSendQuota`, `ses:ListIdentities`, `ses:GetIdentityVerificationAttributes` |
//! | `aws.execution.ec2-launch-unusual-instances` | T1578.002, T1496 | `sts:AssumeRole`, `ec2:RunInstances` |
//! | `aws.execution.ec2-user-data` | T1059 | `ec2:DescribeInstances`, `ec2:StopInstances`, `ec2:ModifyInstanceAttribute`, `ec2:StartInstances` |
//! | `aws.execution.sagemaker-update-lifecycle-config` | T1059 | `sagemaker:CreateNotebookInstanceLifecycleConfig`, `sagemaker:StopNotebookInstance`, `sagemaker:DescribeNotebookInstance`, `sagemaker:UpdateNotebookInstance`, `sagemaker:StartNotebookInstance` |
//! | `aws.execution.ssm-send-command` | T1651 | `ssm:DescribeInstanceInformation`, `ssm:SendCommand`, `ssm:GetCommandInvocation` |
//! | `aws.execution.ssm-start-session` | T1651 | `ssm:DescribeInstanceInformation`, `ssm:StartSession`, `ssm:TerminateSession` |
//! | `aws.exfiltration.ec2-security-group-open-port-22-ingress` | T1562.007 | `ec2:DescribeSecurityGroups`, `ec2:AuthorizeSecurityGroupIngress` |
//! | `aws.exfiltration.ec2-share-ami` | T1537 | `ec2:DescribeImages`, `ec2:ModifyImageAttribute` |
//! | `aws.exfiltration.ec2-share-ebs-snapshot` | T1537 | `ec2:DescribeSnapshots`, `ec2:ModifySnapshotAttribute` |
//! | `aws.exfiltration.rds-share-snapshot` | T1537 | `rds:DescribeDBSnapshots`, `rds:ModifyDBSnapshotAttribute` |
//! | `aws.exfiltration.s3-backdoor-bucket-policy` | T1537 | `s3:GetBucketPolicy`, `s3:PutBucketPolicy` |
//! | `aws.impact.bedrock-invoke-model` | T1496 | `bedrock:ListFoundationModelAgreementOffers`, `bedrock:PutUseCaseForModelAccess`, `bedrock:CreateFoundationModelAgreement`, `bedrock:PutFoundationModelEntitlement`, `bedrock:GetFoundationModelAvailability`, `bedrock:InvokeModel` |
//! | `aws.impact.ec2-deregister-ami` | T1485 | `ec2:DescribeImages`, `ec2:DeregisterImage` |
//! | `aws.impact.s3-ransomware-batch-deletion` | T1485 | `s3:ListObjectVersions`, `s3:DeleteObjects`, `s3:PutObject` |
//! | `aws.impact.s3-ransomware-client-side-encryption` | T1486 | `s3:ListObjects`, `s3:CopyObject`, `s3:PutObject` |
//! | `aws.impact.s3-ransomware-individual-deletion` | T1485 | `s3:ListObjectVersions`, `s3:DeleteObject`, `s3:PutObject` |
//! | `aws.initial-access.console-login-without-mfa` | T1078.004 | `signin:ConsoleLogin` |
//! | `aws.lateral-movement.ec2-instance-connect` | T1021.008 | `ec2-instance-connect:SendSSHPublicKey` |
//! | `aws.lateral-movement.ec2-serial-console-send-ssh-public-key` | T1021.008 | `ec2:GetSerialConsoleAccessStatus`, `ec2:EnableSerialConsoleAccess`, `ec2-instance-connect:SendSerialConsoleSSHPublicKey` |
//! | `aws.persistence.iam-backdoor-role` | T1098.003 | `iam:GetRole`, `iam:UpdateAssumeRolePolicy` |
//! | `aws.persistence.iam-backdoor-user` | T1098.001 | `iam:ListAccessKeys`, `iam:CreateAccessKey` |
//! | `aws.persistence.iam-create-admin-user` | T1136.003, T1098.003 | `iam:CreateUser`, `iam:AttachUserPolicy`, `iam:CreateAccessKey` |
//! | `aws.persistence.iam-create-backdoor-role` | T1098.003 | `iam:CreateRole`, `iam:AttachRolePolicy` |
//! | `aws.persistence.iam-create-user-login-profile` | T1098.001 | `sts:GetCallerIdentity`, `iam:CreateLoginProfile` |
//! | `aws.persistence.lambda-backdoor-function` | T1546 | `lambda:GetFunction20150331v2`, `lambda:AddPermission20150331v2` |
//! | `aws.persistence.lambda-layer-extension` | T1546 | `lambda:GetFunctionConfiguration20150331v2`, `lambda:UpdateFunctionConfiguration20150331v2` |
//! | `aws.persistence.lambda-overwrite-code` | T1648 | `lambda:GetFunction20150331v2`, `lambda:UpdateFunctionCode20150331v2` |
//! | `aws.persistence.rolesanywhere-create-trust-anchor` | T1098 | `rolesanywhere:CreateTrustAnchor`, `rolesanywhere:CreateProfile` |
//! | `aws.persistence.sts-federation-token` | T1098.001 | `sts:GetFederationToken`, `sts:GetCallerIdentity` |
//! | `aws.privilege-escalation.iam-update-user-login-profile` | T1098 | `iam:GetLoginProfile`, `iam:UpdateLoginProfile` |
//! | `seed.lambda-public-invoke` | T1546, T1578.005 | `lambda:GetPolicy20150331v2`, `lambda:AddPermission20150331v2` |
//! | `seed.lambda-cross-account-invoke` | T1546, T1578.005 | `lambda:GetPolicy20150331v2`, `lambda:AddPermission20150331v2` |
//! | `seed.lambda-permission-by-iam-user` | T1098 | `lambda:GetPolicy20150331v2`, `lambda:AddPermission20150331v2` |
//! | `seed.lambda-write-permission` | T1584.007 | `lambda:GetPolicy20150331v2`, `lambda:AddPermission20150331v2` |
//! | `seed.iam-policy-change` | T1098 | `iam:ListAttachedUserPolicies`, `iam:PutUserPolicy` |
#![deny(missing_docs)]

mod attacks;
mod background;
mod clock;
mod ids;
mod json;
mod notable;
mod output;
mod record;
mod rng;
mod schedule;
mod sim;
mod svc;
mod world;

pub use attacks::{
    AttackId, GroundTruth, Origin, Tactic, Technique, TechniqueInfo, UnknownAttack, techniques,
};
pub use notable::Notable;

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

/// Where the simulated trail is written.
pub enum Layout<'w> {
    /// CloudTrail's S3 delivery layout under `dir` (created if missing), with
    /// `dir/ground-truth.jsonl`.
    S3 {
        /// The output directory.
        dir: PathBuf,
    },
    /// Newline-delimited records in time order.
    Ndjson {
        /// Receives the records.
        events: Box<dyn Write + 'w>,
        /// Receives the ground truth, one JSON object per line, when given.
        ground_truth: Option<Box<dyn Write + 'w>>,
    },
}

impl fmt::Debug for Layout<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layout::S3 { dir } => f.debug_struct("S3").field("dir", dir).finish(),
            Layout::Ndjson { ground_truth, .. } => f
                .debug_struct("Ndjson")
                .field("ground_truth", &ground_truth.is_some())
                .finish_non_exhaustive(),
        }
    }
}

/// What to simulate.
#[derive(Debug)]
pub struct SimOptions<'w> {
    /// The seed: the same seed and options give byte-identical output.
    pub seed: u64,
    /// Background events to write (injected attack events come on top).
    pub events: u64,
    /// Start of the simulated window (rounded down to a 5-minute boundary).
    pub start: jiff::Timestamp,
    /// Length of the window in days (1 ..= 3660).
    pub days: u32,
    /// Number of AWS accounts (1 ..= 64).
    pub accounts: u32,
    /// Regions of regional traffic; the first is the home region (60% of regional traffic) and
    /// where attacks take place.
    pub regions: Vec<String>,
    /// Techniques to inject, each at a given time (inside the window) or, with `None`, spread
    /// evenly over the window.
    pub attacks: Vec<(AttackId, Option<jiff::Timestamp>)>,
    /// Where to write.
    pub layout: Layout<'w>,
}

impl<'w> SimOptions<'w> {
    /// Defaults: seed 0, 100 000 events over one day from 2024-01-01T00:00:00Z, three accounts,
    /// regions us-east-1, us-west-2 and eu-west-1, no attacks.
    pub fn new(layout: Layout<'w>) -> SimOptions<'w> {
        SimOptions {
            seed: 0,
            events: 100_000,
            start: jiff::Timestamp::from_second(1_704_067_200)
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            days: 1,
            accounts: 3,
            regions: vec![
                "us-east-1".to_owned(),
                "us-west-2".to_owned(),
                "eu-west-1".to_owned(),
            ],
            attacks: Vec::new(),
            layout,
        }
    }
}

/// What a run wrote.
#[derive(Clone, Debug)]
pub struct SimSummary {
    /// The seed.
    pub seed: u64,
    /// Background records written.
    pub background_events: u64,
    /// Injected records written.
    pub attack_events: u64,
    /// Earliest `eventTime`.
    pub first_event: Option<jiff::Timestamp>,
    /// Latest `eventTime`.
    pub last_event: Option<jiff::Timestamp>,
    /// Delivery files written ([`Layout::S3`]; 0 for NDJSON).
    pub files: u64,
    /// The simulated account ids, the first being the busiest.
    pub accounts: Vec<String>,
    /// The regions records were written for (the requested ones, plus `us-east-1`).
    pub regions: Vec<String>,
    /// How many benign-but-alertable background events of each category were written.
    pub notable: Vec<(Notable, u64)>,
    /// Every injected record, in time order.
    pub ground_truth: Vec<GroundTruth>,
    /// The most bytes the generator held in its buffers at once.
    pub peak_buffer_bytes: usize,
}

impl SimSummary {
    /// The count of one notable category.
    pub fn notable(&self, category: Notable) -> u64 {
        self.notable
            .iter()
            .find(|(n, _)| *n == category)
            .map_or(0, |(_, c)| *c)
    }
}

/// Why a run failed.
#[derive(Debug)]
pub enum SimError {
    /// The options are unusable; the message says why.
    Invalid(String),
    /// Writing failed.
    Io {
        /// The file or directory, when the failure concerns one.
        path: Option<PathBuf>,
        /// The error.
        source: io::Error,
    },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Invalid(msg) => write!(f, "invalid simulation options: {msg}"),
            SimError::Io {
                path: Some(p),
                source,
            } => write!(f, "{}: {source}", p.display()),
            SimError::Io { path: None, source } => write!(f, "writing simulated events: {source}"),
        }
    }
}

impl std::error::Error for SimError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SimError::Invalid(_) => None,
            SimError::Io { source, .. } => Some(source),
        }
    }
}

/// Writes a simulated CloudTrail for `options` and the ground truth of its injected attacks.
///
/// Background events are spread over the window in proportion to a diurnal, weekday-weighted
/// activity curve; injected chains are merged in time order (a chain that starts near the end
/// may run past it). Errors: [`SimError::Invalid`] for unusable options (checked before anything
/// is written), [`SimError::Io`] when writing fails.
pub fn simulate(options: SimOptions<'_>) -> Result<SimSummary, SimError> {
    sim::run(options)
}
