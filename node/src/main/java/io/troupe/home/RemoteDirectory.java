package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.actor.Directory;
import io.troupe.actor.Recipient;
import io.troupe.error.UnavailableException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the post office sends what is for an actor that does not run on this node: to the node
 * {@link Placement} names, over the node link.
 */
public final class RemoteDirectory implements Directory {
  private final Placement placement;
  private final Links links;

  public RemoteDirectory(Placement placement, Links links) {
    this.placement = placement;
    this.links = links;
  }

  @Override
  public Optional<Recipient> lookup(ActorId id) {
    Placement.Home home = placement.locate(id);
    if (home instanceof Placement.There there) {
      return Optional.of(d -> links.forward(there.node(), d, 0));
    }
    if (home instanceof Placement.Retry retry) {
      return Optional.of(
          d -> CompletableFuture.failedFuture(new UnavailableException(retry.why())));
    }
    if (home instanceof Placement.Ended ended) {
      return Optional.of(d -> CompletableFuture.failedFuture(PeerInbound.ended(id, ended)));
    }
    return Optional.empty(); // here, and not running: not found
  }
}
