package io.troupe.actor;

import static io.troupe.actor.Guests.REQUEST;
import static io.troupe.actor.Guests.SEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.error.InvalidManifestException;
import io.troupe.error.InvalidModuleException;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.environment.EnvironmentHandler;
import io.troupe.host.random.RandomHandler;
import io.troupe.host.runtime.RuntimeHandler;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.host.timing.TimingHandler;
import io.troupe.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The runtime, timing, random and environment handlers, and the recording of every host call. */
class HandlersTest {
  private final ObjectMapper json = new ObjectMapper();
  private final MutableClock clock = MutableClock.start();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system =
      systems.build(
          b ->
              b.clock(clock)
                  .handlers(
                      new HandlerCatalog(
                          List.of(
                              new RuntimeHandler(),
                              new TimingHandler(),
                              new RandomHandler(),
                              new EnvironmentHandler(
                                  Map.of("TROUPE_COLOR", "blue", "SECRET", "hunter2"))))));
  @TempDir Path dir;

  private ActorHandle actorCalling(String iface, String fn, String params, String handlerToml) {
    byte[] module =
        Guests.module(
            Guests.hostImport(iface, fn, "$h"), "1", Guests.callsHost(REQUEST, "$h", 100, params));
    return system.start(Fixture.manifest(dir, module, handlerToml));
  }

  private JsonNode ask(ActorHandle a) throws Exception {
    return a.request(json.readTree("0")).join();
  }

  private ChainEvent lastHostCall(ActorHandle a) {
    return a.chain().stream()
        .filter(e -> e.type().equals(EventTypes.HOST_CALL))
        .reduce((x, y) -> y)
        .orElseThrow();
  }

  @Test
  void timingNow_readsTheInjectedClock_andIsRecorded() throws Exception {
    ActorHandle a =
        actorCalling("troupe:actor/timing", "now", "[]", "[[handler]]\ntype = \"timing\"\n");
    long t0 = clock.millis();
    assertThat(ask(a).get("Ok").asLong()).isEqualTo(t0);
    clock.advance(Duration.ofSeconds(5));
    assertThat(ask(a).get("Ok").asLong()).isEqualTo(t0 + 5000);
    JsonNode recorded = json.readTree(lastHostCall(a).dataAsString());
    assertThat(recorded.get("function").asText()).isEqualTo("troupe:actor/timing.now");
    assertThat(recorded.get("input")).isEqualTo(json.readTree("[]"));
    assertThat(recorded.get("output").get("Ok").asLong()).isEqualTo(t0 + 5000);
    assertThat(lastHostCall(a).timestamp()).isEqualTo(t0 + 5000);
  }

  @Test
  void random_isSeededPerActor_soTheSameIdDrawsTheSameValues_andValuesAreRecorded()
      throws Exception {
    byte[] module =
        Guests.module(
            Guests.hostImport("troupe:actor/random", "random-u64", "$h"),
            "1",
            Guests.callsHost(REQUEST, "$h", 100, "[]"));
    var manifest = Fixture.manifest(dir, module, "[[handler]]\ntype = \"random\"\n");
    ActorHandle a = system.start(manifest, ActorId.of("dice-1"));
    ActorHandle b = system.start(manifest, ActorId.of("dice-2"));
    JsonNode a1 = ask(a);
    JsonNode a2 = ask(a);
    assertThat(a1).isNotEqualTo(a2);
    assertThat(ask(b)).isNotEqualTo(a1);
    system.stop(a.id(), "again").join();
    ActorSystem second = ActorSystem.builder().handlers(StandardHandlers.catalog()).build();
    try {
      ActorHandle again = second.start(manifest, ActorId.of("dice-1"));
      assertThat(again.request(json.readTree("0")).join()).isEqualTo(a1);
    } finally {
      second.shutdown();
    }
    assertThat(json.readTree(lastHostCall(a).dataAsString()).get("output")).isEqualTo(a2);
  }

  @Test
  void random_rangeWithBadBounds_isAnErrTheGuestSees() throws Exception {
    ActorHandle a =
        actorCalling(
            "troupe:actor/random", "random-range", "[5,5]", "[[handler]]\ntype = \"random\"\n");
    assertThat(ask(a).get("Err").asText()).contains("min must be below max");
  }

  @Test
  void environment_exposesOnlyAllowedVariables() throws Exception {
    String toml = "[[handler]]\ntype = \"environment\"\nallowed_vars = [\"TROUPE_COLOR\"]\n";
    assertThat(
            ask(actorCalling("troupe:actor/environment", "get-var", "[\"TROUPE_COLOR\"]", toml))
                .get("Ok")
                .asText())
        .isEqualTo("blue");
    assertThat(
            ask(actorCalling("troupe:actor/environment", "get-var", "[\"SECRET\"]", toml))
                .get("Ok")
                .isNull())
        .isTrue();
    assertThat(ask(actorCalling("troupe:actor/environment", "list-vars", "[]", toml)).get("Ok"))
        .isEqualTo(json.readTree("[[\"TROUPE_COLOR\",\"blue\"]]"));
  }

  @Test
  void environment_secretVarsReachTheGuestButTheChainKeepsOnlyTheirHash() throws Exception {
    String toml =
        "[[handler]]\ntype = \"environment\"\nallowed_vars = [\"TROUPE_COLOR\"]\n"
            + "secret_vars = [\"SECRET\"]\n";
    ActorHandle a = actorCalling("troupe:actor/environment", "get-var", "[\"SECRET\"]", toml);
    assertThat(ask(a).get("Ok").asText()).isEqualTo("hunter2");
    ChainEvent call = lastHostCall(a);
    assertThat(call.dataAsString())
        .doesNotContain("hunter2")
        .contains(EnvironmentHandler.hashed("hunter2"));
    ActorHandle lister = actorCalling("troupe:actor/environment", "list-vars", "[]", toml);
    assertThat(ask(lister).get("Ok"))
        .isEqualTo(json.readTree("[[\"SECRET\",\"hunter2\"],[\"TROUPE_COLOR\",\"blue\"]]"));
    assertThat(lastHostCall(lister).dataAsString()).doesNotContain("hunter2").contains("blue");
    for (ChainEvent e : a.chain()) {
      if (!e.type().equals(EventTypes.WASM_RESULT)) { // the guest's own answer is its business
        assertThat(e.dataAsString()).doesNotContain("hunter2");
      }
    }
  }

  @Test
  void environment_refusesTheEmptyPrefixThatWouldShowEverything() {
    String toml = "[[handler]]\ntype = \"environment\"\nallowed_prefixes = [\"TROUPE_\", \"\"]\n";
    assertThatThrownBy(() -> actorCalling("troupe:actor/environment", "list-vars", "[]", toml))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("the empty prefix in 'allowed_prefixes'");
  }

  @Test
  void runtime_selfIdAndGetState() throws Exception {
    String toml = "init_state = { n = 7 }\n[[handler]]\ntype = \"runtime\"\n";
    byte[] selfId =
        Guests.module(
            Guests.hostImport("troupe:actor/runtime", "self-id", "$h"),
            "1",
            Guests.callsHost(REQUEST, "$h", 100, "[]"));
    assertThat(
            ask(system.start(Fixture.manifest(dir, selfId, toml), ActorId.of("me")))
                .get("Ok")
                .asText())
        .isEqualTo("me");
    assertThat(ask(actorCalling("troupe:actor/runtime", "get-state", "[]", toml)).get("Ok"))
        .isEqualTo(json.readTree("{\"n\":7}"));
  }

  @Test
  void runtime_shutdown_stopsTheActorAfterItsTurn() throws Exception {
    ActorHandle a =
        actorCalling(
            "troupe:actor/runtime",
            "shutdown",
            "[{\"bye\":true}]",
            "[[handler]]\ntype = \"runtime\"\n");
    ask(a);
    assertThat(a.status()).isEqualTo(ActorStatus.STOPPED);
    ChainEvent last = a.chain().get(a.chain().size() - 1);
    assertThat(last.type()).isEqualTo(EventTypes.ACTOR_STOPPED);
    assertThat(json.readTree(last.dataAsString()).get("data"))
        .isEqualTo(json.readTree("{\"bye\":true}"));
  }

  @Test
  void hostCallWithBadParams_answersErr_andRecordsIt() throws Exception {
    ActorHandle a =
        actorCalling("troupe:actor/runtime", "log", "[1,2]", "[[handler]]\ntype = \"runtime\"\n");
    assertThat(ask(a).get("Err").asText()).contains("expected 1 params [text]");
    JsonNode recorded = json.readTree(lastHostCall(a).dataAsString());
    assertThat(recorded.get("input")).isEqualTo(json.readTree("[1,2]"));
    assertThat(recorded.get("output").has("Err")).isTrue();
  }

  @Test
  void importOfAnUndeclaredHandler_failsTheStart_namingTheHandler() {
    byte[] module =
        Guests.module(
            Guests.hostImport("troupe:actor/timing", "now", "$h"),
            "1",
            Guests.callsHost(REQUEST, "$h", 100, "[]"));
    assertThatThrownBy(() -> system.start(Fixture.manifest(dir, module, "")))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("troupe:actor/timing.now")
        .hasMessageContaining("type = \"timing\"");
  }

  @Test
  void importNoHandlerProvides_failsTheStart() {
    byte[] module =
        Guests.module(
            Guests.hostImport("wasi_snapshot_preview1", "fd_write", "$h"),
            "1",
            Guests.constant(SEND, 100, "{\"Ok\":[null]}"));
    assertThatThrownBy(() -> system.start(Fixture.manifest(dir, module, "")))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("wasi_snapshot_preview1.fd_write, which no Troupe handler provides");
  }

  @Test
  void unknownHandlerTypeOrSetting_isAManifestError() {
    byte[] module = Guests.module(Guests.constant(SEND, 100, "{\"Ok\":[null]}"));
    assertThatThrownBy(
            () -> system.start(Fixture.manifest(dir, module, "[[handler]]\ntype = \"teleport\"\n")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("unknown handler type 'teleport'");
    assertThatThrownBy(
            () ->
                system.start(
                    Fixture.manifest(dir, module, "[[handler]]\ntype = \"timing\"\nspeed = 2\n")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("handler 'timing': unknown key 'speed'");
  }
}
