package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Entry;
import dev.vigil.inference.prompt.Lexicon.Kind;
import dev.vigil.inference.prompt.PromptTokenizer.Tok;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the zone in a prompt's tokens ("in zone NAME", "in the NAME zone") before the lexicon reads
 * the rest, so a zone's name may be any word. Stateless and thread-safe.
 */
final class ZoneExtractor {

  private static final Set<String> ZONE_WORDS = Set.of("zone", "area", "region", "sector");
  private static final Set<String> ZONE_PLURALS = Set.of("zones", "areas", "regions", "sectors");
  private static final Set<String> ZONE_PREPS =
      Set.of("in", "inside", "within", "at", "into", "entering", "enters", "enter", "of", "the");

  /** An item of the token sequence after zone extraction: a word, a quoted text or a zone. */
  record Item(String text, boolean quoted, String zone) {}

  private ZoneExtractor() {}

  static List<Item> extractZones(List<Tok> toks) {
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
    if (t.quoted() || PromptTokenizer.DECIMAL.matcher(t.text()).matches()) {
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
}
