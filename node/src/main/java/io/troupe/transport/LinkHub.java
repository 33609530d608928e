package io.troupe.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.ActorId;
import io.troupe.actor.Delivery;
import io.troupe.dispatch.Work;
import io.troupe.error.PermissionDeniedException;
import io.troupe.home.Inbound;
import io.troupe.home.Links;
import io.troupe.home.Members;
import io.troupe.home.NodeRef;
import io.troupe.home.OperationResult;
import io.troupe.proto.v1.Deliver;
import io.troupe.proto.v1.Envelope;
import io.troupe.proto.v1.EnvelopeBatch;
import io.troupe.proto.v1.Hello;
import io.troupe.proto.v1.NodeLinkGrpc;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's links to its peers: one bidirectional {@code NodeLink} stream per pair of nodes. The
 * node with the lower member UUID dials (and redials while the peer is a member); the other
 * accepts. Either way both send on the one stream.
 */
public final class LinkHub implements Links, AutoCloseable {
  /**
   * A link this long without a word from its peer is dead (peers report their load every 200 ms): a
   * new dial from that member replaces it instead of being refused as linked already.
   */
  static final java.time.Duration SILENT_LINK = java.time.Duration.ofSeconds(3);

  private static final Logger log = LoggerFactory.getLogger(LinkHub.class);
  private static final Duration REDIAL = Duration.ofMillis(500);

  private final Members self;
  private final ScheduledExecutorService scheduler;
  private final Function<NodeRef, ManagedChannel> channels;
  private final Envelopes envelopes;

  /** What peers' envelopes ask of this node, handed to its {@link Inbound}. */
  private final InboundDispatch dispatch;

  private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
  private final Map<String, NodeRef> members = new ConcurrentHashMap<>(); // by member id
  private volatile boolean closed;

  /** Turns an error into the status a peer's stream ends with (the API's one mapper). */
  private final Function<Throwable, ? extends RuntimeException> statuses;

  /**
   * @param self who this node is (its membership id changes when it rejoins after a split)
   * @param channels the gRPC channel to a peer
   */
  public LinkHub(
      Members self,
      ObjectMapper mapper,
      ScheduledExecutorService scheduler,
      Function<NodeRef, ManagedChannel> channels,
      Function<Throwable, ? extends RuntimeException> statuses) {
    this.self = self;
    this.statuses = statuses;
    this.scheduler = scheduler;
    this.channels = channels;
    this.envelopes = new Envelopes(mapper);
    this.dispatch = new InboundDispatch(envelopes);
  }

  /**
   * Hands what peers send to {@code inbound} from now on. Called once, before the first member is
   * added and before {@link #service()} is served.
   */
  public void start(Inbound inbound) {
    dispatch.start(inbound);
  }

  /** The gRPC service peers dial. */
  public BindableService service() {
    return new NodeLinkGrpc.NodeLinkImplBase() {
      @Override
      public StreamObserver<EnvelopeBatch> link(StreamObserver<EnvelopeBatch> responses) {
        Receiver receiver = new Receiver(null, responses, PeerIdentity.current());
        if (responses instanceof io.grpc.stub.ServerCallStreamObserver<EnvelopeBatch> server) {
          server.setOnReadyHandler(receiver::ready); // flow control towards the peer
        }
        return receiver;
      }
    };
  }

  /** A member joined (or was there when this node joined). */
  public void memberAdded(NodeRef node) {
    if (node.member().equals(selfUuid())) {
      return;
    }
    members.put(node.member(), node);
    PeerLink link = link(node.member());
    if (dials(node.member()) && !link.connected()) {
      dial(link);
    }
  }

  /** A member left: its link closes, and what waited on it fails. */
  public void memberRemoved(NodeRef node) {
    members.remove(node.member());
    PeerLink link = links.remove(node.member());
    if (link != null) {
      link.close();
    }
  }

  private String selfUuid() {
    return self.self().member();
  }

  @Override
  public CompletableFuture<JsonNode> forward(NodeRef node, Delivery d, int hops) {
    return link(node.member()).deliver(d, hops);
  }

  @Override
  public CompletableFuture<Void> runOperation(NodeRef node, Work work) {
    return link(node.member())
        .call(Deliver.Kind.OP_RUN, "", work.toJson(envelopes.mapper()))
        .thenApply(v -> null);
  }

  @Override
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

  @Override
  public void cancelOperation(NodeRef node, String opId) {
    link(node.member())
        .call(
            Deliver.Kind.OP_CANCEL,
            "",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("op_id", opId));
  }

  @Override
  public CompletableFuture<Void> operationResult(
      NodeRef node, ActorId target, OperationResult result) {
    return link(node.member())
        .call(Deliver.Kind.OP_RESULT, target.value(), envelopes.result(result))
        .thenApply(v -> null);
  }

  @Override
  public boolean connected(NodeRef node) {
    PeerLink l = links.get(node.member());
    return l != null && l.connected();
  }

  private boolean dials(String peer) {
    return selfUuid().compareTo(peer) < 0;
  }

  private PeerLink link(String uuid) {
    return links.computeIfAbsent(
        uuid, u -> new PeerLink(u, members.containsKey(u) ? members.get(u).name() : u, envelopes));
  }

  private void dial(PeerLink link) {
    if (closed || !members.containsKey(link.peerUuid())) {
      return;
    }
    try {
      ManagedChannel channel = channels.apply(members.get(link.peerUuid()));
      Receiver receiver = new Receiver(link, null, name -> true);
      StreamObserver<EnvelopeBatch> out = NodeLinkGrpc.newStub(channel).link(receiver);
      receiver.out = out;
      out.onNext(hello());
      link.attach(out);
      log.debug("{}: link to {} dialled", self.self().name(), link.peerName());
    } catch (RuntimeException e) {
      log.debug("{}: dialling {} failed: {}", self.self().name(), link.peerName(), e.getMessage());
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
                .setHello(Hello.newBuilder().setNode(self.self().name()).setMemberUuid(selfUuid())))
        .build();
  }

  /** Reads one stream: the dialled side knows its link; the accepting side learns it from Hello. */
  private final class Receiver
      implements io.grpc.stub.ClientResponseObserver<EnvelopeBatch, EnvelopeBatch> {
    private volatile PeerLink link;
    private volatile StreamObserver<EnvelopeBatch> out;
    private volatile boolean refused;
    private final java.util.function.Predicate<String> identity;

    /**
     * @param identity whether the peer's transport identity names a node (always true without
     *     cluster TLS)
     */
    Receiver(
        PeerLink link,
        StreamObserver<EnvelopeBatch> out,
        java.util.function.Predicate<String> identity) {
      this.link = link;
      this.out = out;
      this.identity = identity;
    }

    /** On the dialling side: the stream towards the peer tells this receiver when it has room. */
    @Override
    public void beforeStart(io.grpc.stub.ClientCallStreamObserver<EnvelopeBatch> toPeer) {
      toPeer.setOnReadyHandler(this::ready);
    }

    /** The stream towards the peer has room again. */
    void ready() {
      PeerLink l = link;
      if (l != null) {
        l.ready();
      }
    }

    @Override
    public void onNext(EnvelopeBatch batch) {
      PeerLink heard = link;
      if (heard != null) {
        heard.heard();
      }
      for (Envelope e : batch.getEnvelopesList()) {
        try {
          handle(e);
        } catch (RuntimeException ex) {
          log.warn("{}: bad envelope from {}: {}", self.self().name(), name(), ex.toString());
        }
      }
    }

    private String name() {
      return link == null ? "?" : link.peerName();
    }

    private void handle(Envelope e) {
      if (refused) {
        return;
      }
      switch (e.getBodyCase()) {
        case HELLO -> {
          if (link == null) {
            accept(e.getHello());
          }
        }
        case DELIVER -> dispatch.deliver(requireLink(), e.getDeliver());
        case REPLY -> requireLink().onReply(e.getReply());
        case LOAD -> dispatch.load(requireLink(), e.getLoad());
        case CHANNEL_BACK -> dispatch.channelBack(e.getChannelBack());
        default -> log.debug("{}: ignoring envelope {}", self.self().name(), e.getBodyCase());
      }
    }

    /**
     * A peer dialled: only a current member that this node does not dial itself, presenting the
     * identity that member's certificate names (with cluster TLS), and not linked already, gets a
     * link; anyone else gets an error and nothing more.
     */
    private void accept(Hello hello) {
      NodeRef member = members.get(hello.getMemberUuid());
      String problem;
      if (member == null || !member.name().equals(hello.getNode())) {
        problem = "'" + hello.getNode() + "' is not a member of this cluster";
      } else if (!identity.test(member.name())) {
        problem = "the certificate presented does not name node " + member.name();
      } else if (dials(member.member())) {
        problem = "node " + member.name() + " is dialled by this node, not the other way";
      } else if (link(member.member()).connected()
          && !link(member.member()).silentFor(SILENT_LINK)) {
        problem = "node " + member.name() + " is linked already";
      } else {
        PeerLink existing = link(member.member());
        if (existing.connected()) { // its stream died unseen: the member's new dial replaces it
          log.info(
              "{}: link from {} replaces one silent for over {} ms",
              self.self().name(),
              member.name(),
              SILENT_LINK.toMillis());
          existing.detach(null, new IllegalStateException("replaced by a new dial"));
        }
        link = existing;
        link.peerName(member.name());
        link.attach(out);
        log.debug("{}: link from {} accepted", self.self().name(), link.peerName());
        return;
      }
      refuse(problem);
    }

    private void refuse(String problem) {
      refused = true;
      log.warn("{}: refused a node link: {}", self.self().name(), problem);
      StreamObserver<EnvelopeBatch> o = out;
      if (o != null) {
        try {
          o.onError(statuses.apply(new PermissionDeniedException("link refused: " + problem)));
        } catch (RuntimeException ignored) {
          // the stream ended meanwhile
        }
      }
    }

    private PeerLink requireLink() {
      if (link == null) {
        refuse("an envelope came before hello");
        throw new IllegalStateException("envelope before hello");
      }
      return link;
    }

    @Override
    public void onError(Throwable t) {
      ended(t);
    }

    @Override
    public void onCompleted() {
      ended(null);
      StreamObserver<EnvelopeBatch> o = out;
      if (o != null && link == null && !refused) {
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

  @Override
  public void close() {
    closed = true;
    for (PeerLink l : links.values()) {
      l.close();
    }
    links.clear();
  }
}
