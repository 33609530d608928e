package io.troupe.actor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.dispatch.Dispatcher;
import io.troupe.host.HandlerCatalog;
import io.troupe.manifest.ChainSettings;
import io.troupe.manifest.Manifest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** What every actor of one {@link ActorSystem} shares; wired once, by the system. */
record Services(
    Clock clock,
    ExecutorService executor,
    ScheduledExecutorService scheduler,
    Watchdog watchdog,
    ObjectMapper mapper,
    EventCodec events,
    HandlerCatalog handlers,
    String nodeName,
    PostOffice postOffice,
    WaitGraph waitGraph,
    Parking parking,
    ChainStore chainStore,
    Dispatcher dispatcher,
    Residents residents,
    SupervisionTree tree,
    Passivation passivation,
    ChainSettings chainDefaults,
    Launcher launcher) {

  /** Starts actors: the system's own start, and a parent's spawn. */
  @FunctionalInterface
  interface Launcher {
    /**
     * Loads the module, links the handlers, records {@code actor.started} and runs {@code init};
     * completes once the actor runs (and its start is durable).
     */
    CompletableFuture<ActorHandle> launch(
        Manifest manifest, ActorId id, Optional<ActorId> parent, byte[] initState);
  }
}
