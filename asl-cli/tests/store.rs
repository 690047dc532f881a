//! `asl` against store paths that are not a healthy store, as a user meets them: a clear error
//! naming the file and what to do, exit code 253, and the file left as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ASL: &str = env!("CARGO_BIN_EXE_asl");
const DEFINITION: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn asl(store: &Path, args: &[&str]) -> Output {
    Command::new(ASL).arg("--store").arg(store).args(args).output().unwrap()
}

fn list(store: &Path) -> Output {
    asl(store, &["list-executions", "--state-machine-arn", "arn:aws:states:local:000000000000:stateMachine:m"])
}

fn create(store: &Path) {
    let out = asl(store, &["create-state-machine", "--name", "m", "--definition", DEFINITION, "--role-arn", "arn:aws:iam::123456789012:role/r"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The command failed with exit code 253 and said `words`.
fn refused(out: &Output, words: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(253), "{stderr}");
    for w in words {
        assert!(stderr.contains(w), "{w:?} not in: {stderr}");
    }
}

#[test]
fn a_missing_store_is_said_and_not_created_by_a_reading_command() {
    let dir = scratch("missing");
    let store = dir.join("missing.db");
    refused(&list(&store), &["the store", "missing.db does not exist", "create-state-machine or create-activity creates it"]);
    assert!(!store.exists());
    create(&store);
    assert!(list(&store).status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_damaged_store_is_refused_and_left_as_it_was() {
    let dir = scratch("damaged");
    let store = dir.join("store.db");
    create(&store);
    for i in 0..40 {
        let name = format!("e{i}");
        let out = asl(&store, &["start-execution", "--state-machine-arn", "arn:aws:states:local:000000000000:stateMachine:m", "--name", &name]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let mut bytes = std::fs::read(&store).unwrap();
    let last_page = bytes.len() - 4096;
    bytes[last_page..last_page + 32].fill(0x5A);
    std::fs::write(&store, &bytes).unwrap();
    let out = asl(&store, &["start-execution", "--state-machine-arn", "arn:aws:states:local:000000000000:stateMachine:m", "--name", "after"]);
    refused(&out, &["store.db is damaged", "does not write into it", ".recover"]);
    assert_eq!(std::fs::read(&store).unwrap(), bytes, "not written into");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_deleted_write_ahead_log_is_said() {
    let dir = scratch("wal");
    let store = dir.join("store.db");
    create(&store);
    // What a crash leaves (the -shm and -wal files), then the -wal deleted by hand.
    std::fs::write(dir.join("store.db-shm"), vec![0u8; 32_768]).unwrap();
    refused(&list(&store), &["lost its write-ahead log", "store.db-wal is missing", "remove"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn what_is_not_a_store_is_named() {
    let dir = scratch("foreign");
    let theirs = dir.join("theirs.db");
    let out = Command::new("python3")
        .args(["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('create table orders (id)'); c.commit()"])
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = std::fs::read(&theirs).unwrap();
    refused(&list(&theirs), &["theirs.db is an SQLite database of another program"]);
    assert_eq!(std::fs::read(&theirs).unwrap(), before, "left untouched");
    refused(&list(&dir), &["is a directory"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Root writes whatever the permissions say, so the command runs as `nobody` (setpriv, from
/// util-linux) when the tests run as root.
#[test]
fn a_read_only_store_is_said() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("readonly");
    let store = dir.join("store.db");
    create(&store);
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let args = ["--store", store.to_str().unwrap(), "list-executions", "--state-machine-arn", "arn:aws:states:local:000000000000:stateMachine:m"];
    let root = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false);
    let out = match root {
        true => Command::new("setpriv").args(["--reuid=65534", "--regid=65534", "--clear-groups", ASL]).args(args).output().unwrap(),
        false => Command::new(ASL).args(args).output().unwrap(),
    };
    refused(&out, &["store.db is read-only for this user", "make both writable, or copy the store"]);
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
