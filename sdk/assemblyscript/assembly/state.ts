// Typed state: a class decorated with @state is an actor's state, read from and written to JSON by
// methods the build adds to it (transform/state.mjs):
//
//   @state
//   class State { total: i64 = 0; names: string[] = []; }
//
//   function send(state: Json, msg: Json): Outcome {
//     const s = stateAs<State>(state);   // no state yet: new State()
//     s.total += msg.asI64();
//     return Outcome.ok(stateJson(s));    // {"total":…,"names":[…]}
//   }
import { Json, JsonWriter } from "./json";

/**
 * `json` as a T (a @state class): each field from the key of its name, where the kind fits; a
 * missing or mistyped one keeps its initial value.
 */
export function stateAs<T>(json: Json): T {
  const s = instantiate<T>();
  // @ts-ignore: the method the @state transform adds
  s.__troupeRead(json);
  return s;
}

/** `value` (a @state class) as state JSON text, one key per field. */
export function stateJson<T>(value: T): string {
  const w = new JsonWriter();
  // @ts-ignore: the method the @state transform adds
  value.__troupeWrite(w);
  return w.toString();
}
