// typed-state: an AssemblyScript actor whose state is a @state class (the SDK's test of its
// @state transform: every field type it supports, nested classes and arrays of them).
//   send N      adds N to total, flips on, appends a tag and a point, keeps the message in extra
//   request _   answers the state as the class writes it
import { Json, Outcome, onSend, onRequest, stateAs, stateJson } from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

@state
class Point { x: i32 = 0; y: f64 = 0; }

@state
class State {
  total: i64 = 0;
  big: u64 = 0;
  name: string = "none";
  on: bool = false;
  tags: string[] = [];
  points: Array<Point> = [];
  last: Point = new Point();
  extra: Json = new Json();
  static ignored: i32 = 3;
}

function send(state: Json, msg: Json): Outcome {
  const s = stateAs<State>(state);
  s.total += msg.asI64();
  s.big = 18446744073709551615;
  s.name = "a \"quoted\" name";
  s.on = !s.on;
  s.tags.push("t" + s.total.toString());
  const p = new Point(); p.x = <i32>s.total; p.y = 0.5;
  s.points.push(p);
  s.last = p;
  s.extra = msg;
  return Outcome.ok(stateJson(s));
}

function request(state: Json, id: string, msg: Json): Outcome {
  const s = stateAs<State>(state);
  return Outcome.reply(stateJson(s), stateJson(s));
}

@exportAs("troupe:actor/message-server-client.handle-send")
export function handleSend(sp: i32, sl: i32, pp: i32, pl: i32): i64 { return onSend(sp, sl, pp, pl, send); }

@exportAs("troupe:actor/message-server-client.handle-request")
export function handleRequest(sp: i32, sl: i32, pp: i32, pl: i32): i64 { return onRequest(sp, sl, pp, pl, request); }
