package io.troupe.client.sdk;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.troupe.proto.v1.ChainEvent;
import io.troupe.proto.v1.SubscribeChainRequest;
import io.troupe.proto.v1.TroupeGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running subscription to an actor's chain ({@link TroupeClient#subscribe}): its committed events
 * from a seq on, then each commit's as it happens, handed to the consumer one at a time, in seq
 * order, without gaps or repeats, on one of the client's threads. The next event is asked for once
 * the consumer returned: a slow consumer slows the stream, nothing piles up.
 *
 * <p>When the node fails (UNAVAILABLE) the subscription goes on from the next seq on the next node,
 * after a pause of 100 ms; it gives up when no node took it for the client's deadline. It ends when
 * the actor stops ({@code actor.stopped} is the last event), when {@link #close()} is called, or
 * when the consumer throws.
 */
public final class Subscription implements AutoCloseable {
  /** An attempt that lived this long was taken by its node: the failure after it is a new one. */
  private static final long TAKEN_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Calls calls;
  private final String actor;
  private final Consumer<ChainEvent> onEvent;
  private final CompletableFuture<Long> done = new CompletableFuture<>();
  private volatile long next;
  private volatile long count;

  // guarded by this
  private ClientCallStreamObserver<SubscribeChainRequest> call;
  private long failingSince = -1;

  static Subscription start(Calls calls, String actor, long fromSeq, Consumer<ChainEvent> onEvent) {
    Subscription s = new Subscription(calls, actor, fromSeq, onEvent);
    s.attempt(calls.current(), 0);
    return s;
  }

  private Subscription(Calls calls, String actor, long fromSeq, Consumer<ChainEvent> onEvent) {
    this.calls = calls;
    this.actor = actor;
    this.next = fromSeq;
    this.onEvent = onEvent;
  }

  /**
   * Completes with the number of events the consumer got, once the subscription ended: the actor
   * stopped, or {@link #close()}; or with a {@link TroupeClientException} (no such actor, no node
   * for the client's deadline, the consumer threw: CANCELLED, with what it threw as the cause).
   */
  public CompletableFuture<Long> done() {
    return done;
  }

  /** The seq of the next event the consumer will get: one after the last it got. */
  public long nextSeq() {
    return next;
  }

  /** Ends the subscription: the consumer gets no event after this returns (unless it is in one). */
  @Override
  public void close() {
    synchronized (this) {
      if (done.complete(count)) {
        call.cancel("the subscriber closed it", null);
      }
    }
  }

  private synchronized void attempt(int first, int n) {
    if (done.isDone()) {
      return;
    }
    var channels = calls.channels();
    SubscribeChainRequest req =
        SubscribeChainRequest.newBuilder().setId(actor).setFromSeq(next).build();
    TroupeGrpc.newStub(channels.get((first + n) % channels.size()))
        .subscribeChain(req, new Stream(first, n));
  }

  /** One attempt's stream. */
  private final class Stream implements ClientResponseObserver<SubscribeChainRequest, ChainEvent> {
    private final int first;
    private final int n;
    private final long began = System.nanoTime();
    private boolean progressed;

    Stream(int first, int n) {
      this.first = first;
      this.n = n;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<SubscribeChainRequest> stream) {
      call = stream; // attempt() holds the lock
      stream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(ChainEvent e) {
      if (done.isDone()) {
        return;
      }
      try {
        onEvent.accept(e);
      } catch (RuntimeException x) {
        synchronized (Subscription.this) {
          call.cancel("the subscriber failed", x);
          done.completeExceptionally(
              new TroupeClientException(
                  Status.Code.CANCELLED, "", "the subscriber failed: " + x, x));
        }
        return;
      }
      next = e.getSeq() + 1;
      count++;
      progressed = true;
      synchronized (Subscription.this) {
        call.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      TroupeClientException e = calls.translate(t);
      long now = System.nanoTime();
      boolean retry;
      synchronized (Subscription.this) {
        if (progressed || now - began >= TAKEN_NANOS || failingSince < 0) {
          failingSince = now;
        }
        retry =
            e.code() == Status.Code.UNAVAILABLE
                && now - failingSince < calls.deadline().toNanos()
                && !done.isDone();
      }
      if (retry) {
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
            .execute(() -> attempt(first, n + 1));
      } else {
        done.completeExceptionally(e); // a no-op after close()
      }
    }

    @Override
    public void onCompleted() {
      done.complete(count);
    }
  }
}
