package io.troupe.benchmarks;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.Callbacks;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.ManifestParser;
import io.troupe.testing.Wat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code mvn -B -q -DskipTests package && java -jar benchmarks/target/benchmarks.jar TurnBenchmark}
 *
 * <p>Messages per second through a trivial actor (mailbox, turn, {@code wasm.call} + {@code
 * wasm.result} events with SHA-256 hashes, deadline armed) against the raw Chicory call of the same
 * compiled export (write the params through {@code troupe_alloc}, call, read the result), in the
 * same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TurnBenchmark {
  static final int BATCH = 1000;
  static final String WAT =
      """
      (module
        (memory (export "memory") 1)
        (data (i32.const 16) "{\\"Ok\\":[null]}")
        (func (export "troupe_alloc") (param i32) (result i32) (i32.const 1024))
        (func (export "troupe:actor/message-server-client.handle-send")
              (param i32 i32 i32 i32) (result i64)
          (i64.const 68719476749)))
      """; // (16 << 32) | 13

  private final ObjectMapper json = new ObjectMapper();
  private final byte[] params =
      "[{\"n\":1,\"text\":\"hello, troupe\"}]".getBytes(StandardCharsets.UTF_8);
  private JsonNode message;
  private Path dir;
  private ActorSystem system;
  private ActorHandle actor;
  private Instance raw;
  private ExportFunction rawAlloc;
  private ExportFunction rawSend;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    message = json.readTree(params).get(0);
    dir = Files.createTempDirectory("bench");
    Files.writeString(dir.resolve("trivial.wat"), WAT);
    Files.writeString(
        dir.resolve("trivial.toml"),
        "name = \"trivial\"\nmodule = \"trivial.wat\"\n[limits]\nmailbox_capacity = 2048\n");
    WasmModule module = Parser.parse(Wat.compile(WAT));
    raw =
        Instance.builder(module).withMachineFactory(MachineFactoryCompiler.compile(module)).build();
    rawAlloc = raw.export("troupe_alloc");
    rawSend = raw.export(Callbacks.HANDLE_SEND);
    system = ActorSystem.builder().handlers(StandardHandlers.catalog()).build();
  }

  /** A fresh actor each iteration, so the in-memory chain does not grow across iterations. */
  @Setup(Level.Iteration)
  public void freshActor() {
    actor = system.start(new ManifestParser().parse(dir.resolve("trivial.toml")));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    system.shutdown();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object troupeSend() {
    return sendBatch(actor, message);
  }

  /**
   * The counter of {@code ops/troupe new} in each language, turn for turn (issue: guest SDKs, size
   * and speed): sends of {@code {"add": 1}}. The Rust and AssemblyScript counters are generated and
   * built on the first run (into {@code benchmarks/target/counters/}): run from the repository's
   * root with their toolchains installed.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object counterSend(Counter c) {
    return sendBatch(c.actor, c.add);
  }

  private static Object sendBatch(ActorHandle actor, JsonNode message) {
    CompletableFuture<Void> last = null;
    for (int i = 0; i < BATCH; i++) {
      last = actor.send(message);
    }
    return last.join();
  }

  /** A counter written in {@link #lang}, fresh each iteration. */
  @State(Scope.Benchmark)
  public static class Counter {
    @Param({"wat", "rust", "assemblyscript"})
    public String lang;

    private final JsonNode add = new ObjectMapper().createObjectNode().put("add", 1);
    private io.troupe.manifest.Manifest manifest;
    private ActorSystem system;
    private ActorHandle actor;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      manifest = new ManifestParser().parse(built(lang));
      system = ActorSystem.builder().handlers(StandardHandlers.catalog()).build();
    }

    @Setup(Level.Iteration)
    public void freshActor() {
      actor = system.start(manifest);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      system.shutdown();
    }

    /** The manifest of the {@code troupe new} counter in {@code lang}, built. */
    static Path built(String lang) throws java.io.IOException, InterruptedException {
      Path dir = Path.of("benchmarks", "target", "counters", lang).toAbsolutePath();
      Path manifest = dir.resolve("bench-" + lang + ".toml");
      if (!Files.exists(manifest)) {
        run(
            java.util.List.of(
                "ops/troupe", "new", "bench-" + lang, "--lang", lang, "--dir", dir.toString()),
            Path.of("."));
      }
      if (!lang.equals("wat") && !Files.exists(dir.resolve("bench-" + lang + ".wasm"))) {
        run(java.util.List.of("bash", "build.sh"), dir);
      }
      return manifest;
    }

    private static void run(java.util.List<String> command, Path in)
        throws java.io.IOException, InterruptedException {
      Process p = new ProcessBuilder(command).directory(in.toFile()).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed in " + in);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long rawChicoryCall() {
    long acc = 0;
    for (int i = 0; i < BATCH; i++) {
      int ptr = (int) rawAlloc.apply(params.length)[0];
      raw.memory().write(ptr, params);
      long packed = rawSend.apply(-1, -1, ptr, params.length)[0];
      acc += raw.memory().readBytes((int) (packed >>> 32), (int) packed).length;
    }
    return acc;
  }
}
