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
import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.StopActorRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.sink.SinkConfig;
import io.troupe.testing.ChainAssert;
import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with a JSON-lines chain sink: each actor's file is its exported chain, event for event,
 * and goes on across a restart of the node without duplicates or gaps.
 */
class ChainSinkNodeTest {
  @TempDir Path data;
  @TempDir Path sinkDir;
  final List<TroupeNode> nodes = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();

  TroupeNode start() {
    TroupeNode n =
        TroupeNode.start(
            NodeConfig.builder()
                .name("solo")
                .clusterName("sink-" + data.getFileName())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .dataDir(data)
                .sink(SinkConfig.jsonl(sinkDir))
                .build());
    nodes.add(n);
    return n;
  }

  TroupeGrpc.TroupeBlockingStub client(TroupeNode n) {
    ManagedChannel c =
        Grpc.newChannelBuilder(n.grpcAddress(), InsecureChannelCredentials.create()).build();
    channels.add(c);
    return TroupeGrpc.newBlockingStub(c);
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    nodes.forEach(TroupeNode::close);
  }

  @Test
  void eachActorsFileIsItsChainAndGoesOnAcrossARestart() throws IOException {
    TroupeNode first = start();
    var api = client(first);
    api.startActor(startRequest("counter/counter.toml", "counter"));
    for (int i = 1; i <= 20; i++) {
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    api.startActor(startRequest("kv-store/kv-store.toml", "kv"));
    api.stopActor(StopActorRequest.newBuilder().setId("kv").setReason("done").build());
    awaitFileIsChain(api, "counter");
    List<ChainEvent> kv = awaitFileIsChain(api, "kv");
    assertThat(kv.get(kv.size() - 1).type()).isEqualTo("actor.stopped");
    long before = read("counter").size();
    first.close();

    TroupeNode second = start();
    var again = client(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.system().find(ActorId.of("counter")).isPresent());
    for (int i = 1; i <= 10; i++) {
      again.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    assertThat(request(again, "counter", "\"total?\"")).isEqualTo("30");
    List<ChainEvent> chain = awaitFileIsChain(again, "counter");
    assertThat(chain.get((int) before).type()).isEqualTo("actor.moved");
    assertThat(read("kv")).isEqualTo(ClusterTest.chain(again, "kv"));
  }

  /** Waits until actor {@code id}'s file holds its whole chain, and checks it is that chain. */
  private List<ChainEvent> awaitFileIsChain(TroupeGrpc.TroupeBlockingStub api, String id)
      throws IOException {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> read(id).size() >= ClusterTest.chain(api, id).size());
    List<ChainEvent> chain = ClusterTest.chain(api, id);
    List<ChainEvent> file = read(id);
    assertThat(file).isEqualTo(chain); // each event once, in order
    ChainAssert.assertThatChain(file).verifies();
    return file;
  }

  private List<ChainEvent> read(String id) throws IOException {
    Path f = sinkDir.resolve(id + ".jsonl");
    if (!Files.exists(f)) {
      return List.of();
    }
    try (Reader r = Files.newBufferedReader(f)) {
      return ChainCodec.read(r);
    }
  }
}
