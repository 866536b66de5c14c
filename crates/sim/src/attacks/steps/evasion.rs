//! Defense evasion: trails, DNS logs, flow logs, leaving the organisation.

use super::*;

fn trail_arn(c: &Chain<'_>) -> String {
    format!(
        "arn:aws:cloudtrail:{}:{}:trail/{}",
        c.region,
        c.account(),
        c.acct.res.trail
    )
}

fn describe_trails(c: &mut Chain<'_>) {
    c.body
        .req
        .obj()
        .karr("trailNameList")
        .end_arr()
        .kb("includeShadowTrails", true)
        .end();
    c.emit(Call::new(As::User, Svc::CloudTrail, "DescribeTrails", true));
}

pub(crate) fn cloudtrail_delete(c: &mut Chain<'_>) {
    describe_trails(c);
    let trail = c.acct.res.trail.clone();
    c.body.req.obj().ks("name", &trail).end();
    c.emit(Call::new(As::User, Svc::CloudTrail, "DeleteTrail", false).after(6));
}

pub(crate) fn cloudtrail_event_selectors(c: &mut Chain<'_>) {
    let trail = c.acct.res.trail.clone();
    c.body.req.obj().ks("trailName", &trail).end();
    c.emit(Call::new(
        As::User,
        Svc::CloudTrail,
        "GetEventSelectors",
        true,
    ));
    let selectors = |j: &mut crate::json::Json| {
        j.karr("eventSelectors")
            .obj()
            .ks("readWriteType", "ReadOnly")
            .kb("includeManagementEvents", false);
        j.karr("dataResources");
        j.obj()
            .ks("type", "AWS::S3::Object")
            .karr("values")
            .end_arr()
            .end();
        j.obj()
            .ks("type", "AWS::Lambda::Function")
            .karr("values")
            .end_arr()
            .end();
        j.end_arr()
            .karr("excludeManagementEventSources")
            .end_arr()
            .end()
            .end_arr();
    };
    c.body.req.obj().ks("trailName", &trail);
    selectors(&mut c.body.req);
    c.body.req.end();
    let arn = trail_arn(c);
    c.body.resp.obj().ks("trailARN", &arn);
    selectors(&mut c.body.resp);
    c.body.resp.end();
    c.emit(Call::new(As::User, Svc::CloudTrail, "PutEventSelectors", false).after(4));
}

pub(crate) fn cloudtrail_lifecycle_rule(c: &mut Chain<'_>) {
    describe_trails(c);
    let bucket = c.acct.res.trail_bucket.clone();
    s3_req(c, &bucket, &[("lifecycle", "")]);
    s3_extra(c, 0, 332);
    bucket_resource(c, &bucket);
    c.emit(
        Call::new(As::User, Svc::S3, "GetBucketLifecycle", true)
            .s3(false)
            .fail(
                "NoSuchLifecycleConfiguration",
                "The lifecycle configuration does not exist",
            ),
    );
    let host = c.s3_host(&bucket);
    c.body
        .req
        .obj()
        .ks("bucketName", &bucket)
        .ks("Host", &host)
        .ks("lifecycle", "")
        .kobj("LifecycleConfiguration")
        .ks("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/")
        .kobj("Rule")
        .ks("ID", "cleanup-old-logs")
        .ks("Status", "Enabled")
        .kobj("Filter")
        .ks("Prefix", "")
        .end()
        .kobj("Expiration")
        .ki("Days", 1)
        .end()
        .end()
        .end()
        .end();
    c.set_host(&host);
    s3_extra(c, 289, 0);
    bucket_resource(c, &bucket);
    c.emit(
        Call::new(As::User, Svc::S3, "PutBucketLifecycle", false)
            .s3(false)
            .after(5),
    );
}

pub(crate) fn cloudtrail_stop(c: &mut Chain<'_>) {
    let arn = trail_arn(c);
    c.body.req.obj().ks("name", &arn).end();
    c.emit(Call::new(As::User, Svc::CloudTrail, "GetTrailStatus", true));
    c.body.req.obj().ks("name", &arn).end();
    c.emit(Call::new(As::User, Svc::CloudTrail, "StopLogging", false).after(4));
}

pub(crate) fn dns_delete_logs(c: &mut Chain<'_>) {
    c.body.req.obj().ki("maxResults", 100).end();
    c.emit(Call::new(
        As::User,
        Svc::Route53Resolver,
        "ListResolverQueryLogConfigs",
        true,
    ));
    let id = c.acct.res.resolver_configs[0].clone();
    let arn = format!(
        "arn:aws:route53resolver:{}:{}:resolver-query-log-config/{id}",
        c.region,
        c.account()
    );
    let bucket = c.acct.res.buckets.last().cloned().unwrap_or_default();
    c.body.req.obj().ks("resolverQueryLogConfigId", &id).end();
    let account = c.account();
    c.body
        .resp
        .obj()
        .kobj("resolverQueryLogConfig")
        .ks("id", &id)
        .ks("ownerId", account)
        .ks("status", "DELETING")
        .ks("shareStatus", "NOT_SHARED")
        .ki("associationCount", 0)
        .ks("arn", &arn)
        .ks("name", "vpc-dns-query-logs")
        .key("destinationArn")
        .str_parts(&["arn:aws:s3:::", &bucket])
        .end()
        .end();
    c.emit(
        Call::new(
            As::User,
            Svc::Route53Resolver,
            "DeleteResolverQueryLogConfig",
            false,
        )
        .after(3),
    );
}

pub(crate) fn organizations_leave(c: &mut Chain<'_>) {
    let role = c.role("org-member-maintenance");
    let session = c.sdk_session();
    assume_role(c, &role, &session, false);
    let caller = session_arn(c, &role, &session);
    let msg = format!(
        "User: {caller} is not authorized to perform: organizations:LeaveOrganization on resource: * because no identity-based policy allows the organizations:LeaveOrganization action"
    );
    c.emit(
        Call::new(
            As::Role(&role, &session),
            Svc::Organizations,
            "LeaveOrganization",
            false,
        )
        .fail("AccessDenied", &msg),
    );
}

pub(crate) fn vpc_remove_flow_logs(c: &mut Chain<'_>) {
    c.body
        .req
        .obj()
        .kobj("DescribeFlowLogsRequest")
        .ki("MaxResults", 1000)
        .end()
        .end();
    c.emit(Call::new(As::User, Svc::Ec2, "DescribeFlowLogs", true));
    let fl = c.acct.res.flow_logs[0].clone();
    c.body
        .req
        .obj()
        .kobj("DeleteFlowLogsRequest")
        .kobj("FlowLogId")
        .ki("tag", 1)
        .ks("content", &fl)
        .end()
        .end()
        .end();
    let rid = c.uuid();
    c.body
        .resp
        .obj()
        .kobj("DeleteFlowLogsResponse")
        .ks("xmlns", "http://ec2.amazonaws.com/doc/2016-11-15/")
        .ks("requestId", rid.as_str())
        .ks("unsuccessful", "")
        .end()
        .end();
    c.emit(Call::new(As::User, Svc::Ec2, "DeleteFlowLogs", false).after(3));
}
