package io.troupe.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import java.io.StringReader;
import java.util.List;

/**
 * Chain import and verification on any file: events and a verdict, or a {@link
 * ChainCodec.MalformedChainException} naming the line.
 */
class ChainFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyFileIsAChainWithAVerdictOrAClearError(FuzzedDataProvider data) {
    List<ChainEvent> events;
    try {
      events = ChainCodec.read(new StringReader(data.consumeRemainingAsString()));
    } catch (ChainCodec.MalformedChainException expected) {
      return;
    }
    ChainVerifier.verify(events);
    ChainVerifier.verifyExport(events);
  }
}
