package io.troupe.store;

import java.util.List;
import java.util.Optional;

/**
 * Content-addressed blobs ({@code sha256:<hex>} of their bytes) with labels: a name in a namespace
 * that points at one blob. A node uses an in-memory store; a cluster backs it with a replicated
 * map. Implementations are thread-safe.
 */
public interface ContentStore {
  /** Stores {@code bytes} (idempotent); returns their reference, {@code sha256:<hex>}. */
  String put(byte[] bytes);

  Optional<byte[]> get(String ref);

  boolean exists(String ref);

  /** Points {@code name} in {@code namespace} at {@code ref}, which must exist. */
  void label(String namespace, String name, String ref);

  Optional<String> byLabel(String namespace, String name);

  /** Removes the label; false when there was none. */
  boolean removeLabel(String namespace, String name);

  /** The labels of {@code namespace}, sorted. */
  List<String> labels(String namespace);
}
