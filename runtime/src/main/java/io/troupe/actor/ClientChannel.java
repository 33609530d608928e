package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/** A channel opened from outside to an actor: send on it, close it. */
public final class ClientChannel {
  private final String id;
  private final PostOffice.End end;
  private final PostOffice post;

  ClientChannel(String id, PostOffice.End end, PostOffice post) {
    this.id = id;
    this.end = end;
    this.post = post;
  }

  public String id() {
    return id;
  }

  /** Delivers {@code message} to the actor's handle-channel-message; completes once handled. */
  public CompletableFuture<Void> send(JsonNode message) {
    return post.sendOnChannel(end, id, message).thenApply(v -> null);
  }

  /** Closes the channel; the actor's handle-channel-close runs. */
  public void close() {
    post.closeChannel(end, id);
  }
}
