// Join tokens: /v1/tokens.
import { z } from "zod";
import { goDuration, isoDate, labelsField } from "./common.js";

export const addTokenRequest = z.strictObject({
  roles: z.array(z.string(), { error: 'expected a list of roles such as ["node"]' }),
  ttl: goDuration,
  token: z.string().optional(),
  labels: labelsField.optional(),
});
export type AddTokenRequest = z.input<typeof addTokenRequest>;

export const tokenRecord = z.object({
  token: z.string(),
  roles: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  expires: isoDate.optional(),
  static: z.boolean(),
});
export type TokenRecord = z.output<typeof tokenRecord>;

export const addTokenResponse = tokenRecord.extend({
  expires: isoDate,
  /** Milliseconds the token lives. */
  ttl: z.number(),
});
export type AddTokenResponse = z.output<typeof addTokenResponse>;

export const listTokensResponse = z.object({ tokens: z.array(tokenRecord) });
