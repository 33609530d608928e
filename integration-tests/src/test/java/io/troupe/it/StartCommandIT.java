package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's main job: {@code ops/troupe-node start}, a cluster of one with the examples, that
 * keeps its actors on disk across a clean stop and a kill -9.
 */
class StartCommandIT {
  private final int grpc = FreePorts.next();
  private final int hz = FreePorts.next();
  private final String target = "127.0.0.1:" + grpc;
  private Process process;

  private NodeProcesses.Node start(Path data, int generation) throws IOException {
    return start(generation, "--data-dir", data.toString());
  }

  /** {@code ops/troupe-node start} on this test's ports, with {@code flags}; once it serves. */
  private NodeProcesses.Node start(int generation, String... flags) throws IOException {
    var node =
        NodeProcesses.startCommand(
            List.of(), java.util.Map.of(), grpc, hz, "troupe-start-" + generation, flags);
    process = node.process();
    return node;
  }

  @AfterEach
  void kill() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** {@code ops/troupe --target THIS_NODE ARGS...}. */
  private Launcher.Result troupe(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--target";
    all[1] = target;
    System.arraycopy(args, 0, all, 2, args.length);
    return Launcher.run("troupe", all);
  }

  private String total() throws Exception {
    var total =
        Launcher.run("troupe", "--target", target, "actor", "request", "counter", "\"total?\"");
    assertThat(total.exit()).as(total.err()).isZero();
    return total.out().strip();
  }

  private void send(String n) throws Exception {
    var sent = Launcher.run("troupe", "--target", target, "actor", "send", "counter", n);
    assertThat(sent.exit()).as(sent.err()).isZero();
  }

  @Test
  void theEmbeddedDefaultServesTheExamplesAndKeepsThemAcrossAStopAndAKill() throws Exception {
    Path data = Files.createTempDirectory("troupe-data");
    var node = start(data, 0);
    var list = Launcher.run("troupe", "--target", target, "actor", "list");
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains("\"id\":\"counter\"", "\"id\":\"kv\"", "\"id\":\"echo\"");
    send("4");
    assertThat(total()).isEqualTo("4");

    process.destroy(); // SIGTERM: it hands its actors off and leaves
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isIn(0, 143);
    assertThat(Files.readString(node.log())).contains("left the cluster");

    start(data, 1);
    assertThat(total()).isEqualTo("4"); // recovered from the store, not started again
    send("3");
    assertThat(total()).isEqualTo("7");

    process.destroyForcibly(); // kill -9: what was acknowledged is on disk
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    start(data, 2);
    assertThat(total()).isEqualTo("7");
    var chain = Path.of(data.toString(), "counter.jsonl");
    var out =
        Launcher.run(
            "troupe", "--target", target, "actor", "chain", "counter", "--out", chain.toString());
    assertThat(out.exit()).as(out.err()).isZero();
    var verified = Launcher.run("troupe", "chain", "verify", chain.toString());
    assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
    // one actor.moved per restart: the chain goes on, in a new epoch each time
    assertThat(Files.readString(chain).split("\"type\":\"actor.moved\"", -1)).hasSize(3);

    // the history across the stop and the kill is what the module does: re-executed on the node
    var replayed = Launcher.run("troupe", "--target", target, "actor", "replay", "counter");
    assertThat(replayed.exit()).as(replayed.out() + replayed.err()).isZero();
    assertThat(replayed.out()).startsWith("ok: ").contains("events reproduced (actor counter)");

    receiptsAreCheckedWithThePublicKeyAlone(data, chain);
    upgradeRestartAndRemove(data);
  }

  /**
   * {@code --node-key FILE}: the node makes the key there on its first start (folders too), shows
   * its public half in ClusterStatus, and signs with the same key after a restart — on the memory
   * store, which without the flag makes a new key every start.
   */
  @Test
  void aNodeKeyFileGivenByFlag_isMadeOnFirstStart_shownInClusterStatus_andKeptAcrossARestart()
      throws Exception {
    Path dir = Files.createTempDirectory("troupe-node-key");
    Path key = dir.resolve("keys/signing.pem");
    String[] flags = {"--store", "memory", "--no-examples", "--node-key", key.toString()};
    start(0, flags);
    assertThat(key).exists();
    assertThat(dir.resolve("keys/signing.pub.pem")).exists();
    String made = publicKeyOf(key);
    assertThat(memberKey()).isEqualTo(made);

    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    start(1, flags);
    assertThat(publicKeyOf(key)).isEqualTo(made);
    assertThat(memberKey()).isEqualTo(made);
  }

  /** The public key of the node this test started, as ClusterStatus shows it (base64, raw). */
  private String memberKey() throws Exception {
    var members = troupe("cluster", "members", "--output", "json");
    assertThat(members.exit()).as(members.err()).isZero();
    var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(members.out());
    return m.get("public_key").asText();
  }

  /** The raw public key of Ed25519 private key {@code pem}, in base64, as openssl derives it. */
  private static String publicKeyOf(Path pem) throws Exception {
    Process openssl =
        new ProcessBuilder("openssl", "pkey", "-in", pem.toString(), "-pubout", "-outform", "DER")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] der = openssl.getInputStream().readAllBytes();
    assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).isZero();
    assertThat(der.length).isGreaterThan(32);
    return java.util.Base64.getEncoder()
        .encodeToString(java.util.Arrays.copyOfRange(der, der.length - 32, der.length));
  }

  /** The lifecycle verbs as a user types them: upgrade (checked by a replay), restart, remove. */
  private void upgradeRestartAndRemove(Path data) throws Exception {
    String wat = Files.readString(Launcher.REPO.resolve("examples/counter/counter.wat"));
    String memory = "(memory (export \"memory\") 1)";
    Path same = data.resolve("same.wat");
    Files.writeString(same, wat.replace(memory, memory + " (func $unused)"));
    Path other = data.resolve("other.wat");
    Files.writeString(
        other,
        wat.replace(
            "(local.set $count (i64.add (local.get $count) (local.get $add)))",
            "(local.set $count (i64.add (local.get $count) (i64.add (local.get $add) (i64.const 1))))"));
    var refused = troupe("actor", "upgrade", "counter", "--module", other.toString());
    assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
    assertThat(refused.out()).startsWith("diverged at seq ");
    assertThat(refused.err()).contains("not upgraded");
    var upgraded = troupe("actor", "upgrade", "counter", "--module", same.toString());
    assertThat(upgraded.exit()).as(upgraded.out() + upgraded.err()).isZero();
    assertThat(upgraded.out()).contains("events reproduced", "upgraded actor counter to sha256:");
    send("1");
    assertThat(total()).isEqualTo("8");

    // the module that diverges: refused unforced, taken with --force
    var stillRefused = troupe("actor", "upgrade", "counter", "--module", other.toString());
    assertThat(stillRefused.exit()).as(stillRefused.out() + stillRefused.err()).isEqualTo(1);
    var forced = troupe("actor", "upgrade", "counter", "--module", other.toString(), "--force");
    assertThat(forced.exit()).as(forced.out() + forced.err()).isZero();
    assertThat(forced.out()).startsWith("diverged at seq ").contains("upgraded actor counter to ");
    assertThat(forced.err()).doesNotContain("not upgraded");
    String otherRef = forced.out().lines().reduce((a, b) -> b).orElseThrow().split(" to ")[1];
    var described = troupe("actor", "describe", "counter");
    assertThat(described.out()).contains("\"module\":\"" + otherRef + "\"");
    send("1"); // the new module adds one more
    assertThat(total()).isEqualTo("10");

    var restarted =
        Launcher.run(
            "troupe", "--target", target, "actor", "restart", "counter", "--reason", "ops");
    assertThat(restarted.exit()).as(restarted.err()).isZero();
    assertThat(restarted.out()).contains("\"id\":\"counter\"", "\"epoch\":");
    assertThat(total()).isEqualTo("10");

    var live = Launcher.run("troupe", "--target", target, "actor", "remove", "counter");
    assertThat(live.exit()).isNotZero();
    assertThat(live.err()).contains("stop it before removing it");
    assertThat(Launcher.run("troupe", "--target", target, "actor", "stop", "counter").exit())
        .isZero();
    var removed = Launcher.run("troupe", "--target", target, "actor", "remove", "counter");
    assertThat(removed.exit()).as(removed.err()).isZero();
    var gone = Launcher.run("troupe", "--target", target, "actor", "describe", "counter");
    assertThat(gone.exit()).isNotZero();
    assertThat(gone.err()).contains("no actor counter");
  }

  /**
   * The node made its key on its first start and kept it: a receipt it signs now verifies with the
   * public key it wrote then, against the exported chain, with the CLI and with openssl.
   */
  private void receiptsAreCheckedWithThePublicKeyAlone(Path data, Path chain) throws Exception {
    Path pub = data.resolve("node-key.pub.pem");
    assertThat(pub).exists();
    var head = Launcher.run("troupe", "--target", target, "actor", "head", "counter", "--signed");
    assertThat(head.exit()).as(head.err()).isZero();
    Path receipt = data.resolve("receipt.json");
    Files.writeString(receipt, head.out().strip());
    var checked =
        Launcher.run(
            "troupe",
            "chain",
            "verify",
            chain.toString(),
            "--receipt",
            receipt.toString(),
            "--pubkey",
            pub.toString());
    assertThat(checked.exit()).as(checked.out() + checked.err()).isZero();
    assertThat(checked.out()).contains("receipt: node ", "and the chain contains it");

    // the same receipt naming another head fails, as does a chain without that head
    var r = io.troupe.chain.Receipt.fromJson(head.out());
    var other =
        new io.troupe.chain.Receipt(
            r.actor(),
            r.seq() - 1,
            r.head(),
            r.epoch(),
            r.node(),
            r.timeMillis(),
            r.publicKey(),
            r.signature());
    Path forged = data.resolve("forged.json");
    Files.writeString(forged, other.toJson());
    var refused =
        Launcher.run(
            "troupe",
            "chain",
            "verify",
            chain.toString(),
            "--receipt",
            forged.toString(),
            "--pubkey",
            pub.toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("signature does not verify");
    Path shorter = data.resolve("shorter.jsonl");
    List<String> lines = Files.readAllLines(chain);
    Files.write(shorter, lines.subList(0, lines.size() - 1));
    var missing =
        Launcher.run(
            "troupe",
            "chain",
            "verify",
            shorter.toString(),
            "--receipt",
            receipt.toString(),
            "--pubkey",
            pub.toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("the chain has no event " + r.seq());

    // no Troupe needed: openssl checks the signature over the documented bytes
    Path signed = data.resolve("signed.txt");
    Files.write(signed, r.signedBytes());
    Path signature = data.resolve("signature.bin");
    Files.write(signature, r.signature());
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                pub.toString(),
                "-rawin",
                "-in",
                signed.toString(),
                "-sigfile",
                signature.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(openssl.getInputStream().readAllBytes());
    assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).as(said).isZero();
    assertThat(said).contains("Signature Verified Successfully");
  }
}
