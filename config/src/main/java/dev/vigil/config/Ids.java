package dev.vigil.config;

import java.util.regex.Pattern;

/**
 * The one rule for camera ids and site names: {@code [A-Za-z0-9._-]{1,64}}. Both become Kafka keys,
 * MQTT topic levels ({@code +}, {@code #} and {@code /} would break them) and client ids, so every
 * place they enter (site.yaml, record keys and headers, the CLI) checks them here.
 */
public final class Ids {
  /** What a valid id looks like, for error messages. */
  public static final String RULE = "1 to 64 of A-Z a-z 0-9 . _ -";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private Ids() {}

  /** True when {@code id} is a valid camera id or site name. */
  public static boolean valid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * Returns {@code id} when valid.
   *
   * @param what what the id names, for the message ("camera id", "site")
   * @throws IllegalArgumentException naming the id and the rule
   */
  public static String require(String what, String id) {
    if (!valid(id)) {
      throw new IllegalArgumentException(what + " " + show(id) + " is invalid: use " + RULE);
    }
    return id;
  }

  /** The id quoted for a message, cut short and with control characters escaped. */
  public static String show(String id) {
    if (id == null) {
      return "(none)";
    }
    String cut = id.length() > 80 ? id.substring(0, 80) + "..." : id;
    StringBuilder b = new StringBuilder("\"");
    for (char c : cut.toCharArray()) {
      b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.append('"').toString();
  }
}
