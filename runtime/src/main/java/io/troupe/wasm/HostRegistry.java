package io.troupe.wasm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Host functions an actor's instance can import, registered with types that match the WIT: a record
 * for the params tuple and a result type. The adapter does the tuple (un)wrapping.
 */
public final class HostRegistry {
  /** A host function body with a result. */
  @FunctionalInterface
  public interface Body<P extends Record, R> {
    R apply(P params);
  }

  /** A host function body without a result ({@code Ok} with no value). */
  @FunctionalInterface
  public interface NoResultBody<P extends Record> {
    void apply(P params);
  }

  /** The untyped form every registered function is reduced to: JSON tuple in, JSON value out. */
  @FunctionalInterface
  public interface Binding {
    /** Returns the {@code Ok} value, or null for {@code Ok} with no value. */
    JsonNode invoke(JsonNode params);
  }

  /**
   * What the chain records of a host call, when that must not be all of it (docs/chain.md,
   * "Secrets"): the recorded params tuple from the real one, and the recorded {@code {"Ok": …}} or
   * {@code {"Err": …}} from the real params and output. The guest still gets the real output.
   */
  public record Redaction(
      java.util.function.UnaryOperator<JsonNode> input,
      java.util.function.BinaryOperator<JsonNode> output) {
    public static final Redaction NONE = new Redaction(in -> in, (in, out) -> out);

    /** Only the params are recorded differently. */
    public static Redaction ofInput(java.util.function.UnaryOperator<JsonNode> input) {
      return new Redaction(input, NONE.output);
    }

    /** Only the output is recorded differently (it may depend on the params). */
    public static Redaction ofOutput(java.util.function.BinaryOperator<JsonNode> output) {
      return new Redaction(NONE.input, output);
    }
  }

  private final ObjectMapper mapper;
  private final TupleCodec tuples;
  private final Map<String, Redaction> redactions = new LinkedHashMap<>();
  private final Map<String, Binding> bindings = new LinkedHashMap<>();
  private final Map<String, Integer> arities = new LinkedHashMap<>();

  public HostRegistry(ObjectMapper mapper) {
    this.mapper = mapper;
    this.tuples = new TupleCodec(mapper);
  }

  public <P extends Record, R> void registerFunction(
      String iface, String name, Class<P> params, Class<R> result, Body<P, R> body) {
    put(
        iface,
        name,
        params,
        json -> {
          R r = body.apply(tuples.decode(json, params));
          return r instanceof JsonNode node ? node : mapper.valueToTree(r);
        });
  }

  public <P extends Record> void registerFunctionNoResult(
      String iface, String name, Class<P> params, NoResultBody<P> body) {
    put(
        iface,
        name,
        params,
        json -> {
          body.apply(tuples.decode(json, params));
          return null;
        });
  }

  /**
   * Registers {@code iface.name} untyped: {@code binding} gets the params tuple as the guest sent
   * it (a replay answers every import this way, from the chain).
   */
  public void registerBinding(String iface, String name, int arity, Binding binding) {
    put(iface, name, arity, binding);
  }

  private void put(String iface, String name, Class<? extends Record> params, Binding binding) {
    put(iface, name, params.getRecordComponents().length, binding);
  }

  private void put(String iface, String name, int arity, Binding binding) {
    String key = iface + "." + name;
    if (bindings.putIfAbsent(key, binding) != null) {
      throw new IllegalStateException("host function " + key + " registered twice");
    }
    arities.put(key, arity);
  }

  /** Records calls of {@code iface.name} as {@code redaction} says (registered already). */
  public void redact(String iface, String name, Redaction redaction) {
    String key = iface + "." + name;
    if (!bindings.containsKey(key)) {
      throw new IllegalStateException("host function " + key + " is not registered");
    }
    redactions.put(key, redaction);
  }

  /** How calls of {@code iface.name} are recorded. */
  public Redaction redaction(String iface, String name) {
    return redactions.getOrDefault(iface + "." + name, Redaction.NONE);
  }

  /** Every registered {@code interface.function} with the length of its params tuple. */
  public Map<String, Integer> signatures() {
    return Map.copyOf(arities);
  }

  public Optional<Binding> lookup(String iface, String name) {
    return Optional.ofNullable(bindings.get(iface + "." + name));
  }
}
