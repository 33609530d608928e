package io.troupe.sink;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.error.UnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Chain events as OpenTelemetry log records, exported over OTLP/gRPC (one export request per
 * batch). How far each actor was delivered is a cursor in the node's store ({@link Cursors}),
 * written once the endpoint has acknowledged a batch: a crash between the two, or two nodes
 * delivering one actor for a moment, sends those records again (at least once), and each record
 * carries {@code troupe.actor} and {@code troupe.seq} for the receiver to drop them.
 */
public final class OtlpSink implements ChainSink {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> INSTANCE =
      AttributeKey.stringKey("service.instance.id");

  private final String name;
  private final String endpoint;
  private final LogRecordExporter exporter;
  private final Cursors cursors;
  private final Duration timeout;
  private final Clock clock;
  private final Resource resource;
  private final InstrumentationScopeInfo scope = InstrumentationScopeInfo.create("io.troupe.chain");

  private OtlpSink(
      String name,
      String endpoint,
      LogRecordExporter exporter,
      Cursors cursors,
      Duration timeout,
      String node,
      Clock clock) {
    this.name = name;
    this.endpoint = endpoint;
    this.exporter = exporter;
    this.cursors = cursors;
    this.timeout = timeout;
    this.clock = clock;
    this.resource =
        Resource.getDefault().toBuilder().put(SERVICE_NAME, "troupe").put(INSTANCE, node).build();
  }

  /**
   * An exporter to {@code endpoint} ({@code http://host:4317}, or {@code https://} for TLS).
   *
   * @param name the cursors' name: another name delivers every chain anew
   * @param node this node's name, the records' {@code service.instance.id}
   */
  public static OtlpSink open(
      String endpoint, String name, Duration timeout, Cursors cursors, String node, Clock clock) {
    LogRecordExporter exporter =
        OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).setTimeout(timeout).build();
    return new OtlpSink(name, endpoint, exporter, cursors, timeout, node, clock);
  }

  @Override
  public String describe() {
    return "otlp:" + endpoint;
  }

  @Override
  public Position position(ActorId id) {
    return cursors.get(name, id).orElse(Position.NONE);
  }

  @Override
  public Position deliver(ActorId id, Batch batch, Position expected) {
    Position at = position(id); // the cursor, not the hint: another node may have moved it
    List<ChainEvent> rest = at.rest(id, batch);
    if (rest.isEmpty()) {
      return at;
    }
    long now = clock.millis() * 1_000_000L;
    List<LogRecordData> records = new ArrayList<>(rest.size());
    for (ChainEvent e : rest) {
      records.add(EventRecord.of(e, resource, scope, now));
    }
    CompletableResultCode result =
        exporter.export(records).join(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    if (!result.isSuccess()) {
      Throwable why = result.getFailureThrowable();
      throw new UnavailableException(
          "OTLP endpoint "
              + endpoint
              + " did not take events "
              + rest.get(0).seq()
              + ".."
              + rest.get(rest.size() - 1).seq()
              + " of actor "
              + id
              + (why == null ? "" : ": " + why.getMessage()));
    }
    Position after = Position.after(rest.get(rest.size() - 1), "");
    cursors.put(name, id, after);
    return after;
  }

  @Override
  public void setAside(ActorId id, String why) {
    cursors.remove(name, id);
  }

  @Override
  public void close() {
    exporter.shutdown().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
