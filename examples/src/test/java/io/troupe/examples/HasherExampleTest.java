package io.troupe.examples;

import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.chain.Sha256;
import io.troupe.manifest.ManifestParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HasherExampleTest {
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void digestsArriveAsResults() throws Exception {
    ActorSystem system = systems.build();
    ActorHandle h = system.start(new ManifestParser().parse(Path.of("hasher/hasher.toml")));
    h.send(json.readTree("[\"hello\", 2]")).join();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !h.request(json.readTree("\"results?\"")).join().isNull());
    JsonNode results = h.request(json.readTree("\"results?\"")).join();
    String once = Sha256.hex("hello".getBytes(StandardCharsets.UTF_8));
    String twice = Sha256.hex(once.getBytes(StandardCharsets.US_ASCII));
    assertThat(results.get(0).get(1).get("Ok").asText()).isEqualTo(twice);
    assertThatChain(h.chain()).verifies();
  }
}
