// Codec payload descriptors used by the worker for key frame detection and layer switching.
export * from './vp8.js';
export * from './vp9.js';
export * from './h264.js';
export * from './av1.js';
export * from './av1-dependency-descriptor.js';
export * from './opus.js';
