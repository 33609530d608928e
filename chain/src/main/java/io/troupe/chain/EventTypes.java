package io.troupe.chain;

/** The built-in event types of chain v1. Their data is JSON; see docs/chain.md. */
public final class EventTypes {
  public static final String ACTOR_STARTED = "actor.started";
  public static final String WASM_CALL = "wasm.call";
  public static final String WASM_RESULT = "wasm.result";
  public static final String WASM_ERROR = "wasm.error";
  public static final String HOST_CALL = "host.call";
  public static final String ASYNC_STARTED = "async.started";
  public static final String ASYNC_PLACED = "async.placed";
  public static final String ASYNC_COMPLETED = "async.completed";
  public static final String MESSAGE_RECEIVED = "message.received";
  public static final String ACTOR_MOVED = "actor.moved";
  public static final String ACTOR_STOPPED = "actor.stopped";
  public static final String ACTOR_RESTARTED = "actor.restarted";
  public static final String ACTOR_CHECKPOINT = "actor.checkpoint";
  public static final String ACTOR_UPGRADED = "actor.upgraded";

  private EventTypes() {}
}
