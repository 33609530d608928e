package io.troupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ChainStore;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.error.StaleAppendException;
import io.troupe.proto.v1.ActorDescription;
import io.troupe.proto.v1.ChannelClientMessage;
import io.troupe.proto.v1.ChannelOpen;
import io.troupe.proto.v1.ChannelServerMessage;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.DescribeActorRequest;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.GetStateRequest;
import io.troupe.proto.v1.ListActorsRequest;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.SubscribeChainRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.proto.v1.VerifyChainRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three real nodes in one JVM (Hazelcast members and gRPC servers on loopback): placement by
 * partition, replication of every commit, routing of sends, requests and channels across nodes, and
 * the fenced append.
 */
class ClusterTest {
  static final Path EXAMPLES = Path.of("..", "examples");
  static TestCluster cluster;
  static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void up() {
    cluster = TestCluster.start(3, b -> b);
  }

  @AfterAll
  static void down() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static StartActorRequest startRequest(String example, String id) {
    Path manifest = EXAMPLES.resolve(example);
    try {
      String toml = Files.readString(manifest);
      String module = toml.lines().filter(l -> l.startsWith("module")).findFirst().orElseThrow();
      String file = module.substring(module.indexOf('"') + 1, module.lastIndexOf('"'));
      byte[] bytes = Files.readAllBytes(manifest.getParent().resolve(file));
      return StartActorRequest.newBuilder()
          .setManifestToml(toml)
          .setManifestName(manifest.toString())
          .setModuleBytes(ByteString.copyFrom(bytes))
          .setId(id)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An id whose home is node {@code i}. */
  static String idOn(int i, String prefix) {
    String home = cluster.node(i).name();
    while (true) {
      String id = prefix + "-" + ids.incrementAndGet();
      if (cluster.node(0).ownerOf(ActorId.of(id)).orElseThrow().equals(home)) {
        return id;
      }
    }
  }

  static com.fasterxml.jackson.databind.JsonNode tree(String s) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ByteString json(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static String request(TroupeGrpc.TroupeBlockingStub c, String id, String msg) {
    return c.withDeadlineAfter(20, TimeUnit.SECONDS)
        .request(RequestRequest.newBuilder().setId(id).setMessageJson(json(msg)).build())
        .getResponseJson()
        .toStringUtf8();
  }

  static List<ChainEvent> chain(TroupeGrpc.TroupeBlockingStub c, String id) {
    List<ChainEvent> out = new ArrayList<>();
    c.getChain(GetChainRequest.newBuilder().setId(id).build())
        .forEachRemaining(
            e ->
                out.add(
                    new ChainEvent(
                        e.getActor(),
                        e.getSeq(),
                        EventHash.of(e.getParent().toByteArray()),
                        e.getType(),
                        e.getTimestamp(),
                        e.getData().toByteArray(),
                        EventHash.of(e.getHash().toByteArray()))));
    return out;
  }

  @Test
  void actorsLiveOnThePartitionOwnerOfTheirIdAndAnyNodeDescribesThem() {
    var client = cluster.client(0);
    Map<String, String> homes = new HashMap<>();
    for (int i = 0; i < 9; i++) {
      String id = "place-" + i;
      var started = client.startActor(startRequest("counter/counter.toml", id));
      homes.put(id, started.getNode());
    }
    Set<String> used = new HashSet<>(homes.values());
    assertThat(used).hasSizeGreaterThanOrEqualTo(2); // 9 ids over 3 members
    for (var e : homes.entrySet()) {
      ActorId id = ActorId.of(e.getKey());
      String owner = cluster.node(0).ownerOf(id).orElseThrow();
      assertThat(e.getValue()).as("home of %s", id).isEqualTo(owner);
      assertThat(cluster.byName(owner).system().find(id)).isPresent();
      for (int n = 0; n < 3; n++) {
        ActorDescription d =
            cluster
                .client(n)
                .describeActor(DescribeActorRequest.newBuilder().setId(id.value()).build());
        assertThat(d.getNode()).isEqualTo(owner);
        assertThat(d.getEpoch()).isZero();
        assertThat(d.getStatus()).isEqualTo("running");
        assertThat(d.getName()).isEqualTo("counter");
      }
      // only the home runs it
      for (TroupeNode other : cluster.nodes) {
        if (!other.name().equals(owner)) {
          assertThat(other.system().find(id)).isEmpty();
        }
      }
    }
    var listed = cluster.client(2).listActors(ListActorsRequest.getDefaultInstance());
    assertThat(listed.getActorsList().stream().map(ActorDescription::getId))
        .containsAll(homes.keySet());
  }

  @Test
  void sendsAndRequestsReachActorsOnOtherNodesAndEveryNodeReadsTheSameVerifiedChain() {
    String id = idOn(1, "count");
    var via0 = cluster.client(0);
    via0.startActor(startRequest("counter/counter.toml", id));
    for (int i = 1; i <= 10; i++) {
      cluster
          .client(i % 3)
          .send(
              SendRequest.newBuilder().setId(id).setMessageJson(json(Integer.toString(i))).build());
    }
    assertThat(request(cluster.client(2), id, "\"total?\"")).isEqualTo("55");
    // the send was acknowledged only after its commit: the record has it, on every node's view
    List<ChainEvent> reference = chain(cluster.client(0), id);
    assertThat(ChainVerifier.verify(reference).valid()).isTrue();
    assertThat(reference).hasSizeGreaterThanOrEqualTo(1 + 10 * 2 + 2);
    for (int n = 0; n < 3; n++) {
      assertThat(chain(cluster.client(n), id)).isEqualTo(reference);
      var v = cluster.client(n).verifyChain(VerifyChainRequest.newBuilder().setId(id).build());
      assertThat(v.getValid()).as(v.getProblem()).isTrue();
      assertThat(v.getEvents()).isEqualTo(reference.size());
    }
    // the home's in-memory chain and the replicated record agree
    assertThat(cluster.node(1).system().get(ActorId.of(id)).chain()).isEqualTo(reference);
    var state = cluster.client(0).getState(GetStateRequest.newBuilder().setId(id).build());
    assertThat(state.getStateJson().toStringUtf8()).isEqualTo("{\"count\":55}");
    assertThat(state.getSeq()).isEqualTo(reference.size());
  }

  @Test
  void anActorRequestsAnActorOnAnotherNode() {
    String kv = idOn(2, "kv");
    String front = idOn(0, "front");
    var c = cluster.client(1);
    c.startActor(startRequest("kv-store/kv-store.toml", kv));
    c.startActor(startRequest("request-response/front.toml", front));
    assertThat(request(c, front, "[\"" + kv + "\",[\"put\",\"a\",1]]")).isEqualTo("true");
    assertThat(request(c, front, "[\"" + kv + "\",[\"get\",\"a\"]]")).isEqualTo("1");
    assertThat(request(cluster.client(2), kv, "[\"get\",\"a\"]")).isEqualTo("1");
    // the kv-store's chain records the front as the sender
    String calls =
        chain(c, kv).stream()
            .filter(e -> e.type().equals("wasm.call"))
            .map(ChainEvent::dataAsString)
            .reduce("", String::concat);
    assertThat(calls).contains("\"sender\":\"" + front + "\"");
  }

  @Test
  void aClientChannelThroughOneNodeReachesARoomOnAnother() throws Exception {
    String room = idOn(2, "room");
    cluster.client(0).startActor(startRequest("chat-room/room.toml", room));
    BlockingQueue<ChannelServerMessage> received = new LinkedBlockingQueue<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    StreamObserver<ChannelClientMessage> up =
        cluster.asyncClient(0).openChannel(collector(received, errors, null));
    up.onNext(
        ChannelClientMessage.newBuilder()
            .setOpen(ChannelOpen.newBuilder().setId(room).setMessageJson(json("\"carol\"")))
            .build());
    ChannelServerMessage opened = received.poll(20, TimeUnit.SECONDS);
    assertThat(errors).isEmpty();
    assertThat(opened).isNotNull();
    assertThat(opened.hasOpened()).isTrue();
    up.onNext(ChannelClientMessage.newBuilder().setMessageJson(json("\"hello room\"")).build());
    ChannelServerMessage echoed = received.poll(20, TimeUnit.SECONDS);
    assertThat(echoed).isNotNull();
    assertThat(echoed.getMessageJson().toStringUtf8()).contains("hello room");
    // a frame that is not JSON is answered with an error frame; the channel goes on
    up.onNext(ChannelClientMessage.newBuilder().setMessageJson(json("{not json")).build());
    ChannelServerMessage refused = received.poll(20, TimeUnit.SECONDS);
    assertThat(refused).isNotNull();
    assertThat(refused.hasError()).as(refused.toString()).isTrue();
    assertThat(refused.getError().getKind()).isEqualTo("INVALID_ARGUMENT");
    assertThat(refused.getError().getMessage()).startsWith("message is not valid JSON");
    up.onNext(ChannelClientMessage.newBuilder().setMessageJson(json("\"still here\"")).build());
    ChannelServerMessage again = received.poll(20, TimeUnit.SECONDS);
    assertThat(again).isNotNull();
    assertThat(again.getMessageJson().toStringUtf8()).contains("still here");
    assertThat(errors).isEmpty();
    // stopping the room closes the channel, and the client hears it across the nodes
    cluster
        .client(1)
        .stopActor(io.troupe.proto.v1.StopActorRequest.newBuilder().setId(room).build());
    ChannelServerMessage closed = received.poll(20, TimeUnit.SECONDS);
    assertThat(closed).isNotNull();
    assertThat(closed.hasClosed()).isTrue();
    up.onCompleted();
    var d = cluster.client(0).describeActor(DescribeActorRequest.newBuilder().setId(room).build());
    assertThat(d.getStatus()).isEqualTo("stopped");
  }

  @Test
  void aClientThatClosesItsChannelGetsChannelClosed_thenTheStreamEnds() throws Exception {
    String room = idOn(1, "room-close");
    cluster.client(0).startActor(startRequest("chat-room/room.toml", room));
    BlockingQueue<ChannelServerMessage> received = new LinkedBlockingQueue<>();
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    StreamObserver<ChannelClientMessage> up =
        cluster.asyncClient(0).openChannel(collector(received, null, ended));
    // a message before the channel is open is refused, not fatal
    up.onNext(ChannelClientMessage.newBuilder().setMessageJson(json("1")).build());
    ChannelServerMessage early = received.poll(20, TimeUnit.SECONDS);
    assertThat(early).isNotNull();
    assertThat(early.getError().getMessage()).contains("not open yet");
    up.onNext(
        ChannelClientMessage.newBuilder()
            .setOpen(ChannelOpen.newBuilder().setId(room).setMessageJson(json("\"dave\"")))
            .build());
    assertThat(received.poll(20, TimeUnit.SECONDS).hasOpened()).isTrue();
    up.onNext(
        ChannelClientMessage.newBuilder()
            .setClose(io.troupe.proto.v1.ChannelCloseRequest.getDefaultInstance())
            .build());
    ChannelServerMessage closed = received.poll(20, TimeUnit.SECONDS);
    assertThat(closed).isNotNull();
    assertThat(closed.getClosed().getReason()).isEqualTo("closed by the client");
    assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();
    up.onCompleted();
  }

  /**
   * A close sent right after messages waits for them: what the actor sends while handling them
   * reaches the client before {@code closed} (the close overtook them once, and the replies to the
   * last messages were lost).
   */
  @Test
  void aCloseRightAfterMessages_comesAfterTheirReplies() throws Exception {
    String room = idOn(1, "room-close-after");
    cluster.client(0).startActor(startRequest("chat-room/room.toml", room));
    for (boolean endStream : new boolean[] {false, true}) {
      BlockingQueue<ChannelServerMessage> received = new LinkedBlockingQueue<>();
      java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
      StreamObserver<ChannelClientMessage> up =
          cluster.asyncClient(0).openChannel(collector(received, null, ended));
      up.onNext(
          ChannelClientMessage.newBuilder()
              .setOpen(ChannelOpen.newBuilder().setId(room).setMessageJson(json("\"fay\"")))
              .build());
      assertThat(received.poll(20, TimeUnit.SECONDS).hasOpened()).isTrue();
      for (int i = 0; i < 20; i++) {
        up.onNext(
            ChannelClientMessage.newBuilder().setMessageJson(json(Integer.toString(i))).build());
      }
      if (endStream) {
        up.onCompleted();
      } else {
        up.onNext(
            ChannelClientMessage.newBuilder()
                .setClose(io.troupe.proto.v1.ChannelCloseRequest.getDefaultInstance())
                .build());
      }
      assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();
      List<String> frames = new java.util.ArrayList<>();
      received.forEach(
          m -> frames.add(m.hasClosed() ? "closed" : m.getMessageJson().toStringUtf8()));
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        expected.add(Integer.toString(i));
      }
      expected.add("closed");
      assertThat(frames).as("end the stream: " + endStream).isEqualTo(expected);
      if (!endStream) {
        up.onCompleted();
      }
    }
  }

  @Test
  void restartAndRemove_throughAnyNode_reachTheHome() {
    String id = idOn(2, "restartable");
    cluster.client(0).startActor(startRequest("counter/counter.toml", id));
    cluster.client(1).send(SendRequest.newBuilder().setId(id).setMessageJson(json("3")).build());
    var restarted =
        cluster
            .client(0)
            .restartActor(io.troupe.proto.v1.RestartActorRequest.newBuilder().setId(id).build());
    assertThat(restarted.getNode()).isEqualTo(cluster.node(2).name());
    assertThat(request(cluster.client(1), id, "\"total?\"")).isEqualTo("3");
    cluster.client(1).stopActor(io.troupe.proto.v1.StopActorRequest.newBuilder().setId(id).build());
    cluster
        .client(0)
        .removeActor(io.troupe.proto.v1.RemoveActorRequest.newBuilder().setId(id).build());
    assertThatThrownBy(
            () ->
                cluster
                    .client(1)
                    .describeActor(DescribeActorRequest.newBuilder().setId(id).build()))
        .hasMessageContaining("NOT_FOUND");
    cluster.client(1).startActor(startRequest("counter/counter.toml", id)); // the id is free again
    assertThat(request(cluster.client(0), id, "\"total?\"")).isEqualTo("0");
  }

  @Test
  void anUpgradeThroughAnyNode_runsOnTheHome_andEveryNodeSeesTheNewModule() throws Exception {
    String id = idOn(1, "upgradable");
    cluster.client(0).startActor(startRequest("counter/counter.toml", id));
    cluster.client(2).send(SendRequest.newBuilder().setId(id).setMessageJson(json("4")).build());
    String wat =
        java.nio.file.Files.readString(
            java.nio.file.Path.of("../examples/counter/counter.wat").toAbsolutePath().normalize());
    String memory = "(memory (export \"memory\") 1)";
    String ref =
        cluster
            .client(2)
            .uploadModule(
                io.troupe.proto.v1.UploadModuleRequest.newBuilder()
                    .setModule(
                        com.google.protobuf.ByteString.copyFromUtf8(
                            wat.replace(memory, memory + " (func $v2)")))
                    .build())
            .getRef();
    var up =
        cluster
            .client(2)
            .upgradeActor(
                io.troupe.proto.v1.UpgradeActorRequest.newBuilder()
                    .setId(id)
                    .setModuleRef(ref)
                    .build());
    assertThat(up.getUpgraded()).as(up.getCheck().getSummary()).isTrue();
    for (int n = 0; n < 3; n++) {
      assertThat(
              cluster.client(n).describeActor(DescribeActorRequest.newBuilder().setId(id).build()))
          .extracting(d -> d.getModule())
          .isEqualTo(ref);
    }
    cluster.client(0).send(SendRequest.newBuilder().setId(id).setMessageJson(json("1")).build());
    assertThat(request(cluster.client(2), id, "\"total?\"")).isEqualTo("5");
  }

  /** A client that opens and at once ends its stream leaves no channel behind (it did once). */
  @Test
  void aChannelWhoseClientLeavesWhileItOpens_isClosed_notKept() throws Exception {
    String room = idOn(0, "room-left");
    cluster.client(0).startActor(startRequest("chat-room/room.toml", room));
    for (int i = 0; i < 10; i++) {
      BlockingQueue<ChannelServerMessage> received = new LinkedBlockingQueue<>();
      java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
      StreamObserver<ChannelClientMessage> up =
          cluster.asyncClient(0).openChannel(collector(received, null, ended));
      up.onNext(
          ChannelClientMessage.newBuilder()
              .setOpen(ChannelOpen.newBuilder().setId(room).setMessageJson(json("\"eve\"")))
              .build());
      up.onCompleted();
      assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();
    }
    var system = cluster.node(0).system();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(system.channelsOf(ActorId.of(room))).isEmpty());
  }

  /** A channel's server side: frames into {@code received}, errors into {@code errors}, the end. */
  private static StreamObserver<ChannelServerMessage> collector(
      BlockingQueue<ChannelServerMessage> received,
      List<Throwable> errors,
      java.util.concurrent.CountDownLatch ended) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ChannelServerMessage m) {
        received.add(m);
      }

      @Override
      public void onError(Throwable t) {
        if (errors != null) {
          errors.add(t);
        }
        if (ended != null) {
          ended.countDown();
        }
      }

      @Override
      public void onCompleted() {
        if (ended != null) {
          ended.countDown();
        }
      }
    };
  }

  @Test
  void aSubscriptionThroughAnyNodeGetsTheBackfillThenLiveEvents() throws Exception {
    String id = idOn(1, "sub");
    var c = cluster.client(2);
    c.startActor(startRequest("counter/counter.toml", id));
    c.send(SendRequest.newBuilder().setId(id).setMessageJson(json("1")).build());
    BlockingQueue<io.troupe.proto.v1.ChainEvent> events = new LinkedBlockingQueue<>();
    var call = io.grpc.Context.current().withCancellation();
    call.run(
        () ->
            cluster
                .asyncClient(0)
                .subscribeChain(
                    SubscribeChainRequest.newBuilder().setId(id).setFromSeq(1).build(),
                    new StreamObserver<>() {
                      @Override
                      public void onNext(io.troupe.proto.v1.ChainEvent e) {
                        events.add(e);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    }));
    try {
      List<Long> seqs = new ArrayList<>();
      long length = chain(c, id).size();
      while (seqs.size() < length - 1) {
        var e = events.poll(20, TimeUnit.SECONDS);
        assertThat(e).as("backfill").isNotNull();
        seqs.add(e.getSeq());
      }
      c.send(SendRequest.newBuilder().setId(id).setMessageJson(json("2")).build());
      var live = events.poll(20, TimeUnit.SECONDS);
      assertThat(live).as("live event").isNotNull();
      seqs.add(live.getSeq());
      assertThat(seqs.get(0)).isEqualTo(1);
      for (int i = 1; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).isEqualTo(seqs.get(i - 1) + 1);
      }
    } finally {
      call.cancel(null);
    }
  }

  @Test
  void aSpawnedChildRunsBesideItsParentAndIsReachedFromEveryNode() {
    // the supervisor runs on node 0; start supervisors until one's worker (a fresh UUID) belongs
    // to a partition owned by another node, so that the worker is not where its id hashes to
    var parser = new io.troupe.manifest.ManifestParser();
    String sup;
    String worker;
    do {
      sup = idOn(0, "sup");
      cluster
          .node(0)
          .system()
          .start(
              parser.parse(EXAMPLES.resolve("supervisor-tree/supervisor.toml")), ActorId.of(sup));
      worker = cluster.node(0).system().get(ActorId.of(sup)).children().get(0).value();
    } while (cluster.node(0).ownerOf(ActorId.of(worker)).orElseThrow().equals("n0"));
    assertThat(cluster.node(0).system().find(ActorId.of(worker))).isPresent();
    for (int n = 0; n < 3; n++) {
      cluster
          .client(n)
          .send(SendRequest.newBuilder().setId(worker).setMessageJson(json("2")).build());
    }
    for (int n = 0; n < 3; n++) {
      assertThat(request(cluster.client(n), worker, "\"count?\"")).isEqualTo("6");
      assertThat(
              cluster
                  .client(n)
                  .describeActor(DescribeActorRequest.newBuilder().setId(worker).build())
                  .getParent())
          .isEqualTo(sup);
    }
  }

  /**
   * The one placement rule: a child lives beside its parent, away from its partition's owner, and
   * calls that must run on its home (subscribe, stop) entering through a third node reach it (two
   * hops: the owner, then the node the record names).
   */
  @Test
  void aChildAwayFromItsPartitionOwnerIsSubscribedToAndStoppedThroughAThirdNode() throws Exception {
    var parser = new io.troupe.manifest.ManifestParser();
    String sup;
    String worker;
    do {
      sup = idOn(0, "psup");
      cluster
          .node(0)
          .system()
          .start(
              parser.parse(EXAMPLES.resolve("supervisor-tree/supervisor.toml")), ActorId.of(sup));
      worker = cluster.node(0).system().get(ActorId.of(sup)).children().get(0).value();
    } while (cluster.node(0).ownerOf(ActorId.of(worker)).orElseThrow().equals("n0"));
    String owner = cluster.node(0).ownerOf(ActorId.of(worker)).orElseThrow();
    int third = owner.equals("n1") ? 2 : 1;

    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    java.util.concurrent.CompletableFuture<Void> ended =
        new java.util.concurrent.CompletableFuture<>();
    cluster
        .asyncClient(third)
        .subscribeChain(
            SubscribeChainRequest.newBuilder().setId(worker).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(io.troupe.proto.v1.ChainEvent e) {
                seen.add(e.getType());
              }

              @Override
              public void onError(Throwable t) {
                ended.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                ended.complete(null);
              }
            });
    assertThat(seen.poll(20, TimeUnit.SECONDS)).isEqualTo("actor.started"); // the backfill
    cluster
        .client(third)
        .send(SendRequest.newBuilder().setId(worker).setMessageJson(json("2")).build());
    List<String> live = new ArrayList<>();
    while (!live.contains("wasm.result")) {
      String type = seen.poll(20, TimeUnit.SECONDS);
      assertThat(type).as("live events of the child").isNotNull();
      live.add(type);
    }

    cluster
        .client(third)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .stopActor(
            io.troupe.proto.v1.StopActorRequest.newBuilder()
                .setId(worker)
                .setReason("stopped through a third node")
                .build());
    ended.get(20, TimeUnit.SECONDS); // its subscription ends with it
    assertThat(seen).contains("actor.stopped");
    for (int n = 0; n < 3; n++) {
      assertThat(
              cluster
                  .client(n)
                  .describeActor(DescribeActorRequest.newBuilder().setId(worker).build())
                  .getStatus())
          .isEqualTo("stopped");
    }
    List<ChainEvent> events = chain(cluster.client(owner.equals("n1") ? 1 : 2), worker);
    assertThat(ChainVerifier.verify(events).valid()).isTrue();
    assertThat(events.get(events.size() - 1).dataAsString())
        .contains("stopped through a third node");
  }

  @Test
  void aStaleAppendIsRefusedAndChangesNothing() {
    String id = idOn(0, "fence");
    var c = cluster.client(0);
    c.startActor(startRequest("counter/counter.toml", id));
    c.send(SendRequest.newBuilder().setId(id).setMessageJson(json("3")).build());
    List<ChainEvent> before = chain(c, id);
    ChainEvent last = before.get(before.size() - 1);
    ChainEvent forged =
        ChainEvent.create(
            id,
            before.size() - 1,
            last.parent(),
            "wasm.result",
            0,
            "{}".getBytes(StandardCharsets.UTF_8));
    var store = cluster.node(1).records(); // any node may try; the owner decides
    // wrong seq (overwriting the last event)
    var stale =
        new ChainStore.Commit(
            ActorId.of(id),
            0,
            before.size() - 1,
            last.parent(),
            List.of(forged),
            null,
            ActorStatus.RUNNING,
            "n1",
            Optional.empty());
    assertThatThrownBy(() -> store.commit(stale).join())
        .hasCauseInstanceOf(StaleAppendException.class)
        .hasMessageContaining("stale append");
    // right seq, wrong epoch
    ChainEvent next =
        ChainEvent.create(
            id,
            before.size(),
            last.hash(),
            "wasm.result",
            0,
            "{}".getBytes(StandardCharsets.UTF_8));
    var otherEpoch =
        new ChainStore.Commit(
            ActorId.of(id),
            7,
            before.size(),
            last.hash(),
            List.of(next),
            null,
            ActorStatus.RUNNING,
            "n1",
            Optional.empty());
    assertThatThrownBy(() -> store.commit(otherEpoch).join())
        .hasCauseInstanceOf(StaleAppendException.class);
    // right seq and epoch, wrong head
    var wrongHead =
        new ChainStore.Commit(
            ActorId.of(id),
            0,
            before.size(),
            last.parent(),
            List.of(next),
            null,
            ActorStatus.RUNNING,
            "n1",
            Optional.empty());
    assertThatThrownBy(() -> store.commit(wrongHead).join())
        .hasCauseInstanceOf(StaleAppendException.class);
    assertThat(chain(c, id)).isEqualTo(before);
    // the real home goes on appending
    c.send(SendRequest.newBuilder().setId(id).setMessageJson(json("4")).build());
    assertThat(request(c, id, "\"total?\"")).isEqualTo("7");
    assertThat(ChainVerifier.verify(chain(c, id)).valid()).isTrue();
  }

  @Test
  void errorsAreStatusCodesWithClearMessages() {
    var c = cluster.client(1);
    assertThatThrownBy(
            () -> c.describeActor(DescribeActorRequest.newBuilder().setId("nobody").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).contains("nobody");
            });
    assertThatThrownBy(() -> request(c, "nobody-" + ids.incrementAndGet(), "1"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    var bad = startRequest("counter/counter.toml", "bad-" + ids.incrementAndGet());
    assertThatThrownBy(() -> c.startActor(bad.toBuilder().setManifestToml("name = [").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> c.startActor(bad.toBuilder().setModuleBytes(json("not wasm")).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    String dup = idOn(2, "dup");
    c.startActor(startRequest("counter/counter.toml", dup));
    assertThatThrownBy(() -> cluster.client(0).startActor(startRequest("echo/echo.toml", dup)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    assertThatThrownBy(
            () ->
                c.send(
                    SendRequest.newBuilder().setId(dup).setMessageJson(json("{not json")).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void clusterStatusListsEveryMemberWithItsAddresses() {
    ClusterStatusResponse s =
        cluster.client(1).clusterStatus(ClusterStatusRequest.getDefaultInstance());
    assertThat(s.getThisNode()).isEqualTo("n1");
    assertThat(s.getMembersList()).hasSize(3);
    assertThat(s.getMembersList().stream().map(m -> m.getName()))
        .containsExactlyInAnyOrder("n0", "n1", "n2");
    assertThat(s.getMembersList().stream().mapToInt(m -> m.getOwnedPartitions()).sum())
        .isEqualTo(s.getPartitions());
    assertThat(s.getQuorumPresent()).isTrue();
    for (var m : s.getMembersList()) {
      assertThat(m.getGrpcAddress()).isEqualTo(cluster.byName(m.getName()).grpcAddress());
    }
  }
}
