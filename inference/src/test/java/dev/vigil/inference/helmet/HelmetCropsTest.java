package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.vigil.config.Box;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelmetCropsTest {

  private static final int S = 48;
  private static final int CROPS = 60;

  /**
   * A 20 px bright head on a dark 200 px frame, cut {@link #CROPS} times with augmentation: the
   * mean share of each crop that is head.
   */
  private static double meanHeadShare(Path dir, double looseShare) {
    Path file = dir.resolve("head.png");
    try (Mat frame = new Mat(200, 200, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
        Scalar dark = new Scalar(40, 40, 40, 0);
        Scalar bright = new Scalar(230, 230, 230, 0);
        Point a = new Point(90, 90);
        Point b = new Point(109, 109)) {
      frame.put(dark);
      rectangle(frame, a, b, bright, -1, 8, 0);
      imwrite(file.toString(), frame);
    }
    LabelledHead head = new LabelledHead(new Box(0.45, 0.45, 0.55, 0.55), false);
    VocImage image = new VocImage("head", file, 200, 200, List.of(head));
    List<HelmetCrops.Sample> samples = new ArrayList<>();
    for (int i = 0; i < CROPS; i++) {
      samples.add(new HelmetCrops.Sample(0, head));
    }
    HelmetCrops.CropSet set =
        HelmetCrops.crops(
            List.of(image),
            samples,
            S,
            HeadCrop.DEFAULT_MARGIN,
            new CctvAugment.Colour(0, 0),
            looseShare,
            new Random(7));
    double sum = 0;
    int per = S * S * 3;
    for (int k = 0; k < CROPS; k++) {
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (int i = k * per; i < (k + 1) * per; i += 3) {
        min = Math.min(min, set.pixels()[i]);
        max = Math.max(max, set.pixels()[i]);
      }
      int bright = 0;
      for (int i = k * per; i < (k + 1) * per; i += 3) {
        bright += set.pixels()[i] > (min + max) / 2 ? 1 : 0;
      }
      sum += bright / (double) (S * S);
    }
    return sum / CROPS;
  }

  @Test
  void shouldFrameTheHeadLooserWhenEveryCropIsLoose(@TempDir Path dir) {
    double tight = meanHeadShare(dir, 0);
    double loose = meanHeadShare(dir, 1);

    // Tight crops are mostly head; loose ones about 1.8 times wider, so about a third as much.
    assertThat(tight).isGreaterThan(0.4);
    assertThat(loose).isLessThan(tight * 0.5);
  }
}
