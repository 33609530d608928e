//! kv-store in Rust: the same protocol as `../kv-store.wat`, checked by the same test.
//!
//! State: a JSON object of the entries; none counts as {}. Requests are JSON arrays:
//! `["put", KEY, VALUE]` answers true; `["get", KEY]` the value or null; `["delete", KEY]` whether
//! it was there. Anything else is an `Err`; the store goes on.

use serde_json::Map;
use troupe::{Error, Reply, Result, Value};

type State = Map<String, Value>;

fn handle_request(mut entries: State, _id: String, msg: Value) -> Result<(State, Reply)> {
    let bad = || Error::new(format!("expected [op, key, value?], got {}", msg));
    let args = msg.as_array().ok_or_else(bad)?;
    let op = args.first().and_then(Value::as_str).ok_or_else(bad)?;
    let key = args.get(1).and_then(Value::as_str).ok_or_else(bad)?.to_string();
    match (op, args.len()) {
        ("put", 3) => {
            entries.insert(key, args[2].clone());
            Ok((entries, Reply::now(true)))
        }
        ("get", 2) => {
            let value = entries.get(&key).cloned().unwrap_or(Value::Null);
            Ok((entries, Reply::now(value)))
        }
        ("delete", 2) => {
            let had = entries.remove(&key).is_some();
            Ok((entries, Reply::now(had)))
        }
        _ => Err(bad()),
    }
}

troupe::actor! { state: State, handle_request: handle_request }
