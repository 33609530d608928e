package io.troupe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: Debian's {@code postgresql} binaries, a fresh cluster
 * ({@code initdb}) in a temporary folder, started with {@code pg_ctl} on a free loopback port, and
 * removed (stopped immediately, its folder deleted) on {@link #close}. PostgreSQL refuses to run as
 * root: as root, the server runs as the {@code postgres} user.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *   String url = pg.createDatabase("t1"); // jdbc:postgresql://127.0.0.1:PORT/t1?user=troupe
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
  private static final String USER = "troupe";

  private final Path dir;
  private final Path bin;
  private final int port;
  private final boolean asPostgres;

  private PostgresServer(Path dir, Path bin, int port, boolean asPostgres) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /**
   * Creates and starts a server.
   *
   * @throws IllegalStateException when PostgreSQL is not installed (CI installs Debian's {@code
   *     postgresql}; so can a developer: {@code apt-get install -y postgresql})
   */
  public static PostgresServer start() {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("troupe-pg");
      if (root) {
        UserPrincipal postgres =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, postgres);
      }
      PostgresServer pg = new PostgresServer(dir, bin, FreePorts.next(), root);
      pg.run(
          "initdb", "-D", dir.resolve("data").toString(), "-U", USER, "--auth=trust", "-E", "UTF8");
      pg.run(
          "pg_ctl",
          "-D",
          dir.resolve("data").toString(),
          "-l",
          dir.resolve("server.log").toString(),
          "-o",
          "-p " + pg.port + " -k " + dir + " -c listen_addresses=127.0.0.1",
          "-w",
          "-t",
          "60",
          "start");
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a PostgreSQL server for the test", e);
    }
  }

  private static Path binaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.naturalOrder())
          .orElseThrow();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb):"
              + " apt-get install -y postgresql");
    }
  }

  public int port() {
    return port;
  }

  /** Creates database {@code name}; returns its JDBC URL. */
  public String createDatabase(String name) {
    run(
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        Integer.toString(port),
        "-U",
        USER,
        "-d",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        "CREATE DATABASE \"" + name + "\"");
    return url(name);
  }

  /** The JDBC URL of database {@code name}. */
  public String url(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + USER;
  }

  /** Stops the server at once (no checkpoint: a crash), without removing its data. */
  public void crash() {
    run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
  }

  /** Starts it again after {@link #crash}. */
  public void restart() {
    run(
        "pg_ctl",
        "-D",
        dir.resolve("data").toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1",
        "-w",
        "-t",
        "60",
        "start");
  }

  private void run(String program, String... args) {
    List<String> command = new ArrayList<>();
    if (asPostgres) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            program + " failed: " + new String(out, java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + program, e);
    }
  }

  @Override
  public void close() {
    try {
      run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } catch (RuntimeException e) {
      // it may be stopped already
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary folder
    }
  }
}
