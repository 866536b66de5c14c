//! AWS services as CloudTrail records them: event source, endpoint, error vocabulary.

/// The error vocabulary of a service's protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// EC2 query protocol: `Client.UnauthorizedOperation`, `Client.RequestLimitExceeded`.
    Ec2,
    /// S3 REST: `AccessDenied`, `SlowDown`.
    S3,
    /// AWS query protocol (IAM, STS, RDS, …): `AccessDenied`, `Throttling`.
    Query,
    /// AWS JSON protocol (KMS, SSM, Lambda, …): `AccessDeniedException`, `ThrottlingException`.
    Json,
}

/// A service that appears in the simulated trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Svc {
    Ec2,
    S3,
    Iam,
    Sts,
    Kms,
    Lambda,
    CloudTrail,
    Logs,
    Monitoring,
    Ssm,
    SecretsManager,
    DynamoDb,
    Rds,
    Ecs,
    Ecr,
    Sqs,
    Sns,
    Elb,
    AutoScaling,
    CloudFormation,
    Route53,
    Config,
    GuardDuty,
    Health,
    Signin,
    Athena,
    Glue,
    Events,
    SageMaker,
    Ses,
    Bedrock,
    Organizations,
    RolesAnywhere,
    Route53Resolver,
    Ec2InstanceConnect,
}

impl Svc {
    /// `eventSource`.
    pub(crate) fn source(self) -> &'static str {
        match self {
            Svc::Ec2 => "ec2.amazonaws.com",
            Svc::S3 => "s3.amazonaws.com",
            Svc::Iam => "iam.amazonaws.com",
            Svc::Sts => "sts.amazonaws.com",
            Svc::Kms => "kms.amazonaws.com",
            Svc::Lambda => "lambda.amazonaws.com",
            Svc::CloudTrail => "cloudtrail.amazonaws.com",
            Svc::Logs => "logs.amazonaws.com",
            Svc::Monitoring => "monitoring.amazonaws.com",
            Svc::Ssm => "ssm.amazonaws.com",
            Svc::SecretsManager => "secretsmanager.amazonaws.com",
            Svc::DynamoDb => "dynamodb.amazonaws.com",
            Svc::Rds => "rds.amazonaws.com",
            Svc::Ecs => "ecs.amazonaws.com",
            Svc::Ecr => "ecr.amazonaws.com",
            Svc::Sqs => "sqs.amazonaws.com",
            Svc::Sns => "sns.amazonaws.com",
            Svc::Elb => "elasticloadbalancing.amazonaws.com",
            Svc::AutoScaling => "autoscaling.amazonaws.com",
            Svc::CloudFormation => "cloudformation.amazonaws.com",
            Svc::Route53 => "route53.amazonaws.com",
            Svc::Config => "config.amazonaws.com",
            Svc::GuardDuty => "guardduty.amazonaws.com",
            Svc::Health => "health.amazonaws.com",
            Svc::Signin => "signin.amazonaws.com",
            Svc::Athena => "athena.amazonaws.com",
            Svc::Glue => "glue.amazonaws.com",
            Svc::Events => "events.amazonaws.com",
            Svc::SageMaker => "sagemaker.amazonaws.com",
            Svc::Ses => "ses.amazonaws.com",
            Svc::Bedrock => "bedrock.amazonaws.com",
            Svc::Organizations => "organizations.amazonaws.com",
            Svc::RolesAnywhere => "rolesanywhere.amazonaws.com",
            Svc::Route53Resolver => "route53resolver.amazonaws.com",
            Svc::Ec2InstanceConnect => "ec2-instance-connect.amazonaws.com",
        }
    }

    /// The IAM action prefix (`ec2` in `ec2:DescribeInstances`).
    pub(crate) fn action_prefix(self) -> &'static str {
        match self {
            Svc::Monitoring => "cloudwatch",
            Svc::Elb => "elasticloadbalancing",
            _ => self.source().split('.').next().unwrap_or(""),
        }
    }

    /// Whether the service is global: its events are recorded in `us-east-1`.
    pub(crate) fn global(self) -> bool {
        matches!(
            self,
            Svc::Iam | Svc::Signin | Svc::Route53 | Svc::Organizations | Svc::Health
        )
    }

    /// The protocol's error vocabulary.
    pub(crate) fn style(self) -> Style {
        match self {
            Svc::Ec2 => Style::Ec2,
            Svc::S3 => Style::S3,
            Svc::Iam
            | Svc::Sts
            | Svc::Rds
            | Svc::AutoScaling
            | Svc::CloudFormation
            | Svc::Elb
            | Svc::Sns
            | Svc::Sqs
            | Svc::Monitoring
            | Svc::Route53
            | Svc::Ses
            | Svc::Signin => Style::Query,
            _ => Style::Json,
        }
    }

    /// `eventVersion` of the service's records.
    pub(crate) fn event_version(self) -> &'static str {
        match self {
            Svc::Ssm | Svc::Kms | Svc::Signin | Svc::Health | Svc::Logs | Svc::Monitoring => "1.08",
            Svc::CloudTrail => "1.10",
            _ => "1.09",
        }
    }

    /// Writes the TLS host header a client used for this service in `region`.
    pub(crate) fn host(self, region: &str, out: &mut String) {
        out.clear();
        let prefix = match self {
            Svc::Iam => return out.push_str("iam.amazonaws.com"),
            Svc::Signin => return out.push_str("signin.aws.amazon.com"),
            Svc::Route53 => return out.push_str("route53.amazonaws.com"),
            Svc::Organizations => return out.push_str("organizations.us-east-1.amazonaws.com"),
            Svc::Health => return out.push_str("health.us-east-1.amazonaws.com"),
            Svc::Ecr => "api.ecr",
            Svc::SageMaker => "api.sagemaker",
            Svc::Ses => "email",
            Svc::Monitoring => "monitoring",
            Svc::Elb => "elasticloadbalancing",
            _ => self.action_prefix(),
        };
        out.push_str(prefix);
        out.push('.');
        out.push_str(region);
        out.push_str(".amazonaws.com");
    }
}

/// The API action an event name stands for: `AddPermission20150331v2` → `AddPermission`.
pub(crate) fn action_of(event_name: &str) -> &str {
    let end = event_name
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(event_name.len());
    &event_name[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_prefixes() {
        let cases = [
            (Svc::Ec2, "eu-west-1", "ec2.eu-west-1.amazonaws.com", "ec2"),
            (Svc::Iam, "eu-west-1", "iam.amazonaws.com", "iam"),
            (
                Svc::Monitoring,
                "us-east-1",
                "monitoring.us-east-1.amazonaws.com",
                "cloudwatch",
            ),
            (
                Svc::Ecr,
                "us-west-2",
                "api.ecr.us-west-2.amazonaws.com",
                "ecr",
            ),
            (Svc::Signin, "us-east-1", "signin.aws.amazon.com", "signin"),
            (
                Svc::Ec2InstanceConnect,
                "us-east-1",
                "ec2-instance-connect.us-east-1.amazonaws.com",
                "ec2-instance-connect",
            ),
        ];
        let mut host = String::new();
        for (svc, region, expect_host, prefix) in cases {
            svc.host(region, &mut host);
            assert_eq!(host, expect_host);
            assert_eq!(svc.action_prefix(), prefix);
        }
    }

    #[test]
    fn actions_drop_version_suffixes() {
        for (name, action) in [
            ("AddPermission20150331v2", "AddPermission"),
            ("GetFunction20150331v2", "GetFunction"),
            ("DescribeInstances", "DescribeInstances"),
            ("ListFunctions20150331", "ListFunctions"),
        ] {
            assert_eq!(action_of(name), action);
        }
    }
}
