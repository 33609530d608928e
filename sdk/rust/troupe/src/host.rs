//! Every host function of the guest ABI v1, typed. A function works only when the actor's manifest
//! declares its handler (`[[handler]] type = "…"`); the module imports only the functions it uses.

use crate::{Error, Result};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

type Import = unsafe extern "C" fn(i32, i32) -> i64;

/// Calls a host function with a params tuple; its `Ok` value, or its `Err` as an [`Error`].
fn call(f: Import, params: Value) -> Result<Value> {
    let bytes = serde_json::to_vec(&params)?;
    let packed = unsafe { f(bytes.as_ptr() as i32, bytes.len() as i32) };
    crate::abi::answer(packed).map_err(Error)
}

fn typed<T: DeserializeOwned>(f: Import, params: Value) -> Result<T> {
    Ok(serde_json::from_value(call(f, params)?)?)
}

fn unit(f: Import, params: Value) -> Result<()> {
    call(f, params).map(|_| ())
}

macro_rules! imports {
    ($module:literal { $( $name:ident = $link:literal ),* $(,)? }) => {
        #[link(wasm_import_module = $module)]
        extern "C" {
            $( #[link_name = $link] fn $name(ptr: i32, len: i32) -> i64; )*
        }
    };
}

/// `runtime`: logging, the actor's own id and state, stopping itself.
pub mod runtime {
    use super::*;
    imports!("troupe:actor/runtime" { log_ = "log", get_state_ = "get-state", self_id_ = "self-id", shutdown_ = "shutdown" });

    /// Writes a line to the node's log (and the chain).
    pub fn log(text: &str) {
        let _ = unit(log_, json!([text]));
    }

    /// The state as of the start of the turn.
    pub fn get_state() -> Result<Value> {
        call(get_state_, json!([]))
    }

    pub fn self_id() -> Result<String> {
        typed(self_id_, json!([]))
    }

    /// Stops the actor once this turn ends; a parent's `handle_child_exit` gets `data`.
    pub fn shutdown(data: Value) -> Result<()> {
        unit(shutdown_, json!([data]))
    }
}

/// `timing`: the clock and timers (a timer's end comes to `handle_result`).
pub mod timing {
    use super::*;
    imports!("troupe:actor/timing" { now_ = "now", sleep_ = "sleep", cancel_ = "cancel" });

    /// Epoch milliseconds.
    pub fn now() -> Result<i64> {
        typed(now_, json!([]))
    }

    /// Starts a timer of `millis` (at most a day); its op id. `handle_result` gets `Ok(null)`.
    pub fn sleep(millis: u64) -> Result<String> {
        typed(sleep_, json!([millis]))
    }

    /// Cancels a timer; whether it was still pending.
    pub fn cancel(op_id: &str) -> Result<bool> {
        typed(cancel_, json!([op_id]))
    }
}

/// `random`: a generator seeded per actor; every value drawn is recorded.
pub mod random {
    use super::*;
    imports!("troupe:actor/random" {
        bytes_ = "random-bytes", u64_ = "random-u64", range_ = "random-range",
        float_ = "random-float", uuid_ = "generate-uuid",
    });

    pub fn bytes(count: u32) -> Result<Vec<u8>> {
        typed(bytes_, json!([count]))
    }

    pub fn u64() -> Result<u64> {
        typed(u64_, json!([]))
    }

    /// A value in `[min, max)`.
    pub fn range(min: i64, max: i64) -> Result<i64> {
        typed(range_, json!([min, max]))
    }

    /// A value in `[0, 1)`.
    pub fn float() -> Result<f64> {
        typed(float_, json!([]))
    }

    pub fn uuid() -> Result<String> {
        typed(uuid_, json!([]))
    }
}

/// `environment`: the variables the manifest lets the actor see.
pub mod environment {
    use super::*;
    imports!("troupe:actor/environment" { get_var_ = "get-var", exists_ = "exists", list_vars_ = "list-vars" });

    pub fn get_var(name: &str) -> Result<Option<String>> {
        typed(get_var_, json!([name]))
    }

    pub fn exists(name: &str) -> Result<bool> {
        typed(exists_, json!([name]))
    }

    pub fn list_vars() -> Result<Vec<(String, String)>> {
        typed(list_vars_, json!([]))
    }
}

/// `message-server`: messages, requests and channels to other actors, deferred replies.
pub mod message {
    use super::*;
    imports!("troupe:actor/message-server-host" {
        send_ = "send", request_ = "request", open_channel_ = "open-channel",
        send_on_channel_ = "send-on-channel", close_channel_ = "close-channel",
        respond_ = "respond-to-request", outstanding_ = "list-outstanding-requests",
        cancel_ = "cancel-request", current_ = "current-message",
    });

    /// The message being handled: its id and its sender (`None` for a client).
    #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
    pub struct Current {
        pub id: String,
        pub sender: Option<String>,
    }

    /// Queues `msg` for `actor` (it is not handled yet when this returns).
    pub fn send(actor: &str, msg: Value) -> Result<()> {
        unit(send_, json!([actor, msg]))
    }

    /// Asks `actor` and waits for its answer (only this actor waits).
    pub fn request(actor: &str, msg: Value) -> Result<Value> {
        call(request_, json!([actor, msg]))
    }

    /// Opens a channel to `actor`; its id once `actor` accepted.
    pub fn open_channel(actor: &str, msg: Value) -> Result<String> {
        typed(open_channel_, json!([actor, msg]))
    }

    pub fn send_on_channel(channel_id: &str, msg: Value) -> Result<()> {
        unit(send_on_channel_, json!([channel_id, msg]))
    }

    pub fn close_channel(channel_id: &str) -> Result<()> {
        unit(close_channel_, json!([channel_id]))
    }

    /// Answers a request this actor deferred ([`crate::Reply::Later`]).
    pub fn respond_to_request(request_id: &str, response: Value) -> Result<()> {
        unit(respond_, json!([request_id, response]))
    }

    /// Requests this actor has seen and not answered.
    pub fn list_outstanding_requests() -> Result<Vec<String>> {
        typed(outstanding_, json!([]))
    }

    /// Gives up a deferred request: its sender gets a cancellation error.
    pub fn cancel_request(request_id: &str) -> Result<()> {
        unit(cancel_, json!([request_id]))
    }

    pub fn current_message() -> Result<Option<Current>> {
        typed(current_, json!([]))
    }
}

/// `supervisor`: children, spawned beside their parent.
pub mod supervisor {
    use super::*;
    imports!("troupe:actor/supervisor" {
        spawn_ = "spawn", stop_ = "stop-child", restart_ = "restart-child",
        list_ = "list-children", state_ = "get-child-state", events_ = "get-child-events",
    });

    /// Starts a child from `manifest` (a path relative to this actor's manifest, or inline TOML);
    /// `init_state` `None` keeps the manifest's. Its id, once its `init` ran.
    pub fn spawn(manifest: &str, init_state: Option<Value>) -> Result<String> {
        typed(spawn_, json!([manifest, init_state]))
    }

    pub fn stop_child(child_id: &str) -> Result<()> {
        unit(stop_, json!([child_id]))
    }

    pub fn restart_child(child_id: &str) -> Result<()> {
        unit(restart_, json!([child_id]))
    }

    pub fn list_children() -> Result<Vec<String>> {
        typed(list_, json!([]))
    }

    pub fn child_state(child_id: &str) -> Result<Value> {
        call(state_, json!([child_id]))
    }

    /// The child's chain events, as their JSON-lines objects.
    pub fn child_events(child_id: &str) -> Result<Vec<Value>> {
        typed(events_, json!([child_id]))
    }
}

/// `store`: content-addressed blobs and labels, shared by the cluster.
pub mod store {
    use super::*;
    imports!("troupe:actor/store" {
        store_ = "store", get_ = "get", exists_ = "exists", label_ = "label",
        by_label_ = "get-by-label", remove_label_ = "remove-label", list_labels_ = "list-labels",
    });

    /// Stores `bytes`; their ref, `sha256:<hex>` (storing the same bytes again is the same ref).
    pub fn put(bytes: &[u8]) -> Result<String> {
        typed(store_, json!([crate::base64::encode(bytes)]))
    }

    pub fn get(reference: &str) -> Result<Vec<u8>> {
        let text: String = typed(get_, json!([reference]))?;
        crate::base64::decode(&text).map_err(Error)
    }

    pub fn exists(reference: &str) -> Result<bool> {
        typed(exists_, json!([reference]))
    }

    /// Points label `name` at a stored blob.
    pub fn label(name: &str, reference: &str) -> Result<()> {
        unit(label_, json!([name, reference]))
    }

    pub fn get_by_label(name: &str) -> Result<Option<String>> {
        typed(by_label_, json!([name]))
    }

    pub fn remove_label(name: &str) -> Result<bool> {
        typed(remove_label_, json!([name]))
    }

    pub fn list_labels() -> Result<Vec<String>> {
        typed(list_labels_, json!([]))
    }
}

/// `http-client`: requests to the hosts the manifest allows; the response comes to
/// `handle_result` as `{"status", "headers", "body"}` (or `"body_base64"`).
pub mod http {
    use super::*;
    imports!("troupe:actor/http-client" { send_ = "send-http" });

    /// Starts a request; its op id.
    pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Result<String> {
        let h: serde_json::Map<String, Value> =
            headers.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect();
        typed(send_, json!([{ "method": method, "url": url, "headers": h, "body": body }]))
    }

    /// A GET of `url`; its op id.
    pub fn get(url: &str) -> Result<String> {
        send("GET", url, &[], None)
    }

    /// Starts a request given as the host takes it, `{"method", "url", "headers", "body"}` (e.g.
    /// one an actor was sent); its op id.
    pub fn send_request(request: Value) -> Result<String> {
        typed(send_, json!([request]))
    }
}

/// `tcp-client`: connections as state machines; events come to `handle_tcp_event`.
pub mod tcp {
    use super::*;
    imports!("troupe:actor/tcp-client" { connect_ = "connect", send_ = "send", close_ = "close", status_ = "status" });

    /// Starts connecting; the connection's id at once.
    pub fn connect(host: &str, port: u16) -> Result<String> {
        typed(connect_, json!([host, port]))
    }

    pub fn send(connection_id: &str, text: &str) -> Result<()> {
        unit(send_, json!([connection_id, text]))
    }

    pub fn close(connection_id: &str) -> Result<()> {
        unit(close_, json!([connection_id]))
    }

    /// `connecting`, `open`, `closing`, `closed` or `failed`.
    pub fn status(connection_id: &str) -> Result<String> {
        typed(status_, json!([connection_id]))
    }
}
