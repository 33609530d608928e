package io.troupe.actor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.error.ActorAlreadyExistsException;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.TroupeException;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.environment.EnvironmentHandler;
import io.troupe.host.random.RandomHandler;
import io.troupe.host.runtime.RuntimeHandler;
import io.troupe.host.timing.TimingHandler;
import io.troupe.manifest.Manifest;
import io.troupe.wasm.ExecutionMode;
import io.troupe.wasm.LoadedModule;
import io.troupe.wasm.WasmEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
  /** What every actor of this system shares. */
  record Services(
      Clock clock,
      ExecutorService executor,
      ScheduledExecutorService scheduler,
      Watchdog watchdog,
      ObjectMapper mapper,
      HandlerCatalog handlers,
      String nodeName) {}

  private final Services services;
  private final WasmEngine engine;
  private final ModuleSource modules;
  private final Supplier<String> ids;
  private final boolean ownsExecutors;
  private final Map<ActorId, ActorHandle> actors = new ConcurrentHashMap<>();
  private volatile boolean shutdown;

  private ActorSystem(Builder b) {
    this.ownsExecutors = b.executor == null;
    ExecutorService executor =
        b.executor != null
            ? b.executor
            : Executors.newFixedThreadPool(b.turnThreads, daemonThreads("troupe-turn-"));
    ScheduledExecutorService scheduler =
        b.scheduler != null
            ? b.scheduler
            : Executors.newSingleThreadScheduledExecutor(daemonThreads("troupe-deadline-"));
    HandlerCatalog catalog =
        b.handlers != null
            ? b.handlers
            : new HandlerCatalog(
                List.of(
                    new RuntimeHandler(),
                    new TimingHandler(),
                    new RandomHandler(),
                    new EnvironmentHandler(System.getenv())));
    this.services =
        new Services(
            b.clock,
            executor,
            scheduler,
            new Watchdog(scheduler, b.deadlineTick),
            b.mapper,
            catalog,
            b.nodeName);
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
      throw unwrap(e);
    }
  }

  /** Like {@link #start(Manifest, ActorId)}, without blocking on {@code init}. */
  public CompletableFuture<ActorHandle> startAsync(Manifest manifest, ActorId id) {
    if (shutdown) {
      throw new io.troupe.error.ActorNotRunningException("node is shutting down");
    }
    LoadedModule module = engine.load(modules.resolve(manifest.module()));
    var handlers = services.handlers().create(manifest.handlers(), manifest.source());
    Actor actor = new Actor(id, manifest, module, handlers, services);
    ActorHandle handle = new ActorHandle(actor, services.mapper(), ids);
    if (actors.putIfAbsent(id, handle) != null) {
      throw new ActorAlreadyExistsException("actor " + id + " already exists");
    }
    CompletableFuture<ActorHandle> started = new CompletableFuture<>();
    actor
        .mailbox()
        .offer(
            () -> {
              try {
                actor.start();
                started.complete(handle);
              } catch (RuntimeException e) {
                started.completeExceptionally(e);
              }
            });
    return started;
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
   */
  public CompletableFuture<Void> stop(ActorId id, String reason) {
    Actor actor = get(id).actor();
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!actor
        .mailbox()
        .offer(
            () -> {
              actor.stop(ActorStatus.STOPPED, reason);
              done.complete(null);
            })) {
      // A full mailbox still has to let a stop through: try again once the pool has drained some.
      return CompletableFuture.supplyAsync(() -> stop(id, reason), services.executor())
          .thenCompose(f -> f);
    }
    return done;
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
      if (h.status() == ActorStatus.RUNNING || h.status() == ActorStatus.STARTING) {
        stops.add(stop(h.id(), "node shutdown"));
      }
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort: the chains of actors that did not stop in time end without actor.stopped
    }
    services.watchdog().close();
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

  static RuntimeException unwrap(CompletionException e) {
    return e.getCause() instanceof RuntimeException r ? r : e;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Configures an {@link ActorSystem}; every setting has a default. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private ExecutorService executor;
    private ScheduledExecutorService scheduler;
    private int turnThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private ObjectMapper mapper = new ObjectMapper();
    private HandlerCatalog handlers;
    private WasmEngine engine;
    private ExecutionMode mode = ExecutionMode.COMPILER;
    private ModuleSource modules;
    private Supplier<String> ids = () -> UUID.randomUUID().toString();
    private String nodeName = "local";
    private Duration deadlineTick = Duration.ofMillis(10);

    private Builder() {}

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
