package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
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
import io.troupe.sink.SinkConfig;
import io.troupe.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with an OTLP chain sink, against a real OTLP/gRPC receiver: every committed event arrives
 * once as a log record with its actor, seq and type, across a receiver that refuses for a while and
 * a restart of the node (the cursor is in the node's store).
 */
class OtlpSinkNodeTest {
  @TempDir Path data;
  OtlpReceiver receiver;
  final List<TroupeNode> nodes = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void receiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  TroupeNode start() {
    TroupeNode n =
        TroupeNode.start(
            NodeConfig.builder()
                .name("solo")
                .clusterName("otlp-" + data.getFileName())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .dataDir(data)
                .sink(SinkConfig.otlp(receiver.endpoint()))
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
    receiver.close();
  }

  @Test
  void everyEventArrivesOnceAsALogRecordAcrossRefusalsAndARestart() {
    TroupeNode first = start();
    var api = client(first);
    receiver.refuse(3); // the collector is down for a moment
    api.startActor(startRequest("counter/counter.toml", "counter"));
    for (int i = 1; i <= 10; i++) {
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    awaitReceivedIsChain(api, "counter");
    first.close();

    TroupeNode second = start();
    var again = client(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.system().find(ActorId.of("counter")).isPresent());
    for (int i = 1; i <= 5; i++) {
      again.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    List<ChainEvent> chain = awaitReceivedIsChain(again, "counter");
    assertThat(chain).extracting(ChainEvent::type).contains("actor.moved");
  }

  private List<ChainEvent> awaitReceivedIsChain(TroupeGrpc.TroupeBlockingStub api, String id) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiver.of(id).size() >= ClusterTest.chain(api, id).size());
    List<ChainEvent> chain = ClusterTest.chain(api, id);
    List<OtlpReceiver.Received> got = receiver.of(id);
    assertThat(got)
        .extracting(OtlpReceiver.Received::seq)
        .containsExactlyElementsOf(chain.stream().map(ChainEvent::seq).toList());
    for (int i = 0; i < chain.size(); i++) {
      ChainEvent e = chain.get(i);
      OtlpReceiver.Received r = got.get(i);
      assertThat(r.attributes())
          .containsEntry("troupe.actor", id)
          .containsEntry("troupe.event.type", e.type())
          .containsEntry("troupe.event.hash", e.hash().toHex())
          .containsEntry("troupe.event.parent", e.parent().toHex());
      assertThat(r.body()).isEqualTo(e.dataAsString());
      assertThat(r.timeNanos()).isEqualTo(e.timestamp() * 1_000_000L);
    }
    return chain;
  }
}
