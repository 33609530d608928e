package io.troupe.storage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for crash tests, off unless asked for: with the system property {@code
 * troupe.crash-after-store-writes=N} the process halts, as kill -9 would stop it, right after its
 * Nth store transaction commits: what that transaction wrote is on disk, and none of it has been
 * acknowledged. This is the one moment a random kill rarely hits.
 */
final class CrashPoint {
  private static final long AFTER = Long.getLong("troupe.crash-after-store-writes", 0);
  private static final AtomicLong WRITES = new AtomicLong();

  private CrashPoint() {}

  static void afterStoreWrite() {
    if (AFTER > 0 && WRITES.incrementAndGet() >= AFTER) {
      System.err.println("crash point: halting after store write " + AFTER);
      Runtime.getRuntime().halt(137);
    }
  }
}
