package io.troupe.actor;

import static io.troupe.actor.Guests.REQUEST;
import static io.troupe.actor.Guests.SEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** supervisor: spawn, restart policy (resume or fresh, limits), stop/restart-child, callbacks. */
class SupervisionTest {
  private static final String SUP = "troupe:actor/supervisor";
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system = systems.build();
  @TempDir Path dir;

  @BeforeEach
  void worker() throws Exception {
    // handle-send: the message becomes the state; "crash" traps. handle-request [id, [data]]:
    // runtime.shutdown(data).
    Files.write(
        dir.resolve("worker.wasm"),
        Guests.module(
            Guests.hostImport("troupe:actor/runtime", "shutdown", "$shutdown"),
            "1",
            Guests.setsState(SEND, "$arg1") + Guests.forwards(REQUEST, "$shutdown", "$arg2")));
    Files.writeString(
        dir.resolve("worker.toml"),
        "name = \"worker\"\nmodule = \"worker.wasm\"\ninit_state = 0\n"
            + "[[handler]]\ntype = \"runtime\"\n");
  }

  /**
   * A supervisor whose init spawns a worker (state 5) and whose handle-request calls {@code fn}.
   */
  private ActorHandle supervisor(String fn, String toml) throws Exception {
    String body =
        Guests.callsHost(Callbacks.INIT, "$spawn", 100, "[\"worker.toml\",5]")
            + (fn == null ? "" : Guests.forwards(REQUEST, "$fn", "$arg2"))
            + Guests.constant(Callbacks.HANDLE_CHILD_ERROR, 200, "{\"Ok\":[null]}")
            + Guests.constant(Callbacks.HANDLE_CHILD_EXIT, 220, "{\"Ok\":[null]}")
            + Guests.constant(Callbacks.HANDLE_CHILD_EXTERNAL_STOP, 240, "{\"Ok\":[null]}");
    String imports =
        Guests.hostImport(SUP, "spawn", "$spawn")
            + (fn == null ? "" : Guests.hostImport(SUP, fn, "$fn"));
    Files.write(dir.resolve("sup.wasm"), Guests.module(imports, "1", body));
    Path manifest = dir.resolve("sup.toml");
    Files.writeString(
        manifest,
        "name = \"sup\"\nmodule = \"sup.wasm\"\n[[handler]]\ntype = \"supervisor\"\n" + toml);
    return system.start(new ManifestParser().parse(manifest));
  }

  private ActorHandle onlyChild(ActorHandle sup) {
    assertThat(sup.children()).hasSize(1);
    return system.get(sup.children().get(0));
  }

  private JsonNode tree(String s) throws Exception {
    return json.readTree(s);
  }

  private List<JsonNode> callsOf(ActorHandle a, String function) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (ChainEvent e : a.chain()) {
      if (e.type().equals(EventTypes.WASM_CALL)) {
        JsonNode d = json.readTree(e.dataAsString());
        if (d.get("function").asText().equals(function)) {
          out.add(d.get("params"));
        }
      }
    }
    return out;
  }

  private List<JsonNode> events(ActorHandle a, String type) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (ChainEvent e : a.chain()) {
      if (e.type().equals(type)) {
        out.add(json.readTree(e.dataAsString()));
      }
    }
    return out;
  }

  @Test
  void spawn_runsTheChildsInitWithItsState_andListsIt() throws Exception {
    ActorHandle sup = supervisor("list-children", "");
    ActorHandle child = onlyChild(sup);
    assertThat(child.parent()).contains(sup.id());
    assertThat(child.state()).contains(tree("5"));
    assertThat(sup.request(tree("[]")).get(10, TimeUnit.SECONDS))
        .isEqualTo(tree("{\"Ok\":[\"" + child.id() + "\"]}"));
    assertThat(events(child, EventTypes.ACTOR_STARTED).get(0).get("parent").asText())
        .isEqualTo(sup.id().value());
  }

  @Test
  void crashingChild_isRestartedByThePolicy_fromItsLastVerifiedState() throws Exception {
    ActorHandle sup = supervisor(null, "[supervision]\nbackoff_ms = 10\n");
    ActorHandle child = onlyChild(sup);
    child.send(tree("7")).get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> child.send(tree("\"crash\"")).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("trap");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> events(child, EventTypes.ACTOR_RESTARTED).size() == 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> child.status() == ActorStatus.RUNNING);
    JsonNode restarted = events(child, EventTypes.ACTOR_RESTARTED).get(0);
    assertThat(restarted.get("resume").asText()).isEqualTo("last-state");
    assertThat(child.state()).contains(tree("7"));
    child.send(tree("8")).get(10, TimeUnit.SECONDS);
    assertThat(child.state()).contains(tree("8"));
    JsonNode error = callsOf(sup, Callbacks.HANDLE_CHILD_ERROR).get(0);
    assertThat(error.get(0).asText()).isEqualTo(child.id().value());
    assertThat(error.get(1).get("restarting").asBoolean()).isTrue();
    assertThat(error.get(1).get("message").asText()).contains("trap");
  }

  @Test
  void pastMaxRestarts_theChildStaysFailed() throws Exception {
    ActorHandle sup = supervisor(null, "[supervision]\nmax_restarts = 1\nbackoff_ms = 1\n");
    ActorHandle child = onlyChild(sup);
    child.send(tree("\"crash\""));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                child.status() == ActorStatus.RUNNING
                    && events(child, EventTypes.ACTOR_RESTARTED).size() == 1);
    child.send(tree("\"crash\""));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> callsOf(sup, Callbacks.HANDLE_CHILD_ERROR).size() == 2);
    assertThat(
            callsOf(sup, Callbacks.HANDLE_CHILD_ERROR).get(1).get(1).get("restarting").asBoolean())
        .isFalse();
    assertThat(child.status()).isEqualTo(ActorStatus.FAILED);
    assertThat(events(child, EventTypes.ACTOR_RESTARTED)).hasSize(1);
  }

  @Test
  void freshPolicy_restartsFromTheInitialState() throws Exception {
    ActorHandle sup = supervisor(null, "[supervision]\nresume = \"fresh\"\nbackoff_ms = 1\n");
    ActorHandle child = onlyChild(sup);
    child.send(tree("7")).get(10, TimeUnit.SECONDS);
    child.send(tree("\"crash\""));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> events(child, EventTypes.ACTOR_RESTARTED).size() == 1);
    assertThat(events(child, EventTypes.ACTOR_RESTARTED).get(0).get("resume").asText())
        .isEqualTo("fresh");
    assertThat(child.state()).contains(tree("5"));
  }

  @Test
  void restartChild_reallyRestartsInAFreshInstance() throws Exception {
    ActorHandle sup = supervisor("restart-child", "");
    ActorHandle child = onlyChild(sup);
    child.send(tree("7")).get(10, TimeUnit.SECONDS);
    sup.request(tree("[\"" + child.id() + "\"]")).get(10, TimeUnit.SECONDS);
    assertThat(events(child, EventTypes.ACTOR_RESTARTED)).hasSize(1);
    assertThat(child.status()).isEqualTo(ActorStatus.RUNNING);
    assertThat(child.state()).contains(tree("7"));
    assertThat(sup.request(tree("[\"nobody\"]")).get(10, TimeUnit.SECONDS).get("Err").asText())
        .contains("not a child");
  }

  @Test
  void stopChild_stopsIt_withoutACallback() throws Exception {
    ActorHandle sup = supervisor("stop-child", "");
    ActorHandle child = onlyChild(sup);
    sup.request(tree("[\"" + child.id() + "\"]")).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> child.status() == ActorStatus.STOPPED);
    assertThat(sup.children()).isEmpty();
    assertThat(callsOf(sup, Callbacks.HANDLE_CHILD_EXTERNAL_STOP)).isEmpty();
  }

  @Test
  void childExitAndExternalStop_reachTheirCallbacks() throws Exception {
    ActorHandle sup = supervisor(null, "");
    ActorHandle child = onlyChild(sup);
    child.request(tree("[\"bye\"]")).get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> callsOf(sup, Callbacks.HANDLE_CHILD_EXIT).size() == 1);
    assertThat(callsOf(sup, Callbacks.HANDLE_CHILD_EXIT).get(0))
        .isEqualTo(tree("[\"" + child.id() + "\",\"bye\"]"));
    assertThat(events(child, EventTypes.ACTOR_RESTARTED)).isEmpty(); // on-failure only

    ActorHandle sup2 = supervisor(null, "");
    ActorHandle child2 = onlyChild(sup2);
    system.stop(child2.id(), "operator").get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> callsOf(sup2, Callbacks.HANDLE_CHILD_EXTERNAL_STOP).size() == 1);
  }

  @Test
  void stoppingTheParent_stopsItsChildren() throws Exception {
    ActorHandle sup = supervisor(null, "");
    ActorHandle child = onlyChild(sup);
    system.stop(sup.id(), "test").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> child.status() == ActorStatus.STOPPED);
    assertThat(events(child, EventTypes.ACTOR_STOPPED).get(0).get("reason").asText())
        .contains("parent");
  }

  @Test
  void childStateAndEvents_areReadable() throws Exception {
    ActorHandle stateSup = supervisor("get-child-state", "");
    ActorHandle child = onlyChild(stateSup);
    child.send(tree("{\"k\":1}")).get(10, TimeUnit.SECONDS);
    assertThat(stateSup.request(tree("[\"" + child.id() + "\"]")).get(10, TimeUnit.SECONDS))
        .isEqualTo(tree("{\"Ok\":{\"k\":1}}"));
    ActorHandle eventsSup = supervisor("get-child-events", "");
    ActorHandle child2 = onlyChild(eventsSup);
    JsonNode evs =
        eventsSup.request(tree("[\"" + child2.id() + "\"]")).get(10, TimeUnit.SECONDS).get("Ok");
    assertThat(evs.size()).isEqualTo(child2.chain().size());
    assertThat(evs.get(0).get("type").asText()).isEqualTo(EventTypes.ACTOR_STARTED);
    assertThat(evs.get(0).get("hash").asText()).isEqualTo(child2.chain().get(0).hash().toHex());
  }
}
