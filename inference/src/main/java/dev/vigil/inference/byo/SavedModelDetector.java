package dev.vigil.inference.byo;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfig.Detector.Input;
import dev.vigil.config.SiteConfig.Detector.Role;
import dev.vigil.config.SiteConfigException;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.UndecodableFrameException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A site's own object detector: a TensorFlow SavedModel with the TF Object Detection API signature,
 * run on each frame in place of the built-in person and helmet models.
 *
 * <p>The signature takes one RGB image {@code [1, H, W, 3]} (uint8, or float32 with values 0..255)
 * and returns {@code detection_boxes} {@code [1, N, 4]} (normalised ymin, xmin, ymax, xmax), {@code
 * detection_classes} {@code [1, N]}, {@code detection_scores} {@code [1, N]} and, optionally,
 * {@code num_detections} {@code [1]}: only the first {@code num_detections} rows count. The frame
 * is decoded with OpenCV, converted to RGB and, when {@code input_size} is set, resized so that its
 * long side has that many pixels (no padding, so the boxes stay normalised to the frame).
 * Detections scoring at least {@code min_score} are mapped by class id to person, head and helmet
 * and assembled into people as {@link PeopleAssembler} describes.
 *
 * <p>Ownership and lifecycle: owns its {@link SavedModelBundle} (graph and session) and releases it
 * in {@link #close()}. Thread safety: {@link #analyze} may be called from several threads at once
 * (the session is thread-safe and every call uses its own tensors and buffers); {@link #close()}
 * must not race with it.
 */
public final class SavedModelDetector implements FrameAnalyzer {

  /** The tag a serving SavedModel is exported with. */
  public static final String TAG = "serve";

  static final String BOXES = "detection_boxes";
  static final String CLASSES = "detection_classes";
  static final String SCORES = "detection_scores";
  static final String COUNT = "num_detections";

  private final SavedModelBundle bundle;
  private final Session session;
  private final SiteConfig.Detector config;
  private final String inputName;
  private final String boxesName;
  private final String classesName;
  private final String scoresName;
  private final String countName;

  private SavedModelDetector(SavedModelBundle bundle, SiteConfig.Detector config) {
    this.bundle = bundle;
    this.session = bundle.session();
    this.config = config;
    Signature signature = signature(bundle, config);
    String where = "signature " + config.signature() + " of " + config.savedModel();
    Map<String, Signature.TensorDescription> inputs = signature.getInputs();
    if (inputs.size() != 1) {
      throw new InferenceException(
          where
              + " takes "
              + inputs.size()
              + " inputs "
              + inputs.keySet()
              + ", expected one image [1, H, W, 3]. Export the model with a single image input.");
    }
    Map.Entry<String, Signature.TensorDescription> in = inputs.entrySet().iterator().next();
    DataType expected = config.input() == Input.UINT8 ? DataType.DT_UINT8 : DataType.DT_FLOAT;
    DataType actual = in.getValue().dataType;
    if (actual != expected) {
      String fix =
          actual == DataType.DT_UINT8
              ? "Set model.detector.input: uint8."
              : actual == DataType.DT_FLOAT
                  ? "Set model.detector.input: float32."
                  : "Export the model with a uint8 or float32 image input.";
      throw new InferenceException(
          where
              + " takes its image "
              + in.getKey()
              + " as "
              + actual
              + ", but model.detector.input is "
              + config.input().yamlName()
              + ". "
              + fix);
    }
    this.inputName = in.getValue().name;
    Map<String, Signature.TensorDescription> outputs = signature.getOutputs();
    this.boxesName = output(outputs, BOXES, where);
    this.classesName = output(outputs, CLASSES, where);
    this.scoresName = output(outputs, SCORES, where);
    Signature.TensorDescription count = outputs.get(COUNT);
    this.countName = count == null ? null : count.name;
  }

  /**
   * Loads the SavedModel that {@code config} names.
   *
   * @param intraOpThreads TensorFlow intra-op threads (process-wide: the first session wins)
   * @throws SiteConfigException when the folder or its {@code saved_model.pb} is missing
   * @throws InferenceException when TensorFlow cannot load the model, or its signature is not the
   *     Object Detection API's
   */
  public static SavedModelDetector open(SiteConfig.Detector config, int intraOpThreads) {
    String problem = SavedModelFolder.problem(config);
    if (problem != null) {
      throw new SiteConfigException(List.of(problem));
    }
    ConfigProto proto =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(Math.max(0, intraOpThreads))
            .setInterOpParallelismThreads(1)
            .build();
    SavedModelBundle bundle;
    try {
      bundle =
          SavedModelBundle.loader(config.savedModel()).withTags(TAG).withConfigProto(proto).load();
    } catch (RuntimeException e) {
      throw new InferenceException(
          "TensorFlow cannot load the SavedModel in "
              + config.savedModel()
              + " with tag \""
              + TAG
              + "\": "
              + e.getMessage()
              + ". Export it for serving (tf.saved_model.save, or the Object Detection API's"
              + " exporter_main_v2.py).",
          e);
    }
    try {
      return new SavedModelDetector(bundle, config);
    } catch (RuntimeException e) {
      bundle.close();
      throw e;
    }
  }

  /** The configuration this detector runs with. */
  public SiteConfig.Detector config() {
    return config;
  }

  private static Signature signature(SavedModelBundle bundle, SiteConfig.Detector config) {
    String key = config.signature();
    List<String> keys = new ArrayList<>();
    for (Signature s : bundle.signatures()) {
      if (s.key().equals(key)) {
        return s;
      }
      keys.add(s.key());
    }
    throw new InferenceException(
        "The SavedModel in "
            + config.savedModel()
            + " has no signature \""
            + key
            + "\"; it has "
            + keys
            + ". Set model.detector.signature to one of them.");
  }

  private static String output(
      Map<String, Signature.TensorDescription> outputs, String key, String where) {
    Signature.TensorDescription d = outputs.get(key);
    if (d == null) {
      throw new InferenceException(
          where
              + " has no output "
              + key
              + "; its outputs are "
              + outputs.keySet()
              + ". Export a model with the TF Object Detection API outputs detection_boxes,"
              + " detection_classes, detection_scores and num_detections.");
    }
    return d.name;
  }

  @Override
  public FrameAnalysis analyze(byte[] encodedImage) {
    if (encodedImage == null || encodedImage.length == 0) {
      throw new UndecodableFrameException("Frame is empty: 0 bytes, expected a JPEG");
    }
    long t0 = System.nanoTime();
    try (BytePointer bytes = new BytePointer(encodedImage);
        Mat buf = new Mat(1, encodedImage.length, CV_8UC1, bytes);
        Mat bgr = decode(buf, encodedImage);
        Mat rgb = new Mat()) {
      long t1 = System.nanoTime();
      int width = bgr.cols();
      int height = bgr.rows();
      cvtColor(bgr, rgb, COLOR_BGR2RGB);
      try (Tensor input = inputTensor(rgb)) {
        long t2 = System.nanoTime();
        List<Detection> detections = run(input);
        long t3 = System.nanoTime();
        List<Person> people = PeopleAssembler.people(detections);
        return new FrameAnalysis(
            width,
            height,
            people,
            Map.of(
                "decode", (t1 - t0) / 1e6,
                "preprocess", (t2 - t1) / 1e6,
                "model", (t3 - t2) / 1e6));
      }
    }
  }

  private static Mat decode(Mat buf, byte[] encodedImage) {
    Mat bgr;
    try {
      bgr = imdecode(buf, IMREAD_COLOR);
    } catch (RuntimeException e) {
      // OpenCV reports its own errors as plain RuntimeExceptions.
      throw new UndecodableFrameException(
          "Frame of " + encodedImage.length + " bytes cannot be decoded: " + e.getMessage());
    }
    if (bgr == null || bgr.empty()) {
      if (bgr != null) {
        bgr.close();
      }
      StringBuilder head = new StringBuilder("0x");
      for (int i = 0; i < Math.min(4, encodedImage.length); i++) {
        head.append(String.format("%02x", encodedImage[i] & 0xff));
      }
      throw new UndecodableFrameException(
          "Frame of "
              + encodedImage.length
              + " bytes is not an image OpenCV can decode (starts with "
              + head
              + ")");
    }
    return bgr;
  }

  /** The model input for an RGB frame; the caller closes it. */
  private Tensor inputTensor(Mat rgb) {
    try (Mat sized = resized(rgb);
        Mat floats = new Mat()) {
      int w = sized.cols();
      int h = sized.rows();
      long n = (long) w * h * 3;
      Shape shape = Shape.of(1, h, w, 3);
      if (config.input() == Input.UINT8) {
        TUint8 t = TUint8.tensorOf(shape);
        ByteBuffer pixels = sized.createBuffer();
        DataBuffers.of(pixels).copyTo(t.asRawTensor().data(), n);
        return t;
      }
      sized.convertTo(floats, CV_32FC3);
      TFloat32 t = TFloat32.tensorOf(shape);
      FloatBuffer pixels = floats.createBuffer();
      DataBuffers.of(pixels).copyTo(t.asRawTensor().data().asFloats(), n);
      return t;
    }
  }

  /** The frame resized to {@code input_size} on its long side, or a copy of it. */
  private Mat resized(Mat rgb) {
    int size = config.inputSize();
    int w = rgb.cols();
    int h = rgb.rows();
    if (size <= 0 || Math.max(w, h) == size) {
      return rgb.clone();
    }
    double scale = (double) size / Math.max(w, h);
    int rw = Math.max(1, (int) Math.round(w * scale));
    int rh = Math.max(1, (int) Math.round(h * scale));
    Mat out = new Mat();
    try (Size s = new Size(rw, rh)) {
      resize(rgb, out, s, 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
    }
    return out;
  }

  private List<Detection> run(Tensor input) {
    Session.Runner runner =
        session
            .runner()
            .feed(inputName, input)
            .fetch(boxesName)
            .fetch(classesName)
            .fetch(scoresName);
    if (countName != null) {
      runner.fetch(countName);
    }
    try (Result result = runner.run()) {
      float[] boxes = floats(result.get(0), BOXES);
      float[] classes = floats(result.get(1), CLASSES);
      float[] scores = floats(result.get(2), SCORES);
      int n = scores.length;
      if (classes.length != n || boxes.length != 4 * n) {
        throw new InferenceException(
            "The detector returned "
                + boxes.length
                + " box values, "
                + classes.length
                + " classes and "
                + n
                + " scores; expected 4 box values, one class and one score per detection.");
      }
      if (countName != null) {
        float[] count = floats(result.get(3), COUNT);
        if (count.length > 0) {
          n = Math.max(0, Math.min(n, Math.round(count[0])));
        }
      }
      List<Detection> detections = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        double score = scores[i];
        Role role = config.classes().getOrDefault(Math.round(classes[i]), Role.IGNORE);
        if (role == Role.IGNORE || !(score >= config.minScore())) {
          continue;
        }
        int b = 4 * i;
        Box box =
            new Box(clamp(boxes[b + 1]), clamp(boxes[b]), clamp(boxes[b + 3]), clamp(boxes[b + 2]));
        if (box.area() > 0) {
          detections.add(new Detection(box, role, score));
        }
      }
      return detections;
    }
  }

  /** The values of a numeric output, flattened. */
  private static float[] floats(Tensor t, String key) {
    long size = t.shape().size();
    if (size > Integer.MAX_VALUE) {
      throw new InferenceException(key + " has " + size + " values, too many");
    }
    int n = (int) size;
    float[] out = new float[n];
    if (t instanceof TFloat32 f) {
      f.copyTo(DataBuffers.of(out, false, false));
    } else if (t instanceof TFloat64 d) {
      double[] v = new double[n];
      d.copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = (float) v[i];
      }
    } else if (t instanceof TInt64 l) {
      long[] v = new long[n];
      l.copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = v[i];
      }
    } else if (t instanceof TInt32 in) {
      int[] v = new int[n];
      in.copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = v[i];
      }
    } else {
      throw new InferenceException(
          key + " is of type " + t.dataType() + "; expected float32, float64, int32 or int64.");
    }
    return out;
  }

  private static float clamp(float v) {
    return Math.min(1f, Math.max(0f, v));
  }

  @Override
  public void close() {
    bundle.close();
  }
}
