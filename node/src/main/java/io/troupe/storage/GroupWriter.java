package io.troupe.storage;

import io.troupe.actor.ChainStore;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import io.troupe.chain.EventTypes;
import io.troupe.error.StaleAppendException;
import io.troupe.error.TroupeException;
import io.troupe.error.UnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread takes the appends of every actor that are waiting, writes them in one
 * transaction (each fenced on its own), and completes them once the transaction is on disk. While a
 * transaction runs, the next batch gathers; under load, one fsync carries many turns of many
 * actors.
 */
final class GroupWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupWriter.class);
  static final int MAX_BATCH = 512;

  private record Pending(ChainStore.Commit commit, CompletableFuture<Void> done) {}

  /** Ends the writer once everything queued before it is written. */
  private static final Pending END = new Pending(null, null);

  private final DataSource source;
  private final String where;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  GroupWriter(DataSource source, String where, String name) {
    this.source = source;
    this.where = where;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  CompletableFuture<Void> submit(ChainStore.Commit commit) {
    Pending p = new Pending(commit, new CompletableFuture<>());
    if (closed) {
      p.done().completeExceptionally(closed());
      return p.done();
    }
    queue.add(p);
    if (closed && queue.remove(p)) {
      p.done().completeExceptionally(closed()); // queued after the writer's last look
    }
    return p.done();
  }

  private UnavailableException closed() {
    return new UnavailableException("store " + where + " is closed");
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    boolean end = false;
    try {
      while (!end) {
        try {
          batch.add(queue.take());
        } catch (InterruptedException e) {
          continue; // only END ends the writer
        }
        queue.drainTo(batch, MAX_BATCH - 1);
        end = batch.remove(END);
        if (!batch.isEmpty()) {
          write(batch);
        }
        batch.clear();
      }
    } catch (Throwable t) {
      // out of memory or the like: nothing more is written, and nobody is left waiting
      log.error("the writer of store {} stopped", where, t);
      closed = true;
      UnavailableException why =
          new UnavailableException("store " + where + " stopped writing; restart the node");
      batch.forEach(p -> p.done().completeExceptionally(why));
    }
    Pending p;
    while ((p = queue.poll()) != null) {
      if (p != END) {
        p.done().completeExceptionally(closed());
      }
    }
  }

  /**
   * Writes {@code batch} in one transaction. When it fails and the database is still there (one
   * commit was at fault, not the store), each commit is written again in a transaction of its own,
   * so that the fault fails only its own commit.
   */
  private void write(List<Pending> batch) {
    List<TroupeException> outcomes;
    try {
      outcomes = transaction(batch);
    } catch (SQLException | RuntimeException e) {
      if (batch.size() == 1 || !reachable()) {
        fail(batch, e);
        return;
      }
      log.warn("a batch of {} commits to {} failed; writing them one by one", batch.size(), where);
      for (Pending p : batch) {
        try {
          complete(List.of(p), transaction(List.of(p)));
        } catch (SQLException | RuntimeException one) {
          fail(List.of(p), one);
        }
      }
      return;
    }
    complete(batch, outcomes);
  }

  private static final int VALID_SECONDS = 2;

  private boolean reachable() {
    try (Connection c = source.getConnection()) {
      return c.isValid(VALID_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Appends {@code batch} and commits, or rolls back and throws. A connection whose transaction
   * failed is not used again: after some failures (a full disk) SQLite has rolled back by itself,
   * and the driver's idea of the transaction no longer holds.
   */
  private List<TroupeException> transaction(List<Pending> batch) throws SQLException {
    Connection c = source.getConnection();
    boolean written = false;
    try {
      c.setAutoCommit(false);
      List<TroupeException> outcomes = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        outcomes.add(append(c, p.commit()));
      }
      c.commit();
      written = true;
      CrashPoint.afterStoreWrite();
      return outcomes;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback); // the write's own error is the one that says why
      }
      throw e;
    } finally {
      if (!written && source instanceof com.zaxxer.hikari.HikariDataSource pool) {
        pool.evictConnection(c);
      }
      c.close();
    }
  }

  private static void complete(List<Pending> batch, List<TroupeException> outcomes) {
    for (int i = 0; i < batch.size(); i++) {
      TroupeException refused = outcomes.get(i);
      if (refused == null) {
        batch.get(i).done().complete(null);
      } else {
        batch.get(i).done().completeExceptionally(refused);
      }
    }
  }

  private void fail(List<Pending> batch, Exception e) {
    TroupeException why =
        e instanceof SQLException sql
            ? StoreErrors.translate(sql, where)
            : new UnavailableException("store " + where + " could not write a commit", e);
    if (e instanceof SQLException) {
      log.warn("{}", why.getMessage());
      log.debug("the store's own words", e);
    } else {
      log.warn("{}", why.getMessage(), e);
    }
    batch.forEach(p -> p.done().completeExceptionally(why));
  }

  /** One commit inside the batch's transaction: null when appended, else why it was refused. */
  private TroupeException append(Connection c, ChainStore.Commit commit) throws SQLException {
    String id = commit.actor().value();
    List<ChainEvent> events = commit.events();
    ChainEvent last = events.get(events.size() - 1);
    String status = commit.status().name().toLowerCase(Locale.ROOT);
    if (commit.fromSeq() == 0) {
      ChainStore.Origin o =
          commit
              .origin()
              .orElseThrow(() -> new IllegalStateException("genesis commit without its origin"));
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO actors (id, name, manifest, module_ref, module_sha256, parent, epoch,"
                  + " node, status, length, head, state, keep_events)"
                  + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING")) {
        s.setString(1, id);
        s.setString(2, o.manifestName());
        s.setString(3, o.manifestToml());
        s.setString(4, o.moduleRef());
        s.setString(5, o.moduleSha256());
        s.setString(6, o.parent().map(Object::toString).orElse(null));
        s.setLong(7, commit.epoch());
        s.setString(8, commit.node());
        s.setString(9, status);
        s.setLong(10, commit.toSeq());
        s.setBytes(11, last.hash().toBytes());
        s.setBytes(12, commit.state());
        if (o.keepEvents().isPresent()) {
          s.setLong(13, o.keepEvents().getAsLong());
        } else {
          s.setNull(13, java.sql.Types.BIGINT);
        }
        if (s.executeUpdate() == 0) {
          return new StaleAppendException(
              "actor " + id + " exists already in store " + where + "; its id is taken");
        }
      }
    } else {
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE actors SET length = ?, head = ?, state = ?, status = ?, node = ?"
                  + " WHERE id = ? AND epoch = ? AND length = ? AND head = ?")) {
        s.setLong(1, commit.toSeq());
        s.setBytes(2, last.hash().toBytes());
        s.setBytes(3, commit.state());
        s.setString(4, status);
        s.setString(5, commit.node());
        s.setString(6, id);
        s.setLong(7, commit.epoch());
        s.setLong(8, commit.fromSeq());
        s.setBytes(9, commit.expectedHead().toBytes());
        if (s.executeUpdate() == 0) {
          return stale(c, commit);
        }
      }
      if (commit.origin().isPresent()) { // an upgrade: the record names the new module
        ChainStore.Origin o = commit.origin().get();
        try (PreparedStatement s =
            c.prepareStatement(
                "UPDATE actors SET manifest = ?, module_ref = ?, module_sha256 = ? WHERE id = ?")) {
          s.setString(1, o.manifestToml());
          s.setString(2, o.moduleRef());
          s.setString(3, o.moduleSha256());
          s.setString(4, id);
          s.executeUpdate();
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO events (actor, seq, parent, type, ts, data, hash)"
                + " VALUES (?,?,?,?,?,?,?)")) {
      for (ChainEvent e : events) {
        s.setString(1, id);
        s.setLong(2, e.seq());
        s.setBytes(3, e.parent().toBytes());
        s.setString(4, e.type());
        s.setLong(5, e.timestamp());
        s.setBytes(6, e.data());
        s.setBytes(7, e.hash().toBytes());
        s.addBatch();
      }
      s.executeBatch();
    }
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).type().equals(EventTypes.ACTOR_CHECKPOINT)) {
        // a new home starts from here; what came before stays, for readers
        try (PreparedStatement s =
            c.prepareStatement("UPDATE actors SET checkpoint_seq = ? WHERE id = ?")) {
          s.setLong(1, events.get(i).seq());
          s.setString(2, id);
          s.executeUpdate();
        }
        prune(c, id, events.get(i).seq());
        break;
      }
    }
    return null;
  }

  /**
   * Retention: an actor with {@code keep_events} keeps that many events before its latest
   * checkpoint; the ones before go, and the last of them becomes the chain's anchor (its seq and
   * hash), from which what remains still verifies.
   */
  private static void prune(Connection c, String id, long checkpoint) throws SQLException {
    long keep;
    long anchor;
    try (PreparedStatement q =
        c.prepareStatement("SELECT keep_events, anchor_seq FROM actors WHERE id = ?")) {
      q.setString(1, id);
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) {
          return;
        }
        keep = r.getLong(1);
        if (r.wasNull()) {
          return; // keeps everything
        }
        anchor = r.getLong(2);
      }
    }
    long newAnchor = checkpoint - keep - 1;
    if (newAnchor <= anchor) {
      return;
    }
    byte[] hash;
    try (PreparedStatement q =
        c.prepareStatement("SELECT hash FROM events WHERE actor = ? AND seq = ?")) {
      q.setString(1, id);
      q.setLong(2, newAnchor);
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) {
          return;
        }
        hash = r.getBytes(1);
      }
    }
    try (PreparedStatement d =
        c.prepareStatement("DELETE FROM events WHERE actor = ? AND seq <= ?")) {
      d.setString(1, id);
      d.setLong(2, newAnchor);
      d.executeUpdate();
    }
    try (PreparedStatement u =
        c.prepareStatement("UPDATE actors SET anchor_seq = ?, anchor_hash = ? WHERE id = ?")) {
      u.setLong(1, newAnchor);
      u.setBytes(2, hash);
      u.setString(3, id);
      u.executeUpdate();
    }
  }

  private StaleAppendException stale(Connection c, ChainStore.Commit commit) throws SQLException {
    String id = commit.actor().value();
    try (PreparedStatement q =
        c.prepareStatement("SELECT epoch, length, head, node FROM actors WHERE id = ?")) {
      q.setString(1, id);
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) {
          return new StaleAppendException(
              "actor " + id + " has no record in store " + where + " to append to");
        }
        return new StaleAppendException(
            "stale append to actor "
                + id
                + ": expected (epoch "
                + commit.epoch()
                + ", seq "
                + commit.fromSeq()
                + ", head "
                + commit.expectedHead().toHex().substring(0, 12)
                + "), store "
                + where
                + " is at (epoch "
                + r.getLong(1)
                + ", seq "
                + r.getLong(2)
                + ", head "
                + EventHash.of(r.getBytes(3)).toHex().substring(0, 12)
                + ") of node "
                + r.getString(4));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    queue.add(END);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
