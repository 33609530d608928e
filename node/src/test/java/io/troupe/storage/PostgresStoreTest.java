package io.troupe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.actor.ActorId;
import io.troupe.error.UnavailableException;
import io.troupe.testing.PostgresServer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server (a database per test), and losing the server. */
class PostgresStoreTest extends StoreContract {
  static PostgresServer pg;
  static final AtomicInteger dbs = new AtomicInteger();
  String url;

  @BeforeAll
  static void server() {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void database() {
    url = pg.createDatabase("t" + dbs.incrementAndGet());
  }

  @Override
  SqlStore open(String cluster) {
    return SqlStore.postgresql(url, cluster);
  }

  @Test
  void aLostServerFailsWritesAsUnavailableAndTheStoreCarriesOnWhenItReturns() throws Exception {
    SqlStore s = store();
    Writer a = new Writer("a");
    s.append(a.next(1, "0")).get(10, TimeUnit.SECONDS);
    pg.crash();
    try {
      assertThatThrownBy(() -> s.append(a.next(1, "1")).get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(UnavailableException.class)
          .hasMessageContaining("store jdbc:postgresql://127.0.0.1:" + pg.port());
    } finally {
      pg.restart();
    }
    // the refused turn was never acknowledged; the next commit follows the store's head
    Writer heir = new Writer("a");
    s.load(ActorId.of("a"))
        .orElseThrow()
        .events()
        .forEach(e -> heir.chain.append(e.type(), e.timestamp(), e.data()));
    s.append(heir.next(1, "1")).get(30, TimeUnit.SECONDS);
    assertThat(s.load(ActorId.of("a")).orElseThrow().length()).isEqualTo(2);
  }
}
