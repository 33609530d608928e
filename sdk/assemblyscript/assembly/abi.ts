// The guest ABI v1 (docs/abi.md) for AssemblyScript: the buffers the host writes through
// `troupe_alloc`, results packed as `(ptr << 32) | len`, and memory management under
// `--runtime minimal`.
//
// Buffers that cross the boundary are raw TLSF blocks (heap.alloc / heap.free), never objects of
// the garbage collector, so a collection can never take one from under the host. The minimal
// runtime collects only when asked: `leave` runs `__collect()` once the outermost callback has
// packed its result, when no object of the turn is still in use (every 32 callbacks, or when the
// memory grew).
import { parseBytes, quote, Json } from "./json";

// runtime.log is declared here (not in host.ts) because the abort handler needs it too; one
// declaration keeps it one import.
@external("troupe:actor/runtime", "log")
export declare function runtime_log(ptr: usize, len: usize): i64;

// ---- the exports every module re-exports: export { troupe_alloc, troupe_free } from "troupe-sdk"

/** `len` writable bytes for the host (inputs, host-call answers). */
export function troupe_alloc(len: i32): i32 {
  return <i32>heap.alloc(len > 0 ? <usize>len : 1);
}

/** The host is done with a buffer: the state and params it wrote, the result it read. */
export function troupe_free(ptr: i32, len: i32): void {
  if (ptr != 0 && ptr != -1) heap.free(<usize>ptr);
}

// ---- inputs and outputs ----

/** The UTF-8 text of a buffer the host wrote ("" when `len` is negative, i.e. none). */
export function inputString(ptr: i32, len: i32): string {
  return len > 0 ? String.UTF8.decodeUnsafe(<usize>ptr, <usize>len) : "";
}

/** The JSON of a buffer the host wrote: a Json null when `len` is -1 (none); `null` if malformed. */
export function inputJson(ptr: i32, len: i32): Json | null {
  if (len < 0) return new Json();
  return parseBytes(<usize>ptr, <usize>len);
}

/** Copies `s` (UTF-8) into a fresh raw buffer for the host, which frees it: `(ptr << 32) | len`. */
export function packResult(s: string): i64 {
  const n = String.UTF8.byteLength(s);
  const p = heap.alloc(n > 0 ? <usize>n : 1);
  String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, p);
  return (<i64>p << 32) | <i64>(<u32>n);
}

/** The pointer and length of a packed `(ptr << 32) | len`. */
export function packedPtr(packed: i64): usize { return <usize>(<u64>packed >>> 32); }
export function packedLen(packed: i64): usize { return <usize>(<u32>(packed & 0xFFFFFFFF)); }

// ---- callback bracketing and garbage collection ----

let depth = 0;

/** Call first in every exported callback (the `on…` runners of callbacks.ts do). */
export function enter(): void { depth++; }

/** Outermost callbacks since the last collection, and the memory's size after it. */
let sinceCollect = 0;
let pagesAtCollect: i32 = 0;

/**
 * Call last in every exported callback, with its packed result (raw memory, not collected). When
 * the outermost callback unwinds (every object of the turn is garbage then), runs the collector
 * every 32 callbacks, or at once when the memory grew since the last collection: a full
 * mark-and-sweep per callback cost the counter more than half its turn.
 */
export function leave(result: i64): i64 {
  if (--depth <= 0) {
    depth = 0;
    if (++sinceCollect >= 32 || memory.size() > pagesAtCollect) {
      __collect();
      sinceCollect = 0;
      pagesAtCollect = memory.size();
    }
  }
  return result;
}

// ---- abort ----

/** Logs a line through `runtime.log` (the params tuple `[text]`), freeing the host's answer. */
export function logLine(text: string): void {
  const buf = String.UTF8.encode("[" + quote(text) + "]");
  const r = runtime_log(changetype<usize>(buf), <usize>buf.byteLength);
  if (r != 0) heap.free(packedPtr(r));
}

/**
 * The abort handler (asc `--use abort=troupe-sdk/assembly/abi/troupeAbort`; build.mjs puts it in):
 * logs the message and where, then traps. A trap is a fault: the node records `wasm.error` and
 * stops the actor. Needs the `runtime` handler declared (every template declares it).
 */
export function troupeAbort(msg: string | null, file: string | null, line: u32, col: u32): void {
  logLine("abort: " + (msg !== null ? msg : "") + " at " + (file !== null ? file : "?") + ":"
    + line.toString() + ":" + col.toString());
  unreachable();
}
