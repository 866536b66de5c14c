//! Impact: Bedrock abuse, AMI deregistration, S3 ransomware.

use super::*;

pub(crate) fn bedrock_invoke_model(c: &mut Chain<'_>) {
    let model = "anthropic.claude-3-sonnet-20240229-v1:0";
    let steps: [(&str, bool); 5] = [
        ("ListFoundationModelAgreementOffers", true),
        ("PutUseCaseForModelAccess", false),
        ("CreateFoundationModelAgreement", false),
        ("PutFoundationModelEntitlement", false),
        ("GetFoundationModelAvailability", true),
    ];
    for (name, read_only) in steps {
        match name {
            "PutUseCaseForModelAccess" => {}
            "CreateFoundationModelAgreement" => {
                c.body
                    .req
                    .obj()
                    .ks("modelId", model)
                    .ks("offerToken", "HIDDEN_DUE_TO_SECURITY_REASONS")
                    .end();
                c.body
                    .resp
                    .obj()
                    .ks("modelId", "anthropic.claude-3-sonnet-20240229-v1")
                    .end();
            }
            "PutFoundationModelEntitlement" => {
                c.body.req.obj().ks("modelId", model).end();
                c.body.resp.obj().ks("status", "SUCCESS").end();
            }
            _ => {
                c.body.req.obj().ks("modelId", model).end();
            }
        }
        c.emit(Call::new(As::User, Svc::Bedrock, name, read_only));
    }
    for _ in 0..5 {
        c.body.req.obj().ks("modelId", model).end();
        c.emit(Call::new(As::User, Svc::Bedrock, "InvokeModel", true).after(15));
    }
}

pub(crate) fn ec2_deregister_ami(c: &mut Chain<'_>) {
    let ami = c.acct.res.amis[1 % c.acct.res.amis.len()].clone();
    c.body
        .req
        .obj()
        .kempty("executableBySet")
        .items("imagesSet", "imageId", &[&ami])
        .kempty("ownersSet")
        .kempty("filterSet")
        .end();
    c.emit(Call::new(As::User, Svc::Ec2, "DescribeImages", true));
    c.body
        .req
        .obj()
        .ks("imageId", &ami)
        .kb("deleteAssociatedSnapshots", false)
        .end();
    ok_response(c);
    c.emit(Call::new(As::User, Svc::Ec2, "DeregisterImage", false).after(4));
}

fn ransom_keys(c: &mut Chain<'_>, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let ext = ["pdf", "xlsx", "docx", "csv", "png"][i % 5];
            format!(
                "shared/finance/{}-{i:03}.{ext}",
                c.chars(ids::LOWER_ALNUM, 8)
            )
        })
        .collect()
}

fn ransom_note(c: &mut Chain<'_>, bucket: &str, key: &str) {
    s3_req(c, bucket, &[("key", key)]);
    s3_extra(c, 412, 0);
    c.body.resource(
        None,
        "AWS::S3::Object",
        &["arn:aws:s3:::", bucket, "/", key],
    );
    bucket_resource(c, bucket);
    c.emit(
        Call::new(As::User, Svc::S3, "PutObject", false)
            .s3(true)
            .after(3),
    );
}

fn list_versions(c: &mut Chain<'_>, bucket: &str) {
    s3_req(c, bucket, &[("versions", ""), ("prefix", "")]);
    s3_extra(c, 0, 18_204);
    bucket_resource(c, bucket);
    c.emit(Call::new(As::User, Svc::S3, "ListObjectVersions", true).s3(true));
}

fn ransom_bucket(c: &Chain<'_>) -> String {
    c.acct
        .res
        .buckets
        .get(1)
        .or(c.acct.res.buckets.first())
        .cloned()
        .unwrap_or_default()
}

pub(crate) fn s3_ransomware_batch_deletion(c: &mut Chain<'_>) {
    let bucket = ransom_bucket(c);
    list_versions(c, &bucket);
    s3_req(c, &bucket, &[("delete", ""), ("x-id", "DeleteObjects")]);
    s3_extra(c, 14_810, 9_403);
    c.body
        .resources
        .arr()
        .obj()
        .ks("type", "AWS::S3::Object")
        .key("ARNPrefix")
        .str_parts(&["arn:aws:s3:::", &bucket, "/"])
        .end();
    bucket_resource(c, &bucket);
    c.emit(
        Call::new(As::User, Svc::S3, "DeleteObjects", false)
            .s3(true)
            .after(2),
    );
    ransom_note(c, &bucket, "FILES-DELETED.txt");
}

pub(crate) fn s3_ransomware_client_side_encryption(c: &mut Chain<'_>) {
    let bucket = ransom_bucket(c);
    s3_req(c, &bucket, &[("list-type", "2"), ("prefix", "")]);
    s3_extra(c, 0, 9_822);
    bucket_resource(c, &bucket);
    c.emit(Call::new(As::User, Svc::S3, "ListObjects", true).s3(true));
    for key in ransom_keys(c, 15) {
        let source = format!("{bucket}/{key}");
        s3_req(
            c,
            &bucket,
            &[
                ("x-amz-server-side-encryption-customer-algorithm", "AES256"),
                ("x-amz-copy-source", &source),
                ("key", &key),
                ("x-id", "CopyObject"),
            ],
        );
        c.body
            .resp
            .obj()
            .ks("x-amz-server-side-encryption-customer-algorithm", "AES256")
            .end();
        s3_extra(c, 0, 234);
        c.body.resource(
            None,
            "AWS::S3::Object",
            &["arn:aws:s3:::", &bucket, "/", &key],
        );
        bucket_resource(c, &bucket);
        c.emit(
            Call::new(As::User, Svc::S3, "CopyObject", false)
                .s3(true)
                .after(0),
        );
    }
    ransom_note(c, &bucket, "FILES-ENCRYPTED.txt");
}

pub(crate) fn s3_ransomware_individual_deletion(c: &mut Chain<'_>) {
    let bucket = ransom_bucket(c);
    list_versions(c, &bucket);
    for key in ransom_keys(c, 15) {
        let version = c.chars(ids::ALNUM, 32);
        s3_req(
            c,
            &bucket,
            &[
                ("key", &key),
                ("versionId", &version),
                ("x-id", "DeleteObject"),
            ],
        );
        s3_extra(c, 0, 0);
        c.body.resource(
            None,
            "AWS::S3::Object",
            &["arn:aws:s3:::", &bucket, "/", &key],
        );
        bucket_resource(c, &bucket);
        c.emit(
            Call::new(As::User, Svc::S3, "DeleteObject", false)
                .s3(true)
                .after(0),
        );
    }
    ransom_note(c, &bucket, "FILES-DELETED.txt");
}
