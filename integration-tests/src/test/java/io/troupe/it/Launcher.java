package io.troupe.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs ops/ launchers as real processes; kills them if they overrun. */
final class Launcher {
  static final Path REPO =
      Path.of(System.getProperty("troupe.repo", "..")).toAbsolutePath().normalize();

  record Result(int exit, String out, String err) {}

  private Launcher() {}

  static Result run(String launcher, String... args) throws IOException, InterruptedException {
    return run(java.util.Map.of(), launcher, args);
  }

  /** Runs {@code launcher} with {@code env} added to this process's environment. */
  static Result run(java.util.Map<String, String> env, String launcher, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(REPO.resolve("ops").resolve(launcher).toString());
    cmd.addAll(List.of(args));
    return exec(cmd, REPO, env, 120);
  }

  /** Runs {@code launcher} with {@code input} as its stdin. */
  static Result runWithInput(String input, String launcher, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(REPO.resolve("ops").resolve(launcher).toString());
    cmd.addAll(List.of(args));
    Path in = Files.createTempFile("it-in", ".txt");
    try {
      Files.writeString(in, input, StandardCharsets.UTF_8);
      return exec(cmd, REPO, java.util.Map.of(), 120, in);
    } finally {
      Files.deleteIfExists(in);
    }
  }

  /**
   * Runs {@code command} in {@code dir} with {@code env} added, for at most {@code seconds}; kills
   * it and what it started when it overruns, and always before returning.
   */
  static Result exec(List<String> command, Path dir, java.util.Map<String, String> env, int seconds)
      throws IOException, InterruptedException {
    return exec(command, dir, env, seconds, null);
  }

  private static Result exec(
      List<String> command, Path dir, java.util.Map<String, String> env, int seconds, Path stdin)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("it-out", ".txt");
    Path err = Files.createTempFile("it-err", ".txt");
    ProcessBuilder b =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    if (stdin != null) {
      b.redirectInput(stdin.toFile());
    }
    b.environment().putAll(env);
    Process p = b.start();
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError(
            String.join(" ", command) + " did not finish in " + seconds + " s in " + dir);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
