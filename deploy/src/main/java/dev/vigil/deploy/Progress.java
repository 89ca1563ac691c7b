package dev.vigil.deploy;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * How far a long command has got, on stderr. On a terminal ({@link System#console()} is there) it
 * is one line redrawn in place: a bar, done of total, percent and the time left. Otherwise it is
 * plain lines, one per tenth of the work, so logs and CI output stay readable. The time left is the
 * mean time per unit so far times the units left.
 *
 * <p>Not thread-safe: the thread doing the work calls it. Owns nothing to close; {@link #finish}
 * ends the line on a terminal.
 */
public final class Progress {
  private static final int BAR = 30;
  private static final long REDRAW_NANOS = 200_000_000L;

  private final String label;
  private final String unit;
  private final long total;
  private final PrintStream err;
  private final boolean terminal;
  private final LongSupplier nanos;
  private final long started;
  private long done;
  private long lastDraw;
  private long lastTenth;
  private int drawnWidth;
  private boolean finished;

  /**
   * Progress of {@code total} units of work on {@link System#err}.
   *
   * @param label what is running, such as {@code eval}
   * @param unit the unit's name, plural, such as {@code images}
   */
  public static Progress start(String label, long total, String unit) {
    return new Progress(label, total, unit, System.err, System.console() != null, System::nanoTime);
  }

  Progress(
      String label,
      long total,
      String unit,
      PrintStream err,
      boolean terminal,
      LongSupplier nanos) {
    if (total < 0) {
      throw new IllegalArgumentException("total must not be negative, not " + total);
    }
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.err = err;
    this.terminal = terminal;
    this.nanos = nanos;
    this.started = nanos.getAsLong();
    this.lastDraw = started - REDRAW_NANOS; // the first update draws
  }

  /** Records that {@code done} units (of the total) are finished. */
  public void update(long done) {
    if (finished) {
      return;
    }
    this.done = Math.max(0, Math.min(total, done));
    long now = nanos.getAsLong();
    if (terminal) {
      if (this.done == total || now - lastDraw >= REDRAW_NANOS) {
        draw(now);
      }
      return;
    }
    long tenth = total == 0 ? 10 : this.done * 10 / total;
    if (tenth > lastTenth) {
      lastTenth = tenth;
      err.println(plainLine(now));
    }
  }

  /**
   * Prints {@code line} to {@code out} without tearing the bar: on a terminal the bar is cleared
   * first and drawn again after.
   */
  public void above(PrintStream out, String line) {
    if (terminal && drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = 0;
    }
    out.println(line);
    out.flush();
    if (terminal && !finished) {
      draw(nanos.getAsLong());
    }
  }

  /**
   * Ends the progress: on a terminal, the bar's line is ended so later output starts afresh, and
   * nothing is drawn again.
   */
  public void finish() {
    finished = true;
    if (terminal && drawnWidth > 0) {
      err.println();
      drawnWidth = 0;
    }
  }

  private void draw(long now) {
    lastDraw = now;
    String line = barLine(now);
    String pad = line.length() < drawnWidth ? " ".repeat(drawnWidth - line.length()) : "";
    err.print("\r" + line + pad);
    err.flush();
    drawnWidth = line.length();
  }

  /** The terminal line: {@code eval [#####.....] 120/600 images 20% ETA 1m12s}. */
  String barLine(long now) {
    int filled = total == 0 ? BAR : (int) (done * BAR / total);
    return String.format(
        Locale.ROOT,
        "%s [%s%s] %d/%d %s %3d%%  %s",
        label,
        "#".repeat(filled),
        ".".repeat(BAR - filled),
        done,
        total,
        unit,
        percent(),
        done == total ? "done in " + human(elapsed(now)) : "ETA " + eta(now, "--"));
  }

  /** The plain line: {@code eval: 120/600 images (20%), about 1m12s left}. */
  String plainLine(long now) {
    return String.format(
        Locale.ROOT,
        "%s: %d/%d %s (%d%%), %s",
        label,
        done,
        total,
        unit,
        percent(),
        done == total
            ? "done in " + human(elapsed(now))
            : done == 0 ? "time left unknown" : "about " + eta(now, null) + " left");
  }

  private int percent() {
    return total == 0 ? 100 : (int) (done * 100 / total);
  }

  private Duration elapsed(long now) {
    return Duration.ofNanos(Math.max(0, now - started));
  }

  /** The time left, or {@code unknown} before the first unit is done. */
  private String eta(long now, String unknown) {
    if (done == 0) {
      return unknown;
    }
    long perUnit = elapsed(now).toNanos() / done;
    return human(Duration.ofNanos(perUnit * (total - done)));
  }

  /** {@code 42s}, {@code 3m05s}, {@code 1h02m}. */
  static String human(Duration d) {
    long s = Math.round(d.toMillis() / 1000.0);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
