//! The guest ABI v1 (docs/abi.md): buffers the host writes through `troupe_alloc`, results packed
//! as `(ptr << 32) | len`, host calls that answer `{"Ok": value}` or `{"Err": message}`.

use serde_json::Value;
use std::alloc::{alloc, dealloc, Layout};

/// Hands the host `len` writable bytes.
#[no_mangle]
pub extern "C" fn troupe_alloc(len: i32) -> i32 {
    if len <= 0 {
        return 0;
    }
    let layout = Layout::from_size_align(len as usize, 1).expect("a valid layout");
    unsafe { alloc(layout) as i32 }
}

/// Takes back a buffer the host is done with (the state and params it wrote, the result it read).
#[no_mangle]
pub extern "C" fn troupe_free(ptr: i32, len: i32) {
    if ptr == 0 || len <= 0 {
        return;
    }
    let layout = Layout::from_size_align(len as usize, 1).expect("a valid layout");
    unsafe { dealloc(ptr as *mut u8, layout) }
}

/// The bytes of a buffer the host wrote (`len = -1`: none).
pub fn input(ptr: i32, len: i32) -> Option<&'static [u8]> {
    if len < 0 {
        None
    } else if len == 0 {
        Some(&[])
    } else {
        Some(unsafe { core::slice::from_raw_parts(ptr as *const u8, len as usize) })
    }
}

/// Hands `bytes` to the host, which frees them with `troupe_free` once read.
pub fn output(bytes: Vec<u8>) -> i64 {
    let len = bytes.len();
    let mut boxed = bytes.into_boxed_slice();
    let ptr = boxed.as_mut_ptr() as usize;
    // the host frees it with the length it was given, the layout of a boxed slice of u8
    core::mem::forget(boxed);
    if len == 0 {
        return 0;
    }
    ((ptr as i64) << 32) | (len as i64)
}

/// A host call's answer: the value of `{"Ok": value}` (null for none), or the `Err` message.
pub fn answer(packed: i64) -> Result<Value, String> {
    if packed == 0 {
        return Ok(Value::Null);
    }
    let ptr = (packed >> 32) as u32 as usize;
    let len = (packed & 0xffff_ffff) as usize;
    let bytes = unsafe { Vec::from_raw_parts(ptr as *mut u8, len, len) };
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("the host answered what is not JSON: {}", e))?;
    match v {
        Value::Object(mut m) => {
            if let Some(ok) = m.remove("Ok") {
                Ok(ok)
            } else if let Some(err) = m.remove("Err") {
                Err(match err {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
            } else {
                Err(format!("the host answered neither Ok nor Err: {}", Value::Object(m)))
            }
        }
        other => Err(format!("the host answered neither Ok nor Err: {}", other)),
    }
}
