//! Hand-made CloudTrail records and helpers shared by the integration tests.
#![allow(dead_code)]

use trailhound_engine::Pred;
use trailhound_event::{Event, View};
use trailhound_lang_eql::{CompileOptions, Compiled, Plan, compile, parse};

/// `AddPermission` granting `lambda:InvokeFunction` to `principal` (a public grant when `*`).
pub fn add_permission(principal: &str, action: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDAQRSTUVWXYZ2EXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAQRSTUVWXYZEXAMPLE","userName":"alice"}},"eventTime":"2024-05-01T12:00:00Z","eventSource":"lambda.amazonaws.com","eventName":"AddPermission20150331v2","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22","requestParameters":{{"functionName":"billing-export","statementId":"grant-1","action":"{action}","principal":"{principal}"}},"responseElements":{{"statement":"{{\"Sid\":\"grant-1\",\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"{principal}\"}},\"Action\":\"{action}\",\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:billing-export\"}}"}},"requestID":"6f1c2a8e-2d5b-4c0e-9a43-3b1f0c7d9e21","eventID":"0a8b7c6d-1e2f-4a5b-8c9d-0e1f2a3b4c5d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"lambda.us-east-1.amazonaws.com"}}}}"#
    )
}

/// The public `AddPermission` grant (principal `*`).
pub fn public_grant() -> String {
    add_permission("*", "lambda:InvokeFunction")
}

/// `AddPermission` denied: `errorCode`, no `responseElements`.
pub fn denied_grant() -> String {
    r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID:mallory","arn":"arn:aws:sts::111122223333:assumed-role/dev/mallory","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEKEY","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::111122223333:role/dev","accountId":"111122223333","userName":"dev"},"attributes":{"creationDate":"2024-05-01T11:58:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-05-01T12:05:00Z","eventSource":"lambda.amazonaws.com","eventName":"AddPermission20150331v2","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.5.0","errorCode":"AccessDenied","errorMessage":"User: arn:aws:sts::111122223333:assumed-role/dev/mallory is not authorized to perform: lambda:AddPermission on resource: arn:aws:lambda:us-east-1:111122223333:function:billing-export because no identity-based policy allows the lambda:AddPermission action","requestParameters":{"functionName":"billing-export","statementId":"grant-2","action":"lambda:InvokeFunction","principal":"*"},"responseElements":null,"requestID":"1d2c3b4a-5e6f-4789-a0b1-c2d3e4f5a6b7","eventID":"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#.to_string()
}

/// IAM `GetUser`: `event.category` `["iam"]`, `event.type` `["user", "info"]`.
pub const GET_USER: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAQRSTUVWXYZ2EXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAQRSTUVWXYZEXAMPLE","userName":"alice"},"eventTime":"2024-05-02T08:30:00Z","eventSource":"iam.amazonaws.com","eventName":"GetUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"Boto3/1.26 C:\\tools\\run.py","requestParameters":{"userName":"bob"},"responseElements":null,"requestID":"aa11bb22-cc33-4d44-8e55-ff6677889900","eventID":"11112222-3333-4444-8555-666677778888","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#;

/// IAM `CreateUser`: `event.type` `["user", "creation"]`.
pub const CREATE_USER: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAQRSTUVWXYZ2EXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAQRSTUVWXYZEXAMPLE","userName":"alice"},"eventTime":"2024-05-02T08:31:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"literal*star","requestParameters":{"userName":"bob","permissionsBoundary":"arn:aws:iam::111122223333:policy/boundary","tags":[{"key":"note","value":"has literal*star inside"}]},"responseElements":{"user":{"path":"/","userName":"bob","userId":"AIDABOBEXAMPLE","arn":"arn:aws:iam::111122223333:user/bob","createDate":"May 2, 2024 8:31:00 AM"}},"requestID":"bb11bb22-cc33-4d44-8e55-ff6677889900","eventID":"22223333-4444-5555-8666-777788889999","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#;

/// IAM `TagUser` (`event.type` `["user", "change"]`) whose tag value looks like a wildcard
/// match of its user agent but is not a literal one.
pub const TAG_USER: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAQRSTUVWXYZ2EXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAQRSTUVWXYZEXAMPLE","userName":"alice"},"eventTime":"2024-05-02T09:00:00Z","eventSource":"iam.amazonaws.com","eventName":"TagUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"literal*star","requestParameters":{"userName":"bob","tags":[{"key":"note","value":"literalXXstar"}]},"responseElements":null,"requestID":"ee11bb22-cc33-4d44-8e55-ff6677889900","eventID":"55556666-7777-8888-8999-000011112222","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#;

/// RDS `ModifyDBSnapshotAttribute` sharing a snapshot with `values` (`valuesToAdd`).
pub fn share_snapshot(values: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDAQRSTUVWXYZ2EXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAQRSTUVWXYZEXAMPLE","userName":"alice"}},"eventTime":"2024-05-03T10:00:00Z","eventSource":"rds.amazonaws.com","eventName":"ModifyDBSnapshotAttribute","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.15.0","requestParameters":{{"dBSnapshotIdentifier":"prod-db-snap","attributeName":"restore",{values}}},"responseElements":{{"dBSnapshotIdentifier":"prod-db-snap"}},"requestID":"cc11bb22-cc33-4d44-8e55-ff6677889900","eventID":"33334444-5555-6666-8777-888899990000","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}}"#
    )
}

/// A `PutObject` data event with two resources, called by an AWS service (no source IP).
pub const PUT_OBJECT: &str = r#"{"eventVersion":"1.09","userIdentity":{"type":"AWSService","invokedBy":"backup.amazonaws.com"},"eventTime":"2024-05-04T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1","sourceIPAddress":"backup.amazonaws.com","userAgent":"backup.amazonaws.com","requestParameters":{"bucketName":"logs","key":"README-decrypt.txt"},"responseElements":null,"requestID":"dd11","eventID":"44445555-6666-7777-8888-999900001111","readOnly":false,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::logs/README-decrypt.txt"},{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::logs"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"}"#;

/// Compiles `query` with the ECS view and `category_field`.
pub fn compiled(query: &str, category_field: Option<&str>) -> Compiled {
    let q = parse(query).unwrap_or_else(|d| panic!("{query}: {}", d.render("query", query)));
    let options = CompileOptions {
        view: View::ECS,
        category_field: category_field.map(str::to_string),
    };
    compile(&q, &options).unwrap_or_else(|d| panic!("{query}: {}", d.render("query", query)))
}

/// The filter of an event query.
pub fn filter(query: &str, category_field: Option<&str>) -> Pred {
    match compiled(query, category_field).plan {
        Plan::Event { filter, .. } => filter,
        other => panic!("{query}: not an event query: {other:?}"),
    }
}

/// Whether `any where <condition>` matches `raw`.
pub fn matches(condition: &str, raw: &str) -> bool {
    let ev = Event::parse(raw).unwrap_or_else(|e| panic!("test event: {e}"));
    filter(&format!("any where {condition}"), None).eval(&ev)
}

/// The error code compiling `query` gives.
pub fn error_code(query: &str) -> &'static str {
    let q = parse(query).unwrap_or_else(|d| panic!("{query}: {}", d.render("query", query)));
    match compile(&q, &CompileOptions::default()) {
        Ok(c) => panic!("{query}: compiled, expected an error: {:?}", c.plan),
        Err(d) => d.code,
    }
}
