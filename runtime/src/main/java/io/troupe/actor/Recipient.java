package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/** Something that takes deliveries for one actor: the actor itself, or a link to its home node. */
public interface Recipient {
  /**
   * Queues {@code delivery}.
   *
   * @return completes with the callback's result once handled: a request's response (possibly
   *     deferred), a channel-open answer, or null
   * @throws io.troupe.error.TroupeException at once when the delivery is refused (full mailbox,
   *     oversized message, stopped actor, missing callback)
   */
  CompletableFuture<JsonNode> deliver(Delivery delivery);
}
