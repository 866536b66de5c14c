//! Who calls what: the share of background events per kind of caller, and each caller kind's
//! weighted API mix. Weights are relative within a table.

use super::api::{self, Api};
use crate::world::LinkedKind;

/// A kind of background caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Workload roles: ECS tasks, Lambda functions, ETL jobs.
    App,
    /// EC2 instance profile roles (`…/i-0abc…` sessions): SSM and CloudWatch agents, apps.
    Instance,
    /// Engineers' IAM users with long-term keys: aws-cli, boto3, local Terraform.
    HumanCli,
    /// IAM Identity Center console sessions (`AWSReservedSSO_…/email`).
    SsoConsole,
    /// IAM Identity Center CLI sessions.
    SsoCli,
    /// The GitHub Actions deployment role: Terraform plans/applies and deploys.
    Ci,
    /// Service-linked roles acting for an AWS service (`invokedBy`).
    Linked(LinkedKind),
    /// AWS services acting for themselves (`type: AWSService`): credential vending, trail delivery.
    Service,
    /// Console sign-ins.
    Login,
    /// The root user.
    Root,
}

/// Share of background events per caller kind, in parts per million.
pub(crate) const KIND_PPM: [(Kind, u64); 15] = [
    (Kind::App, 340_000),
    (Kind::Instance, 200_000),
    (Kind::HumanCli, 80_000),
    (Kind::SsoConsole, 110_000),
    (Kind::SsoCli, 50_000),
    (Kind::Ci, 45_000),
    (Kind::Linked(LinkedKind::Config), 40_000),
    (Kind::Linked(LinkedKind::AutoScaling), 8_000),
    (Kind::Linked(LinkedKind::Inspector), 15_000),
    (Kind::Linked(LinkedKind::Elb), 12_000),
    (Kind::Linked(LinkedKind::Ecs), 10_000),
    (Kind::Linked(LinkedKind::GuardDuty), 5_000),
    (Kind::Service, 84_830),
    (Kind::Login, 150),
    (Kind::Root, 20),
];

type Table = &'static [(&'static Api, u64)];

const APP: Table = &[
    (&api::KMS_DECRYPT, 900),
    (&api::KMS_DECRYPT_VIA_SERVICE, 600),
    (&api::KMS_GENERATE_DATA_KEY, 350),
    (&api::KMS_ENCRYPT, 50),
    (&api::DDB_DESCRIBE_TABLE, 300),
    (&api::SQS_GET_QUEUE_URL, 150),
    (&api::SQS_GET_QUEUE_ATTRIBUTES, 250),
    (&api::SSM_GET_PARAMETER, 500),
    (&api::SSM_GET_PARAMETERS_BY_PATH, 150),
    (&api::SECRET_GET_VALUE, 250),
    (&api::GET_OBJECT, 700),
    (&api::PUT_OBJECT, 350),
    (&api::HEAD_OBJECT, 200),
    (&api::LIST_OBJECTS, 150),
    (&api::LOGS_CREATE_LOG_STREAM, 200),
    (&api::GET_CALLER_IDENTITY, 150),
    (&api::ECR_GET_AUTHORIZATION_TOKEN, 100),
    (&api::SNS_GET_TOPIC_ATTRIBUTES, 80),
    (&api::ATHENA_START_QUERY_EXECUTION, 20),
    (&api::ATHENA_GET_QUERY_EXECUTION, 60),
    (&api::GLUE_GET_TABLE, 30),
    (&api::GLUE_GET_PARTITIONS, 30),
];

const INSTANCE: Table = &[
    (&api::SSM_UPDATE_INSTANCE_INFORMATION, 900),
    (&api::SSM_LIST_INSTANCE_ASSOCIATIONS, 500),
    (&api::DESCRIBE_TAGS, 400),
    (&api::DESCRIBE_INSTANCES, 200),
    (&api::DESCRIBE_VOLUMES, 50),
    (&api::LOGS_DESCRIBE_LOG_STREAMS, 200),
    (&api::LOGS_CREATE_LOG_STREAM, 100),
    (&api::GET_OBJECT, 400),
    (&api::PUT_OBJECT, 250),
    (&api::KMS_DECRYPT, 250),
    (&api::ECR_GET_AUTHORIZATION_TOKEN, 120),
    (&api::ECR_BATCH_GET_IMAGE, 100),
    (&api::ECR_GET_DOWNLOAD_URL_FOR_LAYER, 200),
    (&api::GET_CALLER_IDENTITY, 120),
    (&api::SECRET_GET_VALUE, 80),
    (&api::SSM_GET_PARAMETER, 150),
];

const HUMAN_READS: Table = &[
    (&api::DESCRIBE_INSTANCES, 300),
    (&api::DESCRIBE_INSTANCE_STATUS, 60),
    (&api::DESCRIBE_SECURITY_GROUPS, 120),
    (&api::DESCRIBE_VPCS, 60),
    (&api::DESCRIBE_SUBNETS, 80),
    (&api::DESCRIBE_ROUTE_TABLES, 40),
    (&api::DESCRIBE_NETWORK_INTERFACES, 40),
    (&api::DESCRIBE_VOLUMES, 60),
    (&api::DESCRIBE_SNAPSHOTS, 40),
    (&api::DESCRIBE_IMAGES, 40),
    (&api::DESCRIBE_AZS, 30),
    (&api::DESCRIBE_REGIONS, 20),
    (&api::DESCRIBE_ADDRESSES, 20),
    (&api::DESCRIBE_KEY_PAIRS, 10),
    (&api::DESCRIBE_LAUNCH_TEMPLATES, 20),
    (&api::GET_BUCKET_LOCATION, 60),
    (&api::GET_BUCKET_POLICY, 30),
    (&api::GET_BUCKET_VERSIONING, 20),
    (&api::GET_BUCKET_ENCRYPTION, 20),
    (&api::LIST_OBJECTS, 120),
    (&api::GET_OBJECT, 150),
    (&api::PUT_OBJECT, 80),
    (&api::GET_USER, 60),
    (&api::GET_ROLE, 40),
    (&api::LIST_ROLES, 30),
    (&api::LIST_USERS, 15),
    (&api::LIST_POLICIES, 15),
    (&api::GET_POLICY, 15),
    (&api::GET_POLICY_VERSION, 15),
    (&api::LIST_ATTACHED_ROLE_POLICIES, 30),
    (&api::LIST_ROLE_POLICIES, 15),
    (&api::LIST_ACCESS_KEYS, 10),
    (&api::LIST_MFA_DEVICES, 5),
    (&api::LIST_GROUPS_FOR_USER, 10),
    (&api::LIST_ATTACHED_USER_POLICIES, 10),
    (&api::GET_CALLER_IDENTITY, 120),
    (&api::LOGS_DESCRIBE_LOG_GROUPS, 40),
    (&api::LOGS_FILTER_LOG_EVENTS, 80),
    (&api::LOGS_GET_LOG_EVENTS, 60),
    (&api::LOGS_DESCRIBE_LOG_STREAMS, 40),
    (&api::LOGS_START_QUERY, 20),
    (&api::LOGS_GET_QUERY_RESULTS, 40),
    (&api::CW_GET_METRIC_DATA, 30),
    (&api::CW_DESCRIBE_ALARMS, 30),
    (&api::CW_GET_METRIC_STATISTICS, 30),
    (&api::LAMBDA_LIST_FUNCTIONS, 40),
    (&api::LAMBDA_GET_FUNCTION, 40),
    (&api::LAMBDA_GET_FUNCTION_CONFIGURATION, 20),
    (&api::LAMBDA_LIST_EVENT_SOURCE_MAPPINGS, 10),
    (&api::ECS_DESCRIBE_SERVICES, 40),
    (&api::ECS_LIST_TASKS, 30),
    (&api::ECS_DESCRIBE_TASKS, 30),
    (&api::ECS_DESCRIBE_TASK_DEFINITION, 20),
    (&api::ECS_LIST_SERVICES, 20),
    (&api::ECS_DESCRIBE_CLUSTERS, 10),
    (&api::ECR_DESCRIBE_REPOSITORIES, 10),
    (&api::ECR_DESCRIBE_IMAGES, 15),
    (&api::ECR_GET_AUTHORIZATION_TOKEN, 20),
    (&api::SSM_DESCRIBE_INSTANCE_INFORMATION, 20),
    (&api::SSM_GET_PARAMETER, 40),
    (&api::SSM_GET_PARAMETERS_BY_PATH, 10),
    (&api::SECRET_DESCRIBE, 10),
    (&api::DDB_LIST_TABLES, 20),
    (&api::DDB_DESCRIBE_TABLE, 40),
    (&api::RDS_DESCRIBE_DB_INSTANCES, 30),
    (&api::RDS_DESCRIBE_DB_CLUSTERS, 10),
    (&api::RDS_DESCRIBE_EVENTS, 10),
    (&api::CFN_DESCRIBE_STACKS, 40),
    (&api::CFN_DESCRIBE_STACK_EVENTS, 30),
    (&api::CFN_DESCRIBE_STACK_RESOURCES, 10),
    (&api::CFN_LIST_STACKS, 10),
    (&api::CFN_GET_TEMPLATE, 5),
    (&api::ELB_DESCRIBE_LOAD_BALANCERS, 15),
    (&api::ELB_DESCRIBE_TARGET_GROUPS, 15),
    (&api::ELB_DESCRIBE_TARGET_HEALTH, 20),
    (&api::ASG_DESCRIBE_GROUPS, 20),
    (&api::ASG_DESCRIBE_SCALING_ACTIVITIES, 5),
    (&api::R53_LIST_HOSTED_ZONES, 10),
    (&api::R53_LIST_RESOURCE_RECORD_SETS, 15),
    (&api::SQS_LIST_QUEUES, 10),
    (&api::SQS_GET_QUEUE_ATTRIBUTES, 15),
    (&api::SNS_LIST_TOPICS, 5),
    (&api::CT_LOOKUP_EVENTS, 10),
    (&api::CT_DESCRIBE_TRAILS, 5),
    (&api::KMS_DESCRIBE_KEY, 10),
    (&api::KMS_LIST_ALIASES, 10),
    (&api::KMS_DECRYPT, 20),
    (&api::ATHENA_START_QUERY_EXECUTION, 10),
    (&api::ATHENA_GET_QUERY_EXECUTION, 20),
    (&api::ATHENA_GET_QUERY_RESULTS, 15),
    (&api::GLUE_GET_TABLE, 10),
];

const HUMAN_WRITES: Table = &[
    (&api::ASSUME_ROLE_HUMAN, 40),
    (&api::CREATE_TAGS, 10),
    (&api::START_INSTANCES, 3),
    (&api::STOP_INSTANCES, 3),
];

const SSO_CONSOLE: Table = &[
    (&api::DESCRIBE_INSTANCES, 200),
    (&api::DESCRIBE_INSTANCE_STATUS, 80),
    (&api::DESCRIBE_SECURITY_GROUPS, 60),
    (&api::DESCRIBE_VPCS, 30),
    (&api::DESCRIBE_SUBNETS, 30),
    (&api::DESCRIBE_VOLUMES, 30),
    (&api::DESCRIBE_AZS, 20),
    (&api::DESCRIBE_ACCOUNT_ATTRIBUTES, 30),
    (&api::DESCRIBE_ADDRESSES, 15),
    (&api::DESCRIBE_IMAGES, 15),
    (&api::DESCRIBE_SNAPSHOTS, 10),
    (&api::DESCRIBE_NAT_GATEWAYS, 10),
    (&api::DESCRIBE_ROUTE_TABLES, 15),
    (&api::LIST_BUCKETS, 80),
    (&api::GET_BUCKET_LOCATION, 60),
    (&api::GET_BUCKET_ACL, 30),
    (&api::GET_BUCKET_POLICY, 25),
    (&api::GET_BUCKET_VERSIONING, 25),
    (&api::GET_BUCKET_PUBLIC_ACCESS_BLOCK, 20),
    (&api::GET_BUCKET_POLICY_STATUS, 20),
    (&api::GET_BUCKET_OWNERSHIP_CONTROLS, 15),
    (&api::GET_BUCKET_ENCRYPTION, 15),
    (&api::GET_BUCKET_TAGGING, 15),
    (&api::GET_BUCKET_LOGGING, 10),
    (&api::GET_BUCKET_LIFECYCLE, 10),
    (&api::LIST_OBJECTS, 60),
    (&api::CW_GET_METRIC_DATA, 250),
    (&api::CW_DESCRIBE_ALARMS, 80),
    (&api::CW_LIST_METRICS, 30),
    (&api::LOGS_DESCRIBE_LOG_GROUPS, 60),
    (&api::LOGS_DESCRIBE_LOG_STREAMS, 40),
    (&api::LOGS_FILTER_LOG_EVENTS, 40),
    (&api::LOGS_GET_LOG_EVENTS, 40),
    (&api::LOGS_START_QUERY, 15),
    (&api::LOGS_GET_QUERY_RESULTS, 30),
    (&api::LAMBDA_LIST_FUNCTIONS, 40),
    (&api::LAMBDA_GET_FUNCTION, 30),
    (&api::LAMBDA_GET_POLICY, 10),
    (&api::LAMBDA_LIST_TAGS, 10),
    (&api::LAMBDA_GET_FUNCTION_CONFIGURATION, 10),
    (&api::HEALTH_DESCRIBE_EVENT_AGGREGATES, 60),
    (&api::CT_LOOKUP_EVENTS, 40),
    (&api::CT_DESCRIBE_TRAILS, 10),
    (&api::CT_GET_TRAIL_STATUS, 10),
    (&api::CT_GET_EVENT_SELECTORS, 5),
    (&api::GET_ROLE, 30),
    (&api::LIST_ROLES, 20),
    (&api::LIST_USERS, 10),
    (&api::GET_USER, 10),
    (&api::LIST_POLICIES, 10),
    (&api::GET_POLICY, 10),
    (&api::GET_POLICY_VERSION, 10),
    (&api::LIST_ATTACHED_ROLE_POLICIES, 20),
    (&api::LIST_ROLE_POLICIES, 10),
    (&api::LIST_ROLE_TAGS, 5),
    (&api::CFN_DESCRIBE_STACKS, 40),
    (&api::CFN_DESCRIBE_STACK_EVENTS, 20),
    (&api::CFN_LIST_STACKS, 15),
    (&api::ECS_DESCRIBE_SERVICES, 30),
    (&api::ECS_LIST_SERVICES, 20),
    (&api::ECS_DESCRIBE_CLUSTERS, 15),
    (&api::ECS_LIST_TASKS, 15),
    (&api::ECS_DESCRIBE_TASKS, 15),
    (&api::RDS_DESCRIBE_DB_INSTANCES, 30),
    (&api::RDS_DESCRIBE_DB_CLUSTERS, 10),
    (&api::RDS_DESCRIBE_EVENTS, 10),
    (&api::RDS_LIST_TAGS, 10),
    (&api::DDB_LIST_TABLES, 15),
    (&api::DDB_DESCRIBE_TABLE, 25),
    (&api::DDB_DESCRIBE_CONTINUOUS_BACKUPS, 5),
    (&api::DDB_DESCRIBE_TIME_TO_LIVE, 5),
    (&api::SQS_LIST_QUEUES, 10),
    (&api::SQS_GET_QUEUE_ATTRIBUTES, 20),
    (&api::SNS_LIST_TOPICS, 10),
    (&api::SNS_GET_TOPIC_ATTRIBUTES, 10),
    (&api::SNS_LIST_SUBSCRIPTIONS_BY_TOPIC, 5),
    (&api::ELB_DESCRIBE_LOAD_BALANCERS, 20),
    (&api::ELB_DESCRIBE_TARGET_GROUPS, 20),
    (&api::ELB_DESCRIBE_TARGET_HEALTH, 15),
    (&api::ELB_DESCRIBE_LISTENERS, 10),
    (&api::ASG_DESCRIBE_GROUPS, 20),
    (&api::ASG_DESCRIBE_SCALING_ACTIVITIES, 10),
    (&api::R53_LIST_HOSTED_ZONES, 10),
    (&api::R53_GET_HOSTED_ZONE, 5),
    (&api::R53_LIST_RESOURCE_RECORD_SETS, 10),
    (&api::KMS_LIST_ALIASES, 10),
    (&api::KMS_DESCRIBE_KEY, 10),
    (&api::SECRET_DESCRIBE, 10),
    (&api::SSM_DESCRIBE_INSTANCE_INFORMATION, 15),
    (&api::GD_LIST_DETECTORS, 5),
    (&api::GD_GET_DETECTOR, 5),
    (&api::GD_LIST_FINDINGS, 10),
    (&api::GD_GET_FINDINGS, 10),
    (&api::CONFIG_DESCRIBE_CONFIG_RULES, 5),
    (&api::EVENTS_LIST_RULES, 10),
    (&api::EVENTS_DESCRIBE_RULE, 5),
    (&api::CREATE_TAGS, 5),
];

const SSO_CLI_EXTRA: Table = &[(&api::LIST_BUCKETS, 60)];

const CI: Table = &[
    (&api::GET_ROLE, 800),
    (&api::GET_POLICY, 600),
    (&api::GET_POLICY_VERSION, 600),
    (&api::LIST_ATTACHED_ROLE_POLICIES, 600),
    (&api::LIST_ROLE_POLICIES, 500),
    (&api::GET_ROLE_POLICY, 400),
    (&api::LIST_INSTANCE_PROFILES_FOR_ROLE, 200),
    (&api::DESCRIBE_VPCS, 300),
    (&api::DESCRIBE_SUBNETS, 400),
    (&api::DESCRIBE_SECURITY_GROUPS, 500),
    (&api::DESCRIBE_ROUTE_TABLES, 200),
    (&api::DESCRIBE_LAUNCH_TEMPLATES, 150),
    (&api::DESCRIBE_IMAGES, 150),
    (&api::DESCRIBE_INSTANCES, 200),
    (&api::GET_BUCKET_POLICY, 200),
    (&api::GET_BUCKET_VERSIONING, 200),
    (&api::GET_BUCKET_ENCRYPTION, 200),
    (&api::GET_BUCKET_TAGGING, 200),
    (&api::GET_BUCKET_ACL, 150),
    (&api::GET_BUCKET_LOGGING, 100),
    (&api::GET_BUCKET_LIFECYCLE, 100),
    (&api::GET_BUCKET_PUBLIC_ACCESS_BLOCK, 100),
    (&api::GET_BUCKET_OWNERSHIP_CONTROLS, 100),
    (&api::PUT_ARTIFACT, 600),
    (&api::LAMBDA_GET_FUNCTION, 400),
    (&api::LAMBDA_GET_POLICY, 200),
    (&api::LAMBDA_GET_FUNCTION_CONFIGURATION, 100),
    (&api::LAMBDA_UPDATE_FUNCTION_CODE, 250),
    (&api::LAMBDA_PUBLISH_VERSION, 100),
    (&api::ECR_GET_AUTHORIZATION_TOKEN, 400),
    (&api::ECR_PUT_IMAGE, 150),
    (&api::ECR_DESCRIBE_IMAGES, 100),
    (&api::ECS_REGISTER_TASK_DEFINITION, 150),
    (&api::ECS_UPDATE_SERVICE, 150),
    (&api::ECS_DESCRIBE_SERVICES, 400),
    (&api::ECS_DESCRIBE_TASK_DEFINITION, 200),
    (&api::CFN_DESCRIBE_STACKS, 300),
    (&api::CFN_DESCRIBE_STACK_EVENTS, 200),
    (&api::KMS_DESCRIBE_KEY, 200),
    (&api::LOGS_DESCRIBE_LOG_GROUPS, 200),
    (&api::DDB_DESCRIBE_TABLE, 200),
    (&api::DDB_DESCRIBE_CONTINUOUS_BACKUPS, 100),
    (&api::DDB_DESCRIBE_TIME_TO_LIVE, 100),
    (&api::SNS_GET_TOPIC_ATTRIBUTES, 100),
    (&api::SQS_GET_QUEUE_ATTRIBUTES, 100),
    (&api::GET_CALLER_IDENTITY, 400),
    (&api::R53_LIST_RESOURCE_RECORD_SETS, 100),
    (&api::R53_GET_HOSTED_ZONE, 50),
];

/// The benign-but-alertable writes of the CI role (see [`crate::Notable`]). With [`CI`] the
/// kind's weights total 12 266: at the CI share of 4.5% of background events, the five IAM
/// policy calls together (55) come to 1 event in 5 000 and `AddPermission` (11) to 1 in 25 000.
const CI_NOTABLE: Table = &[
    (&api::CI_ATTACH_ROLE_POLICY, 18),
    (&api::CI_DETACH_ROLE_POLICY, 7),
    (&api::CI_PUT_ROLE_POLICY, 18),
    (&api::CI_CREATE_POLICY_VERSION, 9),
    (&api::CI_DELETE_POLICY_VERSION, 3),
    (&api::LAMBDA_ADD_PERMISSION_SERVICE, 11),
];

const LINKED_CONFIG: Table = &[
    (&api::DESCRIBE_INSTANCES, 40),
    (&api::DESCRIBE_SECURITY_GROUPS, 40),
    (&api::DESCRIBE_VOLUMES, 30),
    (&api::DESCRIBE_NETWORK_INTERFACES, 30),
    (&api::DESCRIBE_VPCS, 20),
    (&api::DESCRIBE_SUBNETS, 20),
    (&api::DESCRIBE_ROUTE_TABLES, 20),
    (&api::DESCRIBE_NAT_GATEWAYS, 10),
    (&api::GET_ROLE, 30),
    (&api::GET_POLICY, 20),
    (&api::GET_POLICY_VERSION, 20),
    (&api::LIST_ATTACHED_ROLE_POLICIES, 20),
    (&api::LIST_ROLE_POLICIES, 10),
    (&api::GET_BUCKET_ACL, 20),
    (&api::GET_BUCKET_POLICY, 15),
    (&api::GET_BUCKET_VERSIONING, 15),
    (&api::GET_BUCKET_ENCRYPTION, 15),
    (&api::GET_BUCKET_PUBLIC_ACCESS_BLOCK, 15),
    (&api::GET_BUCKET_LOGGING, 10),
    (&api::GET_BUCKET_TAGGING, 10),
    (&api::GET_BUCKET_LIFECYCLE, 10),
    (&api::LAMBDA_GET_FUNCTION, 10),
    (&api::LAMBDA_GET_POLICY, 10),
    (&api::RDS_DESCRIBE_DB_INSTANCES, 10),
    (&api::DDB_DESCRIBE_TABLE, 10),
];

/// Auto Scaling: weights relative to a total of 1 000; at 0.8% of background events, launches
/// come to 1 event in 25 000.
const LINKED_AUTOSCALING: Table = &[
    (&api::DESCRIBE_INSTANCES, 500),
    (&api::DESCRIBE_INSTANCE_STATUS, 390),
    (&api::ELB_DESCRIBE_TARGET_HEALTH, 50),
    (&api::ASG_RUN_INSTANCES, 5),
    (&api::ASG_TERMINATE_INSTANCES, 5),
    (&api::DESCRIBE_LAUNCH_TEMPLATES, 50),
];

const LINKED_INSPECTOR: Table = &[
    (&api::DESCRIBE_INSTANCES, 40),
    (&api::DESCRIBE_IMAGES, 20),
    (&api::SSM_DESCRIBE_INSTANCE_INFORMATION, 30),
    (&api::ECR_DESCRIBE_IMAGES, 20),
    (&api::ECR_DESCRIBE_REPOSITORIES, 10),
    (&api::LAMBDA_LIST_FUNCTIONS, 10),
    (&api::LAMBDA_GET_FUNCTION, 10),
];

const LINKED_ELB: Table = &[
    (&api::DESCRIBE_NETWORK_INTERFACES, 40),
    (&api::DESCRIBE_SECURITY_GROUPS, 20),
    (&api::DESCRIBE_SUBNETS, 10),
    (&api::DESCRIBE_VPCS, 5),
];

const LINKED_ECS: Table = &[
    (&api::DESCRIBE_NETWORK_INTERFACES, 20),
    (&api::ELB_DESCRIBE_TARGET_HEALTH, 20),
    (&api::ELB_DESCRIBE_TARGET_GROUPS, 10),
    (&api::DESCRIBE_SUBNETS, 10),
];

const LINKED_GUARDDUTY: Table = &[
    (&api::DESCRIBE_INSTANCES, 10),
    (&api::DESCRIBE_VPCS, 5),
    (&api::DESCRIBE_SECURITY_GROUPS, 5),
    (&api::LIST_BUCKETS, 5),
    (&api::GET_BUCKET_PUBLIC_ACCESS_BLOCK, 5),
];

const SERVICE: Table = &[
    (&api::ASSUME_ROLE_VEND, 700),
    (&api::TRAIL_BUCKET_ACL, 80),
    (&api::KMS_TRAIL_DATA_KEY, 60),
];

const LOGIN: Table = &[(&api::CONSOLE_LOGIN, 1)];

const ROOT: Table = &[
    (&api::CONSOLE_LOGIN, 2),
    (&api::DESCRIBE_INSTANCES, 2),
    (&api::LIST_BUCKETS, 2),
    (&api::LIST_USERS, 1),
    (&api::HEALTH_DESCRIBE_EVENT_AGGREGATES, 1),
];

/// The API tables of a caller kind (their union is the kind's mix).
pub(crate) fn tables(kind: Kind) -> &'static [Table] {
    match kind {
        Kind::App => &[APP],
        Kind::Instance => &[INSTANCE],
        Kind::HumanCli => &[HUMAN_READS, HUMAN_WRITES],
        Kind::SsoConsole => &[SSO_CONSOLE],
        Kind::SsoCli => &[HUMAN_READS, SSO_CLI_EXTRA],
        Kind::Ci => &[CI, CI_NOTABLE],
        Kind::Linked(LinkedKind::Config) => &[LINKED_CONFIG],
        Kind::Linked(LinkedKind::AutoScaling) => &[LINKED_AUTOSCALING],
        Kind::Linked(LinkedKind::Inspector) => &[LINKED_INSPECTOR],
        Kind::Linked(LinkedKind::Elb) => &[LINKED_ELB],
        Kind::Linked(LinkedKind::Ecs) => &[LINKED_ECS],
        Kind::Linked(LinkedKind::GuardDuty) => &[LINKED_GUARDDUTY],
        Kind::Service => &[SERVICE],
        Kind::Login => &[LOGIN],
        Kind::Root => &[ROOT],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_shares_sum_to_one_million() {
        assert_eq!(KIND_PPM.iter().map(|(_, w)| w).sum::<u64>(), 1_000_000);
    }

    #[test]
    fn background_never_contains_attack_apis() {
        let forbidden = [
            "StopLogging",
            "DeleteTrail",
            "UpdateTrail",
            "PutEventSelectors",
            "ModifyImageAttribute",
            "ModifySnapshotAttribute",
            "ModifyDBSnapshotAttribute",
            "GetPasswordData",
            "CreateAccessKey",
            "CreateLoginProfile",
            "UpdateLoginProfile",
            "CreateUser",
            "AttachUserPolicy",
            "PutUserPolicy",
            "UpdateAssumeRolePolicy",
            "AuthorizeSecurityGroupIngress",
            "DeleteFlowLogs",
            "LeaveOrganization",
            "SendCommand",
            "StartSession",
            "SendSSHPublicKey",
            "GetFederationToken",
            "UpdateFunctionConfiguration20150331v2",
            "PutBucketPolicy",
            "PutBucketLifecycle",
            "DeleteObjects",
            "DeregisterImage",
            "AssumeRoleWithSAML",
            "GetSessionToken",
            "GetAccountSummary",
            "ListAccountAliases",
        ];
        for kind in KIND_PPM.iter().map(|(k, _)| *k) {
            for table in tables(kind) {
                for (api, w) in table.iter() {
                    assert!(*w > 0);
                    assert!(
                        !forbidden.contains(&api.name),
                        "{kind:?} calls {}",
                        api.name
                    );
                }
            }
        }
    }

    #[test]
    fn iam_users_never_list_buckets() {
        // Sigma's "Potential Bucket Enumeration on AWS" flags ListBuckets by anything but an
        // assumed role; the background keeps it to roles (root excepted: root is notable).
        for kind in [Kind::HumanCli] {
            for table in tables(kind) {
                assert!(table.iter().all(|(api, _)| api.name != "ListBuckets"));
            }
        }
    }
}
