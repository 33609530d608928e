package io.troupe.client.sdk;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.proto.v1.TroupeGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Unary calls against a client's nodes, with failover: the current node first; on UNAVAILABLE (the
 * node is down, or the actor's home is moving) or no answer within the attempt timeout (the node
 * hangs) the next, with a short pause after each round (10 ms, doubling up to 100 ms), until the
 * call's deadline. Calls are asynchronous and independent: any number may be in flight at once; the
 * blocking form waits for one.
 */
final class Calls {
  private static final Metadata.Key<String> KIND =
      Metadata.Key.of("troupe-error-kind", Metadata.ASCII_STRING_MARSHALLER);

  private final List<Channel> channels;
  private final List<String> targets;
  private final Duration deadline;
  private final Duration attempt;

  /** The node that answered last: calls start there. */
  private volatile int current;

  Calls(List<Channel> channels, List<String> targets, Duration deadline, Duration attempt) {
    this.channels = List.copyOf(channels);
    this.targets = List.copyOf(targets);
    this.deadline = deadline;
    this.attempt = attempt;
  }

  int current() {
    return current;
  }

  /** The client's channels, one per target, in the order given. */
  List<Channel> channels() {
    return channels;
  }

  /** The deadline of one call (for a stream: of its opening, or of a pause in its progress). */
  Duration deadline() {
    return deadline;
  }

  /** The status of a failed call or stream, in the client's words. */
  TroupeClientException translate(Throwable t) {
    return translate(
        t instanceof StatusRuntimeException e
            ? e
            : Status.fromThrowable(t).asRuntimeException(Status.trailersFromThrowable(t)));
  }

  /** Runs {@code body} to completion: its value, or a {@link TroupeClientException}. */
  <T> T blocking(Function<TroupeGrpc.TroupeFutureStub, ListenableFuture<T>> body) {
    return await(async(body));
  }

  /** The value of {@code f}, or its {@link TroupeClientException}, waiting for it. */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    } catch (java.util.concurrent.CancellationException e) {
      throw new TroupeClientException(Status.Code.CANCELLED, "", "cancelled", e);
    }
  }

  /**
   * Runs {@code body} with failover; completes with its value, or with a {@link
   * TroupeClientException}.
   */
  <T> CompletableFuture<T> async(Function<TroupeGrpc.TroupeFutureStub, ListenableFuture<T>> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    new Attempts<>(body, result, System.nanoTime() + deadline.toNanos(), current).next(0);
    return result;
  }

  /** One call's attempts, node after node. */
  private final class Attempts<T> {
    private final Function<TroupeGrpc.TroupeFutureStub, ListenableFuture<T>> body;
    private final CompletableFuture<T> result;
    private final long deadlineNanos;
    private final int first;
    private StatusRuntimeException last;
    private StatusRuntimeException unavailable; // the last node that said so, for the final error

    Attempts(
        Function<TroupeGrpc.TroupeFutureStub, ListenableFuture<T>> body,
        CompletableFuture<T> result,
        long deadlineNanos,
        int first) {
      this.body = body;
      this.result = result;
      this.deadlineNanos = deadlineNanos;
      this.first = first;
    }

    void next(int n) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || result.isDone()) {
        giveUp();
        return;
      }
      int i = (first + n) % channels.size();
      long attemptNanos = Math.min(left, attempt.toNanos());
      boolean lastChance = attemptNanos == left;
      ListenableFuture<T> call;
      try {
        call =
            body.apply(
                TroupeGrpc.newFutureStub(channels.get(i))
                    .withDeadlineAfter(attemptNanos, TimeUnit.NANOSECONDS));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      Futures.addCallback(
          call,
          new FutureCallback<T>() {
            @Override
            public void onSuccess(T value) {
              current = i;
              result.complete(value);
            }

            @Override
            public void onFailure(Throwable t) {
              if (!(t instanceof StatusRuntimeException e)) {
                result.completeExceptionally(t);
                return;
              }
              last = e;
              Status.Code code = e.getStatus().getCode();
              if (code == Status.Code.UNAVAILABLE) {
                unavailable = e;
              }
              // a hung node (no answer within the attempt's time) is tried like a dead one
              boolean hung = code == Status.Code.DEADLINE_EXCEEDED && !lastChance;
              if (code != Status.Code.UNAVAILABLE && !hung) {
                giveUp();
              } else if ((n + 1) % channels.size() == 0) { // a round: pause before the next
                // 10, 20, 40, 80, then 100 ms: a home moving is back within a few hundred ms
                long rounds = (n + 1) / channels.size();
                long pauseMs =
                    Math.min(
                        Math.min(100, 10L << Math.min(4, rounds - 1)),
                        Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000));
                CompletableFuture.delayedExecutor(pauseMs, TimeUnit.MILLISECONDS)
                    .execute(() -> next(n + 1));
              } else {
                next(n + 1);
              }
            }
          },
          MoreExecutors.directExecutor());
      result.whenComplete(
          (v, e) -> {
            if (result.isCancelled()) {
              call.cancel(true); // the caller gave up: so does the call
            }
          });
    }

    private void giveUp() {
      if (last == null) {
        result.completeExceptionally(
            new TroupeClientException(
                Status.Code.DEADLINE_EXCEEDED,
                "",
                "no answer within " + deadline.toMillis() + " ms",
                null));
        return;
      }
      // out of time after nodes said UNAVAILABLE: that says more than the deadline that ended it
      result.completeExceptionally(
          translate(
              last.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED && unavailable != null
                  ? unavailable
                  : last));
    }
  }

  TroupeClientException translate(StatusRuntimeException e) {
    String kind = e.getTrailers() == null ? null : e.getTrailers().get(KIND);
    String message = e.getStatus().getDescription();
    if (message == null) {
      message = e.getStatus().getCode().name();
    }
    if (e.getStatus().getCode() == Status.Code.UNAVAILABLE && kind == null) {
      message = "no node answered (" + String.join(", ", targets) + "): " + message;
    }
    return new TroupeClientException(e.getStatus().getCode(), kind == null ? "" : kind, message, e);
  }
}
