package io.troupe.wasm;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The ABI's result decoder on any bytes a guest could return: a result, or an {@link AbiViolation}
 * (which ends the turn as a guest fault).
 */
class GuestResultFuzzTest {
  private final ResultDecoder decoder = new ResultDecoder(new ObjectMapper());

  @FuzzTest(maxDuration = "10s")
  void anyBytesAreAResultOrAnAbiViolation(FuzzedDataProvider data) {
    try {
      decoder.decode(data.consumeRemainingAsBytes());
    } catch (AbiViolation expected) {
      // a documented error
    }
  }
}
