package io.troupe.examples;

import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.actor.Callbacks;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.ManifestParser;
import io.troupe.wasm.ExecutionMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CounterExampleTest {
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();

  private final ObjectMapper json = new ObjectMapper();

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void counts_logs_andAnswers_inBothExecutionModes(ExecutionMode mode) throws Exception {
    ActorSystem system = systems.build(b -> b.executionMode(mode));
    ActorHandle counter = system.start(new ManifestParser().parse(Path.of("counter/counter.toml")));
    counter.send(json.readTree("5")).join();
    counter.send(json.readTree("{\"add\": -2}")).join();
    counter.send(json.readTree("\"tick\"")).join();
    assertThat(counter.request(json.readTree("\"total?\"")).join().asLong()).isEqualTo(4);
    assertThat(counter.state()).contains(json.readTree("{\"count\":4}"));
    assertThat(
            counter
                .callFunction(Callbacks.HANDLE_REQUEST, List.of("r1", "again"), Long.class)
                .join())
        .isEqualTo(4L);
    assertThat(counter.chain().stream().filter(e -> e.type().equals(EventTypes.HOST_CALL)))
        .hasSize(3)
        .allSatisfy(e -> assertThat(e.dataAsString()).contains("count is now"));
    assertThatChain(counter.chain()).verifies();
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void concurrentSenders_neverInterleaveTurns_andNothingIsLost(ExecutionMode mode)
      throws Exception {
    ActorSystem system = systems.build(b -> b.executionMode(mode));
    ActorHandle counter = system.start(new ManifestParser().parse(Path.of("counter/counter.toml")));
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 200; i++) {
                  CompletableFuture<Void> f = counter.send(json.getNodeFactory().numberNode(1));
                  synchronized (sends) {
                    sends.add(f);
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    assertThat(counter.request(json.readTree("0")).join().asLong()).isEqualTo(800);
    // Turns never interleave: each wasm.call is followed by its host.call and its wasm.result.
    var types = counter.chain().stream().map(e -> e.type()).toList();
    // seq 0 actor.started, 1-2 init, then 800 sends of 3 events each, then the request's 2.
    assertThat(types).hasSize(3 + 800 * 3 + 2);
    for (int i = 3; i < 3 + 800 * 3; i += 3) {
      assertThat(types.subList(i, i + 3))
          .containsExactly(EventTypes.WASM_CALL, EventTypes.HOST_CALL, EventTypes.WASM_RESULT);
    }
    assertThatChain(counter.chain()).verifies();
  }
}
