package io.troupe.cli;

import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.Sha256;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.TroupeException;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.replay.Replay;
import io.troupe.replay.ReplayReport;
import io.troupe.wasm.ExecutionMode;
import io.troupe.wasm.LoadedModule;
import io.troupe.wasm.WasmEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code troupe-node replay MANIFEST --chain FILE [--module FILE] [--state FILE]...}. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Re-executes every callback recorded in a chain against the manifest's module, answering"
            + " its host calls from the chain (never from the world), and checks that each turn"
            + " ends as recorded. Prints 'ok: N events reproduced' and exits 0, or names the first"
            + " seq that differs with both values and exits 1; exits 2 when the chain cannot be"
            + " replayed (unreadable, or a state it starts from is not given).")
final class ReplayCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MANIFEST", description = "The actor's manifest (TOML).")
  Path manifestFile;

  @Option(
      names = "--chain",
      required = true,
      paramLabel = "FILE",
      description =
          "The chain to replay (JSON lines, chain v1), as `troupe actor chain` writes it.")
  Path chainFile;

  @Option(
      names = "--module",
      paramLabel = "FILE",
      description =
          "Replay every turn against this module (.wasm or .wat) instead of the manifest's, also"
              + " past upgrades the chain records: does a new version still do what the old one"
              + " did?")
  Path moduleFile;

  @Option(
      names = "--state",
      paramLabel = "FILE",
      description =
          "A state the chain starts from that the manifest does not give (repeatable): a spawned"
              + " child's first state, or the state at a checkpoint of a chain whose earlier"
              + " events were pruned. Found by its SHA-256.")
  List<Path> stateFiles = List.of();

  @Option(
      names = "--interpreter",
      description = "Use Chicory's interpreter instead of the compiler.")
  boolean interpreter;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ReplayReport report = replay();
      out.println(report.summary());
      out.flush();
      return report.reproduced() ? 0 : 1;
    } catch (TroupeException | ChainCodec.MalformedChainException e) {
      err.println("troupe-node: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  private ReplayReport replay() {
    Manifest manifest = new ManifestParser().parse(manifestFile);
    WasmEngine engine =
        new WasmEngine(interpreter ? ExecutionMode.INTERPRETER : ExecutionMode.COMPILER);
    LoadedModule module = engine.load(read(moduleFile != null ? moduleFile : modulePath(manifest)));
    Map<String, byte[]> states = new HashMap<>();
    for (Path f : stateFiles) {
      byte[] state = read(f);
      states.put(Sha256.hex(state), state);
    }
    ChainVerifier.Running links = ChainVerifier.streaming();
    io.troupe.replay.ReplayBuilder builder = Replay.builder(module);
    if (moduleFile != null) {
      builder.fixedModule();
    }
    try (Replay replay =
            builder
                .limits(manifest.limits())
                .initState(
                    manifest.initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null))
                .states(h -> Optional.ofNullable(states.get(h)))
                .build();
        InputStream in = Files.newInputStream(chainFile)) {
      ChainCodec.read(in, e -> links.accept(e) && replay.accept(e));
      if (!links.result().valid()) {
        throw new InvalidArgumentException(
            chainFile + " does not verify, so it is not replayed: " + links.result().describe());
      }
      return replay.finish();
    } catch (NoSuchFileException e) {
      throw new InvalidArgumentException("chain file not found: " + chainFile);
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot read " + chainFile + ": " + e.getMessage());
    }
  }

  private static Path modulePath(Manifest manifest) {
    if (manifest.module().startsWith("sha256:")) {
      throw new InvalidArgumentException(
          "the manifest names an uploaded module ("
              + manifest.module()
              + "): give its file with --module FILE");
    }
    return Path.of(manifest.module());
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidArgumentException("file not found: " + file);
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
