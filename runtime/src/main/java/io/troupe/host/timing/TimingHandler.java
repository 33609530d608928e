package io.troupe.host.timing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.troupe.host.HostContext;
import io.troupe.host.SettinglessHandlerFactory;
import io.troupe.wasm.HostRegistry;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code troupe:actor/timing}: {@code now} (epoch milliseconds from the node's clock; recorded, so
 * replays see the same time), {@code sleep} (a timer: returns an op id at once, and {@code
 * handle-result} gets {@code {"Ok": null}} after the delay; the actor is not blocked), and {@code
 * cancel} (a pending timer; its result is an error). A timer survives a move of its actor: the new
 * home fires it when it was due.
 */
public final class TimingHandler extends SettinglessHandlerFactory {
  public static final String INTERFACE = "troupe:actor/timing";

  record None() {}

  record Millis(long millis) {}

  record Op(String opId) {}

  static final String KIND = "timing.sleep";

  /** The longest timer: a day. */
  static final long MAX_SLEEP_MS = 86_400_000L;

  public TimingHandler() {
    super("timing", INTERFACE);
  }

  @Override
  protected void register(HostRegistry r, HostContext ctx) {
    r.registerFunction(INTERFACE, "now", None.class, Long.class, p -> ctx.clock().millis());
    r.registerFunction(
        INTERFACE,
        "sleep",
        Millis.class,
        String.class,
        p -> {
          if (p.millis() < 0 || p.millis() > MAX_SLEEP_MS) {
            throw new IllegalArgumentException(
                "millis must be between 0 and " + MAX_SLEEP_MS + ", got " + p.millis());
          }
          return ctx.async()
              .start(
                  KIND,
                  JsonNodeFactory.instance.arrayNode().add(p.millis()),
                  () -> timer(ctx, p.millis()));
        });
    r.registerFunction(
        INTERFACE, "cancel", Op.class, Boolean.class, p -> ctx.async().cancel(p.opId()));
    // after a move, a timer fires when it was due (at once when that has passed)
    ctx.async()
        .onResume(
            KIND,
            (request, startedAt) -> {
              long due = startedAt.toEpochMilli() + request.path(0).asLong();
              return Optional.of(timer(ctx, Math.max(0, due - ctx.clock().millis())));
            });
  }

  private static CompletableFuture<JsonNode> timer(HostContext ctx, long millis) {
    CompletableFuture<JsonNode> done = new CompletableFuture<>();
    ScheduledFuture<?> timer =
        ctx.scheduler()
            .schedule(() -> done.complete(NullNode.getInstance()), millis, TimeUnit.MILLISECONDS);
    done.whenComplete((v, e) -> timer.cancel(false));
    return done;
  }
}
