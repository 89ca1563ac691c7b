package dev.vigil.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Hides credentials in text meant for people: logs, errors, the dashboard and the API. Stateless.
 */
public final class Secrets {
  /** {@code scheme://user:password@}: the password part of any URL in a text. */
  private static final Pattern URL_PASSWORD =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@\"']*):[^/\\s@\"']*@");

  private Secrets() {}

  /**
   * {@code text} with the password of every URL in it masked: {@code rtsp://user:pw@host} becomes
   * {@code rtsp://user:***@host}. Null stays null.
   */
  public static String redact(String text) {
    return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1:***@");
  }

  /**
   * {@code properties} with the value of every property whose name holds {@code password}, {@code
   * jaas} or ends in {@code .key} (as in {@code ssl.keystore.key}) shown as {@code ***}, sorted by
   * name.
   */
  public static Map<String, String> maskProperties(Map<String, String> properties) {
    Map<String, String> shown = new TreeMap<>();
    properties.forEach(
        (k, v) -> {
          String name = k.toLowerCase(Locale.ROOT);
          boolean secret =
              name.contains("password") || name.contains("jaas") || name.endsWith(".key");
          shown.put(k, secret ? "***" : v);
        });
    return shown;
  }
}
