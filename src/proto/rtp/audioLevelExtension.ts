import type { RtpPacket } from './rtpPacket.js';

/**
 * Client-to-mixer audio level (RFC 6464 §3): one byte, V (voice activity) in the top bit and
 * the level in -dBov (0 = loudest, 127 = silence) below it.
 */
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/** Level in -dBov (0-127), or `undefined` if absent. */
export function getAudioLevel(packet: RtpPacket, id: number): number | undefined {
	const o = packet.getExtensionOffset(id, 1);
	if (o < 0) return undefined;
	return packet.buffer[o] & 0x7f;
}

/** The V bit, or `undefined` if absent. Meaningful only if vad=on was negotiated (§4). */
export function getVoiceActivity(packet: RtpPacket, id: number): boolean | undefined {
	const o = packet.getExtensionOffset(id, 1);
	if (o < 0) return undefined;
	return (packet.buffer[o] & 0x80) !== 0;
}

export function setAudioLevel(packet: RtpPacket, id: number, level: number, voice: boolean): void {
	if (!(level >= 0 && level <= 127)) throw new RangeError('audio level must be 0-127');
	const o = packet.reserveExtension(id, 1);
	packet.buffer[o] = (voice ? 0x80 : 0) | level;
}
