//! Service-name tables: how SDKs, CloudTrail and Lambda's own messages name a service, and the
//! IAM action prefix that each name stands for.

/// IAM prefix for a service name as SDKs and Lambda's messages spell it ("AmazonDynamoDBv2",
/// "AWSLambda", "SQS", "Amazon S3", "Lambda"...). Case-insensitive; `None` when unknown.
pub fn prefix_for_service_name(name: &str) -> Option<&'static str> {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let n = n
        .strip_prefix("amazon")
        .or_else(|| n.strip_prefix("aws"))
        .unwrap_or(&n);
    let n = n.strip_suffix("internal").unwrap_or(n);
    let n = n.strip_suffix("v2").unwrap_or(n);
    let p = match n {
        "lambda" => "lambda",
        "s3" | "simplestorageservice" => "s3",
        "dynamodb" | "dynamodbstreams" => "dynamodb",
        "sqs" | "simplequeueservice" => "sqs",
        "sns" | "simplenotificationservice" => "sns",
        "kms" | "keymanagementservice" => "kms",
        "secretsmanager" => "secretsmanager",
        "ssm" | "simplesystemsmanagement" | "systemsmanager" => "ssm",
        "kinesis" | "kinesisdatastreams" => "kinesis",
        "firehose" | "kinesisfirehose" => "firehose",
        "cloudwatch" => "cloudwatch",
        "logs" | "cloudwatchlogs" => "logs",
        "sts" | "securitytokenservice" => "sts",
        "iam" | "identitymanagement" => "iam",
        "ec2" => "ec2",
        "ecr" => "ecr",
        "stepfunctions" | "sfn" | "states" => "states",
        "ses" | "simpleemailservice" | "sesv2" => "ses",
        "eventbridge" | "events" | "cloudwatchevents" => "events",
        "cognitoidentityprovider" | "cognitoidp" => "cognito-idp",
        "cognitoidentity" => "cognito-identity",
        "apigateway" => "apigateway",
        "cloudformation" => "cloudformation",
        "xray" => "xray",
        "athena" => "athena",
        "glue" => "glue",
        "rds" => "rds",
        "rdsdata" => "rds-data",
        "elasticfilesystem" | "efs" => "elasticfilesystem",
        "kafka" | "msk" => "kafka",
        "organizations" => "organizations",
        "codebuild" => "codebuild",
        "codepipeline" => "codepipeline",
        "bedrock" | "bedrockruntime" => "bedrock",
        "appsync" => "appsync",
        "iot" => "iot",
        "sagemaker" => "sagemaker",
        "textract" => "textract",
        "rekognition" => "rekognition",
        "comprehend" => "comprehend",
        _ => return None,
    };
    Some(p)
}

/// IAM prefix for a CloudTrail `eventSource` ("lambda.amazonaws.com").
pub fn prefix_for_event_source(source: &str) -> Option<String> {
    let host = source.strip_suffix(".amazonaws.com")?;
    let p = match host {
        "monitoring" => "cloudwatch",
        "email" => "ses",
        "streams.dynamodb" => "dynamodb",
        "elasticloadbalancing" => "elasticloadbalancing",
        other => other,
    };
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    Some(p.to_string())
}

/// The IAM action name for an API operation name. Lambda's `Invoke` operation is authorized as
/// `lambda:InvokeFunction`; CloudTrail appends API versions ("GetFunction20150331v2").
pub fn action_for_operation(prefix: &str, operation: &str) -> String {
    let mut op = operation.trim();
    if prefix == "lambda" {
        // CloudTrail event names carry the API version: GetFunction20150331v2, AddPermission20150331.
        if let Some(pos) = op.find(|c: char| c.is_ascii_digit())
            && pos > 0
            && op[pos..].starts_with("20")
        {
            op = &op[..pos];
        }
        if op.eq_ignore_ascii_case("invoke") {
            return "lambda:InvokeFunction".to_string();
        }
        if op.eq_ignore_ascii_case("InvokeWithResponseStream") {
            return "lambda:InvokeFunction".to_string();
        }
    }
    format!("{prefix}:{op}")
}

/// Operations whose name alone tells the service, for messages that give only the operation
/// ("An error occurred (AccessDenied) when calling the PutObject operation: Access Denied").
/// Ambiguous names (PutRecord: Kinesis or Firehose; DescribeStream: Kinesis or DynamoDB
/// Streams) are left out on purpose.
pub fn prefix_for_operation(operation: &str) -> Option<&'static str> {
    let p = match operation {
        "PutObject"
        | "GetObject"
        | "HeadObject"
        | "DeleteObject"
        | "DeleteObjects"
        | "CopyObject"
        | "ListObjects"
        | "ListObjectsV2"
        | "ListBuckets"
        | "CreateBucket"
        | "HeadBucket"
        | "GetBucketPolicy"
        | "PutBucketPolicy"
        | "GetBucketLocation"
        | "PutBucketNotificationConfiguration"
        | "GetBucketNotificationConfiguration"
        | "CreateMultipartUpload"
        | "UploadPart"
        | "CompleteMultipartUpload"
        | "GetObjectAcl"
        | "PutObjectAcl"
        | "PutObjectTagging"
        | "GetObjectTagging" => "s3",
        "GetSecretValue" | "PutSecretValue" | "DescribeSecret" | "CreateSecret"
        | "UpdateSecret" | "ListSecrets" | "RotateSecret" => "secretsmanager",
        "GetParameter"
        | "GetParameters"
        | "GetParametersByPath"
        | "PutParameter"
        | "DeleteParameter"
        | "DescribeParameters"
        | "SendCommand" => "ssm",
        "GetItem" | "PutItem" | "UpdateItem" | "DeleteItem" | "Query" | "Scan" | "BatchGetItem"
        | "BatchWriteItem" | "DescribeTable" | "TransactWriteItems" | "TransactGetItems"
        | "CreateTable" | "ListTables" => "dynamodb",
        "SendMessage"
        | "SendMessageBatch"
        | "ReceiveMessage"
        | "DeleteMessage"
        | "DeleteMessageBatch"
        | "GetQueueAttributes"
        | "GetQueueUrl"
        | "ChangeMessageVisibility"
        | "PurgeQueue" => "sqs",
        "Publish" | "PublishBatch" | "Subscribe" | "CreateTopic" | "ListTopics" => "sns",
        "Decrypt"
        | "Encrypt"
        | "GenerateDataKey"
        | "GenerateDataKeyWithoutPlaintext"
        | "ReEncrypt"
        | "CreateGrant"
        | "DescribeKey"
        | "GetKeyPolicy"
        | "Sign"
        | "Verify" => "kms",
        "Invoke"
        | "InvokeAsync"
        | "InvokeWithResponseStream"
        | "GetFunction"
        | "GetFunctionConfiguration"
        | "CreateFunction"
        | "UpdateFunctionCode"
        | "UpdateFunctionConfiguration"
        | "DeleteFunction"
        | "AddPermission"
        | "RemovePermission"
        | "GetPolicy"
        | "ListFunctions"
        | "CreateEventSourceMapping"
        | "UpdateEventSourceMapping"
        | "DeleteEventSourceMapping"
        | "ListEventSourceMappings"
        | "PublishLayerVersion"
        | "GetLayerVersion"
        | "AddLayerVersionPermission"
        | "PublishVersion"
        | "CreateAlias"
        | "UpdateAlias"
        | "CreateFunctionUrlConfig"
        | "GetFunctionUrlConfig"
        | "PutFunctionConcurrency"
        | "ListVersionsByFunction"
        | "TagResource"
        | "ListTags" => "lambda",
        "AssumeRole"
        | "AssumeRoleWithWebIdentity"
        | "AssumeRoleWithSAML"
        | "GetCallerIdentity"
        | "DecodeAuthorizationMessage"
        | "GetSessionToken" => "sts",
        "PassRole"
        | "CreateRole"
        | "GetRole"
        | "AttachRolePolicy"
        | "PutRolePolicy"
        | "DetachRolePolicy"
        | "DeleteRole"
        | "CreatePolicy"
        | "ListRoles"
        | "CreateServiceLinkedRole"
        | "UpdateAssumeRolePolicy"
        | "TagRole" => "iam",
        "CreateNetworkInterface"
        | "DescribeNetworkInterfaces"
        | "DeleteNetworkInterface"
        | "AssignPrivateIpAddresses"
        | "UnassignPrivateIpAddresses"
        | "RunInstances"
        | "DescribeInstances"
        | "DescribeSecurityGroups"
        | "DescribeSubnets"
        | "DescribeVpcs"
        | "CreateSecurityGroup" => "ec2",
        "CreateLogGroup"
        | "CreateLogStream"
        | "PutLogEvents"
        | "DescribeLogStreams"
        | "DescribeLogGroups"
        | "FilterLogEvents"
        | "PutRetentionPolicy"
        | "PutSubscriptionFilter" => "logs",
        "GetShardIterator"
        | "PutRecords"
        | "ListShards"
        | "SubscribeToShard"
        | "DescribeStreamSummary" => "kinesis",
        "PutEvents" | "PutRule" | "PutTargets" => "events",
        "StartExecution" | "StartSyncExecution" | "SendTaskSuccess" | "SendTaskFailure" => "states",
        "BatchGetImage"
        | "GetDownloadUrlForLayer"
        | "GetAuthorizationToken"
        | "BatchCheckLayerAvailability"
        | "SetRepositoryPolicy" => "ecr",
        "PutMetricData" | "GetMetricStatistics" | "GetMetricData" | "PutMetricAlarm" => {
            "cloudwatch"
        }
        "PutTraceSegments" | "PutTelemetryRecords" => "xray",
        "SendEmail" | "SendRawEmail" | "SendTemplatedEmail" => "ses",
        "AdminCreateUser"
        | "AdminGetUser"
        | "AdminUpdateUserAttributes"
        | "ListUsers"
        | "AdminInitiateAuth"
        | "AdminAddUserToGroup"
        | "AdminDeleteUser" => "cognito-idp",
        "CreateStack" | "UpdateStack" | "DescribeStacks" | "DeleteStack" | "CreateChangeSet"
        | "ExecuteChangeSet" => "cloudformation",
        "ExecuteStatement" | "BatchExecuteStatement" => "rds-data",
        "InvokeModel" | "InvokeModelWithResponseStream" | "Converse" | "ConverseStream" => {
            "bedrock"
        }
        _ => return None,
    };
    Some(p)
}

/// Whether an action is one Lambda performs with the execution role to poll an event source.
pub fn is_poll_action(action_lower: &str) -> bool {
    matches!(
        action_lower,
        "sqs:receivemessage"
            | "sqs:deletemessage"
            | "sqs:getqueueattributes"
            | "sqs:changemessagevisibility"
            | "kinesis:getrecords"
            | "kinesis:getsharditerator"
            | "kinesis:describestream"
            | "kinesis:describestreamsummary"
            | "kinesis:listshards"
            | "kinesis:liststreams"
            | "kinesis:subscribetoshard"
            | "dynamodb:getrecords"
            | "dynamodb:getsharditerator"
            | "dynamodb:describestream"
            | "dynamodb:liststreams"
            | "kafka:describecluster"
            | "kafka:describeclusterv2"
            | "kafka:getbootstrapbrokers"
            | "mq:describebroker"
            | "rds:describedbclusters"
    ) || action_lower.starts_with("kafka-cluster:")
}

/// The network-interface actions a VPC-attached function's execution role needs.
pub fn is_eni_action(action_lower: &str) -> bool {
    matches!(
        action_lower,
        "ec2:createnetworkinterface"
            | "ec2:describenetworkinterfaces"
            | "ec2:deletenetworkinterface"
            | "ec2:assignprivateipaddresses"
            | "ec2:unassignprivateipaddresses"
            | "ec2:describesubnets"
    )
}

/// Actions CloudWatch Logs needs from the execution role to deliver function logs.
pub fn is_log_delivery_action(action_lower: &str) -> bool {
    matches!(
        action_lower,
        "logs:createloggroup"
            | "logs:createlogstream"
            | "logs:putlogevents"
            // Logging libraries in the function look their group up first.
            | "logs:describeloggroups"
            | "logs:describelogstreams"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_service_names() {
        assert_eq!(
            prefix_for_service_name("AmazonDynamoDBv2"),
            Some("dynamodb")
        );
        assert_eq!(prefix_for_service_name("AWSLambdaInternal"), Some("lambda"));
        assert_eq!(prefix_for_service_name("Amazon S3"), Some("s3"));
        assert_eq!(prefix_for_service_name("SQS"), Some("sqs"));
        assert_eq!(prefix_for_service_name("AWSKMS"), Some("kms"));
        assert_eq!(prefix_for_service_name("Frobnicator"), None);
    }

    #[test]
    fn cloudtrail_names() {
        assert_eq!(
            prefix_for_event_source("lambda.amazonaws.com").as_deref(),
            Some("lambda")
        );
        assert_eq!(
            prefix_for_event_source("monitoring.amazonaws.com").as_deref(),
            Some("cloudwatch")
        );
        assert_eq!(prefix_for_event_source("example.com"), None);
        assert_eq!(
            action_for_operation("lambda", "GetFunction20150331v2"),
            "lambda:GetFunction"
        );
        assert_eq!(
            action_for_operation("lambda", "Invoke"),
            "lambda:InvokeFunction"
        );
        assert_eq!(action_for_operation("s3", "GetObject"), "s3:GetObject");
    }

    #[test]
    fn operations() {
        assert_eq!(
            prefix_for_operation("GetSecretValue"),
            Some("secretsmanager")
        );
        assert_eq!(
            prefix_for_operation("PutRecord"),
            None,
            "ambiguous names stay unknown"
        );
        assert!(is_poll_action("sqs:receivemessage"));
        assert!(!is_poll_action("sqs:sendmessage"));
        assert!(is_eni_action("ec2:createnetworkinterface"));
    }
}
