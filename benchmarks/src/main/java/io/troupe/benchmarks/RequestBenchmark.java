package io.troupe.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.ManifestParser;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code java -jar benchmarks/target/benchmarks.jar RequestBenchmark}
 *
 * <p>Request round trips per second on one node. The baseline, {@code singleTurn}, is a request
 * from outside to the kv-store example (one turn). {@code actorToActor} sends the same request
 * through the request-response example's front actor, whose turn parks on a request to kv-store:
 * each operation is one actor-to-actor round trip (two turns, a park and an unpark, four more chain
 * events). Both run one request at a time (latency-bound); the {@code parallel8} variants keep 8 in
 * flight (8 fronts) to show what the node sustains.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestBenchmark {
  static final int BATCH = 200;
  private final ObjectMapper json = new ObjectMapper();
  private ActorSystem system;
  private ActorHandle kv;
  private final List<ActorHandle> fronts = new ArrayList<>();
  private JsonNode direct;
  private JsonNode viaFront;
  private Path dir;
  private int round;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("bench");
    for (String f :
        List.of(
            "kv-store/kv-store.toml",
            "kv-store/kv-store.wat",
            "request-response/front.toml",
            "request-response/front.wat")) {
      Path to = dir.resolve(f);
      Files.createDirectories(to.getParent());
      try (InputStream in = getClass().getResourceAsStream("/examples/" + f)) {
        Files.copy(in, to);
      }
    }
    direct = json.readTree("[\"get\",\"k\"]");
    viaFront = json.readTree("[\"kv\",[\"get\",\"k\"]]");
  }

  /** Fresh actors each iteration, so the in-memory chains do not grow across iterations. */
  @Setup(Level.Iteration)
  public void freshActors() throws Exception {
    if (system != null) {
      system.shutdown();
    }
    system = ActorSystem.builder().handlers(StandardHandlers.catalog()).build();
    ManifestParser parser = new ManifestParser();
    kv = system.start(parser.parse(dir.resolve("kv-store/kv-store.toml")), ActorId.of("kv"));
    kv.request(json.readTree("[\"put\",\"k\",{\"v\":1}]")).join();
    fronts.clear();
    for (int i = 0; i < 8; i++) {
      fronts.add(
          system.start(
              parser.parse(dir.resolve("request-response/front.toml")),
              ActorId.of("front-" + round++)));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    system.shutdown();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object singleTurn() {
    Object last = null;
    for (int i = 0; i < BATCH; i++) {
      last = kv.request(direct).join();
    }
    return last;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object actorToActor() {
    Object last = null;
    for (int i = 0; i < BATCH; i++) {
      last = fronts.get(0).request(viaFront).join();
    }
    return last;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object singleTurnParallel8() {
    return inFlight(8, i -> kv.request(direct));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object actorToActorParallel8() {
    return inFlight(8, i -> fronts.get(i % 8).request(viaFront));
  }

  private Object inFlight(
      int width, java.util.function.IntFunction<CompletableFuture<JsonNode>> op) {
    List<CompletableFuture<JsonNode>> window = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      window.add(op.apply(i));
      if (window.size() == width) {
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
        window.clear();
      }
    }
    CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
    return window;
  }
}
