package io.troupe.server;

import io.troupe.actor.ActorId;
import io.troupe.actor.ModuleSource;
import io.troupe.home.Members;
import io.troupe.manifest.ManifestParser;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.TroupeGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actors a node's configuration starts: each once in the cluster's life (one that exists is
 * left alone), through the client API so that it starts on its home.
 */
final class StartupActors {
  private static final Logger log = LoggerFactory.getLogger(StartupActors.class);
  private static final Duration QUORUM_WAIT = Duration.ofSeconds(60);

  private final List<NodeConfig.StartupActor> actors;
  private final Members members;
  private final Predicate<ActorId> exists;
  private final ModuleSource modules;
  private final Clock clock;

  StartupActors(
      List<NodeConfig.StartupActor> actors,
      Members members,
      Predicate<ActorId> exists,
      ModuleSource modules,
      Clock clock) {
    this.actors = actors;
    this.members = members;
    this.exists = exists;
    this.modules = modules;
    this.clock = clock;
  }

  /** Starts them through {@code api} (this node's own client API). */
  void start(TroupeGrpc.TroupeBlockingStub api) throws InterruptedException {
    if (actors.isEmpty()) {
      return;
    }
    long deadline = clock.millis() + QUORUM_WAIT.toMillis();
    while (!members.quorum() && clock.millis() < deadline) {
      Thread.sleep(100); // startup only: wait for enough members to accept writes
    }
    ManifestParser parser = new ManifestParser();
    for (NodeConfig.StartupActor a : actors) {
      ActorId id = ActorId.of(a.id());
      if (exists.test(id)) {
        log.info("startup actor {} exists already; not started again", id);
        continue;
      }
      var manifest = parser.parse(Path.of(a.manifest()));
      String ref = modules.upload(modules.resolve(manifest.module()));
      api.withDeadlineAfter(30, TimeUnit.SECONDS)
          .startActor(
              StartActorRequest.newBuilder()
                  .setManifestToml(read(Path.of(a.manifest())))
                  .setManifestName(a.manifest())
                  .setModuleRef(ref)
                  .setId(id.value())
                  .build());
      log.info("started actor {} from {}", id, a.manifest());
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
