package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.client.sdk.TroupeClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The failover benchmark, behind a flag ({@code -Dtroupe.soak=true}, rounds from {@code
 * -Dtroupe.soak.rounds}, default 10): kill -9 the busiest node, time until its actor is served
 * again, start the node again, repeat. Writes p50 and max to target/failover-bench.txt.
 */
@EnabledIfSystemProperty(named = "troupe.soak", matches = "true")
class FailoverSoakIT {
  @Test
  void repeatedKillsOfTheBusiestNode() throws Exception {
    int rounds = Integer.getInteger("troupe.soak.rounds", 10);
    List<Long> times = new ArrayList<>();
    try (NodeProcesses cluster = NodeProcesses.start(3)) {
      Map<String, Integer> totals = new HashMap<>();
      try (TroupeClient client =
          TroupeClient.builder()
              .targets(cluster.targets())
              .deadline(Duration.ofSeconds(60))
              .build()) {
        for (int i = 0; i < 12; i++) {
          client.start(Launcher.REPO.resolve("examples/counter/counter.toml"), "s" + i);
          totals.put("s" + i, 0);
        }
      }
      for (int round = 1; round <= rounds; round++) {
        try (TroupeClient client =
            TroupeClient.builder()
                .targets(cluster.targets())
                .deadline(Duration.ofSeconds(60))
                .build()) {
          Map<String, List<String>> byNode = new HashMap<>();
          for (String id : totals.keySet()) {
            client.send(id, "1");
            totals.merge(id, 1, Integer::sum);
            byNode.computeIfAbsent(client.describe(id).getNode(), k -> new ArrayList<>()).add(id);
          }
          String victim =
              byNode.entrySet().stream()
                  .max(Map.Entry.comparingByValue((a, b) -> a.size() - b.size()))
                  .orElseThrow()
                  .getKey();
          NodeProcesses.Node dead =
              cluster.nodes.stream().filter(n -> n.name().equals(victim)).findFirst().orElseThrow();
          List<String> others =
              cluster.nodes.stream()
                  .filter(n -> n != dead)
                  .map(NodeProcesses.Node::target)
                  .toList();
          String probe = byNode.get(victim).get(0);
          long t0 = System.nanoTime();
          dead.process().destroyForcibly();
          try (TroupeClient survivors =
              TroupeClient.builder().targets(others).deadline(Duration.ofSeconds(60)).build()) {
            assertThat(survivors.request(probe, "\"total?\""))
                .isEqualTo(totals.get(probe).toString());
            times.add((System.nanoTime() - t0) / 1_000_000);
            for (String id : totals.keySet()) {
              assertThat(survivors.request(id, "\"total?\"")).isEqualTo(totals.get(id).toString());
            }
          }
          dead.process().waitFor();
          cluster.restart(dead, round);
          System.out.printf(
              "failover round %d: %d ms (killed %s)%n", round, times.get(times.size() - 1), victim);
        }
      }
    }
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    String summary =
        String.format(
            "kill -9 to first served request over %d rounds: p50 %d ms, max %d ms; all: %s%n",
            sorted.size(),
            sorted.get((sorted.size() - 1) / 2),
            sorted.get(sorted.size() - 1),
            times);
    System.out.print(summary);
    Files.writeString(Path.of("target", "failover-bench.txt"), summary);
  }
}
