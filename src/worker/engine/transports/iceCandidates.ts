import type { Protocol } from './common';

/** RFC 8445 section 5.1.2.2: host candidates get the highest type preference we use. */
const ICE_TYPE_PREFERENCE = 64;
/** RTCP-mux only: every candidate is component 1. */
const ICE_COMPONENT = 1;
/** Local preference of the first listen info; each following one gets 100 less. */
const DEFAULT_LOCAL_PREFERENCE = 10000;
const LOCAL_PREFERENCE_STEP = 100;
/** Boost of the preferred protocol (WebRtcServer candidates). */
const PREFERRED_PROTOCOL_BOOST = 1000;
/** An exposed internal address ranks just below its announced one. */
const INTERNAL_ADDRESS_PENALTY = 1000;

export type IceCandidate = {
	foundation: string;
	priority: number;
	ip: string;
	address: string;
	protocol: Protocol;
	port: number;
	type: 'host';
	tcpType?: 'passive';
};

/** RFC 8445 section 5.1.2.1: priority = 2^24 * type pref + 2^8 * local pref + (256 - component). */
export function iceCandidatePriority(localPreference: number): number {
	return ICE_TYPE_PREFERENCE * 2 ** 24 + localPreference * 2 ** 8 + (256 - ICE_COMPONENT);
}

/** One bound socket to advertise. */
export type CandidateSource = {
	protocol: Protocol;
	/** The address the socket is bound to. */
	localIp: string;
	localPort: number;
	announcedAddress?: string;
	exposeInternalIp?: boolean;
};

function candidate(source: CandidateSource, address: string, priority: number): IceCandidate {
	const ice: IceCandidate = {
		foundation: source.protocol === 'udp' ? 'udpcandidate' : 'tcpcandidate',
		priority,
		ip: address,
		address,
		protocol: source.protocol,
		port: source.localPort,
		type: 'host',
	};

	if (source.protocol === 'tcp') {
		// RFC 6544: we only accept connections.
		ice.tcpType = 'passive';
	}

	return ice;
}

/**
 * Candidates of a transport's own sockets, in listen info order (the
 * application lists them by preference): the announced address when given,
 * plus the internal one below it with exposeInternalIp.
 */
export function candidatesForSources(
	sources: readonly CandidateSource[],
	{
		enableUdp = true,
		enableTcp = true,
		preferUdp = false,
		preferTcp = false,
	}: { enableUdp?: boolean; enableTcp?: boolean; preferUdp?: boolean; preferTcp?: boolean } = {},
): IceCandidate[] {
	const candidates: IceCandidate[] = [];
	let decrement = 0;

	for (const source of sources) {
		const enabled = source.protocol === 'udp' ? enableUdp : enableTcp;

		if (enabled) {
			let localPreference = DEFAULT_LOCAL_PREFERENCE - decrement;

			if ((source.protocol === 'udp' && preferUdp) || (source.protocol === 'tcp' && preferTcp)) {
				localPreference += PREFERRED_PROTOCOL_BOOST;
			}

			const priority = iceCandidatePriority(localPreference);

			if (source.announcedAddress) {
				candidates.push(candidate(source, source.announcedAddress, priority));
				if (source.exposeInternalIp) {
					candidates.push(candidate(source, source.localIp, priority - INTERNAL_ADDRESS_PENALTY));
				}
			} else {
				candidates.push(candidate(source, source.localIp, priority));
			}
		}

		decrement += LOCAL_PREFERENCE_STEP;
	}

	return candidates;
}
