package io.troupe.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.ReplicaMigrationEvent;
import io.troupe.actor.ActorId;
import io.troupe.home.Members;
import io.troupe.home.NodeRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This node's Hazelcast member, as the home room sees it ({@link Members}), plus what the node's
 * wiring and status report need: membership events, addresses, partition counts.
 */
public final class HazelcastMembers implements Members, AutoCloseable {
  /** Membership changes, and this member stopping under the node. */
  public interface Listener {
    void joined(NodeRef node);

    void left(NodeRef node);

    /**
     * Partitions changed owners (backups promoted after a member left, or a migration finished):
     * actors this node now owns may need a home.
     */
    void partitionsMoved();

    /** Hazelcast stopped while the node did not ask it to (terminated, or out of memory). */
    void stopped();
  }

  private final HazelcastInstance hz;
  private final int quorum;
  private volatile boolean closing;

  private HazelcastMembers(HazelcastInstance hz, int quorum) {
    this.hz = hz;
    this.quorum = quorum;
  }

  /** Starts this node's member and joins the cluster its settings name. */
  public static HazelcastMembers join(MemberSettings settings) {
    return new HazelcastMembers(
        Hazelcast.newHazelcastInstance(HazelcastSetup.config(settings)), settings.quorum());
  }

  /** The Hazelcast member itself: for tests, raw baselines and operations tooling. */
  public HazelcastInstance instance() {
    return hz;
  }

  public void listen(Listener listener) {
    hz.getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {
                listener.joined(ref(e.getMember()));
              }

              @Override
              public void memberRemoved(MembershipEvent e) {
                listener.left(ref(e.getMember()));
              }
            });
    hz.getPartitionService()
        .addMigrationListener(
            new MigrationListener() {
              @Override
              public void migrationStarted(MigrationState state) {}

              @Override
              public void migrationFinished(MigrationState state) {
                listener.partitionsMoved();
              }

              @Override
              public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
                if (event.getReplicaIndex() == 0) {
                  listener.partitionsMoved();
                }
              }

              @Override
              public void replicaMigrationFailed(ReplicaMigrationEvent event) {}
            });
    hz.getLifecycleService()
        .addLifecycleListener(
            e -> {
              if (e.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN && !closing) {
                listener.stopped();
              }
            });
  }

  @Override
  public NodeRef self() {
    return ref(hz.getCluster().getLocalMember());
  }

  @Override
  public List<NodeRef> live() {
    List<NodeRef> out = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) {
      out.add(ref(m));
    }
    return out;
  }

  @Override
  public Optional<NodeRef> owner(ActorId id) {
    Member owner =
        ClusterErrors.call(() -> hz.getPartitionService().getPartition(id.value()).getOwner());
    return owner == null ? Optional.empty() : Optional.of(ref(owner));
  }

  @Override
  public boolean quorum() {
    return hz.getSplitBrainProtectionService()
        .getSplitBrainProtection(HazelcastSetup.QUORUM)
        .hasMinimumSize();
  }

  /**
   * Waits up to {@code max} until this member counts a quorum: a cluster of one has it within
   * moments of starting (Hazelcast counts a member in after its first heartbeat).
   */
  public void awaitQuorum(java.time.Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!quorum() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20); // start-up only
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String quorumDescription() {
    return hz.getCluster().getMembers().size() + " member(s) here, " + quorum + " needed";
  }

  /** The gRPC address {@code node} announced, if it is a member. */
  /** The Ed25519 public key (raw, base64) that signs {@code node}'s receipts. */
  public Optional<String> publicKey(NodeRef node) {
    return member(node).map(m -> (String) m.getAttribute(HazelcastSetup.ATTR_KEY));
  }

  public Optional<String> grpcAddress(NodeRef node) {
    return member(node).map(m -> String.valueOf((Object) m.getAttribute(HazelcastSetup.ATTR_GRPC)));
  }

  /** The address of {@code node}'s node links, if it is a member. */
  public Optional<String> linkAddress(NodeRef node) {
    return member(node).map(m -> String.valueOf((Object) m.getAttribute(HazelcastSetup.ATTR_LINK)));
  }

  /** The Hazelcast address of {@code node}, if it is a member. */
  public Optional<String> hazelcastAddress(NodeRef node) {
    return member(node).map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort());
  }

  /** How many partitions each member owns. */
  public Map<NodeRef, Integer> partitionsOwned() {
    Map<NodeRef, Integer> out = new HashMap<>();
    for (Partition p : hz.getPartitionService().getPartitions()) {
      Member o = p.getOwner();
      if (o != null) {
        out.merge(ref(o), 1, Integer::sum);
      }
    }
    return out;
  }

  public int partitions() {
    return hz.getPartitionService().getPartitions().size();
  }

  /** Whether every partition has an owner and its backups are in sync. */
  public boolean settled() {
    return hz.getPartitionService().isClusterSafe()
        && hz.getPartitionService().getPartitions().stream().allMatch(p -> p.getOwner() != null);
  }

  public String localAddress() {
    return hz.getCluster().getLocalMember().getAddress().toString();
  }

  private Optional<Member> member(NodeRef node) {
    return hz.getCluster().getMembers().stream()
        .filter(m -> m.getUuid().toString().equals(node.member()))
        .findFirst();
  }

  private static NodeRef ref(Member m) {
    String name = m.getAttribute(HazelcastSetup.ATTR_NAME);
    return new NodeRef(name == null ? m.getAddress().toString() : name, m.getUuid().toString());
  }

  /** Leaves the cluster gracefully. */
  @Override
  public void close() {
    closing = true;
    hz.shutdown();
  }
}
