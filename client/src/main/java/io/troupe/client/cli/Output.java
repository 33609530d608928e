package io.troupe.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a command prints rows: {@code json}, one JSON object per line (for scripts), or {@code
 * table}, aligned columns under a header (for people).
 */
enum Output {
  json,
  table;

  /** Prints {@code rows}, all with the same fields, in this format. */
  void print(PrintWriter out, List<ObjectNode> rows) {
    if (this == json) {
      rows.forEach(out::println);
      return;
    }
    if (rows.isEmpty()) {
      return;
    }
    List<String> columns = new ArrayList<>();
    rows.get(0).fieldNames().forEachRemaining(columns::add);
    List<List<String>> cells = new ArrayList<>();
    cells.add(columns.stream().map(c -> c.replace('_', ' ').toUpperCase(Locale.ROOT)).toList());
    for (ObjectNode r : rows) {
      List<String> line = new ArrayList<>();
      for (String c : columns) {
        JsonNode v = r.path(c);
        line.add(
            v.isMissingNode() || v.isNull() ? "-" : v.isValueNode() ? v.asText() : v.toString());
      }
      cells.add(line);
    }
    int[] width = new int[columns.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    for (List<String> line : cells) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        String cell = line.get(i);
        b.append(cell);
        if (i < width.length - 1) {
          b.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      out.println(b);
    }
  }
}
