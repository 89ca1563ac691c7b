package dev.vigil.inference.vlm;

import dev.vigil.config.VlmAnswer;

/**
 * What one call to the model gave: a validated answer, or {@code unknown} with the reason. Never
 * thrown: every failure of the call is an unknown reply.
 *
 * @param verdict {@link VlmAnswer#YES}, {@link VlmAnswer#NO}, {@link VlmAnswer#NUMBER} or {@link
 *     VlmAnswer#UNKNOWN}
 * @param value 1 for yes, 0 for no, the number, or null for unknown
 * @param confidence the model's confidence 0..1, or null
 * @param reason the model's reason, or why the reply is unknown
 * @param error null for an answer, else a short code: {@link #TIMEOUT}, {@link #RATE_LIMITED},
 *     {@link #SERVER_ERROR}, {@link #UNAUTHORIZED}, {@link #UNREACHABLE}, {@link #HTTP_ERROR},
 *     {@link #MALFORMED}, {@link #PROSE}, {@link #REFUSAL}, {@link #CANNOT_TELL}, {@link
 *     #LOW_CONFIDENCE}
 * @param httpStatus the HTTP status, or 0 when there was no response
 * @param retryAfterMs for 429 (and 503), how long the server asked us to wait; else 0
 * @param latencyS seconds the call took
 * @param promptTokens tokens the server counted for the request, or null
 * @param completionTokens tokens the server counted for the answer, or null
 */
public record VlmReply(
    String verdict,
    Double value,
    Double confidence,
    String reason,
    String error,
    int httpStatus,
    long retryAfterMs,
    double latencyS,
    Integer promptTokens,
    Integer completionTokens) {
  public static final String TIMEOUT = "timeout";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String SERVER_ERROR = "server_error";
  public static final String UNAUTHORIZED = "unauthorized";
  public static final String UNREACHABLE = "unreachable";
  public static final String HTTP_ERROR = "http_error";
  public static final String MALFORMED = "malformed";
  public static final String PROSE = "prose";
  public static final String REFUSAL = "refusal";
  public static final String CANNOT_TELL = "cannot_tell";
  public static final String LOW_CONFIDENCE = "low_confidence";

  /** An unknown reply for a call that was not made, with {@code reason}. */
  public static VlmReply unknownOf(String error, String reason) {
    return unknown(error, reason, 0);
  }

  /** An unknown reply with no HTTP response behind it. */
  static VlmReply unknown(String error, String reason, double latencyS) {
    return new VlmReply(VlmAnswer.UNKNOWN, null, null, reason, error, 0, 0, latencyS, null, null);
  }

  public boolean unknown() {
    return VlmAnswer.UNKNOWN.equals(verdict);
  }

  /**
   * True when the failure says the model cannot be reached at all (as opposed to one bad answer).
   */
  public boolean unreachable() {
    return unreachable(error);
  }

  /** True when the failure code {@code error} says the model cannot be reached at all. */
  public static boolean unreachable(String error) {
    return UNAUTHORIZED.equals(error) || UNREACHABLE.equals(error);
  }

  VlmReply withHttp(int status, long retryAfterMs, double latencyS) {
    return new VlmReply(
        verdict,
        value,
        confidence,
        reason,
        error,
        status,
        retryAfterMs,
        latencyS,
        promptTokens,
        completionTokens);
  }
}
