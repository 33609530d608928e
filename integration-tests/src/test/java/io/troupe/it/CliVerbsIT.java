package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.server.NodeConfig;
import io.troupe.server.TroupeNode;
import io.troupe.testing.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's verbs for events, channels, members and completion, run through ops/troupe as a user
 * would, against a real node.
 */
class CliVerbsIT {
  private static final Path EXAMPLES = Launcher.REPO.resolve("examples");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TroupeNode node;
  private static TroupeClient client;
  private static String target;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("cli")
                .clusterName("cli-" + FreePorts.next())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .store(NodeConfig.MEMORY)
                .build());
    target = node.grpcAddress();
    client = TroupeClient.builder().target(target).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private static Launcher.Result troupe(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--target";
    all[1] = target;
    System.arraycopy(args, 0, all, 2, args.length);
    return Launcher.run("troupe", all);
  }

  @Test
  void events_printsTheChainAsExportLines_thatVerify() throws Exception {
    client.start(EXAMPLES.resolve("counter/counter.toml"), "events-once");
    client.send("events-once", 5);

    var events = troupe("actor", "events", "events-once");
    assertThat(events.exit()).as(events.err()).isZero();
    assertThat(events.err()).isEmpty(); // no progress line, no noise
    List<ChainEvent> read = ChainCodec.read(new StringReader(events.out()));
    assertThat(read).hasSize((int) client.describe("events-once").getChainLength());
    assertThat(read.get(0).type()).isEqualTo("actor.started");
    // the same lines as the export
    var chain = troupe("actor", "chain", "events-once");
    assertThat(events.out()).isEqualTo(chain.out());
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, events.out());
    var verified = Launcher.run("troupe", "chain", "verify", file.toString());
    assertThat(verified.exit()).as(verified.err()).isZero();

    var later = troupe("actor", "events", "events-once", "--from", "3");
    assertThat(later.out().lines().findFirst().orElseThrow()).contains("\"seq\":3,");
  }

  @Test
  void eventsFollow_printsLiveEvents_andEndsWhenTheActorStops() throws Exception {
    client.start(EXAMPLES.resolve("counter/counter.toml"), "events-live");
    long length = client.describe("events-live").getChainLength();
    Process p =
        new ProcessBuilder(
                Launcher.REPO.resolve("ops/troupe").toString(),
                "--target",
                target,
                "actor",
                "events",
                "events-live",
                "--follow")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                  }
                } catch (java.io.IOException e) {
                  // the process is gone
                }
              });
      reader.setDaemon(true);
      reader.start();
      await().atMost(WAIT).until(() -> lines.size() == length);

      client.send("events-live", 7); // live: comes after the backlog, while it runs
      long longer = client.describe("events-live").getChainLength();
      await().atMost(WAIT).until(() -> lines.size() == longer);
      assertThat(JSON.readTree(lines.get((int) length)).get("seq").asLong()).isEqualTo(length);
      assertThat(p.isAlive()).isTrue();

      client.stop("events-live");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      reader.join(10_000);
      assertThat(JSON.readTree(lines.get(lines.size() - 1)).get("type").asText())
          .isEqualTo("actor.stopped");
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** The lines of {@code file} that are complete (a writer may be in the middle of one). */
  private static List<String> completeLines(Path file) throws java.io.IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
  }

  @Test
  void chainOutFromFollow_writesTheChainFromThatSeq_thenEachNewEvent_untilTheActorStops()
      throws Exception {
    client.start(EXAMPLES.resolve("counter/counter.toml"), "export-live");
    client.send("export-live", 5);
    long length = client.describe("export-live").getChainLength();
    assertThat(length).isGreaterThan(4);
    Path file = dir.resolve("export-live.jsonl");
    Path err = dir.resolve("export-live.err");
    Process p =
        new ProcessBuilder(
                Launcher.REPO.resolve("ops/troupe").toString(),
                "--target",
                target,
                "actor",
                "chain",
                "export-live",
                "--out",
                file.toString(),
                "--from",
                "3",
                "--follow")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile())
            .start();
    try {
      // the committed events from seq 3, each flushed as it is written
      await().atMost(WAIT).until(() -> completeLines(file).size() == length - 3);
      assertThat(JSON.readTree(completeLines(file).get(0)).get("seq").asLong()).isEqualTo(3);
      assertThat(p.isAlive()).isTrue();

      client.send("export-live", 7); // live: written while it runs
      long longer = client.describe("export-live").getChainLength();
      await().atMost(WAIT).until(() -> completeLines(file).size() == longer - 3);
      assertThat(p.isAlive()).isTrue();

      client.stop("export-live");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(err)).isZero();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    List<String> written = Files.readAllLines(file);
    assertThat(JSON.readTree(written.get(written.size() - 1)).get("type").asText())
        .isEqualTo("actor.stopped");
    assertThat(Files.readString(err)).contains("wrote " + written.size() + " events to " + file);
    // exactly the whole export's lines from seq 3 on: none skipped, none twice
    List<String> whole = troupe("actor", "chain", "export-live").out().lines().toList();
    assertThat(written).isEqualTo(whole.subList(3, whole.size()));
    // without --follow, --from writes the same committed lines and ends
    var from = troupe("actor", "chain", "export-live", "--from", "3");
    assertThat(from.exit()).as(from.err()).isZero();
    assertThat(from.out().lines().toList()).isEqualTo(written);
  }

  /**
   * A node that keeps only the latest events of an actor ({@code [chain] keep_events}) exports its
   * chain from the anchor; {@code troupe chain verify} checks it from there and says so.
   */
  @Test
  void chainVerify_ofAnAnchoredExport_checksItFromItsAnchor_andCatchesAnAlteredEvent()
      throws Exception {
    Path examples = dir.resolve("pruned");
    Files.createDirectories(examples);
    Files.copy(EXAMPLES.resolve("counter/counter.wat"), examples.resolve("counter.wat"));
    Files.writeString(
        examples.resolve("counter.toml"),
        Files.readString(EXAMPLES.resolve("counter/counter.toml"))
            + "\n[chain]\ncheckpoint_events = 100\nkeep_events = 50\n");
    TroupeNode kept =
        TroupeNode.start(
            NodeConfig.builder()
                .name("cli-kept")
                .clusterName("cli-kept-" + FreePorts.next())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .dataDir(dir.resolve("data"))
                .build());
    try (TroupeClient keptClient = TroupeClient.builder().target(kept.grpcAddress()).build()) {
      keptClient.start(examples.resolve("counter.toml"), "pruned");
      for (int i = 0; i < 150; i++) {
        keptClient.send("pruned", 1);
      }
      // from 0: the whole chain that is kept, which begins after the anchor once pruned
      await()
          .atMost(WAIT)
          .until(
              () -> {
                long[] first = {-1};
                keptClient.chain(
                    "pruned", 0, 0, e -> first[0] = first[0] < 0 ? e.getSeq() : first[0]);
                return first[0] > 0;
              });

      Path file = dir.resolve("pruned.jsonl");
      var exported =
          Launcher.run(
              "troupe",
              "--target",
              kept.grpcAddress(),
              "actor",
              "chain",
              "pruned",
              "--out",
              file.toString());
      assertThat(exported.exit()).as(exported.err()).isZero();
      List<String> lines = Files.readAllLines(file);
      JsonNode head = JSON.readTree(lines.get(0));
      long from = head.get("seq").asLong();
      assertThat(from).isGreaterThan(0);
      assertThat(lines).hasSize((int) (keptClient.describe("pruned").getChainLength() - from));

      var verified = Launcher.run("troupe", "chain", "verify", file.toString());
      assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
      assertThat(verified.out().strip())
          .isEqualTo(
              "ok: "
                  + lines.size()
                  + " events (actor pruned), from its anchor: the events before seq "
                  + from
                  + " were pruned, the last of them had hash "
                  + head.get("parent").asText());

      // one event altered in the middle: the anchored export no longer verifies, at that seq
      int middle = lines.size() / 2;
      long seq = JSON.readTree(lines.get(middle)).get("seq").asLong();
      List<String> altered = new java.util.ArrayList<>(lines);
      altered.set(middle, lines.get(middle).replace("\"timestamp\":", "\"timestamp\":1"));
      assertThat(altered.get(middle)).isNotEqualTo(lines.get(middle));
      Path tampered = dir.resolve("tampered.jsonl");
      Files.write(tampered, altered);
      var refused = Launcher.run("troupe", "chain", "verify", tampered.toString());
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).contains("broken at seq " + seq + ":");
    } finally {
      kept.close();
    }
  }

  @Test
  void channel_sendsStdinLines_printsWhatComesBack_andClosesAtTheEnd() throws Exception {
    client.start(EXAMPLES.resolve("chat-room/room.toml"), "room-cli"); // echoes to every member

    var r =
        Launcher.runWithInput(
            "\"hi\"\n{\"a\": 1}\nnot json\n\n\"bye\"\n",
            "troupe",
            "--target",
            target,
            "actor",
            "channel",
            "room-cli",
            "--open",
            "{\"name\":\"cli\"}");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).containsExactly("\"hi\"", "{\"a\":1}", "\"bye\"");
    assertThat(r.err())
        .contains("troupe: refused: message is not valid JSON")
        .contains("(INVALID_ARGUMENT)")
        .contains("troupe: channel closed: closed by the client");
    // the room saw the member leave
    await()
        .atMost(WAIT)
        .until(() -> client.state("room-cli").getStateJson().toStringUtf8().equals("[]"));

    // an actor without channels refuses it: one line, exit 1
    client.start(EXAMPLES.resolve("echo/echo.toml"), "echo-cli");
    var refused =
        Launcher.runWithInput("1\n", "troupe", "--target", target, "actor", "channel", "echo-cli");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err().lines().toList()).hasSize(1);
    assertThat(refused.err()).startsWith("troupe: ");
  }

  @Test
  void clusterMembers_isATableForPeople_andJsonLinesForScripts() throws Exception {
    var table = troupe("cluster", "members");
    assertThat(table.exit()).as(table.err()).isZero();
    List<String> rows = table.out().lines().toList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).split("\\s{2,}"))
        .containsExactly("NAME", "ADDRESS", "ACTORS", "PARTITIONS", "PUBLIC KEY");
    assertThat(rows.get(1)).startsWith("cli ").contains(target);

    var json = troupe("cluster", "members", "--output", "json");
    assertThat(json.exit()).as(json.err()).isZero();
    List<String> lines = json.out().lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode m = JSON.readTree(lines.get(0));
    assertThat(m.get("name").asText()).isEqualTo("cli");
    assertThat(m.get("address").asText()).isEqualTo(target);
    assertThat(m.get("partitions").asInt()).isEqualTo(271);
    assertThat(m.get("public_key").asText())
        .isEqualTo(client.clusterStatus().getMembers(0).getPublicKey());
    assertThat(m.get("local").asBoolean()).isTrue();

    var wrong = troupe("cluster", "members", "--output", "yaml");
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).contains("yaml");
  }

  @Test
  void actorList_keepsItsJsonLines_andHasATable() throws Exception {
    client.start(EXAMPLES.resolve("echo/echo.toml"), "listed");
    var json = troupe("actor", "list");
    assertThat(json.exit()).as(json.err()).isZero();
    assertThat(json.out().lines())
        .allSatisfy(l -> assertThat(JSON.readTree(l).has("chain_length")).isTrue())
        .anySatisfy(l -> assertThat(l).contains("\"id\":\"listed\""));
    assertThat(troupe("actor", "list", "--output", "json").out()).isEqualTo(json.out());

    var table = troupe("actor", "list", "--output", "table");
    assertThat(table.exit()).as(table.err()).isZero();
    List<String> rows = table.out().lines().toList();
    assertThat(rows.get(0).split("\\s+"))
        .containsExactly("ID", "NAME", "NODE", "STATUS", "EPOCH", "EVENTS");
    assertThat(rows)
        .anySatisfy(r -> assertThat(r.split("\\s+")).startsWith("listed", "echo", "cli"));
    assertThat(rows).hasSize(json.out().lines().toList().size() + 1);
  }

  @Test
  void completion_printsABashScriptThatBashReads() throws Exception {
    var r = Launcher.run("troupe", "completion");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F")
        .contains("events", "channel", "members", "--follow", "--output");
    Path script = dir.resolve("troupe-completion.bash");
    Files.writeString(script, r.out());
    var syntax =
        Launcher.exec(List.of("bash", "-n", script.toString()), dir, java.util.Map.of(), 60);
    assertThat(syntax.exit()).as(syntax.err()).isZero();
    // sourced, it completes troupe's commands
    var completes =
        Launcher.exec(
            List.of(
                "bash",
                "-c",
                "source "
                    + script
                    + " && COMP_WORDS=(troupe actor ev) && COMP_CWORD=2 && COMP_LINE='troupe actor ev'"
                    + " && COMP_POINT=${#COMP_LINE} && _complete_troupe && echo ${COMPREPLY[@]}"),
            dir,
            java.util.Map.of(),
            60);
    assertThat(completes.exit()).as(completes.err()).isZero();
    assertThat(completes.out().strip()).isEqualTo("events");
  }
}
