package io.troupe.manifest;

import java.time.Duration;

/**
 * Per-actor resource limits, from a manifest's {@code [limits]} table.
 *
 * @param memoryPages maximum linear memory in 64 KiB pages ({@code memory_pages}, default 256 = 16
 *     MiB)
 * @param callTimeout deadline of one callback ({@code call_timeout_ms}, default 5000)
 * @param mailboxCapacity queued deliveries before senders are refused ({@code mailbox_capacity},
 *     default 1024)
 * @param maxMessageBytes largest accepted message, as UTF-8 JSON ({@code max_message_bytes},
 *     default 1 MiB)
 * @param maxPendingOps asynchronous operations (timers, HTTP requests, connections) an actor may
 *     have in flight; one more is refused with an error the actor sees ({@code max_pending_ops},
 *     default 64)
 */
public record Limits(
    int memoryPages,
    Duration callTimeout,
    int mailboxCapacity,
    int maxMessageBytes,
    int maxPendingOps) {
  /** The ceilings no manifest may pass: 1 GiB of memory, ... (see docs/manifest.md). */
  public static final int MAX_PAGES = 16_384;

  public static final Duration MAX_CALL_TIMEOUT = Duration.ofMinutes(5);
  public static final int MAX_MAILBOX = 65_536;
  public static final int MAX_MESSAGE_BYTES = 16 << 20;
  public static final int MAX_PENDING_OPS = 4_096;

  /** The largest state an actor may keep (16 MiB): it is replicated, stored and read whole. */
  public static final int MAX_STATE_BYTES = 16 << 20;

  public Limits {
    within("memory_pages", memoryPages, 1, MAX_PAGES);
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("call_timeout_ms must be positive, got " + callTimeout);
    }
    within("call_timeout_ms", callTimeout.toMillis(), 1, MAX_CALL_TIMEOUT.toMillis());
    within("mailbox_capacity", mailboxCapacity, 1, MAX_MAILBOX);
    within("max_message_bytes", maxMessageBytes, 16, MAX_MESSAGE_BYTES);
    within("max_pending_ops", maxPendingOps, 1, MAX_PENDING_OPS);
  }

  private static void within(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  public static Limits defaults() {
    return new Limits(256, Duration.ofSeconds(5), 1024, 1 << 20, 64);
  }
}
