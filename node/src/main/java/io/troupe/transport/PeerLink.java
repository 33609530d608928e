package io.troupe.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.Delivery;
import io.troupe.error.UnavailableException;
import io.troupe.proto.v1.Envelope;
import io.troupe.proto.v1.EnvelopeBatch;
import io.troupe.proto.v1.Reply;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's end of the one stream to one peer node. Envelopes queue up while the stream is
 * (re)connecting and go out in batches: whichever thread finds the queue idle drains it, putting
 * everything queued meanwhile (up to {@link #MAX_BATCH}) into one {@link EnvelopeBatch}. Deliveries
 * wait for their {@link Reply} by correlation id; when the stream breaks they fail as unavailable,
 * never silently.
 *
 * <p>Flow control: a batch goes out only while the stream is ready (gRPC's window towards the peer
 * has room); otherwise envelopes wait in the queue and go out when the stream says it is ready
 * again. The queue holds at most {@link #MAX_QUEUED_BYTES}: beyond that a peer that does not read
 * gets nothing more, and calls to it fail as unavailable at once instead of filling this node's
 * memory.
 */
final class PeerLink {
  private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
  static final int MAX_BATCH = 512;

  /**
   * A batch closes at this many bytes (one envelope alone may be larger, up to a message's 16 MiB):
   * batches stay well under the 64 MiB a node takes from a peer.
   */
  static final int MAX_BATCH_BYTES = 4 << 20;

  /** What may wait for a peer that does not read (or for a stream that is reconnecting). */
  static final long MAX_QUEUED_BYTES = 64L << 20;

  /** Bytes of the envelopes queued (and carried) and not sent yet. */
  private final AtomicLong queuedBytes = new AtomicLong();

  /** The envelope that did not fit in the last batch; only the draining thread touches it. */
  private volatile Envelope carried;

  private final String peerUuid;
  private final Envelopes envelopes;
  private final Queue<Envelope> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong correlations = new AtomicLong();
  private volatile StreamObserver<EnvelopeBatch> out;
  private volatile String peerName;
  private volatile boolean closed;

  /** When the peer was last heard from on this link (System.nanoTime: liveness, not dates). */
  private volatile long lastHeard = System.nanoTime();

  PeerLink(String peerUuid, String peerName, Envelopes envelopes) {
    this.peerUuid = peerUuid;
    this.peerName = peerName;
    this.envelopes = envelopes;
  }

  String peerUuid() {
    return peerUuid;
  }

  String peerName() {
    return peerName;
  }

  void peerName(String name) {
    this.peerName = name;
  }

  boolean connected() {
    return out != null;
  }

  /** Something came from the peer on this link. */
  void heard() {
    lastHeard = System.nanoTime();
  }

  /**
   * Whether the peer has sent nothing for {@code quiet}: a healthy peer reports its load several
   * times a second, so a stream this quiet died without either side seeing it end.
   */
  boolean silentFor(java.time.Duration quiet) {
    return System.nanoTime() - lastHeard > quiet.toNanos();
  }

  /** Sends a {@code kind} envelope about {@code target}; completes with the peer's reply. */
  CompletableFuture<JsonNode> call(
      io.troupe.proto.v1.Deliver.Kind kind, String target, JsonNode body) {
    return ask(
        c ->
            io.troupe.proto.v1.Deliver.newBuilder()
                .setCorrelation(c)
                .setKind(kind)
                .setTarget(target)
                .setMessageJson(envelopes.json(body))
                .build());
  }

  /** Sends {@code d} to the peer; completes with the peer's reply. */
  CompletableFuture<JsonNode> deliver(Delivery d, int hops) {
    return ask(c -> envelopes.deliver(c, d, hops));
  }

  /** Sends the envelope made for a fresh correlation; completes with the reply that carries it. */
  private CompletableFuture<JsonNode> ask(
      java.util.function.LongFunction<io.troupe.proto.v1.Deliver> envelope) {
    if (closed) {
      return CompletableFuture.failedFuture(gone());
    }
    long c = correlations.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(c, reply);
    reply.whenComplete((v, e) -> pending.remove(c));
    if (!send(Envelope.newBuilder().setDeliver(envelope.apply(c)).build())) {
      reply.completeExceptionally(
          new UnavailableException(
              "the link to node "
                  + peerName
                  + " is backed up (the node does not read what is sent to it); retry"));
    }
    return reply;
  }

  void onReply(Reply r) {
    CompletableFuture<JsonNode> f = pending.remove(r.getCorrelation());
    if (f == null) {
      return; // the caller gave up (its deadline passed)
    }
    try {
      f.complete(envelopes.value(r));
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
  }

  /**
   * Queues {@code e} for the peer and sends what the stream takes now; false (nothing queued) when
   * {@link #MAX_QUEUED_BYTES} wait already.
   */
  boolean send(Envelope e) {
    int size = e.getSerializedSize();
    if (queuedBytes.addAndGet(size) > MAX_QUEUED_BYTES) {
      queuedBytes.addAndGet(-size);
      log.warn("link to {}: {} bytes wait to go out; refusing more", peerName, queuedBytes.get());
      return false;
    }
    queue.add(e);
    drain();
    return true;
  }

  /** The stream has room again (gRPC's on-ready): what waits goes out. */
  void ready() {
    drain();
  }

  /** Bytes queued for the peer and not sent yet. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** The stream to the peer is up: what queued meanwhile goes out now. */
  void attach(StreamObserver<EnvelopeBatch> stream) {
    heard();
    out = stream;
    drain();
  }

  /**
   * The stream broke. Deliveries waiting for replies fail (the peer may or may not have handled
   * them: the caller retries with the same message id); what is still queued waits for the next
   * stream.
   */
  void detach(StreamObserver<EnvelopeBatch> stream, Throwable why) {
    if (out != stream && stream != null) {
      return;
    }
    out = null;
    failPending(
        "link to node " + peerName + " broke" + (why == null ? "" : ": " + why.getMessage()));
  }

  /** Whether {@code stream} takes more now (a plain observer, in tests, always does). */
  private static boolean ready(StreamObserver<EnvelopeBatch> stream) {
    return !(stream instanceof io.grpc.stub.CallStreamObserver<?> call) || call.isReady();
  }

  /** The peer left the cluster. */
  void close() {
    closed = true;
    StreamObserver<EnvelopeBatch> s = out;
    out = null;
    queue.clear();
    carried = null;
    queuedBytes.set(0);
    failPending("node " + peerName + " left the cluster");
    if (s != null) {
      try {
        s.onCompleted();
      } catch (RuntimeException e) {
        log.debug("closing link to {}: {}", peerName, e.getMessage());
      }
    }
  }

  private void failPending(String why) {
    for (Long c : pending.keySet()) {
      CompletableFuture<JsonNode> f = pending.remove(c);
      if (f != null) {
        f.completeExceptionally(new UnavailableException(why));
      }
    }
  }

  private UnavailableException gone() {
    return new UnavailableException("node " + peerName + " left the cluster");
  }

  /**
   * Sends what is queued, on the calling thread, unless another thread is already at it (then that
   * one picks this envelope up too): no hand-off to another thread on the way out, and only one
   * thread ever calls {@code onNext}.
   */
  private void drain() {
    while (out != null
        && ready(out)
        && (!queue.isEmpty() || carried != null)
        && draining.compareAndSet(false, true)) {
      try {
        StreamObserver<EnvelopeBatch> stream = out;
        while (stream != null && (carried != null || !queue.isEmpty()) && ready(stream)) {
          EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
          long bytes = 0;
          for (int i = 0; i < MAX_BATCH; i++) {
            Envelope e = carried != null ? carried : queue.poll();
            carried = null;
            if (e == null) {
              break;
            }
            int size = e.getSerializedSize();
            if (i > 0 && bytes + size > MAX_BATCH_BYTES) {
              carried = e; // the first of the next batch
              break;
            }
            bytes += size;
            batch.addEnvelopes(e);
          }
          queuedBytes.addAndGet(-bytes);
          try {
            stream.onNext(batch.build());
          } catch (RuntimeException e) {
            log.debug("link to {}: send failed: {}", peerName, e.getMessage());
            detach(stream, e);
            return;
          }
          stream = out;
        }
      } finally {
        draining.set(false);
      }
    }
  }
}
