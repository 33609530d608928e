package io.troupe.actor;

import static io.troupe.actor.Guests.REQUEST;
import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.hosting.Resumption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Operation splitting: timers, HTTP, and the store; results arrive as handle-result. */
class AsyncOperationsTest {
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system = systems.build();
  private HttpServer server;
  @TempDir Path dir;
  private int n;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * handle-request forwards msg to {@code iface.fn}; handle-result stores [op_id, result] as the
   * state (unless {@code withResult} is false).
   */
  private ActorHandle actor(String iface, String fn, String toml, boolean withResult)
      throws Exception {
    Path d = Files.createDirectories(dir.resolve("a" + n++));
    String body =
        Guests.forwards(REQUEST, "$fn", "$arg2")
            + (withResult ? Guests.setsState(Callbacks.HANDLE_RESULT, "whole") : "");
    return system.start(
        Fixture.manifest(d, Guests.module(Guests.hostImport(iface, fn, "$fn"), "1", body), toml));
  }

  private JsonNode ask(ActorHandle a, String msg) throws Exception {
    return a.request(json.readTree(msg)).get(20, TimeUnit.SECONDS);
  }

  private List<JsonNode> events(ActorHandle a, String type) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (ChainEvent e : a.chain()) {
      if (e.type().equals(type)) {
        out.add(json.readTree(e.dataAsString()));
      }
    }
    return out;
  }

  private static final String TIMING = "[[handler]]\ntype = \"timing\"\n";

  @Test
  void sleep_returnsAnOpIdAtOnce_andTheResultArrivesAsHandleResult() throws Exception {
    ActorHandle a = actor("troupe:actor/timing", "sleep", TIMING, true);
    String op = ask(a, "[50]").get("Ok").asText();
    assertThat(op).isNotEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.state().filter(s -> s.isArray()).isPresent());
    assertThat(a.state()).contains(json.readTree("[\"" + op + "\",{\"Ok\":null}]"));
    JsonNode started = events(a, EventTypes.ASYNC_STARTED).get(0);
    assertThat(started.get("op_id").asText()).isEqualTo(op);
    assertThat(started.get("kind").asText()).isEqualTo("timing.sleep");
    JsonNode done = events(a, EventTypes.ASYNC_COMPLETED).get(0);
    assertThat(done.get("op_id").asText()).isEqualTo(op);
    assertThat(done.has("result")).isTrue();
  }

  @Test
  void pendingOperations_areBounded_withAnErrorTheActorSees() throws Exception {
    ActorHandle a =
        actor("troupe:actor/timing", "sleep", TIMING + "[limits]\nmax_pending_ops = 2\n", true);
    assertThat(ask(a, "[60000]").has("Ok")).isTrue();
    assertThat(ask(a, "[60000]").has("Ok")).isTrue();
    assertThat(ask(a, "[60000]").get("Err").asText()).contains("max_pending_ops");
    // stopping the actor completes what is pending with an error, before actor.stopped
    system.stop(a.id(), "test").get(10, TimeUnit.SECONDS);
    List<ChainEvent> chain = a.chain();
    List<String> tail =
        chain.subList(chain.size() - 3, chain.size()).stream().map(ChainEvent::type).toList();
    assertThat(tail)
        .containsExactly(
            EventTypes.ASYNC_COMPLETED, EventTypes.ASYNC_COMPLETED, EventTypes.ACTOR_STOPPED);
    assertThat(events(a, EventTypes.ASYNC_COMPLETED).get(0).get("error").asText())
        .contains("cancelled");
  }

  @Test
  void anActorWithoutHandleResult_cannotStartOperations() throws Exception {
    ActorHandle a = actor("troupe:actor/timing", "sleep", TIMING, false);
    assertThat(ask(a, "[1]").get("Err").asText())
        .contains("must export " + Callbacks.HANDLE_RESULT);
  }

  /**
   * handle-request [id, [ms]] starts sleep([ms]); handle-send [[op]] cancels op; handle-result's
   * params become the state.
   */
  private io.troupe.manifest.Manifest timers() throws Exception {
    Path d = Files.createDirectories(dir.resolve("t" + n++));
    String body =
        Guests.forwards(REQUEST, "$sleep", "$arg2")
            + Guests.forwards(Guests.SEND, "$cancel", "$arg1")
            + Guests.setsState(Callbacks.HANDLE_RESULT, "whole");
    return Fixture.manifest(
        d,
        Guests.module(
            Guests.hostImport("troupe:actor/timing", "sleep", "$sleep")
                + Guests.hostImport("troupe:actor/timing", "cancel", "$cancel"),
            "1",
            body),
        TIMING);
  }

  private String opOf(JsonNode answer) {
    return answer.get("Ok").asText();
  }

  @Test
  void cancel_isRecordedInItsOwnTurn_andHandleResultGetsTheError() throws Exception {
    ActorHandle a = system.start(timers());
    String op = opOf(ask(a, "[60000]"));
    a.send(json.readTree("[\"" + op + "\"]")).get(10, TimeUnit.SECONDS);
    List<String> types = a.chain().stream().map(ChainEvent::type).toList();
    // wasm.call, async.completed, host.call (cancel), wasm.result: in the record at once
    int completed = types.indexOf(EventTypes.ASYNC_COMPLETED);
    assertThat(types.subList(completed - 1, completed + 3))
        .containsExactly(
            EventTypes.WASM_CALL,
            EventTypes.ASYNC_COMPLETED,
            EventTypes.HOST_CALL,
            EventTypes.WASM_RESULT);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.state().filter(s -> s.isArray()).isPresent());
    assertThat(a.state())
        .contains(json.readTree("[\"" + op + "\",{\"Err\":\"operation cancelled\"}]"));
    assertThat(events(a, EventTypes.ASYNC_COMPLETED)).hasSize(1);
  }

  /**
   * The actor moves to another node (here: another system) with one timer running and one
   * cancellation recorded but not yet handed to handle-result: the new home hands over the
   * cancellation and fires the timer when it is due, each exactly once.
   */
  @Test
  void aMovedActor_firesItsTimersOnTheNewHome_andDeliversRecordedResults() throws Exception {
    var manifest = timers();
    ActorHandle a = system.start(manifest);
    String timer = opOf(ask(a, "[1500]"));
    String cancelled = opOf(ask(a, "[60000]"));
    a.send(json.readTree("[\"" + cancelled + "\"]")).get(10, TimeUnit.SECONDS);
    // the committed chain up to the cancel's turn: the home dies before handle-result ran
    List<ChainEvent> chain = a.chain();
    int end = chain.stream().map(ChainEvent::type).toList().indexOf(EventTypes.ASYNC_COMPLETED);
    while (!chain.get(end).type().equals(EventTypes.WASM_RESULT)) {
      end++;
    }
    end++;
    List<ChainEvent> history = List.copyOf(chain.subList(0, end));
    system.shutdown();

    try (ActorSystem heir =
        ActorSystem.builder().handlers(StandardHandlers.catalog()).nodeName("heir").build()) {
      heir.hosting()
          .resume(
              new Resumption(
                  a.id(), manifest, java.util.Optional.empty(), history, null, 1, "n0", "test"))
          .get(10, TimeUnit.SECONDS);
      ActorHandle b = heir.get(a.id());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  b.chain().stream()
                          .filter(e -> e.type().equals(EventTypes.WASM_CALL))
                          .filter(e -> e.dataAsString().contains(Callbacks.HANDLE_RESULT))
                          .count()
                      == 2);
      List<ChainEvent> after = b.chain().subList(history.size(), b.chain().size());
      JsonNode moved = json.readTree(after.get(0).dataAsString());
      assertThat(after.get(0).type()).isEqualTo(EventTypes.ACTOR_MOVED);
      assertThat(moved.get("open_ops")).isEqualTo(json.readTree("[\"" + timer + "\"]"));
      List<JsonNode> results =
          after.stream()
              .filter(e -> e.type().equals(EventTypes.WASM_CALL))
              .map(e -> read(e).get("params"))
              .toList();
      // the recorded cancellation first (at once), then the timer when it was due
      assertThat(results)
          .containsExactly(
              json.readTree("[\"" + cancelled + "\",{\"Err\":\"operation cancelled\"}]"),
              json.readTree("[\"" + timer + "\",{\"Ok\":null}]"));
      List<JsonNode> completions =
          after.stream()
              .filter(e -> e.type().equals(EventTypes.ASYNC_COMPLETED))
              .map(this::read)
              .toList();
      assertThat(completions).hasSize(1);
      assertThat(completions.get(0).get("op_id").asText()).isEqualTo(timer);
      assertThat(completions.get(0).get("node").asText()).isEqualTo("heir");
      long startedAt =
          history.stream()
              .filter(e -> e.type().equals(EventTypes.ASYNC_STARTED))
              .findFirst()
              .orElseThrow()
              .timestamp();
      long firedAt =
          after.stream()
              .filter(e -> e.type().equals(EventTypes.ASYNC_COMPLETED))
              .findFirst()
              .orElseThrow()
              .timestamp();
      assertThat(firedAt - startedAt).isGreaterThanOrEqualTo(1500);
      assertThatChain(b.chain()).verifies();
    }
  }

  private JsonNode read(ChainEvent e) {
    try {
      return json.readTree(e.dataAsString());
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  @Test
  void compute_isDispatched_andTheDigestArrivesAsHandleResult() throws Exception {
    ActorHandle a =
        actor("troupe:actor/compute", "sha256", "[[handler]]\ntype = \"compute\"\n", true);
    String op = ask(a, "[\"hello\", 3]").get("Ok").asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> a.state().filter(s -> s.isArray()).isPresent());
    String digest = io.troupe.chain.Sha256.hex("hello".getBytes(StandardCharsets.UTF_8));
    for (int i = 1; i < 3; i++) {
      digest = io.troupe.chain.Sha256.hex(digest.getBytes(StandardCharsets.US_ASCII));
    }
    assertThat(a.state()).contains(json.readTree("[\"" + op + "\",{\"Ok\":\"" + digest + "\"}]"));
    JsonNode started = events(a, EventTypes.ASYNC_STARTED).get(0);
    assertThat(started.get("worker").asText()).isEqualTo("local");
    assertThat(started.get("idempotent").asBoolean()).isTrue();
    assertThat(ask(a, "[\"x\", 0]").get("Err").asText()).contains("rounds between 1 and");
  }

  /** Only the node an operation was placed on answers it: a result from any other is refused. */
  @Test
  void aResultFromANodeOtherThanTheOperationsWorker_isRefused() throws Exception {
    var quiet = onePeer("w1", w -> java.util.concurrent.CompletableFuture.completedFuture(null));
    try (ActorSystem alone =
        ActorSystem.builder()
            .handlers(StandardHandlers.catalog())
            .cluster(quiet, (actor, op, value, error) -> {})
            .build()) {
      Path d = Files.createDirectories(dir.resolve("forged"));
      String body =
          Guests.forwards(REQUEST, "$fn", "$arg2")
              + Guests.setsState(Callbacks.HANDLE_RESULT, "whole");
      ActorHandle a =
          alone.start(
              Fixture.manifest(
                  d,
                  Guests.module(
                      Guests.hostImport("troupe:actor/compute", "sha256", "$fn"), "1", body),
                  "[[handler]]\ntype = \"compute\"\n"));
      String op = ask(a, "[\"x\", 1]").get("Ok").asText();
      assertThatThrownBy(
              () ->
                  alone
                      .hosting()
                      .operationResult(a.id(), op, json.readTree("\"forged\""), null, "intruder")
                      .get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(io.troupe.error.PermissionDeniedException.class)
          .hasMessageContaining("runs on node w1, not on node intruder");
      assertThat(a.state().filter(JsonNode::isArray)).isEmpty();
      alone
          .hosting()
          .operationResult(a.id(), op, json.readTree("\"real\""), null, "w1")
          .get(10, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> a.state().filter(JsonNode::isArray).isPresent());
      assertThat(a.state().orElseThrow().get(1).get("Ok").asText()).isEqualTo("real");
    }
  }

  /**
   * A dispatched operation whose worker never answers (here: a peer that accepts work and goes
   * silent) completes with an error shortly after its deadline, instead of waiting forever.
   */
  @Test
  void aDispatchedOperationWithoutAResult_endsAfterItsDeadline() throws Exception {
    var silent =
        onePeer("ghost", w -> java.util.concurrent.CompletableFuture.completedFuture(null));
    try (ActorSystem alone =
        ActorSystem.builder()
            .handlers(StandardHandlers.catalog())
            .cluster(silent, (actor, op, value, error) -> {})
            .build()) {
      Path d = Files.createDirectories(dir.resolve("ghost"));
      String body =
          Guests.forwards(REQUEST, "$fn", "$arg2")
              + Guests.setsState(Callbacks.HANDLE_RESULT, "whole");
      ActorHandle a =
          alone.start(
              Fixture.manifest(
                  d,
                  Guests.module(
                      Guests.hostImport("troupe:actor/compute", "sha256", "$fn"), "1", body),
                  "[[handler]]\ntype = \"compute\"\ntimeout_ms = 100\n"));
      String op = ask(a, "[\"x\", 1]").get("Ok").asText();
      assertThat(events(a, EventTypes.ASYNC_STARTED).get(0).get("worker").asText())
          .isEqualTo("ghost");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> a.state().filter(s -> s.isArray()).isPresent());
      assertThat(a.state().orElseThrow().get(0).asText()).isEqualTo(op);
      assertThat(a.state().orElseThrow().get(1).get("Err").asText())
          .contains("no result from worker node ghost by the operation's deadline");
    }
  }

  /**
   * A peer that refuses the work (its queue is full, or its link broke): the work runs elsewhere
   * (here, the only other node) and the actor records where, in {@code async.placed}.
   */
  @Test
  void workThatItsFirstWorkerRefusesRunsElsewhere_andTheChainSaysWhere() throws Exception {
    var refusing =
        onePeer(
            "busy",
            w ->
                java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                      throw new io.troupe.error.LimitExceededException("busy is full");
                    }));
    var self = new java.util.concurrent.atomic.AtomicReference<ActorSystem>();
    try (ActorSystem alone =
        ActorSystem.builder()
            .handlers(StandardHandlers.catalog())
            .nodeName("home")
            .cluster(
                refusing,
                (actor, op, value, error) ->
                    self.get()
                        .hosting()
                        .operationResult(ActorId.of(actor), op, value, error, "home"))
            .build()) {
      self.set(alone);
      Path d = Files.createDirectories(dir.resolve("refused"));
      String body =
          Guests.forwards(REQUEST, "$fn", "$arg2")
              + Guests.setsState(Callbacks.HANDLE_RESULT, "whole");
      ActorHandle a =
          alone.start(
              Fixture.manifest(
                  d,
                  Guests.module(
                      Guests.hostImport("troupe:actor/compute", "sha256", "$fn"), "1", body),
                  "[[handler]]\ntype = \"compute\"\n"));
      String op = ask(a, "[\"x\", 1]").get("Ok").asText();
      assertThat(events(a, EventTypes.ASYNC_STARTED).get(0).get("worker").asText())
          .isEqualTo("busy");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> a.state().filter(s -> s.isArray()).isPresent());
      assertThat(a.state().orElseThrow().get(1).get("Ok").asText())
          .isEqualTo(io.troupe.chain.Sha256.hex("x".getBytes(StandardCharsets.UTF_8)));
      List<JsonNode> placed = events(a, EventTypes.ASYNC_PLACED);
      assertThat(placed).hasSize(1);
      assertThat(placed.get(0).get("op_id").asText()).isEqualTo(op);
      assertThat(placed.get(0).get("worker").asText()).isEqualTo("home");
      assertThat(placed.get(0).get("previous").asText()).isEqualTo("busy");
      assertThatChain(a.chain()).verifies();
    }
  }

  /**
   * A cluster of this node and one live, idle peer {@code name}, which takes work by {@code run}.
   */
  private static io.troupe.dispatch.Dispatcher.Cluster onePeer(
      String name,
      java.util.function.Function<
              io.troupe.dispatch.Work, java.util.concurrent.CompletableFuture<Void>>
          run) {
    return new io.troupe.dispatch.Dispatcher.Cluster() {
      @Override
      public List<io.troupe.dispatch.Dispatcher.Load> peers() {
        return List.of(new io.troupe.dispatch.Dispatcher.Load(name, 0, 1000, 0));
      }

      @Override
      public java.util.concurrent.CompletableFuture<Void> run(
          String node, io.troupe.dispatch.Work w) {
        return run.apply(w);
      }

      @Override
      public boolean alive(String node) {
        return true;
      }
    };
  }

  private String serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hello",
        ex -> {
          byte[] body = "hello from the test server".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("X-Test", "yes");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.createContext(
        "/big",
        ex -> {
          byte[] body = new byte[10_000];
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.createContext(
        "/whoami",
        ex -> {
          String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
          byte[] body = auth.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.createContext(
        "/away",
        ex -> {
          ex.getResponseHeaders().add("Location", "http://localhost:1/elsewhere");
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    server.createContext(
        "/moved",
        ex -> {
          ex.getResponseHeaders().add("Location", "/hello");
          ex.sendResponseHeaders(301, -1);
          ex.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static final String HTTP =
      "[[handler]]\ntype = \"http-client\"\nallowed_hosts = [\"127.0.0.1\"]\n"
          + "max_response_bytes = 1000\n";

  @Test
  void http_fetchesWithoutBlockingTheTurn_andTheResponseArrivesAsHandleResult() throws Exception {
    String base = serve();
    ActorHandle a = actor("troupe:actor/http-client", "send-http", HTTP, true);
    String op = ask(a, "[{\"url\":\"" + base + "/hello\"}]").get("Ok").asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> a.state().filter(s -> s.isArray()).isPresent());
    JsonNode result = a.state().orElseThrow();
    assertThat(result.get(0).asText()).isEqualTo(op);
    JsonNode response = result.get(1).get("Ok");
    assertThat(response.get("status").asInt()).isEqualTo(200);
    assertThat(response.get("body").asText()).isEqualTo("hello from the test server");
    assertThat(response.get("headers").get("x-test").asText()).isEqualTo("yes");
  }

  @Test
  void http_refusesHostsOutsideTheAllowList_andOversizedBodies() throws Exception {
    String base = serve();
    ActorHandle a = actor("troupe:actor/http-client", "send-http", HTTP, true);
    assertThat(ask(a, "[{\"url\":\"http://example.com/\"}]").get("Err").asText())
        .contains("not in this actor's http-client allowed_hosts");
    assertThat(ask(a, "[{\"url\":\"file:///etc/passwd\"}]").get("Err").asText())
        .contains("http(s)");
    ask(a, "[{\"url\":\"" + base + "/big\"}]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> a.state().filter(s -> s.isArray()).isPresent());
    assertThat(a.state().orElseThrow().get(1).get("Err").asText()).contains("max_response_bytes");
    assertThat(events(a, EventTypes.ASYNC_COMPLETED).get(0).get("error").asText())
        .contains("max_response_bytes");
  }

  /**
   * Credentials in headers reach the server but not the chain: the host call and the operation's
   * record hold "<redacted>" (and the record says so).
   */
  @Test
  void http_sensitiveHeadersAreSentButRecordedRedacted() throws Exception {
    String base = serve();
    ActorHandle a = actor("troupe:actor/http-client", "send-http", HTTP, true);
    ask(
        a,
        "[{\"url\":\""
            + base
            + "/whoami\",\"headers\":{\"Authorization\":\"Bearer s3cr3t-t0ken\","
            + "\"X-Session\":\"sess-42\",\"X-Plain\":\"visible\"},"
            + "\"sensitive_headers\":[\"x-session\"]}]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> a.state().filter(s -> s.isArray()).isPresent());
    assertThat(a.state().orElseThrow().get(1).get("Ok").get("body").asText())
        .isEqualTo("Bearer s3cr3t-t0ken"); // the server got the real header
    JsonNode call = events(a, EventTypes.HOST_CALL).get(0);
    JsonNode headers = call.get("input").get(0).get("headers");
    assertThat(headers.get("Authorization").asText()).isEqualTo("<redacted>");
    assertThat(headers.get("X-Session").asText()).isEqualTo("<redacted>");
    assertThat(headers.get("X-Plain").asText()).isEqualTo("visible");
    JsonNode started = events(a, EventTypes.ASYNC_STARTED).get(0);
    assertThat(started.toString()).doesNotContain("s3cr3t-t0ken").doesNotContain("sess-42");
    assertThat(started.get("request").get("redacted").asBoolean()).isTrue();
    for (ChainEvent e : a.chain()) {
      if (!e.type().equals(EventTypes.ASYNC_COMPLETED) && !e.type().equals(EventTypes.WASM_CALL)) {
        assertThat(e.dataAsString()).doesNotContain("s3cr3t-t0ken");
      }
    }
    assertThatChain(a.chain()).verifies();
  }

  @Test
  void http_followsRedirectsOnlyToAllowedHosts() throws Exception {
    String base = serve();
    ActorHandle a = actor("troupe:actor/http-client", "send-http", HTTP, true);
    ask(a, "[{\"url\":\"" + base + "/moved\"}]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> a.state().filter(s -> s.isArray()).isPresent());
    assertThat(a.state().orElseThrow().get(1).get("Ok").get("body").asText())
        .isEqualTo("hello from the test server");

    ActorHandle b = actor("troupe:actor/http-client", "send-http", HTTP, true);
    ask(b, "[{\"url\":\"" + base + "/away\"}]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> b.state().filter(s -> s.isArray()).isPresent());
    assertThat(b.state().orElseThrow().get(1).get("Err").asText())
        .contains(
            "redirect to host 'localhost', which is not in this actor's http-client allowed_hosts");
  }

  @Test
  void store_isContentAddressed_withLabels() throws Exception {
    String store = "troupe:actor/store";
    String h = "[[handler]]\ntype = \"store\"\n";
    ActorHandle put = actor(store, "store", h, false);
    ActorHandle label = actor(store, "label", h, false);
    ActorHandle byLabel = actor(store, "get-by-label", h, false);
    ActorHandle get = actor(store, "get", h, false);
    ActorHandle list = actor(store, "list-labels", h, false);
    ActorHandle other =
        actor(store, "get-by-label", "[[handler]]\ntype = \"store\"\nnamespace = \"x\"\n", false);
    String ref = ask(put, "[\"aGVsbG8=\"]").get("Ok").asText();
    assertThat(ref)
        .isEqualTo("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(ask(put, "[\"aGVsbG8=\"]").get("Ok").asText()).isEqualTo(ref);
    assertThat(ask(label, "[\"greeting\",\"" + ref + "\"]"))
        .isEqualTo(json.readTree("{\"Ok\":null}"));
    assertThat(ask(byLabel, "[\"greeting\"]").get("Ok").asText()).isEqualTo(ref);
    assertThat(ask(get, "[\"" + ref + "\"]").get("Ok").asText()).isEqualTo("aGVsbG8=");
    assertThat(ask(list, "[]")).isEqualTo(json.readTree("{\"Ok\":[\"greeting\"]}"));
    assertThat(ask(other, "[\"greeting\"]")).isEqualTo(json.readTree("{\"Ok\":null}"));
    assertThat(ask(get, "[\"sha256:00\"]").get("Err").asText()).contains("no blob");
    assertThat(ask(label, "[\"x\",\"sha256:00\"]").get("Err").asText()).contains("no blob");
    assertThat(ask(put, "[\"not base64!\"]").get("Err").asText()).contains("base64");
  }
}
