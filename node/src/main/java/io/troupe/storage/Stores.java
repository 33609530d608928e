package io.troupe.storage;

import io.troupe.store.ActorStore;
import java.nio.file.Path;
import java.util.Optional;

/** Opens the store a node's configuration names. */
public final class Stores {
  private Stores() {}

  /**
   * @param store {@code sqlite}, {@code memory} or a {@code jdbc:postgresql:} URL
   * @param dataDir where the embedded store keeps its file
   * @return the durable store; empty for {@code memory}
   * @throws io.troupe.error.TroupeException naming the store when it cannot be opened or used
   */
  public static Optional<ActorStore> open(String store, Path dataDir, String cluster) {
    if (store.equals("memory")) {
      return Optional.empty();
    }
    if (store.equals("sqlite")) {
      return Optional.of(SqlStore.sqlite(dataDir, cluster));
    }
    return Optional.of(SqlStore.postgresql(store, cluster));
  }

  /** Where chain sinks keep their cursors: {@code store} when it is durable, else memory. */
  public static io.troupe.sink.Cursors sinkCursors(Optional<ActorStore> store) {
    return store
        .filter(SqlStore.class::isInstance)
        .map(s -> ((SqlStore) s).sinkCursors())
        .orElseGet(io.troupe.sink.Cursors::inMemory);
  }
}
