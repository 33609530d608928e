// The status page: reads status.json every two seconds and renders it. No framework, no build.
"use strict";

const EVERY_MS = 2000;

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function fill(tableId, items, render, empty) {
  const body = document.querySelector("#" + tableId + " tbody");
  const rows = items.map((item) => {
    const tr = document.createElement("tr");
    render(tr, item);
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = cell(tr, empty, "dim");
    td.colSpan = document.querySelectorAll("#" + tableId + " thead th").length;
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

function time(millis) {
  return new Date(millis).toLocaleTimeString();
}

function render(s) {
  document.getElementById("node").textContent = s.node;
  document.title = "Troupe " + s.node;
  const summary = document.getElementById("summary");
  summary.replaceChildren();
  summary.append("cluster " + s.cluster + " · " + s.members.length + " member(s) · " +
    s.partitions + " partitions · ");
  const quorum = document.createElement("span");
  quorum.className = s.quorum ? "ok" : "bad";
  quorum.textContent = s.quorum ? "quorum present" : "NO QUORUM: this side accepts no writes";
  summary.append(quorum);

  fill("members", s.members, (tr, m) => {
    if (m.local) tr.className = "local";
    cell(tr, m.name);
    cell(tr, m.grpc);
    cell(tr, m.hazelcast);
    cell(tr, m.partitions, "num");
    cell(tr, m.actors, "num");
    cell(tr, m.load ? m.load.depth + " / " + m.load.capacity : "no report", "num");
    cell(tr, m.load ? Math.round(m.load.cpu * 100) + " %" : "", "num");
  }, "no members");

  const count = document.getElementById("actor-count");
  count.textContent = s.actorsTotal < 0 ? "" :
    s.actors.length < s.actorsTotal ? "(first " + s.actors.length + " of " + s.actorsTotal + ")" :
    "(" + s.actorsTotal + ")";
  fill("actors", s.actors, (tr, a) => {
    cell(tr, a.id);
    cell(tr, a.name || "");
    cell(tr, a.home);
    cell(tr, a.epoch, "num");
    cell(tr, a.handedOff ? a.status + " (handed off)" : a.status,
      a.status === "failed" ? "bad" : "");
    cell(tr, a.chainLength, "num");
    const head = cell(tr, "");
    const code = document.createElement("code");
    code.textContent = a.head.substring(0, 16) + "…";
    code.title = a.head;
    head.appendChild(code);
  }, s.actorsError ? "cannot read the actors: " + s.actorsError : "no actors");

  fill("failovers", s.failovers, (tr, f) => {
    cell(tr, time(f.atMillis));
    cell(tr, f.actor);
    cell(tr, f.from);
    cell(tr, f.epoch, "num");
    cell(tr, f.reason);
    cell(tr, f.tookMillis + " ms", "num");
  }, "none since this node started");

  document.getElementById("updated").textContent = time(s.atMillis);
  document.body.dataset.rendered = "true";
}

function showError(message) {
  const error = document.getElementById("error");
  error.textContent = message;
  error.hidden = message === "";
}

async function refresh() {
  try {
    const response = await fetch("status.json", { cache: "no-store" });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    render(body);
    showError("");
  } catch (e) {
    showError("cannot read this node's status: " + e.message);
  } finally {
    setTimeout(refresh, EVERY_MS);
  }
}

refresh();
