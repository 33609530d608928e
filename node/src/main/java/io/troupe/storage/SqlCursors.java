package io.troupe.storage;

import io.troupe.actor.ActorId;
import io.troupe.chain.EventHash;
import io.troupe.sink.Cursors;
import io.troupe.sink.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The chain sinks' cursors in the durable store ({@code sink_cursors}): each write its own
 * transaction, on disk before it returns; shared by the nodes of a cluster.
 */
final class SqlCursors implements Cursors {
  private final DataSource pool;
  private final String where;

  SqlCursors(DataSource pool, String where) {
    this.pool = pool;
    this.where = where;
  }

  @Override
  public Optional<Position> get(String sink, ActorId id) {
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT next_seq, last_hash FROM sink_cursors WHERE sink = ? AND actor = ?")) {
      s.setString(1, sink);
      s.setString(2, id.value());
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? Optional.of(new Position(r.getLong(1), EventHash.of(r.getBytes(2)), ""))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  @Override
  public void put(String sink, ActorId id, Position at) {
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO sink_cursors (sink, actor, next_seq, last_hash) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (sink, actor) DO UPDATE SET next_seq = excluded.next_seq,"
                    + " last_hash = excluded.last_hash"
                    + " WHERE sink_cursors.next_seq < excluded.next_seq")) {
      s.setString(1, sink);
      s.setString(2, id.value());
      s.setLong(3, at.next());
      s.setBytes(4, at.last().toBytes());
      s.executeUpdate();
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  @Override
  public void remove(String sink, ActorId id) {
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM sink_cursors WHERE sink = ? AND actor = ?")) {
      s.setString(1, sink);
      s.setString(2, id.value());
      s.executeUpdate();
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }
}
