package io.troupe.server;

import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.testing.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** Real nodes in this JVM: each a Hazelcast member and a gRPC server on free loopback ports. */
final class TestCluster implements AutoCloseable {
  final List<TroupeNode> nodes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  private final List<Integer> hzPorts = new ArrayList<>();
  private java.util.function.BiFunction<Integer, NodeConfigBuilder, NodeConfigBuilder> tweak;

  static TestCluster start(int n, UnaryOperator<NodeConfigBuilder> tweak) {
    return start(n, (i, b) -> tweak.apply(b));
  }

  /** {@code tweak} gets each node's index too. */
  static TestCluster start(
      int n, java.util.function.BiFunction<Integer, NodeConfigBuilder, NodeConfigBuilder> tweak) {
    TestCluster c = new TestCluster();
    c.tweak = tweak;
    for (int i = 0; i < n; i++) {
      c.hzPorts.add(FreePorts.next());
    }
    List<CompletableFuture<TroupeNode>> starting = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeConfig config = c.config(i);
      starting.add(CompletableFuture.supplyAsync(() -> TroupeNode.start(config)));
    }
    RuntimeException failure = null;
    for (CompletableFuture<TroupeNode> f : starting) {
      try {
        c.nodes.add(f.join());
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      c.close();
      throw failure;
    }
    c.awaitFormed();
    return c;
  }

  private NodeConfig config(int i) {
    List<String> members = hzPorts.stream().map(p -> "127.0.0.1:" + p).toList();
    return tweak
        .apply(
            i,
            NodeConfig.builder()
                .name("n" + i)
                .clusterName("test-" + hzPorts.get(0))
                .grpcPort(0)
                .hzPort(hzPorts.get(i))
                .members(members)
                .store(NodeConfig.MEMORY))
        .build();
  }

  /** Starts one more node, which joins the cluster; returns once every node sees it and links. */
  TroupeNode join() {
    hzPorts.add(FreePorts.next());
    TroupeNode node = TroupeNode.start(config(hzPorts.size() - 1));
    nodes.add(node);
    awaitFormed();
    return node;
  }

  private void awaitFormed() {
    int n = nodes.size();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                nodes.stream()
                    .allMatch(
                        node ->
                            node.hazelcast().getCluster().getMembers().size() == n
                                && node.hazelcast().getPartitionService().isClusterSafe()
                                && node.hazelcast().getPartitionService().getPartitions().stream()
                                    .allMatch(p -> p.getOwner() != null)
                                && nodes.stream().allMatch(o -> node.linkedTo(o.name()))
                                // every peer's dispatcher load has arrived: work can go anywhere
                                && node.system().hosting().dispatcher().peersTakingWork()
                                    == n - 1));
  }

  TroupeNode node(int i) {
    return nodes.get(i);
  }

  TroupeNode byName(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  TroupeGrpc.TroupeBlockingStub client(int i) {
    ManagedChannel ch =
        Grpc.newChannelBuilder(nodes.get(i).grpcAddress(), InsecureChannelCredentials.create())
            .build();
    channels.add(ch);
    return TroupeGrpc.newBlockingStub(ch);
  }

  TroupeGrpc.TroupeStub asyncClient(int i) {
    ManagedChannel ch =
        Grpc.newChannelBuilder(nodes.get(i).grpcAddress(), InsecureChannelCredentials.create())
            .build();
    channels.add(ch);
    return TroupeGrpc.newStub(ch);
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (TroupeNode n : nodes) {
      closing.add(CompletableFuture.runAsync(n::close));
    }
    closing.forEach(
        f -> {
          try {
            f.join();
          } catch (RuntimeException e) {
            // keep closing the others
          }
        });
  }
}
