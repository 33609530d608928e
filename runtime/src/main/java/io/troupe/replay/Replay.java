package io.troupe.replay;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.Event;
import io.troupe.actor.EventCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.chain.Sha256;
import io.troupe.error.InvalidArgumentException;
import io.troupe.wasm.AbiViolation;
import io.troupe.wasm.GuestFaults;
import io.troupe.wasm.GuestInstance;
import io.troupe.wasm.GuestResult;
import io.troupe.wasm.HostRegistry;
import io.troupe.wasm.LoadedModule;
import io.troupe.wasm.TurnAborted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Re-executes an actor's chain against a module (docs/chain.md, "Replay"): every recorded callback
 * is called again with the state the chain says it had and the params it recorded; the module's
 * host calls are answered from the chain's {@code host.call} events, never from the world; and each
 * turn must end as recorded ({@code wasm.result}: the same result and state hash; {@code
 * wasm.error}: the same error or fault). Fed one event at a time, it holds one turn's events, the
 * state and one guest instance, whatever the chain's length. One thread at a time.
 */
public final class Replay implements AutoCloseable {
  private static final int MAX_NOTES = 20;

  private LoadedModule module;
  private final Function<String, Optional<LoadedModule>> modules;
  private final boolean fixedModule;
  private final int memoryPages;
  private final Duration callTimeout;
  private final Optional<byte[]> initState;
  private final Function<String, Optional<byte[]>> states;
  private final ObjectMapper mapper;
  private final EventCodec codec;
  private final ScheduledExecutorService timer;
  private final boolean ownsTimer;

  private String actor;
  private long events;
  private long turns;
  private long from = -1;
  private long firstSeq = -1;
  private ReplayReport.Divergence divergence;
  private final Set<String> notes = new LinkedHashSet<>();

  /** The state the next callback gets; meaningful once {@code from >= 0}. */
  private byte[] state;

  private byte[] genesisState;
  private boolean genesisKnown;
  private GuestInstance guest;
  private TurnCheck current;

  /** The events of the turn being read, from its {@code wasm.call}; null between turns. */
  private List<ChainEvent> turn;

  Replay(ReplayBuilder b) {
    this.module = Objects.requireNonNull(b.module, "module");
    this.modules = b.modules;
    this.fixedModule = b.fixedModule;
    this.memoryPages = b.memoryPages;
    this.callTimeout = b.callTimeout;
    this.initState = b.initState;
    this.states = b.states;
    this.mapper = b.mapper;
    this.codec = new EventCodec(b.mapper);
    this.ownsTimer = b.timer == null;
    this.timer =
        ownsTimer
            ? Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "troupe-replay-deadline");
                  t.setDaemon(true);
                  return t;
                })
            : b.timer;
  }

  /** A replay of chains of actors of {@code module}. */
  public static ReplayBuilder builder(LoadedModule module) {
    return new ReplayBuilder(module);
  }

  /**
   * Replays the next event of the chain (in seq order).
   *
   * @return false once the replay diverged (later events are not looked at)
   * @throws InvalidArgumentException when the event cannot be read, or the chain cannot be replayed
   *     (a state it starts from that this replay was not given)
   */
  public boolean accept(ChainEvent e) {
    if (divergence != null) {
      return false;
    }
    if (actor == null) {
      actor = e.actor();
      firstSeq = e.seq();
    }
    events++;
    if (turn != null) {
      switch (e.type()) {
        case EventTypes.WASM_RESULT, EventTypes.WASM_ERROR -> {
          turn.add(e);
          List<ChainEvent> t = turn;
          turn = null;
          run(t);
          return divergence == null;
        }
        case EventTypes.WASM_CALL,
            EventTypes.ACTOR_STARTED,
            EventTypes.ACTOR_MOVED,
            EventTypes.ACTOR_RESTARTED,
            EventTypes.ACTOR_STOPPED ->
            cutShort();
        default -> {
          turn.add(e);
          return true;
        }
      }
    }
    between(e);
    return divergence == null;
  }

  /**
   * What the replay found.
   *
   * @throws InvalidArgumentException when no event could be re-executed: an empty chain, or one
   *     that starts after its genesis with no checkpoint whose state this replay has
   */
  public ReplayReport finish() {
    if (turn != null) {
      cutShort();
    }
    if (actor == null) {
      throw new InvalidArgumentException("the chain has no events: nothing to replay");
    }
    if (from < 0) {
      throw new InvalidArgumentException(
          "cannot replay the chain of actor "
              + actor
              + ": it starts at seq "
              + firstSeq
              + ", after its genesis, and names no state this replay has at any of its"
              + " checkpoints (give the state recorded at one)");
    }
    return new ReplayReport(
        actor,
        events,
        turns,
        from,
        Optional.ofNullable(divergence),
        new ArrayList<>(notes).subList(0, Math.min(notes.size(), MAX_NOTES)));
  }

  /** An event between turns: where the state comes from, and what it must be. */
  private void between(ChainEvent e) {
    switch (e.type()) {
      case EventTypes.ACTOR_STARTED -> started(e, (Event.Started) codec.decode(e));
      case EventTypes.WASM_CALL -> {
        if (from >= 0) {
          turn = new ArrayList<>();
          turn.add(e);
        }
      }
      case EventTypes.ACTOR_CHECKPOINT ->
          continueFrom(e, ((Event.Checkpoint) codec.decode(e)).stateSha256());
      case EventTypes.ACTOR_MOVED -> {
        guest = null; // a new home makes a new instance
        continueFrom(e, ((Event.Moved) codec.decode(e)).stateSha256());
      }
      case EventTypes.ACTOR_UPGRADED -> upgraded(e, (Event.Upgraded) codec.decode(e));
      case EventTypes.ACTOR_RESTARTED -> {
        Event.Restarted r = (Event.Restarted) codec.decode(e);
        guest = null;
        if (r.fresh() && genesisKnown) {
          state = genesisState;
        }
        continueFrom(e, r.stateSha256());
      }
      default -> {
        // async.*, actor.stopped and types this version does not interpret change no state
      }
    }
  }

  private void started(ChainEvent e, Event.Started s) {
    if (!fixedModule && !s.moduleSha256().equals(module.sha256())) {
      // the module the chain started with, when the replay has it (a later upgrade changed it)
      modules
          .apply(s.moduleSha256())
          .filter(m -> m.sha256().equals(s.moduleSha256()))
          .ifPresent(m -> module = m);
    }
    if (!s.moduleSha256().equals(module.sha256())) {
      note(
          "replayed with module sha256:"
              + module.sha256()
              + "; the chain was recorded with sha256:"
              + s.moduleSha256());
    }
    Optional<String> given = initState.map(Sha256::hex);
    if (given.equals(s.initStateSha256())) {
      genesisState = initState.orElse(null);
    } else {
      genesisState =
          s.initStateSha256()
              .flatMap(this::stateOf)
              .orElseThrow(
                  () ->
                      new InvalidArgumentException(
                          "cannot replay the chain of actor "
                              + e.actor()
                              + ": it starts from a state with sha256 "
                              + s.initStateSha256().orElse("(none)")
                              + ", and the manifest's init_state "
                              + given.map(h -> "has sha256 " + h).orElse("is not set")
                              + " (a spawned child's first state is its parent's choice: give"
                              + " it)"));
    }
    genesisKnown = true;
    state = genesisState;
    guest = null;
    from = from < 0 ? e.seq() : from;
  }

  /** The actor runs another module from here: so does the replay, unless its module is fixed. */
  private void upgraded(ChainEvent e, Event.Upgraded u) {
    if (fixedModule) {
      note(
          "the chain upgrades to module sha256:"
              + u.moduleSha256()
              + " at seq "
              + e.seq()
              + "; replayed with the given module throughout");
      return;
    }
    if (u.moduleSha256().equals(module.sha256())) {
      return;
    }
    module =
        modules
            .apply(u.moduleSha256())
            .filter(m -> m.sha256().equals(u.moduleSha256()))
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "the chain of actor "
                            + e.actor()
                            + " upgrades to module sha256:"
                            + u.moduleSha256()
                            + " at seq "
                            + e.seq()
                            + ", which this replay was not given"));
    guest = null; // the upgrade made a new instance
  }

  /** The actor goes on from the state with hash {@code recorded} (empty: no state). */
  private void continueFrom(ChainEvent e, Optional<String> recorded) {
    if (from >= 0) {
      Optional<String> actual = TurnOutcome.hashOf(state);
      if (!actual.equals(recorded)) {
        diverge(
            e.seq(),
            e.type() + ": the chain continues from another state than the replay reached",
            "state sha256 " + recorded.orElse("(none)"),
            "state sha256 " + actual.orElse("(none)"));
      }
      return;
    }
    Optional<byte[]> known =
        recorded.isEmpty() ? Optional.of(new byte[0]) : stateOf(recorded.get());
    if (known.isPresent()) {
      state = recorded.isEmpty() ? null : known.get();
      from = e.seq();
    }
  }

  /** The state with SHA-256 {@code hex}, if this replay has it (checked, not trusted). */
  private Optional<byte[]> stateOf(String hex) {
    if (initState.isPresent() && Sha256.hex(initState.get()).equals(hex)) {
      return initState;
    }
    return states.apply(hex).filter(b -> Sha256.hex(b).equals(hex));
  }

  /** A turn whose end the chain does not hold: its node stopped in it; the state did not change. */
  private void cutShort() {
    note(
        "the turn at seq "
            + turn.get(0).seq()
            + " has no result in the chain (its node stopped during it); not compared");
    turn = null;
  }

  private void run(List<ChainEvent> events) {
    ChainEvent callEvent = events.get(0);
    ChainEvent endEvent = events.get(events.size() - 1);
    Event.Call call = (Event.Call) codec.decode(callEvent);
    Event end = codec.decode(endEvent);
    byte[] params = codec.rawParams(callEvent);
    List<TurnCheck.Expected> expected = new ArrayList<>();
    for (ChainEvent e : events) {
      if (e.type().equals(EventTypes.HOST_CALL)) {
        expected.add(new TurnCheck.Expected(e.seq(), (Event.HostCall) codec.decode(e)));
      }
    }
    turns++;
    TurnCheck check = new TurnCheck(expected, endEvent.seq(), this::note);
    GuestResult result = null;
    String fault = null;
    current = check;
    Thread caller = Thread.currentThread();
    ScheduledFuture<?> deadline =
        timer.schedule(caller::interrupt, callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      result = guest().call(call.function(), state, params);
    } catch (TurnAborted e) {
      // the check holds the divergence
    } catch (ChicoryException | AbiViolation | StackOverflowError e) {
      fault = GuestFaults.message(e, callTimeout).orElseThrow();
    } finally {
      deadline.cancel(false);
      Thread.interrupted(); // a deadline that fired as the call returned
      current = null;
    }
    if (check.divergence().isPresent()) {
      divergence = check.divergence().get();
      return;
    }
    if (result instanceof GuestResult.Ok ok) {
      fault = GuestFaults.oversizedState(ok.state().map(b -> b.length).orElse(0)).orElse(null);
    }
    Optional<TurnCheck.Expected> unmade = check.unmade();
    if (unmade.isPresent() && fault == null) {
      Event.HostCall h = unmade.get().call();
      diverge(
          unmade.get().seq(),
          "the module did not make a host call the chain records in this turn",
          h.function() + " " + RecordedValues.show(h.input()),
          "(no further host call: " + call.function() + " returned)");
      return;
    }
    TurnOutcome outcome =
        TurnOutcome.judge(call.function(), endEvent.seq(), end, result, fault, mapper);
    if (outcome.divergence() != null) {
      divergence = outcome.divergence();
    } else if (outcome.returned()) {
      state = outcome.state();
    } else if (outcome.endsInstance()) {
      guest = null; // a fault ends the instance
    }
  }

  /** The guest instance, made when first needed; its imports are answered from the chain. */
  private GuestInstance guest() {
    if (guest == null) {
      HostRegistry registry = new HostRegistry(mapper);
      Set<String> bound = new HashSet<>();
      for (LoadedModule.FunctionImportRef imp : module.functionImports()) {
        String function = imp.module() + "." + imp.name();
        if (imp.type() == ExternalType.FUNCTION && bound.add(function)) {
          registry.registerBinding(
              imp.module(), imp.name(), 0, input -> current.answer(function, input));
        }
      }
      guest =
          GuestInstance.create(
              module,
              memoryPages,
              registry,
              (function, input, output) -> current.made(function, input, output),
              iface -> Optional.empty(),
              mapper);
    }
    return guest;
  }

  private void diverge(long seq, String what, String recorded, String replayed) {
    divergence = new ReplayReport.Divergence(seq, what, recorded, replayed);
  }

  private void note(String note) {
    notes.add(note);
  }

  @Override
  public void close() {
    if (ownsTimer) {
      timer.shutdownNow();
    }
  }
}
