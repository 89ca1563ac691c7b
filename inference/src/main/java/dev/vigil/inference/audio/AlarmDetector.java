package dev.vigil.inference.audio;

import java.util.Arrays;

/**
 * Detects a sustained tonal alarm, siren, bell or horn, including ISO 8201 temporal-three patterns,
 * while ignoring loud broadband noise (machines, speech, hammering).
 *
 * <p>Every 32 ms hop it measures two frames: a short one (about 32 ms, band 300 Hz to 5 kHz) that
 * follows fast sweeps and short beeps, and one four times longer (band 30 Hz to 5 kHz) that
 * resolves low horns and dense harmonics. A hop is <em>tonal</em> when in either frame at least
 * {@value #TONAL_RATIO} of the band energy lies in peaks 20 dB above the local floor (see {@link
 * Tonality}), the tonal part is above {@value #MIN_TONAL_DBFS} dBFS, and it is <em>steady</em>: not
 * more than {@value #MAX_DECAY_DB} dB below the strongest tonal level of the preceding 256 ms. The
 * last rule rejects struck resonances (anvils, hammered steel), which ring tonally but decay at
 * 50-100 dB/s, while a sounding alarm holds its level. For the same reason tonal hops are ignored
 * for 512 ms after a broadband onset (short-frame band energy up {@value #STRIKE_JUMP_DB} dB within
 * 96 ms while that frame is not tonal): a beep starts tonal, a hammer blow does not.
 *
 * <p>The alarm switches on when tonal hops add up to at least {@value #ON_SECONDS} s within the
 * last {@value #WINDOW_SECONDS} s, and off when no tonal hop occurred for {@value #HOLD_SECONDS} s.
 * A temporal-three pattern gives 1.0 s of tone per 2 s during its bursts and its 1.5 s pause is
 * shorter than the hold; the freedesktop alarm clock (pairs of ~0.15 s beeps each second) gives
 * about 0.5 s per 2 s. Broadband machines give essentially no tonal hops because their peaks fail
 * the 20 dB prominence test.
 *
 * <p>Stateful across snippets of one stream; not thread-safe. Create one per stream.
 */
public final class AlarmDetector {
  static final double TONAL_RATIO = 0.5;
  static final double MIN_TONAL_DBFS = -60.0;
  static final double MAX_DECAY_DB = 8.0;
  static final double ON_SECONDS = 0.3;
  static final double WINDOW_SECONDS = 2.0;
  static final double HOLD_SECONDS = 2.0;
  private static final double HOP_SECONDS = 0.032;
  private static final int DECAY_HOPS = 8;
  static final double STRIKE_JUMP_DB = 10.0;
  private static final int STRIKE_SUPPRESS_HOPS = 16;
  private final double[] bandHistory = new double[4];
  private long suppressUntil;

  private final int sampleRate;
  private final int hop;
  private final Tonality shortFrame;
  private final Tonality longFrame;
  private final double[] ring;
  private int written;
  private int sinceHop;
  private final boolean[] tonalHistory;
  private final double[] levelHistory;
  private long hops;
  private int tonalInWindow;
  private int hopsSinceTonal = Integer.MAX_VALUE / 2;
  private boolean on;
  private final int onHops;
  private final int holdHops;

  /** A detector for audio at {@code sampleRate} Hz (at least 8000). */
  public AlarmDetector(int sampleRate) {
    if (sampleRate < 8000) {
      throw new IllegalArgumentException("sample rate must be >= 8000 Hz, got " + sampleRate);
    }
    this.sampleRate = sampleRate;
    hop = (int) Math.round(HOP_SECONDS * sampleRate);
    int n = Integer.highestOneBit((int) Math.round(HOP_SECONDS * sampleRate * 1.4));
    shortFrame = new Tonality(n, sampleRate, 300, 5000);
    longFrame = new Tonality(4 * n, sampleRate, 30, 5000);
    ring = new double[4 * n];
    tonalHistory = new boolean[(int) Math.round(WINDOW_SECONDS / HOP_SECONDS)];
    levelHistory = new double[DECAY_HOPS];
    Arrays.fill(levelHistory, Double.NEGATIVE_INFINITY);
    onHops = (int) Math.ceil(ON_SECONDS / HOP_SECONDS);
    holdHops = (int) Math.round(HOLD_SECONDS / HOP_SECONDS);
  }

  /** The sample rate this detector expects. */
  public int sampleRate() {
    return sampleRate;
  }

  /**
   * Feeds one snippet (full scale = ±1.0) and returns whether the alarm was on at any hop within
   * it.
   */
  public boolean process(double[] samples) {
    boolean any = on;
    for (double x : samples) {
      ring[written % ring.length] = x;
      written = (written + 1) % (ring.length * 1024);
      if (++sinceHop == hop) {
        sinceHop = 0;
        any |= step();
      }
    }
    return any;
  }

  /** Whether the alarm is on after the last sample fed. */
  public boolean isOn() {
    return on;
  }

  private boolean step() {
    int end = written % ring.length;
    Tonality.Frame s = shortFrame.measure(ring, end);
    Tonality.Frame l = longFrame.measure(ring, end);
    double tonalMs = 0;
    if (s.tonalRatio() >= TONAL_RATIO) {
      tonalMs = s.tonalMeanSquare();
    }
    if (l.tonalRatio() >= TONAL_RATIO) {
      tonalMs = Math.max(tonalMs, l.tonalMeanSquare());
    }
    double level = tonalMs > 0 ? 10 * Math.log10(2 * tonalMs) : Double.NEGATIVE_INFINITY;
    double recentMax = Double.NEGATIVE_INFINITY;
    for (double v : levelHistory) {
      recentMax = Math.max(recentMax, v);
    }
    double band = 10 * Math.log10(2 * s.bandMeanSquare() + 1e-20);
    double bandBefore = bandHistory[(int) ((hops + 1) % bandHistory.length)];
    bandHistory[(int) (hops % bandHistory.length)] = band;
    if (band >= bandBefore + STRIKE_JUMP_DB && s.tonalRatio() < TONAL_RATIO) {
      // A broadband onset: whatever rings after it is a struck resonance, not an alarm.
      suppressUntil = hops + STRIKE_SUPPRESS_HOPS;
    }
    boolean tonal =
        level >= MIN_TONAL_DBFS && level >= recentMax - MAX_DECAY_DB && hops >= suppressUntil;
    levelHistory[(int) (hops % DECAY_HOPS)] = level;

    int slot = (int) (hops % tonalHistory.length);
    if (tonalHistory[slot]) {
      tonalInWindow--;
    }
    tonalHistory[slot] = tonal;
    if (tonal) {
      tonalInWindow++;
      hopsSinceTonal = 0;
    } else {
      hopsSinceTonal++;
    }
    hops++;
    if (!on && tonalInWindow >= onHops) {
      on = true;
    } else if (on && hopsSinceTonal >= holdHops) {
      on = false;
    }
    return on;
  }

  /** Forgets all history, as at the start of a new stream. */
  public void reset() {
    Arrays.fill(ring, 0);
    Arrays.fill(tonalHistory, false);
    Arrays.fill(levelHistory, Double.NEGATIVE_INFINITY);
    written = 0;
    sinceHop = 0;
    hops = 0;
    tonalInWindow = 0;
    hopsSinceTonal = Integer.MAX_VALUE / 2;
    on = false;
    suppressUntil = 0;
    Arrays.fill(bandHistory, 0);
  }
}
