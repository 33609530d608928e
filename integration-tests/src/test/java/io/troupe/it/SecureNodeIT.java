package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's secure node, as a user runs it: {@code troupe-node certs}, a node with TLS, tokens
 * and link certificates, and the CLI with {@code --ca}/{@code --token} (or {@code $TROUPE_CA},
 * {@code $TROUPE_TOKEN}); and a node that would serve other machines without them refuses to start.
 */
class SecureNodeIT {
  @TempDir Path dir;
  private final int grpc = FreePorts.next();
  private final int hz = FreePorts.next();
  private final String target = "127.0.0.1:" + grpc;
  private Process process;

  @AfterEach
  void kill() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private void start(Path certs) throws IOException {
    Path log = Files.createTempFile("troupe-secure-", ".log");
    process =
        new ProcessBuilder(
                Launcher.REPO.resolve("ops/troupe-node").toString(),
                "start",
                "--name",
                "n1",
                "--grpc-port",
                Integer.toString(grpc),
                "--hz-port",
                Integer.toString(hz),
                "--store",
                "memory",
                "--examples",
                "--tls-cert",
                certs.resolve("api.pem").toString(),
                "--tls-key",
                certs.resolve("api.key").toString(),
                "--tokens",
                certs.resolve("tokens.toml").toString(),
                "--cluster-ca",
                certs.resolve("ca.pem").toString(),
                "--cluster-cert",
                certs.resolve("n1.pem").toString(),
                "--cluster-key",
                certs.resolve("n1.key").toString())
            .directory(Launcher.REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    var node =
        new NodeProcesses.Node(
            "n1",
            new NodeProcesses.Place(List.of(), "127.0.0.1", "127.0.0.1", grpc, hz, -1),
            process,
            log);
    NodeProcesses.awaitLog(node, "serving on", Duration.ofSeconds(120));
  }

  @Test
  void aNodeWithTlsAndTokensServesTheCliThatHasThem() throws Exception {
    Path certs = dir.resolve("certs");
    var made = Launcher.run("troupe-node", "certs", certs.toString(), "--node", "n1");
    assertThat(made.exit()).as(made.err()).isZero();
    String token = Files.readString(certs.resolve("admin.token")).strip();
    start(certs);
    String ca = certs.resolve("ca.pem").toString();

    var anonymous = Launcher.run("troupe", "--target", target, "--ca", ca, "actor", "list");
    assertThat(anonymous.exit()).isEqualTo(1);
    assertThat(anonymous.err()).contains("needs a token").hasLineCount(1);

    var wrong =
        Launcher.run(
            "troupe", "--target", target, "--ca", ca, "--token", "not-the-token", "actor", "list");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("unknown token");

    var listed =
        Launcher.run("troupe", "--target", target, "--ca", ca, "--token", token, "actor", "list");
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out()).contains("\"counter\"");

    var fromEnv =
        Launcher.run(
            Map.of("TROUPE_CA", ca, "TROUPE_TOKEN", token, "TROUPE_TARGET", target),
            "troupe",
            "actor",
            "request",
            "counter",
            "\"total?\"");
    assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();
    assertThat(fromEnv.out().strip()).isEqualTo("0");

    // a plaintext client gets no answer from a TLS port
    var plain = Launcher.run("troupe", "--target", target, "--token", token, "actor", "list");
    assertThat(plain.exit()).isNotZero();
  }

  @Test
  void aNodeReachableFromOtherMachinesWithoutTlsRefusesToStart() throws Exception {
    var refused =
        Launcher.run(
            "troupe-node",
            "start",
            "--api-host",
            "0.0.0.0",
            "--grpc-port",
            Integer.toString(grpc),
            "--hz-port",
            Integer.toString(hz),
            "--store",
            "memory");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains("--tls-cert, --tls-key and --tokens")
        .contains("--insecure")
        .hasLineCount(1);
  }
}
