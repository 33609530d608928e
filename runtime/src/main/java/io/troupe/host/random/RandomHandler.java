package io.troupe.host.random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.Sha256;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.host.HostContext;
import io.troupe.wasm.HostCallException;
import io.troupe.wasm.HostRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * {@code troupe:actor/random}: a generator seeded per actor (config {@code seed}, or derived from
 * the actor id), so a fresh actor with the same id draws the same values; one generator for the
 * actor's life on a node, which a new instance (after a sleep or a restart) goes on drawing from;
 * every value is also recorded in the chain, so replays never depend on the generator.
 */
public final class RandomHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/random";
  static final int MAX_BYTES = 65536;

  record None() {}

  record Count(int count) {}

  record Range(long min, long max) {}

  @Override
  public String type() {
    return "random";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of("seed"));
    JsonNode seed = config.get("seed");
    if (seed != null && !seed.isIntegralNumber()) {
      throw new IllegalArgumentException("'seed' must be an integer, got " + seed);
    }
    Long configured = seed == null ? null : seed.asLong();
    return new Handler() {
      /** One generator for the actor's life here: a new instance (a wake, a restart) goes on. */
      private SplittableRandom random;

      @Override
      public void register(HostRegistry registry, HostContext ctx) {
        if (random == null) {
          random = new SplittableRandom(configured != null ? configured : seedFor(ctx.actorId()));
        }
        RandomHandler.register(registry, random);
      }
    };
  }

  private static void register(HostRegistry r, SplittableRandom random) {
    r.registerFunction(
        INTERFACE,
        "random-bytes",
        Count.class,
        int[].class,
        p -> {
          if (p.count() < 0 || p.count() > MAX_BYTES) {
            throw new HostCallException("random-bytes: count must be 0.." + MAX_BYTES);
          }
          int[] out = new int[p.count()];
          for (int i = 0; i < out.length; i++) {
            out[i] = random.nextInt(256);
          }
          return out;
        });
    r.registerFunction(
        INTERFACE,
        "random-u64",
        None.class,
        BigInteger.class,
        p -> new BigInteger(Long.toUnsignedString(random.nextLong())));
    r.registerFunction(
        INTERFACE,
        "random-range",
        Range.class,
        Long.class,
        p -> {
          if (p.min() >= p.max()) {
            throw new HostCallException("random-range: min must be below max");
          }
          return random.nextLong(p.min(), p.max());
        });
    r.registerFunction(
        INTERFACE, "random-float", None.class, Double.class, p -> random.nextDouble());
    r.registerFunction(
        INTERFACE,
        "generate-uuid",
        None.class,
        String.class,
        p ->
            new UUID(
                    (random.nextLong() & ~0xF000L) | 0x4000L,
                    (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L)
                .toString());
  }

  static long seedFor(String actorId) {
    byte[] digest = HexFormat.of().parseHex(Sha256.hex(actorId.getBytes(StandardCharsets.UTF_8)));
    long seed = 0;
    for (int i = 0; i < 8; i++) {
      seed = (seed << 8) | (digest[i] & 0xFF);
    }
    return seed;
  }
}
