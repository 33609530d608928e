package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
import static io.troupe.server.ClusterTest.request;
import static io.troupe.server.ClusterTest.startRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.Receipt;
import io.troupe.error.InvalidArgumentException;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.DescribeActorRequest;
import io.troupe.proto.v1.GetHeadRequest;
import io.troupe.proto.v1.RemoveActorRequest;
import io.troupe.proto.v1.ReplayActorRequest;
import io.troupe.proto.v1.RestartActorRequest;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.StopActorRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.proto.v1.UpgradeActorRequest;
import io.troupe.testing.ChainAssert;
import io.troupe.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node on the embedded store (a real SQLite file) keeps its actors across a restart. */
class DurabilityTest {
  private static final io.grpc.Metadata.Key<String> KIND =
      io.grpc.Metadata.Key.of("troupe-error-kind", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  @TempDir Path data;
  final List<TroupeNode> nodes = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();

  TroupeNode start() {
    TroupeNode n =
        TroupeNode.start(
            NodeConfig.builder()
                .name("solo")
                .clusterName("durability-" + data.getFileName())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .dataDir(data)
                .build());
    nodes.add(n);
    return n;
  }

  TroupeGrpc.TroupeBlockingStub client(TroupeNode n) {
    ManagedChannel c =
        Grpc.newChannelBuilder(n.grpcAddress(), InsecureChannelCredentials.create()).build();
    channels.add(c);
    return TroupeGrpc.newBlockingStub(c);
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    nodes.forEach(TroupeNode::close);
  }

  @Test
  void actorsAndTheirStateSurviveARestartAndTheirChainsGoOn() {
    TroupeNode first = start();
    var api = client(first);
    api.startActor(startRequest("counter/counter.toml", "counter"));
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("5")).build());
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("7")).build());
    api.startActor(startRequest("kv-store/kv-store.toml", "kv"));
    api.stopActor(StopActorRequest.newBuilder().setId("kv").setReason("done with it").build());
    // a stopped actor leaves memory; its record stays readable, and stopping it again is fine
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> first.system().find(ActorId.of("kv")).isEmpty());
    assertThat(api.describeActor(DescribeActorRequest.newBuilder().setId("kv").build()).getStatus())
        .isEqualTo("stopped");
    // ...and the cluster's replicated record of it is gone too: the store holds it all
    assertThat(first.records().describe(ActorId.of("kv"))).isEmpty();
    assertThat(first.records().find(ActorId.of("kv"))).isPresent();
    api.stopActor(StopActorRequest.newBuilder().setId("kv").build());
    long before = first.records().require(ActorId.of("counter")).chainLength();
    first.close();

    TroupeNode second = start();
    var again = client(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.system().find(ActorId.of("counter")).isPresent());
    assertThat(request(again, "counter", "\"total?\"")).isEqualTo("12");
    List<ChainEvent> chain = ClusterTest.chain(again, "counter");
    ChainAssert.assertThatChain(chain).verifies();
    ChainEvent moved = chain.get((int) before);
    assertThat(moved.type()).isEqualTo("actor.moved");
    assertThat(moved.dataAsString())
        .contains("\"from_node\":\"solo\"", "\"epoch\":1", "recovered from store");
    // the history across the restart is what the module does, re-executed on the node
    var replayed = again.replayActor(ReplayActorRequest.newBuilder().setId("counter").build());
    assertThat(replayed.getReproduced()).as(replayed.getSummary()).isTrue();
    assertThat(replayed.getEvents()).isEqualTo(chain.size());
    assertThat(replayed.getSummary()).startsWith("ok: " + chain.size() + " events reproduced");

    // a stopped actor stays stopped, and readable
    assertThat(second.system().find(ActorId.of("kv"))).isEmpty();
    assertThat(
            again.describeActor(DescribeActorRequest.newBuilder().setId("kv").build()).getStatus())
        .isEqualTo("stopped");
    List<ChainEvent> kv = ClusterTest.chain(again, "kv");
    ChainAssert.assertThatChain(kv).verifies();
    assertThat(kv.get(kv.size() - 1).dataAsString()).contains("done with it");
  }

  @Test
  void checkpointsBoundWhatTheHomeHoldsAndARestartGoesOnFromTheLastOne() {
    TroupeNode first = start();
    var api = client(first);
    var req = startRequest("counter/counter.toml", "counter");
    api.startActor(
        req.toBuilder()
            .setManifestToml(req.getManifestToml() + "\n[chain]\ncheckpoint_events = 100\n")
            .build());
    for (int i = 1; i <= 200; i++) { // 3 events a send: 600 events, a checkpoint every 100
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    var handle = first.system().get(ActorId.of("counter"));
    long length = first.records().require(ActorId.of("counter")).chainLength();
    assertThat(length).isGreaterThan(600);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> handle.chain().size() < 110); // it let go of what the store keeps
    assertThat(handle.chain().get(0).type()).isEqualTo("actor.checkpoint");
    List<ChainEvent> whole = ClusterTest.chain(api, "counter");
    assertThat(whole).hasSize((int) length);
    ChainAssert.assertThatChain(whole).verifies();
    first.close();

    TroupeNode second = start();
    var again = client(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.system().find(ActorId.of("counter")).isPresent());
    var moved = second.system().get(ActorId.of("counter"));
    assertThat(moved.chain().get(0).type()).isEqualTo("actor.checkpoint"); // not from genesis
    assertThat(request(again, "counter", "\"total?\"")).isEqualTo("200");
    ChainAssert.assertThatChain(ClusterTest.chain(again, "counter")).verifies();
  }

  /**
   * An actor that stopped before the node restarted is known to the store only; a restart brings it
   * back from its last state all the same, and an unknown id is NOT_FOUND.
   */
  @Test
  void anActorStoppedBeforeTheNodeRestartedCanBeRestarted() {
    TroupeNode first = start();
    var api = client(first);
    api.startActor(startRequest("counter/counter.toml", "counter"));
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("5")).build());
    api.stopActor(
        StopActorRequest.newBuilder().setId("counter").setReason("for the night").build());
    first.close();

    TroupeNode second = start();
    var again = client(second);
    assertThat(first.records()).isNotSameAs(second.records());
    assertThat(second.records().describe(ActorId.of("counter")))
        .as("the cluster forgot it")
        .isEmpty();
    var restarted = again.restartActor(RestartActorRequest.newBuilder().setId("counter").build());
    assertThat(restarted.getNode()).isEqualTo("solo");
    assertThat(request(again, "counter", "\"total?\"")).isEqualTo("5");
    again.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    assertThat(request(again, "counter", "\"total?\"")).isEqualTo("6");
    List<ChainEvent> chain = ClusterTest.chain(again, "counter");
    ChainAssert.assertThatChain(chain).verifies();
    assertThat(chain.stream().map(ChainEvent::dataAsString))
        .anyMatch(d -> d.contains("for the night"));
    assertThatThrownBy(
            () -> again.restartActor(RestartActorRequest.newBuilder().setId("nobody").build()))
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void restartBringsAnActorBackFromItsLastState_andRemoveFreesItsId_acrossANodeRestart() {
    TroupeNode first = start();
    var api = client(first);
    api.startActor(startRequest("counter/counter.toml", "counter"));
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("5")).build());
    api.stopActor(StopActorRequest.newBuilder().setId("counter").setReason("maintenance").build());

    // a stopped actor comes back from its last state, in a new epoch, its chain going on
    var restarted = api.restartActor(RestartActorRequest.newBuilder().setId("counter").build());
    assertThat(restarted.getNode()).isEqualTo("solo");
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("5");
    // a running one is stopped first, then continues the same way
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("2")).build());
    var again =
        api.restartActor(
            RestartActorRequest.newBuilder().setId("counter").setReason("new config").build());
    assertThat(again.getEpoch()).isGreaterThan(restarted.getEpoch());
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("7");
    List<ChainEvent> chain = ClusterTest.chain(api, "counter");
    ChainAssert.assertThatChain(chain).verifies();
    assertThat(chain.stream().map(ChainEvent::dataAsString))
        .anyMatch(d -> d.contains("maintenance"))
        .anyMatch(d -> d.contains("restarting: new config"))
        .anyMatch(d -> d.contains("\"reason\":\"new config\""));
    var replayed = api.replayActor(ReplayActorRequest.newBuilder().setId("counter").build());
    assertThat(replayed.getReproduced()).as(replayed.getSummary()).isTrue();

    // removing needs it stopped; then the record and chain are gone and the id is free
    var remove = RemoveActorRequest.newBuilder().setId("counter").build();
    assertThatThrownBy(() -> api.removeActor(remove))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("stop it before removing it");
    api.stopActor(StopActorRequest.newBuilder().setId("counter").build());
    api.removeActor(remove);
    assertThatThrownBy(
            () -> api.describeActor(DescribeActorRequest.newBuilder().setId("counter").build()))
        .hasMessageContaining("NOT_FOUND");
    assertThatThrownBy(() -> api.removeActor(remove)).hasMessageContaining("NOT_FOUND");
    api.startActor(startRequest("counter/counter.toml", "counter"));
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("0");
    assertThat(ClusterTest.chain(api, "counter").get(0).type()).isEqualTo("actor.started");
    first.close();

    // the store forgot the old one too: after a restart of the node only the new one is there
    TroupeNode second = start();
    var later = client(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.system().find(ActorId.of("counter")).isPresent());
    assertThat(request(later, "counter", "\"total?\"")).isEqualTo("0");
    ChainAssert.assertThatChain(ClusterTest.chain(later, "counter")).verifies();
  }

  @Test
  void anUpgradeReplaysTheHistoryFirst_refusesAModuleThatDiverges_andSurvivesARestart()
      throws Exception {
    TroupeNode first = start();
    var api = client(first);
    api.startActor(startRequest("counter/counter.toml", "counter"));
    for (String m : List.of("5", "3", "\"tick\"")) {
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json(m)).build());
    }
    String wat =
        Files.readString(Path.of("../examples/counter/counter.wat").toAbsolutePath().normalize());
    String memory = "(memory (export \"memory\") 1)";
    assertThat(wat).contains(memory);
    String same = wat.replace(memory, memory + " (func $unused)"); // other bytes, same behaviour
    String adds2 =
        wat.replace(
            "(then (local.set $add (i64.const 1)))", "(then (local.set $add (i64.const 2)))");
    String sameRef = upload(api, same);
    String adds2Ref = upload(api, adds2);

    var ok =
        api.upgradeActor(
            UpgradeActorRequest.newBuilder().setId("counter").setModuleRef(sameRef).build());
    assertThat(ok.getUpgraded()).as(ok.getCheck().getSummary()).isTrue();
    assertThat(ok.getCheck().getReproduced()).isTrue();
    assertThat(
            api.describeActor(DescribeActorRequest.newBuilder().setId("counter").build())
                .getModule())
        .isEqualTo(sameRef);

    // a module that adds 2 for a message without a number does not reproduce the "tick"
    var refused =
        api.upgradeActor(
            UpgradeActorRequest.newBuilder().setId("counter").setModuleRef(adds2Ref).build());
    assertThat(refused.getUpgraded()).isFalse();
    List<ChainEvent> chain = ClusterTest.chain(api, "counter");
    long tickLog =
        chain.stream()
            .filter(e -> e.type().equals("host.call") && e.dataAsString().contains("now 9"))
            .findFirst()
            .orElseThrow()
            .seq();
    assertThat(refused.getCheck().getDivergence().getSeq()).isEqualTo(tickLog);
    assertThat(refused.getCheck().getSummary()).startsWith("diverged at seq " + tickLog);
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("9"); // unchanged

    var forced =
        api.upgradeActor(
            UpgradeActorRequest.newBuilder()
                .setId("counter")
                .setModuleRef(adds2Ref)
                .setForce(true)
                .build());
    assertThat(forced.getUpgraded()).isTrue();
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("\"tick\"")).build());
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("11");
    List<ChainEvent> upgraded = ClusterTest.chain(api, "counter");
    ChainAssert.assertThatChain(upgraded).verifies();
    assertThat(upgraded.stream().filter(e -> e.type().equals("actor.upgraded")))
        .hasSize(2)
        .anySatisfy(e -> assertThat(e.dataAsString()).contains("reproduced"))
        .anySatisfy(e -> assertThat(e.dataAsString()).contains("\"check\":\"forced: diverged"));
    // the whole history replays, each part with the module it ran
    var replayed = api.replayActor(ReplayActorRequest.newBuilder().setId("counter").build());
    assertThat(replayed.getReproduced()).as(replayed.getSummary()).isTrue();
    first.close();

    // after a restart the actor runs the module it was upgraded to
    TroupeNode second = start();
    var later = client(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.system().find(ActorId.of("counter")).isPresent());
    later.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("\"tick\"")).build());
    assertThat(request(later, "counter", "\"total?\"")).isEqualTo("13");
  }

  /**
   * {@code window}: the check replays at least the latest N events, from the last checkpoint at or
   * before where they begin; a turn before that is not looked at, one inside is.
   */
  @Test
  void anUpgradeWindow_thatExcludesTheDivergingTurnAccepts_andOneThatIncludesItRefusesNamingIt()
      throws Exception {
    TroupeNode node = start();
    var api = client(node);
    var req = startRequest("counter/counter.toml", "counter");
    api.startActor(
        req.toBuilder()
            .setManifestToml(req.getManifestToml() + "\n[chain]\ncheckpoint_events = 100\n")
            .build());
    // a checkpoint before the one turn the new module does not reproduce, and one after it
    for (int i = 0; i < 40; i++) {
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("\"tick\"")).build());
    for (int i = 0; i < 40; i++) {
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    String wat =
        Files.readString(Path.of("../examples/counter/counter.wat").toAbsolutePath().normalize());
    String adds2Ref =
        upload(
            api,
            wat.replace(
                "(then (local.set $add (i64.const 1)))", "(then (local.set $add (i64.const 2)))"));

    List<ChainEvent> chain = ClusterTest.chain(api, "counter");
    long length = chain.size();
    ChainEvent tick =
        chain.stream()
            .filter(e -> e.type().equals("wasm.call") && e.dataAsString().contains("tick"))
            .findFirst()
            .orElseThrow();
    long tickLog =
        chain.stream()
            .filter(e -> e.seq() > tick.seq() && e.type().equals("host.call"))
            .findFirst()
            .orElseThrow()
            .seq();
    List<ChainEvent> checkpoints =
        chain.stream().filter(e -> e.type().equals("actor.checkpoint")).toList();
    ChainEvent before =
        checkpoints.stream().filter(e -> e.seq() < tick.seq()).reduce((a, b) -> b).orElseThrow();
    ChainEvent after =
        checkpoints.stream().filter(e -> e.seq() > tickLog).findFirst().orElseThrow();
    // the store keeps a checkpoint's state a moment after the checkpoint commits
    for (ChainEvent c : List.of(before, after)) {
      String state =
          ClusterTest.tree(c.dataAsString()).get("state_sha256").asText().replace("sha256:", "");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> node.records().keptState(state).isPresent());
    }

    // the latest events begin just before the tick: the check starts at the checkpoint before
    var refused =
        api.upgradeActor(
            UpgradeActorRequest.newBuilder()
                .setId("counter")
                .setModuleRef(adds2Ref)
                .setWindow(length - (tick.seq() - 1))
                .build());
    assertThat(refused.getUpgraded()).as(refused.getCheck().getSummary()).isFalse();
    assertThat(refused.getCheck().getFromSeq()).isEqualTo(before.seq());
    assertThat(refused.getCheck().getDivergence().getSeq()).isEqualTo(tickLog);
    assertThat(refused.getCheck().getSummary()).startsWith("diverged at seq " + tickLog);
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("81"); // unchanged

    // the latest events begin at the checkpoint after the tick: the tick is not looked at
    length =
        api.describeActor(DescribeActorRequest.newBuilder().setId("counter").build())
            .getChainLength();
    var accepted =
        api.upgradeActor(
            UpgradeActorRequest.newBuilder()
                .setId("counter")
                .setModuleRef(adds2Ref)
                .setWindow(length - after.seq())
                .build());
    assertThat(accepted.getUpgraded()).as(accepted.getCheck().getSummary()).isTrue();
    assertThat(accepted.getCheck().getReproduced()).isTrue();
    assertThat(accepted.getCheck().getFromSeq()).isEqualTo(after.seq());
    assertThat(accepted.getCheck().getEvents()).isEqualTo(length - after.seq());
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("\"tick\"")).build());
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("83"); // the new module runs
  }

  /** A module whose {@code init} answers {@code {"Err":"not today"}}. */
  private static final String INIT_FAILS =
      """
      (module
        (memory (export "memory") 1)
        (func (export "troupe_alloc") (param i32) (result i32) (i32.const 1024))
        (data (i32.const 16) "{\\"Err\\":\\"not today\\"}")
        (func (export "troupe:actor/actor.init") (param i32 i32 i32 i32) (result i64)
          (i64.const 68719476755)))
      """;

  /** A module that traps while it is instantiated (its start function). */
  private static final String TRAPS_ON_INSTANTIATION =
      """
      (module
        (memory (export "memory") 1)
        (func (export "troupe_alloc") (param i32) (result i32) (i32.const 1024))
        (func $boom unreachable)
        (start $boom))
      """;

  /**
   * docs/api.md: a start whose {@code init} fails is {@code ABORTED} and leaves a failed actor
   * whose chain says why; its id is taken ({@code ALREADY_EXISTS}, not a retryable {@code
   * UNAVAILABLE}) until {@code RemoveActor} frees it, across a restart too. A module that cannot be
   * instantiated leaves nothing: its id is free at once.
   */
  @Test
  void aStartThatFailed_keepsItsIdUntilRemoved_aModuleThatCannotRunLeavesItFree() {
    TroupeNode first = start();
    var api = client(first);
    var counter = startRequest("counter/counter.toml", "phoenix");
    var initFails = counter.toBuilder().setModuleBytes(json(INIT_FAILS)).build();
    assertThatThrownBy(() -> api.startActor(initFails))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
              assertThat(e.getStatus().getDescription()).contains("not today");
            });
    var phoenix = DescribeActorRequest.newBuilder().setId("phoenix").build();
    assertThat(api.describeActor(phoenix).getStatus()).isEqualTo("failed");
    List<ChainEvent> failed = ClusterTest.chain(api, "phoenix");
    ChainAssert.assertThatChain(failed).verifies();
    assertThat(failed.get(failed.size() - 1).dataAsString())
        .contains("init failed: ", "returned an error: not today");
    for (var again : List.of(initFails, counter)) {
      assertThatThrownBy(() -> api.startActor(again))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                assertThat(e.getTrailers().get(KIND)).isEqualTo("ACTOR_ALREADY_EXISTS");
                assertThat(e.getStatus().getDescription())
                    .isEqualTo(
                        "actor phoenix already exists (failed; remove it to use its id again)");
              });
    }
    first.close();

    TroupeNode second = start(); // the store still holds the failed actor, and its id
    var later = client(second);
    assertThat(later.describeActor(phoenix).getStatus()).isEqualTo("failed");
    assertThatThrownBy(() -> later.startActor(counter)).hasMessageContaining("ALREADY_EXISTS");
    later.removeActor(RemoveActorRequest.newBuilder().setId("phoenix").build());
    later.startActor(counter);
    later.send(SendRequest.newBuilder().setId("phoenix").setMessageJson(json("4")).build());
    assertThat(request(later, "phoenix", "\"total?\"")).isEqualTo("4");
    List<ChainEvent> chain = ClusterTest.chain(later, "phoenix");
    ChainAssert.assertThatChain(chain).verifies();
    assertThat(chain.get(0).type()).isEqualTo("actor.started");
    assertThat(chain).noneMatch(e -> e.dataAsString().contains("not today"));

    // a module that traps as it is instantiated never becomes an actor
    var traps =
        counter.toBuilder().setId("ash").setModuleBytes(json(TRAPS_ON_INSTANTIATION)).build();
    assertThatThrownBy(() -> later.startActor(traps))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("cannot be instantiated");
            });
    assertThatThrownBy(
            () -> later.describeActor(DescribeActorRequest.newBuilder().setId("ash").build()))
        .hasMessageContaining("NOT_FOUND");
    later.startActor(counter.toBuilder().setId("ash").build());
    assertThat(request(later, "ash", "\"total?\"")).isEqualTo("0");
  }

  @Test
  void aPrunedChainReplaysFromItsCheckpoint_withTheModuleThatRanThere() throws Exception {
    TroupeNode node = start();
    var api = client(node);
    var req = startRequest("counter/counter.toml", "counter");
    api.startActor(
        req.toBuilder()
            .setManifestToml(
                req.getManifestToml() + "\n[chain]\ncheckpoint_events = 100\nkeep_events = 50\n")
            .build());
    for (int i = 0; i < 150; i++) {
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    // after the last checkpoint: a message the old module adds 1 for and the new one 2
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("\"tick\"")).build());
    String wat =
        Files.readString(Path.of("../examples/counter/counter.wat").toAbsolutePath().normalize());
    String adds2 =
        wat.replace(
            "(then (local.set $add (i64.const 1)))", "(then (local.set $add (i64.const 2)))");
    var forced =
        api.upgradeActor(
            UpgradeActorRequest.newBuilder()
                .setId("counter")
                .setModuleRef(upload(api, adds2))
                .setForce(true)
                .build());
    assertThat(forced.getUpgraded()).isTrue();
    assertThat(forced.getCheck().getReproduced()).isFalse();
    api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("\"tick\"")).build());
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("153");
    assertThat(ClusterTest.chain(api, "counter").get(0).seq()).isGreaterThan(0); // pruned

    var replay = ReplayActorRequest.newBuilder().setId("counter").build();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var r = api.replayActor(replay);
              assertThat(r.getReproduced()).as(r.getSummary()).isTrue();
              assertThat(r.getFromSeq()).isGreaterThan(0);
            });
  }

  private static String upload(TroupeGrpc.TroupeBlockingStub api, String wat) {
    return api.uploadModule(
            io.troupe.proto.v1.UploadModuleRequest.newBuilder()
                .setModule(com.google.protobuf.ByteString.copyFromUtf8(wat))
                .build())
        .getRef();
  }

  @Test
  void anAcknowledgedSendCarriesAReceipt_signedByAKeyTheNodeKeepsAcrossRestarts() {
    TroupeNode first = start();
    var api = client(first);
    api.startActor(startRequest("counter/counter.toml", "counter"));
    String key = api.clusterStatus(ClusterStatusRequest.getDefaultInstance()).getPublicKey();
    assertThat(key).isNotEmpty();
    assertThat(
            api.clusterStatus(ClusterStatusRequest.getDefaultInstance())
                .getMembers(0)
                .getPublicKey())
        .isEqualTo(key);
    var sent =
        api.send(
            SendRequest.newBuilder()
                .setId("counter")
                .setMessageJson(json("5"))
                .setReceipt(true)
                .build());
    Receipt receipt = receipt(sent.getReceipt());
    List<ChainEvent> chain = ClusterTest.chain(api, "counter");
    // the head it names holds the send: the send's wasm.result is at or before it
    ChainEvent last = chain.get((int) receipt.seq());
    assertThat(last.hash()).isEqualTo(receipt.head());
    assertThat(chain.subList(0, (int) receipt.seq() + 1))
        .anyMatch(e -> e.type().equals("wasm.call") && e.dataAsString().contains("handle-send"));
    assertThat(receipt.verifiesWith(Base64.getDecoder().decode(key))).isTrue();
    assertThat(receipt.node()).isEqualTo("solo");
    first.close();

    TroupeNode second = start();
    var again = client(second);
    assertThat(again.clusterStatus(ClusterStatusRequest.getDefaultInstance()).getPublicKey())
        .isEqualTo(key);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.system().find(ActorId.of("counter")).isPresent());
    var head = again.getHead(GetHeadRequest.newBuilder().setId("counter").setSigned(true).build());
    Receipt later = receipt(head.getReceipt());
    assertThat(later.seq()).isEqualTo(head.getLength() - 1).isGreaterThan(receipt.seq());
    assertThat(later.verifiesWith(Base64.getDecoder().decode(key))).isTrue();
  }

  private static Receipt receipt(io.troupe.proto.v1.Receipt r) {
    return new Receipt(
        r.getActor(),
        r.getSeq(),
        io.troupe.chain.EventHash.of(r.getHead().toByteArray()),
        r.getEpoch(),
        r.getNode(),
        r.getTimeMs(),
        r.getPublicKey().toByteArray(),
        r.getSignature().toByteArray());
  }

  @Test
  void retentionPrunesTheStoreAndWhatRemainsVerifiesFromItsAnchor() {
    TroupeNode node = start();
    var api = client(node);
    var req = startRequest("counter/counter.toml", "counter");
    api.startActor(
        req.toBuilder()
            .setManifestToml(
                req.getManifestToml() + "\n[chain]\ncheckpoint_events = 100\nkeep_events = 50\n")
            .build());
    for (int i = 0; i < 150; i++) {
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    List<ChainEvent> kept = ClusterTest.chain(api, "counter");
    assertThat(kept.get(0).seq()).isGreaterThan(0); // pruned
    assertThat(io.troupe.chain.ChainVerifier.verifyExport(kept).valid()).isTrue();
    var verified =
        api.verifyChain(
            io.troupe.proto.v1.VerifyChainRequest.newBuilder().setId("counter").build());
    assertThat(verified.getValid()).as(verified.getProblem()).isTrue();
    assertThat(verified.getEvents()).isEqualTo(kept.size());
    assertThat(request(api, "counter", "\"total?\"")).isEqualTo("150");
    // replay starts at the first kept checkpoint, from the state the store kept for it
    var replay = ReplayActorRequest.newBuilder().setId("counter").build();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var r = api.replayActor(replay);
              assertThat(r.getReproduced()).as(r.getSummary()).isTrue();
              assertThat(r.getFromSeq()).isGreaterThan(kept.get(0).seq());
              assertThat(r.getSummary()).contains("from its checkpoint at seq " + r.getFromSeq());
            });

    // what it let go of is refused by name; a subscription from 0 starts at what it keeps
    assertThatThrownBy(
            () ->
                api.getChain(
                        io.troupe.proto.v1.GetChainRequest.newBuilder()
                            .setId("counter")
                            .setFromSeq(1)
                            .build())
                    .hasNext())
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("no longer keeps its events from seq 1");
    try (Subscription sub = subscribe(api, "counter", 0)) {
      assertThat(sub.next().getSeq()).isEqualTo(kept.get(0).seq());
    }
  }

  @Test
  void aSubscriptionPagesThroughWhatTheHomeLetGoOfThenGoesLive() {
    TroupeNode node = start();
    var api = client(node);
    var req = startRequest("counter/counter.toml", "counter");
    api.startActor(
        req.toBuilder()
            .setManifestToml(req.getManifestToml() + "\n[chain]\ncheckpoint_events = 100\n")
            .build());
    for (int i = 0; i < 800; i++) { // 2,400 events: past two pages, most let go of by the home
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
    }
    var handle = node.system().get(ActorId.of("counter"));
    await().atMost(Duration.ofSeconds(10)).until(() -> handle.chain().size() < 110);
    List<ChainEvent> whole = ClusterTest.chain(api, "counter");

    try (Subscription sub = subscribe(api, "counter", 0)) {
      for (ChainEvent e : whole) {
        var got = sub.next();
        assertThat(got.getSeq()).isEqualTo(e.seq());
        assertThat(got.getHash().toByteArray()).isEqualTo(e.hash().toBytes());
      }
      api.send(SendRequest.newBuilder().setId("counter").setMessageJson(json("1")).build());
      assertThat(sub.next().getSeq()).isEqualTo(whole.size()); // live
    }
  }

  @Test
  void aSubscriberThatStopsReadingIsEndedOnceFarBehindAndCanGoOnWhereItStopped() {
    TroupeNode node = start();
    var api = client(node);
    api.startActor(startRequest("echo/echo.toml", "echo"));
    String big = "\"" + "x".repeat(64 * 1024) + "\"";
    request(api, "echo", big);
    try (Subscription sub = subscribe(api, "echo", 0)) {
      sub.next(); // it reads one, then nothing while the actor records far more than 16 MiB
      for (int i = 0; i < 200; i++) {
        request(api, "echo", big);
      }
      long expected = 1;
      StatusRuntimeException ended = null;
      while (ended == null) {
        try {
          assertThat(sub.next().getSeq()).isEqualTo(expected);
          expected++;
        } catch (StatusRuntimeException e) {
          ended = e;
        }
      }
      assertThat(ended.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(ended).hasMessageContaining("fell more than 16 MiB of events behind actor echo");
      assertThat(ended).hasMessageContaining("subscribe again from seq " + expected);
      long length = node.records().require(ActorId.of("echo")).chainLength();
      assertThat(expected).isLessThan(length);
      try (Subscription again = subscribe(api, "echo", expected)) {
        for (long seq = expected; seq < length; seq++) {
          assertThat(again.next().getSeq()).isEqualTo(seq);
        }
      }
    }
  }

  /** A subscription read event by event (a blocking stub asks for one at a time). */
  record Subscription(
      io.grpc.Context.CancellableContext call, java.util.Iterator<io.troupe.proto.v1.ChainEvent> it)
      implements AutoCloseable {
    io.troupe.proto.v1.ChainEvent next() {
      return it.next();
    }

    @Override
    public void close() {
      call.cancel(null);
    }
  }

  static Subscription subscribe(TroupeGrpc.TroupeBlockingStub api, String id, long from) {
    io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
    io.grpc.Context previous = call.attach();
    try {
      return new Subscription(
          call,
          api.withDeadlineAfter(60, java.util.concurrent.TimeUnit.SECONDS)
              .subscribeChain(
                  io.troupe.proto.v1.SubscribeChainRequest.newBuilder()
                      .setId(id)
                      .setFromSeq(from)
                      .build()));
    } finally {
      call.detach(previous);
    }
  }

  @Test
  void aLongChainStreamsPageByPageFromAnyPoint() {
    TroupeNode node = start();
    var api = client(node);
    api.startActor(startRequest("echo/echo.toml", "echo"));
    for (int i = 0; i < 800; i++) { // 2 events each, past a page of 1,024
      request(api, "echo", "[" + i + "]");
    }
    long length = node.records().require(ActorId.of("echo")).chainLength();
    assertThat(length).isGreaterThan(1_600);
    List<ChainEvent> all = ClusterTest.chain(api, "echo");
    assertThat(all).hasSize((int) length);
    ChainAssert.assertThatChain(all).verifies();
    List<ChainEvent> tail = new ArrayList<>();
    api.getChain(
            io.troupe.proto.v1.GetChainRequest.newBuilder()
                .setId("echo")
                .setFromSeq(1_000)
                .setToSeq(1_500)
                .build())
        .forEachRemaining(e -> tail.add(all.get((int) e.getSeq())));
    assertThat(tail).isEqualTo(all.subList(1_000, 1_500));
  }

  @Test
  void anotherClustersDataDirIsRefusedAndSeveralNodesOnTheEmbeddedStoreToo() {
    start().close();
    nodes.clear();
    assertThatThrownBy(
            () ->
                TroupeNode.start(
                    NodeConfig.builder()
                        .name("intruder")
                        .clusterName("another-cluster")
                        .grpcPort(0)
                        .hzPort(FreePorts.next())
                        .dataDir(data)
                        .build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("belongs to cluster 'durability-");
    assertThatThrownBy(
            () ->
                NodeConfig.builder()
                    .hzPort(5801)
                    .members(List.of("127.0.0.1:5801", "127.0.0.1:5802"))
                    .build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(
            "the embedded store (SQLite in troupe-data/node-7070) keeps one node's");
  }
}
