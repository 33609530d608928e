package io.troupe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.chain.ChainCodec;
import io.troupe.error.InvalidArgumentException;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.wasm.ExecutionMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code troupe-node run MANIFEST [--send JSON]... [--request JSON]... [--chain-out FILE]}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Starts one actor in-process, delivers the messages in command-line order, prints each"
            + " request's response as one JSON line on stdout, and optionally writes the chain.")
final class RunCommand implements Callable<Integer> {
  private final ObjectMapper mapper = new ObjectMapper();
  private final List<Delivery> deliveries = new ArrayList<>();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MANIFEST", description = "The actor's manifest (TOML).")
  Path manifestFile;

  @Option(names = "--id", description = "Actor id (default: a random UUID).")
  String id;

  @Option(
      names = "--chain-out",
      paramLabel = "FILE",
      description = "Write the chain (JSON lines, chain v1) here.")
  Path chainOut;

  @Option(
      names = "--interpreter",
      description = "Use Chicory's interpreter instead of the compiler.")
  boolean interpreter;

  record Delivery(boolean request, String json) {}

  @Option(
      names = "--send",
      paramLabel = "JSON",
      description = "Deliver JSON to handle-send (repeatable).")
  void send(String json) {
    deliveries.add(new Delivery(false, json));
  }

  @Option(
      names = "--request",
      paramLabel = "JSON",
      description = "Deliver JSON to handle-request and print the response (repeatable).")
  void request(String json) {
    deliveries.add(new Delivery(true, json));
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    List<JsonNode> messages = new ArrayList<>();
    for (Delivery d : deliveries) {
      messages.add(parse(d.json(), d.request() ? "--request" : "--send"));
    }
    Manifest manifest = new ManifestParser().parse(manifestFile);
    ActorSystem system =
        ActorSystem.builder()
            .executionMode(interpreter ? ExecutionMode.INTERPRETER : ExecutionMode.COMPILER)
            .build();
    ActorHandle actor = null;
    try {
      ActorId actorId = id == null ? null : ActorId.of(id);
      try {
        actor = actorId == null ? system.start(manifest) : system.start(manifest, actorId);
      } catch (RuntimeException e) {
        // init failed: the actor is listed with its chain, which is still worth writing
        actor = system.list().stream().findFirst().orElse(null);
        throw e;
      }
      for (int i = 0; i < deliveries.size(); i++) {
        try {
          if (deliveries.get(i).request()) {
            out.println(mapper.writeValueAsString(actor.request(messages.get(i)).join()));
          } else {
            actor.send(messages.get(i)).join();
          }
        } catch (CompletionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
      return 0;
    } finally {
      system.shutdown();
      if (chainOut != null && actor != null) {
        writeChain(actor);
      }
    }
  }

  private void writeChain(ActorHandle actor) throws IOException {
    Path parent = chainOut.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Writer w = Files.newBufferedWriter(chainOut, StandardCharsets.UTF_8)) {
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
