package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.proto.v1.ActorDescription;
import io.troupe.proto.v1.DescribeActorRequest;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.TroupeGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * An acknowledged message's events are on the backup, so they survive the abrupt loss of the home;
 * the new owner of the actor's partition takes it over in a new epoch and it goes on serving.
 */
class FailoverTest {
  @Test
  void theHomeDiesAbruptlyAndTheActorGoesOnElsewhereWithEveryAcknowledgedEvent() {
    try (TestCluster cluster = TestCluster.start(3, b -> b)) {
      ClusterTest.cluster = cluster; // for idOn
      String id = ClusterTest.idOn(1, "survivor");
      var client = cluster.client(0);
      client.startActor(ClusterTest.startRequest("counter/counter.toml", id));
      for (int i = 1; i <= 20; i++) {
        client.send(
            SendRequest.newBuilder()
                .setId(id)
                .setMessageJson(json("" + i))
                .setMessageId("m-" + i)
                .build());
      }
      // a retry (same message id) is answered from the record, not run again
      client.send(
          SendRequest.newBuilder().setId(id).setMessageJson(json("5")).setMessageId("m-5").build());
      assertThat(ClusterTest.request(client, id, "\"total?\"")).isEqualTo("210");
      var home = cluster.node(1).system().get(ActorId.of(id));
      List<ChainEvent> acknowledged = home.chain();
      assertThat(home.committedLength()).isEqualTo(acknowledged.size());

      // no graceful leave, no migration: only the backup replica still has the record
      cluster.node(1).hazelcast().getLifecycleService().terminate();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  cluster.node(0).system().find(ActorId.of(id)).isPresent()
                      || cluster.node(2).system().find(ActorId.of(id)).isPresent());
      TroupeNode heir =
          cluster.node(0).system().find(ActorId.of(id)).isPresent()
              ? cluster.node(0)
              : cluster.node(2);
      assertThat(heir.homeOf(ActorId.of(id))).contains(heir.name());

      // it goes on from exactly the acknowledged chain, in a new epoch, with actor.moved recorded
      assertThat(ClusterTest.request(cluster.client(0), id, "\"total?\"")).isEqualTo("210");
      // a client retrying an acknowledged send after the move is answered from the record
      cluster
          .client(2)
          .send(
              SendRequest.newBuilder()
                  .setId(id)
                  .setMessageJson(json("20"))
                  .setMessageId("m-20")
                  .build());
      assertThat(ClusterTest.request(cluster.client(0), id, "\"total?\"")).isEqualTo("210");
      List<ChainEvent> chain = heir.records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
      assertThat(chain.subList(0, acknowledged.size())).isEqualTo(acknowledged);
      assertThat(chain.stream().filter(e -> e.dataAsString().contains("\"m-20\""))).hasSize(1);
      ChainEvent moved = chain.get(acknowledged.size());
      assertThat(moved.type()).isEqualTo("actor.moved");
      assertThat(moved.dataAsString())
          .contains("\"from_node\":\"n1\"", "\"node\":\"" + heir.name() + "\"");
      // epoch 1, or higher when a takeover write was refused (its backup was on the dead member,
      // so it could not be confirmed) and the takeover ran again: never a second actor.moved
      long epoch = ClusterTest.tree(moved.dataAsString()).get("epoch").asLong();
      assertThat(epoch).isGreaterThanOrEqualTo(1);
      assertThat(chain.stream().filter(e -> e.type().equals("actor.moved"))).hasSize(1);
      assertThat(ChainVerifier.verify(chain).valid()).isTrue();
      var d = cluster.client(2).describeActor(DescribeActorRequest.newBuilder().setId(id).build());
      assertThat(d.getNode()).isEqualTo(heir.name());
      assertThat(d.getEpoch()).isEqualTo(epoch);
      assertThat(new String(heir.records().state(ActorId.of(id)).state()))
          .isEqualTo("{\"count\":210}");

      // the dead home's member stopped: that node dropped its copy at once and serves nothing
      // (a copy that still runs, on a hung node, is fenced off: FailoverIT)
      assertThat(cluster.node(1).system().find(ActorId.of(id))).isEmpty();
      assertThat(ClusterTest.request(cluster.client(2), id, "\"total?\"")).isEqualTo("210");
    } finally {
      ClusterTest.cluster = null;
    }
  }

  @Test
  void aNodeThatLeavesCleanlyHandsItsActorsOffWithoutStoppingThem() {
    try (TestCluster cluster = TestCluster.start(3, b -> b)) {
      ClusterTest.cluster = cluster;
      String id = ClusterTest.idOn(2, "handoff");
      var client = cluster.client(0);
      client.startActor(ClusterTest.startRequest("counter/counter.toml", id));
      client.send(SendRequest.newBuilder().setId(id).setMessageJson(json("7")).build());

      cluster.node(2).close(); // SIGTERM's path: drain, hand off, leave
      // while it moves, callers get UNAVAILABLE and retry (as the SDK does)
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsMatching(
              e ->
                  e instanceof io.grpc.StatusRuntimeException s
                      && s.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE)
          .until(() -> ClusterTest.request(client, id, "\"total?\"").equals("7"));
      var d = client.describeActor(DescribeActorRequest.newBuilder().setId(id).build());
      assertThat(d.getNode()).isNotEqualTo("n2");
      assertThat(d.getEpoch()).isEqualTo(1);
      assertThat(d.getStatus()).isEqualTo("running");
      TroupeNode heir = cluster.byName(d.getNode());
      List<ChainEvent> chain = heir.records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
      assertThat(chain).extracting(ChainEvent::type).doesNotContain("actor.stopped");
      assertThat(chain).extracting(ChainEvent::type).contains("actor.moved");
      assertThat(ChainVerifier.verify(chain).valid()).isTrue();
    } finally {
      ClusterTest.cluster = null;
    }
  }

  /**
   * Timers are operations in the chain: when the home dies before they ring, the heir finds them
   * open and fires each when due, exactly once.
   */
  @Test
  void timersOfAnActorWhoseHomeDiesRingOnTheHeir() throws Exception {
    try (TestCluster cluster = TestCluster.start(3, b -> b)) {
      ClusterTest.cluster = cluster;
      String id = ClusterTest.idOn(1, "alarm");
      var client = cluster.client(0);
      client.startActor(ClusterTest.startRequest("alarm/alarm.toml", id));
      send(client, id, "50");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ClusterTest.tree(ClusterTest.request(client, id, "\"rings?\"")).size() == 1);
      send(client, id, "3000");
      send(client, id, "4000");
      cluster.node(1).hazelcast().getLifecycleService().terminate();

      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsMatching(
              e ->
                  e instanceof io.grpc.StatusRuntimeException s
                      && s.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE)
          .until(() -> ClusterTest.tree(ClusterTest.request(client, id, "\"rings?\"")).size() == 3);
      var d = client.describeActor(DescribeActorRequest.newBuilder().setId(id).build());
      TroupeNode heir = cluster.byName(d.getNode());
      List<ChainEvent> chain = heir.records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
      assertThat(ChainVerifier.verify(chain).valid()).isTrue();
      List<String> started = opIds(chain, "async.started");
      assertThat(started).hasSize(3);
      // every timer completed exactly once; the two that were running rang on the heir
      assertThat(opIds(chain, "async.completed")).containsExactlyInAnyOrderElementsOf(started);
      ChainEvent moved =
          chain.stream().filter(e -> e.type().equals("actor.moved")).findFirst().orElseThrow();
      var open = ClusterTest.tree(moved.dataAsString()).get("open_ops");
      assertThat(open).hasSize(2);
      assertThat(
              chain.stream()
                  .filter(e -> e.type().equals("async.completed"))
                  .filter(e -> e.seq() > moved.seq())
                  .map(e -> ClusterTest.tree(e.dataAsString()).get("node").asText()))
          .containsExactly(heir.name(), heir.name());
      var rings = ClusterTest.tree(ClusterTest.request(client, id, "\"rings?\""));
      assertThat(rings.findValues("Ok")).hasSize(3);
    } finally {
      ClusterTest.cluster = null;
    }
  }

  /**
   * A node joins: the partitions Hazelcast migrates to it take their actors along — each is handed
   * off by its home (drained, released) and taken over by the new owner — while a client keeps
   * sending, retrying with the same message id on UNAVAILABLE. Every send is counted exactly once.
   */
  @Test
  void aJoiningNodeGetsTheActorsOfThePartitionsThatMoveToIt() throws Exception {
    try (TestCluster cluster = TestCluster.start(2, b -> b)) {
      ClusterTest.cluster = cluster;
      var client = cluster.client(0);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        String id = "rebalance-" + i;
        client.startActor(ClusterTest.startRequest("counter/counter.toml", id));
        ids.add(id);
      }
      Map<String, AtomicInteger> acked = new ConcurrentHashMap<>();
      ids.forEach(id -> acked.put(id, new AtomicInteger()));
      AtomicBoolean running = new AtomicBoolean(true);
      var sender = cluster.client(1);
      var load =
          CompletableFuture.runAsync(
              () -> {
                for (int k = 0; running.get(); k++) {
                  String id = ids.get(k % ids.size());
                  var req =
                      SendRequest.newBuilder()
                          .setId(id)
                          .setMessageJson(json("1"))
                          .setMessageId("load-" + k)
                          .build();
                  while (true) {
                    try {
                      sender.withDeadlineAfter(20, TimeUnit.SECONDS).send(req);
                      acked.get(id).incrementAndGet();
                      break;
                    } catch (StatusRuntimeException e) {
                      if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                        throw e;
                      }
                      LockSupport.parkNanos(20_000_000); // the pace of a retrying client
                    }
                  }
                }
              });
      await().atMost(Duration.ofSeconds(30)).until(() -> acked.get(ids.get(29)).get() >= 2);

      TroupeNode joined = cluster.join();
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(
              () ->
                  ids.stream()
                      .allMatch(
                          id ->
                              describe(client, id)
                                  .getNode()
                                  .equals(joined.ownerOf(ActorId.of(id)).orElseThrow())));
      assertThat(ids.stream().filter(id -> describe(client, id).getNode().equals(joined.name())))
          .isNotEmpty();
      int before = acked.values().stream().mapToInt(AtomicInteger::get).sum();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> acked.values().stream().mapToInt(AtomicInteger::get).sum() >= before + 30);
      running.set(false);
      load.get(60, TimeUnit.SECONDS);

      for (String id : ids) {
        assertThat(ClusterTest.request(client, id, "\"total?\""))
            .as(id)
            .isEqualTo(Integer.toString(acked.get(id).get()));
        var d = describe(client, id);
        List<ChainEvent> chain =
            cluster.byName(d.getNode()).records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
        assertThat(ChainVerifier.verify(chain).valid()).isTrue();
        assertThat(chain).extracting(ChainEvent::type).doesNotContain("actor.stopped");
        if (d.getNode().equals(joined.name())) {
          assertThat(d.getEpoch()).isEqualTo(1);
          assertThat(chain.stream().filter(e -> e.type().equals("actor.moved")))
              .singleElement()
              .satisfies(e -> assertThat(e.dataAsString()).contains("handed it over"));
        }
      }
    } finally {
      ClusterTest.cluster = null;
    }
  }

  private static ActorDescription describe(TroupeGrpc.TroupeBlockingStub c, String id) {
    return c.describeActor(DescribeActorRequest.newBuilder().setId(id).build());
  }

  private static void send(
      io.troupe.proto.v1.TroupeGrpc.TroupeBlockingStub c, String id, String m) {
    c.send(SendRequest.newBuilder().setId(id).setMessageJson(json(m)).build());
  }

  private static List<String> opIds(List<ChainEvent> chain, String type) {
    return chain.stream()
        .filter(e -> e.type().equals(type))
        .map(e -> ClusterTest.tree(e.dataAsString()).get("op_id").asText())
        .toList();
  }
}
