package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.grpc.Status;
import io.troupe.client.sdk.ChannelListener;
import io.troupe.client.sdk.Subscription;
import io.troupe.client.sdk.TroupeChannel;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.client.sdk.TroupeClientException;
import io.troupe.proto.v1.ChainEvent;
import io.troupe.server.NodeConfig;
import io.troupe.server.TroupeNode;
import io.troupe.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK against a real node: typed messages, many calls in flight, message ids, channels,
 * chain subscriptions. docs/sdk-java.md quotes these tests.
 */
class JavaSdkIT {
  private static final Path EXAMPLES = Launcher.REPO.resolve("examples");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TroupeNode node;
  private static TroupeClient client;

  /** What the tests send: records, written and read by the client's Jackson mapper. */
  record Order(String item, int quantity) {}

  record Add(int add) {}

  record Chat(String from, String text) {}

  record LineItem(String itemName, int unitPrice) {}

  @BeforeAll
  static void start() {
    node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("sdk")
                .clusterName("sdk-" + FreePorts.next())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .store(NodeConfig.MEMORY)
                .build());
    client = TroupeClient.builder().target(node.grpcAddress()).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void typedMessages_areWrittenAndReadByTheClientsMapper() {
    client.start(EXAMPLES.resolve("echo/echo.toml"), "echo-typed");

    Order back = client.request("echo-typed", new Order("tea", 2), Order.class);
    assertThat(back).isEqualTo(new Order("tea", 2));
    JsonNode tree = client.request("echo-typed", Map.of("a", List.of(1, 2)), JsonNode.class);
    assertThat(tree.at("/a/1").asInt()).isEqualTo(2);
    // a String is JSON text, both ways
    assertThat(client.request("echo-typed", "[1, 2]", String.class)).isEqualTo("[1,2]");
    assertThat(client.request("echo-typed", "\"hi\"", JsonNode.class).asText()).isEqualTo("hi");

    // the builder's mapper, here one that writes snake_case
    ObjectMapper snake =
        new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    try (TroupeClient c = TroupeClient.builder().target(node.grpcAddress()).mapper(snake).build()) {
      LineItem item = new LineItem("tea", 3);
      assertThat(c.request("echo-typed", item, String.class))
          .isEqualTo("{\"item_name\":\"tea\",\"unit_price\":3}");
      assertThat(c.request("echo-typed", item, LineItem.class)).isEqualTo(item);
    }

    // an answer that is not the type asked for fails in the client's words
    assertThatThrownBy(() -> client.request("echo-typed", "\"just text\"", Order.class))
        .isInstanceOf(TroupeClientException.class)
        .hasMessageContaining("\"just text\"")
        .hasMessageContaining("as Order");
  }

  @Test
  void manyTypedCallsInFlightOnOneClient_eachGetItsOwnAnswer() throws Exception {
    client.start(EXAMPLES.resolve("counter/counter.toml"), "typed-many");
    client.start(EXAMPLES.resolve("echo/echo.toml"), "echo-many");

    List<CompletableFuture<Void>> sends =
        IntStream.rangeClosed(1, 300)
            .mapToObj(i -> client.sendAsync("typed-many", new Add(i)))
            .toList();
    List<CompletableFuture<Order>> echoes =
        IntStream.range(0, 100)
            .mapToObj(i -> client.requestAsync("echo-many", new Order("item-" + i, i), Order.class))
            .toList();
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    for (int i = 0; i < echoes.size(); i++) {
      assertThat(echoes.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(new Order("item-" + i, i));
    }
    CompletableFuture<Long> total = client.requestAsync("typed-many", "\"total?\"", Long.class);
    assertThat(total.get(30, TimeUnit.SECONDS)).isEqualTo(300L * 301 / 2);

    // a failed typed call keeps the node's kind
    assertThatThrownBy(() -> client.requestAsync("nobody-here", 1, Long.class).get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            TroupeClientException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.kind()).isEqualTo("ACTOR_NOT_FOUND");
            });
  }

  @Test
  void aMessageSentAgainWithItsIdIsHandledOnce() {
    client.start(EXAMPLES.resolve("counter/counter.toml"), "once");

    client.send("once", new Add(5), "order-17");
    client.send("once", new Add(5), "order-17"); // a retry: acknowledged, not counted again
    long total = client.request("once", "\"total?\"", Long.class, "ask-1");
    assertThat(total).isEqualTo(5);

    client.send("once", 1);
    // a request sent again with its id gets its first answer, without running again
    assertThat(client.request("once", "\"total?\"", Long.class, "ask-1")).isEqualTo(5);
    assertThat(client.request("once", "\"total?\"", Long.class)).isEqualTo(6);

    // the same id with another message is refused
    assertThatThrownBy(() -> client.send("once", new Add(6), "order-17"))
        .isInstanceOfSatisfying(
            TroupeClientException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.kind()).isEqualTo("MESSAGE_ID_REUSED");
            });
    assertThat(client.request("once", "\"total?\"", Long.class)).isEqualTo(6);
  }

  @Test
  void aChannelCarriesMessagesBothWays_refusedFramesAreErrors_andItEndsWithClosed()
      throws Exception {
    client.start(EXAMPLES.resolve("chat-room/room.toml"), "room-sdk"); // broadcasts to every member

    List<Chat> aliceHeard = new CopyOnWriteArrayList<>();
    List<TroupeClientException> aliceErrors = new CopyOnWriteArrayList<>();
    AtomicReference<String> aliceClosed = new AtomicReference<>();
    TroupeChannel alice =
        client.openChannel(
            "room-sdk",
            Map.of("name", "alice"),
            Chat.class,
            new ChannelListener<>() {
              @Override
              public void onMessage(Chat message) {
                aliceHeard.add(message);
              }

              @Override
              public void onError(TroupeClientException error) {
                aliceErrors.add(error);
              }

              @Override
              public void onClose(String reason) {
                aliceClosed.set(reason);
              }
            });
    alice.send(new Chat("alice", "early")); // before the room accepted: waits in the client
    String aliceId = alice.awaitOpened();
    assertThat(aliceId).isNotEmpty();

    List<JsonNode> bobHeard = new CopyOnWriteArrayList<>();
    TroupeChannel bob = client.openChannel("room-sdk", "\"bob\"", bobHeard::add);
    bob.awaitOpened();
    bob.send(new Chat("bob", "hello alice"));

    await().atMost(WAIT).until(() -> aliceHeard.contains(new Chat("bob", "hello alice")));
    assertThat(aliceHeard).contains(new Chat("alice", "early"));
    await()
        .atMost(WAIT)
        .until(
            () -> bobHeard.contains(client.mapper().valueToTree(new Chat("bob", "hello alice"))));

    // a frame that is not JSON is refused: an error, and the channel goes on
    alice.send("{not json");
    await().atMost(WAIT).until(() -> aliceErrors.size() == 1);
    assertThat(aliceErrors.get(0).kind()).isEqualTo("INVALID_ARGUMENT");
    assertThat(aliceErrors.get(0).code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    // so is a message alice cannot read as a Chat
    bob.send("[1, 2]");
    await().atMost(WAIT).until(() -> aliceErrors.size() == 2);
    assertThat(aliceErrors.get(1).getMessage()).contains("[1,2]", "as Chat");
    alice.send(new Chat("alice", "still here"));
    await().atMost(WAIT).until(() -> aliceHeard.contains(new Chat("alice", "still here")));

    alice.close();
    assertThat(alice.closed().get(30, TimeUnit.SECONDS)).isEqualTo("closed by the client");
    assertThat(aliceClosed.get()).isEqualTo("closed by the client");
    assertThatThrownBy(() -> alice.send(new Chat("alice", "too late")))
        .isInstanceOf(TroupeClientException.class)
        .hasMessageContaining("closed");
    // the room's state is its members' channel ids: alice left
    await().atMost(WAIT).until(() -> members("room-sdk").size() == 1);
    assertThat(client.state("room-sdk").getStateJson().toStringUtf8()).doesNotContain(aliceId);

    // sent and closed at once, before the room even accepted: the message goes first, and
    // what the room sends back while handling it arrives before the close
    List<JsonNode> quickHeard = new CopyOnWriteArrayList<>();
    TroupeChannel quick = client.openChannel("room-sdk", "\"quick\"", quickHeard::add);
    quick.send("\"in and out\"");
    quick.close();
    assertThat(quick.closed().get(30, TimeUnit.SECONDS)).isEqualTo("closed by the client");
    assertThat(quickHeard).containsExactly(client.mapper().readTree("\"in and out\""));
    assertThat(quick.opened()).isCompleted();

    // the room stops: the node closes bob's channel
    client.stop("room-sdk");
    assertThat(bob.closed().get(30, TimeUnit.SECONDS)).isNotEmpty();
  }

  @Test
  void aChannelTheActorDoesNotTake_failsToOpen_withTheKind() {
    client.start(EXAMPLES.resolve("echo/echo.toml"), "echo-no-channels");
    List<TroupeClientException> failures = new CopyOnWriteArrayList<>();
    TroupeChannel c =
        client.openChannel(
            "echo-no-channels",
            "1",
            new ChannelListener<>() {
              @Override
              public void onMessage(JsonNode message) {}

              @Override
              public void onFailure(TroupeClientException failure) {
                failures.add(failure);
              }
            });
    assertThatThrownBy(c::awaitOpened)
        .isInstanceOfSatisfying(
            TroupeClientException.class,
            e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(failures).hasSize(1);
    assertThat(c.closed()).isCompletedExceptionally();

    TroupeChannel none = client.openChannel("nobody-here", "1", m -> {});
    assertThatThrownBy(none::awaitOpened)
        .isInstanceOfSatisfying(
            TroupeClientException.class, e -> assertThat(e.kind()).isEqualTo("ACTOR_NOT_FOUND"));
  }

  @Test
  void aSubscriptionHearsLiveEvents_nothingAfterItIsClosed_andEndsWhenTheActorStops()
      throws Exception {
    client.start(EXAMPLES.resolve("counter/counter.toml"), "sub-live");
    List<ChainEvent> seen = new CopyOnWriteArrayList<>();
    List<ChainEvent> all = new CopyOnWriteArrayList<>();
    Subscription sub = client.subscribe("sub-live", 0, seen::add);
    Subscription whole = client.subscribe("sub-live", 0, all::add);

    client.send("sub-live", 7);
    long length = client.describe("sub-live").getChainLength();
    await().atMost(WAIT).until(() -> seen.size() == length);
    assertThat(seen.stream().mapToLong(ChainEvent::getSeq).toArray())
        .containsExactly(seqs(0, length));
    assertThat(seen.get(0).getType()).isEqualTo("actor.started");
    assertThat(sub.nextSeq()).isEqualTo(length);

    sub.close();
    assertThat(sub.done().get(10, TimeUnit.SECONDS)).isEqualTo(length);
    client.send("sub-live", 8);
    long longer = client.describe("sub-live").getChainLength();
    await().atMost(WAIT).until(() -> all.size() == longer); // the other one hears the send...
    assertThat(seen).hasSize((int) length); // ...this one does not

    client.stop("sub-live");
    long last = whole.done().get(30, TimeUnit.SECONDS);
    assertThat(all).hasSize((int) last);
    assertThat(all.get(all.size() - 1).getType()).isEqualTo("actor.stopped");
  }

  @Test
  void aSubscriptionGoesOnFromTheNextSeqWhenItsConnectionBreaks() throws Exception {
    client.start(EXAMPLES.resolve("counter/counter.toml"), "sub-resume");
    try (TcpProxy proxy = new TcpProxy(node.grpcAddress());
        TroupeClient viaProxy =
            TroupeClient.builder().target(proxy.address()).target(node.grpcAddress()).build()) {
      List<ChainEvent> seen = new CopyOnWriteArrayList<>();
      Subscription sub = viaProxy.subscribe("sub-resume", 0, seen::add);
      client.send("sub-resume", 1);
      long length = client.describe("sub-resume").getChainLength();
      await().atMost(WAIT).until(() -> seen.size() == length);
      assertThat(proxy.connections()).isPositive();

      proxy.cut(); // the node is fine; the way to it breaks
      client.send("sub-resume", 2);
      client.send("sub-resume", 3);
      long longer = client.describe("sub-resume").getChainLength();
      await().atMost(WAIT).until(() -> seen.size() >= longer);
      assertThat(seen.stream().mapToLong(ChainEvent::getSeq).toArray())
          .containsExactly(seqs(0, longer));
      assertThat(sub.done()).isNotDone();
      sub.close();
    }
  }

  @Test
  void aListenerOrConsumerThatThrows_endsItsChannelOrSubscription() throws Exception {
    client.start(EXAMPLES.resolve("chat-room/room.toml"), "room-throws");
    List<TroupeClientException> failures = new CopyOnWriteArrayList<>();
    TroupeChannel channel =
        client.openChannel(
            "room-throws",
            "null",
            new ChannelListener<>() {
              @Override
              public void onMessage(JsonNode message) {
                throw new IllegalStateException("cannot take " + message);
              }

              @Override
              public void onFailure(TroupeClientException failure) {
                failures.add(failure);
              }
            });
    channel.awaitOpened();
    channel.send(1);
    assertThatThrownBy(() -> channel.closed().get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            TroupeClientException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Status.Code.CANCELLED);
              assertThat(e.getCause()).hasMessage("cannot take 1");
            });
    assertThat(failures).hasSize(1);
    await().atMost(WAIT).until(() -> members("room-throws").isEmpty()); // the node closed it

    Subscription sub =
        client.subscribe(
            "room-throws",
            0,
            e -> {
              if (e.getSeq() == 1) {
                throw new IllegalStateException("not seq 1");
              }
            });
    assertThatThrownBy(() -> sub.done().get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(TroupeClientException.class)
        .hasRootCauseMessage("not seq 1");
    assertThat(sub.nextSeq()).isEqualTo(1);
  }

  /**
   * A follower of an actor that was idle for longer than the client's deadline still goes on when
   * its connection breaks: the deadline bounds the time without a node, not without events.
   */
  @Test
  void aFollowerOfAnIdleActorGoesOnWhenItsConnectionBreaks() throws Exception {
    client.start(EXAMPLES.resolve("counter/counter.toml"), "follow-idle");
    try (TcpProxy proxy = new TcpProxy(node.grpcAddress());
        TroupeClient viaProxy =
            TroupeClient.builder()
                .target(proxy.address())
                .target(node.grpcAddress())
                .deadline(Duration.ofSeconds(1))
                .build()) {
      List<ChainEvent> followed = new CopyOnWriteArrayList<>();
      List<ChainEvent> subscribed = new CopyOnWriteArrayList<>();
      CompletableFuture<Long> follower =
          CompletableFuture.supplyAsync(() -> viaProxy.follow("follow-idle", 0, followed::add));
      Subscription sub = viaProxy.subscribe("follow-idle", 0, subscribed::add);
      long length = client.describe("follow-idle").getChainLength();
      await().atMost(WAIT).until(() -> followed.size() == length && subscribed.size() == length);

      Thread.sleep(2_500); // what is tested: idle for longer than the deadline
      proxy.cut();
      client.send("follow-idle", 2);
      long longer = client.describe("follow-idle").getChainLength();
      await()
          .atMost(WAIT)
          .failFast(() -> follower.isDone() || sub.done().isDone())
          .until(() -> followed.size() == longer && subscribed.size() == longer);
      sub.close();
      client.stop("follow-idle");
      assertThat(follower.get(30, TimeUnit.SECONDS)).isEqualTo(longer + 1); // and actor.stopped
    }
  }

  private static JsonNode members(String room) throws Exception {
    return client.mapper().readTree(client.state(room).getStateJson().toStringUtf8());
  }

  private static long[] seqs(long from, long to) {
    return java.util.stream.LongStream.range(from, to).toArray();
  }
}
