package io.troupe.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.error.GuestErrorException;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KvStoreExampleTest {
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();
  private final ActorSystem system = systems.build();
  private ActorHandle kv;

  private void start(String lang) {
    Path manifest = GuestExamples.manifest("kv-store", lang, "kv-store");
    kv = system.start(new ManifestParser().parse(manifest));
  }

  private JsonNode ask(String msg) throws Exception {
    return kv.request(json.readTree(msg)).join();
  }

  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  void putGetDelete(String lang) throws Exception {
    start(lang);
    assertThat(ask("[\"get\", \"a\"]").isNull()).isTrue();
    assertThat(ask("[\"put\", \"a\", {\"x\": [1, 2], \"s\": \"}\\\"]\"}]").asBoolean()).isTrue();
    assertThat(ask("[\"put\", \"b\", 2]").asBoolean()).isTrue();
    assertThat(ask("[\"get\", \"a\"]")).isEqualTo(json.readTree("{\"x\":[1,2],\"s\":\"}\\\"]\"}"));
    assertThat(ask("[\"put\", \"a\", \"replaced\"]").asBoolean()).isTrue();
    assertThat(kv.state()).contains(json.readTree("{\"a\":\"replaced\",\"b\":2}"));
    assertThat(ask("[\"delete\", \"a\"]").asBoolean()).isTrue();
    assertThat(ask("[\"delete\", \"a\"]").asBoolean()).isFalse();
    assertThat(kv.state()).contains(json.readTree("{\"b\":2}"));
  }

  /** A get answers the state and the value: the answer is larger than the state itself. */
  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  void largeValuesComeBackWhole(String lang) throws Exception {
    start(lang);
    String big = "x".repeat(40_000);
    for (String key : new String[] {"a", "b", "c"}) {
      assertThat(ask("[\"put\", \"" + key + "\", \"" + big + key + "\"]").asBoolean()).isTrue();
    }
    assertThat(ask("[\"get\", \"c\"]").asText()).isEqualTo(big + "c");
    assertThat(ask("[\"get\", \"a\"]").asText()).isEqualTo(big + "a");
  }

  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  void aBadRequest_isAnErrTheStoreSurvives(String lang) throws Exception {
    start(lang);
    assertThatThrownBy(() -> ask("[\"frobnicate\", \"a\"]"))
        .hasCauseInstanceOf(GuestErrorException.class)
        .hasMessageContaining("expected [op, key, value?]");
    assertThat(kv.status()).isEqualTo(ActorStatus.RUNNING);
    assertThat(ask("[\"put\", \"k\", 1]").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  void randomOperations_matchAJavaMap(String lang) throws Exception {
    start(lang);
    Random random = new Random(42);
    Map<String, Integer> model = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      String key = "k" + random.nextInt(12);
      switch (random.nextInt(3)) {
        case 0 -> {
          int v = random.nextInt(1000);
          ask("[\"put\", \"" + key + "\", " + v + "]");
          model.put(key, v);
        }
        case 1 -> {
          JsonNode got = ask("[\"get\", \"" + key + "\"]");
          assertThat(got.isNull() ? null : got.asInt())
              .as("get %s at step %s", key, i)
              .isEqualTo(model.get(key));
        }
        default ->
            assertThat(ask("[\"delete\", \"" + key + "\"]").asBoolean())
                .isEqualTo(model.remove(key) != null);
      }
      assertThat(kv.state().orElseThrow())
          .as("state at step %s", i)
          .isEqualTo(json.valueToTree(model));
    }
  }
}
