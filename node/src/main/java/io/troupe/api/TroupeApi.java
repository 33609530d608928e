package io.troupe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.troupe.access.Principal;
import io.troupe.access.Right;
import io.troupe.access.Tokens;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.cluster.StateSnapshot;
import io.troupe.home.NodeRef;
import io.troupe.home.Placement;
import io.troupe.proto.v1.ActorDescription;
import io.troupe.proto.v1.ChannelClientMessage;
import io.troupe.proto.v1.ChannelServerMessage;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.DescribeActorRequest;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.GetHeadRequest;
import io.troupe.proto.v1.GetHeadResponse;
import io.troupe.proto.v1.GetStateRequest;
import io.troupe.proto.v1.GetStateResponse;
import io.troupe.proto.v1.ListActorsRequest;
import io.troupe.proto.v1.ListActorsResponse;
import io.troupe.proto.v1.RemoveActorRequest;
import io.troupe.proto.v1.RemoveActorResponse;
import io.troupe.proto.v1.ReplayActorRequest;
import io.troupe.proto.v1.ReplayActorResponse;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.RequestResponse;
import io.troupe.proto.v1.RestartActorRequest;
import io.troupe.proto.v1.RestartActorResponse;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.SendResponse;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.StartActorResponse;
import io.troupe.proto.v1.StopActorRequest;
import io.troupe.proto.v1.StopActorResponse;
import io.troupe.proto.v1.SubscribeChainRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.proto.v1.UpgradeActorRequest;
import io.troupe.proto.v1.UpgradeActorResponse;
import io.troupe.proto.v1.UploadModuleRequest;
import io.troupe.proto.v1.UploadModuleResponse;
import io.troupe.proto.v1.VerifyChainRequest;
import io.troupe.proto.v1.VerifyChainResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The client API ({@code troupe.v1.Troupe}), served by every node. Reads (describe, list, chain,
 * state, verify) are answered from the cluster's replicated records on any node; sends, requests
 * and channels go through the node's post office, which reaches the actor wherever it lives; start,
 * stop and subscribe run on the actor's home, where {@link Placement} says that is.
 */
public final class TroupeApi extends TroupeGrpc.TroupeImplBase {
  private final ActorSystem system;
  private final ClusterChainStore records;
  private final Forwarding forwarding;
  private final Supplier<ClusterStatusResponse> status;
  private final Protos protos;
  private final ObjectMapper mapper;
  private final Receipts receipts;
  private final ActorLifecycle lifecycleCalls;
  private final ChainReads chains;

  /** What starts an ended actor again on this node (the home room's failover does it). */
  @FunctionalInterface
  public interface Lifecycle {
    CompletableFuture<Void> revive(ActorId id, String why);
  }

  /**
   * @param channels the gRPC channel to another node, for calls that run on an actor's home
   */
  public TroupeApi(
      ActorSystem system,
      ClusterChainStore records,
      Placement placement,
      Function<NodeRef, Channel> channels,
      Supplier<ClusterStatusResponse> status,
      Receipts receipts,
      Lifecycle lifecycle,
      ObjectMapper mapper) {
    this.system = system;
    this.records = records;
    this.forwarding = new Forwarding(placement, channels);
    this.status = status;
    this.protos = new Protos(mapper);
    this.mapper = mapper;
    this.receipts = receipts;
    this.lifecycleCalls = new ActorLifecycle(system, records, lifecycle, mapper);
    this.chains = new ChainReads(system, records, forwarding, receipts);
  }

  /**
   * This service for clients: every call presents one of {@code tokens} (when there are any), and a
   * client's own hop count is not read.
   */
  public ServerServiceDefinition clientDefinition(Tokens tokens) {
    return ServerInterceptors.intercept((BindableService) this, Authentication.clients(tokens));
  }

  /**
   * This service for the calls other members forward to an actor's home: they were authenticated
   * where they entered, and carry their hop count. With cluster TLS the caller's certificate must
   * name a node {@code isMember} knows (serve it behind {@link
   * io.troupe.transport.PeerIdentity#interceptor()}).
   */
  public ServerServiceDefinition forwardedDefinition(Predicate<String> isMember) {
    return ServerInterceptors.intercept(
        (BindableService) this, Forwarding.interceptor(), Authentication.members(isMember));
  }

  @Override
  public void uploadModule(UploadModuleRequest req, StreamObserver<UploadModuleResponse> out) {
    unary(out, () -> UploadModuleResponse.newBuilder().setRef(upload(req.getModule())).build());
  }

  private String upload(ByteString module) {
    byte[] bytes = module.toByteArray();
    system.load(bytes); // refuses malformed, oversized or slow WASM/WAT with a clear error
    return system.modules().upload(bytes); // only then is WAT turned into the binary it keeps
  }

  @Override
  public void startActor(StartActorRequest req, StreamObserver<StartActorResponse> out) {
    try {
      ActorLifecycle.Start start = lifecycleCalls.admit(req, this::upload);
      Optional<TroupeGrpc.TroupeStub> home = forwarding.home(start.id());
      if (home.isPresent()) {
        home.get().startActor(start.forward(), Forwarding.relay(out));
        return;
      }
      lifecycleCalls.start(start).whenComplete((v, e) -> complete(out, e, () -> v));
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void stopActor(StopActorRequest req, StreamObserver<StopActorResponse> out) {
    onHome(
        req.getId(),
        out,
        (home, o) -> home.stopActor(req, o),
        id -> lifecycleCalls.stop(id, req.getReason()));
  }

  @Override
  public void restartActor(RestartActorRequest req, StreamObserver<RestartActorResponse> out) {
    onHome(
        req.getId(),
        out,
        (home, o) -> home.restartActor(req, o),
        id -> lifecycleCalls.restart(id, req.getReason()));
  }

  @Override
  public void removeActor(RemoveActorRequest req, StreamObserver<RemoveActorResponse> out) {
    onHome(req.getId(), out, (home, o) -> home.removeActor(req, o), lifecycleCalls::remove);
  }

  @Override
  public void upgradeActor(UpgradeActorRequest req, StreamObserver<UpgradeActorResponse> out) {
    onHome(
        req.getId(),
        out,
        (home, o) -> home.upgradeActor(req, o),
        id -> lifecycleCalls.upgrade(id, req));
  }

  /**
   * A deployer's call about actor {@code rawId}, run on its home: forwarded there, or {@code here}
   * when this node is it.
   */
  private <T> void onHome(
      String rawId,
      StreamObserver<T> out,
      java.util.function.BiConsumer<TroupeGrpc.TroupeStub, StreamObserver<T>> forward,
      Function<ActorId, CompletableFuture<T>> here) {
    try {
      ActorId id = Protos.id(rawId);
      Authentication.current().require(Right.DEPLOY, id);
      Optional<TroupeGrpc.TroupeStub> home = forwarding.home(id);
      if (home.isPresent()) {
        forward.accept(home.get(), Forwarding.relay(out));
        return;
      }
      here.apply(id).whenComplete((v, e) -> complete(out, e, () -> v));
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void listActors(ListActorsRequest req, StreamObserver<ListActorsResponse> out) {
    unary(
        out,
        () -> {
          Principal who = Authentication.current();
          ListActorsResponse.Builder b = ListActorsResponse.newBuilder();
          records.list().stream()
              .filter(s -> who.sees(s.id()))
              .forEach(s -> b.addActors(Protos.description(s)));
          return b.build();
        });
  }

  @Override
  public void describeActor(DescribeActorRequest req, StreamObserver<ActorDescription> out) {
    unary(out, () -> Protos.description(records.require(readable(req.getId()))));
  }

  @Override
  public void send(SendRequest req, StreamObserver<SendResponse> out) {
    try {
      system
          .send(
              callable(req.getId()),
              protos.json(req.getMessageJson()),
              Protos.messageId(req.getMessageId()))
          .whenComplete(
              (v, e) ->
                  complete(
                      out,
                      e,
                      () ->
                          req.getReceipt()
                              ? SendResponse.newBuilder().setReceipt(receipted(req.getId())).build()
                              : SendResponse.getDefaultInstance()));
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
              callable(req.getId()),
              protos.json(req.getMessageJson()),
              timeout,
              Protos.messageId(req.getMessageId()))
          .whenComplete(
              (v, e) ->
                  complete(
                      out,
                      e,
                      () -> {
                        var b = RequestResponse.newBuilder().setResponseJson(protos.bytes(v));
                        if (req.getReceipt()) {
                          b.setReceipt(receipted(req.getId()));
                        }
                        return b.build();
                      }));
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public StreamObserver<ChannelClientMessage> openChannel(
      StreamObserver<ChannelServerMessage> responses) {
    return new ChannelSession(system, protos, responses);
  }

  @Override
  public void subscribeChain(
      SubscribeChainRequest req, StreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    chains.subscribe(req, (ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent>) out);
  }

  @Override
  public void getChain(GetChainRequest req, StreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    chains.export(req, (ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent>) out);
  }

  @Override
  public void verifyChain(VerifyChainRequest req, StreamObserver<VerifyChainResponse> out) {
    unary(out, () -> chains.verify(readable(req.getId())));
  }

  @Override
  public void getHead(GetHeadRequest req, StreamObserver<GetHeadResponse> out) {
    unary(out, () -> chains.head(readable(req.getId()), req.getSigned()));
  }

  /** A receipt of {@code id}'s head, which holds what was just acknowledged. */
  private io.troupe.proto.v1.Receipt receipted(String id) {
    return Receipts.proto(receipts.head(ActorId.of(id)));
  }

  @Override
  public void replayActor(ReplayActorRequest req, StreamObserver<ReplayActorResponse> out) {
    unary(
        out,
        () -> ReplayRun.response(ReplayRun.of(system, records, readable(req.getId()), mapper)));
  }

  @Override
  public void getState(GetStateRequest req, StreamObserver<GetStateResponse> out) {
    unary(
        out,
        () -> {
          StateSnapshot s = records.state(readable(req.getId()));
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

  /** Actor {@code id}, which the caller may read. */
  static ActorId readable(String id) {
    ActorId actor = Protos.id(id);
    Authentication.current().require(Right.READ, actor);
    return actor;
  }

  /** Actor {@code id}, which the caller may send to. */
  static ActorId callable(String id) {
    ActorId actor = Protos.id(id);
    Authentication.current().require(Right.CALL, actor);
    return actor;
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
}
