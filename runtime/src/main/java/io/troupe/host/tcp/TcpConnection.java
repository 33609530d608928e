package io.troupe.host.tcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.error.InvalidArgumentException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One outbound TCP connection as a state machine (the seed's WebSocket pattern):
 *
 * <pre>
 *   CONNECTING --connected--> OPEN --close()--> CLOSING --flushed--> CLOSED
 *        |                     |--peer closed-------------------------^
 *        '--error--> FAILED <--'--I/O error or event buffer overflow
 * </pre>
 *
 * Every transition and every chunk read becomes an event for the actor. Events wait in a bounded
 * buffer and go to the actor one at a time (the next once the previous callback ran), so a slow
 * actor never has more than one event of a connection in its mailbox; a full buffer fails the
 * connection, and that failure is the last event the actor gets. Thread-safe.
 */
final class TcpConnection {
  enum State {
    CONNECTING,
    OPEN,
    CLOSING,
    CLOSED,
    FAILED
  }

  private final String id;
  private final Function<JsonNode, CompletableFuture<Void>> deliver;
  private final int maxBuffered;
  private final Deque<JsonNode> events = new ArrayDeque<>();
  private final Deque<ByteBuffer> writes = new ArrayDeque<>();
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private AsynchronousSocketChannel channel;
  private State state = State.CONNECTING;
  private boolean delivering;
  private boolean writing;

  TcpConnection(String id, Function<JsonNode, CompletableFuture<Void>> deliver, int maxBuffered) {
    this.id = id;
    this.deliver = deliver;
    this.maxBuffered = maxBuffered;
  }

  synchronized State state() {
    return state;
  }

  synchronized boolean isFinished() {
    return (state == State.CLOSED || state == State.FAILED) && events.isEmpty() && !delivering;
  }

  void connect(String host, int port, io.troupe.policy.Networks networks) {
    try {
      InetSocketAddress address = new InetSocketAddress(host, port);
      if (address.isUnresolved()) {
        fail("connect to " + host + ":" + port + " failed: the host does not resolve");
        return;
      }
      networks.check(host, address.getAddress()); // and then connect to what was checked
      AsynchronousSocketChannel ch = AsynchronousSocketChannel.open();
      synchronized (this) {
        channel = ch;
      }
      ch.connect(
          address,
          null,
          new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void v, Void a) {
              if (transition(State.CONNECTING, State.OPEN, event("connected"))) {
                read();
              }
            }

            @Override
            public void failed(Throwable e, Void a) {
              fail("connect to " + host + ":" + port + " failed: " + e);
            }
          });
    } catch (io.troupe.error.InvalidArgumentException e) {
      fail("connect to " + host + ":" + port + " refused: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      fail("connect to " + host + ":" + port + " failed: " + e);
    }
  }

  void send(String text) {
    synchronized (this) {
      if (state != State.OPEN) {
        throw new InvalidArgumentException(
            "connection " + id + " is " + state.name().toLowerCase() + ", not open");
      }
      writes.add(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
    flush();
  }

  void close() {
    boolean now;
    synchronized (this) {
      if (state != State.OPEN && state != State.CONNECTING) {
        return;
      }
      state = State.CLOSING;
      now = !writing && writes.isEmpty();
    }
    if (now) {
      finish("closed by the actor");
    }
  }

  private void read() {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    channel.read(
        buf,
        null,
        new CompletionHandler<Integer, Void>() {
          @Override
          public void completed(Integer n, Void a) {
            if (n < 0) {
              finish("closed by the peer");
              return;
            }
            buf.flip();
            CharBuffer chars = CharBuffer.allocate(buf.remaining() + 4);
            synchronized (TcpConnection.this) {
              decoder.decode(buf, chars, false);
            }
            chars.flip();
            if (chars.hasRemaining()) {
              ObjectNode e = event("data");
              e.put("data", chars.toString());
              if (!enqueue(e)) {
                return;
              }
            }
            State s = state();
            if (s == State.OPEN || s == State.CLOSING) {
              read();
            }
          }

          @Override
          public void failed(Throwable e, Void a) {
            State s = state();
            if (s == State.OPEN || s == State.CLOSING) {
              fail("read failed: " + e);
            }
          }
        });
  }

  private void flush() {
    ByteBuffer next;
    synchronized (this) {
      if (writing || writes.isEmpty()) {
        return;
      }
      writing = true;
      next = writes.peek();
    }
    channel.write(
        next,
        null,
        new CompletionHandler<Integer, Void>() {
          @Override
          public void completed(Integer n, Void a) {
            boolean closing;
            synchronized (TcpConnection.this) {
              writing = false;
              if (!next.hasRemaining()) {
                writes.poll();
              }
              closing = state == State.CLOSING && writes.isEmpty();
            }
            if (closing) {
              finish("closed by the actor");
            } else {
              flush();
            }
          }

          @Override
          public void failed(Throwable e, Void a) {
            fail("write failed: " + e);
          }
        });
  }

  /** Ends an open or closing connection cleanly with a {@code closed} event. */
  private void finish(String reason) {
    ObjectNode e = event("closed");
    e.put("reason", reason);
    synchronized (this) {
      if (state != State.OPEN && state != State.CLOSING) {
        return;
      }
      state = State.CLOSED;
    }
    closeChannel();
    enqueue(e);
  }

  private void fail(String message) {
    ObjectNode e = event("failed");
    e.put("message", message);
    synchronized (this) {
      if (state == State.CLOSED || state == State.FAILED) {
        return;
      }
      state = State.FAILED;
    }
    closeChannel();
    enqueue(e);
  }

  private boolean transition(State from, State to, JsonNode event) {
    synchronized (this) {
      if (state != from) {
        return false;
      }
      state = to;
    }
    return enqueue(event);
  }

  /** Buffers an event for the actor; on overflow the connection fails instead. */
  private boolean enqueue(JsonNode event) {
    boolean overflow;
    synchronized (this) {
      overflow = events.size() >= maxBuffered && state != State.FAILED;
      if (!overflow) {
        events.add(event);
      }
    }
    if (overflow) {
      synchronized (this) {
        events.clear(); // what the actor could not take is dropped, and it is told so
      }
      fail("event buffer overflow: the actor fell " + maxBuffered + " events behind");
      return false;
    }
    pump();
    return true;
  }

  private void pump() {
    JsonNode next;
    synchronized (this) {
      if (delivering || events.isEmpty()) {
        return;
      }
      delivering = true;
      next = events.poll();
    }
    ArrayNode params = JsonNodeFactory.instance.arrayNode().add(id).add(next);
    CompletableFuture<Void> done;
    try {
      done = deliver.apply(params);
    } catch (RuntimeException e) {
      synchronized (this) {
        delivering = false; // the actor is gone: nobody is left to tell
        events.clear();
      }
      closeChannel();
      return;
    }
    done.whenComplete(
        (v, e) -> {
          synchronized (this) {
            delivering = false;
          }
          pump();
        });
  }

  private void closeChannel() {
    AsynchronousSocketChannel ch;
    synchronized (this) {
      ch = channel;
    }
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  private static ObjectNode event(String type) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("type", type);
    return e;
  }
}
