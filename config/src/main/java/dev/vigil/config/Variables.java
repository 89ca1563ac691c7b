package dev.vigil.config;

import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in site.yaml values; the default applies when
 * the variable is unset or empty, and <code>$${</code> writes a literal <code>${</code>.
 */
final class Variables {
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> env;
  private final YamlProblems problems;

  Variables(Map<String, String> env, YamlProblems problems) {
    this.env = env;
    this.problems = problems;
  }

  /** {@code raw} with its variables expanded; null after reporting a problem. */
  String substitute(String raw, Node node, String path) {
    StringBuilder out = new StringBuilder(raw.length());
    int i = 0;
    while (i < raw.length()) {
      if (raw.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (raw.startsWith("${", i)) {
        int end = raw.indexOf('}', i + 2);
        if (end < 0) {
          problems.error(
              node,
              path,
              "unclosed ${ in " + YamlProblems.show(raw),
              "Close it with }, or write $${ for a literal ${.");
          return null;
        }
        String value = value(raw.substring(i + 2, end), node, path);
        if (value == null) {
          return null;
        }
        out.append(value);
        i = end + 1;
      } else {
        out.append(raw.charAt(i++));
      }
    }
    return out.toString();
  }

  /** The value of {@code NAME} or {@code NAME:-default}; null after reporting a problem. */
  private String value(String inner, Node node, String path) {
    int sep = inner.indexOf(":-");
    String name = sep < 0 ? inner : inner.substring(0, sep);
    String def = sep < 0 ? null : inner.substring(sep + 2);
    if (!NAME.matcher(name).matches()) {
      problems.error(
          node,
          path,
          "bad variable name " + YamlProblems.show(name) + " in ${" + inner + "}",
          "Use letters, digits and '_', as in ${NAME} or ${NAME:-default}.");
      return null;
    }
    String value = env.get(name);
    if (value != null && !(def != null && value.isEmpty())) {
      return value;
    }
    if (def == null) {
      problems.error(
          node,
          path,
          "environment variable " + name + " is not set",
          "Export it before starting Vigil (export "
              + name
              + "=...), or give a default: ${"
              + name
              + ":-value}.");
    }
    return def;
  }
}
