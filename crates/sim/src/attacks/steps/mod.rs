//! The event chain of every technique: the real API calls a detonation makes, in order, with
//! the request and response shapes CloudTrail records for them.

use super::chain::{As, Call, Chain};
use crate::clock;
use crate::ids;
use crate::svc::Svc;
use crate::world::Principal;

const DENIED_EC2: &str = "Client.UnauthorizedOperation";

fn session_arn(c: &Chain<'_>, role: &Principal, session: &str) -> String {
    format!(
        "arn:aws:sts::{}:assumed-role/{}/{session}",
        c.account(),
        role.name
    )
}

fn ec2_denied(c: &mut Chain<'_>, caller: &str, action: &str, resource: &str) -> String {
    let encoded = c.chars(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        200,
    );
    format!(
        "You are not authorized to perform this operation. User: {caller} is not authorized to perform: ec2:{action} on resource: {resource} because no identity-based policy allows the ec2:{action} action. Encoded authorization failure message: {encoded}"
    )
}

/// `sts:AssumeRole` by the compromised user; with `retry`, a first attempt is denied (the new
/// role's trust policy has not propagated yet), as Stratus Red Team's detonations show.
fn assume_role(c: &mut Chain<'_>, role: &Principal, session: &str, retry: bool) {
    if retry {
        let msg = format!(
            "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
            c.user.arn, role.arn
        );
        c.emit(Call::new(As::User, Svc::Sts, "AssumeRole", true).fail("AccessDenied", &msg));
    }
    c.body
        .req
        .obj()
        .ks("roleArn", &role.arn)
        .ks("roleSessionName", session)
        .ki("durationSeconds", 900)
        .end();
    c.body.resp.obj();
    c.credentials(1);
    let account = c.account();
    c.body
        .resp
        .kobj("assumedRoleUser")
        .key("assumedRoleId")
        .str_parts(&[&role.unique_id, ":", session])
        .key("arn")
        .str_parts(&[
            "arn:aws:sts::",
            account,
            ":assumed-role/",
            &role.name,
            "/",
            session,
        ])
        .end()
        .end();
    c.body
        .resource(Some(account), "AWS::IAM::Role", &[&role.arn]);
    c.emit(Call::new(As::User, Svc::Sts, "AssumeRole", true).after(3));
}

fn fake_instance(c: &mut Chain<'_>) -> String {
    format!("i-{}", c.chars(ids::LOWER_ALNUM, 16))
}

fn web_instances(c: &Chain<'_>, n: usize) -> (Principal, Vec<String>) {
    let r = &c.acct.instance_roles[0];
    (
        r.role.clone(),
        r.instances.iter().take(n).map(|i| i.id.clone()).collect(),
    )
}

fn s3_req(c: &mut Chain<'_>, bucket: &str, extra: &[(&str, &str)]) {
    let host = c.s3_host(bucket);
    c.body.req.obj().ks("bucketName", bucket).ks("Host", &host);
    for (k, v) in extra {
        c.body.req.ks(k, v);
    }
    c.body.req.end();
    c.set_host(&host);
}

fn s3_extra(c: &mut Chain<'_>, bytes_in: i64, bytes_out: i64) {
    let id2 = c.chars(ids::B64, 76);
    c.body
        .extra
        .obj()
        .ks("SignatureVersion", "SigV4")
        .ks("CipherSuite", "TLS_AES_128_GCM_SHA256")
        .ki("bytesTransferredIn", bytes_in)
        .ks("AuthenticationMethod", "AuthHeader")
        .ks("x-amz-id-2", &id2)
        .ki("bytesTransferredOut", bytes_out)
        .end();
}

fn bucket_resource(c: &mut Chain<'_>, bucket: &str) {
    let account = c.account();
    c.body
        .resource(Some(account), "AWS::S3::Bucket", &["arn:aws:s3:::", bucket]);
}

fn command_response(c: &mut Chain<'_>, ids_: &[&str]) -> String {
    let command = c.uuid().to_string();
    let region = c.region.clone();
    let requested = clock::java_date(c.t);
    let expires = clock::java_date(c.t + 7200);
    let j = &mut c.body.resp;
    j.obj().kobj("command");
    j.ks("commandId", &command)
        .ks("documentName", "AWS-RunShellScript")
        .ks("documentVersion", "$DEFAULT")
        .ks("comment", "")
        .ks("expiresAfter", expires.as_str())
        .ks("parameters", "HIDDEN_DUE_TO_SECURITY_REASONS")
        .kstrs("instanceIds", ids_)
        .karr("targets")
        .end_arr()
        .ks("requestedDateTime", requested.as_str())
        .ks("status", "Pending")
        .ks("statusDetails", "Pending")
        .ks("outputS3Region", &region)
        .ks("maxConcurrency", "50")
        .ks("maxErrors", "0")
        .ki("targetCount", ids_.len() as i64)
        .ki("completedCount", 0)
        .ki("errorCount", 0)
        .kb("interactive", false)
        .ki("timeoutSeconds", 3600);
    j.end().end();
    command
}

fn send_command(c: &mut Chain<'_>, instances: &[&str]) -> String {
    c.body
        .req
        .obj()
        .kstrs("instanceIds", instances)
        .ks("documentName", "AWS-RunShellScript")
        .ks("parameters", "HIDDEN_DUE_TO_SECURITY_REASONS")
        .kb("interactive", false)
        .end();
    let command = command_response(c, instances);
    c.emit(Call::new(As::User, Svc::Ssm, "SendCommand", false).after(5));
    command
}

fn describe_instance_information(c: &mut Chain<'_>, instances: &[&str]) {
    c.body
        .req
        .obj()
        .karr("filters")
        .obj()
        .ks("key", "InstanceIds")
        .kstrs("values", instances)
        .end()
        .end_arr()
        .end();
    c.emit(Call::new(
        As::User,
        Svc::Ssm,
        "DescribeInstanceInformation",
        true,
    ));
}

fn get_command_invocation(c: &mut Chain<'_>, command: &str, instance: &str, pending: bool) {
    c.body
        .req
        .obj()
        .ks("commandId", command)
        .ks("instanceId", instance)
        .end();
    let call = Call::new(As::User, Svc::Ssm, "GetCommandInvocation", true).after(if pending {
        1
    } else {
        8
    });
    c.emit(if pending {
        call.fail("InvocationDoesNotExist", "")
    } else {
        call
    });
}

mod credentials;
mod discovery;
mod evasion;
mod execution;
mod exfiltration;
mod impact;
fn ok_response(c: &mut Chain<'_>) {
    let rid = c.uuid();
    c.body
        .resp
        .obj()
        .ks("requestId", rid.as_str())
        .kb("_return", true)
        .end();
}

fn victim_function(c: &Chain<'_>) -> String {
    c.acct.res.functions[0].clone()
}

fn get_function(c: &mut Chain<'_>, who: As<'_>, f: &str) {
    c.body.req.obj().ks("functionName", f).end();
    c.emit(Call::new(who, Svc::Lambda, "GetFunction20150331v2", true));
}

/// `AddPermission20150331v2` with exactly the four parameters the CLI sends without a source.
fn add_permission(
    c: &mut Chain<'_>,
    who: As<'_>,
    f: &str,
    sid: &str,
    action: &str,
    principal: &str,
) {
    c.body
        .req
        .obj()
        .ks("functionName", f)
        .ks("statementId", sid)
        .ks("action", action)
        .ks("principal", principal)
        .end();
    let principal_json = if principal == "*" {
        "\"*\"".to_owned()
    } else if principal.chars().all(|ch| ch.is_ascii_digit()) {
        format!("{{\"AWS\":\"arn:aws:iam::{principal}:root\"}}")
    } else {
        format!("{{\"AWS\":\"{principal}\"}}")
    };
    let statement = format!(
        "{{\"Sid\":\"{sid}\",\"Effect\":\"Allow\",\"Principal\":{principal_json},\"Action\":\"{action}\",\"Resource\":\"arn:aws:lambda:{}:{}:function:{f}\"}}",
        c.region,
        c.account()
    );
    c.body.resp.obj().ks("statement", &statement).end();
    c.emit(Call::new(who, Svc::Lambda, "AddPermission20150331v2", false).after(4));
}

mod access;
mod persistence;
mod seeds;

pub(crate) use access::*;
pub(crate) use credentials::*;
pub(crate) use discovery::*;
pub(crate) use evasion::*;
pub(crate) use execution::*;
pub(crate) use exfiltration::*;
pub(crate) use impact::*;
pub(crate) use persistence::*;
pub(crate) use seeds::*;
