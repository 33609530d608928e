package io.troupe.storage;

/** The two databases Troupe keeps actors in, and the little they differ in. */
enum Dialect {
  /** The embedded default: one file, one node. */
  SQLITE("BLOB"),
  /** Shared by the nodes of a cluster. */
  POSTGRESQL("BYTEA");

  /** The type of a column of bytes. */
  final String bytes;

  Dialect(String bytes) {
    this.bytes = bytes;
  }
}
