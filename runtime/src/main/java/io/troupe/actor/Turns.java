package io.troupe.actor;

import com.dylibso.chicory.wasm.ChicoryException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.chain.EventTypes;
import io.troupe.chain.Sha256;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.GuestErrorException;
import io.troupe.error.GuestFaultException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.TroupeException;
import io.troupe.error.UnavailableException;
import io.troupe.host.Handler;
import io.troupe.wasm.AbiViolation;
import io.troupe.wasm.GuestFaults;
import io.troupe.wasm.GuestInstance;
import io.troupe.wasm.GuestResult;
import io.troupe.wasm.HostRegistry;
import io.troupe.wasm.LoadedModule;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor's guest instance and state, and its turns: each records {@code wasm.call}, calls the
 * guest under the call deadline (its host calls recorded as they happen), then records {@code
 * wasm.result} with the new state's hash or {@code wasm.error}. A fault (trap, deadline, ABI
 * violation) stops the actor. In the mailbox only.
 */
final class Turns {
  private static final Logger log = LoggerFactory.getLogger(Turns.class);

  private final Actor actor;
  private LoadedModule module;
  private final List<Handler> handlers;
  private volatile GuestInstance guest;
  private volatile byte[] state;

  /** The state hash the chain last recorded (empty: none). */
  private Optional<String> recordedState;

  private JsonNode shutdownRequest;
  private Delivery current;
  private Deadline deadline;

  Turns(
      Actor actor,
      LoadedModule module,
      List<Handler> handlers,
      byte[] state,
      Optional<String> recordedState) {
    this.actor = actor;
    this.module = module;
    this.handlers = List.copyOf(handlers);
    this.state = state;
    this.recordedState = recordedState;
  }

  /**
   * Drops the guest instance and its memory: the actor is idle, and the next turn makes a new one
   * from the compiled module (callbacks get their state as a parameter, so nothing is lost; the
   * handlers, which hold what the actor opened, stay). Records nothing. Mailbox only.
   */
  void passivate() {
    guest = null;
  }

  /** Whether the actor sleeps without an instance. */
  boolean passive() {
    return guest == null;
  }

  /** The guest instance, made again if the actor was passivated. Mailbox only. */
  private GuestInstance guest() {
    GuestInstance g = guest;
    if (g == null) {
      instantiate();
      g = guest;
      actor.services().passivation().woke();
    }
    return g;
  }

  /** A fresh instance of the module, its imports linked to the actor's handlers. */
  void instantiate() {
    Services s = actor.services();
    HostRegistry registry = new HostRegistry(s.mapper());
    for (Handler h : handlers) {
      h.register(registry, actor.context());
    }
    guest =
        GuestInstance.create(
            module,
            actor.manifest().limits().memoryPages(),
            registry,
            (function, input, output) -> actor.record(new Event.HostCall(function, input, output)),
            s.handlers()::providerOf,
            s.mapper());
  }

  /**
   * Runs {@code next} from the next turn on, in a fresh instance linked to the same handlers (made
   * now, so that a module that does not fit them is refused before anything changes). Mailbox only.
   */
  void upgrade(LoadedModule next) {
    LoadedModule previous = module;
    GuestInstance running = guest;
    module = next;
    try {
      instantiate();
    } catch (RuntimeException e) {
      module = previous;
      guest = running;
      throw e;
    }
  }

  String moduleSha256() {
    return module.sha256();
  }

  boolean exports(String function) {
    return module.exportedFunctions().contains(function);
  }

  /** The state the guest holds (not a copy), or null for none. */
  byte[] state() {
    return state;
  }

  /** The guest goes on from {@code newState}; the chain has not recorded it yet. */
  void state(byte[] newState) {
    state = newState;
  }

  /** The hash of the state held now (empty: none). */
  Optional<String> stateHash() {
    return hashOf(state);
  }

  /** The state hash the chain last recorded. */
  Optional<String> recordedState() {
    return recordedState;
  }

  /** The held state is recorded now (by the event being written). */
  Optional<String> recordState() {
    recordedState = hashOf(state);
    return recordedState;
  }

  /** The delivery the current turn handles, or null. Turn thread only. */
  Delivery current() {
    return current;
  }

  /** Time left in the current turn, or {@code fallback} outside a turn. */
  Duration timeLeft(Duration fallback) {
    Deadline d = deadline;
    return d == null ? fallback : d.remaining();
  }

  /** The actor asked to stop once the current turn ends ({@code runtime.shutdown}). */
  void requestShutdown(JsonNode data) {
    shutdownRequest = data == null ? actor.services().mapper().nullNode() : data;
  }

  /** What the actor passed to {@code shutdown}, taken (null when it did not ask). */
  JsonNode takeShutdownRequest() {
    JsonNode data = shutdownRequest;
    shutdownRequest = null;
    return data;
  }

  /**
   * One turn: {@code wasm.call}, the callback (with its {@code host.call}s), then {@code
   * wasm.result} or {@code wasm.error}.
   *
   * @param paramBytes the params tuple as UTF-8 JSON, recorded in {@code wasm.call} as given
   * @param delivery the message being handled, or null for the runtime's own calls
   * @return the callback's result value, or null when it returned only the state
   */
  JsonNode invoke(String function, byte[] paramBytes, Delivery delivery) {
    ActorStatus status = actor.status();
    if (status == ActorStatus.LOST) {
      throw new UnavailableException("actor " + actor.id() + " no longer runs on this node; retry");
    }
    if (status != ActorStatus.RUNNING) {
      throw new ActorNotRunningException(
          "actor " + actor.id() + " is " + status.name().toLowerCase());
    }
    if (!exports(function)) {
      throw new InvalidArgumentException("actor " + actor.id() + " does not export " + function);
    }
    Services s = actor.services();
    actor
        .recorder()
        .append(
            EventTypes.WASM_CALL,
            s.events()
                .encodeCall(
                    function,
                    Optional.ofNullable(delivery).map(Delivery::messageId),
                    delivery == null ? Optional.empty() : delivery.sender(),
                    paramBytes));
    Duration timeout = actor.manifest().limits().callTimeout();
    GuestResult result;
    current = delivery;
    try (Deadline d = s.watchdog().arm(timeout)) {
      deadline = d;
      try {
        result = guest().call(function, state, paramBytes);
      } catch (ChicoryException | AbiViolation | StackOverflowError e) {
        throw fault(function, GuestFaults.message(e, timeout).orElseThrow());
      }
    } finally {
      current = null;
      deadline = null;
    }
    if (result instanceof GuestResult.Err err) {
      actor.record(new Event.Error(function, err.message(), false));
      throw new GuestErrorException(function + " returned an error: " + err.message());
    }
    GuestResult.Ok ok = (GuestResult.Ok) result;
    var oversized = GuestFaults.oversizedState(ok.state().map(b -> b.length).orElse(0));
    if (oversized.isPresent()) {
      throw fault(function, oversized.get());
    }
    state = ok.state().orElse(null);
    actor.record(new Event.Result(function, ok.value(), recordState()));
    if (shutdownRequest != null) {
      actor.stop(ActorStatus.STOPPED, "shutdown requested by the actor", StopCause.EXIT);
    }
    return ok.value();
  }

  /** A turn whose failure is recorded in the chain and only logged here. */
  void callInTurn(String function, Object params, String what) {
    if (actor.status() != ActorStatus.RUNNING) {
      return;
    }
    try {
      invoke(function, params instanceof byte[] b ? b : json(params), null);
    } catch (TroupeException e) {
      log.debug("actor {}: {} failed: {}", actor.id(), what, e.getMessage());
    }
  }

  private GuestFaultException fault(String function, String message) {
    actor.record(new Event.Error(function, message, true));
    actor.stop(ActorStatus.FAILED, "fault in " + function + ": " + message, StopCause.FAULT);
    return new GuestFaultException("actor " + actor.id() + " " + function + ": " + message);
  }

  byte[] json(Object value) {
    try {
      return actor.services().mapper().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<String> hashOf(byte[] state) {
    return state == null ? Optional.empty() : Optional.of(Sha256.hex(state));
  }
}
