// zod compiles fast paths with `new Function`, which the proxy's Content-Security-Policy forbids
// (no 'unsafe-eval'): switched off before any schema is made, so no page logs a CSP violation.
import { z } from "zod";

z.config({ jitless: true });
