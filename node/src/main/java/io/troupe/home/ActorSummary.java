package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.chain.EventHash;
import java.util.Objects;
import java.util.Optional;

/**
 * What the cluster's record says about an actor, without its chain.
 *
 * @param home the node it runs on (or ran on last)
 * @param epoch the epoch of that home; bumped by every takeover
 * @param handedOff its home gave it up (it moves to its partition's new owner), so nobody runs it
 *     until the owner takes it over
 * @param chainLength committed events
 * @param head the hash of the last committed event
 * @param module the module's content reference, {@code sha256:<hex>}
 * @param parent the actor that spawned it, if any
 */
public record ActorSummary(
    ActorId id,
    String name,
    NodeRef home,
    long epoch,
    ActorStatus status,
    boolean handedOff,
    long chainLength,
    EventHash head,
    String module,
    Optional<ActorId> parent) {
  public ActorSummary {
    Objects.requireNonNull(id);
    Objects.requireNonNull(home);
    Objects.requireNonNull(status);
    Objects.requireNonNull(head);
    Objects.requireNonNull(parent);
  }

  /** Whether some home should be running it (it has not stopped or failed). */
  public boolean live() {
    return status.live();
  }
}
