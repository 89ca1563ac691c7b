/**
 * Bring your own detector: runs a site's own object detector, exported as a TensorFlow SavedModel
 * with the TF Object Detection API outputs, in place of the built-in person and helmet models.
 * {@link dev.vigil.inference.byo.Detectors} picks the analyzer that {@code model.detector} in the
 * site configuration asks for; {@link dev.vigil.inference.byo.SavedModelDetector} runs the model
 * and turns its person, head and helmet boxes into {@link dev.vigil.config.Person}s, so the rest of
 * Vigil works unchanged.
 */
package dev.vigil.inference.byo;
