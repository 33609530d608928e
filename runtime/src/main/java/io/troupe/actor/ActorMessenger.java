package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.error.DeadlineExceededException;
import io.troupe.error.RequestCycleException;
import io.troupe.host.Messenger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The message-server capability of one actor, over the node's {@link PostOffice}. */
final class ActorMessenger implements Messenger {
  /** Left to a parked turn after its wait, so the wait times out before the turn's deadline. */
  private static final Duration MARGIN = Duration.ofMillis(20);

  private final Actor actor;

  ActorMessenger(Actor actor) {
    this.actor = actor;
  }

  private PostOffice post() {
    return actor.services().postOffice();
  }

  private Optional<ActorId> self() {
    return Optional.of(actor.id());
  }

  @Override
  public JsonNode currentMessage() {
    Delivery d = actor.turns().current();
    if (d == null) {
      return null;
    }
    ObjectNode out = actor.services().mapper().createObjectNode();
    out.put("id", d.messageId());
    out.put("sender", d.sender().map(ActorId::value).orElse(null));
    return out;
  }

  @Override
  public void send(String to, JsonNode message) {
    post().send(self(), ActorId.of(to), message);
  }

  @Override
  public JsonNode request(String to, JsonNode message, Duration timeout) {
    ActorId target = ActorId.of(to);
    return parkedOn(
        target,
        "a response from actor " + to,
        () -> post().request(self(), target, message, waitFor(timeout)));
  }

  @Override
  public String openChannel(String to, JsonNode message, Duration timeout) {
    ActorId target = ActorId.of(to);
    return parkedOn(
        target,
        "actor " + to + " to accept a channel",
        () ->
            post()
                .openChannel(
                    new PostOffice.ActorEnd(actor.id()), target, message, waitFor(timeout)));
  }

  /** Parks this actor's turn on {@code target}, unless that would close a cycle of waits. */
  <T> T parkedOn(ActorId target, String what, Supplier<CompletableFuture<T>> start) {
    WaitGraph graph = actor.services().waitGraph();
    Optional<List<ActorId>> cycle = graph.park(actor.id(), target);
    if (cycle.isPresent()) {
      throw new RequestCycleException(
          "request cycle: "
              + cycle.get().stream().map(ActorId::value).collect(Collectors.joining(" -> "))
              + " would wait on itself");
    }
    try {
      return actor.services().parking().await(start.get(), what);
    } finally {
      graph.unpark(actor.id());
    }
  }

  private Duration waitFor(Duration timeout) {
    Duration left = actor.turns().timeLeft(timeout).minus(MARGIN);
    Duration wait = left.compareTo(timeout) < 0 ? left : timeout;
    if (wait.isNegative() || wait.isZero()) {
      throw new DeadlineExceededException("no time left in this turn to wait");
    }
    return wait;
  }

  @Override
  public void sendOnChannel(String channelId, JsonNode message) {
    post().sendOnChannel(new PostOffice.ActorEnd(actor.id()), channelId, message);
  }

  @Override
  public void closeChannel(String channelId) {
    post().closeChannel(new PostOffice.ActorEnd(actor.id()), channelId);
  }

  @Override
  public void respondToRequest(String requestId, JsonNode response) {
    actor.ledger().respond(requestId, response).ifPresent(f -> actor.release(f, response, null));
  }

  @Override
  public List<String> outstandingRequests() {
    return actor.ledger().outstanding();
  }

  @Override
  public void cancelRequest(String requestId) {
    actor.ledger().cancel(requestId);
  }
}
