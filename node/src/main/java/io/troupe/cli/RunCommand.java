package io.troupe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.chain.ChainCodec;
import io.troupe.error.InvalidArgumentException;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.ManifestParser;
import io.troupe.wasm.ExecutionMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code troupe-node run [MANIFEST] [--actor NAME=MANIFEST]... [--send [NAME=]JSON]... [--request
 * [NAME=]JSON]... [--chain-out FILE] [--chains-dir DIR] [--print-states]}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Starts actors in-process (in command-line order), delivers the messages in command-line"
            + " order, waits for the actors to settle (mailboxes empty, no operations in flight),"
            + " prints each request's response as one JSON line on stdout, and optionally writes"
            + " the chains.")
final class RunCommand implements Callable<Integer> {
  /** {@code NAME=rest}, where NAME cannot begin a JSON value. */
  private static final Pattern ADDRESSED =
      Pattern.compile("^([A-Za-z_][A-Za-z0-9_.:-]*)=(.*)$", Pattern.DOTALL);

  private final ObjectMapper mapper = new ObjectMapper();
  private final List<Delivery> deliveries = new ArrayList<>();
  private final Map<String, Path> named = new LinkedHashMap<>();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MANIFEST",
      description = "An actor's manifest (TOML); messages without NAME= go to it.")
  Path manifestFile;

  @Option(names = "--id", description = "Id of the MANIFEST actor (default: a random UUID).")
  String id;

  @Option(
      names = "--actor",
      paramLabel = "NAME=MANIFEST",
      description = "Start an actor with id NAME (repeatable); other actors reach it by NAME.")
  void actor(String spec) {
    Matcher m = ADDRESSED.matcher(spec);
    if (!m.matches() || m.group(2).isBlank()) {
      throw new InvalidArgumentException("--actor " + spec + ": expected NAME=MANIFEST");
    }
    if (named.put(m.group(1), Path.of(m.group(2))) != null) {
      throw new InvalidArgumentException("--actor " + m.group(1) + " is given twice");
    }
  }

  @Option(
      names = "--chain-out",
      paramLabel = "FILE",
      description = "Write the chain of the first actor (JSON lines, chain v1) here.")
  Path chainOut;

  @Option(
      names = "--chains-dir",
      paramLabel = "DIR",
      description = "Write the chain of every actor (spawned children too) as DIR/<id>.jsonl.")
  Path chainsDir;

  @Option(
      names = "--print-states",
      description = "At the end, print {\"actor\": id, \"state\": ...} for every actor.")
  boolean printStates;

  @Option(
      names = "--settle-ms",
      paramLabel = "MS",
      defaultValue = "10000",
      description =
          "How long to wait at the end for the actors to settle (default ${DEFAULT-VALUE}).")
  long settleMs;

  @Option(
      names = "--interpreter",
      description = "Use Chicory's interpreter instead of the compiler.")
  boolean interpreter;

  record Delivery(boolean request, String target, String json) {}

  @Option(
      names = "--send",
      paramLabel = "[NAME=]JSON",
      description = "Deliver JSON to handle-send (repeatable).")
  void send(String json) {
    deliveries.add(addressed(false, json));
  }

  @Option(
      names = "--request",
      paramLabel = "[NAME=]JSON",
      description = "Deliver JSON to handle-request and print the response (repeatable).")
  void request(String json) {
    deliveries.add(addressed(true, json));
  }

  private static Delivery addressed(boolean request, String arg) {
    Matcher m = ADDRESSED.matcher(arg);
    return m.matches() && !isJsonLiteral(m.group(1))
        ? new Delivery(request, m.group(1), m.group(2))
        : new Delivery(request, null, arg);
  }

  private static boolean isJsonLiteral(String word) {
    return word.equals("true") || word.equals("false") || word.equals("null");
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (manifestFile == null && named.isEmpty()) {
      throw new InvalidArgumentException("give a MANIFEST or at least one --actor NAME=MANIFEST");
    }
    List<JsonNode> messages = new ArrayList<>();
    for (Delivery d : deliveries) {
      messages.add(parse(d.json(), d.request() ? "--request" : "--send"));
      if (d.target() != null && !named.containsKey(d.target())) {
        throw new InvalidArgumentException(
            "message to " + d.target() + ": no --actor " + d.target() + "=MANIFEST was given");
      }
    }
    ManifestParser parser = new ManifestParser();
    ActorSystem system =
        ActorSystem.builder()
            .handlers(StandardHandlers.catalog())
            .executionMode(interpreter ? ExecutionMode.INTERPRETER : ExecutionMode.COMPILER)
            .build();
    ActorHandle first = null;
    try {
      Map<String, ActorHandle> actors = new LinkedHashMap<>();
      try {
        if (manifestFile != null) {
          var m = parser.parse(manifestFile);
          first = id == null ? system.start(m) : system.start(m, ActorId.of(id));
        }
        for (Map.Entry<String, Path> e : named.entrySet()) {
          ActorHandle h = system.start(parser.parse(e.getValue()), ActorId.of(e.getKey()));
          actors.put(e.getKey(), h);
          first = first == null ? h : first;
        }
      } catch (RuntimeException e) {
        // a failed init leaves the actor listed with its chain, which is still worth writing
        first = first != null ? first : system.list().stream().findFirst().orElse(null);
        throw e;
      }
      for (int i = 0; i < deliveries.size(); i++) {
        Delivery d = deliveries.get(i);
        ActorHandle target = d.target() == null ? first : actors.get(d.target());
        try {
          if (d.request()) {
            out.println(mapper.writeValueAsString(target.request(messages.get(i)).join()));
          } else {
            target.send(messages.get(i)).join();
          }
        } catch (CompletionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
      settle(system);
      if (printStates) {
        for (ActorHandle h : system.list()) {
          ObjectNode line = mapper.createObjectNode();
          line.put("actor", h.id().value());
          line.set("state", h.state().orElse(mapper.nullNode()));
          out.println(mapper.writeValueAsString(line));
        }
      }
      out.flush();
      return 0;
    } finally {
      system.shutdown();
      if (chainOut != null && first != null) {
        writeChain(first, chainOut);
      }
      if (chainsDir != null) {
        for (ActorHandle h : system.list()) {
          writeChain(h, chainsDir.resolve(h.id().value() + ".jsonl"));
        }
      }
    }
  }

  /** Waits until no actor has queued messages or operations in flight, up to --settle-ms. */
  private void settle(ActorSystem system) {
    long deadline = System.nanoTime() + Duration.ofMillis(settleMs).toNanos();
    int quietChecks = 0;
    while (quietChecks < 3 && System.nanoTime() < deadline) {
      boolean busy =
          system.list().stream()
              .anyMatch(
                  h ->
                      h.mailboxDepth() > 0
                          || h.pendingOperations() > 0
                          || !h.outstandingRequests().isEmpty());
      quietChecks = busy || system.parkedTurns() > 0 ? 0 : quietChecks + 1;
      try {
        Thread.sleep(20); // polling a local, in-process condition between checks
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void writeChain(ActorHandle actor, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      ChainCodec.write(actor.chain(), w);
    }
  }

  private JsonNode parse(String json, String option) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException(
          option + " " + json + ": not valid JSON: " + e.getOriginalMessage());
    }
  }
}
