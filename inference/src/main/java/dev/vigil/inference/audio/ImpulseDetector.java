package dev.vigil.inference.audio;

/**
 * Detects a sudden broadband jump in level: an impact, a bang, an explosion.
 *
 * <p>The signal (high-passed at about 40 Hz to ignore rumble and DC) is cut into 4 ms blocks. A
 * block is a candidate when its level is at least {@value #JUMP_DB} dB above the slowly tracked
 * background (time constant about 1 s), at least {@value #RISE_DB} dB above the block 12 ms before
 * (so the rise is sudden, not a swell) and at least {@value #MIN_DBFS} dBFS. About 24 ms later a 32
 * ms spectrum around the onset must not be tonal (see {@link Tonality}): a beep or alarm that
 * starts abruptly out of silence jumps just as fast but puts its energy in a few narrow peaks.
 *
 * <p>Stateful across snippets of one stream (an onset near the end of a snippet is confirmed in the
 * next one); not thread-safe. Create one per stream.
 */
public final class ImpulseDetector {
  static final double JUMP_DB = 15.0;
  static final double RISE_DB = 10.0;
  static final double MIN_DBFS = -50.0;
  private static final double BLOCK_SECONDS = 0.004;
  private static final double BACKGROUND_SECONDS = 1.0;
  private static final int RISE_BLOCKS = 3;

  private final int sampleRate;
  private final int block;
  private final double alpha;
  private final double hpCoeff;
  private final Tonality spectrum;
  private final double[] ring;
  private final double[] recent = new double[RISE_BLOCKS + 1];
  private long written;
  private int inBlock;
  private double blockSum;
  private long blocks;
  private double background = Double.NaN;
  private double hpPrevIn;
  private double hpPrevOut;
  private long pendingUntil = -1;

  /** A detector for audio at {@code sampleRate} Hz (at least 8000). */
  public ImpulseDetector(int sampleRate) {
    if (sampleRate < 8000) {
      throw new IllegalArgumentException("sample rate must be >= 8000 Hz, got " + sampleRate);
    }
    this.sampleRate = sampleRate;
    block = (int) Math.round(BLOCK_SECONDS * sampleRate);
    alpha = BLOCK_SECONDS / BACKGROUND_SECONDS;
    hpCoeff = Math.exp(-2 * Math.PI * 40.0 / sampleRate);
    int n = Integer.highestOneBit((int) Math.round(0.032 * sampleRate * 1.4));
    spectrum = new Tonality(n, sampleRate, 100, 8000);
    ring = new double[n];
  }

  /** The sample rate this detector expects. */
  public int sampleRate() {
    return sampleRate;
  }

  /** Feeds one snippet (full scale = ±1.0); true if an impulse was confirmed within it. */
  public boolean process(double[] samples) {
    boolean found = false;
    for (double x : samples) {
      double y = hpCoeff * (hpPrevOut + x - hpPrevIn);
      hpPrevIn = x;
      hpPrevOut = y;
      ring[(int) (written % ring.length)] = y;
      written++;
      blockSum += y * y;
      if (++inBlock == block) {
        endBlock();
      }
      if (written == pendingUntil) {
        pendingUntil = -1;
        Tonality.Frame f = spectrum.measure(ring, (int) (written % ring.length));
        found |= f.tonalRatio() < AlarmDetector.TONAL_RATIO;
      }
    }
    return found;
  }

  private void endBlock() {
    double level = LevelMeter.toDbfs(blockSum / block);
    blockSum = 0;
    inBlock = 0;
    double before = recent[(int) ((blocks + 1) % recent.length)];
    recent[(int) (blocks % recent.length)] = level;
    blocks++;
    if (Double.isNaN(background)) {
      background = level;
      return;
    }
    boolean candidate =
        blocks > RISE_BLOCKS
            && level >= MIN_DBFS
            && level >= background + JUMP_DB
            && level >= before + RISE_DB;
    if (candidate && pendingUntil < 0) {
      // Window from a quarter frame before the onset block to three quarters after.
      pendingUntil = written - block + ring.length * 3L / 4;
    }
    // Track the background in dB so one loud block moves it by little.
    background += alpha * (level - background);
  }

  /** Forgets all history, as at the start of a new stream. */
  public void reset() {
    java.util.Arrays.fill(ring, 0);
    java.util.Arrays.fill(recent, 0);
    written = 0;
    inBlock = 0;
    blockSum = 0;
    blocks = 0;
    background = Double.NaN;
    hpPrevIn = 0;
    hpPrevOut = 0;
    pendingUntil = -1;
  }
}
