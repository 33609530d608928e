package io.troupe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.Event;
import io.troupe.actor.EventCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.home.ActorSummary;
import io.troupe.manifest.Manifest;
import io.troupe.proto.v1.ReplayActorResponse;
import io.troupe.proto.v1.ReplayDivergence;
import io.troupe.replay.Replay;
import io.troupe.replay.ReplayReport;
import io.troupe.replay.SpawnedStates;
import io.troupe.wasm.LoadedModule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code ReplayActor}: re-executes an actor's committed chain against its module, page by page (so
 * a long chain never sits in memory), from its genesis or, when its earlier events were pruned,
 * from the first checkpoint whose state the store kept. A spawned child's first state is read from
 * its parent's chain.
 */
final class ReplayRun {
  private static final int PAGE = 2048;

  private ReplayRun() {}

  static ReplayReport of(
      ActorSystem system, ClusterChainStore records, ActorId id, ObjectMapper mapper) {
    return run(system, records, id, Optional.empty(), 0, mapper);
  }

  /**
   * The check before an upgrade: {@code id}'s recent history — from the last event at least {@code
   * window} before its head whose state is known, or else from the start of what is kept — replayed
   * against {@code candidate} throughout.
   */
  static ReplayReport check(
      ActorSystem system,
      ClusterChainStore records,
      ActorId id,
      LoadedModule candidate,
      long window,
      ObjectMapper mapper) {
    long length = records.require(id).chainLength();
    long from = startBefore(records, id, Math.max(0, length - window), mapper);
    try {
      return run(system, records, id, Optional.of(candidate), from, mapper);
    } catch (InvalidArgumentException e) {
      return run(system, records, id, Optional.of(candidate), 0, mapper);
    }
  }

  /**
   * The last seq at or before {@code bound} that a replay can start from: the genesis, or a
   * checkpoint, move or restart whose state is none or kept by the store; else the first kept seq
   * (a replay from there starts at the first such event it meets). Read backwards, page by page.
   */
  private static long startBefore(
      ClusterChainStore records, ActorId id, long bound, ObjectMapper mapper) {
    long first = records.anchor(id).map(a -> a.seq() + 1).orElse(0L);
    EventCodec codec = new EventCodec(mapper);
    long end = bound + 1;
    while (end > first) {
      long from = Math.max(first, end - PAGE);
      List<ChainEvent> page = records.page(id, from, (int) (end - from));
      for (int i = page.size() - 1; i >= 0; i--) {
        ChainEvent e = page.get(i);
        if (e.seq() <= bound && startsHere(records, codec, e)) {
          return e.seq();
        }
      }
      end = from;
    }
    return first;
  }

  /** Whether a replay can start at {@code e}, with the state it names. */
  private static boolean startsHere(ClusterChainStore records, EventCodec codec, ChainEvent e) {
    Optional<String> state =
        switch (e.type()) {
          case EventTypes.ACTOR_STARTED -> Optional.<String>empty(); // the genesis
          case EventTypes.ACTOR_CHECKPOINT -> ((Event.Checkpoint) codec.decode(e)).stateSha256();
          case EventTypes.ACTOR_MOVED -> ((Event.Moved) codec.decode(e)).stateSha256();
          case EventTypes.ACTOR_RESTARTED -> ((Event.Restarted) codec.decode(e)).stateSha256();
          default -> null;
        };
    return state != null && (state.isEmpty() || records.keptState(state.get()).isPresent());
  }

  private static ReplayReport run(
      ActorSystem system,
      ClusterChainStore records,
      ActorId id,
      Optional<LoadedModule> candidate,
      long fromSeq,
      ObjectMapper mapper) {
    ActorSummary summary = records.require(id);
    Manifest manifest =
        records
            .definition(id)
            .orElseThrow(() -> new ActorNotFoundException("no actor " + id))
            .manifest(id);
    Function<String, Optional<byte[]>> spawned = childStates(records, summary, mapper);
    io.troupe.replay.ReplayBuilder b =
        Replay.builder(
                candidate.orElseGet(
                    () ->
                        moduleAtStart(system, records, id, fromSeq, summary.chainLength())
                            .orElseGet(() -> system.module(manifest.module()))))
            .modules(hex -> known(system, hex));
    if (candidate.isPresent()) {
      b.fixedModule();
    }
    try (Replay replay =
        b.limits(system.policy().apply(manifest).limits())
            .initState(
                manifest.initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null))
            .states(hex -> records.keptState(hex).or(() -> spawned.apply(hex)))
            .mapper(mapper)
            .build()) {
      each(records, id, fromSeq, summary.chainLength(), replay::accept);
      return replay.finish();
    }
  }

  /**
   * The module the actor ran where a replay from {@code from} starts, when that is not its genesis
   * (which names its own): the one the first upgrade after it replaced, if there is one; else empty
   * (the record's, current one).
   */
  private static Optional<LoadedModule> moduleAtStart(
      ActorSystem system, ClusterChainStore records, ActorId id, long from, long length) {
    long first = Math.max(from, records.anchor(id).map(a -> a.seq() + 1).orElse(0L));
    if (first == 0) {
      return Optional.empty();
    }
    EventCodec codec = new EventCodec(new ObjectMapper());
    String[] replaced = new String[1];
    each(
        records,
        id,
        first,
        length,
        e -> {
          if (e.type().equals(EventTypes.ACTOR_UPGRADED)
              && codec.decode(e) instanceof Event.Upgraded u) {
            replaced[0] = u.fromModuleSha256();
            return false;
          }
          return true;
        });
    return replaced[0] == null ? Optional.empty() : known(system, replaced[0]);
  }

  /** The module with SHA-256 {@code hex}, as this node or the cluster has it. */
  private static Optional<LoadedModule> known(ActorSystem system, String hex) {
    try {
      return Optional.of(system.module("sha256:" + hex));
    } catch (io.troupe.error.TroupeException e) {
      return Optional.empty();
    }
  }

  /** Feeds the committed chain of {@code id} up to {@code length} to {@code each}, until false. */
  private static void each(
      ClusterChainStore records,
      ActorId id,
      long from,
      long length,
      java.util.function.Predicate<ChainEvent> each) {
    long seq = Math.max(from, records.anchor(id).map(a -> a.seq() + 1).orElse(0L));
    while (seq < length) {
      List<ChainEvent> page = records.page(id, seq, (int) Math.min(PAGE, length - seq));
      if (page.isEmpty()) {
        return;
      }
      for (ChainEvent e : page) {
        if (!each.test(e)) {
          return;
        }
      }
      seq += page.size();
    }
  }

  /** The first states {@code summary}'s parent gave its children, read once, when first asked. */
  private static Function<String, Optional<byte[]>> childStates(
      ClusterChainStore records, ActorSummary summary, ObjectMapper mapper) {
    return new Function<>() {
      private SpawnedStates states;

      @Override
      public Optional<byte[]> apply(String hex) {
        if (summary.parent().isEmpty()) {
          return Optional.empty();
        }
        if (states == null) {
          states = new SpawnedStates(mapper);
          ActorId parent = summary.parent().get();
          records
              .describe(parent)
              .ifPresent(
                  p ->
                      each(
                          records,
                          parent,
                          0,
                          p.chainLength(),
                          e -> {
                            states.add(e);
                            return true;
                          }));
        }
        return states.apply(hex);
      }
    };
  }

  /** {@code report} as the API answers it. */
  static ReplayActorResponse response(ReplayReport report) {
    ReplayActorResponse.Builder b =
        ReplayActorResponse.newBuilder()
            .setReproduced(report.reproduced())
            .setEvents(report.events())
            .setTurns(report.turns())
            .setFromSeq(report.from())
            .addAllNotes(report.notes())
            .setSummary(report.summary());
    report
        .divergence()
        .ifPresent(
            d ->
                b.setDivergence(
                    ReplayDivergence.newBuilder()
                        .setSeq(d.seq())
                        .setWhat(d.what())
                        .setRecorded(d.recorded())
                        .setReplayed(d.replayed())));
    return b.build();
  }
}
