// `@state` on a class makes it an actor's typed state: the transform gives the class two methods,
//
//   __troupeRead(j: Json): void        its fields from a JSON object (a missing or mistyped field
//                                       keeps its initial value, so "no state yet" reads as new T())
//   __troupeWrite(w: JsonWriter): void  the class as a JSON object, one key per field
//
// which the SDK's `stateAs<T>(json)` and `stateJson<T>(value)` call. Fields may be integers
// (i8…i64, u8…u64, isize, usize), f32/f64, bool, string, Json, another @state class, or an array
// (T[] / Array<T>) of those; anything else fails the build naming the field. Static fields are left
// out.
import { ASTBuilder, NodeKind, Parser, Source, SourceKind, Tokenizer } from "assemblyscript";

const SIGNED = new Set(["i8", "i16", "i32", "i64", "isize"]);
const UNSIGNED = new Set(["u8", "u16", "u32", "u64", "usize"]);
const FLOATS = new Set(["f32", "f64"]);
const STATIC = 1 << 5; // CommonFlags.Static

/** The element type of an array type's text (`T[]` or `Array<T>`), else null. */
function elementOf(type) {
  if (type.endsWith("[]")) return type.slice(0, -2).trim();
  const m = /^Array<(.+)>$/.exec(type);
  return m ? m[1].trim() : null;
}

/** AssemblyScript that reads JSON `v` (an expression) as a `type`, for a value expression. */
function reader(type, v, where) {
  if (SIGNED.has(type)) return `<${type}>${v}.asI64()`;
  if (UNSIGNED.has(type)) return `<${type}>${v}.asU64()`;
  if (FLOATS.has(type)) return `<${type}>${v}.asF64()`;
  if (type === "bool") return `${v}.asBool()`;
  if (type === "string") return `${v}.asString()`;
  if (type === "Json") return v;
  if (elementOf(type) !== null)
    throw new Error(`@state ${where}: arrays of arrays are not supported; use a @state class`);
  if (/^[A-Za-z_$][\w$]*$/.test(type)) return `__troupeStateAs<${type}>(${v})`;
  throw new Error(`@state ${where}: the type ${type} is not supported`);
}

/** Whether JSON `v` has the kind a `type` is read from (a mismatch keeps the field's value). */
function fits(type, v) {
  if (SIGNED.has(type) || UNSIGNED.has(type) || FLOATS.has(type)) return `${v}.isNumber`;
  if (type === "bool") return `${v}.isBool`;
  if (type === "string") return `${v}.isString`;
  if (type === "Json") return "true";
  if (elementOf(type) !== null) return `${v}.isArray`;
  return `${v}.isObject`;
}

/** AssemblyScript that writes `x` (an expression of `type`) to JsonWriter `w`. */
function writer(type, x, where) {
  if (SIGNED.has(type)) return `w.int(<i64>${x});`;
  if (UNSIGNED.has(type)) return `w.uint(<u64>${x});`;
  if (FLOATS.has(type)) return `w.num(<f64>${x});`;
  if (type === "bool") return `w.boolean(${x});`;
  if (type === "string") return `w.str(${x});`;
  if (type === "Json") return `w.value(${x});`;
  const element = elementOf(type);
  if (element !== null) {
    return `w.beginArray(); for (let i = 0; i < ${x}.length; i++) { ${writer(element, `unchecked(${x}[i])`, where)} } w.endArray();`;
  }
  return `${x}.__troupeWrite(w);`;
}

function methods(cls) {
  const name = cls.name.text;
  const reads = [];
  const writes = [];
  for (const m of cls.members) {
    if (m.kind !== NodeKind.FieldDeclaration || (m.flags & STATIC) !== 0) continue;
    const field = m.name.text;
    const where = `${name}.${field}`;
    if (!m.type) throw new Error(`@state ${where}: give the field a type`);
    const type = ASTBuilder.build(m.type).trim();
    const v = `j.get(${JSON.stringify(field)})`;
    const element = elementOf(type);
    if (element !== null) {
      reads.push(
        `{ const v = ${v}; if (v.isArray) { const a = new Array<${element}>(); ` +
          `for (let i = 0; i < v.length; i++) a.push(${reader(element, "v.at(i)", where)}); this.${field} = a; } }`);
    } else {
      reads.push(`{ const v = ${v}; if (${fits(type, "v")}) this.${field} = ${reader(type, "v", where)}; }`);
    }
    writes.push(`w.key(${JSON.stringify(field)}); ${writer(type, `this.${field}`, where)}`);
  }
  return [
    `__troupeRead(j: __TroupeJson): void { ${reads.join(" ")} }`,
    `__troupeWrite(w: __TroupeJsonWriter): void { w.beginObject(); ${writes.join(" ")} w.endObject(); }`,
  ];
}

/**
 * Adds the methods to every @state class of the user's sources; returns whether there were any
 * (their files then import what the methods use).
 */
export function addStateMethods(parser) {
  let any = false;
  for (const source of parser.sources) {
    if (source.isLibrary) continue;
    let here = false;
    for (const stmt of source.statements) {
      if (stmt.kind !== NodeKind.ClassDeclaration || !stmt.decorators) continue;
      const at = stmt.decorators.findIndex(d => d.name && d.name.text === "state");
      if (at < 0) continue;
      stmt.decorators.splice(at, 1);
      for (const text of methods(stmt)) {
        const tn = new Tokenizer(new Source(SourceKind.User, source.normalizedPath, text));
        const member = new Parser().parseClassMember(tn, stmt);
        if (!member) throw new Error(`@state ${stmt.name.text}: could not make its JSON methods`);
        stmt.members.push(member);
      }
      here = true;
    }
    if (here) {
      const text =
        'import { Json as __TroupeJson, JsonWriter as __TroupeJsonWriter, stateAs as __troupeStateAs } from "troupe-sdk";';
      const tn = new Tokenizer(new Source(SourceKind.User, source.normalizedPath, text));
      const p = new Parser();
      p.currentSource = tn.source;
      const imp = p.parseTopLevelStatement(tn);
      source.statements.unshift(imp);
      any = true;
    }
  }
  return any;
}
