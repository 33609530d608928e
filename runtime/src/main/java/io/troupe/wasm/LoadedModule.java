package io.troupe.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A parsed (and, in compiler mode, compiled) module, shared by every actor that runs it.
 *
 * @param sha256 lower-case hex SHA-256 of the binary module
 * @param module the parsed module
 * @param machineFactory how instances of it execute
 * @param mode the execution mode actually in use
 * @param exportedFunctions names of its exported functions (read once: every turn checks them)
 */
public record LoadedModule(
    String sha256,
    WasmModule module,
    Function<Instance, Machine> machineFactory,
    ExecutionMode mode,
    Set<String> exportedFunctions) {

  public LoadedModule(
      String sha256,
      WasmModule module,
      Function<Instance, Machine> machineFactory,
      ExecutionMode mode) {
    this(sha256, module, machineFactory, mode, exportsOf(module));
  }

  /** Function imports as {@code module.name} pairs, in declaration order. */
  public List<FunctionImportRef> functionImports() {
    List<FunctionImportRef> out = new ArrayList<>();
    var section = module.importSection();
    for (int i = 0; i < section.importCount(); i++) {
      var imp = section.getImport(i);
      out.add(new FunctionImportRef(imp.module(), imp.name(), imp.importType()));
    }
    return out;
  }

  private static Set<String> exportsOf(WasmModule module) {
    Set<String> out = new TreeSet<>();
    var section = module.exportSection();
    for (int i = 0; i < section.exportCount(); i++) {
      var e = section.getExport(i);
      if (e.exportType() == ExternalType.FUNCTION) {
        out.add(e.name());
      }
    }
    return java.util.Collections.unmodifiableSet(out);
  }

  /** One import of the module. */
  public record FunctionImportRef(String module, String name, ExternalType type) {
    @Override
    public String toString() {
      return module + "." + name;
    }
  }
}
