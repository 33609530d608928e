package io.troupe.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.chain.EventTypes;
import io.troupe.manifest.ManifestParser;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HttpFetcherExampleTest {
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();
  private final ActorSystem system = systems.build();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  @AfterEach
  void tearDown() {
    release.countDown();
    server.stop(0);
  }

  private static Path fetcher(String lang) {
    return GuestExamples.manifest("http-fetcher", lang, "fetcher");
  }

  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  void fetchesWithoutBlocking_andTheResponseBecomesTheState(String lang) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/slow",
        ex -> {
          try {
            release.await(20, TimeUnit.SECONDS); // held until the test has seen the actor answer
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = "{\"weather\":\"sunny\"}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/slow";
    ActorHandle fetcher = system.start(new ManifestParser().parse(fetcher(lang)));

    fetcher.send(json.readTree("{\"url\":\"" + url + "\"}")).get(10, TimeUnit.SECONDS);
    // the response is held back, yet the actor keeps answering: the fetch is not in its turn
    assertThat(fetcher.request(json.readTree("0")).get(10, TimeUnit.SECONDS).isNull()).isTrue();
    assertThat(fetcher.pendingOperations()).isEqualTo(1);
    release.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> fetcher.state().isPresent());
    JsonNode result = fetcher.state().orElseThrow();
    JsonNode response = result.get(1).get("Ok");
    assertThat(response.get("status").asInt()).isEqualTo(200);
    assertThat(json.readTree(response.get("body").asText()))
        .isEqualTo(json.readTree("{\"weather\":\"sunny\"}"));
    assertThat(fetcher.chain().stream().map(e -> e.type()).filter(t -> t.startsWith("async.")))
        .containsExactly(EventTypes.ASYNC_STARTED, EventTypes.ASYNC_COMPLETED);

    // a host outside allowed_hosts is refused at once, as an error the sender sees
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                fetcher
                    .send(json.readTree("{\"url\":\"http://example.com/\"}"))
                    .get(10, TimeUnit.SECONDS))
        .hasMessageContaining("allowed_hosts");
  }
}
