package dev.vigil.deploy.video;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The helmet truth of video clips, read from a CSV file in one of two forms: {@code
 * file,helmet_share} (0 = nobody in the clip wears a hard hat, 1 = everyone does) or per-frame
 * counts {@code file,t_s,helmet,no_helmet}. The header line says which. Immutable.
 */
public final class VideoTruth {

  /** The per-frame truth of one clip at one moment. */
  public record FrameCounts(double seconds, int helmet, int noHelmet) {}

  /** The truth of one clip: a share, or per-frame counts (the other is null / empty). */
  public record Clip(Double helmetShare, List<FrameCounts> frames) {
    public Clip {
      frames = List.copyOf(frames);
    }
  }

  private static final String SHARE_HEADER = "file,helmet_share";
  private static final String COUNTS_HEADER = "file,t_s,helmet,no_helmet";

  private final Map<String, Clip> clips;

  private VideoTruth(Map<String, Clip> clips) {
    this.clips = Map.copyOf(clips);
  }

  /** The truth of a clip by its file name, or null when the file says nothing about it. */
  public Clip of(String fileName) {
    return clips.get(fileName);
  }

  /**
   * Reads a truth file. Every row must name a clip: one of {@code clipNames}, or a file beside the
   * truth file (so one truth file can serve a run over a single clip).
   *
   * @throws TruthFileException naming the file, the line and what was expected
   */
  public static VideoTruth read(Path file, Collection<String> clipNames) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TruthFileException(file + ": cannot read the truth file: " + e.getMessage());
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new TruthFileException(
          file + ":1: empty; expected the header " + SHARE_HEADER + " or " + COUNTS_HEADER);
    }
    String header = lines.get(0).replace("\uFEFF", "").replace(" ", "").trim();
    boolean share = header.equals(SHARE_HEADER);
    if (!share && !header.equals(COUNTS_HEADER)) {
      throw new TruthFileException(
          file
              + ":1: header '"
              + lines.get(0).trim()
              + "'; expected "
              + SHARE_HEADER
              + " or "
              + COUNTS_HEADER);
    }
    Path dir = file.toAbsolutePath().getParent();
    Map<String, Double> shares = new LinkedHashMap<>();
    Map<String, List<FrameCounts>> counts = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Row row = new Row(file, i + 1, line, share ? SHARE_HEADER : COUNTS_HEADER);
      String[] cells = row.cells(share ? 2 : 4);
      String name = cells[0];
      if (name.isEmpty()
          || !(clipNames.contains(name)
              || (dir != null && Files.isRegularFile(dir.resolve(name))))) {
        throw row.error(
            "'"
                + name
                + "' names no clip of this run and no file beside the truth file; expected a clip"
                + " file name such as "
                + (clipNames.isEmpty() ? "clip.mp4" : clipNames.iterator().next()));
      }
      if (share) {
        double s = row.number(cells[1], "helmet_share", 0, 1);
        if (shares.put(name, s) != null) {
          throw row.error("'" + name + "' has a helmet_share already; expected one row per clip");
        }
      } else {
        double t = row.number(cells[1], "t_s", 0, Double.MAX_VALUE);
        int helmet = row.count(cells[2], "helmet");
        int noHelmet = row.count(cells[3], "no_helmet");
        counts
            .computeIfAbsent(name, k -> new ArrayList<>())
            .add(new FrameCounts(t, helmet, noHelmet));
      }
    }
    Map<String, Clip> clips = new LinkedHashMap<>();
    shares.forEach((name, s) -> clips.put(name, new Clip(s, List.of())));
    counts.forEach((name, f) -> clips.put(name, new Clip(null, f)));
    return new VideoTruth(clips);
  }

  /** One data line, for parsing and for errors that name it. */
  private record Row(Path file, int line, String text, String header) {
    String[] cells(int n) {
      String[] cells = text.split(",", -1);
      if (cells.length != n) {
        throw error(cells.length + " values; expected " + n + " (" + header + ")");
      }
      for (int i = 0; i < n; i++) {
        cells[i] = cells[i].trim();
      }
      return cells;
    }

    double number(String cell, String column, double min, double max) {
      double v;
      try {
        v = Double.parseDouble(cell);
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!(v >= min && v <= max)) {
        throw error(
            column
                + " '"
                + cell
                + "' is not a number "
                + (max == Double.MAX_VALUE
                    ? "of at least " + fmt(min)
                    : "from " + fmt(min) + " to " + fmt(max))
                + " ("
                + header
                + ")");
      }
      return v;
    }

    int count(String cell, String column) {
      double v = number(cell, column, 0, Double.MAX_VALUE);
      if (v != Math.rint(v)) {
        throw error(column + " '" + cell + "' is not a whole number of heads (" + header + ")");
      }
      return (int) v;
    }

    TruthFileException error(String what) {
      return new TruthFileException(file + ":" + line + ": " + what);
    }

    private static String fmt(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
  }

  /**
   * A truth file that cannot be used; the message names the file, the line and what was expected.
   */
  public static final class TruthFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TruthFileException(String message) {
      super(message);
    }
  }
}
