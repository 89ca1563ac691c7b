package dev.vigil.inference;

/**
 * Turns one encoded frame into what the model sees in it. This is the whole per-frame vision
 * pipeline: decode, preprocess, run the model, postprocess.
 *
 * <p>Implementations own native resources (a TensorFlow session, OpenCV buffers) and must be
 * closed. {@link #analyze} is safe to call from several threads at once unless the implementation
 * says otherwise.
 */
public interface FrameAnalyzer extends AutoCloseable {

  /**
   * Analyses one JPEG (or any image OpenCV decodes).
   *
   * @throws UndecodableFrameException when the bytes are not a decodable image
   */
  FrameAnalysis analyze(byte[] encodedImage);

  /**
   * Like {@link #analyze(byte[])}, with a camera's own smallest head (long side, pixels) to judge
   * for a helmet: smaller heads are reported with an unknown helmet. 0 takes the analyzer's
   * default. Analyzers that judge no heads themselves ignore it.
   *
   * @throws UndecodableFrameException when the bytes are not a decodable image
   */
  default FrameAnalysis analyze(byte[] encodedImage, int minHeadPx) {
    return analyze(encodedImage);
  }

  @Override
  void close();
}
