package io.troupe.sink;

import io.troupe.actor.ActorId;
import io.troupe.error.UnavailableException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Mutual exclusion per actor over a sink directory, among the threads of this process and among the
 * processes that share the directory: one byte of the directory's lock file {@value #FILE} per
 * stripe of actors, locked with an OS record lock (so the directory must support POSIX locks: a
 * local file system, or NFS with locking), beside a lock of this process per stripe (the OS lock is
 * held per process). Every node of a process that uses the same directory shares one {@code
 * DirLock}: the OS drops a process's record locks on a file when any of its descriptors of that
 * file closes, so there is one.
 */
final class DirLock {
  static final String FILE = ".troupe-sink.lock";
  private static final int STRIPES = 256;
  private static final Map<Path, DirLock> OPEN = new HashMap<>(); // guarded by itself

  private final Path dir;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private FileChannel channel; // guarded by this
  private int users; // guarded by OPEN

  private DirLock(Path dir) {
    this.dir = dir;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** The lock of directory {@code dir} (one per directory in this process); close it when done. */
  static DirLock open(Path dir) {
    Path key = dir.toAbsolutePath().normalize();
    synchronized (OPEN) {
      DirLock l = OPEN.computeIfAbsent(key, DirLock::new);
      l.users++;
      return l;
    }
  }

  /** Runs {@code body} holding actor {@code id}'s lock, here and in every process. */
  <T> T with(ActorId id, Supplier<T> body) {
    int stripe = Math.floorMod(id.value().hashCode(), STRIPES);
    ReentrantLock local = stripes[stripe];
    local.lock();
    try {
      FileLock os = lock(stripe);
      try {
        return body.get();
      } finally {
        release(os);
      }
    } finally {
      local.unlock();
    }
  }

  private FileLock lock(int stripe) {
    try {
      return channel().lock(stripe, 1, false);
    } catch (IOException e) {
      throw new UnavailableException(
          "cannot lock sink directory " + dir + " (" + FILE + "): " + e.getMessage(), e);
    }
  }

  private static void release(FileLock os) {
    try {
      os.release();
    } catch (IOException e) {
      // the channel is gone, and the lock with it
    }
  }

  private synchronized FileChannel channel() throws IOException {
    if (channel == null || !channel.isOpen()) { // an interrupted lock() closes the channel
      channel =
          FileChannel.open(
              dir.resolve(FILE),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    }
    return channel;
  }

  void close() {
    synchronized (OPEN) {
      if (--users > 0) {
        return;
      }
      OPEN.remove(dir.toAbsolutePath().normalize());
    }
    synchronized (this) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // nothing was written through it
        }
      }
    }
  }
}
