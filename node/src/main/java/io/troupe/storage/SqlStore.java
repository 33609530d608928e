package io.troupe.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ChainStore;
import io.troupe.actor.ModuleSource;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import io.troupe.error.ActorRunningException;
import io.troupe.error.TroupeException;
import io.troupe.store.ActorStore;
import io.troupe.store.ContentStore;
import io.troupe.store.StoredActor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable store on SQL: SQLite in a node's data dir (one node; WAL with {@code
 * synchronous=FULL}, so a committed transaction survives power loss), or PostgreSQL shared by the
 * nodes of a cluster. One schema ({@link Schema}), one writer thread doing group commit ({@link
 * GroupWriter}), reads from a small pool.
 */
public final class SqlStore implements ActorStore {
  private final HikariDataSource pool;
  private final String where;
  private final GroupWriter writer;
  private final SqlContent content;

  private SqlStore(HikariDataSource pool, Dialect dialect, String where, String cluster) {
    this.pool = pool;
    this.where = where;
    try (Connection c = pool.getConnection()) {
      Schema.migrate(c, dialect, cluster, where);
    } catch (SQLException e) {
      pool.close();
      throw StoreErrors.translate(e, where);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    this.writer = new GroupWriter(pool, where, "troupe-store-writer");
    this.content = new SqlContent(pool, where);
  }

  /**
   * Opens (creating it if needed) the SQLite store {@code troupe.db} in {@code dir}.
   *
   * @throws TroupeException naming the file when it cannot be opened, is not a store, was written
   *     by a newer Troupe or belongs to another cluster
   */
  public static SqlStore sqlite(Path dir, String cluster) {
    Path file = dir.resolve("troupe.db").toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new io.troupe.error.InvalidArgumentException(
          "cannot create data dir " + dir + ": " + e.getMessage());
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + file);
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "FULL");
    config.addDataSourceProperty("busy_timeout", "10000");
    config.setMaximumPoolSize(4);
    config.setPoolName("troupe-sqlite");
    config.setInitializationFailTimeout(1); // a local file: one try says it all
    return new SqlStore(open(config, file.toString()), Dialect.SQLITE, file.toString(), cluster);
  }

  /**
   * Opens the PostgreSQL store at {@code jdbcUrl} ({@code jdbc:postgresql://HOST:PORT/DB?user=U&
   * password=P}).
   */
  public static SqlStore postgresql(String jdbcUrl, String cluster) {
    String where = withoutCredentials(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.setMaximumPoolSize(8);
    config.setConnectionTimeout(10_000);
    config.setPoolName("troupe-postgresql");
    config.setInitializationFailTimeout(10_000);
    return new SqlStore(open(config, where), Dialect.POSTGRESQL, where, cluster);
  }

  private static HikariDataSource open(HikariConfig config, String where) {
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof SQLException sql) {
        throw StoreErrors.translate(sql, where);
      }
      throw new io.troupe.error.UnavailableException(
          "store " + where + " cannot be opened: " + cause.getMessage(), e);
    }
  }

  /** {@code jdbc:postgresql://host:port/db}, without its query (which may carry a password). */
  static String withoutCredentials(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  @Override
  public String describe() {
    return where;
  }

  /** The chain sinks' cursors, kept in this store. */
  public io.troupe.sink.Cursors sinkCursors() {
    return new SqlCursors(pool, where);
  }

  @Override
  public CompletableFuture<Void> append(ChainStore.Commit commit) {
    return writer.submit(commit);
  }

  @Override
  public Optional<StoredActor> fence(ActorId id, long epoch, String node) {
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE actors SET epoch = ?, node = ? WHERE id = ? AND epoch < ?")) {
      s.setLong(1, epoch);
      s.setString(2, node);
      s.setString(3, id.value());
      s.setLong(4, epoch);
      if (s.executeUpdate() == 0) {
        return Optional.empty();
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
    return load(id);
  }

  private static final String RECORD =
      "SELECT id, name, manifest, module_ref, module_sha256, parent, epoch, node, status, length,"
          + " head, state, checkpoint_seq FROM actors";

  @Override
  public Optional<StoredActor> load(ActorId id) {
    return read(id, true);
  }

  @Override
  public Optional<StoredActor> record(ActorId id) {
    return read(id, false);
  }

  @Override
  public Optional<Anchor> anchor(ActorId id) {
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT anchor_seq, anchor_hash FROM actors WHERE id = ?")) {
      s.setString(1, id.value());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next() || r.getLong(1) < 0) {
          return Optional.empty();
        }
        return Optional.of(new Anchor(r.getLong(1), EventHash.of(r.getBytes(2))));
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  private Optional<StoredActor> read(ActorId id, boolean withEvents) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(RECORD + " WHERE id = ?")) {
      s.setString(1, id.value());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        long from = Math.max(0, r.getLong(13)); // from its last checkpoint on, if it has one
        return Optional.of(
            stored(r, withEvents ? events(c, id, from, Integer.MAX_VALUE) : List.of()));
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  @Override
  public List<StoredActor> records() {
    List<StoredActor> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(RECORD + " ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(stored(r, List.of()));
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
    return out;
  }

  private static StoredActor stored(ResultSet r, List<ChainEvent> events) throws SQLException {
    String parent = r.getString(6);
    return new StoredActor(
        ActorId.of(r.getString(1)),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        parent == null ? Optional.empty() : Optional.of(ActorId.of(parent)),
        r.getLong(7),
        r.getString(8),
        ActorStatus.valueOf(r.getString(9).toUpperCase(Locale.ROOT)),
        r.getLong(10),
        EventHash.of(r.getBytes(11)),
        r.getBytes(12),
        events);
  }

  @Override
  public List<ActorId> live() {
    List<ActorId> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id FROM actors WHERE status IN ('starting', 'running', 'restarting')"
                    + " ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(ActorId.of(r.getString(1)));
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
    return out;
  }

  @Override
  public boolean remove(ActorId id) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        String status;
        try (PreparedStatement s = c.prepareStatement("SELECT status FROM actors WHERE id = ?")) {
          s.setString(1, id.value());
          try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
              c.rollback();
              return false;
            }
            status = r.getString(1);
          }
        }
        if (ActorStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT)).live()) {
          c.rollback();
          throw new ActorRunningException(
              "actor " + id + " is " + status + ": stop it before removing it");
        }
        for (String delete :
            new String[] {
              "DELETE FROM events WHERE actor = ?", "DELETE FROM sink_cursors WHERE actor = ?"
            }) {
          try (PreparedStatement s = c.prepareStatement(delete)) {
            s.setString(1, id.value());
            s.executeUpdate();
          }
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM actors WHERE id = ?")) {
          s.setString(1, id.value());
          s.executeUpdate();
        }
        c.commit();
        return true;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  @Override
  public List<ChainEvent> events(ActorId id, long fromSeq, int max) {
    try (Connection c = pool.getConnection()) {
      return events(c, id, fromSeq, max);
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  private static List<ChainEvent> events(Connection c, ActorId id, long fromSeq, int max)
      throws SQLException {
    List<ChainEvent> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT seq, parent, type, ts, data, hash FROM events WHERE actor = ? AND seq >= ?"
                + " ORDER BY seq LIMIT ?")) {
      s.setString(1, id.value());
      s.setLong(2, fromSeq);
      s.setInt(3, max);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new ChainEvent(
                  id.value(),
                  r.getLong(1),
                  EventHash.of(r.getBytes(2)),
                  r.getString(3),
                  r.getLong(4),
                  r.getBytes(5),
                  EventHash.of(r.getBytes(6))));
        }
      }
    }
    return out;
  }

  @Override
  public ModuleSource.Repository modules() {
    return content.modules();
  }

  @Override
  public ContentStore content() {
    return content;
  }

  @Override
  public void close() {
    writer.close();
    pool.close();
  }
}
