//! Benign background events that stateless detection rules alert on.

/// A category of benign-but-alertable background event.
///
/// The background is benign, but real environments contain events that some widely used rules
/// flag on their own; the simulator writes a few of them at documented rates (see the crate
/// documentation, *Benign-but-alertable events*) and counts every one it writes in
/// [`SimSummary::notable`](crate::SimSummary::notable), so a test can check a rule pack's alert
/// volume on background traffic exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Notable {
    /// A Terraform run of the CI role changes an IAM policy with one of the seventeen policy calls
    /// of Datadog's *AWS IAM policy changed* (`AttachRolePolicy`, `DetachRolePolicy`,
    /// `PutRolePolicy`, `CreatePolicyVersion`, `DeletePolicyVersion`), always successfully.
    IamPolicyChange,
    /// The CI role grants an AWS service principal (`s3`, `events`, `apigateway`) permission to
    /// invoke a Lambda function (`AddPermission20150331v2` with `sourceArn`/`sourceAccount`).
    /// Elastic's *Lambda Add Permissions for Write Actions to Function* hunt counts `Invoke*` as a
    /// write action and matches these; the public and cross-account rules do not.
    LambdaServicePermission,
    /// A successful federated (IAM Identity Center) console sign-in: `MFAUsed: No` with a
    /// `SamlProviderArn`, as CloudTrail records SSO sign-ins. Sigma's *AWS Successful Console
    /// Login Without MFA* matches it; Datadog's rule excludes SAML sign-ins.
    ConsoleLoginSso,
    /// A successful IAM-user console sign-in without MFA (one legacy user of the first account).
    ConsoleLoginNoMfa,
    /// A failed IAM-user console sign-in (`errorMessage: Failed authentication`).
    ConsoleLoginFailure,
    /// Any event of the root user (console sign-in with MFA and a few reads).
    RootActivity,
    /// Auto Scaling launches an instance (`RunInstances` by `AWSServiceRoleForAutoScaling`).
    AutoScalingLaunch,
}

impl Notable {
    /// Every category, in declaration order.
    pub const ALL: [Notable; 7] = [
        Notable::IamPolicyChange,
        Notable::LambdaServicePermission,
        Notable::ConsoleLoginSso,
        Notable::ConsoleLoginNoMfa,
        Notable::ConsoleLoginFailure,
        Notable::RootActivity,
        Notable::AutoScalingLaunch,
    ];

    /// A stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Notable::IamPolicyChange => "iam_policy_change",
            Notable::LambdaServicePermission => "lambda_service_permission",
            Notable::ConsoleLoginSso => "console_login_sso",
            Notable::ConsoleLoginNoMfa => "console_login_no_mfa",
            Notable::ConsoleLoginFailure => "console_login_failure",
            Notable::RootActivity => "root_activity",
            Notable::AutoScalingLaunch => "autoscaling_launch",
        }
    }

    /// Position in [`Notable::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}
