package io.troupe.actor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.Verification;
import io.troupe.error.TroupeException;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.Manifest;
import io.troupe.replay.Replay;
import io.troupe.replay.ReplayReport;
import io.troupe.replay.SpawnedStates;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The actor systems of a test, and what every actor test must leave behind, checked after each test
 * (the way Caffeine re-checks a cache's invariants): every chain verifies, once the system is shut
 * down too; no turn is parked; and no operation, channel or deferred request is left open unless
 * the test says it means to ({@link LeavesOpen}).
 *
 * <pre>{@code
 * @RegisterExtension final ActorSystems systems = new ActorSystems();
 * final ActorSystem system = systems.build();
 * }</pre>
 */
public final class ActorSystems implements AfterEachCallback {
  /** How long a system may take to settle (empty mailboxes, no parked turn) after a test. */
  private static final long SETTLE_MS = 5_000;

  private final List<ActorSystem> systems = new ArrayList<>();
  private boolean replaying;

  /**
   * Also replays every actor's chain against its module after the test, before its system shuts
   * down: each must be reproduced ({@link Replay}).
   */
  public ActorSystems replayingChains() {
    replaying = true;
    return this;
  }

  /** A system with the standard handlers, checked after the test. */
  public ActorSystem build() {
    return build(b -> b);
  }

  /** A system with the standard handlers and {@code settings}, checked after the test. */
  public synchronized ActorSystem build(UnaryOperator<ActorSystemBuilder> settings) {
    ActorSystem s =
        settings.apply(ActorSystem.builder().handlers(StandardHandlers.catalog())).build();
    systems.add(s);
    return s;
  }

  /** Checks {@code system} too (one the test built itself). */
  public synchronized ActorSystem track(ActorSystem system) {
    systems.add(system);
    return system;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Set<LeavesOpen.What> allowed = EnumSet.noneOf(LeavesOpen.What.class);
    allowedBy(context.getTestMethod()).ifPresent(l -> allowed.addAll(List.of(l.value())));
    allowedBy(context.getTestClass()).ifPresent(l -> allowed.addAll(List.of(l.value())));
    List<String> problems = new ArrayList<>();
    List<ActorSystem> all;
    synchronized (this) {
      all = List.copyOf(systems);
      systems.clear();
    }
    for (ActorSystem s : all) {
      if (!s.isShutdown()) {
        problems.addAll(settle(s, allowed));
        if (replaying) {
          problems.addAll(replay(s));
        }
        s.shutdown();
      }
      for (ActorHandle a : s.list()) {
        // a home that let go of the events before a checkpoint holds its chain from there
        List<io.troupe.chain.ChainEvent> held = a.chain();
        Verification v = ChainVerifier.verifyExport(held);
        if (!held.isEmpty()
            && held.get(0).seq() > 0
            && !held.get(0).type().equals("actor.checkpoint")) {
          problems.add(
              "the chain of "
                  + a.id()
                  + " is held from seq "
                  + held.get(0).seq()
                  + ", not from a checkpoint");
        }
        if (!v.valid()) {
          problems.add("the chain of " + a.id() + " does not verify: " + v.describe());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "actor invariants after the test:\n  " + String.join("\n  ", problems));
    }
  }

  /** What does not replay of the chains of {@code s}'s actors. */
  private static List<String> replay(ActorSystem s) {
    ObjectMapper mapper = new ObjectMapper();
    SpawnedStates spawned = new SpawnedStates(mapper);
    Map<ActorHandle, List<ChainEvent>> chains = new LinkedHashMap<>();
    for (ActorHandle a : s.list()) {
      List<ChainEvent> chain = a.chain();
      chain.forEach(spawned::add);
      chains.put(a, chain);
    }
    List<String> problems = new ArrayList<>();
    chains.forEach(
        (a, chain) -> {
          Manifest m = a.manifest();
          try (Replay r =
              Replay.builder(s.module(m.module()))
                  .limits(m.limits())
                  .initState(
                      m.initState().map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null))
                  .states(spawned)
                  .build()) {
            chain.forEach(r::accept);
            ReplayReport report = r.finish();
            if (!report.reproduced()) {
              problems.add("the chain of " + a.id() + " does not replay: " + report.summary());
            }
          } catch (TroupeException e) {
            problems.add("the chain of " + a.id() + " cannot be replayed: " + e.getMessage());
          }
        });
    return problems;
  }

  private static Optional<LeavesOpen> allowedBy(Optional<? extends AnnotatedElement> element) {
    return element.map(e -> e.getAnnotation(LeavesOpen.class));
  }

  /**
   * Waits (bounded) until nothing is queued, no turn is parked and nothing is left open that the
   * test does not mean to leave: what the test set off ends. Returns what is still wrong then.
   */
  private static List<String> settle(ActorSystem s, Set<LeavesOpen.What> allowed) {
    long deadline = System.nanoTime() + SETTLE_MS * 1_000_000;
    while (true) {
      List<String> problems = new ArrayList<>();
      check(s, allowed, problems);
      boolean busy = s.list().stream().anyMatch(a -> a.mailboxDepth() > 0);
      if ((problems.isEmpty() && !busy) || System.nanoTime() > deadline) {
        return problems;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return problems;
      }
    }
  }

  private static void check(ActorSystem s, Set<LeavesOpen.What> allowed, List<String> problems) {
    if (!allowed.contains(LeavesOpen.What.PARKED_TURNS) && s.parkedTurns() > 0) {
      problems.add(s.parkedTurns() + " turn(s) still parked on node " + s.nodeName());
    }
    for (ActorHandle a : s.list()) {
      if (!a.status().live()) {
        continue;
      }
      if (!allowed.contains(LeavesOpen.What.OPERATIONS) && a.pendingOperations() > 0) {
        problems.add(a.id() + " has " + a.pendingOperations() + " operation(s) in flight");
      }
      if (!allowed.contains(LeavesOpen.What.CHANNELS) && !s.channelsOf(a.id()).isEmpty()) {
        problems.add(a.id() + " has channels open: " + s.channelsOf(a.id()));
      }
      if (!allowed.contains(LeavesOpen.What.REQUESTS) && !a.outstandingRequests().isEmpty()) {
        problems.add(a.id() + " owes requests " + a.outstandingRequests());
      }
    }
  }
}
