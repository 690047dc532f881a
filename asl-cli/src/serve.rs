//! `asl serve`: the Step Functions API over HTTP (AWS JSON 1.0, what `aws --endpoint-url` and
//! the SDKs speak) against the store, until SIGINT or SIGTERM.

use std::path::Path;
use std::process::ExitCode;

pub fn run(store: &Path, host: &str, port: u16) -> ExitCode {
    // Serving registers state machines and activities, so it may create the store.
    let engine = match crate::aws::open(store, true) {
        Ok(engine) => engine,
        Err(problem) => {
            crate::output::err(&format!("asl serve: {}", asl_codegen::printable(&problem)));
            return ExitCode::from(253);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            crate::output::err(&format!("asl serve: cannot start the runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind((host, port)).await {
            Ok(listener) => listener,
            Err(e) => {
                crate::output::err(&format!("asl serve: cannot listen on {}:{port}: {e}", asl_codegen::printable(host)));
                return ExitCode::FAILURE;
            }
        };
        let address = listener.local_addr().map_or_else(|_| format!("{host}:{port}"), |a| a.to_string());
        // On stderr, so a script can wait for it; stdout stays empty.
        crate::output::err(&format!("asl serve: listening on http://{address} (store {})", store.display()));
        match asl_serve::serve(listener, engine, asl_serve::shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                crate::output::err(&format!("asl serve: {e}"));
                ExitCode::FAILURE
            }
        }
    })
}
