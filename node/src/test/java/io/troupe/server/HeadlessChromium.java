package io.troupe.server;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless: loads a page, runs its scripts for a few (virtual) seconds
 * and returns the DOM they left. Every process it starts is killed before it returns.
 */
final class HeadlessChromium {
  private HeadlessChromium() {}

  /** The browser: {@code $TROUPE_CHROMIUM}, else {@code chromium} on the PATH. */
  static Path binary() {
    String named = System.getenv("TROUPE_CHROMIUM");
    if (named != null && !named.isBlank()) {
      return Path.of(named);
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
        .map(d -> Path.of(d, "chromium"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "the status page is tested in headless Chromium, which is not installed:"
                        + " install chromium (apt-get install chromium; .ci/run does)"));
  }

  /** The DOM of {@code url} after its scripts ran for {@code budgetMillis} of virtual time. */
  static String dumpDom(String url, int budgetMillis) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("troupe-chromium");
    Path out = Files.createTempFile("troupe-chromium", ".html");
    Path err = Files.createTempFile("troupe-chromium", ".log");
    Process p =
        new ProcessBuilder(
                List.of(
                    binary().toString(),
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--user-data-dir=" + profile,
                    "--virtual-time-budget=" + budgetMillis,
                    "--dump-dom",
                    url))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not dump " + url + " within 60 s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "chromium exited with "
                + p.exitValue()
                + " loading "
                + url
                + ": "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
