package io.troupe.sink;

import io.troupe.actor.ActorId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a sink that cannot record its own progress (OTLP) keeps how far it delivered each actor's
 * chain: the node's durable store, shared by the cluster, so that another node goes on from there.
 */
public interface Cursors {
  /** How far sink {@code sink} delivered actor {@code id}'s chain, if it delivered any. */
  Optional<Position> get(String sink, ActorId id);

  /**
   * Records that sink {@code sink} delivered actor {@code id}'s chain up to {@code at}, durably
   * once it returns; a cursor never moves back (a slower writer's older position is ignored).
   */
  void put(String sink, ActorId id, Position at);

  /** Forgets sink {@code sink}'s cursor of actor {@code id}: it delivers that chain anew. */
  void remove(String sink, ActorId id);

  /** Cursors kept in memory only: for a node whose actors do not survive it either. */
  static Cursors inMemory() {
    Map<String, Position> held = new ConcurrentHashMap<>();
    return new Cursors() {
      @Override
      public Optional<Position> get(String sink, ActorId id) {
        return Optional.ofNullable(held.get(sink + "\n" + id.value()));
      }

      @Override
      public void put(String sink, ActorId id, Position at) {
        held.merge(sink + "\n" + id.value(), at, (old, now) -> now.next() > old.next() ? now : old);
      }

      @Override
      public void remove(String sink, ActorId id) {
        held.remove(sink + "\n" + id.value());
      }
    };
  }
}
