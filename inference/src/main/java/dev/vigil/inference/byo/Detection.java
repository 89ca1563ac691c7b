package dev.vigil.inference.byo;

import dev.vigil.config.Box;
import dev.vigil.config.SiteConfig.Detector.Role;

/**
 * One box the detector found, after its class id was mapped to a role.
 *
 * @param box the box, normalised to the frame
 * @param role what the class id stands for
 * @param score the detector's confidence, 0..1
 */
record Detection(Box box, Role role, double score) {}
