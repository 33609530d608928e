package io.troupe.hosting;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.manifest.Manifest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an actor that moves here continues from: its record at the moment this node took it over.
 *
 * @param manifest its manifest, with the module reference its record names
 * @param history its committed chain, from the genesis event
 * @param state the state of its last committed turn, or null for none
 * @param epoch the new epoch (the old home's appends are refused from now on)
 * @param fromNode the name of the node it ran on
 * @param reason why it moves, recorded in {@code actor.moved}
 */
public record Resumption(
    ActorId id,
    Manifest manifest,
    Optional<ActorId> parent,
    List<ChainEvent> history,
    byte[] state,
    long epoch,
    String fromNode,
    String reason) {
  public Resumption {
    Objects.requireNonNull(id);
    Objects.requireNonNull(manifest);
    Objects.requireNonNull(parent);
    history = List.copyOf(history);
    Objects.requireNonNull(fromNode);
    Objects.requireNonNull(reason);
  }
}
