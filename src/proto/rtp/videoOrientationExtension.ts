import type { RtpPacket } from './rtpPacket.js';

/**
 * Coordination of Video Orientation (3GPP TS 26.114 §7.4.5, urn:3gpp:video-orientation):
 * one byte `0 0 0 0 C F R1 R0`. C: camera (0 front, 1 back); F: horizontal flip; R1R0:
 * rotation of the video as sent, 0/90/180/270 degrees counter-clockwise, which the receiver
 * compensates. RFC 7742 §4 requires WebRTC endpoints to honour R0/R1.
 */
export const VIDEO_ORIENTATION_URI = 'urn:3gpp:video-orientation';

/** The raw byte, or `undefined` if absent; decode with the helpers below. */
export function getVideoOrientation(packet: RtpPacket, id: number): number | undefined {
	const o = packet.getExtensionOffset(id, 1);
	if (o < 0) return undefined;
	return packet.buffer[o];
}

/** True for the back-facing camera. */
export function videoOrientationBackCamera(value: number): boolean {
	return (value & 0x08) !== 0;
}

export function videoOrientationFlip(value: number): boolean {
	return (value & 0x04) !== 0;
}

/** Rotation in degrees counter-clockwise: 0, 90, 180 or 270. */
export function videoOrientationRotation(value: number): number {
	return (value & 0x03) * 90;
}

/** Encodes the byte; `rotation` in degrees counter-clockwise (0, 90, 180 or 270). */
export function encodeVideoOrientation(backCamera: boolean, flip: boolean, rotation: number): number {
	if (rotation !== 0 && rotation !== 90 && rotation !== 180 && rotation !== 270) {
		throw new RangeError('rotation must be 0, 90, 180 or 270');
	}
	return (backCamera ? 0x08 : 0) | (flip ? 0x04 : 0) | (rotation / 90);
}

export function setVideoOrientation(packet: RtpPacket, id: number, value: number): void {
	const o = packet.reserveExtension(id, 1);
	packet.buffer[o] = value & 0x0f;
}
