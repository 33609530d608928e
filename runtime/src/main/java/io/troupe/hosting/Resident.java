package io.troupe.hosting;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * An actor whose copy runs on this node, as the cluster sees it.
 *
 * @param parent the actor that spawned it, if any (a child lives beside its parent)
 * @param epoch the epoch of this copy
 */
public record Resident(ActorId id, ActorStatus status, Optional<ActorId> parent, long epoch) {
  public Resident {
    Objects.requireNonNull(id);
    Objects.requireNonNull(status);
    Objects.requireNonNull(parent);
  }

  /** Whether it takes deliveries (or will, once its start or restart is done). */
  public boolean live() {
    return status.live();
  }
}
