package dev.vigil.inference.helmet;

import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads a Pascal VOC folder: {@code images/} beside {@code annotations/*.xml}. Only the {@code
 * helmet} and {@code head} classes are kept; {@code person} and anything else is ignored.
 *
 * <p>Also defines the project's fixed validation split of such a folder: an image belongs to the
 * validation split when the CRC-32 of its file name is divisible by {@value #VALIDATION_MODULUS}
 * (about 20%). Training never sees those images.
 *
 * <p>Stateless; thread-safe.
 */
public final class VocDataset {

  /** One image in this many (by name hash) is held out for validation. */
  public static final int VALIDATION_MODULUS = 5;

  /** Which images of a folder to use. */
  public enum Split {
    /** Every image. */
    ALL,
    /** The images not in the validation split: the only ones training may see. */
    TRAIN,
    /** The held-out images, about 20%. */
    VALIDATION,
    /**
     * A fifth of {@link #TRAIN} (name CRC-32 % 5 == 1) held out while choosing settings, so that
     * they are never chosen on {@link #VALIDATION}.
     */
    TUNE,
    /** {@link #TRAIN} without {@link #TUNE}: what a run that chooses settings trains on. */
    FIT;

    /**
     * Whether an image belongs to this split when its folder's {@code sources.csv} gives it a
     * {@code source_split}: train for FIT, valid for TUNE, both for TRAIN (as TRAIN is FIT and TUNE
     * by name hash), test for VALIDATION.
     */
    boolean containsSourceSplit(String sourceSplit) {
      return switch (this) {
        case ALL -> true;
        case TRAIN -> sourceSplit.equals("train") || sourceSplit.equals("valid");
        case FIT -> sourceSplit.equals("train");
        case TUNE -> sourceSplit.equals("valid");
        case VALIDATION -> sourceSplit.equals("test");
      };
    }

    /** Whether an image of this name belongs to this split. */
    public boolean contains(String imageName) {
      long bucket = bucket(imageName);
      return switch (this) {
        case ALL -> true;
        case TRAIN -> bucket != 0;
        case VALIDATION -> bucket == 0;
        case TUNE -> bucket == 1;
        case FIT -> bucket > 1;
      };
    }

    /** Which images this is, for the manifest of weights trained on it. */
    public String describe() {
      return switch (this) {
        case ALL -> "all images";
        case TRAIN -> "train = images whose name's CRC-32 % 5 != 0";
        case VALIDATION -> "validation = images whose name's CRC-32 % 5 == 0";
        case TUNE -> "tune = images whose name's CRC-32 % 5 == 1";
        case FIT -> "fit = images whose name's CRC-32 % 5 > 1";
      };
    }

    /** The split that measures a model trained on this one: VALIDATION, or TUNE for FIT. */
    public Split heldOut() {
      return switch (this) {
        case TRAIN -> VALIDATION;
        case FIT -> TUNE;
        default -> throw new IllegalArgumentException("Training may only use TRAIN or FIT");
      };
    }
  }

  private VocDataset() {}

  /** Whether an image, by file name, is in the held-out validation split. */
  public static boolean isValidation(String imageName) {
    return bucket(imageName) == 0;
  }

  private static long bucket(String imageName) {
    CRC32 crc = new CRC32();
    crc.update(imageName.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % VALIDATION_MODULUS;
  }

  /** Reads every image of the folder, sorted by name. */
  public static List<VocImage> read(Path dir) {
    return read(dir, Split.ALL);
  }

  /**
   * Reads the images of one split, sorted by file name. A folder whose {@code sources.csv} has a
   * {@code source_split} column (train / valid / test) is split by it, with train as FIT, valid as
   * TUNE and test as VALIDATION; any image it does not list, and any other folder, by name hash.
   *
   * @throws InferenceException when the folder is not a VOC folder or an annotation is malformed
   */
  public static List<VocImage> read(Path dir, Split split) {
    List<VocImage> all = read(dir.resolve("annotations"), dir.resolve("images"));
    Map<String, String> sourceSplits = sourceSplits(dir);
    List<VocImage> out = new ArrayList<>();
    for (VocImage image : all) {
      String sourceSplit = sourceSplits.get(image.name());
      if (sourceSplit == null
          ? split.contains(image.name())
          : split.containsSourceSplit(sourceSplit)) {
        out.add(image);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Reads every image of a pair of folders named otherwise than {@code annotations/} and {@code
   * images/} (such as a folder's augmented copies), sorted by file name.
   *
   * @throws InferenceException when a folder is missing or an annotation is malformed
   */
  public static List<VocImage> read(Path annotations, Path images) {
    DocumentBuilder builder = newBuilder();
    List<VocImage> out = new ArrayList<>();
    for (Path xml : annotationFiles(annotations, images)) {
      out.add(parse(builder, xml, images));
    }
    out.sort(Comparator.comparing(VocImage::name));
    return List.copyOf(out);
  }

  /**
   * File name to {@code source_split} from the folder's {@code sources.csv}; empty when it has no
   * such file or column.
   */
  private static Map<String, String> sourceSplits(Path dir) {
    Path csv = dir.resolve("sources.csv");
    Map<String, String> out = new HashMap<>();
    if (!Files.isRegularFile(csv)) {
      return out;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InferenceException("Cannot read " + csv + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty()) {
      return out;
    }
    List<String> header = List.of(lines.get(0).trim().split(","));
    int file = header.indexOf("file");
    int split = header.indexOf("source_split");
    if (file < 0 || split < 0) {
      return out;
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.trim().split(",");
      if (cells.length > Math.max(file, split)) {
        String name = cells[file].substring(cells[file].lastIndexOf('/') + 1);
        out.put(name, cells[split].trim());
      }
    }
    return out;
  }

  private static List<Path> annotationFiles(Path annotations, Path images) {
    if (!Files.isDirectory(annotations) || !Files.isDirectory(images)) {
      throw new InferenceException(
          "Not a Pascal VOC folder: "
              + annotations.getParent()
              + " must hold "
              + images.getFileName()
              + "/ and "
              + annotations.getFileName()
              + "/ (one .xml per image)");
    }
    try (Stream<Path> files = Files.list(annotations)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".xml")).sorted().toList();
    } catch (IOException e) {
      throw new InferenceException("Cannot list " + annotations + ": " + e.getMessage(), e);
    }
  }

  private static Box box(Element bb, int width, int height, Path xml) {
    return new Box(
        clamp(number(bb, "xmin", xml) / width),
        clamp(number(bb, "ymin", xml) / height),
        clamp(number(bb, "xmax", xml) / width),
        clamp(number(bb, "ymax", xml) / height));
  }

  /** The root element of one annotation file. */
  private static Element root(DocumentBuilder builder, Path xml) {
    try (InputStream in = Files.newInputStream(xml)) {
      return builder.parse(in).getDocumentElement();
    } catch (IOException | SAXException e) {
      throw new InferenceException("Cannot parse " + xml + ": " + e.getMessage(), e);
    }
  }

  private static VocImage parse(DocumentBuilder builder, Path xml, Path images) {
    Element root = root(builder, xml);
    String fileName = text(root, "filename", xml);
    Element size = child(root, "size", xml);
    int width = (int) number(size, "width", xml);
    int height = (int) number(size, "height", xml);
    if (width <= 0 || height <= 0) {
      throw new InferenceException(xml + ": <size> must give a positive width and height");
    }
    List<LabelledHead> heads = new ArrayList<>();
    List<Box> people = new ArrayList<>();
    NodeList objects = root.getElementsByTagName("object");
    for (int i = 0; i < objects.getLength(); i++) {
      Element object = (Element) objects.item(i);
      String name = text(object, "name", xml).trim();
      if (name.equals("helmet") || name.equals("head")) {
        heads.add(
            new LabelledHead(
                box(child(object, "bndbox", xml), width, height, xml), name.equals("helmet")));
      } else if (name.equals("person")) {
        people.add(box(child(object, "bndbox", xml), width, height, xml));
      }
    }
    Path image = images.resolve(fileName);
    if (!Files.isRegularFile(image)) {
      throw new InferenceException(xml + " names " + fileName + ", which is not in " + images);
    }
    return new VocImage(fileName, image, width, height, heads, people);
  }

  private static DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new InferenceException("No safe XML parser available: " + e.getMessage(), e);
    }
  }

  private static Element child(Element parent, String tag, Path xml) {
    NodeList nodes = parent.getElementsByTagName(tag);
    if (nodes.getLength() == 0) {
      throw new InferenceException(xml + ": <" + parent.getTagName() + "> lacks <" + tag + ">");
    }
    return (Element) nodes.item(0);
  }

  private static String text(Element parent, String tag, Path xml) {
    return child(parent, tag, xml).getTextContent();
  }

  private static double number(Element parent, String tag, Path xml) {
    String s = text(parent, tag, xml).trim();
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new InferenceException(xml + ": <" + tag + "> is not a number: '" + s + "'", e);
    }
  }

  private static double clamp(double v) {
    return Math.min(1, Math.max(0, v));
  }
}
