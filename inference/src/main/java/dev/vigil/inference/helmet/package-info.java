/**
 * Head and helmet perception: the helmet classifier (a small CNN on head crops, trained and run in
 * TensorFlow Java), its trainer, the Pascal VOC reader for the {@code hardhat} dataset, and the
 * evaluation (head matching and metrics) behind {@code vigil eval}.
 *
 * <p>Owns the native resources of the helmet model ({@link
 * dev.vigil.inference.helmet.HelmetClassifier}). Depends on nothing in {@code vision}; {@code
 * vision} uses it to give each person a head and a helmet judgement.
 */
package dev.vigil.inference.helmet;
