package io.troupe.examples;

import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EchoExampleTest {
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void answersEachRequestWithItsMessage_andKeepsNoState() throws Exception {
    ActorSystem system = systems.build();
    ActorHandle echo = system.start(new ManifestParser().parse(Path.of("echo/echo.toml")));
    for (String msg :
        new String[] {"{\"hello\":[1,2,{\"x\":\"\\\"quoted\\\"\"}]}", "null", "\"s\"", "-1.5e3"}) {
      assertThat(echo.request(json.readTree(msg)).join()).isEqualTo(json.readTree(msg));
    }
    echo.send(json.readTree("{}")).join();
    assertThat(echo.state()).isEmpty();
    assertThatChain(echo.chain()).verifies();
    assertThat(echo.chain().stream().filter(e -> e.type().equals(EventTypes.WASM_RESULT)))
        .allSatisfy(e -> assertThat(e.dataAsString()).contains("\"state_sha256\":null"));
  }
}
