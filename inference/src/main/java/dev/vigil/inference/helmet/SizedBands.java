package dev.vigil.inference.helmet;

/**
 * Two abstention bands split by head size: one for heads whose box's long side is under {@code cut}
 * frame pixels (and, when tuning, for camera-degraded heads), one for heads of {@code cut} and
 * more, which the classifier sees clearly. Immutable.
 */
public record SizedBands(int cut, AbstentionBand small, AbstentionBand large) {

  /** The band for a head whose box's long side is {@code headPx} frame pixels. */
  public AbstentionBand forSize(double headPx) {
    return headPx >= cut ? large : small;
  }
}
