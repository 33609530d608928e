package io.troupe.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.troupe.proto.v1.Deliver;
import io.troupe.proto.v1.Envelope;
import io.troupe.proto.v1.EnvelopeBatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What goes out on a node link: batches bounded in count and bytes, nothing lost or reordered. */
class PeerLinkTest {
  @Test
  void batchesStayUnderTheirByteBoundAndKeepEveryEnvelopeInOrder() {
    PeerLink link = new PeerLink("uuid", "peer", new Envelopes(new ObjectMapper()));
    List<EnvelopeBatch> sent = new ArrayList<>();
    // queued while not attached: they go out once the stream is there
    byte[] mib = new byte[1 << 20];
    for (int i = 0; i < 20; i++) {
      link.send(
          Envelope.newBuilder()
              .setDeliver(
                  Deliver.newBuilder()
                      .setCorrelation(i)
                      .setMessageJson(ByteString.copyFrom(i == 7 ? new byte[6 << 20] : mib)))
              .build());
    }
    link.attach(
        new StreamObserver<>() {
          @Override
          public void onNext(EnvelopeBatch b) {
            sent.add(b);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    List<Long> order = new ArrayList<>();
    for (EnvelopeBatch b : sent) {
      assertThat(
              b.getSerializedSize() <= PeerLink.MAX_BATCH_BYTES + 64 || b.getEnvelopesCount() == 1)
          .as("a batch of %d envelopes, %d bytes", b.getEnvelopesCount(), b.getSerializedSize())
          .isTrue();
      b.getEnvelopesList().forEach(e -> order.add(e.getDeliver().getCorrelation()));
    }
    assertThat(order)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 20).boxed().toList());
    assertThat(sent.size()).isGreaterThan(5);
  }

  /** A stream towards a peer whose readiness the test sets, as gRPC's flow control would. */
  private static final class Stream extends io.grpc.stub.CallStreamObserver<EnvelopeBatch> {
    volatile boolean ready;
    final List<EnvelopeBatch> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    public void onNext(EnvelopeBatch b) {
      sent.add(b);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  @Test
  void aPeerThatDoesNotReadGetsNothingMore_andCallsToItFailOnceTheQueueIsFull() throws Exception {
    PeerLink link = new PeerLink("uuid", "peer", new Envelopes(new ObjectMapper()));
    Stream stream = new Stream();
    link.attach(stream); // not ready: the peer's window is full
    byte[] mib = new byte[1 << 20];
    int accepted = 0;
    while (link.send(
        Envelope.newBuilder()
            .setDeliver(Deliver.newBuilder().setMessageJson(ByteString.copyFrom(mib)))
            .build())) {
      accepted++;
    }
    assertThat(stream.sent).isEmpty();
    assertThat(accepted).isBetween(60, 64);
    assertThat(link.queuedBytes()).isLessThanOrEqualTo(PeerLink.MAX_QUEUED_BYTES);
    var refused =
        link.call(
            io.troupe.proto.v1.Deliver.Kind.OP_CANCEL,
            "x",
            com.fasterxml.jackson.databind.node.TextNode.valueOf("x".repeat(2 << 20)));
    assertThat(refused).isCompletedExceptionally();
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(() -> refused.get().toString())
                .getCause())
        .isInstanceOf(io.troupe.error.UnavailableException.class)
        .hasMessageContaining("backed up");

    stream.ready = true; // the peer reads again: gRPC says the stream is ready
    link.ready();
    long envelopes = stream.sent.stream().mapToLong(EnvelopeBatch::getEnvelopesCount).sum();
    assertThat(envelopes).isEqualTo(accepted);
    assertThat(link.queuedBytes()).isZero();
  }
}
