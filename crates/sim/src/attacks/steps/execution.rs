//! Execution: instances, user data, SageMaker, SSM.

use super::*;

pub(crate) fn ec2_launch_unusual_instances(c: &mut Chain<'_>) {
    let role = c.role("ec2-capacity-planner");
    let session = c.sdk_session();
    assume_role(c, &role, &session, true);
    let caller = session_arn(c, &role, &session);
    let ami = c.acct.res.amis[0].clone();
    let subnet = c.acct.res.subnets[0].clone();
    let token = c.uuid();
    let j = &mut c.body.req;
    j.obj()
        .kobj("instancesSet")
        .karr("items")
        .obj()
        .ks("imageId", &ami)
        .ki("minCount", 1)
        .ki("maxCount", 10)
        .end()
        .end_arr()
        .end();
    j.ks("instanceType", "p2.xlarge")
        .kempty("blockDeviceMapping")
        .kobj("monitoring")
        .kb("enabled", false)
        .end()
        .ks("subnetId", &subnet)
        .kb("disableApiTermination", false)
        .kb("disableApiStop", false)
        .ks("clientToken", token.as_str())
        .end();
    let resource = format!("arn:aws:ec2:{}:{}:instance/*", c.region, c.account());
    let msg = ec2_denied(c, &caller, "RunInstances", &resource);
    c.emit(
        Call::new(As::Role(&role, &session), Svc::Ec2, "RunInstances", false)
            .fail(DENIED_EC2, &msg),
    );
}

fn instance_state(
    c: &mut Chain<'_>,
    name: &str,
    id: &str,
    from: (i64, &str),
    to: (i64, &str),
    force: bool,
) {
    c.body.req.obj().items("instancesSet", "instanceId", &[id]);
    if force {
        c.body.req.kb("force", true);
    }
    c.body.req.end();
    let rid = c.uuid();
    let j = &mut c.body.resp;
    j.obj()
        .ks("requestId", rid.as_str())
        .kobj("instancesSet")
        .karr("items")
        .obj()
        .ks("instanceId", id);
    j.kobj("currentState")
        .ki("code", to.0)
        .ks("name", to.1)
        .end();
    j.kobj("previousState")
        .ki("code", from.0)
        .ks("name", from.1)
        .end();
    j.end().end_arr().end().end();
    c.emit(Call::new(As::User, Svc::Ec2, name, false).after(4));
}

pub(crate) fn ec2_user_data(c: &mut Chain<'_>) {
    let (_, instances) = web_instances(c, 1);
    let id = instances.first().cloned().unwrap_or_default();
    c.body
        .req
        .obj()
        .items("instancesSet", "instanceId", &[&id])
        .kempty("filterSet")
        .end();
    c.emit(Call::new(As::User, Svc::Ec2, "DescribeInstances", true));
    instance_state(
        c,
        "StopInstances",
        &id,
        (16, "running"),
        (64, "stopping"),
        true,
    );
    for _ in 0..3 {
        c.body
            .req
            .obj()
            .items("instancesSet", "instanceId", &[&id])
            .kempty("filterSet")
            .end();
        c.emit(Call::new(As::User, Svc::Ec2, "DescribeInstances", true).after(15));
    }
    c.body
        .req
        .obj()
        .ks("instanceId", &id)
        .ks("userData", "<sensitiveDataRemoved>")
        .end();
    let rid = c.uuid();
    c.body
        .resp
        .obj()
        .ks("requestId", rid.as_str())
        .kb("_return", true)
        .end();
    c.emit(Call::new(As::User, Svc::Ec2, "ModifyInstanceAttribute", false).after(2));
    instance_state(
        c,
        "StartInstances",
        &id,
        (80, "stopped"),
        (0, "pending"),
        false,
    );
}

pub(crate) fn sagemaker_update_lifecycle_config(c: &mut Chain<'_>) {
    let notebook = c.acct.res.notebooks[0].clone();
    let lc = "notebook-monitoring-agent";
    let arn = format!(
        "arn:aws:sagemaker:{}:{}:notebook-instance-lifecycle-config/{lc}",
        c.region,
        c.account()
    );
    c.body
        .req
        .obj()
        .ks("notebookInstanceLifecycleConfigName", lc)
        .karr("onStart")
        .obj()
        .ks("content", "HIDDEN_DUE_TO_SECURITY_REASONS")
        .end()
        .end_arr()
        .end();
    c.body
        .resp
        .obj()
        .ks("notebookInstanceLifecycleConfigArn", &arn)
        .end();
    c.emit(Call::new(
        As::User,
        Svc::SageMaker,
        "CreateNotebookInstanceLifecycleConfig",
        false,
    ));
    c.body.req.obj().ks("notebookInstanceName", &notebook).end();
    c.emit(Call::new(As::User, Svc::SageMaker, "StopNotebookInstance", false).after(3));
    for _ in 0..2 {
        c.body.req.obj().ks("notebookInstanceName", &notebook).end();
        c.emit(Call::new(As::User, Svc::SageMaker, "DescribeNotebookInstance", true).after(30));
    }
    c.body
        .req
        .obj()
        .ks("notebookInstanceName", &notebook)
        .ks("lifecycleConfigName", lc)
        .end();
    c.emit(Call::new(As::User, Svc::SageMaker, "UpdateNotebookInstance", false).after(2));
    c.body.req.obj().ks("notebookInstanceName", &notebook).end();
    c.emit(Call::new(As::User, Svc::SageMaker, "StartNotebookInstance", false).after(4));
}

pub(crate) fn ssm_send_command(c: &mut Chain<'_>) {
    let (_, instances) = web_instances(c, 3);
    let refs: Vec<&str> = instances.iter().map(String::as_str).collect();
    describe_instance_information(c, &refs);
    let command = send_command(c, &refs);
    for id in &refs {
        get_command_invocation(c, &command, id, false);
    }
}

pub(crate) fn ssm_start_session(c: &mut Chain<'_>) {
    let (_, instances) = web_instances(c, 3);
    let refs: Vec<&str> = instances.iter().map(String::as_str).collect();
    describe_instance_information(c, &refs);
    for id in &refs {
        let tail = c.chars(ids::LOWER_ALNUM, 26);
        let sid = format!("{}-{tail}", c.user.name);
        c.body.req.obj().ks("target", id).end();
        let cell = c.chars(ids::B64, 48);
        let url = format!(
            "wss://ssmmessages.{}.amazonaws.com/v1/data-channel/{sid}?role=publish_subscribe&cell-number={cell}",
            c.region
        );
        c.body
            .resp
            .obj()
            .ks("sessionId", &sid)
            .ks("streamUrl", &url)
            .ks("tokenValue", "Value hidden due to security reasons.")
            .end();
        c.emit(Call::new(As::User, Svc::Ssm, "StartSession", false));
        c.body.req.obj().ks("sessionId", &sid).end();
        c.body.resp.obj().ks("sessionId", &sid).end();
        c.emit(Call::new(As::User, Svc::Ssm, "TerminateSession", false).after(20));
    }
}
