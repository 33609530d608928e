package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import java.util.List;
import java.util.Optional;

/**
 * An actor's record at the moment this node took it over: what it continues from.
 *
 * @param epoch the new epoch
 * @param fromNode the name of its former home
 * @param events its committed chain
 * @param state the state of its last committed turn, or null for none
 * @param manifestToml its manifest
 * @param moduleRef where its module's bytes are (an uploaded {@code sha256:} reference or a path)
 */
public record Takeover(
    long epoch,
    String fromNode,
    List<ChainEvent> events,
    byte[] state,
    String manifestToml,
    String moduleRef,
    Optional<ActorId> parent) {
  public Takeover {
    events = List.copyOf(events);
  }
}
