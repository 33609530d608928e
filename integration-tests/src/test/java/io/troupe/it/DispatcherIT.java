package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.proto.v1.ChainEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher with real node processes: a burst of heavy operations from actors on one node runs
 * on every node; a worker node killed with SIGKILL in the middle loses none of them (they are
 * idempotent: placed again elsewhere), and each completes exactly once in its actor's chain.
 */
class DispatcherIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aWorkerKilledMidBurstLosesNoOperation() throws Exception {
    try (NodeProcesses cluster = NodeProcesses.start(3);
        TroupeClient client =
            TroupeClient.builder()
                .targets(cluster.targets())
                .deadline(Duration.ofSeconds(60))
                .build()) {
      NodeProcesses.Node home = cluster.nodes.get(0);
      List<String> ids = new ArrayList<>();
      for (int i = 0; ids.size() < 4 && i < 200; i++) {
        String id = "dh-" + i;
        client.start(Launcher.REPO.resolve("examples/hasher/hasher.toml"), id);
        if (client.describe(id).getNode().equals(home.name())) {
          ids.add(id);
        } else {
          client.stop(id);
        }
      }
      assertThat(ids).hasSize(4);
      int each = 6;
      for (int k = 0; k < each; k++) {
        for (String id : ids) {
          client.send(id, "[\"" + id + "-" + k + "\", 700000]");
        }
      }
      // a worker other than the actors' home, caught running some of the burst
      NodeProcesses.Node victim =
          await("a worker runs part of the burst")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(20))
              .ignoreExceptions()
              .until(
                  () ->
                      cluster.nodes.stream()
                          .filter(n -> n != home)
                          .filter(n -> depth(n) > 0)
                          .findFirst()
                          .orElse(null),
                  n -> n != null);
      victim.process().destroyForcibly();
      victim.process().waitFor();

      await("every operation's result arrives")
          .atMost(Duration.ofSeconds(180))
          .ignoreExceptions()
          .until(() -> ids.stream().allMatch(id -> results(client, id).size() == each));
      for (String id : ids) {
        results(client, id).forEach(r -> assertThat(r.get(1).has("Ok")).as(r.toString()).isTrue());
        var v = client.verify(id);
        assertThat(v.getValid()).as(v.getProblem()).isTrue();
        long completed = 0;
        for (ChainEvent e : client.chain(id)) {
          if (e.getType().equals("async.completed")) {
            completed++;
          }
        }
        assertThat(completed).as(id).isEqualTo(each);
      }
    }
  }

  /** The actor's list of results so far. */
  private static JsonNode results(TroupeClient c, String id) {
    try {
      return JSON.readTree(c.request(id, "\"results?\""));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The node's dispatcher queue depth, from its metrics endpoint. */
  private static double depth(NodeProcesses.Node n) {
    String metrics;
    try {
      metrics = n.metrics();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return metrics
        .lines()
        .filter(l -> l.startsWith("troupe_dispatch_queue_depth{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
