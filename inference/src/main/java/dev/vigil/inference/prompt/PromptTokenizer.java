package dev.vigil.inference.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a prompt into lower-case words, numbers and quoted texts, after undoing contractions and
 * typographic quotes. Stateless and thread-safe.
 */
final class PromptTokenizer {

  /** A plain number, as a word of the prompt. */
  static final Pattern DECIMAL = Pattern.compile("\\d+(?:\\.\\d+)?");

  private static final Pattern TOKEN =
      Pattern.compile("\"([^\"]+)\"|%|[\\p{L}\\p{N}]+(?:[._-][\\p{L}\\p{N}]+)*");

  /** One token: a word, or the text between double quotes. */
  record Tok(String text, boolean quoted) {}

  private PromptTokenizer() {}

  static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    for (Tok t : tokenize(text)) {
      out.add(t.text());
    }
    return out;
  }

  static List<Tok> tokenize(String text) {
    String s = text.toLowerCase(Locale.ROOT);
    s = s.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u201c', '"');
    s = s.replace('\u201d', '"');
    s = s.replace("can't", "can not").replace("cannot", "can not").replace("won't", "will not");
    s = s.replaceAll("n't\\b", " not");
    s = s.replaceAll("'s\\b", "");
    // "85dB", "30s", "90%": a number glued to its unit.
    s = s.replaceAll("(\\d)([\\p{L}%])", "$1 $2");
    s = s.replaceAll("\\bdb\\s*\\(\\s*a\\s*\\)", "db").replaceAll("\\bdba\\b", "db");
    List<Tok> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      if (m.group(1) != null) {
        out.add(new Tok(m.group(1).trim(), true));
      } else {
        out.add(new Tok(m.group(), false));
      }
    }
    return out;
  }
}
