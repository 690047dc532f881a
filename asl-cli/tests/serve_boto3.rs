//! `asl serve` driven by boto3 (and, for what boto3 would refuse to send, by raw HTTP from
//! Python's urllib): paging, the exception classes, validation, tags, update and delete, mock
//! test cases, StartSyncExecution, the protocol's own errors and a graceful shutdown. Each test
//! starts its own server; each script asserts and prints `ok`.

mod server;

use server::{have, Server};
use std::time::{Duration, Instant};

/// What every script has besides the client (`server::BOTO3_CLIENT`): a definition, a role,
/// and `machine(name)`, which registers it.
const PRELUDE: &str = r#"
DEFINITION = json.dumps({"StartAt": "Charge", "States": {"Charge": {"Type": "Task",
    "Resource": "arn:aws:lambda:us-east-1:123456789:function:charge", "End": True}}})
ROLE = 'arn:aws:iam::123456789:role/step-functions-role'
def machine(name, **kw):
    return sfn.create_state_machine(name=name, definition=DEFINITION, roleArn=ROLE, **kw)['stateMachineArn']
"#;

fn python(server: &Server, script: &str) {
    server::python_ok(server, &format!("{}{PRELUDE}", server::BOTO3_CLIENT), script);
}

fn boto3() -> bool {
    server::have_boto3()
}

#[test]
fn list_executions_pages_by_two_across_five() {
    if !boto3() {
        return;
    }
    python(&Server::start(), r#"
arn = machine('pages')
started = [sfn.start_execution(stateMachineArn=arn, name=f'run-{i}', input='{}') for i in range(5)]
assert all(isinstance(s['startDate'], datetime.datetime) and s['startDate'].tzinfo for s in started)
pages, token = [], None
while True:
    kw = {'nextToken': token} if token else {}
    page = sfn.list_executions(stateMachineArn=arn, maxResults=2, **kw)
    pages.append([e['name'] for e in page['executions']])
    token = page.get('nextToken')
    if not token:
        break
assert [len(p) for p in pages] == [2, 2, 1], pages
assert sorted(sum(pages, [])) == [f'run-{i}' for i in range(5)], pages
paginated = sfn.get_paginator('list_executions').paginate(stateMachineArn=arn, PaginationConfig={'PageSize': 2})
assert sum(len(p['executions']) for p in paginated) == 5
assert all(e['status'] == 'RUNNING' for e in sfn.list_executions(stateMachineArn=arn)['executions'])
raises('InvalidToken', sfn.list_executions, stateMachineArn=arn, nextToken='not-a-token')
history = sfn.get_execution_history(executionArn=started[0]['executionArn'])['events']
assert history[0]['type'] == 'ExecutionStarted' and isinstance(history[0]['timestamp'], datetime.datetime), history
assert history[0]['executionStartedEventDetails']['input'] == '{}', history
bare = sfn.get_execution_history(executionArn=started[0]['executionArn'], includeExecutionData=False)['events'][0]['executionStartedEventDetails']
assert 'input' not in bare and bare['roleArn'], bare
assert sfn.list_executions(stateMachineArn=arn, redriveFilter='REDRIVEN')['executions'] == []
assert len(sfn.list_executions(stateMachineArn=arn, redriveFilter='NOT_REDRIVEN')['executions']) == 5
"#);
}

#[test]
fn errors_are_the_client_exception_classes() {
    if !boto3() {
        return;
    }
    python(&Server::start(), r#"
try:
    sfn.describe_state_machine(stateMachineArn='arn:aws:states:us-east-1:123456789:stateMachine:nope')
    raise AssertionError('described')
except sfn.exceptions.StateMachineDoesNotExist as e:
    assert 'State Machine Does Not Exist' in str(e), e
try:
    sfn.describe_state_machine(stateMachineArn='arn:aws:states:us-east-1:123456789:activity:nope')
    raise AssertionError('described')
except sfn.exceptions.InvalidArn as e:
    assert "Resource type not valid in this context: activity" in str(e), e
bad = '{\n  "StartAt": "A",\n  "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}\n}'
try:
    sfn.create_state_machine(name='bad', definition=bad, roleArn=ROLE)
    raise AssertionError('created')
except sfn.exceptions.InvalidDefinition as e:
    assert 'bad:3:' in str(e) and 'Nowhere' in str(e), e
try:
    sfn.describe_execution(executionArn='arn:aws:states:us-east-1:123456789:execution:nope:x')
    raise AssertionError('described')
except sfn.exceptions.ExecutionDoesNotExist:
    pass
arn = machine('dup')
sfn.start_execution(stateMachineArn=arn, name='same', input='{"a": 1}')
try:
    sfn.start_execution(stateMachineArn=arn, name='same', input='{"a": 2}')
    raise AssertionError('started')
except sfn.exceptions.ExecutionAlreadyExists:
    pass
raises('InvalidExecutionInput', sfn.start_execution, stateMachineArn=arn, input='not json')
raises('ValidationException', sfn.list_state_machines, maxResults=1001)
try:
    sfn.send_task_success(taskToken='no-such-token', output='{}')
    raise AssertionError('answered')
except sfn.exceptions.TaskDoesNotExist:
    pass
"#);
}

#[test]
fn validate_tags_update_and_delete() {
    if !boto3() {
        return;
    }
    python(&Server::start(), r#"
ok = sfn.validate_state_machine_definition(definition=DEFINITION)
assert ok['result'] == 'OK' and ok['diagnostics'] == [], ok
bad = '{\n  "StartAt": "A",\n  "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}\n}'
failed = sfn.validate_state_machine_definition(definition=bad, type='STANDARD')
assert failed['result'] == 'FAIL' and not failed['truncated'], failed
d = [d for d in failed['diagnostics'] if 'Nowhere' in d['message']][0]
assert (d['severity'], d['code']) == ('ERROR', 'SCHEMA_VALIDATION_FAILED'), d
assert d['location'].startswith('line 3, column '), d
assert sfn.validate_state_machine_definition(definition=bad, maxResults=1)['truncated'] is True

arn = machine('tagged', tags=[{'key': 'team', 'value': 'orders'}])
sfn.tag_resource(resourceArn=arn, tags=[{'key': 'env', 'value': 'dev'}, {'key': 'team', 'value': 'billing'}])
assert sfn.list_tags_for_resource(resourceArn=arn)['tags'] == [{'key': 'env', 'value': 'dev'}, {'key': 'team', 'value': 'billing'}]
sfn.untag_resource(resourceArn=arn, tagKeys=['env'])
assert sfn.list_tags_for_resource(resourceArn=arn)['tags'] == [{'key': 'team', 'value': 'billing'}]
activity = sfn.create_activity(name='review', tags=[{'key': 'k', 'value': 'v'}])['activityArn']
assert sfn.list_tags_for_resource(resourceArn=activity)['tags'] == [{'key': 'k', 'value': 'v'}]
try:
    sfn.list_tags_for_resource(resourceArn='arn:aws:states:us-east-1:123456789:stateMachine:nope')
    raise AssertionError('listed')
except sfn.exceptions.ResourceNotFound:
    pass
raises('TooManyTags', sfn.tag_resource, resourceArn=arn, tags=[{'key': f'k{i}', 'value': ''} for i in range(50)])

newer = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
updated = sfn.update_state_machine(stateMachineArn=arn, definition=newer)
assert isinstance(updated['updateDate'], datetime.datetime), updated
assert sfn.describe_state_machine(stateMachineArn=arn)['definition'] == newer
raises('InvalidDefinition', sfn.update_state_machine, stateMachineArn=arn, definition='{}')
raises('MissingRequiredParameter', sfn.update_state_machine, stateMachineArn=arn)

execution = sfn.start_execution(stateMachineArn=arn)['executionArn']
assert sfn.describe_state_machine_for_execution(executionArn=execution)['updateDate'] == updated['updateDate']
sfn.delete_state_machine(stateMachineArn=arn)
assert sfn.describe_state_machine(stateMachineArn=arn)['status'] == 'DELETING'
raises('StateMachineDeleting', sfn.start_execution, stateMachineArn=arn)
sfn.stop_execution(executionArn=execution)
try:
    sfn.describe_state_machine(stateMachineArn=arn)
    raise AssertionError('still there')
except sfn.exceptions.StateMachineDoesNotExist:
    pass
assert sfn.describe_execution(executionArn=execution)['status'] == 'ABORTED'
sfn.delete_state_machine(stateMachineArn=arn)
"#);
}

#[test]
fn versions_and_aliases_as_boto3_drives_them() {
    if !boto3() {
        return;
    }
    python(&Server::start(), r#"
created = sfn.create_state_machine(name='versioned', definition=DEFINITION, roleArn=ROLE, publish=True, versionDescription='first')
arn, v1 = created['stateMachineArn'], created['stateMachineVersionArn']
assert v1 == arn + ':1', created
raises('ValidationException', sfn.create_state_machine, name='x', definition=DEFINITION, roleArn=ROLE, versionDescription='no publish')
d = sfn.describe_state_machine(stateMachineArn=v1)
assert (d['stateMachineArn'], d['description'], d['definition']) == (v1, 'first', DEFINITION), d
assert 'revisionId' not in sfn.describe_state_machine(stateMachineArn=arn), 'never updated: the revision AWS calls INITIAL'
assert sfn.publish_state_machine_version(stateMachineArn=arn, revisionId='INITIAL')['stateMachineVersionArn'] == v1, 'one version per revision'
revision = 'INITIAL'
newer = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
updated = sfn.update_state_machine(stateMachineArn=arn, definition=newer, publish=True, versionDescription='second')
v2 = updated['stateMachineVersionArn']
assert v2 == arn + ':2' and updated['revisionId'] != revision, updated
raises('ConflictException', sfn.publish_state_machine_version, stateMachineArn=arn, revisionId=revision)
assert sfn.describe_state_machine(stateMachineArn=v1)['definition'] == DEFINITION, 'a version keeps its definition'
versions = sfn.list_state_machine_versions(stateMachineArn=arn, maxResults=1)
assert [v['stateMachineVersionArn'] for v in versions['stateMachineVersions']] == [v2] and 'nextToken' in versions, versions
rest = sfn.list_state_machine_versions(stateMachineArn=arn, nextToken=versions['nextToken'])
assert [v['stateMachineVersionArn'] for v in rest['stateMachineVersions']] == [v1], rest
assert isinstance(rest['stateMachineVersions'][0]['creationDate'], datetime.datetime)

alias = sfn.create_state_machine_alias(name='prod', description='live', routingConfiguration=[{'stateMachineVersionArn': v1, 'weight': 100}])['stateMachineAliasArn']
assert alias == arn + ':prod', alias
a = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
assert (a['name'], a['description'], a['routingConfiguration']) == ('prod', 'live', [{'stateMachineVersionArn': v1, 'weight': 100}]), a
raises('ValidationException', sfn.create_state_machine_alias, name='half', routingConfiguration=[{'stateMachineVersionArn': v1, 'weight': 50}])
raises('ResourceNotFound', sfn.create_state_machine_alias, name='ghost', routingConfiguration=[{'stateMachineVersionArn': arn + ':9', 'weight': 100}])
raises('ConflictException', sfn.create_state_machine_alias, name='prod', routingConfiguration=[{'stateMachineVersionArn': v2, 'weight': 100}])
raises('ConflictException', sfn.delete_state_machine_version, stateMachineVersionArn=v1)
raises('InvalidName', sfn.create_state_machine_alias, name='123', routingConfiguration=[{'stateMachineVersionArn': v1, 'weight': 100}])

# Executions through a version and an alias say so, and list by them.
by_alias = sfn.start_execution(stateMachineArn=alias, name='through-alias')['executionArn']
by_version = sfn.start_execution(stateMachineArn=v2, name='through-v2')['executionArn']
e = sfn.describe_execution(executionArn=by_alias)
assert (e['stateMachineAliasArn'], e['stateMachineVersionArn'], e['stateMachineArn']) == (alias, v1, arn), e
started = sfn.get_execution_history(executionArn=by_alias)['events'][0]['executionStartedEventDetails']
assert (started['stateMachineAliasArn'], started['stateMachineVersionArn']) == (alias, v1), started
assert sfn.describe_state_machine_for_execution(executionArn=by_alias)['definition'] == DEFINITION
assert sfn.describe_state_machine_for_execution(executionArn=by_version)['definition'] == newer
names = lambda a: [x['name'] for x in sfn.list_executions(stateMachineArn=a)['executions']]
assert (names(alias), names(v2), sorted(names(arn))) == (['through-alias'], ['through-v2'], ['through-alias', 'through-v2'])
raises('StateMachineDoesNotExist', sfn.start_execution, stateMachineArn=arn + ':nope')

# A canary: the alias moves to v2 with one route in ten still on v1.
sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=[{'stateMachineVersionArn': v1, 'weight': 10}, {'stateMachineVersionArn': v2, 'weight': 90}])
assert len(sfn.describe_state_machine_alias(stateMachineAliasArn=alias)['routingConfiguration']) == 2
sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=[{'stateMachineVersionArn': v2, 'weight': 100}])
assert [x['stateMachineAliasArn'] for x in sfn.list_state_machine_aliases(stateMachineArn=v2)['stateMachineAliases']] == [alias]
assert sfn.list_state_machine_aliases(stateMachineArn=v1)['stateMachineAliases'] == []
sfn.delete_state_machine_version(stateMachineVersionArn=v1)
raises('StateMachineDoesNotExist', sfn.describe_state_machine, stateMachineArn=v1)
sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
raises('ResourceNotFound', sfn.describe_state_machine_alias, stateMachineAliasArn=alias)
raises('InvalidArn', sfn.update_state_machine, stateMachineArn=v2, definition=newer)
"#);
}

#[test]
fn a_test_case_in_the_arn_keeps_the_execution_arn_normal() {
    if !boto3() {
        return;
    }
    let server = Server::start();
    python(&server, r#"
machine('mocked')
started = sfn.start_execution(stateMachineArn='arn:aws:states:us-east-1:123456789:stateMachine:mocked#HappyPath', name='e1')
assert started['executionArn'].endswith(':execution:mocked:e1'), started
assert sfn.describe_execution(executionArn=started['executionArn'])['status'] == 'RUNNING'
"#);
    // What a worker reads: the record has the test case.
    let store = asl_engine::SqliteStore::open(server.path("store.db")).unwrap();
    let arn = asl_runtime_arn("mocked", "e1");
    let record = asl_engine::Store::execution(&store, &arn).unwrap().expect("the execution");
    assert_eq!(record.test_case.as_deref(), Some("HappyPath"));
}

fn asl_runtime_arn(machine: &str, name: &str) -> String {
    format!("arn:aws:states:local:000000000000:execution:{machine}:{name}")
}

#[test]
fn start_sync_execution_waits_for_the_end() {
    if !boto3() {
        return;
    }
    python(&Server::start(), r#"
standard = machine('standard')
raises('StateMachineTypeNotSupported', sfn.start_sync_execution, stateMachineArn=standard)
express = machine('express', type='EXPRESS')
answer = {}
t = threading.Thread(target=lambda: answer.update(sfn.start_sync_execution(stateMachineArn=express, name='sync-1', input='{"x": 1}')))
t.start()
arn = None
for _ in range(100):
    runs = sfn.list_executions(stateMachineArn=express)['executions']
    if runs:
        arn = runs[0]['executionArn']
        break
    time.sleep(0.05)
assert arn, 'started'
time.sleep(0.2)
assert t.is_alive(), 'still waiting while the execution runs'
# No worker here: stopping it is what ends it.
sfn.stop_execution(executionArn=arn, error='Stopped', cause='by the test')
t.join(10)
assert answer['status'] == 'FAILED' and answer['error'] == 'Stopped', answer
assert answer['executionArn'] == arn and answer['input'] == '{"x": 1}', answer
assert isinstance(answer['stopDate'], datetime.datetime), answer
"#);
}

#[test]
fn the_protocol_answers_every_malformed_request_with_an_aws_error() {
    if !have("python3", &["--version"]) {
        return;
    }
    python(&Server::start(), r#"
def post(body, target='AWSStepFunctions.ListStateMachines', ctype='application/x-amz-json-1.0', method='POST', path='/'):
    headers = {}
    if target is not None: headers['X-Amz-Target'] = target
    if ctype is not None: headers['Content-Type'] = ctype
    req = urllib.request.Request(os.environ['ENDPOINT'] + path, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read())
def error(expected_status, code, *args, **kw):
    status, headers, body = post(*args, **kw)
    assert status == expected_status and body['__type'].rsplit('#', 1)[1] == code, (status, body)
    assert headers['Content-Type'] == 'application/x-amz-json-1.0' and headers['x-amzn-RequestId'], headers
    return body['message']
status, headers, body = post(b'{}')
assert status == 200 and body == {'stateMachines': []} and headers['x-amzn-RequestId'], (status, body)
assert error(400, 'UnknownOperationException', b'{}', target='AWSStepFunctions.LaunchRockets') == "Unknown operation 'LaunchRockets' of AWSStepFunctions"
error(400, 'ResourceNotFound', b'{"mapRunArn": "arn:aws:states:us-east-1:123456789:mapRun:m/Map:1", "maxConcurrency": 1}', target='AWSStepFunctions.UpdateMapRun')
# TestState compiles the state, which a server without workers cannot.
assert 'workers' in error(400, 'UnknownOperationException', b'{"definition": "{\\"Type\\": \\"Pass\\", \\"End\\": true}"}', target='AWSStepFunctions.TestState')
error(400, 'UnknownOperationException', b'{}', target=None)
error(400, 'UnknownOperationException', b'{}', target='DynamoDB_20120810.ListTables')
error(400, 'UnknownOperationException', None, method='GET')
error(400, 'UnknownOperationException', b'{}', path='/other')
error(400, 'SerializationException', b'{}', ctype='text/plain')
error(400, 'SerializationException', b'{}', ctype=None)
for garbage in [b'garbage', b'[1, 2]', b'{"maxResults": ', b'\xff\xfe\x00']:
    error(400, 'SerializationException', garbage)
error(400, 'SerializationException', b'{"maxResults": "ten"}')
assert error(400, 'ValidationException', b'{}', target='AWSStepFunctions.DescribeStateMachine') == \
    "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"
assert error(400, 'ValidationException', b'{}', target='AWSStepFunctions.CreateStateMachine').startswith('3 validation errors detected: ')
error(413, 'RequestEntityTooLargeException', b'{"x": "' + b'a' * (7 * 1024 * 1024) + b'"}')
# Still serving after all that.
assert post(b'{}')[0] == 200
"#);
}

#[test]
fn sigterm_ends_a_long_poll_and_the_server_promptly() {
    if !boto3() {
        return;
    }
    let mut server = Server::start();
    python(&server, "sfn.create_activity(name='review')");
    let poll = server.python_spawn(&format!(
        "{}{PRELUDE}\narn = sfn.list_activities()['activities'][0]['activityArn']\nprint(json.dumps(sfn.get_activity_task(activityArn=arn)))",
        server::BOTO3_CLIENT
    ));
    std::thread::sleep(Duration::from_millis(1500));
    let asked = Instant::now();
    let status = server.terminate();
    let took = asked.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(5), "the 60 s long poll held the shutdown for {took:?}");
    let out = poll.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("ResponseMetadata") && !stdout.contains("taskToken"), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}
