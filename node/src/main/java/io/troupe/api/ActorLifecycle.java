package io.troupe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.troupe.access.Principal;
import io.troupe.access.Right;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.error.ActorAlreadyExistsException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.error.PermissionDeniedException;
import io.troupe.home.ActorSummary;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.proto.v1.RemoveActorResponse;
import io.troupe.proto.v1.RestartActorResponse;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.StartActorResponse;
import io.troupe.proto.v1.StopActorResponse;
import io.troupe.proto.v1.UpgradeActorRequest;
import io.troupe.proto.v1.UpgradeActorResponse;
import io.troupe.replay.ReplayReport;
import io.troupe.wasm.LoadedModule;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

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
  private final ManifestParser manifests = new ManifestParser();

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

  /**
   * A start as the caller may make it: the id (a fresh UUID when none is given), the manifest with
   * its module resolved, and the request to forward to the actor's home.
   */
  record Start(ActorId id, Manifest manifest, StartActorRequest forward) {}

  /**
   * Checks a start before it goes to the actor's home: the caller's right and quota, the manifest
   * (which reads none of the node's files), and the module (its bytes, uploaded by {@code upload},
   * or an uploaded ref).
   */
  Start admit(StartActorRequest req, Function<ByteString, String> upload) {
    Principal who = Authentication.current();
    if (req.getId().isEmpty() && who.limited()) {
      throw new PermissionDeniedException(
          "token '"
              + who.name()
              + "' may start only actors whose id starts with "
              + who.actors()
              + ": give an id");
    }
    ActorId id = ActorId.of(req.getId().isEmpty() ? UUID.randomUUID().toString() : req.getId());
    who.require(Right.DEPLOY, id);
    if (who.maxActors().isPresent()) {
      long live = records.list().stream().filter(s -> s.live() && who.sees(s.id())).count();
      if (live >= who.maxActors().getAsInt()) {
        throw new LimitExceededException(
            "token '"
                + who.name()
                + "' may have "
                + who.maxActors().getAsInt()
                + " live actors (max_actors), and has "
                + live);
      }
    }
    String source = req.getManifestName().isEmpty() ? "manifest" : req.getManifestName();
    Manifest manifest = manifests.parse(req.getManifestToml(), null, source);
    StartActorRequest.Builder forward = req.toBuilder().setId(id.value());
    if (req.hasModuleBytes()) {
      String ref = upload.apply(req.getModuleBytes());
      manifest = manifest.withModule(ref);
      forward.setModuleRef(ref);
    } else if (req.hasModuleRef()) {
      if (!req.getModuleRef().startsWith("sha256:")) {
        throw new InvalidArgumentException(
            "module_ref '"
                + req.getModuleRef()
                + "' must be the sha256: ref of an uploaded module");
      }
      manifest = manifest.withModule(req.getModuleRef());
      system.module(req.getModuleRef());
    } else if (!manifest.module().startsWith("sha256:")) {
      throw new InvalidArgumentException(
          source
              + ": module '"
              + manifest.module()
              + "' names a file, and a node reads no files for a client: send the module's bytes,"
              + " or upload it and give its sha256: ref");
    } else {
      system.module(manifest.module());
    }
    return new Start(id, manifest, forward.build());
  }

  /**
   * Starts the actor here, its home; completes once {@code init} ran and the start is durable.
   *
   * @throws ActorAlreadyExistsException when the id is taken, also by a stopped or failed actor
   *     (until it is removed)
   */
  CompletableFuture<StartActorResponse> start(Start start) {
    records
        .find(start.id())
        .ifPresent(
            s -> {
              throw new ActorAlreadyExistsException(
                  "actor "
                      + start.id()
                      + " already exists"
                      + (s.live()
                          ? ""
                          : " ("
                              + s.status().name().toLowerCase(java.util.Locale.ROOT)
                              + "; remove it to use its id again)"));
            });
    return system
        .startAsync(start.manifest(), start.id())
        .thenApply(
            h ->
                StartActorResponse.newBuilder()
                    .setId(start.id().value())
                    .setNode(system.nodeName())
                    .build());
  }

  /** Stops {@code id} here, its home (a stopped one stays stopped: that is not an error). */
  CompletableFuture<StopActorResponse> stop(ActorId id, String given) {
    if (system.find(id).isEmpty() && !records.require(id).live()) {
      return CompletableFuture.completedFuture(StopActorResponse.getDefaultInstance());
    }
    String reason = given.isEmpty() ? "stopped by a client" : given;
    return system.stop(id, reason).thenApply(v -> StopActorResponse.getDefaultInstance());
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
