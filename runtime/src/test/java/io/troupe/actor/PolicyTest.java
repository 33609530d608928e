package io.troupe.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.troupe.dispatch.Work;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.InvalidManifestException;
import io.troupe.error.InvalidModuleException;
import io.troupe.error.LimitExceededException;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.policy.Networks;
import io.troupe.policy.Policy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's policy: manifests asking for more than it allows are refused at start, naming the
 * setting; modules too large or too slow to load are refused; network handlers reach no private
 * address unless allowed, and a worker holds the HTTP work it runs to its own policy.
 */
class PolicyTest {
  private static final String POLICY =
      """
      max_module_bytes = 200000
      handlers = ["runtime", "timing", "http-client", "tcp-client", "environment"]
      http_hosts = ["api.example.com", "*.example.org", "127.0.0.1"]
      tcp_hosts = ["127.0.0.1"]
      environment = ["APP_COLOR", "APP_PUBLIC_*"]

      [limits]
      memory_pages = 64
      call_timeout_ms = 2000
      """;

  @RegisterExtension final ActorSystems systems = new ActorSystems();
  @TempDir Path dir;
  private final ObjectMapper json = new ObjectMapper();
  private int n;

  private Policy policy() throws Exception {
    Path file = dir.resolve("policy.toml");
    Files.writeString(file, POLICY);
    return Policy.load(file);
  }

  private ActorSystem system(Policy policy) {
    return systems.build(
        b ->
            b.policy(policy)
                .handlers(StandardHandlers.builder().networks(policy.networks()).build()));
  }

  private io.troupe.manifest.Manifest manifest(String toml) throws Exception {
    Path d = Files.createDirectories(dir.resolve("a" + n++));
    return Fixture.manifest(d, Guests.module(""), toml);
  }

  @Test
  void manifestsAskingForMoreThanThePolicyAreRefusedByName() throws Exception {
    ActorSystem system = system(policy());
    system.start(manifest("[limits]\nmemory_pages = 64\n")); // at the ceiling: fine
    assertThatThrownBy(() -> system.start(manifest("[limits]\nmemory_pages = 65\n")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining(
            "limits.memory_pages = 65 is more than this node's policy allows (64)");
    assertThatThrownBy(() -> system.start(manifest("[[handler]]\ntype = \"compute\"\n")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("does not allow the handler type 'compute'");
    system.start(
        manifest(
            "[[handler]]\ntype = \"http-client\"\n"
                + "allowed_hosts = [\"api.example.com\", \"docs.example.org\"]\n"));
    assertThatThrownBy(
            () ->
                system.start(
                    manifest("[[handler]]\ntype = \"http-client\"\nallowed_hosts = [\"*\"]\n")))
        .hasMessageContaining("does not allow http-client host '*'");
    assertThatThrownBy(
            () ->
                system.start(
                    manifest(
                        "[[handler]]\ntype = \"http-client\"\n"
                            + "allowed_hosts = [\"169.254.169.254\"]\n")))
        .hasMessageContaining("host '169.254.169.254'");
    system.start(
        manifest(
            "[[handler]]\ntype = \"environment\"\nallowed_vars = [\"APP_COLOR\"]\n"
                + "allowed_prefixes = [\"APP_PUBLIC_\"]\n"));
    assertThatThrownBy(
            () ->
                system.start(
                    manifest(
                        "[[handler]]\ntype = \"environment\"\nsecret_vars = [\"DB_PASSWORD\"]\n")))
        .hasMessageContaining("does not allow the environment variable 'DB_PASSWORD'");
  }

  @Test
  void aNodeHostsNoMoreActorsThanItsPolicyAllows() throws Exception {
    Path file = dir.resolve("two.toml");
    Files.writeString(file, "max_actors = 2\n");
    ActorSystem system = system(Policy.load(file));
    system.start(manifest(""));
    system.start(manifest(""));
    assertThatThrownBy(() -> system.start(manifest("")))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("the most its policy allows (max_actors)");
  }

  @Test
  void modulesTooLargeOrTooSlowToLoadAreRefused() throws Exception {
    ActorSystem system = system(policy());
    assertThatThrownBy(() -> system.load(new byte[200_001]))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("at most 200000 bytes");
    // thousands of functions take far longer than a millisecond to parse and compile
    StringBuilder wat = new StringBuilder("(module");
    for (int i = 0; i < 4000; i++) {
      wat.append("(func (export \"f").append(i).append("\") (result i32) (i32.const ").append(i);
      wat.append("))");
    }
    wat.append(")");
    Path file = dir.resolve("slow.toml");
    Files.writeString(file, "compile_timeout_ms = 1\n");
    ActorSystem hurried = system(Policy.load(file));
    assertThatThrownBy(() -> hurried.load(wat.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("took more than 1 ms to load");
    assertThat(Policy.load(file).networks().allowPrivate()).isFalse();
  }

  @Test
  void privateAddressesAreRefusedUnlessThePolicyAllowsThem() throws Exception {
    Networks closed = new Networks(false);
    for (String host :
        new String[] {
          "127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "::1", "fd00::1", "192.168.0.10"
        }) {
      assertThatThrownBy(() -> closed.check(host))
          .as(host)
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("private address");
    }
    closed.check("8.8.8.8");
    Networks.OPEN.check("127.0.0.1");

    // an http request to loopback, from an actor whose manifest allows it
    ActorSystem system = system(policy());
    Path d = Files.createDirectories(dir.resolve("http"));
    String body =
        Guests.forwards(Guests.REQUEST, "$fn", "$arg2")
            + Guests.setsState(Callbacks.HANDLE_RESULT, "whole");
    ActorHandle a =
        system.start(
            Fixture.manifest(
                d,
                Guests.module(
                    Guests.hostImport("troupe:actor/http-client", "send-http", "$fn"), "1", body),
                "[[handler]]\ntype = \"http-client\"\nallowed_hosts = [\"127.0.0.1\"]\n"));
    a.request(json.readTree("[{\"url\":\"http://127.0.0.1:9/\"}]")).get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> a.state().filter(JsonNode::isArray).isPresent());
    assertThat(a.state().orElseThrow().get(1).get("Err").asText())
        .contains("private address (127.0.0.1)");
  }

  @Test
  void aWorkerChecksDispatchedHttpWorkAgainstItsOwnPolicy() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          hits.incrementAndGet();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
    try {
      // work as another node sends it: it names its own allowed hosts
      ObjectNode request = json.createObjectNode();
      request.putObject("request").put("url", "http://127.0.0.1:" + server.getAddress().getPort());
      request.putArray("allowed_hosts").add("127.0.0.1");
      Work forged =
          new Work(
              "op-1",
              "someone",
              "http-client.send-http",
              request,
              System.currentTimeMillis() + 10_000,
              true);

      // a worker whose operator allows only api.example.com (private networks allowed, so the
      // host list alone refuses it)
      Path file = dir.resolve("hosts.toml");
      Files.writeString(
          file, "http_hosts = [\"api.example.com\"]\nallow_private_networks = true\n");
      ActorSystem worker = system(Policy.load(file));
      assertThatThrownBy(
              () -> worker.hosting().dispatcher().pool().submit(forged).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining(
              "host '127.0.0.1' is not among the hosts this node's policy lets actors reach"
                  + " (http_hosts)");
      assertThat(hits).hasValue(0);

      // a worker without a policy runs the same work
      ActorSystem open = systems.build();
      JsonNode answer = open.hosting().dispatcher().pool().submit(forged).get(10, TimeUnit.SECONDS);
      assertThat(answer.get("status").asInt()).isEqualTo(200);
      assertThat(hits).hasValue(1);
    } finally {
      server.stop(0);
    }
  }
}
