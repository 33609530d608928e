package io.troupe.client.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.EventHash;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.proto.v1.ActorDescription;
import io.troupe.proto.v1.GetStateResponse;
import io.troupe.proto.v1.VerifyChainResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code troupe actor ...}: start, message and inspect actors on a cluster. */
@Command(
    name = "actor",
    mixinStandardHelpOptions = true,
    description = "Starts, messages and inspects actors.",
    subcommands = {
      ActorCommand.Start.class,
      ActorCommand.Stop.class,
      ActorLifecycleCommands.Restart.class,
      ActorLifecycleCommands.Remove.class,
      ActorLifecycleCommands.Upgrade.class,
      ActorCommand.Send.class,
      ActorCommand.Request.class,
      ActorCommand.Describe.class,
      ActorCommand.ListActors.class,
      ActorCommand.Chain.class,
      ActorCommand.Verify.class,
      ActorLifecycleCommands.Replay.class,
      ActorLifecycleCommands.Head.class,
      ActorCommand.State.class,
      EventsCommand.class,
      ChannelCommand.class
    })
final class ActorCommand implements Runnable {
  static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand TroupeCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Runs {@code body} with a client, printing what it returns (if anything) on stdout. */
  abstract static class Sub implements Callable<Integer> {
    @ParentCommand ActorCommand actor;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public Integer call() throws Exception {
      int exit;
      try (TroupeClient client = actor.root.client()) {
        exit = exit(client);
      }
      out().flush();
      return exit;
    }

    /** The verb's work with {@code client}; returns the exit code (0 unless overridden). */
    int exit(TroupeClient client) throws IOException {
      run(client);
      return 0;
    }

    /** The verb's work, for a verb that always exits 0 when it does not throw. */
    void run(TroupeClient client) throws IOException {
      throw new IllegalStateException(
          getClass().getSimpleName() + " overrides neither run nor exit");
    }

    /** An empty JSON object, to print as one line with its fields in the order they are put. */
    com.fasterxml.jackson.databind.node.ObjectNode object() {
      return JSON.createObjectNode();
    }
  }

  @Command(name = "start", description = "Uploads the manifest's module, starts it; prints the id.")
  static final class Start extends Sub {
    @Parameters(index = "0", paramLabel = "MANIFEST")
    Path manifest;

    @Option(names = "--id", description = "The actor's id (default: a fresh UUID).")
    String id;

    @Override
    void run(TroupeClient client) {
      long began = System.nanoTime();
      String what = "uploading " + manifest.getFileName() + "'s module" + size(manifest);
      String started;
      try (Progress p =
          Progress.of(
              spec.commandLine().getErr(),
              () ->
                  what
                      + " and starting it... "
                      + (System.nanoTime() - began) / 1_000_000_000
                      + " s")) {
        started = client.start(manifest, id);
      }
      out().println(started); // after the progress line is gone
    }

    /** " (340 KiB)": the size of the manifest's module, or nothing when it cannot tell. */
    private static String size(Path manifest) {
      try {
        String module =
            new com.fasterxml.jackson.dataformat.toml.TomlMapper()
                .readTree(manifest.toFile())
                .path("module")
                .asText();
        long bytes = Files.size(manifest.toAbsolutePath().resolveSibling(module));
        return bytes < 1 << 20
            ? " (" + (bytes + 1023) / 1024 + " KiB)"
            : String.format(java.util.Locale.ROOT, " (%.1f MiB)", bytes / 1048576.0);
      } catch (IOException | RuntimeException e) {
        return ""; // the start itself says what is wrong
      }
    }
  }

  @Command(name = "stop", description = "Stops the actor (its chain stays).")
  static final class Stop extends Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    void run(TroupeClient client) {
      client.stop(id);
    }
  }

  @Command(name = "send", description = "Sends JSON to handle-send; returns once handled.")
  static final class Send extends Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "JSON")
    String json;

    @Override
    void run(TroupeClient client) {
      client.send(id, json);
    }
  }

  @Command(name = "request", description = "Sends a request; prints the response JSON on one line.")
  static final class Request extends Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "JSON")
    String json;

    @Override
    void run(TroupeClient client) {
      out().println(client.request(id, json));
    }
  }

  @Command(name = "describe", description = "Prints the actor's home node, epoch, status, head.")
  static final class Describe extends Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    void run(TroupeClient client) {
      out().println(describeJson(client.describe(id)));
    }
  }

  @Command(
      name = "list",
      description =
          "Prints every actor of the cluster: one JSON per line, or with --output table a table.")
  static final class ListActors extends Sub {
    @Option(
        names = "--output",
        paramLabel = "FORMAT",
        description = "json (default: one JSON object per line) or table.")
    Output output = Output.json;

    @Override
    void run(TroupeClient client) {
      List<ObjectNode> rows = new ArrayList<>();
      for (ActorDescription d : client.list()) {
        if (output == Output.json) {
          rows.add(describeJson(d));
        } else {
          ObjectNode r = JSON.createObjectNode();
          r.put("id", d.getId());
          r.put("name", d.getName());
          r.put("node", d.getNode());
          r.put("status", d.getStatus());
          r.put("epoch", d.getEpoch());
          r.put("events", d.getChainLength());
          rows.add(r);
        }
      }
      output.print(out(), rows);
    }
  }

  @Command(
      name = "chain",
      description = "Writes the actor's committed chain (chain v1 JSON lines).")
  static final class Chain extends Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(names = "--out", description = "File to write (default: stdout).")
    Path file;

    @Option(
        names = "--from",
        paramLabel = "SEQ",
        description = "The first seq to write (default 0).")
    long from;

    @Option(
        names = "--follow",
        description =
            "After the committed events, write each new one as it commits, until the"
                + " actor stops (or Ctrl-C).")
    boolean follow;

    @Override
    void run(TroupeClient client) throws IOException {
      Writer w =
          file == null
              ? new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8)
              : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      try {
        // each event is written as it arrives: a long chain never sits in memory
        AtomicLong written = new AtomicLong();
        java.util.function.Consumer<io.troupe.proto.v1.ChainEvent> line =
            e -> {
              try {
                w.write(ChainLines.line(e));
                w.write('\n');
                if (follow) {
                  w.flush();
                }
                written.incrementAndGet();
              } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
              }
            };
        long n;
        // a progress line only beside a file: on a terminal, stdout is where the events go
        try (Progress p =
            file == null
                ? null
                : Progress.of(
                    spec.commandLine().getErr(),
                    () -> "exporting " + id + ": " + written.get() + " events")) {
          n = follow ? client.follow(id, from, line) : client.chain(id, from, 0, line);
        }
        w.flush();
        if (file != null) {
          spec.commandLine().getErr().println("wrote " + n + " events to " + file);
        }
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      } finally {
        if (file != null) {
          w.close();
        }
      }
    }
  }

  @Command(name = "verify", description = "Verifies the actor's chain on the cluster.")
  static final class Verify extends Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int exit(TroupeClient client) {
      VerifyChainResponse v = client.verify(id);
      if (v.getValid()) {
        out().println("ok: " + v.getEvents() + " events (actor " + id + ")");
        return 0;
      }
      spec.commandLine().getErr().println(v.getProblem());
      return 1;
    }
  }

  @Command(name = "state", description = "Prints the state of the actor's last committed turn.")
  static final class State extends Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    void run(TroupeClient client) {
      GetStateResponse s = client.state(id);
      out().println(s.getHasState() ? s.getStateJson().toStringUtf8() : "null");
    }
  }

  static ObjectNode describeJson(ActorDescription d) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", d.getId());
    o.put("name", d.getName());
    o.put("node", d.getNode());
    o.put("epoch", d.getEpoch());
    o.put("status", d.getStatus());
    o.put("chain_length", d.getChainLength());
    o.put("head", EventHash.of(d.getHead().toByteArray()).toHex());
    o.put("module", d.getModule());
    if (!d.getParent().isEmpty()) {
      o.put("parent", d.getParent());
    }
    return o;
  }
}
