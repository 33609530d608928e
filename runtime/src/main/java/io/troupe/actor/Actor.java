package io.troupe.actor;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.Chain;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventTypes;
import io.troupe.chain.Sha256;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.GuestErrorException;
import io.troupe.error.GuestFaultException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.error.TroupeException;
import io.troupe.error.UnavailableException;
import io.troupe.host.AsyncOperations;
import io.troupe.host.Handler;
import io.troupe.host.HostContext;
import io.troupe.host.Messenger;
import io.troupe.host.Supervisor;
import io.troupe.mailbox.Mailbox;
import io.troupe.manifest.Manifest;
import io.troupe.wasm.AbiViolation;
import io.troupe.wasm.GuestInstance;
import io.troupe.wasm.GuestResult;
import io.troupe.wasm.HostCallSink;
import io.troupe.wasm.HostRegistry;
import io.troupe.wasm.LoadedModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One actor on this node: its guest instance, state, chain and mailbox, the requests it owes
 * answers to, its operations in flight, and its children. Every method that touches the guest or
 * the state runs inside the mailbox, so at most one callback is in flight.
 */
final class Actor implements HostContext, HostCallSink, Recipient {
  private static final Logger log = LoggerFactory.getLogger(Actor.class);

  private final ActorId id;
  private final Manifest manifest;
  private final LoadedModule module;
  private final List<Handler> handlers;
  private final Chain chain;
  private final Mailbox mailbox;
  private final ActorSystem.Services services;
  private final byte[] initialState;
  private final Optional<ActorId> parent;
  private final Set<ActorId> children =
      java.util.Collections.synchronizedSet(new LinkedHashSet<>());
  private final Map<String, CompletableFuture<JsonNode>> outstanding = new ConcurrentHashMap<>();
  private final PendingOperations operations = new PendingOperations(this);
  private final ActorMessenger messenger;
  private final ActorSupervisor supervisor;
  private final CommitPipeline commits;
  private final long epoch;

  /** Restart times (clock millis) within the parent's window; touched in the parent's mailbox. */
  private final Deque<Long> restarts = new ArrayDeque<>();

  private volatile GuestInstance guest;
  private volatile byte[] state;
  private volatile ActorStatus status = ActorStatus.STARTING;
  private JsonNode shutdownRequest;
  private Delivery current;
  private Deadline deadline;

  /** What a handled message was answered with: a value (null for none) or an error. */
  private record Answer(JsonNode value, String cancelled) {
    Throwable error() {
      return cancelled == null ? null : new io.troupe.error.CancelledException(cancelled);
    }
  }

  /**
   * Sends and requests already handled, by message id, with their answers: a retry of one (a client
   * resending after failover, or after its attempt timed out) is answered from here, not run again.
   * Rebuilt from the chain when the actor moves. Bounded; guarded by itself.
   */
  private final Map<String, Answer> answered = bounded();

  /**
   * Requests whose turn ran and deferred the answer (no response element), not yet answered: a
   * retry waits for the actor's respond-to-request instead of running again. Rebuilt from the chain
   * when the actor moves. Bounded; guarded by {@link #answered}.
   */
  private final Map<String, Boolean> deferred = bounded();

  private static final int ANSWERED = 4096;

  private static final String RESPOND = "troupe:actor/message-server-host.respond-to-request";
  private static final String CANCEL_REQUEST = "troupe:actor/message-server-host.cancel-request";

  private static <V> Map<String, V> bounded() {
    return new java.util.LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > ANSWERED;
      }
    };
  }

  /** Deliveries that arrived while RESTARTING; guarded by itself. */
  private final List<Runnable> held = new java.util.ArrayList<>();

  /** The request the running turn handles; its turn settles it, even if the actor stops. */
  private String requestInTurn;

  Actor(
      ActorId id,
      Manifest manifest,
      LoadedModule module,
      List<Handler> handlers,
      ActorSystem.Services services,
      Optional<ActorId> parent,
      byte[] initialState,
      long epoch,
      List<ChainEvent> history) {
    this.id = id;
    this.epoch = epoch;
    this.manifest = manifest;
    this.module = module;
    this.handlers = List.copyOf(handlers);
    this.services = services;
    this.parent = parent;
    this.initialState = initialState;
    this.chain = history.isEmpty() ? new Chain(id.value()) : Chain.resume(id.value(), history);
    this.commits = new CommitPipeline(new CommitSource(), services.chainStore(), history.size());
    this.mailbox =
        new Mailbox(services.executor(), manifest.limits().mailboxCapacity(), commits::flush);
    this.messenger = new ActorMessenger(this);
    this.supervisor = new ActorSupervisor(this);
    this.guest = instantiate();
    this.state = initialState;
    rememberFrom(history);
  }

  private GuestInstance instantiate() {
    HostRegistry registry = new HostRegistry(services.mapper());
    for (Handler h : handlers) {
      h.register(registry, this);
    }
    return GuestInstance.create(
        module,
        manifest.limits().memoryPages(),
        registry,
        this,
        services.handlers()::providerOf,
        services.mapper());
  }

  ActorId id() {
    return id;
  }

  @Override
  public Manifest manifest() {
    return manifest;
  }

  Chain chain() {
    return chain;
  }

  Mailbox mailbox() {
    return mailbox;
  }

  ActorStatus status() {
    return status;
  }

  ActorSystem.Services services() {
    return services;
  }

  Optional<ActorId> parent() {
    return parent;
  }

  Set<ActorId> children() {
    return children;
  }

  Deque<Long> restarts() {
    return restarts;
  }

  PendingOperations operations() {
    return operations;
  }

  boolean exports(String function) {
    return guest.hasExport(function);
  }

  byte[] stateBytes() {
    byte[] s = state;
    return s == null ? null : s.clone();
  }

  /** Requests this actor received and has not answered. */
  Map<String, CompletableFuture<JsonNode>> outstanding() {
    return outstanding;
  }

  /** Time left in the current turn, or {@code fallback} outside a turn. */
  Duration turnTimeLeft(Duration fallback) {
    Deadline d = deadline;
    return d == null ? fallback : d.remaining();
  }

  // ---- deliveries ----

  @Override
  public CompletableFuture<JsonNode> deliver(Delivery d) {
    checkAccepting(d.callback());
    byte[] params = checkSize(d.params());
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    boolean idempotent = d instanceof Delivery.Send || d instanceof Delivery.Request;
    Runnable turn =
        () -> {
          try {
            Answer before = idempotent ? answeredBefore(d.messageId()) : null;
            if (before != null) {
              release(result, before.value(), before.error()); // a retry: answered from the record
              return;
            }
            if (d instanceof Delivery.Request r && owes(r.messageId(), result)) {
              return; // a retry of a request it deferred: it gets the actor's answer when it comes
            }
            if (d instanceof Delivery.Request r && !result.isDone()) {
              // owed from the moment the actor sees it, until answered, cancelled or timed out
              outstanding.put(r.messageId(), result);
              result.whenComplete((v, e) -> outstanding.remove(r.messageId(), result));
              requestInTurn = r.messageId();
            }
            JsonNode value;
            try {
              value = invoke(d.callback(), params, d);
            } finally {
              requestInTurn = null;
            }
            if (idempotent && (!(d instanceof Delivery.Request) || value != null)) {
              remember(d.messageId(), value);
            } else if (d instanceof Delivery.Request && status == ActorStatus.RUNNING) {
              synchronized (answered) {
                deferred.put(d.messageId(), true);
              }
            }
            if (!(d instanceof Delivery.Request) || value != null) {
              release(result, value, null);
            } else if (status != ActorStatus.RUNNING) {
              release(result, null, notAnswered(d.messageId()));
            } // else: no response element, deferred; respond-to-request completes it
          } catch (RuntimeException e) {
            release(result, null, e);
          }
        };
    if (!offer(turn)) {
      result.cancel(false);
      throw mailboxFull();
    }
    return result;
  }

  /** Queues a call of {@code function} with a serialised params tuple (the typed call layer). */
  CompletableFuture<JsonNode> call(String function, JsonNode params) {
    byte[] bytes = checkSize(params);
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    Runnable turn =
        () -> {
          try {
            release(result, invoke(function, bytes, null), null);
          } catch (RuntimeException e) {
            release(result, null, e);
          }
        };
    if (!offer(turn)) {
      throw mailboxFull();
    }
    return result;
  }

  @Override
  public CompletableFuture<Void> enqueueEvent(String callback, JsonNode params) {
    checkAccepting(callback);
    byte[] bytes = checkSize(params);
    CompletableFuture<Void> done = new CompletableFuture<>();
    mailbox.offerAlways(
        () -> {
          try {
            callInTurn(callback, bytes, callback);
          } finally {
            done.complete(null);
          }
        });
    return done;
  }

  /**
   * Settles what a turn acknowledges once the events appended so far are durable (a commit that
   * fails fails it instead). In the mailbox, at the end of the turn or inside it: a value given
   * inside a turn waits for the turn's own end, since commits go out between turns.
   */
  <T> void release(CompletableFuture<T> target, T value, Throwable error) {
    commits
        .durable(chain.size())
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                target.completeExceptionally(e);
              } else if (error != null) {
                target.completeExceptionally(error);
              } else {
                target.complete(value);
              }
            });
  }

  /** The recorded answer to message {@code id} when it was handled already, else null. */
  private Answer answeredBefore(String id) {
    synchronized (answered) {
      return answered.get(id);
    }
  }

  private void remember(String id, JsonNode value) {
    synchronized (answered) {
      answered.put(id, new Answer(value, null));
      deferred.remove(id);
    }
  }

  /**
   * In the mailbox: when request {@code id} was deferred and not answered yet, {@code result} waits
   * for the actor's answer (it becomes the outstanding request's future, or follows it) and this is
   * true.
   */
  private boolean owes(String id, CompletableFuture<JsonNode> result) {
    synchronized (answered) {
      if (!deferred.containsKey(id)) {
        return false;
      }
    }
    CompletableFuture<JsonNode> owed = outstanding.putIfAbsent(id, result);
    if (owed == null) {
      result.whenComplete((v, e) -> outstanding.remove(id, result));
    } else {
      owed.whenComplete(
          (v, e) -> {
            if (e != null) {
              result.completeExceptionally(e);
            } else {
              result.complete(v);
            }
          });
    }
    return true;
  }

  /**
   * The actor answered deferred request {@code id} (with {@code response}), or cancelled it (with
   * {@code cancelled}, the reason): retries get that from now on.
   *
   * @return whether {@code id} is a request the actor owed an answer
   */
  boolean settleDeferred(String id, JsonNode response, String cancelled) {
    synchronized (answered) {
      boolean owed = deferred.remove(id) != null;
      if (owed) {
        answered.put(id, new Answer(response, cancelled));
      }
      return owed;
    }
  }

  /**
   * Rebuilds the answered and deferred messages from a chain: each wasm.call with an id and its
   * wasm.result, and each respond-to-request or cancel-request that succeeded.
   */
  private void rememberFrom(List<ChainEvent> history) {
    String pending = null;
    for (ChainEvent e : history) {
      if (e.type().equals(EventTypes.HOST_CALL)) {
        JsonNode call = readTree(e.data());
        String fn = call.path("function").asText();
        if (call.path("output").has("Ok") && (fn.equals(RESPOND) || fn.equals(CANCEL_REQUEST))) {
          String id = call.path("input").path(0).asText();
          settleDeferred(
              id,
              fn.equals(RESPOND) ? call.path("input").get(1) : null,
              fn.equals(RESPOND) ? null : "request " + id + " cancelled by actor " + this.id);
        }
      } else if (e.type().equals(EventTypes.WASM_CALL)) {
        JsonNode call = readTree(e.data());
        String fn = call.path("function").asText();
        pending =
            call.hasNonNull("message_id")
                    && (fn.equals(Callbacks.HANDLE_SEND) || fn.equals(Callbacks.HANDLE_REQUEST))
                ? call.get("message_id").asText()
                : null;
      } else if (e.type().equals(EventTypes.WASM_RESULT) && pending != null) {
        JsonNode result = readTree(e.data()).get("result");
        if (result != null && !(result.isNull() && isRequestCall(history, e))) {
          remember(pending, result.isNull() ? null : result);
        } else if (result != null) {
          synchronized (answered) {
            deferred.put(pending, true);
          }
        }
        pending = null;
      } else if (e.type().equals(EventTypes.WASM_ERROR)) {
        pending = null;
      } else if (e.type().equals(EventTypes.ACTOR_STOPPED)) {
        synchronized (answered) {
          deferred.clear();
        }
      }
    }
  }

  /**
   * Whether the turn that ended with {@code result} handled a request (a deferred one has no answer
   * yet).
   */
  private boolean isRequestCall(List<ChainEvent> history, ChainEvent result) {
    for (int i = (int) result.seq() - 1; i >= 0; i--) {
      ChainEvent e = history.get(i);
      if (e.type().equals(EventTypes.WASM_CALL)) {
        return readTree(e.data()).path("function").asText().equals(Callbacks.HANDLE_REQUEST);
      }
    }
    return false;
  }

  /** Completes once every event appended so far is durable. */
  CompletableFuture<Void> durable() {
    return commits.durable(chain.size());
  }

  /** Committed events from {@code fromSeq} on, backfill then live; returns the cancel action. */
  Runnable subscribe(long fromSeq, java.util.function.Consumer<List<ChainEvent>> listener) {
    return commits.subscribe(fromSeq, listener);
  }

  long committedLength() {
    return commits.committed();
  }

  long epoch() {
    return epoch;
  }

  /** What the commit pipeline reads from this actor. */
  private final class CommitSource implements CommitPipeline.Source {
    @Override
    public Chain chain() {
      return chain;
    }

    @Override
    public byte[] stateBytes() {
      return state;
    }

    @Override
    public ActorStatus status() {
      return status;
    }

    @Override
    public long epoch() {
      return epoch;
    }

    @Override
    public String node() {
      return services.nodeName();
    }

    @Override
    public Optional<ChainStore.Origin> origin() {
      return Optional.of(
          new ChainStore.Origin(
              manifest.name(), module.sha256(), parent, manifest.text(), manifest.module()));
    }

    @Override
    public void lost(TroupeException why) {
      log.warn("actor {}: this node lost it: {}", id, why.getMessage());
      services.system().lost(Actor.this, why);
    }
  }

  /**
   * This copy lost its home: it stops at once, without recording (its appends are refused), and
   * fails what it owes so that callers retry at the new home.
   */
  void markLost(TroupeException why) {
    synchronized (held) {
      status = ActorStatus.LOST;
    }
    operations.abandon(); // the new home resumes them from the chain
    for (String requestId : List.copyOf(outstanding.keySet())) {
      CompletableFuture<JsonNode> f = outstanding.remove(requestId);
      if (f != null) {
        f.completeExceptionally(why);
      }
    }
    releaseHeld();
  }

  /** In the mailbox: a turn whose failure is recorded in the chain and only logged here. */
  void callInTurn(String function, Object params, String what) {
    if (status != ActorStatus.RUNNING) {
      return;
    }
    try {
      byte[] bytes = params instanceof byte[] b ? b : services.mapper().writeValueAsBytes(params);
      invoke(function, bytes, null);
    } catch (TroupeException e) {
      log.debug("actor {}: {} failed: {}", id, what, e.getMessage());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean offer(Runnable turn) {
    try {
      return mailbox.offer(new Holdable(turn));
    } catch (RejectedExecutionException e) {
      throw new ActorNotRunningException("node is shutting down");
    }
  }

  /** A turn that waits for the restart when it comes up while the actor is restarting. */
  private final class Holdable implements Runnable {
    private final Runnable turn;

    Holdable(Runnable turn) {
      this.turn = turn;
    }

    @Override
    public void run() {
      synchronized (held) {
        if (status == ActorStatus.RESTARTING || status == ActorStatus.STARTING) {
          held.add(this);
          return;
        }
      }
      turn.run();
    }
  }

  /** After a restart (or when it is abandoned): runs the held deliveries, in order. */
  private void releaseHeld() {
    List<Runnable> out;
    synchronized (held) {
      out = List.copyOf(held);
      held.clear();
    }
    out.forEach(mailbox::offerAlways);
  }

  private void checkAccepting(String callback) {
    ActorStatus s = status;
    if ((s == ActorStatus.RESTARTING || s == ActorStatus.STARTING)
        && held.size() >= mailbox.capacity()) {
      throw mailboxFull();
    }
    if (s == ActorStatus.STOPPED || s == ActorStatus.FAILED) {
      throw new ActorNotRunningException("actor " + id + " is " + s.name().toLowerCase());
    }
    if (s == ActorStatus.LOST) {
      throw new UnavailableException("actor " + id + " no longer runs on this node; retry");
    }
    if (!guest.hasExport(callback)) {
      throw new InvalidArgumentException("actor " + id + " does not export " + callback);
    }
  }

  private LimitExceededException mailboxFull() {
    return new LimitExceededException(
        "mailbox of actor "
            + id
            + " is full ("
            + mailbox.capacity()
            + " messages, limits.mailbox_capacity)");
  }

  /** Serialises a params tuple (a list or a JSON array) once, refusing it over the size limit. */
  private byte[] checkSize(Object tuple) {
    byte[] bytes;
    try {
      bytes = services.mapper().writeValueAsBytes(tuple);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    int limit = manifest.limits().maxMessageBytes();
    if (bytes.length > limit) {
      throw new LimitExceededException(
          "message of "
              + bytes.length
              + " bytes to actor "
              + id
              + " exceeds its limit of "
              + limit
              + " bytes (limits.max_message_bytes)");
    }
    return bytes;
  }

  private ActorNotRunningException notAnswered(String requestId) {
    return new ActorNotRunningException(
        "actor " + id + " stopped before answering request " + requestId);
  }

  // ---- turns ----

  /**
   * In the mailbox: this actor continues here, from {@code state} (which must be the state its
   * chain last recorded) after another node's copy; records {@code actor.moved} and runs.
   */
  void resumeMoved(byte[] resumedState, String fromNode, String why) {
    state = resumedState;
    Optional<String> problem = lastStateProblem();
    if (problem.isPresent()) {
      status = ActorStatus.FAILED;
      releaseHeld();
      throw new io.troupe.error.InternalException("actor " + id + " cannot move: " + problem.get());
    }
    PendingOperations.Resumption operationsInFlight = operations.resume(chain.events(), fromNode);
    ObjectNode data = services.mapper().createObjectNode();
    data.put("from_node", fromNode);
    data.put("node", services.nodeName());
    data.put("epoch", epoch);
    data.put("reason", why);
    data.put("state_sha256", state == null ? null : Sha256.hex(state));
    data.set("open_ops", operationsInFlight.openIds());
    record(EventTypes.ACTOR_MOVED, data);
    status = ActorStatus.RUNNING;
    operationsInFlight.run(); // timers and other work of the old home go on here
    releaseHeld(); // deliveries that came while it moved in
  }

  /**
   * In the mailbox: this node gives the actor up without recording a stop (it is leaving; another
   * node takes the actor over from its record). Deliveries fail as unavailable from now on.
   */
  void handOff() {
    markLost(new UnavailableException("actor " + id + " is moving to another node; retry"));
  }

  /** Records the genesis event and runs {@code init}, if the module exports it. In the mailbox. */
  void start() {
    ObjectNode data = services.mapper().createObjectNode();
    ObjectNode m = data.putObject("manifest");
    m.put("name", manifest.name());
    m.put("version", manifest.version());
    m.put("source", manifest.source());
    data.put("module_sha256", module.sha256());
    ArrayNode hs = data.putArray("handlers");
    manifest.handlers().forEach(h -> hs.add(h.type()));
    data.put("init_state_sha256", state == null ? null : Sha256.hex(state));
    data.put("node", services.nodeName());
    data.put("epoch", 0);
    parent.ifPresent(p -> data.put("parent", p.value()));
    record(EventTypes.ACTOR_STARTED, data);
    try {
      runInit();
    } finally {
      releaseHeld(); // deliveries that came while it started
    }
  }

  private void runInit() {
    status = ActorStatus.RUNNING; // init is a turn like any other
    if (guest.hasExport(Callbacks.INIT)) {
      try {
        invoke(Callbacks.INIT, bytes(services.mapper().createArrayNode().add(id.value())), null);
      } catch (GuestErrorException e) {
        stop(ActorStatus.FAILED, "init failed: " + e.getMessage(), StopCause.FAULT);
        throw e;
      }
    }
  }

  /**
   * One turn: {@code wasm.call}, the callback (with its {@code host.call}s), then {@code
   * wasm.result} or {@code wasm.error}. In the mailbox.
   *
   * @param paramBytes the params tuple as UTF-8 JSON, recorded in {@code wasm.call} as given
   * @param delivery the message being handled, or null for the runtime's own calls
   * @return the callback's result value, or null when it returned only the state
   */
  JsonNode invoke(String function, byte[] paramBytes, Delivery delivery) {
    if (status == ActorStatus.LOST) {
      throw new UnavailableException("actor " + id + " no longer runs on this node; retry");
    }
    if (status != ActorStatus.RUNNING) {
      throw new ActorNotRunningException("actor " + id + " is " + status.name().toLowerCase());
    }
    if (!guest.hasExport(function)) {
      throw new InvalidArgumentException("actor " + id + " does not export " + function);
    }
    recordCall(function, paramBytes, delivery);
    GuestResult result;
    current = delivery;
    try (Deadline d = services.watchdog().arm(manifest.limits().callTimeout())) {
      deadline = d;
      try {
        result = guest.call(function, state, paramBytes);
      } catch (ChicoryInterruptedException e) {
        throw fault(
            function,
            "exceeded its call deadline of " + manifest.limits().callTimeout().toMillis() + " ms");
      } catch (AbiViolation e) {
        throw fault(function, "ABI violation: " + e.getMessage());
      } catch (ChicoryException e) {
        throw fault(function, "trap: " + e.getMessage());
      } catch (StackOverflowError e) {
        throw fault(function, "trap: call stack exhausted");
      }
    } finally {
      current = null;
      deadline = null;
    }
    if (result instanceof GuestResult.Err err) {
      ObjectNode data = services.mapper().createObjectNode();
      data.put("function", function);
      data.put("message", err.message());
      data.put("fault", false);
      record(EventTypes.WASM_ERROR, data);
      throw new GuestErrorException(function + " returned an error: " + err.message());
    }
    GuestResult.Ok ok = (GuestResult.Ok) result;
    state = ok.state().orElse(null);
    ObjectNode data = services.mapper().createObjectNode();
    data.put("function", function);
    data.set("result", ok.value());
    data.put("state_sha256", state == null ? null : Sha256.hex(state));
    record(EventTypes.WASM_RESULT, data);
    if (shutdownRequest != null) {
      stop(ActorStatus.STOPPED, "shutdown requested by the actor", StopCause.EXIT);
    }
    return ok.value();
  }

  /**
   * In the mailbox: fails what the actor still owes (operations in flight are recorded as failed,
   * requests it did not answer fail for their senders), records {@code actor.stopped}, and lets the
   * system tell the others. Idempotent.
   */
  void stop(ActorStatus finalStatus, String reason, StopCause cause) {
    if (status == ActorStatus.RESTARTING && cause != StopCause.RESTART) {
      status = finalStatus; // stopped for good while waiting for its restart
      releaseHeld();
      return;
    }
    if (status == ActorStatus.STOPPED
        || status == ActorStatus.FAILED
        || status == ActorStatus.RESTARTING
        || status == ActorStatus.LOST) {
      return;
    }
    operations.failAll("cancelled: actor stopped (" + reason + ")");
    ObjectNode data = services.mapper().createObjectNode();
    data.put("reason", reason);
    JsonNode exitData = shutdownRequest;
    if (exitData != null) {
      data.set("data", exitData);
    }
    record(EventTypes.ACTOR_STOPPED, data);
    int restart = services.system().restartDecision(this, cause);
    synchronized (held) {
      status = restart > 0 ? ActorStatus.RESTARTING : finalStatus;
    }
    shutdownRequest = null;
    synchronized (answered) {
      deferred.clear(); // a stop fails what the actor owed; it owes nothing after a restart
    }
    for (String requestId : List.copyOf(outstanding.keySet())) {
      if (requestId.equals(requestInTurn)) {
        continue;
      }
      CompletableFuture<JsonNode> f = outstanding.remove(requestId);
      if (f != null) {
        f.completeExceptionally(notAnswered(requestId));
      }
    }
    services.system().stopped(this, cause, reason, exitData, restart);
  }

  /**
   * In the mailbox: stops the actor if it runs, then starts it again in a fresh instance of its
   * module, with the state of its last recorded turn (when {@code fresh} is false and that state
   * matches the chain) or its initial state (then {@code init} runs again). Records {@code
   * actor.restarted}; the chain goes on.
   */
  void restart(String reason, boolean fresh, int restartNumber) {
    stop(ActorStatus.STOPPED, "restarting: " + reason, StopCause.RESTART);
    guest = instantiate();
    String resumed = "fresh";
    String note = null;
    if (!fresh) {
      Optional<String> problem = lastStateProblem();
      if (problem.isEmpty()) {
        resumed = "last-state";
      } else {
        note = problem.get();
      }
    }
    if (resumed.equals("fresh")) {
      state = initialState;
    }
    ObjectNode data = services.mapper().createObjectNode();
    data.put("reason", reason);
    data.put("resume", resumed);
    if (note != null) {
      data.put("note", note);
    }
    data.put("restart", restartNumber);
    data.put("state_sha256", state == null ? null : Sha256.hex(state));
    data.put("node", services.nodeName());
    record(EventTypes.ACTOR_RESTARTED, data);
    if (resumed.equals("fresh")) {
      try {
        runInit();
      } catch (TroupeException e) {
        log.info("actor {}: init after restart failed: {}", id, e.getMessage());
      }
    } else {
      status = ActorStatus.RUNNING;
    }
    releaseHeld();
  }

  /** Why the held state cannot be resumed from, or empty when it matches the verified chain. */
  private Optional<String> lastStateProblem() {
    List<ChainEvent> events = chain.events();
    var verification = ChainVerifier.verify(events);
    if (!verification.valid()) {
      return Optional.of("chain does not verify: " + verification.describe());
    }
    String want = null;
    for (int i = events.size() - 1; i >= 0 && want == null; i--) {
      ChainEvent e = events.get(i);
      String key =
          switch (e.type()) {
            case EventTypes.WASM_RESULT, EventTypes.ACTOR_RESTARTED, EventTypes.ACTOR_MOVED ->
                "state_sha256";
            case EventTypes.ACTOR_STARTED -> "init_state_sha256";
            default -> null;
          };
      if (key != null) {
        JsonNode v = readTree(e.data()).get(key);
        want = v == null || v.isNull() ? "none" : v.asText();
      }
    }
    String have = state == null ? "none" : Sha256.hex(state);
    return have.equals(want)
        ? Optional.empty()
        : Optional.of("held state " + have + " does not match the chain's " + want);
  }

  private GuestFaultException fault(String function, String message) {
    ObjectNode data = services.mapper().createObjectNode();
    data.put("function", function);
    data.put("message", message);
    data.put("fault", true);
    record(EventTypes.WASM_ERROR, data);
    stop(ActorStatus.FAILED, "fault in " + function + ": " + message, StopCause.FAULT);
    return new GuestFaultException("actor " + id + " " + function + ": " + message);
  }

  void record(String type, JsonNode data) {
    chain.append(type, services.clock().millis(), bytes(data));
  }

  /**
   * {@code wasm.call} with the params tuple spliced in as the caller serialised it, and the
   * message's id and sender when it is a delivery.
   */
  private void recordCall(String function, byte[] paramBytes, Delivery delivery) {
    var f = services.mapper().getNodeFactory();
    StringBuilder head = new StringBuilder("{\"function\":").append(f.textNode(function));
    if (delivery != null) {
      head.append(",\"message_id\":").append(f.textNode(delivery.messageId()));
      head.append(",\"sender\":")
          .append(delivery.sender().map(s -> f.textNode(s.value()).toString()).orElse("null"));
    }
    head.append(",\"params\":");
    byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[h.length + paramBytes.length + 1];
    System.arraycopy(h, 0, data, 0, h.length);
    System.arraycopy(paramBytes, 0, data, h.length, paramBytes.length);
    data[data.length - 1] = '}';
    chain.append(EventTypes.WASM_CALL, services.clock().millis(), data);
  }

  private byte[] bytes(JsonNode node) {
    try {
      return services.mapper().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode readTree(byte[] bytes) {
    try {
      return services.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The delivery the current turn handles, or null. Turn thread only. */
  Delivery currentDelivery() {
    return current;
  }

  // HostCallSink: the recording interceptor's target.
  @Override
  public void record(String function, JsonNode input, JsonNode output) {
    ObjectNode data = services.mapper().createObjectNode();
    data.put("function", function);
    data.set("input", input);
    data.set("output", output);
    record(EventTypes.HOST_CALL, data);
  }

  // HostContext: what handlers see.
  @Override
  public String actorId() {
    return id.value();
  }

  @Override
  public Clock clock() {
    return services.clock();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return services.scheduler();
  }

  @Override
  public Optional<JsonNode> state() {
    byte[] s = state;
    return s == null ? Optional.empty() : Optional.of(readTree(s));
  }

  @Override
  public void requestShutdown(JsonNode data) {
    shutdownRequest = data == null ? services.mapper().nullNode() : data;
  }

  /** Parks turns of this actor on others (through the wait graph). */
  ActorMessenger parking() {
    return messenger;
  }

  @Override
  public Messenger messenger() {
    return messenger;
  }

  @Override
  public AsyncOperations async() {
    return operations;
  }

  @Override
  public Supervisor supervisor() {
    return supervisor;
  }
}
