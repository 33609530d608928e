package io.troupe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.home.ActorSummary;
import io.troupe.proto.v1.RemoveActorResponse;
import io.troupe.proto.v1.RestartActorResponse;
import io.troupe.proto.v1.UpgradeActorRequest;
import io.troupe.proto.v1.UpgradeActorResponse;
import io.troupe.replay.ReplayReport;
import io.troupe.wasm.LoadedModule;
import java.util.concurrent.CompletableFuture;

/**
 * What a client asks of an actor's life beyond start and stop, run on its home: restart it from its
 * last state, remove an ended one, upgrade its module after a replay check.
 */
final class ActorLifecycle {
  /** How many of the latest events an upgrade replays at least, unless the client says. */
  static final long DEFAULT_WINDOW = 10_000;

  private final ActorSystem system;
  private final ClusterChainStore records;
  private final TroupeApi.Lifecycle revival;
  private final ObjectMapper mapper;

  ActorLifecycle(
      ActorSystem system,
      ClusterChainStore records,
      TroupeApi.Lifecycle revival,
      ObjectMapper mapper) {
    this.system = system;
    this.records = records;
    this.revival = revival;
    this.mapper = mapper;
  }

  /** Stops {@code id} if it runs, then starts it again here from its last committed state. */
  CompletableFuture<RestartActorResponse> restart(ActorId id, String given) {
    String reason = given.isEmpty() ? "restarted by a client" : given;
    CompletableFuture<Void> ended =
        system.find(id).filter(h -> h.status().live()).isPresent()
            ? system.stop(id, "restarting: " + reason)
            : CompletableFuture.completedFuture(null);
    return ended
        .thenCompose(
            v -> {
              system.forgetEnded(id);
              return revival.revive(id, reason);
            })
        .thenApply(
            v -> {
              ActorSummary s = records.require(id);
              return RestartActorResponse.newBuilder()
                  .setNode(s.home().name())
                  .setEpoch(s.epoch())
                  .build();
            });
  }

  /** Deletes ended actor {@code id}'s record and chain. */
  CompletableFuture<RemoveActorResponse> remove(ActorId id) {
    records.remove(id);
    system.forgetEnded(id);
    return CompletableFuture.completedFuture(RemoveActorResponse.getDefaultInstance());
  }

  /**
   * Replays {@code id}'s recent history against the uploaded module the request names; upgrades the
   * actor to it when that reproduces the history, or when forced.
   */
  CompletableFuture<UpgradeActorResponse> upgrade(ActorId id, UpgradeActorRequest req) {
    LoadedModule candidate = system.module(req.getModuleRef());
    long window = req.getWindow() == 0 ? DEFAULT_WINDOW : req.getWindow();
    ReplayReport check = ReplayRun.check(system, records, id, candidate, window, mapper);
    UpgradeActorResponse.Builder answer =
        UpgradeActorResponse.newBuilder()
            .setCheck(ReplayRun.response(check))
            .setModuleRef(req.getModuleRef());
    if (!check.reproduced() && !req.getForce()) {
      return CompletableFuture.completedFuture(answer.setUpgraded(false).build());
    }
    String words =
        check.reproduced()
            ? "replayed " + check.events() + " events from seq " + check.from() + ": reproduced"
            : "forced: " + check.summary().lines().findFirst().orElse("");
    return system
        .upgrade(id, req.getModuleRef(), words)
        .thenApply(v -> answer.setUpgraded(true).build());
  }
}
