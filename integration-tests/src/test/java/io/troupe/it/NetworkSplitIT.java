package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.client.sdk.TroupeClientException;
import io.troupe.proto.v1.ChainEvent;
import io.troupe.proto.v1.ClusterStatusResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A real network split: three node processes with the default quorum (a majority of the three
 * members listed), each in a network namespace of its own; one is cut off from the other two (its
 * packets dropped, as a partitioned network does). The cut-off node is a minority: it stops its
 * actors and accepts no writes, while the majority takes its actors over and goes on. After
 * healing, the cluster is whole again and converges: one record per actor, every chain linear and
 * verifiable, epochs that only grew, every acknowledged send counted once.
 */
class NetworkSplitIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theMinorityStopsWritingAndTheClusterConvergesAfterHealing() throws Exception {
    assumeThat(NetworkNamespaces.available())
        .as("network namespaces need root and iproute2")
        .isTrue();
    try (NetworkNamespaces net = NetworkNamespaces.create(3);
        NodeProcesses cluster = NodeProcesses.startIn(net)) {
      NodeProcesses.Node minority = cluster.nodes.get(2);
      List<String> majorityTargets = List.of(cluster.targets().get(0), cluster.targets().get(1));
      Map<String, Integer> acked = new HashMap<>();
      Map<String, Integer> attempted = new HashMap<>();
      List<String> ids = new ArrayList<>();
      String cutOffActor = null;

      try (TroupeClient all =
          TroupeClient.builder()
              .targets(cluster.targets())
              .deadline(Duration.ofSeconds(60))
              .build()) {
        // a counter at home on every node
        Set<String> homes = new HashSet<>();
        for (int i = 0; homes.size() < 3 && i < 60; i++) {
          String id = "split-" + i;
          all.start(Launcher.REPO.resolve("examples/counter/counter.toml"), id);
          String home = all.describe(id).getNode();
          if (homes.add(home)) {
            ids.add(id);
            if (home.equals(minority.name())) {
              cutOffActor = id;
            }
          }
        }
        assertThat(homes).hasSize(3);
        for (String id : ids) {
          for (int k = 0; k < 5; k++) {
            all.send(id, "1");
          }
          acked.put(id, 5);
          attempted.put(id, 5);
        }
      }

      net.cut(net.hosts().get(2));

      // the minority side: once it sees it is alone, it refuses every write, and serves no actor
      try (TroupeClient alone =
          TroupeClient.builder()
              .target(minority.target())
              .deadline(Duration.ofSeconds(2))
              .build()) {
        await("the cut-off node notices it lost the quorum")
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> !alone.clusterStatus().getQuorumPresent());
        assertThat(alone.clusterStatus().getMembersCount()).isEqualTo(1);
        for (String id : ids) {
          for (int k = 0; k < 2; k++) {
            attempted.merge(id, 1, Integer::sum);
            try {
              alone.send(id, "1");
              throw new AssertionError("the minority accepted a write to " + id);
            } catch (TroupeClientException e) {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(Status.Code.UNAVAILABLE);
            }
          }
        }
      }

      // the majority side: takes the cut-off node's actor over and serves every actor
      try (TroupeClient majority =
          TroupeClient.builder()
              .targets(majorityTargets)
              .deadline(Duration.ofSeconds(60))
              .build()) {
        for (String id : ids) {
          for (int k = 0; k < 5; k++) {
            attempted.merge(id, 1, Integer::sum);
            majority.send(id, "1");
            acked.merge(id, 1, Integer::sum);
          }
          assertThat(majority.describe(id).getNode()).isNotEqualTo(minority.name());
        }
        assertThat(majority.describe(cutOffActor).getEpoch()).isGreaterThanOrEqualTo(1);
        ClusterStatusResponse status = majority.clusterStatus();
        assertThat(status.getMembersCount()).isEqualTo(2);
        assertThat(status.getQuorumPresent()).isTrue();
      }

      net.heal(net.hosts().get(2));

      try (TroupeClient all =
              TroupeClient.builder()
                  .targets(cluster.targets())
                  .deadline(Duration.ofSeconds(60))
                  .build();
          TroupeClient rejoined =
              TroupeClient.builder()
                  .target(minority.target())
                  .deadline(Duration.ofSeconds(10))
                  .build()) {
        await("the cut-off node rejoins after healing")
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(
                () -> {
                  ClusterStatusResponse s = rejoined.clusterStatus();
                  return s.getMembersCount() == 3 && s.getQuorumPresent();
                });
        // the healed node serves every actor again, wherever it lives
        for (String id : ids) {
          attempted.merge(id, 1, Integer::sum);
          rejoined.send(id, "1");
          acked.merge(id, 1, Integer::sum);
        }
        // after healing, partitions (and with them actors) move back to the healed node: wait
        // until every actor runs, in the epoch of its last actor.moved, and every node agrees
        await("the cluster converges after healing")
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(() -> ids.stream().allMatch(id -> settled(all, rejoined, id)));
        for (String id : ids) {
          int total = Integer.parseInt(all.request(id, "\"total?\"").replaceAll("[^0-9]", ""));
          assertThat(total)
              .as("%s: acknowledged %d, attempted %d", id, acked.get(id), attempted.get(id))
              .isBetween(acked.get(id), attempted.get(id));
          var v = all.verify(id);
          assertThat(v.getValid()).as(v.getProblem()).isTrue();
          long epoch = -1;
          long seq = -1;
          for (ChainEvent e : all.chain(id)) {
            assertThat(e.getSeq()).isEqualTo(seq + 1); // linear: one event per seq
            seq = e.getSeq();
            if (e.getType().equals("actor.moved")) {
              JsonNode data = JSON.readTree(e.getData().toStringUtf8());
              assertThat(data.get("epoch").asLong()).isGreaterThan(epoch);
              epoch = data.get("epoch").asLong();
            }
          }
          assertThat(all.describe(id).getEpoch()).isEqualTo(Math.max(0, epoch));
          // every node agrees on the record
          assertThat(rejoined.describe(id)).isEqualTo(all.describe(id));
        }
        // and it can be home to actors again
        boolean hosted = false;
        for (int i = 0; !hosted && i < 60; i++) {
          String id = "after-heal-" + i;
          rejoined.start(Launcher.REPO.resolve("examples/counter/counter.toml"), id);
          if (rejoined.describe(id).getNode().equals(minority.name())) {
            rejoined.send(id, "3");
            assertThat(all.request(id, "\"total?\"")).contains("3");
            hosted = true;
          }
        }
        assertThat(hosted).as("the healed node is home to a new actor").isTrue();
      }
    }
  }

  /** Whether actor {@code id} runs in the epoch its chain last moved to, the same on every node. */
  private static boolean settled(TroupeClient all, TroupeClient rejoined, String id) {
    var d = all.describe(id);
    long epoch = 0;
    for (ChainEvent e : all.chain(id)) {
      if (e.getType().equals("actor.moved")) {
        try {
          epoch = JSON.readTree(e.getData().toStringUtf8()).get("epoch").asLong();
        } catch (java.io.IOException bad) {
          throw new java.io.UncheckedIOException(bad);
        }
      }
    }
    return d.getStatus().equals("running")
        && d.getEpoch() == epoch
        && rejoined.describe(id).equals(all.describe(id));
  }
}
