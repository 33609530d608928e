//! Write Troupe actors in Rust.
//!
//! An actor is a state type (any `serde` type with a `Default`) and the callbacks it handles, each
//! a plain function from the state and the callback's parameters to the new state (and, for a
//! request, the answer). [`actor!`] exports them under the names of the guest ABI v1; the host
//! functions of every handler are in [`host`], typed. A callback that returns `Err` is an
//! application error: the caller gets the message, the state is unchanged. A panic is a fault: the
//! actor stops (build with `panic = "abort"`).
//!
//! ```ignore
//! #[derive(serde::Serialize, serde::Deserialize, Default)]
//! struct State { total: i64 }
//!
//! fn handle_send(mut s: State, msg: troupe::Value) -> troupe::Result<State> {
//!     s.total += msg.as_i64().unwrap_or(1);
//!     Ok(s)
//! }
//!
//! fn handle_request(s: State, _id: String, _msg: troupe::Value) -> troupe::Result<(State, troupe::Reply)> {
//!     let total = s.total;
//!     Ok((s, troupe::Reply::now(total)))
//! }
//!
//! troupe::actor! { state: State, handle_send: handle_send, handle_request: handle_request }
//! ```

pub mod abi;
pub mod host;

#[doc(hidden)]
pub mod base64;

#[doc(hidden)]
pub mod export;

pub use serde_json::{json, Value};

/// What a callback or a host call may fail with: a message in the actor's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error(message.into())
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Error {
    fn from(s: String) -> Error {
        Error(s)
    }
}

impl From<&str> for Error {
    fn from(s: &str) -> Error {
        Error(s.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error(format!("bad JSON: {}", e))
    }
}

pub type Result<T> = core::result::Result<T, Error>;

/// A request's answer: now, or later with [`host::message::respond_to_request`].
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Now(Value),
    Later,
}

impl Reply {
    /// Answers the request in this turn (`null` is an answer too).
    pub fn now(value: impl serde::Serialize) -> Reply {
        Reply::Now(serde_json::to_value(value).unwrap_or(Value::Null))
    }
}

/// The answer to a channel being opened.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelAnswer {
    pub accepted: bool,
    pub message: Value,
}

impl ChannelAnswer {
    pub fn accept(message: impl serde::Serialize) -> ChannelAnswer {
        ChannelAnswer { accepted: true, message: serde_json::to_value(message).unwrap_or(Value::Null) }
    }

    pub fn reject(message: impl serde::Serialize) -> ChannelAnswer {
        ChannelAnswer { accepted: false, message: serde_json::to_value(message).unwrap_or(Value::Null) }
    }
}

/// What `handle-child-error` is told.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ChildError {
    pub message: String,
    pub restarting: bool,
}

/// Exports an actor's callbacks under the guest ABI's names. Name the state type, then any of:
///
/// | key | function |
/// |---|---|
/// | `init` | `fn(S, actor_id: String) -> Result<S>` |
/// | `handle_send` | `fn(S, msg: Value) -> Result<S>` |
/// | `handle_request` | `fn(S, request_id: String, msg: Value) -> Result<(S, Reply)>` |
/// | `handle_channel_open` | `fn(S, channel_id: String, msg: Value) -> Result<(S, ChannelAnswer)>` |
/// | `handle_channel_message` | `fn(S, channel_id: String, msg: Value) -> Result<S>` |
/// | `handle_channel_close` | `fn(S, channel_id: String) -> Result<S>` |
/// | `handle_result` | `fn(S, op_id: String, result: core::result::Result<Value, String>) -> Result<S>` |
/// | `handle_child_error` | `fn(S, child_id: String, error: ChildError) -> Result<S>` |
/// | `handle_child_exit` | `fn(S, child_id: String, data: Value) -> Result<S>` |
/// | `handle_child_external_stop` | `fn(S, child_id: String) -> Result<S>` |
/// | `handle_tcp_event` | `fn(S, connection_id: String, event: Value) -> Result<S>` |
///
/// Only the callbacks named are exported: a message for another one is refused by the runtime.
#[macro_export]
macro_rules! actor {
    (state: $state:ty $(, $key:ident : $f:path)* $(,)?) => {
        $( $crate::__troupe_export!($key, $state, $f); )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __troupe_export {
    (init, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/actor.init"]
        pub extern "C" fn __troupe_init(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                $f(s, id).map(|s| (s, None))
            })
        }
    };
    (handle_send, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/message-server-client.handle-send"]
        pub extern "C" fn __troupe_handle_send(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let msg = $crate::export::arg(&p, 0)?;
                $f(s, msg).map(|s| (s, None))
            })
        }
    };
    (handle_request, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/message-server-client.handle-request"]
        pub extern "C" fn __troupe_handle_request(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                let msg = $crate::export::arg(&p, 1)?;
                $f(s, id, msg).map(|(s, r)| match r {
                    $crate::Reply::Now(v) => (s, Some(v)),
                    $crate::Reply::Later => (s, None),
                })
            })
        }
    };
    (handle_channel_open, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/message-server-client.handle-channel-open"]
        pub extern "C" fn __troupe_handle_channel_open(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                let msg = $crate::export::arg(&p, 1)?;
                $f(s, id, msg).map(|(s, a)| {
                    (s, Some($crate::json!({"accepted": a.accepted, "message": a.message})))
                })
            })
        }
    };
    (handle_channel_message, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/message-server-client.handle-channel-message"]
        pub extern "C" fn __troupe_handle_channel_message(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                let msg = $crate::export::arg(&p, 1)?;
                $f(s, id, msg).map(|s| (s, None))
            })
        }
    };
    (handle_channel_close, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/message-server-client.handle-channel-close"]
        pub extern "C" fn __troupe_handle_channel_close(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                $f(s, id).map(|s| (s, None))
            })
        }
    };
    (handle_result, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/async-client.handle-result"]
        pub extern "C" fn __troupe_handle_result(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                let outcome = $crate::export::outcome(&p, 1)?;
                $f(s, id, outcome).map(|s| (s, None))
            })
        }
    };
    (handle_child_error, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/supervisor-handlers.handle-child-error"]
        pub extern "C" fn __troupe_handle_child_error(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                let e: $crate::ChildError = $crate::export::arg(&p, 1)?;
                $f(s, id, e).map(|s| (s, None))
            })
        }
    };
    (handle_child_exit, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/supervisor-handlers.handle-child-exit"]
        pub extern "C" fn __troupe_handle_child_exit(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                let data = $crate::export::arg(&p, 1)?;
                $f(s, id, data).map(|s| (s, None))
            })
        }
    };
    (handle_child_external_stop, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/supervisor-handlers.handle-child-external-stop"]
        pub extern "C" fn __troupe_handle_child_external_stop(
            sp: i32,
            sl: i32,
            pp: i32,
            pl: i32,
        ) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                $f(s, id).map(|s| (s, None))
            })
        }
    };
    (handle_tcp_event, $s:ty, $f:path) => {
        #[export_name = "troupe:actor/tcp-client-handlers.handle-tcp-event"]
        pub extern "C" fn __troupe_handle_tcp_event(sp: i32, sl: i32, pp: i32, pl: i32) -> i64 {
            $crate::export::run::<$s, _>(sp, sl, pp, pl, |s, p| {
                let id: String = $crate::export::arg(&p, 0)?;
                let event = $crate::export::arg(&p, 1)?;
                $f(s, id, event).map(|s| (s, None))
            })
        }
    };
}
