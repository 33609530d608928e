package io.troupe.manifest;

import java.util.OptionalLong;

/**
 * How an actor's chain is kept ({@code [chain]} in its manifest). Where its history is stored
 * durably, the actor records a checkpoint every {@code checkpointEvents} events or {@code
 * checkpointBytes} bytes of event data, whichever comes first, and its home (and the cluster's
 * record of it) lets go of what came before: its memory does not grow with its chain.
 *
 * @param checkpointEvents events between checkpoints (default 1,000; 100 to 1,000,000)
 * @param checkpointBytes bytes of event data between checkpoints (default 1 MiB; 4 KiB to 1 GiB)
 * @param keepEvents retention: keep at most this many events before the latest checkpoint, the rest
 *     replaced by a verifiable anchor (default: keep everything)
 */
public record ChainSettings(int checkpointEvents, long checkpointBytes, OptionalLong keepEvents) {
  public ChainSettings {
    if (checkpointEvents < 100 || checkpointEvents > 1_000_000) {
      throw new IllegalArgumentException(
          "checkpoint_events must be between 100 and 1000000, got " + checkpointEvents);
    }
    if (checkpointBytes < 4096 || checkpointBytes > (1L << 30)) {
      throw new IllegalArgumentException(
          "checkpoint_bytes must be between 4096 and 1073741824, got " + checkpointBytes);
    }
    if (keepEvents.isPresent() && keepEvents.getAsLong() < 0) {
      throw new IllegalArgumentException(
          "keep_events must be 0 or more, got " + keepEvents.getAsLong());
    }
  }

  public static ChainSettings defaults() {
    return new ChainSettings(1_000, 1 << 20, OptionalLong.empty());
  }

  /**
   * These settings where a node's own defaults ({@code nodeDefaults}) replace each checkpoint
   * setting left at the built-in default; retention is the manifest's alone.
   */
  public ChainSettings orNodeDefaults(ChainSettings nodeDefaults) {
    ChainSettings builtIn = defaults();
    return new ChainSettings(
        checkpointEvents == builtIn.checkpointEvents
            ? nodeDefaults.checkpointEvents
            : checkpointEvents,
        checkpointBytes == builtIn.checkpointBytes ? nodeDefaults.checkpointBytes : checkpointBytes,
        keepEvents);
  }
}
