package io.troupe.cluster;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.chain.EventHash;
import io.troupe.home.ActorSummary;
import io.troupe.home.NodeRef;
import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;

/** A record's summary as it crosses the cluster (read on the partition's owner). */
record SummaryData(
    String id,
    String name,
    String node,
    String member,
    long epoch,
    String status,
    boolean handedOff,
    long chainLength,
    byte[] head,
    String module,
    String parent)
    implements Serializable {

  ActorSummary typed() {
    return new ActorSummary(
        ActorId.of(id),
        name,
        new NodeRef(node, member),
        epoch,
        ActorStatus.valueOf(status.toUpperCase(Locale.ROOT)),
        handedOff,
        chainLength,
        EventHash.of(head),
        module,
        parent == null || parent.isEmpty() ? Optional.empty() : Optional.of(ActorId.of(parent)));
  }
}
