package io.troupe.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.troupe.chain.ChainEvent;
import io.troupe.error.ActorAlreadyExistsException;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.InternalException;
import io.troupe.hosting.Resident;
import io.troupe.hosting.Resumption;
import io.troupe.manifest.Manifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The cluster's interface into the runtime: resume, hand off, lose, and what it refuses. */
class HostingTest {
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  final ActorSystem home = systems.build(b -> b.nodeName("home"));
  final ActorSystem heir = systems.build(b -> b.nodeName("heir"));
  @TempDir Path dir;

  /** A guest whose state is the last number it was sent. */
  private Manifest keeper() {
    return Fixture.manifest(
        dir, Guests.module(Guests.setsState(Guests.SEND, "$arg1")), "init_state = 0\n");
  }

  private Resumption resumption(ActorHandle a, List<ChainEvent> history, byte[] state) {
    return new Resumption(
        a.id(), a.manifest(), Optional.empty(), history, state, 1, "home", "test");
  }

  private ActorHandle started() throws Exception {
    ActorHandle a = home.start(keeper());
    a.send(JsonNodeFactory.instance.numberNode(42)).get(10, TimeUnit.SECONDS);
    return a;
  }

  @Test
  void anActorGoesOnFromItsChainAndStateInANewEpoch() throws Exception {
    ActorHandle a = started();
    List<ChainEvent> history = a.chain();
    byte[] state = "42".getBytes(StandardCharsets.UTF_8);
    long epoch = home.hosting().handOff(a.id()).get(10, TimeUnit.SECONDS);
    assertThat(epoch).isZero();
    assertThat(home.hosting().resident(a.id())).isEmpty();

    heir.hosting().resume(resumption(a, history, state)).get(10, TimeUnit.SECONDS);
    assertThat(heir.hosting().resident(a.id()))
        .contains(new Resident(a.id(), ActorStatus.RUNNING, Optional.empty(), 1));
    ActorHandle moved = heir.get(a.id());
    assertThat(moved.state()).contains(JsonNodeFactory.instance.numberNode(42));
    assertThat(moved.chain().get(history.size()).type()).isEqualTo("actor.moved");
  }

  @Test
  void aHistoryThatDoesNotVerifyIsRefusedAndNothingRuns() throws Exception {
    ActorHandle a = started();
    List<ChainEvent> tampered = new ArrayList<>(a.chain());
    ChainEvent last = tampered.get(tampered.size() - 1);
    tampered.set(
        tampered.size() - 1,
        new ChainEvent(
            last.actor(),
            last.seq(),
            last.parent(),
            last.type(),
            last.timestamp(),
            "{\"forged\":true}".getBytes(StandardCharsets.UTF_8),
            last.hash()));
    assertThatThrownBy(
            () ->
                heir.hosting()
                    .resume(resumption(a, tampered, "42".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InternalException.class)
        .hasMessageContaining("cannot move here");
    assertThat(heir.find(a.id())).isEmpty();
  }

  @Test
  void aModuleThatIsNotTheOneTheChainStartedWithIsRefused() throws Exception {
    ActorHandle a = started();
    Manifest other =
        Fixture.manifest(
            java.nio.file.Files.createDirectories(dir.resolve("other")),
            Guests.module(Guests.setsState(Guests.REQUEST, "$arg1")),
            "init_state = 0\n");
    assertThatThrownBy(
            () ->
                heir.hosting()
                    .resume(
                        new Resumption(
                            a.id(),
                            other,
                            Optional.empty(),
                            a.chain(),
                            "42".getBytes(StandardCharsets.UTF_8),
                            1,
                            "home",
                            "test"))
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.troupe.error.InvalidModuleException.class)
        .hasMessageContaining("is not the one its chain names");
    assertThat(heir.hosting().resident(a.id())).isEmpty();
  }

  /**
   * A history held from a checkpoint on (the store keeps what came before) names no start: the
   * checkpoint names the module, and another module is refused all the same.
   */
  @Test
  void aHistoryThatBeginsAtACheckpointStillNamesItsModule() throws Exception {
    ActorHandle a = started();
    EventCodec codec = new EventCodec(new com.fasterxml.jackson.databind.ObjectMapper());
    io.troupe.chain.Chain whole = io.troupe.chain.Chain.resume(a.id().value(), a.chain());
    ChainEvent checkpoint =
        whole.append(
            "actor.checkpoint", 0, codec.encode(History.read(a.chain(), codec).checkpoint()));
    List<ChainEvent> fromCheckpoint = List.of(checkpoint);
    assertThat(History.read(fromCheckpoint, codec).module())
        .contains(a.actor().turns().moduleSha256());
    Manifest other =
        Fixture.manifest(
            java.nio.file.Files.createDirectories(dir.resolve("other")),
            Guests.module(Guests.setsState(Guests.REQUEST, "$arg1")),
            "init_state = 0\n");
    byte[] state = "42".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                heir.hosting()
                    .resume(
                        new Resumption(
                            a.id(), other, Optional.empty(), fromCheckpoint, state, 1, "home", "t"))
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.troupe.error.InvalidModuleException.class)
        .hasMessageContaining("is not the one its chain names");
    home.hosting().handOff(a.id()).get(10, TimeUnit.SECONDS);
    heir.hosting().resume(resumption(a, fromCheckpoint, state)).get(10, TimeUnit.SECONDS);
    assertThat(heir.get(a.id()).state()).contains(JsonNodeFactory.instance.numberNode(42));
  }

  @Test
  void aModuleStoreThatReturnsOtherBytesIsNotBelieved() {
    java.util.Map<String, byte[]> kept = new java.util.HashMap<>();
    ModuleSource modules =
        new ModuleSource(
            new ModuleSource.Repository() {
              @Override
              public void put(String ref, byte[] bytes) {
                kept.put(ref, bytes);
              }

              @Override
              public Optional<byte[]> get(String ref) {
                return Optional.ofNullable(kept.get(ref));
              }
            });
    String ref = modules.upload("(module)".getBytes(StandardCharsets.UTF_8));
    // kept as its binary, under the binary's hash
    byte[] binary = io.troupe.wasm.WasmEngine.binary("(module)".getBytes(StandardCharsets.UTF_8));
    assertThat(ref).isEqualTo("sha256:" + io.troupe.chain.Sha256.hex(binary));
    assertThat(modules.resolve(ref)).isEqualTo(binary);
    kept.put(ref, "(module (func))".getBytes(StandardCharsets.UTF_8)); // altered behind our back
    assertThatThrownBy(() -> modules.resolve(ref))
        .isInstanceOf(io.troupe.error.InvalidModuleException.class)
        .hasMessageContaining("the module store was altered");
  }

  @Test
  void aStateThatIsNotTheChainsIsRefused() throws Exception {
    ActorHandle a = started();
    assertThatThrownBy(
            () ->
                heir.hosting()
                    .resume(resumption(a, a.chain(), "41".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(InternalException.class)
        .hasMessageContaining("does not match the chain's");
    assertThat(heir.hosting().resident(a.id())).isEmpty();
  }

  @Test
  void aLiveCopyIsNeverResumedTwiceAndUnknownActorsAreNotHandedOff() throws Exception {
    ActorHandle a = started();
    assertThatThrownBy(
            () ->
                home.hosting()
                    .resume(resumption(a, a.chain(), "42".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ActorAlreadyExistsException.class);
    assertThatThrownBy(() -> home.hosting().handOff(ActorId.of("nobody")).get())
        .hasCauseInstanceOf(ActorNotFoundException.class);
  }

  @Test
  void losingEveryActorFailsWhatTheyOweAndRemembersTheirCopies() throws Exception {
    ActorHandle a = started();
    home.hosting().loseAll(new io.troupe.error.UnavailableException("cut off (test)"));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> a.status() == ActorStatus.LOST);
    assertThat(home.hosting().residents()).isEmpty();
    assertThat(home.hosting().lostCopies()).containsExactly(a.id());
    // it left this node's registry: with no cluster to find its new home, it is not found
    assertThatThrownBy(() -> a.send(JsonNodeFactory.instance.numberNode(1)))
        .isInstanceOf(ActorNotFoundException.class);
    home.hosting().forgetLost(a.id());
    assertThat(home.hosting().lostCopies()).isEmpty();
  }
}
