package io.troupe.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RequestResponseExampleTest {
  private final ObjectMapper json = new ObjectMapper();
  private final ManifestParser parser = new ManifestParser();
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();
  private final ActorSystem system = systems.build();
  private final ActorHandle kv =
      system.start(parser.parse(Path.of("kv-store/kv-store.toml")), ActorId.of("kv"));
  private ActorHandle front;

  private void start(String lang) {
    Path manifest = GuestExamples.manifest("request-response", lang, "front");
    front = system.start(parser.parse(manifest), ActorId.of("front"));
  }

  private JsonNode ask(String msg) throws Exception {
    return front.request(json.readTree(msg)).get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  void forwardsRequests_andCountsThem(String lang) throws Exception {
    start(lang);
    assertThat(ask("[\"kv\",[\"put\",\"a\",{\"n\":1}]]").asBoolean()).isTrue();
    assertThat(ask("[\"kv\",[\"get\",\"a\"]]")).isEqualTo(json.readTree("{\"n\":1}"));
    assertThat(front.state()).contains(json.readTree("2"));
    assertThat(kv.state()).contains(json.readTree("{\"a\":{\"n\":1}}"));
    // the backend saw the front as the sender of both requests
    assertThat(
            kv.chain().stream()
                .filter(e -> e.type().equals(EventTypes.WASM_CALL))
                .map(e -> e.dataAsString()))
        .hasSize(2)
        .allSatisfy(d -> assertThat(d).contains("\"sender\":\"front\""));
  }

  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  void errorsOfTheBackend_andUnknownActors_becomeTheRequestsError(String lang) throws Exception {
    start(lang);
    assertThatThrownBy(() -> ask("[\"kv\",[\"frobnicate\"]]"))
        .hasMessageContaining("expected [op, key, value?]");
    assertThatThrownBy(() -> ask("[\"nobody\",1]")).hasMessageContaining("no actor nobody");
    assertThatThrownBy(() -> ask("[\"front\",1]")).hasMessageContaining("request cycle");
    assertThat(front.state()).contains(json.readTree("0"));
  }
}
