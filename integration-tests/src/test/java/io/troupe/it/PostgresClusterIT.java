package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.client.sdk.TroupeClient;
import io.troupe.testing.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three real node processes keep their actors in one PostgreSQL database; all three are killed with
 * SIGKILL at once and started again: every actor runs again, with every acknowledged increment, and
 * every chain verifies.
 */
class PostgresClusterIT {
  private static final Path COUNTER = Launcher.REPO.resolve("examples/counter/counter.toml");

  @Test
  void threeNodesKilledAtOnceBringBackEveryActorWithEveryAcknowledgedIncrement() throws Exception {
    try (PostgresServer pg = PostgresServer.start();
        NodeProcesses cluster = NodeProcesses.start(3, pg.createDatabase("cluster"))) {
      Map<String, Integer> acked = new HashMap<>();
      List<String> ids = new ArrayList<>();
      try (TroupeClient c =
          TroupeClient.builder()
              .targets(cluster.targets())
              .deadline(Duration.ofSeconds(60))
              .build()) {
        for (int i = 0; i < 6; i++) {
          String id = "pg-counter-" + i;
          c.start(COUNTER, id);
          ids.add(id);
        }
        for (int round = 1; round <= 5; round++) {
          for (String id : ids) {
            c.send(id, Integer.toString(round));
            acked.merge(id, round, Integer::sum);
          }
        }
      }
      List<NodeProcesses.Node> dead = List.copyOf(cluster.nodes);
      for (NodeProcesses.Node n : dead) {
        n.process().destroyForcibly(); // SIGKILL, all at once
      }
      for (NodeProcesses.Node n : dead) {
        assertThat(n.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      for (NodeProcesses.Node n : dead) {
        cluster.restart(n, 1);
      }
      cluster.awaitFormed();
      try (TroupeClient c =
          TroupeClient.builder()
              .targets(cluster.targets())
              .deadline(Duration.ofSeconds(90))
              .build()) {
        for (String id : ids) {
          assertThat(c.request(id, "\"total?\"")).as(id).isEqualTo(acked.get(id).toString());
          assertThat(c.verify(id).getValid()).as("chain of " + id).isTrue();
          assertThat(c.chain(id).stream().filter(e -> e.getType().equals("actor.moved")))
              .as("the restart in the chain of " + id)
              .isNotEmpty();
        }
      }
    }
  }
}
