package io.troupe.actor;

import io.troupe.chain.Sha256;
import io.troupe.error.InvalidModuleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where module bytes come from: a manifest's {@code module} is either a file path or {@code
 * sha256:<hex>} of a module uploaded earlier with {@link #upload}.
 */
public final class ModuleSource {
  private final Map<String, byte[]> uploaded = new ConcurrentHashMap<>();

  /** Stores a module by content; returns its {@code sha256:<hex>} reference. */
  public String upload(byte[] bytes) {
    String ref = "sha256:" + Sha256.hex(bytes);
    uploaded.putIfAbsent(ref, bytes.clone());
    return ref;
  }

  public Optional<byte[]> uploaded(String ref) {
    return Optional.ofNullable(uploaded.get(ref)).map(byte[]::clone);
  }

  /** The bytes {@code ref} names; a clear {@link InvalidModuleException} when there are none. */
  public byte[] resolve(String ref) {
    if (ref.startsWith("sha256:")) {
      return uploaded(ref)
          .orElseThrow(
              () -> new InvalidModuleException("no uploaded module " + ref + ": upload it first"));
    }
    Path path = Path.of(ref);
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new InvalidModuleException("module file not found: " + path);
    } catch (IOException e) {
      throw new InvalidModuleException("cannot read module " + path + ": " + e.getMessage(), e);
    }
  }
}
