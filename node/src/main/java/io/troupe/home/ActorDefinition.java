package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;

/**
 * What an actor was started from, as its record keeps it.
 *
 * @param manifestToml its manifest
 * @param moduleRef where its module's bytes are: {@code sha256:<hex>} (uploaded) or a path
 */
public record ActorDefinition(String manifestToml, String moduleRef) {
  private static final ManifestParser MANIFESTS = new ManifestParser();

  /**
   * The manifest the actor is started again (or replayed) from. One a client submitted (its module
   * is an uploaded {@code sha256:} ref) reads no file; one from the operator's files (its module is
   * a path) reads from its module's folder.
   */
  public Manifest manifest(ActorId id) {
    Path folder =
        moduleRef.startsWith("sha256:") ? null : Path.of(moduleRef).toAbsolutePath().getParent();
    return MANIFESTS.parse(manifestToml, folder, "manifest of " + id).withModule(moduleRef);
  }
}
