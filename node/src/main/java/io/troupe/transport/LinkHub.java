package io.troupe.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.ActorId;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.Delivery;
import io.troupe.actor.Recipient;
import io.troupe.proto.v1.ChannelBack;
import io.troupe.proto.v1.Deliver;
import io.troupe.proto.v1.Envelope;
import io.troupe.proto.v1.EnvelopeBatch;
import io.troupe.proto.v1.Hello;
import io.troupe.proto.v1.NodeLinkGrpc;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's links to its peers: one bidirectional {@code NodeLink} stream per pair of nodes. The
 * node with the lower member UUID dials (and redials while the peer is a member); the other
 * accepts. Either way both send on the one stream.
 */
public final class LinkHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkHub.class);
  private static final Duration REDIAL = Duration.ofMillis(500);

  /** What this node does with what its peers send. */
  public interface Inbound {
    /**
     * A delivery for an actor that lives here (or that this node forwards).
     *
     * @param back where what the actor sends on a channel this delivery opens goes
     */
    CompletableFuture<JsonNode> deliver(Delivery d, int hops, ChannelListener back);

    /** Dispatched work from the peer, to run here; completes once queued. */
    CompletableFuture<JsonNode> runOperation(JsonNode work);

    /** A peer's dispatcher load and CPU load (0..1). */
    void load(String peer, int depth, int capacity, double cpu);

    /** The actor that dispatched {@code opId} here does not want it any more. */
    void cancelOperation(String opId);

    /** The result of dispatched work for actor {@code target}; completes once durable. */
    CompletableFuture<JsonNode> operationResult(ActorId target, JsonNode result);

    /** Channel traffic from an actor on the peer, for a channel opened here. */
    void channelBack(String channelId, ActorId from, Optional<JsonNode> message, String reason);
  }

  private final Supplier<String> selfUuid;
  private final String selfName;
  private final Inbound inbound;
  private final ScheduledExecutorService scheduler;
  private final Function<String, ManagedChannel> channels;
  private final Envelopes envelopes;
  private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
  private final Map<String, String> members = new ConcurrentHashMap<>(); // uuid -> name
  private volatile boolean closed;

  /**
   * @param selfUuid this member's UUID (it changes when the member rejoins after a split)
   * @param channels the gRPC channel to a peer, by member UUID
   */
  public LinkHub(
      Supplier<String> selfUuid,
      String selfName,
      Inbound inbound,
      ObjectMapper mapper,
      ScheduledExecutorService scheduler,
      Function<String, ManagedChannel> channels) {
    this.selfUuid = selfUuid;
    this.selfName = selfName;
    this.inbound = inbound;
    this.scheduler = scheduler;
    this.channels = channels;
    this.envelopes = new Envelopes(mapper);
  }

  /** The gRPC service peers dial. */
  public BindableService service() {
    return new NodeLinkGrpc.NodeLinkImplBase() {
      @Override
      public StreamObserver<EnvelopeBatch> link(StreamObserver<EnvelopeBatch> responses) {
        return new Receiver(null, responses);
      }
    };
  }

  /** A member joined (or was there when this node joined). */
  public void memberAdded(String uuid, String name) {
    if (uuid.equals(selfUuid.get())) {
      return;
    }
    members.put(uuid, name);
    PeerLink link = link(uuid);
    if (dials(uuid) && !link.connected()) {
      dial(link);
    }
  }

  /** A member left: its link closes, and what waited on it fails. */
  public void memberRemoved(String uuid) {
    members.remove(uuid);
    PeerLink link = links.remove(uuid);
    if (link != null) {
      link.close();
    }
  }

  /** Deliveries to an actor whose home is member {@code uuid}. */
  public Recipient recipient(String uuid) {
    return d -> forward(uuid, d, 0);
  }

  /** Forwards {@code d} to member {@code uuid}, counting the hop. */
  public CompletableFuture<JsonNode> forward(String uuid, Delivery d, int hops) {
    return link(uuid).deliver(d, hops);
  }

  /** Asks member {@code uuid} to run dispatched work; completes once it queued it. */
  public CompletableFuture<JsonNode> runOperation(String uuid, JsonNode work) {
    return link(uuid).call(Deliver.Kind.OP_RUN, "", work);
  }

  /** Tells every connected peer this node's dispatcher load (it never blocks). */
  public void broadcastLoad(int depth, int capacity, double cpu) {
    Envelope e =
        Envelope.newBuilder()
            .setLoad(
                io.troupe.proto.v1.Load.newBuilder()
                    .setDepth(depth)
                    .setCapacity(capacity)
                    .setCpu(cpu))
            .build();
    for (PeerLink l : links.values()) {
      if (l.connected()) {
        l.send(e);
      }
    }
  }

  /** Asks member {@code uuid} to abandon dispatched work, waiting or running there. */
  public void cancelOperation(String uuid, String opId) {
    link(uuid)
        .call(
            Deliver.Kind.OP_CANCEL,
            "",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("op_id", opId));
  }

  /** Sends a result of dispatched work to actor {@code target}'s home, member {@code uuid}. */
  public CompletableFuture<JsonNode> operationResult(String uuid, ActorId target, JsonNode result) {
    return link(uuid).call(Deliver.Kind.OP_RESULT, target.value(), result);
  }

  /** Whether the stream to member {@code uuid} is up. */
  public boolean connected(String uuid) {
    PeerLink l = links.get(uuid);
    return l != null && l.connected();
  }

  private boolean dials(String peer) {
    return selfUuid.get().compareTo(peer) < 0;
  }

  private PeerLink link(String uuid) {
    return links.computeIfAbsent(uuid, u -> new PeerLink(u, members.getOrDefault(u, u), envelopes));
  }

  private void dial(PeerLink link) {
    if (closed || !members.containsKey(link.peerUuid())) {
      return;
    }
    try {
      ManagedChannel channel = channels.apply(link.peerUuid());
      Receiver receiver = new Receiver(link, null);
      StreamObserver<EnvelopeBatch> out = NodeLinkGrpc.newStub(channel).link(receiver);
      receiver.out = out;
      out.onNext(hello());
      link.attach(out);
      log.debug("{}: link to {} dialled", selfName, link.peerName());
    } catch (RuntimeException e) {
      log.debug("{}: dialling {} failed: {}", selfName, link.peerName(), e.getMessage());
      redial(link);
    }
  }

  private void redial(PeerLink link) {
    if (closed || !members.containsKey(link.peerUuid()) || links.get(link.peerUuid()) != link) {
      return;
    }
    try {
      scheduler.schedule(() -> dial(link), REDIAL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("not redialling {}: shutting down", link.peerName());
    }
  }

  private EnvelopeBatch hello() {
    return EnvelopeBatch.newBuilder()
        .addEnvelopes(
            Envelope.newBuilder()
                .setHello(Hello.newBuilder().setNode(selfName).setMemberUuid(selfUuid.get())))
        .build();
  }

  /** Reads one stream: the dialled side knows its link; the accepting side learns it from Hello. */
  private final class Receiver implements StreamObserver<EnvelopeBatch> {
    private PeerLink link;
    private volatile StreamObserver<EnvelopeBatch> out;

    Receiver(PeerLink link, StreamObserver<EnvelopeBatch> out) {
      this.link = link;
      this.out = out;
    }

    @Override
    public void onNext(EnvelopeBatch batch) {
      for (Envelope e : batch.getEnvelopesList()) {
        try {
          handle(e);
        } catch (RuntimeException ex) {
          log.warn("{}: bad envelope from {}: {}", selfName, name(), ex.toString());
        }
      }
    }

    private String name() {
      return link == null ? "?" : link.peerName();
    }

    private void handle(Envelope e) {
      switch (e.getBodyCase()) {
        case HELLO -> {
          if (link == null) {
            link = link(e.getHello().getMemberUuid());
            link.peerName(e.getHello().getNode());
            link.attach(out);
            log.debug("{}: link from {} accepted", selfName, link.peerName());
          }
        }
        case DELIVER -> onDeliver(e);
        case REPLY -> requireLink().onReply(e.getReply());
        case LOAD ->
            inbound.load(
                requireLink().peerName(),
                e.getLoad().getDepth(),
                e.getLoad().getCapacity(),
                e.getLoad().getCpu());
        case CHANNEL_BACK -> {
          ChannelBack b = e.getChannelBack();
          inbound.channelBack(
              b.getChannelId(),
              ActorId.of(b.getFromActor()),
              b.hasMessageJson()
                  ? Optional.of(envelopes.tree(b.getMessageJson()))
                  : Optional.empty(),
              b.getClosedReason());
        }
        default -> log.debug("{}: ignoring envelope {}", selfName, e.getBodyCase());
      }
    }

    private PeerLink requireLink() {
      if (link == null) {
        throw new IllegalStateException("envelope before hello");
      }
      return link;
    }

    private void onDeliver(Envelope e) {
      PeerLink from = requireLink();
      long c = e.getDeliver().getCorrelation();
      CompletableFuture<JsonNode> result;
      try {
        Deliver in = e.getDeliver();
        result =
            switch (in.getKind()) {
              case OP_RUN -> inbound.runOperation(envelopes.tree(in.getMessageJson()));
              case OP_CANCEL -> {
                inbound.cancelOperation(envelopes.tree(in.getMessageJson()).path("op_id").asText());
                yield CompletableFuture.completedFuture(null);
              }
              case OP_RESULT ->
                  inbound.operationResult(
                      ActorId.of(in.getTarget()), envelopes.tree(in.getMessageJson()));
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

    @Override
    public void onError(Throwable t) {
      ended(t);
    }

    @Override
    public void onCompleted() {
      ended(null);
      StreamObserver<EnvelopeBatch> o = out;
      if (o != null && link == null) {
        o.onCompleted();
      }
    }

    private void ended(Throwable t) {
      PeerLink l = link;
      if (l == null) {
        return;
      }
      l.detach(out, t);
      if (dials(l.peerUuid())) {
        redial(l);
      }
    }
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

  @Override
  public void close() {
    closed = true;
    for (PeerLink l : links.values()) {
      l.close();
    }
    links.clear();
  }
}
