package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a node (the embedded store: a real SQLite file) while 16 clients send to one counter:
 * sends in every stage die with it, among them ones the store wrote but the node never
 * acknowledged. After the restart every client retries what it did not see acknowledged, with the
 * same message id: nothing acknowledged is lost, and nothing is applied twice.
 */
class CrashBeforeAckIT {
  private static final Pattern MESSAGE_ID = Pattern.compile("\"message_id\":\"(c-\\d+)\"");

  private final int grpc = FreePorts.next();
  private final int hz = FreePorts.next();
  private Process process;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private void start(Path data, int generation, String javaOpts) throws IOException {
    process =
        NodeProcesses.startCommand(
                List.of(),
                java.util.Map.of("TROUPE_JAVA_OPTS", javaOpts),
                grpc,
                hz,
                "troupe-crash-" + generation,
                "--data-dir",
                data.toString())
            .process();
  }

  private TroupeGrpc.TroupeBlockingStub client() {
    ManagedChannel c =
        Grpc.newChannelBuilder("127.0.0.1:" + grpc, InsecureChannelCredentials.create()).build();
    channels.add(c);
    return TroupeGrpc.newBlockingStub(c);
  }

  @AfterEach
  void kill() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void nothingAcknowledgedIsLostAndNothingIsAppliedTwice() throws Exception {
    Path data = Files.createTempDirectory("troupe-crash");
    start(data, 0, "-Dtroupe.crash-after-store-writes=300");

    // 16 clients send 1 each, every send with its own message id, until the node dies
    AtomicInteger next = new AtomicInteger();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> unanswered = ConcurrentHashMap.newKeySet(); // sent, fate unknown to the client
    CountDownLatch enough = new CountDownLatch(100);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      var api = client();
      Thread sender =
          new Thread(
              () -> {
                while (true) {
                  String id = "c-" + next.incrementAndGet();
                  try {
                    send(api, id);
                    acknowledged.add(id);
                    enough.countDown();
                  } catch (StatusRuntimeException e) {
                    unanswered.add(id);
                    return; // the node is gone
                  }
                }
              });
      sender.start();
      senders.add(sender);
    }
    assertThat(enough.await(120, TimeUnit.SECONDS)).isTrue();
    // the node halts by itself at its 300th store transaction, with sends in flight
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(137);
    for (Thread s : senders) {
      s.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(s.isAlive()).isFalse();
    }
    assertThat(unanswered).hasSize(16);

    start(data, 1, "");
    var api = client();
    // what the store held at the restart, before any retry: every acknowledged send, and maybe
    // some that were written but never acknowledged
    Map<String, Integer> before = appliedIds(api);
    assertThat(before.keySet()).containsAll(acknowledged);
    long writtenNotAcknowledged = unanswered.stream().filter(before::containsKey).count();
    assertThat(writtenNotAcknowledged)
        .as("sends on disk that no client saw acknowledged")
        .isPositive();

    // every client retries what it did not see acknowledged; some acknowledged ones come again
    for (String id : unanswered) {
      retrying(api, id);
    }
    acknowledged.stream().limit(20).forEach(id -> retrying(api, id));

    Map<String, Integer> after = appliedIds(api);
    Set<String> sent = new java.util.HashSet<>(acknowledged);
    sent.addAll(unanswered);
    assertThat(after.keySet()).isEqualTo(sent);
    assertThat(after.values()).as("each message applied once").containsOnly(1);
    assertThat(total(api)).isEqualTo(Integer.toString(sent.size()));
    System.out.printf(
        "crash before ack: %d acknowledged, %d in flight at the kill (%d of them written but not"
            + " acknowledged), all applied exactly once after the retries%n",
        acknowledged.size(), unanswered.size(), writtenNotAcknowledged);
    var verified =
        Launcher.run("troupe", "--target", "127.0.0.1:" + grpc, "actor", "verify", "counter");
    assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
  }

  /** How many times each message id of this test appears in a {@code wasm.call} of counter. */
  private static Map<String, Integer> appliedIds(TroupeGrpc.TroupeBlockingStub api) {
    Map<String, Integer> applied = new HashMap<>();
    api.withDeadlineAfter(60, TimeUnit.SECONDS)
        .getChain(GetChainRequest.newBuilder().setId("counter").build())
        .forEachRemaining(
            e -> {
              if (e.getType().equals("wasm.call")) {
                Matcher m = MESSAGE_ID.matcher(e.getData().toString(StandardCharsets.UTF_8));
                if (m.find()) {
                  applied.merge(m.group(1), 1, Integer::sum);
                }
              }
            });
    return applied;
  }

  private static void send(TroupeGrpc.TroupeBlockingStub api, String messageId) {
    api.withDeadlineAfter(20, TimeUnit.SECONDS)
        .send(
            SendRequest.newBuilder()
                .setId("counter")
                .setMessageJson(ByteString.copyFromUtf8("1"))
                .setMessageId(messageId)
                .build());
  }

  /** A send as a client makes it: UNAVAILABLE (the actor is coming back) is retried. */
  private static void retrying(TroupeGrpc.TroupeBlockingStub api, String messageId) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        send(api, messageId);
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE
            || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(20); // the client's retry pause
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static String total(TroupeGrpc.TroupeBlockingStub api) {
    return api.withDeadlineAfter(20, TimeUnit.SECONDS)
        .request(
            RequestRequest.newBuilder()
                .setId("counter")
                .setMessageJson(ByteString.copyFromUtf8("\"total?\""))
                .build())
        .getResponseJson()
        .toStringUtf8();
  }
}
