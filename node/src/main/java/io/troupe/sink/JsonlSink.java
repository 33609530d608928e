package io.troupe.sink;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.UnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-lines file per actor, {@code DIR/<actor id>.jsonl}, in the chain export format
 * (docs/chain.md): the file is its own record of what was delivered. Each delivery, under the
 * actor's {@link DirLock}, finds the file's last complete line (cutting off a line torn by a
 * crash), appends only the events after it, and forces them to disk ({@code fdatasync}) before it
 * returns; so nodes that share the directory (a failover on one machine, a shared volume) continue
 * one file without duplicates or gaps.
 */
public final class JsonlSink implements ChainSink {
  private static final Logger log = LoggerFactory.getLogger(JsonlSink.class);
  private static final String SUFFIX = ".jsonl";
  private static final int TAIL_CHUNK = 64 * 1024;

  private final Path dir;
  private final DirLock lock;
  private final Clock clock;

  private JsonlSink(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
    this.lock = DirLock.open(dir);
  }

  /**
   * Opens (creating it if needed) the sink directory {@code dir}.
   *
   * @throws InvalidArgumentException when it cannot be created
   */
  public static JsonlSink open(Path dir, Clock clock) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InvalidArgumentException(
          "cannot create chain sink directory " + dir + ": " + e.getMessage());
    }
    return new JsonlSink(dir, clock);
  }

  /** The file actor {@code id}'s chain is delivered to. */
  public Path file(ActorId id) {
    return dir.resolve(id.value() + SUFFIX);
  }

  @Override
  public String describe() {
    return "jsonl:" + dir;
  }

  @Override
  public Position position(ActorId id) {
    return lock.with(id, () -> io(id, () -> tail(id, Position.NONE)));
  }

  @Override
  public Position deliver(ActorId id, Batch batch, Position expected) {
    return lock.with(id, () -> io(id, () -> append(id, batch, expected)));
  }

  @Override
  public void setAside(ActorId id, String why) {
    lock.with(
        id,
        () ->
            io(
                id,
                () -> {
                  Path file = file(id);
                  if (Files.exists(file)) {
                    Path aside = dir.resolve(id.value() + SUFFIX + ".aside-" + clock.millis());
                    Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
                    syncDir();
                    log.warn("chain sink: {} set aside as {}: {}", file, aside.getFileName(), why);
                  }
                  return null;
                }));
  }

  @Override
  public void close() {
    lock.close();
  }

  private Position append(ActorId id, Batch batch, Position expected) throws IOException {
    Path file = file(id);
    boolean created = !Files.exists(file);
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      boolean known = !expected.mark().isEmpty() && mark(file, ch.size()).equals(expected.mark());
      Position at = tail(id, ch, known ? expected : null);
      List<ChainEvent> rest = at.rest(id, batch);
      if (rest.isEmpty()) {
        return at;
      }
      ByteArrayOutputStream lines = new ByteArrayOutputStream();
      for (ChainEvent e : rest) {
        lines.write(ChainCodec.toLine(e).getBytes(StandardCharsets.UTF_8));
        lines.write('\n');
      }
      ByteBuffer buf = ByteBuffer.wrap(lines.toByteArray());
      long pos = ch.size();
      while (buf.hasRemaining()) {
        pos += ch.write(buf, pos);
      }
      ch.force(false);
      if (created) {
        syncDir(); // the new file's name survives a crash too
      }
      return Position.after(rest.get(rest.size() - 1), mark(file, pos));
    }
  }

  /** The position of actor {@code id}'s file, read from its last line (none when it is absent). */
  private Position tail(ActorId id, Position ifNone) throws IOException {
    Path file = file(id);
    if (!Files.exists(file)) {
      return ifNone;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return tail(id, ch, null);
    }
  }

  /**
   * The file's position: {@code known} when given (its mark matched), else read from its last
   * complete line; a torn last line (a crash in mid-write) is cut off first.
   */
  private Position tail(ActorId id, FileChannel ch, Position known) throws IOException {
    if (known != null) {
      return known;
    }
    long size = ch.size();
    long end = lastNewline(ch, size); // the offset just after the last complete line
    if (end < size) {
      log.warn("chain sink: {} ended in a torn line ({} bytes); cut it off", file(id), size - end);
      ch.truncate(end);
      ch.force(false);
    }
    if (end == 0) {
      return Position.NONE;
    }
    long start = lastNewline(ch, end - 1);
    ByteBuffer line = ByteBuffer.allocate(Math.toIntExact(end - 1 - start));
    while (line.hasRemaining() && ch.read(line, start + line.position()) >= 0) {
      // read the whole line
    }
    String text = new String(line.array(), StandardCharsets.UTF_8);
    List<ChainEvent> last;
    try {
      last = ChainCodec.read(new StringReader(text));
    } catch (RuntimeException e) {
      throw new Conflict(
          "the last line of " + file(id) + " is not a chain event: " + e.getMessage());
    }
    if (last.size() != 1 || !last.get(0).actor().equals(id.value())) {
      throw new Conflict("the last line of " + file(id) + " is not an event of actor " + id);
    }
    return Position.after(last.get(0), mark(file(id), end));
  }

  /** The offset just after the last {@code '\n'} before {@code limit} (0 when there is none). */
  private static long lastNewline(FileChannel ch, long limit) throws IOException {
    long pos = limit;
    ByteBuffer buf = ByteBuffer.allocate(TAIL_CHUNK);
    while (pos > 0) {
      int n = (int) Math.min(TAIL_CHUNK, pos);
      buf.clear().limit(n);
      long from = pos - n;
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
        // fill the chunk
      }
      for (int i = n - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i + 1;
        }
      }
      pos = from;
    }
    return 0;
  }

  /** What identifies the file at {@code size}: a writer elsewhere changes its size or its inode. */
  private static String mark(Path file, long size) throws IOException {
    Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    return key == null ? "" : key + "@" + size;
  }

  private void syncDir() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      log.debug("cannot sync directory {}: {}", dir, e.getMessage()); // not on every platform
    }
  }

  private interface Io<T> {
    T run() throws IOException;
  }

  private <T> T io(ActorId id, Io<T> body) {
    try {
      return body.run();
    } catch (IOException | UncheckedIOException e) {
      throw new UnavailableException(
          "chain sink cannot write " + file(id) + ": " + e.getMessage(), e);
    }
  }
}
