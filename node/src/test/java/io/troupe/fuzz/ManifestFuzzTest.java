package io.troupe.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.troupe.error.TroupeException;
import io.troupe.manifest.ManifestParser;

/** The manifest parser, on any text a client could send: a documented error, or a manifest. */
class ManifestFuzzTest {
  private final ManifestParser parser = new ManifestParser();

  @FuzzTest(maxDuration = "10s")
  void anyTextIsAManifestOrAClearError(FuzzedDataProvider data) {
    try {
      parser.parse(data.consumeRemainingAsString(), null, "fuzz.toml");
    } catch (TroupeException expected) {
      // a documented error
    }
  }
}
