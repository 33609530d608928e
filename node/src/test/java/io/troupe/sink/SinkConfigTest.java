package io.troupe.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.error.InvalidArgumentException;
import io.troupe.server.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code [sink]} table of a node config file. */
class SinkConfigTest {
  @TempDir Path dir;

  NodeConfig load(String toml) throws Exception {
    Path file = dir.resolve("node.toml");
    Files.writeString(file, toml);
    return NodeConfig.load(file).build();
  }

  @Test
  void noSinkByDefault() throws Exception {
    assertThat(load("name = \"a\"\n").sink()).isEmpty();
  }

  @Test
  void aJsonlSinkHasADirRelativeToTheFile() throws Exception {
    SinkConfig s = load("[sink]\ntype = \"jsonl\"\ndir = \"chains\"\n").sink().orElseThrow();
    assertThat(s.type()).isEqualTo(SinkConfig.Type.JSONL);
    assertThat(s.dir()).contains(dir.resolve("chains"));
    assertThat(s.toString()).isEqualTo("jsonl:" + dir.resolve("chains"));
  }

  @Test
  void anOtlpSinkHasAnEndpointAndOptionallyANameAndTimeout() throws Exception {
    SinkConfig s =
        load("""
                [sink]
                type = "otlp"
                endpoint = "http://127.0.0.1:4317"
                name = "audit"
                timeout_ms = 2500
                """)
            .sink()
            .orElseThrow();
    assertThat(s.type()).isEqualTo(SinkConfig.Type.OTLP);
    assertThat(s.endpoint()).contains("http://127.0.0.1:4317");
    assertThat(s.name()).isEqualTo("audit");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(load("[sink]\ntype = \"otlp\"\nendpoint = \"https://c:4317\"\n").sink())
        .hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("otlp"));
  }

  @Test
  void mistakesAreRefusedNamingThem() {
    assertThatThrownBy(() -> load("[sink]\ntype = \"kafka\"\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("\"jsonl\" or \"otlp\"");
    assertThatThrownBy(() -> load("[sink]\ntype = \"jsonl\"\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("needs a dir");
    assertThatThrownBy(() -> load("[sink]\ntype = \"otlp\"\nendpoint = \"127.0.0.1:4317\"\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("http://HOST:PORT");
    assertThatThrownBy(() -> load("[sink]\ntype = \"jsonl\"\ndir = \"d\"\nfsync = false\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unknown key 'fsync' in [sink]");
    assertThatThrownBy(() -> load("[sink]\ntype = \"otlp\"\ndir = \"d\"\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not a dir");
  }

  @Test
  void flagsAndFileMeetInTheBuilder() throws Exception {
    Path file = dir.resolve("node.toml");
    Files.writeString(file, "[sink]\ntype = \"jsonl\"\ndir = \"chains\"\n");
    NodeConfig c = NodeConfig.load(file).sink(SinkConfig.otlp("http://h:4317")).build();
    assertThat(c.sink())
        .hasValueSatisfying(s -> assertThat(s.type()).isEqualTo(SinkConfig.Type.OTLP));
    assertThat(c.toBuilder().build().sink()).isEqualTo(c.sink());
  }
}
