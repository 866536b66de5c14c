//! S3, DynamoDB, RDS, Athena and Glue calls.

use super::*;

// ---------------------------------------------------------------- S3

fn list_buckets(c: &mut Ctx<'_>) {
    c.s3 = true;
    c.host.clear();
    c.host.push_str("s3.amazonaws.com");
    c.req().obj().ks("Host", "s3.amazonaws.com").end();
    s3_extra(c, 0);
}
pub(crate) const LIST_BUCKETS: Api = Api::read(Svc::S3, "ListBuckets", list_buckets);

fn get_bucket_location(c: &mut Ctx<'_>) {
    bucket_sub(c, "location");
}
pub(crate) const GET_BUCKET_LOCATION: Api =
    Api::read(Svc::S3, "GetBucketLocation", get_bucket_location);

fn get_bucket_acl(c: &mut Ctx<'_>) {
    bucket_sub(c, "acl");
}
pub(crate) const GET_BUCKET_ACL: Api = Api::read(Svc::S3, "GetBucketAcl", get_bucket_acl);

fn get_bucket_policy(c: &mut Ctx<'_>) {
    bucket_sub(c, "policy");
}
pub(crate) const GET_BUCKET_POLICY: Api = Api::read(Svc::S3, "GetBucketPolicy", get_bucket_policy)
    .nf(
        "NoSuchBucketPolicy",
        "The bucket policy does not exist",
        350,
    );

fn get_bucket_versioning(c: &mut Ctx<'_>) {
    bucket_sub(c, "versioning");
}
pub(crate) const GET_BUCKET_VERSIONING: Api =
    Api::read(Svc::S3, "GetBucketVersioning", get_bucket_versioning);

fn get_bucket_encryption(c: &mut Ctx<'_>) {
    bucket_sub(c, "encryption");
}
pub(crate) const GET_BUCKET_ENCRYPTION: Api =
    Api::read(Svc::S3, "GetBucketEncryption", get_bucket_encryption);

fn get_bucket_tagging(c: &mut Ctx<'_>) {
    bucket_sub(c, "tagging");
}
pub(crate) const GET_BUCKET_TAGGING: Api = Api::read(
    Svc::S3,
    "GetBucketTagging",
    get_bucket_tagging,
)
.nf("NoSuchTagSet", "The TagSet does not exist", 250);

fn get_bucket_public_access_block(c: &mut Ctx<'_>) {
    bucket_sub(c, "publicAccessBlock");
}
pub(crate) const GET_BUCKET_PUBLIC_ACCESS_BLOCK: Api = Api::read(
    Svc::S3,
    "GetBucketPublicAccessBlock",
    get_bucket_public_access_block,
);

fn get_bucket_logging(c: &mut Ctx<'_>) {
    bucket_sub(c, "logging");
}
pub(crate) const GET_BUCKET_LOGGING: Api =
    Api::read(Svc::S3, "GetBucketLogging", get_bucket_logging);

fn get_bucket_policy_status(c: &mut Ctx<'_>) {
    bucket_sub(c, "policyStatus");
}
pub(crate) const GET_BUCKET_POLICY_STATUS: Api =
    Api::read(Svc::S3, "GetBucketPolicyStatus", get_bucket_policy_status).nf(
        "NoSuchBucketPolicy",
        "The bucket policy does not exist",
        350,
    );

fn get_bucket_ownership_controls(c: &mut Ctx<'_>) {
    bucket_sub(c, "ownershipControls");
}
pub(crate) const GET_BUCKET_OWNERSHIP_CONTROLS: Api = Api::read(
    Svc::S3,
    "GetBucketOwnershipControls",
    get_bucket_ownership_controls,
);

fn get_bucket_lifecycle(c: &mut Ctx<'_>) {
    bucket_sub(c, "lifecycle");
}
pub(crate) const GET_BUCKET_LIFECYCLE: Api =
    Api::read(Svc::S3, "GetBucketLifecycle", get_bucket_lifecycle).nf(
        "NoSuchLifecycleConfiguration",
        "The lifecycle configuration does not exist",
        400,
    );

fn get_object(c: &mut Ctx<'_>) {
    s3_object(c, false);
}
pub(crate) const GET_OBJECT: Api = Api::read(Svc::S3, "GetObject", get_object).data().nf(
    "NoSuchKey",
    "The specified key does not exist.",
    5,
);

fn head_object(c: &mut Ctx<'_>) {
    s3_object(c, false);
}
pub(crate) const HEAD_OBJECT: Api = Api::read(Svc::S3, "HeadObject", head_object).data().nf(
    "NoSuchKey",
    "The specified key does not exist.",
    30,
);

fn put_object(c: &mut Ctx<'_>) {
    s3_object(c, true);
}
pub(crate) const PUT_OBJECT: Api = Api::write(Svc::S3, "PutObject", put_object).data();

fn put_artifact(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let bucket = acct.res.artifact_bucket.as_str();
    let comp = c.mine(&acct.res.functions).to_owned();
    let key = format!("lambda/{comp}/{}.zip", c.chars(ids::HEX, 40));
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
    s3_extra(c, 4_000_000);
    c.body.resource(
        None,
        "AWS::S3::Object",
        &["arn:aws:s3:::", bucket, "/", &key],
    );
    let account = c.account();
    c.body
        .resource(Some(account), "AWS::S3::Bucket", &["arn:aws:s3:::", bucket]);
}
pub(crate) const PUT_ARTIFACT: Api = Api::write(Svc::S3, "PutObject", put_artifact).data();

fn list_objects(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let bucket = c.mine(&acct.res.buckets);
    c.s3 = true;
    c.host.clear();
    c.host.push_str(bucket);
    c.host.push_str(".s3.");
    c.host.push_str(c.region);
    c.host.push_str(".amazonaws.com");
    let host = std::mem::take(c.host);
    let prefix = ["exports/", "uploads/", "reports/", "events/", ""][c.rng.index(5)];
    c.req()
        .obj()
        .ks("bucketName", bucket)
        .ks("Host", &host)
        .ks("list-type", "2")
        .ks("prefix", prefix)
        .ks("encoding-type", "url")
        .end();
    *c.host = host;
    s3_extra(c, 0);
    let account = c.account();
    c.body
        .resource(Some(account), "AWS::S3::Bucket", &["arn:aws:s3:::", bucket]);
}
pub(crate) const LIST_OBJECTS: Api = Api::read(Svc::S3, "ListObjects", list_objects).data();

fn trail_bucket_acl(c: &mut Ctx<'_>) {
    c.invoked_by = Some("cloudtrail.amazonaws.com");
    let acct = c.acct;
    s3_bucket_call(c, &acct.res.trail_bucket, "acl");
}
pub(crate) const TRAIL_BUCKET_ACL: Api = Api::read(Svc::S3, "GetBucketAcl", trail_bucket_acl);

// ---------------------------------------------------------------- DynamoDB

fn table_name(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let t = c.mine(&acct.res.tables);
    c.req().obj().ks("tableName", t).end();
    let region = c.region;
    c.body.resource(
        Some(&acct.id),
        "AWS::DynamoDB::Table",
        &["arn:aws:dynamodb:", region, ":", &acct.id, ":table/", t],
    );
}
pub(crate) const DDB_DESCRIBE_TABLE: Api = Api::read(Svc::DynamoDb, "DescribeTable", table_name);
pub(crate) const DDB_DESCRIBE_TIME_TO_LIVE: Api =
    Api::read(Svc::DynamoDb, "DescribeTimeToLive", table_name);
pub(crate) const DDB_DESCRIBE_CONTINUOUS_BACKUPS: Api =
    Api::read(Svc::DynamoDb, "DescribeContinuousBackups", table_name);

fn list_tables(c: &mut Ctx<'_>) {
    c.req().obj().ki("limit", 100).end();
}
pub(crate) const DDB_LIST_TABLES: Api = Api::read(Svc::DynamoDb, "ListTables", list_tables);

// ---------------------------------------------------------------- RDS

fn describe_db_instances(c: &mut Ctx<'_>) {
    if c.rng.chance(0.5) {
        let acct = c.acct;
        let db = c.any(&acct.res.db_instances);
        c.req().obj().ks("dBInstanceIdentifier", db).end();
    } else {
        c.req().obj().ki("maxRecords", 100).end();
    }
}
pub(crate) const RDS_DESCRIBE_DB_INSTANCES: Api =
    Api::read(Svc::Rds, "DescribeDBInstances", describe_db_instances);

fn describe_db_clusters(c: &mut Ctx<'_>) {
    c.req().obj().kb("includeShared", false).end();
}
pub(crate) const RDS_DESCRIBE_DB_CLUSTERS: Api =
    Api::read(Svc::Rds, "DescribeDBClusters", describe_db_clusters);

fn describe_db_events(c: &mut Ctx<'_>) {
    c.req()
        .obj()
        .ks("sourceType", "db-instance")
        .ki("duration", 1440)
        .end();
}
pub(crate) const RDS_DESCRIBE_EVENTS: Api =
    Api::read(Svc::Rds, "DescribeEvents", describe_db_events);

fn rds_tags(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let db = c.any(&acct.res.db_instances);
    let region = c.region;
    c.req()
        .obj()
        .key("resourceName")
        .str_parts(&["arn:aws:rds:", region, ":", &acct.id, ":db:", db])
        .end();
}
pub(crate) const RDS_LIST_TAGS: Api = Api::read(Svc::Rds, "ListTagsForResource", rds_tags);

// ---------------------------------------------------------------- Athena / Glue

fn start_query_execution(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let t = c.mine(&acct.res.tables).replace('-', "_");
    let q = format!(
        "SELECT status, count(*) AS n FROM \"{}_lake\".\"{t}\" WHERE dt = current_date GROUP BY 1",
        acct.env
    );
    c.req()
        .obj()
        .ks("queryString", &q)
        .ks("workGroup", "primary")
        .kobj("queryExecutionContext")
        .key("database")
        .str_parts(&[acct.env, "_lake"])
        .end()
        .end();
    let id = c.uuid();
    c.resp().obj().ks("queryExecutionId", id.as_str()).end();
}
pub(crate) const ATHENA_START_QUERY_EXECUTION: Api =
    Api::read(Svc::Athena, "StartQueryExecution", start_query_execution);

fn query_execution_id(c: &mut Ctx<'_>) {
    let id = c.uuid();
    c.req().obj().ks("queryExecutionId", id.as_str()).end();
}
pub(crate) const ATHENA_GET_QUERY_EXECUTION: Api =
    Api::read(Svc::Athena, "GetQueryExecution", query_execution_id);
pub(crate) const ATHENA_GET_QUERY_RESULTS: Api =
    Api::read(Svc::Athena, "GetQueryResults", query_execution_id);

fn glue_get_table(c: &mut Ctx<'_>) {
    let acct = c.acct;
    let t = c.mine(&acct.res.tables).replace('-', "_");
    c.req()
        .obj()
        .key("databaseName")
        .str_parts(&[acct.env, "_lake"])
        .ks("name", &t)
        .end();
}
pub(crate) const GLUE_GET_TABLE: Api = Api::read(Svc::Glue, "GetTable", glue_get_table);
pub(crate) const GLUE_GET_PARTITIONS: Api = Api::read(Svc::Glue, "GetPartitions", glue_get_table);
