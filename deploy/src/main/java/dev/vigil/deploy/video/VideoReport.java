package dev.vigil.deploy.video;

import dev.vigil.config.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of a {@code vigil eval --video} run: per clip, and pooled over clips. Immutable. */
public final class VideoReport {

  private final List<ClipResult> clips;
  private final List<TruthScore> scores;
  private final boolean withTruth;

  /**
   * @param truth the clips' truth, or null
   * @param fps the sampling rate the clips were run at
   */
  public VideoReport(List<ClipResult> clips, VideoTruth truth, double fps) {
    this.clips = List.copyOf(clips);
    this.withTruth = truth != null;
    List<TruthScore> s = new ArrayList<>();
    for (ClipResult c : clips) {
      s.add(truth == null ? null : TruthScore.of(c, truth.of(c.file()), fps));
    }
    this.scores = s;
  }

  /** One map per clip, keyed as the JSON output. */
  public List<Map<String, Object>> clipMaps() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < clips.size(); i++) {
      ClipResult c = clips.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", c.file());
      m.putAll(counts(c.total(), c.frames().size()));
      m.put("images_per_second", rate(c.frames().size(), c.perceptionSeconds()));
      if (withTruth) {
        m.putAll(truthMap(scores.get(i)));
      }
      if (c.error() != null) {
        m.put("error", c.error());
      }
      out.add(m);
    }
    return out;
  }

  /** The figures pooled over every clip, keyed as the JSON output. */
  public Map<String, Object> pooled() {
    FrameCount sum = new FrameCount(0, 0, 0, 0, 0, 0, 0);
    int frames = 0;
    double seconds = 0;
    TruthScore score = TruthScore.ZERO;
    boolean scored = false;
    for (int i = 0; i < clips.size(); i++) {
      ClipResult c = clips.get(i);
      FrameCount t = c.total();
      sum =
          new FrameCount(
              0,
              sum.people() + t.people(),
              sum.helmet() + t.helmet(),
              sum.noHelmet() + t.noHelmet(),
              sum.unknown() + t.unknown(),
              sum.heads16() + t.heads16(),
              sum.judged16() + t.judged16());
      frames += c.frames().size();
      seconds += c.perceptionSeconds();
      if (scores.get(i) != null) {
        score = score.plus(scores.get(i));
        scored = true;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>(counts(sum, frames));
    m.put("images_per_second", rate(frames, seconds));
    if (withTruth) {
      m.putAll(truthMap(scored ? score : null));
    }
    return m;
  }

  private static Map<String, Object> counts(FrameCount t, int frames) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("frames", frames);
    m.put("people", t.people());
    m.put("heads", t.heads());
    m.put("helmet", t.helmet());
    m.put("no_helmet", t.noHelmet());
    m.put("unknown", t.unknown());
    m.put("heads_16px", t.heads16());
    m.put("judged_16px", t.judged16());
    m.put(
        "helmet_share_of_judged", t.judged() > 0 ? round((double) t.helmet() / t.judged()) : null);
    m.put("judged_share_16px", t.heads16() > 0 ? round((double) t.judged16() / t.heads16()) : null);
    return m;
  }

  private static Map<String, Object> truthMap(TruthScore s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("false_helmet_rate", s == null ? null : round(s.falseHelmetRate()));
    m.put("helmet_recall", s == null ? null : round(s.helmetRecall()));
    m.put("count_mae_helmet", s == null ? null : round(s.countMaeHelmet()));
    m.put("count_mae_no_helmet", s == null ? null : round(s.countMaeNoHelmet()));
    return m;
  }

  private static Double rate(int frames, double seconds) {
    return seconds > 0 ? round(frames / seconds) : null;
  }

  private static Double round(Double v) {
    return v == null ? null : Math.round(v * 10_000) / 10_000.0;
  }

  /** One line of JSON: {@code {"clips":[...],"pooled":{...}}}. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clips", clipMaps());
    m.put("pooled", pooled());
    return Json.toString(m);
  }

  /** A table, one row per clip and one pooled row. */
  public String toText() {
    StringBuilder s = new StringBuilder();
    String head =
        "%-34s %6s %6s %6s %6s %6s %6s %7s %7s %7s" + (withTruth ? " %7s %7s %7s %7s" : "") + "%n";
    List<Object> titles =
        new ArrayList<>(
            List.of(
                "clip", "frames", "people", "heads", "helmet", "no_hel", "unkn", "head16", "judg16",
                "img/s"));
    if (withTruth) {
      titles.addAll(List.of("false_h", "recall", "mae_h", "mae_noh"));
    }
    s.append(String.format(Locale.ROOT, head, titles.toArray()));
    List<Map<String, Object>> rows = new ArrayList<>(clipMaps());
    Map<String, Object> pooled = new LinkedHashMap<>(pooled());
    pooled.put("file", "(pooled)");
    rows.add(pooled);
    for (Map<String, Object> r : rows) {
      List<Object> cells = new ArrayList<>();
      for (String k :
          List.of(
              "file",
              "frames",
              "people",
              "heads",
              "helmet",
              "no_helmet",
              "unknown",
              "heads_16px",
              "judged_16px",
              "images_per_second")) {
        cells.add(cell(r.get(k)));
      }
      if (withTruth) {
        for (String k :
            List.of(
                "false_helmet_rate", "helmet_recall", "count_mae_helmet", "count_mae_no_helmet")) {
          cells.add(cell(r.get(k)));
        }
      }
      s.append(String.format(Locale.ROOT, head, cells.toArray()));
      if (r.get("error") != null) {
        s.append("  error: ").append(r.get("error")).append(System.lineSeparator());
      }
    }
    return s.toString();
  }

  private static String cell(Object v) {
    if (v == null) {
      return "-";
    }
    return v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : v.toString();
  }
}
