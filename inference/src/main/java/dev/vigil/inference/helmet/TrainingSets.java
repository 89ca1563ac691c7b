package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * The images a helmet training run trains on, calibrates on (tune) and only reports on (test),
 * split by source, never frame by frame:
 *
 * <ul>
 *   <li>the main folder ({@code hardhat}) by the project's name hash ({@link VocDataset.Split});
 *   <li>a further labelled folder by its {@code sources.csv} column {@code source_split} ({@code
 *       train}, {@code valid} = tune, {@code test}), else by the same name hash;
 *   <li>a folder of bare-headed people (person boxes only) by source clip: the file name without
 *       its trailing frame number ({@code clinic_2-38.jpg} is clip {@code clinic_2}), CRC-32 of the
 *       clip % 5 == 0 test, == 1 tune, else train, {@code images/} and, where present, {@code
 *       images-augmented/} alike. Their heads are found by the head finder in each person's box,
 *       and every one is labelled bare.
 * </ul>
 */
public record TrainingSets(
    List<VocImage> train, List<VocImage> tune, List<VocImage> test, List<String> description) {

  public TrainingSets {
    train = List.copyOf(train);
    tune = List.copyOf(tune);
    test = List.copyOf(test);
    description = List.copyOf(description);
  }

  private static final Pattern FRAME_NUMBER = Pattern.compile("^(.*?)[-_]*\\d*$");

  /**
   * The folders a run's images come from.
   *
   * @param main the main labelled folder ({@code hardhat}), split by name hash
   * @param labelled further labelled folders, split by {@code sources.csv}, else by name hash
   * @param barePeople folders of person boxes where nobody wears a hard hat, split by clip
   * @param bareFrames folders of frames of clips where nobody wears one, all for training
   */
  public record Sources(
      Path main, List<Path> labelled, List<Path> barePeople, List<Path> bareFrames) {
    /** The main folder alone. */
    public static Sources of(Path main) {
      return new Sources(main, List.of(), List.of(), List.of());
    }
  }

  /** Builds the sets; {@code split} is TRAIN or FIT of the main folder. */
  public static TrainingSets of(
      Sources sources, VocDataset.Split split, HelmetTrainer.HeadFinder finder, PrintStream log) {
    return build(sources, split, finder, false, log);
  }

  /**
   * Only the tune set of {@link #of} with a FIT main split (train and test stay empty): what
   * choices such as the abstention band are made on, without finding the heads of every training
   * frame.
   */
  public static TrainingSets tuneOf(
      Path main,
      List<Path> labelled,
      List<Path> barePeople,
      HelmetTrainer.HeadFinder finder,
      PrintStream log) {
    Sources sources = new Sources(main, labelled, barePeople, List.of());
    return build(sources, VocDataset.Split.FIT, finder, true, log);
  }

  private static TrainingSets build(
      Sources sources,
      VocDataset.Split split,
      HelmetTrainer.HeadFinder finder,
      boolean tuneOnly,
      PrintStream log) {
    Path main = sources.main();
    List<VocImage> train = new ArrayList<>(tuneOnly ? List.of() : VocDataset.read(main, split));
    List<VocImage> tune =
        new ArrayList<>(
            split == VocDataset.Split.FIT
                ? VocDataset.read(main, VocDataset.Split.TUNE)
                : List.of());
    List<VocImage> test =
        new ArrayList<>(tuneOnly ? List.of() : VocDataset.read(main, VocDataset.Split.VALIDATION));
    List<String> description = new ArrayList<>();
    description.add(
        main.getFileName()
            + ": train = "
            + split.describe()
            + (split == VocDataset.Split.FIT ? "; tune = TUNE" : "")
            + "; test = VALIDATION");
    for (Path dir : sources.labelled()) {
      // FIT, not TRAIN: a folder split by name hash keeps its TUNE fifth for tune.
      if (!tuneOnly) {
        train.addAll(VocDataset.read(dir, VocDataset.Split.FIT));
        test.addAll(VocDataset.read(dir, VocDataset.Split.VALIDATION));
      }
      tune.addAll(VocDataset.read(dir, VocDataset.Split.TUNE));
      description.add(
          dir.getFileName()
              + ": split by sources.csv source_split (train / valid = tune / test), else by name"
              + " hash as the main folder");
    }
    for (Path dir : sources.barePeople()) {
      Map<String, Set<String>> clips = new TreeMap<>();
      List<VocImage> images = new ArrayList<>(VocDataset.read(dir));
      // Augmented copies of other frames of the same clips, where the folder has them.
      Path augmented = dir.resolve("annotations-augmented");
      if (Files.isDirectory(augmented)) {
        images.addAll(VocDataset.read(augmented, dir.resolve("images-augmented")));
      }
      for (VocImage image : images) {
        String clip = clipOf(image.name());
        int bucket = bucket(clip);
        String part = bucket == 0 ? "test" : bucket == 1 ? "tune" : "train";
        clips.computeIfAbsent(part, k -> new TreeSet<>()).add(clip);
        if (!tuneOnly || bucket == 1) {
          (bucket == 0 ? test : bucket == 1 ? tune : train).add(bareHeads(image, finder));
        }
      }
      description.add(dir.getFileName() + ": every head bare, split by clip " + clips);
    }
    for (Path dir : sources.bareFrames()) {
      int heads = 0;
      for (Path frame : frameFiles(dir)) {
        VocImage image = bareHeadsFound(frame, finder);
        heads += image.heads().size();
        train.add(image);
      }
      description.add(
          dir.getFileName()
              + ": frames of a clip where nobody wears one, train ("
              + heads
              + " heads found)");
    }
    log.printf(
        Locale.ROOT,
        "helmet: %d train, %d tune, %d test images; %s%n",
        train.size(),
        tune.size(),
        test.size(),
        description);
    return new TrainingSets(train, tune, test, description);
  }

  private static List<Path> frameFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().toList();
    } catch (IOException e) {
      throw new InferenceException("Cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Every head the finder finds in a whole frame, labelled bare. */
  static VocImage bareHeadsFound(Path frame, HelmetTrainer.HeadFinder finder) {
    List<LabelledHead> heads = new ArrayList<>();
    try (Mat bgr = imread(frame.toString(), IMREAD_COLOR)) {
      if (bgr == null || bgr.empty()) {
        throw new InferenceException("Cannot decode " + frame);
      }
      for (HeadDetector.DetectedHead d : finder.find(bgr)) {
        heads.add(new LabelledHead(d.box(), false));
      }
      return new VocImage(frame.getFileName().toString(), frame, bgr.cols(), bgr.rows(), heads);
    }
  }

  /** The clip a frame's file name belongs to: the name without extension and frame number. */
  static String clipOf(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String stem = dot > 0 ? fileName.substring(0, dot) : fileName;
    Matcher m = FRAME_NUMBER.matcher(stem);
    return m.matches() && !m.group(1).isEmpty() ? m.group(1) : stem;
  }

  private static int bucket(String name) {
    CRC32 crc = new CRC32();
    crc.update(name.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % VocDataset.VALIDATION_MODULUS);
  }

  /**
   * The heads of an image's people, all bare: the finder runs on each person's box (widened by a
   * fifth), where the head is large enough to find, and the best head in the top of the body is
   * theirs. A person whose head it does not find adds nothing.
   */
  static VocImage bareHeads(VocImage image, HelmetTrainer.HeadFinder finder) {
    List<LabelledHead> heads = new ArrayList<>();
    int w;
    int h;
    try (Mat bgr = imread(image.image().toString(), IMREAD_COLOR)) {
      if (bgr == null || bgr.empty()) {
        throw new InferenceException("Cannot decode " + image.image());
      }
      w = bgr.cols();
      h = bgr.rows();
      for (Box body : image.people()) {
        Box head = headOf(bgr, body, finder);
        if (head != null) {
          heads.add(new LabelledHead(head, false));
        }
      }
    }
    return new VocImage(image.name(), image.image(), w, h, heads);
  }

  private static Box headOf(Mat bgr, Box body, HelmetTrainer.HeadFinder finder) {
    int w = bgr.cols();
    int h = bgr.rows();
    double padX = body.width() * 0.2;
    double padY = body.height() * 0.2;
    int x0 = (int) Math.max(0, (body.x1() - padX) * w);
    int y0 = (int) Math.max(0, (body.y1() - padY) * h);
    int x1 = (int) Math.min(w, (body.x2() + padX) * w);
    int y1 = (int) Math.min(h, (body.y2() + padY) * h);
    if (x1 - x0 < 16 || y1 - y0 < 16) {
      return null;
    }
    // A labelled box drawn around a person seen from above reaches lower than a pose box, so its
    // head may sit deeper; the best-scoring head there is theirs.
    Box zone = HeadZone.of(body, 0.45);
    Box best = null;
    double bestScore = 0;
    try (Rect rect = new Rect(x0, y0, x1 - x0, y1 - y0);
        Mat roi = new Mat(bgr, rect);
        Mat crop = roi.clone()) {
      for (HeadDetector.DetectedHead d : finder.find(crop)) {
        Box b = d.box();
        Box inFrame =
            new Box(
                (x0 + b.x1() * crop.cols()) / w,
                (y0 + b.y1() * crop.rows()) / h,
                (x0 + b.x2() * crop.cols()) / w,
                (y0 + b.y2() * crop.rows()) / h);
        if (zone.holdsCentreOf(inFrame) && d.score() > bestScore) {
          best = inFrame;
          bestScore = d.score();
        }
      }
    }
    return best;
  }
}
