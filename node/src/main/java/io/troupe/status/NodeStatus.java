package io.troupe.status;

import java.util.List;

/**
 * What the status page shows, as {@code GET /status.json} serves it: the cluster as this node sees
 * it.
 *
 * @param cluster the cluster's name
 * @param node this node's name
 * @param quorum whether this node's side of the cluster has its quorum (accepts writes)
 * @param partitions the cluster's partition count
 * @param members the live members, each with the partitions it owns and its dispatcher load
 * @param actors the actors the cluster knows, in id order, at most {@link #MAX_ACTORS}
 * @param actorsTotal how many actors there are in all ({@code -1}: unknown, see {@code
 *     actorsError})
 * @param actorsError why the actors could not be read (no quorum), or null
 * @param failovers the last actors this node took over, newest first
 * @param atMillis when this was read (epoch milliseconds)
 */
public record NodeStatus(
    String cluster,
    String node,
    boolean quorum,
    int partitions,
    List<Member> members,
    List<Actor> actors,
    int actorsTotal,
    String actorsError,
    List<Failover> failovers,
    long atMillis) {

  /** The page lists at most this many actors; {@code actorsTotal} counts them all. */
  public static final int MAX_ACTORS = 1000;

  public NodeStatus {
    members = List.copyOf(members);
    actors = List.copyOf(actors);
    failovers = List.copyOf(failovers);
  }

  /**
   * A live member.
   *
   * @param hazelcast its Hazelcast address
   * @param grpc its client API address
   * @param partitions the partitions it owns
   * @param actors the live actors whose home it is
   * @param local whether it is this node
   * @param load its dispatcher load: its own for this node, the last report for a peer (null when
   *     none is current)
   */
  public record Member(
      String name,
      String hazelcast,
      String grpc,
      int partitions,
      int actors,
      boolean local,
      Load load) {}

  /**
   * A dispatcher's load.
   *
   * @param depth operations running and waiting
   * @param capacity worker slots
   * @param cpu the process's CPU load, 0..1
   */
  public record Load(int depth, int capacity, double cpu) {}

  /**
   * An actor's record.
   *
   * @param home the node it runs on (or ran on last)
   * @param epoch bumped by every move
   * @param status starting, running, restarting, stopped or failed
   * @param handedOff its home gave it up and its partition's new owner has not taken it over yet
   * @param chainLength committed events
   * @param head the hash of its last committed event, hex
   * @param parent the actor that spawned it, or null
   */
  public record Actor(
      String id,
      String name,
      String home,
      long epoch,
      String status,
      boolean handedOff,
      long chainLength,
      String head,
      String parent) {}

  /**
   * An actor this node took over.
   *
   * @param from its former home
   * @param epoch its new epoch
   * @param reason why it moved
   * @param atMillis when it ran again here
   * @param tookMillis how long the takeover took
   */
  public record Failover(
      String actor, String from, long epoch, String reason, long atMillis, long tookMillis) {}
}
