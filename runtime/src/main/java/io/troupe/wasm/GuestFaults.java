package io.troupe.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import io.troupe.manifest.Limits;
import java.time.Duration;
import java.util.Optional;

/**
 * The words a chain records for a guest fault ({@code wasm.error} with {@code fault}), in one
 * place: a turn writes them and a replay compares them.
 */
public final class GuestFaults {
  private static final String DEADLINE = "exceeded its call deadline of ";

  private GuestFaults() {}

  /**
   * What {@code failure}, thrown by a callback that ran under {@code timeout}, is recorded as;
   * empty when it is not a guest fault.
   */
  public static Optional<String> message(Throwable failure, Duration timeout) {
    if (failure instanceof ChicoryInterruptedException) {
      return Optional.of(DEADLINE + timeout.toMillis() + " ms");
    } else if (failure instanceof AbiViolation) {
      return Optional.of("ABI violation: " + failure.getMessage());
    } else if (failure instanceof ChicoryException) {
      return Optional.of("trap: " + failure.getMessage());
    } else if (failure instanceof StackOverflowError) {
      return Optional.of("trap: call stack exhausted");
    }
    return Optional.empty();
  }

  /** Whether {@code message} is that of a callback stopped by its deadline. */
  public static boolean isDeadline(String message) {
    return message.startsWith(DEADLINE);
  }

  /** The fault of a callback that returned a state larger than an actor may keep, if it did. */
  public static Optional<String> oversizedState(int size) {
    if (size <= Limits.MAX_STATE_BYTES) {
      return Optional.empty();
    }
    return Optional.of(
        "returned a state of "
            + size
            + " bytes; an actor keeps at most "
            + Limits.MAX_STATE_BYTES
            + " (its state is replicated, stored and read by clients whole)");
  }
}
