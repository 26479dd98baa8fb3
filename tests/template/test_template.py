"""template.yaml: valid for CloudFormation and SAM, and the promises the code relies on."""
from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest

from infra.template import TEMPLATE_PATH, load_template, resource

TABLE_ITEM_ACTIONS = {
    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
    "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
}


@pytest.fixture(scope="module")
def template():
    return load_template()


@pytest.fixture(scope="module")
def function(template):
    return resource("ApiFunction", template)["Properties"]


def _function_setting(template, function, name):
    return function.get(name, template["Globals"]["Function"].get(name))


def _policies(function):
    """The function's policy documents; a conditional one (``Fn::If``) as it is when it applies."""
    return [policy["Fn::If"][1] if isinstance(policy, dict) and "Fn::If" in policy else policy
            for policy in function["Policies"]]


def _statements(function):
    return [s for policy in _policies(function) if isinstance(policy, dict)
            for s in policy.get("Statement", [])]


def test_cfn_lint_finds_nothing():
    from cfnlint.api import lint_file

    matches = lint_file(Path(TEMPLATE_PATH))
    assert [str(m) for m in matches] == []


def translated(monkeypatch) -> dict:
    """The CloudFormation the SAM translator makes of the template."""
    from samtranslator.translator.transform import transform

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    sam = load_template()
    # The translator wants packaged code (what `sam package` makes of the local CodeUri).
    for definition in sam["Resources"].values():
        if definition["Type"] == "AWS::Serverless::Function":
            definition["Properties"]["CodeUri"] = "s3://bucket/code.zip"
    loader = mock.Mock()
    loader.load.return_value = {}  # no managed-policy lookups against IAM
    return transform(sam, {}, loader)


def test_sam_translator_transforms_it(monkeypatch):
    cfn = translated(monkeypatch)

    resources = cfn["Resources"]
    assert resources["ApiFunction"]["Type"] == "AWS::Lambda::Function"
    assert resources["HttpApi"]["Type"] == "AWS::ApiGatewayV2::Api"
    role_policies = json.dumps(resources["ApiFunctionRole"]["Properties"]["Policies"])
    assert "dynamodb:Scan" not in role_policies and '"*"' not in role_policies

    # The queue consumer: an event source mapping with partial batch failures, its own role.
    assert resources["EventsConsumerFunction"]["Type"] == "AWS::Lambda::Function"
    (mapping,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
                  and r["Properties"]["FunctionName"] == {"Ref": "EventsConsumerFunction"}]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["EventsQueue", "Arn"]}
    assert mapping["FunctionName"] == {"Ref": "EventsConsumerFunction"}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["ScalingConfig"]["MaximumConcurrency"] >= 2
    consumer_role = resources["EventsConsumerFunctionRole"]["Properties"]
    consumer_policies = json.dumps(consumer_role["Policies"])
    assert "dynamodb:Scan" not in consumer_policies and '"*"' not in consumer_policies
    assert "sqs:SendMessage" in consumer_policies and "BrandSecretsPrefix" not in consumer_policies
    # The importer: batches of one from the import queue, partial failures, no more pollers than it
    # may run at once; its role reads the queue (SAM) and has no wildcard resource.
    importer = resources["ListImporterFunction"]["Properties"]
    assert (importer["Timeout"], importer["MemorySize"], importer["ReservedConcurrentExecutions"]) == (900, 2048, 2)
    (mapping,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
                  and r["Properties"]["FunctionName"] == {"Ref": "ListImporterFunction"}]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["ImportQueue", "Arn"]}
    assert (mapping["BatchSize"], mapping["FunctionResponseTypes"]) == (1, ["ReportBatchItemFailures"])
    assert mapping["ScalingConfig"]["MaximumConcurrency"] <= importer["ReservedConcurrentExecutions"]
    importer_role = resources["ListImporterFunctionRole"]["Properties"]
    assert any("AWSLambdaSQSQueueExecutionRole" in json.dumps(arn) for arn in importer_role["ManagedPolicyArns"])
    importer_policies = json.dumps(importer_role["Policies"])
    assert "dynamodb:Scan" not in importer_policies and '"*"' not in importer_policies
    assert "dynamodb:BatchWriteItem" not in importer_policies and "dynamodb:ImportTable" not in importer_policies
    # SAM's own grant for reading the queue (ReceiveMessage, DeleteMessage, GetQueueAttributes).
    assert any("AWSLambdaSQSQueueExecutionRole" in json.dumps(arn) for arn in consumer_role["ManagedPolicyArns"])
    # The change-event publisher: an event source mapping on the table's stream, and a role that
    # reads that stream (SAM adds it) besides what the template grants.
    mapping = next(r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
                   and r["Properties"]["FunctionName"] == {"Ref": "ChangeEventsFunction"})
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["RegistryTable", "StreamArn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["ParallelizationFactor"] == 1
    assert mapping["FilterCriteria"]["Filters"]
    role = resources["ChangeEventsFunctionRole"]["Properties"]
    assert any(arn.endswith("/AWSLambdaDynamoDBExecutionRole") for arn in role["ManagedPolicyArns"])
    granted = [(s["Action"], s["Resource"]) for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert ("sqs:SendMessage", {"Fn::GetAtt": ["ChangeEventsDeadLetterQueue", "Arn"]}) in granted
    assert ("events:PutEvents", {"Fn::GetAtt": ["RegistryBus", "Arn"]}) in granted
    assert all(resource != "*" for _, resource in granted)


def test_the_api_is_an_http_api(template):
    assert resource("HttpApi", template)["Type"] == "AWS::Serverless::HttpApi"
    events = resource("ApiFunction", template)["Properties"]["Events"].values()
    assert {e["Type"] for e in events} == {"HttpApi"}
    assert all(e["Properties"]["ApiId"] == {"Ref": "HttpApi"} for e in events)
    paths = {(e["Properties"]["Method"], e["Properties"]["Path"]) for e in events}
    assert ("ANY", "/{proxy+}") in paths


def test_function_settings(template, function):
    assert function["CodeUri"] == "functions/"
    assert function["Handler"] == "registry.handlers.api.lambda_handler"
    assert _function_setting(template, function, "Runtime") == "python3.12"
    assert _function_setting(template, function, "Architectures") == ["arm64"]
    assert _function_setting(template, function, "MemorySize") == 512
    assert _function_setting(template, function, "Timeout") < 29  # API Gateway's integration limit
    assert _function_setting(template, function, "Tracing") == "Active"


def test_function_environment(template):
    env = template["Globals"]["Function"]["Environment"]["Variables"]
    assert env["REGISTRY_TABLE"] == {"Ref": "RegistryTable"}
    assert env["REGISTRY_ADDRESS_HASH_KEY_PARAMETER"] == {"Ref": "AddressHashKeyParameterName"}
    assert env["REGISTRY_LINK_SIGNING_KEY_PARAMETER"] == {"Ref": "LinkSigningKeyParameterName"}
    assert env["REGISTRY_BRAND_SECRETS_PREFIX"] == {"Ref": "BrandSecretsPrefix"}
    assert env["REGISTRY_SES_TOPIC_ARNS"] == {"Fn::Join": [",", {"Ref": "SesTopicArns"}]}
    assert env["POWERTOOLS_SERVICE_NAME"] == "contact-registry"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "ContactRegistry"
    assert "LOG_LEVEL" in env
    # Links: the configured base URL, else the API's own default endpoint (its id from the request
    # context, this domain), never the request's Host. Naming ${HttpApi} here would be circular.
    assert env["REGISTRY_PUBLIC_BASE_URL"] == {"Ref": "PublicBaseUrl"}
    assert env["REGISTRY_API_DOMAIN"] == {"Fn::Sub": "execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert "HttpApi" not in json.dumps(env)
    # The hash key itself never sits in the template: only the parameter's name.
    assert "REGISTRY_ADDRESS_HASH_KEY" not in env and "REGISTRY_LINK_SIGNING_KEY" not in env


def test_table_is_protected(template):
    table = resource("RegistryTable", template)
    props = table["Properties"]
    assert table["DeletionPolicy"] == "Retain"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at_epoch", "Enabled": True}
    assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}]


def test_iam_is_least_privilege(function):
    statements = _statements(function)
    assert all(s["Effect"] == "Allow" for s in statements)
    by_service: dict[str, list[dict]] = {}
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any("*" in action for action in actions), statement
        # No wildcard but the brands' secrets path: one parameter per brand, named by the function.
        # ... and the import files: objects of the import bucket.
        resource_text = json.dumps(statement["Resource"]).replace("parameter${BrandSecretsPrefix}/*", "")
        resource_text = resource_text.replace("${ImportBucket}/*", "")
        assert statement["Resource"] != "*" and "*" not in resource_text, statement
        for action in actions:
            by_service.setdefault(action.split(":")[0], []).append(statement)

    assert set(by_service) == {"dynamodb", "ssm", "sns", "sqs", "s3", "events"}
    # POST /new-link puts preference_link.requested on the registry's bus, and nothing else
    # (change events are the stream publisher's: the API may not put them)
    (events,) = by_service["events"]
    assert (events["Action"], events["Resource"]) == ("events:PutEvents", {"Fn::GetAtt": ["RegistryBus", "Arn"]})
    assert events["Condition"] == {"StringEquals": {"events:detail-type": "preference_link.requested",
                                                    "events:source": "contact-registry"}}
    # POST .../imports reads an import file's ETag, in the import bucket only
    (s3,) = by_service["s3"]
    assert (s3["Action"], s3["Resource"]) == ("s3:GetObject",
                                              {"Fn::Sub": "arn:${AWS::Partition}:s3:::${ImportBucket}/*"})
    # POST .../imports puts an import on the import queue, and only there
    (sqs,) = by_service["sqs"]
    assert (sqs["Action"], sqs["Resource"]) == ("sqs:SendMessage", {"Fn::GetAtt": ["ImportQueue", "Arn"]})
    assert function["Environment"]["Variables"] == {"REGISTRY_IMPORT_QUEUE_URL": {"Ref": "ImportQueue"}}
    # POST /webhooks/ses confirms subscriptions to the configured topics only, when there are any
    (sns,) = by_service["sns"]
    assert sns["Action"] == "sns:ConfirmSubscription" and sns["Resource"] == {"Ref": "SesTopicArns"}
    (conditional,) = [p for p in function["Policies"] if "Fn::If" in p]
    assert conditional["Fn::If"][0] == "HasSesTopics" and conditional["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    table = [s for s in by_service["dynamodb"] if s["Resource"] == {"Fn::GetAtt": ["RegistryTable", "Arn"]}]
    assert {a for s in table for a in s["Action"]} == TABLE_ITEM_ACTIONS
    # the violations report: Query on the attempts index, and nothing else on any index
    (index,) = [s for s in by_service["dynamodb"] if s not in table]
    assert (index["Action"], index["Resource"]) == ("dynamodb:Query",
                                                    {"Fn::Sub": "${RegistryTable.Arn}/index/AttemptsByDay"})
    keys = [s for s in by_service["ssm"] if s["Action"] == "ssm:GetParameter"]
    (ssm,) = keys
    resources = ssm["Resource"] if isinstance(ssm["Resource"], list) else [ssm["Resource"]]
    assert sorted(r["Fn::Sub"].rpartition("parameter")[2] for r in resources) == [
        "${AddressHashKeyParameterName}", "${LinkSigningKeyParameterName}"]
    secrets = [s for s in by_service["ssm"] if s not in keys]
    assert secrets and all(s is secrets[0] for s in secrets)
    assert sorted(secrets[0]["Action"]) == ["ssm:DeleteParameter", "ssm:GetParameter", "ssm:PutParameter"]
    assert secrets[0]["Resource"]["Fn::Sub"].endswith(":parameter${BrandSecretsPrefix}/*")
    # Only the SAM-made role's own policies: no managed policy templates with broad grants.
    assert all(isinstance(policy, dict) for policy in function["Policies"])


def test_future_resources_are_declared(template):
    queue = resource("EventsQueue", template)["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}
    bucket = resource("ImportBucket", template)["Properties"]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert resource("RegistryBus", template)["Type"] == "AWS::Events::EventBus"


def test_outputs(template):
    assert {"ApiUrl", "TableName"} <= set(template["Outputs"])
    assert template["Outputs"]["TableName"]["Value"] == {"Ref": "RegistryTable"}


# --- the events queue's consumer (issue 10) ----------------------------------------------------

@pytest.fixture(scope="module")
def consumer(template):
    return resource("EventsConsumerFunction", template)["Properties"]


def test_the_consumer_is_the_queue_consumer_handler(template, consumer):
    import importlib

    assert resource("EventsConsumerFunction", template)["Type"] == "AWS::Serverless::Function"
    assert consumer["CodeUri"] == "functions/"
    module, _, name = consumer["Handler"].rpartition(".")
    assert module == "registry.handlers.queue_consumer"
    assert callable(getattr(importlib.import_module(module), name))
    for setting in ("Runtime", "Architectures", "MemorySize", "Tracing"):
        assert setting not in consumer  # the Globals', as ApiFunction's
    # Its own variable besides the Globals' (SAM merges the two).
    assert consumer["Environment"]["Variables"] == {
        "REGISTRY_EVENTS_DEAD_LETTER_QUEUE_URL": {"Ref": "EventsDeadLetterQueue"}}


def test_the_consumer_reads_the_events_queue_with_partial_batch_failures(consumer):
    (event,) = consumer["Events"].values()
    assert event["Type"] == "SQS"
    props = event["Properties"]
    assert props["Queue"] == {"Fn::GetAtt": ["EventsQueue", "Arn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= props["BatchSize"] <= 10
    # A message takes effect within a second or two: at most that long to fill a batch.
    assert props["MaximumBatchingWindowInSeconds"] <= 2
    assert 2 <= props["ScalingConfig"]["MaximumConcurrency"] <= 50


def test_the_queue_outlasts_six_consumer_timeouts_and_redrives_to_the_dlq(template, consumer):
    queue = resource("EventsQueue", template)["Properties"]
    timeout = _function_setting(template, consumer, "Timeout")
    assert queue["VisibilityTimeout"] >= 6 * timeout  # AWS's advice for an SQS event source
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]},
                                      "maxReceiveCount": queue["RedrivePolicy"]["maxReceiveCount"]}
    assert 2 <= queue["RedrivePolicy"]["maxReceiveCount"] <= 10
    dlq = resource("EventsDeadLetterQueue", template)["Properties"]
    assert dlq["MessageRetentionPeriod"] > queue["MessageRetentionPeriod"]  # a redriven message outlives its source's
    assert queue["SqsManagedSseEnabled"] is True and dlq["SqsManagedSseEnabled"] is True


def test_the_consumer_is_least_privilege(consumer):
    statements = _statements(consumer)
    assert all(s["Effect"] == "Allow" for s in statements)
    granted: dict[str, list] = {}
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert "*" not in json.dumps(statement["Resource"]) and "*" not in json.dumps(actions), statement
        for action in actions:
            granted.setdefault(action, []).append(statement["Resource"])
    dynamodb = {a for a in granted if a.startswith("dynamodb:")}
    assert dynamodb == TABLE_ITEM_ACTIONS
    assert all(r == [{"Fn::GetAtt": ["RegistryTable", "Arn"]}] for a, r in granted.items() if a in dynamodb)
    assert set(granted) - dynamodb == {"ssm:GetParameter", "sqs:SendMessage"}
    (hash_key,) = granted["ssm:GetParameter"]
    assert hash_key["Fn::Sub"].endswith(":parameter${AddressHashKeyParameterName}")
    assert granted["sqs:SendMessage"] == [{"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}]
    assert all(isinstance(policy, dict) for policy in consumer["Policies"])


def test_the_consumer_has_a_log_group(template):
    group = resource("EventsConsumerFunctionLogGroup", template)
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${EventsConsumerFunction}"}
    assert group["Properties"]["RetentionInDays"] > 0


@pytest.mark.parametrize("queue", ["EventsDeadLetterQueue", "ChangeEventsDeadLetterQueue", "ImportDeadLetterQueue"])
def test_an_alarm_watches_each_dead_letter_queue(template, queue):
    alarm = resource(f"{queue}Alarm", template)
    props = alarm["Properties"]
    assert alarm["Type"] == "AWS::CloudWatch::Alarm"
    assert (props["Namespace"], props["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert props["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
    assert (props["ComparisonOperator"], props["Threshold"]) == ("GreaterThanThreshold", 0)  # one message is enough
    assert props["EvaluationPeriods"] == 1 and props["Period"] <= 300
    assert props["TreatMissingData"] == "notBreaching"
    # It notifies the optional topic when one is given.
    assert props["AlarmActions"] == {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]}
    assert template["Parameters"]["AlarmTopicArn"]["Default"] == ""


def test_only_the_ses_feedback_topics_may_send_to_the_queue(template):
    """SES notifications reach the queue through SNS (handlers/queue_messages.py reads them): the
    queue policy exists only with SesTopicArns and lets SNS send for those topics, nothing more."""
    policy = resource("EventsQueueSesPolicy", template)
    assert policy["Condition"] == "HasSesTopics"
    assert policy["Properties"]["Queues"] == [{"Ref": "EventsQueue"}]
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow" and statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == {"Fn::GetAtt": ["EventsQueue", "Arn"]}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": "SesTopicArns"}}}


# --- change events out (issue 10) ------------------------------------------------------------------

@pytest.fixture(scope="module")
def publisher(template):
    return resource("ChangeEventsFunction", template)["Properties"]


def _stream_event(publisher):
    (event,) = publisher["Events"].values()
    assert event["Type"] == "DynamoDB"
    return event["Properties"]


def test_the_table_streams_both_images(template):
    props = resource("RegistryTable", template)["Properties"]
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_the_publisher_is_a_function_of_the_package(template, publisher):
    assert resource("ChangeEventsFunction", template)["Type"] == "AWS::Serverless::Function"
    assert publisher["CodeUri"] == "functions/"
    assert publisher["Handler"] == "registry.handlers.change_events.lambda_handler"
    # the Globals: runtime, architecture, the environment that names the bus
    assert "Runtime" not in publisher and "Environment" not in publisher
    assert template["Globals"]["Function"]["Environment"]["Variables"]["REGISTRY_EVENT_BUS"] == {"Ref": "RegistryBus"}
    from registry.handlers import change_events

    assert callable(change_events.lambda_handler)


def test_the_stream_is_read_in_order_with_partial_failures(publisher):
    source = _stream_event(publisher)
    assert source["Stream"] == {"Fn::GetAtt": ["RegistryTable", "StreamArn"]}
    assert source["StartingPosition"] in ("LATEST", "TRIM_HORIZON")
    assert source["ParallelizationFactor"] == 1  # one batch at a time per shard: per contact, in order
    assert source["BisectBatchOnFunctionError"] is True
    assert 0 <= source["MaximumRetryAttempts"] <= 100  # bounded, never the default (-1: until the record expires)
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS", "Destination": {"Fn::GetAtt": ["ChangeEventsDeadLetterQueue", "Arn"]}}


def test_only_contact_state_items_invoke_the_publisher(publisher):
    (only,) = _stream_event(publisher)["FilterCriteria"]["Filters"]
    pattern = json.loads(only["Pattern"])
    assert pattern == {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "C#"}]}, "sk": {"S": ["STATE"]}}}}


def test_the_publisher_may_put_events_on_the_bus_and_nothing_more(publisher):
    """Its own grants; SAM adds the stream's reading and the DLQ's SendMessage (the translator test)."""
    statements = _statements(publisher)
    assert all(s["Effect"] == "Allow" for s in statements)
    granted = {(s["Action"] if isinstance(s["Action"], str) else tuple(s["Action"]), json.dumps(s["Resource"]))
               for s in statements}
    assert granted == {
        ("events:PutEvents", json.dumps({"Fn::GetAtt": ["RegistryBus", "Arn"]})),
        # the brands' policies, to judge each brand's scopes: single items of the table
        ("dynamodb:GetItem", json.dumps({"Fn::GetAtt": ["RegistryTable", "Arn"]})),
    }
    assert all(isinstance(policy, dict) for policy in publisher["Policies"])


def test_the_dead_letter_queue_is_its_own(template):
    dlq = resource("ChangeEventsDeadLetterQueue", template)
    assert dlq["Type"] == "AWS::SQS::Queue"
    assert dlq["Properties"]["SqsManagedSseEnabled"] is True
    assert dlq["Properties"]["MessageRetentionPeriod"] == 1209600  # 14 days: time to replay by hand


# --- bulk import (issue 11): the import queue, its dead letters, the bucket's notification, the importer ---

@pytest.fixture(scope="module")
def importer(template):
    return resource("ListImporterFunction", template)["Properties"]


def _bucket_name_sub(template):
    return resource("ImportBucket", template)["Properties"]["BucketName"]["Fn::Sub"]


def test_the_importer_is_the_list_importer_handler_with_time_and_memory_for_a_full_registry(template, importer):
    """docs/scale.md: 900 s (the whole registry takes about 6 minutes, checkpoints cover the rest),
    2,048 MB (a vCPU; the bitmaps are at most 250 MB), two at a time. The handler is the
    list-importer's (registry.handlers.list_importer), named here before it lands."""
    assert resource("ListImporterFunction", template)["Type"] == "AWS::Serverless::Function"
    assert importer["CodeUri"] == "functions/"
    assert importer["Handler"] == "registry.handlers.list_importer.lambda_handler"
    assert importer["Timeout"] == 900  # Lambda's limit
    assert importer["MemorySize"] == 2048
    assert importer["ReservedConcurrentExecutions"] == 2
    assert importer["Environment"]["Variables"] == {"REGISTRY_IMPORT_QUEUE_URL": {"Ref": "ImportQueue"}}
    for setting in ("Runtime", "Architectures", "Tracing"):
        assert setting not in importer  # the Globals'
    group = resource("ListImporterFunctionLogGroup", template)["Properties"]
    assert group["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${ListImporterFunction}"}
    assert group["RetentionInDays"] > 0


def test_the_importer_reads_the_import_queue_one_message_at_a_time(importer):
    (event,) = importer["Events"].values()
    assert event["Type"] == "SQS"
    props = event["Properties"]
    assert props["Queue"] == {"Fn::GetAtt": ["ImportQueue", "Arn"]}
    assert props["BatchSize"] == 1  # one file (or one continuation) per invocation
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # no more pollers than reserved concurrency: a throttled delivery would count towards maxReceiveCount
    assert props["ScalingConfig"]["MaximumConcurrency"] <= importer["ReservedConcurrentExecutions"]


def test_the_import_queue_outlasts_six_importer_timeouts_and_redrives_after_three(template, importer):
    queue = resource("ImportQueue", template)["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * importer["Timeout"]
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": ["ImportDeadLetterQueue", "Arn"]},
                                      "maxReceiveCount": 3}
    dlq = resource("ImportDeadLetterQueue", template)["Properties"]
    assert dlq["MessageRetentionPeriod"] > queue["MessageRetentionPeriod"]
    assert queue["SqsManagedSseEnabled"] is True and dlq["SqsManagedSseEnabled"] is True


def test_the_bucket_announces_new_files_under_imports_on_the_import_queue(template):
    bucket = resource("ImportBucket", template)
    (notification,) = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Queue"] == {"Fn::GetAtt": ["ImportQueue", "Arn"]}
    assert notification["Filter"] == {"S3Key": {"Rules": [{"Name": "prefix", "Value": "imports/"}]}}
    # S3 checks it may send when the notification is set: the queue policy must exist first
    assert bucket["DependsOn"] == "ImportQueuePolicy"
    assert bucket["DeletionPolicy"] == "Retain"


def test_only_s3_for_this_bucket_and_account_may_send_to_the_import_queue(template):
    policy = resource("ImportQueuePolicy", template)["Properties"]
    assert policy["Queues"] == [{"Ref": "ImportQueue"}]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow" and statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == {"Fn::GetAtt": ["ImportQueue", "Arn"]}
    # the bucket's own ARN (built from its name: naming the bucket itself would be circular)
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{_bucket_name_sub(template)}"}},
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
    }


def test_the_importer_is_least_privilege(importer):
    statements = _statements(importer)
    assert all(s["Effect"] == "Allow" for s in statements)
    by_sid = {s["Sid"]: s for s in statements}
    assert set(by_sid) == {"ImportFiles", "ListStoreItems", "Continuations", "AddressHashKey"}
    # files: read only, in the import bucket only
    assert by_sid["ImportFiles"]["Action"] == "s3:GetObject"
    assert by_sid["ImportFiles"]["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::${ImportBucket}/*"}
    # the table: item reads and writes of the list store's own partitions, nothing else
    table = by_sid["ListStoreItems"]
    assert set(table["Action"]) == {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                                    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
    assert table["Resource"] == {"Fn::GetAtt": ["RegistryTable", "Arn"]}
    assert table["Condition"] == {"ForAllValues:StringLike": {
        "dynamodb:LeadingKeys": ["LX#*", "LA#*", "LISTS", "LIST#*", "IMP#*"]}}
    assert not any(key.startswith("C#") for key in table["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"])
    # continuations on its own queue; the address hash key and no other parameter
    assert (by_sid["Continuations"]["Action"], by_sid["Continuations"]["Resource"]) == (
        "sqs:SendMessage", {"Fn::GetAtt": ["ImportQueue", "Arn"]})
    assert by_sid["AddressHashKey"]["Action"] == "ssm:GetParameter"
    assert by_sid["AddressHashKey"]["Resource"]["Fn::Sub"].endswith(":parameter${AddressHashKeyParameterName}")
    assert all(isinstance(policy, dict) for policy in importer["Policies"])


def test_the_api_names_the_bus_and_the_source_its_grant_allows(template):
    """The settings the API publishes link requests with are the ones its PutEvents grant names."""
    from registry.domain.link_recovery import DETAIL_TYPE
    from registry.settings import Settings

    env = template["Globals"]["Function"]["Environment"]["Variables"]
    assert env["REGISTRY_EVENT_BUS"] == {"Ref": "RegistryBus"}
    (grant,) = [s for s in _statements(resource("ApiFunction", template)["Properties"])
                if s["Action"] == "events:PutEvents"]
    assert grant["Condition"]["StringEquals"] == {"events:detail-type": DETAIL_TYPE,
                                                  "events:source": Settings().change_event_source}


# --- the lookup function ----------------------------------------------------------------------------

LOOKUP_READS = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}


def _route_key(route) -> tuple[str, str]:
    return route.method, route.path.replace("<", "{").replace(">", "}")


def test_the_lookup_routes_go_to_the_lookup_function(template):
    """LookupFunction has an explicit HttpApi route for each route its module serves (API Gateway picks
    them over ApiFunction's /{proxy+}): the lookup Router's, each of scope lookup."""
    from registry.handlers import api, lookup
    from registry.handlers.access import LOOKUP, route_scope
    from registry.handlers.routing import routes

    function = resource("LookupFunction", template)["Properties"]
    assert function["Handler"] == "registry.handlers.lookup.lambda_handler"
    assert function["CodeUri"] == "functions/"
    events = list(function["Events"].values())
    assert {e["Type"] for e in events} == {"HttpApi"}
    assert all(e["Properties"]["ApiId"] == {"Ref": "HttpApi"} for e in events)
    in_template = {(e["Properties"]["Method"], e["Properties"]["Path"]) for e in events}
    assert in_template == {_route_key(r) for r in routes(lookup.app)}
    assert all(route_scope(r) == LOOKUP for r in routes(lookup.app))
    assert in_template >= {("GET", "/v1/permissions"), ("POST", "/v1/permissions/batch")}
    # ApiFunction keeps every route (its OpenAPI document describes them) and gets the rest
    assert {_route_key(r) for r in routes(api.app)} >= in_template
    assert resource("LookupFunctionLogGroup", template)["Properties"]["LogGroupName"] == {
        "Fn::Sub": "/aws/lambda/${LookupFunction}"}


def test_the_lookup_function_may_only_read(template):
    """A lookup never writes (tests/api/test_lookup_function_api.py watches its calls): its role reads
    the table and the address hash key, nothing else (no index, no brand secret, no queue or bus)."""
    statements = _statements(resource("LookupFunction", template)["Properties"])
    granted = set()
    for statement in statements:
        assert statement["Effect"] == "Allow" and "Condition" not in statement
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        granted.update((action, json.dumps(r, sort_keys=True)) for action in actions for r in resources)
    table = json.dumps({"Fn::GetAtt": ["RegistryTable", "Arn"]}, sort_keys=True)
    hash_key = json.dumps({"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
                                      "${AddressHashKeyParameterName}"}, sort_keys=True)
    assert granted == {(action, table) for action in LOOKUP_READS} | {("ssm:GetParameter", hash_key)}


def test_the_sam_translator_routes_the_lookups_to_the_lookup_function(monkeypatch):
    cfn = translated(monkeypatch)
    resources = cfn["Resources"]
    paths = resources["HttpApi"]["Properties"]["Body"]["paths"]

    def target(path, method):
        uri = paths[path][method]["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        return uri.split("${")[-1].split("}")[0].removesuffix(".Arn")

    # the lookups call the published version's alias (SnapStart applies to published versions)
    assert target("/v1/permissions", "get") == "LookupFunctionAliaslive"
    assert target("/v1/permissions/batch", "post") == "LookupFunctionAliaslive"
    assert target("/v1/policy", "get") == "LookupFunctionAliaslive"
    assert target("/{proxy+}", "x-amazon-apigateway-any-method") == "ApiFunction"
    alias = resources["LookupFunctionAliaslive"]
    assert alias["Type"] == "AWS::Lambda::Alias"
    assert alias["Properties"]["FunctionName"] == {"Ref": "LookupFunction"}
    (version,) = [name for name, r in resources.items() if r["Type"] == "AWS::Lambda::Version"
                  and r["Properties"]["FunctionName"] == {"Ref": "LookupFunction"}]
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version, "Version"]}
    assert resources["LookupFunction"]["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert resources["LookupFunction"]["Properties"]["Runtime"] == "python3.12"  # SnapStart: Python 3.12 and later
    role = json.dumps(resources["LookupFunctionRole"]["Properties"]["Policies"])
    for write in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "ConditionCheckItem", "Transact",
                  "ssm:PutParameter", "sqs:", "events:", "s3:", '"*"'):
        assert write not in role, write
