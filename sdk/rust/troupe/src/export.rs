//! What the exports [`crate::actor!`] generates call: decode the state and the params tuple, run the
//! callback, encode `{"Ok":[state]}`, `{"Ok":[state, value]}` or `{"Err": message}`.

use crate::abi;
use crate::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// One callback: `body` gets the state (its `Default` when there is none) and the params tuple.
pub fn run<S, F>(sp: i32, sl: i32, pp: i32, pl: i32, body: F) -> i64
where
    S: Serialize + DeserializeOwned + Default,
    F: FnOnce(S, Vec<Value>) -> Result<(S, Option<Value>)>,
{
    abi::output(encode(decode::<S>(sp, sl, pp, pl).and_then(|(s, p)| body(s, p))))
}

fn decode<S: DeserializeOwned + Default>(sp: i32, sl: i32, pp: i32, pl: i32) -> Result<(S, Vec<Value>)> {
    let state = match abi::input(sp, sl) {
        None => S::default(),
        Some(bytes) if bytes == b"null" => S::default(),
        Some(bytes) => serde_json::from_slice(bytes)
            .map_err(|e| Error(format!("the state does not fit this actor's state type: {}", e)))?,
    };
    let params: Vec<Value> = serde_json::from_slice(abi::input(pp, pl).unwrap_or(b"[]"))
        .map_err(|e| Error(format!("the params are not a JSON array: {}", e)))?;
    Ok((state, params))
}

/// `{"Ok":[state]}`, `{"Ok":[state,value]}` or `{"Err":message}`, written straight to bytes.
fn encode<S: Serialize>(result: Result<(S, Option<Value>)>) -> Vec<u8> {
    let err = |message: String| {
        let mut out = br#"{"Err":"#.to_vec();
        out.extend(serde_json::to_vec(&message).unwrap_or_else(|_| b"\"?\"".to_vec()));
        out.push(b'}');
        out
    };
    match result {
        Ok((state, value)) => {
            let mut out = br#"{"Ok":["#.to_vec();
            if let Err(e) = serde_json::to_writer(&mut out, &state) {
                return err(format!("the new state is not JSON: {}", e));
            }
            if let Some(v) = value {
                out.push(b',');
                if let Err(e) = serde_json::to_writer(&mut out, &v) {
                    return err(format!("the answer is not JSON: {}", e));
                }
            }
            out.extend_from_slice(b"]}");
            out
        }
        Err(Error(message)) => err(message),
    }
}

/// Parameter `i` of the tuple, as a `T`.
pub fn arg<T: DeserializeOwned>(params: &[Value], i: usize) -> Result<T> {
    let v = params.get(i).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v).map_err(|e| Error(format!("parameter {}: {}", i, e)))
}

/// Parameter `i` as an operation's outcome: `{"Ok": value}` or `{"Err": message}`.
pub fn outcome(params: &[Value], i: usize) -> Result<core::result::Result<Value, String>> {
    match params.get(i) {
        Some(Value::Object(m)) if m.contains_key("Ok") => Ok(Ok(m["Ok"].clone())),
        Some(Value::Object(m)) if m.contains_key("Err") => Ok(Err(match &m["Err"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })),
        other => Err(Error(format!("parameter {} is not an outcome: {:?}", i, other))),
    }
}
