/**
 * Capture: {@link dev.vigil.agent.capture.FrameSource} and its implementations (FFmpeg for files,
 * RTSP, HTTP and V4L2; OpenCV for image folders), and the factory that picks one from a camera's
 * {@code source} string; also the agent's clock and its one exception, which capture, the pipeline
 * and the root package share (here, at the bottom, so the packages form no cycle).
 */
package dev.vigil.agent.capture;
