package io.troupe.storage;

import io.troupe.error.InvalidArgumentException;
import io.troupe.error.TroupeException;
import io.troupe.error.UnavailableException;
import java.sql.SQLException;

/**
 * Where a database's failures enter Troupe's error hierarchy, in Troupe's words: what cannot be
 * written right now is UNAVAILABLE (nothing is acknowledged; callers retry), a file that is not a
 * store is named as such.
 */
final class StoreErrors {
  private StoreErrors() {}

  static TroupeException translate(SQLException e, String where) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = messages(e);
    if (message.contains("SQLITE_NOTADB") || message.contains("SQLITE_CORRUPT")) {
      return new InvalidArgumentException(
          "store "
              + where
              + " is not a Troupe store or is damaged ("
              + sqliteReason(message)
              + ")");
    }
    if (message.contains("SQLITE_FULL")
        || state.equals("53100")
        || message.contains("No space left on device")) {
      return new UnavailableException(
          "store " + where + " is full (no space left on its disk); nothing was acknowledged", e);
    }
    if (message.contains("SQLITE_READONLY") || message.contains("SQLITE_CANTOPEN")) {
      return new UnavailableException(
          "store " + where + " cannot be written (" + sqliteReason(message) + ")", e);
    }
    if (state.startsWith("08") || state.startsWith("57P") || message.contains("Connection")) {
      return new UnavailableException("store " + where + " cannot be reached; retry", e);
    }
    if (message.contains("SQLITE_IOERR")) {
      return new UnavailableException(
          "store " + where + " cannot be written (disk I/O error); nothing was acknowledged", e);
    }
    return new UnavailableException(
        "store " + where + " failed (" + (state.isEmpty() ? "no SQL state" : state) + "); retry",
        e);
  }

  /**
   * The messages of {@code e}, its causes and what it suppressed: a failed write's own error may
   * sit under the one its rollback raised.
   */
  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(java.util.List.of(e));
    while (!todo.isEmpty()) {
      Throwable t = todo.pop();
      if (!seen.add(t)) {
        continue;
      }
      all.append(t.getMessage()).append('\n');
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      todo.addAll(java.util.List.of(t.getSuppressed()));
      if (t instanceof SQLException sql && sql.getNextException() != null) {
        todo.add(sql.getNextException());
      }
    }
    return all.toString();
  }

  /** The part of an SQLite message that says what happened, without the driver's framing. */
  private static String sqliteReason(String message) {
    int open = message.indexOf('(');
    int close = message.indexOf(')', open + 1);
    return open >= 0 && close > open ? message.substring(open + 1, close) : "SQLite error";
  }
}
