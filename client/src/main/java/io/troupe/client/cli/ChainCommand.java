package io.troupe.client.cli;

import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.Verification;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code troupe chain …}: work with exported chains (JSON lines, chain v1). */
@Command(
    name = "chain",
    mixinStandardHelpOptions = true,
    description = "Work with exported hash chains.",
    subcommands = {ChainCommand.Verify.class})
final class ChainCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code troupe chain verify FILE}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verifies an exported chain: exits 0 and prints the event count when every event links",
        "and hashes correctly; otherwise exits 1 naming the actor and the first bad seq."
      })
  static final class Verify implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Chain export (JSON lines).")
    Path file;

    @Override
    public Integer call() throws IOException {
      // a stream, in constant memory: a chain of millions of events is read once, never held
      ChainVerifier.Running running = ChainVerifier.streaming();
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        ChainCodec.read(in, running::accept);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("no such file: " + file);
      } catch (ChainCodec.MalformedChainException e) {
        throw new IllegalArgumentException(file + " is not a chain export: " + e.getMessage());
      }
      Verification v = running.result();
      if (v.valid()) {
        spec.commandLine()
            .getOut()
            .println(
                running.firstSeq() <= 0
                    ? v.describe()
                    : v.describe()
                        + ", from its anchor: the events before seq "
                        + running.firstSeq()
                        + " were pruned, the last of them had hash "
                        + running.anchor().toHex());
        return 0;
      }
      spec.commandLine().getErr().println("troupe: " + file + ": " + v.describe());
      return 1;
    }
  }
}
