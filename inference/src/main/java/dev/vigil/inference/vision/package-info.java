/**
 * Person perception on frames: JPEG decode with OpenCV, letterboxing, the MoveNet MultiPose pose
 * detector in TensorFlow Java, and mapping its poses back to {@link dev.vigil.config.Person}s. Owns
 * the native resources (TensorFlow graph and session) of the person model.
 */
package dev.vigil.inference.vision;
