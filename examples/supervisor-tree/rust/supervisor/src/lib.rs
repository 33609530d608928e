//! supervisor in Rust: the same protocol as `../../supervisor.wat`, checked by the same test.
//!
//! init spawns worker.toml (the Rust worker beside this manifest; supervisor::spawn waits for the
//! worker's init). handle-send [MSG] sends MSG to the worker; handle-request [id, MSG] asks it and
//! answers with its response. When the worker crashes, the [supervision] policy in
//! supervisor.toml restarts it from its last verified state; handle-child-error is told either
//! way. State: the worker's id (a JSON string).

use troupe::host::{message, supervisor};
use troupe::{ChildError, Reply, Result, Value};

fn init(_worker: String, _actor_id: String) -> Result<String> {
    supervisor::spawn("worker.toml", None)
}

fn handle_send(worker: String, msg: Value) -> Result<String> {
    message::send(&worker, msg)?;
    Ok(worker)
}

fn handle_request(worker: String, _id: String, msg: Value) -> Result<(String, Reply)> {
    let answer = message::request(&worker, msg)?;
    Ok((worker, Reply::Now(answer)))
}

/// The policy already decided (restart or not): keep the state.
fn handle_child_error(worker: String, _child_id: String, _error: ChildError) -> Result<String> {
    Ok(worker)
}

troupe::actor! {
    state: String,
    init: init,
    handle_send: handle_send,
    handle_request: handle_request,
    handle_child_error: handle_child_error,
}
