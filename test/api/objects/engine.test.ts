/**
 * The worker-side objects alone: a Router with a recording channel and a
 * stand-in transport owner, driven through the same requests the
 * application sends. Parameters come from src/ortc, as the API computes them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as ortc from '../../../src/ortc';
import { Router } from '../../../src/worker/engine/Router';
import { Producer } from '../../../src/worker/engine/Producer';
import { Consumer } from '../../../src/worker/engine/Consumer';
import { DataProducer } from '../../../src/worker/engine/DataProducer';
import { DataConsumer, normalizeSubchannels } from '../../../src/worker/engine/DataConsumer';
import type { RequestHandler } from '../../../src/worker/channel';
import type { TransportOwner } from '../../../src/worker/engine/types';
import {
	audioProducerParameters,
	consumerDeviceCapabilities,
	mediaCodecs,
	svcProducerParameters,
	videoProducerParameters,
} from './fixtures';

class RecordingChannel {
	readonly handlers = new Map<string, RequestHandler>();
	readonly events: { targetId: string; event: string; data?: unknown }[] = [];

	register(id: string, handler: RequestHandler): void {
		if (this.handlers.has(id)) {
			throw new Error(`handler with id "${id}" already exists`);
		}
		this.handlers.set(id, handler);
	}

	has(id: string): boolean {
		return this.handlers.has(id);
	}

	unregister(id: string): void {
		this.handlers.delete(id);
	}

	handlerIds(): string[] {
		return [...this.handlers.keys()];
	}

	emit(targetId: string, event: string, data?: unknown): void {
		this.events.push({ targetId, event, data });
	}

	log(): void {}

	/** What the real channel does with a request: find the handler or fail. */
	request(handlerId: string, method: string, data?: unknown): unknown {
		const handler = this.handlers.get(handlerId);

		if (!handler) {
			throw new Error(`handler not found [method:${method}, handlerId:${handlerId}]`);
		}

		return handler.handleRequest(method, data);
	}

	notify(handlerId: string, event: string, data?: unknown): void {
		this.handlers.get(handlerId)?.handleNotification?.(event, data);
	}

	eventsFor(targetId: string): string[] {
		return this.events.filter((e) => e.targetId === targetId).map((e) => e.event);
	}
}

type FakeOwner = TransportOwner & { closed: { kind: string; id: string }[] };

function setup() {
	const channel = new RecordingChannel();
	const ctx = { channel: channel as any, settings: {} as any, identity: {} as any, webRtcServers: new Map() };
	const router = new Router('router-1', ctx);
	const makeOwner = (id: string): FakeOwner => {
		const closed: { kind: string; id: string }[] = [];

		return {
			id,
			router,
			ctx,
			closed,
			onProducerClosed: (p) => closed.push({ kind: 'producer', id: p.id }),
			onConsumerClosed: (c) => closed.push({ kind: 'consumer', id: c.id }),
			onDataProducerClosed: (d) => closed.push({ kind: 'dataProducer', id: d.id }),
			onDataConsumerClosed: (d) => closed.push({ kind: 'dataConsumer', id: d.id }),
		};
	};
	const caps = ortc.generateRouterRtpCapabilities(mediaCodecs);

	return { channel, router, caps, owner1: makeOwner('transport-1'), owner2: makeOwner('transport-2') };
}

function produce(
	env: ReturnType<typeof setup>,
	id: string,
	kind: 'audio' | 'video',
	rtpParameters: any,
	paused = false,
) {
	const rtpMapping = ortc.getProducerRtpParametersMapping(rtpParameters, env.caps);
	const consumable = ortc.getConsumableRtpParameters(kind, rtpParameters, env.caps, rtpMapping);
	const producer = new Producer(id, { producerId: id, kind, rtpParameters, rtpMapping, paused }, env.owner1);

	return { producer, consumable };
}

function consume(
	env: ReturnType<typeof setup>,
	id: string,
	producerId: string,
	consumable: any,
	{ pipe = false, paused = false, preferredLayers = undefined as any, type = undefined as any } = {},
) {
	const rtpParameters = pipe
		? ortc.getPipeConsumerRtpParameters({ consumableRtpParameters: consumable, enableRtx: false })
		: ortc.getConsumerRtpParameters({
				consumableRtpParameters: consumable,
				remoteRtpCapabilities: consumerDeviceCapabilities,
				pipe: false,
				enableRtx: true,
			});
	const producer = env.router.getProducer(producerId) as Producer | undefined;

	return new Consumer(
		id,
		{
			consumerId: id,
			producerId,
			kind: producer?.kind ?? 'audio',
			rtpParameters,
			type: type ?? (pipe ? 'pipe' : (producer?.type ?? 'simple')),
			consumableRtpEncodings: consumable.encodings,
			paused,
			preferredLayers,
		},
		env.owner2,
	);
}

test('engine Producer: type from encodings, normalized dump, no stats before media', () => {
	const env = setup();
	const { producer: audio } = produce(env, 'pa', 'audio', audioProducerParameters());
	const { producer: video } = produce(env, 'pv', 'video', videoProducerParameters());
	const { producer: svc } = produce(env, 'ps', 'video', svcProducerParameters());

	assert.equal(audio.type, 'simple');
	assert.equal(video.type, 'simulcast');
	assert.equal(svc.type, 'svc');

	const dump = env.channel.request('pv', 'producer.dump') as any;

	assert.equal(dump.id, 'pv');
	assert.equal(dump.kind, 'video');
	assert.equal(dump.type, 'simulcast');
	assert.equal(dump.paused, false);
	assert.deepEqual(dump.traceEventTypes, []);
	assert.equal(dump.rtpStreams, undefined);
	// The worker spells MIME types canonically and drops empty feedback parameters.
	assert.equal(dump.rtpParameters.codecs[0].mimeType, 'video/H264');
	assert.deepEqual(dump.rtpParameters.codecs[0].rtcpFeedback, [
		{ type: 'nack', parameter: undefined },
		{ type: 'nack', parameter: 'pli' },
		{ type: 'goog-remb', parameter: undefined },
	]);
	assert.deepEqual(dump.rtpParameters.codecs[1].rtcpFeedback, []);
	assert.deepEqual(dump.rtpParameters.headerExtensions[1], {
		uri: 'urn:3gpp:video-orientation',
		id: 13,
		encrypt: false,
		parameters: {},
	});
	assert.deepEqual(
		dump.rtpParameters.encodings.map((e: any) => [e.codecPayloadType, e.ssrc, e.rtx?.ssrc, e.scalabilityMode]),
		[
			[112, 22222222, 22222223, 'L1T5'],
			[112, 22222224, 22222225, 'L1T5'],
			[112, 22222226, 22222227, 'L1T5'],
			[112, 22222228, 22222229, 'L1T5'],
		],
	);
	assert.equal(dump.rtpMapping.encodings.length, 4);
	assert.deepEqual(env.channel.request('pv', 'producer.getStats'), []);
	assert.deepEqual(video.rtpStreamScores, [0, 0, 0, 0]);

	assert.deepEqual(
		env.router.dump(),
		{
			...(env.router.dump() as any),
			mapProducerIdConsumerIds: [
				{ key: 'pa', values: [] },
				{ key: 'pv', values: [] },
				{ key: 'ps', values: [] },
			],
		},
	);
});

test('engine Producer: encoding without codecPayloadType gets the first media codec', () => {
	const env = setup();
	const params = audioProducerParameters();

	delete params.encodings;
	params.encodings = [{}];
	produce(env, 'pa', 'audio', params);

	const dump = env.channel.request('pa', 'producer.dump') as any;

	assert.equal(dump.rtpParameters.encodings[0].codecPayloadType, 111);
});

test('engine Producer: invalid input and duplicate ids are refused', () => {
	const env = setup();
	const { consumable } = produce(env, 'pa', 'audio', audioProducerParameters());

	assert.ok(consumable);
	// Same id again.
	assert.throws(() => produce(env, 'pa', 'audio', audioProducerParameters()), /already exists/);

	// No MID, no ssrc, no rid: packets could not be matched.
	const params = audioProducerParameters();

	delete params.mid;
	params.encodings = [{}];
	assert.throws(() => produce(env, 'pb', 'audio', params), TypeError);

	const mapping = ortc.getProducerRtpParametersMapping(audioProducerParameters(), env.caps);

	assert.throws(
		() => new Producer('pc', { producerId: 'pc', kind: 'chicken' as any, rtpParameters: audioProducerParameters(), rtpMapping: mapping }, env.owner1),
		TypeError,
	);
	assert.throws(
		() =>
			new Producer(
				'pd',
				{ producerId: 'pd', kind: 'audio', rtpParameters: audioProducerParameters(), rtpMapping: { codecs: [], encodings: [] } },
				env.owner1,
			),
		TypeError,
	);
	// Nothing half-registered.
	assert.deepEqual(env.channel.handlerIds().sort(), ['pa', 'router-1']);
	assert.deepEqual([...env.router.producers.keys()], ['pa']);
});

test('engine Producer: pause/resume are idempotent and reach consumers once', () => {
	const env = setup();
	const { producer, consumable } = produce(env, 'pa', 'audio', audioProducerParameters());
	const consumer = consume(env, 'ca', 'pa', consumable);

	env.channel.request('pa', 'producer.pause');
	env.channel.request('pa', 'producer.pause');
	assert.equal(producer.paused, true);
	assert.equal(consumer.producerPaused, true);
	assert.equal((env.channel.request('pa', 'producer.dump') as any).paused, true);
	env.channel.request('pa', 'producer.resume');
	env.channel.request('pa', 'producer.resume');
	assert.equal(consumer.producerPaused, false);
	assert.deepEqual(env.channel.eventsFor('ca'), ['producerpause', 'producerresume']);

	// A consumer created while the producer is paused starts producerPaused.
	env.channel.request('pa', 'producer.pause');

	const late = consume(env, 'cb', 'pa', consumable);

	assert.equal(late.producerPaused, true);
	assert.equal((env.channel.request('cb', 'consumer.dump') as any).producerPaused, true);
});

test('engine Producer: enableTraceEvent keeps the known types only', () => {
	const env = setup();

	produce(env, 'pa', 'audio', audioProducerParameters());
	env.channel.request('pa', 'producer.enableTraceEvent', { types: ['rtp', 'pli', 'FOO'] });
	assert.deepEqual((env.channel.request('pa', 'producer.dump') as any).traceEventTypes, ['rtp', 'pli']);
	env.channel.request('pa', 'producer.enableTraceEvent', { types: [] });
	assert.deepEqual((env.channel.request('pa', 'producer.dump') as any).traceEventTypes, []);
	assert.throws(() => env.channel.request('pa', 'producer.enableTraceEvent', { types: 'rtp' }), TypeError);
});

test('engine Producer: direct RTP goes to the media hook', () => {
	const env = setup();
	const { producer } = produce(env, 'pa', 'audio', audioProducerParameters());
	const got: Buffer[] = [];

	producer.onDirectRtpPacket = (_p, packet) => got.push(packet);
	env.channel.notify('pa', 'producer.send', Buffer.from([0x80, 0x6f, 0, 1]));
	env.channel.notify('pa', 'producer.send', 'not binary');
	assert.equal(got.length, 1);
	assert.deepEqual([...got[0]], [0x80, 0x6f, 0, 1]);
});

test('engine Consumer: initial state as mediasoup (score, layers, producerScores)', () => {
	const env = setup();
	const { consumable: audioConsumable } = produce(env, 'pa', 'audio', audioProducerParameters());
	const { consumable: videoConsumable } = produce(env, 'pv', 'video', videoProducerParameters());
	const audio = consume(env, 'ca', 'pa', audioConsumable);
	const video = consume(env, 'cv', 'pv', videoConsumable, { paused: true, preferredLayers: { spatialLayer: 12, temporalLayer: 0 } });
	const videoDefault = consume(env, 'cv2', 'pv', videoConsumable);
	const pipe = consume(env, 'cp', 'pv', videoConsumable, { pipe: true });

	assert.equal(audio.type, 'simple');
	assert.deepEqual(audio.score, { score: 10, producerScore: 0, producerScores: [0] });
	assert.equal(audio.preferredLayers, undefined);
	assert.equal(video.type, 'simulcast');
	assert.equal(video.paused, true);
	assert.deepEqual(video.score, { score: 10, producerScore: 0, producerScores: [0, 0, 0, 0] });
	// Clamped to 4 streams (L4T5): spatial 0..3, temporal 0..4.
	assert.deepEqual(video.preferredLayers, { spatialLayer: 3, temporalLayer: 0 });
	assert.deepEqual(videoDefault.preferredLayers, { spatialLayer: 3, temporalLayer: 4 });
	assert.equal(pipe.type, 'pipe');
	assert.deepEqual(pipe.score, { score: 10, producerScore: 10, producerScores: [0, 0, 0, 0] });
	assert.equal(pipe.preferredLayers, undefined);

	const dump = env.channel.request('cv', 'consumer.dump') as any;

	assert.equal(dump.type, 'simulcast');
	assert.equal(dump.rtpParameters.encodings[0].scalabilityMode, 'L4T5');
	assert.equal(dump.consumableRtpEncodings.length, 4);
	assert.deepEqual(dump.supportedCodecPayloadTypes, [103]);
	assert.equal(dump.paused, true);
	assert.equal(dump.producerPaused, false);
	assert.equal(dump.priority, 1);
	assert.equal(dump.preferredSpatialLayer, 3);
	assert.equal(dump.preferredTemporalLayer, 0);
	assert.equal(dump.targetSpatialLayer, -1);
	assert.equal(dump.currentSpatialLayer, -1);
	assert.equal(dump.rtpStream.params.ssrc, video.rtpParameters.encodings[0].ssrc);
	assert.equal(dump.rtpStream.params.mimeType, 'video/H264');
	assert.equal(dump.rtpStream.params.useNack, true);
	assert.equal(dump.rtpStream.params.usePli, true);
	assert.equal(dump.rtpStream.params.useFir, true);
	assert.equal(dump.rtpStream.params.spatialLayers, 4);
	assert.equal(dump.rtpStream.params.temporalLayers, 5);
	assert.equal(dump.rtpStream.rtxStream.params.ssrc, video.rtpParameters.encodings[0].rtx.ssrc);
	assert.equal(dump.rtpStream.rtxStream.params.mimeType, 'video/rtx');

	const pipeDump = env.channel.request('cp', 'consumer.dump') as any;

	assert.equal(pipeDump.rtpStreams.length, 4);
	assert.deepEqual(pipeDump.rtpStreams.map((s: any) => s.params.encodingIdx), [0, 1, 2, 3]);

	const audioDump = env.channel.request('ca', 'consumer.dump') as any;

	assert.deepEqual(audioDump.supportedCodecPayloadTypes, [100]);
	assert.equal(audioDump.rtpStream.params.useInBandFec, true);
	assert.equal(audioDump.rtpStream.params.useDtx, true);
	assert.equal(audioDump.rtpStream.rtxStream, undefined);
});

test('engine Consumer: getStats gives one zeroed outbound-rtp entry per stream', () => {
	const env = setup();
	const { consumable } = produce(env, 'pv', 'video', videoProducerParameters());
	const video = consume(env, 'cv', 'pv', consumable);
	const [stat] = env.channel.request('cv', 'consumer.getStats') as any[];

	assert.equal(stat.type, 'outbound-rtp');
	assert.equal(stat.kind, 'video');
	assert.equal(stat.mimeType, 'video/H264');
	assert.equal(stat.ssrc, video.rtpParameters.encodings[0].ssrc);
	assert.equal(stat.rtxSsrc, video.rtpParameters.encodings[0].rtx.ssrc);
	assert.equal(stat.score, 10);
	assert.equal(typeof stat.timestamp, 'number');
	for (const field of [
		'packetCount', 'byteCount', 'bitrate', 'packetsLost', 'fractionLost', 'packetsDiscarded',
		'packetsRetransmitted', 'packetsRepaired', 'nackCount', 'nackPacketCount', 'pliCount', 'firCount',
	]) {
		assert.equal(stat[field], 0, field);
	}
	assert.equal((env.channel.request('cv', 'consumer.getStats') as any[]).length, 1);
});

test('engine Consumer: setPreferredLayers clamps like mediasoup; none for simple', () => {
	const env = setup();
	const { consumable: audioConsumable } = produce(env, 'pa', 'audio', audioProducerParameters());
	const { consumable } = produce(env, 'pv', 'video', videoProducerParameters());

	consume(env, 'ca', 'pa', audioConsumable);
	consume(env, 'cv', 'pv', consumable);

	const set = (id: string, layers: any) => env.channel.request(id, 'consumer.setPreferredLayers', layers) as any;

	assert.equal(set('ca', { spatialLayer: 1, temporalLayer: 1 }), undefined);
	assert.deepEqual(set('cv', { spatialLayer: 2, temporalLayer: 3 }).preferredLayers, { spatialLayer: 2, temporalLayer: 3 });
	assert.deepEqual(set('cv', { spatialLayer: 3 }).preferredLayers, { spatialLayer: 3, temporalLayer: 4 });
	assert.deepEqual(set('cv', { spatialLayer: 3, temporalLayer: 0 }).preferredLayers, { spatialLayer: 3, temporalLayer: 0 });
	assert.deepEqual(set('cv', { spatialLayer: 66, temporalLayer: 66 }).preferredLayers, { spatialLayer: 3, temporalLayer: 4 });
	assert.throws(() => set('cv', {}), TypeError);
	assert.throws(() => set('cv', { spatialLayer: 1, temporalLayer: 'x' }), TypeError);
});

test('engine Consumer: SVC consumer offers the spatial layers of its one stream', () => {
	const env = setup();
	const { consumable } = produce(env, 'ps', 'video', svcProducerParameters());
	const svc = consume(env, 'cs', 'ps', consumable);

	assert.equal(svc.type, 'svc');
	assert.deepEqual(svc.preferredLayers, { spatialLayer: 2, temporalLayer: 2 });
	assert.deepEqual(svc.score, { score: 10, producerScore: 0, producerScores: [0] });
});

test('engine Consumer: priority, trace types, requestKeyFrame', () => {
	const env = setup();
	const { consumable } = produce(env, 'pv', 'video', videoProducerParameters());

	consume(env, 'cv', 'pv', consumable);
	assert.deepEqual(env.channel.request('cv', 'consumer.setPriority', { priority: 2 }), { priority: 2 });
	assert.throws(() => env.channel.request('cv', 'consumer.setPriority', { priority: 0 }), TypeError);
	assert.throws(() => env.channel.request('cv', 'consumer.setPriority', {}), TypeError);
	assert.equal((env.channel.request('cv', 'consumer.dump') as any).priority, 2);
	env.channel.request('cv', 'consumer.enableTraceEvent', { types: ['nack', 'FOO', 'fir', 'sr'] });
	assert.deepEqual((env.channel.request('cv', 'consumer.dump') as any).traceEventTypes, ['nack', 'fir']);
	assert.equal(env.channel.request('cv', 'consumer.requestKeyFrame'), undefined);
});

test('engine Consumer: unknown producer and inconsistent parameters are refused', () => {
	const env = setup();
	const { consumable } = produce(env, 'pv', 'video', videoProducerParameters());

	assert.throws(() => consume(env, 'cx', 'nope', consumable, { type: 'simulcast' }), /Producer not found/);
	// A simulcast consumer of 4 streams must announce 4 spatial layers.
	const params = ortc.getConsumerRtpParameters({
		consumableRtpParameters: consumable,
		remoteRtpCapabilities: consumerDeviceCapabilities,
		pipe: false,
		enableRtx: true,
	});

	params.encodings![0].scalabilityMode = 'L2T3';
	assert.throws(
		() =>
			new Consumer(
				'cy',
				{
					consumerId: 'cy',
					producerId: 'pv',
					kind: 'video',
					rtpParameters: params,
					type: 'simulcast',
					consumableRtpEncodings: consumable.encodings!,
				},
				env.owner2,
			),
		TypeError,
	);
	assert.deepEqual(env.channel.handlerIds().sort(), ['pv', 'router-1']);
	assert.deepEqual(env.router.dump(), {
		...(env.router.dump() as any),
		mapConsumerIdProducerId: [],
	});
});

test('engine: producer close closes its consumers once, with producerclose', () => {
	const env = setup();
	const { producer, consumable } = produce(env, 'pa', 'audio', audioProducerParameters());
	const c1 = consume(env, 'c1', 'pa', consumable);
	const c2 = consume(env, 'c2', 'pa', consumable);

	c2.close();
	assert.deepEqual(env.owner2.closed, [{ kind: 'consumer', id: 'c2' }]);
	producer.close();
	producer.close();
	assert.equal(c1.closed, true);
	assert.deepEqual(env.channel.eventsFor('c1'), ['producerclose']);
	assert.deepEqual(env.channel.eventsFor('c2'), []);
	assert.deepEqual(env.owner1.closed, [{ kind: 'producer', id: 'pa' }]);
	assert.deepEqual(env.owner2.closed, [
		{ kind: 'consumer', id: 'c2' },
		{ kind: 'consumer', id: 'c1' },
	]);
	assert.deepEqual(env.channel.handlerIds(), ['router-1']);

	const dump = env.router.dump() as any;

	assert.deepEqual(dump.mapProducerIdConsumerIds, []);
	assert.deepEqual(dump.mapConsumerIdProducerId, []);
	assert.throws(() => env.channel.request('c1', 'consumer.dump'), /handler not found/);
});

test('engine DataProducer/DataConsumer: dump, stats, pause propagation, close cascade', () => {
	const env = setup();
	const dp = new DataProducer(
		'dp',
		{ dataProducerId: 'dp', type: 'sctp', sctpStreamParameters: { streamId: 666 }, label: 'foo', protocol: 'bar' },
		env.owner1,
	);

	assert.deepEqual(env.channel.request('dp', 'dataProducer.dump'), {
		id: 'dp',
		type: 'sctp',
		sctpStreamParameters: { streamId: 666, ordered: true, maxPacketLifeTime: undefined, maxRetransmits: undefined },
		label: 'foo',
		protocol: 'bar',
		paused: false,
	});
	assert.deepEqual(
		(env.channel.request('dp', 'dataProducer.getStats') as any[]).map(({ timestamp, ...rest }) => rest),
		[{ type: 'data-producer', label: 'foo', protocol: 'bar', messagesReceived: 0, bytesReceived: 0 }],
	);
	assert.throws(
		() => new DataProducer('dq', { dataProducerId: 'dq', type: 'sctp' }, env.owner1),
		TypeError,
	);
	assert.throws(
		() =>
			new DataProducer(
				'dq',
				{ dataProducerId: 'dq', type: 'sctp', sctpStreamParameters: { streamId: 1, ordered: true, maxRetransmits: 2 } },
				env.owner1,
			),
		TypeError,
	);

	env.channel.request('dp', 'dataProducer.pause');

	const dc = new DataConsumer(
		'dc',
		{
			dataConsumerId: 'dc',
			dataProducerId: 'dp',
			type: 'direct',
			label: 'foo',
			protocol: 'bar',
			subchannels: [0, 1, 1, 1, 2, 65535, 65536, 65537, 100],
		},
		env.owner2,
	);

	assert.equal(dc.dataProducerPaused, true);
	assert.deepEqual(dc.subchannels, [0, 1, 2, 100, 65535]);
	env.channel.request('dp', 'dataProducer.resume');
	env.channel.request('dp', 'dataProducer.resume');
	env.channel.request('dp', 'dataProducer.pause');
	assert.deepEqual(env.channel.eventsFor('dc'), ['dataproducerresume', 'dataproducerpause']);
	assert.equal((env.channel.request('dc', 'dataConsumer.dump') as any).dataProducerPaused, true);
	assert.throws(
		() => new DataConsumer('dx', { dataConsumerId: 'dx', dataProducerId: 'nope', type: 'direct' }, env.owner2),
		/DataProducer not found/,
	);

	dp.close();
	assert.equal(dc.closed, true);
	assert.deepEqual(env.channel.eventsFor('dc').at(-1), 'dataproducerclose');
	assert.deepEqual(env.owner2.closed, [{ kind: 'dataConsumer', id: 'dc' }]);
	assert.deepEqual(env.channel.handlerIds(), ['router-1']);
	assert.deepEqual((env.router.dump() as any).mapDataConsumerIdDataProducerId, []);
});

test('engine DataConsumer: subchannel requests answer the sorted set', () => {
	const env = setup();

	new DataProducer('dp', { dataProducerId: 'dp', type: 'direct' }, env.owner1);
	new DataConsumer('dc', { dataConsumerId: 'dc', dataProducerId: 'dp', type: 'direct' }, env.owner2);

	const req = (method: string, data: any) => (env.channel.request('dc', method, data) as any).subchannels;

	assert.deepEqual(req('dataConsumer.setSubchannels', { subchannels: [999, 999, 998, 65536] }), [0, 998, 999]);
	assert.deepEqual(req('dataConsumer.setSubchannels', { subchannels: [] }), []);
	assert.deepEqual(req('dataConsumer.addSubchannel', { subchannel: 5 }), [5]);
	assert.deepEqual(req('dataConsumer.addSubchannel', { subchannel: 10 }), [5, 10]);
	assert.deepEqual(req('dataConsumer.addSubchannel', { subchannel: 5 }), [5, 10]);
	assert.deepEqual(req('dataConsumer.removeSubchannel', { subchannel: 666 }), [5, 10]);
	assert.deepEqual(req('dataConsumer.removeSubchannel', { subchannel: 5 }), [10]);
	assert.throws(() => normalizeSubchannels(['a']), TypeError);
});

test('engine DataConsumer: direct messages honour pause and subchannels, and count', () => {
	const env = setup();

	new DataProducer('dp', { dataProducerId: 'dp', type: 'direct' }, env.owner1);

	const dcAll = new DataConsumer('all', { dataConsumerId: 'all', dataProducerId: 'dp', type: 'direct' }, env.owner2);
	const dc5 = new DataConsumer('s5', { dataConsumerId: 's5', dataProducerId: 'dp', type: 'direct', subchannels: [5] }, env.owner2);
	const send = (data: any) => env.channel.notify('dp', 'dataProducer.send', data);
	const msg = (text: string, extra: any = {}) => ({ data: Buffer.from(text), ppid: 51, subchannels: [], ...extra });

	send(msg('one'));
	send(msg('two', { subchannels: [5, 6] }));
	send(msg('three', { requiredSubchannel: 5 }));
	send(msg('four', { subchannels: [7] }));
	env.channel.request('s5', 'dataConsumer.pause');
	send(msg('five'));

	const texts = (id: string) =>
		env.channel.events.filter((e) => e.targetId === id && e.event === 'message').map((e) => (e.data as any).data.toString());

	// A consumer without subchannels only gets messages sent without any.
	assert.deepEqual(texts('all'), ['one', 'five']);
	assert.deepEqual(texts('s5'), ['one', 'two', 'three']);
	assert.equal(dcAll.messagesSent, 2);
	assert.equal(dc5.bytesSent, 'one'.length + 'two'.length + 'three'.length);
	assert.deepEqual(
		(env.channel.request('dp', 'dataProducer.getStats') as any[])[0].messagesReceived,
		5,
	);

	// From the application: refused while paused.
	assert.throws(
		() => env.channel.request('s5', 'dataConsumer.send', { data: Buffer.from('x'), ppid: 51 }),
		/message send failed/,
	);
	env.channel.request('s5', 'dataConsumer.resume');
	env.channel.request('s5', 'dataConsumer.send', { data: Buffer.from('x'), ppid: 53 });
	assert.deepEqual(texts('s5').at(-1), 'x');
	assert.deepEqual(env.channel.request('s5', 'dataConsumer.getBufferedAmount'), { bufferedAmount: 0 });
	env.channel.request('s5', 'dataConsumer.setBufferedAmountLowThreshold', { threshold: 1000 });
	assert.equal((env.channel.request('s5', 'dataConsumer.dump') as any).bufferedAmountLowThreshold, 1000);
});

test('engine RTP observers: membership, kinds, pause, producer close', async () => {
	const env = setup();
	const { producer: audio } = produce(env, 'pa', 'audio', audioProducerParameters());

	produce(env, 'pv', 'video', videoProducerParameters());
	env.router.handleRequest('router.createAudioLevelObserver', { rtpObserverId: 'alo', maxEntries: 2, threshold: -70, interval: 100 });
	env.router.handleRequest('router.createActiveSpeakerObserver', { rtpObserverId: 'aso', interval: 50 });

	const alo = env.router.rtpObservers.get('alo') as any;
	const aso = env.router.rtpObservers.get('aso') as any;

	assert.equal(alo.interval, 250);
	assert.equal(aso.interval, 100);
	assert.throws(
		() => env.router.handleRequest('router.createAudioLevelObserver', { rtpObserverId: 'bad', maxEntries: 0, threshold: -70, interval: 1000 }),
		TypeError,
	);

	env.channel.request('alo', 'rtpObserver.addProducer', { producerId: 'pa' });
	env.channel.request('alo', 'rtpObserver.addProducer', { producerId: 'pa' });
	env.channel.request('aso', 'rtpObserver.addProducer', { producerId: 'pa' });
	assert.throws(() => env.channel.request('aso', 'rtpObserver.addProducer', { producerId: 'pa' }), /already/);
	assert.throws(() => env.channel.request('alo', 'rtpObserver.addProducer', { producerId: 'pv' }), TypeError);
	assert.throws(() => env.channel.request('alo', 'rtpObserver.addProducer', { producerId: 'nope' }), /not found/);
	assert.deepEqual((env.router.dump() as any).mapProducerIdObserverIds.find((e: any) => e.key === 'pa').values.sort(), ['alo', 'aso']);

	env.channel.request('alo', 'rtpObserver.pause');
	assert.equal(alo.paused, true);
	env.channel.request('alo', 'rtpObserver.resume');
	assert.equal(alo.paused, false);

	env.channel.request('pa', 'producer.pause');
	assert.ok(alo.pausedProducerIds.has('pa'));
	env.channel.request('pa', 'producer.resume');
	assert.ok(!alo.pausedProducerIds.has('pa'));

	env.channel.request('aso', 'rtpObserver.removeProducer', { producerId: 'pa' });
	assert.equal(aso.producers.size, 0);
	audio.close();
	assert.equal(alo.producers.size, 0);

	env.router.handleRequest('router.closeRtpObserver', { rtpObserverId: 'alo' });
	assert.ok(!env.channel.has('alo'));
	// No fake measurements: nothing was ever emitted to the observers.
	await new Promise((resolve) => setTimeout(resolve, 300));
	assert.deepEqual(env.channel.events.filter((e) => e.targetId === 'alo' || e.targetId === 'aso'), []);
});
