package io.troupe.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code troupe new NAME --lang assemblyscript|rust|wat [--dir DIR]}: a new actor project, a
 * counter, with its manifest {@code NAME.toml}, a README, an executable {@code build.sh} that
 * builds the module next to the manifest, and {@code test.sh}, which runs it on an in-process node.
 */
@Command(
    name = "new",
    mixinStandardHelpOptions = true,
    description = "Creates an actor project: a counter in the language chosen.")
final class NewCommand implements Callable<Integer> {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  private static final String TEMPLATES = "/io/troupe/client/templates/";

  /** The languages there are templates for. */
  enum Lang {
    assemblyscript,
    rust,
    wat;
  }

  @Parameters(index = "0", description = "The actor's name: lower-case letters, digits and '-'.")
  String name;

  @Option(
      names = "--lang",
      required = true,
      description = "The actor's language: ${COMPLETION-CANDIDATES}.")
  Lang lang;

  @Option(names = "--dir", description = "Where to create the project (default: ./NAME).")
  Path dir;

  @Override
  public Integer call() throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name '" + name + "': use lower-case letters, digits and '-', starting with a letter");
    }
    Path home = home();
    Path target = dir != null ? dir : Path.of(name);
    if (Files.exists(target) && !isEmptyDir(target)) {
      throw new IllegalArgumentException(target + " exists and is not empty: choose another --dir");
    }
    for (String file : read(lang + "/files.txt").lines().filter(l -> !l.isBlank()).toList()) {
      String text =
          read(lang + "/" + file)
              .replace("__name__", name)
              .replace("__crate__", name.replace('-', '_'))
              .replace("__sdk__", home.resolve("sdk").toString())
              .replace("__troupe_node__", home.resolve("ops/troupe-node").toString());
      Path out = target.resolve(outputName(file));
      Files.createDirectories(out.getParent() == null ? target : out.getParent());
      Files.writeString(out, text);
      if (file.endsWith(".sh")) {
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    System.out.printf(
        "created %s (%s): cd %s && ./build.sh && ./test.sh%n",
        target, lang.name().toLowerCase(Locale.ROOT), target);
    return 0;
  }

  /** The Troupe checkout the launcher runs from (its SDKs and node script). */
  private static Path home() {
    String home = System.getProperty("troupe.home");
    if (home == null || home.isBlank()) {
      throw new IllegalStateException(
          "troupe new needs to know where Troupe is: run it as ops/troupe new");
    }
    return Path.of(home).toAbsolutePath().normalize();
  }

  /** A template file's path in the project: its name put in, {@code dot-x} written {@code .x}. */
  private String outputName(String file) {
    return file.replace("__name__", name).replaceAll("(^|/)dot-", "$1.");
  }

  private static boolean isEmptyDir(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (var s = Files.list(p)) {
      return s.findAny().isEmpty();
    }
  }

  private static String read(String resource) {
    try (InputStream in = NewCommand.class.getResourceAsStream(TEMPLATES + resource)) {
      if (in == null) {
        throw new IllegalStateException("template file " + resource + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
