package io.troupe.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.error.InvalidManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestParserTest {
  private final ManifestParser parser = new ManifestParser();
  @TempDir Path dir;

  private Manifest parse(String toml) throws Exception {
    Path f = dir.resolve("actor.toml");
    Files.writeString(f, toml);
    return parser.parse(f);
  }

  private void assertRejected(String toml, String... fragments) {
    assertThatThrownBy(() -> parse(toml))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("actor.toml")
        .satisfies(
            e -> {
              for (String f : fragments) {
                assertThat(e.getMessage()).contains(f);
              }
            });
  }

  @Test
  void fullManifest_isRead() throws Exception {
    Manifest m =
        parse(
            """
            name = "kv"
            version = "1.2.0"
            description = "a store"
            module = "kv.wasm"
            init_state = '{"entries": {}}'

            [[handler]]
            type = "runtime"

            [[handler]]
            type = "environment"
            allowed_vars = ["HOME"]

            [limits]
            memory_pages = 32
            call_timeout_ms = 250
            mailbox_capacity = 10
            max_message_bytes = 4096
            """);
    assertThat(m.name()).isEqualTo("kv");
    assertThat(m.module()).isEqualTo(dir.resolve("kv.wasm").toString());
    assertThat(m.initState()).contains("{\"entries\":{}}");
    assertThat(m.handlers())
        .extracting(HandlerSpec::type)
        .containsExactly("runtime", "environment");
    assertThat(m.handler("environment").orElseThrow().config().get("allowed_vars").get(0).asText())
        .isEqualTo("HOME");
    assertThat(m.limits()).isEqualTo(new Limits(32, Duration.ofMillis(250), 10, 4096, 64));
  }

  @Test
  void defaults_applyWhenOmitted() throws Exception {
    Manifest m = parse("name = \"x\"\nmodule = \"x.wasm\"\n");
    assertThat(m.limits()).isEqualTo(Limits.defaults());
    assertThat(m.initState()).isEmpty();
    assertThat(m.version()).isEqualTo("0.1.0");
  }

  @Test
  void theaterAliases_componentAndPackage_areAccepted() throws Exception {
    assertThat(parse("name = \"x\"\ncomponent = \"a.wasm\"\n").module()).endsWith("a.wasm");
    assertThat(parse("name = \"x\"\npackage = \"b.wasm\"\n").module()).endsWith("b.wasm");
    assertRejected("name = \"x\"\nmodule = \"a.wasm\"\ncomponent = \"b.wasm\"\n", "only one of");
  }

  @Test
  void initState_canBeATableOrAFile() throws Exception {
    assertThat(parse("name = \"x\"\nmodule = \"m\"\ninit_state = { count = 3 }\n").initState())
        .contains("{\"count\":3}");
    Files.writeString(dir.resolve("s.json"), "[1, 2]");
    assertThat(parse("name = \"x\"\nmodule = \"m\"\ninit_state = \"s.json\"\n").initState())
        .contains("[1,2]");
    assertRejected(
        "name = \"x\"\nmodule = \"m\"\ninit_state = \"missing.json\"\n",
        "init_state",
        "missing.json");
    assertRejected(
        "name = \"x\"\nmodule = \"m\"\ninit_state = '{oops'\n", "init_state is not valid JSON");
  }

  @Test
  void mistakes_nameTheKeyAndTheFile() {
    assertRejected("name = \"x\"\nmodule = \"m\"\ncolour = 1\n", "unknown key 'colour'");
    assertRejected(
        "name = \"x\"\nmodule = \"m\"\n[limits]\nmemory = 1\n", "unknown key 'limits.memory'");
    assertRejected(
        "name = \"x\"\nmodule = \"m\"\n[limits]\nmemory_pages = \"lots\"\n",
        "'limits.memory_pages' must be an integer");
    assertRejected(
        "name = \"x\"\nmodule = \"m\"\n[limits]\nmemory_pages = 0\n",
        "memory_pages must be between 1 and 16384");
    assertRejected(
        "name = \"x\"\nmodule = \"m\"\n[limits]\ncall_timeout_ms = 2073600000\n",
        "call_timeout_ms must be between 1 and 300000, got 2073600000");
    assertRejected(
        "name = \"x\"\nmodule = \"m\"\n[limits]\nmax_message_bytes = 1073741824\n",
        "max_message_bytes must be between 16 and 16777216");
    assertRejected("name = 3\nmodule = \"m\"\n", "'name' must be a string");
    assertRejected("module = \"m\"\n", "missing required key 'name'");
    assertRejected("name = \"x\"\n", "missing required key 'module'");
    assertRejected("name = \"x\"\nmodule = \"m\"\n[[handler]]\nconfig = 1\n", "missing 'type'");
    assertRejected(
        "name = \"x\"\nmodule = \"m\"\n[[handler]]\ntype = \"a\"\n[[handler]]\ntype = \"a\"\n",
        "declared twice");
    assertRejected("name = \"x\"\nmodule = \"sha256:abc\"\n", "64 lower-case hex");
    assertRejected("name = [unclosed\n", "not valid TOML");
  }

  @Test
  void missingFile_isAClearError() {
    assertThatThrownBy(() -> parser.parse(dir.resolve("nope.toml")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("manifest not found");
  }
}
