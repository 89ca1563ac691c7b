package dev.vigil.processor.vlm;

import dev.vigil.config.VlmAnswer;

/** Answers as {@code vigil.vlm-answers} holds them, for the tests to read back. */
public final class TestAnswers {
  private TestAnswers() {}

  /** The model's yes to asking {@code promptId} (as {@code meaning}) about one frame. */
  public static VlmAnswer yes(String camera, String promptId, String meaning, long frameTime) {
    return answer(camera, promptId, meaning, frameTime, VlmAnswer.YES, 1.0, null, "r");
  }

  /** A call about one frame that failed with {@code error}, for {@code reason}. */
  public static VlmAnswer failed(
      String camera, String promptId, long frameTime, String error, String reason) {
    return answer(camera, promptId, "m: q", frameTime, VlmAnswer.UNKNOWN, null, error, reason);
  }

  private static VlmAnswer answer(
      String camera,
      String promptId,
      String meaning,
      long frameTime,
      String verdict,
      Double value,
      String error,
      String reason) {
    return new VlmAnswer(
        VlmAnswer.SCHEMA,
        VlmAnswer.requestId(VlmAnswer.ASK, camera, promptId, meaning, frameTime),
        camera,
        promptId,
        meaning,
        frameTime,
        VlmAnswer.ASK,
        null,
        "m",
        verdict,
        value,
        null,
        reason,
        error,
        1.0,
        null,
        null,
        null);
  }
}
