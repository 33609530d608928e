package io.troupe.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The tcp-client state machine against a real echo server on a loopback port. */
class TcpClientTest {
  private static final String TCP = "troupe:actor/tcp-client";
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system = systems.build();
  private ServerSocket server;
  private Thread serverThread;
  @TempDir Path dir;

  /** Echoes until it reads "bye", then closes its end. */
  @BeforeEach
  void echoServer() throws Exception {
    server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    serverThread =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  byte[] buf = new byte[1024];
                  int n;
                  while ((n = in.read(buf)) > 0) {
                    String text = new String(buf, 0, n, StandardCharsets.UTF_8);
                    out.write(("echo:" + text).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (text.contains("bye")) {
                      break;
                    }
                  }
                } catch (Exception e) {
                  // closed by the test
                }
              }
            });
    serverThread.setDaemon(true);
    serverThread.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
    serverThread.join(10_000);
  }

  private ActorHandle client(String allowed) {
    String body =
        "(func (export \"t.connect\") (param i32 i32 i32 i32) (result i64)"
            + " (call $respond_packed (call $connect (local.get 2) (local.get 3))))"
            + "(func (export \"t.send\") (param i32 i32 i32 i32) (result i64)"
            + " (call $respond_packed (call $send (local.get 2) (local.get 3))))"
            + "(func (export \"t.close\") (param i32 i32 i32 i32) (result i64)"
            + " (call $respond_packed (call $close (local.get 2) (local.get 3))))"
            + "(func (export \"t.status\") (param i32 i32 i32 i32) (result i64)"
            + " (call $respond_packed (call $status (local.get 2) (local.get 3))))"
            + Guests.constant(
                "troupe:actor/tcp-client-handlers.handle-tcp-event", 100, "{\"Ok\":[null]}");
    String imports =
        Guests.hostImport(TCP, "connect", "$connect")
            + Guests.hostImport(TCP, "send", "$send")
            + Guests.hostImport(TCP, "close", "$close")
            + Guests.hostImport(TCP, "status", "$status");
    return system.start(
        Fixture.manifest(
            dir,
            Guests.module(imports, "1", body),
            "[[handler]]\ntype = \"tcp-client\"\nallowed = [\"" + allowed + "\"]\n"));
  }

  private JsonNode call(ActorHandle a, String fn, Object... params) throws Exception {
    return a.callFunction(fn, List.of(params), JsonNode.class).get(10, TimeUnit.SECONDS);
  }

  private List<JsonNode> events(ActorHandle a) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (ChainEvent e : a.chain()) {
      if (e.type().equals(EventTypes.WASM_CALL) && e.dataAsString().contains("handle-tcp-event")) {
        out.add(json.readTree(e.dataAsString()).get("params").get(1));
      }
    }
    return out;
  }

  private String text(List<JsonNode> events) {
    StringBuilder b = new StringBuilder();
    events.stream()
        .filter(e -> e.get("type").asText().equals("data"))
        .forEach(e -> b.append(e.get("data").asText()));
    return b.toString();
  }

  @Test
  void connectSendReceiveAndClose_walkTheStateMachine() throws Exception {
    ActorHandle a = client("127.0.0.1:" + server.getLocalPort());
    String conn = call(a, "t.connect", "127.0.0.1", server.getLocalPort()).get("Ok").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> !events(a).isEmpty());
    assertThat(events(a).get(0).get("type").asText()).isEqualTo("connected");
    assertThat(call(a, "t.status", conn).get("Ok").asText()).isEqualTo("open");
    call(a, "t.send", conn, "héllo ");
    await().atMost(Duration.ofSeconds(10)).until(() -> text(events(a)).equals("echo:héllo "));
    call(a, "t.close", conn);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events(a).stream().anyMatch(e -> e.get("type").asText().equals("closed")));
    assertThat(call(a, "t.status", conn).get("Ok").asText()).isEqualTo("closed");
    assertThat(call(a, "t.send", conn, "late").get("Err").asText()).contains("closed, not open");
  }

  @Test
  void peerClose_andRefusedConnections_areEventsNotCrashes() throws Exception {
    ActorHandle a = client("127.0.0.1:*");
    String conn = call(a, "t.connect", "127.0.0.1", server.getLocalPort()).get("Ok").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> !events(a).isEmpty());
    call(a, "t.send", conn, "bye");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events(a).stream().anyMatch(e -> e.get("type").asText().equals("closed")));
    JsonNode closed = events(a).get(events(a).size() - 1);
    assertThat(closed.get("reason").asText()).isEqualTo("closed by the peer");

    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    String refused = call(a, "t.connect", "127.0.0.1", dead).get("Ok").asText();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events(a).stream().anyMatch(e -> e.get("type").asText().equals("failed")));
    assertThat(call(a, "t.status", refused).get("Ok").asText()).isEqualTo("failed");
    assertThat(a.status()).isEqualTo(ActorStatus.RUNNING);
  }

  @Test
  void hostsOutsideTheAllowList_areRefused() throws Exception {
    ActorHandle a = client("127.0.0.1:1");
    assertThat(call(a, "t.connect", "127.0.0.1", server.getLocalPort()).get("Err").asText())
        .contains("not in this actor's tcp-client allowed list");
  }
}
