package io.troupe.benchmarks;

import com.dylibso.chicory.runtime.Instance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.wasm.ExecutionMode;
import io.troupe.wasm.LoadedModule;
import io.troupe.wasm.WasmEngine;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A million actors (issue: speed, target 8): the heap of idle counters with their instances and
 * asleep without them (passivated), and the latency of a request that wakes one, beside a raw
 * instantiation of the same compiled module plus a raw call in the same run. In-process, one
 * system, the counter example, nothing on disk.
 *
 * <pre>{@code
 * java -Xmx8g -cp benchmarks/target/benchmarks.jar io.troupe.benchmarks.ScaleBenchmark \
 *     100000 1000000 examples
 * }</pre>
 *
 * First ACTIVE counters are started in a system without passivation and sent one message each, and
 * the heap is measured; then, in a second system that passivates after 2 s idle, counters are
 * started 20,000 at a time (each batch left to fall asleep) until ASLEEP sleep, and the heap is
 * measured again; then requests wake random sleepers one at a time.
 */
public final class ScaleBenchmark {
  private static final Duration PASSIVATE_AFTER = Duration.ofSeconds(2);

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int active = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int asleep = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Path examples = Path.of(args.length > 2 ? args[2] : "examples");
    ObjectMapper json = new ObjectMapper();
    JsonNode one = json.readTree("1");
    JsonNode total = json.readTree("\"total?\"");
    Manifest counter = new ManifestParser().parse(examples.resolve("counter/counter.toml"));
    // idle with their instances: passivation off
    long base = heapAfterGc();
    ActorSystem awake = ActorSystem.builder().handlers(StandardHandlers.catalog()).build();
    List<ActorHandle> actors = new ArrayList<>();
    long t0 = System.nanoTime();
    startAndSend(awake, counter, actors, active, one);
    double startSecs = (System.nanoTime() - t0) / 1e9;
    long withInstances = heapAfterGc();
    System.out.printf(
        "%,d idle counters with instances: %,.1f KB each (heap %,d MB; started and sent to in"
            + " %.1f s)%n",
        active, (withInstances - base) / 1024.0 / active, withInstances >> 20, startSecs);
    actors.clear();
    awake.shutdown();
    awake = null; // its 100k instances go with it

    // asleep: passivated after 2 s
    base = heapAfterGc();
    System.out.printf("heap before the second system: %,d MB%n", base >> 20);
    var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    ActorSystem system =
        ActorSystem.builder()
            .handlers(StandardHandlers.catalog())
            .passivateAfter(PASSIVATE_AFTER)
            .meters(meters)
            .build();
    while (actors.size() < asleep) {
      int batch = Math.min(20_000, asleep - actors.size());
      startAndSend(system, counter, actors, batch, one);
      awaitAsleep(system, actors.size());
    }
    long all = heapAfterGc();
    System.out.printf(
        "%,d counters asleep: %,.1f KB each (heap %,d MB, max %,d MB)%n",
        actors.size(),
        (all - base) / 1024.0 / actors.size(),
        all >> 20,
        Runtime.getRuntime().maxMemory() >> 20);

    // waking: a request to a random sleeper, one at a time, beside a raw instance + call
    LoadedModule raw =
        new WasmEngine(ExecutionMode.COMPILER)
            .load(Files.readAllBytes(examples.resolve("counter/counter.wat")));
    var imports =
        com.dylibso.chicory.runtime.ImportValues.builder()
            .addFunction(
                new com.dylibso.chicory.runtime.HostFunction(
                    "troupe:actor/runtime",
                    "log",
                    com.dylibso.chicory.wasm.types.FunctionType.of(
                        List.of(
                            com.dylibso.chicory.wasm.types.ValType.I32,
                            com.dylibso.chicory.wasm.types.ValType.I32),
                        List.of(com.dylibso.chicory.wasm.types.ValType.I64)),
                    (inst, argv) -> new long[] {0}))
            .build();
    int wakes = 2_000;
    long[] wake = new long[wakes];
    long[] rawInst = new long[wakes];
    for (int i = 0; i < wakes; i++) {
      ActorHandle a = actors.get(ThreadLocalRandom.current().nextInt(actors.size()));
      long s0 = System.nanoTime();
      Instance inst =
          Instance.builder(raw.module())
              .withMachineFactory(raw.machineFactory())
              .withImportValues(imports)
              .build();
      long s1 = System.nanoTime();
      JsonNode v = a.request(total).join();
      long s2 = System.nanoTime();
      if (v.asInt() != 1) {
        throw new AssertionError("a woken counter answered " + v);
      }
      rawInst[i] = s1 - s0;
      wake[i] = s2 - s1;
      if (inst == null) {
        throw new AssertionError();
      }
    }
    System.out.printf(
        "request that wakes a sleeper  p50 %6.0f µs  p99 %6.0f µs  (%,d; wakes counted: %,d)%n",
        pct(wake, 50),
        pct(wake, 99),
        wakes,
        (long) meters.get("troupe.actors.wakes").functionCounter().count());
    System.out.printf(
        "raw instantiation (baseline)  p50 %6.0f µs  p99 %6.0f µs%n",
        pct(rawInst, 50), pct(rawInst, 99));
    system.shutdown();
    System.exit(0);
  }

  private static void startAndSend(
      ActorSystem system, Manifest m, List<ActorHandle> into, int n, JsonNode message) {
    List<CompletableFuture<Void>> sends = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ActorHandle a = system.start(m);
      into.add(a);
      sends.add(a.send(message));
      if (sends.size() == 1000) {
        sends.forEach(CompletableFuture::join);
        sends.clear();
      }
    }
    sends.forEach(CompletableFuture::join);
  }

  private static void awaitAsleep(ActorSystem system, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (system.sleeping() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(system.sleeping() + " of " + n + " asleep after 10 min");
      }
      Thread.sleep(200); // a benchmark polling a count
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double pct(long[] nanos, int p) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) (s.length * p / 100.0))] / 1000.0;
  }
}
