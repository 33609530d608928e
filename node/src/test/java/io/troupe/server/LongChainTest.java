package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.testing.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor with a million events, on three nodes sharing a real PostgreSQL server: its home holds
 * only what came since its last checkpoint, its takeover after the home dies takes no longer than
 * that of an actor with a handful of events, and its chain streams out and verifies event by event.
 */
class LongChainTest {
  private static final Logger log = LoggerFactory.getLogger(LongChainTest.class);
  private static final int EVENTS = 1_000_000;
  private static final int PER_SEND = 1_000; // host calls a send makes: 1,002 events a turn

  private static PostgresServer pg;

  @BeforeAll
  static void database() {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopDatabase() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aMillionEventsStayOffTheHeap_takeOverAsFastAsAFewAndStreamOut() throws Exception {
    String store = pg.createDatabase("longchain");
    try (TestCluster cluster = TestCluster.start(3, b -> b.store(store))) {
      ClusterTest.cluster = cluster; // for idOn
      String longId = ClusterTest.idOn(1, "long");
      String shortId = ClusterTest.idOn(1, "short");
      var api = cluster.client(0);
      api.startActor(chatty(longId));
      api.startActor(chatty(shortId));
      send(api, shortId, 1);

      long started = System.nanoTime();
      long length = cluster.node(1).records().require(ActorId.of(longId)).chainLength();
      long total = 0;
      while (length < EVENTS) { // a send adds PER_SEND + 2 events, and now and then a checkpoint
        send(api, longId, PER_SEND);
        total += PER_SEND;
        length += PER_SEND + 2;
      }
      long writeMs = (System.nanoTime() - started) / 1_000_000;
      var home = cluster.node(1).system().get(ActorId.of(longId));
      long recorded = cluster.node(1).records().require(ActorId.of(longId)).chainLength();
      assertThat(recorded).isGreaterThanOrEqualTo(EVENTS);
      // the home holds what came since the last checkpoint (at most a turn and a checkpoint's
      // worth), not the million before it
      await().atMost(Duration.ofSeconds(10)).until(() -> home.chain().size() <= 2 * (PER_SEND + 3));
      Runtime rt = Runtime.getRuntime();
      System.gc();
      log.info(
          "{} events in {} ms ({} events/s); heap used after GC {} MB for three nodes",
          recorded,
          writeMs,
          recorded * 1000 / Math.max(1, writeMs),
          (rt.totalMemory() - rt.freeMemory()) >> 20);

      // the home dies; both its actors are taken over by the survivors
      long killed = System.nanoTime();
      cluster.node(1).hazelcast().getLifecycleService().terminate();
      var longServed = CompletableFuture.supplyAsync(() -> firstServed(cluster, longId, killed));
      var shortServed = CompletableFuture.supplyAsync(() -> firstServed(cluster, shortId, killed));
      long longMs = longServed.get(60, TimeUnit.SECONDS);
      long shortMs = shortServed.get(60, TimeUnit.SECONDS);
      log.info(
          "kill to first served request: {} ms (1M events), {} ms (3 events)", longMs, shortMs);
      assertThat(longMs)
          .as("a takeover does not read the chain before the last checkpoint")
          .isLessThan(shortMs + 1_000);
      TroupeNode heir =
          cluster.node(0).system().find(ActorId.of(longId)).isPresent()
              ? cluster.node(0)
              : cluster.node(2);
      assertThat(heir.system().get(ActorId.of(longId)).chain().size())
          .isLessThanOrEqualTo(2 * (PER_SEND + 3));
      assertThat(request(cluster.client(2), longId)).isEqualTo(Long.toString(total));

      // the whole chain streams out of the store, checked event by event as it arrives
      long exportStarted = System.nanoTime();
      var verifier = ChainVerifier.streaming();
      long[] bytes = {0};
      cluster
          .client(2)
          .getChain(GetChainRequest.newBuilder().setId(longId).build())
          .forEachRemaining(
              e -> {
                bytes[0] += e.getData().size();
                verifier.accept(
                    new ChainEvent(
                        e.getActor(),
                        e.getSeq(),
                        EventHash.of(e.getParent().toByteArray()),
                        e.getType(),
                        e.getTimestamp(),
                        e.getData().toByteArray(),
                        EventHash.of(e.getHash().toByteArray())));
              });
      long exportMs = Math.max(1, (System.nanoTime() - exportStarted) / 1_000_000);
      var verification = verifier.result();
      assertThat(verification.valid()).as(verification.describe()).isTrue();
      assertThat(verification.eventCount()).isGreaterThan(recorded); // and the actor.moved after it
      log.info(
          "exported {} events ({} MB of data) in {} ms: {} MB/s",
          verification.eventCount(),
          bytes[0] >> 20,
          exportMs,
          (bytes[0] >> 20) * 1000 / exportMs);
    } finally {
      ClusterTest.cluster = null;
    }
  }

  /** Milliseconds from {@code since} until {@code id} answers a request through node 0 or 2. */
  private static long firstServed(TestCluster cluster, String id, long since) {
    var clients = new TroupeGrpc.TroupeBlockingStub[] {cluster.client(0), cluster.client(2)};
    for (int i = 0; ; i++) {
      try {
        request(clients[i % 2].withDeadlineAfter(2, TimeUnit.SECONDS), id);
        return (System.nanoTime() - since) / 1_000_000;
      } catch (StatusRuntimeException e) {
        if ((System.nanoTime() - since) > TimeUnit.SECONDS.toNanos(60)) {
          throw e;
        }
        Thread.onSpinWait();
      }
    }
  }

  private static String request(TroupeGrpc.TroupeBlockingStub c, String id) {
    return c.withDeadlineAfter(20, TimeUnit.SECONDS)
        .request(RequestRequest.newBuilder().setId(id).setMessageJson(json("\"total?\"")).build())
        .getResponseJson()
        .toStringUtf8();
  }

  private static void send(TroupeGrpc.TroupeBlockingStub api, String id, int n) {
    api.withDeadlineAfter(30, TimeUnit.SECONDS)
        .send(SendRequest.newBuilder().setId(id).setMessageJson(json(Integer.toString(n))).build());
  }

  /** The chatty actor: its send of n makes n self-id host calls, so n + 2 events a turn. */
  private static StartActorRequest chatty(String id) throws IOException {
    try (InputStream wat = LongChainTest.class.getResourceAsStream("/long-chain/chatty.wat")) {
      return StartActorRequest.newBuilder()
          .setId(id)
          .setManifestToml(
              """
              name = "chatty"
              module = "chatty.wat"
              init_state = { count = 0 }

              [[handler]]
              type = "runtime"
              """)
          .setModuleBytes(ByteString.copyFrom(wat.readAllBytes()))
          .build();
    }
  }
}
