package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.client.sdk.TroupeClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a real node process: every actor whose home it was is served again by a survivor, from
 * its acknowledged state, in a new epoch, with a verifiable chain.
 */
class FailoverIT {
  @Test
  void killingAHomeMovesItsActorsToSurvivorsWithNothingAcknowledgedLost() throws Exception {
    try (NodeProcesses cluster = NodeProcesses.start(3);
        TroupeClient client =
            TroupeClient.builder()
                .targets(cluster.targets())
                .deadline(Duration.ofSeconds(60))
                .build()) {
      Map<String, String> homes = new HashMap<>();
      Map<String, Integer> totals = new HashMap<>();
      for (int i = 0; i < 9; i++) {
        String id = "c" + i;
        client.start(Launcher.REPO.resolve("examples/counter/counter.toml"), id);
        for (int k = 1; k <= 5; k++) {
          client.send(id, Integer.toString(k * (i + 1)));
        }
        totals.put(id, 15 * (i + 1));
        homes.put(id, client.describe(id).getNode());
      }
      // the busiest node dies without a word
      Map<String, Integer> load = new HashMap<>();
      homes.values().forEach(n -> load.merge(n, 1, Integer::sum));
      String victim =
          load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      List<String> moved = new ArrayList<>();
      homes.forEach(
          (id, node) -> {
            if (node.equals(victim)) {
              moved.add(id);
            }
          });
      NodeProcesses.Node dead =
          cluster.nodes.stream().filter(n -> n.name().equals(victim)).findFirst().orElseThrow();
      List<String> survivors =
          cluster.nodes.stream().filter(n -> n != dead).map(NodeProcesses.Node::target).toList();
      long killed = System.nanoTime();
      dead.process().destroyForcibly(); // SIGKILL
      try (TroupeClient after =
          TroupeClient.builder().targets(survivors).deadline(Duration.ofSeconds(60)).build()) {
        String first = moved.get(0);
        assertThat(after.request(first, "\"total?\"")).isEqualTo(totals.get(first).toString());
        long servedMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf(
            "failover: kill -9 of %s to first served request: %d ms%n", victim, servedMs);
        for (String id : homes.keySet()) {
          assertThat(after.request(id, "\"total?\"")).as(id).isEqualTo(totals.get(id).toString());
          var d = after.describe(id);
          assertThat(d.getNode()).isNotEqualTo(victim);
          assertThat(d.getEpoch()).isEqualTo(moved.contains(id) ? 1 : 0);
          var v = after.verify(id);
          assertThat(v.getValid()).as(v.getProblem()).isTrue();
        }
        // the moved actors go on taking messages
        after.send(first, "1");
        assertThat(after.request(first, "\"total?\""))
            .isEqualTo(Integer.toString(totals.get(first) + 1));
      }
    }
  }

  @Test
  void aHungNodeIsRemovedItsActorsMoveAndWhenItWakesItsCopiesDoNotWrite() throws Exception {
    try (NodeProcesses cluster = NodeProcesses.start(3);
        TroupeClient client =
            TroupeClient.builder()
                .targets(cluster.targets())
                .deadline(Duration.ofSeconds(60))
                .build()) {
      Map<String, String> homes = new HashMap<>();
      for (int i = 0; i < 9; i++) {
        String id = "h" + i;
        client.start(Launcher.REPO.resolve("examples/counter/counter.toml"), id);
        client.send(id, "10");
        homes.put(id, client.describe(id).getNode());
      }
      NodeProcesses.Node hung = cluster.nodes.get(0);
      String onHung =
          homes.entrySet().stream()
              .filter(e -> e.getValue().equals(hung.name()))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(null);
      List<String> others =
          cluster.nodes.stream().filter(n -> n != hung).map(NodeProcesses.Node::target).toList();
      signal("STOP", hung.process().pid());
      long stopped = System.nanoTime();
      try (TroupeClient survivors =
          TroupeClient.builder().targets(others).deadline(Duration.ofSeconds(60)).build()) {
        if (onHung != null) {
          assertThat(survivors.request(onHung, "\"total?\"")).isEqualTo("10");
          System.out.printf(
              "failover: SIGSTOP of %s to first served request: %d ms%n",
              hung.name(), (System.nanoTime() - stopped) / 1_000_000);
          survivors.send(onHung, "1");
        }
        signal("CONT", hung.process().pid());
        // the woken node lost its actors: whatever it still holds cannot write; the cluster's
        // record goes on from the survivors' copies only
        for (String id : homes.keySet()) {
          String expected = id.equals(onHung) ? "11" : "10";
          assertThat(survivors.request(id, "\"total?\"")).as(id).isEqualTo(expected);
          var v = survivors.verify(id);
          assertThat(v.getValid()).as(v.getProblem()).isTrue();
          var d = survivors.describe(id);
          if (homes.get(id).equals(hung.name())) {
            assertThat(d.getNode()).isNotEqualTo(hung.name());
            assertThat(d.getEpoch()).isGreaterThanOrEqualTo(1);
          }
        }
      }
    }
  }

  private static void signal(String sig, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    assertThat(p.waitFor()).isZero();
  }
}
