package io.troupe.actor;

import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a module and its manifest into a temp folder and parses the manifest. */
final class Fixture {
  private Fixture() {}

  static Manifest manifest(Path dir, byte[] module, String extraToml) {
    try {
      Files.write(dir.resolve("m.wasm"), module);
      Path toml = dir.resolve("actor.toml");
      Files.writeString(toml, "name = \"test\"\nmodule = \"m.wasm\"\n" + extraToml);
      return new ManifestParser().parse(toml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
