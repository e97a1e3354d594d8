// How hard the reliability suite tries: `short` (CI, minutes) or RELIABILITY_PROFILE=full.
export const PROFILE = process.env.RELIABILITY_PROFILE === 'full' ? 'full' : 'short';
export const full = PROFILE === 'full';
