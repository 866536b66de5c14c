//! Credential access: passwords, instance credentials, secrets, parameters.

use super::*;

pub(crate) fn ec2_get_password_data(c: &mut Chain<'_>) {
    let role = c.role("ec2-password-audit-role");
    let session = c.sdk_session();
    assume_role(c, &role, &session, true);
    let caller = session_arn(c, &role, &session);
    let resource = format!("arn:aws:ec2:{}:{}:instance/*", c.region, c.account());
    for i in 0..30 {
        let id = fake_instance(c);
        c.body.req.obj().ks("instanceId", &id).end();
        let msg = ec2_denied(c, &caller, "GetPasswordData", &resource);
        c.emit(
            Call::new(As::Role(&role, &session), Svc::Ec2, "GetPasswordData", true)
                .fail(DENIED_EC2, &msg)
                .after(if i == 0 { 3 } else { 0 }),
        );
    }
}

pub(crate) fn ec2_steal_instance_credentials(c: &mut Chain<'_>) {
    let (role, instances) = web_instances(c, 1);
    let id = instances.first().cloned().unwrap_or_default();
    describe_instance_information(c, &[&id]);
    let command = send_command(c, &[&id]);
    get_command_invocation(c, &command, &id, true);
    get_command_invocation(c, &command, &id, false);
    // The stolen credentials are used from the attacker's machine.
    c.emit(Call::new(As::Role(&role, &id), Svc::Sts, "GetCallerIdentity", true).after(25));
    c.body
        .req
        .obj()
        .kempty("instancesSet")
        .kempty("filterSet")
        .end();
    c.emit(Call::new(
        As::Role(&role, &id),
        Svc::Ec2,
        "DescribeInstances",
        true,
    ));
}

pub(crate) fn secretsmanager_batch_retrieve_secrets(c: &mut Chain<'_>) {
    let mut token = String::new();
    for page in 0..3 {
        c.body
            .req
            .obj()
            .karr("filters")
            .obj()
            .ks("key", "tag-key")
            .kstrs("values", &["!tagKeyThatWillNeverExist"])
            .end()
            .end_arr();
        c.body.req.ki("maxResults", 20);
        if page > 0 {
            c.body.req.ks("nextToken", &token);
        }
        c.body.req.end();
        c.emit(Call::new(As::User, Svc::SecretsManager, "BatchGetSecretValue", true).after(1));
        token = c.chars(ids::B64, 64);
    }
}

pub(crate) fn secretsmanager_retrieve_secrets(c: &mut Chain<'_>) {
    c.body.req.obj().ki("maxResults", 100).end();
    c.emit(Call::new(
        As::User,
        Svc::SecretsManager,
        "ListSecrets",
        true,
    ));
    let secrets = c.acct.res.secrets.clone();
    let region = c.region.clone();
    for i in 0..20 {
        let s = &secrets[i % secrets.len()];
        let arn = format!("arn:aws:secretsmanager:{region}:{}:secret:{s}", c.account());
        c.body.req.obj().ks("secretId", &arn).end();
        c.emit(Call::new(As::User, Svc::SecretsManager, "GetSecretValue", true).after(0));
    }
}

pub(crate) fn ssm_retrieve_securestring_parameters(c: &mut Chain<'_>) {
    let env = c.acct.env;
    let names: Vec<String> = c
        .acct
        .components
        .iter()
        .flat_map(|comp| {
            [
                "db-password",
                "api-key",
                "signing-secret",
                "oauth-client-secret",
            ]
            .map(|s| format!("/{env}/{comp}/{s}"))
        })
        .take(30)
        .collect();
    let mut token = String::new();
    for page in 0..3 {
        c.body.req.obj().ki("maxResults", 10);
        if page > 0 {
            c.body.req.ks("nextToken", &token);
        }
        c.body.req.kb("shared", false).end();
        c.emit(Call::new(As::User, Svc::Ssm, "DescribeParameters", true).after(1));
        token = c.chars(ids::B64, 96);
    }
    let region = c.region.clone();
    let account = c.account();
    for chunk in names.chunks(10) {
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        c.body
            .req
            .obj()
            .kstrs("names", &refs)
            .kb("withDecryption", true)
            .end();
        for n in chunk {
            c.body.resource(
                Some(account),
                "AWS::SSM::Parameter",
                &["arn:aws:ssm:", &region, ":", account, ":parameter", n],
            );
        }
        c.emit(Call::new(As::User, Svc::Ssm, "GetParameters", true).after(1));
    }
}
