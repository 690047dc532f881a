# boto3 making the benchmark's calls: `round(n)` times n invocations and n puts inside Python
# (its start and the clients' creation excluded), in seconds. Run with moto.boto3's `client`.
import time


def round(n):
    lam, ddb = client("lambda"), client("dynamodb")
    lam.invoke(FunctionName="echo", Payload=b'{"id": "warm"}')
    ddb.put_item(TableName="bench", Item={"id": {"S": "warm"}, "n": {"N": "1"}})
    t = time.perf_counter()
    for i in range(n):
        json.loads(lam.invoke(FunctionName="echo", Payload=json.dumps({"id": str(i)}).encode())["Payload"].read())
    invoke = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(n):
        ddb.put_item(TableName="bench", Item={"id": {"S": str(i)}, "n": {"N": "1"}})
    return {"invoke": invoke, "put": time.perf_counter() - t}
