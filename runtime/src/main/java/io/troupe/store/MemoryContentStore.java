package io.troupe.store;

import io.troupe.chain.Sha256;
import io.troupe.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ContentStore} in this JVM's memory. */
public final class MemoryContentStore implements ContentStore {
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> labels = new ConcurrentHashMap<>();

  @Override
  public String put(byte[] bytes) {
    String ref = "sha256:" + Sha256.hex(bytes);
    blobs.putIfAbsent(ref, bytes.clone());
    return ref;
  }

  @Override
  public Optional<byte[]> get(String ref) {
    return Optional.ofNullable(blobs.get(ref)).map(byte[]::clone);
  }

  @Override
  public boolean exists(String ref) {
    return blobs.containsKey(ref);
  }

  @Override
  public void label(String namespace, String name, String ref) {
    if (!exists(ref)) {
      throw new InvalidArgumentException("no blob " + ref + " to label '" + name + "'");
    }
    labels.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>()).put(name, ref);
  }

  @Override
  public Optional<String> byLabel(String namespace, String name) {
    return Optional.ofNullable(labels.getOrDefault(namespace, Map.of()).get(name));
  }

  @Override
  public boolean removeLabel(String namespace, String name) {
    Map<String, String> ns = labels.get(namespace);
    return ns != null && ns.remove(name) != null;
  }

  @Override
  public List<String> labels(String namespace) {
    return labels.getOrDefault(namespace, Map.of()).keySet().stream().sorted().toList();
  }
}
