# The table and function the round-trip benchmark calls (run with moto.boto3's `client`).
import io, zipfile

client("dynamodb").create_table(TableName="bench", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
role = client("iam").create_role(RoleName="echo", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
code = io.BytesIO()
zipfile.ZipFile(code, "w").writestr("index.py", "def handler(event, context):\n    return event\n")
client("lambda").create_function(FunctionName="echo", Runtime="python3.11", Role=role, Handler="index.handler", Code={"ZipFile": code.getvalue()})
print("{}")
