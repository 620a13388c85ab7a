/** SCTP (RFC 9260) for WebRTC data channels: packets, association, DCEP. Pure: no sockets, no clock. */
export * from './crc32c';
export * from './packet';
export * from './association';
export * from './dcep';
