;; hasher: heavy work that leaves the actor's turn and its node (guest ABI v1, docs/abi.md).
;;
;; handle-send [[TEXT, ROUNDS]] starts compute.sha256([TEXT, ROUNDS]), which returns an op id at
;; once; the dispatcher runs it on the least-loaded node of the cluster. The digest arrives in
;; troupe:actor/async-client.handle-result [OP_ID, {"Ok": "<hex>"} | {"Err": ...}] and the pair is
;; appended to the state, a list of results. handle-request answers with that list.
(module
  (import "troupe:actor/compute" "sha256" (func $sha256 (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  ;; ---- shared prelude (copied into each example; WAT has no includes) ----
  ;; Constants live below 1024; the arena starts at 4096 and resets when every buffer is freed.
  (data (i32.const 16) "{\"Ok\":[")   ;; 7
  (data (i32.const 32) "null")        ;; 4
  (data (i32.const 40) "]}")          ;; 2
  (global $base i32 (i32.const 4096))
  (global $top (mut i32) (i32.const 4096))
  (global $live (mut i32) (i32.const 0))
  (func $alloc (export "troupe_alloc") (param $len i32) (result i32)
    (local $p i32) (local $end i32) (local $have i32)
    (local.set $p (i32.and (i32.add (global.get $top) (i32.const 7)) (i32.const -8)))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (local.get $have)) (i32.const 16)) (i32.const 1)))
              (i32.const -1))
          (then unreachable))))
    (global.set $top (local.get $end))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (local.get $p))
  (func $free (export "troupe_free") (param $ptr i32) (param $len i32)
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (if (i32.le_s (global.get $live) (i32.const 0))
      (then (global.set $live (i32.const 0)) (global.set $top (global.get $base)))))

  ;; packed (ptr << 32 | len) values
  (func $pack (param $p i32) (param $n i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $n))))
  (func $ptr (param $x i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32))))
  (func $len (param $x i64) (result i32) (i32.wrap_i64 (local.get $x)))

  ;; a writer: begin with a capacity, append bytes, end with the packed buffer
  (global $wbase (mut i32) (i32.const 0))
  (global $wpos (mut i32) (i32.const 0))
  (func $w_begin (param $cap i32)
    (global.set $wbase (call $alloc (local.get $cap)))
    (global.set $wpos (global.get $wbase)))
  (func $w (param $p i32) (param $n i32)
    (memory.copy (global.get $wpos) (local.get $p) (local.get $n))
    (global.set $wpos (i32.add (global.get $wpos) (local.get $n))))
  (func $wb (param $c i32)
    (i32.store8 (global.get $wpos) (local.get $c))
    (global.set $wpos (i32.add (global.get $wpos) (i32.const 1))))
  (func $w_end (result i64)
    (call $pack (global.get $wbase) (i32.sub (global.get $wpos) (global.get $wbase))))

  ;; host answers: 0 is {"Ok":null}; {"Ok":V} has 'O' at byte 2
  (func $is_ok (param $x i64) (result i32)
    (if (result i32) (i64.eqz (local.get $x))
      (then (i32.const 1))
      (else (i32.eq (i32.load8_u (i32.add (call $ptr (local.get $x)) (i32.const 2))) (i32.const 79)))))
  ;; V of {"Ok":V} (a slice of the answer), or "null"
  (func $ok_value (param $x i64) (result i64)
    (if (result i64) (i64.eqz (local.get $x))
      (then (call $pack (i32.const 32) (i32.const 4)))
      (else (call $pack (i32.add (call $ptr (local.get $x)) (i32.const 6)) (i32.sub (call $len (local.get $x)) (i32.const 7))))))
  (func $release (param $x i64)
    (if (i64.ne (local.get $x) (i64.const 0))
      (then (call $free (call $ptr (local.get $x)) (call $len (local.get $x))))))

  ;; bytes the state takes when written (none is written as null)
  (func $state_len (param $sl i32) (result i32)
    (select (i32.const 4) (local.get $sl) (i32.lt_s (local.get $sl) (i32.const 0))))
  ;; writes the state (or null for none)
  (func $w_state (param $sp i32) (param $sl i32)
    (if (i32.lt_s (local.get $sl) (i32.const 0))
      (then (call $w (i32.const 32) (i32.const 4)))
      (else (call $w (local.get $sp) (local.get $sl)))))
  ;; {"Ok":[state]}: the state unchanged
  (func $ok_state (param $sp i32) (param $sl i32) (result i64)
    (call $w_begin (i32.add (call $state_len (local.get $sl)) (i32.const 16)))
    (call $w (i32.const 16) (i32.const 7))
    (call $w_state (local.get $sp) (local.get $sl))
    (call $w (i32.const 40) (i32.const 2))
    (call $w_end))

  ;; p at an opening quote of a string without escapes (an id): the position after its closing quote
  (func $string_end (param $p i32) (result i32)
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (block $done (loop $next
      (br_if $done (i32.eq (i32.load8_u (local.get $p)) (i32.const 34)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (i32.add (local.get $p) (i32.const 1)))
  ;; params ["<id>", X] (compact JSON): X
  (func $arg2 (param $p i32) (param $n i32) (result i64)
    (local $q i32)
    (local.set $q (i32.add (call $string_end (i32.add (local.get $p) (i32.const 1))) (i32.const 1)))
    (call $pack (local.get $q) (i32.sub (i32.sub (i32.add (local.get $p) (local.get $n)) (local.get $q)) (i32.const 1))))
  ;; params [X]: X
  (func $arg1 (param $p i32) (param $n i32) (result i64)
    (call $pack (i32.add (local.get $p) (i32.const 1)) (i32.sub (local.get $n) (i32.const 2))))
  ;; ---- end of prelude ----
  (func (export "troupe:actor/message-server-client.handle-send")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    (local $answer i64) (local $msg i64)
    ;; the message [TEXT, ROUNDS] is exactly sha256's tuple
    (local.set $msg (call $arg1 (local.get $pp) (local.get $pl)))
    (local.set $answer (call $sha256 (call $ptr (local.get $msg)) (call $len (local.get $msg))))
    (if (i32.eqz (call $is_ok (local.get $answer)))
      (then (return (local.get $answer))))
    (call $release (local.get $answer))
    (call $ok_state (local.get $sp) (local.get $sl)))

  (func (export "troupe:actor/async-client.handle-result")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    ;; the new state is the old list (none or [] when empty) with the params [OP_ID, RESULT] appended
    (call $w_begin (i32.add (i32.add (call $state_len (local.get $sl)) (local.get $pl)) (i32.const 16)))
    (call $w (i32.const 16) (i32.const 7))
    (if (i32.le_s (local.get $sl) (i32.const 2))
      (then (call $wb (i32.const 91)))
      (else
        (call $w (local.get $sp) (i32.sub (local.get $sl) (i32.const 1)))
        (call $wb (i32.const 44))))
    (call $w (local.get $pp) (local.get $pl))
    (call $wb (i32.const 93))
    (call $w (i32.const 40) (i32.const 2))
    (call $w_end))

  (func (export "troupe:actor/message-server-client.handle-request")
        (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i64)
    (call $w_begin (i32.add (i32.mul (call $state_len (local.get $sl)) (i32.const 2)) (i32.const 24)))
    (call $w (i32.const 16) (i32.const 7))
    (call $w_state (local.get $sp) (local.get $sl))
    (call $wb (i32.const 44))
    (call $w_state (local.get $sp) (local.get $sl))
    (call $w (i32.const 40) (i32.const 2))
    (call $w_end))
)
