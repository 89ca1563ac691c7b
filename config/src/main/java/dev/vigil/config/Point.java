package dev.vigil.config;

/** A point in normalised image coordinates (0..1, origin top-left). */
public record Point(double x, double y) {}
