"""Creates what examples/workflows/order-aws.json touches, with boto3, at the endpoint
AWS_ENDPOINT_URL names (a moto server): the orders table, the receipts bucket, the approvals
and announcements queues, the orders topic (announcements subscribed to it) and the notify
function. Prints their names and addresses as one line of JSON."""
import boto3, io, json, os, zipfile

URL = os.environ["AWS_ENDPOINT_URL"]


def client(name):
    return boto3.client(name, endpoint_url=URL, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


client("dynamodb").create_table(
    TableName="orders",
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    BillingMode="PAY_PER_REQUEST",
)
client("s3").create_bucket(Bucket="receipts")
sqs = client("sqs")
approvals = sqs.create_queue(QueueName="approvals")["QueueUrl"]
announcements = sqs.create_queue(QueueName="announcements")["QueueUrl"]
announcements_arn = sqs.get_queue_attributes(QueueUrl=announcements, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sns = client("sns")
topic = sns.create_topic(Name="orders")["TopicArn"]
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=announcements_arn, Attributes={"RawMessageDelivery": "true"})
role = client("iam").create_role(RoleName="notify", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
code = io.BytesIO()
zipfile.ZipFile(code, "w").writestr("index.py", "def handler(event, context):\n    return event\n")
client("lambda").create_function(FunctionName="notify", Runtime="python3.11", Role=role, Handler="index.handler", Code={"ZipFile": code.getvalue()})
print(json.dumps({"table": "orders", "bucket": "receipts", "queue": approvals, "announcements": announcements, "topic": topic, "function": "notify"}))
