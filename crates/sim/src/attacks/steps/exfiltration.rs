//! Exfiltration: opening SSH, sharing AMIs, snapshots and buckets.

use super::*;

pub(crate) fn ec2_security_group_open_port_22(c: &mut Chain<'_>) {
    let sg = c.acct.res.security_groups[0].clone();
    c.body
        .req
        .obj()
        .kempty("securityGroupSet")
        .items("securityGroupIdSet", "groupId", &[&sg])
        .kempty("filterSet")
        .end();
    c.emit(Call::new(
        As::User,
        Svc::Ec2,
        "DescribeSecurityGroups",
        true,
    ));
    let j = &mut c.body.req;
    j.obj()
        .ks("groupId", &sg)
        .kobj("ipPermissions")
        .karr("items")
        .obj();
    j.ks("ipProtocol", "tcp")
        .ki("fromPort", 22)
        .ki("toPort", 22)
        .kempty("groups");
    j.kobj("ipRanges")
        .karr("items")
        .obj()
        .ks("cidrIp", "0.0.0.0/0")
        .end()
        .end_arr()
        .end();
    j.kempty("ipv6Ranges").kempty("prefixListIds");
    j.end().end_arr().end().end();
    let rid = c.uuid();
    let rule = format!("sgr-0{}", c.chars(ids::HEX, 16));
    let account = c.account();
    let j = &mut c.body.resp;
    j.obj()
        .ks("requestId", rid.as_str())
        .kb("_return", true)
        .kobj("securityGroupRuleSet")
        .karr("items")
        .obj();
    j.ks("groupOwnerId", account)
        .ks("groupId", &sg)
        .ks("securityGroupRuleId", &rule)
        .kb("isEgress", false);
    j.ks("ipProtocol", "tcp")
        .ki("fromPort", 22)
        .ki("toPort", 22)
        .ks("cidrIpv4", "0.0.0.0/0");
    j.end().end_arr().end().end();
    c.emit(Call::new(As::User, Svc::Ec2, "AuthorizeSecurityGroupIngress", false).after(5));
}

pub(crate) fn ec2_share_ami(c: &mut Chain<'_>) {
    let ami = c.acct.res.amis[0].clone();
    c.body
        .req
        .obj()
        .kempty("executableBySet")
        .items("imagesSet", "imageId", &[&ami])
        .kempty("ownersSet")
        .kempty("filterSet")
        .end();
    c.emit(Call::new(As::User, Svc::Ec2, "DescribeImages", true));
    let ext = c.external.clone();
    c.body
        .req
        .obj()
        .ks("imageId", &ami)
        .kobj("launchPermission")
        .kobj("add")
        .karr("items")
        .obj()
        .ks("userId", &ext)
        .end()
        .end_arr()
        .end()
        .end()
        .ks("attributeType", "launchPermission")
        .end();
    ok_response(c);
    c.emit(Call::new(As::User, Svc::Ec2, "ModifyImageAttribute", false).after(4));
}

pub(crate) fn ec2_share_ebs_snapshot(c: &mut Chain<'_>) {
    let snap = c.acct.res.snapshots[0].clone();
    c.body
        .req
        .obj()
        .items("snapshotSet", "snapshotId", &[&snap])
        .kempty("ownersSet")
        .kempty("sharedUsers")
        .kempty("filterSet")
        .end();
    c.emit(Call::new(As::User, Svc::Ec2, "DescribeSnapshots", true));
    let ext = c.external.clone();
    c.body
        .req
        .obj()
        .ks("snapshotId", &snap)
        .ks("attributeType", "CREATE_VOLUME_PERMISSION")
        .kobj("createVolumePermission")
        .kobj("add")
        .karr("items")
        .obj()
        .ks("userId", &ext)
        .end()
        .end_arr()
        .end()
        .end()
        .end();
    ok_response(c);
    c.emit(Call::new(As::User, Svc::Ec2, "ModifySnapshotAttribute", false).after(4));
}

pub(crate) fn rds_share_snapshot(c: &mut Chain<'_>) {
    let db = c.acct.res.db_instances[0].clone();
    let snap = c.acct.res.db_snapshots[0].clone();
    c.body.req.obj().ks("dBInstanceIdentifier", &db).end();
    c.emit(Call::new(As::User, Svc::Rds, "DescribeDBSnapshots", true));
    let ext = c.external.clone();
    c.body
        .req
        .obj()
        .ks("dBSnapshotIdentifier", &snap)
        .ks("attributeName", "restore")
        .kstrs("valuesToAdd", &[&ext])
        .end();
    c.body
        .resp
        .obj()
        .ks("dBSnapshotIdentifier", &snap)
        .karr("dBSnapshotAttributes")
        .obj()
        .ks("attributeName", "restore")
        .kstrs("attributeValues", &[&ext])
        .end()
        .end_arr()
        .end();
    c.emit(Call::new(As::User, Svc::Rds, "ModifyDBSnapshotAttribute", false).after(5));
}

pub(crate) fn s3_backdoor_bucket_policy(c: &mut Chain<'_>) {
    let bucket = c.acct.res.buckets[0].clone();
    s3_req(c, &bucket, &[("policy", "")]);
    s3_extra(c, 0, 293);
    bucket_resource(c, &bucket);
    c.emit(
        Call::new(As::User, Svc::S3, "GetBucketPolicy", true)
            .s3(false)
            .fail("NoSuchBucketPolicy", "The bucket policy does not exist"),
    );
    let host = c.s3_host(&bucket);
    let ext = c.external.clone();
    let j = &mut c.body.req;
    j.obj()
        .kobj("bucketPolicy")
        .ks("Version", "2012-10-17")
        .karr("Statement")
        .obj();
    j.ks("Effect", "Allow")
        .kobj("Principal")
        .key("AWS")
        .str_parts(&["arn:aws:iam::", &ext, ":root"])
        .end();
    j.kstrs(
        "Action",
        &["s3:GetObject", "s3:GetBucketLocation", "s3:ListBucket"],
    );
    j.karr("Resource")
        .str_parts(&["arn:aws:s3:::", &bucket, "/*"])
        .str_parts(&["arn:aws:s3:::", &bucket])
        .end_arr();
    j.end().end_arr().end();
    j.ks("bucketName", &bucket)
        .ks("Host", &host)
        .ks("policy", "")
        .end();
    c.set_host(&host);
    s3_extra(c, 312, 0);
    bucket_resource(c, &bucket);
    c.emit(
        Call::new(As::User, Svc::S3, "PutBucketPolicy", false)
            .s3(false)
            .after(4),
    );
}
