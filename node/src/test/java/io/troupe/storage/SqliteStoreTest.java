package io.troupe.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.error.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real SQLite file, and what only a file can get wrong. */
class SqliteStoreTest extends StoreContract {
  @TempDir Path dir;

  @Override
  SqlStore open(String cluster) {
    return SqlStore.sqlite(dir, cluster);
  }

  @Test
  void aFileOfANewerTroupeOrNotAStoreAtAllIsRefusedByName() throws Exception {
    store().close();
    open.clear();
    Path file = dir.resolve("troupe.db");
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
        var s = c.createStatement()) {
      s.executeUpdate("UPDATE troupe_meta SET value = '99' WHERE key = 'schema_version'");
    }
    assertThatThrownBy(() -> SqlStore.sqlite(dir, "test-cluster"))
        .hasMessageContaining("store " + file.toAbsolutePath())
        .hasMessageContaining("was written by a newer Troupe (schema version 99");

    Path junk = dir.resolve("junk");
    Files.createDirectories(junk);
    Files.writeString(
        junk.resolve("troupe.db"), "this is not a database, just some text ".repeat(200));
    assertThatThrownBy(() -> SqlStore.sqlite(junk, "test-cluster"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("store " + junk.resolve("troupe.db").toAbsolutePath())
        .hasMessageContaining("is not a Troupe store or is damaged");
  }
}
