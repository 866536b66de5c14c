//! Persistence and privilege escalation: IAM, Lambda, Roles Anywhere, federation tokens.

use super::*;

fn target_user(c: &Chain<'_>) -> String {
    let humans = &c.acct.humans;
    humans[humans.len() / 2].user.name.clone()
}

fn trust_policy(principal: &str, service: Option<&str>) -> String {
    let mut doc = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    if let Some(s) = service {
        doc.push_str(&format!(
            "    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{\n        \"Service\": \"{s}\"\n      }},\n      \"Action\": \"sts:AssumeRole\"\n    }},\n"
        ));
    }
    doc.push_str(&format!(
        "    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{\n        \"AWS\": \"{principal}\"\n      }},\n      \"Action\": \"sts:AssumeRole\"\n    }}\n  ]\n}}"
    ));
    doc
}

pub(crate) fn iam_backdoor_role(c: &mut Chain<'_>) {
    let role = c.acct.instance_roles[0].role.name.clone();
    c.body.req.obj().ks("roleName", &role).end();
    c.emit(Call::new(As::User, Svc::Iam, "GetRole", true));
    let doc = trust_policy(
        &format!("arn:aws:iam::{}:root", c.external),
        Some("ec2.amazonaws.com"),
    );
    c.body
        .req
        .obj()
        .ks("roleName", &role)
        .ks("policyDocument", &doc)
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "UpdateAssumeRolePolicy", false).after(5));
}

fn create_access_key(c: &mut Chain<'_>, user: &str) {
    c.body.req.obj().ks("userName", user).end();
    let key = ids::access_key(&mut c.rng, false);
    let created = clock::java_date(c.t + 2);
    c.body
        .resp
        .obj()
        .kobj("accessKey")
        .ks("userName", user)
        .ks("accessKeyId", &key)
        .ks("status", "Active")
        .ks("createDate", created.as_str())
        .end()
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "CreateAccessKey", false));
}

pub(crate) fn iam_backdoor_user(c: &mut Chain<'_>) {
    let target = target_user(c);
    c.body.req.obj().ks("userName", &target).end();
    c.emit(Call::new(As::User, Svc::Iam, "ListAccessKeys", true));
    create_access_key(c, &target);
}

pub(crate) fn iam_create_admin_user(c: &mut Chain<'_>) {
    let name = "support-operations";
    c.body.req.obj().ks("userName", name).end();
    let id = ids::unique_id(&mut c.rng, "AIDA");
    let created = clock::java_date(c.t + 2);
    let arn = format!("arn:aws:iam::{}:user/{name}", c.account());
    c.body
        .resp
        .obj()
        .kobj("user")
        .ks("path", "/")
        .ks("userName", name)
        .ks("userId", &id)
        .ks("arn", &arn)
        .ks("createDate", created.as_str())
        .end()
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "CreateUser", false));
    c.body
        .req
        .obj()
        .ks("userName", name)
        .ks("policyArn", "arn:aws:iam::aws:policy/AdministratorAccess")
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "AttachUserPolicy", false));
    create_access_key(c, name);
}

pub(crate) fn iam_create_backdoor_role(c: &mut Chain<'_>) {
    let name = "vendor-support-access";
    let doc = trust_policy(&format!("arn:aws:iam::{}:root", c.external), None);
    c.body
        .req
        .obj()
        .ks("roleName", name)
        .ks("assumeRolePolicyDocument", &doc)
        .end();
    let id = ids::unique_id(&mut c.rng, "AROA");
    let created = clock::java_date(c.t + 2);
    let arn = format!("arn:aws:iam::{}:role/{name}", c.account());
    c.body
        .resp
        .obj()
        .kobj("role")
        .ks("path", "/")
        .ks("roleName", name)
        .ks("roleId", &id)
        .ks("arn", &arn)
        .ks("createDate", created.as_str())
        .ks(
            "assumeRolePolicyDocument",
            &doc.replace('\n', "%0A")
                .replace(' ', "%20")
                .replace('"', "%22"),
        )
        .end()
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "CreateRole", false));
    c.body
        .req
        .obj()
        .ks("roleName", name)
        .ks("policyArn", "arn:aws:iam::aws:policy/AdministratorAccess")
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "AttachRolePolicy", false));
}

pub(crate) fn iam_create_user_login_profile(c: &mut Chain<'_>) {
    c.emit(Call::new(As::User, Svc::Sts, "GetCallerIdentity", true));
    let target = target_user(c);
    c.body
        .req
        .obj()
        .ks("userName", &target)
        .kb("passwordResetRequired", false)
        .end();
    let created = clock::java_date(c.t + 2);
    c.body
        .resp
        .obj()
        .kobj("loginProfile")
        .ks("userName", &target)
        .ks("createDate", created.as_str())
        .kb("passwordResetRequired", false)
        .end()
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "CreateLoginProfile", false));
}

pub(crate) fn lambda_backdoor_function(c: &mut Chain<'_>) {
    let f = victim_function(c);
    get_function(c, As::User, &f);
    add_permission(c, As::User, &f, "backdoor", "lambda:InvokeFunction", "*");
}

fn function_config(c: &mut Chain<'_>, f: &str, layer: Option<&str>) {
    let arn = format!("arn:aws:lambda:{}:{}:function:{f}", c.region, c.account());
    let role = format!("arn:aws:iam::{}:role/service-role/{f}-role", c.account());
    let sha = c.chars(ids::B64, 43);
    let rev = c.uuid();
    let modified = clock::lambda_time(c.t);
    let j = &mut c.body.resp;
    j.obj()
        .ks("functionName", f)
        .ks("functionArn", &arn)
        .ks("runtime", "python3.12")
        .ks("role", &role)
        .ks("handler", "app.handler")
        .ki("codeSize", 1_874)
        .ki("timeout", 30)
        .ki("memorySize", 512)
        .ks("lastModified", modified.as_str())
        .key("codeSha256")
        .str_parts(&[&sha, "="])
        .ks("version", "$LATEST");
    if let Some(l) = layer {
        j.karr("layers")
            .obj()
            .ks("arn", l)
            .ki("codeSize", 2_120)
            .end()
            .end_arr();
    }
    j.ks("revisionId", rev.as_str())
        .ks("state", "Active")
        .ks("lastUpdateStatus", "InProgress")
        .ks("packageType", "Zip")
        .end();
}

pub(crate) fn lambda_layer_extension(c: &mut Chain<'_>) {
    let f = victim_function(c);
    c.body.req.obj().ks("functionName", &f).end();
    c.emit(Call::new(
        As::User,
        Svc::Lambda,
        "GetFunctionConfiguration20150331v2",
        true,
    ));
    let arn = format!("arn:aws:lambda:{}:{}:function:{f}", c.region, c.account());
    let layer = format!(
        "arn:aws:lambda:{}:{}:layer:telemetry-extension:3",
        c.region, c.external
    );
    c.body
        .req
        .obj()
        .ks("functionName", &arn)
        .kstrs("layers", &[&layer])
        .end();
    function_config(c, &f, Some(&layer));
    c.emit(
        Call::new(
            As::User,
            Svc::Lambda,
            "UpdateFunctionConfiguration20150331v2",
            false,
        )
        .after(5),
    );
}

pub(crate) fn lambda_overwrite_code(c: &mut Chain<'_>) {
    let f = victim_function(c);
    get_function(c, As::User, &f);
    let arn = format!("arn:aws:lambda:{}:{}:function:{f}", c.region, c.account());
    let region = c.region.clone();
    let account = c.account();
    c.body
        .req
        .obj()
        .kobj("fullyQualifiedArn")
        .kobj("arnPrefix")
        .ks("partition", "aws")
        .ks("region", &region)
        .ks("account", account)
        .end()
        .kobj("relativeId")
        .ks("functionName", &f)
        .end()
        .kempty("functionQualifier")
        .end()
        .ks("functionName", &arn)
        .kb("publish", true)
        .kb("dryRun", false)
        .end();
    function_config(c, &f, None);
    c.emit(Call::new(As::User, Svc::Lambda, "UpdateFunctionCode20150331v2", false).after(6));
}

pub(crate) fn rolesanywhere_create_trust_anchor(c: &mut Chain<'_>) {
    let cert = format!(
        "-----BEGIN CERTIFICATE-----\nMIIE3zCCAsegAwIBAgIJA{}\n-----END CERTIFICATE-----\n",
        c.chars(ids::B64, 120)
    );
    let anchor = c.uuid();
    let j = &mut c.body.req;
    j.obj()
        .kb("enabled", true)
        .ks("name", "partner-pki-anchor")
        .kobj("source");
    j.kobj("sourceData")
        .ks("x509CertificateData", &cert)
        .end()
        .ks("sourceType", "CERTIFICATE_BUNDLE")
        .end()
        .end();
    let arn = format!(
        "arn:aws:rolesanywhere:{}:{}:trust-anchor/{anchor}",
        c.region,
        c.account()
    );
    c.body
        .resp
        .obj()
        .kobj("trustAnchor")
        .kb("enabled", true)
        .ks("name", "partner-pki-anchor")
        .ks("trustAnchorArn", &arn)
        .ks("trustAnchorId", anchor.as_str())
        .end()
        .end();
    c.emit(Call::new(
        As::User,
        Svc::RolesAnywhere,
        "CreateTrustAnchor",
        false,
    ));
    let role = c.acct.assumable[0].arn.clone();
    let profile = c.uuid();
    c.body
        .req
        .obj()
        .ki("durationSeconds", 3600)
        .kb("enabled", true)
        .ks("name", "partner-automation")
        .kstrs("roleArns", &[&role])
        .end();
    let arn = format!(
        "arn:aws:rolesanywhere:{}:{}:profile/{profile}",
        c.region,
        c.account()
    );
    c.body
        .resp
        .obj()
        .kobj("profile")
        .ki("durationSeconds", 3600)
        .kb("enabled", true)
        .ks("name", "partner-automation")
        .ks("profileArn", &arn)
        .ks("profileId", profile.as_str())
        .kstrs("roleArns", &[&role])
        .end()
        .end();
    c.emit(Call::new(
        As::User,
        Svc::RolesAnywhere,
        "CreateProfile",
        false,
    ));
}

pub(crate) fn sts_federation_token(c: &mut Chain<'_>) {
    let name = "ops-temp";
    let policy = "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [\n\t\t{\n\t\t\t\"Effect\": \"Allow\",\n\t\t\t\"Action\": \"*\",\n\t\t\t\"Resource\": \"*\"\n\t\t}\n\t]\n}";
    c.body
        .req
        .obj()
        .ks("name", name)
        .ks("policy", policy)
        .ki("durationSeconds", 43_200)
        .end();
    c.body.resp.obj();
    c.credentials(12);
    let account = c.account();
    c.body
        .resp
        .kobj("federatedUser")
        .key("federatedUserId")
        .str_parts(&[account, ":", name])
        .key("arn")
        .str_parts(&["arn:aws:sts::", account, ":federated-user/", name])
        .end()
        .ki("packedPolicySize", 6)
        .end();
    c.emit(Call::new(As::User, Svc::Sts, "GetFederationToken", false));
    c.emit(Call::new(As::Federated(name), Svc::Sts, "GetCallerIdentity", true).after(8));
}

pub(crate) fn iam_update_user_login_profile(c: &mut Chain<'_>) {
    let target = target_user(c);
    c.body.req.obj().ks("userName", &target).end();
    c.emit(Call::new(As::User, Svc::Iam, "GetLoginProfile", true));
    c.body
        .req
        .obj()
        .ks("userName", &target)
        .kb("passwordResetRequired", false)
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "UpdateLoginProfile", false).after(3));
}
