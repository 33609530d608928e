package io.troupe.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The examples ported to Rust (the folder {@code rust/} beside a WAT example): each is built once
 * per test run by its own {@code build.sh}, with Debian's toolchain (which CI installs), and then
 * checked by the same test as its WAT twin.
 */
final class RustExamples {
  private static final Map<Path, Path> BUILT = new ConcurrentHashMap<>();

  private RustExamples() {}

  /** The manifest {@code example/rust/NAME.toml}, its module built. */
  static synchronized Path manifest(String example, String name) {
    Path dir = Path.of(example, "rust");
    return BUILT.computeIfAbsent(dir, d -> build(d).resolve(name + ".toml"));
  }

  private static Path build(Path dir) {
    try {
      Path log = Files.createTempFile("rust-build", ".log");
      Process p =
          new ProcessBuilder(List.of("bash", "build.sh"))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
          throw new AssertionError(dir + "/build.sh did not finish in 10 minutes");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
          throw new AssertionError(dir + "/build.sh failed:\n" + out);
        }
        return dir;
      } finally {
        p.destroyForcibly();
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + dir + "/build.sh: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted building " + dir);
    }
  }
}
