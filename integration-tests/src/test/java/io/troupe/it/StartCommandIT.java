package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's main job: {@code ops/troupe-node start}, a cluster of one with the examples. */
class StartCommandIT {
  @Test
  void theEmbeddedDefaultServesTheExampleActorsAndLeavesCleanlyOnSigterm() throws Exception {
    int grpc = FreePorts.next();
    int hz = FreePorts.next();
    Path log = Files.createTempFile("troupe-start", ".log");
    Process p =
        new ProcessBuilder(
                Launcher.REPO.resolve("ops/troupe-node").toString(),
                "start",
                "--grpc-port",
                Integer.toString(grpc),
                "--hz-port",
                Integer.toString(hz))
            .directory(Launcher.REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    var node =
        new NodeProcesses.Node(
            "default",
            new NodeProcesses.Place(List.of(), "127.0.0.1", "127.0.0.1", grpc, hz, -1),
            p,
            log);
    try {
      NodeProcesses.awaitLog(node, "serving on", Duration.ofSeconds(120));
      String target = "127.0.0.1:" + grpc;
      var list = Launcher.run("troupe", "--target", target, "actor", "list");
      assertThat(list.exit()).as(list.err()).isZero();
      assertThat(list.out()).contains("\"id\":\"counter\"", "\"id\":\"kv\"", "\"id\":\"echo\"");
      assertThat(Launcher.run("troupe", "--target", target, "actor", "send", "counter", "4").exit())
          .isZero();
      var total =
          Launcher.run("troupe", "--target", target, "actor", "request", "counter", "\"total?\"");
      assertThat(total.out().strip()).isEqualTo("4");

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isIn(0, 143);
      assertThat(Files.readString(log)).contains("left the cluster");
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
