// Deterministic fault injection: latency, 429/503/500, dropped connections, expired tokens.
import { seededRandom } from '@rclone-b2/core';

/**
 * `drop` closes the connection before the call runs; `drop-after` runs it, then closes
 * without answering; `cut` runs it and sends the headers and half the body, then closes
 * (a download or listing that breaks off mid-body).
 */
export type FaultKind = 'latency' | '429' | '503' | '500' | 'drop' | 'drop-after' | 'cut' | 'expired';

export const FAULT_KINDS: readonly FaultKind[] = ['latency', '429', '503', '500', 'drop', 'drop-after', 'cut', 'expired'];

export interface FaultRule {
  kind: FaultKind;
  /** Chance per matching call, 0..1 (default 1 when `every` is not given). */
  probability?: number;
  /** Fire on every Nth matching call (N, 2N, ...). */
  every?: number;
  /** Only these API call names (e.g. `b2_list_file_versions`, `b2_upload_file`, `b2_download_file_by_id`). */
  calls?: string[];
  /** latency: milliseconds to wait before answering. */
  ms?: number;
  /** 429/503: value of the Retry-After header in seconds (omitted when undefined). */
  retryAfter?: number;
  /** Stop after firing this many times. */
  limit?: number;
}

export interface FaultConfig {
  seed?: number;
  rules: FaultRule[];
}

export interface FaultDecision {
  latencyMs: number;
  failure?: FaultRule;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private counts: number[] = [];
  private fired: number[] = [];
  private random: () => number = seededRandom(1);

  constructor(config?: FaultConfig | FaultRule[]) {
    this.set(config);
  }

  set(config?: FaultConfig | FaultRule[]): void {
    const normal: FaultConfig = Array.isArray(config) ? { rules: config } : (config ?? { rules: [] });
    this.rules = normal.rules.map((r) => ({ ...r }));
    this.counts = this.rules.map(() => 0);
    this.fired = this.rules.map(() => 0);
    this.random = seededRandom(normal.seed ?? 1);
  }

  /** How many times each kind of fault fired since the last set(). */
  firedByKind(): Map<FaultKind, number> {
    const out = new Map<FaultKind, number>();
    this.rules.forEach((rule, i) => out.set(rule.kind, (out.get(rule.kind) ?? 0) + (this.fired[i] ?? 0)));
    return out;
  }

  /** Decides, for one call, the added latency and at most one failure (the first rule that fires). */
  decide(call: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    this.rules.forEach((rule, i) => {
      if (rule.calls && !rule.calls.includes(call)) return;
      if (rule.kind === 'expired' && call === 'b2_authorize_account') return;
      if (rule.limit !== undefined && (this.fired[i] ?? 0) >= rule.limit) return;
      const n = (this.counts[i] = (this.counts[i] ?? 0) + 1);
      let fire: boolean;
      if (rule.every !== undefined) fire = n % rule.every === 0;
      else fire = this.random() < (rule.probability ?? 1);
      if (rule.every !== undefined && rule.probability !== undefined && fire) fire = this.random() < rule.probability;
      if (!fire) return;
      if (rule.kind === 'latency') {
        decision.latencyMs += rule.ms ?? 0;
        this.fired[i] = (this.fired[i] ?? 0) + 1;
      } else if (!decision.failure) {
        decision.failure = rule;
        this.fired[i] = (this.fired[i] ?? 0) + 1;
      }
    });
    return decision;
  }
}

/**
 * Parses a CLI fault spec: `KIND[:key=value,...]`, keys p (probability), every, ms,
 * retryAfter, limit, calls (`+`-separated). E.g. `503:p=0.1`, `latency:ms=50`,
 * `429:every=5,retryAfter=1,calls=b2_list_file_versions+b2_hide_file`.
 */
export function parseFaultSpec(spec: string): FaultRule {
  const [kind = '', rest] = spec.split(':', 2) as [string, string | undefined];
  const known = FAULT_KINDS.find((k) => k === kind);
  if (!known) throw new Error(`unknown fault kind '${kind}' (${FAULT_KINDS.join(', ')})`);
  const rule: FaultRule = { kind: known };
  for (const pair of rest ? rest.split(',') : []) {
    const [key, value = ''] = pair.split('=', 2) as [string, string | undefined];
    const num = Number(value);
    switch (key) {
      case 'p':
      case 'probability':
        rule.probability = num;
        break;
      case 'every':
        rule.every = num;
        break;
      case 'ms':
        rule.ms = num;
        break;
      case 'retryAfter':
        rule.retryAfter = num;
        break;
      case 'limit':
        rule.limit = num;
        break;
      case 'calls':
        rule.calls = value.split('+').filter(Boolean);
        break;
      default:
        throw new Error(`unknown fault option '${key}' in '${spec}'`);
    }
    if (key !== 'calls' && !Number.isFinite(num)) throw new Error(`fault option ${key} needs a number in '${spec}'`);
  }
  return rule;
}
