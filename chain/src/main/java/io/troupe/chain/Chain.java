package io.troupe.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An actor's append-only hash chain, held in memory. Appends link each new event to the current
 * head; readers get immutable snapshots. Thread-safe: one writer (the actor's turn) and any number
 * of readers.
 */
public final class Chain {
  private final String actor;
  private final List<ChainEvent> events = new ArrayList<>();
  private EventHash head = EventHash.ZERO;

  public Chain(String actor) {
    this.actor = Objects.requireNonNull(actor, "actor");
  }

  public String actor() {
    return actor;
  }

  /**
   * A chain that goes on from {@code history} (an actor moving to another node).
   *
   * @throws IllegalArgumentException when the history is not a verified chain of {@code actor}
   */
  public static Chain resume(String actor, List<ChainEvent> history) {
    Verification v = ChainVerifier.verify(history);
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
    }
    return c;
  }

  /** Appends an event of {@code type} after the current head and returns it. */
  public synchronized ChainEvent append(String type, long timestamp, byte[] data) {
    ChainEvent event = ChainEvent.create(actor, events.size(), head, type, timestamp, data);
    events.add(event);
    head = event.hash();
    return event;
  }

  /** Hash of the last event, or {@link EventHash#ZERO} when empty. */
  public synchronized EventHash head() {
    return head;
  }

  /** Number of events; also the seq the next event will get. */
  public synchronized long size() {
    return events.size();
  }

  /** All events, in seq order. */
  public synchronized List<ChainEvent> events() {
    return List.copyOf(events);
  }

  /** Events with {@code from <= seq < to}, clamped to the chain. */
  public synchronized List<ChainEvent> range(long from, long to) {
    int start = (int) Math.max(0, Math.min(from, events.size()));
    int end = (int) Math.max(start, Math.min(to, events.size()));
    return List.copyOf(events.subList(start, end));
  }
}
