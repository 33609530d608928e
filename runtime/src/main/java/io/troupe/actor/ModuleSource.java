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
 * sha256:<hex>} of a module uploaded earlier with {@link #upload}. Uploads go to a {@link
 * Repository}: this node's memory by default, the whole cluster's in a cluster.
 */
public final class ModuleSource {
  /** Content-addressed module bytes, by {@code sha256:<hex>}. */
  public interface Repository {
    void put(String ref, byte[] bytes);

    Optional<byte[]> get(String ref);
  }

  private final Repository uploaded;

  /** Uploads kept in this node's memory. */
  public ModuleSource() {
    this(memory());
  }

  public ModuleSource(Repository repository) {
    this.uploaded = repository;
  }

  private static Repository memory() {
    Map<String, byte[]> map = new ConcurrentHashMap<>();
    return new Repository() {
      @Override
      public void put(String ref, byte[] bytes) {
        map.putIfAbsent(ref, bytes.clone());
      }

      @Override
      public Optional<byte[]> get(String ref) {
        return Optional.ofNullable(map.get(ref)).map(byte[]::clone);
      }
    };
  }

  /**
   * Stores a module by content; returns its {@code sha256:<hex>} reference: the hash of its binary
   * form (WAT text is stored as the binary it compiles to), so that the reference an upload returns
   * is the one the actor's description and its chain's {@code module_sha256} show.
   */
  public String upload(byte[] bytes) {
    byte[] binary = io.troupe.wasm.WasmEngine.binary(bytes);
    String ref = "sha256:" + Sha256.hex(binary);
    if (uploaded.get(ref).isEmpty()) {
      uploaded.put(ref, binary);
    }
    return ref;
  }

  /**
   * The bytes uploaded as {@code ref}, hashed again as they are read: the repository may be a
   * cluster's shared map or a database that others can write to.
   *
   * @throws InvalidModuleException when the bytes kept under {@code ref} are not what it names
   */
  public Optional<byte[]> uploaded(String ref) {
    Optional<byte[]> bytes = uploaded.get(ref);
    bytes.ifPresent(
        b -> {
          String actual = "sha256:" + Sha256.hex(b);
          if (!actual.equals(ref)) {
            throw new InvalidModuleException(
                "the bytes kept for module "
                    + ref
                    + " hash to "
                    + actual
                    + ": the module store was altered, refusing to run them");
          }
        });
    return bytes;
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
