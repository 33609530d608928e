package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.chain.Chain;
import io.troupe.chain.ChainVerifier;
import io.troupe.error.GuestErrorException;
import io.troupe.error.InternalException;
import io.troupe.error.TroupeException;
import io.troupe.error.UnavailableException;
import io.troupe.host.Handler;
import io.troupe.mailbox.Mailbox;
import io.troupe.manifest.Manifest;
import io.troupe.wasm.LoadedModule;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One actor on this node, and its lifecycle. Its rooms: the {@link Inbox} (what comes in, and
 * when), its {@link Turns} (the guest and its state), its {@link Ledger} (what it owes callers),
 * its {@link PendingOperations}, its {@link ActorContext} (what handlers see) and its {@link
 * CommitPipeline} (what is durable). Every method that touches the guest or the state runs inside
 * the mailbox, so at most one callback is in flight.
 *
 * <p>Lifecycle: STARTING, then RUNNING; it ends by one of three verbs, each with one meaning at
 * every level of Troupe: <b>stop</b> (a recorded end, {@code actor.stopped}, perhaps followed by a
 * restart), <b>hand off</b> (an unrecorded leave: another home continues from the chain) and
 * <b>lose</b> (fenced out: another home took over, and this copy records nothing more).
 */
final class Actor implements Recipient {
  private static final Logger log = LoggerFactory.getLogger(Actor.class);

  private final ActorId id;
  private volatile Manifest manifest; // its module changes on an upgrade
  private final Chain chain;
  private final Services services;
  private final byte[] initialState;
  private final Optional<ActorId> parent;
  private final long epoch;
  private final Set<ActorId> children = Collections.synchronizedSet(new LinkedHashSet<>());
  private final Ledger ledger;
  private final PendingOperations operations;
  private final ActorContext context;
  private final Recorder recorder;
  private final Turns turns;
  private final Inbox inbox;

  /** Restart times (clock millis) within the parent's window; touched in the parent's mailbox. */
  private final Deque<Long> restarts = new ArrayDeque<>();

  private volatile ActorStatus status = ActorStatus.STARTING;

  /** When the last turn (or any mailbox task) ended, in clock millis. */
  private volatile long lastActive;

  /**
   * @param chain the actor's chain: new, or one that goes on from a verified history
   * @param history what that history says (the actor's ledger and operations start from it)
   */
  Actor(
      ActorId id,
      Manifest manifest,
      LoadedModule module,
      List<Handler> handlers,
      Services services,
      Optional<ActorId> parent,
      byte[] initialState,
      long epoch,
      Chain chain,
      History history) {
    this.id = id;
    this.manifest = manifest;
    this.services = services;
    this.parent = parent;
    this.initialState = initialState;
    this.epoch = epoch;
    this.chain = chain;
    this.ledger = new Ledger(id, history);
    this.operations = new PendingOperations(this, history);
    this.recorder = new Recorder(this, chain, services, history.length());
    this.inbox =
        new Inbox(
            this,
            new Mailbox(services.executor(), manifest.limits().mailboxCapacity(), this::afterTask));
    this.context = new ActorContext(this);
    this.turns = new Turns(this, module, handlers, initialState, history.lastState());
    turns.instantiate();
    this.lastActive = services.passivation().now();
  }

  ActorId id() {
    return id;
  }

  Manifest manifest() {
    return manifest;
  }

  Chain chain() {
    return chain;
  }

  Mailbox mailbox() {
    return inbox.mailbox();
  }

  ActorStatus status() {
    return status;
  }

  Services services() {
    return services;
  }

  Optional<ActorId> parent() {
    return parent;
  }

  Set<ActorId> children() {
    return children;
  }

  Deque<Long> restarts() {
    return restarts;
  }

  long epoch() {
    return epoch;
  }

  Ledger ledger() {
    return ledger;
  }

  PendingOperations operations() {
    return operations;
  }

  ActorContext context() {
    return context;
  }

  Turns turns() {
    return turns;
  }

  Inbox inbox() {
    return inbox;
  }

  @Override
  public CompletableFuture<JsonNode> deliver(Delivery d) {
    return inbox.deliver(d);
  }

  // ---- durability ({@link Recorder}) ----

  Recorder recorder() {
    return recorder;
  }

  /** Appends {@code event} to the chain (committed after the mailbox task). */
  void record(Event event) {
    recorder.record(event);
  }

  /** See {@link Recorder#release}. */
  <T> void release(CompletableFuture<T> target, T value, Throwable error) {
    recorder.release(target, value, error);
  }

  /** After every mailbox task: a checkpoint when due, the commit of what it added. */
  private void afterTask() {
    recorder.afterTask();
    if (services.passivation().enabled()) {
      lastActive = services.passivation().now();
    }
  }

  /** When its last mailbox task ended, in clock millis (kept only while passivation is on). */
  long lastActive() {
    return lastActive;
  }

  /** Drops the guest instance ({@link Passivation}). Mailbox only. */
  void sleep() {
    turns.passivate();
  }

  /** Whether the actor sleeps without a guest instance ({@link Passivation}). */
  boolean sleeping() {
    return turns.passive();
  }

  // ---- lifecycle ----

  /** Records the genesis event and runs {@code init}, if the module exports it. In the mailbox. */
  void start() {
    record(
        new Event.Started(
            manifest.name(),
            manifest.version(),
            manifest.source(),
            turns.moduleSha256(),
            manifest.handlers().stream().map(h -> h.type()).toList(),
            turns.recordState(),
            services.nodeName(),
            0,
            parent));
    try {
      runInit();
    } finally {
      inbox.releaseHeld(); // deliveries that came while it started
    }
  }

  private void runInit() {
    status = ActorStatus.RUNNING; // init is a turn like any other
    if (turns.exports(Callbacks.INIT)) {
      try {
        turns.invoke(Callbacks.INIT, turns.json(List.of(id.value())), null);
      } catch (GuestErrorException e) {
        stop(ActorStatus.FAILED, "init failed: " + e.getMessage(), StopCause.FAULT);
        throw e;
      }
    }
  }

  /**
   * In the mailbox: this actor goes on here from {@code resumedState} (the state its chain last
   * recorded) after another node's copy; records {@code actor.moved}, resumes the operations its
   * chain shows open, and runs.
   */
  void resume(byte[] resumedState, String fromNode, String why) {
    turns.state(resumedState);
    if (!turns.stateHash().equals(turns.recordedState())) {
      status = ActorStatus.FAILED;
      inbox.releaseHeld();
      throw new InternalException(
          "actor "
              + id
              + " cannot move: its state "
              + turns.stateHash().orElse("none")
              + " does not match the chain's "
              + turns.recordedState().orElse("none"));
    }
    record(
        new Event.Moved(
            fromNode, services.nodeName(), epoch, why, turns.recordState(), operations.openIds()));
    status = ActorStatus.RUNNING;
    operations.resume(fromNode); // timers and other work of the old home go on here
    inbox.releaseHeld(); // deliveries that came while it moved in
  }

  /**
   * Runs {@code module} (kept at {@code moduleRef}) from the next turn on, after the deliveries
   * queued before: records {@code actor.upgraded} with {@code check}; state and handlers stay.
   * Completes once that is durable; fails, changing nothing, when the actor is not running or the
   * module does not fit its handlers.
   */
  CompletableFuture<Void> enqueueUpgrade(LoadedModule module, String moduleRef, String check) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    mailbox()
        .offerAlways(
            () -> {
              try {
                if (status != ActorStatus.RUNNING) {
                  throw new io.troupe.error.ActorNotRunningException(
                      "actor " + id + " is " + status.name().toLowerCase());
                }
                String from = turns.moduleSha256();
                turns.upgrade(module);
                manifest = manifest.withModule(moduleRef);
                record(
                    new Event.Upgraded(
                        from, module.sha256(), moduleRef, check, services.nodeName()));
                release(done, null, null);
              } catch (RuntimeException e) {
                release(done, null, e);
              }
            });
    return done;
  }

  /**
   * Stops the actor after the deliveries queued before this call (see {@link #stop}); completes
   * once the stop is durable.
   */
  CompletableFuture<Void> enqueueStop(String reason, StopCause cause) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    mailbox()
        .offerAlways(
            () -> {
              try {
                stop(ActorStatus.STOPPED, reason, cause);
              } finally {
                release(done, null, null);
              }
            });
    return done;
  }

  /**
   * In the mailbox: fails what the actor still owes (operations in flight are recorded as failed,
   * requests it did not answer fail for their senders), records {@code actor.stopped}, and lets the
   * supervision tree tell the others. Idempotent.
   */
  void stop(ActorStatus finalStatus, String reason, StopCause cause) {
    if (status == ActorStatus.RESTARTING && cause != StopCause.RESTART) {
      status = finalStatus; // stopped for good while waiting for its restart
      inbox.releaseHeld();
      return;
    }
    if (!status.live() || status == ActorStatus.RESTARTING) {
      return;
    }
    operations.stopAll("cancelled: actor stopped (" + reason + ")");
    JsonNode exitData = turns.takeShutdownRequest();
    record(new Event.Stopped(reason, Optional.ofNullable(exitData)));
    int restart = services.tree().restartDecision(this, cause);
    // stopped for a restart (its parent's policy, or restart-child): deliveries wait for it
    boolean restarting = restart > 0 || cause == StopCause.RESTART;
    inbox.status(() -> status = restarting ? ActorStatus.RESTARTING : finalStatus);
    ledger.stopped();
    services.tree().stopped(this, cause, reason, exitData, restart);
    if (!restarting && services.chainStore().retainsHistory()) {
      // its record and chain stay readable in the store: nothing of it needs to stay in memory
      recorder.durable().thenRun(() -> services.residents().forget(this));
    }
  }

  /**
   * In the mailbox: stops the actor if it runs, then starts it again in a fresh instance of its
   * module, with the state of its last recorded turn (when {@code fresh} is false, the chain
   * verifies and the state matches it) or its initial state (then {@code init} runs again). Records
   * {@code actor.restarted}; the chain goes on.
   */
  void restart(String reason, boolean fresh, int restartNumber) {
    stop(ActorStatus.STOPPED, "restarting: " + reason, StopCause.RESTART);
    turns.instantiate();
    Optional<String> problem = fresh ? Optional.empty() : lastStateProblem();
    boolean resumeFresh = fresh || problem.isPresent();
    if (resumeFresh) {
      turns.state(initialState);
    }
    record(
        new Event.Restarted(
            reason, resumeFresh, problem, restartNumber, turns.recordState(), services.nodeName()));
    if (resumeFresh) {
      try {
        runInit();
      } catch (TroupeException e) {
        log.info("actor {}: init after restart failed: {}", id, e.getMessage());
      }
    } else {
      status = ActorStatus.RUNNING;
    }
    inbox.releaseHeld();
  }

  /** Why the held state cannot be resumed from, or empty when it matches the verified chain. */
  private Optional<String> lastStateProblem() {
    var verification = ChainVerifier.verify(chain.events());
    if (!verification.valid()) {
      return Optional.of("chain does not verify: " + verification.describe());
    }
    return turns.stateHash().equals(turns.recordedState())
        ? Optional.empty()
        : Optional.of(
            "held state "
                + turns.stateHash().orElse("none")
                + " does not match the chain's "
                + turns.recordedState().orElse("none"));
  }

  /**
   * In the mailbox: this node gives the actor up without recording a stop (it moves to another
   * node, which continues from its chain). Deliveries fail as unavailable from now on.
   */
  void handOff() {
    lose(new UnavailableException("actor " + id + " is moving to another node; retry"));
  }

  /**
   * This copy lost its home (fenced out, or handed off): it stops at once, without recording, and
   * fails what it owes with {@code why}, so that callers retry at the new home.
   */
  void lose(TroupeException why) {
    inbox.status(() -> status = ActorStatus.LOST);
    operations.loseAll(); // the new home resumes them from the chain
    ledger.lost(why);
    inbox.releaseHeld();
  }
}
