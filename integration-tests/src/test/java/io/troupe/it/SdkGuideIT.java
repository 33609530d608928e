package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.grpc.Status;
import io.troupe.chain.Receipt;
import io.troupe.client.sdk.ChannelListener;
import io.troupe.client.sdk.Subscription;
import io.troupe.client.sdk.TroupeChannel;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.client.sdk.TroupeClientException;
import io.troupe.proto.v1.ChainEvent;
import io.troupe.proto.v1.GetHeadResponse;
import io.troupe.proto.v1.ReplayActorResponse;
import io.troupe.proto.v1.VerifyChainResponse;
import io.troupe.server.NodeConfig;
import io.troupe.server.TroupeNode;
import io.troupe.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/sdk-java.md, run: the guide's code is the code between the {@code [guide:NAME]} markers
 * here, and {@link #theGuideQuotesThisCode} checks that the guide shows it as it is.
 */
class SdkGuideIT {
  private static final Path SOURCE =
      Launcher.REPO.resolve("integration-tests/src/test/java/io/troupe/it/SdkGuideIT.java");
  private static final Path GUIDE = Launcher.REPO.resolve("docs/sdk-java.md");
  private static TroupeNode node;
  private static String address;
  private final Path examples = Launcher.REPO.resolve("examples");

  record Add(int add) {}

  record Chat(String from, String text) {}

  @BeforeAll
  static void start() {
    node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("guide")
                .clusterName("guide-" + FreePorts.next())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .store(NodeConfig.MEMORY)
                .build());
    address = node.grpcAddress();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theGuideRuns() throws Exception {
    // [guide:connect]
    try (TroupeClient client =
        TroupeClient.builder()
            .target(address) // a node's host:port, e.g. "127.0.0.1:7070"; add more for failover
            .deadline(Duration.ofSeconds(30)) // of each call (the default)
            .build()) {
      // [/guide]
      start(client);
      sendAndRequest(client);
      messageIds(client);
      channels(client);
      subscriptions(client);
      receipts(client);
      errors(client);
    }
  }

  /** Compiled, not run here: SecureNodeIT runs a node with TLS and tokens. */
  static TroupeClient secure(Path caPem, String token) {
    // [guide:tls]
    TroupeClient client =
        TroupeClient.builder()
            .target("node-1.example.com:7070")
            .trustedCertificates(caPem) // TLS, trusting this CA (or .tls(): the system's CAs)
            .token(token) // sent as "authorization: Bearer TOKEN" on every call
            .build();
    // [/guide]
    return client;
  }

  private void start(TroupeClient client) {
    // [guide:start]
    String id = client.start(examples.resolve("counter/counter.toml"), "counter");
    // [/guide]
    assertThat(id).isEqualTo("counter");
  }

  private void sendAndRequest(TroupeClient client) throws Exception {
    // [guide:send]
    client.send("counter", 5); // written by Jackson: 5
    client.send("counter", new Add(10)); // a record: {"add":10}
    client.send("counter", "{\"add\": 1}"); // a String is JSON text, sent as it is
    long total = client.request("counter", "\"total?\"", Long.class); // 16
    JsonNode tree = client.request("counter", "\"total?\"", JsonNode.class);
    String json = client.request("counter", "\"total?\""); // JSON text: "16"
    // [/guide]
    assertThat(total).isEqualTo(16);
    assertThat(tree.asLong()).isEqualTo(16);
    assertThat(json).isEqualTo("16");

    // [guide:async]
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      sends.add(client.sendAsync("counter", i)); // all in flight at once
    }
    CompletableFuture<Long> after =
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
            .thenCompose(done -> client.requestAsync("counter", "\"total?\"", Long.class));
    // [/guide]
    assertThat(after.get(60, TimeUnit.SECONDS)).isEqualTo(16 + 5050);

    // [guide:mapper]
    ObjectMapper snakeCase =
        new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    try (TroupeClient snake = TroupeClient.builder().target(address).mapper(snakeCase).build()) {
      // ...
    }
    // [/guide]
  }

  private void messageIds(TroupeClient client) {
    long before = client.request("counter", "\"total?\"", Long.class);
    // [guide:message-id]
    String messageId = "order-4711"; // yours: the same on every retry, at most 128 characters
    client.send("counter", new Add(3), messageId);
    client.send("counter", new Add(3), messageId); // sent again: acknowledged, not counted again
    // [/guide]
    assertThat(client.request("counter", "\"total?\"", Long.class)).isEqualTo(before + 3);
  }

  private void channels(TroupeClient client) throws Exception {
    client.start(examples.resolve("chat-room/room.toml"), "room");
    List<Chat> heard = new CopyOnWriteArrayList<>();
    // [guide:channel]
    TroupeChannel channel =
        client.openChannel(
            "room",
            Map.of("name", "ann"), // what the actor's handle-channel-open gets
            Chat.class, // what each message is read as (or JsonNode, without this argument)
            new ChannelListener<>() {
              @Override
              public void onMessage(Chat chat) {
                heard.add(chat);
              }

              @Override
              public void onError(TroupeClientException refused) {
                System.err.println("refused: " + refused.getMessage());
              }

              @Override
              public void onClose(String reason) {
                System.err.println("closed: " + reason);
              }
            });
    channel.send(new Chat("ann", "hello")); // before the actor accepted: waits in the client
    String channelId = channel.awaitOpened(); // or channel.opened(), a CompletableFuture
    // [/guide]
    assertThat(channelId).isNotEmpty();
    await().atMost(Duration.ofSeconds(30)).until(() -> heard.contains(new Chat("ann", "hello")));
    // [guide:channel-close]
    channel.close();
    String reason = channel.closed().get(10, TimeUnit.SECONDS); // "closed by the client"
    // [/guide]
    assertThat(reason).isEqualTo("closed by the client");

    // [guide:channel-lambda]
    TroupeChannel bob =
        client.openChannel("room", "\"bob\"", message -> System.out.println(message));
    // [/guide]
    bob.awaitOpened();
    bob.close();
  }

  private void subscriptions(TroupeClient client) throws Exception {
    List<ChainEvent> events = new CopyOnWriteArrayList<>();
    // [guide:subscribe]
    try (Subscription subscription =
        client.subscribe("counter", 0, event -> events.add(event))) { // from seq 0, then live
      client.send("counter", 1);
      // ...
      // [/guide]
      long length = client.describe("counter").getChainLength();
      await().atMost(Duration.ofSeconds(30)).until(() -> events.size() == length);
      assertThat(subscription.nextSeq()).isEqualTo(length);
    }
  }

  private void receipts(TroupeClient client) {
    // [guide:receipts]
    Receipt receipt = client.sendWithReceipt("counter", 2); // a head that holds this send
    byte[] nodeKey = Base64.getDecoder().decode(client.clusterStatus().getPublicKey());
    boolean signedByTheNode = receipt.verifiesWith(nodeKey);
    GetHeadResponse head = client.head("counter", false); // length, hash, epoch
    VerifyChainResponse verified = client.verify("counter"); // the node checks the hashes
    ReplayActorResponse replayed = client.replay("counter"); // the node re-runs the module
    List<ChainEvent> chain = client.chain("counter"); // or chain(id, from, to, consumer)
    // [/guide]
    assertThat(signedByTheNode).isTrue();
    assertThat(receipt.seq()).isEqualTo(head.getLength() - 1);
    assertThat(verified.getValid()).isTrue();
    assertThat(replayed.getReproduced()).as(replayed.getSummary()).isTrue();
    assertThat(chain).hasSize((int) head.getLength());
  }

  private void errors(TroupeClient client) {
    Status.Code code = null;
    String kind = null;
    // [guide:errors]
    try {
      client.request("nobody-here", "1");
    } catch (TroupeClientException e) {
      code = e.code(); // NOT_FOUND: the gRPC status code
      kind = e.kind(); // "ACTOR_NOT_FOUND": Troupe's kind (docs/api.md, "Errors")
      System.err.println(e.getMessage()); // in Troupe's words
    }
    // [/guide]
    assertThat(code).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(kind).isEqualTo("ACTOR_NOT_FOUND");
  }

  /** Every region between the markers here is in the guide, as it is here (less its indent). */
  @Test
  void theGuideQuotesThisCode() throws Exception {
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("// \\[guide:([a-z-]+)]\\n(.*?)\\n\\s*// \\[/guide]", Pattern.DOTALL)
            .matcher(source);
    int regions = 0;
    while (m.find()) {
      regions++;
      String code = m.group(2).stripIndent().strip();
      assertThat(guide).as("the guide shows region " + m.group(1) + " as it is").contains(code);
    }
    assertThat(regions).isEqualTo(13);
  }
}
