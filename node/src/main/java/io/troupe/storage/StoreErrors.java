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
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("SQLITE_NOTADB") || message.contains("SQLITE_CORRUPT")) {
      return new InvalidArgumentException(
          "store "
              + where
              + " is not a Troupe store or is damaged ("
              + sqliteReason(message)
              + ")");
    }
    if (message.contains("SQLITE_FULL") || state.equals("53100")) {
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
    return new UnavailableException(
        "store " + where + " failed (" + (state.isEmpty() ? "no SQL state" : state) + "); retry",
        e);
  }

  /** The part of an SQLite message that says what happened, without the driver's framing. */
  private static String sqliteReason(String message) {
    int open = message.indexOf('(');
    int close = message.indexOf(')', open + 1);
    return open >= 0 && close > open ? message.substring(open + 1, close) : "SQLite error";
  }
}
