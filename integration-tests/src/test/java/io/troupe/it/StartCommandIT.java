package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's main job: {@code ops/troupe-node start}, a cluster of one with the examples, that
 * keeps its actors on disk across a clean stop and a kill -9.
 */
class StartCommandIT {
  private final int grpc = FreePorts.next();
  private final int hz = FreePorts.next();
  private final String target = "127.0.0.1:" + grpc;
  private Process process;

  private NodeProcesses.Node start(Path data, int generation) throws IOException {
    Path log = Files.createTempFile("troupe-start-" + generation + "-", ".log");
    process =
        new ProcessBuilder(
                Launcher.REPO.resolve("ops/troupe-node").toString(),
                "start",
                "--grpc-port",
                Integer.toString(grpc),
                "--hz-port",
                Integer.toString(hz),
                "--data-dir",
                data.toString())
            .directory(Launcher.REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    var node =
        new NodeProcesses.Node(
            "default",
            new NodeProcesses.Place(List.of(), "127.0.0.1", "127.0.0.1", grpc, hz, -1),
            process,
            log);
    NodeProcesses.awaitLog(node, "serving on", Duration.ofSeconds(120));
    return node;
  }

  @AfterEach
  void kill() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private String total() throws Exception {
    var total =
        Launcher.run("troupe", "--target", target, "actor", "request", "counter", "\"total?\"");
    assertThat(total.exit()).as(total.err()).isZero();
    return total.out().strip();
  }

  private void send(String n) throws Exception {
    var sent = Launcher.run("troupe", "--target", target, "actor", "send", "counter", n);
    assertThat(sent.exit()).as(sent.err()).isZero();
  }

  @Test
  void theEmbeddedDefaultServesTheExamplesAndKeepsThemAcrossAStopAndAKill() throws Exception {
    Path data = Files.createTempDirectory("troupe-data");
    var node = start(data, 0);
    var list = Launcher.run("troupe", "--target", target, "actor", "list");
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains("\"id\":\"counter\"", "\"id\":\"kv\"", "\"id\":\"echo\"");
    send("4");
    assertThat(total()).isEqualTo("4");

    process.destroy(); // SIGTERM: it hands its actors off and leaves
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isIn(0, 143);
    assertThat(Files.readString(node.log())).contains("left the cluster");

    start(data, 1);
    assertThat(total()).isEqualTo("4"); // recovered from the store, not started again
    send("3");
    assertThat(total()).isEqualTo("7");

    process.destroyForcibly(); // kill -9: what was acknowledged is on disk
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    start(data, 2);
    assertThat(total()).isEqualTo("7");
    var chain = Path.of(data.toString(), "counter.jsonl");
    var out =
        Launcher.run(
            "troupe", "--target", target, "actor", "chain", "counter", "--out", chain.toString());
    assertThat(out.exit()).as(out.err()).isZero();
    var verified = Launcher.run("troupe", "chain", "verify", chain.toString());
    assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
    // one actor.moved per restart: the chain goes on, in a new epoch each time
    assertThat(Files.readString(chain).split("\"type\":\"actor.moved\"", -1)).hasSize(3);
  }
}
