// A small JSON codec for Troupe actors: a parser straight from UTF-8 bytes in linear memory into a
// `Json` tree, and writers for JSON text. It never throws: malformed input parses to `null` (the
// reference), a missing key or index reads as a Json null. Integers stay exact: a literal without
// fraction or exponent keeps its i64 (or u64) value; other numbers are f64.

export const enum JsonKind { Null = 0, Bool = 1, Number = 2, String = 3, Array = 4, Object = 5 }

export class Json {
  kind: JsonKind = JsonKind.Null;
  b: bool = false;
  /** A number literal that is an integer in i64 range: `i` is exact. */
  isInt: bool = false;
  /** A non-negative integer above i64.MAX_VALUE that fits u64: `i` holds its bits. */
  isBigU64: bool = false;
  i: i64 = 0;
  f: f64 = 0;
  s: string = "";
  /** Array elements, or object values (in the order of `keys`). */
  items: Json[] = [];
  /** Object keys. */
  keys: string[] = [];

  // ---- building ----
  static ofNull(): Json { return new Json(); }
  static ofBool(b: bool): Json { const v = new Json(); v.kind = JsonKind.Bool; v.b = b; return v; }
  static ofI64(n: i64): Json {
    const v = new Json(); v.kind = JsonKind.Number; v.isInt = true; v.i = n; v.f = <f64>n; return v;
  }
  static ofF64(x: f64): Json { const v = new Json(); v.kind = JsonKind.Number; v.f = x; return v; }
  static ofString(s: string): Json { const v = new Json(); v.kind = JsonKind.String; v.s = s; return v; }
  static newArray(): Json { const v = new Json(); v.kind = JsonKind.Array; return v; }
  static newObject(): Json { const v = new Json(); v.kind = JsonKind.Object; return v; }
  /** Parses JSON text; `null` (the reference) when it is not JSON. */
  static parse(text: string): Json | null { return parse(text); }

  /** Appends to an array. */
  push(v: Json): Json { this.items.push(v); return this; }
  /** Sets a key of an object (replacing its value if present). */
  set(key: string, v: Json): Json {
    for (let k = 0; k < this.keys.length; k++) {
      if (this.keys[k] == key) { this.items[k] = v; return this; }
    }
    this.keys.push(key); this.items.push(v);
    return this;
  }

  // ---- kinds ----
  get isNull(): bool { return this.kind == JsonKind.Null; }
  get isBool(): bool { return this.kind == JsonKind.Bool; }
  get isNumber(): bool { return this.kind == JsonKind.Number; }
  /** A number without fraction or exponent that fits i64. */
  get isInteger(): bool { return this.kind == JsonKind.Number && this.isInt; }
  get isString(): bool { return this.kind == JsonKind.String; }
  get isArray(): bool { return this.kind == JsonKind.Array; }
  get isObject(): bool { return this.kind == JsonKind.Object; }

  // ---- reading (a value of another kind reads as 0, "", false) ----
  asBool(): bool { return this.kind == JsonKind.Bool && this.b; }
  asI64(): i64 {
    if (this.kind != JsonKind.Number) return 0;
    return this.isInt ? this.i : <i64>this.f;
  }
  asU64(): u64 {
    if (this.kind != JsonKind.Number) return 0;
    if (this.isBigU64 || (this.isInt && this.i >= 0)) return <u64>this.i;
    return this.f > 0 ? <u64>this.f : 0;
  }
  asF64(): f64 {
    if (this.kind != JsonKind.Number) return 0;
    if (this.isBigU64) return <f64>(<u64>this.i);
    return this.isInt ? <f64>this.i : this.f;
  }
  asString(): string { return this.kind == JsonKind.String ? this.s : ""; }

  /** Elements of an array, entries of an object, else 0. */
  get length(): i32 {
    return this.kind == JsonKind.Array || this.kind == JsonKind.Object ? this.items.length : 0;
  }
  /** Element `idx` of an array; a Json null when there is none. */
  at(idx: i32): Json {
    if (this.kind != JsonKind.Array || idx < 0 || idx >= this.items.length) return new Json();
    return unchecked(this.items[idx]);
  }
  /** Whether an object has `key`. */
  has(key: string): bool { return this.indexOf(key) >= 0; }
  /** The value of `key` in an object; a Json null when there is none (see `has`). */
  get(key: string): Json {
    const k = this.indexOf(key);
    return k < 0 ? new Json() : unchecked(this.items[k]);
  }
  private indexOf(key: string): i32 {
    if (this.kind != JsonKind.Object) return -1;
    for (let k = 0; k < this.keys.length; k++) if (unchecked(this.keys[k]) == key) return k;
    return -1;
  }

  /** JSON text of this value. */
  toString(): string { return stringify(this); }
}

// ---- writing ----

/** A JSON string literal of `s`, quotes included. */
export function quote(s: string): string {
  let out = "\"";
  let run = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c != 0x22 && c != 0x5C && c >= 0x20) continue;
    if (k > run) out += s.substring(run, k);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5C) out += "\\\\";
    else if (c == 0x0A) out += "\\n";
    else if (c == 0x0D) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else out += "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    run = k + 1;
  }
  if (run < s.length) out += s.substring(run);
  return out + "\"";
}

/** JSON text of a number: integers exact, NaN and infinities (not JSON) as null. */
export function numberText(x: f64): string {
  if (!isFinite(x)) return "null";
  if (x == Math.trunc(x) && Math.abs(x) < 9007199254740992.0) return (<i64>x).toString();
  return x.toString();
}

/** JSON text of a value. */
export function stringify(v: Json): string {
  switch (v.kind) {
    case JsonKind.Null: return "null";
    case JsonKind.Bool: return v.b ? "true" : "false";
    case JsonKind.Number:
      if (v.isBigU64) return (<u64>v.i).toString();
      return v.isInt ? v.i.toString() : numberText(v.f);
    case JsonKind.String: return quote(v.s);
    case JsonKind.Array: {
      let out = "[";
      for (let k = 0; k < v.items.length; k++) {
        if (k) out += ",";
        out += stringify(unchecked(v.items[k]));
      }
      return out + "]";
    }
    default: {
      let out = "{";
      for (let k = 0; k < v.keys.length; k++) {
        if (k) out += ",";
        out += quote(unchecked(v.keys[k])) + ":" + stringify(unchecked(v.items[k]));
      }
      return out + "}";
    }
  }
}

/**
 * Builds JSON text piece by piece; commas and colons are put in for you.
 *
 *   new JsonWriter().beginObject().key("total").int(15).key("tags").beginArray().str("a").endArray()
 *     .endObject().toString()   // {"total":15,"tags":["a"]}
 */
export class JsonWriter {
  private out: string = "";
  private first: bool[] = [];   // per open array/object: nothing written in it yet
  private afterKey: bool = false;

  private sep(): void {
    if (this.afterKey) { this.afterKey = false; return; }
    const n = this.first.length;
    if (n == 0) return;
    if (unchecked(this.first[n - 1])) unchecked(this.first[n - 1] = false);
    else this.out += ",";
  }
  beginObject(): JsonWriter { this.sep(); this.out += "{"; this.first.push(true); return this; }
  endObject(): JsonWriter { this.first.pop(); this.out += "}"; return this; }
  beginArray(): JsonWriter { this.sep(); this.out += "["; this.first.push(true); return this; }
  endArray(): JsonWriter { this.first.pop(); this.out += "]"; return this; }
  key(name: string): JsonWriter { this.sep(); this.out += quote(name) + ":"; this.afterKey = true; return this; }
  str(s: string): JsonWriter { this.sep(); this.out += quote(s); return this; }
  int(n: i64): JsonWriter { this.sep(); this.out += n.toString(); return this; }
  uint(n: u64): JsonWriter { this.sep(); this.out += n.toString(); return this; }
  num(x: f64): JsonWriter { this.sep(); this.out += numberText(x); return this; }
  boolean(b: bool): JsonWriter { this.sep(); this.out += b ? "true" : "false"; return this; }
  nul(): JsonWriter { this.sep(); this.out += "null"; return this; }
  /** Puts in JSON text as it is (it must be JSON). */
  raw(json: string): JsonWriter { this.sep(); this.out += json; return this; }
  value(v: Json): JsonWriter { return this.raw(stringify(v)); }
  toString(): string { return this.out; }
}

// ---- parsing raw UTF-8 bytes ----
let p: usize = 0;
let end: usize = 0;
let bad = false;

/** Parses `len` bytes at `ptr`; `null` when they are not one JSON value. */
export function parseBytes(ptr: usize, len: usize): Json | null {
  p = ptr; end = ptr + len; bad = false;
  const v = value(0);
  ws();
  return bad || p != end ? null : v;
}

/** Parses JSON text; `null` when it is not one JSON value. */
export function parse(text: string): Json | null {
  const buf = String.UTF8.encode(text);
  return parseBytes(changetype<usize>(buf), <usize>buf.byteLength);
}

@inline function peek(): i32 { return p < end ? <i32>load<u8>(p) : -1; }

function ws(): void {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09) p++; else break;
  }
}

function lit(word: string): void {
  for (let k = 0; k < word.length; k++) {
    if (peek() != word.charCodeAt(k)) { bad = true; return; }
    p++;
  }
}

function value(depth: i32): Json {
  const v = new Json();
  ws();
  if (depth > 128) { bad = true; return v; }
  const c = peek();
  if (c == 0x7B) {                       // {
    p++; v.kind = JsonKind.Object; ws();
    if (peek() == 0x7D) { p++; return v; }
    while (!bad) {
      ws();
      if (peek() != 0x22) { bad = true; break; }
      v.keys.push(str());
      ws();
      if (peek() != 0x3A) { bad = true; break; }
      p++;
      v.items.push(value(depth + 1));
      ws();
      const d = peek(); p++;
      if (d == 0x7D) break;
      if (d != 0x2C) bad = true;
    }
  } else if (c == 0x5B) {                // [
    p++; v.kind = JsonKind.Array; ws();
    if (peek() == 0x5D) { p++; return v; }
    while (!bad) {
      v.items.push(value(depth + 1));
      ws();
      const d = peek(); p++;
      if (d == 0x5D) break;
      if (d != 0x2C) bad = true;
    }
  } else if (c == 0x22) { v.kind = JsonKind.String; v.s = str(); }
  else if (c == 0x74) { v.kind = JsonKind.Bool; v.b = true; lit("true"); }
  else if (c == 0x66) { v.kind = JsonKind.Bool; lit("false"); }
  else if (c == 0x6E) { lit("null"); }
  else if (c == 0x2D || (c >= 0x30 && c <= 0x39)) num(v);
  else bad = true;
  return v;
}

function num(v: Json): void {
  v.kind = JsonKind.Number;
  const start = p;
  let neg = false, int = true, overflow = false;
  let acc: u64 = 0;
  if (peek() == 0x2D) { neg = true; p++; }
  const digits = p;
  while (p < end) {
    const c = <i32>load<u8>(p);
    if (c >= 0x30 && c <= 0x39) {
      if (int && !overflow) {
        const d = <u64>(c - 0x30);
        // acc * 10 + d <= u64.MAX_VALUE (18446744073709551615)
        if (acc > 1844674407370955161 || (acc == 1844674407370955161 && d > 5)) overflow = true;
        else acc = acc * 10 + d;
      }
      p++;
    } else if (c == 0x2E || c == 0x65 || c == 0x45 || c == 0x2B || c == 0x2D) { int = false; p++; }
    else break;
  }
  if (p == digits) { bad = true; return; }
  const limit: u64 = neg ? <u64>i64.MAX_VALUE + 1 : <u64>i64.MAX_VALUE;
  if (int && !overflow && acc <= limit) {
    v.isInt = true;
    v.i = neg ? -<i64>acc : <i64>acc;
    v.f = <f64>v.i;
  } else if (int && !overflow && !neg) {
    v.isBigU64 = true;
    v.i = <i64>acc;
    v.f = <f64>acc;
  } else {
    v.f = F64.parseFloat(String.UTF8.decodeUnsafe(start, p - start));
    if (isNaN(v.f)) bad = true;
  }
}

function hex4(): i32 {
  let r = 0;
  for (let k = 0; k < 4; k++) {
    const c = peek(); p++;
    r <<= 4;
    if (c >= 0x30 && c <= 0x39) r |= c - 0x30;
    else if (c >= 0x61 && c <= 0x66) r |= c - 0x57;
    else if (c >= 0x41 && c <= 0x46) r |= c - 0x37;
    else { bad = true; return 0; }
  }
  return r;
}

/** `p` at the opening quote; the decoded string, `p` after the closing quote. */
function str(): string {
  p++;
  let out = "";
  let run = p;
  while (true) {
    if (p >= end) { bad = true; return out; }
    const c = load<u8>(p);
    if (c == 0x22) break;
    if (c < 0x20) { bad = true; return out; }
    if (c != 0x5C) { p++; continue; }
    if (p > run) out += String.UTF8.decodeUnsafe(run, p - run);
    p++;
    const e = peek(); p++;
    if (e == 0x22) out += "\"";
    else if (e == 0x5C) out += "\\";
    else if (e == 0x2F) out += "/";
    else if (e == 0x62) out += "\b";
    else if (e == 0x66) out += "\f";
    else if (e == 0x6E) out += "\n";
    else if (e == 0x72) out += "\r";
    else if (e == 0x74) out += "\t";
    else if (e == 0x75) out += String.fromCharCode(hex4());  // a surrogate pair is two \u escapes
    else { bad = true; return out; }
    run = p;
  }
  if (p > run) out += String.UTF8.decodeUnsafe(run, p - run);
  p++;
  return out;
}
