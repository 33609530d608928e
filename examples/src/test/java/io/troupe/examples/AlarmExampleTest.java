package io.troupe.examples;

import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AlarmExampleTest {
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void eachTimerRingsOnce_intoTheListOfRings() throws Exception {
    ActorSystem system = systems.build();
    ActorHandle alarm = system.start(new ManifestParser().parse(Path.of("alarm/alarm.toml")));
    assertThat(alarm.request(json.readTree("\"rings?\"")).join().isNull()).isTrue();
    alarm.send(json.readTree("300")).join();
    alarm.send(json.readTree("10")).join();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> alarm.request(json.readTree("\"rings?\"")).join().size() == 2);
    JsonNode rings = alarm.request(json.readTree("\"rings?\"")).join();
    // the shorter timer rings first
    var started =
        alarm.chain().stream().filter(e -> e.type().equals(EventTypes.ASYNC_STARTED)).toList();
    String first = json.readTree(started.get(0).dataAsString()).get("op_id").asText();
    String second = json.readTree(started.get(1).dataAsString()).get("op_id").asText();
    assertThat(rings.get(0).get(0).asText()).isEqualTo(second);
    assertThat(rings.get(1).get(0).asText()).isEqualTo(first);
    assertThat(rings.get(0).get(1)).isEqualTo(json.readTree("{\"Ok\":null}"));
    // a bad delay is the sender's error, and no timer
    assertThatThrownBy(() -> alarm.send(json.readTree("-1")).join())
        .hasMessageContaining("millis must be between 0 and");
    assertThat(alarm.chain().stream().filter(e -> e.type().equals(EventTypes.ASYNC_STARTED)))
        .hasSize(2);
    assertThatChain(alarm.chain()).verifies();
  }
}
