package io.troupe.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.chain.ChainEvent;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.replay.Replay;
import io.troupe.replay.ReplayReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * Replay speed beside the live turn rate (issue: replay and receipts), in the same run: {@code
 * examples/counter} is sent N messages in-process (each turn a {@code wasm.call}, a {@code
 * runtime.log} host call and a {@code wasm.result}), then its chain is replayed against the same
 * module three times. Both as chain events per second.
 *
 * <pre>{@code
 * mvn -B -q -DskipTests install
 * java -cp benchmarks/target/benchmarks.jar io.troupe.benchmarks.ReplayBenchmark 100000
 * }</pre>
 */
public final class ReplayBenchmark {
  private static final int BATCH = 1000;

  private ReplayBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    // the counter logs every turn; the console would be what is measured
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    Manifest manifest = new ManifestParser().parse(Path.of("examples/counter/counter.toml"));
    JsonNode one = new ObjectMapper().readTree("1");
    ActorSystem system = ActorSystem.builder().handlers(StandardHandlers.catalog()).build();
    try {
      for (int round = 0; round < 3; round++) { // the first round warms up
        ActorHandle counter = system.start(manifest);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i += BATCH) {
          CompletableFuture<Void> last = null;
          for (int j = 0; j < BATCH; j++) {
            last = counter.send(one);
          }
          last.join();
        }
        long liveNanos = System.nanoTime() - t0;
        List<ChainEvent> chain = counter.chain();
        system.stop(counter.id(), "measured").join();

        long t1 = System.nanoTime();
        ReplayReport report;
        try (Replay replay =
            Replay.builder(system.module(manifest.module()))
                .limits(manifest.limits())
                .initState(manifest.initState().orElseThrow().getBytes(StandardCharsets.UTF_8))
                .build()) {
          chain.forEach(replay::accept);
          report = replay.finish();
        }
        long replayNanos = System.nanoTime() - t1;
        if (!report.reproduced()) {
          throw new IllegalStateException(report.summary());
        }
        double live = chain.size() / (liveNanos / 1e9);
        double replayed = report.events() / (replayNanos / 1e9);
        if (round > 0) {
          System.out.printf(
              "%,d turns, %,d events | live %,.0f events/s (%,.0f turns/s) | replay %,.0f"
                  + " events/s (%,.0f turns/s) | replay / live %.2f×%n",
              n,
              chain.size(),
              live,
              n / (liveNanos / 1e9),
              replayed,
              report.turns() / (replayNanos / 1e9),
              replayed / live);
        }
      }
    } finally {
      system.shutdown();
    }
  }
}
