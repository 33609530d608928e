package io.troupe.actor;

import static io.troupe.actor.Guests.REQUEST;
import static io.troupe.actor.Guests.SEND;
import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.ChannelRejectedException;
import io.troupe.error.DeadlineExceededException;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.hosting.Resumption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** message-server: send, request (parked, deferred, cancelled, timed out, cyclic), channels. */
class MessagingTest {
  private static final String MS = "troupe:actor/message-server-host";
  private static final String HANDLER = "[[handler]]\ntype = \"message-server\"\n";
  private static final String OPEN = Callbacks.HANDLE_CHANNEL_OPEN;
  private static final String ON_MESSAGE = Callbacks.HANDLE_CHANNEL_MESSAGE;
  private static final String ON_CLOSE = Callbacks.HANDLE_CHANNEL_CLOSE;

  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system = systems.build(b -> b.turnThreads(2));
  @TempDir Path dir;
  private int n;

  private ActorHandle start(String imports, String body, String toml) throws Exception {
    Path d = Files.createDirectories(dir.resolve("a" + n++));
    return system.start(Fixture.manifest(d, Guests.module(imports, "1", body), toml));
  }

  private static String imp(String name, String fn) {
    return Guests.hostImport(MS, name, fn);
  }

  /** Forwards handle-request's msg to message-server-host.request; answers with the result. */
  private ActorHandle forwarder(String toml) throws Exception {
    return start(imp("request", "$req"), Guests.forwards(REQUEST, "$req", "$arg2"), HANDLER + toml);
  }

  private ActorHandle ponger() throws Exception {
    return start("", Guests.constant(REQUEST, 100, "{\"Ok\":[null,{\"pong\":1}]}"), "");
  }

  /** Defers every request; handle-send [[request_id, response]] answers one. */
  private ActorHandle deferrer() throws Exception {
    return start(
        imp("respond-to-request", "$rtr"),
        Guests.constant(REQUEST, 100, "{\"Ok\":[null]}") + Guests.forwards(SEND, "$rtr", "$arg1"),
        HANDLER);
  }

  private JsonNode tree(String text) throws Exception {
    return json.readTree(text);
  }

  private JsonNode ask(ActorHandle a, String msg) throws Exception {
    return a.request(tree(msg)).get(20, TimeUnit.SECONDS);
  }

  private static List<JsonNode> calls(ActorHandle a, String function, ObjectMapper json) {
    List<JsonNode> out = new ArrayList<>();
    for (ChainEvent e : a.chain()) {
      if (e.type().equals(EventTypes.WASM_CALL)) {
        try {
          JsonNode d = json.readTree(e.dataAsString());
          if (d.get("function").asText().equals(function)) {
            out.add(d);
          }
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      }
    }
    return out;
  }

  @Test
  void request_fromInsideACallback_carriesTheSenderAndMessageId() throws Exception {
    ActorHandle a = forwarder("");
    ActorHandle b = ponger();
    JsonNode answer = ask(a, "[\"" + b.id() + "\",{\"ping\":1}]");
    assertThat(answer).isEqualTo(tree("{\"Ok\":{\"pong\":1}}"));
    JsonNode call = calls(b, REQUEST, json).get(0);
    assertThat(call.get("sender").asText()).isEqualTo(a.id().value());
    assertThat(call.get("message_id").asText()).isEqualTo(call.get("params").get(0).asText());
    assertThat(calls(a, REQUEST, json).get(0).get("sender").isNull()).isTrue();
  }

  @Test
  void send_fromInsideACallback_reachesTheTarget() throws Exception {
    ActorHandle a = start(imp("send", "$send"), Guests.forwards(SEND, "$send", "$arg1"), HANDLER);
    ActorHandle b = start("", Guests.constant(SEND, 100, "{\"Ok\":[null]}"), "");
    a.send(tree("[\"" + b.id() + "\",\"hello\"]")).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> calls(b, SEND, json).size() == 1);
    JsonNode call = calls(b, SEND, json).get(0);
    assertThat(call.get("params")).isEqualTo(tree("[\"hello\"]"));
    assertThat(call.get("sender").asText()).isEqualTo(a.id().value());
  }

  @Test
  void manyParkedActors_leaveTheNodeResponsive_andDeferredRepliesArrive() throws Exception {
    ActorHandle b = deferrer();
    ActorHandle other = ponger();
    List<ActorHandle> waiting = new ArrayList<>();
    List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      ActorHandle a = forwarder("request_timeout_ms = 60000\n[limits]\ncall_timeout_ms = 60000\n");
      waiting.add(a);
      answers.add(a.request(tree("[\"" + b.id() + "\"," + i + "]")));
    }
    // every forwarder is parked inside its callback, on 2 turn threads...
    await().atMost(Duration.ofSeconds(30)).until(() -> b.outstandingRequests().size() == 24);
    assertThat(system.parkedTurns()).isEqualTo(24);
    // ...and the node still serves other actors
    assertThat(ask(other, "0")).isEqualTo(tree("{\"pong\":1}"));
    // b answers each deferred request later, with respond-to-request
    for (String id : b.outstandingRequests()) {
      b.send(tree("[\"" + id + "\",{\"answer\":\"" + id + "\"}]")).get(10, TimeUnit.SECONDS);
    }
    for (CompletableFuture<JsonNode> f : answers) {
      assertThat(f.get(20, TimeUnit.SECONDS).get("Ok").get("answer").asText()).isNotEmpty();
    }
    assertThat(b.outstandingRequests()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> system.parkedTurns() == 0);
  }

  @Test
  void requestCycle_failsFastAndNamesTheCycle() throws Exception {
    String slow = "request_timeout_ms = 60000\n[limits]\ncall_timeout_ms = 60000\n";
    ActorHandle a = forwarder(slow);
    ActorHandle b = forwarder(slow);
    long t0 = System.nanoTime();
    // a asks b to ask a: b's request would wait on a, which waits on b
    JsonNode answer = ask(a, "[\"" + b.id() + "\",[\"" + a.id() + "\",1]]");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    String err = answer.get("Ok").get("Err").asText();
    assertThat(err).contains("request cycle").contains(a.id().value()).contains(b.id().value());
    // asking oneself is the shortest cycle
    JsonNode self = ask(a, "[\"" + a.id() + "\",1]");
    assertThat(self.get("Err").asText()).contains("request cycle");
  }

  @Test
  void request_timesOut_withAClearError_andTheTargetForgetsIt() throws Exception {
    ActorHandle a = forwarder("request_timeout_ms = 200\n");
    ActorHandle b = deferrer();
    JsonNode answer = ask(a, "[\"" + b.id() + "\",1]");
    assertThat(answer.get("Err").asText()).contains("no answer within 200 ms");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.outstandingRequests().isEmpty());
  }

  @Test
  void request_toAnUnknownActor_isAnErrorTheActorSees() throws Exception {
    ActorHandle a = forwarder("");
    assertThat(ask(a, "[\"nobody\",1]").get("Err").asText()).contains("no actor nobody");
  }

  @Test
  void listOutstanding_includesTheRequestBeingHandled_andCancelFailsTheSender() throws Exception {
    ActorHandle lister =
        start(
            imp("list-outstanding-requests", "$list"),
            Guests.callsHost(REQUEST, "$list", 100, "[]"),
            HANDLER);
    JsonNode listed = ask(lister, "0");
    String requestId = calls(lister, REQUEST, json).get(0).get("params").get(0).asText();
    assertThat(listed).isEqualTo(tree("{\"Ok\":[\"" + requestId + "\"]}"));

    ActorHandle canceller =
        start(
            imp("cancel-request", "$cancel"),
            Guests.constant(REQUEST, 100, "{\"Ok\":[null]}")
                + Guests.forwards(SEND, "$cancel", "$arg1"),
            HANDLER);
    CompletableFuture<JsonNode> pending = canceller.request(tree("1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> canceller.outstandingRequests().size() == 1);
    String id = canceller.outstandingRequests().get(0);
    canceller.send(tree("[\"" + id + "\"]")).get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.troupe.error.CancelledException.class)
        .hasMessageContaining("cancelled by actor " + canceller.id());
  }

  @Test
  void aRetriedDeferredRequest_waitsForTheActorsAnswer_insteadOfRunningAgain() throws Exception {
    ActorHandle b = deferrer();
    // the first attempt gives up before the actor answers
    CompletableFuture<JsonNode> first =
        system.request(b.id(), tree("1"), Duration.ofMillis(200), "r-1");
    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(DeadlineExceededException.class);
    // its retry (same id) does not run handle-request again: it waits for the actor's answer
    CompletableFuture<JsonNode> retry =
        system.request(b.id(), tree("1"), Duration.ofSeconds(20), "r-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.outstandingRequests().contains("r-1"));
    b.send(tree("[\"r-1\",\"late\"]")).get(10, TimeUnit.SECONDS);
    assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo(tree("\"late\""));
    // from now on a retry is answered from the record
    assertThat(
            system
                .request(b.id(), tree("1"), Duration.ofSeconds(20), "r-1")
                .get(10, TimeUnit.SECONDS))
        .isEqualTo(tree("\"late\""));
    assertThat(calls(b, REQUEST, json)).hasSize(1);
  }

  @Test
  void aMessageIdReusedForADifferentMessage_isRefused_whileOwedAndOnceAnswered() throws Exception {
    ActorHandle b = deferrer();
    CompletableFuture<JsonNode> first =
        system.request(b.id(), tree("1"), Duration.ofMillis(200), "r-3");
    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(DeadlineExceededException.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.outstandingRequests().isEmpty());
    // owed, and asked again with another message under its id
    assertThatThrownBy(
            () ->
                system
                    .request(b.id(), tree("2"), Duration.ofSeconds(5), "r-3")
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.troupe.error.MessageIdReusedException.class)
        .hasMessageContaining("message id r-3 was used for a different message");
    b.send(tree("[\"r-3\",\"late\"]")).get(10, TimeUnit.SECONDS);
    // answered: the same message gets the answer, another one (or a send) an error
    assertThat(
            system
                .request(b.id(), tree("1"), Duration.ofSeconds(5), "r-3")
                .get(10, TimeUnit.SECONDS))
        .isEqualTo(tree("\"late\""));
    assertThatThrownBy(
            () ->
                system
                    .request(b.id(), tree("2"), Duration.ofSeconds(5), "r-3")
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.troupe.error.MessageIdReusedException.class);
    assertThatThrownBy(() -> system.send(b.id(), tree("1"), "r-3").get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.troupe.error.MessageIdReusedException.class);
    assertThat(calls(b, REQUEST, json)).hasSize(1);
    assertThatChain(b.chain()).verifies();
  }

  /**
   * The actor moves (here: its committed chain resumes in another system) while it owes a deferred
   * request: it may still answer it, and the caller's retry gets that answer without handle-request
   * running again.
   */
  @Test
  void aMovedActorStillOwesItsDeferredRequests() throws Exception {
    Path d = Files.createDirectories(dir.resolve("moved"));
    var manifest =
        Fixture.manifest(
            d,
            Guests.module(
                imp("respond-to-request", "$rtr"),
                "1",
                Guests.constant(REQUEST, 100, "{\"Ok\":[null]}")
                    + Guests.forwards(SEND, "$rtr", "$arg1")),
            HANDLER);
    ActorHandle b = system.start(manifest);
    CompletableFuture<JsonNode> pending =
        system.request(b.id(), tree("1"), Duration.ofSeconds(20), "r-2");
    await().atMost(Duration.ofSeconds(10)).until(() -> b.outstandingRequests().contains("r-2"));
    List<io.troupe.chain.ChainEvent> history = b.chain();
    system.shutdown();
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isNotNull();

    try (ActorSystem heir =
        ActorSystem.builder().handlers(StandardHandlers.catalog()).nodeName("heir").build()) {
      heir.hosting()
          .resume(
              new Resumption(
                  b.id(), manifest, java.util.Optional.empty(), history, null, 1, "n0", "test"))
          .get(10, TimeUnit.SECONDS);
      ActorHandle moved = heir.get(b.id());
      CompletableFuture<JsonNode> retry =
          heir.request(b.id(), tree("1"), Duration.ofSeconds(20), "r-2");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> moved.outstandingRequests().contains("r-2"));
      moved.send(tree("[\"r-2\",\"answered on the heir\"]")).get(10, TimeUnit.SECONDS);
      assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo(tree("\"answered on the heir\""));
      assertThat(calls(moved, REQUEST, json)).hasSize(1); // the one before the move
      assertThatChain(moved.chain()).verifies();
    }
  }

  @Test
  void stoppingAnActor_failsTheRequestsItDeferred() throws Exception {
    ActorHandle b = deferrer();
    CompletableFuture<JsonNode> pending = b.request(tree("1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.outstandingRequests().size() == 1);
    system.stop(b.id(), "test").get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ActorNotRunningException.class)
        .hasMessageContaining("stopped before answering");
  }

  @Test
  void externalRequest_hasADeadline() throws Exception {
    ActorHandle b = deferrer();
    assertThatThrownBy(() -> b.request(tree("1"), Duration.ofMillis(100)).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(DeadlineExceededException.class);
  }

  /** Accepts channels and echoes every channel message back on the same channel. */
  private ActorHandle echoRoom() throws Exception {
    return start(
        imp("send-on-channel", "$son"),
        Guests.constant(OPEN, 100, "{\"Ok\":[null,{\"accepted\":true,\"message\":null}]}")
            + Guests.forwards(ON_MESSAGE, "$son", "whole")
            + Guests.constant(ON_CLOSE, 200, "{\"Ok\":[null]}"),
        HANDLER);
  }

  private static final class Listener implements ChannelListener {
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final List<String> closed = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(String channelId, JsonNode message) {
      received.add(message);
    }

    @Override
    public void onClose(String channelId, String reason) {
      closed.add(reason);
    }
  }

  @Test
  void clientChannel_opensExchangesAndCloses_withBothSidesTold() throws Exception {
    ActorHandle room = echoRoom();
    Listener l = new Listener();
    ClientChannel ch = system.openChannel(room.id(), tree("\"hi\""), l).get(10, TimeUnit.SECONDS);
    assertThat(system.channelsOf(room.id())).containsExactly(ch.id());
    ch.send(tree("{\"n\":1}")).get(10, TimeUnit.SECONDS);
    ch.send(tree("{\"n\":2}")).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> l.received.size() == 2);
    assertThat(l.received).containsExactly(tree("{\"n\":1}"), tree("{\"n\":2}"));
    ch.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls(room, ON_CLOSE, json).size() == 1);
    assertThat(system.channelsOf(room.id())).isEmpty();
    assertThatThrownBy(() -> ch.send(tree("3"))).hasMessageContaining("no open channel");

    // an actor that stops closes its channels, and the client hears of it
    Listener l2 = new Listener();
    system.openChannel(room.id(), tree("\"again\""), l2).get(10, TimeUnit.SECONDS);
    system.stop(room.id(), "test").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> l2.closed.size() == 1);
  }

  @Test
  void channelOpen_canBeRejected_withTheActorsMessage() throws Exception {
    ActorHandle door =
        start(
            "",
            Guests.constant(OPEN, 100, "{\"Ok\":[null,{\"accepted\":false,\"message\":\"full\"}]}"),
            "");
    assertThatThrownBy(
            () ->
                system.openChannel(door.id(), tree("1"), new Listener()).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ChannelRejectedException.class)
        .hasMessageContaining("full");
    assertThat(system.channelsOf(door.id())).isEmpty();
  }

  @Test
  @LeavesOpen(
      value = LeavesOpen.What.CHANNELS,
      because = "the channel stays open; the node's shutdown closes it")
  void actorToActorChannel_carriesMessagesBothWays() throws Exception {
    ActorHandle room = echoRoom();
    // opener: handle-request opens a channel to msg[0]; handle-send sends [cid, msg] on it
    ActorHandle opener =
        start(
            imp("open-channel", "$open") + imp("send-on-channel", "$son"),
            Guests.forwards(REQUEST, "$open", "$arg2")
                + Guests.forwards(SEND, "$son", "$arg1")
                + Guests.constant(ON_MESSAGE, 100, "{\"Ok\":[null]}"),
            HANDLER);
    String cid = ask(opener, "[\"" + room.id() + "\",\"hello\"]").get("Ok").asText();
    assertThat(system.channelsOf(opener.id())).containsExactly(cid);
    opener.send(tree("[\"" + cid + "\",{\"say\":\"hi\"}]")).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> calls(opener, ON_MESSAGE, json).size() == 1);
    JsonNode echoed = calls(opener, ON_MESSAGE, json).get(0);
    assertThat(echoed.get("params")).isEqualTo(tree("[\"" + cid + "\",{\"say\":\"hi\"}]"));
    assertThat(echoed.get("sender").asText()).isEqualTo(room.id().value());
  }
}
