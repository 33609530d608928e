package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.ChannelRejectedException;
import io.troupe.error.DeadlineExceededException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.TroupeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes messages, requests and channel traffic by actor id through the {@link Directory}: gives
 * every message its id, puts deadlines on requests, and keeps the table of open channels. Both
 * actors and clients send through it.
 */
final class PostOffice {
  private static final Logger log = LoggerFactory.getLogger(PostOffice.class);

  /** One end of a channel: an actor, or a client listening from outside. */
  sealed interface End {
    Optional<ActorId> actor();
  }

  record ActorEnd(ActorId id) implements End {
    @Override
    public Optional<ActorId> actor() {
      return Optional.of(id);
    }
  }

  record ClientEnd(ChannelListener listener) implements End {
    @Override
    public Optional<ActorId> actor() {
      return Optional.empty();
    }
  }

  private record Channel(String id, End opener, End target) {
    End peerOf(End end) {
      if (end.equals(opener)) {
        return target;
      }
      if (end.equals(target)) {
        return opener;
      }
      throw new InvalidArgumentException("not a participant of channel " + id);
    }

    boolean has(ActorId actor) {
      return opener.actor().filter(actor::equals).isPresent()
          || target.actor().filter(actor::equals).isPresent();
    }
  }

  private final Directory directory;
  private final Supplier<String> ids;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Channel> open = new ConcurrentHashMap<>();

  PostOffice(Directory directory, Supplier<String> ids, ScheduledExecutorService scheduler) {
    this.directory = directory;
    this.ids = ids;
    this.scheduler = scheduler;
  }

  String newId() {
    return ids.get();
  }

  Recipient recipient(ActorId to) {
    return directory.lookup(to).orElseThrow(() -> new ActorNotFoundException("no actor " + to));
  }

  /** Completes when the target has handled the message. */
  CompletableFuture<JsonNode> send(Optional<ActorId> from, ActorId to, JsonNode message) {
    return send(from, to, message, ids.get());
  }

  /** Like {@link #send(Optional, ActorId, JsonNode)} with the caller's message id. */
  CompletableFuture<JsonNode> send(
      Optional<ActorId> from, ActorId to, JsonNode message, String messageId) {
    return recipient(to).deliver(new Delivery.Send(messageId, from, to, message));
  }

  /** Completes with the response, or a {@link DeadlineExceededException} after {@code timeout}. */
  CompletableFuture<JsonNode> request(
      Optional<ActorId> from, ActorId to, JsonNode message, Duration timeout) {
    return request(from, to, message, timeout, ids.get());
  }

  /** Like {@link #request(Optional, ActorId, JsonNode, Duration)} with the caller's message id. */
  CompletableFuture<JsonNode> request(
      Optional<ActorId> from, ActorId to, JsonNode message, Duration timeout, String id) {
    CompletableFuture<JsonNode> answer =
        recipient(to).deliver(new Delivery.Request(id, from, to, message));
    return withDeadline(answer, timeout, "request " + id + " to actor " + to);
  }

  /** Completes with the channel id once {@code to} accepted; a rejection fails it. */
  CompletableFuture<String> openChannel(
      End opener, ActorId to, JsonNode message, Duration timeout) {
    String channelId = ids.get();
    Channel channel = new Channel(channelId, opener, new ActorEnd(to));
    CompletableFuture<JsonNode> answer =
        recipient(to)
            .deliver(new Delivery.ChannelOpen(ids.get(), opener.actor(), to, channelId, message));
    return withDeadline(answer, timeout, "opening a channel to actor " + to)
        .thenApply(
            v -> {
              if (v == null || !v.path("accepted").asBoolean(false)) {
                JsonNode why = v == null ? null : v.get("message");
                throw new ChannelRejectedException(
                    "actor "
                        + to
                        + " rejected the channel"
                        + (why == null || why.isNull() ? "" : ": " + why));
              }
              open.put(channelId, channel);
              return channelId;
            });
  }

  /** Delivers {@code message} to the other end of the channel. */
  CompletableFuture<JsonNode> sendOnChannel(End from, String channelId, JsonNode message) {
    End peer = channel(channelId).peerOf(from);
    if (peer instanceof ActorEnd a) {
      return recipient(a.id())
          .deliver(
              new Delivery.ChannelMessage(ids.get(), from.actor(), a.id(), channelId, message));
    }
    ((ClientEnd) peer).listener().onMessage(channelId, message);
    return CompletableFuture.completedFuture(null);
  }

  /** Closes the channel; the other end is told. */
  void closeChannel(End from, String channelId) {
    closeChannel(from, channelId, "closed by the other end");
  }

  void closeChannel(End from, String channelId, String reason) {
    Channel ch = channel(channelId);
    End peer = ch.peerOf(from);
    open.remove(channelId, ch);
    notifyClosed(peer, from, channelId, reason);
  }

  /**
   * A delivery from another node to {@code actor}, which lives here. A channel opened from there is
   * registered before the actor sees it (so what the actor sends on it right after accepting finds
   * it) with {@code opener} as the far end, and dropped again when the actor refuses it; an open
   * with the id of a channel open already is refused, that channel untouched and the actor not
   * told. A message or close from there must be on a channel open between the actor and a far end
   * that is not on this node (one opened from another node); a close drops it before the actor is
   * told.
   */
  CompletableFuture<JsonNode> deliverFromRemote(Actor actor, Delivery d, ChannelListener opener) {
    if (d instanceof Delivery.ChannelOpen o) {
      Channel ch = new Channel(o.channelId(), new ClientEnd(opener), new ActorEnd(actor.id()));
      if (open.putIfAbsent(o.channelId(), ch) != null) {
        log.warn("refused a second open of channel {} to actor {}", o.channelId(), actor.id());
        return CompletableFuture.failedFuture(
            new InvalidArgumentException(
                "channel "
                    + o.channelId()
                    + " is open already: an open must bring a new channel id"));
      }
      CompletableFuture<JsonNode> answer;
      try {
        answer = actor.deliver(d);
      } catch (RuntimeException e) {
        open.remove(o.channelId(), ch);
        throw e;
      }
      return answer.whenComplete(
          (v, e) -> {
            if (e != null || v == null || !v.path("accepted").asBoolean(false)) {
              open.remove(o.channelId(), ch);
            }
          });
    }
    if (d instanceof Delivery.ChannelMessage m) {
      remoteChannel(m.channelId(), actor.id());
    }
    if (d instanceof Delivery.ChannelClose c) {
      open.remove(c.channelId(), remoteChannel(c.channelId(), actor.id()));
    }
    return actor.deliver(d);
  }

  /**
   * The channel {@code channelId} of {@code actor} whose other end is off this node.
   *
   * @throws InvalidArgumentException when there is none: another node may not speak on (or close) a
   *     channel between actors here, nor one of another actor
   */
  private Channel remoteChannel(String channelId, ActorId actor) {
    Channel ch = open.get(channelId);
    if (ch == null || !ch.has(actor) || !(ch.peerOf(new ActorEnd(actor)) instanceof ClientEnd)) {
      log.warn(
          "refused a message or close from another node on channel {} of {}", channelId, actor);
      throw new InvalidArgumentException(
          "no channel " + channelId + " of actor " + actor + " is open from another node");
    }
    return ch;
  }

  /** Closes every channel {@code actor} is part of, telling the other ends. */
  void closeChannelsOf(ActorId actor, String reason) {
    List<Channel> mine = new ArrayList<>();
    for (Channel ch : open.values()) {
      if (ch.has(actor)) {
        mine.add(ch);
      }
    }
    End self = new ActorEnd(actor);
    for (Channel ch : mine) {
      if (open.remove(ch.id(), ch)) {
        End peer = ch.peerOf(self);
        if (!peer.equals(self)) {
          notifyClosed(peer, self, ch.id(), reason);
        }
      }
    }
  }

  /** The ids of the open channels {@code actor} is part of. */
  List<String> channelsOf(ActorId actor) {
    return open.values().stream().filter(ch -> ch.has(actor)).map(Channel::id).sorted().toList();
  }

  private void notifyClosed(End peer, End from, String channelId, String reason) {
    if (peer instanceof ActorEnd a) {
      try {
        recipient(a.id())
            .deliver(new Delivery.ChannelClose(ids.get(), from.actor(), a.id(), channelId));
      } catch (TroupeException e) {
        log.debug("channel {} closed; {} not told: {}", channelId, a.id(), e.getMessage());
      }
    } else {
      ((ClientEnd) peer).listener().onClose(channelId, reason);
    }
  }

  private Channel channel(String channelId) {
    Channel ch = open.get(Objects.requireNonNull(channelId));
    if (ch == null) {
      throw new InvalidArgumentException("no open channel " + channelId);
    }
    return ch;
  }

  private <T> CompletableFuture<T> withDeadline(
      CompletableFuture<T> answer, Duration timeout, String what) {
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () ->
                answer.completeExceptionally(
                    new DeadlineExceededException(
                        what + " got no answer within " + timeout.toMillis() + " ms")),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    answer.whenComplete((v, e) -> timer.cancel(false));
    return answer;
  }
}
