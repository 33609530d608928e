package io.troupe.benchmarks;

import io.troupe.actor.ActorId;
import io.troupe.server.NodeConfig;
import io.troupe.server.NodeConfigBuilder;
import io.troupe.server.TroupeNode;
import io.troupe.testing.FreePorts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** Nodes in this JVM for the benchmarks: started together, returned once they form a cluster. */
final class BenchCluster {
  private BenchCluster() {}

  /** {@code n} nodes named {@code prefix0..}, quorum a majority, each config passed to tweak. */
  static List<TroupeNode> start(int n, String prefix, UnaryOperator<NodeConfigBuilder> tweak)
      throws InterruptedException {
    List<Integer> hz = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hz.add(FreePorts.next());
    }
    List<String> members = hz.stream().map(p -> "127.0.0.1:" + p).toList();
    List<CompletableFuture<TroupeNode>> starting = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeConfig c =
          tweak
              .apply(
                  NodeConfig.builder()
                      .name(prefix + i)
                      .clusterName(prefix + "-" + hz.get(0))
                      .grpcPort(0)
                      .hzPort(hz.get(i))
                      .members(members)
                      .quorum(n / 2 + 1)
                      .store(NodeConfig.MEMORY))
              .build();
      starting.add(CompletableFuture.supplyAsync(() -> TroupeNode.start(c)));
    }
    List<TroupeNode> nodes = starting.stream().map(CompletableFuture::join).toList();
    while (nodes.stream()
        .anyMatch(
            x ->
                x.hazelcast().getCluster().getMembers().size() < n
                    || !x.hazelcast().getPartitionService().isClusterSafe()
                    || !x.members().quorum())) {
      Thread.sleep(100); // waiting for the cluster to form before measuring
    }
    return nodes;
  }

  /** An id whose home (its partition's owner) is node {@code home}. */
  static String idHomedOn(TroupeNode any, String home, String prefix) {
    for (int i = 0; ; i++) {
      String id = prefix + "-" + i;
      if (any.ownerOf(ActorId.of(id)).orElseThrow().equals(home)) {
        return id;
      }
    }
  }
}
