//! Lambda, CloudTrail, CloudWatch, messaging, CloudFormation, Route 53 and security-service calls.

use super::*;

// ---------------------------------------------------------------- Lambda

fn function_name(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let f = c.mine(&acct.res.functions);
    c.req().obj().ks("functionName", f).end();
}
pub(crate) const LAMBDA_GET_FUNCTION: Api =
    Api::read(Svc::Lambda, "GetFunction20150331v2", function_name);
pub(crate) const LAMBDA_GET_FUNCTION_CONFIGURATION: Api = Api::read(
    Svc::Lambda,
    "GetFunctionConfiguration20150331v2",
    function_name,
);
pub(crate) const LAMBDA_GET_POLICY: Api =
    Api::read(Svc::Lambda, "GetPolicy20150331v2", function_name).nf(
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
        300,
    );

fn list_functions(c: &mut Ctx<'_>) {
    c.req().obj().ki("maxItems", 50).end();
}
pub(crate) const LAMBDA_LIST_FUNCTIONS: Api =
    Api::read(Svc::Lambda, "ListFunctions20150331", list_functions);
pub(crate) const LAMBDA_LIST_EVENT_SOURCE_MAPPINGS: Api = Api::read(
    Svc::Lambda,
    "ListEventSourceMappings20150331",
    function_name,
);

fn lambda_tags(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let f = c.mine(&acct.res.functions);
    let arn = function_arn(c, f);
    c.req().obj().ks("resource", &arn).end();
}
pub(crate) const LAMBDA_LIST_TAGS: Api = Api::read(Svc::Lambda, "ListTags20170331", lambda_tags);

fn function_config_response(c: &mut Ctx<'_>, f: &str, version: &str) {
    let arn = function_arn(c, f);
    let acct = c.acct;
    let role = format!("arn:aws:iam::{}:role/service-role/{f}-role", acct.id);
    let sha = c.chars(ids::B64, 43).to_owned();
    let rev = c.uuid();
    let modified = clock::lambda_time(c.time);
    c.resp()
        .obj()
        .ks("functionName", f)
        .key("functionArn")
        .str_parts(&[&arn, ":", version])
        .ks("runtime", "python3.12")
        .ks("role", &role)
        .ks("handler", "app.handler")
        .ki("codeSize", 48_213)
        .ks("description", "")
        .ki("timeout", 30)
        .ki("memorySize", 512)
        .ks("lastModified", modified.as_str())
        .key("codeSha256")
        .str_parts(&[&sha, "="])
        .ks("version", version)
        .kobj("tracingConfig")
        .ks("mode", "PassThrough")
        .end()
        .ks("revisionId", rev.as_str())
        .ks("state", "Active")
        .ks("lastUpdateStatus", "InProgress")
        .ks("packageType", "Zip")
        .kstrs("architectures", &["arm64"])
        .end();
}

fn update_function_code(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let f = c.mine(&acct.res.functions);
    let key = format!("lambda/{f}/{}.zip", c.chars(ids::HEX, 40));
    let arn = function_arn(c, f);
    c.req()
        .obj()
        .ks("functionName", &arn)
        .ks("s3Bucket", &acct.res.artifact_bucket)
        .ks("s3Key", &key)
        .kb("publish", false)
        .kb("dryRun", false)
        .end();
    function_config_response(c, f, "$LATEST");
}
pub(crate) const LAMBDA_UPDATE_FUNCTION_CODE: Api = Api::write(
    Svc::Lambda,
    "UpdateFunctionCode20150331v2",
    update_function_code,
);

fn publish_version(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let f = c.mine(&acct.res.functions);
    c.req().obj().ks("functionName", f).end();
    let v = c.rng.range(2, 90).to_string();
    function_config_response(c, f, &v);
}
pub(crate) const LAMBDA_PUBLISH_VERSION: Api =
    Api::write(Svc::Lambda, "PublishVersion20150331", publish_version);

fn add_permission_service(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let f = c.mine(&acct.res.functions);
    let region = c.region;
    let (principal, source_arn) = match c.rng.below(3) {
        0 => (
            "s3.amazonaws.com",
            format!("arn:aws:s3:::{}", c.mine(&acct.res.buckets)),
        ),
        1 => (
            "events.amazonaws.com",
            format!(
                "arn:aws:events:{region}:{}:rule/{}",
                acct.id,
                c.any(&acct.res.rules)
            ),
        ),
        _ => (
            "apigateway.amazonaws.com",
            format!(
                "arn:aws:execute-api:{region}:{}:{}/*/POST/*",
                acct.id,
                c.chars(ids::LOWER_ALNUM, 10)
            ),
        ),
    };
    let sid = format!(
        "{}-invoke-{}",
        principal.split('.').next().unwrap_or("svc"),
        c.chars(ids::LOWER_ALNUM, 8)
    );
    c.req()
        .obj()
        .ks("functionName", f)
        .ks("statementId", &sid)
        .ks("action", "lambda:InvokeFunction")
        .ks("principal", principal)
        .ks("sourceArn", &source_arn)
        .ks("sourceAccount", &acct.id)
        .end();
    let statement = format!(
        "{{\"Sid\":\"{sid}\",\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"{principal}\"}},\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:{region}:{}:function:{f}\",\"Condition\":{{\"StringEquals\":{{\"AWS:SourceAccount\":\"{}\"}},\"ArnLike\":{{\"AWS:SourceArn\":\"{source_arn}\"}}}}}}",
        acct.id, acct.id
    );
    c.resp().obj().ks("statement", &statement).end();
}
pub(crate) const LAMBDA_ADD_PERMISSION_SERVICE: Api = Api::write(
    Svc::Lambda,
    "AddPermission20150331v2",
    add_permission_service,
)
.notable(Notable::LambdaServicePermission);

// ---------------------------------------------------------------- CloudTrail

fn describe_trails(c: &mut Ctx<'_>) {
    c.req()
        .obj()
        .karr("trailNameList")
        .end_arr()
        .kb("includeShadowTrails", true)
        .end();
}
pub(crate) const CT_DESCRIBE_TRAILS: Api =
    Api::read(Svc::CloudTrail, "DescribeTrails", describe_trails);

fn trail_arn(c: &mut Ctx<'_>) -> String {
    let acct = c.acct;
    format!(
        "arn:aws:cloudtrail:{}:{}:trail/{}",
        c.region, acct.id, acct.res.trail
    )
}

fn trail_status(c: &mut Ctx<'_>) {
    let arn = trail_arn(c);
    c.req().obj().ks("name", &arn).end();
}
pub(crate) const CT_GET_TRAIL_STATUS: Api =
    Api::read(Svc::CloudTrail, "GetTrailStatus", trail_status);

fn event_selectors(c: &mut Ctx<'_>) {
    let arn = trail_arn(c);
    c.req().obj().ks("trailName", &arn).end();
}
pub(crate) const CT_GET_EVENT_SELECTORS: Api =
    Api::read(Svc::CloudTrail, "GetEventSelectors", event_selectors);

fn lookup_events(c: &mut Ctx<'_>) {
    let start = clock::iso(c.time - 86_400 * 3);
    let end = clock::iso(c.time);
    c.req()
        .obj()
        .ks("startTime", start.as_str())
        .ks("endTime", end.as_str())
        .ki("maxResults", 50);
    if c.rng.chance(0.5) {
        c.req()
            .karr("lookupAttributes")
            .obj()
            .ks("attributeKey", "ReadOnly")
            .ks("attributeValue", "false")
            .end()
            .end_arr();
    }
    c.req().end();
}
pub(crate) const CT_LOOKUP_EVENTS: Api = Api::read(Svc::CloudTrail, "LookupEvents", lookup_events);

// ---------------------------------------------------------------- CloudWatch Logs

fn log_group_prefix(c: &mut Ctx<'_>) {
    let prefix = ["/aws/lambda/", "/ecs/", "/aws/rds/", "/aws/vpc/"][c.rng.index(4)];
    c.req()
        .obj()
        .ks("logGroupNamePrefix", prefix)
        .ki("limit", 50)
        .end();
}
pub(crate) const LOGS_DESCRIBE_LOG_GROUPS: Api =
    Api::read(Svc::Logs, "DescribeLogGroups", log_group_prefix);

fn describe_log_streams(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let g = c.mine(&acct.res.log_groups);
    c.req()
        .obj()
        .ks("logGroupName", g)
        .ks("orderBy", "LastEventTime")
        .kb("descending", true)
        .ki("limit", 50)
        .end();
}
pub(crate) const LOGS_DESCRIBE_LOG_STREAMS: Api =
    Api::read(Svc::Logs, "DescribeLogStreams", describe_log_streams);

fn filter_log_events(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let g = c.mine(&acct.res.log_groups);
    let pattern = ["ERROR", "?Exception ?Timeout", "\"status=500\"", "WARN"][c.rng.index(4)];
    let t = c.time * 1000;
    c.req()
        .obj()
        .ks("logGroupName", g)
        .ki("startTime", t - 3_600_000)
        .ki("endTime", t)
        .ks("filterPattern", pattern)
        .kb("interleaved", true)
        .end();
}
pub(crate) const LOGS_FILTER_LOG_EVENTS: Api =
    Api::read(Svc::Logs, "FilterLogEvents", filter_log_events);

fn log_stream_name(c: &mut Ctx<'_>) -> String {
    let day = clock::path_date(c.time);
    format!("{day}/[$LATEST]{}", c.chars(ids::HEX, 32))
}

fn get_log_events(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let g = c.mine(&acct.res.log_groups);
    let s = log_stream_name(c);
    c.req()
        .obj()
        .ks("logGroupName", g)
        .ks("logStreamName", &s)
        .kb("startFromHead", false)
        .end();
}
pub(crate) const LOGS_GET_LOG_EVENTS: Api = Api::read(Svc::Logs, "GetLogEvents", get_log_events);

fn create_log_stream(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let g = c.mine(&acct.res.log_groups);
    let s = log_stream_name(c);
    c.req()
        .obj()
        .ks("logGroupName", g)
        .ks("logStreamName", &s)
        .end();
}
pub(crate) const LOGS_CREATE_LOG_STREAM: Api =
    Api::write(Svc::Logs, "CreateLogStream", create_log_stream).nf(
        "ResourceAlreadyExistsException",
        "The specified log stream already exists",
        20,
    );

fn start_query(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let g = c.mine(&acct.res.log_groups);
    let t = c.time;
    c.req()
        .obj()
        .kstrs("logGroupNames", &[g])
        .ki("startTime", t - 3600)
        .ki("endTime", t)
        .ks("queryString", "fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 100")
        .end();
    let q = c.uuid();
    c.resp().obj().ks("queryId", q.as_str()).end();
}
pub(crate) const LOGS_START_QUERY: Api = Api::read(Svc::Logs, "StartQuery", start_query);

fn get_query_results(c: &mut Ctx<'_>) {
    let q = c.uuid();
    c.req().obj().ks("queryId", q.as_str()).end();
}
pub(crate) const LOGS_GET_QUERY_RESULTS: Api =
    Api::read(Svc::Logs, "GetQueryResults", get_query_results);

// ---------------------------------------------------------------- CloudWatch

fn get_metric_data(c: &mut Ctx<'_>) {
    let end = clock::iso(c.time - c.time % 60);
    let start = clock::iso(c.time - c.time % 60 - 10_800);
    let (ns, metric) = [
        ("AWS/EC2", "CPUUtilization"),
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
        ("AWS/Lambda", "Errors"),
        ("AWS/RDS", "DatabaseConnections"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    ][c.rng.index(5)];
    let j = c.req();
    j.obj()
        .karr("metricDataQueries")
        .obj()
        .ks("id", "m0")
        .kobj("metricStat")
        .kobj("metric");
    j.ks("namespace", ns)
        .ks("metricName", metric)
        .end()
        .ki("period", 300)
        .ks("stat", "Average")
        .end();
    j.kb("returnData", true).end().end_arr();
    j.ks("startTime", start.as_str())
        .ks("endTime", end.as_str())
        .end();
}
pub(crate) const CW_GET_METRIC_DATA: Api =
    Api::read(Svc::Monitoring, "GetMetricData", get_metric_data);

fn describe_alarms(c: &mut Ctx<'_>) {
    if c.rng.chance(0.5) {
        let acct = c.acct;
        let a = c.any(&acct.res.alarms);
        c.req().obj().kstrs("alarmNames", &[a]).end();
    } else {
        c.req()
            .obj()
            .ki("maxRecords", 100)
            .kstrs("alarmTypes", &["CompositeAlarm", "MetricAlarm"])
            .end();
    }
}
pub(crate) const CW_DESCRIBE_ALARMS: Api =
    Api::read(Svc::Monitoring, "DescribeAlarms", describe_alarms);

fn list_metrics(c: &mut Ctx<'_>) {
    let ns = ["AWS/EC2", "AWS/Lambda", "AWS/ECS", "CWAgent"][c.rng.index(4)];
    c.req().obj().ks("namespace", ns).end();
}
pub(crate) const CW_LIST_METRICS: Api = Api::read(Svc::Monitoring, "ListMetrics", list_metrics);

fn get_metric_statistics(c: &mut Ctx<'_>) {
    let id = one_instance(c).to_owned();
    let end = clock::iso(c.time - c.time % 60);
    let start = clock::iso(c.time - c.time % 60 - 3600);
    c.req()
        .obj()
        .ks("namespace", "AWS/EC2")
        .ks("metricName", "CPUUtilization")
        .karr("dimensions")
        .obj()
        .ks("name", "InstanceId")
        .ks("value", &id)
        .end()
        .end_arr()
        .ks("startTime", start.as_str())
        .ks("endTime", end.as_str())
        .ki("period", 300)
        .kstrs("statistics", &["Average"])
        .end();
}
pub(crate) const CW_GET_METRIC_STATISTICS: Api = Api::read(
    Svc::Monitoring,
    "GetMetricStatistics",
    get_metric_statistics,
);

// ---------------------------------------------------------------- SQS / SNS

fn get_queue_url(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let q = c.mine(&acct.res.queues);
    c.req().obj().ks("queueName", q).end();
}
pub(crate) const SQS_GET_QUEUE_URL: Api = Api::read(Svc::Sqs, "GetQueueUrl", get_queue_url);

fn get_queue_attributes(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let q = c.mine(&acct.res.queues);
    let region = c.region;
    c.req()
        .obj()
        .key("queueUrl")
        .str_parts(&["https://sqs.", region, ".amazonaws.com/", &acct.id, "/", q])
        .kstrs("attributeNames", &["All"])
        .end();
}
pub(crate) const SQS_GET_QUEUE_ATTRIBUTES: Api =
    Api::read(Svc::Sqs, "GetQueueAttributes", get_queue_attributes);

fn list_queues(c: &mut Ctx<'_>) {
    let acct = c.acct;
    c.req().obj().ks("queueNamePrefix", acct.env).end();
}
pub(crate) const SQS_LIST_QUEUES: Api = Api::read(Svc::Sqs, "ListQueues", list_queues);

pub(crate) const SNS_LIST_TOPICS: Api = Api::read(Svc::Sns, "ListTopics", null);

fn topic_arn(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let t = c.any(&acct.res.topics);
    let region = c.region;
    c.req()
        .obj()
        .key("topicArn")
        .str_parts(&["arn:aws:sns:", region, ":", &acct.id, ":", t])
        .end();
}
pub(crate) const SNS_GET_TOPIC_ATTRIBUTES: Api =
    Api::read(Svc::Sns, "GetTopicAttributes", topic_arn);
pub(crate) const SNS_LIST_SUBSCRIPTIONS_BY_TOPIC: Api =
    Api::read(Svc::Sns, "ListSubscriptionsByTopic", topic_arn);

// ---------------------------------------------------------------- CloudFormation

fn stack_name(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let s = c.any(&acct.res.stacks);
    c.req().obj().ks("stackName", s).end();
}
pub(crate) const CFN_DESCRIBE_STACKS: Api =
    Api::read(Svc::CloudFormation, "DescribeStacks", stack_name);
pub(crate) const CFN_DESCRIBE_STACK_EVENTS: Api =
    Api::read(Svc::CloudFormation, "DescribeStackEvents", stack_name);
pub(crate) const CFN_DESCRIBE_STACK_RESOURCES: Api =
    Api::read(Svc::CloudFormation, "DescribeStackResources", stack_name);
pub(crate) const CFN_GET_TEMPLATE: Api = Api::read(Svc::CloudFormation, "GetTemplate", stack_name);

fn list_stacks(c: &mut Ctx<'_>) {
    c.req()
        .obj()
        .kstrs(
            "stackStatusFilter",
            &[
                "CREATE_COMPLETE",
                "UPDATE_COMPLETE",
                "UPDATE_ROLLBACK_COMPLETE",
            ],
        )
        .end();
}
pub(crate) const CFN_LIST_STACKS: Api = Api::read(Svc::CloudFormation, "ListStacks", list_stacks);

// ---------------------------------------------------------------- Route 53

fn list_hosted_zones(c: &mut Ctx<'_>) {
    c.req().obj().ks("maxitems", "100").end();
}
pub(crate) const R53_LIST_HOSTED_ZONES: Api =
    Api::read(Svc::Route53, "ListHostedZones", list_hosted_zones);

fn hosted_zone(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let z = c.any(&acct.res.hosted_zones);
    c.req().obj().ks("hostedZoneId", z).end();
}
pub(crate) const R53_LIST_RESOURCE_RECORD_SETS: Api =
    Api::read(Svc::Route53, "ListResourceRecordSets", hosted_zone);

fn get_hosted_zone(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let z = c.any(&acct.res.hosted_zones);
    c.req().obj().ks("id", z).end();
}
pub(crate) const R53_GET_HOSTED_ZONE: Api =
    Api::read(Svc::Route53, "GetHostedZone", get_hosted_zone);

// ---------------------------------------------------------------- Config / GuardDuty / Health / Events

fn describe_config_rules(c: &mut Ctx<'_>) {
    c.req().obj().end();
}
pub(crate) const CONFIG_DESCRIBE_CONFIG_RULES: Api =
    Api::read(Svc::Config, "DescribeConfigRules", describe_config_rules);

pub(crate) const GD_LIST_DETECTORS: Api = Api::read(Svc::GuardDuty, "ListDetectors", null);

fn detector(c: &mut Ctx<'_>) {
    let acct = c.acct;
    c.req().obj().ks("detectorId", &acct.res.detector).end();
}
pub(crate) const GD_GET_DETECTOR: Api = Api::read(Svc::GuardDuty, "GetDetector", detector);

fn list_findings(c: &mut Ctx<'_>) {
    let acct = c.acct;
    c.req()
        .obj()
        .ks("detectorId", &acct.res.detector)
        .ki("maxResults", 50)
        .kobj("sortCriteria")
        .ks("attributeName", "updatedAt")
        .ks("orderBy", "DESC")
        .end()
        .end();
}
pub(crate) const GD_LIST_FINDINGS: Api = Api::read(Svc::GuardDuty, "ListFindings", list_findings);

fn get_findings(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let f = c.chars(ids::HEX, 32).to_owned();
    c.req()
        .obj()
        .ks("detectorId", &acct.res.detector)
        .kstrs("findingIds", &[&f])
        .end();
}
pub(crate) const GD_GET_FINDINGS: Api = Api::read(Svc::GuardDuty, "GetFindings", get_findings);

fn describe_event_aggregates(c: &mut Ctx<'_>) {
    let from = clock::iso(c.time - 7 * 86_400);
    c.req()
        .obj()
        .ks("aggregateField", "eventTypeCategory")
        .kobj("filter")
        .kstrs("eventStatusCodes", &["open", "upcoming"])
        .karr("startTimes")
        .obj()
        .ks("from", from.as_str())
        .end()
        .end_arr()
        .end()
        .end();
}
pub(crate) const HEALTH_DESCRIBE_EVENT_AGGREGATES: Api = Api::read(
    Svc::Health,
    "DescribeEventAggregates",
    describe_event_aggregates,
);

fn list_rules(c: &mut Ctx<'_>) {
    c.req().obj().ki("limit", 100).end();
}
pub(crate) const EVENTS_LIST_RULES: Api = Api::read(Svc::Events, "ListRules", list_rules);

fn describe_rule(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let r = c.any(&acct.res.rules);
    c.req().obj().ks("name", r).end();
}
pub(crate) const EVENTS_DESCRIBE_RULE: Api = Api::read(Svc::Events, "DescribeRule", describe_rule);
