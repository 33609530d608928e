package io.troupe.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.manifest.ManifestParser;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The AssemblyScript SDK's typed state (examples/typed-state): a class decorated with {@code
 * @state} is read from the actor's JSON state and written back to it, field by field, by methods
 * its build adds — integers to u64's full range, floats, booleans, escaped strings, Json, nested
 * classes and arrays of them; no state yet reads as a new instance.
 */
class TypedStateTest {
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();
  private final ActorSystem system = systems.build();

  private ActorHandle start() {
    return system.start(
        new ManifestParser()
            .parse(GuestExamples.manifest("typed-state", "assemblyscript", "typed-state")));
  }

  @Test
  void aStateClassIsReadAndWrittenFieldByField() throws Exception {
    ActorHandle a = start();
    JsonNode fresh = a.request(json.readTree("\"state?\"")).join();
    assertThat(fresh.path("total").asLong()).isZero(); // no state yet: the class's initial values
    assertThat(fresh.path("name").asText()).isEqualTo("none");
    assertThat(fresh.path("tags")).isEmpty();
    assertThat(fresh.has("ignored")).as("static fields stay out").isFalse();

    a.send(json.readTree("5")).join();
    a.send(json.readTree("{\"k\":[1,2]}")).join();
    JsonNode s = a.state().orElseThrow();
    assertThat(s.path("total").asLong()).isEqualTo(5);
    assertThat(s.path("big").bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(s.path("name").asText()).isEqualTo("a \"quoted\" name");
    assertThat(s.path("on").asBoolean()).isFalse(); // flipped twice
    assertThat(s.path("tags")).hasSize(2);
    assertThat(s.path("points").get(1).path("y").asDouble()).isEqualTo(0.5);
    assertThat(s.path("last")).isEqualTo(json.readTree("{\"x\":5,\"y\":0.5}"));
    assertThat(s.path("extra")).isEqualTo(json.readTree("{\"k\":[1,2]}"));
    assertThat(a.request(json.readTree("\"state?\"")).join()).isEqualTo(s);
  }
}
