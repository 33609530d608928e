package io.troupe.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SupervisorTreeExampleTest {
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();
  private final ActorSystem system = systems.build();

  private long restarts(ActorHandle a) {
    return a.chain().stream().filter(e -> e.type().equals(EventTypes.ACTOR_RESTARTED)).count();
  }

  private static Path supervisor(String lang) {
    return GuestExamples.manifest("supervisor-tree", lang, "supervisor");
  }

  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  void aCrashingWorker_isRestarted_andKeepsItsCount(String lang) throws Exception {
    ActorHandle sup = system.start(new ManifestParser().parse(supervisor(lang)));
    assertThat(sup.children()).hasSize(1);
    ActorHandle worker = system.get(sup.children().get(0));
    assertThat(sup.state()).contains(json.readTree("\"" + worker.id() + "\""));

    sup.send(json.readTree("5")).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.state().get().asInt() == 5);
    for (int crash = 1; crash <= 2; crash++) {
      sup.send(json.readTree("\"crash\"")).get(10, TimeUnit.SECONDS);
      long expected = crash;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> restarts(worker) == expected && worker.status() == ActorStatus.RUNNING);
    }
    // a message sent right after a crash waits for the restart instead of failing
    sup.send(json.readTree("\"crash\"")).get(10, TimeUnit.SECONDS);
    sup.send(json.readTree("2")).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> restarts(worker) == 3);
    assertThat(sup.request(json.readTree("\"count?\"")).get(10, TimeUnit.SECONDS).asInt())
        .isEqualTo(7);
    assertThat(
            sup.chain().stream()
                .filter(
                    e ->
                        e.type().equals(EventTypes.WASM_CALL)
                            && e.dataAsString().contains("handle-child-error")))
        .hasSize(3);

    // stopping the supervisor stops the tree
    system.stop(sup.id(), "demo over").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.status() == ActorStatus.STOPPED);
  }
}
