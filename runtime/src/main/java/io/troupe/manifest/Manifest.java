package io.troupe.manifest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An actor's manifest (TOML). See docs/manifest.md.
 *
 * @param name actor name
 * @param version manifest version string
 * @param description free text, may be empty
 * @param module where the WASM module comes from: a file path (a relative path in the file is
 *     resolved against the manifest's folder when parsed), or {@code sha256:<hex>} of an uploaded
 *     module; in a submitted manifest (no folder), a path is only a name, replaced by the module
 *     the client sends
 * @param initState initial state as UTF-8 JSON, or empty for {@code none}
 * @param handlers declared handlers, in manifest order
 * @param limits resource limits
 * @param supervision how this actor restarts the children it spawns
 * @param chain how its chain is kept (checkpoints, retention)
 * @param source where the manifest was read from, for error messages
 * @param text the TOML as written (kept so that another node can start the actor again)
 * @param folder the node folder the manifest may read files from (its module, {@code init_state},
 *     its children's manifests): the manifest file's own for an operator's file; empty for a
 *     manifest a client submitted, which must not name the node's files
 */
public record Manifest(
    String name,
    String version,
    String description,
    String module,
    Optional<String> initState,
    List<HandlerSpec> handlers,
    Limits limits,
    Supervision supervision,
    ChainSettings chain,
    String source,
    String text,
    Optional<java.nio.file.Path> folder) {

  public Manifest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(initState, "initState");
    handlers = List.copyOf(handlers);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(supervision, "supervision");
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(folder, "folder");
  }

  /** This manifest with its module replaced by {@code ref} (a path or {@code sha256:<hex>}). */
  public Manifest withModule(String ref) {
    return new Manifest(
        name,
        version,
        description,
        ref,
        initState,
        handlers,
        limits,
        supervision,
        chain,
        source,
        text,
        folder);
  }

  /** This manifest with {@code limits} instead of its own. */
  public Manifest withLimits(Limits limits) {
    return new Manifest(
        name,
        version,
        description,
        module,
        initState,
        handlers,
        limits,
        supervision,
        chain,
        source,
        text,
        folder);
  }

  /** The handler of {@code type}, if declared. */
  public Optional<HandlerSpec> handler(String type) {
    return handlers.stream().filter(h -> h.type().equals(type)).findFirst();
  }
}
