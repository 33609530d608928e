package io.troupe.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.host.environment.EnvironmentHandler;
import io.troupe.host.http.HttpClientHandler;
import io.troupe.host.messaging.MessageServerHandler;
import io.troupe.host.random.RandomHandler;
import io.troupe.host.runtime.RuntimeHandler;
import io.troupe.host.store.StoreHandler;
import io.troupe.host.supervisor.SupervisorHandler;
import io.troupe.host.tcp.TcpClientHandler;
import io.troupe.host.timing.TimingHandler;
import io.troupe.store.MemoryContentStore;
import io.troupe.wasm.HostRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The built-in handlers register exactly the functions, and tuple sizes, that proto/wit declares.
 */
class WitContractTest {
  private static final Pattern INTERFACE =
      Pattern.compile("interface\\s+([a-z-]+)\\s*\\{(.*?)\\n}", Pattern.DOTALL);
  private static final Pattern FUNC =
      Pattern.compile("([a-z0-9-]+):\\s*func\\(params:\\s*tuple<(.*?)>\\)\\s*->");

  @Test
  void handlers_matchTheWit() throws Exception {
    String wit = Files.readString(Path.of("..", "proto", "wit", "runtime.wit"));
    Map<String, Integer> declared = new HashMap<>();
    Matcher i = INTERFACE.matcher(wit);
    while (i.find()) {
      Matcher f = FUNC.matcher(i.group(2));
      while (f.find()) {
        declared.put("troupe:actor/" + i.group(1) + "." + f.group(1), arity(f.group(2)));
      }
    }
    HostRegistry registry = new HostRegistry(new ObjectMapper());
    HostContext context =
        new HostContext() {
          public String actorId() {
            return "wit";
          }

          public Clock clock() {
            return Clock.systemUTC();
          }

          public Optional<JsonNode> state() {
            return Optional.empty();
          }

          public void requestShutdown(JsonNode data) {}

          public io.troupe.manifest.Manifest manifest() {
            return null;
          }

          public java.util.concurrent.ScheduledExecutorService scheduler() {
            return null;
          }

          public Messenger messenger() {
            return null;
          }

          public AsyncOperations async() {
            return new AsyncOperations() { // registration declares resumers; nothing runs here
              public String start(
                  String kind,
                  JsonNode request,
                  java.util.function.Supplier<java.util.concurrent.CompletableFuture<JsonNode>>
                      work) {
                throw new UnsupportedOperationException();
              }

              public boolean cancel(String opId) {
                throw new UnsupportedOperationException();
              }

              public void onResume(String kind, Resumer resumer) {}

              public String dispatch(
                  String kind, JsonNode request, boolean idempotent, java.time.Duration timeout) {
                throw new UnsupportedOperationException();
              }

              public String dispatch(
                  String kind,
                  JsonNode request,
                  JsonNode recorded,
                  boolean idempotent,
                  java.time.Duration timeout) {
                throw new UnsupportedOperationException();
              }
            };
          }

          public Supervisor supervisor() {
            return null;
          }

          public java.util.concurrent.CompletableFuture<Void> enqueueEvent(
              String callback, JsonNode params) {
            return null;
          }
        };
    List<HandlerFactory> factories =
        List.of(
            new RuntimeHandler(),
            new TimingHandler(),
            new RandomHandler(),
            new EnvironmentHandler(Map.of()),
            new MessageServerHandler(),
            new SupervisorHandler(),
            new StoreHandler(new MemoryContentStore()),
            new HttpClientHandler(),
            new TcpClientHandler(),
            new io.troupe.host.compute.ComputeHandler());
    for (HandlerFactory f : factories) {
      f.create(new ObjectMapper().createObjectNode()).register(registry, context);
    }
    assertThat(declared).hasSizeGreaterThan(10);
    assertThat(registry.signatures()).isEqualTo(declared);
  }

  private static int arity(String tupleBody) {
    if (tupleBody.isBlank()) {
      return 0;
    }
    int depth = 0;
    int n = 1;
    for (char c : tupleBody.toCharArray()) {
      if (c == '<') depth++;
      if (c == '>') depth--;
      if (c == ',' && depth == 0) n++;
    }
    return n;
  }
}
