//! Load on `asl serve`: 1,000 StartExecution calls at once over loopback (1,000 client threads
//! released together, each with its own connection), then every execution is found exactly
//! once by ListExecutions. Prints starts per second and the p50/p99 latency; AWS's default
//! StartExecution quota is a bucket of 1,300 refilled at 300 per second (us-east-1, Standard).

mod server;

use server::{have, Server};

const SCRIPT: &str = r#"
import http.client, json, os, threading, time, urllib.parse
url = urllib.parse.urlparse(os.environ['ENDPOINT'])
def call(conn, action, body):
    conn.request('POST', '/', json.dumps(body), {
        'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.' + action})
    r = conn.getresponse()
    data = json.loads(r.read())
    if r.status != 200:
        raise SystemExit(f'{action}: {r.status} {data}')
    return data
conn = http.client.HTTPConnection(url.hostname, url.port)
definition = json.dumps({'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': True}}})
machine = call(conn, 'CreateStateMachine', {'name': 'load', 'definition': definition, 'roleArn': 'arn:aws:iam::123456789012:role/r'})['stateMachineArn']
N = 1000
barrier = threading.Barrier(N)
latencies, arns, errors = [None] * N, [None] * N, []
def one(i):
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    c.connect()
    barrier.wait()
    t = time.perf_counter()
    try:
        arns[i] = call(c, 'StartExecution', {'stateMachineArn': machine, 'name': f'run-{i}', 'input': json.dumps({'i': i})})['executionArn']
    except BaseException as e:
        errors.append(repr(e))
    latencies[i] = time.perf_counter() - t
threads = [threading.Thread(target=one, args=(i,)) for i in range(N)]
for t in threads: t.start()
start = time.perf_counter()
for t in threads: t.join()
elapsed = time.perf_counter() - start
assert not errors, errors[:5]
listed, token = [], None
while True:
    body = {'stateMachineArn': machine, 'maxResults': 1000}
    if token: body['nextToken'] = token
    page = call(conn, 'ListExecutions', body)
    listed += [e['executionArn'] for e in page['executions']]
    token = page.get('nextToken')
    if not token: break
assert len(listed) == N and set(listed) == set(arns), (len(listed), len(set(listed)))
lat = sorted(latencies)
print(json.dumps({'calls': N, 'seconds': elapsed, 'per_second': N / elapsed,
                  'p50_ms': lat[N // 2] * 1000, 'p99_ms': lat[int(N * 0.99)] * 1000}))
"#;

#[test]
fn a_thousand_concurrent_starts_are_each_recorded_once() {
    if !have("python3", &["--version"]) {
        return;
    }
    let server = Server::start();
    let out = server.python(SCRIPT);
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    let measured: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    println!(
        "serve load: {} StartExecution calls at once: {:.0} starts/s, p50 {:.1} ms, p99 {:.1} ms (none lost, none duplicated)",
        measured["calls"], measured["per_second"].as_f64().unwrap(), measured["p50_ms"].as_f64().unwrap(), measured["p99_ms"].as_f64().unwrap()
    );
}
