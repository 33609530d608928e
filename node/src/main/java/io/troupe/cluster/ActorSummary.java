package io.troupe.cluster;

import java.io.Serializable;

/**
 * What the cluster says about an actor, without its chain: home node, epoch, status, committed
 * chain length and head.
 */
public record ActorSummary(
    String id,
    String name,
    String node,
    long epoch,
    String status,
    long chainLength,
    byte[] head,
    String module,
    String parent,
    String member)
    implements Serializable {}
