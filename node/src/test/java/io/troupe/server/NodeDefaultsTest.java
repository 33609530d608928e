package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
import static io.troupe.server.ClusterTest.request;
import static io.troupe.server.ClusterTest.startRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.testing.ChainAssert;
import io.troupe.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real nodes started with settings of the node config that reach into Hazelcast and actors. */
class NodeDefaultsTest {
  @TempDir Path data;

  /**
   * Hazelcast's Kubernetes discovery in DNS lookup mode, pointed at a name this machine resolves:
   * the node finds itself through it, forms its cluster and serves.
   */
  @Test
  void aNodeFindsItsMembersThroughAKubernetesServiceDnsName() {
    try (TroupeNode node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("k8s-0")
                .clusterName("k8s-" + data.getFileName())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .kubernetesDns("localhost")
                .expectedMembers(1)
                .store(NodeConfig.MEMORY)
                .build())) {
      var join = node.hazelcast().getConfig().getNetworkConfig().getJoin();
      assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
      assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
      await().atMost(Duration.ofSeconds(30)).until(() -> node.members().quorum());
      ManagedChannel channel =
          Grpc.newChannelBuilder(node.grpcAddress(), InsecureChannelCredentials.create()).build();
      try {
        var api = TroupeGrpc.newBlockingStub(channel);
        api.startActor(startRequest("counter/counter.toml", "counter"));
        api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("4")).build());
        assertThat(request(api, "counter", "\"total?\"")).isEqualTo("4");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /** {@code checkpoint_events} of the node applies to a manifest that does not set its own. */
  @Test
  void theNodesCheckpointSettingsApplyToManifestsThatLeaveThemAtTheirDefaults() {
    try (TroupeNode node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("solo")
                .clusterName("defaults-" + data.getFileName())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .dataDir(data)
                .checkpoints(100, 1 << 20)
                .build())) {
      ManagedChannel channel =
          Grpc.newChannelBuilder(node.grpcAddress(), InsecureChannelCredentials.create()).build();
      try {
        var api = TroupeGrpc.newBlockingStub(channel);
        api.startActor(startRequest("counter/counter.toml", "counter")); // no [chain] table
        for (int i = 0; i < 100; i++) { // 3 events a send
          api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
        }
        var handle = node.system().get(ActorId.of("counter"));
        await().atMost(Duration.ofSeconds(10)).until(() -> handle.chain().size() < 110);
        List<ChainEvent> whole = ClusterTest.chain(api, "counter");
        assertThat(whole).hasSizeGreaterThan(300);
        long checkpoints = whole.stream().filter(e -> e.type().equals("actor.checkpoint")).count();
        assertThat(checkpoints).isBetween(2L, 3L); // every 100 events, not every 1,000
        ChainAssert.assertThatChain(whole).verifies();
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
