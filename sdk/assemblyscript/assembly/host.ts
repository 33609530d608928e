// Every host function of the guest ABI v1 (docs/abi.md, "Host functions"), one namespace per
// handler. A function works only when the actor's manifest declares its handler
// (`[[handler]] type = "…"`); asc compiles only the functions the actor calls, so the module
// imports only those, and the node links only declared handlers.
//
// Each wrapper builds the params tuple as JSON text, calls the import, parses the answer
// (`{"Ok": value}` / `{"Err": message}`, or 0 for Ok without a value), frees the host's buffer and
// returns a HostResult. Arguments named `…Json` are JSON text put into the tuple as they are.
import { packedPtr, packedLen, logLine } from "./abi";
import { Json, parseBytes, quote } from "./json";

/** What a host call answered: `ok` and its `value` (a Json null when none), or the `error`. */
export class HostResult {
  ok: bool = true;
  value: Json = new Json();
  error: string = "";
}

/** Parses a host function's packed answer and frees its buffer (host answers belong to the guest). */
export function hostAnswer(packed: i64): HostResult {
  const r = new HostResult();
  if (packed == 0) return r;
  const ptr = packedPtr(packed);
  const v = parseBytes(ptr, packedLen(packed));
  heap.free(ptr);
  if (v !== null && v.has("Ok")) {
    r.value = v.get("Ok");
  } else if (v !== null && v.has("Err")) {
    r.ok = false;
    const e = v.get("Err");
    r.error = e.isString ? e.s : e.toString();
  } else {
    r.ok = false;
    r.error = "the host answered neither {\"Ok\": value} nor {\"Err\": message}";
  }
  return r;
}

/** Calls `f` (a host import) with the params tuple `params` (JSON text of an array). */
export function callHost(f: (ptr: usize, len: usize) => i64, params: string): HostResult {
  const buf = String.UTF8.encode(params);
  return hostAnswer(f(changetype<usize>(buf), <usize>buf.byteLength));
}

function tuple1(a: string): string { return "[" + a + "]"; }
function tuple2(a: string, b: string): string { return "[" + a + "," + b + "]"; }
function orNull(json: string): string { return json.length > 0 ? json : "null"; }

// ---- imports (runtime.log is in abi.ts: the abort handler uses it too) ----
@external("troupe:actor/runtime", "get-state") declare function runtime_get_state(p: usize, l: usize): i64;
@external("troupe:actor/runtime", "self-id") declare function runtime_self_id(p: usize, l: usize): i64;
@external("troupe:actor/runtime", "shutdown") declare function runtime_shutdown(p: usize, l: usize): i64;

@external("troupe:actor/timing", "now") declare function timing_now(p: usize, l: usize): i64;
@external("troupe:actor/timing", "sleep") declare function timing_sleep(p: usize, l: usize): i64;
@external("troupe:actor/timing", "cancel") declare function timing_cancel(p: usize, l: usize): i64;

@external("troupe:actor/random", "random-bytes") declare function random_bytes(p: usize, l: usize): i64;
@external("troupe:actor/random", "random-u64") declare function random_u64(p: usize, l: usize): i64;
@external("troupe:actor/random", "random-range") declare function random_range(p: usize, l: usize): i64;
@external("troupe:actor/random", "random-float") declare function random_float(p: usize, l: usize): i64;
@external("troupe:actor/random", "generate-uuid") declare function random_uuid(p: usize, l: usize): i64;

@external("troupe:actor/environment", "get-var") declare function env_get_var(p: usize, l: usize): i64;
@external("troupe:actor/environment", "exists") declare function env_exists(p: usize, l: usize): i64;
@external("troupe:actor/environment", "list-vars") declare function env_list_vars(p: usize, l: usize): i64;

@external("troupe:actor/message-server-host", "send") declare function msg_send(p: usize, l: usize): i64;
@external("troupe:actor/message-server-host", "request") declare function msg_request(p: usize, l: usize): i64;
@external("troupe:actor/message-server-host", "open-channel") declare function msg_open_channel(p: usize, l: usize): i64;
@external("troupe:actor/message-server-host", "send-on-channel") declare function msg_send_on_channel(p: usize, l: usize): i64;
@external("troupe:actor/message-server-host", "close-channel") declare function msg_close_channel(p: usize, l: usize): i64;
@external("troupe:actor/message-server-host", "respond-to-request") declare function msg_respond(p: usize, l: usize): i64;
@external("troupe:actor/message-server-host", "list-outstanding-requests") declare function msg_outstanding(p: usize, l: usize): i64;
@external("troupe:actor/message-server-host", "cancel-request") declare function msg_cancel_request(p: usize, l: usize): i64;
@external("troupe:actor/message-server-host", "current-message") declare function msg_current(p: usize, l: usize): i64;

@external("troupe:actor/supervisor", "spawn") declare function sup_spawn(p: usize, l: usize): i64;
@external("troupe:actor/supervisor", "stop-child") declare function sup_stop(p: usize, l: usize): i64;
@external("troupe:actor/supervisor", "restart-child") declare function sup_restart(p: usize, l: usize): i64;
@external("troupe:actor/supervisor", "list-children") declare function sup_list(p: usize, l: usize): i64;
@external("troupe:actor/supervisor", "get-child-state") declare function sup_state(p: usize, l: usize): i64;
@external("troupe:actor/supervisor", "get-child-events") declare function sup_events(p: usize, l: usize): i64;

@external("troupe:actor/store", "store") declare function store_store(p: usize, l: usize): i64;
@external("troupe:actor/store", "get") declare function store_get(p: usize, l: usize): i64;
@external("troupe:actor/store", "exists") declare function store_exists(p: usize, l: usize): i64;
@external("troupe:actor/store", "label") declare function store_label(p: usize, l: usize): i64;
@external("troupe:actor/store", "get-by-label") declare function store_get_by_label(p: usize, l: usize): i64;
@external("troupe:actor/store", "remove-label") declare function store_remove_label(p: usize, l: usize): i64;
@external("troupe:actor/store", "list-labels") declare function store_list_labels(p: usize, l: usize): i64;

@external("troupe:actor/http-client", "send-http") declare function http_send(p: usize, l: usize): i64;

@external("troupe:actor/tcp-client", "connect") declare function tcp_connect(p: usize, l: usize): i64;
@external("troupe:actor/tcp-client", "send") declare function tcp_send(p: usize, l: usize): i64;
@external("troupe:actor/tcp-client", "close") declare function tcp_close(p: usize, l: usize): i64;
@external("troupe:actor/tcp-client", "status") declare function tcp_status(p: usize, l: usize): i64;

/** `runtime`: logging, the actor's own id and state, stopping itself. */
export namespace runtime {
  /** Writes a line to the node's log (and the chain). */
  export function log(text: string): void { logLine(text); }
  /** The state as of the start of the turn. */
  export function getState(): HostResult { return callHost(runtime_get_state, "[]"); }
  /** This actor's id (a string). */
  export function selfId(): HostResult { return callHost(runtime_self_id, "[]"); }
  /** Stops the actor once this turn ends; a parent's handle-child-exit gets `dataJson`. */
  export function shutdown(dataJson: string = "null"): HostResult {
    return callHost(runtime_shutdown, tuple1(orNull(dataJson)));
  }
}

/** `timing`: the clock and timers (a timer's end comes to handle-result as Ok null). */
export namespace timing {
  /** Epoch milliseconds (value: a number). */
  export function now(): HostResult { return callHost(timing_now, "[]"); }
  /** Epoch milliseconds, or -1 if the host refused. */
  export function nowMillis(): i64 {
    const r = now();
    return r.ok ? r.value.asI64() : -1;
  }
  /** Starts a timer of `millis` (at most a day); value: its op id. */
  export function sleep(millis: i64): HostResult { return callHost(timing_sleep, tuple1(millis.toString())); }
  /** Cancels a timer; value: whether it was still pending. */
  export function cancel(opId: string): HostResult { return callHost(timing_cancel, tuple1(quote(opId))); }
}

/** `random`: a generator seeded per actor; every value drawn is recorded. */
export namespace random {
  /** `count` (at most 65536) random bytes; value: an array of numbers. */
  export function bytes(count: i32): HostResult { return callHost(random_bytes, tuple1(count.toString())); }
  /** value: a u64 (read it exactly with `value.asU64()`). */
  export function u64(): HostResult { return callHost(random_u64, "[]"); }
  /** value: an integer in [min, max). */
  export function range(min: i64, max: i64): HostResult {
    return callHost(random_range, tuple2(min.toString(), max.toString()));
  }
  /** value: a number in [0, 1). */
  export function float(): HostResult { return callHost(random_float, "[]"); }
  /** value: a UUID string. */
  export function uuid(): HostResult { return callHost(random_uuid, "[]"); }
}

/** `environment`: the variables the manifest lets the actor see. */
export namespace environment {
  /** value: the variable's text, or null. */
  export function getVar(name: string): HostResult { return callHost(env_get_var, tuple1(quote(name))); }
  /** value: a bool. */
  export function exists(name: string): HostResult { return callHost(env_exists, tuple1(quote(name))); }
  /** value: [[name, value]…]. */
  export function listVars(): HostResult { return callHost(env_list_vars, "[]"); }
}

/** `message-server`: messages, requests and channels to other actors, deferred replies. */
export namespace message {
  /** Queues `msgJson` for `actorId` (not handled yet when this returns). */
  export function send(actorId: string, msgJson: string): HostResult {
    return callHost(msg_send, tuple2(quote(actorId), orNull(msgJson)));
  }
  /** Asks `actorId` and waits for its answer (only this actor waits); value: the answer. */
  export function request(actorId: string, msgJson: string): HostResult {
    return callHost(msg_request, tuple2(quote(actorId), orNull(msgJson)));
  }
  /** Opens a channel to `actorId`; value: its id once accepted (Err when rejected). */
  export function openChannel(actorId: string, msgJson: string): HostResult {
    return callHost(msg_open_channel, tuple2(quote(actorId), orNull(msgJson)));
  }
  export function sendOnChannel(channelId: string, msgJson: string): HostResult {
    return callHost(msg_send_on_channel, tuple2(quote(channelId), orNull(msgJson)));
  }
  export function closeChannel(channelId: string): HostResult {
    return callHost(msg_close_channel, tuple1(quote(channelId)));
  }
  /** Answers a request this actor deferred (Outcome.later). */
  export function respondToRequest(requestId: string, responseJson: string): HostResult {
    return callHost(msg_respond, tuple2(quote(requestId), orNull(responseJson)));
  }
  /** value: [request_id…], the requests seen and not answered (the current one included). */
  export function listOutstandingRequests(): HostResult { return callHost(msg_outstanding, "[]"); }
  /** Gives up a deferred request: its sender gets a cancellation error. */
  export function cancelRequest(requestId: string): HostResult {
    return callHost(msg_cancel_request, tuple1(quote(requestId)));
  }
  /** value: {"id", "sender"} of the message being handled (sender null for a client), or null. */
  export function currentMessage(): HostResult { return callHost(msg_current, "[]"); }
}

/** `supervisor`: children, spawned beside their parent. */
export namespace supervisor {
  /**
   * Starts a child from `manifest` (a path relative to this actor's manifest, or inline TOML);
   * `initStateJson` "null" keeps the manifest's. value: its id, once its init ran.
   */
  export function spawn(manifest: string, initStateJson: string = "null"): HostResult {
    return callHost(sup_spawn, tuple2(quote(manifest), orNull(initStateJson)));
  }
  export function stopChild(childId: string): HostResult { return callHost(sup_stop, tuple1(quote(childId))); }
  export function restartChild(childId: string): HostResult { return callHost(sup_restart, tuple1(quote(childId))); }
  /** value: [child_id…]. */
  export function listChildren(): HostResult { return callHost(sup_list, "[]"); }
  export function childState(childId: string): HostResult { return callHost(sup_state, tuple1(quote(childId))); }
  /** value: the child's chain events, as their JSON-lines objects. */
  export function childEvents(childId: string): HostResult { return callHost(sup_events, tuple1(quote(childId))); }
}

/** `store`: content-addressed blobs and labels, shared by the cluster (blobs are base64 on the wire). */
export namespace store {
  /** Stores `data`; value: its ref, "sha256:<hex>" (the same bytes again are the same ref). */
  export function put(data: Uint8Array): HostResult { return callHost(store_store, tuple1(quote(base64Encode(data)))); }
  /** Stores the UTF-8 bytes of `text`. */
  export function putString(text: string): HostResult {
    return put(Uint8Array.wrap(String.UTF8.encode(text)));
  }
  /** value: the blob, base64 (decode with `base64Decode`, or use getBytes / getString). */
  export function get(ref: string): HostResult { return callHost(store_get, tuple1(quote(ref))); }
  /** The blob's bytes; null when the host answered Err or not base64. */
  export function getBytes(ref: string): Uint8Array | null {
    const r = get(ref);
    return r.ok && r.value.isString ? base64Decode(r.value.s) : null;
  }
  /** The blob as UTF-8 text; null when the host answered Err. */
  export function getString(ref: string): string | null {
    const b = getBytes(ref);
    return b === null ? null : String.UTF8.decode(b.buffer);
  }
  /** value: a bool. */
  export function exists(ref: string): HostResult { return callHost(store_exists, tuple1(quote(ref))); }
  /** Points label `name` at a stored blob. */
  export function label(name: string, ref: string): HostResult {
    return callHost(store_label, tuple2(quote(name), quote(ref)));
  }
  /** value: the ref, or null. */
  export function getByLabel(name: string): HostResult { return callHost(store_get_by_label, tuple1(quote(name))); }
  /** value: whether the label was there. */
  export function removeLabel(name: string): HostResult { return callHost(store_remove_label, tuple1(quote(name))); }
  /** value: [name…], sorted. */
  export function listLabels(): HostResult { return callHost(store_list_labels, "[]"); }
}

/**
 * `http-client`: requests to the hosts the manifest allows. The response comes to handle-result
 * as {"status", "headers", "body"} (or "body_base64").
 */
export namespace http {
  /** Starts a request (`headersJson`: an object of name: value); value: its op id. */
  export function send(method: string, url: string, headersJson: string = "{}", body: string | null = null): HostResult {
    const spec = "{\"method\":" + quote(method) + ",\"url\":" + quote(url) + ",\"headers\":"
      + (headersJson.length > 0 ? headersJson : "{}") + ",\"body\":" + (body !== null ? quote(body) : "null") + "}";
    return callHost(http_send, tuple1(spec));
  }
  /** A GET of `url`; value: its op id. */
  export function get(url: string): HostResult { return send("GET", url); }
}

/** `tcp-client`: connections as state machines; events come to handle-tcp-event. */
export namespace tcp {
  /** Starts connecting; value: the connection's id at once. */
  export function connect(host: string, port: i32): HostResult {
    return callHost(tcp_connect, tuple2(quote(host), port.toString()));
  }
  export function send(connectionId: string, text: string): HostResult {
    return callHost(tcp_send, tuple2(quote(connectionId), quote(text)));
  }
  export function close(connectionId: string): HostResult { return callHost(tcp_close, tuple1(quote(connectionId))); }
  /** value: "connecting", "open", "closing", "closed" or "failed". */
  export function status(connectionId: string): HostResult { return callHost(tcp_status, tuple1(quote(connectionId))); }
}

// ---- base64 (standard alphabet, padded), for the store's blobs ----

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function base64Encode(data: Uint8Array): string {
  const n = data.length;
  const out = new Uint8Array(((n + 2) / 3) * 4);
  let o = 0;
  for (let k = 0; k < n; k += 3) {
    const b0 = <u32>data[k];
    const b1 = k + 1 < n ? <u32>data[k + 1] : 0;
    const b2 = k + 2 < n ? <u32>data[k + 2] : 0;
    const v = (b0 << 16) | (b1 << 8) | b2;
    out[o++] = <u8>B64.charCodeAt((v >> 18) & 63);
    out[o++] = <u8>B64.charCodeAt((v >> 12) & 63);
    out[o++] = k + 1 < n ? <u8>B64.charCodeAt((v >> 6) & 63) : 0x3D;
    out[o++] = k + 2 < n ? <u8>B64.charCodeAt(v & 63) : 0x3D;
  }
  return String.UTF8.decode(out.buffer);
}

function b64Value(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5A) return c - 0x41;
  if (c >= 0x61 && c <= 0x7A) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2B) return 62;
  if (c == 0x2F) return 63;
  return -1;
}

/** The bytes of base64 text (whitespace and padding skipped); null when it is not base64. */
export function base64Decode(text: string): Uint8Array | null {
  const out = new Uint8Array((text.length / 4) * 3 + 3);
  let o = 0, acc: u32 = 0, bits = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c == 0x3D || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09) continue;
    const v = b64Value(c);
    if (v < 0) return null;
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = <u8>(acc >> bits);
      acc &= (1 << bits) - 1;
    }
  }
  return out.slice(0, o);
}
