package io.troupe.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.ActorId;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.Delivery;
import io.troupe.dispatch.Work;
import io.troupe.home.Inbound;
import io.troupe.home.NodeRef;
import io.troupe.proto.v1.ChannelBack;
import io.troupe.proto.v1.Deliver;
import io.troupe.proto.v1.Envelope;
import io.troupe.proto.v1.Load;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a peer's envelopes ask of this node, handed to its {@link Inbound}: deliveries and operation
 * calls (each answered with a {@code Reply} on the link it came on), load reports, and what the
 * peer's actors say on channels opened from here. What an actor here says on a channel opened from
 * the peer goes back on the peer's link.
 */
final class InboundDispatch {
  private final Envelopes envelopes;
  private volatile Inbound inbound;

  InboundDispatch(Envelopes envelopes) {
    this.envelopes = envelopes;
  }

  /** Hands what peers send to {@code inbound} from now on. */
  void start(Inbound inbound) {
    this.inbound = inbound;
  }

  /** Peer {@code from} reported its load. */
  void load(PeerLink from, Load load) {
    inbound.load(from.peerName(), load.getDepth(), load.getCapacity(), load.getCpu());
  }

  /** A peer's actor said something (or closed) on a channel opened from this node. */
  void channelBack(ChannelBack b) {
    inbound.channelBack(
        b.getChannelId(),
        ActorId.of(b.getFromActor()),
        b.hasMessageJson() ? Optional.of(envelopes.tree(b.getMessageJson())) : Optional.empty(),
        b.getClosedReason());
  }

  /**
   * Runs what peer {@code from} asked (a delivery, or an operation's run, cancel or result) and
   * answers it on {@code from} with a reply of the same correlation: the result, or the error.
   */
  void deliver(PeerLink from, Deliver in) {
    long c = in.getCorrelation();
    CompletableFuture<JsonNode> result;
    try {
      result =
          switch (in.getKind()) {
            case OP_RUN ->
                inbound
                    .runOperation(Work.fromJson(envelopes.tree(in.getMessageJson())))
                    .thenApply(v -> null);
            case OP_CANCEL -> {
              inbound.cancelOperation(envelopes.tree(in.getMessageJson()).path("op_id").asText());
              yield CompletableFuture.completedFuture(null);
            }
            case OP_RESULT ->
                inbound
                    .operationResult(
                        ActorId.of(in.getTarget()),
                        envelopes.result(envelopes.tree(in.getMessageJson())),
                        new NodeRef(from.peerName(), from.peerUuid()))
                    .thenApply(v -> null);
            default -> {
              Delivery d = envelopes.delivery(in);
              yield inbound.deliver(d, in.getHops(), backTo(from, d.target()));
            }
          };
    } catch (RuntimeException ex) {
      result = CompletableFuture.failedFuture(ex);
    }
    result.whenComplete(
        (v, ex) ->
            from.send(
                Envelope.newBuilder()
                    .setReply(
                        envelopes.reply(
                            c, v, ex == null ? null : io.troupe.error.Errors.unwrap(ex)))
                    .build()));
  }

  /** Sends what an actor here says on a channel opened from the peer back to the peer. */
  private ChannelListener backTo(PeerLink link, ActorId actor) {
    return new ChannelListener() {
      @Override
      public void onMessage(String channelId, JsonNode message) {
        link.send(
            Envelope.newBuilder()
                .setChannelBack(
                    ChannelBack.newBuilder()
                        .setChannelId(channelId)
                        .setFromActor(actor.value())
                        .setMessageJson(envelopes.json(message)))
                .build());
      }

      @Override
      public void onClose(String channelId, String reason) {
        link.send(
            Envelope.newBuilder()
                .setChannelBack(
                    ChannelBack.newBuilder()
                        .setChannelId(channelId)
                        .setFromActor(actor.value())
                        .setClosedReason(reason == null ? "" : reason))
                .build());
      }
    };
  }
}
