/** A marker no legitimate output contains: every planted key holds it. */
export const PLANTED = 'PLANTEDSECRET';

/** Known keys for every service, planted so a test can prove they never leak. */
export const plantedKeys = {
  tinker: `tml-${PLANTED}-tinker-0123456789abcdef`,
  tensafe: `ts-${PLANTED}-tensafe-0123456789abcdef`,
  syvain: `ak_org_${PLANTED}_syvain_0123456789`,
  runicorn: `rk-${PLANTED}-runicorn-0123456789`,
  middleman: `mdlm_${PLANTED}_middleman_0123456789`,
  environment: `wandb-${PLANTED}-environment-value`,
} as const;
