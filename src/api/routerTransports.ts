/**
 * The transport factories of a Router (createWebRtcTransport() and friends,
 * pipeToRouter()). Arguments are validated here, before anything is sent to
 * the worker; the worker answers with the new transport's dump, which is what
 * the transport objects are built from.
 */
import { Logger } from './Logger';
import { InvalidStateError } from './errors';
import { checkAppData, generateUUIDv4, isPlainObject } from './utils';
import type { RouterContext } from './Router';
import { Router } from './Router';
import { WebRtcServer } from './WebRtcServer';
import { WebRtcTransport, type WebRtcTransportData } from './WebRtcTransport';
import { PlainTransport, type PlainTransportData } from './PlainTransport';
import { PipeTransport, type PipeTransportData } from './PipeTransport';
import { DirectTransport, type DirectTransportData } from './DirectTransport';
import type { Transport, TransportConstructorOptions } from './Transport';
import type { Consumer } from './Consumer';
import type { Producer } from './Producer';
import type { DataConsumer } from './DataConsumer';
import type { DataProducer } from './DataProducer';
import type { WebRtcTransportOptions } from './WebRtcTransportTypes';
import type { PlainTransportOptions } from './PlainTransportTypes';
import type { PipeTransportOptions } from './PipeTransportTypes';
import type { DirectTransportOptions } from './DirectTransportTypes';
import type { PipeToRouterOptions, PipeToRouterResult, PipeTransportPair } from './RouterTypes';
import type { TransportListenInfo, TransportListenIp } from './TransportTypes';
import type { NumSctpStreams } from '../ortc/sctpParametersTypes';
import type { AppData } from './types';
import {
	ALL_SRTP_CRYPTO_SUITES,
	checkBoolean,
	checkNumSctpStreams,
	checkPositiveInteger,
	listenInfoToWire,
	listenIpToListenInfo,
	type WireListenInfo,
} from './transportUtils';

const logger = new Logger('Router');

const DEFAULT_NUM_SCTP_STREAMS: NumSctpStreams = { OS: 1024, MIS: 1024 };

type SctpOptions = {
	enableSctp: boolean;
	numSctpStreams: NumSctpStreams;
	maxSctpMessageSize: number;
	sctpSendBufferSize: number;
};

function checkSctpOptions({ enableSctp, numSctpStreams, maxSctpMessageSize, sctpSendBufferSize }: SctpOptions): void {
	checkBoolean(enableSctp, 'enableSctp');
	checkNumSctpStreams(numSctpStreams);
	checkPositiveInteger(maxSctpMessageSize, 'maxSctpMessageSize');
	checkPositiveInteger(sctpSendBufferSize, 'sctpSendBufferSize');
}

function checkOptionsObject(options: unknown): void {
	if (!isPlainObject(options)) {
		throw new TypeError('options must be an object');
	}
}

/** The fields every transport constructor takes from its router. */
function transportBase<T extends AppData>(
	ctx: RouterContext,
	transportId: string,
	appData: T | undefined,
): Omit<TransportConstructorOptions<T>, 'data'> {
	return {
		internal: { routerId: ctx.routerId, transportId },
		channel: ctx.channel,
		appData,
		getRouterRtpCapabilities: ctx.getRouterRtpCapabilities,
		getProducerById: ctx.getProducerById,
		getDataProducerById: ctx.getDataProducerById,
	};
}

/** The router may have closed while the worker created the transport. */
function registerTransport(ctx: RouterContext, transport: Transport): void {
	if (ctx.router.closed) {
		transport.routerClosed();

		throw new InvalidStateError('Router closed');
	}

	ctx.addTransport(transport);
}

export async function createWebRtcTransport<T extends AppData = AppData>(
	ctx: RouterContext,
	options: WebRtcTransportOptions<T>,
): Promise<WebRtcTransport<T>> {
	ctx.assertOpen();
	checkOptionsObject(options);

	const {
		webRtcServer,
		listenInfos,
		listenIps,
		port,
		preferUdp = false,
		preferTcp = false,
		initialAvailableOutgoingBitrate = 600000,
		enableSctp = false,
		numSctpStreams = DEFAULT_NUM_SCTP_STREAMS,
		maxSctpMessageSize = 262144,
		sctpSendBufferSize = 262144,
		iceConsentTimeout = 30,
		appData,
	} = options;
	let { enableUdp, enableTcp } = options;

	if (!webRtcServer && !Array.isArray(listenInfos) && !Array.isArray(listenIps)) {
		throw new TypeError('missing webRtcServer, listenInfos and listenIps (one of them is mandatory)');
	} else if (
		[webRtcServer, listenInfos, listenIps].filter((value) => value !== undefined && value !== null).length > 1
	) {
		throw new TypeError('only one of webRtcServer, listenInfos and listenIps must be given');
	} else if (webRtcServer && !(webRtcServer instanceof WebRtcServer)) {
		throw new TypeError('webRtcServer must be a WebRtcServer');
	} else if (listenInfos !== undefined && listenInfos.length === 0) {
		throw new TypeError('empty listenInfos');
	} else if (listenIps !== undefined && listenIps.length === 0) {
		throw new TypeError('empty listenIps');
	} else if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) {
		throw new TypeError('if given, port must be a valid port number');
	}

	// Without a WebRtcServer, TCP is opt-in (as mediasoup).
	if (webRtcServer) {
		enableUdp ??= true;
		enableTcp ??= true;
	} else {
		enableUdp ??= true;
		enableTcp ??= false;
	}

	checkBoolean(enableUdp, 'enableUdp');
	checkBoolean(enableTcp, 'enableTcp');
	checkBoolean(preferUdp, 'preferUdp');
	checkBoolean(preferTcp, 'preferTcp');

	if (!listenInfos && !enableUdp && !enableTcp) {
		throw new TypeError('at least one of enableUdp and enableTcp must be true');
	}
	if (typeof initialAvailableOutgoingBitrate !== 'number' || initialAvailableOutgoingBitrate < 0) {
		throw new TypeError('if given, initialAvailableOutgoingBitrate must be a non negative number');
	}
	if (typeof iceConsentTimeout !== 'number' || !Number.isInteger(iceConsentTimeout) || iceConsentTimeout < 0) {
		throw new TypeError('if given, iceConsentTimeout must be a non negative integer');
	}
	checkSctpOptions({ enableSctp, numSctpStreams, maxSctpMessageSize, sctpSendBufferSize });
	checkAppData(appData);

	let wireListenInfos: WireListenInfo[] | undefined;

	if (listenInfos) {
		wireListenInfos = listenInfos.map((listenInfo) => listenInfoToWire(listenInfo));
	} else if (listenIps) {
		// Deprecated listenIps: one listen info per IP and enabled protocol, the
		// preferred protocol first (candidate priority follows that order).
		const orderedProtocols: ('udp' | 'tcp')[] = [];

		if (enableUdp && (preferUdp || !enableTcp || !preferTcp)) {
			orderedProtocols.push('udp');
			if (enableTcp) {
				orderedProtocols.push('tcp');
			}
		} else if (enableTcp && ((preferTcp && !preferUdp) || !enableUdp)) {
			orderedProtocols.push('tcp');
			if (enableUdp) {
				orderedProtocols.push('udp');
			}
		}

		wireListenInfos = [];
		for (const listenIp of listenIps) {
			if (typeof listenIp !== 'string' && !isPlainObject(listenIp)) {
				throw new TypeError('wrong listenIp (not a string or an object)');
			}
			for (const protocol of orderedProtocols) {
				wireListenInfos.push(listenInfoToWire(listenIpToListenInfo(listenIp as TransportListenIp | string, port, protocol)));
			}
		}
	}

	if (webRtcServer?.closed) {
		throw new InvalidStateError('WebRtcServer closed');
	}

	const transportId = generateUUIDv4();
	const data: WebRtcTransportData = await ctx.channel.request('router.createWebRtcTransport', ctx.routerId, {
		transportId,
		webRtcServerId: webRtcServer?.id,
		listenInfos: wireListenInfos,
		enableUdp,
		enableTcp,
		preferUdp,
		preferTcp,
		iceConsentTimeout,
		initialAvailableOutgoingBitrate,
		enableSctp,
		numSctpStreams: { OS: numSctpStreams.OS, MIS: numSctpStreams.MIS },
		maxSctpMessageSize,
		sctpSendBufferSize,
		isDataChannel: true,
	});

	const transport = new WebRtcTransport<T>({ ...transportBase(ctx, transportId, appData), data });

	registerTransport(ctx, transport as unknown as Transport);

	if (webRtcServer) {
		webRtcServer.handleWebRtcTransport(transport as unknown as WebRtcTransport);
	}

	return transport;
}

/** listenInfo or the deprecated listenIp(+port) of a plain or pipe transport, UDP only. */
function singleUdpListenInfo(
	listenInfo: TransportListenInfo | undefined,
	listenIp: TransportListenIp | string | undefined,
	port: number | undefined,
	what: string,
): WireListenInfo {
	if (!listenInfo && !listenIp) {
		throw new TypeError('missing listenInfo and listenIp (one of them is mandatory)');
	} else if (listenInfo && listenIp) {
		throw new TypeError('only one of listenInfo and listenIp must be given');
	}

	let info: TransportListenInfo;

	if (listenIp) {
		if (typeof listenIp !== 'string' && !isPlainObject(listenIp)) {
			throw new TypeError('wrong listenIp (not a string or an object)');
		}
		info = listenIpToListenInfo(listenIp, port);
	} else {
		info = listenInfo!;
	}

	const wire = listenInfoToWire(info);

	if (wire.protocol !== 'udp') {
		throw new TypeError(`unsupported ${what} protocol (only 'udp')`);
	}

	return wire;
}

export async function createPlainTransport<T extends AppData = AppData>(
	ctx: RouterContext,
	options: PlainTransportOptions<T>,
): Promise<PlainTransport<T>> {
	ctx.assertOpen();
	checkOptionsObject(options);

	const {
		listenInfo,
		rtcpListenInfo,
		listenIp,
		port,
		comedia = false,
		enableSctp = false,
		numSctpStreams = DEFAULT_NUM_SCTP_STREAMS,
		maxSctpMessageSize = 262144,
		sctpSendBufferSize = 262144,
		enableSrtp = false,
		srtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80',
		appData,
	} = options;
	let { rtcpMux = true } = options;

	const wireListenInfo = singleUdpListenInfo(listenInfo, listenIp, port, 'listen');
	let wireRtcpListenInfo: WireListenInfo | undefined;

	checkBoolean(rtcpMux, 'rtcpMux');
	checkBoolean(comedia, 'comedia');
	checkBoolean(enableSrtp, 'enableSrtp');

	if (!ALL_SRTP_CRYPTO_SUITES.includes(srtpCryptoSuite)) {
		throw new TypeError(`invalid srtpCryptoSuite "${String(srtpCryptoSuite)}"`);
	}
	checkSctpOptions({ enableSctp, numSctpStreams, maxSctpMessageSize, sctpSendBufferSize });
	checkAppData(appData);

	if (rtcpListenInfo !== undefined) {
		wireRtcpListenInfo = listenInfoToWire(rtcpListenInfo);

		if (wireRtcpListenInfo.protocol !== 'udp') {
			throw new TypeError("unsupported RTCP listen protocol (only 'udp')");
		}

		// A separate RTCP socket means no RTCP-mux.
		if (rtcpMux) {
			logger.warn('createPlainTransport() | ignoring rtcpMux since rtcpListenInfo is given');
			rtcpMux = false;
		}
	}

	const transportId = generateUUIDv4();
	const data: PlainTransportData = await ctx.channel.request('router.createPlainTransport', ctx.routerId, {
		transportId,
		listenInfo: wireListenInfo,
		rtcpListenInfo: wireRtcpListenInfo,
		rtcpMux,
		comedia,
		enableSctp,
		numSctpStreams: { OS: numSctpStreams.OS, MIS: numSctpStreams.MIS },
		maxSctpMessageSize,
		sctpSendBufferSize,
		isDataChannel: false,
		enableSrtp,
		srtpCryptoSuite,
	});

	const transport = new PlainTransport<T>({ ...transportBase(ctx, transportId, appData), data });

	registerTransport(ctx, transport as unknown as Transport);

	return transport;
}

export async function createPipeTransport<T extends AppData = AppData>(
	ctx: RouterContext,
	options: PipeTransportOptions<T>,
): Promise<PipeTransport<T>> {
	ctx.assertOpen();
	checkOptionsObject(options);

	const {
		listenInfo,
		listenIp,
		port,
		enableSctp = false,
		numSctpStreams = DEFAULT_NUM_SCTP_STREAMS,
		maxSctpMessageSize = 268435456,
		sctpSendBufferSize = 268435456,
		enableRtx = false,
		enableSrtp = false,
		appData,
	} = options;

	const wireListenInfo = singleUdpListenInfo(listenInfo, listenIp, port, 'listen');

	checkBoolean(enableRtx, 'enableRtx');
	checkBoolean(enableSrtp, 'enableSrtp');
	checkSctpOptions({ enableSctp, numSctpStreams, maxSctpMessageSize, sctpSendBufferSize });
	checkAppData(appData);

	const transportId = generateUUIDv4();
	const data: PipeTransportData = await ctx.channel.request('router.createPipeTransport', ctx.routerId, {
		transportId,
		listenInfo: wireListenInfo,
		enableSctp,
		numSctpStreams: { OS: numSctpStreams.OS, MIS: numSctpStreams.MIS },
		maxSctpMessageSize,
		sctpSendBufferSize,
		isDataChannel: false,
		enableRtx,
		enableSrtp,
	});

	const transport = new PipeTransport<T>({ ...transportBase(ctx, transportId, appData), data });

	registerTransport(ctx, transport as unknown as Transport);

	return transport;
}

export async function createDirectTransport<T extends AppData = AppData>(
	ctx: RouterContext,
	options: DirectTransportOptions<T> = {},
): Promise<DirectTransport<T>> {
	ctx.assertOpen();
	checkOptionsObject(options);

	const { maxMessageSize = 262144, appData } = options;

	if (typeof maxMessageSize !== 'number' || !Number.isFinite(maxMessageSize) || maxMessageSize < 0) {
		throw new TypeError('if given, maxMessageSize must be a positive number');
	}
	checkAppData(appData);

	const transportId = generateUUIDv4();
	const data: DirectTransportData = await ctx.channel.request('router.createDirectTransport', ctx.routerId, {
		transportId,
		direct: true,
		maxMessageSize,
	});

	const transport = new DirectTransport<T>({ ...transportBase(ctx, transportId, appData), data });

	registerTransport(ctx, transport as unknown as Transport);

	return transport;
}

/**
 * Consume a producer (or data producer) of this router from another router,
 * in this worker or another one, through a pair of connected PipeTransports.
 * The pair is created once per pair of routers and reused.
 */
export async function pipeToRouter(ctx: RouterContext, options: PipeToRouterOptions): Promise<PipeToRouterResult> {
	ctx.assertOpen();
	checkOptionsObject(options);

	const {
		producerId,
		dataProducerId,
		router,
		keepId = true,
		listenIp,
		enableSctp = true,
		numSctpStreams = DEFAULT_NUM_SCTP_STREAMS,
		enableRtx = false,
		enableSrtp = false,
	} = options;
	let { listenInfo } = options;

	if (!listenInfo && !listenIp) {
		listenInfo = { protocol: 'udp', ip: '127.0.0.1' };
	}

	if (listenInfo && listenIp) {
		throw new TypeError('only one of listenInfo and listenIp must be given');
	} else if (!producerId && !dataProducerId) {
		throw new TypeError('missing producerId or dataProducerId');
	} else if (producerId && dataProducerId) {
		throw new TypeError('just producerId or dataProducerId can be given');
	} else if (!router) {
		throw new TypeError('Router not found');
	} else if (!(router instanceof Router)) {
		throw new TypeError('router must be a Router');
	} else if (router === ctx.router) {
		throw new TypeError('cannot use this Router as destination');
	}

	checkBoolean(keepId, 'keepId');

	if (listenIp) {
		if (typeof listenIp !== 'string' && !isPlainObject(listenIp)) {
			throw new TypeError('wrong listenIp (not a string or an object)');
		}
		listenInfo = listenIpToListenInfo(listenIp, undefined);
	}

	// Validate now, not in the middle of creating the pair.
	listenInfoToWire(listenInfo!);

	let producer: Producer | undefined;
	let dataProducer: DataProducer | undefined;

	if (producerId) {
		producer = ctx.getProducerById(producerId);

		if (!producer) {
			throw new TypeError('Producer not found');
		}
	} else if (dataProducerId) {
		dataProducer = ctx.getDataProducerById(dataProducerId);

		if (!dataProducer) {
			throw new TypeError('DataProducer not found');
		}
	}

	const localRouterId = ctx.routerId;
	const pipeTransportPairKey = router.id;
	let pipeTransportPairPromise = ctx.pipeTransportPairs.get(pipeTransportPairKey);
	let localPipeTransport: PipeTransport;
	let remotePipeTransport: PipeTransport;

	if (pipeTransportPairPromise) {
		const pipeTransportPair = await pipeTransportPairPromise;

		localPipeTransport = pipeTransportPair[localRouterId]!;
		remotePipeTransport = pipeTransportPair[router.id]!;
	} else {
		pipeTransportPairPromise = createPipeTransportPair(ctx, router, {
			listenInfo: listenInfo!,
			enableSctp,
			numSctpStreams,
			enableRtx,
			enableSrtp,
		});

		ctx.pipeTransportPairs.set(pipeTransportPairKey, pipeTransportPairPromise);
		// A failed pair must not stay cached.
		pipeTransportPairPromise.catch(() => ctx.pipeTransportPairs.delete(pipeTransportPairKey));
		router.addPipeTransportPair(localRouterId, pipeTransportPairPromise);

		const pipeTransportPair = await pipeTransportPairPromise;

		localPipeTransport = pipeTransportPair[localRouterId]!;
		remotePipeTransport = pipeTransportPair[router.id]!;
	}

	if (producer) {
		let pipeConsumer: Consumer | undefined;
		let pipeProducer: Producer | undefined;

		try {
			pipeConsumer = await localPipeTransport.consume({ producerId: producerId! });
			pipeProducer = await remotePipeTransport.produce({
				id: keepId ? producer.id : generateUUIDv4(),
				kind: pipeConsumer.kind,
				rtpParameters: pipeConsumer.rtpParameters,
				paused: pipeConsumer.producerPaused,
				appData: producer.appData,
			});

			if (producer.closed) {
				throw new InvalidStateError('original Producer closed');
			}

			// The original may have been paused or resumed meanwhile.
			if (pipeProducer.paused !== producer.paused) {
				if (producer.paused) {
					await pipeProducer.pause();
				} else {
					await pipeProducer.resume();
				}
			}

			const consumer = pipeConsumer;
			const pipedProducer = pipeProducer;

			consumer.observer.on('close', () => pipedProducer.close());
			consumer.observer.on('pause', () => void pipedProducer.pause().catch(() => {}));
			consumer.observer.on('resume', () => void pipedProducer.resume().catch(() => {}));
			pipedProducer.observer.on('close', () => consumer.close());

			return { pipeConsumer, pipeProducer };
		} catch (error) {
			logger.error('pipeToRouter() | error creating pipe Consumer/Producer pair:', error as Error);

			pipeConsumer?.close();
			pipeProducer?.close();

			throw error;
		}
	} else if (dataProducer) {
		let pipeDataConsumer: DataConsumer | undefined;
		let pipeDataProducer: DataProducer | undefined;

		try {
			pipeDataConsumer = await localPipeTransport.consumeData({ dataProducerId: dataProducerId! });
			pipeDataProducer = await remotePipeTransport.produceData({
				id: keepId ? dataProducer.id : generateUUIDv4(),
				sctpStreamParameters: pipeDataConsumer.sctpStreamParameters,
				label: pipeDataConsumer.label,
				protocol: pipeDataConsumer.protocol,
				appData: dataProducer.appData,
			});

			if (dataProducer.closed) {
				throw new InvalidStateError('original DataProducer closed');
			}

			const dataConsumer = pipeDataConsumer;
			const pipedDataProducer = pipeDataProducer;

			dataConsumer.observer.on('close', () => pipedDataProducer.close());
			pipedDataProducer.observer.on('close', () => dataConsumer.close());

			return { pipeDataConsumer, pipeDataProducer };
		} catch (error) {
			logger.error('pipeToRouter() | error creating pipe DataConsumer/DataProducer pair:', error as Error);

			pipeDataConsumer?.close();
			pipeDataProducer?.close();

			throw error;
		}
	} else {
		throw new Error('internal error');
	}
}

/** Two PipeTransports, one in each router, connected to each other. */
async function createPipeTransportPair(
	ctx: RouterContext,
	router: Router,
	options: {
		listenInfo: TransportListenInfo;
		enableSctp: boolean;
		numSctpStreams: NumSctpStreams;
		enableRtx: boolean;
		enableSrtp: boolean;
	},
): Promise<PipeTransportPair> {
	const localRouterId = ctx.routerId;
	const pipeTransportPairKey = router.id;
	let localPipeTransport: PipeTransport | undefined;
	let remotePipeTransport: PipeTransport | undefined;

	try {
		const [local, remote] = await Promise.allSettled([
			createPipeTransport(ctx, options),
			router.createPipeTransport(options),
		]);

		if (local.status === 'fulfilled') {
			localPipeTransport = local.value;
		}
		if (remote.status === 'fulfilled') {
			remotePipeTransport = remote.value;
		}
		if (local.status === 'rejected') {
			throw local.reason;
		}
		if (remote.status === 'rejected') {
			throw remote.reason;
		}

		const l = localPipeTransport!;
		const r = remotePipeTransport!;

		await Promise.all([
			l.connect({ ip: r.tuple.localAddress, port: r.tuple.localPort, srtpParameters: r.srtpParameters }),
			r.connect({ ip: l.tuple.localAddress, port: l.tuple.localPort, srtpParameters: l.srtpParameters }),
		]);

		// Either side closing takes the other one (and the cached pair) away.
		l.observer.on('close', () => {
			r.close();
			ctx.pipeTransportPairs.delete(pipeTransportPairKey);
		});
		r.observer.on('close', () => {
			l.close();
			ctx.pipeTransportPairs.delete(pipeTransportPairKey);
		});

		return { [localRouterId]: l, [router.id]: r };
	} catch (error) {
		logger.error('pipeToRouter() | error creating PipeTransport pair:', error as Error);

		localPipeTransport?.close();
		remotePipeTransport?.close();

		throw error instanceof Error ? error : new Error(String(error));
	}
}
