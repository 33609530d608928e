// worker in AssemblyScript: the same protocol as ../worker.wat, checked by the same test.
//
// handle-send [N] adds the integer N to the state; handle-send ["crash"] traps (unreachable), which
// fails the worker and hands it to its supervisor's restart policy. handle-request answers the
// count. State: the count (a number).
import { Json, Outcome, onSend, onRequest } from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

function send(count: Json, msg: Json): Outcome {
  if (msg.isString && msg.asString() == "crash") unreachable();
  if (!msg.isInteger) return Outcome.err("send an integer or \"crash\", not " + msg.toString());
  return Outcome.ok((count.asI64() + msg.asI64()).toString());
}

function request(count: Json, requestId: string, msg: Json): Outcome {
  const n = count.asI64().toString();
  return Outcome.reply(n, n);
}

@exportAs("troupe:actor/message-server-client.handle-send")
export function handleSend(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onSend(sp, sl, pp, pl, send);
}

@exportAs("troupe:actor/message-server-client.handle-request")
export function handleRequest(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onRequest(sp, sl, pp, pl, request);
}
