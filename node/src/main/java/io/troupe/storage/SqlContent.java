package io.troupe.storage;

import io.troupe.actor.ModuleSource;
import io.troupe.chain.Sha256;
import io.troupe.error.InvalidArgumentException;
import io.troupe.store.ContentStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Blobs and labels of the {@code store} handler, and uploaded modules, in the durable store: each
 * write is its own transaction, on disk before it returns.
 */
final class SqlContent implements ContentStore {
  private final DataSource pool;
  private final String where;

  SqlContent(DataSource pool, String where) {
    this.pool = pool;
    this.where = where;
  }

  @Override
  public String put(byte[] bytes) {
    String ref = "sha256:" + Sha256.hex(bytes);
    putBytes("blobs", ref, bytes);
    return ref;
  }

  @Override
  public Optional<byte[]> get(String ref) {
    return bytes("blobs", ref);
  }

  @Override
  public boolean exists(String ref) {
    return query("SELECT 1 FROM blobs WHERE ref = ?", ref).isPresent();
  }

  @Override
  public void label(String namespace, String name, String ref) {
    if (!exists(ref)) {
      throw new InvalidArgumentException("no blob " + ref + " to label '" + name + "'");
    }
    update(
        "INSERT INTO labels (namespace, name, ref) VALUES (?, ?, ?)"
            + " ON CONFLICT (namespace, name) DO UPDATE SET ref = excluded.ref",
        namespace,
        name,
        ref);
  }

  @Override
  public Optional<String> byLabel(String namespace, String name) {
    return query("SELECT ref FROM labels WHERE namespace = ? AND name = ?", namespace, name);
  }

  @Override
  public boolean removeLabel(String namespace, String name) {
    return update("DELETE FROM labels WHERE namespace = ? AND name = ?", namespace, name) > 0;
  }

  @Override
  public List<String> labels(String namespace) {
    List<String> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT name FROM labels WHERE namespace = ? ORDER BY name")) {
      s.setString(1, namespace);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
    return out;
  }

  /** Uploaded modules, by content. */
  ModuleSource.Repository modules() {
    return new ModuleSource.Repository() {
      @Override
      public void put(String ref, byte[] bytes) {
        putBytes("modules", ref, bytes);
      }

      @Override
      public Optional<byte[]> get(String ref) {
        return bytes("modules", ref);
      }
    };
  }

  private void putBytes(String table, String ref, byte[] bytes) {
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + table
                    + " (ref, bytes) VALUES (?, ?) ON CONFLICT (ref) DO NOTHING")) {
      s.setString(1, ref);
      s.setBytes(2, bytes);
      s.executeUpdate();
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  private Optional<byte[]> bytes(String table, String ref) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT bytes FROM " + table + " WHERE ref = ?")) {
      s.setString(1, ref);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  private Optional<String> query(String sql, String... args) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }

  private int update(String sql, String... args) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      return s.executeUpdate();
    } catch (SQLException e) {
      throw StoreErrors.translate(e, where);
    }
  }
}
