/**
 * A consumer forwards the packets of its media payload types only (a bit per payload type,
 * 0-127, in four 32-bit words): every boundary of the words, and nothing of a type it did not
 * negotiate (e.g. the RTX type).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as ortc from '../../../src/ortc';
import { Producer } from '../../../src/worker/engine/Producer';
import { Consumer } from '../../../src/worker/engine/Consumer';
import { nowMs } from '../../../src/worker/engine/media';
import { RtpPacket } from '../../../src/proto/rtp/rtpPacket';
import { engineRouter } from './engineDoubles';

test('consumer: packets of its media payload types go out, others do not (0-127, word boundaries)', () => {
	const { send, recv } = engineRouter();
	const caps = ortc.generateRouterRtpCapabilities([{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }]);
	const producerParameters: any = {
		codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
		headerExtensions: [],
		encodings: [{ ssrc: 1111 }],
		rtcp: { cname: 'audio' },
	};
	const rtpMapping = ortc.getProducerRtpParametersMapping(producerParameters, caps);
	const consumable = ortc.getConsumableRtpParameters('audio', producerParameters, caps, rtpMapping);

	new Producer('p', { producerId: 'p', kind: 'audio', rtpParameters: producerParameters, rtpMapping, paused: false }, send);

	const supported = [0, 31, 32, 63, 64, 95, 96, 127];
	const consumer = new Consumer(
		'c',
		{
			consumerId: 'c',
			producerId: 'p',
			kind: 'audio',
			rtpParameters: {
				codecs: [
					...supported.map((payloadType) => ({ mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2, rtcpFeedback: [] })),
					{ mimeType: 'audio/rtx', payloadType: 50, clockRate: 48000, parameters: { apt: 0 }, rtcpFeedback: [] },
				],
				headerExtensions: [],
				encodings: [{ ssrc: 2222 }],
				rtcp: { cname: 'audio' },
			},
			type: 'simple',
			consumableRtpEncodings: consumable.encodings!,
		},
		recv,
	);

	assert.deepEqual(consumer.supportedCodecPayloadTypes, supported);

	for (let pt = 0; pt < 128; pt++) {
		const buf = Buffer.alloc(12 + 20);

		buf[0] = 0x80;
		buf[1] = pt;
		buf.writeUInt16BE(pt, 2);
		buf.writeUInt32BE(1000 + pt * 960, 4);
		buf.writeUInt32BE(1111, 8);
		consumer.onProducerRtpPacket(RtpPacket.parse(buf)!, 0, false, nowMs());
	}

	assert.deepEqual(
		recv.media().map((packet) => packet.payloadType),
		supported,
	);
	assert.ok(recv.media().every((packet) => packet.ssrc === 2222));
});
