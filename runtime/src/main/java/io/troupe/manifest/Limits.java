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
  public static final int MAX_PAGES = 65536;

  public Limits {
    if (memoryPages < 1 || memoryPages > MAX_PAGES) {
      throw new IllegalArgumentException(
          "memory_pages must be between 1 and " + MAX_PAGES + ", got " + memoryPages);
    }
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("call_timeout_ms must be positive, got " + callTimeout);
    }
    if (mailboxCapacity < 1) {
      throw new IllegalArgumentException("mailbox_capacity must be >= 1, got " + mailboxCapacity);
    }
    if (maxMessageBytes < 16) {
      throw new IllegalArgumentException("max_message_bytes must be >= 16, got " + maxMessageBytes);
    }
    if (maxPendingOps < 1) {
      throw new IllegalArgumentException("max_pending_ops must be >= 1, got " + maxPendingOps);
    }
  }

  public static Limits defaults() {
    return new Limits(256, Duration.ofSeconds(5), 1024, 1 << 20, 64);
  }
}
