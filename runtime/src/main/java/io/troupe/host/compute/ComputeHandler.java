package io.troupe.host.compute;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.Sha256;
import io.troupe.dispatch.Runners;
import io.troupe.error.InvalidArgumentException;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.host.HostContext;
import io.troupe.wasm.HostRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * {@code troupe:actor/compute}: heavy host work that leaves the actor's turn and, through the
 * dispatcher, its node: {@code sha256([text, rounds])} returns an op id at once and runs on the
 * least-loaded node of the cluster; {@code handle-result} gets the hex digest. Pure, so it is
 * retried elsewhere when its worker dies. Setting: {@code timeout_ms} (default 60000).
 */
public final class ComputeHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/compute";
  static final String SHA256 = "compute.sha256";
  static final int MAX_ROUNDS = 10_000_000;

  record Sha(String text, int rounds) {}

  @Override
  public String type() {
    return "compute";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of("timeout_ms"));
    Duration timeout = Duration.ofMillis(HandlerCatalog.positiveInt(config, "timeout_ms", 60_000));
    return (registry, ctx) -> register(registry, ctx, timeout);
  }

  private void register(HostRegistry r, HostContext ctx, Duration timeout) {
    r.registerFunction(
        INTERFACE,
        "sha256",
        Sha.class,
        String.class,
        p -> {
          if (p.text() == null || p.rounds() < 1 || p.rounds() > MAX_ROUNDS) {
            throw new InvalidArgumentException(
                "sha256 takes [text, rounds] with rounds between 1 and " + MAX_ROUNDS);
          }
          return ctx.async()
              .dispatch(
                  SHA256,
                  JsonNodeFactory.instance.arrayNode().add(p.text()).add(p.rounds()),
                  true,
                  timeout);
        });
  }

  @Override
  public void runners(Runners runners) {
    runners.register(
        SHA256,
        (request, abandoned) -> {
          String digest = sha256(request.path(0).asText(), request.path(1).asInt(1), abandoned);
          return digest == null
              ? CompletableFuture.failedFuture(new CancellationException("abandoned"))
              : CompletableFuture.completedFuture(JsonNodeFactory.instance.textNode(digest));
        });
  }

  /** The digest after {@code rounds}, or null once {@code abandoned} (checked every 1,024). */
  static String sha256(String text, int rounds, BooleanSupplier abandoned) {
    String digest = Sha256.hex(text.getBytes(StandardCharsets.UTF_8));
    for (int i = 1; i < rounds; i++) {
      if ((i & 1023) == 0 && abandoned.getAsBoolean()) {
        return null;
      }
      digest = Sha256.hex(digest.getBytes(StandardCharsets.US_ASCII));
    }
    return digest;
  }
}
