/**
 * From per-frame detections to a per-camera scene: anonymous tracking across frames, zone
 * membership with inertia, and the audio features that overlap each frame. State lives in {@link
 * dev.vigil.processor.scene.CameraState}, kept in a state store per camera.
 */
package dev.vigil.processor.scene;
