package dev.vigil.deploy.drill;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compares the events a run delivered with those the reference run delivered. Stateless. */
final class Matching {
  private static final long MATCH_TOLERANCE_MS = 300;

  /**
   * The longest for-duration of the drill's prompts: episodes starting this soon after the dropped
   * camera returns depend on where the drop cut them, so they are not compared.
   */
  private static final long LONGEST_FOR_MS = 10_000;

  private Matching() {}

  /**
   * An episode event identified across runs: camera role, prompt, state, start offset; and the
   * offset at which the event was due (the record's event time), which the matching ignores.
   */
  record Key(String role, String prompt, String state, long offsetMs, long dueOffsetMs) {}

  /**
   * Figures of a run against the reference, matching episodes in order per camera, prompt, state.
   */
  record Match(int lost, int unexpected, int shifted) {}

  /**
   * The i-th expected event of a camera role, prompt and state is matched with the i-th delivered
   * one (episodes in order of their start). Lost: expected events with no counterpart; unexpected:
   * delivered events beyond the expected count; shifted: matched pairs whose episode start differs
   * from the reference by more than the tolerance (the alert came, with another start and so
   * another id).
   */
  static Match match(List<Key> expected, Map<String, Key> delivered) {
    Map<String, List<Long>> want = new HashMap<>();
    Map<String, List<Long>> got = new HashMap<>();
    for (Key k : expected) {
      want.computeIfAbsent(group(k), x -> new ArrayList<>()).add(k.offsetMs());
    }
    for (Key k : delivered.values()) {
      got.computeIfAbsent(group(k), x -> new ArrayList<>()).add(k.offsetMs());
    }
    int lost = 0;
    int unexpected = 0;
    int shifted = 0;
    Set<String> groups = new HashSet<>(want.keySet());
    groups.addAll(got.keySet());
    for (String g : groups) {
      List<Long> w = new ArrayList<>(want.getOrDefault(g, List.of()));
      List<Long> d = new ArrayList<>(got.getOrDefault(g, List.of()));
      w.sort(null);
      d.sort(null);
      int n = Math.min(w.size(), d.size());
      lost += w.size() - n;
      unexpected += d.size() - n;
      for (int i = 0; i < n; i++) {
        if (Math.abs(w.get(i) - d.get(i)) > MATCH_TOLERANCE_MS) {
          shifted++;
        }
      }
    }
    return new Match(lost, unexpected, shifted);
  }

  /**
   * The reference events a camera-drop run must deliver: the dropped camera owes every episode that
   * opened before the drop (its open and its resolve, by frames or camera_offline) and every
   * episode that starts well after it came back; the episodes in between depend on where the drop
   * cut them.
   *
   * @param dropSpan first and last observation of the dropped camera
   * @param back its first frame after the network came back, or null
   */
  static List<Key> owedAfterDrop(List<Key> reference, CameraDrop drop, long[] dropSpan, Long back) {
    long cut = drop.cutMs() - dropSpan[0];
    long comparable = back == null ? Long.MAX_VALUE : back - dropSpan[0] + LONGEST_FOR_MS + 2_000;
    Set<String> openedBefore = new HashSet<>();
    for (Key k : reference) {
      if (k.role().equals(DrillRunner.DROP_ROLE)
          && k.state().equals("open")
          && k.dueOffsetMs() < cut) {
        openedBefore.add(k.prompt() + "@" + k.offsetMs());
      }
    }
    return reference.stream()
        .filter(
            k ->
                !k.role().equals(DrillRunner.DROP_ROLE)
                    || openedBefore.contains(k.prompt() + "@" + k.offsetMs())
                    || k.offsetMs() > comparable)
        .toList();
  }

  private static String group(Key k) {
    return k.role() + "/" + k.prompt() + "/" + k.state();
  }
}
