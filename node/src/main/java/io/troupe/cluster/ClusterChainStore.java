package io.troupe.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.troupe.actor.ActorId;
import io.troupe.actor.ChainStore;
import io.troupe.actor.ModuleSource;
import io.troupe.chain.ChainEvent;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.ActorRunningException;
import io.troupe.error.StaleAppendException;
import io.troupe.home.ActorDefinition;
import io.troupe.home.ActorSummary;
import io.troupe.home.NodeRef;
import io.troupe.home.Records;
import io.troupe.home.Takeover;
import io.troupe.store.ActorStore;
import io.troupe.store.StoredActor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's record of every actor, in one Hazelcast map ({@value #ACTORS}) with synchronous
 * backups: the {@link ChainStore} that commits each actor's turns by a fenced append on its
 * partition's owner, and the reads the client API answers from any node. Modules live in a second
 * map ({@value #MODULES}), by content.
 */
public final class ClusterChainStore implements ChainStore, Records {
  private static final Logger log = LoggerFactory.getLogger(ClusterChainStore.class);
  public static final String ACTORS = "troupe.actors";
  public static final String MODULES = "troupe.modules";

  private final IMap<String, ActorRecord> actors;
  private final IMap<String, byte[]> modules;

  private final Executor committers;
  private final HazelcastInstance hz;
  private final ActorStore store; // null: nothing on disk
  private final ChainPages pages;

  /**
   * @param committers the threads that run commits (each blocks on one commit's round trip; the
   *     completion, which releases acknowledgements and submits the actor's next commit, runs there
   *     too)
   */
  public ClusterChainStore(HazelcastInstance hz, Executor committers, Optional<ActorStore> store) {
    this.committers = committers;
    this.store = store.orElse(null);
    this.hz = hz;
    this.actors = hz.getMap(ACTORS);
    this.modules = hz.getMap(MODULES);
    this.pages = new ChainPages(actors, this.store);
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
                c.origin().map(Origin::moduleRef).orElse(null))
            .trimmed(store != null);
    // A blocking executeOnKey on one of our committer threads: on a small machine Hazelcast's
    // asynchronous completions cost more than a parked thread (measured: 16 threads doing
    // synchronous entry-processor calls reach ~23k ops/s, the async API with callbacks ~1.7k).
    Runnable replicate =
        () -> {
          String refusal = ClusterErrors.call(() -> actors.executeOnKey(c.actor().value(), append));
          if (refusal != null) {
            throw new StaleAppendException(refusal);
          }
        };
    // on disk first (the durable store fences too), then into the replicated record: the store
    // always holds at least what the record holds
    return store == null
        ? CompletableFuture.runAsync(replicate, committers)
        : store.append(c).thenRunAsync(replicate, committers);
  }

  /** This member's UUID: it changes when the member rejoins after a split. */
  private String member() {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public boolean retainsHistory() {
    return store != null;
  }

  @Override
  public void keepState(byte[] state) {
    if (store != null) {
      committers.execute(
          () -> {
            try {
              store.content().put(state);
            } catch (RuntimeException e) {
              log.warn("a checkpoint's state was not kept: {}", e.getMessage());
            }
          });
    }
  }

  /** The state with SHA-256 {@code hex} that a checkpoint named, if the store kept it. */
  public Optional<byte[]> keptState(String hex) {
    return store == null ? Optional.empty() : store.content().get("sha256:" + hex);
  }

  /** The manifest and module reference actor {@code id} was started from, if it is known. */
  public Optional<ActorDefinition> definition(ActorId id) {
    ActorRecord r = ClusterErrors.call(() -> actors.get(id.value()));
    return r == null || r.manifest == null
        ? Optional.empty()
        : Optional.of(new ActorDefinition(r.manifest, r.moduleRef));
  }

  @Override
  public Optional<ActorSummary> describe(ActorId id) {
    return Optional.ofNullable(
            ClusterErrors.call(() -> actors.executeOnKey(id.value(), new ReadProcessor.Summary())))
        .map(SummaryData::typed);
  }

  /**
   * What a client reads of actor {@code id}: the cluster's record, or (for an actor that stopped
   * before the cluster last restarted) the durable store's.
   */
  public ActorSummary require(ActorId id) {
    return find(id).orElseThrow(() -> new ActorNotFoundException("no actor " + id));
  }

  /**
   * Actor {@code id} as a client reads it — the cluster's record, else the durable store's — if
   * either has it: live, stopped or failed, its id is taken.
   */
  public Optional<ActorSummary> find(ActorId id) {
    return describe(id).or(() -> stored(id).map(ClusterChainStore::summary));
  }

  private Optional<StoredActor> stored(ActorId id) {
    return store == null ? Optional.empty() : store.record(id);
  }

  private static ActorSummary summary(StoredActor s) {
    return new ActorSummary(
        s.id(),
        s.name(),
        new NodeRef(s.node(), ""),
        s.epoch(),
        s.status(),
        false,
        s.length(),
        s.head(),
        "sha256:" + s.moduleSha256(),
        s.parent());
  }

  /**
   * Every actor the cluster knows, in id order: with a durable store, every actor it holds (stopped
   * ones too); without, every record in the cluster.
   */
  public List<ActorSummary> list() {
    if (store != null) {
      List<ActorSummary> out = new ArrayList<>();
      for (StoredActor s : store.records()) {
        out.add(describe(s.id()).orElseGet(() -> summary(s)));
      }
      return out;
    }
    Collection<SummaryData> all =
        ClusterErrors.call(() -> actors.executeOnEntries(new ReadProcessor.Summary())).values();
    List<ActorSummary> out = new ArrayList<>();
    all.forEach(d -> out.add(d.typed()));
    out.sort(java.util.Comparator.comparing(a -> a.id().value()));
    return out;
  }

  /**
   * Up to {@code max} committed events of actor {@code id} from {@code from} on (fewer at the
   * chain's end): from the durable store (which has them all), else from the cluster's record.
   */
  public List<ChainEvent> page(ActorId id, long from, int max) {
    return pages.page(id, from, max);
  }

  /**
   * Where retention left the chain of actor {@code id} beginning: the last event it let go of;
   * empty while the whole chain is kept.
   */
  public Optional<ActorStore.Anchor> anchor(ActorId id) {
    return store == null ? Optional.empty() : store.anchor(id);
  }

  /** Committed events {@code from <= seq < to} of actor {@code id}, read in pages. */
  public List<ChainEvent> chain(ActorId id, long from, long to) {
    return pages.chain(id, from, to);
  }

  /** The state of the last committed turn, and the chain length it belongs to. */
  public StateSnapshot state(ActorId id) {
    StateSnapshot s =
        ClusterErrors.call(() -> actors.executeOnKey(id.value(), new ReadProcessor.State()));
    if (s == null) {
      return stored(id)
          .map(a -> new StateSnapshot(a.state(), a.length()))
          .orElseThrow(() -> new ActorNotFoundException("no actor " + id));
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

  @Override
  public Optional<Takeover> takeOver(ActorId id, NodeRef formerHome, NodeRef self) {
    return Optional.ofNullable(
            ClusterErrors.call(
                () ->
                    actors.executeOnKey(
                        id.value(),
                        new TakeoverProcessor(formerHome.member(), self.name(), self.member()))))
        .map(TakeoverData::typed);
  }

  @Override
  public Optional<Takeover> revive(ActorId id, NodeRef self) {
    return Optional.ofNullable(
            ClusterErrors.call(
                () ->
                    actors.executeOnKey(
                        id.value(), new ReviveProcessor(self.name(), self.member()))))
        .map(TakeoverData::typed);
  }

  /**
   * Deletes ended actor {@code id}'s record and chain, from the durable store first (what a restart
   * reads), then from the cluster's record.
   *
   * @throws ActorNotFoundException when there is no such actor
   * @throws ActorRunningException when it is live: stop it first
   */
  public void remove(ActorId id) {
    ActorSummary s = require(id);
    if (s.live()) {
      throw new ActorRunningException(
          "actor "
              + id
              + " is "
              + s.status().name().toLowerCase()
              + ": stop it before removing it");
    }
    boolean stored = store != null && store.remove(id);
    String outcome =
        ClusterErrors.call(() -> actors.executeOnKey(id.value(), new RemoveProcessor()));
    if (!outcome.equals(RemoveProcessor.REMOVED) && !outcome.equals(RemoveProcessor.NONE)) {
      throw new ActorRunningException(
          "actor " + id + " is " + outcome + ": stop it before removing it");
    }
    if (!stored && outcome.equals(RemoveProcessor.NONE)) {
      throw new ActorNotFoundException("no actor " + id);
    }
  }

  @Override
  public boolean handOff(ActorId id, long epoch, NodeRef self) {
    return ClusterErrors.call(
        () -> actors.executeOnKey(id.value(), new HandOffProcessor(epoch, self.member())));
  }

  @Override
  public boolean restore(StoredActor s, long epoch, NodeRef self) {
    return ClusterErrors.call(
        () -> actors.executeOnKey(s.id().value(), new RestoreProcessor(record(s, epoch, self))));
  }

  private static ActorRecord record(StoredActor s, long epoch, NodeRef self) {
    return RestoreProcessor.record(
        s.id().value(),
        s.name(),
        "sha256:" + s.moduleSha256(),
        s.parent().map(ActorId::value).orElse(""),
        epoch,
        self.name(),
        self.member(),
        s.manifestToml(),
        s.moduleRef(),
        s.status().name().toLowerCase(java.util.Locale.ROOT),
        s.events(),
        s.state(),
        s.length());
  }

  @Override
  public boolean catchUp(StoredActor s, long epoch, NodeRef self) {
    ActorSummary r = describe(s.id()).orElse(null);
    if (r == null || r.epoch() != epoch) {
      return false;
    }
    if (r.chainLength() >= s.length()) {
      return r.chainLength() == s.length();
    }
    int skip = (int) (r.chainLength() - (s.length() - s.events().size()));
    if (skip < 0) {
      // The store's part starts after the record's end (the commit the record missed also held a
      // checkpoint): the record starts over from the store's part, as a record trimmed there would.
      return ClusterErrors.call(
          () ->
              actors.executeOnKey(
                  s.id().value(), new RestoreProcessor(record(s, epoch, self), true)));
    }
    List<ChainEvent> missing = s.events().subList(skip, s.events().size());
    if (!missing.get(0).parent().equals(r.head())) {
      log.warn("actor {}: its record and the store disagree at event {}", s.id(), r.chainLength());
      return false;
    }
    AppendProcessor append =
        new AppendProcessor(
                epoch,
                r.chainLength(),
                r.head(),
                missing,
                s.state(),
                s.status().name().toLowerCase(java.util.Locale.ROOT),
                self.name(),
                self.member(),
                null,
                null,
                null,
                null,
                null)
            .trimmed(store != null);
    return ClusterErrors.call(() -> actors.executeOnKey(s.id().value(), append)) == null;
  }

  @Override
  public Set<ActorId> ownedHere() {
    Set<ActorId> out = new java.util.HashSet<>();
    ClusterErrors.call(actors::localKeySet).forEach(k -> out.add(ActorId.of(k)));
    return out;
  }
}
