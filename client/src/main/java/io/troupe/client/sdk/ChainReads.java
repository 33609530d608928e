package io.troupe.client.sdk;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.proto.v1.ChainEvent;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.SubscribeChainRequest;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A client's blocking reads of actors' chains, event by event with failover (a {@link ChainStream}
 * from the node that answered last): an export of committed events, which gives up when no event
 * comes for the attempt timeout, and a follow, which waits for an idle actor as long as it likes.
 * Errors come out in the client's words, as a {@link TroupeClientException}.
 */
final class ChainReads {
  private final Calls calls;
  private final Duration attempt;

  /**
   * @param attempt how long an export waits for its next event before trying another node
   */
  ChainReads(Calls calls, Duration attempt) {
    this.calls = calls;
    this.attempt = attempt;
  }

  /**
   * Streams actor {@code id}'s committed events {@code fromSeq <= seq < toSeq} ({@code toSeq} 0: to
   * the chain's length when the read begins) into {@code sink}.
   *
   * @return how many events {@code sink} got
   */
  long export(String id, long fromSeq, long toSeq, Consumer<ChainEvent> sink) {
    return stream(
        attempt,
        (stub, from, observer) ->
            stub.getChain(
                GetChainRequest.newBuilder().setId(id).setFromSeq(from).setToSeq(toSeq).build(),
                observer),
        fromSeq,
        sink);
  }

  /**
   * Streams actor {@code id}'s committed events from {@code fromSeq} on, then each commit's as it
   * happens, into {@code sink} until the actor stops (or the calling thread is interrupted).
   *
   * @return how many events {@code sink} got
   */
  long follow(String id, long fromSeq, Consumer<ChainEvent> sink) {
    return stream(
        Duration.ofDays(365), // an idle actor sends nothing for as long as it likes
        (stub, from, observer) ->
            stub.subscribeChain(
                SubscribeChainRequest.newBuilder().setId(id).setFromSeq(from).build(), observer),
        fromSeq,
        sink);
  }

  private long stream(
      Duration idle, ChainStream.Opener opener, long fromSeq, Consumer<ChainEvent> sink) {
    try {
      return new ChainStream(calls.channels(), idle, calls.deadline())
          .read(calls.current(), fromSeq, opener, sink);
    } catch (StatusRuntimeException e) {
      throw calls.translate(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TroupeClientException(Status.Code.CANCELLED, "", "interrupted", e);
    }
  }
}
