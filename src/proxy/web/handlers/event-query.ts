// The audit log filters of the web API's event search and export, checked with zod and passed
// to auth's search as they are: auth applies them (and the user's roles).
import { z } from "zod";

const rfc3339 = z.iso.datetime({ offset: true, error: "expected an RFC 3339 time" });
const nonEmpty = z.string().min(1, { error: "must not be empty" }).max(1024);

/** Events per page (per call to auth). */
export const pageLimit = z
  .string()
  .regex(/^\d{1,6}$/, { error: "expected a whole number" })
  .optional();

export const eventFilters = {
  from: rfc3339.optional(),
  to: rfc3339.optional(),
  types: z
    .string()
    .regex(/^[^,]+(,[^,]+)*$/, { error: "expected event types separated by commas" })
    .max(4096)
    .optional(),
  user: nonEmpty.optional(),
  sid: nonEmpty.optional(),
  server: nonEmpty.optional(),
  text: nonEmpty.optional(),
  order: z.enum(["asc", "desc"], { error: 'expected "asc" or "desc"' }).optional(),
};
