//! The project's seed scenarios.

use super::*;

fn compromised_role(c: &Chain<'_>) -> (Principal, String) {
    (c.acct.assumable[0].clone(), c.sdk_session())
}

fn no_policy(c: &mut Chain<'_>, who: As<'_>, f: &str) {
    c.body.req.obj().ks("functionName", f).end();
    c.emit(
        Call::new(who, Svc::Lambda, "GetPolicy20150331v2", true).fail(
            "ResourceNotFoundException",
            "The resource you requested does not exist.",
        ),
    );
}

pub(crate) fn seed_lambda_public_invoke(c: &mut Chain<'_>) {
    let (role, session) = compromised_role(c);
    let f = victim_function(c);
    no_policy(c, As::Role(&role, &session), &f);
    add_permission(
        c,
        As::Role(&role, &session),
        &f,
        "public-invoke",
        "lambda:InvokeFunction",
        "*",
    );
}

pub(crate) fn seed_lambda_cross_account_invoke(c: &mut Chain<'_>) {
    let (role, session) = compromised_role(c);
    let f = victim_function(c);
    let ext = c.external.clone();
    no_policy(c, As::Role(&role, &session), &f);
    add_permission(
        c,
        As::Role(&role, &session),
        &f,
        "partner-invoke",
        "lambda:InvokeFunction",
        &ext,
    );
}

pub(crate) fn seed_lambda_permission_by_iam_user(c: &mut Chain<'_>) {
    let f = victim_function(c);
    let principal = format!("arn:aws:iam::{}:root", c.external);
    no_policy(c, As::User, &f);
    add_permission(
        c,
        As::User,
        &f,
        "read-config",
        "lambda:GetFunction",
        &principal,
    );
}

pub(crate) fn seed_lambda_write_permission(c: &mut Chain<'_>) {
    let (role, session) = compromised_role(c);
    let f = victim_function(c);
    let ext = c.external.clone();
    no_policy(c, As::Role(&role, &session), &f);
    add_permission(
        c,
        As::Role(&role, &session),
        &f,
        "ops-update",
        "lambda:UpdateFunctionCode",
        &ext,
    );
    add_permission(
        c,
        As::Role(&role, &session),
        &f,
        "ops-invoke",
        "lambda:InvokeFunction",
        &ext,
    );
}

pub(crate) fn seed_iam_policy_change(c: &mut Chain<'_>) {
    let me = c.user.name.clone();
    c.body.req.obj().ks("userName", &me).end();
    c.emit(Call::new(
        As::User,
        Svc::Iam,
        "ListAttachedUserPolicies",
        true,
    ));
    let doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    c.body
        .req
        .obj()
        .ks("userName", &me)
        .ks("policyName", "ops-maintenance")
        .ks("policyDocument", doc)
        .end();
    c.emit(Call::new(As::User, Svc::Iam, "PutUserPolicy", false).after(6));
}
