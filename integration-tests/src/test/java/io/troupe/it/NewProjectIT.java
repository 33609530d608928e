package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ops/troupe new NAME --lang L}: every template is created, built by its own {@code
 * build.sh} (the Rust one with Debian's toolchain, the AssemblyScript one with the SDK's pinned
 * compiler; CI installs both) and passes its own {@code test.sh}, which runs the counter on an
 * in-process node: 5, then {"add": 10}, then "total?" → 15.
 */
class NewProjectIT {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"wat", "rust", "assemblyscript"})
  void aNewProjectBuildsAndCountsTo15(String lang) throws Exception {
    Path dir = tmp.resolve("demo-" + lang);
    var created =
        Launcher.run("troupe", "new", "demo-" + lang, "--lang", lang, "--dir", dir.toString());
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(dir.resolve("demo-" + lang + ".toml")).exists();
    assertThat(dir.resolve("README.md")).exists();
    assertThat(Files.isExecutable(dir.resolve("build.sh"))).isTrue();

    Launcher.Result built = sh(dir, "./build.sh");
    assertThat(built.exit()).as(built.out() + built.err()).isZero();
    if (!lang.equals("wat")) {
      assertThat(dir.resolve("demo-" + lang + ".wasm")).exists();
    }
    Launcher.Result tested = sh(dir, "./test.sh");
    assertThat(tested.exit()).as(tested.out() + tested.err()).isZero();
    assertThat(tested.out()).contains("ok: demo-" + lang + " answered 15");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bad_Name", "1st", "../escape"})
  void aNameThatCannotBeAnActorIsRefusedInOneLine(String name) throws Exception {
    var r =
        Launcher.run("troupe", "new", name, "--lang", "wat", "--dir", tmp.resolve("x").toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err().strip()).startsWith("troupe: name '" + name + "'").doesNotContain("\n\tat ");
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  private static Launcher.Result sh(Path dir, String script) throws Exception {
    return Launcher.exec(List.of("bash", script), dir, java.util.Map.of(), 600);
  }
}
