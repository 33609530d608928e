package io.troupe.sink;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.UnavailableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One actor's delivery to the sink, on this node: the commits it learns of (their events wait in a
 * queue, as long as the node's budget allows) and a run at a time on the sinks' threads that
 * delivers from the sink's position up to the last commit, reading from the store what is not
 * queued (the backfill after a restart or failover, or a queue that overflowed).
 */
final class Feed implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Feed.class);
  static final int BATCH_EVENTS = 512;
  static final long BATCH_BYTES = 4L << 20;
  private static final int ROUNDS = 16; // batches per run before other actors' turn
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration LAST_RETRY = Duration.ofSeconds(30);
  private static final int OVERHEAD = 256; // what a queued event costs beyond its data

  private final ActorId id;
  private final ChainSinks sinks;

  // guarded by this
  private final Deque<ChainEvent> queue = new ArrayDeque<>();
  private long queuedBytes;
  private long committed; // the chain length known committed
  private boolean scheduled;
  private boolean retired;
  private long touched;

  // the run's own (one run at a time)
  private volatile Position position; // null: ask the sink
  private int failures;

  Feed(ActorId id, ChainSinks sinks) {
    this.id = id;
    this.sinks = sinks;
    this.touched = sinks.millis();
  }

  ActorId id() {
    return id;
  }

  /**
   * A commit of this actor completed: its events are committed. False when this feed was retired
   * (ask the sinks for the actor's feed again).
   */
  synchronized boolean committed(long fromSeq, List<ChainEvent> events) {
    if (retired) {
      return false;
    }
    touched = sinks.millis();
    long to = fromSeq + events.size();
    boolean follows = queue.isEmpty() || queue.peekLast().seq() + 1 == fromSeq;
    if (follows && to > committed) {
      long bytes = 0;
      for (ChainEvent e : events) {
        bytes += e.dataSize() + OVERHEAD;
      }
      if (sinks.reserve(bytes)) {
        queue.addAll(events);
        queuedBytes += bytes;
      }
    }
    committed = Math.max(committed, to);
    schedule();
    return true;
  }

  /** The chain is committed up to {@code length} (an ended actor, found by a sweep). */
  synchronized boolean committedUpTo(long length) {
    if (retired) {
      return false;
    }
    if (length > committed) {
      committed = length;
      schedule();
    }
    return true;
  }

  /** Retires the feed when it is idle since {@code before} and delivered; true when it did. */
  synchronized boolean retireIfIdle(long before) {
    if (touched > before || !delivered()) {
      return false;
    }
    retired = true;
    return true;
  }

  /** Whether the sink has every event this feed knows committed, and no run is due. */
  synchronized boolean delivered() {
    return !scheduled && queue.isEmpty() && position != null && position.next() >= committed;
  }

  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      sinks.execute(this);
    }
  }

  @Override
  public void run() {
    Duration retry = null;
    boolean gone = false;
    try {
      deliver();
      failures = 0;
    } catch (ActorNotFoundException e) {
      gone = true; // removed: nothing more to deliver
    } catch (RuntimeException e) {
      position = null; // read it again: the sink may have moved meanwhile
      failures++;
      retry = backoff(failures);
      if (failures == 1 || failures % 10 == 0) {
        log.warn(
            "chain sink {}: delivering actor {} failed ({} time(s)), retrying in {} ms: {}",
            sinks.describe(),
            id,
            failures,
            retry.toMillis(),
            e.getMessage());
      }
    }
    synchronized (this) {
      scheduled = false;
      if (gone) {
        clear();
        retired = true;
        sinks.forget(this);
      } else if (retry != null) {
        scheduled = true;
        sinks.schedule(this, retry);
      } else if (position == null || position.next() < committed) {
        schedule();
      }
    }
  }

  private void deliver() {
    if (position == null) {
      position = checked(sinks.sink().position(id));
    }
    for (int round = 0; round < ROUNDS; round++) {
      Batch batch = next();
      if (batch == null) {
        return;
      }
      try {
        position = sinks.sink().deliver(id, batch, position);
      } catch (ChainSink.Behind e) {
        position = e.position();
      } catch (ChainSink.Conflict e) {
        setAside(e.getMessage());
      }
    }
  }

  /**
   * The sink's position, checked against the chain: a sink ahead of the committed chain, or whose
   * last event is not the chain's, holds another actor of this id (removed, and made again).
   */
  private Position checked(Position at) {
    if (at.empty()) {
      return at;
    }
    long last = at.next() - 1;
    List<ChainEvent> read = sinks.source().read(id, last, at.next());
    if (!read.isEmpty() && read.get(0).seq() == last) {
      if (!read.get(0).hash().equals(at.last())) {
        setAside("the sink's event " + last + " is not the chain's");
        return Position.NONE;
      }
    } else if (sinks.source().firstKept(id) <= last) {
      setAside("the sink holds events up to seq " + last + ", beyond the chain's end");
      return Position.NONE;
    } // else pruned: nothing to check it with
    return at;
  }

  private void setAside(String why) {
    sinks.sink().setAside(id, why);
    position = Position.NONE;
  }

  /** The next batch to deliver from the sink's position, or null when the sink has every one. */
  private Batch next() {
    long next = position.next();
    long target;
    long queuedFrom;
    synchronized (this) {
      while (!queue.isEmpty() && queue.peek().seq() < next) {
        release(queue.poll());
      }
      target = committed;
      if (next >= target) {
        return null;
      }
      if (!queue.isEmpty() && queue.peek().seq() == next) {
        List<ChainEvent> events = new ArrayList<>();
        long bytes = 0;
        while (!queue.isEmpty() && events.size() < BATCH_EVENTS && bytes < BATCH_BYTES) {
          ChainEvent e = queue.poll();
          bytes += e.dataSize();
          release(e);
          events.add(e);
        }
        return new Batch(events, false);
      }
      queuedFrom = queue.isEmpty() ? target : queue.peek().seq();
    }
    long to = Math.min(Math.min(target, queuedFrom), next + BATCH_EVENTS);
    List<ChainEvent> read = sinks.source().read(id, next, to);
    if (!read.isEmpty() && read.get(0).seq() == next) {
      return new Batch(read, false);
    }
    return pruned(next, target);
  }

  /** The events from {@code next} are gone from the store: go on from the first one it keeps. */
  private Batch pruned(long next, long target) {
    long first = sinks.source().firstKept(id);
    if (first <= next) {
      throw new UnavailableException(
          "the store does not have committed event " + next + " of actor " + id + " yet");
    }
    if (!position.empty()) {
      log.warn(
          "chain sink {}: events {}..{} of actor {} were pruned (retention) before they were"
              + " delivered; it goes on from seq {} anew",
          sinks.describe(),
          next,
          first - 1,
          id,
          first);
      setAside("events " + next + ".." + (first - 1) + " were pruned before delivery");
    }
    List<ChainEvent> read = sinks.source().read(id, first, Math.min(target, first + BATCH_EVENTS));
    if (read.isEmpty() || read.get(0).seq() != first) {
      throw new UnavailableException(
          "the store does not have event " + first + " of actor " + id + ", its first kept");
    }
    return new Batch(read, true);
  }

  private void release(ChainEvent e) {
    long bytes = e.dataSize() + OVERHEAD;
    queuedBytes -= bytes;
    sinks.release(bytes);
  }

  private void clear() {
    sinks.release(queuedBytes);
    queuedBytes = 0;
    queue.clear();
  }

  private static Duration backoff(int failures) {
    long ms = FIRST_RETRY.toMillis() << Math.min(failures - 1, 6);
    return Duration.ofMillis(Math.min(ms, LAST_RETRY.toMillis()));
  }
}
