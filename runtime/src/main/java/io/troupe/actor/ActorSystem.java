package io.troupe.actor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.error.ActorAlreadyExistsException;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.TroupeException;
import io.troupe.host.HandlerCatalog;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.wasm.ExecutionMode;
import io.troupe.wasm.LoadedModule;
import io.troupe.wasm.WasmEngine;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The actors of one node: starts them from manifests, finds them by id, stops them. Turns of all
 * actors share one bounded executor; each actor runs one callback at a time.
 *
 * <pre>{@code
 * try (ActorSystem system = ActorSystem.builder().build()) {
 *   ActorHandle counter = system.start(new ManifestParser().parse(Path.of("counter.toml")));
 *   counter.send(JsonNodeFactory.instance.numberNode(5)).join();
 * }
 * }</pre>
 */
public final class ActorSystem implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ActorSystem.class);

  /** What every actor of this system shares. */
  record Services(
      Clock clock,
      ExecutorService executor,
      ScheduledExecutorService scheduler,
      Watchdog watchdog,
      ObjectMapper mapper,
      HandlerCatalog handlers,
      String nodeName,
      PostOffice postOffice,
      WaitGraph waitGraph,
      Parking parking,
      ChainStore chainStore,
      io.troupe.dispatch.Dispatcher dispatcher,
      ActorSystem system) {}

  private final Services services;
  private final WasmEngine engine;
  private final ModuleSource modules;
  private final Supplier<String> ids;
  private final boolean ownsExecutors;
  private final Duration requestTimeout;
  private final Directory remote;
  private final ManifestParser manifests = new ManifestParser();
  private final Map<ActorId, ActorHandle> actors = new ConcurrentHashMap<>();
  private final ExecutorService workers;

  /** Actors whose copy here was lost (a refused commit, no quorum) and not resumed here since. */
  private final Set<ActorId> lostHere = ConcurrentHashMap.newKeySet();

  private volatile boolean shutdown;

  private ActorSystem(Builder b) {
    this.ownsExecutors = b.executor == null;
    ExecutorService executor = b.executor != null ? b.executor : turnPool(b);
    ScheduledExecutorService scheduler =
        b.scheduler != null
            ? b.scheduler
            : Executors.newSingleThreadScheduledExecutor(daemonThreads("troupe-deadline-"));
    HandlerCatalog catalog = b.handlers;
    this.workers =
        Executors.newFixedThreadPool(b.workerSlots, daemonThreads(b.nodeName + "-work-"));
    var dispatcher =
        new io.troupe.dispatch.Dispatcher(
            b.nodeName,
            new io.troupe.dispatch.WorkerPool(
                catalog.runners(), workers, b.clock, b.workerSlots, b.workerQueue, b.meters),
            b.cluster,
            b.resultSink != null ? b.resultSink : this::resultHere,
            this::placedHere,
            b.meters);
    io.micrometer.core.instrument.Gauge.builder("troupe.actors", actors, Map::size)
        .description("actors on this node")
        .register(b.meters);
    this.services =
        new Services(
            b.clock,
            executor,
            scheduler,
            new Watchdog(scheduler, b.deadlineTick),
            b.mapper,
            catalog,
            b.nodeName,
            new PostOffice(this::lookup, b.ids, scheduler),
            b.waitGraph != null ? b.waitGraph : new LocalWaitGraph(),
            new Parking(b.maxParkedTurns),
            b.chainStore,
            dispatcher,
            this);
    this.remote = b.remote;
    this.requestTimeout = b.requestTimeout;
    this.engine = b.engine != null ? b.engine : new WasmEngine(b.mode);
    this.modules = b.modules != null ? b.modules : new ModuleSource();
    this.ids = b.ids;
  }

  public static Builder builder() {
    return new Builder();
  }

  public WasmEngine engine() {
    return engine;
  }

  public ModuleSource modules() {
    return modules;
  }

  /** Starts an actor with a fresh UUID; see {@link #start(Manifest, ActorId)}. */
  public ActorHandle start(Manifest manifest) {
    return start(manifest, ActorId.of(ids.get()));
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
      throw io.troupe.error.Errors.unwrap(e);
    }
  }

  /** Like {@link #start(Manifest, ActorId)}, without blocking on {@code init}. */
  public CompletableFuture<ActorHandle> startAsync(Manifest manifest, ActorId id) {
    byte[] init = manifest.initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    return launch(manifest, id, Optional.empty(), init);
  }

  private CompletableFuture<ActorHandle> launch(
      Manifest manifest, ActorId id, Optional<ActorId> parent, byte[] initState) {
    if (shutdown) {
      throw new ActorNotRunningException("node is shutting down");
    }
    LoadedModule module = engine.load(modules.resolve(manifest.module()));
    var handlers = services.handlers().create(manifest.handlers(), manifest.source());
    Actor actor =
        new Actor(id, manifest, module, handlers, services, parent, initState, 0, List.of());
    ActorHandle handle = new ActorHandle(actor, services.mapper(), requestTimeout);
    if (actors.putIfAbsent(id, handle) != null) {
      throw new ActorAlreadyExistsException("actor " + id + " already exists");
    }
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

  /**
   * Continues an actor here that ran on another node: from its committed chain {@code history} and
   * the {@code state} of its last committed turn, in epoch {@code epoch}. Records {@code
   * actor.moved}; returns once that is durable.
   *
   * @throws io.troupe.error.TroupeException when the module or handlers cannot be loaded, the
   *     history does not verify, or the state does not match it
   */
  public CompletableFuture<ActorHandle> resume(
      Manifest manifest,
      ActorId id,
      Optional<ActorId> parent,
      List<io.troupe.chain.ChainEvent> history,
      byte[] state,
      long epoch,
      String fromNode,
      String why) {
    if (shutdown) {
      throw new ActorNotRunningException("node is shutting down");
    }
    LoadedModule module = engine.load(modules.resolve(manifest.module()));
    var handlers = services.handlers().create(manifest.handlers(), manifest.source());
    byte[] init = manifest.initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    Actor actor = new Actor(id, manifest, module, handlers, services, parent, init, epoch, history);
    ActorHandle handle = new ActorHandle(actor, services.mapper(), requestTimeout);
    ActorHandle previous = actors.get(id);
    if (previous != null && previous.status() != ActorStatus.LOST) {
      throw new ActorAlreadyExistsException("actor " + id + " already runs on this node");
    }
    actors.put(id, handle);
    lostHere.remove(id);
    CompletableFuture<ActorHandle> resumed = new CompletableFuture<>();
    actor
        .mailbox()
        .offerAlways(
            () -> {
              try {
                actor.resumeMoved(state, fromNode, why);
                actor.release(resumed, handle, null);
              } catch (RuntimeException e) {
                actors.remove(id, handle);
                resumed.completeExceptionally(e);
              }
            });
    return resumed;
  }

  /**
   * This node is leaving: every actor stops taking deliveries without recording a stop, once what
   * it already recorded is durable, so that other nodes take the actors over from their records.
   */
  /**
   * Gives actor {@code id} up on this node, because it moves to another: the deliveries queued
   * before this call run first, then the copy stops taking deliveries (they fail as unavailable, so
   * callers retry at the new home) without recording a stop.
   *
   * @return completes with the actor's epoch once everything it recorded is durable
   */
  public CompletableFuture<Long> handOff(ActorId id) {
    ActorHandle h = actors.get(id);
    if (h == null) {
      return CompletableFuture.failedFuture(new ActorNotFoundException("no actor " + id));
    }
    Actor a = h.actor();
    CompletableFuture<Long> done = new CompletableFuture<>();
    a.mailbox()
        .offerAlways(
            () -> {
              if (a.status() != ActorStatus.RUNNING) {
                done.completeExceptionally(
                    new ActorNotRunningException(
                        "actor " + id + " is " + a.status().name().toLowerCase()));
                return;
              }
              a.durable()
                  .whenComplete(
                      (v, e) -> {
                        if (e != null) {
                          done.completeExceptionally(e);
                        } else {
                          done.complete(a.epoch());
                        }
                      });
              a.handOff();
              actors.remove(id, h);
              services.postOffice().closeChannelsOf(id, "actor " + id + " moved");
            });
    return done;
  }

  public void handOffAll(Duration within) {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (ActorHandle h : actors.values()) {
      Actor a = h.actor();
      CompletableFuture<Void> f = new CompletableFuture<>();
      a.mailbox()
          .offerAlways(
              () -> {
                a.durable().whenComplete((v, e) -> f.complete(null));
                a.handOff();
              });
      done.add(f);
    }
    try {
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
          .get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // best effort: what was not durable in time is not acknowledged either
    }
    actors.clear();
  }

  /**
   * Starts a child of {@code parent} from {@code manifestRef}: a manifest path (relative to the
   * parent's manifest) or inline TOML.
   */
  CompletableFuture<ActorHandle> spawn(
      Actor parent, String manifestRef, JsonNode initState, ActorId childId) {
    Manifest manifest = childManifest(parent.manifest(), manifestRef);
    byte[] init;
    try {
      init =
          initState == null || initState.isNull()
              ? manifest.initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null)
              : services.mapper().writeValueAsBytes(initState);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    parent.children().add(childId);
    try {
      return launch(manifest, childId, Optional.of(parent.id()), init)
          .whenComplete(
              (h, e) -> {
                if (e != null) {
                  parent.children().remove(childId);
                }
              });
    } catch (RuntimeException e) {
      parent.children().remove(childId);
      throw e;
    }
  }

  private Manifest childManifest(Manifest parent, String ref) {
    Path base = Path.of(parent.source()).toAbsolutePath().getParent();
    if (ref.contains("\n") || ref.contains("=")) {
      return manifests.parse(ref, base, "manifest spawned by " + parent.name());
    }
    Path path = base == null ? Path.of(ref) : base.resolve(ref).normalize();
    return manifests.parse(path);
  }

  Optional<Actor> local(ActorId id) {
    return Optional.ofNullable(actors.get(id)).map(ActorHandle::actor);
  }

  private Optional<Recipient> lookup(ActorId id) {
    ActorHandle h = actors.get(id);
    return h != null ? Optional.of(h.actor()) : remote.lookup(id);
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

  /** The actor with {@code id}. */
  public ActorHandle get(ActorId id) {
    ActorHandle h = actors.get(id);
    if (h == null) {
      throw new ActorNotFoundException("no actor " + id);
    }
    return h;
  }

  public Optional<ActorHandle> find(ActorId id) {
    return Optional.ofNullable(actors.get(id));
  }

  public List<ActorHandle> list() {
    return new ArrayList<>(actors.values());
  }

  /**
   * Stops the actor after the deliveries queued before this call; records {@code actor.stopped}.
   * Its children stop too; its parent, if any, is told ({@code handle-child-external-stop}).
   */
  public CompletableFuture<Void> stop(ActorId id, String reason) {
    return stopFor(get(id).actor(), reason, StopCause.EXTERNAL);
  }

  CompletableFuture<Void> stopFor(Actor actor, String reason, StopCause cause) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    actor
        .mailbox()
        .offerAlways(
            () -> {
              try {
                actor.stop(ActorStatus.STOPPED, reason, cause);
              } finally {
                actor.release(done, null, null);
              }
            });
    return done;
  }

  /**
   * The chain store refused a commit of {@code actor}: another home took it over. This copy stops
   * at once and leaves the node's list, so deliveries go to the new home.
   */
  void lost(Actor actor, io.troupe.error.TroupeException why) {
    actors.computeIfPresent(actor.id(), (k, h) -> h.actor() == actor ? null : h);
    lostHere.add(actor.id());
    actor.mailbox().offerAlways(() -> actor.markLost(why));
    services.postOffice().closeChannelsOf(actor.id(), "actor " + actor.id() + " moved");
  }

  /** The dispatcher of asynchronous work: this node's pool, and where it places work. */
  public io.troupe.dispatch.Dispatcher dispatcher() {
    return services.dispatcher();
  }

  /**
   * The result (or {@code error}) of dispatched operation {@code opId} of actor {@code id}, from
   * the node that ran it. Completes once it is recorded and durable (or known already).
   *
   * @throws ActorNotFoundException (in the future) when the actor does not live here
   */
  public CompletableFuture<Void> operationResult(
      ActorId id, String opId, JsonNode value, String error) {
    ActorHandle h = actors.get(id);
    if (h == null) {
      return CompletableFuture.failedFuture(
          new ActorNotFoundException("no actor " + id + " on node " + services.nodeName()));
    }
    return h.actor().operations().arrived(opId, value, error);
  }

  /**
   * The dispatcher moved an operation of an actor here to another worker: the actor records where
   * it runs now. An actor that moved away meanwhile is not told (its new home watches the worker
   * its chain names, until the operation's deadline).
   */
  private void placedHere(String actor, String opId, String worker) {
    ActorHandle h = actors.get(ActorId.of(actor));
    if (h != null) {
      h.actor().operations().placed(opId, worker);
    }
  }

  /** A node alone: results go to its own actors. */
  private void resultHere(String actor, String opId, JsonNode value, String error) {
    operationResult(ActorId.of(actor), opId, value, error)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.debug("result of operation {} for {} dropped: {}", opId, actor, e.toString());
              }
            });
  }

  /**
   * This node lost every actor it runs (it is out of the cluster): each copy stops at once without
   * recording and fails what it owes with {@code why}, so that callers retry elsewhere.
   */
  public void loseAll(io.troupe.error.TroupeException why) {
    for (ActorHandle h : List.copyOf(actors.values())) {
      lost(h.actor(), why);
    }
  }

  /**
   * The actors whose copy this node lost (its commit was refused, or it lost the quorum) and has
   * not resumed since: if their record still names this node, it should take them back once it can
   * write again.
   */
  public Set<ActorId> lostCopies() {
    return Set.copyOf(lostHere);
  }

  /** Actor {@code id}'s lost copy is no concern of this node's any more (it lives elsewhere). */
  public void forgetLost(ActorId id) {
    lostHere.remove(id);
  }

  /**
   * A delivery that came from another node for an actor of this one. A channel open that the actor
   * accepts is registered here with {@code opener} as the other end, so what the actor sends on it
   * goes back to where it was opened.
   *
   * @throws ActorNotFoundException when the actor is not here
   */
  public CompletableFuture<JsonNode> deliverFromRemote(Delivery d, ChannelListener opener) {
    ActorHandle h = actors.get(d.target());
    if (h == null) {
      throw new ActorNotFoundException(
          "no actor " + d.target() + " on node " + services.nodeName());
    }
    return services.postOffice().deliverFromRemote(h.actor(), d, opener);
  }

  /**
   * Channel traffic from the actor's side, coming back from another node: {@code message} from
   * actor {@code from} on channel {@code channelId}, or its close when {@code message} is empty.
   */
  public void channelBack(
      String channelId, ActorId from, Optional<JsonNode> message, String closeReason) {
    PostOffice.End end = new PostOffice.ActorEnd(from);
    if (message.isPresent()) {
      services.postOffice().sendOnChannel(end, channelId, message.get());
    } else {
      services.postOffice().closeChannel(end, channelId, closeReason);
    }
  }

  /**
   * Called by an actor once it stopped (in its mailbox): closes its channels, stops its children,
   * and tells its parent when the parent did not stop it.
   */
  /**
   * Whether the stopping actor's parent restarts it (called before the actor's new status is
   * visible).
   *
   * @return the restart's number in the policy's window, or 0
   */
  int restartDecision(Actor actor, StopCause cause) {
    if (cause != StopCause.FAULT && cause != StopCause.EXIT) {
      return 0;
    }
    return actor
        .parent()
        .flatMap(this::local)
        .map(p -> ((ActorSupervisor) p.supervisor()).decideRestart(actor, cause))
        .orElse(0);
  }

  void stopped(Actor actor, StopCause cause, String reason, JsonNode data, int restart) {
    services.postOffice().closeChannelsOf(actor.id(), "actor " + actor.id() + " stopped");
    List<ActorId> children;
    synchronized (actor.children()) {
      children = List.copyOf(actor.children());
    }
    for (ActorId child : children) {
      local(child)
          .ifPresent(
              c ->
                  stopFor(
                      c,
                      "parent " + actor.id() + " stopped",
                      cause == StopCause.NODE ? StopCause.NODE : StopCause.PARENT));
    }
    if (cause == StopCause.RESTART) {
      actor.children().clear();
    }
    if (cause == StopCause.FAULT || cause == StopCause.EXIT || cause == StopCause.EXTERNAL) {
      actor
          .parent()
          .flatMap(this::local)
          .ifPresent(
              p -> {
                ActorSupervisor supervisor = (ActorSupervisor) p.supervisor();
                if (restart > 0) {
                  supervisor.scheduleRestart(actor, restart);
                }
                p.mailbox()
                    .offerAlways(
                        () -> supervisor.onChildStopped(actor, cause, reason, data, restart));
              });
    }
  }

  /**
   * Stops every actor (recording {@code actor.stopped}) and then the executors this system owns.
   */
  public void shutdown() {
    if (shutdown) {
      return;
    }
    shutdown = true;
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (ActorHandle h : actors.values()) {
      if (h.status() == ActorStatus.RUNNING
          || h.status() == ActorStatus.STARTING
          || h.status() == ActorStatus.RESTARTING) {
        stops.add(stopFor(h.actor(), "node shutdown", StopCause.NODE));
      }
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort: the chains of actors that did not stop in time end without actor.stopped
    }
    services.watchdog().close();
    workers.shutdownNow();
    if (ownsExecutors) {
      services.executor().shutdown();
      services.scheduler().shutdown();
    }
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return !ownsExecutors || services.executor().awaitTermination(timeout, unit);
  }

  @Override
  public void close() {
    shutdown();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The turn pool: a {@link ForkJoinPool}, so a turn parked on another actor (a managed block) gets
   * a compensating thread and the node stays live. At most {@code maxParkedTurns} extra threads.
   */
  private static ExecutorService turnPool(Builder b) {
    AtomicInteger n = new AtomicInteger();
    ForkJoinPool.ForkJoinWorkerThreadFactory factory =
        pool -> {
          ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
          t.setName("troupe-turn-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return new ForkJoinPool(
        b.turnThreads,
        factory,
        null,
        true,
        0,
        b.turnThreads + b.maxParkedTurns + 16,
        1,
        pool -> true,
        60,
        TimeUnit.SECONDS);
  }

  /** Configures an {@link ActorSystem}; every setting has a default. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private ExecutorService executor;
    private ScheduledExecutorService scheduler;
    private int turnThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private ObjectMapper mapper = new ObjectMapper();
    private HandlerCatalog handlers = HandlerCatalog.none();
    private WasmEngine engine;
    private ExecutionMode mode = ExecutionMode.COMPILER;
    private ModuleSource modules;
    private Supplier<String> ids = () -> UUID.randomUUID().toString();
    private String nodeName = "local";
    private Duration deadlineTick = Duration.ofMillis(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int maxParkedTurns = 512;
    private Directory remote = Directory.empty();
    private WaitGraph waitGraph;
    private ChainStore chainStore = ChainStore.inMemory();
    private int workerSlots = Math.max(4, Runtime.getRuntime().availableProcessors());
    private int workerQueue = 1024;
    private io.troupe.dispatch.Dispatcher.Cluster cluster =
        io.troupe.dispatch.Dispatcher.Cluster.alone();
    private io.troupe.dispatch.Dispatcher.ResultSink resultSink;
    private io.micrometer.core.instrument.MeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    private Builder() {}

    /** Where the node's metrics go (default: kept in memory only). */
    public Builder meters(io.micrometer.core.instrument.MeterRegistry registry) {
      this.meters = Objects.requireNonNull(registry);
      return this;
    }

    /**
     * Where dispatched work may run besides this node, and how results reach their actors (default:
     * this node alone).
     */
    public Builder cluster(
        io.troupe.dispatch.Dispatcher.Cluster cluster,
        io.troupe.dispatch.Dispatcher.ResultSink results) {
      this.cluster = Objects.requireNonNull(cluster);
      this.resultSink = Objects.requireNonNull(results);
      return this;
    }

    /**
     * This node's share of dispatched work: operations running at once (default: max(4, cores)) and
     * waiting (default 1024).
     */
    public Builder workers(int slots, int queue) {
      if (slots < 1 || queue < 0) {
        throw new IllegalArgumentException("slots must be >= 1 and queue >= 0");
      }
      this.workerSlots = slots;
      this.workerQueue = queue;
      return this;
    }

    /** Where chains are made durable after each turn (default: nowhere beyond memory). */
    public Builder chainStore(ChainStore store) {
      this.chainStore = Objects.requireNonNull(store);
      return this;
    }

    /** Deadline of requests and channel opens made from outside (default 30 s). */
    public Builder requestTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Turns that may be parked at once, waiting on other actors (default 512); each holds a thread.
     */
    public Builder maxParkedTurns(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxParkedTurns must be >= 0, got " + n);
      }
      this.maxParkedTurns = n;
      return this;
    }

    /** Where ids that are not local are looked up (default: nowhere). */
    public Builder remoteDirectory(Directory remote) {
      this.remote = Objects.requireNonNull(remote);
      return this;
    }

    /** Who waits on whom, for request-cycle detection (default: this node's own graph). */
    public Builder waitGraph(WaitGraph graph) {
      this.waitGraph = Objects.requireNonNull(graph);
      return this;
    }

    /**
     * How often call deadlines are checked (default 10 ms): a deadline may overrun by this much.
     */
    public Builder deadlineTick(Duration tick) {
      if (tick.isNegative() || tick.isZero()) {
        throw new IllegalArgumentException("deadlineTick must be positive, got " + tick);
      }
      this.deadlineTick = tick;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** The executor turns run on; the caller keeps ownership. Default: a fixed pool. */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor);
      return this;
    }

    /** The scheduler that enforces call deadlines; the caller keeps ownership. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler);
      return this;
    }

    /** Threads of the default turn pool (default: cores, at least 2). */
    public Builder turnThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("turnThreads must be >= 1, got " + n);
      }
      this.turnThreads = n;
      return this;
    }

    public Builder mapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper);
      return this;
    }

    /**
     * The handler types actors of this system may declare (default: none). The node registers
     * {@link io.troupe.host.standard.StandardHandlers#catalog()}; so should most embedders.
     */
    public Builder handlers(HandlerCatalog handlers) {
      this.handlers = Objects.requireNonNull(handlers);
      return this;
    }

    /** Share an engine (and its compiled-module cache) between systems. */
    public Builder engine(WasmEngine engine) {
      this.engine = Objects.requireNonNull(engine);
      return this;
    }

    public Builder executionMode(ExecutionMode mode) {
      this.mode = Objects.requireNonNull(mode);
      return this;
    }

    public Builder modules(ModuleSource modules) {
      this.modules = Objects.requireNonNull(modules);
      return this;
    }

    /** Source of actor and request ids (default: random UUIDs). */
    public Builder ids(Supplier<String> ids) {
      this.ids = Objects.requireNonNull(ids);
      return this;
    }

    public Builder nodeName(String nodeName) {
      this.nodeName = Objects.requireNonNull(nodeName);
      return this;
    }

    public ActorSystem build() {
      return new ActorSystem(this);
    }
  }
}
