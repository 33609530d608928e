package io.troupe.client.sdk;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.troupe.proto.v1.ChannelClientMessage;
import io.troupe.proto.v1.ChannelCloseRequest;
import io.troupe.proto.v1.ChannelError;
import io.troupe.proto.v1.ChannelOpen;
import io.troupe.proto.v1.ChannelServerMessage;
import io.troupe.proto.v1.TroupeGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A channel to an actor ({@link TroupeClient#openChannel}): messages both ways over one stream, in
 * order, until either side closes it (docs/api.md, "Channels"). Messages sent before the actor
 * accepted the channel wait in the client and go out, in order, once it did. The open is tried on
 * the next node while nodes say UNAVAILABLE, until the client's deadline; a channel that opened
 * stays on its node and ends with it ({@link ChannelListener#onFailure}). Safe to use from any
 * thread.
 */
public final class TroupeChannel implements AutoCloseable {
  private static final ChannelClientMessage CLOSE =
      ChannelClientMessage.newBuilder().setClose(ChannelCloseRequest.getDefaultInstance()).build();

  private final Calls calls;
  private final Payloads payloads;
  private final String actor;
  private final ByteString openMessage;
  private final ChannelListener<Object> listener;
  private final Function<ByteString, ?> read;
  private final long deadlineNanos;
  private final CompletableFuture<String> opened = new CompletableFuture<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();

  /** Set once, by the first of the close and the failure: the listener hears only that one. */
  private final AtomicBoolean ended = new AtomicBoolean();

  // guarded by this
  private ClientCallStreamObserver<ChannelClientMessage> up;
  private final List<ByteString> pending = new ArrayList<>();
  private boolean open;
  private boolean closing;

  /** Opens a channel to {@code actor}; its messages are read as {@code type}. */
  static <T> TroupeChannel open(
      Calls calls,
      Payloads payloads,
      String actor,
      Object openMessage,
      Class<T> type,
      ChannelListener<T> listener) {
    @SuppressWarnings("unchecked") // it hears what read gives: Ts
    ChannelListener<Object> heard = (ChannelListener<Object>) (ChannelListener<?>) listener;
    TroupeChannel c =
        new TroupeChannel(
            calls, payloads, actor, openMessage, heard, bytes -> payloads.read(bytes, type));
    c.attempt(calls.current(), 0);
    CompletableFuture.delayedExecutor(calls.deadline().toNanos(), TimeUnit.NANOSECONDS)
        .execute(c::openedInTime);
    return c;
  }

  private TroupeChannel(
      Calls calls,
      Payloads payloads,
      String actor,
      Object openMessage,
      ChannelListener<Object> listener,
      Function<ByteString, ?> read) {
    this.calls = calls;
    this.payloads = payloads;
    this.actor = actor;
    this.openMessage = payloads.write(openMessage);
    this.listener = listener;
    this.read = read;
    this.deadlineNanos = System.nanoTime() + calls.deadline().toNanos();
  }

  /**
   * Completes with the channel's id once the actor accepted it; or with a {@link
   * TroupeClientException}: refused ({@code CHANNEL_REJECTED}, with the actor's reason), no such
   * actor, no answer within the client's deadline.
   */
  public CompletableFuture<String> opened() {
    return opened;
  }

  /** Waits until the channel is open; returns its id, or throws why it did not open. */
  public String awaitOpened() {
    return Calls.await(opened);
  }

  /**
   * Completes with the reason the channel closed, after the listener heard it; or with the {@link
   * TroupeClientException} that ended it.
   */
  public CompletableFuture<String> closed() {
    return closed;
  }

  /**
   * Sends {@code message} to the actor's {@code handle-channel-message} (a String is JSON text; any
   * other object is written by the client's mapper). Returns at once: there is no answer; a frame
   * the node refuses comes back to {@link ChannelListener#onError}.
   *
   * @throws TroupeClientException the channel was closed
   */
  public void send(Object message) {
    ByteString bytes = payloads.write(message);
    synchronized (this) {
      if (closing || ended.get()) {
        throw new TroupeClientException(
            Status.Code.FAILED_PRECONDITION, "", "the channel to " + actor + " is closed", null);
      }
      if (!open) {
        pending.add(bytes);
        return;
      }
      up.onNext(ChannelClientMessage.newBuilder().setMessageJson(bytes).build());
    }
  }

  /**
   * Closes the channel (the actor's {@code handle-channel-close} runs) after the messages sent
   * before: the actor handles them first. Returns at once; {@link #closed()} completes when the
   * node confirmed it. Closing twice does nothing.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closing || ended.get()) {
        return;
      }
      closing = true;
      if (open) { // otherwise it goes once the channel opened, after what waits for that
        up.onNext(CLOSE);
      }
    }
  }

  /** Attempt {@code n} at opening, on the node after {@code first}'s. */
  private synchronized void attempt(int first, int n) {
    if (ended.get()) {
      return; // out of time while it waited to try again
    }
    var channels = calls.channels();
    Stream stream = new Stream(first, n);
    up =
        (ClientCallStreamObserver<ChannelClientMessage>)
            TroupeGrpc.newStub(channels.get((first + n) % channels.size())).openChannel(stream);
    up.onNext(
        ChannelClientMessage.newBuilder()
            .setOpen(ChannelOpen.newBuilder().setId(actor).setMessageJson(openMessage))
            .build());
  }

  private void openedInTime() {
    if (opened.isDone()) {
      return;
    }
    String why = "the channel to " + actor + " did not open within " + calls.deadline().toMillis();
    synchronized (this) {
      up.cancel(why + " ms", null);
    }
    failed(new TroupeClientException(Status.Code.DEADLINE_EXCEEDED, "", why + " ms", null));
  }

  /** One attempt's stream: what the node sends, in order. */
  private final class Stream
      implements ClientResponseObserver<ChannelClientMessage, ChannelServerMessage> {
    private final int first;
    private final int n;

    Stream(int first, int n) {
      this.first = first;
      this.n = n;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ChannelClientMessage> stream) {}

    @Override
    public void onNext(ChannelServerMessage m) {
      try {
        switch (m.getBodyCase()) {
          case OPENED -> {
            synchronized (TroupeChannel.this) {
              open = true;
              for (ByteString b : pending) {
                up.onNext(ChannelClientMessage.newBuilder().setMessageJson(b).build());
              }
              pending.clear();
              if (closing) {
                up.onNext(CLOSE);
              }
            }
            opened.complete(m.getOpened().getChannelId());
          }
          case MESSAGE_JSON -> message(m.getMessageJson());
          case ERROR -> listener.onError(refused(m.getError()));
          case CLOSED -> closed(m.getClosed().getReason());
          default -> {} // a frame of a later version of the API
        }
      } catch (RuntimeException e) {
        synchronized (TroupeChannel.this) {
          up.cancel("the channel's listener failed", e);
        }
        failed(
            new TroupeClientException(
                Status.Code.CANCELLED, "", "the channel's listener failed: " + e, e));
      }
    }

    private void message(ByteString json) {
      Object m;
      try {
        m = read.apply(json);
      } catch (TroupeClientException e) { // a message the client cannot read as the type asked
        listener.onError(e);
        return;
      }
      listener.onMessage(m);
    }

    @Override
    public void onError(Throwable t) {
      TroupeClientException e = calls.translate(t);
      boolean retry;
      synchronized (TroupeChannel.this) {
        retry =
            !open
                && !closing
                && e.code() == Status.Code.UNAVAILABLE
                && System.nanoTime() + 100_000_000L < deadlineNanos;
      }
      if (retry) { // no node took the open yet: the next one
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
            .execute(() -> attempt(first, n + 1));
        return;
      }
      failed(e);
    }

    @Override
    public void onCompleted() {
      closed("the stream ended"); // a no-op after the closed frame, which comes first
    }
  }

  private void closed(String reason) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    opened.completeExceptionally(
        new TroupeClientException(
            Status.Code.FAILED_PRECONDITION,
            "",
            "the channel to " + actor + " closed before it opened: " + reason,
            null));
    try {
      listener.onClose(reason);
    } finally {
      closed.complete(reason);
    }
  }

  private void failed(TroupeClientException e) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    opened.completeExceptionally(e);
    try {
      listener.onFailure(e);
    } finally {
      closed.completeExceptionally(e);
    }
  }

  /** An error frame as an exception: the kind the node gave, and the code that kind has. */
  private static TroupeClientException refused(ChannelError e) {
    Status.Code code =
        switch (e.getKind()) {
          case "LIMIT_EXCEEDED" -> Status.Code.RESOURCE_EXHAUSTED;
          case "ACTOR_NOT_FOUND" -> Status.Code.NOT_FOUND;
          case "ACTOR_NOT_RUNNING", "MESSAGE_ID_REUSED" -> Status.Code.FAILED_PRECONDITION;
          case "UNAVAILABLE", "STALE_APPEND" -> Status.Code.UNAVAILABLE;
          case "GUEST_ERROR", "GUEST_FAULT" -> Status.Code.ABORTED;
          default ->
              e.getKind().startsWith("INVALID_")
                  ? Status.Code.INVALID_ARGUMENT
                  : Status.Code.UNKNOWN;
        };
    return new TroupeClientException(code, e.getKind(), e.getMessage(), null);
  }
}
