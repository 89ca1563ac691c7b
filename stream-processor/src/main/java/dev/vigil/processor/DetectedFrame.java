package dev.vigil.processor;

import dev.vigil.config.Person;
import java.util.List;
import java.util.Map;

/** A frame after the model, before tracking and zones. Passed between processors, never stored. */
record DetectedFrame(
    long seq, int width, int height, List<Person> people, Map<String, Double> timingsMs) {}
