package io.troupe.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.troupe.actor.ActorId;
import io.troupe.actor.ChainStore;
import io.troupe.actor.ModuleSource;
import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.StaleAppendException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The cluster's record of every actor, in one Hazelcast map ({@value #ACTORS}) with synchronous
 * backups: the {@link ChainStore} that commits each actor's turns by a fenced append on its
 * partition's owner, and the reads the client API answers from any node. Modules live in a second
 * map ({@value #MODULES}), by content.
 */
public final class ClusterChainStore implements ChainStore {
  public static final String ACTORS = "troupe.actors";
  public static final String MODULES = "troupe.modules";

  /** Events read per round trip when a whole chain is read. */
  private static final int PAGE = 2048;

  private final IMap<String, ActorRecord> actors;
  private final IMap<String, byte[]> modules;

  private final Executor committers;
  private final HazelcastInstance hz;

  /**
   * @param committers the threads that run commits (each blocks on one commit's round trip; the
   *     completion, which releases acknowledgements and submits the actor's next commit, runs there
   *     too)
   */
  public ClusterChainStore(HazelcastInstance hz, Executor committers) {
    this.committers = committers;
    this.hz = hz;
    this.actors = hz.getMap(ACTORS);
    this.modules = hz.getMap(MODULES);
  }

  @Override
  public CompletableFuture<Void> commit(Commit c) {
    AppendProcessor append =
        new AppendProcessor(
            c.epoch(),
            c.fromSeq(),
            c.expectedHead(),
            c.events(),
            c.state(),
            c.status().name().toLowerCase(),
            c.node(),
            member(),
            c.origin().map(Origin::manifestName).orElse(null),
            c.origin().map(o -> "sha256:" + o.moduleSha256()).orElse(null),
            c.origin().flatMap(Origin::parent).map(ActorId::value).orElse(""),
            c.origin().map(Origin::manifestToml).orElse(null),
            c.origin().map(Origin::moduleRef).orElse(null));
    // A blocking executeOnKey on one of our committer threads: on a small machine Hazelcast's
    // asynchronous completions cost more than a parked thread (measured: 16 threads doing
    // synchronous entry-processor calls reach ~23k ops/s, the async API with callbacks ~1.7k).
    return CompletableFuture.runAsync(
        () -> {
          String refusal = ClusterErrors.call(() -> actors.executeOnKey(c.actor().value(), append));
          if (refusal != null) {
            throw new StaleAppendException(refusal);
          }
        },
        committers);
  }

  /** This member's UUID: it changes when the member rejoins after a split. */
  private String member() {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  /** The cluster's view of actor {@code id}. */
  public Optional<ActorSummary> describe(ActorId id) {
    return Optional.ofNullable(
        ClusterErrors.call(() -> actors.executeOnKey(id.value(), new ReadProcessor.Summary())));
  }

  public ActorSummary require(ActorId id) {
    return describe(id).orElseThrow(() -> new ActorNotFoundException("no actor " + id));
  }

  /** Every actor the cluster knows, in id order. */
  public List<ActorSummary> list() {
    Collection<ActorSummary> all =
        ClusterErrors.call(() -> actors.executeOnEntries(new ReadProcessor.Summary())).values();
    List<ActorSummary> out = new ArrayList<>(all);
    out.sort(java.util.Comparator.comparing(ActorSummary::id));
    return out;
  }

  /** Committed events {@code from <= seq < to} of actor {@code id}, read in pages. */
  public List<ChainEvent> chain(ActorId id, long from, long to) {
    List<ChainEvent> out = new ArrayList<>();
    long next = from;
    while (next < to) {
      long end = Math.min(to, next + PAGE);
      long first = next;
      String lines =
          ClusterErrors.call(
              () -> actors.executeOnKey(id.value(), new ReadProcessor.Range(first, end)));
      if (lines == null) {
        throw new ActorNotFoundException("no actor " + id);
      }
      List<ChainEvent> page = ChainCodec.read(new StringReader(lines));
      out.addAll(page);
      if (page.size() < end - next) {
        break;
      }
      next = end;
    }
    return out;
  }

  /** The state of the last committed turn, and the chain length it belongs to. */
  public StateSnapshot state(ActorId id) {
    StateSnapshot s =
        ClusterErrors.call(() -> actors.executeOnKey(id.value(), new ReadProcessor.State()));
    if (s == null) {
      throw new ActorNotFoundException("no actor " + id);
    }
    return s;
  }

  /** Modules by content, shared by every node. */
  public ModuleSource.Repository modules() {
    return new ModuleSource.Repository() {
      @Override
      public void put(String ref, byte[] bytes) {
        ClusterErrors.call(
            () -> {
              modules.set(ref, bytes);
              return null;
            });
      }

      @Override
      public Optional<byte[]> get(String ref) {
        return Optional.ofNullable(ClusterErrors.call(() -> modules.get(ref)));
      }
    };
  }

  /**
   * Takes actor {@code id} over for this node if its record still names member {@code formerMember}
   * as its home: bumps the epoch (from then on the former home's appends are refused) and names
   * this node. Runs on the partition owner, atomically.
   *
   * @return what the actor continues from, or empty when the record moved on meanwhile
   */
  public Optional<Takeover> takeOver(ActorId id, String formerMember, String node) {
    return Optional.ofNullable(
        ClusterErrors.call(
            () ->
                actors.executeOnKey(
                    id.value(), new TakeoverProcessor(formerMember, node, member()))));
  }

  /**
   * This member gives actor {@code id} up (it runs no copy any more): if the record still names
   * this member in {@code epoch}, it is marked released, and the partition owner takes the actor
   * over.
   *
   * @return whether the record was released
   */
  public boolean release(ActorId id, long epoch) {
    return ClusterErrors.call(
        () -> actors.executeOnKey(id.value(), new ReleaseProcessor(epoch, member())));
  }

  /** Whether a record's member says its home gave the actor up. */
  public static boolean released(ActorSummary s) {
    return ReleaseProcessor.RELEASED.equals(s.member());
  }

  /** The ids of the actors whose records this member holds as partition owner. */
  public java.util.Set<String> localActorIds() {
    return ClusterErrors.call(actors::localKeySet);
  }
}
