package io.troupe.storage;

import io.troupe.error.InvalidArgumentException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's schema, as plain versioned DDL: version {@code n} is the list of statements at index
 * {@code n - 1}, applied in one transaction that also records the version in {@code troupe_meta}.
 * (Two databases and a handful of tables did not need a migration framework: this is the whole of
 * it, and it refuses a store written by a newer Troupe instead of guessing.) The first node to open
 * a store names its cluster in it; a node of another cluster is refused.
 */
final class Schema {
  private static final List<List<String>> VERSIONS =
      List.of(
          List.of(
              """
              CREATE TABLE actors (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                manifest TEXT NOT NULL,
                module_ref TEXT NOT NULL,
                module_sha256 TEXT NOT NULL,
                parent TEXT,
                epoch BIGINT NOT NULL,
                node TEXT NOT NULL,
                status TEXT NOT NULL,
                length BIGINT NOT NULL,
                head $BYTES NOT NULL,
                state $BYTES,
                checkpoint_seq BIGINT NOT NULL DEFAULT -1)""",
              """
              CREATE TABLE events (
                actor TEXT NOT NULL,
                seq BIGINT NOT NULL,
                parent $BYTES NOT NULL,
                type TEXT NOT NULL,
                ts BIGINT NOT NULL,
                data $BYTES NOT NULL,
                hash $BYTES NOT NULL,
                PRIMARY KEY (actor, seq))""",
              "CREATE INDEX actors_by_status ON actors (status)",
              "CREATE TABLE modules (ref TEXT PRIMARY KEY, bytes $BYTES NOT NULL)",
              "CREATE TABLE blobs (ref TEXT PRIMARY KEY, bytes $BYTES NOT NULL)",
              """
              CREATE TABLE labels (
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                ref TEXT NOT NULL,
                PRIMARY KEY (namespace, name))"""),
          // 2: retention (an actor's [chain] keep_events), and the anchor of a pruned chain
          List.of(
              "ALTER TABLE actors ADD COLUMN keep_events BIGINT",
              "ALTER TABLE actors ADD COLUMN anchor_seq BIGINT NOT NULL DEFAULT -1",
              "ALTER TABLE actors ADD COLUMN anchor_hash $BYTES"),
          // 3: how far each chain sink that cannot record it itself (OTLP) delivered each actor
          List.of(
              """
              CREATE TABLE sink_cursors (
                sink TEXT NOT NULL,
                actor TEXT NOT NULL,
                next_seq BIGINT NOT NULL,
                last_hash $BYTES NOT NULL,
                PRIMARY KEY (sink, actor))"""));

  /** The newest schema this version of Troupe knows. */
  static final int VERSION = VERSIONS.size();

  private Schema() {}

  /**
   * Brings the store up to {@link #VERSION} and checks that it belongs to {@code cluster} (naming
   * it in the store when it is new).
   *
   * @throws InvalidArgumentException naming the store when it was written by a newer Troupe or
   *     belongs to another cluster
   */
  static void migrate(Connection c, Dialect dialect, String cluster, String where)
      throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      if (dialect == Dialect.POSTGRESQL) {
        // nodes that start together must not migrate at once
        s.execute("SELECT pg_advisory_xact_lock(7406318)");
      }
      s.execute(
          "CREATE TABLE IF NOT EXISTS troupe_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      int version = Integer.parseInt(meta(c, "schema_version", "0"));
      if (version > VERSION) {
        throw new InvalidArgumentException(
            "store "
                + where
                + " was written by a newer Troupe (schema version "
                + version
                + "; this one knows up to "
                + VERSION
                + ")");
      }
      for (int v = version + 1; v <= VERSION; v++) {
        for (String ddl : VERSIONS.get(v - 1)) {
          s.execute(ddl.replace("$BYTES", dialect.bytes));
        }
        put(c, "schema_version", Integer.toString(v));
      }
      String owner = meta(c, "cluster", null);
      if (owner == null) {
        put(c, "cluster", cluster);
      } else if (!owner.equals(cluster)) {
        throw new InvalidArgumentException(
            "store "
                + where
                + " belongs to cluster '"
                + owner
                + "', not '"
                + cluster
                + "': give this node its own data dir or store");
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static String meta(Connection c, String key, String fallback) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT value FROM troupe_meta WHERE key = ?")) {
      q.setString(1, key);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? r.getString(1) : fallback;
      }
    }
  }

  private static void put(Connection c, String key, String value) throws SQLException {
    try (PreparedStatement u =
        c.prepareStatement(
            "INSERT INTO troupe_meta (key, value) VALUES (?, ?) "
                + "ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
      u.setString(1, key);
      u.setString(2, value);
      u.executeUpdate();
    }
  }
}
