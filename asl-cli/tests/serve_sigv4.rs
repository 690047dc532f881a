//! `asl serve --credentials`: requests signed (SigV4) by boto3 and the aws CLI with a
//! configured key pass; a wrong secret, an unknown key and no signature get AWS's error codes
//! and statuses. The clients' environment holds the key `test` with the secret `test`.

mod server;

use server::{have, Server};

/// A client of the server under test for `(key, secret)`, or unsigned (`None`), and
/// `refused(client, code, status)`, which checks how a ListStateMachines is refused.
const PRELUDE: &str = r#"
import os, boto3, botocore
from botocore.config import Config
def client(key=None, secret=None, unsigned=False):
    config = Config(retries={'max_attempts': 1}, signature_version=botocore.UNSIGNED if unsigned else None)
    return boto3.client('stepfunctions', endpoint_url=os.environ['ENDPOINT'], config=config,
                        aws_access_key_id=key, aws_secret_access_key=secret)
def refused(sfn, code, status):
    try:
        sfn.list_state_machines()
    except botocore.exceptions.ClientError as e:
        got = (e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])
        assert got == (code, status), (got, e.response)
        return e.response['Error']['Message']
    raise AssertionError('no ' + code)
"#;

fn python(server: &Server, script: &str) {
    server::python_ok(server, PRELUDE, script);
}

fn boto3() -> bool {
    server::have_boto3()
}

#[test]
fn boto3_passes_with_a_configured_key_and_gets_awss_codes_otherwise() {
    if !boto3() {
        return;
    }
    let server = Server::start_with(&["--credentials", "test:test", "--credentials", "AKIDSECOND:s3cr/t+key"]);
    python(&server, r#"
sfn = client()  # test/test, from the environment
arn = sfn.create_state_machine(name='signed', roleArn='arn:aws:iam::123456789:role/r',
    definition='{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}')['stateMachineArn']
assert [m['name'] for m in client('AKIDSECOND', 's3cr/t+key').list_state_machines()['stateMachines']] == ['signed']
sfn.start_execution(stateMachineArn=arn, input='{"a": "é"}')
message = refused(client('test', 'wrong'), 'InvalidSignatureException', 400)
assert message.startswith('The request signature we calculated does not match'), message
assert 'wrong' not in message and 's3cr' not in message
assert refused(client('AKIDUNKNOWN', 'test'), 'UnrecognizedClientException', 400) == 'The security token included in the request is invalid.'
assert refused(client(unsigned=True), 'MissingAuthenticationTokenException', 403) == 'Missing Authentication Token'
"#);
}

#[test]
fn the_aws_cli_passes_with_the_right_secret_and_names_the_error_otherwise() {
    if !have("aws", &["--version"]) {
        return;
    }
    let server = Server::start_with(&["--credentials", "test:test"]);
    let out = server.aws(&["list-state-machines"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let with = |key: &str, secret: &str| {
        let out = std::process::Command::new("aws")
            .current_dir(server.dir.path())
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", server.path("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", server.path("no-credentials"))
            .env("AWS_MAX_ATTEMPTS", "1")
            .env_remove("AWS_PROFILE")
            .args(["--endpoint-url", &server.endpoint(), "stepfunctions"])
            .arg("list-state-machines")
            .output()
            .expect("aws runs");
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let wrong_secret = with("test", "wrong");
    assert!(wrong_secret.contains("(InvalidSignatureException)") && !wrong_secret.contains("wrong"), "{wrong_secret}");
    let unknown_key = with("nobody", "test");
    assert!(unknown_key.contains("(UnrecognizedClientException)"), "{unknown_key}");
}

#[test]
fn the_environment_variable_configures_keys_and_no_keys_means_unchecked() {
    if !boto3() {
        return;
    }
    let server = Server::start_with_env(&[], &[("ASL_SERVE_CREDENTIALS", "AKIDONE:one,test:test")]);
    python(&server, r#"
client().list_state_machines()
client('AKIDONE', 'one').list_state_machines()
refused(client('AKIDONE', 'two'), 'InvalidSignatureException', 400)
refused(client(unsigned=True), 'MissingAuthenticationTokenException', 403)
"#);
    python(&Server::start(), "client(unsigned=True).list_state_machines()\nclient('any', 'thing').list_state_machines()");
}

#[test]
fn a_malformed_credential_stops_the_server_without_showing_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(server::ASL)
        .args(["--store", dir.path().join("s.db").to_str().unwrap(), "serve", "--port", "0", "--no-workers"])
        .args(["--credentials", "good:fine", "--credentials", "no-secret-here"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--credentials: credential 2") && !stderr.contains("fine"), "{stderr}");
}
