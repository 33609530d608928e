package io.troupe.actor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.Manifest;
import io.troupe.replay.Replay;
import io.troupe.replay.ReplayReport;
import io.troupe.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replay of an actor whose turns draw random numbers and read the clock: the values the module gets
 * on replay are the ones its chain recorded (docs/chain.md, "Replay"), never new draws or the time
 * of the replay.
 */
class ReplayHostValuesTest {
  private static final String RANDOM = "troupe:actor/random.random-u64";
  private static final String NOW = "troupe:actor/timing.now";
  private static final Instant RECORDED_AT = Instant.parse("2001-02-03T04:05:06Z");

  /**
   * handle-send: draws a random u64, reads the clock, and makes the state {@code [<draw>,<now>]}
   * from the two host answers as they came ({@code {"Ok":N}} each).
   */
  private static final String DRAWS_AND_READS_THE_CLOCK =
      """
      (data (i32.const 200) "[]")
      (func (export "%s") (param i32 i32 i32 i32) (result i64)
        (local $r i64) (local $t i64) (local $rl i32) (local $tl i32) (local $out i32)
        (local.set $r (call $random (i32.const 200) (i32.const 2)))
        (local.set $t (call $now (i32.const 200) (i32.const 2)))
        (local.set $rl (i32.wrap_i64 (local.get $r)))
        (local.set $tl (i32.wrap_i64 (local.get $t)))
        (local.set $out (call $alloc (i32.add (i32.add (local.get $rl) (local.get $tl)) (i32.const 3))))
        (i32.store8 (local.get $out) (i32.const 91))
        (memory.copy (i32.add (local.get $out) (i32.const 1))
          (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32))) (local.get $rl))
        (i32.store8 (i32.add (local.get $out) (i32.add (local.get $rl) (i32.const 1))) (i32.const 44))
        (memory.copy (i32.add (local.get $out) (i32.add (local.get $rl) (i32.const 2)))
          (i32.wrap_i64 (i64.shr_u (local.get $t) (i64.const 32))) (local.get $tl))
        (i32.store8
          (i32.add (local.get $out) (i32.add (i32.add (local.get $rl) (local.get $tl)) (i32.const 2)))
          (i32.const 93))
        (call $set_state
          (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
                  (i64.extend_i32_u (i32.add (i32.add (local.get $rl) (local.get $tl)) (i32.const 3))))))
      """
          .formatted(Guests.SEND);

  private final ObjectMapper json = new ObjectMapper();
  private final MutableClock clock = new MutableClock(RECORDED_AT);
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system = systems.build(b -> b.clock(clock));
  @TempDir Path dir;

  private Manifest manifest() {
    byte[] module =
        Guests.module(
            Guests.hostImport("troupe:actor/random", "random-u64", "$random")
                + Guests.hostImport("troupe:actor/timing", "now", "$now"),
            "1",
            DRAWS_AND_READS_THE_CLOCK);
    return Fixture.manifest(
        dir, module, "[[handler]]\ntype = \"random\"\n\n[[handler]]\ntype = \"timing\"\n");
  }

  /**
   * Three turns, a second apart on the test's clock; each state holds that turn's draw and time.
   */
  private List<ChainEvent> recordedChain(Manifest manifest) throws Exception {
    ActorHandle a = system.start(manifest, ActorId.of("dice"));
    List<JsonNode> states = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      a.send(json.readTree("1")).join();
      states.add(a.state().orElseThrow());
      clock.advance(Duration.ofSeconds(1));
    }
    List<ChainEvent> chain = a.chain();
    List<JsonNode> draws = outputs(chain, RANDOM);
    List<JsonNode> times = outputs(chain, NOW);
    assertThat(draws).hasSize(3).doesNotHaveDuplicates();
    assertThat(times)
        .extracting(t -> t.get("Ok").asLong())
        .containsExactly(
            RECORDED_AT.toEpochMilli(),
            RECORDED_AT.toEpochMilli() + 1000,
            RECORDED_AT.toEpochMilli() + 2000);
    for (int i = 0; i < 3; i++) {
      assertThat(states.get(i))
          .isEqualTo(json.createArrayNode().add(draws.get(i)).add(times.get(i)));
    }
    return chain;
  }

  private List<JsonNode> outputs(List<ChainEvent> chain, String function) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (ChainEvent e : hostCalls(chain, function)) {
      out.add(json.readTree(e.data()).get("output"));
    }
    return out;
  }

  private static List<ChainEvent> hostCalls(List<ChainEvent> chain, String function) {
    return chain.stream()
        .filter(e -> e.type().equals(EventTypes.HOST_CALL))
        .filter(e -> e.dataAsString().contains("\"function\":\"" + function + "\""))
        .toList();
  }

  private ReplayReport replay(Manifest manifest, List<ChainEvent> chain) {
    try (Replay r =
        Replay.builder(system.module(manifest.module())).limits(manifest.limits()).build()) {
      chain.forEach(r::accept);
      return r.finish();
    }
  }

  @Test
  void drawsAndTimesAreAnsweredFromTheChain_soItsStatesAreReproducedLater() throws Exception {
    Manifest manifest = manifest();
    List<ChainEvent> chain = recordedChain(manifest);
    // the world has moved on: another time, and the actor's generator has drawn further
    clock.set(Instant.parse("2031-01-01T00:00:00Z"));

    ReplayReport report = replay(manifest, chain);

    assertThat(report.reproduced()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(chain.size());
    assertThat(report.turns()).isEqualTo(3);
    assertThat(report.summary())
        .isEqualTo("ok: " + chain.size() + " events reproduced (actor dice)");
  }

  @ParameterizedTest
  @ValueSource(strings = {RANDOM, NOW})
  void anAlteredRecordedAnswerThatStillVerifies_divergesAtTheTurnThatGotIt(String function)
      throws Exception {
    Manifest manifest = manifest();
    List<ChainEvent> chain = recordedChain(manifest);
    ChainEvent second = hostCalls(chain, function).get(1);
    ObjectNode data = (ObjectNode) json.readTree(second.data());
    JsonNode original = data.get("output").get("Ok");
    data.set("output", json.createObjectNode().put("Ok", 42));
    List<ChainEvent> altered =
        rehashedFrom(chain, (int) second.seq(), json.writeValueAsBytes(data));
    assertThat(ChainVerifier.verify(altered).valid()).isTrue();
    ChainEvent result =
        chain.stream()
            .filter(e -> e.seq() > second.seq() && e.type().equals(EventTypes.WASM_RESULT))
            .findFirst()
            .orElseThrow();

    ReplayReport report = replay(manifest, altered);

    ReplayReport.Divergence d = report.divergence().orElseThrow();
    assertThat(d.seq()).as(report.summary()).isEqualTo(result.seq());
    assertThat(report.turns()).isEqualTo(2); // the first turn was reproduced
    // the module was given the altered answer, not a new draw or the time now
    assertThat(d.replayed()).contains("{\"Ok\":42}").doesNotContain("\"Ok\":" + original + "}");
    assertThat(d.recorded()).contains(json.readTree(result.data()).get("state_sha256").asText());
    assertThat(report.summary()).startsWith("diverged at seq " + result.seq());
  }

  /** {@code chain} with the data of event {@code at} replaced and every later event re-linked. */
  private static List<ChainEvent> rehashedFrom(List<ChainEvent> chain, int at, byte[] data) {
    List<ChainEvent> out = new ArrayList<>(chain.subList(0, at));
    EventHash parent = chain.get(at).parent();
    for (int i = at; i < chain.size(); i++) {
      ChainEvent e = chain.get(i);
      ChainEvent next =
          ChainEvent.create(
              e.actor(), e.seq(), parent, e.type(), e.timestamp(), i == at ? data : e.data());
      out.add(next);
      parent = next.hash();
    }
    return out;
  }
}
