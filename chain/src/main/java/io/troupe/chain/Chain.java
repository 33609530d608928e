package io.troupe.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An actor's append-only hash chain, held in memory. Appends link each new event to the current
 * head; readers get immutable snapshots. Thread-safe: one writer (the actor's turn) and any number
 * of readers.
 *
 * <p>It may hold only its recent part: from a checkpoint on, when what came before is kept
 * elsewhere (a durable store). {@link #size()} is always the whole chain's length; {@link
 * #firstSeq()} is where the held part begins.
 */
public final class Chain {
  private final String actor;
  private final List<ChainEvent> events = new ArrayList<>();
  private EventHash head = EventHash.ZERO;
  private long base;

  public Chain(String actor) {
    this.actor = Objects.requireNonNull(actor, "actor");
  }

  public String actor() {
    return actor;
  }

  /**
   * A chain that goes on from {@code history} (an actor moving to another node): the whole chain
   * from its genesis, or its part from a checkpoint on (whose first event's parent is taken on
   * trust: it comes from where the earlier part is kept).
   *
   * @throws IllegalArgumentException when the history is not a verified chain of {@code actor}
   */
  public static Chain resume(String actor, List<ChainEvent> history) {
    Verification v =
        history.isEmpty() || history.get(0).seq() == 0
            ? ChainVerifier.verify(history)
            : ChainVerifier.verifyFrom(history, history.get(0).seq(), history.get(0).parent());
    if (!v.valid() || (!history.isEmpty() && !history.get(0).actor().equals(actor))) {
      throw new IllegalArgumentException(
          "cannot resume the chain of "
              + actor
              + ": "
              + (v.valid() ? "wrong actor" : v.describe()));
    }
    Chain c = new Chain(actor);
    c.events.addAll(history);
    if (!history.isEmpty()) {
      c.head = history.get(history.size() - 1).hash();
      c.base = history.get(0).seq();
    }
    return c;
  }

  /** Appends an event of {@code type} after the current head and returns it. */
  public synchronized ChainEvent append(String type, long timestamp, byte[] data) {
    ChainEvent event = ChainEvent.create(actor, base + events.size(), head, type, timestamp, data);
    events.add(event);
    head = event.hash();
    return event;
  }

  /** Hash of the last event, or {@link EventHash#ZERO} when empty. */
  public synchronized EventHash head() {
    return head;
  }

  /** The whole chain's length; also the seq the next event will get. */
  public synchronized long size() {
    return base + events.size();
  }

  /** The seq of the first event held (0 unless the part before a checkpoint was let go). */
  public synchronized long firstSeq() {
    return base;
  }

  /** The events held, in seq order: the whole chain, or its part from {@link #firstSeq()}. */
  public synchronized List<ChainEvent> events() {
    return List.copyOf(events);
  }

  /** Held events with {@code from <= seq < to}, clamped to what is held. */
  public synchronized List<ChainEvent> range(long from, long to) {
    int start = (int) Math.max(0, Math.min(from - base, events.size()));
    int end = (int) Math.max(start, Math.min(to - base, events.size()));
    return List.copyOf(events.subList(start, end));
  }

  /**
   * Lets go of the events before {@code seq} (kept elsewhere): the chain goes on, holding the rest.
   */
  public synchronized void forgetBefore(long seq) {
    int drop = (int) Math.max(0, Math.min(seq - base, events.size()));
    if (drop > 0) {
      events.subList(0, drop).clear();
      base += drop;
    }
  }
}
