// asc transform for Troupe actors.
//
// `@exportAs("troupe:actor/message-server-client.handle-send")` on an exported top-level function
// renames its wasm export after compilation: the guest ABI's export names are not identifiers, and
// AssemblyScript syntax cannot spell them. It also checks that the module exports `troupe_alloc`
// (the host writes every input through it), so a forgotten re-export fails the build, not the start.
// `@state` on a class gives it its JSON methods (state.mjs).
import { Transform } from "assemblyscript/transform";
import { addStateMethods } from "./state.mjs";

export default class TroupeExportAs extends Transform {
  renames = new Map(); // AS export name -> wasm export name

  afterParse(parser) {
    addStateMethods(parser);
    for (const source of parser.sources) {
      if (source.isLibrary) continue;
      for (const stmt of source.statements) {
        const decos = stmt.decorators;
        if (!decos || !stmt.name) continue;
        for (const d of decos) {
          if (d.name && d.name.text === "exportAs") {
            const arg = d.args && d.args[0];
            if (!arg || typeof arg.value !== "string" || d.args.length !== 1)
              throw new Error(`@exportAs on ${stmt.name.text} needs one string literal argument`);
            for (const [from, to] of this.renames)
              if (to === arg.value && from !== stmt.name.text)
                throw new Error(`@exportAs("${to}") is on both ${from} and ${stmt.name.text}`);
            this.renames.set(stmt.name.text, arg.value);
          }
        }
      }
    }
  }

  afterCompile(module) {
    const binaryen = this.binaryen;
    for (const [from, to] of this.renames) {
      const ref = module.getExport(from);
      if (!ref) throw new Error(`@exportAs: '${from}' is not exported from the entry file (add 'export')`);
      const info = binaryen.getExportInfo(ref);
      if (info.kind !== binaryen.ExternalFunction)
        throw new Error(`@exportAs: '${from}' is not a function`);
      module.removeExport(from);
      module.addFunctionExport(info.value, to);
    }
    if (this.renames.size > 0 && !module.getExport("troupe_alloc"))
      throw new Error(
        "the module does not export troupe_alloc: add `export { troupe_alloc, troupe_free } from \"troupe-sdk\";` to the entry file");
  }
}
