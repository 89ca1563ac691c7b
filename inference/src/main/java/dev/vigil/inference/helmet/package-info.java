/**
 * Head and helmet perception: the helmet classifier (a small CNN on head crops) and the head
 * detector for crowds (a small CenterNet-style network), both trained and run in TensorFlow Java
 * with weights committed beside this package; their trainers; the Pascal VOC reader for the {@code
 * hardhat} dataset with the project's fixed validation split; and the evaluation (greedy head
 * matching and metrics) behind {@code vigil eval}.
 *
 * <p>Owns the native resources of those two models ({@link
 * dev.vigil.inference.helmet.HelmetClassifier}, {@link dev.vigil.inference.helmet.HeadDetector}).
 * Depends on nothing in {@code vision}; {@code vision} uses it to give each person a head and a
 * helmet judgement.
 */
package dev.vigil.inference.helmet;
