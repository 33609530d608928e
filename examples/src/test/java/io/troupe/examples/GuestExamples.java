package io.troupe.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The examples ported to Rust and AssemblyScript (the folders {@code rust/} and {@code
 * assemblyscript/} beside a WAT example), checked by the same tests as their WAT twins. Each folder
 * is built once per test run by its own {@code build.sh} (Rust: Debian's toolchain; AssemblyScript:
 * Node.js 20+ and the SDK's pinned compiler, installed by {@code npm ci} the first time; CI
 * installs both). A missing toolchain makes {@code build.sh} print one line naming it, and the test
 * fails with that line.
 */
final class GuestExamples {
  private static final Map<Path, Path> BUILT = new ConcurrentHashMap<>();

  private GuestExamples() {}

  /** The languages every ported example is tested in. */
  static Stream<String> languages() {
    return Stream.of("wat", "rust", "assemblyscript");
  }

  /**
   * The manifest of actor {@code name} of {@code example} in {@code lang}: the WAT one, or {@code
   * example/LANG/NAME.toml} with its folder built (an example of several actors builds them all).
   */
  static synchronized Path manifest(String example, String lang, String name) {
    if (lang.equals("wat")) {
      return Path.of(example, name + ".toml");
    }
    return BUILT
        .computeIfAbsent(Path.of(example, lang), GuestExamples::build)
        .resolve(name + ".toml");
  }

  private static Path build(Path dir) {
    try {
      Path log = Files.createTempFile("guest-build", ".log");
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
