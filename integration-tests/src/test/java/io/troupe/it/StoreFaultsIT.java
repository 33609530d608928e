package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store that cannot be reached at start, and one whose disk fills up while the node runs (a real
 * 16 MiB tmpfs, in a mount namespace of its own).
 */
class StoreFaultsIT {
  private final int grpc = FreePorts.next();
  private final int hz = FreePorts.next();
  private Process process;
  private ManagedChannel channel;

  /** Whether this machine lets us mount a tmpfs in a mount namespace (root, util-linux). */
  private static boolean mountNamespaces() {
    try {
      Process p =
          new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m none /mnt")
              .redirectErrorStream(true)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @AfterEach
  void kill() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void aStoreThatCannotBeReachedAtStartIsOneLineAndANonZeroExit() throws Exception {
    int closed = FreePorts.next(); // nothing listens there
    var start =
        Launcher.run(
            "troupe-node",
            "start",
            "--grpc-port",
            Integer.toString(grpc),
            "--hz-port",
            Integer.toString(hz),
            "--store",
            "jdbc:postgresql://127.0.0.1:" + closed + "/troupe?user=troupe&password=secret");
    assertThat(start.exit()).isNotZero();
    String said = (start.out() + start.err()).strip();
    assertThat(said.lines()).hasSize(1);
    assertThat(said)
        .contains("127.0.0.1:" + closed)
        .doesNotContain("secret", "Exception", "\tat ", "org.postgresql", "com.zaxxer");
  }

  /**
   * Writes fail with UNAVAILABLE saying the store is full, nothing refused is acknowledged or
   * applied, the node stays up, and the actor carries on once there is space again.
   */
  @Test
  void aFullDiskRefusesWritesLosesNothingAndTheActorGoesOnWhenThereIsSpace() throws Exception {
    assumeThat(mountNamespaces()).as("a tmpfs in a mount namespace needs root").isTrue();
    Path data = Files.createTempDirectory("troupe-full");
    String script =
        "mount -t tmpfs -o size=16m none \"$1\" && head -c 6m /dev/zero > \"$1/filler\" && shift"
            + " && exec \"$@\"";
    process =
        NodeProcesses.startCommand(
                List.of("unshare", "-m", "sh", "-c", script, "sh", data.toString()),
                java.util.Map.of(),
                grpc,
                hz,
                "troupe-full",
                "--data-dir",
                data.toString())
            .process();
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + grpc, InsecureChannelCredentials.create()).build();
    var api = TroupeGrpc.newBlockingStub(channel);

    // 50 KB values until the disk is full: the kv actor's state grows with each one
    String value = "\"" + "x".repeat(50_000) + "\"";
    int acknowledged = 0;
    StatusRuntimeException refused = null;
    while (refused == null && acknowledged < 1_000) {
      try {
        assertThat(put(api, "k" + acknowledged, value)).isEqualTo("true");
        acknowledged++;
      } catch (StatusRuntimeException e) {
        refused = e;
      }
    }
    assertThat(refused).as("the disk filled up").isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(refused.getStatus().getDescription())
        .contains("is full (no space left on its disk); nothing was acknowledged")
        .doesNotContain("SQLITE", "java.", "org.");
    assertThat(process.isAlive()).isTrue();
    // the other actors of the node are still readable meanwhile
    assertThat(Launcher.run("troupe", "--target", "127.0.0.1:" + grpc, "actor", "list").exit())
        .isZero();

    // space again: the filler goes (seen through the node's own mount namespace)
    Files.delete(Path.of("/proc/" + process.pid() + "/root" + data + "/filler"));
    String again = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (again == null) {
      try {
        again = put(api, "after", "1");
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
    assertThat(again).isEqualTo("true");
    assertThat(get(api, "k" + (acknowledged - 1))).isEqualTo(value); // acknowledged: kept
    assertThat(get(api, "k" + acknowledged)).isEqualTo("null"); // refused: not applied
    var verified = Launcher.run("troupe", "--target", "127.0.0.1:" + grpc, "actor", "verify", "kv");
    assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
  }

  private static String put(TroupeGrpc.TroupeBlockingStub api, String key, String json) {
    return call(api, "[\"put\",\"" + key + "\"," + json + "]");
  }

  private static String get(TroupeGrpc.TroupeBlockingStub api, String key) {
    return call(api, "[\"get\",\"" + key + "\"]");
  }

  private static String call(TroupeGrpc.TroupeBlockingStub api, String message) {
    return api.withDeadlineAfter(20, TimeUnit.SECONDS)
        .request(
            RequestRequest.newBuilder()
                .setId("kv")
                .setMessageJson(ByteString.copyFromUtf8(message))
                .build())
        .getResponseJson()
        .toStringUtf8();
  }
}
