package io.troupe.actor;

import io.troupe.testing.Wat;

/**
 * WAT test guests: an ABI v1 prelude (arena allocator, helpers) plus the callbacks a test needs.
 * Data below offset 4096 is free for constants; the arena starts at 4096.
 */
final class Guests {
  static final String SEND = Callbacks.HANDLE_SEND;
  static final String REQUEST = Callbacks.HANDLE_REQUEST;

  private static final String PRELUDE =
      """
      (global $base i32 (i32.const 4096))
      (global $top (mut i32) (i32.const 4096))
      (global $live (mut i32) (i32.const 0))
      (func $alloc (export "troupe_alloc") (param $len i32) (result i32)
        (local $p i32) (local $end i32) (local $have i32)
        (local.set $p (i32.and (i32.add (global.get $top) (i32.const 7)) (i32.const -8)))
        (local.set $end (i32.add (local.get $p) (local.get $len)))
        (local.set $have (i32.shl (memory.size) (i32.const 16)))
        (if (i32.gt_u (local.get $end) (local.get $have))
          (then (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (local.get $have)) (i32.const 16)) (i32.const 1))) (i32.const -1))
            (then unreachable))))
        (global.set $top (local.get $end))
        (global.set $live (i32.add (global.get $live) (i32.const 1)))
        (local.get $p))
      (func $free (export "troupe_free") (param i32 i32)
        (global.set $live (i32.sub (global.get $live) (i32.const 1)))
        (if (i32.le_s (global.get $live) (i32.const 0))
          (then (global.set $live (i32.const 0)) (global.set $top (global.get $base)))))
      (data (i32.const 3000) "{\\"Ok\\":[null,")
      ;; {"Ok":[null, <raw>]} around len bytes at ptr: hands a host call's answer back to the test.
      (func $respond (param $ptr i32) (param $len i32) (result i64)
        (local $out i32)
        (local.set $out (call $alloc (i32.add (local.get $len) (i32.const 14))))
        (memory.copy (local.get $out) (i32.const 3000) (i32.const 12))
        (memory.copy (i32.add (local.get $out) (i32.const 12)) (local.get $ptr) (local.get $len))
        (i32.store16 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 12))) (i32.const 0x7d5d))
        (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
                (i64.extend_i32_u (i32.add (local.get $len) (i32.const 14)))))
      ;; Responds with the JSON a host call answered (packed ptr/len; 0 means {"Ok":null}).
      ;; The second element of a compact params tuple ["<id>", X]: packed ptr/len of X.
      (func $arg2 (param $p i32) (param $len i32) (result i64)
        (local $q i32)
        (local.set $q (i32.add (local.get $p) (i32.const 2)))
        (block $done (loop $next
          (br_if $done (i32.eq (i32.load8_u (local.get $q)) (i32.const 34)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $next)))
        (local.set $q (i32.add (local.get $q) (i32.const 2)))
        (i64.or (i64.shl (i64.extend_i32_u (local.get $q)) (i64.const 32))
                (i64.extend_i32_u (i32.sub (i32.sub (i32.add (local.get $p) (local.get $len)) (local.get $q)) (i32.const 1)))))
      ;; The only element of a params tuple [X].
      (func $arg1 (param $p i32) (param $len i32) (result i64)
        (i64.or (i64.shl (i64.extend_i32_u (i32.add (local.get $p) (i32.const 1))) (i64.const 32))
                (i64.extend_i32_u (i32.sub (local.get $len) (i32.const 2)))))
      (data (i32.const 3200) "{\\"Ok\\":[")
      ;; {"Ok":[<X>]} for packed X: X becomes the new state.
      (func $set_state (param $x i64) (result i64)
        (local $ptr i32) (local $len i32) (local $out i32)
        (local.set $ptr (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32))))
        (local.set $len (i32.wrap_i64 (local.get $x)))
        (local.set $out (call $alloc (i32.add (local.get $len) (i32.const 9))))
        (memory.copy (local.get $out) (i32.const 3200) (i32.const 7))
        (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $ptr) (local.get $len))
        (i32.store16 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7))) (i32.const 0x7d5d))
        (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
                (i64.extend_i32_u (i32.add (local.get $len) (i32.const 9)))))
      (data (i32.const 3100) "{\\"Ok\\":null}")
      (func $respond_packed (param $r i64) (result i64)
        (if (result i64) (i64.eqz (local.get $r))
          (then (call $respond (i32.const 3100) (i32.const 11)))
          (else (call $respond (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32))) (i32.wrap_i64 (local.get $r))))))
      """;

  private Guests() {}

  /** A module with {@code imports}, one page of memory (or {@code memory}) and {@code body}. */
  static byte[] module(String imports, String memory, String body) {
    return Wat.compile(
        "(module "
            + imports
            + " (memory (export \"memory\") "
            + memory
            + ")"
            + PRELUDE
            + body
            + ")");
  }

  static byte[] module(String body) {
    return module("", "1", body);
  }

  /** A callback {@code export} that always returns {@code json}, stored at {@code offset}. */
  static String constant(String export, int offset, String json) {
    String escaped = escape(json);
    long packed = ((long) offset << 32) | json.length();
    return "(data (i32.const "
        + offset
        + ") \""
        + escaped
        + "\")\n"
        + "(func (export \""
        + export
        + "\") (param i32 i32 i32 i32) (result i64) (i64.const "
        + packed
        + "))\n";
  }

  /**
   * A callback that calls host function {@code $fn} with the constant params and responds with its
   * answer.
   */
  static String callsHost(String export, String fn, int offset, String params) {
    String escaped = escape(params);
    return "(data (i32.const "
        + offset
        + ") \""
        + escaped
        + "\")\n"
        + "(func (export \""
        + export
        + "\") (param i32 i32 i32 i32) (result i64)\n"
        + "  (call $respond_packed (call "
        + fn
        + " (i32.const "
        + offset
        + ") (i32.const "
        + params.length()
        + "))))\n";
  }

  /**
   * A callback that calls host function {@code $fn} with one element of its own params tuple as the
   * host call's params, and responds with the answer: {@code whole} passes the tuple itself, {@code
   * "$arg1"} the only element of {@code [X]}, {@code "$arg2"} the second of {@code [id, X]}.
   */
  static String forwards(String export, String fn, String which) {
    String args =
        which.equals("whole")
            ? "(local.get 2) (local.get 3)"
            : "(i32.wrap_i64 (i64.shr_u (local.tee $a (call "
                + which
                + " (local.get 2) (local.get 3))) (i64.const 32))) (i32.wrap_i64 (local.get $a))";
    return "(func (export \""
        + export
        + "\") (param i32 i32 i32 i32) (result i64) (local $a i64)\n"
        + "  (call $respond_packed (call "
        + fn
        + " "
        + args
        + ")))\n";
  }

  /**
   * A callback whose new state is its params tuple ({@code "whole"}) or one element of it ({@code
   * "$arg1"}, {@code "$arg2"}); it traps when that value is the string {@code "crash"}.
   */
  static String setsState(String export, String which) {
    String x =
        which.equals("whole")
            ? "(i64.or (i64.shl (i64.extend_i32_u (local.get 2)) (i64.const 32)) (i64.extend_i32_u"
                + " (local.get 3)))"
            : "(call " + which + " (local.get 2) (local.get 3))";
    return "(func (export \""
        + export
        + "\") (param i32 i32 i32 i32) (result i64) (local $x i64)\n"
        + "  (local.set $x "
        + x
        + ")\n"
        + "  (if (i32.eq (i32.load8_u (i32.add (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const"
        + " 32))) (i32.const 1))) (i32.const 99)) (then unreachable))\n"
        + "  (call $set_state (local.get $x)))\n";
  }

  /** JSON text as a WAT string literal's contents. */
  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static String hostImport(String iface, String name, String fn) {
    return "(import \""
        + iface
        + "\" \""
        + name
        + "\" (func "
        + fn
        + " (param i32 i32) (result i64)))";
  }
}
