package io.troupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.ManifestParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code troupe-node demo}: the embedded example actors, run in-process with their messages and
 * chains printed. Needs nothing but the jar.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Runs the bundled example actors and prints their messages and chains.")
final class DemoCommand implements Callable<Integer> {
  private static final List<String> FILES =
      List.of(
          "counter/counter.toml",
          "counter/counter.wat",
          "echo/echo.toml",
          "echo/echo.wat",
          "kv-store/kv-store.toml",
          "kv-store/kv-store.wat");

  private final ObjectMapper mapper = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = extractExamples();
    ManifestParser parser = new ManifestParser();
    ActorHandle counter;
    ActorHandle echo;
    ActorHandle kv;
    try (ActorSystem system =
        ActorSystem.builder().handlers(StandardHandlers.catalog()).nodeName("demo").build()) {
      counter =
          system.start(parser.parse(dir.resolve("counter/counter.toml")), ActorId.of("counter"));
      out.println("started actor counter (module " + moduleOf(counter) + ")");
      for (String msg : List.of("5", "{\"add\": 10}", "\"tick\"")) {
        out.println("  send    counter " + msg);
        counter.send(mapper.readTree(msg)).join();
      }
      out.println(
          "  request counter \"total?\" -> "
              + counter.request(mapper.readTree("\"total?\"")).join());

      echo = system.start(parser.parse(dir.resolve("echo/echo.toml")), ActorId.of("echo"));
      out.println("started actor echo (module " + moduleOf(echo) + ")");
      JsonNode hello = mapper.readTree("{\"hello\": \"troupe\", \"n\": [1, 2, 3]}");
      out.println("  request echo " + hello + " -> " + echo.request(hello).join());

      kv = system.start(parser.parse(dir.resolve("kv-store/kv-store.toml")), ActorId.of("kv"));
      out.println("started actor kv (module " + moduleOf(kv) + ")");
      for (String msg :
          List.of(
              "[\"put\", \"a\", {\"x\": 1}]",
              "[\"put\", \"b\", [2, 3]]",
              "[\"get\", \"a\"]",
              "[\"delete\", \"a\"]")) {
        out.println("  request kv " + msg + " -> " + kv.request(mapper.readTree(msg)).join());
      }
      out.println("  state of kv: " + kv.state().orElse(null));
    }
    // After shutdown, so each chain ends with its actor.stopped event.
    for (ActorHandle a : List.of(counter, echo, kv)) {
      printChain(out, a);
    }
    return 0;
  }

  private static String moduleOf(ActorHandle a) {
    return a.chain()
        .get(0)
        .dataAsString()
        .replaceAll(".*\"module_sha256\":\"([0-9a-f]{12}).*", "$1…");
  }

  private static void printChain(PrintWriter out, ActorHandle a) {
    List<ChainEvent> chain = a.chain();
    out.println();
    out.println("chain of " + a.id() + ": " + ChainVerifier.verify(chain).describe());
    for (ChainEvent e : chain) {
      out.printf(
          "  %3d %-15s %s  %s%n",
          e.seq(), e.type(), e.hash().toHex().substring(0, 12), e.dataAsString());
    }
  }

  static Path extractExamples() throws IOException {
    Path dir = Files.createTempDirectory("troupe-examples");
    dir.toFile().deleteOnExit();
    for (String f : FILES) {
      Path target = dir.resolve(f);
      Files.createDirectories(target.getParent());
      try (InputStream in = DemoCommand.class.getResourceAsStream("/examples/" + f)) {
        if (in == null) {
          throw new IllegalStateException("example " + f + " is missing from the jar");
        }
        Files.copy(in, target);
      }
      target.toFile().deleteOnExit();
      target.getParent().toFile().deleteOnExit();
    }
    return dir;
  }
}
