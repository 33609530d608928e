//! worker in Rust: the same protocol as `../../worker.wat`, checked by the same test.
//!
//! handle-send [N] adds the integer N to the state; handle-send ["crash"] panics (a trap: the
//! module is built with panic = "abort"), which fails the worker and hands it to its supervisor's
//! restart policy. handle-request answers the count. State: the count (a number).

use troupe::{Error, Reply, Result, Value};

fn handle_send(count: i64, msg: Value) -> Result<i64> {
    if msg.as_str() == Some("crash") {
        panic!("asked to crash");
    }
    let n = msg
        .as_i64()
        .ok_or_else(|| Error::new(format!("send an integer or \"crash\", not {}", msg)))?;
    Ok(count + n)
}

fn handle_request(count: i64, _id: String, _msg: Value) -> Result<(i64, Reply)> {
    Ok((count, Reply::now(count)))
}

troupe::actor! { state: i64, handle_send: handle_send, handle_request: handle_request }
