package io.troupe.actor;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.Chain;
import io.troupe.chain.EventTypes;
import io.troupe.chain.Sha256;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.GuestErrorException;
import io.troupe.error.GuestFaultException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.host.Handler;
import io.troupe.host.HostContext;
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
import java.util.List;
import java.util.Optional;

/**
 * One actor on this node: its guest instance, state, chain and mailbox. Every method that touches
 * the guest or the state runs inside the mailbox, so at most one callback is in flight.
 */
final class Actor implements HostContext, HostCallSink {
  private final ActorId id;
  private final Manifest manifest;
  private final LoadedModule module;
  private final Chain chain;
  private final Mailbox mailbox;
  private final ActorSystem.Services services;
  private final GuestInstance guest;

  private volatile byte[] state;
  private volatile ActorStatus status = ActorStatus.STARTING;
  private JsonNode shutdownRequest;

  Actor(
      ActorId id,
      Manifest manifest,
      LoadedModule module,
      List<Handler> handlers,
      ActorSystem.Services services) {
    this.id = id;
    this.manifest = manifest;
    this.module = module;
    this.services = services;
    this.chain = new Chain(id.value());
    this.mailbox = new Mailbox(services.executor(), manifest.limits().mailboxCapacity());
    HostRegistry registry = new HostRegistry(services.mapper());
    for (Handler h : handlers) {
      h.register(registry, this);
    }
    this.guest =
        GuestInstance.create(
            module,
            manifest.limits().memoryPages(),
            registry,
            this,
            services.handlers()::providerOf,
            services.mapper());
    this.state = manifest.initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  ActorId id() {
    return id;
  }

  Manifest manifest() {
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

  byte[] stateBytes() {
    byte[] s = state;
    return s == null ? null : s.clone();
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
    record(EventTypes.ACTOR_STARTED, data);
    if (guest.hasExport(Callbacks.INIT)) {
      ArrayNode params = services.mapper().createArrayNode().add(id.value());
      status = ActorStatus.RUNNING; // init is a turn like any other
      try {
        invoke(Callbacks.INIT, bytes(params));
      } catch (GuestErrorException e) {
        stop(ActorStatus.FAILED, "init failed: " + e.getMessage());
        throw e;
      }
    } else {
      status = ActorStatus.RUNNING;
    }
  }

  /**
   * One turn: {@code wasm.call}, the callback (with its {@code host.call}s), then {@code
   * wasm.result} or {@code wasm.error}. In the mailbox.
   *
   * @param paramBytes the params tuple as UTF-8 JSON, recorded in {@code wasm.call} as given
   * @return the callback's result value, or null when it returned only the state
   */
  JsonNode invoke(String function, byte[] paramBytes) {
    if (status != ActorStatus.RUNNING) {
      throw new ActorNotRunningException("actor " + id + " is " + status.name().toLowerCase());
    }
    if (!guest.hasExport(function)) {
      throw new InvalidArgumentException("actor " + id + " does not export " + function);
    }
    recordCall(function, paramBytes);
    GuestResult result;
    try (Deadline deadline = services.watchdog().arm(manifest.limits().callTimeout())) {
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
      stop(ActorStatus.STOPPED, "shutdown requested by the actor");
    }
    return ok.value();
  }

  /** Records {@code actor.stopped} and stops taking deliveries. In the mailbox. Idempotent. */
  void stop(ActorStatus finalStatus, String reason) {
    if (status == ActorStatus.STOPPED || status == ActorStatus.FAILED) {
      return;
    }
    ObjectNode data = services.mapper().createObjectNode();
    data.put("reason", reason);
    if (shutdownRequest != null) {
      data.set("data", shutdownRequest);
    }
    record(EventTypes.ACTOR_STOPPED, data);
    status = finalStatus;
  }

  private GuestFaultException fault(String function, String message) {
    ObjectNode data = services.mapper().createObjectNode();
    data.put("function", function);
    data.put("message", message);
    data.put("fault", true);
    record(EventTypes.WASM_ERROR, data);
    stop(ActorStatus.FAILED, "fault in " + function + ": " + message);
    return new GuestFaultException("actor " + id + " " + function + ": " + message);
  }

  private void record(String type, JsonNode data) {
    chain.append(type, services.clock().millis(), bytes(data));
  }

  /** {@code wasm.call} with the params tuple spliced in as the caller serialised it. */
  private void recordCall(String function, byte[] paramBytes) {
    byte[] head =
        ("{\"function\":" + services.mapper().getNodeFactory().textNode(function) + ",\"params\":")
            .getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[head.length + paramBytes.length + 1];
    System.arraycopy(head, 0, data, 0, head.length);
    System.arraycopy(paramBytes, 0, data, head.length, paramBytes.length);
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
  public Optional<JsonNode> state() {
    byte[] s = state;
    if (s == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(services.mapper().readTree(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void requestShutdown(JsonNode data) {
    shutdownRequest = data == null ? services.mapper().nullNode() : data;
  }
}
