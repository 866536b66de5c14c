//! Discovery: user data, enumeration from an instance, SES.

use super::*;

pub(crate) fn ec2_download_user_data(c: &mut Chain<'_>) {
    let role = c.role("ec2-inventory-reader");
    let session = c.sdk_session();
    assume_role(c, &role, &session, true);
    let (_, instances) = web_instances(c, 15);
    c.body
        .req
        .obj()
        .kempty("instancesSet")
        .kempty("filterSet")
        .end();
    c.emit(Call::new(
        As::Role(&role, &session),
        Svc::Ec2,
        "DescribeInstances",
        true,
    ));
    for id in &instances {
        c.body
            .req
            .obj()
            .ks("instanceId", id)
            .ks("attribute", "userData")
            .end();
        c.emit(
            Call::new(
                As::Role(&role, &session),
                Svc::Ec2,
                "DescribeInstanceAttribute",
                true,
            )
            .after(0),
        );
    }
}

pub(crate) fn ec2_enumerate_from_instance(c: &mut Chain<'_>) {
    let r = &c.acct.instance_roles[1 % c.acct.instance_roles.len()];
    let role = r.role.clone();
    let id = r.instances[0].id.clone();
    describe_instance_information(c, &[&id]);
    let command = send_command(c, &[&id]);
    get_command_invocation(c, &command, &id, true);
    let inside = As::Inside(&role, &id);
    c.emit(Call::new(inside, Svc::Sts, "GetCallerIdentity", true).after(6));
    c.body.req.obj().ks("Host", "s3.amazonaws.com").end();
    c.set_host("s3.amazonaws.com");
    s3_extra(c, 0, 2310);
    c.emit(Call::new(inside, Svc::S3, "ListBuckets", true).s3(false));
    c.emit(Call::new(inside, Svc::Iam, "GetAccountSummary", true));
    c.body.req.obj().ki("maxItems", 1000).end();
    c.emit(Call::new(inside, Svc::Iam, "ListRoles", true));
    c.body.req.obj().ki("maxItems", 1000).end();
    c.emit(Call::new(inside, Svc::Iam, "ListUsers", true));
    c.body.req.obj().ki("maxItems", 1000).end();
    c.emit(Call::new(
        inside,
        Svc::Iam,
        "GetAccountAuthorizationDetails",
        true,
    ));
    c.body
        .req
        .obj()
        .kempty("snapshotSet")
        .items("ownersSet", "owner", &["self"])
        .kempty("sharedUsers")
        .kempty("filterSet")
        .end();
    c.emit(Call::new(inside, Svc::Ec2, "DescribeSnapshots", true));
    c.body
        .req
        .obj()
        .karr("trailNameList")
        .end_arr()
        .kb("includeShadowTrails", true)
        .end();
    c.emit(Call::new(inside, Svc::CloudTrail, "DescribeTrails", true));
    c.emit(Call::new(inside, Svc::GuardDuty, "ListDetectors", true));
    get_command_invocation(c, &command, &id, false);
}

pub(crate) fn ses_enumerate(c: &mut Chain<'_>) {
    c.emit(Call::new(
        As::User,
        Svc::Ses,
        "GetAccountSendingEnabled",
        true,
    ));
    c.emit(Call::new(As::User, Svc::Ses, "GetSendQuota", true));
    c.body.req.obj().ki("maxItems", 100).end();
    c.emit(Call::new(As::User, Svc::Ses, "ListIdentities", true));
    let domain = c.acct.res.domain.clone();
    let noreply = format!("noreply@{domain}");
    c.body
        .req
        .obj()
        .kstrs("identities", &[&domain, &noreply])
        .end();
    c.emit(Call::new(
        As::User,
        Svc::Ses,
        "GetIdentityVerificationAttributes",
        true,
    ));
}
