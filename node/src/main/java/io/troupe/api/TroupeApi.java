package io.troupe.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.ClientChannel;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.chain.Verification;
import io.troupe.cluster.ActorSummary;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.cluster.StateSnapshot;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.UnavailableException;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.proto.v1.ActorDescription;
import io.troupe.proto.v1.ChannelClientMessage;
import io.troupe.proto.v1.ChannelClosed;
import io.troupe.proto.v1.ChannelOpened;
import io.troupe.proto.v1.ChannelServerMessage;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.DescribeActorRequest;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.GetStateRequest;
import io.troupe.proto.v1.GetStateResponse;
import io.troupe.proto.v1.ListActorsRequest;
import io.troupe.proto.v1.ListActorsResponse;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.RequestResponse;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.SendResponse;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.StartActorResponse;
import io.troupe.proto.v1.StopActorRequest;
import io.troupe.proto.v1.StopActorResponse;
import io.troupe.proto.v1.SubscribeChainRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.proto.v1.UploadModuleRequest;
import io.troupe.proto.v1.UploadModuleResponse;
import io.troupe.proto.v1.VerifyChainRequest;
import io.troupe.proto.v1.VerifyChainResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client API ({@code troupe.v1.Troupe}), served by every node. Reads (describe, list, chain,
 * state, verify) are answered from the cluster's replicated records on any node; sends, requests
 * and channels go through the node's post office, which reaches the actor's home over the node
 * link; start, stop and subscribe are forwarded to the home node.
 */
public final class TroupeApi extends TroupeGrpc.TroupeImplBase {
  private static final Logger log = LoggerFactory.getLogger(TroupeApi.class);
  static final Metadata.Key<String> FORWARDED =
      Metadata.Key.of("troupe-forwarded", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Boolean> WAS_FORWARDED = Context.key("troupe-forwarded");

  private final ActorSystem system;
  private final ClusterChainStore records;
  private final Function<ActorId, Optional<Channel>> home;
  private final Supplier<ClusterStatusResponse> status;
  private final ObjectMapper mapper;
  private final ManifestParser manifests = new ManifestParser();

  /**
   * @param home the channel to an actor's home node, or empty when this node is its home
   */
  public TroupeApi(
      ActorSystem system,
      ClusterChainStore records,
      Function<ActorId, Optional<Channel>> home,
      Supplier<ClusterStatusResponse> status,
      ObjectMapper mapper) {
    this.system = system;
    this.records = records;
    this.home = home;
    this.status = status;
    this.mapper = mapper;
  }

  /** Marks calls that another node forwarded here, so they are never forwarded twice. */
  public static ServerInterceptor forwardingInterceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context ctx = Context.current().withValue(WAS_FORWARDED, headers.containsKey(FORWARDED));
        return Contexts.interceptCall(ctx, call, headers, next);
      }
    };
  }

  @Override
  public void uploadModule(UploadModuleRequest req, StreamObserver<UploadModuleResponse> out) {
    unary(out, () -> UploadModuleResponse.newBuilder().setRef(upload(req.getModule())).build());
  }

  private String upload(ByteString module) {
    byte[] bytes = module.toByteArray();
    system.engine().load(bytes); // refuses malformed WASM/WAT with a clear error
    return system.modules().upload(bytes);
  }

  @Override
  public void startActor(StartActorRequest req, StreamObserver<StartActorResponse> out) {
    try {
      String source = req.getManifestName().isEmpty() ? "manifest" : req.getManifestName();
      Manifest manifest = manifests.parse(req.getManifestToml(), Path.of("."), source);
      StartActorRequest.Builder forward = req.toBuilder();
      if (req.hasModuleBytes()) {
        String ref = upload(req.getModuleBytes());
        manifest = manifest.withModule(ref);
        forward.setModuleRef(ref);
      } else if (req.hasModuleRef()) {
        manifest = manifest.withModule(req.getModuleRef());
        system.modules().resolve(req.getModuleRef());
      }
      ActorId id = ActorId.of(req.getId().isEmpty() ? UUID.randomUUID().toString() : req.getId());
      forward.setId(id.value());
      Optional<Channel> remote = homeOf(id);
      if (remote.isPresent()) {
        stub(remote.get()).startActor(forward.build(), relay(out));
        return;
      }
      system
          .startAsync(manifest, id)
          .whenComplete(
              (h, e) ->
                  complete(
                      out,
                      e,
                      () ->
                          StartActorResponse.newBuilder()
                              .setId(id.value())
                              .setNode(system.nodeName())
                              .build()));
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void stopActor(StopActorRequest req, StreamObserver<StopActorResponse> out) {
    try {
      ActorId id = ActorId.of(req.getId());
      Optional<Channel> remote = homeOf(id);
      if (remote.isPresent()) {
        stub(remote.get()).stopActor(req, relay(out));
        return;
      }
      String reason = req.getReason().isEmpty() ? "stopped by a client" : req.getReason();
      system
          .stop(id, reason)
          .whenComplete((v, e) -> complete(out, e, StopActorResponse::getDefaultInstance));
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void listActors(ListActorsRequest req, StreamObserver<ListActorsResponse> out) {
    unary(
        out,
        () -> {
          ListActorsResponse.Builder b = ListActorsResponse.newBuilder();
          records.list().forEach(s -> b.addActors(description(s)));
          return b.build();
        });
  }

  @Override
  public void describeActor(DescribeActorRequest req, StreamObserver<ActorDescription> out) {
    unary(out, () -> description(records.require(id(req.getId()))));
  }

  private static ActorDescription description(ActorSummary s) {
    return ActorDescription.newBuilder()
        .setId(s.id())
        .setName(nz(s.name()))
        .setNode(nz(s.node()))
        .setEpoch(s.epoch())
        .setStatus(nz(s.status()))
        .setChainLength(s.chainLength())
        .setHead(ByteString.copyFrom(s.head()))
        .setModule(nz(s.module()))
        .setParent(nz(s.parent()))
        .build();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  @Override
  public void send(SendRequest req, StreamObserver<SendResponse> out) {
    try {
      system
          .send(id(req.getId()), json(req.getMessageJson()), messageId(req.getMessageId()))
          .whenComplete((v, e) -> complete(out, e, SendResponse::getDefaultInstance));
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void request(RequestRequest req, StreamObserver<RequestResponse> out) {
    try {
      Duration timeout =
          req.getTimeoutMs() == 0 ? system.requestTimeout() : Duration.ofMillis(req.getTimeoutMs());
      system
          .request(
              id(req.getId()), json(req.getMessageJson()), timeout, messageId(req.getMessageId()))
          .whenComplete(
              (v, e) ->
                  complete(
                      out,
                      e,
                      () -> RequestResponse.newBuilder().setResponseJson(bytes(v)).build()));
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public StreamObserver<ChannelClientMessage> openChannel(
      StreamObserver<ChannelServerMessage> responses) {
    ServerCallStreamObserver<ChannelServerMessage> out =
        (ServerCallStreamObserver<ChannelServerMessage>) responses;
    AtomicReference<ClientChannel> channel = new AtomicReference<>();
    Object lock = new Object();
    ChannelListener listener =
        new ChannelListener() {
          @Override
          public void onMessage(String channelId, JsonNode message) {
            synchronized (lock) {
              if (!out.isCancelled()) {
                out.onNext(
                    ChannelServerMessage.newBuilder().setMessageJson(bytes(message)).build());
              }
            }
          }

          @Override
          public void onClose(String channelId, String reason) {
            synchronized (lock) {
              if (!out.isCancelled()) {
                out.onNext(
                    ChannelServerMessage.newBuilder()
                        .setClosed(ChannelClosed.newBuilder().setReason(nz(reason)))
                        .build());
                out.onCompleted();
              }
            }
          }
        };
    out.setOnCancelHandler(
        () -> {
          ClientChannel c = channel.getAndSet(null);
          if (c != null) {
            closeQuietly(c);
          }
        });
    return new StreamObserver<>() {
      @Override
      public void onNext(ChannelClientMessage m) {
        try {
          switch (m.getBodyCase()) {
            case OPEN -> open(m);
            case MESSAGE_JSON -> {
              ClientChannel c = channel.get();
              if (c == null) {
                throw new InvalidArgumentException("the channel is not open yet");
              }
              c.send(json(m.getMessageJson()));
            }
            case CLOSE -> {
              ClientChannel c = channel.getAndSet(null);
              if (c != null) {
                closeQuietly(c);
              }
              synchronized (lock) {
                out.onCompleted();
              }
            }
            default -> throw new InvalidArgumentException("empty channel message");
          }
        } catch (RuntimeException e) {
          fail(e);
        }
      }

      private void open(ChannelClientMessage m) {
        if (channel.get() != null) {
          throw new InvalidArgumentException("the channel is already open");
        }
        system
            .openChannel(id(m.getOpen().getId()), json(m.getOpen().getMessageJson()), listener)
            .whenComplete(
                (c, e) -> {
                  if (e != null) {
                    fail(e);
                    return;
                  }
                  channel.set(c);
                  synchronized (lock) {
                    out.onNext(
                        ChannelServerMessage.newBuilder()
                            .setOpened(ChannelOpened.newBuilder().setChannelId(c.id()))
                            .build());
                  }
                });
      }

      private void fail(Throwable e) {
        ClientChannel c = channel.getAndSet(null);
        if (c != null) {
          closeQuietly(c);
        }
        synchronized (lock) {
          if (!out.isCancelled()) {
            out.onError(Statuses.toStatus(e));
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        ClientChannel c = channel.getAndSet(null);
        if (c != null) {
          closeQuietly(c);
        }
      }

      @Override
      public void onCompleted() {
        ClientChannel c = channel.getAndSet(null);
        if (c != null) {
          closeQuietly(c);
        }
        synchronized (lock) {
          if (!out.isCancelled()) {
            out.onCompleted();
          }
        }
      }
    };
  }

  private static void closeQuietly(ClientChannel c) {
    try {
      c.close();
    } catch (RuntimeException e) {
      log.debug("closing channel {}: {}", c.id(), e.getMessage());
    }
  }

  @Override
  public void subscribeChain(
      SubscribeChainRequest req, StreamObserver<io.troupe.proto.v1.ChainEvent> responses) {
    ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out =
        (ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent>) responses;
    try {
      ActorId id = id(req.getId());
      Optional<Channel> remote = homeOf(id);
      if (remote.isPresent()) {
        proxyStream(remote.get(), req, out);
        return;
      }
      ActorHandle actor =
          system
              .find(id)
              .orElseThrow(
                  () -> {
                    records.require(id); // NOT_FOUND when the cluster does not know it either
                    return new UnavailableException(
                        "actor " + id + " is not active on its home node " + system.nodeName());
                  });
      Object lock = new Object();
      Runnable cancel =
          actor.subscribe(
              req.getFromSeq(),
              events -> {
                synchronized (lock) {
                  if (!out.isCancelled()) {
                    events.forEach(e -> out.onNext(toProto(e)));
                  }
                }
              });
      out.setOnCancelHandler(cancel);
      ActorStatus s = actor.status();
      if (s == ActorStatus.STOPPED || s == ActorStatus.FAILED || s == ActorStatus.LOST) {
        actor
            .durable()
            .whenComplete(
                (v, e) -> {
                  cancel.run();
                  synchronized (lock) {
                    if (!out.isCancelled()) {
                      out.onCompleted();
                    }
                  }
                });
      }
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  /** Relays a server stream from the home node, cancelling it when our client goes away. */
  private void proxyStream(
      Channel channel,
      SubscribeChainRequest req,
      ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    stub(channel)
        .subscribeChain(
            req,
            new ClientResponseObserver<SubscribeChainRequest, io.troupe.proto.v1.ChainEvent>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<SubscribeChainRequest> upstream) {
                out.setOnCancelHandler(() -> upstream.cancel("client went away", null));
              }

              @Override
              public void onNext(io.troupe.proto.v1.ChainEvent e) {
                out.onNext(e);
              }

              @Override
              public void onError(Throwable t) {
                if (!out.isCancelled()) {
                  out.onError(Statuses.toStatus(t));
                }
              }

              @Override
              public void onCompleted() {
                out.onCompleted();
              }
            });
  }

  @Override
  public void getChain(GetChainRequest req, StreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    try {
      ActorId id = id(req.getId());
      long to = req.getToSeq() == 0 ? records.require(id).chainLength() : req.getToSeq();
      for (ChainEvent e : records.chain(id, req.getFromSeq(), to)) {
        out.onNext(toProto(e));
      }
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void verifyChain(VerifyChainRequest req, StreamObserver<VerifyChainResponse> out) {
    unary(
        out,
        () -> {
          ActorId id = id(req.getId());
          ActorSummary s = records.require(id);
          List<ChainEvent> events = records.chain(id, 0, s.chainLength());
          Verification v = ChainVerifier.verify(events);
          EventHash head = events.isEmpty() ? EventHash.ZERO : events.get(events.size() - 1).hash();
          String problem = v.valid() ? "" : v.describe();
          if (v.valid() && !head.equals(EventHash.of(s.head()))) {
            problem = "the chain does not end at the recorded head " + EventHash.of(s.head());
          }
          return VerifyChainResponse.newBuilder()
              .setValid(problem.isEmpty())
              .setEvents(events.size())
              .setProblem(problem)
              .setHead(ByteString.copyFrom(head.toBytes()))
              .build();
        });
  }

  @Override
  public void getState(GetStateRequest req, StreamObserver<GetStateResponse> out) {
    unary(
        out,
        () -> {
          StateSnapshot s = records.state(id(req.getId()));
          GetStateResponse.Builder b = GetStateResponse.newBuilder().setSeq(s.seq());
          if (s.state() != null) {
            b.setHasState(true).setStateJson(ByteString.copyFrom(s.state()));
          }
          return b.build();
        });
  }

  @Override
  public void clusterStatus(ClusterStatusRequest req, StreamObserver<ClusterStatusResponse> out) {
    unary(out, status);
  }

  // ---- helpers ----

  private Optional<Channel> homeOf(ActorId id) {
    Optional<Channel> remote = home.apply(id);
    if (remote.isPresent() && Boolean.TRUE.equals(WAS_FORWARDED.get())) {
      throw new UnavailableException(
          "actor "
              + id
              + " is moving: its home is no longer node "
              + system.nodeName()
              + "; retry");
    }
    return remote;
  }

  /** A stub whose calls carry the forwarded mark. */
  private static TroupeGrpc.TroupeStub stub(Channel channel) {
    return TroupeGrpc.newStub(
        ClientInterceptors.intercept(
            channel,
            new io.grpc.ClientInterceptor() {
              @Override
              public <Q, R> ClientCall<Q, R> interceptCall(
                  MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(
                    next.newCall(method, options)) {
                  @Override
                  public void start(Listener<R> listener, Metadata headers) {
                    headers.put(FORWARDED, "1");
                    super.start(listener, headers);
                  }
                };
              }
            }));
  }

  /** Passes a forwarded unary call's outcome through, status and all. */
  private static <T> StreamObserver<T> relay(StreamObserver<T> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        out.onNext(value);
      }

      @Override
      public void onError(Throwable t) {
        out.onError(Statuses.toStatus(t));
      }

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  private static <T> void unary(StreamObserver<T> out, Supplier<T> body) {
    T value;
    try {
      value = body.get();
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
      return;
    }
    out.onNext(value);
    out.onCompleted();
  }

  private static <T> void complete(StreamObserver<T> out, Throwable error, Supplier<T> value) {
    if (error != null) {
      out.onError(Statuses.toStatus(error));
    } else {
      unary(out, value);
    }
  }

  /** The client's message id (kept across its retries), or a fresh one. */
  private static String messageId(String given) {
    if (given.length() > 128) {
      throw new InvalidArgumentException("message_id is longer than 128 characters");
    }
    return given.isEmpty() ? UUID.randomUUID().toString() : given;
  }

  private static ActorId id(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("an actor id is required");
    }
    return ActorId.of(id);
  }

  private JsonNode json(ByteString bytes) {
    if (bytes.isEmpty()) {
      throw new InvalidArgumentException("a JSON message is required");
    }
    try {
      return mapper.readTree(bytes.newInput());
    } catch (IOException e) {
      throw new InvalidArgumentException("message is not valid JSON: " + e.getMessage());
    }
  }

  private ByteString bytes(JsonNode v) {
    try {
      return ByteString.copyFrom(mapper.writeValueAsBytes(v == null ? mapper.nullNode() : v));
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot serialise: " + e.getMessage());
    }
  }

  static io.troupe.proto.v1.ChainEvent toProto(ChainEvent e) {
    return io.troupe.proto.v1.ChainEvent.newBuilder()
        .setActor(e.actor())
        .setSeq(e.seq())
        .setParent(ByteString.copyFrom(e.parent().toBytes()))
        .setType(e.type())
        .setTimestamp(e.timestamp())
        .setData(ByteString.copyFrom(e.data()))
        .setHash(ByteString.copyFrom(e.hash().toBytes()))
        .build();
  }
}
