package io.troupe.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.chain.EventTypes;
import io.troupe.chain.Sha256;
import io.troupe.error.InvalidArgumentException;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.replay.Replay;
import io.troupe.replay.ReplayReport;
import io.troupe.wasm.LoadedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replay re-executes a chain against a module and names the first event it does not reproduce. */
class ReplayTest {
  private static final Path MANIFEST = Path.of("counter/counter.toml");

  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system = systems.build();
  private final ObjectMapper json = new ObjectMapper();
  private final Manifest manifest = new ManifestParser().parse(MANIFEST);

  /** The counter's chain after 5, 3, a message without a number (which adds 1), 2 and a request. */
  private List<ChainEvent> counterChain() throws Exception {
    ActorHandle counter = system.start(manifest);
    for (String m : List.of("5", "3", "\"tick\"", "2")) {
      counter.send(json.readTree(m)).join();
    }
    assertThat(counter.request(json.readTree("\"total?\"")).join().asLong()).isEqualTo(11);
    return counter.chain();
  }

  private ReplayReport replay(List<ChainEvent> chain, LoadedModule module) {
    try (Replay r =
        Replay.builder(module)
            .limits(manifest.limits())
            .initState(manifest.initState().orElseThrow().getBytes(StandardCharsets.UTF_8))
            .build()) {
      chain.forEach(r::accept);
      return r.finish();
    }
  }

  @Test
  void theModuleReproducesItsOwnChain_hostCallsAnsweredFromIt() throws Exception {
    List<ChainEvent> chain = counterChain();
    ReplayReport report = replay(chain, system.module(manifest.module()));
    assertThat(report.reproduced()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(chain.size());
    assertThat(report.turns()).isEqualTo(6); // init, four sends, one request
    assertThat(report.summary())
        .isEqualTo(
            "ok: " + chain.size() + " events reproduced (actor " + chain.get(0).actor() + ")");
  }

  @Test
  void anAlteredResultThatStillVerifies_isCaughtAtItsSeq() throws Exception {
    List<ChainEvent> chain = counterChain();
    ChainEvent second =
        chain.stream()
            .filter(e -> e.type().equals(EventTypes.WASM_RESULT))
            .skip(2)
            .findFirst()
            .orElseThrow();
    ObjectNode data = (ObjectNode) json.readTree(second.data());
    String forged = Sha256.hex("{\"count\":80}".getBytes(StandardCharsets.UTF_8));
    data.put("state_sha256", forged);
    List<ChainEvent> altered =
        rehashedFrom(chain, (int) second.seq(), json.writeValueAsBytes(data));
    assertThat(ChainVerifier.verify(altered).valid()).isTrue();

    ReplayReport report = replay(altered, system.module(manifest.module()));

    assertThat(report.reproduced()).isFalse();
    ReplayReport.Divergence d = report.divergence().orElseThrow();
    assertThat(d.seq()).isEqualTo(second.seq());
    assertThat(d.recorded()).contains(forged);
    assertThat(d.replayed()).contains("{\"count\":8}");
    assertThat(report.summary()).startsWith("diverged at seq " + second.seq());
  }

  @Test
  void aModuleChangedInOneBranch_isCaughtAtTheFirstEventThatTakesIt() throws Exception {
    List<ChainEvent> chain = counterChain();
    String text = Files.readString(MANIFEST.resolveSibling("counter.wat"));
    String branch = "(then (local.set $add (i64.const 1)))";
    assertThat(text).contains(branch);
    LoadedModule changed =
        system.load(
            text.replace(branch, "(then (local.set $add (i64.const 2)))")
                .getBytes(StandardCharsets.UTF_8));
    // the message without a number takes the branch: its turn logs "count is now 10", not 9
    ChainEvent call =
        chain.stream()
            .filter(e -> e.type().equals(EventTypes.WASM_CALL))
            .filter(e -> e.dataAsString().contains("tick"))
            .findFirst()
            .orElseThrow();
    ChainEvent log =
        chain.stream()
            .filter(e -> e.seq() > call.seq() && e.type().equals(EventTypes.HOST_CALL))
            .findFirst()
            .orElseThrow();

    ReplayReport report = replay(chain, changed);

    ReplayReport.Divergence d = report.divergence().orElseThrow();
    assertThat(d.seq()).isEqualTo(log.seq());
    assertThat(d.recorded()).contains("count is now 9");
    assertThat(d.replayed()).contains("count is now 10");
    assertThat(report.notes()).anyMatch(n -> n.contains("the chain was recorded with sha256:"));
  }

  @Test
  void aChainStartingAfterItsGenesis_needsTheStateOfACheckpoint() throws Exception {
    List<ChainEvent> chain = counterChain();
    try (Replay r =
        Replay.builder(system.module(manifest.module())).limits(manifest.limits()).build()) {
      chain.subList(3, chain.size()).forEach(r::accept);
      assertThatThrownBy(r::finish)
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("starts at seq 3, after its genesis");
    }
    try (Replay r = Replay.builder(system.module(manifest.module())).build()) {
      assertThatThrownBy(() -> chain.forEach(r::accept))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("the manifest's init_state is not set");
    }
    try (Replay r =
        Replay.builder(system.module(manifest.module()))
            .states(h -> Optional.of("{\"count\":0}".getBytes(StandardCharsets.UTF_8)))
            .build()) {
      chain.forEach(r::accept);
      assertThat(r.finish().reproduced()).isTrue();
    }
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
