package io.troupe.examples;

import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Idle actors sleep without an instance and wake on their next turn, the chain none the wiser. */
class PassivationTest {
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void anIdleCounterSleepsAndWakesWithItsState_recordingNothingOfEither() throws Exception {
    ActorSystem system = systems.build(b -> b.passivateAfter(Duration.ofMillis(50)));
    ActorHandle counter = system.start(new ManifestParser().parse(Path.of("counter/counter.toml")));
    counter.send(json.readTree("5")).join();
    counter.send(json.readTree("{\"add\": 10}")).join();
    await().atMost(Duration.ofSeconds(10)).until(() -> system.sleeping() == 1);
    List<ChainEvent> asleep = counter.chain();

    assertThat(counter.request(json.readTree("\"total?\"")).join().asInt()).isEqualTo(15);
    List<ChainEvent> after = counter.chain();
    assertThat(after.subList(0, asleep.size())).isEqualTo(asleep);
    assertThat(after.subList(asleep.size(), after.size()))
        .extracting(ChainEvent::type)
        .containsExactly(EventTypes.WASM_CALL, EventTypes.WASM_RESULT);

    // asleep again, and woken by a send this time
    await().atMost(Duration.ofSeconds(10)).until(() -> system.sleeping() == 1);
    counter.send(json.readTree("1")).join();
    assertThat(counter.request(json.readTree("\"total?\"")).join().asInt()).isEqualTo(16);
    assertThatChain(counter.chain()).verifies();
  }

  @Test
  void aSleepingActorIsWokenByTheResultOfItsOwnOperation() throws Exception {
    ActorSystem system = systems.build(b -> b.passivateAfter(Duration.ofMillis(50)));
    ActorHandle alarm = system.start(new ManifestParser().parse(Path.of("alarm/alarm.toml")));
    alarm.send(json.readTree("1500")).join();
    // it sleeps while its timer runs...
    await().atMost(Duration.ofSeconds(10)).until(() -> system.sleeping() == 1);
    assertThat(alarm.chain().stream().filter(e -> e.type().equals(EventTypes.ASYNC_COMPLETED)))
        .isEmpty();
    // ...and the ring wakes it to handle the result
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> alarm.request(json.readTree("\"rings?\"")).join().size() == 1);
    assertThatChain(alarm.chain()).verifies();
  }

  @Test
  void withoutTheSettingNothingSleeps() throws Exception {
    ActorSystem system = systems.build();
    ActorHandle counter = system.start(new ManifestParser().parse(Path.of("counter/counter.toml")));
    counter.send(json.readTree("5")).join();
    Thread.sleep(300); // nothing to wait for: proving an absence
    assertThat(system.sleeping()).isZero();
  }
}
