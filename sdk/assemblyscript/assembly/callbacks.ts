// The callbacks of the guest ABI v1: one runner per callback kind. A runner decodes the state
// (none, or the text "null", is a Json null) and the params tuple, calls the actor's function with
// typed arguments, and packs what it returns as {"Ok":[state]}, {"Ok":[state,value]} or
// {"Err":message}. Params that do not have the callback's shape are an Err, never a trap.
//
// The actor exports each callback under its ABI name with @exportAs (transform/export-as.mjs):
//
//   @exportAs("troupe:actor/message-server-client.handle-send")
//   export function handleSend(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
//     return onSend(sp, sl, pp, pl, send);      // send: a top-level function (not a closure)
//   }
import { enter, leave, packResult, inputJson } from "./abi";
import { Json, quote } from "./json";

/** What a callback returns: the new state (JSON text, "null" = none) and maybe an answer. */
export class Outcome {
  isOk: bool = true;
  /** The new state, JSON text. The node keeps these bytes as they are. */
  state: string = "null";
  /** Whether the result tuple carries `value` (a request answered now). */
  hasValue: bool = false;
  /** JSON text of the answer (when `hasValue`). */
  value: string = "null";
  /** The message of an Err. */
  error: string = "";

  /** The new state; no answer. */
  static ok(stateJson: string): Outcome {
    const o = new Outcome();
    o.state = stateJson;
    return o;
  }

  /** The new state and the answer to a request, now ("null" is an answer too). */
  static reply(stateJson: string, valueJson: string): Outcome {
    const o = new Outcome();
    o.state = stateJson;
    o.hasValue = true;
    o.value = valueJson;
    return o;
  }

  /** The new state; the request is answered later with message.respondToRequest. */
  static later(stateJson: string): Outcome { return Outcome.ok(stateJson); }

  /** An application error: the state is unchanged, the caller gets `message`. */
  static err(message: string): Outcome {
    const o = new Outcome();
    o.isOk = false;
    o.error = message;
    return o;
  }

  /** The result JSON: `{"Ok":[state]}`, `{"Ok":[state,value]}` (withValue) or `{"Err":message}`. */
  toResult(withValue: bool): string {
    if (!this.isOk) return errorResult(this.error);
    const state = this.state.length > 0 ? this.state : "null";
    if (withValue && this.hasValue) {
      return "{\"Ok\":[" + state + "," + (this.value.length > 0 ? this.value : "null") + "]}";
    }
    return "{\"Ok\":[" + state + "]}";
  }
}

/** The answer of handle-channel-open: `{"accepted": bool, "message": json}`. */
export function channelAnswer(accepted: bool, messageJson: string): string {
  return "{\"accepted\":" + (accepted ? "true" : "false") + ",\"message\":"
    + (messageJson.length > 0 ? messageJson : "null") + "}";
}

function errorResult(message: string): string { return "{\"Err\":" + quote(message) + "}"; }

// ---- decoding ----

/** The decoded inputs of a callback, or what is wrong with them. */
class Input {
  state: Json = new Json();
  params: Json = new Json();
  error: string = "";
}

function decode(callback: string, sp: i32, sl: i32, pp: i32, pl: i32): Input {
  const input = new Input();
  const state = inputJson(sp, sl);
  if (state === null) {
    input.error = callback + ": the state is not JSON";
    return input;
  }
  input.state = state;
  const params = inputJson(pp, pl);
  if (params === null || !params.isArray) {
    input.error = callback + ": the params are not a JSON array";
    return input;
  }
  input.params = params;
  return input;
}

/** Checks that parameter `i` is a string; sets `input.error` if not. */
function stringParam(input: Input, callback: string, i: i32, what: string): string {
  const v = input.params.at(i);
  if (!v.isString) {
    input.error = callback + ": parameter " + i.toString() + " (" + what + ") is not a string: "
      + v.toString();
    return "";
  }
  return v.s;
}

function finish(o: Outcome, withValue: bool): i64 {
  return leave(packResult(o.toResult(withValue)));
}

function fail(input: Input): i64 {
  return leave(packResult(errorResult(input.error)));
}

// ---- runners, one per callback ----

/** `troupe:actor/actor.init` `[actor_id]`. */
export function onInit(sp: i32, sl: i32, pp: i32, pl: i32,
                       f: (state: Json, actorId: string) => Outcome): i64 {
  enter();
  const cb = "init";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "actor id");
  if (input.error.length) return fail(input);
  return finish(f(input.state, id), false);
}

/** `troupe:actor/message-server-client.handle-send` `[msg]`. */
export function onSend(sp: i32, sl: i32, pp: i32, pl: i32,
                       f: (state: Json, msg: Json) => Outcome): i64 {
  enter();
  const input = decode("handle-send", sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  return finish(f(input.state, input.params.at(0)), false);
}

/**
 * `troupe:actor/message-server-client.handle-request` `[request_id, msg]`. Answer with
 * `Outcome.reply(state, value)`; `Outcome.later(state)` defers (message.respondToRequest).
 */
export function onRequest(sp: i32, sl: i32, pp: i32, pl: i32,
                          f: (state: Json, requestId: string, msg: Json) => Outcome): i64 {
  enter();
  const cb = "handle-request";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "request id");
  if (input.error.length) return fail(input);
  return finish(f(input.state, id, input.params.at(1)), true);
}

/**
 * `troupe:actor/message-server-client.handle-channel-open` `[channel_id, msg]`. Answer with
 * `Outcome.reply(state, channelAnswer(accepted, messageJson))`; `Outcome.ok(state)` accepts with
 * the message null.
 */
export function onChannelOpen(sp: i32, sl: i32, pp: i32, pl: i32,
                              f: (state: Json, channelId: string, msg: Json) => Outcome): i64 {
  enter();
  const cb = "handle-channel-open";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "channel id");
  if (input.error.length) return fail(input);
  const o = f(input.state, id, input.params.at(1));
  if (o.isOk && !o.hasValue) {
    o.hasValue = true;
    o.value = channelAnswer(true, "null");
  }
  return finish(o, true);
}

/** `troupe:actor/message-server-client.handle-channel-message` `[channel_id, msg]`. */
export function onChannelMessage(sp: i32, sl: i32, pp: i32, pl: i32,
                                 f: (state: Json, channelId: string, msg: Json) => Outcome): i64 {
  enter();
  const cb = "handle-channel-message";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "channel id");
  if (input.error.length) return fail(input);
  return finish(f(input.state, id, input.params.at(1)), false);
}

/** `troupe:actor/message-server-client.handle-channel-close` `[channel_id]`. */
export function onChannelClose(sp: i32, sl: i32, pp: i32, pl: i32,
                               f: (state: Json, channelId: string) => Outcome): i64 {
  enter();
  const cb = "handle-channel-close";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "channel id");
  if (input.error.length) return fail(input);
  return finish(f(input.state, id), false);
}

/**
 * `troupe:actor/async-client.handle-result` `[op_id, {"Ok": value} | {"Err": message}]`: the end
 * of a timer (value null) or an HTTP request. `ok` says which; `valueOrError` is the value, or the
 * error (usually a string).
 */
export function onResult(sp: i32, sl: i32, pp: i32, pl: i32,
                         f: (state: Json, opId: string, ok: bool, valueOrError: Json) => Outcome): i64 {
  enter();
  const cb = "handle-result";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "op id");
  if (input.error.length) return fail(input);
  const r = input.params.at(1);
  if (r.has("Ok")) return finish(f(input.state, id, true, r.get("Ok")), false);
  if (r.has("Err")) return finish(f(input.state, id, false, r.get("Err")), false);
  input.error = cb + ": parameter 1 is not {\"Ok\": value} or {\"Err\": message}: " + r.toString();
  return fail(input);
}

/** `troupe:actor/supervisor-handlers.handle-child-error` `[child_id, {"message", "restarting"}]`. */
export function onChildError(sp: i32, sl: i32, pp: i32, pl: i32,
                             f: (state: Json, childId: string, message: string, restarting: bool) => Outcome): i64 {
  enter();
  const cb = "handle-child-error";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "child id");
  if (input.error.length) return fail(input);
  const e = input.params.at(1);
  const message = e.get("message");
  const restarting = e.get("restarting");
  if (!message.isString || !restarting.isBool) {
    input.error = cb + ": parameter 1 is not {\"message\": text, \"restarting\": bool}: " + e.toString();
    return fail(input);
  }
  return finish(f(input.state, id, message.s, restarting.b), false);
}

/** `troupe:actor/supervisor-handlers.handle-child-exit` `[child_id, data]` (what it passed to shutdown). */
export function onChildExit(sp: i32, sl: i32, pp: i32, pl: i32,
                            f: (state: Json, childId: string, data: Json) => Outcome): i64 {
  enter();
  const cb = "handle-child-exit";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "child id");
  if (input.error.length) return fail(input);
  return finish(f(input.state, id, input.params.at(1)), false);
}

/** `troupe:actor/supervisor-handlers.handle-child-external-stop` `[child_id]`. */
export function onChildExternalStop(sp: i32, sl: i32, pp: i32, pl: i32,
                                    f: (state: Json, childId: string) => Outcome): i64 {
  enter();
  const cb = "handle-child-external-stop";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "child id");
  if (input.error.length) return fail(input);
  return finish(f(input.state, id), false);
}

/**
 * `troupe:actor/tcp-client-handlers.handle-tcp-event` `[connection_id, event]`: `{"type":
 * "connected"}`, `{"type": "data", "data": text}`, `{"type": "closed", "reason": …}` or
 * `{"type": "failed", "message": …}`.
 */
export function onTcpEvent(sp: i32, sl: i32, pp: i32, pl: i32,
                           f: (state: Json, connectionId: string, event: Json) => Outcome): i64 {
  enter();
  const cb = "handle-tcp-event";
  const input = decode(cb, sp, sl, pp, pl);
  if (input.error.length) return fail(input);
  const id = stringParam(input, cb, 0, "connection id");
  if (input.error.length) return fail(input);
  return finish(f(input.state, id, input.params.at(1)), false);
}
