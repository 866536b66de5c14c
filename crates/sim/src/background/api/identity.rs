//! IAM, STS, KMS, Secrets Manager and SSM calls.

use super::*;

// ---------------------------------------------------------------- IAM

fn get_user(c: &mut Ctx<'_>) {
    match c.user {
        Some(u) if c.rng.chance(0.7) => {
            let name = u.name.clone();
            c.req().obj().ks("userName", &name).end();
        }
        _ => {
            let acct = c.acct;
            let h = &acct.humans[c.rng.index(acct.humans.len())];
            c.req().obj().ks("userName", &h.user.name).end();
        }
    }
}
pub(crate) const GET_USER: Api = Api::read(Svc::Iam, "GetUser", get_user);

fn any_role_name(c: &mut Ctx<'_>) -> String {
    let acct = c.acct;
    match c.rng.below(3) {
        0 => acct.apps[c.rng.index(acct.apps.len())].role.name.clone(),
        1 => acct.instance_roles[c.rng.index(acct.instance_roles.len())]
            .role
            .name
            .clone(),
        _ => acct.assumable[c.rng.index(acct.assumable.len())]
            .name
            .clone(),
    }
}

fn role_name(c: &mut Ctx<'_>) {
    let name = any_role_name(c);
    c.req().obj().ks("roleName", &name).end();
}
pub(crate) const GET_ROLE: Api = Api::read(Svc::Iam, "GetRole", role_name);
pub(crate) const LIST_ATTACHED_ROLE_POLICIES: Api =
    Api::read(Svc::Iam, "ListAttachedRolePolicies", role_name);
pub(crate) const LIST_ROLE_POLICIES: Api = Api::read(Svc::Iam, "ListRolePolicies", role_name);
pub(crate) const LIST_INSTANCE_PROFILES_FOR_ROLE: Api =
    Api::read(Svc::Iam, "ListInstanceProfilesForRole", role_name);
pub(crate) const LIST_ROLE_TAGS: Api = Api::read(Svc::Iam, "ListRoleTags", role_name);

fn get_role_policy(c: &mut Ctx<'_>) {
    let name = any_role_name(c);
    let policy = ["inline-data-access", "inline-logs", "inline-kms"][c.rng.index(3)];
    c.req()
        .obj()
        .ks("roleName", &name)
        .ks("policyName", policy)
        .end();
}
pub(crate) const GET_ROLE_POLICY: Api = Api::read(Svc::Iam, "GetRolePolicy", get_role_policy);

fn list_max_items(c: &mut Ctx<'_>) {
    c.req().obj().ki("maxItems", 1000).end();
}
pub(crate) const LIST_ROLES: Api = Api::read(Svc::Iam, "ListRoles", list_max_items);
pub(crate) const LIST_USERS: Api = Api::read(Svc::Iam, "ListUsers", list_max_items);

fn list_policies(c: &mut Ctx<'_>) {
    c.req()
        .obj()
        .ks("scope", "Local")
        .kb("onlyAttached", false)
        .ki("maxItems", 100)
        .end();
}
pub(crate) const LIST_POLICIES: Api = Api::read(Svc::Iam, "ListPolicies", list_policies);

fn policy_arn(c: &mut Ctx<'_>) -> String {
    let acct = c.acct;
    let p = c.any(&acct.res.policies);
    format!("arn:aws:iam::{}:policy/{p}", acct.id)
}

fn get_policy(c: &mut Ctx<'_>) {
    let arn = policy_arn(c);
    c.req().obj().ks("policyArn", &arn).end();
}
pub(crate) const GET_POLICY: Api = Api::read(Svc::Iam, "GetPolicy", get_policy);

fn get_policy_version(c: &mut Ctx<'_>) {
    let arn = policy_arn(c);
    let v = format!("v{}", c.rng.range(1, 5));
    c.req()
        .obj()
        .ks("policyArn", &arn)
        .ks("versionId", &v)
        .end();
}
pub(crate) const GET_POLICY_VERSION: Api =
    Api::read(Svc::Iam, "GetPolicyVersion", get_policy_version);

fn user_name(c: &mut Ctx<'_>) {
    let name = match c.user {
        Some(u) => u.name.clone(),
        None => {
            let acct = c.acct;
            acct.humans[c.rng.index(acct.humans.len())]
                .user
                .name
                .clone()
        }
    };
    c.req().obj().ks("userName", &name).end();
}
pub(crate) const LIST_ACCESS_KEYS: Api = Api::read(Svc::Iam, "ListAccessKeys", user_name);
pub(crate) const LIST_MFA_DEVICES: Api = Api::read(Svc::Iam, "ListMFADevices", user_name);
pub(crate) const LIST_GROUPS_FOR_USER: Api = Api::read(Svc::Iam, "ListGroupsForUser", user_name);
pub(crate) const LIST_ATTACHED_USER_POLICIES: Api =
    Api::read(Svc::Iam, "ListAttachedUserPolicies", user_name);

fn workload_role(c: &mut Ctx<'_>) -> String {
    let acct = c.acct;
    acct.apps[c.rng.index(acct.apps.len())].role.name.clone()
}

fn attach_role_policy(c: &mut Ctx<'_>) {
    let role = workload_role(c);
    let arn = policy_arn(c);
    c.req()
        .obj()
        .ks("roleName", &role)
        .ks("policyArn", &arn)
        .end();
}
pub(crate) const CI_ATTACH_ROLE_POLICY: Api =
    Api::write(Svc::Iam, "AttachRolePolicy", attach_role_policy).notable(Notable::IamPolicyChange);
pub(crate) const CI_DETACH_ROLE_POLICY: Api =
    Api::write(Svc::Iam, "DetachRolePolicy", attach_role_policy).notable(Notable::IamPolicyChange);

fn put_role_policy(c: &mut Ctx<'_>) {
    let role = workload_role(c);
    let acct = c.acct;
    let table = c.any(&acct.res.tables).to_owned();
    let doc = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Action\": [\"dynamodb:GetItem\", \"dynamodb:PutItem\", \"dynamodb:Query\"],\n      \"Resource\": \"arn:aws:dynamodb:{}:{}:table/{table}\"\n    }}\n  ]\n}}",
        c.region, acct.id
    );
    c.req()
        .obj()
        .ks("roleName", &role)
        .ks("policyName", "inline-data-access")
        .ks("policyDocument", &doc)
        .end();
}
pub(crate) const CI_PUT_ROLE_POLICY: Api =
    Api::write(Svc::Iam, "PutRolePolicy", put_role_policy).notable(Notable::IamPolicyChange);

fn create_policy_version(c: &mut Ctx<'_>) {
    let arn = policy_arn(c);
    let acct = c.acct;
    let bucket = c.any(&acct.res.buckets).to_owned();
    let doc = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n      \"Resource\": \"arn:aws:s3:::{bucket}/*\"\n    }}\n  ]\n}}"
    );
    c.req()
        .obj()
        .ks("policyArn", &arn)
        .ks("policyDocument", &doc)
        .kb("setAsDefault", true)
        .end();
    let v = format!("v{}", c.rng.range(2, 5));
    let created = clock::java_date(c.time);
    c.resp()
        .obj()
        .kobj("policyVersion")
        .ks("versionId", &v)
        .kb("isDefaultVersion", true)
        .ks("createDate", created.as_str())
        .end()
        .end();
}
pub(crate) const CI_CREATE_POLICY_VERSION: Api =
    Api::write(Svc::Iam, "CreatePolicyVersion", create_policy_version)
        .notable(Notable::IamPolicyChange);

fn delete_policy_version(c: &mut Ctx<'_>) {
    let arn = policy_arn(c);
    let v = format!("v{}", c.rng.range(1, 3));
    c.req()
        .obj()
        .ks("policyArn", &arn)
        .ks("versionId", &v)
        .end();
}
pub(crate) const CI_DELETE_POLICY_VERSION: Api =
    Api::write(Svc::Iam, "DeletePolicyVersion", delete_policy_version)
        .notable(Notable::IamPolicyChange);

// ---------------------------------------------------------------- STS

pub(crate) const GET_CALLER_IDENTITY: Api = Api::read(Svc::Sts, "GetCallerIdentity", null);

fn assumed_user(c: &mut Ctx<'_>, role_name: &str, role_id: &str, session: &str) {
    let account = c.account();
    c.resp()
        .kobj("assumedRoleUser")
        .key("assumedRoleId")
        .str_parts(&[role_id, ":", session])
        .key("arn")
        .str_parts(&[
            "arn:aws:sts::",
            account,
            ":assumed-role/",
            role_name,
            "/",
            session,
        ])
        .end();
}

fn assume_role_human(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let role = &acct.assumable[c.rng.index(acct.assumable.len())];
    let session = c.user.map_or("session", |u| u.name.as_str()).to_owned();
    c.req()
        .obj()
        .ks("roleArn", &role.arn)
        .ks("roleSessionName", &session)
        .ki("durationSeconds", 3600)
        .end();
    c.resp().obj();
    credentials(c, 1);
    assumed_user(c, &role.name, &role.unique_id, &session);
    c.resp().end();
    c.body
        .resource(Some(&acct.id), "AWS::IAM::Role", &[&role.arn]);
}
pub(crate) const ASSUME_ROLE_HUMAN: Api = Api::read(Svc::Sts, "AssumeRole", assume_role_human);

fn assume_role_vend(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let (role, session, by): (&crate::world::Principal, String, &'static str) =
        match c.rng.below(10) {
            0..=4 => {
                let app = &acct.apps[c.rng.index(acct.apps.len())];
                match &app.style {
                    crate::world::SessionStyle::Lambda(f) => {
                        (&app.role, f.clone(), "lambda.amazonaws.com")
                    }
                    _ => (
                        &app.role,
                        c.chars(ids::HEX, 32).to_owned(),
                        "ecs-tasks.amazonaws.com",
                    ),
                }
            }
            _ => {
                let r = &acct.instance_roles[c.rng.index(acct.instance_roles.len())];
                let i = &r.instances[c.rng.index(r.instances.len())];
                (&r.role, i.id.clone(), "ec2.amazonaws.com")
            }
        };
    c.invoked_by = Some(by);
    c.req()
        .obj()
        .ks("roleArn", &role.arn)
        .ks("roleSessionName", &session);
    if by == "ec2.amazonaws.com" {
        c.req().ki("durationSeconds", 21600);
    }
    c.req().end();
    c.resp().obj();
    credentials(c, 6);
    assumed_user(c, &role.name, &role.unique_id, &session);
    c.resp().end();
    c.body
        .resource(Some(&acct.id), "AWS::IAM::Role", &[&role.arn]);
}
pub(crate) const ASSUME_ROLE_VEND: Api = Api::read(Svc::Sts, "AssumeRole", assume_role_vend);

// ---------------------------------------------------------------- KMS

fn encryption_context(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let region = c.region;
    match c.rng.below(3) {
        0 => {
            let b = c.mine(&acct.res.buckets);
            c.req()
                .kobj("encryptionContext")
                .key("aws:s3:arn")
                .str_parts(&["arn:aws:s3:::", b])
                .end();
        }
        1 => {
            let s = c.mine(&acct.res.secrets);
            let v = c.uuid();
            c.req()
                .kobj("encryptionContext")
                .key("SecretARN")
                .str_parts(&[
                    "arn:aws:secretsmanager:",
                    region,
                    ":",
                    &acct.id,
                    ":secret:",
                    s,
                ])
                .ks("SecretVersionId", &v.as_str().to_ascii_uppercase())
                .end();
        }
        _ => {
            let p = c.mine(&acct.res.parameters);
            c.req()
                .kobj("encryptionContext")
                .key("PARAMETER_ARN")
                .str_parts(&["arn:aws:ssm:", region, ":", &acct.id, ":parameter", p])
                .end();
        }
    }
}

fn decrypt(c: &mut Ctx<'_>) {
    c.req().obj().ks("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
    encryption_context(c);
    c.req().end();
    kms_key_resource(c);
}
pub(crate) const KMS_DECRYPT: Api = Api::read(Svc::Kms, "Decrypt", decrypt);

fn decrypt_via_service(c: &mut Ctx<'_>) {
    c.invoked_by = Some(
        [
            "secretsmanager.amazonaws.com",
            "s3.amazonaws.com",
            "ssm.amazonaws.com",
        ][c.rng.index(3)],
    );
    decrypt(c);
}
pub(crate) const KMS_DECRYPT_VIA_SERVICE: Api = Api::read(Svc::Kms, "Decrypt", decrypt_via_service);

fn generate_data_key(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let key = c.mine(&acct.res.keys);
    let region = c.region;
    c.req()
        .obj()
        .key("keyId")
        .str_parts(&["arn:aws:kms:", region, ":", &acct.id, ":key/", key])
        .ks("keySpec", "AES_256");
    encryption_context(c);
    c.req().end();
    c.body.resource(
        Some(&acct.id),
        "AWS::KMS::Key",
        &["arn:aws:kms:", region, ":", &acct.id, ":key/", key],
    );
}
pub(crate) const KMS_GENERATE_DATA_KEY: Api =
    Api::read(Svc::Kms, "GenerateDataKey", generate_data_key);

fn trail_data_key(c: &mut Ctx<'_>) {
    c.invoked_by = Some("cloudtrail.amazonaws.com");
    let acct = c.acct;
    let key = acct.res.keys[0].as_str();
    let region = c.region;
    c.req()
        .obj()
        .key("keyId")
        .str_parts(&["arn:aws:kms:", region, ":", &acct.id, ":key/", key])
        .ks("keySpec", "AES_256")
        .kobj("encryptionContext")
        .key("aws:cloudtrail:arn")
        .str_parts(&[
            "arn:aws:cloudtrail:",
            region,
            ":",
            &acct.id,
            ":trail/",
            &acct.res.trail,
        ])
        .key("aws:s3:arn")
        .str_parts(&[
            "arn:aws:s3:::",
            &acct.res.trail_bucket,
            "/AWSLogs/",
            &acct.id,
            "/CloudTrail/",
            region,
        ])
        .end()
        .end();
    c.body.resource(
        Some(&acct.id),
        "AWS::KMS::Key",
        &["arn:aws:kms:", region, ":", &acct.id, ":key/", key],
    );
}
pub(crate) const KMS_TRAIL_DATA_KEY: Api = Api::read(Svc::Kms, "GenerateDataKey", trail_data_key);

fn encrypt(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let key = c.mine(&acct.res.keys);
    c.req()
        .obj()
        .key("keyId")
        .str_parts(&["alias/", acct.env, "-app"])
        .ks("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
        .end();
    let region = c.region;
    c.body.resource(
        Some(&acct.id),
        "AWS::KMS::Key",
        &["arn:aws:kms:", region, ":", &acct.id, ":key/", key],
    );
}
pub(crate) const KMS_ENCRYPT: Api = Api::read(Svc::Kms, "Encrypt", encrypt);

fn describe_key(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let key = c.mine(&acct.res.keys).to_owned();
    c.req().obj().ks("keyId", &key).end();
    kms_key_resource(c);
}
pub(crate) const KMS_DESCRIBE_KEY: Api = Api::read(Svc::Kms, "DescribeKey", describe_key);

fn list_aliases(c: &mut Ctx<'_>) {
    c.req().obj().ki("limit", 100).end();
}
pub(crate) const KMS_LIST_ALIASES: Api = Api::read(Svc::Kms, "ListAliases", list_aliases);

// ---------------------------------------------------------------- Secrets Manager

fn secret_id(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let s = c.mine(&acct.res.secrets);
    let name = s.rsplit_once('-').map_or(s, |(head, _)| head);
    c.req().obj().ks("secretId", name).end();
}
pub(crate) const SECRET_GET_VALUE: Api =
    Api::read(Svc::SecretsManager, "GetSecretValue", secret_id);
pub(crate) const SECRET_DESCRIBE: Api = Api::read(Svc::SecretsManager, "DescribeSecret", secret_id);

// ---------------------------------------------------------------- SSM

fn update_instance_information(c: &mut Ctx<'_>) {
    let (id, ip, az) = match c.instance {
        Some(i) => (i.id.clone(), i.private_ip.clone(), i.az),
        None => (one_instance(c).to_owned(), "10.0.1.10".to_owned(), 0),
    };
    let az = format!("{}{}", c.region, ['a', 'b', 'c'][az % 3]);
    let computer = format!("ip-{}.ec2.internal", ip.replace('.', "-"));
    c.req()
        .obj()
        .ks("instanceId", &id)
        .ks("agentVersion", "3.3.418.0")
        .ks("agentStatus", "Active")
        .ks("platformType", "Linux")
        .ks("platformName", "Amazon Linux")
        .ks("platformVersion", "2023")
        .ks("iPAddress", &ip)
        .ks("computerName", &computer)
        .ks("agentName", "amazon-ssm-agent")
        .ks("availabilityZone", &az)
        .end();
}
pub(crate) const SSM_UPDATE_INSTANCE_INFORMATION: Api = Api::write(
    Svc::Ssm,
    "UpdateInstanceInformation",
    update_instance_information,
);

fn list_instance_associations(c: &mut Ctx<'_>) {
    let id = one_instance(c).to_owned();
    c.req()
        .obj()
        .ks("instanceId", &id)
        .ki("maxResults", 20)
        .end();
}
pub(crate) const SSM_LIST_INSTANCE_ASSOCIATIONS: Api = Api::read(
    Svc::Ssm,
    "ListInstanceAssociations",
    list_instance_associations,
);

fn get_parameter(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let p = c.mine(&acct.res.parameters).to_owned();
    c.req()
        .obj()
        .ks("name", &p)
        .kb("withDecryption", false)
        .end();
    let region = c.region;
    c.body.resource(
        Some(&acct.id),
        "AWS::SSM::Parameter",
        &["arn:aws:ssm:", region, ":", &acct.id, ":parameter", &p],
    );
}
pub(crate) const SSM_GET_PARAMETER: Api =
    Api::read(Svc::Ssm, "GetParameter", get_parameter).nf("ParameterNotFound", "", 10);

fn get_parameters_by_path(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let comp = match c.comp {
        Some(i) => acct.components.get(i).copied().unwrap_or("app"),
        None => acct.components[c.rng.index(acct.components.len())],
    };
    let path = format!("/{}/{comp}/", acct.env);
    c.req()
        .obj()
        .ks("path", &path)
        .kb("recursive", true)
        .kb("withDecryption", false)
        .end();
}
pub(crate) const SSM_GET_PARAMETERS_BY_PATH: Api =
    Api::read(Svc::Ssm, "GetParametersByPath", get_parameters_by_path);

fn describe_instance_information(c: &mut Ctx<'_>) {
    c.req().obj().ki("maxResults", 50).end();
}
pub(crate) const SSM_DESCRIBE_INSTANCE_INFORMATION: Api = Api::read(
    Svc::Ssm,
    "DescribeInstanceInformation",
    describe_instance_information,
);
