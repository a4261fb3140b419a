//! The S3-compatible server the file tests store into: the one named by
//! PARLOR_TEST_S3_ENDPOINT (`make test` starts one), or else a `moto_server`
//! this process starts on a free loopback port, found in the virtualenv that
//! `make s3-test-server` installs (target/s3-venv) or on PATH. Without
//! either, the S3 tests fail with instructions; they never skip.

use std::io::Write;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use parlor::config::S3Location;

/// Keeps the started server's control pipe open for as long as the tests run.
static SERVER: OnceLock<(String, Mutex<Option<Child>>)> = OnceLock::new();

pub fn endpoint() -> String {
    SERVER
        .get_or_init(|| match std::env::var("PARLOR_TEST_S3_ENDPOINT") {
            Ok(url) if !url.is_empty() => (url.trim_end_matches('/').to_string(), Mutex::new(None)),
            _ => {
                let (url, child) = start_moto();
                (url, Mutex::new(Some(child)))
            }
        })
        .0
        .clone()
}

fn moto_binary() -> Option<String> {
    if let Ok(path) = std::env::var("PARLOR_TEST_MOTO_SERVER") {
        return Some(path);
    }
    let venv = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/s3-venv/bin/moto_server"
    );
    if std::path::Path::new(venv).exists() {
        return Some(venv.to_string());
    }
    let on_path = Command::new("moto_server")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    on_path.then(|| "moto_server".to_string())
}

fn start_moto() -> (String, Child) {
    let binary = moto_binary().unwrap_or_else(|| {
        panic!(
            "the S3 tests need an S3-compatible server: run `make s3-test-server` (installs \
             moto[server] from PyPI into target/s3-venv), or set PARLOR_TEST_S3_ENDPOINT"
        )
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let log = std::env::temp_dir().join(format!("parlor-test-moto-{port}.log"));
    // `sh -c SCRIPT BINARY` runs the server as `$0`, then stops it when this
    // process's end of the pipe closes, which happens however the tests end.
    let script = format!(
        "\"$0\" -H 127.0.0.1 -p {port} >\"{}\" 2>&1 & pid=$!; read _; kill $pid",
        log.display()
    );
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(&binary)
        .stdin(Stdio::piped())
        .spawn()
        .expect("starting moto_server");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            let _ = child.stdin.take().map(|mut s| s.write_all(b"\n"));
            panic!(
                "moto_server ({binary}) did not start on port {port} in 30 s; see {}",
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (format!("http://127.0.0.1:{port}"), child)
}

/// A new, empty bucket on the test server.
pub async fn fresh_bucket() -> S3Location {
    let endpoint = endpoint();
    let bucket = format!("parlor-test-{}", uuid::Uuid::new_v4().simple());
    // moto accepts unsigned requests, which is all bucket creation needs here.
    let response = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap_or_else(|err| panic!("the S3 server at {endpoint} is reachable: {err}"));
    assert!(
        response.status().is_success(),
        "creating bucket {bucket}: {}",
        response.status()
    );
    S3Location {
        endpoint: Some(endpoint),
        bucket,
        region: "us-east-1".into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".into()),
        prefix: "files".into(),
    }
}
