export * from './demux.js';
