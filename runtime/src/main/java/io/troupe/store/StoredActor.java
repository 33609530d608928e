package io.troupe.store;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An actor as the durable store holds it: its record, and the part of its chain a new home needs.
 *
 * @param epoch the epoch of its record (after a {@link ActorStore#fence}, the new one)
 * @param node the node it ran on last (before a fence), or the one that fenced it
 * @param length its chain's length
 * @param head the hash of its last event
 * @param state the state after its last event, or null for none
 * @param events its chain from its last checkpoint (or its genesis) to its head
 */
public record StoredActor(
    ActorId id,
    String name,
    String manifestToml,
    String moduleRef,
    String moduleSha256,
    Optional<ActorId> parent,
    long epoch,
    String node,
    ActorStatus status,
    long length,
    EventHash head,
    byte[] state,
    List<ChainEvent> events) {
  public StoredActor {
    Objects.requireNonNull(id);
    Objects.requireNonNull(parent);
    Objects.requireNonNull(status);
    Objects.requireNonNull(head);
    events = List.copyOf(events);
  }
}
