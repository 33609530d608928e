package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Gauge;
import io.troupe.chain.Chain;
import io.troupe.dispatch.Dispatcher;
import io.troupe.dispatch.WorkerPool;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.Errors;
import io.troupe.error.TroupeException;
import io.troupe.hosting.Hosting;
import io.troupe.manifest.Manifest;
import io.troupe.wasm.LoadedModule;
import io.troupe.wasm.WasmEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The actors of one node: starts them from manifests, finds them by id, sends to them, stops them.
 * Turns of all actors share one bounded executor; each actor runs one callback at a time.
 *
 * <pre>{@code
 * try (ActorSystem system = ActorSystem.builder().handlers(StandardHandlers.catalog()).build()) {
 *   ActorHandle counter = system.start(new ManifestParser().parse(Path.of("counter.toml")));
 *   counter.send(JsonNodeFactory.instance.numberNode(5)).join();
 * }
 * }</pre>
 *
 * <p>A cluster drives the system through {@link #hosting()}, its service-provider interface.
 */
public final class ActorSystem implements AutoCloseable {
  private final Services services;
  private final WasmEngine engine;
  private final ModuleSource modules;
  private final Residents residents = new Residents();
  private final boolean ownsExecutors;
  private final Duration requestTimeout;
  private final ExecutorService workers;
  private final LocalHosting hosting;
  private final io.troupe.policy.Policy policy;

  private final ModuleLoader loader;

  private volatile boolean shutdown;

  ActorSystem(ActorSystemBuilder b) {
    this.ownsExecutors = b.executor == null;
    this.engine = b.engine != null ? b.engine : new WasmEngine(b.mode);
    this.modules = b.modules != null ? b.modules : new ModuleSource();
    this.requestTimeout = b.requestTimeout;
    this.policy = b.policy;
    this.loader =
        new ModuleLoader(
            this.engine, b.policy, b.nodeName, ActorThreads.daemon(b.nodeName + "-compile-"));
    ExecutorService executor =
        b.executor != null ? b.executor : ActorThreads.turnPool(b.turnThreads, b.maxParkedTurns);
    ScheduledExecutorService scheduler =
        b.scheduler != null
            ? b.scheduler
            : Executors.newSingleThreadScheduledExecutor(ActorThreads.daemon("troupe-deadline-"));
    this.workers =
        Executors.newFixedThreadPool(b.workerSlots, ActorThreads.daemon(b.nodeName + "-work-"));
    this.hosting = new LocalHosting(this, residents);
    Dispatcher dispatcher =
        new Dispatcher(
            b.nodeName,
            new WorkerPool(
                b.handlers.runners(), workers, b.clock, b.workerSlots, b.workerQueue, b.meters),
            b.cluster,
            b.resultSink != null ? b.resultSink : hosting::resultHere,
            hosting::placedHere,
            b.meters);
    Passivation passivation = new Passivation(b.passivateAfter, b.clock);
    registerMeters(b.meters, passivation);
    Directory remote = b.remote;
    this.services =
        new Services(
            b.clock,
            executor,
            scheduler,
            new Watchdog(scheduler, b.deadlineTick),
            b.mapper,
            new EventCodec(b.mapper),
            b.handlers,
            b.nodeName,
            new PostOffice(
                // local, else wherever the cluster says; looked up locally once more when the
                // cluster says "here": a copy may have moved in between the two looks
                id ->
                    residents
                        .local(id)
                        .<Recipient>map(a -> a)
                        .or(() -> remote.lookup(id))
                        .or(() -> residents.local(id).map(a -> a)),
                b.ids,
                scheduler),
            b.waitGraph != null ? b.waitGraph : new LocalWaitGraph(),
            new Parking(b.maxParkedTurns),
            b.chainStore,
            dispatcher,
            residents,
            new SupervisionTree(residents),
            passivation,
            b.chainDefaults,
            this::launch);
    passivation.start(scheduler, residents);
  }

  private void registerMeters(io.micrometer.core.instrument.MeterRegistry meters, Passivation p) {
    Gauge.builder("troupe.actors", residents, Residents::size)
        .description("actors on this node")
        .register(meters);
    Gauge.builder("troupe.actors.sleeping", this, ActorSystem::sleeping)
        .description("actors on this node asleep without an instance (passivated)")
        .register(meters);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "troupe.actors.wakes", p, Passivation::wakes)
        .description("sleeping actors woken by a turn")
        .register(meters);
  }

  public static ActorSystemBuilder builder() {
    return new ActorSystemBuilder();
  }

  public WasmEngine engine() {
    return engine;
  }

  public ModuleSource modules() {
    return modules;
  }

  Services services() {
    return services;
  }

  /** What a cluster drives this system with: placement and failover on this node. */
  public Hosting hosting() {
    return hosting;
  }

  /** Starts an actor with a fresh id; see {@link #start(Manifest, ActorId)}. */
  public ActorHandle start(Manifest manifest) {
    return start(manifest, ActorId.of(services.postOffice().newId()));
  }

  /**
   * Loads the manifest's module, links the declared handlers, records {@code actor.started} and
   * runs {@code init}; returns once the actor runs.
   *
   * @throws TroupeException on a bad module, a missing handler, an id in use or a failed {@code
   *     init} (the failed actor stays listed, with its chain)
   */
  public ActorHandle start(Manifest manifest, ActorId id) {
    try {
      return startAsync(manifest, id).join();
    } catch (CompletionException e) {
      throw Errors.unwrap(e);
    }
  }

  /** Like {@link #start(Manifest, ActorId)}, without blocking on {@code init}. */
  public CompletableFuture<ActorHandle> startAsync(Manifest manifest, ActorId id) {
    byte[] init = manifest.initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    return launch(manifest, id, Optional.empty(), init);
  }

  private CompletableFuture<ActorHandle> launch(
      Manifest given, ActorId id, Optional<ActorId> parent, byte[] initState) {
    Manifest manifest = policy.apply(given);
    if (residents.size() >= policy.maxActors()) {
      throw new io.troupe.error.LimitExceededException(
          "node "
              + services.nodeName()
              + " hosts "
              + policy.maxActors()
              + " actors, the most its policy allows (max_actors)");
    }
    Actor actor =
        newActor(manifest, id, parent, initState, 0, new Chain(id.value()), History.empty());
    ActorHandle handle = new ActorHandle(actor, services.mapper(), requestTimeout);
    residents.add(handle);
    CompletableFuture<ActorHandle> started = new CompletableFuture<>();
    actor
        .mailbox()
        .offerAlways(
            () -> {
              try {
                actor.start();
                actor.release(started, handle, null);
              } catch (RuntimeException e) {
                actor.release(started, null, e);
              }
            });
    return started;
  }

  /** A new actor of this system (not registered yet), from its chain so far. */
  Actor newActor(
      Manifest manifest,
      ActorId id,
      Optional<ActorId> parent,
      byte[] initState,
      long epoch,
      Chain chain,
      History history) {
    if (shutdown) {
      throw new ActorNotRunningException("node is shutting down");
    }
    // an uploaded module this node compiled already is not read from the cluster again
    LoadedModule module = module(manifest.module());
    var handlers = services.handlers().create(manifest.handlers(), manifest.source());
    return new Actor(
        id, manifest, module, handlers, services, parent, initState, epoch, chain, history);
  }

  /**
   * Loads (parses, validates, compiles) module {@code bytes} within the policy's size and time; see
   * {@link ModuleLoader#load}.
   */
  public LoadedModule load(byte[] bytes) {
    return loader.load(bytes);
  }

  /**
   * The module {@code ref} names, loaded: found by its hash when this node has it already, else
   * read (a file, or an uploaded module) and loaded.
   *
   * @throws io.troupe.error.InvalidModuleException when there is no such module
   */
  public LoadedModule module(String ref) {
    return loader.load(ref, modules::resolve);
  }

  /** What manifests and modules may ask for on this node. */
  public io.troupe.policy.Policy policy() {
    return policy;
  }

  ActorHandle handle(Actor actor) {
    return new ActorHandle(actor, services.mapper(), requestTimeout);
  }

  /**
   * Opens a channel from outside to actor {@code to}; completes once the actor accepted it. {@code
   * listener} gets what the actor sends on it and the close.
   */
  public CompletableFuture<ClientChannel> openChannel(
      ActorId to, JsonNode message, ChannelListener listener) {
    PostOffice.End end = new PostOffice.ClientEnd(listener);
    return services
        .postOffice()
        .openChannel(end, to, message, requestTimeout)
        .thenApply(id -> new ClientChannel(id, end, services.postOffice()));
  }

  /**
   * Delivers {@code message} from outside to actor {@code to}, wherever it lives; completes once
   * handled (and, in a cluster, replicated).
   */
  public CompletableFuture<Void> send(ActorId to, JsonNode message) {
    return send(to, message, services.postOffice().newId());
  }

  /**
   * Like {@link #send(ActorId, JsonNode)} with the caller's message id: a retry with the same id is
   * answered from the record instead of running the actor again.
   */
  public CompletableFuture<Void> send(ActorId to, JsonNode message, String messageId) {
    try {
      return services
          .postOffice()
          .send(Optional.empty(), to, message, messageId)
          .thenApply(v -> null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A request from outside to actor {@code to}, wherever it lives; completes with the response. */
  public CompletableFuture<JsonNode> request(ActorId to, JsonNode message, Duration timeout) {
    return request(to, message, timeout, services.postOffice().newId());
  }

  /** Like {@link #request(ActorId, JsonNode, Duration)} with the caller's message id. */
  public CompletableFuture<JsonNode> request(
      ActorId to, JsonNode message, Duration timeout, String messageId) {
    try {
      return services
          .postOffice()
          .request(Optional.empty(), to, message, timeout, messageId)
          .thenApply(v -> v == null ? services.mapper().nullNode() : v);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The default deadline of requests from outside. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  public String nodeName() {
    return services.nodeName();
  }

  /** The ids of the open channels actor {@code id} is part of. */
  public List<String> channelsOf(ActorId id) {
    return services.postOffice().channelsOf(id);
  }

  /** Turns parked on this node right now (waiting on requests, channel opens or spawns). */
  public int parkedTurns() {
    return services.parking().parked();
  }

  /** The actor with {@code id}, on this node. */
  public ActorHandle get(ActorId id) {
    return find(id).orElseThrow(() -> new ActorNotFoundException("no actor " + id));
  }

  public Optional<ActorHandle> find(ActorId id) {
    return residents.find(id);
  }

  public List<ActorHandle> list() {
    return residents.list();
  }

  /**
   * Lets go of actor {@code id}'s copy here if it has ended (stopped or failed), so that its id can
   * be used again; a live copy stays.
   */
  public void forgetEnded(ActorId id) {
    residents.find(id).filter(h -> !h.status().live()).ifPresent(h -> residents.forget(h.actor()));
  }

  /**
   * Hot code upgrade: actor {@code id} (running here) runs {@code moduleRef} from its next turn on,
   * its state and handlers kept; records {@code actor.upgraded} saying {@code check}. Whether the
   * new module reproduces the history is the caller's to check first ({@link
   * io.troupe.replay.Replay}).
   *
   * @return completes once the upgrade is durable
   */
  public CompletableFuture<Void> upgrade(ActorId id, String moduleRef, String check) {
    LoadedModule next = module(moduleRef);
    return get(id).actor().enqueueUpgrade(next, moduleRef, check);
  }

  /**
   * Stops the actor after the deliveries queued before this call; records {@code actor.stopped}.
   * Its children stop too; its parent, if any, is told ({@code handle-child-external-stop}).
   */
  public CompletableFuture<Void> stop(ActorId id, String reason) {
    return get(id).actor().enqueueStop(reason, StopCause.EXTERNAL);
  }

  /**
   * Stops every actor (recording {@code actor.stopped}), then the executors this system owns. A
   * node that leaves a cluster hands its actors off first ({@link Hosting#handOffAll}), so that
   * nothing is left here to stop.
   */
  public void shutdown() {
    if (shutdown) {
      return;
    }
    shutdown = true;
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (ActorHandle h : residents.list()) {
      if (h.status().live()) {
        stops.add(h.actor().enqueueStop("node shutdown", StopCause.NODE));
      }
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort: the chains of actors that did not stop in time end without actor.stopped
    }
    services.watchdog().close();
    workers.shutdownNow();
    loader.close();
    if (ownsExecutors) {
      services.executor().shutdown();
      services.scheduler().shutdown();
    }
  }

  /** Actors here asleep without a guest instance (passivated): counted now, one pass. */
  public int sleeping() {
    return residents.count(Actor::sleeping);
  }

  public boolean isShutdown() {
    return shutdown;
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return !ownsExecutors || services.executor().awaitTermination(timeout, unit);
  }

  @Override
  public void close() {
    shutdown();
  }
}
