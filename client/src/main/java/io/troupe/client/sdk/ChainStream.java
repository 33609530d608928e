package io.troupe.client.sdk;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.troupe.proto.v1.ChainEvent;
import io.troupe.proto.v1.TroupeGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads a stream of chain events (an export or a subscription) event by event, in constant memory:
 * the client lets at most {@link #WINDOW} events be in flight (gRPC flow control: it asks for more
 * as it hands them on), gives up only when no event comes for the idle timeout, and when a node
 * fails mid-stream goes on from the event after the last one received, on the next node.
 */
final class ChainStream {
  /** Opens the stream from {@code fromSeq} on {@code stub}, into {@code observer}. */
  @FunctionalInterface
  interface Opener {
    void open(
        TroupeGrpc.TroupeStub stub,
        long fromSeq,
        ClientResponseObserver<Object, ChainEvent> observer);
  }

  private static final Object END = new Object();

  /** Events asked for ahead of the reader: what a stream holds in memory at most. */
  static final int WINDOW = 512;

  /** A stream that lived this long was taken by its node. */
  private static final long TAKEN_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final List<Channel> channels;
  private final Duration idle;
  private final Duration patience;

  /**
   * @param idle how long to wait for the next event before trying another node
   * @param patience how long to keep trying without any progress before giving up
   */
  ChainStream(List<Channel> channels, Duration idle, Duration patience) {
    this.channels = channels;
    this.idle = idle;
    this.patience = patience;
  }

  /**
   * @return the number of events handed to {@code sink}
   * @throws StatusRuntimeException the error that ended it (not UNAVAILABLE while there is time)
   */
  long read(int first, long fromSeq, Opener opener, Consumer<ChainEvent> sink)
      throws InterruptedException {
    long next = fromSeq;
    long count = 0;
    long lastProgress = System.nanoTime();
    StatusRuntimeException last = null;
    for (int attempt = 0; ; attempt++) {
      if (System.nanoTime() - lastProgress > patience.toNanos()) {
        throw last != null
            ? last
            : Status.DEADLINE_EXCEEDED
                .withDescription("no chain event within " + patience.toMillis() + " ms")
                .asRuntimeException();
      }
      Channel channel = channels.get((first + attempt) % channels.size());
      long began = System.nanoTime();
      BlockingQueue<Object> events = new LinkedBlockingQueue<>();
      ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
      opener.open(
          TroupeGrpc.newStub(channel),
          next,
          new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<Object> stream) {
              call[0] = stream;
              stream.disableAutoRequestWithInitial(WINDOW);
            }

            @Override
            public void onNext(ChainEvent e) {
              events.add(e);
            }

            @Override
            public void onError(Throwable t) {
              events.add(t);
            }

            @Override
            public void onCompleted() {
              events.add(END);
            }
          });
      int handed = 0; // since the last request for more
      try {
        while (true) {
          Object o = events.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
          if (o == null) { // this node went quiet: the next one
            call[0].cancel("no chain event within " + idle.toMillis() + " ms", null);
            last =
                Status.DEADLINE_EXCEEDED
                    .withDescription("no chain event within " + idle.toMillis() + " ms")
                    .asRuntimeException();
            break;
          }
          if (o == END) {
            return count;
          }
          if (o instanceof StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
              throw e;
            }
            last = e;
            if (System.nanoTime() - began >= TAKEN_NANOS) {
              // the node had taken the stream (an idle actor sends nothing): a failure now is new
              lastProgress = System.nanoTime();
            }
            Thread.sleep(100);
            break;
          }
          if (o instanceof Throwable t) {
            throw Status.fromThrowable(t).asRuntimeException();
          }
          ChainEvent e = (ChainEvent) o;
          sink.accept(e);
          count++;
          next = e.getSeq() + 1;
          lastProgress = System.nanoTime();
          if (++handed == WINDOW / 2) { // half the window read: ask for as many again
            call[0].request(handed);
            handed = 0;
          }
        }
      } finally {
        call[0].cancel("the reader stopped", null); // a no-op once the call has ended
      }
    }
  }
}
