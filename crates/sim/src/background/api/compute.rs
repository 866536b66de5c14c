//! EC2, ECS, ECR, Elastic Load Balancing and Auto Scaling calls.

use super::*;

// ---------------------------------------------------------------- EC2

fn describe_instances(c: &mut Ctx<'_>) {
    if c.rng.chance(0.6) {
        let id = one_instance(c).to_owned();
        c.req()
            .obj()
            .items("instancesSet", "instanceId", &[&id])
            .kempty("filterSet")
            .end();
    } else {
        let j = c.req();
        j.obj()
            .kempty("instancesSet")
            .kobj("filterSet")
            .karr("items");
        j.obj()
            .ks("name", "instance-state-name")
            .items("valueSet", "value", &["running", "pending"])
            .end();
        j.end_arr().end().end();
    }
}
pub(crate) const DESCRIBE_INSTANCES: Api =
    Api::read(Svc::Ec2, "DescribeInstances", describe_instances);

fn describe_instance_status(c: &mut Ctx<'_>) {
    let id = one_instance(c).to_owned();
    c.req()
        .obj()
        .items("instancesSet", "instanceId", &[&id])
        .kempty("filterSet")
        .kb("includeAllInstances", false)
        .end();
}
pub(crate) const DESCRIBE_INSTANCE_STATUS: Api =
    Api::read(Svc::Ec2, "DescribeInstanceStatus", describe_instance_status);

fn describe_security_groups(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let sg = c.any(&acct.res.security_groups);
    c.req()
        .obj()
        .kempty("securityGroupSet")
        .items("securityGroupIdSet", "groupId", &[sg])
        .kempty("filterSet")
        .end();
}
pub(crate) const DESCRIBE_SECURITY_GROUPS: Api =
    Api::read(Svc::Ec2, "DescribeSecurityGroups", describe_security_groups);

fn describe_vpcs(c: &mut Ctx<'_>) {
    ec2_sets(c, &["vpcSet", "filterSet"]);
}
pub(crate) const DESCRIBE_VPCS: Api = Api::read(Svc::Ec2, "DescribeVpcs", describe_vpcs);

fn describe_subnets(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let vpc = c.any(&acct.res.vpcs);
    let j = c.req();
    j.obj().kempty("subnetSet").kobj("filterSet").karr("items");
    j.obj()
        .ks("name", "vpc-id")
        .items("valueSet", "value", &[vpc])
        .end();
    j.end_arr().end().end();
}
pub(crate) const DESCRIBE_SUBNETS: Api = Api::read(Svc::Ec2, "DescribeSubnets", describe_subnets);

fn describe_route_tables(c: &mut Ctx<'_>) {
    ec2_sets(c, &["routeTableIdSet", "filterSet"]);
}
pub(crate) const DESCRIBE_ROUTE_TABLES: Api =
    Api::read(Svc::Ec2, "DescribeRouteTables", describe_route_tables);

fn describe_network_interfaces(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let subnet = c.any(&acct.res.subnets);
    let j = c.req();
    j.obj()
        .kempty("networkInterfaceIdSet")
        .kobj("filterSet")
        .karr("items");
    j.obj()
        .ks("name", "subnet-id")
        .items("valueSet", "value", &[subnet])
        .end();
    j.end_arr().end().end();
}
pub(crate) const DESCRIBE_NETWORK_INTERFACES: Api = Api::read(
    Svc::Ec2,
    "DescribeNetworkInterfaces",
    describe_network_interfaces,
);

fn describe_volumes(c: &mut Ctx<'_>) {
    let id = one_instance(c).to_owned();
    let j = c.req();
    j.obj().kempty("volumeSet").kobj("filterSet").karr("items");
    j.obj()
        .ks("name", "attachment.instance-id")
        .items("valueSet", "value", &[&id])
        .end();
    j.end_arr().end().end();
}
pub(crate) const DESCRIBE_VOLUMES: Api = Api::read(Svc::Ec2, "DescribeVolumes", describe_volumes);

fn describe_snapshots(c: &mut Ctx<'_>) {
    c.req()
        .obj()
        .kempty("snapshotSet")
        .items("ownersSet", "owner", &["self"])
        .kempty("sharedUsers")
        .kempty("filterSet")
        .end();
}
pub(crate) const DESCRIBE_SNAPSHOTS: Api =
    Api::read(Svc::Ec2, "DescribeSnapshots", describe_snapshots);

fn describe_images(c: &mut Ctx<'_>) {
    c.req()
        .obj()
        .kempty("executableBySet")
        .kempty("imagesSet")
        .items("ownersSet", "owner", &["self"])
        .kempty("availabilityZoneSet")
        .kempty("filterSet")
        .end();
}
pub(crate) const DESCRIBE_IMAGES: Api = Api::read(Svc::Ec2, "DescribeImages", describe_images);

fn describe_tags(c: &mut Ctx<'_>) {
    let id = one_instance(c).to_owned();
    let j = c.req();
    j.obj().kobj("filterSet").karr("items");
    j.obj()
        .ks("name", "resource-id")
        .items("valueSet", "value", &[&id])
        .end();
    j.end_arr().end().end();
}
pub(crate) const DESCRIBE_TAGS: Api = Api::read(Svc::Ec2, "DescribeTags", describe_tags);

fn describe_azs(c: &mut Ctx<'_>) {
    ec2_sets(c, &["availabilityZoneSet", "availabilityZoneIdSet"]);
}
pub(crate) const DESCRIBE_AZS: Api = Api::read(Svc::Ec2, "DescribeAvailabilityZones", describe_azs);

fn describe_account_attributes(c: &mut Ctx<'_>) {
    c.req()
        .obj()
        .items(
            "accountAttributeNameSet",
            "attributeName",
            &["supported-platforms"],
        )
        .kempty("filterSet")
        .end();
}
pub(crate) const DESCRIBE_ACCOUNT_ATTRIBUTES: Api = Api::read(
    Svc::Ec2,
    "DescribeAccountAttributes",
    describe_account_attributes,
);

fn describe_addresses(c: &mut Ctx<'_>) {
    ec2_sets(c, &["publicIpsSet", "allocationIdsSet", "filterSet"]);
}
pub(crate) const DESCRIBE_ADDRESSES: Api =
    Api::read(Svc::Ec2, "DescribeAddresses", describe_addresses);

fn describe_launch_templates(c: &mut Ctx<'_>) {
    c.req().obj().ki("maxResults", 200).end();
}
pub(crate) const DESCRIBE_LAUNCH_TEMPLATES: Api = Api::read(
    Svc::Ec2,
    "DescribeLaunchTemplates",
    describe_launch_templates,
);

fn describe_regions(c: &mut Ctx<'_>) {
    ec2_sets(c, &["regionSet"]);
}
pub(crate) const DESCRIBE_REGIONS: Api = Api::read(Svc::Ec2, "DescribeRegions", describe_regions);

fn describe_nat_gateways(c: &mut Ctx<'_>) {
    c.req()
        .obj()
        .kobj("DescribeNatGatewaysRequest")
        .ki("MaxResults", 1000)
        .end()
        .end();
}
pub(crate) const DESCRIBE_NAT_GATEWAYS: Api =
    Api::read(Svc::Ec2, "DescribeNatGateways", describe_nat_gateways);

fn describe_key_pairs(c: &mut Ctx<'_>) {
    ec2_sets(c, &["keySet", "keyPairIdSet", "filterSet"]);
}
pub(crate) const DESCRIBE_KEY_PAIRS: Api =
    Api::read(Svc::Ec2, "DescribeKeyPairs", describe_key_pairs);

fn create_tags(c: &mut Ctx<'_>) {
    let id = one_instance(c).to_owned();
    let owner = ["platform", "data", "payments", "sre"][c.rng.index(4)];
    let j = c.req();
    j.obj()
        .items("resourcesSet", "resourceId", &[&id])
        .kobj("tagSet")
        .karr("items");
    j.obj().ks("key", "Owner").ks("value", owner).end();
    j.end_arr().end().end();
    let rid = c.uuid();
    c.resp()
        .obj()
        .ks("requestId", rid.as_str())
        .kb("_return", true)
        .end();
}
pub(crate) const CREATE_TAGS: Api = Api::write(Svc::Ec2, "CreateTags", create_tags);

fn state_change(c: &mut Ctx<'_>, from: (i64, &str), to: (i64, &str), force: bool) {
    let id = one_instance(c).to_owned();
    c.req().obj().items("instancesSet", "instanceId", &[&id]);
    if force {
        c.req().kb("force", false);
    }
    c.req().end();
    let rid = c.uuid();
    let j = c.resp();
    j.obj()
        .ks("requestId", rid.as_str())
        .kobj("instancesSet")
        .karr("items");
    j.obj()
        .ks("instanceId", &id)
        .kobj("currentState")
        .ki("code", to.0)
        .ks("name", to.1)
        .end()
        .kobj("previousState")
        .ki("code", from.0)
        .ks("name", from.1)
        .end()
        .end();
    j.end_arr().end().end();
}

fn start_instances(c: &mut Ctx<'_>) {
    state_change(c, (80, "stopped"), (0, "pending"), false);
}
pub(crate) const START_INSTANCES: Api = Api::write(Svc::Ec2, "StartInstances", start_instances);

fn stop_instances(c: &mut Ctx<'_>) {
    state_change(c, (16, "running"), (64, "stopping"), true);
}
pub(crate) const STOP_INSTANCES: Api = Api::write(Svc::Ec2, "StopInstances", stop_instances);

fn asg_run_instances(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let ami = c.any(&acct.res.amis);
    let subnet = c.any(&acct.res.subnets);
    let token = c.uuid();
    let itype = ["m6i.large", "m6i.xlarge", "c6i.large"][c.rng.index(3)];
    let j = c.req();
    j.obj().kobj("instancesSet").karr("items");
    j.obj()
        .ks("imageId", ami)
        .ki("minCount", 1)
        .ki("maxCount", 1)
        .end();
    j.end_arr().end();
    j.ks("instanceType", itype)
        .kempty("blockDeviceMapping")
        .kobj("monitoring")
        .kb("enabled", false)
        .end()
        .ks("subnetId", subnet)
        .kb("disableApiTermination", false)
        .kb("disableApiStop", false)
        .ks("clientToken", token.as_str())
        .end();
    let instance = ids::ec2_id(c.rng, "i");
    let reservation = ids::ec2_id(c.rng, "r");
    let rid = c.uuid();
    let ip = format!(
        "10.{}.{}.{}",
        c.rng.range(10, 200),
        c.rng.range(0, 47),
        c.rng.range(4, 250)
    );
    let account = c.account();
    let launch = c.time * 1000;
    let j = c.resp();
    j.obj()
        .ks("requestId", rid.as_str())
        .ks("reservationId", &reservation)
        .ks("ownerId", account)
        .kempty("groupSet");
    j.kobj("instancesSet").karr("items");
    j.obj()
        .ks("instanceId", &instance)
        .ks("imageId", ami)
        .kobj("instanceState")
        .ki("code", 0)
        .ks("name", "pending")
        .end()
        .ks("privateIpAddress", &ip)
        .ks("instanceType", itype)
        .ki("launchTime", launch)
        .ks("subnetId", subnet)
        .end();
    let j = c.resp();
    j.end_arr().end().end();
}
pub(crate) const ASG_RUN_INSTANCES: Api =
    Api::write(Svc::Ec2, "RunInstances", asg_run_instances).notable(Notable::AutoScalingLaunch);

fn asg_terminate_instances(c: &mut Ctx<'_>) {
    state_change(c, (16, "running"), (32, "shutting-down"), false);
}
pub(crate) const ASG_TERMINATE_INSTANCES: Api =
    Api::write(Svc::Ec2, "TerminateInstances", asg_terminate_instances);

// ---------------------------------------------------------------- ECS

fn describe_services(c: &mut Ctx<'_>) {
    let cl = cluster(c);
    let acct = c.acct;
    let s = c.mine(&acct.res.services);
    c.req()
        .obj()
        .key("cluster")
        .str_parts(&[acct.env, "-", cl])
        .kstrs("services", &[s])
        .end();
}
pub(crate) const ECS_DESCRIBE_SERVICES: Api =
    Api::read(Svc::Ecs, "DescribeServices", describe_services);

fn list_tasks(c: &mut Ctx<'_>) {
    let cl = cluster(c);
    let acct = c.acct;
    let s = c.mine(&acct.res.services);
    c.req()
        .obj()
        .key("cluster")
        .str_parts(&[acct.env, "-", cl])
        .ks("serviceName", s)
        .ks("desiredStatus", "RUNNING")
        .end();
}
pub(crate) const ECS_LIST_TASKS: Api = Api::read(Svc::Ecs, "ListTasks", list_tasks);

fn describe_tasks(c: &mut Ctx<'_>) {
    let cl = cluster(c);
    let acct = c.acct;
    let task = c.chars(ids::HEX, 32).to_owned();
    let region = c.region;
    c.req()
        .obj()
        .key("cluster")
        .str_parts(&[acct.env, "-", cl])
        .karr("tasks")
        .str_parts(&[
            "arn:aws:ecs:",
            region,
            ":",
            &acct.id,
            ":task/",
            acct.env,
            "-",
            cl,
            "/",
            &task,
        ])
        .end_arr()
        .end();
}
pub(crate) const ECS_DESCRIBE_TASKS: Api = Api::read(Svc::Ecs, "DescribeTasks", describe_tasks);

fn describe_clusters(c: &mut Ctx<'_>) {
    let acct = c.acct;
    c.req()
        .obj()
        .karr("clusters")
        .str_parts(&[acct.env, "-main"])
        .str_parts(&[acct.env, "-batch"])
        .end_arr()
        .end();
}
pub(crate) const ECS_DESCRIBE_CLUSTERS: Api =
    Api::read(Svc::Ecs, "DescribeClusters", describe_clusters);

fn list_services(c: &mut Ctx<'_>) {
    let cl = cluster(c);
    let acct = c.acct;
    c.req()
        .obj()
        .key("cluster")
        .str_parts(&[acct.env, "-", cl])
        .ki("maxResults", 100)
        .end();
}
pub(crate) const ECS_LIST_SERVICES: Api = Api::read(Svc::Ecs, "ListServices", list_services);

fn describe_task_definition(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let s = c.mine(&acct.res.services);
    let rev = c.rng.range(10, 400).to_string();
    c.req()
        .obj()
        .key("taskDefinition")
        .str_parts(&[s, ":", &rev])
        .end();
}
pub(crate) const ECS_DESCRIBE_TASK_DEFINITION: Api =
    Api::read(Svc::Ecs, "DescribeTaskDefinition", describe_task_definition);

fn register_task_definition(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let i = match c.comp {
        Some(i) => i,
        None => c.rng.index(acct.components.len()),
    };
    let comp = acct.components.get(i).copied().unwrap_or("app");
    let service = acct.res.services.get(i).map_or("app", String::as_str);
    let region = c.region;
    let sha = c.chars(ids::HEX, 12).to_owned();
    let image = format!(
        "{}.dkr.ecr.{region}.amazonaws.com/{}/{comp}:{sha}",
        acct.id,
        acct.res
            .repos
            .get(i)
            .map_or("app", |r| r.split('/').next().unwrap_or("app"))
    );
    let role = format!(
        "arn:aws:iam::{}:role/{comp}-{}-task-role",
        acct.id, acct.env
    );
    let exec = format!("arn:aws:iam::{}:role/ecsTaskExecutionRole", acct.id);
    let j = c.req();
    j.obj()
        .ks("family", service)
        .ks("taskRoleArn", &role)
        .ks("executionRoleArn", &exec)
        .ks("networkMode", "awsvpc");
    j.karr("containerDefinitions").obj();
    j.ks("name", comp)
        .ks("image", &image)
        .ki("cpu", 0)
        .kb("essential", true);
    j.karr("portMappings")
        .obj()
        .ki("containerPort", 8080)
        .ki("hostPort", 8080)
        .ks("protocol", "tcp")
        .end()
        .end_arr();
    j.kobj("logConfiguration")
        .ks("logDriver", "awslogs")
        .kobj("options");
    j.key("awslogs-group")
        .str_parts(&["/ecs/", service])
        .ks("awslogs-region", region)
        .ks("awslogs-stream-prefix", "ecs");
    j.end().end();
    j.end().end_arr();
    j.kstrs("requiresCompatibilities", &["FARGATE"])
        .ks("cpu", "512")
        .ks("memory", "1024")
        .end();
    let rev = c.rng.range(10, 400).to_string();
    let region = c.region;
    c.resp()
        .obj()
        .kobj("taskDefinition")
        .key("taskDefinitionArn")
        .str_parts(&[
            "arn:aws:ecs:",
            region,
            ":",
            &acct.id,
            ":task-definition/",
            service,
            ":",
            &rev,
        ])
        .ks("family", service)
        .ks("status", "ACTIVE")
        .end()
        .end();
}
pub(crate) const ECS_REGISTER_TASK_DEFINITION: Api =
    Api::write(Svc::Ecs, "RegisterTaskDefinition", register_task_definition);

fn update_service(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let s = c.mine(&acct.res.services);
    let rev = c.rng.range(10, 400).to_string();
    c.req()
        .obj()
        .key("cluster")
        .str_parts(&[acct.env, "-main"])
        .ks("service", s)
        .key("taskDefinition")
        .str_parts(&[s, ":", &rev])
        .kb("forceNewDeployment", false)
        .end();
    let region = c.region;
    c.resp()
        .obj()
        .kobj("service")
        .key("serviceArn")
        .str_parts(&[
            "arn:aws:ecs:",
            region,
            ":",
            &acct.id,
            ":service/",
            acct.env,
            "-main/",
            s,
        ])
        .ks("serviceName", s)
        .ks("status", "ACTIVE")
        .end()
        .end();
}
pub(crate) const ECS_UPDATE_SERVICE: Api = Api::write(Svc::Ecs, "UpdateService", update_service);

// ---------------------------------------------------------------- ECR

fn get_authorization_token(c: &mut Ctx<'_>) {
    let account = c.account();
    c.req().obj().kstrs("registryIds", &[account]).end();
}
pub(crate) const ECR_GET_AUTHORIZATION_TOKEN: Api =
    Api::read(Svc::Ecr, "GetAuthorizationToken", get_authorization_token);

fn repo<'x>(c: &mut Ctx<'_>, acct: &'x crate::world::Account) -> &'x str {
    match c.comp {
        Some(i) if !acct.res.repos.is_empty() => &acct.res.repos[i % acct.res.repos.len()],
        _ => acct
            .res
            .repos
            .get(c.rng.index(acct.res.repos.len()))
            .map_or("app", String::as_str),
    }
}

fn batch_get_image(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let r = repo(c, acct);
    let tag = c.chars(ids::HEX, 12).to_owned();
    c.req()
        .obj()
        .ks("repositoryName", r)
        .ks("registryId", &acct.id)
        .karr("imageIds")
        .obj()
        .ks("imageTag", &tag)
        .end()
        .end_arr()
        .kstrs(
            "acceptedMediaTypes",
            &[
                "application/vnd.docker.distribution.manifest.v2+json",
                "application/vnd.oci.image.manifest.v1+json",
            ],
        )
        .end();
    let region = c.region;
    c.body.resource(
        Some(&acct.id),
        "AWS::ECR::Repository",
        &["arn:aws:ecr:", region, ":", &acct.id, ":repository/", r],
    );
}
pub(crate) const ECR_BATCH_GET_IMAGE: Api = Api::read(Svc::Ecr, "BatchGetImage", batch_get_image);

fn get_download_url_for_layer(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let r = repo(c, acct);
    let digest = format!("sha256:{}", c.chars(ids::HEX, 64));
    c.req()
        .obj()
        .ks("repositoryName", r)
        .ks("registryId", &acct.id)
        .ks("layerDigest", &digest)
        .end();
    let region = c.region;
    c.body.resource(
        Some(&acct.id),
        "AWS::ECR::Repository",
        &["arn:aws:ecr:", region, ":", &acct.id, ":repository/", r],
    );
}
pub(crate) const ECR_GET_DOWNLOAD_URL_FOR_LAYER: Api = Api::read(
    Svc::Ecr,
    "GetDownloadUrlForLayer",
    get_download_url_for_layer,
);

fn describe_repositories(c: &mut Ctx<'_>) {
    c.req().obj().ki("maxResults", 100).end();
}
pub(crate) const ECR_DESCRIBE_REPOSITORIES: Api =
    Api::read(Svc::Ecr, "DescribeRepositories", describe_repositories);

fn ecr_describe_images(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let r = repo(c, acct);
    c.req()
        .obj()
        .ks("repositoryName", r)
        .ki("maxResults", 100)
        .end();
}
pub(crate) const ECR_DESCRIBE_IMAGES: Api =
    Api::read(Svc::Ecr, "DescribeImages", ecr_describe_images);

fn put_image(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let r = repo(c, acct);
    let tag = c.chars(ids::HEX, 12).to_owned();
    c.req()
        .obj()
        .ks("repositoryName", r)
        .ks("imageTag", &tag)
        .ks("imageManifest", "HIDDEN_DUE_TO_SECURITY_REASONS")
        .ks(
            "imageManifestMediaType",
            "application/vnd.oci.image.manifest.v1+json",
        )
        .end();
    let digest = format!("sha256:{}", c.chars(ids::HEX, 64));
    c.resp()
        .obj()
        .kobj("image")
        .ks("registryId", &acct.id)
        .ks("repositoryName", r)
        .kobj("imageId")
        .ks("imageDigest", &digest)
        .ks("imageTag", &tag)
        .end()
        .end()
        .end();
    let region = c.region;
    c.body.resource(
        Some(&acct.id),
        "AWS::ECR::Repository",
        &["arn:aws:ecr:", region, ":", &acct.id, ":repository/", r],
    );
}
pub(crate) const ECR_PUT_IMAGE: Api = Api::write(Svc::Ecr, "PutImage", put_image);

// ---------------------------------------------------------------- ELB / Auto Scaling

fn lb_arn(c: &mut Ctx<'_>) -> String {
    let acct = c.acct;
    let lb = c.any(&acct.res.load_balancers);
    let suffix = c.chars(ids::HEX, 16).to_owned();
    format!(
        "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/app/{lb}/{suffix}",
        c.region, acct.id
    )
}

fn tg_arn(c: &mut Ctx<'_>) -> String {
    let acct = c.acct;
    let tg = c.mine(&acct.res.target_groups);
    let suffix = c.chars(ids::HEX, 16).to_owned();
    format!(
        "arn:aws:elasticloadbalancing:{}:{}:targetgroup/{tg}/{suffix}",
        c.region, acct.id
    )
}

fn describe_load_balancers(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let lb = c.any(&acct.res.load_balancers);
    c.req().obj().kstrs("names", &[lb]).end();
}
pub(crate) const ELB_DESCRIBE_LOAD_BALANCERS: Api =
    Api::read(Svc::Elb, "DescribeLoadBalancers", describe_load_balancers);

fn describe_target_groups(c: &mut Ctx<'_>) {
    let arn = lb_arn(c);
    c.req().obj().ks("loadBalancerArn", &arn).end();
}
pub(crate) const ELB_DESCRIBE_TARGET_GROUPS: Api =
    Api::read(Svc::Elb, "DescribeTargetGroups", describe_target_groups);
pub(crate) const ELB_DESCRIBE_LISTENERS: Api =
    Api::read(Svc::Elb, "DescribeListeners", describe_target_groups);

fn describe_target_health(c: &mut Ctx<'_>) {
    let arn = tg_arn(c);
    c.req().obj().ks("targetGroupArn", &arn).end();
}
pub(crate) const ELB_DESCRIBE_TARGET_HEALTH: Api =
    Api::read(Svc::Elb, "DescribeTargetHealth", describe_target_health);

fn describe_asgs(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let g = c.any(&acct.res.asgs);
    c.req().obj().kstrs("autoScalingGroupNames", &[g]).end();
}
pub(crate) const ASG_DESCRIBE_GROUPS: Api =
    Api::read(Svc::AutoScaling, "DescribeAutoScalingGroups", describe_asgs);

fn describe_scaling_activities(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let g = c.any(&acct.res.asgs);
    c.req()
        .obj()
        .ks("autoScalingGroupName", g)
        .ki("maxRecords", 20)
        .end();
}
pub(crate) const ASG_DESCRIBE_SCALING_ACTIVITIES: Api = Api::read(
    Svc::AutoScaling,
    "DescribeScalingActivities",
    describe_scaling_activities,
);
