package dev.vigil.inference.helmet;

import dev.vigil.config.Box;
import java.nio.file.Path;
import java.util.List;

/**
 * One image of a Pascal VOC folder with its labelled heads and people.
 *
 * @param name the file name of the image, e.g. {@code hard_hat_workers0.jpg}
 * @param image the image file
 * @param width width in pixels, as the annotation states
 * @param height height in pixels, as the annotation states
 * @param heads the {@code helmet} and {@code head} boxes
 * @param people the {@code person} boxes, where the folder labels them; other classes are left out
 */
public record VocImage(
    String name, Path image, int width, int height, List<LabelledHead> heads, List<Box> people) {
  public VocImage {
    heads = List.copyOf(heads);
    people = List.copyOf(people);
  }

  /** An image with heads and no labelled people. */
  public VocImage(String name, Path image, int width, int height, List<LabelledHead> heads) {
    this(name, image, width, height, heads, List.of());
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
