package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line shapes, run as a user would: separate JVMs through ops/ launchers. */
class CommandLineIT {
  @TempDir Path dir;

  @Test
  void run_printsResponsesInOrder_andWritesAChainThatVerifies() throws Exception {
    Path chain = dir.resolve("counter.jsonl");
    var r =
        Launcher.run(
            "troupe-node",
            "run",
            "examples/counter/counter.toml",
            "--send",
            "5",
            "--request",
            "\"a\"",
            "--send",
            "{\"add\": 10}",
            "--request",
            "\"b\"",
            "--chain-out",
            chain.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).containsExactly("5", "15");
    assertThat(r.err()).contains("count is now 15");

    var verify = Launcher.run("troupe", "chain", "verify", chain.toString());
    assertThat(verify.exit()).as(verify.err()).isZero();
    assertThat(verify.out()).contains("ok: 14 events");
  }

  @Test
  void replay_reproducesARecordedChain_andNamesTheSeqWhereAChangedModuleDiverges()
      throws Exception {
    Path chain = dir.resolve("counter.jsonl");
    var run =
        Launcher.run(
            "troupe-node",
            "run",
            "examples/counter/counter.toml",
            "--send",
            "5",
            "--send",
            "\"no number\"",
            "--request",
            "\"total?\"",
            "--chain-out",
            chain.toString());
    assertThat(run.exit()).as(run.err()).isZero();

    var same =
        Launcher.run(
            "troupe-node", "replay", "examples/counter/counter.toml", "--chain", chain.toString());
    assertThat(same.exit()).as(same.err()).isZero();
    assertThat(same.out()).startsWith("ok: 12 events reproduced (actor ");

    // the same counter, but a message without a number now adds 2
    String wat = Files.readString(Launcher.REPO.resolve("examples/counter/counter.wat"));
    Path changed = dir.resolve("changed.wat");
    Files.writeString(
        changed,
        wat.replace(
            "(then (local.set $add (i64.const 1)))", "(then (local.set $add (i64.const 2)))"));
    var diverged =
        Launcher.run(
            "troupe-node",
            "replay",
            "examples/counter/counter.toml",
            "--chain",
            chain.toString(),
            "--module",
            changed.toString());
    assertThat(diverged.exit()).as(diverged.out() + diverged.err()).isEqualTo(1);
    assertThat(diverged.out())
        .startsWith("diverged at seq 7 ")
        .contains("recorded: troupe:actor/runtime.log [\"count is now 6\"]")
        .contains("replayed: troupe:actor/runtime.log [\"count is now 7\"]");

    var missing =
        Launcher.run(
            "troupe-node",
            "replay",
            "examples/counter/counter.toml",
            "--chain",
            dir.resolve("none.jsonl").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertOneLineError(missing, "chain file not found");
  }

  /**
   * A library ships no logging configuration: the SDK's jar has none, the CLI's jar has its own.
   */
  @Test
  void theSdkJarShipsNoLoggingConfiguration_theCliJarDoes() throws Exception {
    Path target = Launcher.REPO.resolve("client/target");
    List<Path> jars;
    try (var s = Files.list(target)) {
      jars = s.filter(p -> p.getFileName().toString().matches("troupe-client-.*\\.jar")).toList();
    }
    Path sdk =
        jars.stream().filter(p -> !p.toString().endsWith("-all.jar")).findFirst().orElseThrow();
    Path cli =
        jars.stream().filter(p -> p.toString().endsWith("-all.jar")).findFirst().orElseThrow();
    try (var sdkJar = new java.util.jar.JarFile(sdk.toFile());
        var cliJar = new java.util.jar.JarFile(cli.toFile())) {
      assertThat(sdkJar.getEntry("logback.xml")).as(sdk.toString()).isNull();
      assertThat(sdkJar.stream().map(java.util.jar.JarEntry::getName))
          .noneMatch(n -> n.startsWith("ch/qos/logback/"));
      assertThat(sdkJar.getEntry("simplelogger.properties")).as(sdk.toString()).isNull();
      assertThat(cliJar.getEntry("simplelogger.properties")).as(cli.toString()).isNotNull();
    }
  }

  @Test
  void run_withSeveralActors_addressesThemByName_andWritesEveryChain() throws Exception {
    Path chains = dir.resolve("tree");
    var r =
        Launcher.run(
            "troupe-node",
            "run",
            "--actor",
            "sup=examples/supervisor-tree/supervisor.toml",
            "--actor",
            "kv=examples/kv-store/kv-store.toml",
            "--actor",
            "front=examples/request-response/front.toml",
            "--send",
            "sup=5",
            "--send",
            "sup=\"crash\"",
            "--send",
            "sup=2",
            "--request",
            "sup=\"count?\"",
            "--request",
            "front=[\"kv\",[\"put\",\"a\",1]]",
            "--print-states",
            "--chains-dir",
            chains.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> out = r.out().lines().toList();
    assertThat(out.subList(0, 2)).containsExactly("7", "true");
    assertThat(out).contains("{\"actor\":\"front\",\"state\":1}");
    List<Path> files;
    try (var list = Files.list(chains)) {
      files = list.toList();
    }
    assertThat(files).hasSize(4); // sup, its worker, kv, front
    for (Path f : files) {
      var verify = Launcher.run("troupe", "chain", "verify", f.toString());
      assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    }
  }

  @Test
  void verify_ofATamperedChain_failsNamingActorAndSeq() throws Exception {
    Path chain = dir.resolve("echo.jsonl");
    var r =
        Launcher.run(
            "troupe-node",
            "run",
            "examples/echo/echo.toml",
            "--id",
            "echo-1",
            "--request",
            "{\"x\":1}",
            "--chain-out",
            chain.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("{\"x\":1}");
    List<String> lines = Files.readAllLines(chain, StandardCharsets.UTF_8);
    lines.set(2, lines.get(2).replace("\"timestamp\":", "\"timestamp\":1"));
    Files.write(chain, lines, StandardCharsets.UTF_8);

    var verify = Launcher.run("troupe", "chain", "verify", chain.toString());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.err()).contains("actor echo-1").contains("seq 2").doesNotContain("Exception");
  }

  @Test
  void userMistakes_printOneClearLine_andExitNonZero() throws Exception {
    Files.writeString(
        dir.resolve("bad.toml"), "name = \"x\"\nmodule = \"nope.wasm\"\ncolour = 1\n");
    Files.writeString(dir.resolve("garbage.wasm"), "not wasm at all");
    Files.writeString(dir.resolve("garbage.toml"), "name = \"g\"\nmodule = \"garbage.wasm\"\n");
    Files.writeString(
        dir.resolve("trap.wat"),
        "(module (memory (export \"memory\") 1)"
            + " (func (export \"troupe_alloc\") (param i32) (result i32) (i32.const 1024))"
            + " (func (export \"troupe:actor/message-server-client.handle-send\") (param i32 i32 i32 i32) (result i64) unreachable))");
    Files.writeString(dir.resolve("trap.toml"), "name = \"t\"\nmodule = \"trap.wat\"\n");

    assertOneLineError(
        Launcher.run("troupe-node", "run", dir.resolve("missing.toml").toString()),
        "manifest not found");
    assertOneLineError(
        Launcher.run("troupe-node", "run", dir.resolve("bad.toml").toString()),
        "unknown key 'colour'");
    assertOneLineError(
        Launcher.run("troupe-node", "run", dir.resolve("garbage.toml").toString()),
        "malformed WASM module");
    assertOneLineError(
        Launcher.run("troupe-node", "run", dir.resolve("trap.toml").toString(), "--send", "1"),
        "trap");
    assertOneLineError(
        Launcher.run("troupe", "chain", "verify", dir.resolve("nothing.jsonl").toString()),
        "no such file");
  }

  private static void assertOneLineError(Launcher.Result r, String fragment) {
    assertThat(r.exit()).as(r.err()).isNotZero();
    List<String> errLines = r.err().lines().filter(l -> l.startsWith("troupe")).toList();
    assertThat(errLines).as(r.err()).hasSize(1);
    assertThat(errLines.get(0)).contains(fragment);
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void demo_runsTheBundledExamples() throws Exception {
    var r = Launcher.run("troupe-node", "demo");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("request counter \"total?\" -> 16")
        .contains("chain of counter: ok:")
        .contains("chain of echo: ok:");
  }
}
