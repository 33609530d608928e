package io.troupe.api;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.error.UnavailableException;
import io.troupe.home.ActorSummary;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.GetHeadResponse;
import io.troupe.proto.v1.SubscribeChainRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.proto.v1.VerifyChainResponse;
import java.util.Optional;

/**
 * The chain calls of the client API: exports and subscriptions (streamed, page by page, under gRPC
 * flow control), verification and signed heads. Ids are checked for the caller's right to read them
 * before they get here.
 */
final class ChainReads {
  private final ActorSystem system;
  private final ClusterChainStore records;
  private final Forwarding forwarding;
  private final Receipts receipts;

  ChainReads(
      ActorSystem system, ClusterChainStore records, Forwarding forwarding, Receipts receipts) {
    this.system = system;
    this.records = records;
    this.forwarding = forwarding;
    this.receipts = receipts;
  }

  /**
   * Committed events from the request's seq on: backfill, then live while the actor runs (on its
   * home: a subscription made elsewhere is relayed there); an ended actor's chain, then the end.
   */
  void subscribe(
      SubscribeChainRequest req, ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    try {
      ActorId id = TroupeApi.readable(req.getId());
      Optional<TroupeGrpc.TroupeStub> home = forwarding.home(id);
      if (home.isPresent()) {
        home.get().subscribeChain(req, Forwarding.relayStream(out));
        return;
      }
      Optional<ActorHandle> actor = system.find(id);
      long from = ChainExport.firstSeq(records, id, req.getFromSeq());
      if (actor.isPresent()) {
        ChainFeed.start(actor.get(), from, (f, t) -> records.chain(id, f, t), out);
        return;
      }
      ActorSummary s = records.require(id); // NOT_FOUND when the cluster does not know it either
      if (s.live()) {
        throw new UnavailableException(
            "actor " + id + " is not active on its home node " + system.nodeName() + "; retry");
      }
      // it has ended: its whole chain, and the end of the stream
      ChainExport.start(records, id, from, s.chainLength(), out);
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  /** The committed chain from {@code from_seq} to {@code to_seq} (0: its length now). */
  void export(GetChainRequest req, ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    try {
      ActorId id = TroupeApi.readable(req.getId());
      long to = req.getToSeq() == 0 ? records.require(id).chainLength() : req.getToSeq();
      ChainExport.start(records, id, req.getFromSeq(), to, out);
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  VerifyChainResponse verify(ActorId id) {
    ActorSummary s = records.require(id);
    ChainCheck check = ChainCheck.of(records, id, s);
    return VerifyChainResponse.newBuilder()
        .setValid(check.problem().isEmpty())
        .setEvents(check.events())
        .setProblem(check.problem())
        .setHead(ByteString.copyFrom(check.head().toBytes()))
        .build();
  }

  /** The chain's head, with a receipt signed by this node when {@code signed}. */
  GetHeadResponse head(ActorId id, boolean signed) {
    ActorSummary s = records.require(id);
    GetHeadResponse.Builder b =
        GetHeadResponse.newBuilder()
            .setLength(s.chainLength())
            .setHead(ByteString.copyFrom(s.head().toBytes()))
            .setEpoch(s.epoch());
    if (signed) {
      b.setReceipt(Receipts.proto(receipts.of(s)));
    }
    return b.build();
  }
}
