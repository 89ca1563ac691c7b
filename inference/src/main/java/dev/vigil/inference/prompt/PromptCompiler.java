package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Entry;
import dev.vigil.inference.prompt.Lexicon.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles a standing prompt written in plain English into a {@link CompiledPrompt}, or refuses it.
 *
 * <p>The compiler tokenizes the text, extracts the zone ("in zone NAME", "in the NAME zone"), reads
 * the rest as phrases of a small lexicon and fills slots: measure, helmet filter, zone, comparison
 * and threshold, duration and sound condition. Word order does not matter, every word must be
 * understood, and a slot filled twice with different values is refused as ambiguous. The result
 * depends only on the text. Stateless and thread-safe.
 */
public final class PromptCompiler {

  /** What the language understands, appended to refusals so the author can fix the prompt. */
  public static final String UNDERSTOOD =
      "I understand people (people, persons, workers, anyone, anybody, employees, ...), helmets"
          + " (helmet, hard hat, hardhat, safety helmet), zones (\"in zone NAME\"), sounds (alarm,"
          + " noise above N dB, impact) and durations (\"for 10 seconds\")";

  private static final Pattern TOKEN =
      Pattern.compile("\"([^\"]+)\"|%|[\\p{L}\\p{N}]+(?:[._-][\\p{L}\\p{N}]+)*");
  private static final Pattern DECIMAL = Pattern.compile("\\d+(?:\\.\\d+)?");
  private static final Set<String> ZONE_WORDS = Set.of("zone", "area", "region", "sector");
  private static final Set<String> ZONE_PLURALS = Set.of("zones", "areas", "regions", "sectors");
  private static final Set<String> ZONE_PREPS =
      Set.of("in", "inside", "within", "at", "into", "entering", "enters", "enter", "of", "the");

  private PromptCompiler() {}

  /**
   * Compiles one prompt.
   *
   * @throws PromptRejectedException when any word cannot be used, the prompt asks nothing, or it is
   *     ambiguous; the message names the phrase and says what is understood
   */
  public static CompiledPrompt compile(String text) {
    if (text == null || text.isBlank()) {
      throw new PromptRejectedException(
          null,
          "the prompt is empty: ask a question such as \"how many people are not wearing a helmet"
              + " in zone assembly?\"; "
              + UNDERSTOOD);
    }
    return new Parser(lex(text)).parse();
  }

  // ---------------------------------------------------------------- tokens and zones

  private record Tok(String text, boolean quoted) {}

  static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    for (Tok t : tokenize(text)) {
      out.add(t.text());
    }
    return out;
  }

  private static List<Tok> tokenize(String text) {
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

  /** An item of the token sequence after zone extraction: a word, a quoted text or a zone. */
  private record Item(String text, boolean quoted, String zone) {}

  private static List<Item> extractZones(List<Tok> toks) {
    int n = toks.size();
    boolean[] used = new boolean[n];
    String[] zoneAt = new String[n];
    for (int i = 0; i < n; i++) {
      Tok t = toks.get(i);
      if (t.quoted() || used[i]) {
        continue;
      }
      if (ZONE_PLURALS.contains(t.text())) {
        throw new PromptRejectedException(
            t.text(),
            "cannot use \""
                + t.text()
                + "\": a prompt can name only one zone, as in \"in zone assembly\"");
      }
      if (!ZONE_WORDS.contains(t.text())) {
        continue;
      }
      boolean forwardOk = i + 1 < n && !used[i + 1] && nameable(toks.get(i + 1), true);
      boolean afterPrep = i == 0 || ZONE_PREPS.contains(toks.get(i - 1).text());
      int start = i;
      String name;
      if (afterPrep && forwardOk) {
        name = toks.get(i + 1).text();
        used[i + 1] = true;
      } else {
        // "in the loading dock zone": up to three unknown words before the zone word.
        List<String> words = new ArrayList<>();
        int j = i - 1;
        while (j >= 0 && words.size() < 3 && !used[j] && nameable(toks.get(j), false)) {
          words.add(0, toks.get(j).text());
          j--;
        }
        if (!words.isEmpty()) {
          name = String.join("_", words);
          start = j + 1;
          for (int k = start; k < i; k++) {
            used[k] = true;
          }
        } else if (forwardOk) {
          name = toks.get(i + 1).text();
          used[i + 1] = true;
        } else {
          throw new PromptRejectedException(
              t.text(),
              "cannot use \""
                  + t.text()
                  + "\" without a name: write \"in zone NAME\", e.g. \"in"
                  + " zone assembly\"");
        }
      }
      used[i] = true;
      // The preposition and article before the zone belong to it.
      int k = start - 1;
      if (k >= 0 && !used[k] && toks.get(k).text().equals("the")) {
        used[k--] = true;
      }
      if (k >= 0 && !used[k] && ZONE_PREPS.contains(toks.get(k).text())) {
        used[k] = true;
      }
      zoneAt[i] = CompiledPrompt.normaliseZone(name);
    }
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (zoneAt[i] != null) {
        items.add(new Item(toks.get(i).text(), false, zoneAt[i]));
      } else if (!used[i]) {
        Tok t = toks.get(i);
        if (!t.quoted() && t.text().contains("-") && !Lexicon.PHRASES.containsKey(t.text())) {
          // "hard-hat" reads as "hard hat"; only zone names keep their hyphens.
          for (String part : t.text().split("-")) {
            items.add(new Item(part, false, null));
          }
        } else {
          items.add(new Item(t.text(), t.quoted(), null));
        }
      }
    }
    return items;
  }

  private static boolean nameable(Tok t, boolean forward) {
    if (t.quoted() || DECIMAL.matcher(t.text()).matches()) {
      return true;
    }
    if (ZONE_WORDS.contains(t.text()) || ZONE_PLURALS.contains(t.text())) {
      return false;
    }
    if (forward) {
      Entry e = Lexicon.PHRASES.get(t.text());
      // "zone a", "zone one": short names that happen to be words.
      if (t.text().length() == 1 || (e != null && e.kind() == Kind.NUMBER)) {
        return true;
      }
    }
    return !Lexicon.WORDS.contains(t.text());
  }

  // ---------------------------------------------------------------- lexing

  /** One phrase of the prompt with its meaning; {@code used} once a slot has taken it. */
  static final class Lex {
    final Kind kind;
    final String text;
    final double value;
    final Comparison op;
    boolean used;

    Lex(Kind kind, String text, double value, Comparison op) {
      this.kind = kind;
      this.text = text;
      this.value = value;
      this.op = op;
    }

    @Override
    public String toString() {
      return kind + "(" + text + ")";
    }
  }

  static List<Lex> lex(String text) {
    List<Item> items = extractZones(tokenize(text));
    List<Lex> out = new ArrayList<>();
    int i = 0;
    while (i < items.size()) {
      Item it = items.get(i);
      if (it.zone() != null) {
        out.add(new Lex(Kind.ZONE, it.zone(), Double.NaN, null));
        i++;
        continue;
      }
      if (it.quoted()) {
        out.add(new Lex(Kind.UNKNOWN, it.text(), Double.NaN, null));
        i++;
        continue;
      }
      if (DECIMAL.matcher(it.text()).matches()) {
        out.add(new Lex(Kind.NUMBER, it.text(), Double.parseDouble(it.text()), null));
        i++;
        continue;
      }
      int best = 0;
      Entry bestEntry = null;
      StringBuilder phrase = new StringBuilder();
      for (int len = 1; len <= Lexicon.MAX_PHRASE && i + len <= items.size(); len++) {
        Item w = items.get(i + len - 1);
        if (w.zone() != null || w.quoted()) {
          break;
        }
        if (len > 1) {
          phrase.append(' ');
        }
        phrase.append(w.text());
        Entry e = Lexicon.PHRASES.get(phrase.toString());
        if (e != null) {
          best = len;
          bestEntry = e;
        }
      }
      if (bestEntry == null) {
        out.add(new Lex(Kind.UNKNOWN, it.text(), Double.NaN, null));
        i++;
        continue;
      }
      StringBuilder words = new StringBuilder(it.text());
      for (int k = 1; k < best; k++) {
        words.append(' ').append(items.get(i + k).text());
      }
      out.add(new Lex(bestEntry.kind(), words.toString(), bestEntry.value(), bestEntry.op()));
      i += best;
    }
    return mergeCompoundNumbers(out);
  }

  /** "twenty five" is 25. */
  private static List<Lex> mergeCompoundNumbers(List<Lex> in) {
    List<Lex> out = new ArrayList<>();
    for (Lex l : in) {
      Lex prev = out.isEmpty() ? null : out.get(out.size() - 1);
      if (prev != null
          && prev.kind == Kind.NUMBER
          && l.kind == Kind.NUMBER
          && prev.value >= 20
          && prev.value < 100
          && prev.value % 10 == 0
          && l.value >= 1
          && l.value <= 9
          && l.value == Math.rint(l.value)) {
        out.set(
            out.size() - 1,
            new Lex(Kind.NUMBER, prev.text + " " + l.text, prev.value + l.value, null));
      } else {
        out.add(l);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- slot filling

  private static final class Parser {
    private final List<Lex> lx;
    private Double forSeconds;
    private Comparison countOp;
    private Double countValue;
    private String countText;
    private Comparison shareOp;
    private Double shareValue;
    private boolean shareCue;
    private Comparison noiseOp;
    private Double noiseDb;
    private Boolean helmet;
    private String zone;
    private boolean alarm;
    private boolean impact;

    Parser(List<Lex> lx) {
      this.lx = lx;
    }

    CompiledPrompt parse() {
      for (Lex l : lx) {
        if (l.kind == Kind.UNKNOWN) {
          throw reject(l.text, "cannot use \"" + l.text + "\": " + UNDERSTOOD);
        }
      }
      zones();
      durations();
      noise();
      shares();
      counts();
      helmets();
      sounds();
      leftovers();
      return resolve();
    }

    private static PromptRejectedException reject(String phrase, String message) {
      return new PromptRejectedException(phrase, message);
    }

    private Lex at(int i) {
      return i >= 0 && i < lx.size() ? lx.get(i) : null;
    }

    private boolean is(int i, Kind kind) {
      Lex l = at(i);
      return l != null && !l.used && l.kind == kind;
    }

    private boolean any(Kind kind) {
      return lx.stream().anyMatch(l -> l.kind == kind);
    }

    private boolean anyUnused(Kind kind) {
      return lx.stream().anyMatch(l -> l.kind == kind && !l.used);
    }

    private void zones() {
      for (Lex l : lx) {
        if (l.kind != Kind.ZONE) {
          continue;
        }
        if (zone != null && !zone.equals(l.text)) {
          throw reject(
              l.text,
              "ambiguous: the prompt names two zones, \""
                  + zone
                  + "\" and \""
                  + l.text
                  + "\"; a prompt can watch one zone");
        }
        zone = l.text;
        l.used = true;
      }
    }

    private void durations() {
      for (int i = 0; i < lx.size(); i++) {
        Lex unit = lx.get(i);
        if (unit.kind != Kind.TIME_UNIT || unit.used) {
          continue;
        }
        int j = i - 1;
        double v;
        if (is(j, Kind.NUMBER)) {
          v = at(j).value;
        } else if (is(j, Kind.ARTICLE)) {
          v = 1;
          if (is(j - 1, Kind.HALF)) {
            v = 0.5;
            at(j).used = true;
            j--;
          }
        } else if (is(j, Kind.HALF)) {
          v = 0.5;
        } else {
          throw reject(
              unit.text,
              "cannot use \"" + unit.text + "\" without a number: write \"for 10 seconds\"");
        }
        unit.used = true;
        at(j).used = true;
        int k = j - 1;
        if (is(k, Kind.CMP)) {
          Comparison op = at(k).op;
          if (op == Comparison.LT || op == Comparison.LE) {
            throw reject(
                at(k).text + " " + at(j).text + " " + unit.text,
                "cannot use \""
                    + at(k).text
                    + "\" with a duration: an alert waits until the condition has held for a"
                    + " time, as in \"for 10 seconds\"");
          }
          at(k).used = true;
          k--;
        }
        if (at(k) != null && at(k).text.equals("for")) {
          at(k).used = true;
        }
        if (is(i + 1, Kind.CMP_POST)) {
          at(i + 1).used = true;
        }
        double seconds = v * unit.value;
        if (forSeconds != null && forSeconds != seconds) {
          throw reject(
              unit.text,
              "ambiguous: the prompt gives two durations, "
                  + CompiledPrompt.number(forSeconds)
                  + " s and "
                  + CompiledPrompt.number(seconds)
                  + " s");
        }
        forSeconds = seconds;
      }
    }

    private void noise() {
      for (int i = 0; i < lx.size(); i++) {
        Lex db = lx.get(i);
        if (db.kind != Kind.DB || db.used) {
          continue;
        }
        if (!is(i - 1, Kind.NUMBER)) {
          throw reject(
              db.text,
              "cannot use \"" + db.text + "\" without a number: write \"noise above 85 dB\"");
        }
        db.used = true;
        Lex number = at(i - 1);
        number.used = true;
        Comparison op = Comparison.GT;
        if (is(i - 2, Kind.CMP)) {
          op = at(i - 2).op;
          at(i - 2).used = true;
        } else if (is(i + 1, Kind.CMP_POST)) {
          op = at(i + 1).op;
          at(i + 1).used = true;
        }
        setNoise(op, number.value, db.text);
      }
      // "noise above 85" with the unit left out.
      for (int i = 0; i < lx.size(); i++) {
        if (lx.get(i).kind != Kind.NOISE) {
          continue;
        }
        int k = i + 1;
        while (is(k, Kind.FILLER) || is(k, Kind.BE)) {
          k++;
        }
        if (is(k, Kind.CMP) && is(k + 1, Kind.NUMBER)) {
          at(k).used = true;
          at(k + 1).used = true;
          setNoise(at(k).op, at(k + 1).value, at(k + 1).text);
        }
      }
      for (Lex l : lx) {
        if (l.kind == Kind.NOISE) {
          if (noiseDb == null) {
            throw reject(
                l.text,
                "cannot use \"" + l.text + "\" without a level: write \"noise above 85 dB\"");
          }
          l.used = true;
        }
      }
    }

    private void setNoise(Comparison op, double db, String text) {
      if (noiseDb != null && (noiseOp != op || noiseDb != db)) {
        throw reject(text, "ambiguous: the prompt gives two noise thresholds");
      }
      noiseOp = op;
      noiseDb = db;
    }

    private void shares() {
      for (int i = 0; i < lx.size(); i++) {
        Lex l = lx.get(i);
        if (l.used) {
          continue;
        }
        if (l.kind == Kind.PERCENT) {
          l.used = true;
          shareCue = true;
          if (!is(i - 1, Kind.NUMBER)) {
            continue; // "what percent of workers ...": a question, not a threshold
          }
          Lex number = at(i - 1);
          number.used = true;
          Comparison op = Comparison.GE;
          if (is(i - 2, Kind.CMP)) {
            op = at(i - 2).op;
            at(i - 2).used = true;
          } else if (is(i + 1, Kind.CMP_POST)) {
            op = at(i + 1).op;
            at(i + 1).used = true;
          }
          setShare(op, number.value / 100, number.text + "%");
        } else if (l.kind == Kind.HALF) {
          l.used = true;
          shareCue = true;
          Comparison op = Comparison.GE;
          if (is(i - 1, Kind.CMP)) {
            op = at(i - 1).op;
            at(i - 1).used = true;
          }
          setShare(op, 0.5, l.text);
        }
      }
    }

    private void setShare(Comparison op, double v, String text) {
      if (shareValue != null && (shareOp != op || shareValue != v)) {
        throw reject(text, "ambiguous: the prompt gives two thresholds");
      }
      if (v > 1) {
        throw reject(text, "cannot use \"" + text + "\": a share is at most 100%");
      }
      shareOp = op;
      shareValue = v;
    }

    private void counts() {
      for (int i = 0; i < lx.size(); i++) {
        Lex l = lx.get(i);
        if (l.used) {
          continue;
        }
        if (l.kind == Kind.NEG && l.text.equals("no") && is(i + 1, Kind.SUBJECT)) {
          // "no workers" is nobody, not a missing helmet.
          l.used = true;
          setCount(Comparison.EQ, 0, "no " + at(i + 1).text);
        } else if (l.kind == Kind.CMP) {
          int k = i + 1;
          while (is(k, Kind.ARTICLE)) {
            k++;
          }
          if (!is(k, Kind.NUMBER)) {
            throw reject(
                l.text,
                "cannot use \""
                    + l.text
                    + "\" without a number: write e.g. \""
                    + l.text
                    + " 4 people\"");
          }
          l.used = true;
          at(k).used = true;
          setCount(l.op, at(k).value, l.text + " " + at(k).text);
        } else if (l.kind == Kind.NUMBER) {
          l.used = true;
          if (is(i + 1, Kind.CMP_POST)) {
            at(i + 1).used = true;
            setCount(at(i + 1).op, l.value, l.text + " " + at(i + 1).text);
          } else {
            // "alert if 3 people are in zone dock" means three or more; "0 people" means none.
            setCount(l.value == 0 ? Comparison.EQ : Comparison.GE, l.value, l.text);
          }
        } else if (l.kind == Kind.NONE) {
          l.used = true;
          setCount(Comparison.EQ, 0, l.text);
        } else if (l.kind == Kind.CMP_POST) {
          throw reject(l.text, "cannot use \"" + l.text + "\" without a number before it");
        }
      }
    }

    private void setCount(Comparison op, double v, String text) {
      if (countValue != null && (countOp != op || countValue != v)) {
        throw reject(
            text,
            "ambiguous: the prompt gives two thresholds, \""
                + countText
                + "\" and \""
                + text
                + "\"; keep one");
      }
      countOp = op;
      countValue = v;
      countText = text;
    }

    private void helmets() {
      for (int i = 0; i < lx.size(); i++) {
        Lex l = lx.get(i);
        if (l.kind == Kind.BAREHEADED) {
          l.used = true;
          setHelmet(false, l.text);
        } else if (l.kind == Kind.HELMETED) {
          l.used = true;
          setHelmet(true, l.text);
        } else if (l.kind == Kind.HELMET) {
          l.used = true;
          setHelmet(helmetPolarity(i), l.text);
        }
      }
    }

    private static final Set<Kind> WINDOW =
        Set.of(Kind.FILLER, Kind.BE, Kind.NEG, Kind.POS, Kind.ARTICLE, Kind.EXISTS, Kind.CONJ);

    /** Reads the words before a helmet ("not wearing a") and after it ("is off"). */
    private boolean helmetPolarity(int i) {
      int start = i;
      while (start - 1 >= 0 && !at(start - 1).used && WINDOW.contains(at(start - 1).kind)) {
        start--;
      }
      // Split the window at connectives: "with and without a helmet" has two clauses.
      Boolean polarity = null;
      String clause = null;
      int negs = 0;
      boolean marked = false;
      StringBuilder words = new StringBuilder();
      for (int k = start; k <= i; k++) {
        Lex w = at(k);
        boolean end = k == i || w.kind == Kind.CONJ;
        if (w.kind == Kind.NEG) {
          negs++;
          marked = true;
          w.used = true;
        } else if (w.kind == Kind.POS) {
          marked = true;
          w.used = true;
        } else if (w.kind == Kind.EXISTS) {
          w.used = true; // "without any helmet"
        }
        if (w.kind != Kind.CONJ) {
          words.append(words.length() == 0 ? "" : " ").append(w.text);
        }
        if (end) {
          if (marked) {
            boolean p = negs % 2 == 0;
            if (polarity != null && polarity != p) {
              throw reject(
                  clause + " / " + words,
                  "ambiguous: \""
                      + clause
                      + "\" and \""
                      + words
                      + "\" ask for people both with and without a helmet; ask about one");
            }
            polarity = p;
            clause = words.toString();
          }
          negs = 0;
          marked = false;
          words.setLength(0);
        }
      }
      boolean p = polarity == null || polarity;
      int k = i + 1;
      while (is(k, Kind.FILLER) || is(k, Kind.BE)) {
        k++;
      }
      if (is(k, Kind.POSTNEG) || (is(k, Kind.NEG) && at(k).text.equals("missing"))) {
        at(k).used = true;
        p = !p;
      } else if (is(k, Kind.NEG) && at(k).text.equals("not") && is(k + 1, Kind.POS)) {
        at(k).used = true;
        at(k + 1).used = true;
        p = !p;
      }
      return p;
    }

    private void setHelmet(boolean p, String text) {
      if (helmet != null && helmet != p) {
        throw reject(
            text,
            "ambiguous: the prompt asks for people both with and without a "
                + text
                + "; ask about one");
      }
      helmet = p;
    }

    private void sounds() {
      for (Lex l : lx) {
        if (l.kind == Kind.ALARM) {
          alarm = true;
          l.used = true;
        } else if (l.kind == Kind.IMPACT) {
          impact = true;
          l.used = true;
        }
      }
    }

    private void leftovers() {
      for (int i = 0; i < lx.size(); i++) {
        Lex l = lx.get(i);
        if (l.used) {
          continue;
        }
        if (l.kind == Kind.NEG || l.kind == Kind.POSTNEG) {
          throw reject(
              l.text,
              "cannot use \""
                  + l.text
                  + "\" here: only a helmet can be negated, as in \"without a helmet\"");
        }
        if (l.kind == Kind.UNIVERSAL && !any(Kind.FRACTION) && !shareCue) {
          throw reject(
              l.text,
              "cannot use \""
                  + l.text
                  + "\": ask about the people who break the rule (\"is anyone without a"
                  + " helmet?\") or for a share (\"what fraction of workers wear helmets?\")");
        }
      }
    }

    private CompiledPrompt resolve() {
      boolean share = shareCue || any(Kind.FRACTION);
      boolean howMany = any(Kind.HOW_MANY);
      boolean same = any(Kind.SAME_PERSON);
      boolean subject =
          any(Kind.SUBJECT) || any(Kind.SUBJECT_ANY) || any(Kind.NONE) || howMany || same;
      boolean filter = helmet != null || zone != null;
      boolean people = subject || filter || countValue != null || share;
      SoundCondition sound =
          new SoundCondition(alarm, noiseOp, noiseDb == null ? Double.NaN : noiseDb, impact);
      double forS = forSeconds == null ? 0 : forSeconds;
      if (!people) {
        if (!sound.isPresent()) {
          throw reject(null, "the prompt asks nothing I can check: " + UNDERSTOOD);
        }
        return new CompiledPrompt(Measure.EXISTS, false, null, null, Comparison.EQ, 1, forS, sound);
      }
      if (same && (share || countValue != null || howMany || any(Kind.NONE))) {
        throw reject(
            "same",
            "\"the same person\" asks whether one person breaks the rule, as in \"is the same"
                + " person without a helmet for 10 seconds?\"; it cannot be counted or shared");
      }
      if (share) {
        if (helmet == null && zone == null) {
          throw reject(
              null,
              "a share needs a helmet or zone filter, as in \"what fraction of workers wear"
                  + " helmets?\" or \"what share of people are in zone press?\"");
        }
        Comparison op;
        double threshold;
        if (shareValue != null && countValue != null) {
          throw reject(
              countText,
              "ambiguous: the prompt gives two thresholds, \"" + countText + "\" and a share");
        } else if (shareValue != null) {
          op = shareOp;
          threshold = shareValue;
        } else if (countValue != null) {
          op = countOp;
          // "fraction below 0.9" is a share; "fraction below 90" is a percentage.
          threshold = countValue > 1 ? countValue / 100 : countValue;
          if (threshold > 1) {
            throw reject(countText, "cannot use \"" + countText + "\": a share is at most 100%");
          }
        } else if (Boolean.TRUE.equals(helmet)) {
          // "What fraction wear helmets?": alert while not everyone does.
          op = Comparison.LT;
          threshold = 1;
        } else {
          op = Comparison.GT;
          threshold = 0;
        }
        return new CompiledPrompt(Measure.FRACTION, true, helmet, zone, op, threshold, forS, sound);
      }
      if (countValue != null || howMany) {
        Comparison op = countValue == null ? Comparison.GT : countOp;
        double threshold = countValue == null ? 0 : countValue;
        return new CompiledPrompt(Measure.COUNT, true, helmet, zone, op, threshold, forS, sound);
      }
      boolean cue =
          same
              || any(Kind.SUBJECT_ANY)
              || anyUnused(Kind.EXISTS)
              || any(Kind.ALERT)
              || any(Kind.BE)
              || filter
              || sound.isPresent();
      if (!cue) {
        String word =
            lx.stream()
                .filter(l -> l.kind == Kind.SUBJECT)
                .map(l -> l.text)
                .findFirst()
                .orElse(null);
        throw reject(
            word,
            "\""
                + Objects.requireNonNullElse(word, "")
                + "\" asks nothing I can check: ask how many, whether anyone, or what fraction,"
                + " e.g. \"how many people are in zone dock?\"; "
                + UNDERSTOOD);
      }
      return new CompiledPrompt(
          Measure.EXISTS, true, helmet, zone, Comparison.EQ, 1, forS, sound, same);
    }
  }
}
