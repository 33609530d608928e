package io.troupe.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.ClientChannel;
import io.troupe.error.ErrorKind;
import io.troupe.error.Errors;
import io.troupe.error.InvalidArgumentException;
import io.troupe.proto.v1.ChannelClientMessage;
import io.troupe.proto.v1.ChannelClosed;
import io.troupe.proto.v1.ChannelError;
import io.troupe.proto.v1.ChannelOpened;
import io.troupe.proto.v1.ChannelServerMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's channel to an actor, over one bidirectional stream: the first message opens it, then
 * messages go both ways until either side closes it. What the actor sends and the close reach the
 * client in order; a client frame the channel cannot take is answered with an error frame and the
 * channel goes on; a close from either side ends with a {@code ChannelClosed} frame; the stream's
 * end (or the client going away) closes the channel.
 */
final class ChannelSession implements StreamObserver<ChannelClientMessage>, ChannelListener {
  private static final Logger log = LoggerFactory.getLogger(ChannelSession.class);

  private final ActorSystem system;
  private final Protos protos;
  private final ServerCallStreamObserver<ChannelServerMessage> out;
  private final AtomicReference<ClientChannel> channel = new AtomicReference<>();

  /** Set by the first {@code open}: a second one is refused, also while the first is pending. */
  private final AtomicBoolean opening = new AtomicBoolean();

  /** The stream to the client has ended (completed or failed); guarded by this. */
  private boolean finished;

  /**
   * The client closed, ended the stream or went away; guarded by this. A channel whose open
   * completes after that is closed at once, never kept.
   */
  private boolean ended;

  /**
   * Completes once every message the client sent so far has been handled (or refused): a close from
   * the client waits for it, so that what the actor sends while handling them reaches the client
   * before the close. Guarded by this.
   */
  private CompletableFuture<Void> sent = CompletableFuture.completedFuture(null);

  /** The client asked to close: its messages after that are refused. Guarded by this. */
  private boolean closing;

  ChannelSession(
      ActorSystem system, Protos protos, StreamObserver<ChannelServerMessage> responses) {
    this.system = system;
    this.protos = protos;
    this.out = (ServerCallStreamObserver<ChannelServerMessage>) responses;
    out.setOnCancelHandler(this::closeChannel);
  }

  // ---- from the client ----

  @Override
  public void onNext(ChannelClientMessage m) {
    try {
      switch (m.getBodyCase()) {
        case OPEN -> open(m);
        case MESSAGE_JSON -> message(m);
        case CLOSE -> afterSent("closed by the client");
        default -> refuse(new InvalidArgumentException("empty channel message"));
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /** A message for the actor; one the channel cannot take is answered, and the channel goes on. */
  private void message(ChannelClientMessage m) {
    ClientChannel c = channel.get();
    if (c == null) {
      refuse(new InvalidArgumentException("the channel is not open yet: send open first"));
      return;
    }
    synchronized (this) {
      if (closing) {
        refuse(new InvalidArgumentException("the channel is closing: the client closed it"));
        return;
      }
    }
    try {
      CompletableFuture<Void> handled = c.send(protos.json(m.getMessageJson()));
      synchronized (this) {
        sent = CompletableFuture.allOf(sent, handled.exceptionally(e -> null));
      }
    } catch (RuntimeException e) {
      refuse(e);
    }
  }

  /**
   * Closes the channel once the client's messages so far have been handled, then sends {@code
   * reason} as the last frame.
   */
  private void afterSent(String reason) {
    CompletableFuture<Void> before;
    synchronized (this) {
      closing = true;
      before = sent;
    }
    before.whenComplete(
        (v, e) -> {
          closeChannel();
          closed(reason);
        });
  }

  /** An error frame: this client frame was dropped; the channel stays open. */
  private void refuse(Throwable e) {
    Throwable cause = Errors.unwrap(e);
    send(
        ChannelServerMessage.newBuilder()
            .setError(
                ChannelError.newBuilder()
                    .setKind(ErrorKind.of(cause).name())
                    .setMessage(cause.getMessage() == null ? "" : cause.getMessage()))
            .build());
  }

  private void open(ChannelClientMessage m) {
    if (!opening.compareAndSet(false, true)) {
      throw new InvalidArgumentException("the channel is already open");
    }
    system
        .openChannel(
            TroupeApi.callable(m.getOpen().getId()),
            protos.json(m.getOpen().getMessageJson()),
            this)
        .whenComplete(
            (c, e) -> {
              if (e != null) {
                fail(e);
                return;
              }
              boolean keep;
              synchronized (this) {
                keep = !ended;
                if (keep) {
                  channel.set(c);
                }
              }
              if (!keep) {
                close(c); // the client left while it was opening
                return;
              }
              send(
                  ChannelServerMessage.newBuilder()
                      .setOpened(ChannelOpened.newBuilder().setChannelId(c.id()))
                      .build());
            });
  }

  @Override
  public void onError(Throwable t) {
    closeChannel();
  }

  @Override
  public void onCompleted() {
    afterSent("the client ended the stream");
  }

  // ---- from the actor ----

  @Override
  public void onMessage(String channelId, JsonNode message) {
    send(ChannelServerMessage.newBuilder().setMessageJson(protos.bytes(message)).build());
  }

  @Override
  public void onClose(String channelId, String reason) {
    closed(reason);
  }

  /** The last frame, {@code ChannelClosed}, then the stream's end. */
  private synchronized void closed(String reason) {
    if (!finished && !out.isCancelled()) {
      out.onNext(
          ChannelServerMessage.newBuilder()
              .setClosed(ChannelClosed.newBuilder().setReason(reason == null ? "" : reason))
              .build());
      finished = true;
      out.onCompleted();
    }
  }

  // ---- the stream ----

  private synchronized void send(ChannelServerMessage m) {
    if (!finished && !out.isCancelled()) {
      out.onNext(m);
    }
  }

  private void fail(Throwable e) {
    closeChannel();
    synchronized (this) {
      if (!finished && !out.isCancelled()) {
        finished = true;
        out.onError(Statuses.toStatus(e));
      }
    }
  }

  private void closeChannel() {
    synchronized (this) {
      ended = true;
    }
    ClientChannel c = channel.getAndSet(null);
    if (c != null) {
      close(c);
    }
  }

  private static void close(ClientChannel c) {
    try {
      c.close();
    } catch (RuntimeException e) {
      log.debug("closing channel {}: {}", c.id(), e.getMessage());
    }
  }
}
