//! The background API catalogue: each entry is one real API as CloudTrail records it (event
//! source and name, read-only flag, data or management event) with a generator for its
//! `requestParameters`, `responseElements`, `additionalEventData` and `resources`.
//!
//! Read calls carry no `responseElements` (CloudTrail omits read responses); writes carry the
//! response shapes the real services log.

use super::ctx::Ctx;
use crate::clock;
use crate::ids;
use crate::notable::Notable;
use crate::svc::Svc;

/// One API of the catalogue.
pub(crate) struct Api {
    pub(crate) svc: Svc,
    pub(crate) name: &'static str,
    pub(crate) read_only: bool,
    /// A data event (S3 object operations).
    pub(crate) data: bool,
    pub(crate) fill: fn(&mut Ctx<'_>),
    /// An API-specific failure: code, message, rate per mille.
    pub(crate) not_found: Option<(&'static str, &'static str, u32)>,
    pub(crate) notable: Option<Notable>,
}

impl Api {
    const fn read(svc: Svc, name: &'static str, fill: fn(&mut Ctx<'_>)) -> Api {
        Api {
            svc,
            name,
            read_only: true,
            data: false,
            fill,
            not_found: None,
            notable: None,
        }
    }

    const fn write(svc: Svc, name: &'static str, fill: fn(&mut Ctx<'_>)) -> Api {
        Api {
            svc,
            name,
            read_only: false,
            data: false,
            fill,
            not_found: None,
            notable: None,
        }
    }

    const fn data(mut self) -> Api {
        self.data = true;
        self
    }

    const fn nf(mut self, code: &'static str, message: &'static str, per_mille: u32) -> Api {
        self.not_found = Some((code, message, per_mille));
        self
    }

    const fn notable(mut self, n: Notable) -> Api {
        self.notable = Some(n);
        self
    }
}

mod compute;
mod data;
mod identity;
mod ops;

pub(crate) use compute::*;
pub(crate) use data::*;
pub(crate) use identity::*;
pub(crate) use ops::*;

// ---------------------------------------------------------------- shared shapes

fn null(_: &mut Ctx<'_>) {}

/// `{"<set>":{}, …}`: EC2 describe calls without filters.
fn ec2_sets(c: &mut Ctx<'_>, sets: &[&str]) {
    let j = c.req();
    j.obj();
    for s in sets {
        j.kempty(s);
    }
    j.end();
}

fn one_instance<'a>(c: &mut Ctx<'a>) -> &'a str {
    if let Some(i) = c.instance {
        return &i.id;
    }
    let acct = c.acct;
    let roles = &acct.instance_roles;
    let r = &roles[c.rng.index(roles.len())];
    &r.instances[c.rng.index(r.instances.len())].id
}

fn s3_bucket_call(c: &mut Ctx<'_>, bucket: &str, sub: &str) {
    c.s3 = true;
    c.host.clear();
    c.host.push_str(bucket);
    c.host.push_str(".s3.");
    c.host.push_str(c.region);
    c.host.push_str(".amazonaws.com");
    let host = std::mem::take(c.host);
    c.req().obj().ks("bucketName", bucket).ks("Host", &host);
    if !sub.is_empty() {
        c.req().ks(sub, "");
    }
    c.req().end();
    *c.host = host;
    s3_extra(c, 0);
    let account = c.account();
    c.body
        .resource(Some(account), "AWS::S3::Bucket", &["arn:aws:s3:::", bucket]);
}

fn s3_extra(c: &mut Ctx<'_>, bytes_in: i64) {
    let out = 200 + c.rng.below(4000) as i64;
    let id2 = c.chars(ids::B64, 76).to_owned();
    c.extra()
        .obj()
        .ks("SignatureVersion", "SigV4")
        .ks("CipherSuite", "TLS_AES_128_GCM_SHA256")
        .ki("bytesTransferredIn", bytes_in)
        .ks("AuthenticationMethod", "AuthHeader")
        .ks("x-amz-id-2", &id2)
        .ki("bytesTransferredOut", out)
        .end();
}

fn bucket_sub(c: &mut Ctx<'_>, sub: &str) {
    let acct = c.acct;
    let b = c.mine(&acct.res.buckets);
    s3_bucket_call(c, b, sub);
}

fn object_key(c: &mut Ctx<'_>) -> String {
    let t = clock::iso(c.time);
    let day = t
        .as_str()
        .get(..10)
        .unwrap_or("2024-01-01")
        .replace('-', "/");
    let n = c.rng.below(100_000);
    match c.rng.below(5) {
        0 => format!("exports/{day}/part-{n:05}.parquet"),
        1 => format!("uploads/{}/{n}.jpg", c.rng.below(5000)),
        2 => format!("reports/{day}/summary-{n}.csv"),
        3 => format!("events/{day}/{}.json.gz", c.uuid()),
        _ => format!("cache/{n:06}.bin"),
    }
}

fn s3_object(c: &mut Ctx<'_>, put: bool) {
    let acct = c.acct;
    let bucket = c.mine(&acct.res.buckets);
    let key = object_key(c);
    c.s3 = true;
    c.host.clear();
    c.host.push_str(bucket);
    c.host.push_str(".s3.");
    c.host.push_str(c.region);
    c.host.push_str(".amazonaws.com");
    let host = std::mem::take(c.host);
    c.req()
        .obj()
        .ks("bucketName", bucket)
        .ks("Host", &host)
        .ks("key", &key)
        .end();
    *c.host = host;
    let size = 512 + c.rng.below(2_000_000) as i64;
    s3_extra(c, if put { size } else { 0 });
    if put {
        let etag = c.chars(ids::HEX, 32).to_owned();
        c.resp()
            .obj()
            .ks("x-amz-server-side-encryption", "AES256")
            .ks("ETag", &etag)
            .end();
    }
    c.body.resource(
        None,
        "AWS::S3::Object",
        &["arn:aws:s3:::", bucket, "/", &key],
    );
    let account = c.account();
    c.body
        .resource(Some(account), "AWS::S3::Bucket", &["arn:aws:s3:::", bucket]);
}

fn kms_key_resource(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let key = c.mine(&acct.res.keys);
    let region = c.region;
    c.body.resource(
        Some(&acct.id),
        "AWS::KMS::Key",
        &["arn:aws:kms:", region, ":", &acct.id, ":key/", key],
    );
}

fn function_arn(c: &mut Ctx<'_>, name: &str) -> String {
    format!("arn:aws:lambda:{}:{}:function:{name}", c.region, c.acct.id)
}

fn cluster(c: &mut Ctx<'_>) -> &'static str {
    if c.rng.chance(0.8) { "main" } else { "batch" }
}

fn credentials(c: &mut Ctx<'_>, hours: i64) {
    let key = ids::access_key(c.rng, true);
    let token = c.session_token();
    let exp = clock::java_date(c.time + hours * 3600);
    c.resp()
        .kobj("credentials")
        .ks("accessKeyId", &key)
        .ks("sessionToken", &token)
        .ks("expiration", exp.as_str())
        .end();
}

// ---------------------------------------------------------------- Sign-in

/// The console sign-in; its identity and body are written by the sign-in generator.
pub(crate) const CONSOLE_LOGIN: Api = Api::write(Svc::Signin, "ConsoleLogin", null);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notable_apis_are_the_documented_ones() {
        let all = [
            &CI_ATTACH_ROLE_POLICY,
            &CI_DETACH_ROLE_POLICY,
            &CI_PUT_ROLE_POLICY,
            &CI_CREATE_POLICY_VERSION,
            &CI_DELETE_POLICY_VERSION,
            &LAMBDA_ADD_PERMISSION_SERVICE,
            &ASG_RUN_INSTANCES,
        ];
        let seventeen = [
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "SetDefaultPolicyVersion",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ];
        for api in all {
            match api.notable {
                Some(Notable::IamPolicyChange) => {
                    assert!(seventeen.contains(&api.name), "{}", api.name)
                }
                Some(Notable::LambdaServicePermission) => {
                    assert_eq!(api.name, "AddPermission20150331v2")
                }
                Some(Notable::AutoScalingLaunch) => assert_eq!(api.name, "RunInstances"),
                other => panic!("{}: {other:?}", api.name),
            }
        }
    }
}
