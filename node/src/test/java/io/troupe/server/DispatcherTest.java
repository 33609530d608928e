package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.Sha256;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.TroupeGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher with real nodes: a burst of heavy operations ({@code compute.sha256}) from actors
 * that all live on one node is spread over every node, and a worker node that dies mid-burst loses
 * none of them (they are idempotent, so they run again elsewhere).
 */
class DispatcherTest {
  static final int ROUNDS = 100_000;

  @Test
  void aBurstFromOneNodeIsSpreadOverTheCluster() throws Exception {
    try (TestCluster cluster = TestCluster.start(3, b -> b.httpPort(0))) {
      ClusterTest.cluster = cluster;
      List<String> ids = hashersOn(cluster, 0, 4);
      Map<String, Long> before = ran(cluster);
      burst(cluster.client(0), ids, 12, ROUNDS);
      awaitResults(cluster.client(1), ids, 12);
      Map<String, Long> after = ran(cluster);
      for (TroupeNode n : cluster.nodes) {
        long here = after.get(n.name()) - before.get(n.name());
        assertThat(here).as("operations run on %s (of 48): %s", n.name(), after).isGreaterThan(4);
      }
      assertThat(
              after.values().stream().mapToLong(Long::longValue).sum()
                  - before.values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(48);
      checkChains(cluster, ids, 12, ROUNDS);
      // each node's metrics endpoint tells the same story
      long placed = 0;
      for (TroupeNode n : cluster.nodes) {
        String metrics = scrape(n);
        assertThat(sum(metrics, "troupe_dispatch_run_seconds_count", "kind=\"compute.sha256\""))
            .as(n.name())
            .isEqualTo(after.get(n.name()));
        assertThat(metrics).contains("troupe_dispatch_queue_depth{", "troupe_actors{");
        placed +=
            sum(
                scrape(cluster.node(0)),
                "troupe_dispatch_placed_total",
                "node=\"" + n.name() + "\"");
      }
      assertThat(placed).isEqualTo(48);
    } finally {
      ClusterTest.cluster = null;
    }
  }

  static String scrape(TroupeNode n) throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://" + n.httpAddress().orElseThrow() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The sum of the samples of {@code metric} whose labels contain {@code label}. */
  static long sum(String metrics, String metric, String label) {
    return (long)
        metrics
            .lines()
            .filter(l -> l.startsWith(metric + "{") && l.contains(label))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .sum();
  }

  @Test
  void aWorkerThatDiesMidBurstLosesNoOperation() {
    try (TestCluster cluster = TestCluster.start(3, b -> b)) {
      ClusterTest.cluster = cluster;
      List<String> ids = hashersOn(cluster, 0, 4);
      // operations long enough (about a second each here) to be caught running
      int rounds = 1_000_000;
      burst(cluster.client(0), ids, 6, rounds);
      TroupeNode worker = cluster.node(2);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> worker.system().hosting().dispatcher().pool().depth() > 0);
      worker.hazelcast().getLifecycleService().terminate();
      awaitResults(cluster.client(1), ids, 6);
      long retried = cluster.node(0).system().hosting().dispatcher().retried();
      assertThat(retried).isPositive();
      checkChains(cluster, ids, 6, rounds);
      // each retried operation's chain names its new worker (one whose result came first does not)
      List<JsonNode> placed =
          ids.stream()
              .flatMap(
                  id -> cluster.node(0).records().chain(ActorId.of(id), 0, Long.MAX_VALUE).stream())
              .filter(e -> e.type().equals("async.placed"))
              .map(e -> ClusterTest.tree(e.dataAsString()))
              .toList();
      assertThat(placed).isNotEmpty().hasSizeLessThanOrEqualTo((int) retried);
      placed.forEach(
          p -> {
            assertThat(p.get("previous").asText()).isEqualTo(worker.name());
            assertThat(p.get("worker").asText()).isIn("n0", "n1");
          });
    } finally {
      ClusterTest.cluster = null;
    }
  }

  /**
   * The actor's home dies while its operation runs on another node: the heir finds the operation
   * open with a live worker and waits for it; the worker sends the result to the heir. It ran once.
   */
  @Test
  void anActorThatMovesWhileItsOperationRunsStillGetsTheResult() {
    // node 1 has one worker slot, so what its actors dispatch goes to the others
    try (TestCluster cluster = TestCluster.start(3, (i, b) -> i == 1 ? b.workerSlots(1) : b)) {
      ClusterTest.cluster = cluster;
      String id = hashersOn(cluster, 1, 1).get(0);
      int rounds = 1_500_000;
      cluster
          .client(0)
          .send(
              SendRequest.newBuilder()
                  .setId(id)
                  .setMessageJson(json("[\"moving\", " + rounds + "]"))
                  .build());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  cluster.nodes.stream()
                      .filter(n -> !n.name().equals("n1"))
                      .anyMatch(n -> n.system().hosting().dispatcher().pool().depth() > 0));
      ChainEvent started =
          cluster.node(0).records().chain(ActorId.of(id), 0, Long.MAX_VALUE).stream()
              .filter(e -> e.type().equals("async.started"))
              .findFirst()
              .orElseThrow();
      String worker = ClusterTest.tree(started.dataAsString()).get("worker").asText();
      assertThat(worker).isNotEqualTo("n1");
      long ranBefore = cluster.byName(worker).system().hosting().dispatcher().pool().ran();

      cluster.node(1).hazelcast().getLifecycleService().terminate();
      awaitResults(cluster.client(0), List.of(id), 1);
      var d =
          cluster
              .client(0)
              .describeActor(
                  io.troupe.proto.v1.DescribeActorRequest.newBuilder().setId(id).build());
      assertThat(d.getNode()).isNotEqualTo("n1");
      List<ChainEvent> chain =
          cluster.byName(d.getNode()).records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
      assertThat(ChainVerifier.verify(chain).valid()).isTrue();
      ChainEvent moved =
          chain.stream().filter(e -> e.type().equals("actor.moved")).findFirst().orElseThrow();
      List<ChainEvent> completed =
          chain.stream().filter(e -> e.type().equals("async.completed")).toList();
      assertThat(completed)
          .singleElement()
          .satisfies(e -> assertThat(e.seq()).isGreaterThan(moved.seq()));
      JsonNode result = ClusterTest.tree(completed.get(0).dataAsString());
      assertThat(result.get("result").asText()).isEqualTo(digest("moving", rounds));
      // it ran once, on its worker: not again on the heir
      assertThat(cluster.byName(worker).system().hosting().dispatcher().pool().ran())
          .isEqualTo(ranBefore + 1);
      assertThat(cluster.byName(d.getNode()).system().hosting().dispatcher().retried()).isZero();
    } finally {
      ClusterTest.cluster = null;
    }
  }

  /**
   * Work that is not safe to repeat (an HTTP POST) whose worker dies is not sent again: the actor
   * gets an error result, recorded in its chain.
   */
  @Test
  void aNonIdempotentOperationWhoseWorkerDiesCompletesWithAnError() throws Exception {
    var release = new java.util.concurrent.CountDownLatch(1);
    var server = heldServer(release);
    // node 0 has one worker slot, so what its actors dispatch goes to the others
    try (TestCluster cluster = TestCluster.start(3, (i, b) -> i == 0 ? b.workerSlots(1) : b)) {
      ClusterTest.cluster = cluster;
      String id = ClusterTest.idOn(0, "poster");
      cluster.client(0).startActor(ClusterTest.startRequest("http-fetcher/fetcher.toml", id));
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/held";
      cluster
          .client(0)
          .send(
              SendRequest.newBuilder()
                  .setId(id)
                  .setMessageJson(json("{\"url\":\"" + url + "\",\"method\":\"POST\"}"))
                  .build());
      ChainEvent started = firstEvent(cluster, id, "async.started", Duration.ofSeconds(30));
      String worker = ClusterTest.tree(started.dataAsString()).get("worker").asText();
      assertThat(worker).isNotEqualTo("n0");
      assertThat(ClusterTest.tree(started.dataAsString()).get("idempotent").asBoolean()).isFalse();
      TroupeNode dying = cluster.byName(worker);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> dying.system().hosting().dispatcher().pool().depth() > 0);
      dying.hazelcast().getLifecycleService().terminate();

      ChainEvent completed = firstEvent(cluster, id, "async.completed", Duration.ofSeconds(60));
      assertThat(ClusterTest.tree(completed.dataAsString()).get("error").asText())
          .contains("worker node " + worker + " died", "not idempotent");
      assertThat(cluster.node(0).system().hosting().dispatcher().lostToDeadWorkers()).isEqualTo(1);
      // the actor saw it: handle-result got the error (the fetcher keeps the last result)
      JsonNode state = ClusterTest.tree(ClusterTest.request(cluster.client(0), id, "\"last?\""));
      assertThat(state.get(1).get("Err").asText()).contains("not idempotent");
    } finally {
      ClusterTest.cluster = null;
      release.countDown();
      server.stop(0);
    }
  }

  /** An actor that stops takes its waiting operations off every worker's queue. */
  @Test
  void anActorThatStopsDropsItsWaitingOperations() {
    try (TestCluster cluster = TestCluster.start(3, b -> b.workerSlots(1))) {
      ClusterTest.cluster = cluster;
      String id = hashersOn(cluster, 0, 1).get(0);
      burst(cluster.client(0), List.of(id), 30, 500_000);
      cluster
          .client(0)
          .stopActor(io.troupe.proto.v1.StopActorRequest.newBuilder().setId(id).build());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  cluster.nodes.stream()
                      .allMatch(n -> n.system().hosting().dispatcher().pool().depth() == 0));
      long ran =
          cluster.nodes.stream()
              .mapToLong(n -> n.system().hosting().dispatcher().pool().ran())
              .sum();
      long dropped =
          cluster.nodes.stream()
              .mapToLong(n -> n.system().hosting().dispatcher().pool().cancelled())
              .sum();
      assertThat(dropped).isPositive();
      assertThat(ran + dropped).isEqualTo(30);
      List<ChainEvent> chain = cluster.node(0).records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
      assertThat(ChainVerifier.verify(chain).valid()).isTrue();
      // every operation completed once in the chain, the ones it stopped with an error
      assertThat(chain.stream().filter(e -> e.type().equals("async.completed"))).hasSize(30);
      assertThat(chain.get(chain.size() - 1).type()).isEqualTo("actor.stopped");
    } finally {
      ClusterTest.cluster = null;
    }
  }

  /**
   * An actor that stops while its HTTP request runs on a worker: the worker abandons the request
   * (counted as cancelled, not as run) and frees its slot, though the server never answered.
   */
  @Test
  void anActorThatStopsAbandonsItsRunningRequest() throws Exception {
    var release = new java.util.concurrent.CountDownLatch(1);
    var server = heldServer(release);
    try (TestCluster cluster = TestCluster.start(2, b -> b)) {
      ClusterTest.cluster = cluster;
      String id = ClusterTest.idOn(0, "fetcher");
      cluster.client(0).startActor(ClusterTest.startRequest("http-fetcher/fetcher.toml", id));
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/held";
      cluster
          .client(0)
          .send(
              SendRequest.newBuilder()
                  .setId(id)
                  .setMessageJson(json("{\"url\":\"" + url + "\"}"))
                  .build());
      ChainEvent started = firstEvent(cluster, id, "async.started", Duration.ofSeconds(30));
      var pool =
          cluster
              .byName(ClusterTest.tree(started.dataAsString()).get("worker").asText())
              .system()
              .hosting()
              .dispatcher()
              .pool();
      await().atMost(Duration.ofSeconds(30)).until(() -> pool.depth() == 1);

      cluster
          .client(0)
          .stopActor(io.troupe.proto.v1.StopActorRequest.newBuilder().setId(id).build());

      await().atMost(Duration.ofSeconds(30)).until(() -> pool.depth() == 0);
      assertThat(pool.cancelled()).isEqualTo(1);
      assertThat(pool.ran()).isZero(); // not a timeout or an answer: abandoned
      List<ChainEvent> chain = cluster.node(0).records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
      assertThat(ChainVerifier.verify(chain).valid()).isTrue();
      assertThat(chain.stream().filter(e -> e.type().equals("async.completed"))).hasSize(1);
      assertThat(chain.get(chain.size() - 1).type()).isEqualTo("actor.stopped");
    } finally {
      ClusterTest.cluster = null;
      release.countDown();
      server.stop(0);
    }
  }

  /** The first event of {@code type} in the chain of {@code id}, as node 0 reads it, once there. */
  static ChainEvent firstEvent(TestCluster cluster, String id, String type, Duration within) {
    return await()
        .atMost(within)
        .until(
            () ->
                cluster.node(0).records().chain(ActorId.of(id), 0, Long.MAX_VALUE).stream()
                    .filter(e -> e.type().equals(type))
                    .findFirst()
                    .orElse(null),
            e -> e != null);
  }

  /** An HTTP server on loopback whose {@code /held} answers 200 only once {@code release} opens. */
  static com.sun.net.httpserver.HttpServer heldServer(java.util.concurrent.CountDownLatch release)
      throws java.io.IOException {
    var server =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/held",
        ex -> {
          try {
            release.await(60, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
    return server;
  }

  static List<String> hashersOn(TestCluster cluster, int node, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = ClusterTest.idOn(node, "hasher");
      cluster.client(0).startActor(ClusterTest.startRequest("hasher/hasher.toml", id));
      ids.add(id);
    }
    return ids;
  }

  static void burst(TroupeGrpc.TroupeBlockingStub client, List<String> ids, int each, int rounds) {
    for (int k = 0; k < each; k++) {
      for (String id : ids) {
        client.send(
            SendRequest.newBuilder()
                .setId(id)
                .setMessageJson(json("[\"" + id + "-" + k + "\", " + rounds + "]"))
                .build());
      }
    }
  }

  static void awaitResults(TroupeGrpc.TroupeBlockingStub client, List<String> ids, int each) {
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(
            () ->
                ids.stream()
                    .allMatch(
                        id ->
                            ClusterTest.tree(ClusterTest.request(client, id, "\"results?\"")).size()
                                == each));
  }

  static Map<String, Long> ran(TestCluster cluster) {
    Map<String, Long> out = new HashMap<>();
    cluster.nodes.forEach(n -> out.put(n.name(), n.system().hosting().dispatcher().pool().ran()));
    return out;
  }

  /** Each operation completed exactly once, with the right digest; every chain verifies. */
  static void checkChains(TestCluster cluster, List<String> ids, int each, int rounds) {
    String expected = digest(ids.get(0) + "-0", rounds);
    for (String id : ids) {
      JsonNode results =
          ClusterTest.tree(ClusterTest.request(cluster.client(0), id, "\"results?\""));
      results.forEach(r -> assertThat(r.get(1).has("Ok")).as(r.toString()).isTrue());
      List<ChainEvent> chain = cluster.node(0).records().chain(ActorId.of(id), 0, Long.MAX_VALUE);
      assertThat(ChainVerifier.verify(chain).valid()).isTrue();
      assertThat(chain.stream().filter(e -> e.type().equals("async.completed"))).hasSize(each);
    }
    JsonNode first = ClusterTest.tree(ClusterTest.request(cluster.client(0), ids.get(0), "\"r\""));
    String started =
        cluster.node(0).records().chain(ActorId.of(ids.get(0)), 0, Long.MAX_VALUE).stream()
            .filter(e -> e.type().equals("async.started"))
            .findFirst()
            .map(e -> ClusterTest.tree(e.dataAsString()).get("op_id").asText())
            .orElseThrow();
    boolean found = false;
    for (JsonNode r : first) {
      if (r.get(0).asText().equals(started)) {
        assertThat(r.get(1).get("Ok").asText()).isEqualTo(expected);
        found = true;
      }
    }
    assertThat(found).isTrue();
  }

  static String digest(String text, int rounds) {
    String d = Sha256.hex(text.getBytes(StandardCharsets.UTF_8));
    for (int i = 1; i < rounds; i++) {
      d = Sha256.hex(d.getBytes(StandardCharsets.US_ASCII));
    }
    return d;
  }
}
