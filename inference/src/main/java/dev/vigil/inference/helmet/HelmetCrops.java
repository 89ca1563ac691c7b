package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Prepares the helmet classifier's training data: picks the head samples of each image, balances
 * the classes, cuts (and, given a generator, augments) the crops and packs them into batches.
 * Stateless.
 */
final class HelmetCrops {

  /**
   * Share of training crops framed loose by default: none, as the committed weights were trained.
   * The head detector's boxes are never smaller than about 5 px of the pose model's input (16 px in
   * a 768 px frame, 40 px in 1080p), so a smaller head sits loose in its box, filling half of it or
   * less, and the rest of the crop is scenery. A loose crop is {@link #LOOSE_MIN}-{@link
   * #LOOSE_MAX} times the usual side.
   */
  static final double DEFAULT_LOOSE_SHARE = 0;

  static final double LOOSE_MIN = 1.4;
  static final double LOOSE_MAX = 2.2;

  /** One head of one image, by the image's index in its list. */
  record Sample(int image, LabelledHead head) {}

  /** Crops with their labels, ready to feed. */
  record CropSet(float[] pixels, float[] labels, int n) {}

  private HelmetCrops() {}

  static List<VocImage> limit(List<VocImage> images, int max) {
    return max > 0 && images.size() > max ? images.subList(0, max) : images;
  }

  static List<Sample> samples(List<VocImage> images) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      for (LabelledHead h : images.get(i).heads()) {
        out.add(new Sample(i, h));
      }
    }
    return out;
  }

  /** The heads the finder finds in each image that match a label, with that label's class. */
  static List<Sample> detectedSamples(List<VocImage> images, HelmetTrainer.HeadFinder finder) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      List<HeadPrediction> found = new ArrayList<>();
      try (Mat bgr = imread(images.get(i).image().toString(), IMREAD_COLOR)) {
        if (bgr == null || bgr.empty()) {
          throw new InferenceException("Cannot decode " + images.get(i).image());
        }
        for (HeadDetector.DetectedHead h : finder.find(bgr)) {
          found.add(new HeadPrediction(h.box(), h.score(), null));
        }
      }
      List<LabelledHead> truths = images.get(i).heads();
      for (HeadMatcher.Match m : HeadMatcher.match(found, truths)) {
        Box box = found.get(m.prediction()).box();
        out.add(new Sample(i, new LabelledHead(box, truths.get(m.truth()).helmet())));
      }
    }
    return out;
  }

  /**
   * Every sample once, plus random extra draws of the rarer class until both classes are drawn
   * equally often (the photo sets are 3:1 helmets); in image order, so each image decodes once.
   */
  static List<Sample> balanced(List<Sample> samples, Random random) {
    List<Sample> helmets = new ArrayList<>();
    List<Sample> bare = new ArrayList<>();
    for (Sample sample : samples) {
      (sample.head().helmet() ? helmets : bare).add(sample);
    }
    List<Sample> out = new ArrayList<>(samples);
    List<Sample> rarer = helmets.size() < bare.size() ? helmets : bare;
    int missing = Math.abs(helmets.size() - bare.size());
    for (int i = 0; i < missing && !rarer.isEmpty(); i++) {
      out.add(rarer.get(random.nextInt(rarer.size())));
    }
    out.sort(Comparator.comparingInt(Sample::image));
    return out;
  }

  /** Cuts every sample's crop, as they are. Decodes each image once. */
  static CropSet crops(List<VocImage> images, List<Sample> samples, int s, double margin) {
    return crops(images, samples, s, margin, null, 0, null);
  }

  /**
   * Cuts every sample's crop; augments when given a generator, with the given colour shifts and
   * share of loosely framed crops ({@link #DEFAULT_LOOSE_SHARE}). Decodes each image once.
   */
  static CropSet crops(
      List<VocImage> images,
      List<Sample> samples,
      int s,
      double margin,
      CctvAugment.Colour colour,
      double looseShare,
      Random aug) {
    int per = s * s * 3;
    float[] pixels = new float[samples.size() * per];
    float[] labels = new float[samples.size()];
    int k = 0;
    int image = -1;
    Mat bgr = null;
    try {
      for (Sample sample : samples) {
        if (sample.image() != image) {
          if (bgr != null) {
            bgr.close();
          }
          image = sample.image();
          bgr = imread(images.get(image).image().toString(), IMREAD_COLOR);
          if (bgr == null || bgr.empty()) {
            throw new InferenceException("Cannot decode " + images.get(image).image());
          }
        }
        cut(bgr, sample.head(), s, margin, colour, looseShare, aug, pixels, k * per);
        labels[k] = sample.head().helmet() ? 1f : 0f;
        k++;
      }
    } finally {
      if (bgr != null) {
        bgr.close();
      }
    }
    return new CropSet(pixels, labels, samples.size());
  }

  private static void cut(
      Mat bgr,
      LabelledHead head,
      int s,
      double margin,
      CctvAugment.Colour colour,
      double looseShare,
      Random aug,
      float[] dst,
      int off) {
    if (aug == null) {
      HeadCrop.extract(bgr, head.box(), margin, s, dst, off);
      return;
    }
    double w = head.box().width() * bgr.cols();
    double h = head.box().height() * bgr.rows();
    double side = Math.max(w, h) * (1 + 2 * margin);
    // Heads found from body keypoints sit less neatly than labelled boxes: shift and scale.
    double cx = (head.box().x1() + head.box().x2()) / 2 * bgr.cols();
    double cy = (head.box().y1() + head.box().y2()) / 2 * bgr.rows();
    cx += (aug.nextDouble() * 2 - 1) * 0.12 * side;
    cy += (aug.nextDouble() * 2 - 1) * 0.12 * side;
    side *= Math.exp((aug.nextDouble() * 2 - 1) * 0.25);
    // No draw at share 0, so the committed recipe's random stream, and so its crops, are unchanged.
    if (looseShare > 0 && aug.nextDouble() < looseShare) {
      side *= LOOSE_MIN + aug.nextDouble() * (LOOSE_MAX - LOOSE_MIN);
    }
    HeadCrop.extract(bgr, cx, cy, side, aug.nextBoolean(), s, dst, off);
    CctvAugment.apply(dst, off, s, margin, colour, aug);
  }

  /** The pixels of the crops at {@code idx}, as one NHWC batch; the caller closes it. */
  static TFloat32 batchPixels(CropSet set, List<Integer> idx, int s) {
    int per = s * s * 3;
    float[] buf = new float[idx.size() * per];
    for (int i = 0; i < idx.size(); i++) {
      System.arraycopy(set.pixels(), idx.get(i) * per, buf, i * per, per);
    }
    return TFloat32.tensorOf(Shape.of(idx.size(), s, s, 3), DataBuffers.of(buf, true, false));
  }

  /** The labels of the crops at {@code idx}, as one batch; the caller closes it. */
  static TFloat32 batchLabels(CropSet set, List<Integer> idx) {
    float[] buf = new float[idx.size()];
    for (int i = 0; i < idx.size(); i++) {
      buf[i] = set.labels()[idx.get(i)];
    }
    return TFloat32.tensorOf(Shape.of(idx.size(), 1), DataBuffers.of(buf, true, false));
  }
}
