/** A parsed scalability mode string (webrtc-svc), e.g. 'L3T3_KEY'. */
export type ScalabilityMode = {
	spatialLayers: number;
	temporalLayers: number;
	/** K-SVC: spatial layers depend on each other only at key frames. */
	ksvc: boolean;
};
