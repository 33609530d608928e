package io.troupe.actor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.troupe.dispatch.Dispatcher;
import io.troupe.host.HandlerCatalog;
import io.troupe.manifest.ChainSettings;
import io.troupe.wasm.ExecutionMode;
import io.troupe.wasm.WasmEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Configures an {@link ActorSystem}; every setting has a default, but a system has no handlers
 * until some are registered ({@link #handlers}).
 */
public final class ActorSystemBuilder {
  Clock clock = Clock.systemUTC();
  ExecutorService executor;
  ScheduledExecutorService scheduler;
  int turnThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
  ObjectMapper mapper = new ObjectMapper();
  HandlerCatalog handlers = HandlerCatalog.none();
  WasmEngine engine;
  ExecutionMode mode = ExecutionMode.COMPILER;
  ModuleSource modules;
  Supplier<String> ids = () -> UUID.randomUUID().toString();
  String nodeName = "local";
  Duration deadlineTick = Duration.ofMillis(10);
  Duration requestTimeout = Duration.ofSeconds(30);
  int maxParkedTurns = 512;
  Directory remote = Directory.empty();
  WaitGraph waitGraph;
  ChainStore chainStore = ChainStore.inMemory();
  int workerSlots = Math.max(4, Runtime.getRuntime().availableProcessors());
  int workerQueue = 1024;
  Dispatcher.Cluster cluster = Dispatcher.Cluster.alone();
  Dispatcher.ResultSink resultSink;
  MeterRegistry meters = new SimpleMeterRegistry();
  io.troupe.policy.Policy policy = io.troupe.policy.Policy.open();
  Duration passivateAfter = Passivation.OFF;
  ChainSettings chainDefaults = ChainSettings.defaults();

  ActorSystemBuilder() {}

  /**
   * What manifests and modules may ask for (default: {@link io.troupe.policy.Policy#open()}, the
   * built-in ceilings).
   */
  public ActorSystemBuilder policy(io.troupe.policy.Policy policy) {
    this.policy = Objects.requireNonNull(policy);
    return this;
  }

  /**
   * The handler types actors of this system may declare (default: none). The node registers {@link
   * io.troupe.host.standard.StandardHandlers#catalog()}; so should most embedders.
   */
  public ActorSystemBuilder handlers(HandlerCatalog handlers) {
    this.handlers = Objects.requireNonNull(handlers);
    return this;
  }

  /** Where the node's metrics go (default: kept in memory only). */
  public ActorSystemBuilder meters(MeterRegistry registry) {
    this.meters = Objects.requireNonNull(registry);
    return this;
  }

  /**
   * Where dispatched work may run besides this node, and how results reach their actors (default:
   * this node alone).
   */
  public ActorSystemBuilder cluster(Dispatcher.Cluster cluster, Dispatcher.ResultSink results) {
    this.cluster = Objects.requireNonNull(cluster);
    this.resultSink = Objects.requireNonNull(results);
    return this;
  }

  /**
   * This node's share of dispatched work: operations running at once (default: max(4, cores)) and
   * waiting (default 1024).
   */
  public ActorSystemBuilder workers(int slots, int queue) {
    if (slots < 1 || queue < 0) {
      throw new IllegalArgumentException("slots must be >= 1 and queue >= 0");
    }
    this.workerSlots = slots;
    this.workerQueue = queue;
    return this;
  }

  /** Where chains are made durable after each turn (default: nowhere beyond memory). */
  public ActorSystemBuilder chainStore(ChainStore store) {
    this.chainStore = Objects.requireNonNull(store);
    return this;
  }

  /** Deadline of requests and channel opens made from outside (default 30 s). */
  public ActorSystemBuilder requestTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
    }
    this.requestTimeout = timeout;
    return this;
  }

  /**
   * Turns that may be parked at once, waiting on other actors (default 512); each holds a thread.
   */
  public ActorSystemBuilder maxParkedTurns(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("maxParkedTurns must be >= 0, got " + n);
    }
    this.maxParkedTurns = n;
    return this;
  }

  /** Where ids that are not local are looked up (default: nowhere). */
  public ActorSystemBuilder remoteDirectory(Directory remote) {
    this.remote = Objects.requireNonNull(remote);
    return this;
  }

  /** Who waits on whom, for request-cycle detection (default: this node's own graph). */
  public ActorSystemBuilder waitGraph(WaitGraph graph) {
    this.waitGraph = Objects.requireNonNull(graph);
    return this;
  }

  /** How often call deadlines are checked (default 10 ms): a deadline may overrun by this much. */
  public ActorSystemBuilder deadlineTick(Duration tick) {
    if (tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("deadlineTick must be positive, got " + tick);
    }
    this.deadlineTick = tick;
    return this;
  }

  /**
   * An actor that ran nothing for this long drops its guest instance until its next turn, which
   * makes a new one (default: never; {@link Duration#ZERO} turns it off). See the node's {@code
   * passivate_after_ms}.
   */
  public ActorSystemBuilder passivateAfter(Duration idle) {
    if (idle.isNegative()) {
      throw new IllegalArgumentException("passivateAfter must not be negative");
    }
    this.passivateAfter = idle;
    return this;
  }

  /**
   * The checkpoint settings of actors whose manifest leaves {@code [chain]}'s checkpoint settings
   * at their built-in defaults (default: those). See the node's {@code checkpoint_events}.
   */
  public ActorSystemBuilder chainDefaults(ChainSettings defaults) {
    this.chainDefaults = Objects.requireNonNull(defaults);
    return this;
  }

  /** The clock of chain timestamps, timers and restart windows (default: the system clock). */
  public ActorSystemBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  /** The executor turns run on; the caller keeps ownership. Default: a fork-join pool. */
  public ActorSystemBuilder executor(ExecutorService executor) {
    this.executor = Objects.requireNonNull(executor);
    return this;
  }

  /** The scheduler of deadlines and timers; the caller keeps ownership. */
  public ActorSystemBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler);
    return this;
  }

  /** Threads of the default turn pool (default: cores, at least 2). */
  public ActorSystemBuilder turnThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("turnThreads must be >= 1, got " + n);
    }
    this.turnThreads = n;
    return this;
  }

  public ActorSystemBuilder mapper(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper);
    return this;
  }

  /** Share an engine (and its compiled-module cache) between systems. */
  public ActorSystemBuilder engine(WasmEngine engine) {
    this.engine = Objects.requireNonNull(engine);
    return this;
  }

  public ActorSystemBuilder executionMode(ExecutionMode mode) {
    this.mode = Objects.requireNonNull(mode);
    return this;
  }

  public ActorSystemBuilder modules(ModuleSource modules) {
    this.modules = Objects.requireNonNull(modules);
    return this;
  }

  /** Source of actor and request ids (default: random UUIDs). */
  public ActorSystemBuilder ids(Supplier<String> ids) {
    this.ids = Objects.requireNonNull(ids);
    return this;
  }

  public ActorSystemBuilder nodeName(String nodeName) {
    this.nodeName = Objects.requireNonNull(nodeName);
    return this;
  }

  public ActorSystem build() {
    return new ActorSystem(this);
  }
}
