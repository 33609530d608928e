package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
import static io.troupe.server.ClusterTest.request;
import static io.troupe.server.ClusterTest.startRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.testing.ChainAssert;
import io.troupe.testing.FreePorts;
import io.troupe.testing.PostgresServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose store (a real PostgreSQL server) goes away while it runs: nothing is acknowledged
 * while the store cannot write, and the actors carry on from what it holds once it is back.
 */
class StoreOutageTest {
  private PostgresServer pg;
  private TroupeNode node;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    pg = PostgresServer.start();
    node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("solo")
                .clusterName("outage")
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .store(pg.createDatabase("outage"))
                .build());
    channel =
        Grpc.newChannelBuilder(node.grpcAddress(), InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (node != null) {
      node.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void writesFailAsUnavailableWhileTheStoreIsGoneAndActorsCarryOnWhenItReturns() {
    var api = TroupeGrpc.newBlockingStub(channel);
    api.startActor(startRequest("counter/counter.toml", "counter"));
    for (int i = 0; i < 5; i++) {
      send(api, "before-" + i);
    }

    pg.crash();
    int acknowledged = 5;
    try {
      StatusRuntimeException refused = null;
      for (int i = 0; refused == null && i < 100; i++) {
        try {
          send(api, "during-" + i);
          acknowledged++; // only before the node noticed
        } catch (StatusRuntimeException e) {
          refused = e;
        }
      }
      assertThat(refused).isNotNull();
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      pg.restart();
    }

    // the node takes the actor back from the store by itself; sends go through again
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsMatching(
            e ->
                e instanceof StatusRuntimeException s
                    && s.getStatus().getCode() == Status.Code.UNAVAILABLE)
        .until(
            () -> {
              send(api, "after");
              return true;
            });
    acknowledged++;
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo(String.valueOf(acknowledged));
    ChainAssert.assertThatChain(ClusterTest.chain(api, "counter")).verifies();
  }

  private static void send(TroupeGrpc.TroupeBlockingStub api, String messageId) {
    api.withDeadlineAfter(20, TimeUnit.SECONDS)
        .send(
            SendRequest.newBuilder()
                .setId("counter")
                .setMessageJson(json("1"))
                .setMessageId(messageId)
                .build());
  }
}
