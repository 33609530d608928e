package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.proto.v1.ChainEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Under a steady load of sends from the SDK: kill -9 the busiest node, start it again, then SIGSTOP
 * another and wake it. (Three nodes with a quorum of two refuse writes while two are down, as they
 * should, so the failures come one at a time.) Every acknowledged send is in its counter's total,
 * none counted twice, every chain verifies and its epochs only grow.
 */
class SteadyLoadFailoverIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void killThenHangThenRecoverUnderLoad() throws Exception {
    try (NodeProcesses cluster = NodeProcesses.start(3)) {
      List<String> ids = new ArrayList<>();
      Map<String, String> homes = new HashMap<>();
      try (TroupeClient c = TroupeClient.builder().targets(cluster.targets()).build()) {
        for (int i = 0; i < 6; i++) {
          String id = "load-" + i;
          c.start(Launcher.REPO.resolve("examples/counter/counter.toml"), id);
          ids.add(id);
          homes.put(id, c.describe(id).getNode());
        }
      }
      Map<String, AtomicInteger> acked = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> attempted = new ConcurrentHashMap<>();
      ids.forEach(
          id -> {
            acked.put(id, new AtomicInteger());
            attempted.put(id, new AtomicInteger());
          });
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> load = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int offset = t;
        Thread th =
            new Thread(
                () -> {
                  try (TroupeClient c =
                      TroupeClient.builder()
                          .targets(cluster.targets())
                          .deadline(Duration.ofSeconds(20))
                          .build()) {
                    for (int i = offset; running.get(); i += 2) {
                      String id = ids.get(i % ids.size());
                      attempted.get(id).incrementAndGet();
                      try {
                        c.send(id, "1");
                        acked.get(id).incrementAndGet();
                      } catch (RuntimeException e) {
                        // not acknowledged: it may or may not have run once
                      }
                    }
                  }
                });
        th.start();
        load.add(th);
      }
      awaitAcked(acked, 30);

      Map<String, Integer> load0 = new HashMap<>();
      homes.values().forEach(n -> load0.merge(n, 1, Integer::sum));
      String busiest =
          load0.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      NodeProcesses.Node killed =
          cluster.nodes.stream().filter(n -> n.name().equals(busiest)).findFirst().orElseThrow();
      killed.process().destroyForcibly();
      killed.process().waitFor();
      awaitAcked(acked, 60);
      cluster.restart(killed, 1);
      cluster.awaitFormed(); // all three again before the next failure
      awaitAcked(acked, 60);

      NodeProcesses.Node hung =
          cluster.nodes.stream().filter(n -> !n.name().equals(busiest)).findFirst().orElseThrow();
      NodeProcesses.Node steady =
          cluster.nodes.stream()
              .filter(n -> !n.name().equals(busiest) && n != hung)
              .findFirst()
              .orElseThrow();
      signal("STOP", hung.process().pid());
      awaitAcked(acked, 60);
      signal("CONT", hung.process().pid());
      awaitAcked(acked, 60);
      running.set(false);
      for (Thread th : load) {
        th.join(60_000);
      }

      try (TroupeClient c =
          TroupeClient.builder().target(steady.target()).deadline(Duration.ofSeconds(60)).build()) {
        for (String id : ids) {
          int total = Integer.parseInt(c.request(id, "\"total?\"").replaceAll("[^0-9]", ""));
          assertThat(total)
              .as(
                  "%s: acknowledged %d, attempted %d",
                  id, acked.get(id).get(), attempted.get(id).get())
              .isBetween(acked.get(id).get(), attempted.get(id).get());
          var v = c.verify(id);
          assertThat(v.getValid()).as(v.getProblem()).isTrue();
          long epoch = -1;
          for (ChainEvent e : c.chain(id)) {
            if (e.getType().equals("actor.moved")) {
              JsonNode data = JSON.readTree(e.getData().toStringUtf8());
              assertThat(data.get("epoch").asLong()).isGreaterThan(epoch);
              epoch = data.get("epoch").asLong();
            }
          }
          assertThat(c.describe(id).getEpoch()).isEqualTo(Math.max(0, epoch));
        }
      }
    }
  }

  /** Waits until every counter got {@code more} acknowledged sends beyond what it has now. */
  private static void awaitAcked(Map<String, AtomicInteger> acked, int more) throws Exception {
    Map<String, Integer> base = new HashMap<>();
    acked.forEach((k, v) -> base.put(k, v.get()));
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (acked.entrySet().stream()
        .anyMatch(e -> e.getValue().get() < base.get(e.getKey()) + more)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the load made no progress in 120 s: " + acked);
      }
      Thread.sleep(50); // polling counters the load threads move
    }
  }

  private static void signal(String sig, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    assertThat(p.waitFor()).isZero();
  }
}
