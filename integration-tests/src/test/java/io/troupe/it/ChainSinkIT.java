package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.testing.PostgresServer;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real node processes on one PostgreSQL database deliver their actors' chains to one shared
 * JSON-lines sink directory; the home of most actors is killed with SIGKILL between sends: each
 * actor's file then holds every committed event exactly once, in order — its exported chain.
 */
class ChainSinkIT {
  private static final Path COUNTER = Launcher.REPO.resolve("examples/counter/counter.toml");
  @TempDir Path sinkDir;

  @Test
  void aSinkGetsEachEventExactlyOnceAcrossAKillOfTheHome() throws Exception {
    try (PostgresServer pg = PostgresServer.start();
        NodeProcesses cluster =
            NodeProcesses.start(
                3,
                pg.createDatabase("sinks"),
                List.of("--sink-jsonl", sinkDir.toAbsolutePath().toString()))) {
      List<String> ids = new ArrayList<>();
      Map<String, String> homes = new HashMap<>();
      try (TroupeClient c =
          TroupeClient.builder()
              .targets(cluster.targets())
              .deadline(Duration.ofSeconds(60))
              .build()) {
        for (int i = 0; i < 9; i++) {
          String id = "sunk-" + i;
          c.start(COUNTER, id);
          ids.add(id);
          homes.put(id, c.describe(id).getNode());
        }
        for (int round = 1; round <= 4; round++) {
          for (String id : ids) {
            c.send(id, Integer.toString(round));
          }
        }
      }
      Map<String, Integer> load = new HashMap<>();
      homes.values().forEach(n -> load.merge(n, 1, Integer::sum));
      String victim =
          load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      NodeProcesses.Node dead =
          cluster.nodes.stream().filter(n -> n.name().equals(victim)).findFirst().orElseThrow();
      List<String> onVictim = ids.stream().filter(id -> homes.get(id).equals(victim)).toList();
      // sends in flight to the victim's actors as it dies: some are committed and not delivered
      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      Thread sender =
          new Thread(
              () -> {
                try (TroupeClient c =
                    TroupeClient.builder()
                        .targets(cluster.targets())
                        .deadline(Duration.ofSeconds(5))
                        .build()) {
                  while (sending.get()) {
                    for (String id : onVictim) {
                      try {
                        c.send(id, "0");
                        sent.incrementAndGet();
                      } catch (RuntimeException e) {
                        // its home is dying: the chain says what was committed
                      }
                    }
                  }
                }
              });
      sender.start();
      await("sends under way").atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 20);
      dead.process().destroyForcibly(); // SIGKILL: whatever it had not delivered is lost with it
      assertThat(dead.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      sending.set(false);
      sender.join(30_000);
      List<String> survivors =
          cluster.nodes.stream().filter(n -> n != dead).map(NodeProcesses.Node::target).toList();
      try (TroupeClient after =
          TroupeClient.builder().targets(survivors).deadline(Duration.ofSeconds(90)).build()) {
        for (int round = 5; round <= 7; round++) {
          for (String id : ids) {
            after.send(id, Integer.toString(round));
          }
        }
        int moved = 0;
        for (String id : ids) {
          assertThat(after.request(id, "\"total?\"")).as(id).isEqualTo("28");
          List<ChainEvent> chain = chain(after, id);
          await(id + "'s file has its whole chain")
              .atMost(Duration.ofSeconds(60))
              .until(() -> read(id).size() >= chain.size());
          List<ChainEvent> file = read(id);
          assertThat(file).as(id).isEqualTo(chain); // each event once, in order, none missing
          assertThat(ChainVerifier.verify(file).valid()).as(id).isTrue();
          if (homes.get(id).equals(victim)) {
            moved++;
            assertThat(file).extracting(ChainEvent::type).as(id).contains("actor.moved");
          }
        }
        assertThat(moved).isPositive();
      }
    }
  }

  private static List<ChainEvent> chain(TroupeClient c, String id) {
    return c.chain(id).stream()
        .map(
            e ->
                new ChainEvent(
                    e.getActor(),
                    e.getSeq(),
                    EventHash.of(e.getParent().toByteArray()),
                    e.getType(),
                    e.getTimestamp(),
                    e.getData().toByteArray(),
                    EventHash.of(e.getHash().toByteArray())))
        .toList();
  }

  private List<ChainEvent> read(String id) throws IOException {
    Path f = sinkDir.resolve(id + ".jsonl");
    if (!Files.exists(f)) {
      return List.of();
    }
    try (Reader r = Files.newBufferedReader(f)) {
      return ChainCodec.read(r);
    }
  }
}
