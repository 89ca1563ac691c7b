package dev.vigil.config;

import java.util.Objects;

/**
 * The Kafka topic names of one Vigil deployment. Immutable; the prefix defaults to {@code vigil.}.
 */
public record Topics(String prefix) {
  public static final String DEFAULT_PREFIX = "vigil.";

  public Topics {
    Objects.requireNonNull(prefix, "prefix");
  }

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  public String frames() {
    return prefix + "frames";
  }

  public String audio() {
    return prefix + "audio";
  }

  /**
   * Keyed by camera: {@link AudioFeatures} JSON per snippet of about a second, computed on the
   * camera host, so no sound that could carry speech leaves it.
   */
  public String audioFeatures() {
    return prefix + "audio-features";
  }

  public String prompts() {
    return prefix + "prompts";
  }

  public String promptStatus() {
    return prefix + "prompt-status";
  }

  public String observations() {
    return prefix + "observations";
  }

  public String violations() {
    return prefix + "violations";
  }

  /** Compacted, keyed by camera: each camera's {@link CameraStatus} (online or offline). */
  public String cameraStatus() {
    return prefix + "camera-status";
  }

  /**
   * Keyed by camera: {@link VlmAnswer} JSON, the multimodal model's answers, stamped with the time
   * of the frame asked about; replays reuse them instead of calling the model again.
   */
  public String vlmAnswers() {
    return prefix + "vlm-answers";
  }

  public String dlq() {
    return prefix + "dlq";
  }
}
