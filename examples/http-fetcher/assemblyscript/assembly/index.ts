// fetcher in AssemblyScript: the same protocol as ../fetcher.wat, checked by the same test.
//
// handle-send [REQUEST] starts an HTTP request (http.send), which returns an op id at once;
// REQUEST is {"url": ..., "method"?, "headers"?, "body"?}. The response arrives later in
// handle-result [OP_ID, {"Ok": {"status", "headers", "body"}} | {"Err": ...}] and becomes the
// state, [OP_ID, RESULT]. handle-request answers with the state (the last result; null before the
// first).
import { Json, JsonWriter, Outcome, http, onSend, onResult, onRequest } from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

function send(state: Json, request: Json): Outcome {
  const url = request.get("url");
  if (!url.isString) {
    return Outcome.err("expected {\"url\": ..., \"method\"?, \"headers\"?, \"body\"?}, got " + request.toString());
  }
  const method = request.get("method");
  const headers = request.get("headers");
  const body = request.get("body");
  // a body that is not a string goes as its JSON text (as the host does)
  let bodyText: string | null = null;
  if (body.isString) bodyText = body.asString();
  else if (!body.isNull) bodyText = body.toString();
  const started = http.send(method.isString ? method.asString() : "GET", url.asString(),
    headers.isObject ? headers.toString() : "{}", bodyText);
  if (!started.ok) return Outcome.err(started.error);
  return Outcome.ok(state.toString());
}

function result(state: Json, opId: string, ok: bool, valueOrError: Json): Outcome {
  return Outcome.ok(new JsonWriter().beginArray().str(opId)
    .beginObject().key(ok ? "Ok" : "Err").value(valueOrError).endObject()
    .endArray().toString());
}

function request(state: Json, requestId: string, msg: Json): Outcome {
  const last = state.toString();
  return Outcome.reply(last, last);
}

@exportAs("troupe:actor/message-server-client.handle-send")
export function handleSend(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onSend(sp, sl, pp, pl, send);
}

@exportAs("troupe:actor/async-client.handle-result")
export function handleResult(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onResult(sp, sl, pp, pl, result);
}

@exportAs("troupe:actor/message-server-client.handle-request")
export function handleRequest(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onRequest(sp, sl, pp, pl, request);
}
