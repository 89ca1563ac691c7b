package dev.vigil.inference.helmet;

import java.nio.file.Path;
import java.util.List;

/**
 * One image of a Pascal VOC folder with its labelled heads.
 *
 * @param name the file name of the image, e.g. {@code hard_hat_workers0.jpg}
 * @param image the image file
 * @param width width in pixels, as the annotation states
 * @param height height in pixels, as the annotation states
 * @param heads the {@code helmet} and {@code head} boxes; other classes are left out
 */
public record VocImage(String name, Path image, int width, int height, List<LabelledHead> heads) {
  public VocImage {
    heads = List.copyOf(heads);
  }

  /** Number of labelled heads with a helmet. */
  public int helmets() {
    return (int) heads.stream().filter(LabelledHead::helmet).count();
  }

  /** Number of labelled heads without a helmet. */
  public int bareHeads() {
    return heads.size() - helmets();
  }
}
