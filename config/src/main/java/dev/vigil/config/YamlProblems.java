package dev.vigil.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The problems one parse of a site.yaml finds, each as {@code <file>:<line>:<column>: <path>:
 * <what>. <fix>}, thrown together in file order. Not thread-safe: one per parse.
 */
final class YamlProblems {
  /** YAML-style decimals only: Double.parseDouble would also take "2f", "0x1p3" and "NaN". */
  static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

  private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

  private record Problem(int line, int column, String message) {}

  private final String fileName;
  private final List<Problem> problems = new ArrayList<>();

  YamlProblems(String fileName) {
    this.fileName = fileName;
  }

  void error(Node at, String path, String what, String fix) {
    addAt(at == null ? null : at.getStartMark().orElse(null), path, what, fix);
  }

  void addAt(Mark mark, String path, String what, String fix) {
    int line = mark == null ? 1 : mark.getLine() + 1;
    int column = mark == null ? 1 : mark.getColumn() + 1;
    String where = fileName + ":" + line + ":" + column + ": ";
    String message =
        where + (path.isEmpty() ? "" : path + ": ") + what + "." + (fix.isEmpty() ? "" : " " + fix);
    problems.add(new Problem(line, column, message));
  }

  /** How many problems were found so far. */
  int count() {
    return problems.size();
  }

  /** Takes the problems found since there were {@code count} out of this parse. */
  List<String> takeSince(int count) {
    List<Problem> found = problems.subList(count, problems.size());
    List<String> messages = found.stream().map(Problem::message).toList();
    found.clear();
    return messages;
  }

  SiteConfigException failure() {
    // Stable sort: problems found at one position keep the order they were found in.
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return new SiteConfigException(sorted.stream().map(Problem::message).toList());
  }

  static int line(Node n) {
    return n.getStartMark().map(m -> m.getLine() + 1).orElse(1);
  }

  /** True for YAML's null: nothing, {@code ~} or {@code null}. */
  static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.isPlain() && NULLS.contains(s.getValue());
  }

  /** The node as a message shows what was found. */
  static String describe(Node n) {
    if (n instanceof SequenceNode s) {
      int size = s.getValue().size();
      return "a list of " + size + (size == 1 ? " value" : " values");
    }
    if (n instanceof MappingNode) {
      return "a map";
    }
    return show(((ScalarNode) n).getValue());
  }

  /** Numbers as they are, anything else in quotes. */
  static String show(String text) {
    return NUMBER.matcher(text.trim()).matches() ? text.trim() : "\"" + text + "\"";
  }
}
