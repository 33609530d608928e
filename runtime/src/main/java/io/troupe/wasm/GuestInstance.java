package io.troupe.wasm;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.error.InvalidModuleException;
import io.troupe.error.LimitExceededException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One live instance of an actor's module, spoken to through guest ABI v1 (docs/abi.md): inputs are
 * written through {@code troupe_alloc}, callbacks return {@code (ptr << 32) | len} of UTF-8 JSON,
 * and an optional {@code troupe_free(ptr, len)} gets every buffer back. Not thread-safe: the
 * actor's mailbox guarantees one call at a time.
 */
public final class GuestInstance {
  static final FunctionType CALLBACK_TYPE =
      FunctionType.of(
          List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I64));
  static final FunctionType HOST_TYPE =
      FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64));

  private final Instance instance;
  private final Memory memory;
  private final ExportFunction alloc;
  private final ExportFunction free;
  private final ResultDecoder decoder;
  private final Set<String> exports;

  private GuestInstance(Instance instance, Set<String> exports, ResultDecoder decoder) {
    this.instance = instance;
    this.exports = exports;
    this.memory = instance.memory();
    this.alloc = instance.export("troupe_alloc");
    this.free = exports.contains("troupe_free") ? instance.export("troupe_free") : null;
    this.decoder = decoder;
  }

  /**
   * Instantiates {@code module}, linking each import to a function of {@code registry}.
   *
   * @param maxPages the memory limit in pages
   * @param provider names the handler that provides an interface, for the error when a handler that
   *     an import needs is not declared
   * @throws InvalidModuleException when the module does not fit the ABI or imports what no declared
   *     handler provides
   */
  public static GuestInstance create(
      LoadedModule module,
      int maxPages,
      HostRegistry registry,
      HostCallSink sink,
      Function<String, Optional<String>> provider,
      ObjectMapper mapper) {
    checkExports(module);
    List<HostFunction> functions = new ArrayList<>();
    for (LoadedModule.FunctionImportRef imp : module.functionImports()) {
      if (imp.type() != ExternalType.FUNCTION) {
        throw new InvalidModuleException(
            "module imports "
                + imp
                + " (a "
                + imp.type()
                + "); actors may import only host functions");
      }
      HostRegistry.Binding binding =
          registry
              .lookup(imp.module(), imp.name())
              .orElseThrow(() -> new InvalidModuleException(missingImport(imp, provider)));
      functions.add(
          new HostFunction(
              imp.module(),
              imp.name(),
              HOST_TYPE,
              new RecordingHostFunction(
                  imp.module() + "." + imp.name(),
                  binding,
                  registry.redaction(imp.module(), imp.name()),
                  sink,
                  mapper)));
    }
    MemoryLimits limits = memoryLimits(module, maxPages);
    try {
      Instance instance =
          Instance.builder(module.module())
              .withImportValues(
                  ImportValues.builder().withFunctions(new ArrayList<>(functions)).build())
              .withMachineFactory(module.machineFactory())
              .withMemoryLimits(limits)
              .build();
      return new GuestInstance(instance, module.exportedFunctions(), new ResultDecoder(mapper));
    } catch (ChicoryException e) {
      throw new InvalidModuleException("module cannot be instantiated: " + e.getMessage(), e);
    }
  }

  private static String missingImport(
      LoadedModule.FunctionImportRef imp, Function<String, Optional<String>> provider) {
    return provider
        .apply(imp.module())
        .map(
            handler ->
                "module imports "
                    + imp
                    + ", which needs handler '"
                    + handler
                    + "': declare it with [[handler]] type = \""
                    + handler
                    + "\" (or the handler has no function '"
                    + imp.name()
                    + "')")
        .orElse("module imports " + imp + ", which no Troupe handler provides");
  }

  private static void checkExports(LoadedModule module) {
    var exports = module.exportedFunctions();
    if (!exports.contains("troupe_alloc")) {
      throw new InvalidModuleException(
          "module does not export troupe_alloc(len: i32) -> i32, which guest ABI v1 requires");
    }
    if (module.module().memorySection().map(s -> s.memoryCount()).orElse(0) == 0) {
      throw new InvalidModuleException(
          "module has no memory; guest ABI v1 requires an exported memory");
    }
  }

  private static MemoryLimits memoryLimits(LoadedModule module, int maxPages) {
    MemoryLimits declared = module.module().memorySection().orElseThrow().getMemory(0).limits();
    int max = Math.min(declared.maximumPages(), maxPages);
    if (declared.initialPages() > max) {
      throw new LimitExceededException(
          "module needs "
              + declared.initialPages()
              + " memory pages at start, more than its limit of "
              + max
              + " (limits.memory_pages)");
    }
    return new MemoryLimits(declared.initialPages(), max);
  }

  /** True when the module exports {@code name} as a function. */
  public boolean hasExport(String name) {
    return exports.contains(name);
  }

  /**
   * Calls callback {@code export} with the state (null for {@code none}) and the params tuple.
   *
   * @throws AbiViolation when the guest breaks the ABI
   * @throws ChicoryException on a trap, or when interrupted by its deadline
   */
  public GuestResult call(String export, byte[] state, byte[] params) {
    ExportFunction fn = instance.export(export);
    int statePtr = -1;
    int stateLen = -1;
    if (state != null) {
      statePtr = write(state);
      stateLen = state.length;
    }
    int paramsPtr = write(params);
    long packed = fn.apply(statePtr, stateLen, paramsPtr, params.length)[0];
    int ptr = (int) (packed >>> 32);
    int len = (int) packed;
    byte[] out = read(ptr, len, "callback " + export);
    if (state != null) {
      release(statePtr, stateLen);
    }
    release(paramsPtr, params.length);
    release(ptr, len);
    return decoder.decode(out);
  }

  /** Copies {@code bytes} into guest memory through {@code troupe_alloc}; returns the pointer. */
  int write(byte[] bytes) {
    int ptr = (int) alloc.apply(bytes.length)[0];
    if (ptr <= 0 && bytes.length > 0 || !inBounds(ptr, bytes.length)) {
      throw new AbiViolation(
          "troupe_alloc("
              + bytes.length
              + ") returned "
              + Integer.toUnsignedString(ptr)
              + ", outside memory");
    }
    memory.write(ptr, bytes);
    return ptr;
  }

  byte[] read(int ptr, int len, String what) {
    if (!inBounds(ptr, len)) {
      throw new AbiViolation(
          what
              + " returned a buffer outside memory (ptr="
              + Integer.toUnsignedString(ptr)
              + ", len="
              + Integer.toUnsignedString(len)
              + ", memory="
              + memorySize()
              + " bytes)");
    }
    return memory.readBytes(ptr, len);
  }

  private void release(int ptr, int len) {
    if (free != null) {
      free.apply(ptr, len);
    }
  }

  private boolean inBounds(int ptr, int len) {
    long p = Integer.toUnsignedLong(ptr);
    long l = Integer.toUnsignedLong(len);
    return p + l <= memorySize();
  }

  private long memorySize() {
    return (long) memory.pages() * Memory.PAGE_SIZE;
  }
}
