package io.troupe.actor;

import java.util.Optional;

/**
 * Resolves an actor id to where its deliveries go. Actors address each other only by id, through a
 * directory, never by object reference: a node's own actors are found locally, and a cluster plugs
 * in a directory that knows the rest.
 */
@FunctionalInterface
public interface Directory {
  Optional<Recipient> lookup(ActorId id);

  /** A directory that knows no actors. */
  static Directory empty() {
    return id -> Optional.empty();
  }
}
