package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.cluster.StateSnapshot;
import io.troupe.proto.v1.SendRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An acknowledged message's events are on the backup: they survive the abrupt loss of the home. */
class ReplicationTest {
  @Test
  void everyAcknowledgedEventSurvivesTheHomeMemberDyingAbruptly() {
    try (TestCluster cluster = TestCluster.start(3, b -> b)) {
      ClusterTest.cluster = cluster; // for idOn
      String id = ClusterTest.idOn(1, "survivor");
      var client = cluster.client(0);
      client.startActor(ClusterTest.startRequest("counter/counter.toml", id));
      for (int i = 1; i <= 20; i++) {
        client.send(SendRequest.newBuilder().setId(id).setMessageJson(json("" + i)).build());
      }
      List<ChainEvent> acknowledged = cluster.node(1).system().get(ActorId.of(id)).chain();
      long committed = cluster.node(1).system().get(ActorId.of(id)).committedLength();
      assertThat(committed).isEqualTo(acknowledged.size());

      // no graceful leave, no migration: only the backup replica still has the record
      cluster.node(1).hazelcast().getLifecycleService().terminate();
      TroupeNode survivor = cluster.node(0);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  survivor.hazelcast().getCluster().getMembers().size() == 2
                      && survivor.hazelcast().getPartitionService().isClusterSafe());
      List<ChainEvent> replicated = survivor.records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
      assertThat(replicated).isEqualTo(acknowledged);
      assertThat(ChainVerifier.verify(replicated).valid()).isTrue();
      StateSnapshot state = survivor.records().state(ActorId.of(id));
      assertThat(new String(state.state())).isEqualTo("{\"count\":210}");
      assertThat(state.seq()).isEqualTo(acknowledged.size());
    } finally {
      ClusterTest.cluster = null;
    }
  }
}
