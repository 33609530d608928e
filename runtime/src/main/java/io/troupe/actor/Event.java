package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.chain.EventTypes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The data of a built-in chain event (docs/chain.md), typed. {@link EventCodec} is the one place
 * that writes these as JSON and reads them back; nothing else knows the fields.
 */
public sealed interface Event {
  /** The chain event type, e.g. {@code wasm.call}. */
  String type();

  /** The genesis event: what the actor was started from. */
  record Started(
      String manifestName,
      String manifestVersion,
      String manifestSource,
      String moduleSha256,
      List<String> handlers,
      Optional<String> initStateSha256,
      String node,
      long epoch,
      Optional<ActorId> parent)
      implements Event {
    public Started {
      handlers = List.copyOf(handlers);
      Objects.requireNonNull(initStateSha256);
      Objects.requireNonNull(parent);
    }

    @Override
    public String type() {
      return EventTypes.ACTOR_STARTED;
    }
  }

  /**
   * A callback called: {@code messageId} and {@code sender} are set for a delivered message (sender
   * empty when it came from outside), both empty for the runtime's own calls.
   */
  record Call(
      String function, Optional<String> messageId, Optional<ActorId> sender, JsonNode params)
      implements Event {
    @Override
    public String type() {
      return EventTypes.WASM_CALL;
    }

    /** Whether the call handled a message that a retry could repeat (a send or a request). */
    public boolean handlesMessage() {
      return messageId.isPresent()
          && (function.equals(Callbacks.HANDLE_SEND) || function.equals(Callbacks.HANDLE_REQUEST));
    }
  }

  /** A callback returned: its result value (JSON null for none) and the new state's hash. */
  record Result(String function, JsonNode result, Optional<String> stateSha256) implements Event {
    @Override
    public String type() {
      return EventTypes.WASM_RESULT;
    }
  }

  /** A callback failed: it returned an error, or (a fault) trapped, overran or broke the ABI. */
  record Error(String function, String message, boolean fault) implements Event {
    @Override
    public String type() {
      return EventTypes.WASM_ERROR;
    }
  }

  /** A host function called by the guest, with its params tuple and {@code Ok}/{@code Err}. */
  record HostCall(String function, JsonNode input, JsonNode output) implements Event {
    @Override
    public String type() {
      return EventTypes.HOST_CALL;
    }

    public boolean succeeded() {
      return output != null && output.has("Ok");
    }
  }

  /**
   * An operation started; {@code worker} (with {@code idempotent} and {@code deadlineMillis}) is
   * set for dispatched work: the node it was placed on.
   */
  record AsyncStarted(
      String opId,
      String kind,
      JsonNode request,
      String node,
      Optional<String> worker,
      boolean idempotent,
      long deadlineMillis)
      implements Event {
    @Override
    public String type() {
      return EventTypes.ASYNC_STARTED;
    }
  }

  /** A dispatched operation runs on another worker than the one recorded. */
  record AsyncPlaced(String opId, String worker, String previous, String node) implements Event {
    @Override
    public String type() {
      return EventTypes.ASYNC_PLACED;
    }
  }

  /** An operation completed with {@code result}, or failed with {@code error}. */
  record AsyncCompleted(
      String opId, String kind, JsonNode result, Optional<String> error, String node)
      implements Event {
    @Override
    public String type() {
      return EventTypes.ASYNC_COMPLETED;
    }
  }

  /** The actor stopped; {@code data} is what it passed to {@code shutdown}, if it asked to. */
  record Stopped(String reason, Optional<JsonNode> data) implements Event {
    @Override
    public String type() {
      return EventTypes.ACTOR_STOPPED;
    }
  }

  /** The actor restarted in a fresh instance, from its last state or ({@code fresh}) its first. */
  record Restarted(
      String reason,
      boolean fresh,
      Optional<String> note,
      int restart,
      Optional<String> stateSha256,
      String node)
      implements Event {
    @Override
    public String type() {
      return EventTypes.ACTOR_RESTARTED;
    }
  }

  /** A new home took the actor over, in a new epoch, from the state of its last turn. */
  record Moved(
      String fromNode,
      String node,
      long epoch,
      String reason,
      Optional<String> stateSha256,
      List<String> openOps)
      implements Event {
    public Moved {
      openOps = List.copyOf(openOps);
    }

    @Override
    public String type() {
      return EventTypes.ACTOR_MOVED;
    }
  }

  /**
   * The actor runs another module from here on: {@code moduleRef} (binary SHA-256 {@code
   * moduleSha256}) instead of {@code fromModuleSha256}, its state and handlers kept; {@code check}
   * says how the new module was checked against the history before (a replay, or forced).
   */
  record Upgraded(
      String fromModuleSha256, String moduleSha256, String moduleRef, String check, String node)
      implements Event {
    @Override
    public String type() {
      return EventTypes.ACTOR_UPGRADED;
    }
  }

  /**
   * A checkpoint: what the chain so far says the actor continues from (its state's hash, the
   * answers to its most recent messages, the requests it owes, its open operations, the results it
   * has not been handed), so that a new home needs only the events from here on.
   */
  record Checkpoint(
      Optional<String> stateSha256,
      Optional<String> moduleSha256,
      java.util.Map<String, History.Answer> answered,
      java.util.Set<String> owed,
      List<History.OpenOperation> open,
      java.util.Map<String, JsonNode> undelivered)
      implements Event {
    public Checkpoint {
      Objects.requireNonNull(stateSha256);
      Objects.requireNonNull(moduleSha256);
      answered = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(answered));
      owed = java.util.Set.copyOf(owed);
      open = List.copyOf(open);
      undelivered =
          java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(undelivered));
    }

    @Override
    public String type() {
      return EventTypes.ACTOR_CHECKPOINT;
    }
  }

  /** An event of a type this version does not interpret. */
  record Other(String type) implements Event {}
}
