package io.troupe.api;

import com.google.protobuf.ByteString;
import io.troupe.actor.ActorId;
import io.troupe.chain.Receipt;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.home.ActorSummary;
import io.troupe.security.NodeKey;
import java.time.Clock;

/**
 * Signs receipts for what this node acknowledges (docs/chain.md, "Receipts"): the head of an
 * actor's committed chain as the cluster's record holds it, which — the chain being append-only —
 * contains every event acknowledged before.
 */
public final class Receipts {
  private final NodeKey key;
  private final String node;
  private final ClusterChainStore records;
  private final Clock clock;

  public Receipts(NodeKey key, String node, ClusterChainStore records, Clock clock) {
    this.key = key;
    this.node = node;
    this.records = records;
    this.clock = clock;
  }

  /** A receipt for actor {@code id}'s committed head now. */
  Receipt head(ActorId id) {
    return of(records.require(id));
  }

  Receipt of(ActorSummary s) {
    return key.sign(s.id().value(), s.chainLength() - 1, s.head(), s.epoch(), node, clock.millis());
  }

  static io.troupe.proto.v1.Receipt proto(Receipt r) {
    return io.troupe.proto.v1.Receipt.newBuilder()
        .setActor(r.actor())
        .setSeq(r.seq())
        .setHead(ByteString.copyFrom(r.head().toBytes()))
        .setEpoch(r.epoch())
        .setNode(r.node())
        .setTimeMs(r.timeMillis())
        .setPublicKey(ByteString.copyFrom(r.publicKey()))
        .setSignature(ByteString.copyFrom(r.signature()))
        .build();
  }
}
