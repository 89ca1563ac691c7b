package dev.vigil.processor.vlm;

import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.vlm.VlmReply;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Decides each prompt's {@code model_status}, the one place that does, from the answers on {@code
 * vigil.vlm-answers}: those of every processor instance, since each writes every call's outcome
 * there, failures included. A prompt is "model unreachable: ..." while the last call about any of
 * its cameras could not reach the model (401, connection refused), else "ok". Kept per camera
 * because answers of one camera are ordered on their partition while those of different cameras are
 * not, so the status does not depend on the order partitions are read in. Thread-safe.
 */
public final class ModelHealth {
  /** The status of a prompt whose model was reached on its last call, or never called yet. */
  public static final String OK = "ok";

  /** Prompt id to the cameras whose last call failed, each with why. */
  private final Map<String, NavigableMap<String, String>> failing = new ConcurrentHashMap<>();

  /** Takes one answer read back from {@code vigil.vlm-answers}. */
  public void note(VlmAnswer a) {
    NavigableMap<String, String> cameras =
        failing.computeIfAbsent(a.promptId(), p -> new ConcurrentSkipListMap<>());
    if (VlmReply.unreachable(a.error())) {
      cameras.put(a.camera(), a.reason());
    } else {
      cameras.remove(a.camera());
    }
  }

  /**
   * {@link #OK}, or "model unreachable: {reason} (camera {id})" naming the first camera, by id,
   * whose last call failed.
   */
  public String status(String promptId) {
    NavigableMap<String, String> cameras = failing.get(promptId);
    Map.Entry<String, String> first = cameras == null ? null : cameras.firstEntry();
    if (first == null) {
      return OK;
    }
    String more = cameras.size() > 1 ? " and " + (cameras.size() - 1) + " more" : "";
    return "model unreachable: " + first.getValue() + " (camera " + first.getKey() + more + ")";
  }
}
