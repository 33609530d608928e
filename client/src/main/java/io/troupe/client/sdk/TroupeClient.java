package io.troupe.client.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.chain.Receipt;
import io.troupe.proto.v1.ActorDescription;
import io.troupe.proto.v1.ChainEvent;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.DescribeActorRequest;
import io.troupe.proto.v1.GetHeadRequest;
import io.troupe.proto.v1.GetHeadResponse;
import io.troupe.proto.v1.GetStateRequest;
import io.troupe.proto.v1.GetStateResponse;
import io.troupe.proto.v1.ListActorsRequest;
import io.troupe.proto.v1.RemoveActorRequest;
import io.troupe.proto.v1.ReplayActorRequest;
import io.troupe.proto.v1.ReplayActorResponse;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.RestartActorRequest;
import io.troupe.proto.v1.RestartActorResponse;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.StartActorResponse;
import io.troupe.proto.v1.StopActorRequest;
import io.troupe.proto.v1.UpgradeActorRequest;
import io.troupe.proto.v1.UpgradeActorResponse;
import io.troupe.proto.v1.UploadModuleRequest;
import io.troupe.proto.v1.VerifyChainRequest;
import io.troupe.proto.v1.VerifyChainResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The Java client of a Troupe cluster. It knows several node addresses and talks to one; when that
 * node does not answer (UNAVAILABLE) it tries the next. Every node serves every actor, so any one
 * will do. Sends and requests carry a message id the client chooses, the same on every retry.
 *
 * <pre>{@code
 * try (TroupeClient client = TroupeClient.builder().target("127.0.0.1:7070").build()) {
 *   String id = client.start(Path.of("examples/counter/counter.toml"), "counter");
 *   client.send(id, "5");
 *   System.out.println(client.request(id, "\"total?\""));
 * }
 * }</pre>
 */
public final class TroupeClient implements AutoCloseable {
  /** The client's channels to its nodes, closed by {@link #close}. */
  private final NodeChannels nodes;

  private final Calls calls;
  private final Payloads payloads;
  private final ChainReads chains;

  TroupeClient(TroupeClientBuilder b) {
    List<String> targets = List.copyOf(b.targets);
    this.nodes = new NodeChannels(targets, b.credentials(), b.token);
    this.calls = new Calls(nodes.channels(), targets, b.deadline, b.attempt);
    this.payloads = new Payloads(b.mapper);
    this.chains = new ChainReads(calls, b.attempt);
  }

  public static TroupeClientBuilder builder() {
    return new TroupeClientBuilder();
  }

  /**
   * Starts the actor of manifest file {@code manifest}, uploading its module (and sending an {@code
   * init_state} file's JSON inline: a node reads no files for a client); returns its id. Safe to
   * retry: an attempt whose answer was lost does not make the retry fail or start a second actor.
   *
   * @param id the actor's id, or null for a fresh UUID
   */
  public String start(Path manifest, String id) {
    // the id is chosen here, so that a retry starts the same actor, not a second one
    String actorId = id == null ? UUID.randomUUID().toString() : id;
    StartActorRequest req = Manifests.startRequest(manifest, actorId);
    AtomicBoolean attempted = new AtomicBoolean();
    return calls
        .blocking(
            stub -> {
              boolean retry = attempted.getAndSet(true);
              return Futures.catchingAsync(
                  stub.startActor(req),
                  StatusRuntimeException.class,
                  e ->
                      // an earlier attempt of this call started it, then its answer was lost
                      retry && e.getStatus().getCode() == Status.Code.ALREADY_EXISTS
                          ? Futures.immediateFuture(
                              StartActorResponse.newBuilder().setId(actorId).build())
                          : Futures.immediateFailedFuture(e),
                  MoreExecutors.directExecutor());
            })
        .getId();
  }

  public void stop(String id) {
    calls.blocking(s -> s.stopActor(StopActorRequest.newBuilder().setId(id).build()));
  }

  /**
   * Starts actor {@code id} again on its home from its last committed state, in a new epoch (a
   * running one is stopped first); {@code reason} is recorded.
   */
  public RestartActorResponse restart(String id, String reason) {
    return calls.blocking(
        s -> s.restartActor(RestartActorRequest.newBuilder().setId(id).setReason(reason).build()));
  }

  /** Uploads module {@code bytes} (binary or WAT text); returns its {@code sha256:} reference. */
  public String upload(byte[] bytes) {
    return calls
        .blocking(
            s ->
                s.uploadModule(
                    UploadModuleRequest.newBuilder().setModule(ByteString.copyFrom(bytes)).build()))
        .getRef();
  }

  /**
   * Hot code upgrade: uploads {@code module} and, once a replay of at least the latest {@code
   * window} events (0: the node's default) against it reproduces the actor's history — or anyway,
   * with {@code force} — runs it from the actor's next turn on, its state kept.
   */
  public UpgradeActorResponse upgrade(String id, byte[] module, long window, boolean force) {
    String ref = upload(module);
    return calls.blocking(
        s ->
            s.upgradeActor(
                UpgradeActorRequest.newBuilder()
                    .setId(id)
                    .setModuleRef(ref)
                    .setWindow(window)
                    .setForce(force)
                    .build()));
  }

  /**
   * Deletes ended (stopped or failed) actor {@code id}'s record and whole chain; the id can be used
   * again.
   */
  public void remove(String id) {
    calls.blocking(s -> s.removeActor(RemoveActorRequest.newBuilder().setId(id).build()));
  }

  /**
   * Delivers {@code message} to the actor's handle-send; returns once handled and replicated. A
   * String is JSON text ({@code "5"}, {@code "{\"add\":1}"}); any other object is written by the
   * client's {@link ObjectMapper} (see {@link TroupeClientBuilder#mapper}).
   */
  public void send(String id, Object message) {
    Calls.await(sendAsync(id, message));
  }

  /**
   * Like {@link #send(String, Object)}, with the message id the actor knows it by: the actor
   * handles an id once, so sending it again (after a crash, from another process) is safe. The same
   * id with another message is refused ({@code MESSAGE_ID_REUSED}).
   */
  public void send(String id, Object message, String messageId) {
    Calls.await(sendAsync(id, message, messageId));
  }

  /**
   * Like {@link #send(String, Object)}, without waiting: completes once the send is handled and
   * replicated, or with a {@link TroupeClientException}. Any number may be in flight on one client.
   */
  public CompletableFuture<Void> sendAsync(String id, Object message) {
    return sendAsync(id, message, UUID.randomUUID().toString());
  }

  /** Like {@link #send(String, Object, String)}, without waiting. */
  public CompletableFuture<Void> sendAsync(String id, Object message, String messageId) {
    SendRequest req = sendRequest(id, message, messageId).build();
    return calls.async(s -> s.send(req)).thenApply(r -> null);
  }

  private SendRequest.Builder sendRequest(String id, Object message, String messageId) {
    return SendRequest.newBuilder()
        .setId(id)
        .setMessageJson(payloads.write(message))
        .setMessageId(Objects.requireNonNull(messageId));
  }

  /**
   * Like {@link #send}, and returns the node's signed receipt of the actor's chain head once the
   * send is acknowledged: a head that holds this send's events (docs/chain.md, "Receipts").
   */
  public Receipt sendWithReceipt(String id, Object message) {
    SendRequest req =
        sendRequest(id, message, UUID.randomUUID().toString()).setReceipt(true).build();
    return receipt(Calls.await(calls.async(s -> s.send(req))).getReceipt());
  }

  /**
   * The actor's committed head: its length and hash; with {@code signed}, also a receipt signed by
   * the node that answers.
   */
  public GetHeadResponse head(String id, boolean signed) {
    return calls.blocking(
        s -> s.getHead(GetHeadRequest.newBuilder().setId(id).setSigned(signed).build()));
  }

  /** A receipt as the API carries it, in the form that checks and prints it. */
  public static Receipt receipt(io.troupe.proto.v1.Receipt r) {
    return new Receipt(
        r.getActor(),
        r.getSeq(),
        io.troupe.chain.EventHash.of(r.getHead().toByteArray()),
        r.getEpoch(),
        r.getNode(),
        r.getTimeMs(),
        r.getPublicKey().toByteArray(),
        r.getSignature().toByteArray());
  }

  /** Sends a request (JSON text); returns the actor's response as JSON text. */
  public String request(String id, String json) {
    return Calls.await(requestAsync(id, json));
  }

  /** Like {@link #request(String, String)}, without waiting. */
  public CompletableFuture<String> requestAsync(String id, String json) {
    return requestAsync(id, json, String.class);
  }

  /**
   * Sends a request; returns the actor's response read as {@code type} by the client's mapper
   * ({@code JsonNode.class} for any JSON; {@code String.class} for the JSON text). {@code message}
   * is sent as by {@link #send(String, Object)}.
   */
  public <T> T request(String id, Object message, Class<T> type) {
    return Calls.await(requestAsync(id, message, type));
  }

  /** Like {@link #request(String, Object, Class)}, with the message id the actor knows it by. */
  public <T> T request(String id, Object message, Class<T> type, String messageId) {
    return Calls.await(requestAsync(id, message, type, messageId));
  }

  /**
   * Like {@link #request(String, Object, Class)}, without waiting: completes with the response, or
   * with a {@link TroupeClientException}. Any number may be in flight on one client.
   */
  public <T> CompletableFuture<T> requestAsync(String id, Object message, Class<T> type) {
    return requestAsync(id, message, type, UUID.randomUUID().toString());
  }

  /**
   * Like {@link #requestAsync(String, Object, Class)}, with the message id the actor knows it by: a
   * request sent again with the same id is answered with the first answer, without running again.
   */
  public <T> CompletableFuture<T> requestAsync(
      String id, Object message, Class<T> type, String messageId) {
    Objects.requireNonNull(type);
    RequestRequest req =
        RequestRequest.newBuilder()
            .setId(id)
            .setMessageJson(payloads.write(message))
            .setMessageId(Objects.requireNonNull(messageId))
            .build();
    return calls
        .async(s -> s.request(req))
        .thenApply(r -> payloads.read(r.getResponseJson(), type));
  }

  /**
   * Opens a channel to actor {@code id}, whose {@code handle-channel-open} gets {@code
   * openMessage}; {@code listener} hears what comes back, each message as a {@link JsonNode}.
   * Returns at once: {@link TroupeChannel#opened()} says when (and whether) the actor accepted.
   */
  public TroupeChannel openChannel(
      String id, Object openMessage, ChannelListener<JsonNode> listener) {
    return openChannel(id, openMessage, JsonNode.class, listener);
  }

  /**
   * Like {@link #openChannel(String, Object, ChannelListener)}, each message read as {@code type}.
   */
  public <T> TroupeChannel openChannel(
      String id, Object openMessage, Class<T> type, ChannelListener<T> listener) {
    return TroupeChannel.open(
        calls, payloads, id, openMessage, Objects.requireNonNull(type), listener);
  }

  /**
   * Subscribes to actor {@code id}'s chain: {@code onEvent} gets its committed events from {@code
   * fromSeq} on, then each commit's as it happens, until the actor stops or the subscription is
   * closed. Returns at once; see {@link Subscription} (it goes on from the next seq when a node
   * fails). {@link #follow} is the same, blocking the calling thread.
   */
  public Subscription subscribe(String id, long fromSeq, Consumer<ChainEvent> onEvent) {
    return Subscription.start(calls, id, fromSeq, Objects.requireNonNull(onEvent));
  }

  /** The mapper messages are written and read with (to convert a {@link JsonNode}, for one). */
  public ObjectMapper mapper() {
    return payloads.mapper();
  }

  public ActorDescription describe(String id) {
    return Calls.await(describeAsync(id));
  }

  public CompletableFuture<ActorDescription> describeAsync(String id) {
    return calls.async(s -> s.describeActor(DescribeActorRequest.newBuilder().setId(id).build()));
  }

  public List<ActorDescription> list() {
    return calls
        .blocking(s -> s.listActors(ListActorsRequest.getDefaultInstance()))
        .getActorsList();
  }

  /**
   * The committed chain, in seq order (gathered in memory; see {@link #chain(String, long, long,
   * Consumer)}).
   */
  public List<ChainEvent> chain(String id) {
    List<ChainEvent> out = new ArrayList<>();
    chain(id, 0, 0, out::add);
    return out;
  }

  /**
   * Streams actor {@code id}'s committed events {@code fromSeq <= seq < toSeq} ({@code toSeq} 0: to
   * the chain's length when the read begins) into {@code sink}, one at a time, in constant memory.
   * There is no deadline for the whole read: it fails when no event comes for the attempt timeout
   * on every node for the call's deadline; a node that fails mid-stream is replaced by the next,
   * which goes on after the last event received.
   *
   * @return how many events {@code sink} got
   */
  public long chain(String id, long fromSeq, long toSeq, Consumer<ChainEvent> sink) {
    return chains.export(id, fromSeq, toSeq, sink);
  }

  /**
   * Follows actor {@code id}'s chain: its committed events from {@code fromSeq} on, then each
   * commit's as it happens, until the actor stops (or the calling thread is interrupted). A node
   * that fails is replaced by the next, which goes on after the last event received.
   *
   * @return how many events {@code sink} got
   */
  public long follow(String id, long fromSeq, Consumer<ChainEvent> sink) {
    return chains.follow(id, fromSeq, sink);
  }

  public VerifyChainResponse verify(String id) {
    return calls.blocking(s -> s.verifyChain(VerifyChainRequest.newBuilder().setId(id).build()));
  }

  /**
   * Replays actor {@code id}'s committed chain against its module on the node (host calls answered
   * from the chain; nothing changes): reproduced, or the first seq that differs.
   */
  public ReplayActorResponse replay(String id) {
    return calls.blocking(s -> s.replayActor(ReplayActorRequest.newBuilder().setId(id).build()));
  }

  public GetStateResponse state(String id) {
    return calls.blocking(s -> s.getState(GetStateRequest.newBuilder().setId(id).build()));
  }

  public ClusterStatusResponse clusterStatus() {
    return calls.blocking(s -> s.clusterStatus(ClusterStatusRequest.getDefaultInstance()));
  }

  @Override
  public void close() {
    nodes.close();
  }
}
