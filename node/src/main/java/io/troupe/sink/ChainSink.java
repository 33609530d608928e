package io.troupe.sink;

import io.troupe.actor.ActorId;

/**
 * Where a node delivers its actors' committed events (docs/operations.md, "Chain sinks"): a
 * JSON-lines file per actor, or OTLP log records. A sink keeps its own record of how far it holds
 * each actor's chain ({@link #position}), so that delivery goes on from there after a restart or a
 * failover. Implementations are thread-safe; one actor's deliveries come one at a time from a node,
 * but two nodes may deliver the same actor for a moment (a hand-off or failover).
 */
public interface ChainSink extends AutoCloseable {
  /** The sink's name in logs and messages, e.g. {@code jsonl:/var/troupe/chains}. */
  String describe();

  /**
   * How far the sink holds actor {@code id}'s chain.
   *
   * @throws RuntimeException when the sink cannot be read (delivery retries later)
   */
  Position position(ActorId id);

  /**
   * Delivers what the sink does not hold yet of {@code batch} (see {@link Position#rest}), durably
   * once it returns.
   *
   * @param expected where the caller believes the sink is (a hint: the sink checks it)
   * @return where the sink is after the batch
   * @throws Behind when the sink holds less than the batch needs: deliver from its position
   * @throws Conflict when the sink holds another chain under this actor's id
   * @throws RuntimeException when the sink cannot be written (delivery retries later)
   */
  Position deliver(ActorId id, Batch batch, Position expected);

  /**
   * Sets aside what the sink holds of actor {@code id} (it is not this actor's chain, or retention
   * pruned events the sink never got): the next delivery begins anew.
   */
  void setAside(ActorId id, String why);

  @Override
  void close();

  /** The sink holds less than a batch needs; its position says from where to deliver. */
  final class Behind extends RuntimeException {
    private final transient Position position;

    Behind(Position position) {
      super("the sink needs events from seq " + position.next(), null, false, false);
      this.position = position;
    }

    public Position position() {
      return position;
    }
  }

  /** What the sink holds of an actor is not that actor's chain. */
  final class Conflict extends RuntimeException {
    Conflict(String message) {
      super(message, null, false, false);
    }
  }
}
