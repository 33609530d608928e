package io.troupe.sink;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import java.util.List;
import java.util.Objects;

/**
 * How far a sink holds an actor's chain: the seq of the next event it needs, and the hash of the
 * last one it has ({@link EventHash#ZERO} when it has none).
 *
 * @param next the seq of the next event the sink needs; 0 when it holds nothing
 * @param last the hash of event {@code next - 1}
 * @param mark what the sink checks, under its lock, to trust this position without reading it again
 *     (a file's identity and size); empty when it always reads it
 */
public record Position(long next, EventHash last, String mark) {
  /** A sink that holds nothing of the actor. */
  public static final Position NONE = new Position(0, EventHash.ZERO, "");

  public Position {
    Objects.requireNonNull(last);
    Objects.requireNonNull(mark);
  }

  /** Whether the sink holds no event of the actor. */
  public boolean empty() {
    return next == 0 && last.equals(EventHash.ZERO);
  }

  /** The position after {@code e}. */
  public static Position after(ChainEvent e, String mark) {
    return new Position(e.seq() + 1, e.hash(), mark);
  }

  /**
   * The events of {@code batch} this position does not hold yet, checked to continue it: those it
   * holds are skipped (the one at {@code next - 1} must be the event it has), and the first one
   * kept must be {@code next} and link to {@code last}.
   *
   * @throws ChainSink.Behind when the batch starts after {@code next}: the sink holds less than its
   *     writer thought (another writer set it aside, or it was never read)
   * @throws ChainSink.Conflict when the batch is not the chain the sink holds
   */
  List<ChainEvent> rest(ActorId actor, Batch batch) {
    List<ChainEvent> events = batch.events();
    int skip = 0;
    while (skip < events.size() && events.get(skip).seq() < next) {
      ChainEvent held = events.get(skip);
      if (held.seq() == next - 1 && !held.hash().equals(last)) {
        throw conflict(actor, held.seq());
      }
      skip++;
    }
    List<ChainEvent> rest = events.subList(skip, events.size());
    if (rest.isEmpty()) {
      return rest;
    }
    ChainEvent first = rest.get(0);
    if (empty()) {
      if (first.seq() != 0 && !batch.startsChain()) {
        throw new ChainSink.Behind(this);
      }
      return rest;
    }
    if (first.seq() != next) {
      throw new ChainSink.Behind(this);
    }
    if (!first.parent().equals(last)) {
      throw conflict(actor, first.seq());
    }
    return rest;
  }

  private ChainSink.Conflict conflict(ActorId actor, long seq) {
    return new ChainSink.Conflict(
        "what the sink holds of actor "
            + actor
            + " is not its chain: event "
            + seq
            + " does not follow the sink's event "
            + (next - 1)
            + " (hash "
            + last.toHex()
            + ")");
  }
}
