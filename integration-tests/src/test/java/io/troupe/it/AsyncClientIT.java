package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.client.sdk.TroupeClientException;
import io.troupe.server.NodeConfig;
import io.troupe.server.TroupeNode;
import io.troupe.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK's asynchronous calls against a real node: many in flight on one client, each counted
 * once; failover to the next address; errors as {@link TroupeClientException}s, and the blocking
 * calls as thin wrappers that throw them directly.
 */
class AsyncClientIT {
  private static TroupeNode node;

  @BeforeAll
  static void start() {
    node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("async")
                .clusterName("async-" + FreePorts.next())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .store(NodeConfig.MEMORY)
                .build());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void manyCallsInFlightOnOneClientAreEachHandledOnce() throws Exception {
    try (TroupeClient client = TroupeClient.builder().target(node.grpcAddress()).build()) {
      client.start(Launcher.REPO.resolve("examples/counter/counter.toml"), "many");
      List<CompletableFuture<Void>> sends = new ArrayList<>();
      for (int i = 1; i <= 500; i++) {
        sends.add(client.sendAsync("many", Integer.toString(i)));
      }
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(client.requestAsync("many", "\"total?\"").get(10, TimeUnit.SECONDS))
          .isEqualTo(Integer.toString(500 * 501 / 2));
    }
  }

  @Test
  void aDeadAddressIsPassedOverAndErrorsKeepTheirKind() throws Exception {
    String dead = "127.0.0.1:" + FreePorts.next(); // nothing listens there
    try (TroupeClient client =
        TroupeClient.builder()
            .target(dead)
            .target(node.grpcAddress())
            .deadline(Duration.ofSeconds(20))
            .build()) {
      client.start(Path.of(Launcher.REPO.toString(), "examples/echo/echo.toml"), "echo-async");
      assertThat(client.requestAsync("echo-async", "[1,2]").get(20, TimeUnit.SECONDS))
          .isEqualTo("[1,2]");
      CompletableFuture<String> missing = client.requestAsync("nobody-here", "1");
      assertThatThrownBy(() -> missing.get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TroupeClientException.class)
          .satisfies(
              e -> {
                TroupeClientException t = (TroupeClientException) e.getCause();
                assertThat(t.code()).isEqualTo(Status.Code.NOT_FOUND);
                assertThat(t.kind()).isEqualTo("ACTOR_NOT_FOUND");
              });
      // the blocking form throws the same error itself
      assertThatThrownBy(() -> client.request("nobody-here", "1"))
          .isInstanceOf(TroupeClientException.class)
          .hasMessageContaining("nobody-here");
    }
  }
}
