package io.troupe.actor;

import io.troupe.error.DeadlineExceededException;
import io.troupe.error.LimitExceededException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parks a turn that waits on another actor (a request, a channel open, a spawn) without starving
 * the node: on the turn pool (a {@link ForkJoinPool}) the wait is a managed block, so the pool adds
 * a compensating thread while this actor waits and every other actor keeps running. The number of
 * parked turns per node is bounded; past the bound the wait is refused with a clear error instead
 * of exhausting threads.
 */
final class Parking {
  private final AtomicInteger parked = new AtomicInteger();
  private final int limit;

  Parking(int limit) {
    this.limit = limit;
  }

  int parked() {
    return parked.get();
  }

  /**
   * Waits for {@code future}.
   *
   * @throws RuntimeException what the future failed with (unwrapped)
   * @throws DeadlineExceededException when the turn's own deadline interrupted the wait (the
   *     interrupt stays set, so the guest stops at its next instruction)
   */
  <T> T await(CompletableFuture<T> future, String what) {
    if (!future.isDone()) {
      if (parked.incrementAndGet() > limit) {
        parked.decrementAndGet();
        throw new LimitExceededException(
            "cannot wait for "
                + what
                + ": "
                + limit
                + " turns are already parked on this node (node parked_turns limit)");
      }
      try {
        ForkJoinPool.managedBlock(
            new ForkJoinPool.ManagedBlocker() {
              @Override
              public boolean block() throws InterruptedException {
                try {
                  future.get();
                } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                  // the outcome is read below
                }
                return true;
              }

              @Override
              public boolean isReleasable() {
                return future.isDone();
              }
            });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeadlineExceededException("the call deadline passed while waiting for " + what);
      } finally {
        parked.decrementAndGet();
      }
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      throw io.troupe.error.Errors.unwrap(e);
    }
  }
}
