package io.troupe.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wabt.Wat2Wasm;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.troupe.chain.Sha256;
import io.troupe.error.InvalidModuleException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads modules: parses, validates and (by default) compiles them, caching the result by the
 * module's SHA-256 so that every actor of the same module shares one compiled form. The cache keeps
 * the most recently used {@code maxCached} modules: actors hold the module they run, so a module
 * that leaves the cache stays with them, and is compiled again only when loaded again.
 */
public final class WasmEngine {
  private static final Logger log = LoggerFactory.getLogger(WasmEngine.class);
  private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};

  /** Modules the cache keeps by default. */
  public static final int MAX_CACHED = 1024;

  private final ExecutionMode mode;
  private final int maxCached;
  private final ConcurrentHashMap<String, LoadedModule> cache = new ConcurrentHashMap<>();

  /** When each cached module was last loaded, in ticks of {@link #clock}. */
  private final ConcurrentHashMap<String, Long> lastUsed = new ConcurrentHashMap<>();

  private final java.util.concurrent.atomic.AtomicLong clock =
      new java.util.concurrent.atomic.AtomicLong();

  /** Modules loaded from WAT, by the SHA-256 of their text. */
  private final ConcurrentHashMap<String, LoadedModule> fromText = new ConcurrentHashMap<>();

  public WasmEngine(ExecutionMode mode) {
    this(mode, MAX_CACHED);
  }

  public WasmEngine(ExecutionMode mode, int maxCached) {
    if (maxCached < 1) {
      throw new IllegalArgumentException("maxCached must be >= 1");
    }
    this.mode = mode;
    this.maxCached = maxCached;
  }

  public ExecutionMode mode() {
    return mode;
  }

  /**
   * Loads a module from its binary form, or from WAT text (recognised by the missing {@code \0asm}
   * magic), which is compiled to binary first.
   *
   * @throws InvalidModuleException when the bytes are neither a valid module nor valid WAT
   */
  public LoadedModule load(byte[] bytes) {
    if (isBinary(bytes)) {
      return cached(Sha256.hex(bytes), bytes);
    }
    // WAT is compiled to binary once per text, not on every start of an actor of that text
    String text = Sha256.hex(bytes);
    LoadedModule known = fromText.get(text);
    if (known != null && cache.containsKey(known.sha256())) {
      lastUsed.put(known.sha256(), clock.incrementAndGet());
      return known;
    }
    byte[] binary = watToWasm(bytes);
    LoadedModule loaded = cached(Sha256.hex(binary), binary);
    fromText.put(text, loaded);
    return loaded;
  }

  private LoadedModule cached(String sha, byte[] binary) {
    LoadedModule m = cache.computeIfAbsent(sha, s -> compile(s, binary));
    lastUsed.put(sha, clock.incrementAndGet());
    if (cache.size() > maxCached) {
      evictLeastRecentlyUsed();
    }
    return m;
  }

  /** Lets go of the modules loaded longest ago, down to {@code maxCached}. */
  private synchronized void evictLeastRecentlyUsed() {
    while (cache.size() > maxCached) {
      var oldest =
          lastUsed.entrySet().stream().min(java.util.Map.Entry.comparingByValue()).orElse(null);
      if (oldest == null) {
        return;
      }
      String sha = oldest.getKey();
      lastUsed.remove(sha);
      LoadedModule gone = cache.remove(sha);
      if (gone != null) {
        fromText.values().removeIf(m -> m == gone);
      }
    }
  }

  /**
   * The module already loaded from bytes whose SHA-256 is {@code hex} (its binary, or its WAT
   * text), if any.
   */
  public java.util.Optional<LoadedModule> known(String hex) {
    LoadedModule m = cache.get(hex);
    if (m == null) {
      m = fromText.get(hex);
    }
    if (m != null) {
      lastUsed.put(m.sha256(), clock.incrementAndGet());
    }
    return java.util.Optional.ofNullable(m);
  }

  /** Number of distinct WAT texts whose binary module is known (compiled from text once each). */
  public int cachedTexts() {
    return fromText.size();
  }

  /** Number of distinct modules held. */
  public int cachedModules() {
    return cache.size();
  }

  private LoadedModule compile(String sha, byte[] binary) {
    WasmModule module;
    try {
      module = Parser.parse(binary);
    } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new InvalidModuleException("malformed WASM module: " + e.getMessage(), e);
    }
    if (mode == ExecutionMode.INTERPRETER) {
      return new LoadedModule(sha, module, InterpreterMachine::new, ExecutionMode.INTERPRETER);
    }
    try {
      Function<Instance, Machine> factory = MachineFactoryCompiler.compile(module);
      return new LoadedModule(sha, module, factory, ExecutionMode.COMPILER);
    } catch (RuntimeException e) {
      // The compiler refuses a few valid modules (e.g. huge functions): interpret those.
      log.warn("module {} does not compile ({}); using the interpreter", sha, e.toString());
      return new LoadedModule(sha, module, InterpreterMachine::new, ExecutionMode.INTERPRETER);
    }
  }

  private static boolean isBinary(byte[] bytes) {
    if (bytes.length < 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The binary form of a module given as binary or as WAT text: what a module's reference, {@code
   * sha256:<hex>}, is the hash of, whichever form it was uploaded in.
   *
   * @throws InvalidModuleException when the bytes are neither a binary module nor WAT
   */
  public static byte[] binary(byte[] bytes) {
    return isBinary(bytes) ? bytes : watToWasm(bytes);
  }

  private static byte[] watToWasm(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (!text.contains("(module")) {
      throw new InvalidModuleException(
          "malformed WASM module: neither a binary module (no \\0asm header) nor WAT text");
    }
    try {
      return Wat2Wasm.parse(text);
    } catch (com.dylibso.chicory.wasi.WasiExitException e) {
      // the compiler exits without telling us where (its diagnostics are not ours to read)
      throw new InvalidModuleException(
          "malformed WAT: the text does not compile to a module (a syntax error, an unknown"
              + " instruction or name, or a type mismatch; wat2wasm names the line)",
          e);
    } catch (RuntimeException e) {
      throw new InvalidModuleException("malformed WAT: " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no detail)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
