package io.troupe.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.manifest.Limits;
import io.troupe.wasm.LoadedModule;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/** How to replay: the module, and what the chain does not hold (the first state, limits). */
public final class ReplayBuilder {
  final LoadedModule module;
  int memoryPages = Limits.defaults().memoryPages();
  Duration callTimeout = Limits.defaults().callTimeout();
  Optional<byte[]> initState = Optional.empty();
  Function<String, Optional<byte[]>> states = hex -> Optional.empty();
  ObjectMapper mapper = new ObjectMapper();
  ScheduledExecutorService timer;
  Function<String, Optional<LoadedModule>> modules = hex -> Optional.empty();
  boolean fixedModule;

  ReplayBuilder(LoadedModule module) {
    this.module = module;
  }

  /** The manifest's limits: memory pages and call deadline, as the actor ran under. */
  public ReplayBuilder limits(Limits limits) {
    this.memoryPages = limits.memoryPages();
    this.callTimeout = limits.callTimeout();
    return this;
  }

  /** The manifest's {@code init_state} (null: none). */
  public ReplayBuilder initState(byte[] state) {
    this.initState = Optional.ofNullable(state);
    return this;
  }

  /**
   * States by their SHA-256 hex: a spawned child's first state, or the state at a checkpoint for a
   * chain whose earlier events were pruned. Each is hashed again before use.
   */
  public ReplayBuilder states(Function<String, Optional<byte[]>> states) {
    this.states = Objects.requireNonNull(states);
    return this;
  }

  public ReplayBuilder mapper(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper);
    return this;
  }

  /** Modules by their SHA-256 hex: what an {@code actor.upgraded} event switches the replay to. */
  public ReplayBuilder modules(Function<String, Optional<LoadedModule>> modules) {
    this.modules = Objects.requireNonNull(modules);
    return this;
  }

  /**
   * Replays every turn with the builder's module, through any {@code actor.upgraded} event: how a
   * candidate module is checked against a history.
   */
  public ReplayBuilder fixedModule() {
    this.fixedModule = true;
    return this;
  }

  /** Where call deadlines are timed (default: a thread of the replay's own). */
  public ReplayBuilder timer(ScheduledExecutorService timer) {
    this.timer = timer;
    return this;
  }

  public Replay build() {
    return new Replay(this);
  }
}
