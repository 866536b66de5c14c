//! The catalogue of injectable techniques: ATT&CK mappings, the calls each chain makes, and
//! the function that writes it.

use super::{Origin, Tactic, Technique, TechniqueInfo, steps};

macro_rules! tactic {
    ($name:ident, $id:literal, $title:literal) => {
        const $name: Tactic = Tactic {
            id: $id,
            name: $title,
        };
    };
}

tactic!(INITIAL_ACCESS, "TA0001", "Initial Access");
tactic!(EXECUTION, "TA0002", "Execution");
tactic!(PERSISTENCE, "TA0003", "Persistence");
tactic!(PRIVILEGE_ESCALATION, "TA0004", "Privilege Escalation");
tactic!(DEFENSE_EVASION, "TA0005", "Defense Evasion");
tactic!(CREDENTIAL_ACCESS, "TA0006", "Credential Access");
tactic!(DISCOVERY, "TA0007", "Discovery");
tactic!(LATERAL_MOVEMENT, "TA0008", "Lateral Movement");
tactic!(EXFILTRATION, "TA0010", "Exfiltration");
tactic!(IMPACT, "TA0040", "Impact");
tactic!(RESOURCE_DEVELOPMENT, "TA0042", "Resource Development");

const fn t(id: &'static str, name: &'static str) -> Technique {
    Technique { id, name }
}

const T1021_008: Technique = t("T1021.008", "Remote Services: Direct Cloud VM Connections");
const T1059: Technique = t("T1059", "Command and Scripting Interpreter");
const T1078_004: Technique = t("T1078.004", "Valid Accounts: Cloud Accounts");
const T1087_004: Technique = t("T1087.004", "Account Discovery: Cloud Account");
const T1098: Technique = t("T1098", "Account Manipulation");
const T1098_001: Technique = t(
    "T1098.001",
    "Account Manipulation: Additional Cloud Credentials",
);
const T1098_003: Technique = t("T1098.003", "Account Manipulation: Additional Cloud Roles");
const T1136_003: Technique = t("T1136.003", "Create Account: Cloud Account");
const T1485: Technique = t("T1485", "Data Destruction");
const T1486: Technique = t("T1486", "Data Encrypted for Impact");
const T1496: Technique = t("T1496", "Resource Hijacking");
const T1526: Technique = t("T1526", "Cloud Service Discovery");
const T1537: Technique = t("T1537", "Transfer Data to Cloud Account");
const T1546: Technique = t("T1546", "Event Triggered Execution");
const T1552: Technique = t("T1552", "Unsecured Credentials");
const T1552_005: Technique = t(
    "T1552.005",
    "Unsecured Credentials: Cloud Instance Metadata API",
);
const T1555_006: Technique = t(
    "T1555.006",
    "Credentials from Password Stores: Cloud Secrets Management Stores",
);
const T1562_007: Technique = t(
    "T1562.007",
    "Impair Defenses: Disable or Modify Cloud Firewall",
);
const T1562_008: Technique = t("T1562.008", "Impair Defenses: Disable or Modify Cloud Logs");
const T1578_002: Technique = t(
    "T1578.002",
    "Modify Cloud Compute Infrastructure: Create Cloud Instance",
);
const T1578_005: Technique = t(
    "T1578.005",
    "Modify Cloud Compute Infrastructure: Modify Cloud Compute Configurations",
);
const T1580: Technique = t("T1580", "Cloud Infrastructure Discovery");
const T1584_007: Technique = t("T1584.007", "Compromise Infrastructure: Serverless");
const T1648: Technique = t("T1648", "Serverless Execution");
const T1651: Technique = t("T1651", "Cloud Administration Command");
const T1666: Technique = t("T1666", "Modify Cloud Resource Hierarchy");

use Origin::{Seed, StratusRedTeam as Stratus};

pub(super) static TECHNIQUES: &[TechniqueInfo] = &[
    TechniqueInfo {
        id: "aws.credential-access.ec2-get-password-data",
        name: "Retrieve EC2 Password Data",
        origin: Stratus,
        tactics: &[CREDENTIAL_ACCESS],
        techniques: &[T1552],
        api_calls: &["sts:AssumeRole", "ec2:GetPasswordData"],
        description: "Assumes a freshly created role (the first attempt is denied while the trust policy propagates) and calls GetPasswordData 30 times on fictitious instance ids; every call is denied.",
        build: steps::ec2_get_password_data,
    },
    TechniqueInfo {
        id: "aws.credential-access.ec2-steal-instance-credentials",
        name: "Steal EC2 Instance Credentials",
        origin: Stratus,
        tactics: &[CREDENTIAL_ACCESS],
        techniques: &[T1552_005],
        api_calls: &[
            "ssm:DescribeInstanceInformation",
            "ssm:SendCommand",
            "ssm:GetCommandInvocation",
            "sts:GetCallerIdentity",
            "ec2:DescribeInstances",
        ],
        description: "Runs a shell command on an instance over SSM to read its role credentials from the metadata service, then uses them from the attacker's address.",
        build: steps::ec2_steal_instance_credentials,
    },
    TechniqueInfo {
        id: "aws.credential-access.secretsmanager-batch-retrieve-secrets",
        name: "Retrieve a High Number of Secrets Manager secrets (Batch)",
        origin: Stratus,
        tactics: &[CREDENTIAL_ACCESS],
        techniques: &[T1555_006],
        api_calls: &["secretsmanager:BatchGetSecretValue"],
        description: "Dumps secrets in pages of 20 with BatchGetSecretValue and a catch-all tag filter.",
        build: steps::secretsmanager_batch_retrieve_secrets,
    },
    TechniqueInfo {
        id: "aws.credential-access.secretsmanager-retrieve-secrets",
        name: "Retrieve a High Number of Secrets Manager secrets",
        origin: Stratus,
        tactics: &[CREDENTIAL_ACCESS],
        techniques: &[T1555_006],
        api_calls: &[
            "secretsmanager:ListSecrets",
            "secretsmanager:GetSecretValue",
        ],
        description: "Lists the secrets and retrieves 20 secret values one by one.",
        build: steps::secretsmanager_retrieve_secrets,
    },
    TechniqueInfo {
        id: "aws.credential-access.ssm-retrieve-securestring-parameters",
        name: "Retrieve And Decrypt SSM Parameters",
        origin: Stratus,
        tactics: &[CREDENTIAL_ACCESS],
        techniques: &[T1555_006],
        api_calls: &["ssm:DescribeParameters", "ssm:GetParameters"],
        description: "Pages through DescribeParameters and retrieves 30 SecureString parameters with decryption, 10 per GetParameters call.",
        build: steps::ssm_retrieve_securestring_parameters,
    },
    TechniqueInfo {
        id: "aws.defense-evasion.cloudtrail-delete",
        name: "Delete CloudTrail Trail",
        origin: Stratus,
        tactics: &[DEFENSE_EVASION],
        techniques: &[T1562_008],
        api_calls: &["cloudtrail:DescribeTrails", "cloudtrail:DeleteTrail"],
        description: "Lists the trails and deletes the organisation trail.",
        build: steps::cloudtrail_delete,
    },
    TechniqueInfo {
        id: "aws.defense-evasion.cloudtrail-event-selectors",
        name: "Disable CloudTrail Logging Through Event Selectors",
        origin: Stratus,
        tactics: &[DEFENSE_EVASION],
        techniques: &[T1562_008],
        api_calls: &[
            "cloudtrail:GetEventSelectors",
            "cloudtrail:PutEventSelectors",
        ],
        description: "Replaces the trail's event selectors with read-only data events and no management events.",
        build: steps::cloudtrail_event_selectors,
    },
    TechniqueInfo {
        id: "aws.defense-evasion.cloudtrail-lifecycle-rule",
        name: "CloudTrail Logs Impairment Through S3 Lifecycle Rule",
        origin: Stratus,
        tactics: &[DEFENSE_EVASION],
        techniques: &[T1562_008],
        api_calls: &[
            "cloudtrail:DescribeTrails",
            "s3:GetBucketLifecycle",
            "s3:PutBucketLifecycle",
        ],
        description: "Finds the trail's bucket and sets a lifecycle rule expiring its objects after one day.",
        build: steps::cloudtrail_lifecycle_rule,
    },
    TechniqueInfo {
        id: "aws.defense-evasion.cloudtrail-stop",
        name: "Stop CloudTrail Trail",
        origin: Stratus,
        tactics: &[DEFENSE_EVASION],
        techniques: &[T1562_008],
        api_calls: &["cloudtrail:GetTrailStatus", "cloudtrail:StopLogging"],
        description: "Checks the trail's status and stops logging.",
        build: steps::cloudtrail_stop,
    },
    TechniqueInfo {
        id: "aws.defense-evasion.dns-delete-logs",
        name: "Delete DNS query logs",
        origin: Stratus,
        tactics: &[DEFENSE_EVASION],
        techniques: &[T1562_008],
        api_calls: &[
            "route53resolver:ListResolverQueryLogConfigs",
            "route53resolver:DeleteResolverQueryLogConfig",
        ],
        description: "Lists the Route 53 Resolver query logging configurations and deletes one.",
        build: steps::dns_delete_logs,
    },
    TechniqueInfo {
        id: "aws.defense-evasion.organizations-leave",
        name: "Attempt to Leave the AWS Organization",
        origin: Stratus,
        tactics: &[DEFENSE_EVASION],
        techniques: &[T1666],
        api_calls: &["sts:AssumeRole", "organizations:LeaveOrganization"],
        description: "Assumes a role and calls LeaveOrganization, which is denied.",
        build: steps::organizations_leave,
    },
    TechniqueInfo {
        id: "aws.defense-evasion.vpc-remove-flow-logs",
        name: "Remove VPC Flow Logs",
        origin: Stratus,
        tactics: &[DEFENSE_EVASION],
        techniques: &[T1562_008],
        api_calls: &["ec2:DescribeFlowLogs", "ec2:DeleteFlowLogs"],
        description: "Lists the VPC flow logs and deletes one.",
        build: steps::vpc_remove_flow_logs,
    },
    TechniqueInfo {
        id: "aws.discovery.ec2-download-user-data",
        name: "Download EC2 Instance User Data",
        origin: Stratus,
        tactics: &[DISCOVERY],
        techniques: &[T1580, T1552_005],
        api_calls: &[
            "sts:AssumeRole",
            "ec2:DescribeInstances",
            "ec2:DescribeInstanceAttribute",
        ],
        description: "Assumes a role, lists instances and downloads the user data of each web instance.",
        build: steps::ec2_download_user_data,
    },
    TechniqueInfo {
        id: "aws.discovery.ec2-enumerate-from-instance",
        name: "Execute Discovery Commands on an EC2 Instance",
        origin: Stratus,
        tactics: &[DISCOVERY],
        techniques: &[T1580, T1087_004],
        api_calls: &[
            "ssm:DescribeInstanceInformation",
            "ssm:SendCommand",
            "ssm:GetCommandInvocation",
            "sts:GetCallerIdentity",
            "s3:ListBuckets",
            "iam:GetAccountSummary",
            "iam:ListRoles",
            "iam:ListUsers",
            "iam:GetAccountAuthorizationDetails",
            "ec2:DescribeSnapshots",
            "cloudtrail:DescribeTrails",
            "guardduty:ListDetectors",
        ],
        description: "Runs discovery commands on an instance over SSM; they appear under the instance role's `i-…` session.",
        build: steps::ec2_enumerate_from_instance,
    },
    TechniqueInfo {
        id: "aws.discovery.ses-enumerate",
        name: "Enumerate SES",
        origin: Stratus,
        tactics: &[DISCOVERY],
        techniques: &[T1526],
        api_calls: &[
            "ses:GetAccountSendingEnabled",
            "ses:GetSendQuota",
            "ses:ListIdentities",
            "ses:GetIdentityVerificationAttributes",
        ],
        description: "Checks whether SES can send, its quota, and the verified identities.",
        build: steps::ses_enumerate,
    },
    TechniqueInfo {
        id: "aws.execution.ec2-launch-unusual-instances",
        name: "Launch Unusual EC2 instances",
        origin: Stratus,
        tactics: &[EXECUTION],
        techniques: &[T1578_002, T1496],
        api_calls: &["sts:AssumeRole", "ec2:RunInstances"],
        description: "Assumes a role and tries to launch ten p2.xlarge GPU instances; the launch is denied.",
        build: steps::ec2_launch_unusual_instances,
    },
    TechniqueInfo {
        id: "aws.execution.ec2-user-data",
        name: "Execute Commands on EC2 Instance via User Data",
        origin: Stratus,
        tactics: &[EXECUTION, PRIVILEGE_ESCALATION],
        techniques: &[T1059],
        api_calls: &[
            "ec2:DescribeInstances",
            "ec2:StopInstances",
            "ec2:ModifyInstanceAttribute",
            "ec2:StartInstances",
        ],
        description: "Stops an instance, waits for it, replaces its user data with a script and starts it again.",
        build: steps::ec2_user_data,
    },
    TechniqueInfo {
        id: "aws.execution.sagemaker-update-lifecycle-config",
        name: "Execute Commands on SageMaker Notebook Instance via Lifecycle Configuration",
        origin: Stratus,
        tactics: &[EXECUTION, PRIVILEGE_ESCALATION],
        techniques: &[T1059],
        api_calls: &[
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
            "sagemaker:StopNotebookInstance",
            "sagemaker:DescribeNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
            "sagemaker:StartNotebookInstance",
        ],
        description: "Creates a malicious lifecycle configuration and attaches it to a notebook through a stop-update-start sequence.",
        build: steps::sagemaker_update_lifecycle_config,
    },
    TechniqueInfo {
        id: "aws.execution.ssm-send-command",
        name: "Usage of ssm:SendCommand on multiple instances",
        origin: Stratus,
        tactics: &[EXECUTION],
        techniques: &[T1651],
        api_calls: &[
            "ssm:DescribeInstanceInformation",
            "ssm:SendCommand",
            "ssm:GetCommandInvocation",
        ],
        description: "Runs one shell command on three instances and collects the output.",
        build: steps::ssm_send_command,
    },
    TechniqueInfo {
        id: "aws.execution.ssm-start-session",
        name: "Usage of ssm:StartSession on multiple instances",
        origin: Stratus,
        tactics: &[EXECUTION],
        techniques: &[T1651],
        api_calls: &[
            "ssm:DescribeInstanceInformation",
            "ssm:StartSession",
            "ssm:TerminateSession",
        ],
        description: "Opens and closes Session Manager sessions on three instances.",
        build: steps::ssm_start_session,
    },
    TechniqueInfo {
        id: "aws.exfiltration.ec2-security-group-open-port-22-ingress",
        name: "Open Ingress Port 22 on a Security Group",
        origin: Stratus,
        tactics: &[EXFILTRATION],
        techniques: &[T1562_007],
        api_calls: &[
            "ec2:DescribeSecurityGroups",
            "ec2:AuthorizeSecurityGroupIngress",
        ],
        description: "Opens TCP 22 to 0.0.0.0/0 on a security group.",
        build: steps::ec2_security_group_open_port_22,
    },
    TechniqueInfo {
        id: "aws.exfiltration.ec2-share-ami",
        name: "Exfiltrate an AMI by Sharing It",
        origin: Stratus,
        tactics: &[EXFILTRATION],
        techniques: &[T1537],
        api_calls: &["ec2:DescribeImages", "ec2:ModifyImageAttribute"],
        description: "Adds the attacker's account to an AMI's launch permissions.",
        build: steps::ec2_share_ami,
    },
    TechniqueInfo {
        id: "aws.exfiltration.ec2-share-ebs-snapshot",
        name: "Exfiltrate EBS Snapshot by Sharing It",
        origin: Stratus,
        tactics: &[EXFILTRATION],
        techniques: &[T1537],
        api_calls: &["ec2:DescribeSnapshots", "ec2:ModifySnapshotAttribute"],
        description: "Adds the attacker's account to a snapshot's create-volume permissions.",
        build: steps::ec2_share_ebs_snapshot,
    },
    TechniqueInfo {
        id: "aws.exfiltration.rds-share-snapshot",
        name: "Exfiltrate RDS Snapshot by Sharing",
        origin: Stratus,
        tactics: &[EXFILTRATION],
        techniques: &[T1537],
        api_calls: &["rds:DescribeDBSnapshots", "rds:ModifyDBSnapshotAttribute"],
        description: "Shares a database snapshot with the attacker's account (`restore` attribute).",
        build: steps::rds_share_snapshot,
    },
    TechniqueInfo {
        id: "aws.exfiltration.s3-backdoor-bucket-policy",
        name: "Backdoor an S3 Bucket via its Bucket Policy",
        origin: Stratus,
        tactics: &[EXFILTRATION],
        techniques: &[T1537],
        api_calls: &["s3:GetBucketPolicy", "s3:PutBucketPolicy"],
        description: "Sets a bucket policy that lets the attacker's account read and list the bucket.",
        build: steps::s3_backdoor_bucket_policy,
    },
    TechniqueInfo {
        id: "aws.impact.bedrock-invoke-model",
        name: "Invoke Bedrock Model",
        origin: Stratus,
        tactics: &[IMPACT],
        techniques: &[T1496],
        api_calls: &[
            "bedrock:ListFoundationModelAgreementOffers",
            "bedrock:PutUseCaseForModelAccess",
            "bedrock:CreateFoundationModelAgreement",
            "bedrock:PutFoundationModelEntitlement",
            "bedrock:GetFoundationModelAvailability",
            "bedrock:InvokeModel",
        ],
        description: "Enables access to an Anthropic model on Bedrock and invokes it repeatedly (LLMjacking).",
        build: steps::bedrock_invoke_model,
    },
    TechniqueInfo {
        id: "aws.impact.ec2-deregister-ami",
        name: "Deregister an Amazon EC2 AMI",
        origin: Stratus,
        tactics: &[IMPACT],
        techniques: &[T1485],
        api_calls: &["ec2:DescribeImages", "ec2:DeregisterImage"],
        description: "Deregisters an AMI the workloads launch from.",
        build: steps::ec2_deregister_ami,
    },
    TechniqueInfo {
        id: "aws.impact.s3-ransomware-batch-deletion",
        name: "S3 Ransomware through batch file deletion",
        origin: Stratus,
        tactics: &[IMPACT],
        techniques: &[T1485],
        api_calls: &["s3:ListObjectVersions", "s3:DeleteObjects", "s3:PutObject"],
        description: "Lists every object version, deletes them in one DeleteObjects request and uploads a ransom note.",
        build: steps::s3_ransomware_batch_deletion,
    },
    TechniqueInfo {
        id: "aws.impact.s3-ransomware-client-side-encryption",
        name: "S3 Ransomware through client-side encryption",
        origin: Stratus,
        tactics: &[IMPACT],
        techniques: &[T1486],
        api_calls: &["s3:ListObjects", "s3:CopyObject", "s3:PutObject"],
        description: "Overwrites 15 objects with copies encrypted under an attacker-held key (SSE-C) and uploads a ransom note.",
        build: steps::s3_ransomware_client_side_encryption,
    },
    TechniqueInfo {
        id: "aws.impact.s3-ransomware-individual-deletion",
        name: "S3 Ransomware through individual file deletion",
        origin: Stratus,
        tactics: &[IMPACT],
        techniques: &[T1485],
        api_calls: &["s3:ListObjectVersions", "s3:DeleteObject", "s3:PutObject"],
        description: "Deletes 15 object versions one by one and uploads a ransom note.",
        build: steps::s3_ransomware_individual_deletion,
    },
    TechniqueInfo {
        id: "aws.initial-access.console-login-without-mfa",
        name: "Console Login without MFA",
        origin: Stratus,
        tactics: &[INITIAL_ACCESS],
        techniques: &[T1078_004],
        api_calls: &["signin:ConsoleLogin"],
        description: "Signs in to the console as an IAM user without MFA from the attacker's address.",
        build: steps::console_login_without_mfa,
    },
    TechniqueInfo {
        id: "aws.lateral-movement.ec2-instance-connect",
        name: "Usage of EC2 Instance Connect on multiple instances",
        origin: Stratus,
        tactics: &[LATERAL_MOVEMENT],
        techniques: &[T1021_008],
        api_calls: &["ec2-instance-connect:SendSSHPublicKey"],
        description: "Pushes an SSH public key to three instances with EC2 Instance Connect.",
        build: steps::ec2_instance_connect,
    },
    TechniqueInfo {
        id: "aws.lateral-movement.ec2-serial-console-send-ssh-public-key",
        name: "Usage of EC2 Serial Console to push SSH public key",
        origin: Stratus,
        tactics: &[LATERAL_MOVEMENT],
        techniques: &[T1021_008],
        api_calls: &[
            "ec2:GetSerialConsoleAccessStatus",
            "ec2:EnableSerialConsoleAccess",
            "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
        ],
        description: "Enables serial console access for the account and pushes an SSH key to two instances' serial consoles.",
        build: steps::ec2_serial_console_send_ssh_public_key,
    },
    TechniqueInfo {
        id: "aws.persistence.iam-backdoor-role",
        name: "Backdoor an IAM Role",
        origin: Stratus,
        tactics: &[PERSISTENCE],
        techniques: &[T1098_003],
        api_calls: &["iam:GetRole", "iam:UpdateAssumeRolePolicy"],
        description: "Adds the attacker's account to an existing role's trust policy.",
        build: steps::iam_backdoor_role,
    },
    TechniqueInfo {
        id: "aws.persistence.iam-backdoor-user",
        name: "Create an Access Key on an IAM User",
        origin: Stratus,
        tactics: &[PERSISTENCE, PRIVILEGE_ESCALATION],
        techniques: &[T1098_001],
        api_calls: &["iam:ListAccessKeys", "iam:CreateAccessKey"],
        description: "Creates an access key for another IAM user.",
        build: steps::iam_backdoor_user,
    },
    TechniqueInfo {
        id: "aws.persistence.iam-create-admin-user",
        name: "Create an administrative IAM User",
        origin: Stratus,
        tactics: &[PERSISTENCE, PRIVILEGE_ESCALATION],
        techniques: &[T1136_003, T1098_003],
        api_calls: &[
            "iam:CreateUser",
            "iam:AttachUserPolicy",
            "iam:CreateAccessKey",
        ],
        description: "Creates an IAM user, attaches AdministratorAccess and creates an access key for it.",
        build: steps::iam_create_admin_user,
    },
    TechniqueInfo {
        id: "aws.persistence.iam-create-backdoor-role",
        name: "Create a backdoored IAM Role",
        origin: Stratus,
        tactics: &[PERSISTENCE],
        techniques: &[T1098_003],
        api_calls: &["iam:CreateRole", "iam:AttachRolePolicy"],
        description: "Creates a role trusting the attacker's account and attaches AdministratorAccess.",
        build: steps::iam_create_backdoor_role,
    },
    TechniqueInfo {
        id: "aws.persistence.iam-create-user-login-profile",
        name: "Create a Login Profile on an IAM User",
        origin: Stratus,
        tactics: &[PERSISTENCE, PRIVILEGE_ESCALATION],
        techniques: &[T1098_001],
        api_calls: &["sts:GetCallerIdentity", "iam:CreateLoginProfile"],
        description: "Gives another IAM user a console password.",
        build: steps::iam_create_user_login_profile,
    },
    TechniqueInfo {
        id: "aws.persistence.lambda-backdoor-function",
        name: "Backdoor Lambda Function Through Resource-Based Policy",
        origin: Stratus,
        tactics: &[PERSISTENCE],
        techniques: &[T1546],
        api_calls: &[
            "lambda:GetFunction20150331v2",
            "lambda:AddPermission20150331v2",
        ],
        description: "Grants `lambda:InvokeFunction` to principal `*` on a function.",
        build: steps::lambda_backdoor_function,
    },
    TechniqueInfo {
        id: "aws.persistence.lambda-layer-extension",
        name: "Add a Malicious Lambda Extension",
        origin: Stratus,
        tactics: &[PERSISTENCE, PRIVILEGE_ESCALATION],
        techniques: &[T1546],
        api_calls: &[
            "lambda:GetFunctionConfiguration20150331v2",
            "lambda:UpdateFunctionConfiguration20150331v2",
        ],
        description: "Attaches a layer from the attacker's account (an extension) to a function.",
        build: steps::lambda_layer_extension,
    },
    TechniqueInfo {
        id: "aws.persistence.lambda-overwrite-code",
        name: "Overwrite Lambda Function Code",
        origin: Stratus,
        tactics: &[PERSISTENCE],
        techniques: &[T1648],
        api_calls: &[
            "lambda:GetFunction20150331v2",
            "lambda:UpdateFunctionCode20150331v2",
        ],
        description: "Replaces a function's code with a malicious package.",
        build: steps::lambda_overwrite_code,
    },
    TechniqueInfo {
        id: "aws.persistence.rolesanywhere-create-trust-anchor",
        name: "Create an IAM Roles Anywhere trust anchor",
        origin: Stratus,
        tactics: &[PERSISTENCE, PRIVILEGE_ESCALATION],
        techniques: &[T1098],
        api_calls: &[
            "rolesanywhere:CreateTrustAnchor",
            "rolesanywhere:CreateProfile",
        ],
        description: "Registers an attacker certificate authority as a trust anchor and a profile for an existing role.",
        build: steps::rolesanywhere_create_trust_anchor,
    },
    TechniqueInfo {
        id: "aws.persistence.sts-federation-token",
        name: "Generate temporary AWS credentials using GetFederationToken",
        origin: Stratus,
        tactics: &[PERSISTENCE],
        techniques: &[T1098_001],
        api_calls: &["sts:GetFederationToken", "sts:GetCallerIdentity"],
        description: "Mints 12-hour federated credentials with an allow-all policy and uses them.",
        build: steps::sts_federation_token,
    },
    TechniqueInfo {
        id: "aws.privilege-escalation.iam-update-user-login-profile",
        name: "Change IAM user password",
        origin: Stratus,
        tactics: &[PRIVILEGE_ESCALATION],
        techniques: &[T1098],
        api_calls: &["iam:GetLoginProfile", "iam:UpdateLoginProfile"],
        description: "Changes another IAM user's console password.",
        build: steps::iam_update_user_login_profile,
    },
    TechniqueInfo {
        id: "seed.lambda-public-invoke",
        name: "Lambda function policy updated to allow public invocation",
        origin: Seed,
        tactics: &[PERSISTENCE, DEFENSE_EVASION],
        techniques: &[T1546, T1578_005],
        api_calls: &[
            "lambda:GetPolicy20150331v2",
            "lambda:AddPermission20150331v2",
        ],
        description: "From an assumed role: AddPermission with action `lambda:InvokeFunction` and principal `*`, no source condition.",
        build: steps::seed_lambda_public_invoke,
    },
    TechniqueInfo {
        id: "seed.lambda-cross-account-invoke",
        name: "Lambda function policy updated to allow cross-account invocation",
        origin: Seed,
        tactics: &[PERSISTENCE, DEFENSE_EVASION],
        techniques: &[T1546, T1578_005],
        api_calls: &[
            "lambda:GetPolicy20150331v2",
            "lambda:AddPermission20150331v2",
        ],
        description: "From an assumed role: AddPermission with action `lambda:InvokeFunction` and the attacker's 12-digit account as principal.",
        build: steps::seed_lambda_cross_account_invoke,
    },
    TechniqueInfo {
        id: "seed.lambda-permission-by-iam-user",
        name: "Lambda function resource-based policy modified by IAM user",
        origin: Seed,
        tactics: &[PERSISTENCE],
        techniques: &[T1098],
        api_calls: &[
            "lambda:GetPolicy20150331v2",
            "lambda:AddPermission20150331v2",
        ],
        description: "From an IAM user's access key: AddPermission granting `lambda:GetFunction` to the attacker's account root.",
        build: steps::seed_lambda_permission_by_iam_user,
    },
    TechniqueInfo {
        id: "seed.lambda-write-permission",
        name: "Lambda permissions added for write actions",
        origin: Seed,
        tactics: &[RESOURCE_DEVELOPMENT, PERSISTENCE],
        techniques: &[T1584_007],
        api_calls: &[
            "lambda:GetPolicy20150331v2",
            "lambda:AddPermission20150331v2",
        ],
        description: "From an assumed role: two AddPermission calls (exactly functionName, statementId, action, principal) granting the attacker's account `lambda:UpdateFunctionCode` and `lambda:InvokeFunction`.",
        build: steps::seed_lambda_write_permission,
    },
    TechniqueInfo {
        id: "seed.iam-policy-change",
        name: "IAM policy changed",
        origin: Seed,
        tactics: &[PERSISTENCE, PRIVILEGE_ESCALATION],
        techniques: &[T1098],
        api_calls: &["iam:ListAttachedUserPolicies", "iam:PutUserPolicy"],
        description: "The compromised IAM user gives itself an inline allow-all policy with PutUserPolicy.",
        build: steps::seed_iam_policy_change,
    },
];
