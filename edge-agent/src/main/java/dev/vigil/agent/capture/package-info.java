/**
 * Capture: {@link dev.vigil.agent.capture.FrameSource} and its implementations (FFmpeg for files,
 * RTSP, HTTP and V4L2; OpenCV for image folders), and the factory that picks one from a camera's
 * {@code source} string.
 */
package dev.vigil.agent.capture;
