package io.troupe.sink;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.troupe.chain.ChainEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One chain event as an OTLP log record: its time is the event's timestamp, its body the event's
 * data (UTF-8 JSON for every built-in type; bytes otherwise), its attributes the rest of the event,
 * so that a receiver can check the chain, and drop a record it has already by {@code troupe.actor}
 * and {@code troupe.seq}.
 */
record EventRecord(
    Resource resource,
    InstrumentationScopeInfo scope,
    ChainEvent event,
    long observedNanos,
    Attributes attributes)
    implements LogRecordData {
  static final AttributeKey<String> ACTOR = AttributeKey.stringKey("troupe.actor");
  static final AttributeKey<Long> SEQ = AttributeKey.longKey("troupe.seq");
  static final AttributeKey<String> TYPE = AttributeKey.stringKey("troupe.event.type");
  static final AttributeKey<String> HASH = AttributeKey.stringKey("troupe.event.hash");
  static final AttributeKey<String> PARENT = AttributeKey.stringKey("troupe.event.parent");

  static EventRecord of(
      ChainEvent e, Resource resource, InstrumentationScopeInfo scope, long observedNanos) {
    Attributes attributes =
        Attributes.builder()
            .put(ACTOR, e.actor())
            .put(SEQ, e.seq())
            .put(TYPE, e.type())
            .put(HASH, e.hash().toHex())
            .put(PARENT, e.parent().toHex())
            .build();
    return new EventRecord(resource, scope, e, observedNanos, attributes);
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public long getTimestampEpochNanos() {
    return event.timestamp() * 1_000_000L;
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return observedNanos;
  }

  @Override
  public SpanContext getSpanContext() {
    return SpanContext.getInvalid();
  }

  @Override
  public Severity getSeverity() {
    return event.type().equals("wasm.error") ? Severity.ERROR : Severity.INFO;
  }

  @Override
  public String getSeverityText() {
    return getSeverity() == Severity.ERROR ? "ERROR" : "INFO";
  }

  @Override
  @SuppressWarnings("deprecation") // the SDK still asks for it beside getBodyValue
  public Body getBody() {
    return Body.string(text().orElseGet(() -> event.dataAsString()));
  }

  @Override
  public Value<?> getBodyValue() {
    return text().<Value<?>>map(Value::of).orElseGet(() -> Value.of(event.data()));
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  /** The data as text when it is UTF-8. */
  private Optional<String> text() {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(event.data()))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
