package io.troupe.testing;

import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.Verification;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;

/** Domain assertions on a hash chain: {@code ChainAssert.assertThatChain(events).verifies()}. */
public final class ChainAssert extends AbstractAssert<ChainAssert, List<ChainEvent>> {

  private ChainAssert(List<ChainEvent> events) {
    super(events, ChainAssert.class);
  }

  public static ChainAssert assertThatChain(List<ChainEvent> events) {
    return new ChainAssert(events);
  }

  /** The chain links from genesis and every hash matches. */
  public ChainAssert verifies() {
    isNotNull();
    Verification v = ChainVerifier.verify(actual);
    if (!v.valid()) {
      failWithMessage("expected the chain to verify, but: %s", v.describe());
    }
    return this;
  }

  /** The event types, in order, are exactly these. */
  public ChainAssert hasTypes(String... types) {
    isNotNull();
    Assertions.assertThat(actual.stream().map(ChainEvent::type).toList())
        .as("event types of the chain")
        .containsExactly(types);
    return this;
  }

  /** Some event has this type. */
  public ChainAssert containsType(String type) {
    isNotNull();
    Assertions.assertThat(actual.stream().map(ChainEvent::type).toList())
        .as("event types of the chain")
        .contains(type);
    return this;
  }

  /** Verification fails and names {@code seq} as the first bad event. */
  public ChainAssert failsVerificationAt(long seq) {
    isNotNull();
    Verification v = ChainVerifier.verify(actual);
    if (v.valid()) {
      failWithMessage("expected the chain to fail verification at seq %s, but it verifies", seq);
    }
    if (v.firstBadSeq() != seq) {
      failWithMessage("expected the first bad seq to be %s, but: %s", seq, v.describe());
    }
    return this;
  }
}
